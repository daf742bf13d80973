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

use crate::error::{Error, Result};
use crate::origin::OriginTask;
use crate::practice::grading::{self, Grading, Ignored};
use crate::practice::outcome::{self, Report, TaskResult, TaskStatus};
use crate::practice::progress::Progress;
use crate::practice::runner::{
    self, CodeError, Event, Invocation, Outcome, RunResults, TestResult,
};
use crate::practice::{Workspace, sandbox, tasks_md};
use crate::ui;

pub struct Options {
    pub task: Option<String>,
    pub accept_test_changes: bool,
    /// Where a `--from` blueprint of the project is now.
    pub from: Option<String>,
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

/// Checks the project once; `Ok(true)` when every chosen task checked passes (stretch
/// goals aside, unless one was asked for by `--task`).
pub fn run(ws: &mut Workspace, options: &Options) -> Result<bool> {
    crate::interrupt::install("stopped: the test run was ended and its scratch folder removed");
    let previous = Report::read(&ws.root);
    let python = match runner::interpreter(&ws.root)
        .and_then(|python| runner::ensure_pytest(&ws.root, &python).map(|()| python))
    {
        Ok(python) => python,
        Err(error) => {
            // Never leave an earlier run's result standing for a run that could not happen.
            could_not_run(ws, &error.to_string())?;
            return Err(error);
        }
    };
    let (library, _checkouts) = ws.library(options.from.as_deref())?;
    let mut grading = Grading::for_project(ws, &library)?;
    // Which tests are a task's is the blueprint's to say, not an editable file's.
    if serde_json::to_value(&ws.origin.tasks).ok() != serde_json::to_value(&grading.tasks).ok() {
        ui::warn(&format!(
            "the tasks in {} differ from the blueprint's: graded as the blueprint defines them",
            crate::origin::PATH
        ));
        ws.origin.tasks = grading.tasks.clone();
    }
    // Were every task a stretch goal (none exercises a skill the learner asked for), none is:
    // there would be nothing to do.
    if ws.origin.tasks.iter().all(|t| t.stretch) {
        ws.origin.tasks.iter_mut().for_each(|t| t.stretch = false);
    }
    let scope: Vec<OriginTask> = match &options.task {
        Some(key) => vec![ws.task(key)?.clone()],
        None => ws.origin.tasks.clone(),
    };
    if options.accept_test_changes {
        accept(ws, &scope, &grading)?;
        grading = Grading::for_project(ws, &library)?;
    }
    for note in &grading.version_notes {
        ui::warn(note);
    }
    let checked = run_tests(ws, &python, &grading, options)?;
    let judged: Vec<TaskResult> = scope.iter().map(|t| judge(ws, t, &checked)).collect();
    let all = merge_with_previous(ws, &judged, previous.as_ref());
    let error = run_error(&checked);
    Report::new(
        &ws.origin,
        &checked.graded.tests,
        &checked.own,
        all.clone(),
        error,
    )
    .write(&ws.root)?;
    tick(ws, &judged)?;
    let summary = Summary {
        ws,
        all: &all,
        judged: &judged,
        previous: previous.as_ref(),
        checked: &checked,
        asked: options.task.is_some(),
    };
    summary.print()?;
    Ok(judged
        .iter()
        .all(|t| t.status.passed() || (t.stretch && options.task.is_none())))
}

/// Writes a report saying why the tests could not run, every task unknown.
fn could_not_run(ws: &Workspace, message: &str) -> Result<()> {
    let tasks = ws.origin.tasks.iter().map(TaskResult::unknown).collect();
    Report::new(&ws.origin, &[], &[], tasks, Some(message.to_string())).write(&ws.root)
}

/// Runs the graded tests in the sandbox (the accepted edits in a run of their own), then
/// the learner's own tests in the project.
fn run_tests<'a>(
    ws: &Workspace,
    python: &Path,
    grading: &'a Grading,
    options: &Options,
) -> Result<Checked<'a>> {
    let scratch = runner::Scratch::new()?;
    let project = scratch.path().join("project");
    std::fs::create_dir(&project).map_err(Error::io("cannot create", &project))?;
    sandbox::build(&ws.root, grading, &project)?;
    let config = project.join(grading::CONFIG_FILE);
    std::fs::write(&config, &grading.config).map_err(Error::io("cannot write", &config))?;
    let sandboxed = |selection: &[String]| {
        let mut args: Vec<OsString> = vec![
            "-c".into(),
            config.clone().into(),
            format!("--rootdir={}", project.display()).into(),
            format!("--confcutdir={}", project.display()).into(),
        ];
        args.extend(selection.iter().map(Into::into));
        Invocation {
            python,
            cwd: &project,
            args,
            requirements: Some(grading.requirements.clone()),
            roots: vec![ws.root.clone(), project.clone()],
            timeout: grading.timeout,
            package: Some(grading.package.clone()),
        }
    };
    let selection: Vec<String> = match &options.task {
        Some(key) => ws.task(key)?.tests.clone(),
        None => grading.roots.clone(),
    };
    let mut graded = run_with_bar(&scratch, &sandboxed(&selection), "running tests")?;
    let accepted = accepted_in(&selection, grading);
    if !accepted.is_empty() && graded.setup_error.is_none() {
        sandbox::swap_in(&project, grading)?;
        let theirs = run_with_bar(
            &scratch,
            &sandboxed(&accepted),
            "running your accepted tests",
        )?;
        let of_accepted = |r: &TestResult| {
            accepted
                .iter()
                .any(|e| outcome::belongs(&r.nodeid, e, r.collect_error))
        };
        graded.tests.retain(|r| !of_accepted(r));
        graded
            .tests
            .extend(theirs.tests.into_iter().filter(of_accepted));
    }
    let (own, own_error) = match options.task {
        Some(_) => (Vec::new(), None),
        None => own_run(ws, python, grading, &scratch),
    };
    let mut code_errors: Vec<CodeError> = graded
        .setup_error
        .iter()
        .filter_map(|e| e.code_error.clone())
        .chain(graded.tests.iter().filter_map(|t| t.code_error.clone()))
        .collect();
    code_errors.dedup_by(|a, b| a.location == b.location);
    Ok(Checked {
        graded,
        own,
        own_error,
        grading,
        code_errors,
    })
}

