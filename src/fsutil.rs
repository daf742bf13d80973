//! Writing files inside a learner's project: whole or not at all, even when a signal comes
//! in the middle (the write is an `interrupt::uninterrupted` step, so the handler waits for
//! it and never leaves its temporary file behind).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Replaces `path` with `bytes` through a temporary file in the same folder, so an
/// interrupted write leaves the old file, never half of the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::interrupt::uninterrupted(|| replace(path, bytes))
}

fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io("cannot create", dir))?;
    let mut file =
        tempfile::NamedTempFile::new_in(dir).map_err(Error::io("cannot write in", dir))?;
    file.write_all(bytes)
        .map_err(Error::io("cannot write", file.path()))?;
    // A temporary file is private (0600); the file it replaces keeps its own mode.
    let mode = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(),
    };
    std::fs::set_permissions(file.path(), mode)
        .map_err(Error::io("cannot set the permissions of", file.path()))?;
    file.persist(path)
        .map_err(|e| Error::io("cannot replace", path)(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    std::os::unix::fs::PermissionsExt::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    let file = tempfile::tempfile().expect("a temporary file");
    file.metadata().expect("its metadata").permissions()
}
