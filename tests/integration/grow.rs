//! `skillforge add` and `update`: an add-on or a new blueprint version merged into a
//! project the learner has worked on, their work kept, overlaps marked and listed, nothing
//! committed over a dirty tree. One combination is graded by a real `check`; the others
//! are read from the files, the origin file and git.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use skillforge::blueprint::{Kind, Library, compat};

use crate::support::{sf, tree};

const NAME: (&str, &str) = ("Test Learner", "learner@example.com");

/// A new project of `base` (with `extra` arguments) in a temp dir, with git.
fn project(base: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["new", "demo", "--blueprint", base, "--yes"];
    args.extend_from_slice(extra);
    sf(args)
        .cwd(dir.path())
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let path = dir.path().join("demo");
    (dir, path)
}

/// Runs git in `project` as the learner; its stdout.
fn git(project: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test Learner",
            "-c",
            "user.email=l@example.com",
        ])
        .args(args)
        .current_dir(project)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", project)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The learner solves the first `count` tasks (with the reference solutions), ticks the
/// first box in TASKS.md and commits.
fn solve(project: &Path, count: usize) {
    for number in 1..=count {
        sf(["solution", &number.to_string(), "--give-up", "--apply"])
            .cwd(project)
            .run()
            .success();
    }
    tick_first(project);
    git(project, &["add", "-A"]);
    git(project, &["commit", "-qm", "my work"]);
}

