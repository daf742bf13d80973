//! `skillforge reset TASK`: the task's files back to their starter state, keeping the work
//! of every other task (like Rustlings' reset), after confirming (or with `--yes`).
//!
//! The learner's versions are copied to `.skillforge/reset-backup/` first, so nothing is
//! lost; a file where their edits overlap the task's lines is left as it is and listed with
//! the change that takes it back, never overwritten. See `practice::reset`.

use crate::error::{Error, Result};
use crate::plan::prompt::Prompter;
use crate::practice::Workspace;
use crate::practice::reference::{self, FileSolution};
use crate::practice::reset::{self, Sorted};
use crate::record::origin::OriginTask;
use crate::ui;

pub struct Options<'a> {
    pub task: &'a str,
    /// Reset without asking.
    pub yes: bool,
    pub from: Option<&'a str>,
    /// When the reset runs, for the backup folder's name.
    pub now: time::OffsetDateTime,
}

/// Resets the task; `prompter` is `None` without a terminal, when only `--yes` can confirm.
/// Errors: an unknown task (with the ids), no confirmation and no terminal (naming
/// `--yes`), a blueprint that cannot be read, a file that cannot be backed up or written.
pub fn run(
    ws: &Workspace,
    options: &Options<'_>,
    prompter: Option<&mut dyn Prompter>,
) -> Result<()> {
    let task = ws.task(options.task)?;
    let (library, _checkouts) = ws.library(options.from)?;
    let undone = reference::undo(ws, &library, task)?;
    if let Some(note) = &undone.version_note {
        ui::warn(note);
    }
    let sorted = reset::sort(ws, &undone.files);
    if sorted.reset.is_empty() && sorted.kept.is_empty() {
        reset::forget_pass(ws, task)?;
        ui::success(&format!(
            "the files of task {} ({}) are already in their starter state",
            task.number, task.id
        ));
        return Ok(());
    }
    if undone.whole_files {
        ui::note(
            "this blueprint has no per-task steps: the reset takes out the finished solution \
             of the task's files, which may include later tasks' work",
        );
    }
    announce(task, &sorted);
    if !confirmed(task, options.yes, prompter)? {
        ui::note("nothing was reset");
        return Ok(());
    }
    crate::interrupt::install(
        "cancelled; your versions of the files reset so far are in .skillforge/reset-backup/",
    );
    if !sorted.reset.is_empty() {
        let folder = reset::backup(ws, task, &sorted.reset, options.now)?;
        reset::write(ws, &sorted.reset)?;
        ui::note(&format!(
            "your versions of these files are kept in {folder}/"
        ));
    }
    reset::forget_pass(ws, task)?;
    report(task, &sorted);
    Ok(())
}

/// What the reset will do, before asking.
fn announce(task: &OriginTask, sorted: &Sorted<'_>) {
    ui::heading(&format!(
        "Reset task {}, {} ({}):",
        task.number, task.title, task.id
    ));
    for file in &sorted.reset {
        let what = match (&file.learner, &file.merged) {
            (_, reference::Merged::Clean(None)) => "removed (the task creates it)",
            (None, _) => "restored",
            _ => "back to its starter state, your other changes kept",
        };
        ui::plain(&format!("  {}: {what}", file.path));
    }
    for file in &sorted.kept {
        let why = why_kept(file);
        ui::plain(&format!("  {}: left as it is ({why})", file.path));
    }
}

/// Whether the learner confirms; without a terminal only `--yes` does.
fn confirmed(task: &OriginTask, yes: bool, prompter: Option<&mut dyn Prompter>) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    let Some(prompter) = prompter else {
        return Err(Error::NeedsInput {
            what: format!(
                "the confirmation to reset task {} ({})",
                task.number, task.id
            ),
            flag: "--yes".into(),
        });
    };
    prompter.confirm(
        &format!(
            "Reset task {} ({})? Your versions are backed up first",
            task.number, task.id
        ),
        false,
    )
}

/// What was done, and what is left to do by hand.
fn report(task: &OriginTask, sorted: &Sorted<'_>) {
    for file in &sorted.kept {
        let why = why_kept(file);
        ui::warn(&format!(
            "{}: {why}, so it was left as it is; take the task's work out by hand, as the \
             starter has it:",
            file.path
        ));
        ui::out(&starter_change(file));
    }
    let done = if sorted.reset.is_empty() {
        "no file was changed".to_string()
    } else {
        paths(&sorted.reset)
    };
    let message = format!("reset task {} ({}): {done}", task.number, task.id);
    if sorted.kept.is_empty() {
        ui::success(&format!("{message}; run `skillforge check`"));
    } else {
        ui::warn(&format!(
            "{message}; left for you to take back by hand: {}",
            paths(&sorted.kept)
        ));
    }
}

/// The change from the reference after the task to its starter, indented for reading.
fn starter_change(file: &FileSolution) -> String {
    let what = match (&file.before, &file.after) {
        (_, None) => " (the starter has no such file)",
        (None, _) => " (the task deletes it)",
        _ => "",
    };
    format!(
        "change from the reference solution back to the starter of {}{what}:\n{}",
        file.path,
        file.change()
    )
}

/// Why a reset leaves `file` as it is.
fn why_kept(file: &FileSolution) -> &'static str {
    if file.conflict() {
        "your changes overlap the task's"
    } else {
        "it is not UTF-8 text"
    }
}

fn paths(files: &[&FileSolution]) -> String {
    files
        .iter()
        .map(|f| f.path.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::prompt::Scripted;

    fn task() -> OriginTask {
        OriginTask {
            id: "parse".into(),
            number: 2,
            blueprint: "b".into(),
            title: "Parse".into(),
            skills: vec![],
            skill_names: vec![],
            stretch: false,
            requires: vec![],
            tests: vec![],
            files: vec![],
            hints: vec![],
        }
    }

    #[test]
    fn without_a_terminal_the_confirmation_names_yes() {
        let error = confirmed(&task(), false, None).unwrap_err();
        assert!(matches!(error, Error::NeedsInput { .. }));
        assert!(error.to_string().contains("pass --yes"), "{error}");
        assert!(error.to_string().contains("task 2 (parse)"), "{error}");
    }

    #[test]
    fn yes_confirms_without_asking_and_the_default_answer_is_no() {
        assert!(confirmed(&task(), true, None).unwrap());
        let mut prompter = Scripted::new([""]);
        assert!(!confirmed(&task(), false, Some(&mut prompter)).unwrap());
        assert_eq!(prompter.asked.len(), 1);
        let mut prompter = Scripted::new(["y"]);
        assert!(confirmed(&task(), false, Some(&mut prompter)).unwrap());
    }
}
