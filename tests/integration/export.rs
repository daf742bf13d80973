//! `skillforge export DIR`: the finished project copied out as a portfolio piece, with no
//! practice files in its tree or its history, a README for readers whose links hold, and the
//! refusals (unfinished tasks, no check, uncommitted changes, a DIR in use).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::practise::install;
use crate::python::{run_ok, tools};
use crate::support::{generate, sf, tree};

/// Runs git in `dir` with an identity of its own and no user or system configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    run_ok(
        Command::new("git")
            .args([
                "-c",
                "user.name=Test Learner",
                "-c",
                "user.email=learner@example.com",
            ])
            .args(args)
            .current_dir(dir)
            .env("HOME", home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1"),
        &format!("git {}", args.join(" ")),
    )
}

/// Exports the project at `project` to `out` with `extra` flags.
fn export(project: &Path, out: &Path, extra: &[&str]) -> crate::support::Output {
    let mut args = vec![
        "export".to_string(),
        out.display().to_string(),
        "--path".to_string(),
        project.display().to_string(),
    ];
    args.extend(extra.iter().map(ToString::to_string));
    sf(args).run()
}

/// The links of a Markdown text, `[text](target)`.
fn links(markdown: &str) -> Vec<String> {
    markdown
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_string)
        .collect()
}