fn tick_first(project: &Path) {
    let path = project.join("TASKS.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("- [ ] **1.", "- [x] **1.", 1)).unwrap();
}

/// The project's files but git's, by path.
fn files(project: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(project)
        .into_iter()
        .filter(|p| !p.ends_with('/') && !p.starts_with(".git/"))
        .map(|p| {
            let bytes = std::fs::read(project.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn origin(project: &Path) -> toml::Value {
    let text = std::fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn add(project: &Path, args: &[&str]) -> crate::support::Output {
    let mut all = vec!["add"];
    all.extend_from_slice(args);
    sf(all).cwd(project).git_identity(NAME.0, NAME.1).run()
}

/// Every add-on composed onto every base it applies to, after the learner solved two tasks:
/// their files are kept byte for byte, the add-on's tasks join TASKS.md unticked and the
/// origin file with their test checksums, progress is kept, and it is one commit.
#[test]
fn add_composes_every_addon_onto_every_compatible_base_keeping_the_learners_work() {
    let library = Library::embedded().unwrap();
    let bases: Vec<&str> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base && crate::support::selected_base(b.id()))
        .map(|b| b.id())
        .collect();
    let mut combinations = 0;
    for base in bases {
        for addon in compat::compatible_addons(&library, base) {
            combinations += 1;
            // An add-on that requires others is added to a project that has them.
            let required: Vec<&str> = addon
                .requires
                .iter()
                .flat_map(|id| ["--with", id.as_str()])
                .collect();
            let addon_requires = &addon.requires;
            let addon = addon.id();
            let (_dir, project) = project(base, &required);
            solve(&project, 2);
            let before = files(&project);
            let head = git(&project, &["rev-parse", "HEAD"]);
            add(&project, &[addon]).success();
            let label = format!("{base} + {addon}");
            let after = files(&project);
            for (path, bytes) in &before {
                if !skillforge::project::MODEL_FILES.contains(&path.as_str()) {
                    assert_eq!(after.get(path), Some(bytes), "{label}: {path} changed");
                }
            }
            let tasks = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
            let ticks = skillforge::practice::tasks_md::ticks(&tasks);
            let origin = origin(&project);
            let task_ids: Vec<(String, String)> = origin["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let id = t["id"].as_str().unwrap().to_string();
                    (id, t["blueprint"].as_str().unwrap().to_string())
                })
                .collect();
            assert!(
                task_ids.iter().any(|(_, b)| b == addon),
                "{label}: no task of the add-on in origin.toml"
            );
            for (id, blueprint) in &task_ids {
                let ticked = ticks.get(id).copied();
                let first = id == &task_ids[0].0;
                assert_eq!(ticked, Some(first), "{label}: box of {id} ({blueprint})");
            }
            let checksums = origin["checksums"].as_table().unwrap();
            for task in origin["tasks"].as_array().unwrap() {
                for test in task["tests"].as_array().unwrap() {
                    assert!(
                        checksums.contains_key(test.as_str().unwrap()),
                        "{label}: no checksum for {test}"
                    );
                }
            }
            let parts: Vec<&str> = origin["blueprints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].as_str().unwrap())
                .collect();
            let expected: Vec<&str> = std::iter::once(base)
                .chain(addon_requires.iter().map(String::as_str))
                .chain([addon])
                .collect();
            assert_eq!(parts, expected, "{label}");
            assert_eq!(
                before.get(".skillforge/progress.toml"),
                after.get(".skillforge/progress.toml"),
                "{label}: progress changed"
            );
            assert_eq!(git(&project, &["status", "--porcelain"]), "", "{label}");
            assert_eq!(
                git(&project, &["rev-parse", "HEAD~1"]),
                head,
                "{label}: not one commit"
            );
        }
    }
    assert!(
        combinations >= 1 || std::env::var("SKILLFORGE_BASES").is_ok(),
        "no combination found"
    );
}

/// The statuses of `status --json`, by task id.
fn statuses(project: &Path) -> BTreeMap<String, String> {
    let out = sf(["status", "--json"]).cwd(project).run().success();
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let id = t["id"].as_str().unwrap().to_string();
            (id, t["status"].as_str().unwrap().to_string())
        })
        .collect()
}

/// A real `check` after `add`: the tasks the learner solved still pass, the add-on's fail.
#[test]
fn after_add_a_real_check_passes_the_solved_tasks_and_fails_the_new_ones() {
    let (base, addon) = ("pypi-package", "quality");
    if !crate::support::selected_base(base) {
        return;
    }
    let (_dir, project) = project(base, &[]);
    solve(&project, 2);
    add(&project, &[addon]).success();
    crate::practise::install(&project, "pypi-package + quality");
    sf(["check"])
        .cwd(&project)
        .timeout(std::time::Duration::from_secs(600))
        .run();
    let statuses = statuses(&project);
    let origin = origin(&project);
    for (number, task) in origin["tasks"].as_array().unwrap().iter().enumerate() {
        let id = task["id"].as_str().unwrap();
        let from_addon = task["blueprint"].as_str() == Some(addon);
        let status = statuses[id].as_str();
        if number < 2 {
            assert_eq!(status, "pass", "{id} was solved");
        } else if from_addon {
            assert_eq!(status, "fail", "{id} is the add-on's, not solved");
        }
    }
}

/// A line the learner changed that the add-on changes too is marked, listed, and not
/// committed; the files that merge cleanly are still written.
#[test]
fn an_overlap_is_marked_and_listed_and_nothing_is_committed() {
    let (_dir, project) = project("fastapi-service", &[]);
    let readme = project.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("This is a practice repository generated by skillforge"))
        .unwrap()
        .to_string();
    std::fs::write(
        &readme,
        text.replace(&line, "This is my bookmarks service."),
    )
    .unwrap();
    git(&project, &["commit", "-qam", "my words"]);
    let head = git(&project, &["rev-parse", "HEAD"]);
    let out = add(&project, &["docker"]).code(1);
    assert!(out.stderr.contains("README.md"), "{}", out.stderr);
    assert!(out.stdout.contains("README.md") && out.stdout.contains("CONFLICT"));
    let merged = std::fs::read_to_string(&readme).unwrap();
    assert!(merged.contains("<<<<<<< yours\nThis is my bookmarks service.\n"));
    assert!(merged.contains(">>>>>>> skillforge\n"), "{merged}");
    assert!(
        project.join("Dockerfile").is_file(),
        "new files are written"
    );
    assert_eq!(
        git(&project, &["rev-parse", "HEAD"]),
        head,
        "nothing committed"
    );
}

#[test]
fn a_dirty_tree_is_refused_and_nothing_is_written() {
    let (_dir, project) = project("fastapi-service", &[]);
    std::fs::write(project.join("README.md"), "mine\n").unwrap();
    let before = files(&project);
    let out = add(&project, &["docker"]).code(2);
    assert!(
        out.stderr.contains("uncommitted changes in README.md"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--allow-dirty"), "{}", out.stderr);
    assert_eq!(files(&project), before);
}

#[test]
fn no_commit_leaves_the_change_staged() {
    let (_dir, project) = project("fastapi-service", &[]);
    let head = git(&project, &["rev-parse", "HEAD"]);
    add(&project, &["github-ci", "--no-commit"]).success();
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
    let staged = git(&project, &["diff", "--cached", "--name-only"]);
    assert!(staged.contains(".github/workflows/ci.yml"), "{staged}");
    assert!(staged.contains("TASKS.md") && staged.contains(".skillforge/origin.toml"));
}

#[test]
fn add_refuses_what_new_would_refuse_with_the_fix() {
    let (_dir, library_project) = project("pypi-package", &[]);
    add(&library_project, &["docker"])
        .code(2)
        .stderr_has("docker is not for pypi-package");
    add(&library_project, &["dokcer"])
        .code(2)
        .stderr_has("did you mean \"docker\"");
    let (_dir2, with_docker) = project("fastapi-service", &["--with", "docker"]);
    add(&with_docker, &["docker"])
        .code(2)
        .stderr_has("docker is already in the project");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn edit(path: &Path, change: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, change(text)).unwrap();
}

/// A copy of the pypi-package blueprint in a folder, and a project made from it (`--from`).
fn from_copied_blueprint() -> (tempfile::TempDir, PathBuf, tempfile::TempDir, PathBuf) {
    let bp_dir = tempfile::tempdir().unwrap();
    let bp = bp_dir.path().join("pypi-package");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/pypi-package"),
        &bp,
    );
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "demo", "--from", bp.to_str().unwrap(), "--yes"])
        .cwd(dir.path())
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let project = dir.path().join("demo");
    (bp_dir, bp, dir, project)
}

/// Version 1.1.0 of the copied blueprint: a line more in a starter file and a test more in
/// the first task's tests.
fn bump(bp: &Path) {
    edit(&bp.join("blueprint.toml"), |t| {
        t.replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1)
    });
    edit(&bp.join("template/.github/dependabot.yml"), |t| {
        format!("{t}# checked weekly since 1.1.0\n")
    });
    edit(
        &bp.join("template/tests/tasks/test_parse_versions.py.hbs"),
        |t| format!("{t}\n\ndef test_added_in_1_1() -> None:\n    assert True\n"),
    );
}

