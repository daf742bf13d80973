//! Blueprints from elsewhere and the hard edges: every case ends in a clear error of a few
//! lines (no panic, no backtrace), its documented exit code, and nothing left on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Output, sf};

/// A small valid base blueprint: one harness test, one task.
fn write_blueprint(dir: &Path) {
    let files: &[(&str, &str)] = &[
        (
            "blueprint.toml",
            r#"schema = 1
id = "mini"
kind = "base"
version = "1.0.0"
title = "Mini calculator"
summary = "A one-function calculator"
difficulty = "beginner"
hours = 1
skills = ["pytest"]
harness = ["tests/test_harness.py"]

[[questions]]
id = "folder"
prompt = "Extra folder"
type = "string"
default = "extra"

[python.groups]
test = ["pytest>=9"]

[[tasks]]
id = "add"
title = "Add"
summary = "Add two numbers"
skills = ["pytest"]
hints = ["Use +"]
tests = ["tests/test_add.py"]
"#,
        ),
        ("template/src/{{project.package}}/__init__.py", ""),
        (
            "template/src/{{project.package}}/calc.py",
            "def add(a: int, b: int) -> int:\n    raise NotImplementedError\n",
        ),
        (
            "template/tests/test_harness.py.hbs",
            "import {{project.package}}\n\n\ndef test_imports() -> None:\n    assert {{project.package}}\n",
        ),
        (
            "template/tests/test_add.py.hbs",
            "from {{project.package}}.calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n",
        ),
        ("template/{{answers.folder}}/NOTE.md", "notes\n"),
        (
            "solution/src/{{project.package}}/calc.py",
            "def add(a: int, b: int) -> int:\n    return a + b\n",
        ),
    ];
    crate::support::write_files(dir, files);
}

fn blueprint() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bp = dir.path().join("mini");
    write_blueprint(&bp);
    (dir, bp)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `new demo --from BP` in a fresh folder; returns the output and the folder.
fn new_from(bp: &Path, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out_dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "new",
        "demo",
        "--from",
        bp.to_str().unwrap(),
        "--yes",
        "--no-git",
    ];
    args.extend_from_slice(extra);
    (sf(args).cwd(out_dir.path()).run(), out_dir)
}

/// The error is short, plain and names what it must; nothing was written.
#[track_caller]
fn refused(bp: &Path, extra: &[&str], code: i32, needles: &[&str]) {
    let (out, dir) = new_from(bp, extra);
    let out = out.code(code);
    for needle in needles {
        assert!(
            out.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            out.stderr
        );
    }
    assert!(
        out.stderr.lines().count() <= 4,
        "a few lines, not a dump:\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("backtrace"),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left on disk"
    );
}

#[test]
fn a_custom_blueprint_folder_generates_a_project() {
    let (_d, bp) = blueprint();
    let (out, dir) = new_from(&bp, &["--set", "folder=docs"]);
    out.success();
    let project = dir.path().join("demo");
    assert!(project.join("src/demo/calc.py").is_file());
    assert!(project.join("docs/NOTE.md").is_file());
    assert!(
        fs::read_to_string(project.join("TASKS.md"))
            .unwrap()
            .contains("**1. Add**")
    );
}

#[test]
fn junk_is_never_copied_and_empty_folders_are_kept_in_the_first_commit() {
    let (_d, bp) = blueprint();
    fs::create_dir_all(bp.join("template/data/raw")).unwrap();
    fs::create_dir_all(bp.join("template/src/{{project.package}}/__pycache__")).unwrap();
    for junk in [
        "template/.DS_Store",
        "template/src/{{project.package}}/__pycache__/calc.cpython-312.pyc",
        "template/src/{{project.package}}/.calc.py.swp",
        "template/src/{{project.package}}/calc.py~",
    ] {
        fs::write(bp.join(junk), "junk").unwrap();
    }
    let out_dir = tempfile::tempdir().unwrap();
    sf(["new", "demo", "--from", bp.to_str().unwrap(), "--yes"])
        .git_identity("Test Learner", "learner@example.com")
        .cwd(out_dir.path())
        .run()
        .success();
    let project = out_dir.path().join("demo");
    let files = crate::support::tree(&project);
    assert!(
        files
            .iter()
            .all(|f| !f.contains("__pycache__") && !f.ends_with('~')),
        "{files:?}"
    );
    assert!(!project.join(".DS_Store").exists() && !project.join("src/demo/.calc.py.swp").exists());
    let repo = git2::Repository::open(&project).unwrap();
    let head = repo.head().unwrap().peel_to_tree().unwrap();
    let keep = head.get_path(Path::new("data/raw/.gitkeep")).unwrap();
    assert_eq!(repo.find_blob(keep.id()).unwrap().content(), b"");

    let out = sf(["lint", bp.to_str().unwrap()]).run().code(4);
    for named in [
        "template/.DS_Store: macOS folder metadata",
        "__pycache__: Python bytecode cache",
        ".calc.py.swp: vim swap file",
        "calc.py~: editor backup",
        "template/data/raw: an empty folder",
    ] {
        assert!(out.stdout.contains(named), "{named}:\n{}", out.stdout);
    }
}

