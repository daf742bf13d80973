//! One `setup` at a time per project: two at once would build into the same `.venv` (the
//! second "reusing" the half-made one). The lock is an advisory lock (`fs4`: `flock` on
//! Unix, `LockFileEx` on Windows) on `.skillforge/setup.lock`, which holds the id of the
//! process that has it, for the message the second one gives. The system releases the lock
//! when the process ends however it ends, so a killed setup never leaves the project locked.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use crate::error::{Error, Result};
use crate::interrupt;

/// Where the lock is, relative to the project.
pub const PATH: &str = ".skillforge/setup.lock";

/// Held while `setup` runs; dropping it removes the file and releases the lock.
pub struct SetupLock {
    file: std::fs::File,
    path: PathBuf,
    _guard: interrupt::Guard,
}

impl SetupLock {
    /// Takes the lock of the project at `root`, or fails at once naming the process that
    /// holds it.
    pub fn acquire(root: &Path) -> Result<SetupLock> {
        let path = root.join(PATH);
        // The file may be removed by the holder between our open and our lock: then the lock
        // is on a file nobody else sees, and we open it again.
        for _ in 0..20 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(Error::io("cannot open", &path))?;
            let locked =
                FileExt::try_lock_exclusive(&file).map_err(Error::io("cannot lock", &path))?;
            if !locked {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let pid = text.trim();
                let who = if pid.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {pid})")
                };
                return Err(Error::Environment {
                    message: format!(
                        "another skillforge setup is running in this project{who}; wait for \
                         it to finish, then run `skillforge setup` again if it failed"
                    ),
                });
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(Error::io("cannot write", &path))?;
            let _ = file.rewind();
            write!(file, "{}", std::process::id()).map_err(Error::io("cannot write", &path))?;
            let _ = file.flush();
            let guard = interrupt::remove_on_interrupt(path.clone());
            return Ok(SetupLock {
                file,
                path,
                _guard: guard,
            });
        }
        Err(Error::Environment {
            message: format!(
                "cannot take the lock {}: it keeps being replaced; run `skillforge setup` again",
                path.display()
            ),
        })
    }
}

/// Whether `path` is still the file `file` has open (it was not removed and made again).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        // Windows does not let an open file be removed: the path is the file.
        let _ = (file, path);
        true
    }
}

impl Drop for SetupLock {
    fn drop(&mut self) {
        // Removed while still held, so that no other setup locks the old file meanwhile.
        let _ = std::fs::remove_file(&self.path);
        let _ = FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".skillforge")).unwrap();
        dir
    }

    #[test]
    fn a_second_setup_is_refused_naming_the_first() {
        let dir = project();
        let first = SetupLock::acquire(dir.path()).unwrap();
        let err = SetupLock::acquire(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains(&format!(
                "another skillforge setup is running in this project (pid {})",
                std::process::id()
            )),
            "{err}"
        );
        drop(first);
        assert!(!dir.path().join(PATH).exists(), "the lock file is removed");
        SetupLock::acquire(dir.path()).unwrap();
    }
}
