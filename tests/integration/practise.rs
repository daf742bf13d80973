//! The practise loop on real generated projects: `check`, `hint`, `solution`, `status`.
//!
//! The walk, the suite's thorough test of each base with all its add-ons: the starter is
//! installed in its own `.venv` and must pass ruff and validate-pyproject and fail every
//! task; then the tasks' reference solutions are applied with `solution --apply`, a part's
//! tasks together, and `check` must turn exactly those tasks green, changing TASKS.md in their
//! boxes alone. Lighter walks apply each part's tasks one at a time (see `plans`), and the
//! first task stepped is broken again and must turn red. At the end the files must be those of
//! `new --solved`, every test must pass, and the ecosystem's checkers (mypy, build, twine,
//! repo-review, actionlint, zizmor, hadolint) must pass. The quick tests below need no
//! Python packages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use skillforge::blueprint::{Kind, Library, Summary, compat};

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
///
/// The venv starts as a hard-linked copy of the venv of the project's dependency set
/// (`python::dependencies`), so each set is installed and compiled to bytecode once per run
/// however many walks and cheat files share it; only the project itself is then installed,
/// editable. Where the copy cannot be made (another file system), the project is installed
/// whole.
pub(crate) fn install(project: &Path, label: &str) {
    let venv = project.join(".venv");
    let template = crate::python::dependencies(project, label);
    TEMPLATES
        .lock()
        .unwrap()
        .insert(project.to_path_buf(), template.clone());
    let linked = {
        let _copying = crate::python::VENV_FILES.lock().unwrap();
        Command::new("cp")
            .arg("-al")
            .arg(&template)
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut cmd = uv();
    if linked {
        // Nothing is left to compile: the dependencies came compiled, and the project's own
        // code is read from its folder.
        cmd.env_remove("UV_COMPILE_BYTECODE");
    } else {
        let _ = std::fs::remove_dir_all(&venv);
        run_ok(
            uv().args(["venv", "--quiet", "--python", "python3"])
                .arg(&venv),
            "uv venv",
        );
    }
    run_ok(
        cmd.current_dir(project)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(venv.join("bin/python"))
            .args(["-e", ".", "--group", "dev"]),
        &format!("{label}: install"),
    );
}

/// The venv each installed project's `.venv` was copied from, by project.
static TEMPLATES: Mutex<BTreeMap<PathBuf, PathBuf>> = Mutex::new(BTreeMap::new());

/// Adds what mypy cached in `project`'s `.venv` (the quality and github-ci tests keep their
/// cache there, and so does the solved project's check) to the venv it was copied from, so
/// that the projects copied from it later, or from a venv made from it, start warm: a cold
/// mypy run on a project with pandas or MLflow takes 10 to 18 s of CPU, a warm one under 1 s.
///
/// A file the venv already has is kept, and no venv is copied while a cache is added. mypy
/// writes each cache file anew (never in place, so the hard-linked copies do not share a
/// change) and checks each cached module against its source, its options and its data file
/// before it trusts it, so a cache from another project can make mypy faster, never its
/// verdict different. Call it once the project's checks are done.
pub(crate) fn keep_mypy_cache(project: &Path) {
    let cache = project.join(".venv/.mypy_cache");
    let Some(template) = TEMPLATES.lock().unwrap().get(project).cloned() else {
        return;
    };
    if !cache.is_dir() {
        return;
    }
    let _adding = crate::python::VENV_FILES.lock().unwrap();
    let kept = template.join(".mypy_cache");
    std::fs::create_dir_all(&kept).unwrap();
    // `-n`: what the venv has stays; `-a`: the files' times, which mypy's checks compare. A
    // cache not kept costs time, not a verdict, so a failure (coreutils 9.2's `-n` exits 1
    // when it skips a file) is let pass.
    let _ = Command::new("cp")
        .args(["-a", "-n"])
        .arg(cache.join("."))
        .arg(&kept)
        .status();
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

/// A generated, installed project being walked, and what the walk found wrong with it.
struct Walk {
    label: String,
    project: PathBuf,
    dir: tempfile::TempDir,
    problems: Vec<String>,
}

impl Walk {
    /// Generates the starter of `plan`'s composition (with git) and installs it.
    fn start(plan: &Plan, work: &Path) -> Walk {
        let label = plan.label();
        let dir = tempfile::tempdir_in(work).unwrap();
        sf(new_args(&plan.base, &plan.addons, false))
            .cwd(dir.path())
            .git_identity("Test Learner", "learner@example.com")
            .run()
            .success();
        let project = dir.path().join("walk-project");
        install(&project, &label);
        Walk {
            label,
            project,
            dir,
            problems: Vec::new(),
        }
    }

    fn bin(&self) -> PathBuf {
        self.project.join(".venv/bin")
    }

    /// Runs `check`; whether it exited as expected (0 only when every task should pass).
    fn check(&self, expect_all: bool) -> (bool, crate::support::Output) {
        self.check_tasks(&[], expect_all)
    }

    /// Runs `check --task` for `tasks` (every task when empty); whether it exited as
    /// expected (0 only when every task checked should pass). The others keep their last
    /// result, as `status` shows them.
    fn check_tasks(&self, tasks: &[String], expect_all: bool) -> (bool, crate::support::Output) {
        let mut args = vec!["check".to_string()];
        if !tasks.is_empty() {
            args.extend(["--task".to_string(), tasks.join(",")]);
        }
        let out = sf(args)
            .cwd(&self.project)
            .timeout(std::time::Duration::from_secs(600))
            .run();
        (out.code == i32::from(!expect_all), out)
    }

    /// The starter: lint clean, every task failing with a well-formed results.json, and a
    /// conftest that passes every test changes nothing. The task ids, in TASKS.md order,
    /// when all of that holds.
    fn starter(&mut self) -> Option<Vec<String>> {
        let label = format!("{} (starter)", self.label);
        let found = crate::python::lint_problems(&label, &self.project, &self.bin());
        self.problems.extend(found);
        let (ok, out) = self.check(false);
        let statuses = statuses(&self.project);
        if !ok || statuses.iter().any(|(_, s)| s != "fail") {
            self.problems.push(format!(
                "{label}: the starter should fail every task:\n{}{}",
                out.stdout, out.stderr
            ));
            return None;
        }
        let ids: Vec<String> = statuses.into_iter().map(|(id, _)| id).collect();
        let found = results_problems(&self.project, &label, &ids);
        self.problems.extend(found);
        let found = cheats_change_nothing(&self.project, &label, |all| self.check(all));
        self.problems.extend(found);
        Some(ids)
    }

    /// Applies the reference solutions of `group`, marks them in `applied` (by index in
    /// `ids`, TASKS.md's order), then checks that exactly the applied tasks pass and that
    /// TASKS.md changed in the group's boxes alone. `last` is the walk's last step. `false`
    /// stops the walk.
    ///
    /// A step checks the group's tasks and every task not yet applied: the group's must turn
    /// green and none of the others with them (a ticked task means its own step was done).
    /// The tasks applied before passed at their own steps and keep that result; the last
    /// step checks every task, so a step that broke an earlier task is still found. Checking
    /// the earlier tasks at every step would make a walk's cost grow with the square of its
    /// steps.
    fn steps(
        &mut self,
        ids: &[String],
        applied: &mut [bool],
        group: &[String],
        last: bool,
    ) -> bool {
        let before = std::fs::read_to_string(self.project.join("TASKS.md")).unwrap();
        for id in group {
            let applied = sf(["solution", id, "--give-up", "--apply"])
                .cwd(&self.project)
                .run();
            if applied.code != 0 {
                self.problems.push(format!(
                    "{}: solution {id} --apply: {}",
                    self.label, applied.stderr
                ));
                return false;
            }
        }
        let numbers: Vec<usize> = group
            .iter()
            .map(|id| ids.iter().position(|i| i == id).unwrap())
            .collect();
        let pending: Vec<String> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| !applied[*i])
            .map(|(_, id)| id.clone())
            .collect();
        for &n in &numbers {
            applied[n] = true;
        }
        let (ok, out) = if last {
            self.check(true)
        } else {
            self.check_tasks(&pending, false)
        };
        let wrong: Vec<String> = statuses(&self.project)
            .iter()
            .enumerate()
            .filter(|(i, (_, s))| (s == "pass") != applied[*i])
            .map(|(_, (id, s))| format!("{id}={s}"))
            .collect();
        if !ok || !wrong.is_empty() {
            self.problems.push(format!(
                "{}: after applying {} these are wrong: {}\n{}{}",
                self.label,
                group.join(", "),
                wrong.join(", "),
                out.stdout,
                out.stderr
            ));
            return false;
        }
        let after = std::fs::read_to_string(self.project.join("TASKS.md")).unwrap();
        let changed = changed_lines(&before, &after);
        let boxes = numbers.iter().all(|n| {
            let expected = format!("- [x] **{}. ", n + 1);
            changed.iter().any(|(_, line)| line.starts_with(&expected))
        });
        if changed.len() != group.len() || !boxes {
            self.problems.push(format!(
                "{}: {}: TASKS.md should change in their boxes alone: {changed:?}",
                self.label,
                group.join(", ")
            ));
        }
        true
    }

    /// The first task's files back as generated: its task must turn red again, and its box
    /// alone be unticked; its files as solved again, green again.
    fn break_again(&mut self, id: &str) {
        let before = std::fs::read_to_string(self.project.join("TASKS.md")).unwrap();
        git(&self.project, &["stash", "push", "--quiet"]);
        let (_, out) = self.check_tasks(&[id.to_string()], false);
        if statuses(&self.project)[0].1 != "fail" {
            self.problems.push(format!(
                "{}: task {id} should turn red once broken again:\n{}",
                self.label, out.stdout
            ));
        }
        let broken = std::fs::read_to_string(self.project.join("TASKS.md")).unwrap();
        if changed_lines(&before, &broken).len() != 1 {
            self.problems.push(format!(
                "{}: breaking {id} should untick its box alone",
                self.label
            ));
        }
        git(&self.project, &["checkout", "--quiet", "--", "."]);
        git(&self.project, &["stash", "pop", "--quiet"]);
        // Mended: green again, so the later steps, which do not check it, start from a pass.
        let (ok, out) = self.check_tasks(&[id.to_string()], true);
        if !ok || statuses(&self.project)[0].1 != "pass" {
            self.problems.push(format!(
                "{}: task {id} should turn green again once mended:\n{}",
                self.label, out.stdout
            ));
        }
    }

    /// Every step applied: the files are those of `new --solved`, every test ran as a task's
    /// or the harness's and passed, and the ecosystem's checkers pass.
    fn solved(&mut self, base: &str, addons: &[String]) {
        let label = format!("{} (solved)", self.label);
        let solved = self.dir.path().join("solved");
        std::fs::create_dir(&solved).unwrap();
        sf(new_args(base, addons, true))
            .cwd(&solved)
            .git_identity("Test Learner", "learner@example.com")
            .run()
            .success();
        let expected = files_of(&solved.join("walk-project"));
        let walked = files_of(&self.project);
        if expected != walked {
            let differ: std::collections::BTreeSet<&String> = expected
                .keys()
                .chain(walked.keys())
                .filter(|k| expected.get(*k) != walked.get(*k))
                .collect();
            self.problems.push(format!(
                "{label}: every step applied differs from `new --solved` in {differ:?}"
            ));
        }
        let text = std::fs::read_to_string(self.project.join(".skillforge/results.json")).unwrap();
        let json: Value = serde_json::from_str(&text).expect("results.json is JSON");
        for test in json["tests"].as_array().unwrap() {
            if test["status"] != "pass" || test["role"] == "learner" {
                self.problems.push(format!(
                    "{label}: {} is {} (role {}): every test should be a passing task or harness test",
                    test["name"], test["status"], test["role"]
                ));
            }
        }
        let found =
            crate::python::solved_problems(&label, &self.project, &self.bin(), self.dir.path());
        self.problems.extend(found);
    }
}

/// The arguments of `new` for the walk's project.
fn new_args(base: &str, addons: &[String], solved: bool) -> Vec<String> {
    let mut args: Vec<String> = ["new", "walk-project", "--blueprint", base, "--yes"]
        .map(String::from)
        .into();
    for addon in addons {
        args.extend(["--with".to_string(), addon.clone()]);
    }
    if solved {
        args.extend(["--no-git", "--solved"].map(String::from));
    }
    args
}

/// The project's files (what git would commit, outside `.skillforge/` and TASKS.md, whose
/// boxes the walk ticks) by path, with their bytes.
fn files_of(project: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![project.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(project)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let ignored = [
                ".git",
                ".venv",
                ".skillforge",
                "TASKS.md",
                ".pytest_cache",
                ".mypy_cache",
                ".ruff_cache",
            ]
            .iter()
            .any(|i| rel == *i)
                || rel.ends_with("__pycache__")
                || rel.ends_with(".egg-info");
            if ignored {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// One walk: a composition, installed in its own venv, and how its tasks are applied.
struct Plan {
    base: String,
    /// In the order `new` gives them: each after the add-ons it requires.
    addons: Vec<String>,
    /// The parts whose tasks are applied and checked one at a time; every other part's
    /// tasks are applied together, as one step.
    stepped: Vec<String>,
    /// The full walk of a composition: the starter's checks before the steps, and the solved
    /// project's after them (see `Walk::starter` and `Walk::solved`).
    full: bool,
}

impl Plan {
    fn parts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.base.as_str()).chain(self.addons.iter().map(String::as_str))
    }

    fn label(&self) -> String {
        let parts: Vec<&str> = self.parts().collect();
        let stepped = if self.full || self.stepped.is_empty() {
            String::new()
        } else {
            format!(" (stepping {})", self.stepped.join(", "))
        };
        format!("{}{stepped}", parts.join("+"))
    }

    /// The groups of task ids applied together, in order (`ids` in TASKS.md order): one
    /// task at a time for the stepped parts, a part's tasks together otherwise.
    fn groups(&self, library: &Library, ids: &[String]) -> Vec<Vec<String>> {
        let mut groups = Vec::new();
        for part in self.parts() {
            let blueprint = library.summary(part).unwrap();
            let tasks: Vec<String> = ids
                .iter()
                .filter(|id| blueprint.tasks.iter().any(|t| &t.id == *id))
                .cloned()
                .collect();
            if self.stepped.iter().any(|s| s == part) {
                groups.extend(tasks.into_iter().map(|t| vec![t]));
            } else if !tasks.is_empty() {
                groups.push(tasks);
            }
        }
        groups
    }

    /// `groups` in the order the walk applies them: as given, except that a full walk
    /// applies last the add-on with the longest `test-timeout` (the last of them on a tie)
    /// that no other part requires. Such checks keep verdicts in the venv keyed on the
    /// project's code (e2e's on the site's `src/`); a later step that changes the code would
    /// have them all run again at the last check, which checks every task.
    fn in_walk_order(&self, library: &Library, mut groups: Vec<Vec<String>>) -> Vec<Vec<String>> {
        if !self.full {
            return groups;
        }
        let required = |id: &str| {
            self.parts().any(|part| {
                library
                    .summary(part)
                    .unwrap()
                    .requires
                    .iter()
                    .any(|r| r == id)
            })
        };
        let timeout = |id: &str| {
            let blueprint = library.get(id).unwrap().unwrap();
            blueprint.manifest.test_timeout.unwrap_or(0)
        };
        let Some(last) = self
            .addons
            .iter()
            .filter(|id| !required(id))
            .max_by_key(|id| timeout(id))
        else {
            return groups;
        };
        let tasks = &library.summary(last).unwrap().tasks;
        if let Some(at) = groups
            .iter()
            .position(|group| tasks.iter().any(|t| t.id == group[0]))
        {
            let group = groups.remove(at);
            groups.push(group);
        }
        groups
    }

    /// The composition's task ids, part by part in manifest order.
    fn ids(&self, library: &Library) -> Vec<String> {
        self.parts()
            .flat_map(|part| library.summary(part).unwrap().tasks.iter())
            .map(|t| t.id.clone())
            .collect()
    }

    /// What the walk costs, roughly: its checks times the tasks each one runs.
    fn weight(&self, library: &Library) -> usize {
        let ids = self.ids(library);
        let checks = self.groups(library, &ids).len() + if self.full { 4 } else { 0 };
        checks * ids.len()
    }
}

/// The walks of the library. Every check runs all the tests of its composition, so stepping
/// each task of a base with all its add-ons would cost its steps times its whole suite. The
/// walks share the work out instead, which keeps the cost linear in the library:
/// - each base with all the add-ons that apply to it (`compat::combined_addons`: of two that
///   conflict, the first in library order), walked in full, a part's tasks applied
///   together (a base without add-ons is stepped in this walk too);
/// - each base alone, stepped one task at a time;
/// - each add-on stepped one task at a time on the base `stepping_bases` gives it, with only
///   the add-ons it requires, whose tasks are applied together first.
fn plans(library: &Library) -> Vec<Plan> {
    let stepping = stepping_bases(library);
    let mut plans = Vec::new();
    for base in library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base && crate::support::selected_base(b.id()))
    {
        let addons: Vec<String> =
            compat::order_by_requirements(compat::combined_addons(library, base.id()))
                .into_iter()
                .map(|a| a.id().to_string())
                .collect();
        let alone = addons.is_empty();
        plans.push(Plan {
            base: base.id().to_string(),
            addons,
            stepped: if alone {
                vec![base.id().to_string()]
            } else {
                Vec::new()
            },
            full: true,
        });
        if alone {
            continue;
        }
        plans.push(Plan {
            base: base.id().to_string(),
            addons: Vec::new(),
            stepped: vec![base.id().to_string()],
            full: false,
        });
        for (addon, on) in &stepping {
            if on != base.id() {
                continue;
            }
            let mut needed = vec![library.summary(addon).unwrap()];
            let mut i = 0;
            while let Some(part) = needed.get(i).copied() {
                for required in &part.requires {
                    let summary = library.summary(required).unwrap();
                    if summary.kind == Kind::Addon && !needed.iter().any(|n| n.id() == required) {
                        needed.push(summary);
                    }
                }
                i += 1;
            }
            plans.push(Plan {
                base: base.id().to_string(),
                addons: compat::order_by_requirements(needed)
                    .into_iter()
                    .map(|a| a.id().to_string())
                    .collect(),
                stepped: vec![addon.clone()],
                full: false,
            });
        }
    }
    plans
}

/// For each add-on, the base on which it is stepped one task at a time (see `plans`). The
/// add-ons are shared out so that the bases' counts of one-at-a-time steps stay even:
/// add-ons that apply to fewer bases choose first, each takes the applicable base with the
/// fewest steps so far, ties going to the library's order. The result depends on the
/// library alone, not on `SKILLFORGE_BASES`.
fn stepping_bases(library: &Library) -> BTreeMap<String, String> {
    let bases: Vec<&Summary> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base)
        .collect();
    let mut steps: Vec<usize> = bases.iter().map(|b| b.tasks.len()).collect();
    let mut addons: Vec<(&Summary, Vec<usize>)> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Addon)
        .map(|addon| {
            let applies = bases
                .iter()
                .enumerate()
                .filter(|(_, base)| {
                    compat::compatible_addons(library, base.id())
                        .iter()
                        .any(|a| a.id() == addon.id())
                })
                .map(|(i, _)| i)
                .collect();
            (addon, applies)
        })
        .collect();
    // A stable sort keeps the library's order among add-ons of as many bases.
    addons.sort_by_key(|(_, applies)| applies.len());
    let mut chosen = BTreeMap::new();
    for (addon, applies) in addons {
        let Some(&best) = applies.iter().min_by_key(|&&i| (steps[i], i)) else {
            continue;
        };
        steps[best] += addon.tasks.len();
        chosen.insert(addon.id().to_string(), bases[best].id().to_string());
    }
    chosen
}

