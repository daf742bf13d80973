//! The sandbox a graded run happens in: a copy of the learner's project with the graded test
//! set-up in place of theirs (see `grading`).
//!
//! Tests find the project from their own path (`Path(__file__).parents[2]`), so the graded
//! copies must sit where the learner's would, beside a copy of the learner's files: their
//! code, data, `pyproject.toml`, Dockerfile, workflows. The learner's code is imported from
//! its installed location (the editable install points at the project itself), which holds
//! the same files. Environments and version control are linked rather than copied (where the
//! platform has symbolic links); caches, builds and the learner's own set-up files are left
//! out. Whatever a test writes lands in the sandbox, which is removed with the scratch folder.

use std::path::Path;

use super::grading::Grading;
use crate::error::{Error, Result};

/// Top-level folders linked into the sandbox, not copied: large, and read at most.
const LINKED: &[&str] = &[".git", ".venv", "venv", "node_modules"];

/// Folders left out of the sandbox wherever they are: caches no test reads.
fn cache(name: &str) -> bool {
    matches!(
        name,
        "__pycache__" | ".pytest_cache" | ".mypy_cache" | ".ruff_cache" | ".hypothesis"
    ) || name.ends_with(".egg-info")
}

/// Top-level folders left out too: builds, environments of other tools, MLflow's runs and
/// artifacts (the tests track into temporary stores), and skillforge's own records. Every
/// other folder is copied, hidden ones (`.github`) included.
fn left_out(name: &str) -> bool {
    cache(name)
        || matches!(
            name,
            ".skillforge"
                | ".tox"
                | ".nox"
                | "build"
                | "dist"
                | "htmlcov"
                | "mlruns"
                | "mlartifacts"
        )
}

/// Fills `into` (an empty folder) with the project at `root` and the graded files.
pub fn build(root: &Path, grading: &Grading, into: &Path) -> Result<()> {
    let entries = std::fs::read_dir(root).map_err(Error::io("cannot read", root))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let from = entry.path();
        let to = into.join(&name);
        if LINKED.contains(&name.as_str()) {
            link(&from, &to);
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if grading.roots.contains(&name) || (kind.is_dir() && left_out(&name)) {
            continue;
        }
        if kind.is_dir() {
            copy_tree(root, &from, &to)?;
        } else if kind.is_file() || kind.is_symlink() {
            copy_file(root, &from, &to, &name)?;
        }
    }
    for (rel, bytes) in &grading.files {
        put(&into.join(rel), bytes)?;
    }
    Ok(())
}

/// Writes a new file at `path` in the sandbox: whatever the copy put there first (a link
/// that would lead the write out of the sandbox, a folder) is removed.
pub fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let gone = if meta.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        gone.map_err(Error::io("cannot remove", path))?;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io("cannot create", dir))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Error::io("cannot write", path))?;
    std::io::Write::write_all(&mut file, bytes).map_err(Error::io("cannot write", path))
}

fn copy_tree(root: &Path, from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(Error::io("cannot create", to))?;
    let entries = std::fs::read_dir(from).map_err(Error::io("cannot read", from))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !cache(&name) {
                copy_tree(root, &entry.path(), &to.join(&name))?;
            }
        } else {
            copy_file(root, &entry.path(), &to.join(&name), &name)?;
        }
    }
    Ok(())
}

/// Copies one file, leaving out the learner's own test set-up (a `conftest.py` the grading
/// does not ship is not part of the graded run). Only regular files of the project are
/// copied: a link to a folder, or to anything outside the project (`/proc`, a device), stays
/// a link, and a FIFO or a socket is left out, since reading them could block or never end.
fn copy_file(root: &Path, from: &Path, to: &Path, name: &str) -> Result<()> {
    if name == "conftest.py" || name.ends_with(".pyc") {
        return Ok(());
    }
    let linked = std::fs::symlink_metadata(from).is_ok_and(|m| m.file_type().is_symlink());
    if linked && !inside(root, from) {
        link(from, to);
        return Ok(());
    }
    match std::fs::metadata(from) {
        Ok(meta) if meta.is_file() => std::fs::copy(from, to)
            .map(|_| ())
            .map_err(Error::io("cannot copy", from)),
        Ok(meta) if meta.is_dir() => {
            link(from, to);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `path`, its links followed, lies in the project at `root`.
pub(super) fn inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

fn link(from: &Path, to: &Path) {
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(from, to);
    }
    #[cfg(not(unix))]
    {
        let _ = (from, to);
    }
}

/// Puts the learner's accepted test files in place of the blueprint's in the sandbox at
/// `into`, for the run that grades them: a folder entry's shipped files go first, so a file
/// the learner removed from it is gone.
pub fn swap_in(into: &Path, grading: &Grading) -> Result<()> {
    for entry in &grading.accepted_entries {
        let folder = format!("{}/", entry.trim_end_matches('/'));
        for path in grading.files.keys().filter(|p| p.starts_with(&folder)) {
            let _ = std::fs::remove_file(into.join(path));
        }
    }
    for (rel, bytes) in &grading.accepted_files {
        put(&into.join(rel), bytes)?;
    }
    Ok(())
}
