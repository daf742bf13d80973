//! The cheats a lazy learner tries, each of which must leave its task failing.
//!
//! Every file `tests/cheats/<name>.toml` names a base (and its add-ons) and lists cheats: a
//! task, what was tried, the project it starts from (`solved`: the reference solution, in
//! which the cheat replaces the skill's code; `starter`: the untouched starter), the edits,
//! and a text that `check`'s output must contain, the message the learner then reads. The
//! project is generated and installed once per file and start; each cheat is applied, graded
//! with `skillforge check --task --exitfirst`, and undone with git. `--exitfirst` changes no
//! verdict of one task, and spares the tests after its first failure, which is most of the
//! suite's time. It can change the message: a full check names a timed-out test before the
//! first failure, and `--exitfirst` stops before reaching it. So a cheat whose output lacks
//! `expect` is checked again without it, and only that output must have it.
//!
//! A file that says `warm = true` first checks, on the solved project, each task its solved
//! cheats aim at, and each must pass: its parts keep answers in the environment between
//! checks (testing-craft's verdicts, quality's answer on ruff's configuration), so every
//! cheat then meets the kept answers of the honest solution, and must still fail.
//!
//! A new file is picked up without touching this code. `SKILLFORGE_CHEATS=name,...` runs
//! only the named files while writing them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::python::run_ok;
use crate::support::sf;

/// The project every cheat file generates, so edits name `src/practice_project/...`.
const PROJECT: &str = "practice-project";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheatFile {
    blueprint: String,
    #[serde(default)]
    with: Vec<String>,
    /// Check the solved project's cheated tasks once, honestly, before the cheats.
    #[serde(default)]
    warm: bool,
    cheat: Vec<Cheat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cheat {
    task: String,
    tried: String,
    on: Start,
    expect: String,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    remove: Vec<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Start {
    Solved,
    Starter,
}

/// Replaces the one occurrence of `find` in `file` by `replace`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    find: String,
    replace: String,
}

/// Writes `file` whole.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    file: String,
    text: String,
}

fn cheat_files() -> Vec<(String, CheatFile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cheats");
    let only: Option<Vec<String>> = std::env::var("SKILLFORGE_CHEATS")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cheats")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let file: CheatFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, file)
        })
        .filter(|(name, _)| only.as_ref().is_none_or(|o| o.contains(name)))
        .collect()
}

