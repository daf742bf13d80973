//! `check --watch`: waits for the learner to save a file, then lets `check` run again.

use std::path::{Component, Path};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{Event, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// How long the files must stay quiet before a run starts: an editor's save (write, rename,
/// chmod) and a formatter's rewrite right after it make one run, not three.
const SETTLE: Duration = Duration::from_millis(300);
/// The longest a run waits for the files to settle, so a stream of saves still gets checked.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// Folders and files whose changes never call for a new run: environments, caches, git,
/// skillforge's own records, and TASKS.md, which `check` itself rewrites.
fn ignored(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            name.starts_with('.')
                || matches!(
                    name.as_ref(),
                    "__pycache__" | "venv" | "env" | "build" | "dist" | "htmlcov" | "mlruns"
                )
                || name.ends_with(".egg-info")
                || name.ends_with(".pyc")
                // Editors' scratch files: vim's write probe and backups, Emacs' autosaves,
                // JetBrains' safe-write copies.
                || name == "4913"
                || name.ends_with('~')
                || name.starts_with('#')
                || name.contains("___jb_")
        }
        _ => false,
    }) || rel == Path::new("TASKS.md")
}

/// Whether an event means a file's contents or its place changed. Opening, reading and
/// metadata changes do not count: pytest opens every source file on each run, and
/// counting those would start a new run after every run, forever.
fn edits(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        // Closing a file opened for writing: what `touch` or a save in place reports.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The project-relative paths an event reports as edited, noise left out.
fn edited(root: &Path, event: notify::Result<Event>) -> Vec<String> {
    let Ok(event) = event else { return Vec::new() };
    if event.need_rescan() {
        // The watcher lost events (its queue overflowed): anything may have changed.
        return vec!["the project".to_string()];
    }
    if !edits(&event.kind) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter_map(|path| path.strip_prefix(root).ok())
        .filter(|rel| !ignored(rel))
        .map(|rel| rel.display().to_string())
        .collect()
}

/// Calls `run` now and again after every burst of edits to the project's files, until
/// interrupted. In a terminal each run starts on a clear screen; after each, it says that it
/// is watching and how to stop.
pub fn watch(root: &Path, mut run: impl FnMut()) -> Result<()> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| Error::Environment {
        message: format!("cannot watch the project's files: {e}"),
    })?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| Error::Environment {
            message: format!("cannot watch {}: {e}", root.display()),
        })?;
    let mut run = |changed: Option<&str>| {
        if crate::ui::live() {
            // Clear the screen and its scrollback, cursor home: each run reads alone.
            eprint!("\x1b[H\x1b[2J\x1b[3J");
        }
        if let Some(path) = changed {
            crate::ui::note(&format!("── {path} changed: checking again ──"));
        }
        run();
        crate::ui::note("\nwatching for changes: save a file to check again, Ctrl-C to stop");
    };
    run(None);
    while let Ok(event) = rx.recv() {
        let mut changed = edited(root, event);
        if changed.is_empty() {
            continue;
        }
        // Only edits push the run back; ignored events (a reader, git) do not.
        let latest = Instant::now() + SETTLE_AT_MOST;
        let mut quiet_until = Instant::now() + SETTLE;
        loop {
            let now = Instant::now();
            let until = quiet_until.min(latest);
            if now >= until {
                break;
            }
            match rx.recv_timeout(until - now) {
                Ok(event) => {
                    let more = edited(root, event);
                    if !more.is_empty() {
                        changed.extend(more);
                        quiet_until = Instant::now() + SETTLE;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        run(Some(&changed[0]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{edits, ignored};
    use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, MetadataKind, ModifyKind};
    use std::path::Path;

    #[test]
    fn reading_a_file_is_not_an_edit() {
        // pytest opens every module; counting that made `--watch` run forever.
        assert!(!edits(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!edits(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!edits(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(edits(&EventKind::Modify(ModifyKind::Data(
            notify::event::DataChange::Any
        ))));
        assert!(edits(&EventKind::Modify(ModifyKind::Name(
            notify::event::RenameMode::To
        ))));
        assert!(edits(&EventKind::Create(CreateKind::File)));
        assert!(edits(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
    }

    #[test]
    fn sources_count_and_noise_does_not() {
        assert!(!ignored(Path::new("src/pkg/app.py")));
        assert!(!ignored(Path::new("tests/tasks/test_a.py")));
        assert!(!ignored(Path::new("Dockerfile")));
        for noise in [
            ".venv/lib/x.py",
            ".git/index",
            "src/pkg/__pycache__/app.cpython-311.pyc",
            ".skillforge/results.json",
            "TASKS.md",
            "src/pkg.egg-info/PKG-INFO",
            ".pytest_cache/v",
            "src/pkg/4913",
            "src/pkg/app.py~",
            "src/pkg/#app.py#",
            "src/pkg/app.py___jb_tmp___",
        ] {
            assert!(ignored(Path::new(noise)), "{noise}");
        }
    }
}
