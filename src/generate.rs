//! Writing a composed project: everything goes into a temporary folder beside the
//! destination, the first commit is made there, and only then is the folder renamed into
//! place. An error at any step drops the temporary folder, so the destination either does
//! not exist or is complete.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::{self, Committed};
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
    let mut builder = tempfile::Builder::new();
    // The project's folder is the staging folder renamed: made as mkdir would make it under
    // the user's umask, not private as a temporary folder is.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let staging = builder
        .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
        .tempdir_in(&parent)
        .map_err(|e| unusable(destination, &parent, &e))?;
    crate::interrupt::set_staging(Some(staging.path().to_path_buf()));
    let result = fill_and_move(project, staging, destination, &parent, git_request);
    crate::interrupt::set_staging(None);
    result
}

fn fill_and_move(
    project: &Project,
    staging: tempfile::TempDir,
    destination: &Path,
    parent: &Path,
    git_request: &GitRequest,
) -> Result<Written> {
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
        write_file(staging.path(), file)?;
    }
    let git = commit(staging.path(), project, parent, git_request)?;
    // Checked again just before the rename: rename(2) silently replaces an empty folder.
    refuse_existing(destination)?;
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, destination) {
        let _ = fs::remove_dir_all(&staged);
        return Err(Error::io("cannot move the project into", destination)(e));
    }
    Ok(Written {
        path: destination.to_path_buf(),
        files: project.files.len(),
        git,
    })
}

/// Removes staging folders left in `parent` by runs that were killed (their process no longer
/// exists). Best effort: anything that cannot be read or removed is left alone.
fn remove_leftovers(parent: &Path) {
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
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
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
