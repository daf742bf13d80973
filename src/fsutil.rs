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

/// Writes an executable script `path` (mode 0755) holding `text`, for tests that run it.
///
/// A child process writes it, so the writing descriptor is never open in the test process:
/// there, a process forked by a test running alongside could inherit it until its `exec`,
/// and running the script meanwhile fails with "text file busy" (ETXTBSY), at random.
#[cfg(all(test, unix))]
pub(crate) fn write_script(path: &Path, text: &str) {
    let mut child = std::process::Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("sh runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(text.as_bytes())
        .expect("script written to sh");
    assert!(
        child.wait().expect("sh ends").success(),
        "{}",
        path.display()
    );
}
