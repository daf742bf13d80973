//! `skillforge solution TASK`: the task's reference solution as a diff against the
//! learner's files (on stdout, so it can go to `git apply`), or written with `--apply`.
//! Before the task passes it takes `--give-up`, which is recorded.
//!
//! A diff must never take away the learner's work. Once the task passes, or while a task it
//! builds on does not, there is nothing to merge into: the reference's own change is shown
//! for comparison, in a form `git apply` does not take, and `--apply` refuses. A file whose
//! merge conflicts is left out of the diff the same way.

use std::collections::BTreeSet;
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::practice::Workspace;
use crate::practice::reference::{self, FileSolution, Solution};
use crate::practice::results::{RESULTS_PATH, Report};
use crate::record::origin::OriginTask;
use crate::record::progress::Progress;
use crate::ui;

pub struct Options<'a> {
    pub task: &'a str,
    pub give_up: bool,
    pub apply: bool,
    pub from: Option<&'a str>,
    /// The day, recorded with a give-up.
    pub today: time::Date,
}

/// Where the task stands, per the last `skillforge check`.
enum Standing<'a> {
    /// The task passes: the learner's files hold their own solution.
    Passes,
    /// Tasks it builds on (transitively) do not pass yet, in task order.
    Waits(Vec<&'a OriginTask>),
    /// The task is open, and what it builds on passes or changed since the last check (or
    /// nothing was checked yet).
    Open,
}

pub fn run(ws: &Workspace, options: &Options<'_>) -> Result<()> {
    let task = ws.task(options.task)?;
    let standing = standing(ws, task);
    if options.apply {
        refuse_apply(task, &standing)?;
    }
    let give_up = match standing {
        Standing::Passes => false,
        _ => gives_up(ws, task, options.give_up)?,
    };
    let (library, _checkouts) = ws.library(options.from)?;
    let solution = reference::solve(ws, &library, task)?;
    let conflicts = solution.files.iter().any(|f| f.changes() && f.conflict());
    // Recorded once the learner sees the reference: not when --apply writes and shows nothing.
    if give_up && !(options.apply && matches!(standing, Standing::Open) && conflicts) {
        record_give_up(ws, task, options.today)?;
    }
    if let Some(note) = &solution.version_note {
        ui::warn(note);
    }
    if !matches!(standing, Standing::Open) {
        explain_reading_only(task, &standing);
        show_reference(&solution, task);
        return Ok(());
    }
    if solution.whole_files {
        ui::note(
            "this blueprint has no per-task steps: the diff leads to the finished solution \
             of the task's files, which may include later tasks' work",
        );
    }
    let changing: Vec<&FileSolution> = solution.files.iter().filter(|f| f.changes()).collect();
    if changing.is_empty() {
        ui::success(&format!(
            "your files already hold the reference solution of task {} ({})",
            task.number, task.id
        ));
        return Ok(());
    }
    if options.apply {
        apply(ws, task, &changing)
    } else {
        show_merged(task, &changing);
        Ok(())
    }
}

/// The task's standing: from the last report's `tasks` (`id` and `status` only).
fn standing<'a>(ws: &'a Workspace, task: &OriginTask) -> Standing<'a> {
    let Some(report) = Report::read(&ws.root) else {
        // Nothing was checked yet: no task is known to pass, none is known to fail.
        return Standing::Open;
    };
    let passes = |id: &str| report.tasks.iter().any(|t| t.id == id && t.status.passed());
    if passes(&task.id) {
        return Standing::Passes;
    }
    let checked = std::fs::metadata(ws.path(RESULTS_PATH)).and_then(|m| m.modified());
    let waiting: Vec<&OriginTask> = prerequisites(ws, task)
        .into_iter()
        .filter(|t| !passes(&t.id))
        // Its files changed since: the failure may be fixed, and the merge that follows
        // takes nothing away either way.
        .filter(|t| !checked.as_ref().is_ok_and(|at| edited_since(ws, t, *at)))
        .collect();
    if waiting.is_empty() {
        Standing::Open
    } else {
        Standing::Waits(waiting)
    }
}

/// Whether a file of `task` was written after `time`.
fn edited_since(ws: &Workspace, task: &OriginTask, time: SystemTime) -> bool {
    task.files.iter().any(|file| {
        std::fs::metadata(ws.path(file))
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified > time)
    })
}

/// The tasks `task` requires, directly or through others, in task order.
fn prerequisites<'a>(ws: &'a Workspace, task: &OriginTask) -> Vec<&'a OriginTask> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&str> = task.requires.iter().map(String::as_str).collect();
    while let Some(id) = pending.pop() {
        if seen.insert(id.to_string())
            && let Some(required) = ws.origin.task(id)
        {
            pending.extend(required.requires.iter().map(String::as_str));
        }
    }
    let mut tasks: Vec<&OriginTask> = ws
        .origin
        .tasks
        .iter()
        .filter(|t| seen.contains(&t.id))
        .collect();
    tasks.sort_by_key(|t| t.number);
    tasks
}

