//! Names and paths that work everywhere, through the real binary: names clashing with the
//! plan's dependencies or matched by the generated `.gitignore`, names, answers and blueprint
//! paths Windows or macOS cannot check out, file modes under the user's umask, and the git
//! side (`--rev` by branch, tag or commit; `init.defaultBranch`; every file committed).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::{Output, sf, write_files};

/// Runs `new` with `args` in a fresh folder; returns the output and the folder.
fn new_in_fresh(args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    all.push("--yes");
    let out = sf(all)
        .cwd(dir.path())
        .git_identity("Test Learner", "learner@example.com")
        .run();
    (out, dir)
}

/// `new ARGS` exits `code`, names every needle, in a few lines, and writes nothing.
#[track_caller]
fn refused(args: &[&str], code: i32, needles: &[&str]) {
    let (out, dir) = new_in_fresh(args);
    assert_eq!(out.code, code, "{args:?}:\n{}", out.stderr);
    for needle in needles {
        assert!(
            out.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.lines().count() <= 4, "{}", out.stderr);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "{args:?}: nothing is written"
    );
}

#[test]
fn refuses_names_that_are_a_dependency_of_the_plan() {
    for (name, base, extra) in [
        ("fastapi", "fastapi-service", None),
        ("FastAPI", "fastapi-service", None),
        ("uvicorn", "fastapi-service", None),
        ("pydantic_settings", "fastapi-service", None),
        ("Pydantic.Settings", "fastapi-service", None),
        ("httpx2", "fastapi-service", None),
        ("mypy", "fastapi-service", None),
        ("mlflow", "mlflow-experiment", None),
        ("mlflow-skinny", "mlflow-experiment", None),
        ("sklearn", "mlflow-experiment", None),
        ("scikit_learn", "mlflow-experiment", None),
        ("pandas", "pandas-analysis", None),
        ("matplotlib", "pandas-analysis", None),
        ("build", "pypi-package", None),
        ("twine", "pypi-package", None),
        ("hatchling", "pypi-package", None),
        ("pre-commit", "fastapi-service", Some("quality")),
        ("ruff", "pandas-analysis", Some("quality")),
        ("coverage", "pypi-package", Some("testing-craft")),
        // Installed with them: a package of the same name would clash.
        ("starlette", "fastapi-service", None),
        ("click", "mlflow-experiment", None),
        ("packaging", "pypi-package", None),
        ("dateutil", "pandas-analysis", None),
        ("identify", "pypi-package", Some("quality")),
    ] {
        let mut args = vec![name, "--blueprint", base];
        if let Some(addon) = extra {
            args.extend(["--with", addon]);
        }
        let suggestion = format!("my-{}", name.to_lowercase().replace(['_', '.'], "-"));
        refused(&args, 2, &["invalid project name", "depend", &suggestion]);
    }
}

#[test]
fn a_name_is_refused_only_with_the_blueprints_that_depend_on_it() {
    let (out, dir) = new_in_fresh(&["mlflow", "--blueprint", "fastapi-service"]);
    out.success();
    assert!(dir.path().join("mlflow/src/mlflow/__init__.py").is_file());
}

#[test]
fn refuses_names_the_generated_gitignore_would_leave_out() {
    for (name, base) in [
        ("build", "fastapi-service"),
        ("dist", "fastapi-service"),
        ("Dist", "pandas-analysis"),
        ("htmlcov", "mlflow-experiment"),
        ("reports", "pandas-analysis"),
        ("mlruns", "mlflow-experiment"),
    ] {
        let suggestion = format!("my-{}", name.to_lowercase());
        refused(
            &[name, "--blueprint", base],
            2,
            &[".gitignore ignores it", "first commit", &suggestion],
        );
    }
}

