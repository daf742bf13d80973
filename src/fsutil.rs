//! Writing files inside a learner's project: whole or not at all.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Replaces `path` with `bytes` through a temporary file in the same folder, so an
/// interrupted write leaves the old file, never half of the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io("cannot create", dir))?;
    // The file it replaces keeps its own mode; a new file gets the mode any program would
    // give it under the user's umask (a temporary file would be private, 0600).
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    if existing.is_none() {
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    }
    let mut file = builder
        .tempfile_in(dir)
        .map_err(Error::io("cannot write in", dir))?;
    file.write_all(bytes)
        .map_err(Error::io("cannot write", file.path()))?;
    if let Some(mode) = existing {
        std::fs::set_permissions(file.path(), mode)
            .map_err(Error::io("cannot set the permissions of", file.path()))?;
    }
    file.persist(path)
        .map_err(|e| Error::io("cannot replace", path)(e.error))?;
    Ok(())
}
