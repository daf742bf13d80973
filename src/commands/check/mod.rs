//! `skillforge check`: grades every task with the blueprint's own tests against the
//! learner's code, ticks TASKS.md, writes `.skillforge/results.json` and says what to do next.
//!
//! The graded run happens in a sandbox with the blueprint's test set-up (see
//! `practice::grading`); the learner's own test files run after it in their working copy, and
//! are reported as theirs, never graded.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::practice::collector::{CodeError, Outcome, RunResults, TestResult};
use crate::practice::grading::{self, Grading};
use crate::practice::results::{self, Report, TaskResult, TaskStatus};
use crate::practice::runner::{self, Event, Invocation};
use crate::practice::{Workspace, sandbox, tasks_md};
use crate::record::origin::{Origin, OriginTask};
use crate::ui;

mod summary;
use summary::Summary;

/// What `check` was asked to do.
pub struct Options {
    /// The tasks asked for with `--task` (ids or numbers), in the order given; none means
    /// every task.
    pub task: Vec<String>,
    pub accept_test_changes: bool,
    /// `--shipped-tests-only`: every `[accepted]` entry of the origin file is ignored, so
    /// each task is graded with the blueprint's tests (the classroom workflow's way).
    pub shipped_tests_only: bool,
    /// Where a `--from` blueprint of the project is now.
    pub from: Option<String>,
    /// `--json`: the caller prints the results document on stdout, so the summary goes to
    /// stderr.
    pub json: bool,
    /// `--exitfirst`: the run stops at the first test that does not pass. A task is judged
    /// only when that is known (all its tests ran, or one did not pass); the others keep
    /// their last result, as with `--task`.
    pub exitfirst: bool,
}

/// What one check found, for the summary.
struct Checked<'a> {
    graded: RunResults,
    own: Vec<TestResult>,
    /// Why the learner's own tests could not run.
    own_error: Option<String>,
    grading: &'a Grading,
    /// The learner's code does not import: where, and why.
    code_errors: Vec<CodeError>,
}

/// Checks the project once, at `now`; `Ok(true)` when every chosen task checked passes
/// (stretch goals aside, unless one was asked for by `--task`).
pub fn run(ws: &mut Workspace, options: &Options, now: OffsetDateTime) -> Result<bool> {
    crate::interrupt::install("stopped: the test run was ended and its scratch folder removed");
    crate::interrupt::adopt_orphans();
    // A mistyped task is the command line's fault: the last results stand.
    for key in &options.task {
        ws.task(key)?;
    }
    let previous = Report::read(&ws.root);
    // Until this run has a result, results.json says it has none: interrupted, or killed by
    // the code under test, it leaves no earlier result standing for it.
    could_not_run(ws, "check was interrupted before it finished", now)?;
    let graded = runner::interpreter(&ws.root)
        .and_then(|python| runner::ensure_pytest(&ws.root, &python).map(|()| python))
        .and_then(|python| grade(ws, options, &python, previous.as_ref(), now));
    if let Err(error) = &graded {
        // Never leave an earlier run's result standing for a run that could not happen.
        could_not_run(ws, &error.to_string(), now)?;
    }
    graded
}

