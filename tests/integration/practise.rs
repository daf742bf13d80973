//! The practise loop on real generated projects: `check`, `hint`, `solution`, `status`.
//!
//! The walk: for every base with all its add-ons, the starter is installed in its own
//! `.venv`; then, task after task, the task's reference solution is applied with
//! `solution --apply` and `check` must turn exactly that task green, changing TASKS.md in
//! its box alone. The first task is then broken again and must turn red. The quick tests
//! below need no Python packages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use skillforge::blueprint::{Kind, Library, compat};

use crate::python::{run_ok, tools, uv};
use crate::support::{generate, sf};

/// Task statuses by id, from `status --json`.
fn statuses(project: &Path) -> Vec<(String, String)> {
    let out = sf(["status", "--json"]).cwd(project).run().success();
    let json: Value = serde_json::from_str(&out.stdout).expect("status --json is JSON");
    json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// What is wrong with the starter's `.skillforge/results.json`: it must have the Exercism v3
/// shape, every task's tests failing under their task, and each test's source.
fn results_problems(project: &Path, label: &str, ids: &[String]) -> Vec<String> {
    let text = std::fs::read_to_string(project.join(".skillforge/results.json")).unwrap();
    let json: Value = serde_json::from_str(&text).expect("results.json is JSON");
    let mut problems = Vec::new();
    if json["version"] != 3 || json["status"] != "fail" {
        problems.push(format!("{label}: results.json version/status: {text}"));
    }
    let tests = json["tests"].as_array().unwrap();
    for id in ids {
        let mine: Vec<&Value> = tests.iter().filter(|t| t["task"] == **id).collect();
        if mine.is_empty() || mine.iter().all(|t| t["status"] == "pass") {
            problems.push(format!(
                "{label}: results.json: no failing test for task {id}"
            ));
        }
    }
    for test in tests {
        let code = test["test_code"].as_str().unwrap_or_default();
        let name = test["name"].as_str().unwrap_or_default();
        if !code.contains("def test") {
            problems.push(format!("{label}: results.json: no test_code for {name}"));
        }
        if test["status"] != "pass" && test["message"].as_str().unwrap_or_default().is_empty() {
            problems.push(format!(
                "{label}: results.json: no message for failing {name}"
            ));
        }
    }
    problems
}

/// The lines of `after` that differ from `before` (same length: only boxes change).
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    assert_eq!(
        before.lines().count(),
        after.lines().count(),
        "TASKS.md lines"
    );
    before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn git(project: &Path, args: &[&str]) {
    run_ok(
        Command::new("git").args(args).current_dir(project),
        &format!("git {}", args.join(" ")),
    );
}

/// The project installed, with its dev group, in its own `.venv`, where `check` finds it.
pub(crate) fn install(project: &Path, label: &str) {
    let venv = project.join(".venv");
    run_ok(
        uv().args(["venv", "--quiet", "--python", "python3"])
            .arg(&venv),
        "uv venv",
    );
    run_ok(
        uv().current_dir(project)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(venv.join("bin/python"))
            .args(["-e", ".", "--group", "dev"]),
        &format!("{label}: install"),
    );
}

/// A hook that reports every test as passed, in a new `conftest.py` beside the task tests
/// and added to the shipped one, must not turn a task green.
fn cheats_change_nothing(
    project: &Path,
    label: &str,
    check: impl Fn(bool) -> (bool, crate::support::Output),
) -> Vec<String> {
    const FORCE_PASS: &str = "\n\nimport pytest as _pytest\n\n\n\
        @_pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    \
        outcome = yield\n    outcome.get_result().outcome = \"passed\"\n";
    let shared = project.join("tests/conftest.py");
    let before = std::fs::read_to_string(&shared).ok();
    std::fs::write(
        &shared,
        format!("{}{FORCE_PASS}", before.clone().unwrap_or_default()),
    )
    .unwrap();
    std::fs::write(project.join("tests/tasks/conftest.py"), FORCE_PASS).unwrap();
    let (ok, out) = check(false);
    let mut problems = Vec::new();
    if !ok || statuses(project).iter().any(|(_, s)| s != "fail") {
        problems.push(format!(
            "{label}: a conftest.py that passes every test turned a task green:\n{}{}",
            out.stdout, out.stderr
        ));
    }
    std::fs::remove_file(project.join("tests/tasks/conftest.py")).unwrap();
    match before {
        Some(text) => std::fs::write(&shared, text).unwrap(),
        None => std::fs::remove_file(&shared).unwrap(),
    }
    problems
}

/// Walks every task of `base` + `addons`; returns the problems found.
fn walk(base: &str, addons: &[String], work: &Path) -> Vec<String> {
    let label = std::iter::once(base.to_string())
        .chain(addons.iter().cloned())
        .collect::<Vec<_>>()
        .join("+");
    let dir = tempfile::tempdir_in(work).unwrap();
    let mut args = vec!["new", "walk-project", "--blueprint", base, "--yes"];
    for addon in addons {
        args.extend(["--with", addon]);
    }
    sf(&args)
        .cwd(dir.path())
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    let project = dir.path().join("walk-project");
    install(&project, &label);
    let mut problems = Vec::new();
    let check = |expect_all: bool| {
        let out = sf(["check"])
            .cwd(&project)
            .timeout(std::time::Duration::from_secs(600))
            .run();
        let wanted = i32::from(!expect_all);
        (out.code == wanted, out)
    };
    let (ok, out) = check(false);
    let ids: Vec<String> = statuses(&project).into_iter().map(|(id, _)| id).collect();
    if !ok || statuses(&project).iter().any(|(_, s)| s != "fail") {
        problems.push(format!(
            "{label}: the starter should fail every task:\n{}{}",
            out.stdout, out.stderr
        ));
        return problems;
    }
    problems.extend(results_problems(&project, &label, &ids));
    problems.extend(cheats_change_nothing(&project, &label, check));
    for (k, id) in ids.iter().enumerate() {
        let before = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
        let applied = sf(["solution", id, "--give-up", "--apply"])
            .cwd(&project)
            .run();
        if applied.code != 0 {
            problems.push(format!(
                "{label}: solution {id} --apply: {}",
                applied.stderr
            ));
            break;
        }
        let (ok, out) = check(k + 1 == ids.len());
        let now = statuses(&project);
        let wrong: Vec<String> = now
            .iter()
            .enumerate()
            .filter(|(i, (_, s))| (s == "pass") != (*i <= k))
            .map(|(_, (id, s))| format!("{id}={s}"))
            .collect();
        if !ok || !wrong.is_empty() {
            problems.push(format!(
                "{label}: after applying task {} ({id}) these are wrong: {}\n{}{}",
                k + 1,
                wrong.join(", "),
                out.stdout,
                out.stderr
            ));
            break;
        }
        let after = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
        let changed = changed_lines(&before, &after);
        let expected_box = format!("- [x] **{}. ", k + 1);
        if changed.len() != 1 || !changed[0].1.starts_with(&expected_box) {
            problems.push(format!(
                "{label}: task {id}: TASKS.md should change in its box alone: {changed:?}"
            ));
        }
        if k == 0 {
            // Break it again: the files of the first task back as generated.
            let status_before = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
            git(&project, &["stash", "push", "--quiet"]);
            let (_, out) = check(false);
            if statuses(&project)[0].1 != "fail" {
                problems.push(format!(
                    "{label}: task {id} should turn red once broken again:\n{}",
                    out.stdout
                ));
            }
            let broken = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
            if changed_lines(&status_before, &broken).len() != 1 {
                problems.push(format!(
                    "{label}: breaking {id} should untick its box alone"
                ));
            }
            git(&project, &["checkout", "--quiet", "--", "."]);
            git(&project, &["stash", "pop", "--quiet"]);
        }
    }
    problems
}

/// Every base with all the add-ons that apply to it.
fn walks(library: &Library) -> Vec<(String, Vec<String>)> {
    library
        .blueprints
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base && crate::support::selected_base(b.id()))
        .map(|base| {
            let addons = compat::compatible_addons(library, base)
                .into_iter()
                .map(|a| a.id().to_string())
                .collect();
            (base.id().to_string(), addons)
        })
        .collect()
}

