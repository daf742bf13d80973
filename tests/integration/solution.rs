//! `skillforge solution` never takes away the learner's work: not through the diff piped to
//! `git apply`, not through `--apply`. Tasks count as passing through a hand-written
//! `.skillforge/results.json`, so these tests need no Python.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{Output, generate, sf, tree};

/// The fastapi-service tasks, in order.
const TASKS: [&str; 7] = [
    "list-bookmarks",
    "create-and-fetch",
    "validate-input",
    "update-and-delete",
    "paginate-and-filter",
    "inject-dependencies",
    "api-key-guard",
];

const REPOSITORY: &str = "src/loop_api/repository.py";
const ROUTER: &str = "src/loop_api/routers/bookmarks.py";

fn project() -> (tempfile::TempDir, PathBuf) {
    generate("loop-api", &[])
}

/// Writes a last report where the first `passing` tasks pass and the others fail.
fn mark_passing(project: &Path, passing: usize) {
    let tasks: Vec<String> = TASKS
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let status = if i < passing { "pass" } else { "fail" };
            format!(
                r#"{{"id":"{id}","number":{},"title":"{id}","status":"{status}","passed":1,"total":1}}"#,
                i + 1
            )
        })
        .collect();
    let report = format!(
        r#"{{"version":3,"status":"fail","message":null,"tests":[],"tasks":[{}],"checked_at":"2026-01-01T00:00:00Z"}}"#,
        tasks.join(",")
    );
    std::fs::write(project.join(".skillforge/results.json"), report).unwrap();
}

/// Applies the reference of tasks 1 to `last` in order, each once the ones before pass.
fn apply_tasks(project: &Path, last: usize) {
    for number in 1..=last {
        mark_passing(project, number - 1);
        sf(["solution", &number.to_string(), "--give-up", "--apply"])
            .cwd(project)
            .run()
            .success();
    }
}

