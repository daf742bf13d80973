//! Every base blueprint, generated as starter and as solved, tested as a Python project: a
//! fresh venv, an editable install with the dev group, pytest, ruff and mypy. The promise:
//! solved passes every test; the starter passes its harness and fails every task test.
//!
//! uv comes from `SKILLFORGE_TEST_UV`, else PATH, else it is installed with pip into a venv
//! under cargo's target folder, so a clean machine with only python3 runs this too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use skillforge::answers::{self, Mode};
use skillforge::blueprint::{Kind, Library};
use skillforge::naming::ProjectNames;
use skillforge::plan::Plan;
use skillforge::project::{self, PlannedTask};

use crate::support::sf;

fn tools_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-tools")
}

/// The uv executable, installed once per test run when the machine has none.
fn uv() -> &'static Path {
    static UV: OnceLock<PathBuf> = OnceLock::new();
    UV.get_or_init(|| {
        if let Ok(path) = std::env::var("SKILLFORGE_TEST_UV") {
            return PathBuf::from(path);
        }
        if Command::new("uv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return PathBuf::from("uv");
        }
        let venv = tools_dir().join("venv");
        let uv = venv.join("bin/uv");
        if !uv.exists() {
            run_ok(
                Command::new("python3").args(["-m", "venv"]).arg(&venv),
                "create the tools venv",
            );
            run_ok(
                Command::new(venv.join("bin/python"))
                    .args(["-m", "pip", "install", "--quiet", "uv"]),
                "pip install uv",
            );
        }
        uv
    })
}

fn uv_cmd(cwd: &Path) -> Command {
    let mut cmd = Command::new(uv());
    cmd.current_dir(cwd)
        .env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_NO_PROGRESS", "1");
    cmd
}

#[track_caller]
fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// Creates `.venv` in `project` and installs it editable with the dev group.
fn install(project: &Path) -> PathBuf {
    let python = which_python3();
    run_ok(
        uv_cmd(project)
            .args(["venv", "--quiet", ".venv", "--python"])
            .arg(&python),
        "uv venv",
    );
    let venv_python = project.join(".venv/bin/python");
    run_ok(
        uv_cmd(project)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(&venv_python)
            .args(["-e", ".", "--group", "dev"]),
        "install the project with its dev group",
    );
    project.join(".venv/bin")
}

fn which_python3() -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs pytest and returns each test's outcome by node id (PASSED, FAILED, ERROR, ...).
fn pytest(project: &Path, bin: &Path) -> (BTreeMap<String, String>, String) {
    let out = Command::new(bin.join("python"))
        .args([
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--color=no",
            "-q",
        ])
        .current_dir(project)
        .output()
        .expect("run pytest");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let mut outcomes = BTreeMap::new();
    let summary = text
        .split("short test summary info")
        .nth(1)
        .unwrap_or_default();
    for line in summary.lines() {
        let mut words = line.splitn(2, ' ');
        let (Some(status), Some(rest)) = (words.next(), words.next()) else {
            continue;
        };
        if ["PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS"].contains(&status) {
            let node = rest.split(" - ").next().unwrap_or(rest).trim().to_string();
            outcomes.insert(node, status.to_string());
        }
    }
    (outcomes, text)
}

fn tasks_of(library: &Library, id: &str, name: &str) -> (Vec<PlannedTask>, Vec<String>) {
    let blueprint = library.get(id).unwrap();
    let mut questions = answers::engine_questions(None);
    questions.extend(blueprint.manifest.questions.iter().cloned());
    let answers = answers::resolve(&questions, &BTreeMap::new(), &mut Mode::Defaults, id).unwrap();
    let names = ProjectNames::parse(name).unwrap();
    let plan = Plan {
        base: blueprint,
        addons: vec![],
        names,
        answers,
        solved: false,
    };
    let project = project::compose(&plan, &library.catalog).unwrap();
    let harness = blueprint.manifest.harness.clone();
    (project.tasks, harness)
}

fn generate(id: &str, name: &str, solved: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["new", name, "--blueprint", id, "--yes", "--no-git"];
    if solved {
        args.push("--solved");
    }
    sf(args).cwd(dir.path()).run().success();
    let path = dir.path().join(name);
    (dir, path)
}

fn belongs(node: &str, paths: &[String]) -> bool {
    paths
        .iter()
        .any(|p| node == p || node.starts_with(&format!("{p}::")))
}

fn check_variant(id: &str, solved: bool) -> Vec<String> {
    let library = Library::embedded().unwrap();
    let name = format!("e2e-{id}");
    let (tasks, harness) = tasks_of(&library, id, &name);
    let (_dir, project) = generate(id, &name, solved);
    let bin = install(&project);
    let (outcomes, log) = pytest(&project, &bin);
    let label = format!("{id} ({})", if solved { "solved" } else { "starter" });
    let mut problems = Vec::new();
    assert!(
        !outcomes.is_empty(),
        "{label}: pytest reported no tests:\n{log}"
    );
    for (node, status) in &outcomes {
        let in_harness = belongs(node, &harness);
        let task = tasks.iter().find(|t| belongs(node, &t.tests));
        let expected = match (solved, in_harness, task) {
            (true, _, _) | (false, true, _) => "PASSED",
            (false, false, Some(_)) => "FAILED",
            (false, false, None) => {
                problems.push(format!(
                    "{label}: {node} belongs to no task and not to the harness"
                ));
                continue;
            }
        };
        if status != expected {
            problems.push(format!("{label}: {node} is {status}, expected {expected}"));
        }
    }
    for task in &tasks {
        if !outcomes.keys().any(|n| belongs(n, &task.tests)) {
            problems.push(format!("{label}: task {} has no collected test", task.id));
        }
    }
    if !problems.is_empty() {
        problems.push(format!("pytest output:\n{log}"));
    }
    let ruff = bin.join("ruff");
    for args in [
        &["check", "--no-cache", "."][..],
        &["format", "--no-cache", "--check", "."][..],
    ] {
        let out = Command::new(&ruff)
            .args(args)
            .current_dir(&project)
            .output()
            .unwrap();
        if !out.status.success() {
            problems.push(format!(
                "{label}: ruff {args:?}:\n{}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    if solved {
        let out = Command::new(bin.join("mypy"))
            .current_dir(&project)
            .env("MYPY_CACHE_DIR", "/dev/null")
            .output()
            .unwrap();
        if !out.status.success() {
            problems.push(format!(
                "{label}: mypy:\n{}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    problems
}

#[test]
fn every_base_blueprint_keeps_its_starter_and_solved_promise() {
    let library = Library::embedded().unwrap();
    let bases: Vec<String> = library
        .blueprints
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base)
        .map(|b| b.id().to_string())
        .collect();
    uv();
    let handles: Vec<_> = bases
        .iter()
        .flat_map(|id| [(id.clone(), false), (id.clone(), true)])
        .map(|(id, solved)| std::thread::spawn(move || check_variant(&id, solved)))
        .collect();
    let problems: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("variant thread"))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
