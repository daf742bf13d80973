//! Taking one task back to its starter state (`skillforge reset`), without losing anything.
//!
//! The task's own change is merged back out of the learner's files (`reference::undo`), so
//! the work of other tasks in the same files stays. Before a file is written or removed, the
//! learner's version is copied to `.skillforge/reset-backup/<task>-<time>/`, at the same
//! relative path: a reset is always recoverable, with or without git, and whether or not the
//! learner committed. The folder holds a `.gitignore` of `*` so that git, and tools that
//! honour it (ruff), leave the copies alone; pytest's `testpaths` never reach it.
//!
//! A file whose merge conflicts (the learner's edits overlap the task's lines, or a file
//! the task creates was changed) is not written at all: it is listed, for the learner to
//! take back by hand.

use std::collections::BTreeMap;
use std::path::Path;

use super::Workspace;
use super::reference::FileSolution;
use super::results::{Report, TaskStatus};
use super::tasks_md;
use crate::error::{Error, Result};
use crate::record::origin::OriginTask;

/// Where the backups of reset files live in a project.
pub const BACKUP_DIR: &str = ".skillforge/reset-backup";

/// The files of a task's change, sorted by what a reset does with them.
#[derive(Debug, Default)]
pub struct Sorted<'a> {
    /// Merged back cleanly: written (or removed) by the reset.
    pub reset: Vec<&'a FileSolution>,
    /// The merge conflicts, or the file cannot be read as text: left as it is.
    pub kept: Vec<&'a FileSolution>,
}

/// Sorts `files` (from `reference::undo`) by what a reset does with them; files already in
/// their starter state are in neither list.
pub fn sort<'a>(ws: &Workspace, files: &'a [FileSolution]) -> Sorted<'a> {
    let mut sorted = Sorted::default();
    for file in files.iter().filter(|f| f.changes()) {
        // A file read as absent although it is there is not text: never replaced unseen.
        let unreadable = file.learner.is_none() && ws.path(&file.path).exists();
        if file.conflict() || unreadable {
            sorted.kept.push(file);
        } else {
            sorted.reset.push(file);
        }
    }
    sorted
}

/// Copies the learner's version of each of `files` that exists into a new backup folder
/// for `task`, named after it and `now` (UTC); returns the folder, relative to the project.
/// Errors: the folder or a copy cannot be written (nothing has been reset then).
pub fn backup(
    ws: &Workspace,
    task: &OriginTask,
    files: &[&FileSolution],
    now: time::OffsetDateTime,
) -> Result<String> {
    let folder = new_backup_folder(&ws.root, &task.id, now);
    let full = ws.path(&folder);
    crate::fsutil::write_atomic(&full.join(".gitignore"), b"*\n")?;
    for file in files {
        let from = ws.path(&file.path);
        let bytes = match std::fs::read(&from) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("cannot back up", from)(e)),
        };
        crate::fsutil::write_atomic(&full.join(&file.path), &bytes)?;
    }
    Ok(folder)
}

/// `.skillforge/reset-backup/<task>-<YYYYMMDDTHHMMSSZ>`, with `-2`, `-3`... when a reset of
/// the same task in the same second made one already.
fn new_backup_folder(root: &Path, task: &str, now: time::OffsetDateTime) -> String {
    let t = now.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let base = format!("{BACKUP_DIR}/{task}-{stamp}");
    let mut folder = base.clone();
    let mut n = 2;
    while root.join(&folder).exists() {
        folder = format!("{base}-{n}");
        n += 1;
    }
    folder
}

/// Writes the reset files: each merged back to its starter state, or removed.
pub fn write(ws: &Workspace, files: &[&FileSolution]) -> Result<()> {
    files.iter().try_for_each(|file| file.write(&ws.root))
}

/// Forgets that `task` passed: its box in TASKS.md is cleared, and the last check's results
/// say it is not known to pass until the next check. Hints revealed and give-ups stay in
/// `.skillforge/progress.toml`: they were seen, and a reset does not unsee them.
pub fn forget_pass(ws: &Workspace, task: &OriginTask) -> Result<()> {
    let path = ws.path("TASKS.md");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let done = BTreeMap::from([(task.id.clone(), false)]);
        let (cleared, _) = tasks_md::tick(&text, &done);
        if cleared != text {
            crate::fsutil::write_atomic(&path, cleared.as_bytes())?;
        }
    }
    if let Some(mut report) = Report::read(&ws.root) {
        let mut changed = false;
        for result in report.tasks.iter_mut().filter(|t| t.id == task.id) {
            changed |= result.status != TaskStatus::Unknown;
            result.status = TaskStatus::Unknown;
        }
        if changed {
            report.write(&ws.root)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_folders_never_reuse_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let now = time::OffsetDateTime::from_unix_timestamp(1_796_106_605).unwrap();
        let first = new_backup_folder(dir.path(), "parse", now);
        assert_eq!(first, ".skillforge/reset-backup/parse-20261201T063005Z");
        std::fs::create_dir_all(dir.path().join(&first)).unwrap();
        let second = new_backup_folder(dir.path(), "parse", now);
        assert_eq!(second, format!("{first}-2"));
    }
}