/// Why the task's reference cannot be merged yet, and what to do first.
fn waits_message(task: &OriginTask, waiting: &[&OriginTask]) -> String {
    let ids: Vec<&str> = waiting.iter().map(|t| t.id.as_str()).collect();
    let (list, verb) = match ids.as_slice() {
        [one] => (one.to_string(), "does"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "do"),
        [] => unreachable!("a task waits on at least one other"),
    };
    format!(
        "task {} builds on {list}, which {verb} not pass yet (as of the last `skillforge \
         check`): `skillforge solution {}` first",
        task.number, ids[0]
    )
}

/// `--apply` has nothing to merge into when the task passes or waits on another.
fn refuse_apply(task: &OriginTask, standing: &Standing<'_>) -> Result<()> {
    let message = match standing {
        Standing::Passes => format!(
            "nothing to apply: task {} ({}) passes (as of the last `skillforge check`); run \
             without --apply to compare your solution with the reference's",
            task.number, task.id
        ),
        Standing::Waits(waiting) => format!(
            "cannot apply: {}; nothing was written",
            waits_message(task, waiting)
        ),
        Standing::Open => return Ok(()),
    };
    Err(Error::Refused { message })
}

/// Refuses a task that does not pass yet without `--give-up`; records the giving up.
/// Whether seeing the reference of `task`, which does not pass, is to be recorded now as
/// giving up on it; refused without `--give-up` unless it was recorded before.
fn gives_up(ws: &Workspace, task: &OriginTask, give_up: bool) -> Result<bool> {
    let progress = Progress::read(&ws.root)?;
    if progress.task(&task.id).gave_up.is_some() {
        return Ok(false);
    }
    if !give_up {
        return Err(Error::Refused {
            message: format!(
                "task {} ({}) does not pass yet (as of the last `skillforge check`); try \
                 `skillforge hint {}` first, or pass --give-up to see the reference \
                 solution anyway (it is recorded in .skillforge/progress.toml)",
                task.number, task.id, task.id
            ),
        });
    }
    Ok(true)
}

/// Records in `.skillforge/progress.toml` that the learner gave up on `task` on `today`.
fn record_give_up(ws: &Workspace, task: &OriginTask, today: time::Date) -> Result<()> {
    let mut progress = Progress::read(&ws.root)?;
    progress.task_mut(&task.id).gave_up = Some(crate::record::day_text(today));
    progress.write(&ws.root)
}

/// Why the reference's own change is shown instead of a diff against the learner's files.
fn explain_reading_only(task: &OriginTask, standing: &Standing<'_>) {
    match standing {
        Standing::Passes => ui::note(&format!(
            "task {} ({}) passes: this is the reference's own change, to compare with yours; \
             it is not a patch for your files",
            task.number, task.id
        )),
        Standing::Waits(waiting) => {
            ui::warn(&waits_message(task, waiting));
            ui::note("this is the reference's own change, for reading; it is not a patch");
        }
        Standing::Open => {}
    }
}

/// The reference's own change of every file the task touches, for reading.
fn show_reference(solution: &Solution, task: &OriginTask) {
    for file in &solution.files {
        ui::out(&file.reference(task));
    }
}

/// The diff of the files that merge cleanly; the reference's change of those that do not.
fn show_merged(task: &OriginTask, changing: &[&FileSolution]) {
    ui::heading(&format!(
        "Reference solution of task {}, {} ({}):",
        task.number, task.title, task.id
    ));
    let (conflicts, clean): (Vec<&FileSolution>, Vec<&FileSolution>) =
        changing.iter().partition(|f| f.conflict());
    for patch in clean.iter().filter_map(|f| f.patch()) {
        ui::out(&patch);
    }
    for file in &conflicts {
        ui::warn(&format!(
            "{}: your changes overlap the reference's, so the diff leaves this file out; \
             merge the reference's change below into it by hand",
            file.path
        ));
        ui::out(&file.reference(task));
    }
    match (clean.is_empty(), conflicts.is_empty()) {
        (false, true) => ui::note("apply it with `git apply`, or run again with --apply"),
        (false, false) => ui::note(
            "apply the diff with `git apply`; --apply writes nothing while a file needs \
             merging by hand",
        ),
        (true, _) => {}
    }
}

/// Writes the merged files, or nothing at all when one of them conflicts.
fn apply(ws: &Workspace, task: &OriginTask, changing: &[&FileSolution]) -> Result<()> {
    let conflicts: Vec<&str> = changing
        .iter()
        .filter(|f| f.conflict())
        .map(|f| f.path.as_str())
        .collect();
    if !conflicts.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "cannot apply: your changes overlap the reference's in {}; nothing was \
                 written. Run without --apply to see the reference's change and merge it by \
                 hand",
                conflicts.join(", ")
            ),
        });
    }
    for file in changing {
        file.write(&ws.root)?;
    }
    ui::success(&format!(
        "applied the reference solution of task {} ({}) to {}; run `skillforge check`",
        task.number,
        task.id,
        changing
            .iter()
            .map(|f| f.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}
