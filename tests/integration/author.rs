//! `skillforge author replay` and `author record`: the round trip over every embedded
//! blueprint, the history's mistakes each refused with its fix, and `steps/` never
//! half-written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use skillforge::blueprint::{Blueprint, local, steps};

use crate::support::sf;

fn blueprints_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn replay(blueprint: &Path, repo: &Path) {
    sf(["author", "replay", text(blueprint), text(repo)])
        .run()
        .success();
}

fn record(repo: &Path, blueprint: &Path) -> crate::support::Output {
    sf(["author", "record", text(repo), text(blueprint)]).run()
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=A", "-c", "user.email=a@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The raw files after each task, by task id.
fn states(blueprint: &Blueprint) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    blueprint
        .manifest
        .tasks
        .iter()
        .map(|task| {
            let (_, after) = steps::around(blueprint, &task.id).unwrap().unwrap();
            let files = after
                .into_iter()
                .map(|(k, f)| (k, f.bytes.to_vec()))
                .collect();
            (task.id.clone(), files)
        })
        .collect()
}

fn step_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir.join("steps"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn replay_then_record_gives_every_blueprint_steps_that_build_the_same_trees() {
    let ids: Vec<String> = fs::read_dir(blueprints_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !name.starts_with('_') && blueprints_dir().join(name).join("blueprint.toml").exists()
        })
        .collect();
    let mut found = ids.clone();
    found.sort();
    let mut embedded: Vec<String> = skillforge::blueprint::Library::embedded()
        .unwrap()
        .blueprints
        .iter()
        .map(|b| b.id().to_string())
        .collect();
    embedded.sort();
    assert_eq!(found, embedded, "every embedded blueprint, and only those");
    for id in ids {
        let work = tempfile::tempdir().unwrap();
        let (first, second) = (work.path().join("first"), work.path().join("second"));
        copy_dir(&blueprints_dir().join(&id), &first);
        replay(&first, &work.path().join("repo1"));
        record(&work.path().join("repo1"), &first).success();
        let original = local::load_one(&blueprints_dir().join(&id)).unwrap();
        let recorded = local::load_one(&first).unwrap();
        assert!(
            states(&original) == states(&recorded),
            "{id}: the recorded steps build other trees"
        );
        // Once written by `record`, the steps come back byte for byte.
        copy_dir(&first, &second);
        replay(&second, &work.path().join("repo2"));
        record(&work.path().join("repo2"), &second).success();
        assert!(
            step_files(&first) == step_files(&second),
            "{id}: a second round trip changed the steps"
        );
    }
}

/// A copy of pandas-analysis and its replayed repository.
fn pandas() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let (blueprint, repo) = (work.path().join("bp"), work.path().join("repo"));
    copy_dir(&blueprints_dir().join("pandas-analysis"), &blueprint);
    replay(&blueprint, &repo);
    (work, blueprint, repo)
}

