//! `skillforge add ADDON [--allow-dirty] [--no-commit]`: composes an add-on onto the
//! project and merges it into the learner's files (`crate::grow`), as one commit.

use crate::error::{Error, Result};
use crate::grow::{self, Action, FileChange, Outcome, Request};
use crate::practice::Workspace;
use crate::ui;

pub struct Options {
    pub addon: String,
    pub allow_dirty: bool,
    pub commit: bool,
    /// Where the project's blueprints are now, when they have moved (`--from`).
    pub from: Option<String>,
}

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let (library, _checkouts) = ws.library(options.from.as_deref())?;
    let composed = grow::add::compose(ws, &library, &options.addon)?;
    grow::refuse_dirty(ws, options.allow_dirty)?;
    let request = Request {
        allow_dirty: options.allow_dirty,
        commit: options.commit,
        dry_run: false,
    };
    let added: Vec<String> = composed
        .new
        .tasks
        .iter()
        .filter(|t| t.blueprint == options.addon)
        .map(|t| format!("{}. {} ({})", t.number, t.title, t.id))
        .collect();
    let message = format!("Add {} with skillforge", options.addon);
    let outcome = grow::grow(
        ws,
        &composed.base,
        &composed.new,
        composed.origin,
        request,
        &message,
    )?;
    print_changes(&outcome.changes);
    finish(
        &outcome,
        &format!("added {}", options.addon),
        "skillforge add",
    )?;
    if !added.is_empty() {
        ui::note(&format!("new tasks: {}", added.join("; ")));
    }
    Ok(())
}

/// One line per changed file: what happens to it and the lines it gains and loses.
pub(crate) fn print_changes(changes: &[FileChange]) {
    let width = ui::column_width(changes.iter().map(|c| c.path.as_str()));
    for change in changes {
        let (added, removed) = grow::stat(change);
        let what = match &change.action {
            Action::Create => "new".to_string(),
            Action::Update => "changed".to_string(),
            Action::Delete => "removed".to_string(),
            Action::Conflict(reason) => format!("CONFLICT: {reason}"),
        };
        ui::out(&format!(
            " {:<width$} | +{added} -{removed}  {what}\n",
            change.path
        ));
    }
}

/// Says what was committed or staged; fails listing the conflicts, when there are any.
pub(crate) fn finish(outcome: &Outcome, done: &str, command: &str) -> Result<()> {
    let conflicts: Vec<&str> = outcome
        .conflicts()
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    if !conflicts.is_empty() {
        return Err(Error::MergeConflicts {
            command: command.to_string(),
            files: conflicts.join(", "),
        });
    }
    match &outcome.commit {
        Some(id) => ui::success(&format!(
            "{done}: {} file(s) changed, committed as {}",
            outcome.changes.len(),
            &id[..id.len().min(10)]
        )),
        None if !outcome.in_git => ui::success(&format!(
            "{done}: {} file(s) changed; the project is in no git repository, so nothing \
             was committed",
            outcome.changes.len()
        )),
        None => ui::success(&format!(
            "{done}: {} file(s) changed and staged; review with `git diff --cached`, then \
             commit",
            outcome.changes.len()
        )),
    }
    Ok(())
}