#[test]
fn names_another_blueprint_does_not_ignore_are_committed_whole() {
    let (out, dir) = new_in_fresh(&["reports", "--blueprint", "fastapi-service"]);
    out.success();
    let repo = git2::Repository::open(dir.path().join("reports")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    assert!(tree.get_path(Path::new("src/reports/__init__.py")).is_ok());
    assert_eq!(repo.statuses(None).unwrap().len(), 0, "nothing left out");
}

#[test]
fn refuses_names_windows_reserves_for_devices() {
    for name in [
        "con", "CON", "Prn", "aux", "nul", "com1", "COM9", "lpt1", "Lpt9",
    ] {
        refused(
            &[name, "--blueprint", "fastapi-service"],
            2,
            &["Windows reserves", "device", "try \"my-"],
        );
    }
    // Only the whole name is reserved.
    for name in ["console", "con-api", "aux.txt", "com10"] {
        new_in_fresh(&[name, "--blueprint", "pypi-package"])
            .0
            .success();
    }
}

#[test]
fn refuses_names_with_characters_or_ends_windows_cannot_hold() {
    for name in ["a:b", "a<b", "a>b", "a\"b", "a|b", "a?b", "a*b", "a\tb"] {
        refused(
            &[name, "--blueprint", "fastapi-service"],
            2,
            &["not allowed"],
        );
    }
    for name in ["name.", "name-", "name. "] {
        refused(
            &[name, "--blueprint", "fastapi-service"],
            2,
            &["start and end"],
        );
    }
}

/// A small base blueprint whose extra folder is the answer `folder`.
fn answer_blueprint() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bp = dir.path().join("tiny");
    write_files(
        &bp,
        &[
            (
                "blueprint.toml",
                r#"schema = 1
id = "tiny"
kind = "base"
version = "1.0.0"
title = "Tiny"
summary = "A tiny project"
difficulty = "beginner"
hours = 1
skills = ["pytest"]
harness = ["tests/test_harness.py"]

[[questions]]
id = "folder"
prompt = "Extra folder"
type = "string"
default = "notes"

[python.groups]
test = ["pytest>=9"]

[[tasks]]
id = "one"
title = "One"
summary = "Return one"
skills = ["pytest"]
hints = ["Return 1"]
tests = ["tests/test_one.py"]
"#,
            ),
            ("template/src/{{project.package}}/__init__.py", ""),
            (
                "template/src/{{project.package}}/one.py",
                "def one() -> int:\n    raise NotImplementedError\n",
            ),
            (
                "template/tests/test_harness.py.hbs",
                "import {{project.package}}\n\n\ndef test_imports() -> None:\n    assert {{project.package}}\n",
            ),
            (
                "template/tests/test_one.py.hbs",
                "from {{project.package}}.one import one\n\n\ndef test_one() -> None:\n    assert one() == 1\n",
            ),
            ("template/{{answers.folder}}/README.md", "notes\n"),
            ("template/run.sh", "#!/bin/sh\necho run\n"),
            (
                "solution/src/{{project.package}}/one.py",
                "def one() -> int:\n    return 1\n",
            ),
        ],
    );
    let run = bp.join("template/run.sh");
    fs::set_permissions(&run, fs::Permissions::from_mode(0o755)).unwrap();
    (dir, bp)
}

#[test]
fn answers_that_make_bad_paths_are_the_learners_to_fix() {
    let (_d, bp) = answer_blueprint();
    let from = bp.to_str().unwrap();
    let long = "x".repeat(190);
    for answer in [
        "../x",
        "../../escape",
        "a/../../b",
        "/tmp/x",
        "a\\b",
        "",
        "a//b",
        "CON",
        "aux.md",
        "docs/nul",
        "a:b",
        "a|b",
        "what?",
        "x.",
        "x /y",
        "tab\there",
        "build",
        ".venv",
        "Src",
        "SRC/extra",
        long.as_str(),
        ".git",
        ".GIT.",
    ] {
        let set = format!("folder={answer}");
        refused(
            &["demo", "--from", from, "--set", &set, "--no-git"],
            2,
            &["invalid answer", "--set folder"],
        );
    }
    let (out, dir) = new_in_fresh(&["demo", "--from", from, "--set", "folder=docs/notes"]);
    out.success();
    assert!(dir.path().join("demo/docs/notes/README.md").is_file());
}

#[test]
fn blueprint_paths_that_break_on_windows_or_macos_are_the_blueprints_fault() {
    for (path, needle) in [
        ("template/aux.py", "device"),
        ("template/src/{{project.package}}/Con.txt", "device"),
        ("template/notes./a.md", "dot or a space"),
        ("template/what?.md", "Windows does not allow"),
        ("template/tests/README.md", "only in case"),
    ] {
        let (_d, bp) = answer_blueprint();
        write_files(&bp, &[(path, "x\n"), ("template/tests/readme.md", "y\n")]);
        let from = bp.to_str().unwrap();
        refused(&["demo", "--from", from, "--no-git"], 4, &[needle]);
        let lint = sf(["lint", from]).run();
        assert_ne!(lint.code, 0, "{path}: lint fails");
        let all = format!("{}{}", lint.stdout, lint.stderr);
        assert!(all.contains(needle), "{path}: lint names it:\n{all}");
    }
}

#[test]
fn a_handlebars_path_with_a_quoted_string_is_a_lint_error() {
    let (_d, bp) = answer_blueprint();
    write_files(&bp, &[("template/{{lookup answers \"folder\"}}.md", "x\n")]);
    let lint = sf(["lint", bp.to_str().unwrap()]).run();
    let all = format!("{}{}", lint.stdout, lint.stderr);
    assert!(all.contains("Windows does not allow"), "{all}");
}