#[test]
fn a_git_url_is_cloned_at_the_requested_revision() {
    let (_d, bp) = blueprint();
    let repo = git2::Repository::init(&bp).unwrap();
    let sig = git2::Signature::now("T", "t@example.com").unwrap();
    let commit = |message: &str| {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parents: Vec<git2::Commit> = repo
            .head()
            .ok()
            .map(|h| h.peel_to_commit().unwrap())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    };
    let first = commit("one");
    edit(
        &bp.join("blueprint.toml"),
        "title = \"Mini calculator\"",
        "title = \"Renamed\"",
    );
    edit(
        &bp.join("blueprint.toml"),
        "title = \"Add\"",
        "title = \"Add numbers\"",
    );
    commit("two");
    let url = format!("file://{}", bp.display());
    let tasks = |extra: &[&str]| {
        let out_dir = tempfile::tempdir().unwrap();
        let mut args = vec!["new", "demo", "--from", &url, "--yes", "--no-git"];
        args.extend_from_slice(extra);
        sf(args).cwd(out_dir.path()).run().success();
        fs::read_to_string(out_dir.path().join("demo/TASKS.md")).unwrap()
    };
    assert!(tasks(&[]).contains("**1. Add numbers**"));
    let at_first = tasks(&["--rev", &first.to_string()]);
    assert!(
        at_first.contains("**1. Add**") && !at_first.contains("Add numbers"),
        "{at_first}"
    );
    refused(
        Path::new(&format!("file://{}/nope", bp.display())),
        &[],
        4,
        &["--from"],
    );
}

#[test]
fn lint_reports_every_problem_with_file_and_line() {
    let (_d, bp) = blueprint();
    let manifest = bp.join("blueprint.toml");
    edit(
        &manifest,
        "skills = [\"pytest\"]\nharness",
        "skills = [\"pytest\", \"telepathy\"]\nharness",
    );
    edit(&manifest, "id = \"add\"", "id = \"Add_Numbers\"");
    edit(
        &manifest,
        "tests = [\"tests/test_add.py\"]",
        "tests = [\"tests/test_sum.py\"]",
    );
    fs::write(
        bp.join("template/tests/broken.py.hbs"),
        "{{#if x}}unclosed\n",
    )
    .unwrap();
    fs::write(
        bp.join("template/tests/typo.py.hbs"),
        "import {{project.pakage}}\n",
    )
    .unwrap();
    let out = sf(["lint", bp.to_str().unwrap()]).run().code(4);
    let text = out.stdout;
    assert!(
        text.contains("blueprint.toml:9:") && text.contains("telepathy"),
        "{text}"
    );
    assert!(
        text.contains("\"Add_Numbers\" must be kebab-case"),
        "{text}"
    );
    assert!(text.contains("template/tests/broken.py.hbs"), "{text}");
    assert!(
        text.contains("template/tests/typo.py.hbs") && text.contains("project.pakage"),
        "{text}"
    );
    assert!(out.stderr.contains("problem(s) found"), "{}", out.stderr);
    let (_d2, good) = blueprint();
    sf(["lint", good.to_str().unwrap()])
        .run()
        .success()
        .stdout_has(": ok");
}

#[test]
fn lint_checks_that_task_tests_exist() {
    let (_d, bp) = blueprint();
    edit(
        &bp.join("blueprint.toml"),
        "tests = [\"tests/test_add.py\"]",
        "tests = [\"tests/test_sum.py\"]",
    );
    sf(["lint", bp.to_str().unwrap()])
        .run()
        .code(4)
        .stdout_has("\"tests/test_sum.py\", which the starter does not contain");
}

