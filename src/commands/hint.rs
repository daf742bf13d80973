//! `skillforge hint [TASK]`: reveals a task's hints one at a time, and records how many.
//! Without a task it helps with the first one the last check did not see pass, and spends
//! nothing when every task passed.

use crate::error::{Error, Result};
use crate::practice::Workspace;
use crate::practice::results::Report;
use crate::record::origin::OriginTask;
use crate::record::progress::Progress;
use crate::ui;

pub fn run(ws: &Workspace, key: Option<&str>) -> Result<()> {
    let task = match key {
        Some(key) => ws.task(key)?,
        None if ws.origin.tasks.is_empty() => {
            return Err(Error::Refused {
                message: "this project has no tasks, so no hints".into(),
            });
        }
        None => match first_unfinished(ws) {
            Some(task) => task,
            None => {
                // Nothing left to help with: a hint spent now would count against the
                // learner for a task they already solved.
                ui::out("Every task passed the last check: no hint revealed, none spent.\n");
                ui::note("`skillforge hint TASK` still reveals the hints of a task you name");
                return Ok(());
            }
        },
    };
    let mut progress = Progress::read(&ws.root)?;
    let total = task.hints.len();
    let before = progress.task(&task.id).hints.min(total);
    let shown = (before + 1).min(total);
    if shown > before {
        progress.task_mut(&task.id).hints = shown;
        progress.write(&ws.root)?;
    }
    let mut text = format!(
        "{} task {}, {} ({})\n",
        ui::bold("Hints for"),
        task.number,
        task.title,
        task.id
    );
    for (i, hint) in task.hints.iter().take(shown).enumerate() {
        let line = format!("  {}. {hint}\n", i + 1);
        // Hints seen before are there to re-read; the new one stands out.
        text.push_str(&if i + 1 == shown && shown > before {
            line
        } else {
            ui::dim(&line)
        });
    }
    ui::out(&text);
    if shown < total {
        ui::note(&format!(
            "hint {shown} of {total}; `skillforge hint {}` reveals the next",
            task.id
        ));
    } else {
        ui::note(&format!(
            "that was the last hint; if you are stuck, `skillforge solution {} --give-up` \
             shows the reference solution",
            task.id
        ));
    }
    Ok(())
}

/// The first task the last check did not see pass (the first task before any check);
/// `None` when every task passed it, or the project has no tasks.
pub fn first_unfinished(ws: &Workspace) -> Option<&OriginTask> {
    let report = Report::read(&ws.root);
    let statuses = report.as_ref().map(Report::statuses).unwrap_or_default();
    ws.origin
        .tasks
        .iter()
        .find(|t| !statuses.get(t.id.as_str()).is_some_and(|s| s.passed()))
}