/// Runs `new` from the answer blueprint under `umask`; returns the project's folder.
fn new_under_umask(umask: &str) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let (bp_dir, bp) = answer_blueprint();
    let out = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("umask {umask} && exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_skillforge"))
        .args(["new", "demo", "--from", bp.to_str().unwrap(), "--yes"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(out.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let path = out.path().join("demo");
    (bp_dir, out, path)
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn file_modes_follow_the_umask() {
    for (umask, folder, file, executable) in [
        ("077", 0o700, 0o600, 0o700),
        ("002", 0o775, 0o664, 0o775),
        ("022", 0o755, 0o644, 0o755),
    ] {
        let (_bp, _out, path) = new_under_umask(umask);
        assert_eq!(mode(&path), folder, "umask {umask}: the project's folder");
        assert_eq!(mode(&path.join("src")), folder, "umask {umask}: src/");
        assert_eq!(mode(&path.join("pyproject.toml")), file, "umask {umask}");
        assert_eq!(mode(&path.join("run.sh")), executable, "umask {umask}");
        let repo = git2::Repository::open(&path).unwrap();
        let tree = repo.head().unwrap().peel_to_tree().unwrap();
        let run = tree.get_path(Path::new("run.sh")).unwrap();
        assert_eq!(run.filemode(), 0o100_755, "committed as executable");
    }
}

/// A git repository of the answer blueprint: `main` with one commit, `feature` with a
/// renamed title, tag `v1` on the first commit. Returns its `file://` URL and both commits.
fn blueprint_repository() -> (tempfile::TempDir, String, git2::Oid, git2::Oid) {
    let (dir, bp) = answer_blueprint();
    let repo =
        git2::Repository::init_opts(&bp, git2::RepositoryInitOptions::new().initial_head("main"))
            .unwrap();
    let sig = git2::Signature::now("T", "t@example.com").unwrap();
    let commit = |message: &str, parents: &[&git2::Commit<'_>]| {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        repo.commit(None, &sig, &sig, message, &tree, parents)
            .unwrap()
    };
    let first = commit("one", &[]);
    let first_commit = repo.find_commit(first).unwrap();
    repo.branch("main", &first_commit, true).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    repo.tag_lightweight("v1", first_commit.as_object(), false)
        .unwrap();
    let manifest = bp.join("blueprint.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("title = \"One\"", "title = \"Feature one\""),
    )
    .unwrap();
    let second = commit("two", &[&first_commit]);
    repo.branch("feature", &repo.find_commit(second).unwrap(), false)
        .unwrap();
    // The work tree goes back to main, so only the clone's refs tell the two apart.
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    (dir, format!("file://{}", bp.display()), first, second)
}

fn tasks_at(url: &str, rev: &str) -> Output {
    let out = tempfile::tempdir().unwrap();
    let result = sf([
        "new", "demo", "--from", url, "--rev", rev, "--yes", "--no-git",
    ])
    .cwd(out.path())
    .run();
    if result.code == 0 {
        let tasks = fs::read_to_string(out.path().join("demo/TASKS.md")).unwrap();
        return Output {
            stdout: tasks,
            ..result
        };
    }
    result
}

#[test]
fn rev_takes_a_branch_a_tag_or_a_commit() {
    let (_d, url, first, second) = blueprint_repository();
    for rev in [
        "feature",
        "origin/feature",
        &second.to_string(),
        &second.to_string()[..10],
    ] {
        tasks_at(&url, rev).success().stdout_has("Feature one");
    }
    for rev in ["v1", "main", &first.to_string()] {
        let out = tasks_at(&url, rev).success();
        assert!(!out.stdout.contains("Feature one"), "{rev}: {}", out.stdout);
    }
    tasks_at(&url, "nope")
        .code(4)
        .stderr_has("no branch, tag or commit \"nope\"");
}

#[test]
fn the_first_branch_is_init_default_branch() {
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    write_files(
        config.path(),
        &[(
            "git/config",
            "[init]\n\tdefaultBranch = trunk\n[user]\n\tname = T\n\temail = t@example.com\n",
        )],
    );
    sf(["new", "demo", "--blueprint", "pypi-package", "--yes"])
        .cwd(dir.path())
        .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
        .run()
        .success();
    let repo = git2::Repository::open(dir.path().join("demo")).unwrap();
    assert_eq!(repo.head().unwrap().shorthand().unwrap(), "trunk");
}

#[test]
fn files_the_users_own_excludes_match_are_committed_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let excludes = config.path().join("excludes");
    write_files(
        config.path(),
        &[
            ("excludes", "*.md\nsrc/\n"),
            (
                "git/config",
                &format!(
                    "[core]\n\texcludesFile = {}\n[user]\n\tname = T\n\temail = t@example.com\n",
                    excludes.display()
                ),
            ),
        ],
    );
    sf(["new", "demo", "--blueprint", "fastapi-service", "--yes"])
        .cwd(dir.path())
        .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
        .run()
        .success();
    let repo = git2::Repository::open(dir.path().join("demo")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    for path in ["README.md", "TASKS.md", "src/demo/__init__.py"] {
        assert!(
            tree.get_path(Path::new(path)).is_ok(),
            "{path} is committed"
        );
    }
}