/// Walks `plan`; returns the problems found.
fn walk(library: &Library, plan: &Plan, work: &Path) -> Vec<String> {
    let mut walk = Walk::start(plan, work);
    walk_steps(library, plan, &mut walk);
    keep_mypy_cache(&walk.project);
    walk.problems
}

/// The walk of `plan` on its started project; what went wrong is in `walk.problems`.
fn walk_steps(library: &Library, plan: &Plan, walk: &mut Walk) {
    let parts: Vec<&str> = plan.parts().collect();
    let started = crate::costs::start();
    let ids = if plan.full {
        let Some(ids) = walk.starter() else {
            return;
        };
        ids
    } else {
        statuses(&walk.project)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    crate::costs::charge_parts("walk", &parts, started);
    let groups = plan.in_walk_order(library, plan.groups(library, &ids));
    let mut applied = vec![false; ids.len()];
    for (n, group) in groups.iter().enumerate() {
        let started = crate::costs::start();
        if !walk.steps(&ids, &mut applied, group, n + 1 == groups.len()) {
            return;
        }
        if n == 0 && group.len() == 1 {
            walk.break_again(&group[0]);
        }
        // A group is one part's: charged to the blueprint of its tasks.
        crate::costs::charge_task("walk", &group[0], started);
    }
    if plan.full {
        let started = crate::costs::start();
        walk.solved(&plan.base, &plan.addons);
        crate::costs::charge_parts("walk", &parts, started);
    }
}

/// The thorough test of every base with all its add-ons, installed in its own venv: the
/// starter and the solved project pass the ecosystem's checkers, the starter fails every
/// task, each reference step turns exactly its task green (see `plans`), and every
/// step applied gives exactly `new --solved`, whose tests all pass.
#[test]
fn python_each_reference_step_turns_exactly_its_task_green() {
    let library = Library::embedded().unwrap();
    tools();
    let work = tempfile::tempdir().unwrap();
    // The queue is popped from its end: the walks with the most checks start first, so the
    // two threads finish close together.
    let mut planned = plans(&library);
    planned.sort_by_key(|plan| plan.weight(&library));
    let queue = Mutex::new(planned);
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    // Its own statement: a guard in a `while let` scrutinee would be held
                    // through the body, and the walks would run one after another.
                    let next = queue.lock().unwrap().pop();
                    let Some(plan) = next else { break };
                    let found = walk(&library, &plan, work.path());
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Each add-on is walked one task at a time on exactly one base it applies to, and no
/// add-on went to a base that was already heavier than another it applies to: without its
/// own steps, its base carries no more than any other base it could have taken. (Add-ons
/// for one base alone, the database ones on fastapi-service, leave that base the heaviest.)
#[test]
fn every_add_on_is_walked_step_by_step_on_one_base() {
    let library = Library::embedded().unwrap();
    let stepping = stepping_bases(&library);
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for base in library.blueprints.iter().filter(|b| b.kind == Kind::Base) {
        load.insert(base.id(), base.tasks.len());
    }
    for addon in library.blueprints.iter().filter(|b| b.kind == Kind::Addon) {
        let base = &stepping[addon.id()];
        assert!(
            compat::compatible_addons(&library, base)
                .iter()
                .any(|a| a.id() == addon.id()),
            "{} is walked on {base}, which it does not apply to",
            addon.id()
        );
        *load.get_mut(base.as_str()).unwrap() += addon.tasks.len();
    }
    for addon in library.blueprints.iter().filter(|b| b.kind == Kind::Addon) {
        let base = stepping[addon.id()].as_str();
        let without = load[base] - addon.tasks.len();
        for other in library.blueprints.iter().filter(|b| b.kind == Kind::Base) {
            let applies = compat::compatible_addons(&library, other.id())
                .iter()
                .any(|a| a.id() == addon.id());
            assert!(
                !applies || without <= load[other.id()],
                "{} is walked on {base} ({without} steps without it), not on {}, which \
                 it applies to ({} steps); steps per base: {load:?}",
                addon.id(),
                other.id(),
                load[other.id()]
            );
        }
    }
}

/// Every task of the library is applied and checked alone in exactly one walk, and every
/// base is walked in full with all the add-ons that apply to it and combine.
#[test]
fn every_task_is_stepped_alone_in_one_walk_and_every_composition_walked_whole() {
    let library = Library::embedded().unwrap();
    let plans = plans(&library);
    for blueprint in &library.blueprints {
        for task in &blueprint.tasks {
            let alone: Vec<String> = plans
                .iter()
                .filter(|plan| {
                    plan.groups(&library, &plan.ids(&library))
                        .contains(&vec![task.id.clone()])
                })
                .map(Plan::label)
                .collect();
            assert_eq!(
                alone.len(),
                1,
                "{}: task {} is stepped alone in {alone:?}",
                blueprint.id(),
                task.id
            );
        }
        if blueprint.kind == Kind::Base {
            let all = compat::combined_addons(&library, blueprint.id()).len();
            let whole = plans
                .iter()
                .filter(|p| p.full && p.base == blueprint.id() && p.addons.len() == all)
                .count();
            assert_eq!(whole, 1, "{}: walked whole {whole} times", blueprint.id());
        }
    }
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
        .stderr_has("--accept-test-changes");
    let restore = out
        .stderr
        .split("restore the blueprint's with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no restore command: {}", out.stderr))
        .to_string();
    assert!(
        restore.starts_with("git cat-file blob ")
            && restore.ends_with(" > tests/addons/test_docker.py"),
        "{restore}"
    );
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
    // The command the message gives puts the shipped file back.
    run_ok(
        Command::new("sh")
            .args(["-c", &restore])
            .current_dir(&project),
        &restore,
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}
