//! `skillforge check`: runs the project's tests with its own Python, judges every task,
//! ticks TASKS.md, writes `.skillforge/results.json` and says what to do next.

use std::collections::BTreeMap;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::Result;
use crate::origin::OriginTask;
use crate::practice::outcome::{self, Report, TaskResult, TaskStatus};
use crate::practice::runner::{self, Event, Outcome, TestResult};
use crate::practice::{Workspace, tasks_md};
use crate::test_parts::file_of;
use crate::ui;

pub struct Options {
    pub task: Option<String>,
    pub accept_test_changes: bool,
}

/// Checks the project once; `Ok(true)` when every task checked passes.
pub fn run(ws: &mut Workspace, options: &Options) -> Result<bool> {
    let python = runner::interpreter(&ws.root)?;
    runner::ensure_pytest(&ws.root, &python)?;
    let scope: Vec<OriginTask> = match &options.task {
        Some(key) => vec![ws.task(key)?.clone()],
        None => ws.origin.tasks.clone(),
    };
    if options.accept_test_changes {
        accept(ws, &scope)?;
    }
    let selection: Vec<String> = match &options.task {
        Some(_) => scope[0].tests.clone(),
        None => vec![],
    };
    let bar = progress_bar();
    let results = runner::run(&ws.root, &python, &selection, |event| match event {
        Event::Collected(n) => bar.set_length(n as u64),
        Event::Finished(n) => bar.set_position(n as u64),
    });
    bar.finish_and_clear();
    let results = results?;
    let judged: Vec<TaskResult> = scope
        .iter()
        .map(|t| outcome::judge(&ws.root, &ws.origin, t, &results))
        .collect();
    let all = merge_with_previous(ws, &judged);
    Report::new(&ws.origin, &results, all.clone()).write(&ws.root)?;
    tick(ws, &judged)?;
    print_summary(ws, &all, &judged, &results);
    Ok(judged.iter().all(|t| t.status.passed()))
}

fn progress_bar() -> ProgressBar {
    if !ui::live() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("running tests {bar:30.green/dim} {pos}/{len}")
            .expect("a valid template")
            .progress_chars("█▉▊▋▌▍▎▏ "),
    );
    bar
}

/// Re-baselines the checksums of the edited test files of `scope`.
fn accept(ws: &mut Workspace, scope: &[OriginTask]) -> Result<()> {
    let mut accepted = Vec::new();
    for task in scope {
        let changed = outcome::changed_tests(&ws.root, &ws.origin, task);
        if !changed.is_empty() {
            outcome::accept_test_changes(&ws.root, &mut ws.origin, task)?;
            accepted.extend(changed);
        }
    }
    accepted.sort();
    accepted.dedup();
    if accepted.is_empty() {
        ui::note("no task test was edited: nothing to accept");
    } else {
        ws.origin.write(&ws.root)?;
        ui::warn(&format!(
            "accepted the edited tests as the reference: {}",
            accepted.join(", ")
        ));
    }
    Ok(())
}

/// Every task's result: this run's for the tasks checked, the last report's for the others.
fn merge_with_previous(ws: &Workspace, judged: &[TaskResult]) -> Vec<TaskResult> {
    let previous = Report::read(&ws.root);
    ws.origin
        .tasks
        .iter()
        .map(|t| {
            judged
                .iter()
                .find(|j| j.id == t.id)
                .or_else(|| {
                    previous
                        .as_ref()
                        .and_then(|p| p.tasks.iter().find(|p| p.id == t.id))
                })
                .cloned()
                .unwrap_or(TaskResult {
                    id: t.id.clone(),
                    number: t.number,
                    title: t.title.clone(),
                    status: TaskStatus::Unknown,
                    passed: 0,
                    total: 0,
                    changed_tests: vec![],
                })
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

fn print_summary(
    ws: &Workspace,
    all: &[TaskResult],
    judged: &[TaskResult],
    results: &[TestResult],
) {
    let mut out = String::new();
    for t in all {
        let checked = judged.iter().any(|j| j.id == t.id);
        let line = format!("{:>3}. {}", t.number, t.title);
        let line = match t.status {
            TaskStatus::Pass => format!("{} {line}", ui::green("✔")),
            TaskStatus::Fail => format!(
                "{} {line} {}",
                ui::red("✘"),
                ui::dim(&format!("({} of {} tests pass)", t.passed, t.total))
            ),
            TaskStatus::TestsChanged => format!(
                "{} {line} {}",
                ui::yellow("!"),
                ui::dim("(its tests were edited: not counted)")
            ),
            TaskStatus::NoTests => {
                format!("{} {line} {}", ui::yellow("?"), ui::dim("(no tests found)"))
            }
            TaskStatus::Unknown => {
                format!("{} {line} {}", ui::dim("·"), ui::dim("(not checked yet)"))
            }
        };
        let line = if checked {
            line
        } else {
            format!("{line} {}", ui::dim("(last check)"))
        };
        out.push_str(&format!("{line}\n"));
    }
    let done = all.iter().filter(|t| t.status.passed()).count();
    out.push_str(&format!("\n{}\n", progress_line(done, all.len())));
    ui::out(&out);
    for t in judged
        .iter()
        .filter(|t| t.status == TaskStatus::TestsChanged)
    {
        let mut files: Vec<&str> = t.changed_tests.iter().map(|e| file_of(e)).collect();
        files.dedup();
        ui::warn(&format!(
            "task {} ({}): {} changed since the project was made, so it is not counted; \
             restore with `git checkout -- {}`, or keep your edit with \
             `skillforge check --accept-test-changes`",
            t.number,
            t.id,
            t.changed_tests.join(", "),
            files.join(" ")
        ));
    }
    let harness: Vec<&TestResult> = results
        .iter()
        .filter(|r| r.outcome != Outcome::Passed && outcome::task_of(&ws.origin, r).is_none())
        .collect();
    if let Some(first) = harness.first() {
        ui::warn(&format!(
            "{} harness test(s) fail (they check the project itself, not a task): {}: {}",
            harness.len(),
            first.nodeid,
            first.message
        ));
    }
    match judged
        .iter()
        .find(|t| !t.status.passed() && t.status != TaskStatus::TestsChanged)
    {
        Some(next) => print_next(ws, next, results),
        None if judged.iter().all(|t| t.status.passed()) => {
            if judged.len() == all.len() {
                ui::success("every task passes: well done!");
            } else {
                ui::success(&format!("task {} passes", judged[0].id));
            }
        }
        None => {}
    }
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

/// What to work on: the first task that does not pass, its first failing test, a hint.
fn print_next(ws: &Workspace, next: &TaskResult, results: &[TestResult]) {
    let Some(task) = ws.origin.task(&next.id) else {
        return;
    };
    let mut text = format!(
        "\n{} task {}, {} ({})\n  Skills: {}\n",
        ui::bold("Next:"),
        task.number,
        task.title,
        task.id,
        task.skill_names.join(", ")
    );
    let failing = results.iter().find(|r| {
        r.outcome != Outcome::Passed
            && task
                .tests
                .iter()
                .any(|s| outcome::belongs(&r.nodeid, s, r.collect_error))
    });
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
    if let Some(hint) = task.hints.first() {
        text.push_str(&format!("  Hint: {hint}\n"));
    }
    text.push_str(&ui::dim(&format!(
        "  Run `pytest {}` to see every failure; `skillforge hint {}` for more help.\n",
        task.tests.join(" "),
        task.id
    )));
    ui::out(&text);
}