/// Grades every task of the project at `root` afresh, as `check` does but quietly: with the
/// blueprints' own tests alone (edits accepted with `--accept-test-changes` are not used,
/// whatever `origin` records) and without writing results.json, ticking TASKS.md or
/// printing a summary. For `export`, whose claims must not rest on anything the learner can
/// edit; `library` holds the project's blueprints (`Workspace::library`). Returns the report
/// `check` would write for such a run.
///
/// # Errors
/// `Environment` when the tests cannot run (no `.venv`, no pytest; the message names the
/// fix), blueprint and I/O errors.
pub fn grade_official(
    root: &Path,
    origin: &Origin,
    library: &crate::blueprint::Library,
    now: OffsetDateTime,
) -> Result<Report> {
    crate::interrupt::adopt_orphans();
    let mut origin = origin.clone();
    origin.accepted.clear();
    let mut ws = Workspace {
        root: root.to_path_buf(),
        origin,
    };
    let python = runner::interpreter(&ws.root)?;
    runner::ensure_pytest(&ws.root, &python)?;
    as_made(&mut ws);
    let grading = Grading::for_project(&ws, library)?;
    tasks_as_defined(&mut ws, &grading);
    let options = Options {
        task: Vec::new(),
        accept_test_changes: false,
        shipped_tests_only: true,
        from: None,
        json: false,
        exitfirst: false,
    };
    let checked = run_tests(&ws, &python, &grading, &options, &[])?;
    let judged: Vec<TaskResult> = ws
        .origin
        .tasks
        .iter()
        .map(|t| judge(&ws, t, &checked))
        .collect();
    Ok(Report::new(
        &ws.origin,
        &checked.graded.tests,
        &checked.own,
        judged,
        run_error(&checked),
        now,
    ))
}

/// Grades the project with `python`; `previous` is the last check's report.
fn grade(
    ws: &mut Workspace,
    options: &Options,
    python: &Path,
    previous: Option<&Report>,
    now: OffsetDateTime,
) -> Result<bool> {
    as_made(ws);
    if options.shipped_tests_only {
        // In memory only: with `--accept-test-changes` refused alongside, the origin file
        // is not written by this run, and the learner's accepts stay for their own checks.
        ws.origin.accepted.clear();
    }
    let (library, _checkouts) = ws.library(options.from.as_deref())?;
    let mut grading = Grading::for_project(ws, &library)?;
    tasks_as_defined(ws, &grading);
    let scope = scope(ws, &options.task)?;
    if options.accept_test_changes {
        accept(ws, &scope, &grading)?;
        grading = Grading::for_project(ws, &library)?;
    }
    for note in &grading.version_notes {
        ui::warn(note);
    }
    let checked = run_tests(ws, python, &grading, options, &scope)?;
    let judged: Vec<TaskResult> = scope
        .iter()
        .filter(|t| settled(t, &checked.graded))
        .map(|t| judge(ws, t, &checked))
        .collect();
    let all = merge_with_previous(ws, &judged, previous);
    let error = run_error(&checked);
    Report::new(
        &ws.origin,
        &checked.graded.tests,
        &checked.own,
        all.clone(),
        error,
        now,
    )
    .write(&ws.root)?;
    tick(ws, &judged)?;
    let summary = Summary {
        ws,
        all: &all,
        judged: &judged,
        previous,
        checked: &checked,
        asked: !options.task.is_empty(),
        json: options.json,
    };
    summary.print()?;
    // A stopped run never passes, whatever the tasks it judged: the test that stopped it
    // may be a harness test, before any task's.
    Ok(!checked.graded.stopped()
        && judged
            .iter()
            .all(|t| t.status.passed() || (t.stretch && options.task.is_empty())))
}

/// The tasks `keys` name (ids or numbers), each once, in the project's order; every task
/// when `keys` is empty. An unknown key is an error naming it.
fn scope(ws: &Workspace, keys: &[String]) -> Result<Vec<OriginTask>> {
    if keys.is_empty() {
        return Ok(ws.origin.tasks.clone());
    }
    let mut asked = Vec::new();
    for key in keys {
        asked.push(ws.task(key)?.id.clone());
    }
    Ok(ws
        .origin
        .tasks
        .iter()
        .filter(|t| asked.contains(&t.id))
        .cloned()
        .collect())
}

/// Whether the run tells `task`'s result: every test of it ran, or one did not pass (or
/// the tests could not run at all). Only a run stopped by `--exitfirst` leaves a task
/// unsettled.
fn settled(task: &OriginTask, graded: &RunResults) -> bool {
    let mine = results::of_task(task, &graded.tests);
    graded.setup_error.is_some()
        || mine.iter().all(|r| r.outcome != Outcome::NotRun)
        || mine
            .iter()
            .any(|r| !matches!(r.outcome, Outcome::Passed | Outcome::NotRun))
}

