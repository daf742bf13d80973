//! Writing a composed project: everything goes into a temporary folder beside the
//! destination, the first commit is made there, and only then is the folder renamed into
//! place. An error at any step drops the temporary folder, so the destination either does
//! not exist or is complete.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::{self, Committed};
use crate::interrupt;
use crate::project::Project;

/// What to do about git.
#[derive(Debug, Clone)]
pub struct GitRequest {
    pub enabled: bool,
    pub message: String,
    /// Identity for the commit when git has none: the project's author.
    pub fallback: (String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitOutcome {
    Committed(Committed),
    /// `--no-git`.
    Disabled,
    /// The destination is inside this existing repository's work tree.
    InsideRepository(PathBuf),
}

#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub files: usize,
    pub git: GitOutcome,
}

/// Test hook: `SKILLFORGE_FAIL_AFTER_FILES=N` fails the run after N files are written, so the
/// test suite can prove that a failure mid-generation leaves nothing behind.
const FAULT_ENV: &str = "SKILLFORGE_FAIL_AFTER_FILES";

/// Test hook: `SKILLFORGE_WRITE_DELAY_MS=N` sleeps N ms before each file, so the test suite
/// can interrupt or kill a run in the middle of writing.
const DELAY_ENV: &str = "SKILLFORGE_WRITE_DELAY_MS";

/// Staging folders are named `.skillforge-<pid>-<random>`, so a later run can tell the
/// leftovers of a killed run (its process is gone) from a run still in progress.
const STAGING_PREFIX: &str = ".skillforge-";

pub fn write(project: &Project, destination: &Path, git_request: &GitRequest) -> Result<Written> {
    refuse_existing(destination)?;
    let parent = parent_of(destination)?;
    remove_leftovers(&parent);
    let staging = Staging::create(&parent).map_err(|e| unusable(destination, &parent, &e))?;
    let fail_after: Option<usize> = std::env::var(FAULT_ENV).ok().and_then(|v| v.parse().ok());
    let delay: Option<u64> = std::env::var(DELAY_ENV).ok().and_then(|v| v.parse().ok());
    for (count, file) in project.files.iter().enumerate() {
        if let Some(ms) = delay {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        if fail_after == Some(count) {
            return Err(Error::Io {
                action: "forced failure before writing",
                path: file.path.join_to(destination),
                source: std::io::Error::other(format!("{FAULT_ENV} is set")),
            });
        }
        staging.step(|root| write_file(root, file))?;
    }
    let git = staging.step(|root| commit(root, project, &parent, git_request))?;
    staging.move_to(destination, false)?;
    Ok(Written {
        path: destination.to_path_buf(),
        files: project.files.len(),
        git,
    })
}

/// The folder a project is written into before it is moved into place: removed when dropped
/// (an error) and by an interrupt, and written only in [`interrupt::uninterrupted`] steps so
/// that the two never overlap. `export` stages its copy the same way.
pub(crate) struct Staging {
    /// `None` once moved into place.
    dir: Option<tempfile::TempDir>,
    _registered: interrupt::Guard,
}

impl Staging {
    /// Creates the folder in `parent` and registers it with the interrupt handler in one
    /// step: a signal cannot come between the two and leave it behind.
    pub(crate) fn create(parent: &Path) -> std::io::Result<Staging> {
        interrupt::uninterrupted(|| {
            let mut builder = tempfile::Builder::new();
            // The project's folder is the staging folder renamed: made as mkdir would make it
            // under the user's umask, not private as a temporary folder is.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
            let dir = builder
                .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
                .tempdir_in(parent)?;
            let registered = interrupt::remove_on_interrupt(dir.path().to_path_buf());
            Ok(Staging {
                dir: Some(dir),
                _registered: registered,
            })
        })
    }

    /// Runs `write` on the folder's path, whole, before or after any interrupt.
    pub(crate) fn step<T>(&self, write: impl FnOnce(&Path) -> T) -> T {
        let root = self.dir.as_ref().expect("not moved yet").path();
        interrupt::uninterrupted(|| write(root))
    }

    /// Renames the folder to `destination` and tells the handler the run is complete, in one
    /// step: an interrupt comes either before (nothing is left) or after (the project is whole).
    /// With `replace_empty`, an empty folder at `destination` is replaced (`export DIR`
    /// takes an empty DIR); removed in the same step, so an interrupt never loses it alone.
    pub(crate) fn move_to(mut self, destination: &Path, replace_empty: bool) -> Result<()> {
        let dir = self.dir.take().expect("not moved yet");
        interrupt::uninterrupted(|| {
            // rmdir removes only an empty folder: anything put there meanwhile stays.
            if replace_empty && destination.is_dir() {
                fs::remove_dir(destination).map_err(Error::io("cannot replace", destination))?;
            }
            // Checked again just before the rename: rename(2) silently replaces an empty folder.
            refuse_existing(destination)?;
            fs::rename(dir.path(), destination)
                .map_err(Error::io("cannot move the project into", destination))?;
            interrupt::complete();
            // The folder is the project now: the temporary folder must not remove it.
            let _ = dir.keep();
            Ok(())
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Removing the folder is a step too, so the handler never finds it half-removed.
        if let Some(dir) = self.dir.take() {
            interrupt::uninterrupted(|| drop(dir));
        }
    }
}

/// Removes staging folders left in `parent` by runs that were killed (their process no longer
/// exists). Best effort: anything that cannot be read or removed is left alone.
pub(crate) fn remove_leftovers(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` exists. Where this cannot be told, assume it does (keep the folder).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    // EPERM: it exists, as someone else's.
    found || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true
}

fn refuse_existing(destination: &Path) -> Result<()> {
    if destination.symlink_metadata().is_ok() {
        return Err(Error::DestinationExists {
            path: destination.to_path_buf(),
        });
    }
    Ok(())
}

fn parent_of(destination: &Path) -> Result<PathBuf> {
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match parent.metadata() {
        Ok(m) if m.is_dir() => Ok(parent),
        Ok(_) => Err(Error::DestinationUnusable {
            path: destination.to_path_buf(),
            reason: format!("{} is a file, not a folder", parent.display()),
        }),
        Err(_) => Err(Error::DestinationUnusable {
            path: destination.to_path_buf(),
            reason: format!(
                "the folder {} does not exist; create it or pass another --output-dir",
                parent.display()
            ),
        }),
    }
}

fn unusable(destination: &Path, parent: &Path, e: &std::io::Error) -> Error {
    let reason = match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!(
                "{} is not writable; pass another --output-dir",
                parent.display()
            )
        }
        _ => format!("cannot write in {}: {e}", parent.display()),
    };
    Error::DestinationUnusable {
        path: destination.to_path_buf(),
        reason,
    }
}

fn write_file(root: &Path, file: &crate::project::OutputFile) -> Result<()> {
    let path = file.path.join_to(root);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(Error::io("cannot create", dir))?;
    }
    fs::write(&path, &file.contents).map_err(Error::io("cannot write", &path))?;
    // Executable as `chmod +x` under the user's umask would make it: the staging folder
    // was made with 0777 less the umask, and every bit it has, the file gets.
    #[cfg(unix)]
    if file.executable {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root)
            .map_err(Error::io("cannot read", root))?
            .permissions()
            .mode()
            & 0o777;
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(Error::io("cannot make executable", &path))?;
    }
    Ok(())
}

fn commit(
    staging: &Path,
    project: &Project,
    parent: &Path,
    request: &GitRequest,
) -> Result<GitOutcome> {
    if !request.enabled {
        return Ok(GitOutcome::Disabled);
    }
    if let Some(repo) = git::enclosing_repository(parent) {
        return Ok(GitOutcome::InsideRepository(repo));
    }
    let (name, email) = &request.fallback;
    let files: Vec<git::WrittenFile<'_>> = project
        .files
        .iter()
        .map(|f| git::WrittenFile {
            path: f.path.as_str(),
            contents: &f.contents,
        })
        .collect();
    let committed = git::init_and_commit(staging, &files, &request.message, (name, email))?;
    Ok(GitOutcome::Committed(committed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_run_is_alive_until_its_process_is_gone() {
        assert!(process_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_alive(pid), "a reaped process is gone");
    }

    #[test]
    #[cfg(unix)]
    fn leftovers_of_dead_runs_are_swept_and_others_kept() {
        let parent = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let names = [
            format!("{STAGING_PREFIX}{dead}-abc"),
            format!("{STAGING_PREFIX}{}-abc", std::process::id()),
            format!("{STAGING_PREFIX}notapid-abc"),
            "project".to_string(),
        ];
        for name in &names {
            fs::create_dir_all(parent.path().join(name).join("src")).unwrap();
        }
        remove_leftovers(parent.path());
        assert!(
            !parent.path().join(&names[0]).exists(),
            "a dead run's is swept"
        );
        for name in &names[1..] {
            assert!(parent.path().join(name).exists(), "{name} is kept");
        }
    }
}
