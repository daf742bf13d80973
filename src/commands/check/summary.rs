//! What `check` prints: whether the project is set up, a line per task, progress, what the
//! grade ignored, the learner's own tests, the next step with a hint, and the verdict.
//! The table and the verdict go to stdout, notes to stderr; with `--json`, whose document
//! has stdout, all of it goes to stderr.

use crate::error::Result;
use crate::practice::Workspace;
use crate::practice::collector::{Outcome, TestResult};
use crate::practice::grading::Ignored;
use crate::practice::results::{self, Report, TaskResult, TaskStatus};
use crate::record::origin::OriginTask;
use crate::record::progress::Progress;
use crate::ui;

use super::Checked;

/// The summary printed after a check: set-up line, task table, progress, notes, next step
/// and verdict (the table and verdict on stdout, notes on stderr).
pub(super) struct Summary<'a> {
    pub(super) ws: &'a Workspace,
    pub(super) all: &'a [TaskResult],
    pub(super) judged: &'a [TaskResult],
    pub(super) previous: Option<&'a Report>,
    pub(super) checked: &'a Checked<'a>,
    /// Tasks were asked for with `--task`.
    pub(super) asked: bool,
    /// `--json`: stdout is the results document's, so the table and verdict go to stderr.
    pub(super) json: bool,
}

impl Summary<'_> {
    /// Prints a part of the table or the verdict: on stdout, or on stderr with `--json`.
    fn emit(&self, text: &str) {
        if self.json {
            ui::plain(text.strip_suffix('\n').unwrap_or(text));
        } else {
            ui::out(text);
        }
    }

    pub(super) fn print(&self) -> Result<()> {
        let progress = Progress::read(&self.ws.root)?;
        let mut out = format!("{}\n\n", self.set_up_line());
        for t in self.all {
            out.push_str(&self.task_line(t, &progress));
            out.push('\n');
        }
        let chosen: Vec<&TaskResult> = self.all.iter().filter(|t| !t.stretch).collect();
        let done = chosen.iter().filter(|t| t.status.passed()).count();
        out.push_str(&format!("\n{}\n", progress_line(done, chosen.len())));
        self.emit(&out);
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
            .filter(|r| results::task_of(&self.ws.origin, r).is_none())
            .collect();
        let failing: Vec<&&TestResult> = harness
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::Passed | Outcome::NotRun))
            .collect();
        if failing.is_empty() && harness.iter().any(|r| r.outcome == Outcome::NotRun) {
            return ui::dim("set-up not checked (the run stopped at the first failure)");
        }
        match (harness.len(), failing.first()) {
            (0, _) if self.asked => ui::dim(if self.judged.len() == 1 {
                "set-up not checked (one task was asked for)"
            } else {
                "set-up not checked (tasks were asked for)"
            }),
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
                notes.push(match (t.total, self.not_run(&t.id)) {
                    (0, _) => "its tests could not run".to_string(),
                    (n, 0) => format!("{} of {n} tests pass", t.passed),
                    (n, skipped) => format!("{} of {n} tests pass, {skipped} not run", t.passed),
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
            notes.push(
                "graded with your accepted tests: no points (`--shipped-tests-only` grades \
                 with the blueprint's)"
                    .into(),
            );
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
                "check grades with the blueprint's own tests and test set-up; where your \
                 project differs from them, it is not used: {}",
                list.join(", ")
            );
            if !edited.is_empty() {
                message.push_str(&format!(
                    "; to grade a task with its edited tests, run `skillforge check \
                     --accept-test-changes` (restore the blueprint's with `{}`)",
                    self.ws.origin.restore_command(&edited)
                ));
            }
            ui::warn(&message);
        }
        let not_run = self
            .checked
            .graded
            .tests
            .iter()
            .filter(|r| r.outcome == Outcome::NotRun)
            .count();
        if not_run > 0 {
            ui::note(&format!(
                "stopped at the first test that did not pass (--exitfirst): {not_run} test{} \
                 not run, and your own tests neither",
                plural(not_run)
            ));
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

    /// How many tests of task `id` this run did not reach (`--exitfirst`).
    fn not_run(&self, id: &str) -> usize {
        let Some(task) = self.ws.origin.tasks.iter().find(|t| t.id == id) else {
            return 0;
        };
        results::of_task(task, &self.checked.graded.tests)
            .iter()
            .filter(|r| r.outcome == Outcome::NotRun)
            .count()
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
        match self.first_failing(task) {
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
        text.push_str(&self.hint_line(task, &mut progress)?);
        text.push_str(&ui::dim(&format!(
            "  Run `pytest {}` to see every failure; `skillforge hint {}` for more help.\n",
            task.tests.join(" "),
            task.id
        )));
        self.emit(&text);
        Ok(())
    }

    /// The task's test to show: one that timed out says the most (the others may only have
    /// waited for it), else the first that did not pass.
    fn first_failing(&self, task: &OriginTask) -> Option<&TestResult> {
        let mine = |r: &&TestResult| {
            r.outcome != Outcome::Passed
                && task
                    .tests
                    .iter()
                    .any(|s| results::belongs(&r.nodeid, s, r.collect_error))
        };
        let tests = &self.checked.graded.tests;
        tests
            .iter()
            .filter(mine)
            .find(|r| r.timed_out)
            .or_else(|| tests.iter().find(mine))
    }

    /// The latest hint revealed, or the first: shown, it counts as revealed, so `hint` goes
    /// on to the next one.
    fn hint_line(&self, task: &OriginTask, progress: &mut Progress) -> Result<String> {
        let revealed = progress.task(&task.id).hints.min(task.hints.len());
        let shown = revealed.max(1).min(task.hints.len());
        if shown == 0 {
            return Ok(String::new());
        }
        if shown > revealed {
            progress.task_mut(&task.id).hints = shown;
            progress.write(&self.ws.root)?;
        }
        Ok(format!(
            "  Hint {shown} of {}: {}\n",
            task.hints.len(),
            task.hints[shown - 1]
        ))
    }

    fn print_verdict(&self) {
        let chosen_pass = !self.checked.graded.stopped()
            && self
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
        let verdict = if self.asked && self.judged.len() == 1 {
            format!("task {} passes", self.judged[0].id)
        } else if self.asked {
            let ids: Vec<&str> = self.judged.iter().map(|t| t.id.as_str()).collect();
            format!("tasks {} pass", ids.join(", "))
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
        self.emit(&format!("\n{}\n", ui::green(&verdict)));
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