/// Generates the project of `file` (solved or starter) and installs it in its `.venv`.
fn project(file: &CheatFile, start: Start, work: &Path) -> PathBuf {
    let dir = work.join(format!("{start:?}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut args = vec!["new", PROJECT, "--blueprint", &file.blueprint, "--yes"];
    for addon in &file.with {
        args.extend(["--with", addon]);
    }
    if start == Start::Solved {
        args.push("--solved");
    }
    sf(&args)
        .cwd(&dir)
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    let project = dir.join(PROJECT);
    crate::practise::install(&project, &file.blueprint);
    project
}

/// Applies `cheat` to `project`; `Err` when the cheat no longer fits the files.
fn apply(cheat: &Cheat, project: &Path) -> Result<(), String> {
    for edit in &cheat.edit {
        let path = project.join(&edit.file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", edit.file))?;
        let found = text.matches(&edit.find).count();
        if found != 1 {
            return Err(format!(
                "{}: {:?} is found {found} times, not once",
                edit.file, edit.find
            ));
        }
        std::fs::write(&path, text.replacen(&edit.find, &edit.replace, 1)).unwrap();
    }
    for write in &cheat.write {
        let path = project.join(&write.file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &write.text).unwrap();
    }
    for file in &cheat.remove {
        std::fs::remove_file(project.join(file)).map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(())
}

/// Back to the generated project: tracked files restored, new files removed (`.venv` and
/// the other ignored files stay).
fn undo(project: &Path) {
    for args in [&["checkout", "-q", "--", "."][..], &["clean", "-fdq"]] {
        run_ok(
            Command::new("git").args(args).current_dir(project),
            "undo a cheat",
        );
    }
}

/// The task's status after the last check, from `status --json`.
fn status(project: &Path, task: &str) -> String {
    let out = sf(["status", "--json"]).cwd(project).run().success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("status --json");
    json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task)
        .unwrap_or_else(|| panic!("no task {task}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Checks each task `cheats` aim at on the untouched solved `project`, so that what its
/// tests keep in the environment holds the honest answers; returns the tasks that fail.
fn warm(name: &str, project: &Path, cheats: &[&Cheat]) -> Vec<String> {
    let mut tasks: Vec<&str> = cheats.iter().map(|c| c.task.as_str()).collect();
    tasks.sort_unstable();
    tasks.dedup();
    tasks
        .into_iter()
        .filter_map(|task| {
            let out = sf(["check", "--task", task, "--color", "never"])
                .cwd(project)
                .timeout(std::time::Duration::from_secs(600))
                .run();
            (out.code != 0).then(|| {
                format!(
                    "{name}: {task} fails on the solved project before any cheat:\n{}{}",
                    out.stdout, out.stderr
                )
            })
        })
        .collect()
}

/// Runs every cheat of one file; returns the problems found.
fn run_file(name: &str, file: &CheatFile) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for start in [Start::Solved, Start::Starter] {
        let cheats: Vec<&Cheat> = file.cheat.iter().filter(|c| c.on == start).collect();
        if cheats.is_empty() {
            continue;
        }
        let started = crate::costs::start();
        let project = project(file, start, work.path());
        let parts: Vec<&str> = std::iter::once(file.blueprint.as_str())
            .chain(file.with.iter().map(String::as_str))
            .collect();
        crate::costs::charge_parts("cheats", &parts, started);
        if file.warm && start == Start::Solved {
            problems.extend(warm(name, &project, &cheats));
        }
        for cheat in cheats {
            let started = crate::costs::start();
            let label = format!("{name}: {} ({})", cheat.task, cheat.tried);
            if let Err(e) = apply(cheat, &project) {
                problems.push(format!("{label}: the cheat does not apply: {e}"));
                undo(&project);
                continue;
            }
            let check = |exitfirst: bool| {
                let mut args = vec!["check", "--task", &cheat.task, "--color", "never"];
                if exitfirst {
                    args.push("--exitfirst");
                }
                let out = sf(args)
                    .cwd(&project)
                    .timeout(std::time::Duration::from_secs(600))
                    .run();
                let said = format!("{}{}", out.stdout, out.stderr);
                (out.code, said, status(&project, &cheat.task))
            };
            let (mut code, mut said, mut now) = check(true);
            if code == 1 && now != "pass" && !said.contains(&cheat.expect) {
                (code, said, now) = check(false);
            }
            if code != 1 || now == "pass" {
                problems.push(format!(
                    "{label}: the task passes (exit {code}, status {now}):\n{said}"
                ));
            } else if !said.contains(&cheat.expect) {
                problems.push(format!(
                    "{label}: the task fails, but the output lacks {:?}:\n{said}",
                    cheat.expect
                ));
            }
            undo(&project);
            crate::costs::charge_task("cheats", &cheat.task, started);
        }
        crate::practise::keep_mypy_cache(&project);
    }
    problems
}

#[test]
fn python_every_cheat_fails_its_task() {
    // uv comes from the tools venv, which the first Python test of a run installs.
    crate::python::tools();
    let mut files = cheat_files();
    // The files with the most cheats first, so the two threads end close together.
    files.sort_by_key(|(_, file)| std::cmp::Reverse(file.cheat.len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems = std::sync::Mutex::new(Vec::new());
    // Two files at a time: a check is mostly one Python process.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((name, file)) = files.get(i) else {
                        break;
                    };
                    let found = run_file(name, file);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} cheat(s) not caught:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Every task of every blueprint has at least one cheat on record, and every cheat names a
/// task of the project its file generates: a new blueprint is not done until a learner's
/// shortcuts have been tried against each of its tasks.
#[test]
fn every_task_has_a_cheat_on_record() {
    let library = skillforge::blueprint::Library::embedded().unwrap();
    let files = cheat_files();
    let mut problems = Vec::new();
    for (name, file) in &files {
        let parts: Vec<&str> = std::iter::once(file.blueprint.as_str())
            .chain(file.with.iter().map(String::as_str))
            .collect();
        for cheat in &file.cheat {
            let owner = crate::costs::owner(&cheat.task);
            if !parts.contains(&owner.as_str()) {
                problems.push(format!(
                    "tests/cheats/{name}.toml: task {:?} is not a task of {}",
                    cheat.task,
                    parts.join("+")
                ));
            }
        }
    }
    if std::env::var_os("SKILLFORGE_CHEATS").is_none() {
        for blueprint in &library.blueprints {
            for task in &blueprint.tasks {
                if !files
                    .iter()
                    .any(|(_, f)| f.cheat.iter().any(|c| c.task == task.id))
                {
                    problems.push(format!(
                        "{}: task {} has no cheat in tests/cheats/ (try one, see docs/blueprint-format.md \"Cheats\")",
                        blueprint.id(),
                        task.id
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