#[test]
fn malformed_manifests_are_refused_with_file_line_and_key() {
    let (_d, bp) = blueprint();
    let manifest = bp.join("blueprint.toml");
    edit(&manifest, "hours = 1", "hours = 1\ncolour = \"red\"");
    refused(&bp, &[], 4, &["blueprint.toml:9:", "colour"]);
    edit(&manifest, "colour = \"red\"", "hours2 = ");
    refused(&bp, &[], 4, &["blueprint.toml:9:"]);
    edit(&manifest, "hours2 = ", "");
    edit(&manifest, "hours = 1", "hours = \"one\"");
    refused(&bp, &[], 4, &["blueprint.toml:8:", "`hours`"]);
}

#[test]
fn hostile_blueprints_cannot_write_or_read_outside() {
    let (_d, bp) = blueprint();
    // An answer that would lead out of the project is the learner's to fix (exit 2).
    refused(
        &bp,
        &["--set", "folder=../../escape"],
        2,
        &["--set folder", "'..'"],
    );
    refused(
        &bp,
        &["--set", "folder=/tmp/escape"],
        2,
        &["--set folder", "relative"],
    );
    refused(&bp, &["--set", "folder=."], 2, &["--set folder"]);
    refused(&bp, &["--set", "folder=.git"], 2, &["--set folder", ".git"]);

    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let link = bp.join("template/leak.txt");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), &link).unwrap();
    refused(&bp, &[], 4, &["pointing outside the blueprint"]);
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(bp.join("template/src"), bp.join("template/alias")).unwrap();
    refused(&bp, &[], 4, &["symlinked folders"]);
}

#[test]
fn broken_templates_name_the_file() {
    let (_d, bp) = blueprint();
    let bad = bp.join("template/bad.py.hbs");
    fs::write(&bad, [0x66, 0x6f, 0xff, 0xfe, 0x0a]).unwrap();
    refused(&bp, &[], 4, &["template/bad.py.hbs", "UTF-8"]);
    fs::write(&bad, "{{#each x}}\n").unwrap();
    refused(&bp, &[], 4, &["template mini/template/bad.py.hbs"]);
    fs::write(&bad, "x = {{answers.missing}}\n").unwrap();
    refused(
        &bp,
        &[],
        4,
        &["template mini/template/bad.py.hbs", "answers.missing"],
    );
}

#[test]
fn bad_names_and_destinations_are_refused() {
    let (_d, bp) = blueprint();
    let long = "a".repeat(65);
    let out_dir = tempfile::tempdir().unwrap();
    for (name, needle) in [
        (long.as_str(), "limit is 64"),
        ("-api", "unexpected argument"),
        ("src/x", "--output-dir"),
    ] {
        let out = sf(["new", name, "--from", bp.to_str().unwrap(), "-y"])
            .cwd(out_dir.path())
            .run()
            .code(2);
        assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
    }
    assert_eq!(fs::read_dir(out_dir.path()).unwrap().count(), 0);
    if Path::new("/sys/kernel").is_dir() {
        refused(&bp, &["-o", "/sys/kernel"], 3, &["not writable"]);
    }
}

fn slow_run(parent: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .args(["new", "demo", "-b", "fastapi-service", "-y", "--no-git"])
        .current_dir(parent)
        .env("SKILLFORGE_WRITE_DELAY_MS", "40")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the run has started writing (its staging folder exists).
fn wait_for_staging(parent: &Path) {
    for _ in 0..200 {
        if fs::read_dir(parent).unwrap().count() > 0 {
            std::thread::sleep(Duration::from_millis(120));
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the run never started writing");
}

#[test]
fn sigint_while_writing_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let child = slow_run(dir.path());
    wait_for_staging(dir.path());
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cancelled; nothing was written"));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no destination and no staging folder"
    );
}

#[test]
fn sigkill_mid_write_leaves_no_destination_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = slow_run(dir.path());
    wait_for_staging(dir.path());
    child.kill().unwrap();
    child.wait().unwrap();
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(".skillforge-"),
        "only the hidden staging folder: {left:?}"
    );
    assert!(!dir.path().join("demo").exists());
    sf(["new", "demo", "-b", "fastapi-service", "-y", "--no-git"])
        .cwd(dir.path())
        .run()
        .success();
    let now: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(now, ["demo"], "the leftover was removed");
}