/// The accepted entries among what `selection` runs.
fn accepted_in(selection: &[String], grading: &Grading) -> Vec<String> {
    grading
        .accepted_entries
        .iter()
        .filter(|e| {
            selection
                .iter()
                .any(|s| outcome::belongs(e, s, false) || e == &s)
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
    let mut result = outcome::judge(task, &checked.graded.tests);
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
         (`git checkout $(git rev-list --max-parents=0 HEAD) -- {}`): the blueprint's version \
         always counts",
        accepted.join(", "),
        files.join(" ")
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

/// The summary printed after a check: set-up line, task table, progress, notes, next step
/// and verdict (the table and verdict on stdout, notes on stderr).
struct Summary<'a> {
    ws: &'a Workspace,
    all: &'a [TaskResult],
    judged: &'a [TaskResult],
    previous: Option<&'a Report>,
    checked: &'a Checked<'a>,
    /// One task was asked for with `--task`.
    asked: bool,
}

impl Summary<'_> {
    fn print(&self) -> Result<()> {
        let progress = Progress::read(&self.ws.root)?;
        let mut out = format!("{}\n\n", self.set_up_line());
        for t in self.all {
            out.push_str(&self.task_line(t, &progress));
            out.push('\n');
        }
        let chosen: Vec<&TaskResult> = self.all.iter().filter(|t| !t.stretch).collect();
        let done = chosen.iter().filter(|t| t.status.passed()).count();
        out.push_str(&format!("\n{}\n", progress_line(done, chosen.len())));
        ui::out(&out);
        self.print_notes();
        self.print_next(progress)?;
        self.print_verdict();
        Ok(())
    }

    /// Whether the project itself is sound: its code imports and its harness tests pass.
    fn set_up_line(&self) -> String {
        if let Some(e) = self.checked.code_errors.first() {
            return ui::red(&format!(
                "your code does not import: {}, {}",
                e.location, e.message
            ));
        }
        if let Some(setup) = &self.checked.graded.setup_error {
            return ui::red(&setup.to_string());
        }
        let harness: Vec<&TestResult> = self
            .checked
            .graded
            .tests
            .iter()
            .filter(|r| outcome::task_of(&self.ws.origin, r).is_none())
            .collect();
        let failing: Vec<&&TestResult> = harness
            .iter()
            .filter(|r| r.outcome != Outcome::Passed)
            .collect();
        match (harness.len(), failing.first()) {
            (0, _) if self.asked => ui::dim("set-up not checked (one task was asked for)"),
            (0, _) => ui::dim("set-up: the blueprint has no harness tests"),
            (n, None) => ui::green(&format!(
                "set-up OK: {n} harness test{} pass{}",
                plural(n),
                if n == 1 { "es" } else { "" }
            )),
            (n, Some(first)) => ui::red(&format!(
                "set-up broken: {} of {n} harness tests fail (they check the project itself, \
                 not a task): {}: {}",
                failing.len(),
                first.nodeid,
                first.message
            )),
        }
    }

    fn task_line(&self, t: &TaskResult, progress: &Progress) -> String {
        let checked = self.judged.iter().any(|j| j.id == t.id);
        let line = format!("{:>3}. {}", t.number, t.title);
        let mut notes: Vec<String> = Vec::new();
        let mark = match t.status {
            TaskStatus::Pass => ui::green("✔"),
            TaskStatus::Fail => {
                if t.timed_out > 0 {
                    notes.push(format!("{} timed out", t.timed_out));
                }
                notes.push(match t.total {
                    0 => "its tests could not run".to_string(),
                    n => format!("{} of {n} tests pass", t.passed),
                });
                let passed_before = self
                    .previous
                    .and_then(|p| p.tasks.iter().find(|p| p.id == t.id))
                    .is_some_and(|p| p.status.passed());
                if checked && passed_before {
                    notes.push("regression: it passed at the last check".into());
                }
                ui::red("✘")
            }
            TaskStatus::NoTests => {
                notes.push("no tests found".into());
                ui::yellow("?")
            }
            TaskStatus::Unknown => {
                notes.push("not checked yet".into());
                ui::dim("·")
            }
        };
        if t.stretch {
            notes.push("stretch goal".into());
        }
        if progress.task(&t.id).gave_up.is_some() {
            notes.push("gave up: saw the solution".into());
        }
        if !t.changed_tests.is_empty() {
            notes.push("your test edits are ignored".into());
        }
        if !t.accepted_tests.is_empty() {
            notes.push("graded with your accepted tests".into());
        }
        if !checked {
            notes.push("last check".into());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" {}", ui::dim(&format!("({})", notes.join("; "))))
        };
        let line = if t.status == TaskStatus::Fail && notes.contains("regression") {
            ui::red(&line)
        } else {
            line
        };
        format!("{mark} {line}{notes}")
    }

    /// What the grade ignored, what else was off, and the learner's own tests.
    fn print_notes(&self) {
        let grading = &self.checked.grading;
        if !grading.ignored.is_empty() {
            let list: Vec<String> = grading.ignored.iter().map(Ignored::to_string).collect();
            let edited: Vec<&str> = grading
                .ignored
                .iter()
                .filter(|i| matches!(i, Ignored::Edited(p) if self.is_task_test(p)))
                .map(Ignored::path)
                .collect();
            let mut message = format!(
                "check grades with the blueprint's own tests and test set-up, so these changes \
                 of yours are ignored: {}",
                list.join(", ")
            );
            if !edited.is_empty() {
                message.push_str(&format!(
                    "; to grade a task with its edited tests, run `skillforge check \
                     --accept-test-changes` (restore with `git checkout -- {}`)",
                    edited.join(" ")
                ));
            }
            ui::warn(&message);
        }
        let own = &self.checked.own;
        if let Some(error) = &self.checked.own_error {
            ui::warn(&format!("your own tests could not run: {error}"));
        } else if !own.is_empty() {
            let failing: Vec<&TestResult> = own
                .iter()
                .filter(|r| r.outcome != Outcome::Passed)
                .collect();
            let text = format!(
                "your own tests (not graded): {} of {} pass",
                own.len() - failing.len(),
                own.len()
            );
            match failing.first() {
                Some(first) => ui::warn(&format!("{text}; {}: {}", first.nodeid, first.message)),
                None => ui::note(&text),
            }
        }
    }

    fn is_task_test(&self, path: &str) -> bool {
        self.ws
            .origin
            .tasks
            .iter()
            .any(|t| t.test_files().any(|f| f == path))
    }

    /// The first task to work on, with its first failure and its latest revealed hint.
    fn print_next(&self, mut progress: Progress) -> Result<()> {
        let unfinished = |stretch: bool| {
            self.judged
                .iter()
                .find(|t| !t.status.passed() && t.stretch == stretch)
        };
        let Some(next) = unfinished(false).or_else(|| unfinished(true)) else {
            return Ok(());
        };
        let Some(task) = self.ws.origin.task(&next.id) else {
            return Ok(());
        };
        let label = if next.stretch {
            "Next (a stretch goal):"
        } else {
            "Next:"
        };
        let mut text = format!(
            "\n{} task {}, {} ({})\n  Skills: {}\n",
            ui::bold(label),
            task.number,
            task.title,
            task.id,
            task.skill_names.join(", ")
        );
        let mine = |r: &&TestResult| {
            r.outcome != Outcome::Passed
                && task
                    .tests
                    .iter()
                    .any(|s| outcome::belongs(&r.nodeid, s, r.collect_error))
        };
        // A test that timed out says the most: the others may only have waited for it.
        let tests = &self.checked.graded.tests;
        let failing = tests
            .iter()
            .filter(mine)
            .find(|r| r.timed_out)
            .or_else(|| tests.iter().find(mine));
        match failing {
            Some(r) => {
                text.push_str(&format!("  Failing: {}\n", r.nodeid));
                for line in r.message.lines().take(6) {
                    text.push_str(&format!("    {}\n", ui::red(line)));
                }
            }
            None if next.status == TaskStatus::NoTests => text.push_str(&format!(
                "  No test of this task was found: {} should exist\n",
                task.tests.join(", ")
            )),
            None => {}
        }
        // The hint shown counts as revealed, so `hint` goes on to the next one.
        let revealed = progress.task(&task.id).hints.min(task.hints.len());
        let shown = revealed.max(1).min(task.hints.len());
        if shown > 0 {
            text.push_str(&format!(
                "  Hint {shown} of {}: {}\n",
                task.hints.len(),
                task.hints[shown - 1]
            ));
            if shown > revealed {
                progress.task_mut(&task.id).hints = shown;
                progress.write(&self.ws.root)?;
            }
        }
        text.push_str(&ui::dim(&format!(
            "  Run `pytest {}` to see every failure; `skillforge hint {}` for more help.\n",
            task.tests.join(" "),
            task.id
        )));
        ui::out(&text);
        Ok(())
    }

    fn print_verdict(&self) {
        let chosen_pass = self
            .judged
            .iter()
            .all(|t| t.status.passed() || (t.stretch && !self.asked));
        if !chosen_pass {
            return;
        }
        let stretch_left = self
            .all
            .iter()
            .filter(|t| t.stretch && !t.status.passed())
            .count();
        let verdict = if self.asked {
            format!("task {} passes", self.judged[0].id)
        } else if stretch_left > 0 {
            format!(
                "every task you chose passes: well done! {stretch_left} stretch goal{} left, \
                 if you want more",
                plural(stretch_left)
            )
        } else if self.judged.len() == self.all.len() {
            "every task passes: well done!".to_string()
        } else {
            "every task checked passes".to_string()
        };
        ui::out(&format!("\n{}\n", ui::green(&verdict)));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn progress_line(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    format!(
        "{}{} {done}/{total} tasks done",
        ui::green(&"█".repeat(filled)),
        ui::dim(&"░".repeat(WIDTH - filled))
    )
}