#[test]
fn replay_commits_the_starter_then_one_commit_per_task_named_by_its_id() {
    let (_work, _, repo) = pandas();
    let log = git(&repo, &["log", "--reverse", "--format=%s"]);
    let subjects: Vec<&str> = log.lines().collect();
    assert_eq!(subjects.len(), 10, "{log}");
    assert!(subjects[0].starts_with("starter: pandas-analysis"), "{log}");
    assert!(subjects[1].starts_with("load-data: "), "{log}");
    // The template's raw text sits beside the file it renders.
    let twin = fs::read_to_string(repo.join("src/skf_sample/cli.py.hbs")).unwrap();
    assert!(twin.contains("{{project.name}}"));
    assert!(
        fs::read_to_string(repo.join("src/skf_sample/cli.py"))
            .unwrap()
            .contains("prog=\"skf-sample\"")
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
}

#[test]
fn replay_through_a_task_stops_after_its_commit_and_refuses_a_used_folder() {
    let work = tempfile::tempdir().unwrap();
    let blueprint = blueprints_dir().join("pandas-analysis");
    let repo = work.path().join("repo");
    sf([
        "author",
        "replay",
        "--through",
        "clean-orders",
        text(&blueprint),
        text(&repo),
    ])
    .run()
    .success();
    let log = git(&repo, &["log", "--format=%s"]);
    assert!(log.starts_with("clean-orders: "), "{log}");
    sf(["author", "replay", text(&blueprint), text(&repo)])
        .run()
        .code(3)
        .stderr_has("not an empty folder");
}

#[test]
fn an_add_on_is_replayed_onto_its_first_base_or_the_one_given() {
    let work = tempfile::tempdir().unwrap();
    let quality = blueprints_dir().join("quality");
    let repo = work.path().join("repo");
    sf([
        "author",
        "replay",
        "--base",
        "pypi-package",
        text(&quality),
        text(&repo),
    ])
    .run()
    .success();
    assert!(
        fs::read_to_string(repo.join(".skillforge/origin.toml"))
            .unwrap()
            .contains("pypi-package")
    );
    let other = work.path().join("other");
    sf([
        "author",
        "replay",
        "--base",
        "docker",
        text(&quality),
        text(&other),
    ])
    .run()
    .code(2)
    .stderr_has("\"docker\" is not one; pass --base with one of");
}

/// Amends HEAD after `change` ran in the repository.
fn amend(repo: &Path, change: impl FnOnce(&Path)) {
    change(repo);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "--amend", "--no-edit"]);
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_history_out_of_shape_is_refused_with_the_fix_and_steps_stay_as_they_were() {
    let (_work, blueprint, repo) = pandas();
    let before = step_files(&blueprint);
    git(&repo, &["commit", "-q", "--amend", "-m", "tidy up"]);
    record(&repo, &blueprint)
        .code(4)
        .stderr_has("does not start with a task id and a colon; reword it");
    git(
        &repo,
        &["commit", "-q", "--amend", "-m", "load-data: again"],
    );
    record(&repo, &blueprint)
        .code(4)
        .stderr_has("names task load-data, as commit");
    git(
        &repo,
        &["commit", "-q", "--amend", "-m", "report-and-cli: back"],
    );
    // Drop plot-figures (task 8): report-and-cli comes too early.
    git(&repo, &["rebase", "-q", "--onto", "HEAD~2", "HEAD~1"]);
    record(&repo, &blueprint)
        .code(4)
        .stderr_has("names task report-and-cli, but task 8 in blueprint.toml is plot-figures");
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    record(&repo, &blueprint)
        .code(2)
        .stderr_has("no commit for task plot-figures (task 8 of 9)");
    assert!(step_files(&blueprint) == before);
}

#[test]
fn changes_to_files_skillforge_writes_name_the_manifest_key() {
    let (_work, blueprint, repo) = pandas();
    amend(&repo, |r| edit(&r.join("README.md"), "\n", "\nMore.\n"));
    record(&repo, &blueprint).code(4).stderr_has("changes README.md, which skillforge writes; change the [[readme]] sections in blueprint.toml");
}

#[test]
fn a_plain_file_naming_the_sample_package_must_become_a_template() {
    let (_work, blueprint, repo) = pandas();
    amend(&repo, |r| {
        edit(
            &r.join("src/skf_sample/report.py"),
            "\n",
            "\nimport skf_sample\n",
        )
    });
    record(&repo, &blueprint)
        .code(4)
        .stderr_has("contains the sample name skf_sample")
        .stderr_has("add src/skf_sample/report.py.hbs beside it");
}

#[test]
fn a_change_to_generated_lines_needs_the_template_beside_the_file() {
    let (_work, blueprint, repo) = pandas();
    amend(&repo, |r| {
        edit(
            &r.join("src/skf_sample/cli.py"),
            "prog=\"skf-sample\"",
            "prog=\"skf-sample-cli\"",
        )
    });
    record(&repo, &blueprint).code(4).stderr_has("src/skf_sample/cli.py.hbs, the template beside it, does not render to it: the change touches lines the template generates");
    amend(&repo, |r| {
        edit(
            &r.join("src/skf_sample/cli.py.hbs"),
            "prog=\"{{project.name}}\"",
            "prog=\"{{project.name}}-cli\"",
        )
    });
    record(&repo, &blueprint).success();
    let step = fs::read_to_string(blueprint.join("steps/report-and-cli.patch")).unwrap();
    assert!(
        step.contains("+        prog=\"{{project.name}}-cli\","),
        "{step}"
    );
}