/// Every path that any commit of the repository at `dir` holds.
fn paths_in_history(dir: &Path) -> Vec<String> {
    git(dir, &["log", "--all", "--format=", "--name-only"])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Asserts that `out` holds no practice file, in its tree or its history, and no
/// skillforge line in its README or .gitignore.
fn assert_no_scaffolding(out: &Path) {
    let files = tree(out);
    for practice in [
        ".skillforge/",
        "TASKS.md",
        ".github/workflows/classroom.yml",
    ] {
        assert!(
            !files.contains(&practice.to_string()),
            "{practice} in {files:?}"
        );
        assert!(
            !paths_in_history(out)
                .iter()
                .any(|p| p.starts_with(practice.trim_end_matches('/'))),
            "{practice} in the history"
        );
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    for word in ["skillforge", "TASKS.md", "<!--"] {
        assert!(!readme.contains(word), "README.md has {word:?}:\n{readme}");
    }
    let pyproject = std::fs::read_to_string(out.join("pyproject.toml")).unwrap();
    for word in ["skillforge", "TASKS.md", "practice"] {
        assert!(
            !pyproject.contains(word),
            "pyproject.toml has {word:?}:\n{pyproject}"
        );
    }
    let ignore = std::fs::read_to_string(out.join(".gitignore")).unwrap();
    assert!(!ignore.to_lowercase().contains("skillforge"), "{ignore}");
    assert!(
        ignore.contains("__pycache__/"),
        "the project's own lines stay"
    );
}

/// Asserts that every link of the README leads somewhere real: a file of the export, or a
/// commit of its history (`../../commit/ID`); returns the commit ids linked.
fn assert_links_hold(out: &Path) -> Vec<String> {
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    let mut commits = Vec::new();
    let mut files = 0;
    for target in links(&readme) {
        if target.starts_with("http") {
            continue;
        }
        if let Some(id) = target.strip_prefix("../../commit/") {
            assert_eq!(git(out, &["cat-file", "-t", id]).trim(), "commit", "{id}");
            commits.push(id.to_string());
        } else {
            assert!(
                out.join(&target).is_file(),
                "README links {target}, which is not there"
            );
            files += 1;
        }
    }
    assert!(files > 3, "the skills link their files:\n{readme}");
    commits
}

#[test]
fn python_a_solved_project_exports_clean_keeps_its_history_and_passes_its_own_tests() {
    tools();
    let (dir, project) = generate("portfolio-demo", &["--solved"]);
    install(&project, "export");
    sf(["check"]).cwd(&project).run().success();
    // Ticking TASKS.md is practice alone: its commit leaves the history; work stays.
    git(&project, &["commit", "-qam", "Tick the tasks"]);
    let app = project.join("src/portfolio_demo/app.py");
    let text = std::fs::read_to_string(&app).unwrap();
    std::fs::write(&app, format!("{text}\n# Served by uvicorn.\n")).unwrap();
    git(&project, &["commit", "-qam", "Say how the app is served"]);

    let out = dir.path().join("portfolio");
    export(&project, &out, &[])
        .success()
        .stdout_has("portfolio")
        .stderr_has("3 commit(s)");
    assert_no_scaffolding(&out);
    let subjects = git(&out, &["log", "--format=%s"]);
    let subjects: Vec<&str> = subjects.lines().collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert_eq!(subjects[1], "Say how the app is served");
    assert!(
        subjects[2].starts_with("Start Portfolio Demo"),
        "{subjects:?}"
    );
    let commits = assert_links_hold(&out);
    let work = git(&out, &["rev-parse", "HEAD~1"]);
    assert!(
        commits.contains(&work.trim().to_string()),
        "the work's commit is linked"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("7 of 7 tasks pass their tests"), "{readme}");
    assert!(
        git(&out, &["status", "--porcelain"]).is_empty(),
        "checked out clean"
    );

    install(&out, "exported");
    run_ok(
        Command::new(out.join(".venv/bin/python"))
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .current_dir(&out),
        "pytest in the export",
    );
}

#[test]
fn python_refuses_while_tasks_fail_listing_them_unless_allowed() {
    tools();
    let (dir, project) = generate("half-done", &[]);
    install(&project, "unfinished");
    sf(["check"]).cwd(&project).run().code(1);
    let out = dir.path().join("portfolio");
    let refused = export(&project, &out, &[])
        .code(2)
        .stderr_has("task(s) do not pass the blueprint's own tests (graded just now")
        .stderr_has("1. List bookmarks (list-bookmarks): fails")
        .stderr_has("--allow-unfinished");
    assert!(refused.stdout.is_empty());
    assert!(!out.exists(), "nothing written");

    export(&project, &out, &["--allow-unfinished"])
        .success()
        .stderr_has("unfinished tasks");
    assert_no_scaffolding(&out);
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("(unfinished)"), "{readme}");
    assert!(
        readme.contains("Not finished yet: List bookmarks"),
        "{readme}"
    );
    assert!(readme.contains("0 of 7 tasks pass their tests"), "{readme}");
}

/// Exports `project` (whose tasks are not done) without and with `--allow-unfinished`:
/// refused naming list-bookmarks as failing, then a README claiming no task passes.
fn assert_graded_afresh(dir: &Path, project: &Path) {
    let out = dir.join("portfolio");
    let refused = export(project, &out, &[])
        .code(2)
        .stderr_has("1. List bookmarks (list-bookmarks): fails");
    assert!(refused.stdout.is_empty());
    assert!(!out.exists(), "nothing written");
    export(project, &out, &["--allow-unfinished"]).success();
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("0 of 7 tasks pass their tests"), "{readme}");
    assert!(
        readme.contains("Not finished yet: List bookmarks"),
        "{readme}"
    );
}

#[test]
fn python_a_forged_results_file_is_ignored_and_left_as_it_is() {
    tools();
    let (dir, project) = generate("forged", &[]);
    install(&project, "forged");
    sf(["check"]).cwd(&project).run().code(1);
    let results = project.join(".skillforge/results.json");
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    report["status"] = "pass".into();
    for task in report["tasks"].as_array_mut().unwrap() {
        task["status"] = "pass".into();
    }
    let forged = serde_json::to_string_pretty(&report).unwrap();
    std::fs::write(&results, &forged).unwrap();
    assert_graded_afresh(dir.path(), &project);
    assert_eq!(std::fs::read_to_string(&results).unwrap(), forged);
}