/// The project's files (without `.git` and `.skillforge`), by path.
fn files(project: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(project)
        .into_iter()
        .filter(|p| !p.ends_with('/') && !p.starts_with(".git/") && !p.starts_with(".skillforge/"))
        .map(|p| {
            let bytes = std::fs::read(project.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Pipes `patch` to `git apply` in `project`, as the README advises; whether it applied.
fn git_apply(project: &Path, patch: &str) -> bool {
    let mut child = Command::new("git")
        .arg("apply")
        .current_dir(project)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", project)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(patch.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

/// The lines a diff on stdout would remove from the learner's files.
fn removed_lines(out: &Output) -> Vec<&str> {
    out.stdout
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("--- "))
        .collect()
}

#[test]
fn a_passing_tasks_solution_piped_to_git_apply_takes_nothing_away() {
    let (_dir, project) = project();
    apply_tasks(&project, 7);
    mark_passing(&project, 7);
    let before = files(&project);
    let out = sf(["solution", "1"]).cwd(&project).run().success();
    assert!(removed_lines(&out).is_empty(), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "reference change of {REPOSITORY}, task 1 (list-bookmarks)"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("not a patch for your files"),
        "{}",
        out.stderr
    );
    assert!(
        !git_apply(&project, &out.stdout),
        "nothing there is a patch"
    );
    assert_eq!(files(&project), before, "git apply changed the files");
    sf(["solution", "1", "--apply"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("nothing to apply: task 1 (list-bookmarks) passes");
    assert_eq!(files(&project), before, "--apply changed the files");
}

#[test]
fn tasks_done_beyond_those_that_pass_lose_nothing() {
    let (_dir, project) = project();
    apply_tasks(&project, 5);
    mark_passing(&project, 3);
    let before = files(&project);
    for number in 1..=5 {
        let out = sf(["solution", &number.to_string(), "--give-up"])
            .cwd(&project)
            .run()
            .success();
        assert!(
            removed_lines(&out).is_empty(),
            "task {number}: {}",
            out.stdout
        );
        git_apply(&project, &out.stdout);
        assert_eq!(files(&project), before, "task {number} took work away");
    }
}

#[test]
fn a_change_already_done_beside_later_work_is_no_conflict() {
    let (_dir, project) = project();
    apply_tasks(&project, 5);
    mark_passing(&project, 3);
    // Task 5 appends right after task 4's last change in the repository (the merge alone
    // conflicts there) and rewrites the router's imports that task 4 changed.
    let out = sf(["solution", "4", "--give-up"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has(&format!("{ROUTER}: your changes overlap"));
    assert!(
        !out.stderr
            .contains(&format!("{REPOSITORY}: your changes overlap")),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains(&format!("--- a/{REPOSITORY}")),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains(&format!("--- a/{ROUTER}")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_task_whose_prerequisite_does_not_pass_says_which_to_do_first() {
    let (_dir, project) = project();
    apply_tasks(&project, 3);
    mark_passing(&project, 2);
    let before = files(&project);
    sf(["solution", "4"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("--give-up");
    mark_passing(&project, 1);
    let out = sf(["solution", "4", "--give-up"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has(
            "task 4 builds on create-and-fetch and validate-input, which do not pass yet \
             (as of the last `skillforge check`): `skillforge solution create-and-fetch` first",
        );
    assert!(!out.stderr.contains("overlap"), "{}", out.stderr);
    assert!(!out.stdout.contains("--- a/"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "reference change of {ROUTER}, task 4 (update-and-delete)"
        )),
        "{}",
        out.stdout
    );
    let progress = std::fs::read_to_string(project.join(".skillforge/progress.toml")).unwrap();
    assert!(
        progress.contains("[tasks.update-and-delete]\ngave_up = "),
        "{progress}"
    );
    mark_passing(&project, 2);
    sf(["solution", "update-and-delete", "--apply"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("task 4 builds on validate-input, which does not pass yet")
        .stderr_has("nothing was written");
    assert_eq!(files(&project), before);
}

#[test]
fn a_conflicting_file_is_left_out_and_apply_writes_nothing() {
    let (_dir, project) = project();
    mark_passing(&project, 0);
    let path = project.join(REPOSITORY);
    let mine = std::fs::read_to_string(&path).unwrap().replace(
        "raise NotImplementedError(\"task 1 (list-bookmarks)\")",
        "return self._my_own_add(data, now)",
    );
    std::fs::write(&path, &mine).unwrap();
    let before = files(&project);
    let out = sf(["solution", "1", "--give-up"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has(&format!("{REPOSITORY}: your changes overlap"))
        .stderr_has("by hand");
    assert!(
        out.stdout.contains(&format!("--- a/{ROUTER}")),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains(&format!("--- a/{REPOSITORY}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("reference change of {REPOSITORY}")),
        "{}",
        out.stdout
    );
    sf(["solution", "1", "--apply"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has(&format!(
            "overlap the reference's in {REPOSITORY}; nothing was written"
        ));
    assert_eq!(files(&project), before, "--apply wrote something");
    assert!(
        git_apply(&project, &out.stdout),
        "the router's diff applies"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);
    assert_ne!(files(&project)[ROUTER], before[ROUTER]);
}

#[test]
fn a_give_up_that_applies_nothing_is_not_recorded() {
    let (_dir, project) = project();
    let path = project.join(REPOSITORY);
    let mine = std::fs::read_to_string(&path).unwrap().replace(
        "raise NotImplementedError(\"task 1 (list-bookmarks)\")",
        "return self._my_own_add(data, now)",
    );
    std::fs::write(&path, &mine).unwrap();
    sf(["solution", "1", "--give-up", "--apply"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("nothing was written");
    let progress =
        std::fs::read_to_string(project.join(".skillforge/progress.toml")).unwrap_or_default();
    assert!(!progress.contains("gave_up"), "{progress}");
}

#[test]
fn crlf_files_take_the_solution_and_keep_their_endings() {
    let (_dir, project) = project();
    mark_passing(&project, 0);
    let mut crlf = BTreeMap::new();
    for rel in [REPOSITORY, ROUTER] {
        let text = std::fs::read_to_string(project.join(rel)).unwrap();
        let text = text.replace('\n', "\r\n");
        std::fs::write(project.join(rel), &text).unwrap();
        crlf.insert(rel, text);
    }
    let out = sf(["solution", "1", "--give-up"])
        .cwd(&project)
        .run()
        .success();
    assert!(
        out.stdout.contains(&format!("--- a/{REPOSITORY}")),
        "{}",
        out.stdout
    );
    assert!(
        git_apply(&project, &out.stdout),
        "the diff applies:\n{}",
        out.stdout
    );
    let patched = files(&project);
    for (rel, text) in &crlf {
        std::fs::write(project.join(rel), text).unwrap();
    }
    sf(["solution", "1", "--apply"])
        .cwd(&project)
        .run()
        .success();
    let applied = files(&project);
    assert_eq!(patched, applied, "git apply and --apply agree");
    for rel in [REPOSITORY, ROUTER] {
        let text = String::from_utf8(applied[rel].clone()).unwrap();
        assert_eq!(
            text.matches("\r\n").count(),
            text.matches('\n').count(),
            "{rel} keeps CRLF endings"
        );
    }
    let repository = String::from_utf8(applied[REPOSITORY].clone()).unwrap();
    assert!(
        repository.contains("self._next_id += 1\r\n"),
        "{repository}"
    );
}

#[test]
fn a_prerequisite_edited_since_the_last_check_does_not_hold_a_task_back() {
    let (_dir, project) = project();
    apply_tasks(&project, 1);
    // The last check saw task 1 fail; its files were written before it.
    mark_passing(&project, 0);
    sf(["solution", "2", "--give-up", "--apply"])
        .cwd(&project)
        .run()
        .code(2)
        .stderr_has("task 2 builds on list-bookmarks, which does not pass yet");
    // Now they were written after it (as when work is restored after a check).
    let results = std::fs::File::options()
        .write(true)
        .open(project.join(".skillforge/results.json"))
        .unwrap();
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    results.set_modified(minute_ago).unwrap();
    sf(["solution", "2", "--give-up", "--apply"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("applied the reference solution of task 2 (create-and-fetch)");
}