#[test]
fn a_change_to_a_templates_plain_lines_is_carried_into_its_raw_text() {
    let (_work, blueprint, repo) = pandas();
    amend(&repo, |r| {
        edit(
            &r.join("tests/conftest.py"),
            "        pyplot.close(\"all\")\n",
            "        pyplot.close(\"all\")  # every figure\n",
        )
    });
    record(&repo, &blueprint).success();
    let step = fs::read_to_string(blueprint.join("steps/report-and-cli.patch")).unwrap();
    assert!(
        step.contains("+++ b/tests/conftest.py.hbs\n")
            && step.contains("+        pyplot.close(\"all\")  # every figure\n"),
        "{step}"
    );
}

#[test]
fn a_new_file_under_the_package_gets_the_package_expression_in_its_path() {
    let (_work, blueprint, repo) = pandas();
    amend(&repo, |r| {
        fs::write(r.join("src/skf_sample/extra.py"), "X = 1\n").unwrap()
    });
    record(&repo, &blueprint).success();
    let step = fs::read_to_string(blueprint.join("steps/report-and-cli.patch")).unwrap();
    assert!(step.contains("diff --git a/src/{{project.package}}/extra.py b/src/{{project.package}}/extra.py\nnew file mode 100644\n"), "{step}");
}

/// One fenced block of docs/authoring.md: a file to write (` ```python file=PATH `) or
/// commands to run (` ```bash `, ` ```bash expect=fail ` for one that must fail).
enum Block {
    File { path: String, text: String },
    Commands { script: String, must_fail: bool },
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```").filter(|i| !i.is_empty()) else {
            continue;
        };
        let body: String = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or_default();
        let options: Vec<&str> = words.collect();
        if let Some(path) = options.iter().find_map(|o| o.strip_prefix("file=")) {
            out.push(Block::File {
                path: path.to_string(),
                text: body,
            });
        } else if lang == "bash" {
            out.push(Block::Commands {
                script: body,
                must_fail: options.contains(&"expect=fail"),
            });
        }
    }
    out
}

/// Runs `script` with bash in `dir`, with skillforge and uv on PATH.
fn bash(dir: &Path, bin: &Path, script: &str) -> std::process::Output {
    let tools = crate::python::tools();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-eu", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("UV_CACHE_DIR", tools.join("../../uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_NO_PROGRESS", "1")
        .envs([
            ("GIT_AUTHOR_NAME", "Author"),
            ("GIT_AUTHOR_EMAIL", "author@example.com"),
            ("GIT_COMMITTER_NAME", "Author"),
            ("GIT_COMMITTER_EMAIL", "author@example.com"),
        ])
        .output()
        .unwrap()
}

/// docs/authoring.md, run as written: its files written and its commands run in order, then
/// the outcomes it promises checked.
#[test]
fn python_the_authoring_walk_works_as_written() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/authoring.md"))
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let bin = work.path().join("bin");
    fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_skillforge"), bin.join("skillforge")).unwrap();
    let dir = work.path().join("walk");
    fs::create_dir(&dir).unwrap();
    for block in blocks(&doc) {
        match block {
            Block::File { path, text } => {
                let target = dir.join(&path);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::write(target, text).unwrap();
            }
            Block::Commands { script, must_fail } => {
                let out = bash(&dir, &bin, &script);
                let said = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(!out.status.success(), must_fail, "{script}\n{said}");
            }
        }
    }
    let lint = bash(&dir, &bin, "skillforge lint text-stats");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let starter = bash(&dir, &bin, "skillforge check --path starter");
    let finished = bash(&dir, &bin, "skillforge check --path finished");
    assert!(finished.status.success());
    for title in ["Count the words", "Find the longest word"] {
        let line = |out: &std::process::Output| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find(|l| l.contains(title))
                .unwrap_or_default()
                .to_string()
        };
        assert!(line(&starter).contains('✘'), "starter: {}", line(&starter));
        assert!(line(&finished).contains('✔'), "solved: {}", line(&finished));
    }
}