/// Takes the tasks as the blueprints define them, whatever the origin file says: which
/// tests are a task's is the blueprint's to say, not an editable file's. Were every task a
/// stretch goal (none exercises a skill the learner asked for), none is: there would be
/// nothing to do.
fn tasks_as_defined(ws: &mut Workspace, grading: &Grading) {
    if serde_json::to_value(&ws.origin.tasks).ok() != serde_json::to_value(&grading.tasks).ok() {
        ui::warn(&format!(
            "the tasks in {} differ from the blueprint's: graded as the blueprint defines them",
            crate::record::origin::PATH
        ));
        ws.origin.tasks.clone_from(&grading.tasks);
    }
    if ws.origin.tasks.iter().all(|t| t.stretch) {
        ws.origin.tasks.iter_mut().for_each(|t| t.stretch = false);
    }
}

/// Puts back what `.skillforge/origin.toml` said, when the project was first committed, of
/// the skills asked for (which decide the stretch goals) and of the blueprints (an add-on
/// deleted from the file would take its tasks away), and says so. Blueprints added since
/// stay.
fn as_made(ws: &mut Workspace) {
    let Some(first) =
        crate::git::first_version(&ws.root, crate::record::origin::PATH).and_then(|bytes| {
            toml::from_str::<crate::record::origin::Origin>(&String::from_utf8_lossy(&bytes)).ok()
        })
    else {
        // Without the history (no repository, a shallow clone) the file alone says which
        // skills were asked for: say so where a teacher reads it.
        if !ws.origin.focus.is_empty() {
            ui::warn(&format!(
                "the skills asked for ({}) cannot be checked against the project's first \
                 commit (no git history here): stretch goals are as {} says",
                ws.origin.focus.join(", "),
                crate::record::origin::PATH
            ));
        }
        return;
    };
    if first.focus != ws.origin.focus {
        ui::warn(&format!(
            "{} asks for other skills ({}) than when the project was made ({}): stretch goals are \
             those of when it was made",
            crate::record::origin::PATH,
            ws.origin.focus.join(", "),
            first.focus.join(", ")
        ));
        ws.origin.focus.clone_from(&first.focus);
    }
    let now = &ws.origin.blueprints;
    let gone: Vec<&str> = first
        .blueprints
        .iter()
        .filter(|b| !now.iter().any(|o| o.id == b.id))
        .map(|b| b.id.as_str())
        .collect();
    if gone.is_empty() {
        return;
    }
    ui::warn(&format!(
        "{} no longer lists {}, which the project was made with: graded with them",
        crate::record::origin::PATH,
        gone.join(", ")
    ));
    // In the order they were made with (the base first), then those added since.
    let mut blueprints: Vec<_> = first
        .blueprints
        .iter()
        .map(|b| now.iter().find(|o| o.id == b.id).unwrap_or(b).clone())
        .collect();
    blueprints.extend(
        now.iter()
            .filter(|o| !first.blueprints.iter().any(|b| b.id == o.id))
            .cloned(),
    );
    ws.origin.blueprints = blueprints;
}

/// Writes a report saying why the tests could not run, every task unknown.
fn could_not_run(ws: &Workspace, message: &str, now: OffsetDateTime) -> Result<()> {
    let tasks = ws.origin.tasks.iter().map(TaskResult::unknown).collect();
    Report::could_not_run(message.to_string(), tasks, now).write(&ws.root)
}

