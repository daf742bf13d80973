//! `skillforge reset TASK`: one task's work taken back out of the learner's files, the
//! other tasks' work and the learner's own edits kept, nothing lost (the learner's versions
//! are backed up), and never without a confirmation. The tasks are solved the way a learner
//! who gave up would, with `solution --give-up --apply`, one at a time.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::practise::install;
use crate::python::{run_ok, tools};
use crate::support::{generate, sf};

const REPOSITORY: &str = "src/loop_api/repository.py";
const ROUTER: &str = "src/loop_api/routers/bookmarks.py";
const CLEAN: &str = "src/bakery/clean.py";

/// Applies the reference of tasks 1 to `last`, in order. Nothing has been checked yet, so
/// each merges into the files as the ones before left them.
fn solve_through(project: &Path, last: usize) {
    for number in 1..=last {
        sf(["solution", &number.to_string(), "--give-up", "--apply"])
            .cwd(project)
            .run()
            .success();
    }
}

fn read(project: &Path, rel: &str) -> String {
    std::fs::read_to_string(project.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn commit(project: &Path, message: &str) {
    for args in [&["add", "-A"][..], &["commit", "-q", "-m", message]] {
        run_ok(
            Command::new("git")
                .args(args)
                .current_dir(project)
                .env("GIT_AUTHOR_NAME", "Test Learner")
                .env("GIT_AUTHOR_EMAIL", "learner@example.com")
                .env("GIT_COMMITTER_NAME", "Test Learner")
                .env("GIT_COMMITTER_EMAIL", "learner@example.com"),
            "git",
        );
    }
}

/// The backup folders of reset, oldest first.
fn backups(project: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(project.join(".skillforge/reset-backup")) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    folders.sort();
    folders
}

/// A pandas-analysis project (its tasks 2 and 3 both change `clean.py`).
fn bakery(dir: &Path) -> PathBuf {
    sf(["new", "bakery", "--blueprint", "pandas-analysis", "--yes"])
        .cwd(dir)
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    dir.join("bakery")
}

/// Task statuses by id, from the last check's results.
fn statuses(project: &Path) -> Vec<(String, String)> {
    let text = read(project, ".skillforge/results.json");
    let json: Value = serde_json::from_str(&text).expect("results.json is JSON");
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

#[test]
fn python_reset_fails_its_task_alone_and_keeps_the_learners_other_edits() {
    tools();
    let dir = tempfile::tempdir().unwrap();
    let project = bakery(dir.path());
    solve_through(&project, 3);
    commit(&project, "tasks 1 to 3");
    let solved = read(&project, CLEAN);
    let edited =
        format!("# my notes on cleaning\n{solved}\n\ndef my_helper() -> int:\n    return 1\n");
    std::fs::write(project.join(CLEAN), &edited).unwrap();

    sf(["reset", "normalise-text", "--yes"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("reset task 2 (normalise-text)")
        .stderr_has(".skillforge/reset-backup/normalise-text-");
    let reset = read(&project, CLEAN);
    assert!(reset.starts_with("# my notes on cleaning\n"), "{reset}");
    assert!(
        reset.ends_with("def my_helper() -> int:\n    return 1\n"),
        "{reset}"
    );
    assert!(reset.contains("raise NotImplementedError(\"task 2 (normalise-text)\")"));
    assert!(
        !reset.contains("task 3 (parse-values)"),
        "task 3's work is kept"
    );
    let [backup] = backups(&project).try_into().unwrap();
    assert_eq!(
        read(&backup, CLEAN),
        edited,
        "the learner's version is kept"
    );

    install(&project, "reset");
    sf(["check"]).cwd(&project).run().code(1);
    let statuses = statuses(&project);
    let status = |id: &str| {
        statuses
            .iter()
            .find(|(t, _)| t == id)
            .map(|(_, s)| s.as_str())
            .unwrap_or_else(|| panic!("{id} in {statuses:?}"))
    };
    assert_eq!(status("load-data"), "pass");
    assert_eq!(status("normalise-text"), "fail");
    assert_eq!(status("parse-values"), "pass");
}

#[test]
fn reset_without_yes_and_without_a_terminal_changes_nothing_and_names_yes() {
    let (_dir, project) = generate("loop-api", &["--solved"]);
    let before = (read(&project, REPOSITORY), read(&project, ROUTER));
    sf(["reset", "2"])
        .cwd(&project)
        .run()
        .code(5)
        .stderr_has("confirmation to reset task 2 (create-and-fetch)")
        .stderr_has("pass --yes");
    assert_eq!((read(&project, REPOSITORY), read(&project, ROUTER)), before);
    assert!(backups(&project).is_empty());
}

#[test]
fn an_unknown_task_is_refused_with_a_suggestion_and_the_task_ids() {
    let (_dir, project) = generate("loop-api", &[]);
    sf(["reset", "create-and-fech", "--yes"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("unknown task \"create-and-fech\" (did you mean \"create-and-fetch\"?)")
        .stderr_has("list-bookmarks, create-and-fetch, validate-input");
    assert!(backups(&project).is_empty());
}

#[test]
fn overlapping_edits_are_left_as_they_are_and_shown_while_the_rest_is_reset() {
    let (_dir, project) = generate("loop-api", &[]);
    solve_through(&project, 1);
    let router_before_task = read(&project, ROUTER);
    solve_through(&project, 2);
    let solved_router = read(&project, ROUTER);
    // The learner changed a line the task's step wrote.
    let repository = read(&project, REPOSITORY).replace(
        "raise BookmarkNotFound(bookmark_id)\n",
        "raise BookmarkNotFound(bookmark_id)  # mine\n",
    );
    std::fs::write(project.join(REPOSITORY), &repository).unwrap();

    let out = sf(["reset", "create-and-fetch", "--yes"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has(&format!("{REPOSITORY}: left as it is"))
        .stderr_has(&format!("{REPOSITORY}: your changes overlap the task's"))
        .stderr_has(&format!("left for you to take back by hand: {REPOSITORY}"));
    assert!(
        out.stdout.contains(&format!(
            "change from the reference solution back to the starter of {REPOSITORY}"
        )) && out
            .stdout
            .contains("+        raise NotImplementedError(\"task 2 (create-and-fetch)\")"),
        "{}",
        out.stdout
    );
    assert_eq!(read(&project, REPOSITORY), repository, "never overwritten");
    assert_eq!(read(&project, ROUTER), router_before_task);
    let [backup] = backups(&project).try_into().unwrap();
    assert_eq!(read(&backup, ROUTER), solved_router);
    assert!(
        !backup.join(REPOSITORY).exists(),
        "only files reset are copied"
    );
    assert_eq!(
        read(&backup, ".gitignore"),
        "*\n",
        "git leaves the copies alone"
    );
}

#[test]
fn a_reset_clears_the_tasks_box_and_pass_and_a_second_one_has_nothing_to_do() {
    let (_dir, project) = generate("loop-api", &[]);
    solve_through(&project, 2);
    let tasks = read(&project, "TASKS.md");
    let ticked = tasks.replace("- [ ] **2. ", "- [x] **2. ");
    assert_ne!(tasks, ticked, "TASKS.md has a box for task 2");
    std::fs::write(project.join("TASKS.md"), &ticked).unwrap();
    let report = r#"{"version":3,"status":"fail","message":null,"tests":[],"tasks":[
        {"id":"create-and-fetch","number":2,"title":"t","status":"pass","passed":1,"total":1}],
        "checked_at":"2026-01-01T00:00:00Z"}"#;
    std::fs::write(project.join(".skillforge/results.json"), report).unwrap();
    let progress = read(&project, ".skillforge/progress.toml");

    sf(["reset", "2", "--yes"]).cwd(&project).run().success();
    assert_eq!(read(&project, "TASKS.md"), tasks);
    let results: Value = serde_json::from_str(&read(&project, ".skillforge/results.json")).unwrap();
    assert_eq!(results["tasks"][0]["status"], "unknown");
    assert_eq!(
        read(&project, ".skillforge/progress.toml"),
        progress,
        "the give-up stays recorded"
    );

    sf(["reset", "2", "--yes"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("already in their starter state");
    assert_eq!(backups(&project).len(), 1);
}

#[test]
fn a_file_the_task_creates_is_removed_unless_the_learner_changed_it() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "vers", "--blueprint", "pypi-package", "--yes"])
        .cwd(dir.path())
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    let project = dir.path().join("vers");
    sf([
        "solution",
        "ship-typed-distributions",
        "--give-up",
        "--apply",
    ])
    .cwd(&project)
    .run()
    .success();
    let typed = "src/vers/py.typed";
    assert!(project.join(typed).is_file());
    let changelog = format!("{}\n- my own entry\n", read(&project, "CHANGELOG.md"));
    std::fs::write(project.join("CHANGELOG.md"), &changelog).unwrap();

    let out = sf(["reset", "ship-typed-distributions", "--yes"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has(&format!("{typed}: removed (the task creates it)"))
        .stderr_has("CHANGELOG.md: left as it is");
    assert!(
        out.stdout
            .contains("back to the starter of CHANGELOG.md (the starter has no such file)"),
        "{}",
        out.stdout
    );
    assert!(!project.join(typed).exists());
    assert_eq!(read(&project, "CHANGELOG.md"), changelog);
    let [backup] = backups(&project).try_into().unwrap();
    assert!(
        backup.join(typed).is_file(),
        "the removed file is backed up"
    );
}

/// `reset TASK` run by a user in a pseudo-terminal, answering `answer`; what it printed.
fn reset_in_a_terminal(project: &Path, task: &str, answer: &str) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillforge"));
    cmd.args(["reset", task])
        .current_dir(project)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).expect("spawn in a pty");
    p.exp_string("Reset task 2 (create-and-fetch)? Your versions are backed up first")
        .unwrap();
    p.send_line(answer).unwrap();
    p.exp_eof().unwrap()
}

#[test]
fn in_a_terminal_reset_asks_first_and_no_keeps_everything() {
    let (_dir, project) = generate("loop-api", &[]);
    solve_through(&project, 1);
    let router_before_task = read(&project, ROUTER);
    solve_through(&project, 2);
    let solved_router = read(&project, ROUTER);

    let said = reset_in_a_terminal(&project, "create-and-fetch", "n");
    assert!(said.contains("nothing was reset"), "{said}");
    assert_eq!(read(&project, ROUTER), solved_router);
    assert!(backups(&project).is_empty());

    let said = reset_in_a_terminal(&project, "2", "y");
    assert!(said.contains("reset task 2 (create-and-fetch)"), "{said}");
    assert_eq!(read(&project, ROUTER), router_before_task);
    assert_eq!(backups(&project).len(), 1);
}
