//! `check --watch`: waits for the learner to save a file, then lets `check` run again.

use std::path::{Component, Path};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};

use crate::error::{Error, Result};

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
        }
        _ => false,
    }) || rel == Path::new("TASKS.md")
}

/// Calls `run` now and again after every burst of relevant file changes, until interrupted.
pub fn watch(root: &Path, mut run: impl FnMut() -> Result<()>) -> Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(Duration::from_millis(300), tx).map_err(|e| Error::Environment {
            message: format!("cannot watch the project's files: {e}"),
        })?;
    debouncer
        .watcher()
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| Error::Environment {
            message: format!("cannot watch {}: {e}", root.display()),
        })?;
    run()?;
    for events in rx {
        let Ok(events) = events else { continue };
        let changed: Vec<String> = events
            .iter()
            .filter_map(|e| e.path.strip_prefix(root).ok())
            .filter(|rel| !ignored(rel))
            .map(|rel| rel.display().to_string())
            .collect();
        if let Some(first) = changed.first() {
            crate::ui::note(&format!("\n── {first} changed: checking again ──"));
            run()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ignored;
    use std::path::Path;

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
        ] {
            assert!(ignored(Path::new(noise)), "{noise}");
        }
    }
}