/// A blueprint from a folder, a project from it with a task solved, then a new version of
/// the blueprint that changes a starter file and a task test: `status` says so, `update
/// --dry-run` lists the files and writes nothing, `update` takes the changes, keeps the
/// learner's solution, and records the new version and test checksum.
#[test]
fn update_takes_a_new_blueprint_version_and_keeps_the_learners_work() {
    let (_bp_dir, bp, _dir, project) = from_copied_blueprint();
    // The learner's own line in a starter file the new version changes too, elsewhere.
    edit(&project.join(".github/dependabot.yml"), |t| {
        format!("# my note\n{t}")
    });
    solve(&project, 1);
    let solved = std::fs::read(project.join("src/demo/version.py")).unwrap();
    let test = "tests/tasks/test_parse_versions.py";
    let old_sum = origin(&project)["checksums"][test]
        .as_str()
        .unwrap()
        .to_string();

    bump(&bp);
    add(&project, &["quality"])
        .code(2)
        .stderr_has("run `skillforge update` first");
    sf(["status"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("pypi-package 1.1.0 (the project has 1.0.0)");
    let before = files(&project);
    let dry = sf(["update", "--dry-run"]).cwd(&project).run().success();
    assert!(
        dry.stdout.contains(".github/dependabot.yml"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains(test), "{}", dry.stdout);
    assert!(!dry.stdout.contains("version.py"), "{}", dry.stdout);
    assert_eq!(files(&project), before, "--dry-run wrote something");

    sf(["update"])
        .cwd(&project)
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let dependabot = std::fs::read_to_string(project.join(".github/dependabot.yml")).unwrap();
    assert!(dependabot.starts_with("# my note\n"), "{dependabot}");
    assert!(
        dependabot.ends_with("# checked weekly since 1.1.0\n"),
        "{dependabot}"
    );
    let tests = std::fs::read_to_string(project.join(test)).unwrap();
    assert!(tests.contains("def test_added_in_1_1"));
    assert_eq!(
        std::fs::read(project.join("src/demo/version.py")).unwrap(),
        solved
    );
    let origin = origin(&project);
    assert_eq!(origin["blueprints"][0]["version"].as_str(), Some("1.1.0"));
    assert_ne!(origin["checksums"][test].as_str().unwrap(), old_sum);
    let tasks = std::fs::read_to_string(project.join("TASKS.md")).unwrap();
    assert!(tasks.contains("- [x] **1."), "the learner's tick is kept");
    assert_eq!(git(&project, &["status", "--porcelain"]), "");
    sf(["update", "--dry-run"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("up to date");
}

#[test]
fn a_project_outside_git_is_refused_unless_allowed_and_then_written_uncommitted() {
    let (_dir, project) = project("fastapi-service", &["--no-git"]);
    add(&project, &["docker"])
        .code(2)
        .stderr_has("not in a git repository");
    assert!(!project.join("Dockerfile").exists());
    add(&project, &["docker", "--allow-dirty"])
        .success()
        .stderr_has("nothing was committed");
    assert!(project.join("Dockerfile").is_file());
    assert!(!project.join(".git").exists());
}

/// A project made before the generated files' blob ids were recorded: `update` takes each
/// file's first committed version as the base.
#[test]
fn update_of_a_project_without_recorded_blob_ids_merges_from_the_first_commit() {
    let (_bp_dir, bp, _dir, project) = from_copied_blueprint();
    edit(&project.join(".skillforge/origin.toml"), |t| {
        t[..t.find("[generated]").unwrap()].to_string()
    });
    solve(&project, 1);
    let solved = std::fs::read(project.join("src/demo/version.py")).unwrap();
    bump(&bp);
    sf(["update"])
        .cwd(&project)
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let dependabot = std::fs::read_to_string(project.join(".github/dependabot.yml")).unwrap();
    assert!(
        dependabot.ends_with("# checked weekly since 1.1.0\n"),
        "{dependabot}"
    );
    assert_eq!(
        std::fs::read(project.join("src/demo/version.py")).unwrap(),
        solved
    );
    assert!(
        origin(&project).get("generated").is_some(),
        "recorded from now on"
    );
    assert_eq!(git(&project, &["status", "--porcelain"]), "");
}

/// A change made to a file's text.
type Edit = Box<dyn Fn(String) -> String>;

/// Uncommitted edits to the record or the classroom workflow (an `[accepted]` block written
/// by hand, a graded step made `command: "true"`, progress wiped, a new file in
/// `.skillforge/`, a staged edit) are refused by `add` and `update`, `--allow-dirty` or
/// not, naming the file and the fix: skillforge's commit never carries them. Put back,
/// `add --allow-dirty` goes ahead over other edits and records HEAD's accepts, not a hand edit.
#[test]
fn add_and_update_never_commit_edits_to_the_record_or_the_classroom_workflow() {
    let (_dir, project) = project("fastapi-service", &["--classroom"]);
    let forged = "\n[accepted]\n\"tests/test_forged.py\" = \"sha256:00\"\n";
    let workflow = ".github/workflows/classroom.yml";
    let edits: [(&str, Edit, bool); 4] = [
        (
            ".skillforge/origin.toml",
            Box::new(move |t| t + forged),
            false,
        ),
        (
            workflow,
            Box::new(|t: String| {
                t.lines()
                    .map(|l| match l.find("command:") {
                        Some(at) => format!("{}command: \"true\"", &l[..at]),
                        None => l.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
            false,
        ),
        (
            ".skillforge/origin.toml",
            Box::new(move |t| t + forged),
            true,
        ),
        (
            workflow,
            Box::new(|t: String| t.replace("runs-on", "# runs-on")),
            true,
        ),
    ];
    let head = git(&project, &["rev-parse", "HEAD"]);
    for (file, change, staged) in &edits {
        let path = project.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, change(text)).unwrap();
        if *staged {
            git(&project, &["add", file]);
        }
        let before = files(&project);
        for command in [
            vec!["add", "docker", "--allow-dirty"],
            vec!["update", "--allow-dirty"],
        ] {
            let out = sf(command.clone())
                .cwd(&project)
                .git_identity(NAME.0, NAME.1)
                .run()
                .code(2);
            assert!(
                out.stderr.contains(file),
                "{command:?} after editing {file}: {}",
                out.stderr
            );
            assert!(out.stderr.contains("git checkout --"), "{}", out.stderr);
            assert_eq!(
                files(&project),
                before,
                "{command:?} wrote over an edited {file}"
            );
            assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
        }
        if *staged {
            git(&project, &["reset", "-q", "--", file]);
        }
        if git(&project, &["ls-files", "--", file]).is_empty() {
            std::fs::remove_file(&path).unwrap();
        } else {
            git(&project, &["checkout", "--", file]);
        }
    }
    tick_first(&project);
    // The learner's own record (hints revealed, tasks given up), which `new` does not
    // commit, grades nothing: it does not stand in the way.
    std::fs::write(
        project.join(".skillforge/progress.toml"),
        "# hints revealed\n",
    )
    .unwrap();
    add(&project, &["docker", "--allow-dirty"]).success();
    let committed = git(&project, &["show", "HEAD:.skillforge/origin.toml"]);
    assert!(!committed.contains("test_forged"), "{committed}");
    let shown = git(&project, &["show", &format!("HEAD:{workflow}")]);
    assert!(!shown.contains("command: \"true\""), "{shown}");
}

/// A project made with `new --from DIR` whose blueprints then move: every command that reads
/// them again says to pass `--from`, and takes it. `update` and `add` grow the project from
/// the new place, and `export` (here without a `.venv`, so without a check) writes its copy.
#[test]
fn every_command_that_reads_moved_blueprints_takes_from() {
    let (bp_dir, bp, _dir, project) = from_copied_blueprint();
    let moved = bp_dir.path().join("moved/pypi-package");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&bp, &moved).unwrap();
    let moved = moved.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("portfolio");
    let copy = copy.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["update", "--dry-run"],
        &["add", "quality"],
        &["export", copy, "--allow-unfinished"],
        &["solution", "1", "--give-up"],
        &["reset", "1", "--yes"],
    ];
    let before = files(&project);
    for args in commands {
        let refused = sf(args).cwd(&project).git_identity(NAME.0, NAME.1).run();
        assert_ne!(refused.code, 0, "{args:?} ran without its blueprints");
        assert!(
            refused.stderr.contains("is no longer there; pass --from"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    assert!(!Path::new(copy).exists(), "a refused export wrote {copy}");
    assert_eq!(
        files(&project),
        before,
        "a refused command wrote in the project"
    );

    sf(["update", "--dry-run", "--from", moved])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("up to date");
    add(&project, &["quality", "--from", moved]).success();
    let recorded = origin(&project);
    assert_eq!(recorded["blueprints"][1]["id"].as_str(), Some("quality"));
    // The record now says where the blueprint is: the commands find it without --from.
    assert_eq!(
        recorded["blueprints"][0]["source"]["location"].as_str(),
        Some(moved)
    );
    sf(["update", "--dry-run"])
        .cwd(&project)
        .run()
        .success()
        .stderr_has("up to date");
    sf(["export", copy, "--allow-unfinished", "--from", moved])
        .cwd(&project)
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let readme = std::fs::read_to_string(Path::new(copy).join("README.md")).unwrap();
    assert!(readme.contains("Pre-commit hooks"), "{readme}");
}

/// Test edits the learner accepted stay accepted through `update`, but not for a test the
/// new version changed: the learner has to see the new test and accept again.
#[test]
fn update_drops_the_accepted_edit_of_a_test_the_new_version_changed() {
    let (_bp_dir, bp, _dir, project) = from_copied_blueprint();
    let changed = "tests/tasks/test_parse_versions.py";
    let kept = "tests/tasks/test_compare_versions.py";
    assert!(origin(&project)["checksums"].get(kept).is_some());
    // What `check --accept-test-changes` records, committed as the learner would.
    edit(&project.join(".skillforge/origin.toml"), |t| {
        let at = t.find("[generated]").unwrap();
        format!(
            "{}[accepted]\n\"{changed}\" = \"sha256:{}\"\n\"{kept}\" = \"sha256:{}\"\n\n{}",
            &t[..at],
            "1".repeat(64),
            "2".repeat(64),
            &t[at..]
        )
    });
    git(&project, &["commit", "-qam", "accept my test edits"]);
    bump(&bp);
    sf(["update"])
        .cwd(&project)
        .git_identity(NAME.0, NAME.1)
        .run()
        .success();
    let accepted = origin(&project)["accepted"].clone();
    assert_eq!(accepted.get(changed), None, "{accepted}");
    assert_eq!(
        accepted.get(kept).and_then(|v| v.as_str()),
        Some(format!("sha256:{}", "2".repeat(64)).as_str()),
        "{accepted}"
    );
}

/// After `add`, the blob id the record holds for each of the add-on's files is in the
/// repository and is the file as generated: `check`'s restore command for an edited test
/// (`git cat-file blob ID > FILE`) puts it back, where the first commit has no such file.
#[test]
fn after_add_the_recorded_blob_of_an_addon_test_restores_it() {
    let (_dir, project) = project("fastapi-service", &[]);
    add(&project, &["docker"]).success();
    let test = "tests/addons/test_docker.py";
    let shipped = std::fs::read(project.join(test)).unwrap();
    let first = git(&project, &["rev-list", "--max-parents=0", "HEAD"]);
    let in_first = Command::new("git")
        .args(["cat-file", "-e", &format!("{}:{test}", first.trim())])
        .current_dir(&project)
        .status()
        .unwrap();
    assert!(!in_first.success(), "{test} is in the first commit");
    std::fs::write(
        project.join(test),
        "def test_nothing() -> None:\n    pass\n",
    )
    .unwrap();
    let id = origin(&project)["generated"][test]
        .as_str()
        .unwrap()
        .to_string();
    let restored = Command::new("git")
        .args(["cat-file", "blob", &id])
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "blob {id} is not in the repository"
    );
    assert_eq!(restored.stdout, shipped);
}