/// Runs the graded tests in the sandbox (the accepted edits in a run of their own), then
/// the learner's own tests in the project. With `--task`, only the tests of `scope` (the
/// tasks it named) run, and not the learner's own.
fn run_tests<'a>(
    ws: &Workspace,
    python: &Path,
    grading: &'a Grading,
    options: &Options,
    scope: &[OriginTask],
) -> Result<Checked<'a>> {
    let scratch = runner::Scratch::new()?;
    let (project, config) = prepare_sandbox(ws, grading, &scratch)?;
    let with_accepted = grading.files_with_accepted();
    let selection: Vec<String> = if options.task.is_empty() {
        grading.roots.clone()
    } else {
        let mut tests: Vec<String> = Vec::new();
        for test in scope.iter().flat_map(|t| &t.tests) {
            if !tests.contains(test) {
                tests.push(test.clone());
            }
        }
        tests
    };
    let accepted = accepted_in(&selection, grading);
    // An accepted entry is graded with the learner's edit in a second run; in the first it
    // runs as shipped, where a failure must not stop the run: `--exitfirst` waits for a run
    // with no accepted entry.
    let exitfirst = options.exitfirst && accepted.is_empty();
    if options.exitfirst && !exitfirst {
        ui::note(&format!(
            "--exitfirst is not used: tests you accepted ({}) are graded in a run of their own",
            accepted.join(", ")
        ));
    }
    let sandboxed = |selection: &[String], expected| Invocation {
        python,
        cwd: &project,
        args: sandbox_args(&config, &project, selection),
        requirements: Some(grading.requirements.clone()),
        roots: vec![ws.root.clone(), project.clone()],
        timeout: grading.timeout,
        package: Some(grading.package.clone()),
        expected: Some(expected),
        exitfirst,
    };
    let mut graded = run_with_bar(
        &scratch,
        &sandboxed(&selection, &grading.files),
        "running tests",
    )?;
    // Stopped by `--exitfirst`: the learner's own tests do not run either.
    let stopped = graded.stopped();
    if !accepted.is_empty() && graded.setup_error.is_none() {
        sandbox::swap_in(&project, grading)?;
        let theirs = run_with_bar(
            &scratch,
            &sandboxed(&accepted, &with_accepted),
            "running your accepted tests",
        )?;
        take_accepted(&mut graded, theirs, &accepted);
    }
    let (own, own_error) = if options.task.is_empty() && !stopped {
        own_run(ws, python, grading, &scratch)
    } else {
        (Vec::new(), None)
    };
    Ok(Checked {
        code_errors: code_errors(&graded),
        graded,
        own,
        own_error,
        grading,
    })
}

/// Builds the sandbox in `scratch`: the project's copy with the graded test set-up, and
/// its pytest configuration; returns both paths.
fn prepare_sandbox(
    ws: &Workspace,
    grading: &Grading,
    scratch: &runner::Scratch,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let project = scratch.path().join("project");
    std::fs::create_dir(&project).map_err(Error::io("cannot create", &project))?;
    sandbox::build(&ws.root, grading, &project)?;
    let config = project.join(grading::CONFIG_FILE);
    sandbox::put(&config, grading.config.as_bytes())?;
    Ok((project, config))
}

/// What the harness tests alone found: `setup`'s first check.
#[derive(Debug)]
pub struct HarnessRun {
    /// How many harness tests ran.
    pub total: usize,
    /// `nodeid: message` of each that did not pass.
    pub failures: Vec<String>,
    /// Why no test could run (the set-up or the learner's code does not import).
    pub error: Option<String>,
}

/// Runs the blueprints' harness tests alone with `python`, graded as `check` grades them,
/// without touching results.json or TASKS.md; `from` is where the project's blueprints are
/// now, when they have moved.
pub fn harness(ws: &Workspace, python: &Path, from: Option<&str>) -> Result<HarnessRun> {
    crate::interrupt::adopt_orphans();
    let (library, _checkouts) = ws.library(from)?;
    let grading = Grading::for_project(ws, &library)?;
    let scratch = runner::Scratch::new()?;
    let (project, config) = prepare_sandbox(ws, &grading, &scratch)?;
    let invocation = Invocation {
        python,
        cwd: &project,
        args: sandbox_args(&config, &project, &grading.harness),
        requirements: Some(grading.requirements.clone()),
        roots: vec![ws.root.clone(), project.clone()],
        timeout: grading.timeout,
        package: Some(grading.package.clone()),
        expected: Some(&grading.files),
        exitfirst: false,
    };
    let graded = run_with_bar(&scratch, &invocation, "running the harness tests")?;
    let checked = Checked {
        code_errors: code_errors(&graded),
        graded,
        own: Vec::new(),
        own_error: None,
        grading: &grading,
    };
    let failures = checked
        .graded
        .tests
        .iter()
        .filter(|t| t.outcome != crate::practice::collector::Outcome::Passed)
        .map(|t| format!("{}: {}", t.nodeid, t.message))
        .collect();
    Ok(HarnessRun {
        total: checked.graded.tests.len(),
        failures,
        error: run_error(&checked),
    })
}