#[test]
fn python_a_task_passing_only_its_accepted_edited_test_does_not_count() {
    tools();
    let (dir, project) = generate("accepted-edit", &[]);
    install(&project, "accepted");
    std::fs::write(
        project.join("tests/tasks/test_list_bookmarks.py"),
        "def test_it() -> None:\n    assert True\n",
    )
    .unwrap();
    git(&project, &["commit", "-qam", "Make the test easy"]);
    sf(["check", "--accept-test-changes"])
        .cwd(&project)
        .run()
        .code(1);
    let results = std::fs::read_to_string(project.join(".skillforge/results.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&results).unwrap();
    let listed = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "list-bookmarks")
        .unwrap();
    assert_eq!(listed["status"], "pass", "check grades the accepted edit");
    assert_graded_afresh(dir.path(), &project);
}

/// A project just made, with no check recorded.
fn fresh(name: &str) -> (tempfile::TempDir, PathBuf) {
    generate(name, &["--solved"])
}

#[test]
fn without_a_venv_it_refuses_naming_setup() {
    let (dir, project) = fresh("never-set-up");
    let out = dir.path().join("portfolio");
    export(&project, &out, &[])
        .code(2)
        .stderr_has("has no .venv")
        .stderr_has("run `skillforge setup`")
        .stderr_has("--allow-unfinished");
    assert!(!out.exists());
}

#[test]
fn squash_gives_one_commit_and_links_no_commits() {
    let (dir, project) = fresh("squashed");
    let out = dir.path().join("portfolio");
    let args = [
        "export",
        "portfolio",
        "--squash",
        "--allow-unfinished",
        "--path",
    ];
    let exported = sf(args.iter().copied().chain([project.to_str().unwrap()]))
        .cwd(dir.path())
        .git_identity("Portfolio Owner", "owner@example.com")
        .run()
        .success()
        .stderr_has("one commit");
    assert!(
        !exported.stderr.contains("no user.name"),
        "{}",
        exported.stderr
    );
    assert_eq!(
        git(&out, &["log", "--format=%an"]).trim(),
        "Portfolio Owner"
    );
    assert_eq!(git(&out, &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_no_scaffolding(&out);
    assert!(
        assert_links_hold(&out).is_empty(),
        "one commit: nothing to link"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("No check could be run"), "{readme}");
    assert!(!readme.contains("tasks pass their tests"), "{readme}");
}

#[test]
fn a_classroom_workflow_is_practice_and_left_out_but_the_project_workflows_stay() {
    let (dir, project) = generate(
        "graded",
        &["--solved", "--classroom", "--with", "github-ci"],
    );
    assert!(project.join(".github/workflows/classroom.yml").is_file());
    let out = dir.path().join("portfolio");
    for extra in [
        &["--allow-unfinished"][..],
        &["--allow-unfinished", "--squash"],
    ] {
        let _ = std::fs::remove_dir_all(&out);
        export(&project, &out, extra).success();
        assert_no_scaffolding(&out);
        let files = tree(&out);
        assert!(
            files.contains(&".github/workflows/ci.yml".to_string()),
            "{extra:?}: the project's own workflow stays: {files:?}"
        );
    }
}

#[test]
fn history_is_kept_with_its_authors_without_squash() {
    let (dir, project) = fresh("kept-history");
    std::fs::write(project.join("NOTES.md"), "# Notes\n").unwrap();
    git(&project, &["add", "NOTES.md"]);
    git(&project, &["commit", "-qm", "Add notes"]);
    let out = dir.path().join("portfolio");
    // No git identity here: the last commit is the project's last author's, and it says so.
    export(&project, &out, &["--allow-unfinished"])
        .success()
        .stderr_has("the last commit was made as Test Learner <learner@example.com>");
    let log = git(&out, &["log", "--format=%an|%s"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert_eq!(lines[1], "Test Learner|Add notes");
    assert!(
        lines[2].starts_with("Test Learner|Start Kept History"),
        "{log}"
    );
    // The last commit changes only what presents the project.
    let last = git(&out, &["show", "--format=", "--name-only", "HEAD"]);
    assert_eq!(
        last.lines().collect::<Vec<_>>(),
        [".gitignore", "README.md", "pyproject.toml"]
    );
}

#[test]
fn an_existing_folder_that_is_not_empty_is_refused_and_left_alone() {
    let (dir, project) = fresh("taken");
    let out = dir.path().join("portfolio");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "keep me\n").unwrap();
    export(&project, &out, &["--allow-unfinished"])
        .code(3)
        .stderr_has("exists and is not empty");
    assert_eq!(tree(&out), ["mine.txt"]);
    assert_eq!(
        std::fs::read_to_string(out.join("mine.txt")).unwrap(),
        "keep me\n"
    );
    let beside: Vec<String> = tree(dir.path())
        .into_iter()
        .filter(|p| !p.contains('/') || p.matches('/').count() == 1 && p.ends_with('/'))
        .collect();
    assert!(
        !beside.iter().any(|p| p.starts_with(".skillforge-")),
        "no staging folder left: {beside:?}"
    );

    // An empty folder is filled.
    std::fs::remove_file(out.join("mine.txt")).unwrap();
    export(&project, &out, &["--allow-unfinished"]).success();
    assert!(out.join("README.md").is_file());
}

#[test]
fn uncommitted_changes_are_refused_with_the_fix_but_practice_files_do_not_count() {
    let (dir, project) = fresh("dirty");
    let out = dir.path().join("portfolio");
    let tasks = project.join("TASKS.md");
    let ticked = std::fs::read_to_string(&tasks)
        .unwrap()
        .replace("- [ ]", "- [x]");
    std::fs::write(&tasks, ticked).unwrap();
    std::fs::write(project.join("scratch.py"), "print('wip')\n").unwrap();
    export(&project, &out, &["--allow-unfinished"])
        .code(2)
        .stderr_has("1 file(s) have changes that are not committed: scratch.py")
        .stderr_has("git add -A && git commit");
    assert!(!out.exists());
    std::fs::remove_file(project.join("scratch.py")).unwrap();
    export(&project, &out, &["--allow-unfinished"]).success();
}

#[test]
fn a_folder_inside_the_project_is_refused() {
    let (_dir, project) = fresh("inside");
    let out = project.join("portfolio");
    export(&project, &out, &["--allow-unfinished"])
        .code(3)
        .stderr_has("inside the project")
        .stderr_has("../inside-portfolio");
    assert!(!out.exists());
}

#[test]
#[cfg(unix)]
fn an_interrupt_while_exporting_leaves_nothing() {
    let (dir, project) = fresh("interrupted");
    for n in 0..3 {
        std::fs::write(project.join(format!("note{n}.md")), "# Note\n").unwrap();
        git(&project, &["add", "-A"]);
        git(&project, &["commit", "-qm", &format!("Note {n}")]);
    }
    let out = dir.path().join("portfolio");
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .args(["export", "portfolio", "--allow-unfinished", "--path"])
        .arg(&project)
        .current_dir(dir.path())
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("SKILLFORGE_WRITE_DELAY_MS", "400")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".skillforge-"))
    };
    let start = std::time::Instant::now();
    while !staging() {
        assert!(
            start.elapsed().as_secs() < 30,
            "the export never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    // SAFETY: sends SIGINT to the child this test started.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
        0
    );
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("cancelled; nothing was exported"),
        "{stderr}"
    );
    assert!(!out.exists(), "no export");
    assert!(!staging(), "no staging folder");
}

#[test]
fn a_project_without_its_own_repository_is_refused_with_the_fix() {
    let (dir, project) = generate("no-repo", &["--solved", "--no-git"]);
    let out = dir.path().join("portfolio");
    export(&project, &out, &["--allow-unfinished"])
        .code(2)
        .stderr_has("is not the top of a git repository")
        .stderr_has("git init && git add -A && git commit");
    assert!(!out.exists());
}

#[test]
fn tests_that_cannot_run_are_refused_with_the_reason_and_the_fix() {
    let (dir, project) = fresh("unchecked-env");
    run_ok(
        Command::new("python3")
            .args(["-m", "venv", "--without-pip"])
            .arg(project.join(".venv")),
        "python3 -m venv",
    );
    let out = dir.path().join("portfolio");
    export(&project, &out, &[])
        .code(2)
        .stderr_has("the tests cannot run: pytest is not installed")
        .stderr_has("run `skillforge setup`");
    assert!(!out.exists());
}

#[test]
fn a_folder_whose_parent_is_missing_is_refused_naming_it() {
    let (dir, project) = fresh("no-parent");
    let out = dir.path().join("missing/portfolio");
    export(&project, &out, &["--allow-unfinished"])
        .code(3)
        .stderr_has("missing does not exist; create it first");
    assert!(!dir.path().join("missing").exists());
}