#[test]
fn python_each_reference_step_turns_exactly_its_task_green() {
    let library = Library::embedded().unwrap();
    tools();
    let work = tempfile::tempdir().unwrap();
    let queue = Mutex::new(walks(&library));
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some((base, addons)) = queue.lock().unwrap().pop() {
                    let found = walk(&base, &addons, work.path());
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn project() -> (tempfile::TempDir, PathBuf) {
    generate("loop-api", &[])
}

#[test]
fn outside_a_project_the_commands_say_where_to_run() {
    let dir = tempfile::tempdir().unwrap();
    for command in [&["check"][..], &["hint"], &["status"], &["solution", "1"]] {
        sf(command)
            .cwd(dir.path())
            .run()
            .code(2)
            .stderr_has("no skillforge project in")
            .stderr_has("--path DIR");
    }
}

#[test]
fn hints_are_revealed_one_at_a_time_and_recorded() {
    let (_dir, project) = project();
    let first = sf(["hint"]).cwd(&project).run().success();
    assert!(
        first.stdout.contains("1. A route is a function"),
        "{}",
        first.stdout
    );
    assert!(!first.stdout.contains("2. "), "{}", first.stdout);
    let second = sf(["hint", "list-bookmarks"]).cwd(&project).run().success();
    assert!(
        second.stdout.contains("2. Take the repository"),
        "{}",
        second.stdout
    );
    sf(["hint", "1"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("that was the last hint");
    sf(["hint", "1"])
        .cwd(&project)
        .run()
        .success()
        .stdout_has("3. ");
    let progress = std::fs::read_to_string(project.join(".skillforge/progress.toml")).unwrap();
    assert!(
        progress.contains("[tasks.list-bookmarks]\nhints = 3"),
        "{progress}"
    );
    let status = sf(["status", "--json", "--path"]).run();
    assert_eq!(status.code, 2, "--path needs a value");
    let status = sf(["status", "--json", "--path", project.to_str().unwrap()])
        .run()
        .success();
    let json: Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(json["tasks"][0]["hints_used"], 3);
    assert_eq!(json["tasks"][0]["status"], "unknown");
    assert_eq!(json["checked_at"], Value::Null);
}

#[test]
fn unknown_tasks_get_a_suggestion() {
    let (_dir, project) = project();
    sf(["hint", "list-bookmark"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("did you mean \"list-bookmarks\"?");
}

#[test]
fn a_solution_before_the_task_passes_needs_give_up_which_is_recorded() {
    let (_dir, project) = project();
    sf(["solution", "validate-input"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("--give-up");
    assert!(!project.join(".skillforge/progress.toml").exists());
    let out = sf(["solution", "validate-input", "--give-up"])
        .cwd(&project)
        .run()
        .success();
    assert!(
        out.stdout.contains("--- a/src/loop_api/models.py"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("+++ b/src/loop_api/models.py"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("\u{1b}["), "no colour when piped");
    let progress = std::fs::read_to_string(project.join(".skillforge/progress.toml")).unwrap();
    assert!(
        progress.contains("[tasks.validate-input]\ngave_up = "),
        "{progress}"
    );
    // The diff applies to the learner's files as they are.
    let applied = Command::new("git")
        .args(["apply", "--check", "-"])
        .current_dir(&project)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(out.stdout.as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(
        applied.success(),
        "git apply --check refused:\n{}",
        out.stdout
    );
}

#[test]
fn check_without_pytest_names_the_install_command() {
    let (_dir, project) = project();
    run_ok(
        Command::new("python3")
            .args(["-m", "venv", "--without-pip"])
            .arg(project.join(".venv")),
        "python3 -m venv",
    );
    sf(["check"])
        .cwd(&project)
        .run()
        .code(6)
        .stderr_has("pytest is not installed for .venv/bin/python")
        .stderr_has("-m pip install -e . --group dev");
    let tasks = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
    assert!(!tasks.contains("[x]"));
}

#[test]
fn python_check_watch_runs_again_when_a_file_is_saved() {
    use std::io::{BufRead, BufReader};
    tools();
    let (_dir, project) = project();
    install(&project, "watch");
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .args(["check", "--watch", "--color", "never"])
        .current_dir(&project)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Both the end of a run (stdout) and the start of a new one (stderr) count as a run.
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
    let stderr: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
    for stream in [stdout, stderr] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let run = line.contains("tasks done") || line.contains("checking again");
                if run && tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let wait = std::time::Duration::from_secs(120);
    let first = rx.recv_timeout(wait).expect("a first check");
    assert!(first.contains("0/7 tasks done"), "{first}");
    // pytest opens every source file, and check rewrites TASKS.md: neither may start a run,
    // or the watch would loop forever.
    let quiet = std::time::Duration::from_secs(4);
    if let Ok(line) = rx.recv_timeout(quiet) {
        panic!("a run started with nothing saved: {line}");
    }
    let tasks = project.join("TASKS.md");
    let text = std::fs::read_to_string(&tasks).unwrap();
    std::fs::write(&tasks, text).unwrap();
    if let Ok(line) = rx.recv_timeout(quiet) {
        panic!("TASKS.md changes must not start a check: {line}");
    }
    let app = project.join("src/loop_api/app.py");
    std::fs::write(&app, std::fs::read_to_string(&app).unwrap() + "\n").unwrap();
    let second = rx.recv_timeout(wait);
    let _ = child.kill();
    let _ = child.wait();
    let second = second.expect("saving a source file should start a new check");
    assert!(second.contains("src/loop_api/app.py changed"), "{second}");
}

#[test]
fn python_an_edited_test_class_holds_back_only_its_own_task() {
    tools();
    let (_dir, project) = generate("edited-tests", &["--with", "docker"]);
    install(&project, "edited tests");
    let file = project.join("tests/addons/test_docker.py");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        "class TestCompose:\n",
        "class TestCompose:\n    EDITED_BY_THE_LEARNER = True\n",
        1,
    );
    assert_ne!(text, edited, "the docker tests have a TestCompose class");
    std::fs::write(&file, edited).unwrap();

    // Graded with the blueprint's own file: the edit is reported on its task alone.
    let out = sf(["check"])
        .cwd(&project)
        .run()
        .code(1)
        .stderr_has("tests/addons/test_docker.py (edited)")
        .stderr_has(
            "git checkout $(git rev-list --max-parents=0 HEAD) -- tests/addons/test_docker.py",
        )
        .stderr_has("--accept-test-changes");
    let marked = |stdout: &str, note: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.contains(note))
            .map(str::to_string)
            .collect()
    };
    let lines = marked(&out.stdout, "your test edits are ignored");
    assert!(
        lines.len() == 1 && lines[0].contains("compose"),
        "{}",
        out.stdout
    );
    for (id, state) in statuses(&project) {
        assert_eq!(state, "fail", "{id}");
    }

    let out = sf(["check", "--accept-test-changes"])
        .cwd(&project)
        .run()
        .code(1)
        .stderr_has(
            "grading with your edited tests from now on: tests/addons/test_docker.py::TestCompose",
        );
    let lines = marked(&out.stdout, "graded with your accepted tests");
    assert!(
        lines.len() == 1 && lines[0].contains("compose"),
        "{}",
        out.stdout
    );
}