/// pytest's arguments for a run of `selection` in the sandbox `project`, configured by
/// `config` alone.
fn sandbox_args(config: &Path, project: &Path, selection: &[String]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "-c".into(),
        config.into(),
        format!("--rootdir={}", project.display()).into(),
        format!("--confcutdir={}", project.display()).into(),
    ];
    args.extend(selection.iter().map(Into::into));
    args
}

/// Replaces, in `graded`, the results of the `accepted` entries with those of the run with
/// the learner's accepted edits (`theirs`).
fn take_accepted(graded: &mut RunResults, theirs: RunResults, accepted: &[String]) {
    let of_accepted = |r: &TestResult| {
        accepted
            .iter()
            .any(|e| results::belongs(&r.nodeid, e, r.collect_error))
    };
    graded.tests.retain(|r| !of_accepted(r));
    graded
        .tests
        .extend(theirs.tests.into_iter().filter(of_accepted));
}

/// Where the learner's code does not import, once per place, as the run found it.
fn code_errors(graded: &RunResults) -> Vec<CodeError> {
    let mut errors: Vec<CodeError> = graded
        .setup_error
        .iter()
        .filter_map(|e| e.code_error.clone())
        .chain(graded.tests.iter().filter_map(|t| t.code_error.clone()))
        .collect();
    errors.dedup_by(|a, b| a.location == b.location);
    errors
}

/// The accepted entries among what `selection` runs.
fn accepted_in(selection: &[String], grading: &Grading) -> Vec<String> {
    grading
        .accepted_entries
        .iter()
        .filter(|e| {
            selection
                .iter()
                .any(|s| results::belongs(e, s, false) || e == &s)
        })
        .cloned()
        .collect()
}

fn run_with_bar(
    scratch: &runner::Scratch,
    invocation: &Invocation<'_>,
    label: &str,
) -> Result<RunResults> {
    let bar = progress_bar(label);
    let results = runner::run(scratch, invocation, |event| match event {
        Event::Collected(n) => bar.set_length(n as u64),
        Event::Finished(n) => bar.set_position(n as u64),
    });
    bar.finish_and_clear();
    results
}

/// Runs the learner's own test files in the working copy, with their own set-up: their
/// results, or why they could not run.
fn own_run(
    ws: &Workspace,
    python: &Path,
    grading: &Grading,
    scratch: &runner::Scratch,
) -> (Vec<TestResult>, Option<String>) {
    let files = grading.own_tests(&ws.root);
    if files.is_empty() {
        return (Vec::new(), None);
    }
    let invocation = Invocation {
        python,
        cwd: &ws.root,
        args: files.iter().map(Into::into).collect(),
        requirements: None,
        roots: vec![ws.root.clone()],
        timeout: grading.timeout,
        package: None,
        expected: None,
        exitfirst: false,
    };
    match run_with_bar(scratch, &invocation, "running your tests") {
        Ok(results) => match results.setup_error {
            Some(e) => (Vec::new(), Some(e.to_string())),
            None => (results.tests, None),
        },
        Err(e) => (Vec::new(), Some(e.to_string())),
    }
}

fn progress_bar(label: &str) -> ProgressBar {
    if !ui::live() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!("{label} {{bar:30.green/dim}} {{pos}}/{{len}}"))
            .expect("a valid template")
            .progress_chars("█▉▊▋▌▍▎▏ "),
    );
    bar
}

/// Judges one task; a run whose set-up could not be imported fails every task.
fn judge(ws: &Workspace, task: &OriginTask, checked: &Checked) -> TaskResult {
    let mut result = results::judge(task, &checked.graded.tests);
    if checked.graded.setup_error.is_some() {
        result.status = TaskStatus::Fail;
    }
    let accepted = &checked.grading.accepted_entries;
    result.changed_tests = checked
        .grading
        .changed_tests(&ws.origin, task)
        .into_iter()
        .filter(|e| !accepted.contains(e))
        .collect();
    result.accepted_tests = task
        .tests
        .iter()
        .filter(|e| accepted.contains(e))
        .cloned()
        .collect();
    result
}

/// Why the tests could not run, for results.json's top-level `error`: a set-up that does not
/// import, or no test that got as far as running.
fn run_error(checked: &Checked) -> Option<String> {
    if let Some(setup) = &checked.graded.setup_error {
        return Some(match &setup.code_error {
            Some(e) => format!("your code does not import: {}, {}", e.location, e.message),
            None => setup.to_string(),
        });
    }
    let tests = &checked.graded.tests;
    let ran = tests.iter().any(|t| !t.collect_error);
    (!ran && !tests.is_empty()).then(|| match checked.code_errors.first() {
        Some(e) => format!("your code does not import: {}, {}", e.location, e.message),
        None => format!("no test could be imported: {}", tests[0].message),
    })
}

/// Grades with the edited task tests of `scope` from now on.
fn accept(ws: &mut Workspace, scope: &[OriginTask], grading: &Grading) -> Result<()> {
    let mut accepted = Vec::new();
    let before = ws.origin.accepted.clone();
    for task in scope {
        accepted.extend(grading.accept(&mut ws.origin, task));
    }
    if ws.origin.accepted != before {
        ws.origin.write(&ws.root)?;
    }
    accepted.sort();
    accepted.dedup();
    if accepted.is_empty() {
        ui::note("no task test was edited: nothing to accept");
        return Ok(());
    }
    let mut files: Vec<&str> = accepted
        .iter()
        .map(|e| crate::test_parts::file_of(e))
        .collect();
    files.dedup();
    ui::warn(&format!(
        "grading with your edited tests from now on: {}; to undo, put the original back \
         (`{}`): the blueprint's version always counts",
        accepted.join(", "),
        ws.origin.restore_command(&files)
    ));
    Ok(())
}

/// Every task's result: this run's for the tasks checked, the last report's for the others.
fn merge_with_previous(
    ws: &Workspace,
    judged: &[TaskResult],
    previous: Option<&Report>,
) -> Vec<TaskResult> {
    ws.origin
        .tasks
        .iter()
        .map(|t| {
            judged
                .iter()
                .find(|j| j.id == t.id)
                .or_else(|| previous.and_then(|p| p.tasks.iter().find(|p| p.id == t.id)))
                .cloned()
                .unwrap_or_else(|| TaskResult::unknown(t))
        })
        .collect()
}

fn tick(ws: &Workspace, judged: &[TaskResult]) -> Result<()> {
    let path = ws.path("TASKS.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        ui::warn("TASKS.md is missing: no boxes to tick");
        return Ok(());
    };
    let done: BTreeMap<String, bool> = judged
        .iter()
        .map(|t| (t.id.clone(), t.status.passed()))
        .collect();
    let (ticked, missing) = tasks_md::tick(&text, &done);
    if !missing.is_empty() {
        ui::warn(&format!(
            "TASKS.md has no <!-- skillforge:task ... --> marker for {}: their boxes are left alone",
            missing.join(", ")
        ));
    }
    if ticked != text {
        crate::fsutil::write_atomic(&path, ticked.as_bytes())?;
    }
    Ok(())
}
