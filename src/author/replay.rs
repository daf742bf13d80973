//! `author replay`: the blueprint's starter rendered into a new git repository, then one
//! commit per task with that task's step applied, subject `TASK-ID: title`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Session, TWIN_SUFFIX, history};
use crate::blueprint::steps::{self, Tree};
use crate::error::{Error, Result};

/// What to replay.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub blueprint_dir: &'a Path,
    pub repo: &'a Path,
    /// For an add-on: the base to render onto (default: the first of its `applies-to`).
    pub base: Option<&'a str>,
    /// Stop after this task's commit.
    pub through: Option<&'a str>,
}

/// What `replay` wrote.
#[derive(Debug)]
pub struct Replayed {
    pub repo: PathBuf,
    /// The tasks committed after the starter, in order.
    pub tasks: Vec<String>,
    /// The first task without a step, where the replay stopped (`None`: all were replayed).
    pub unsolved: Option<String>,
}

/// A rendered file of the repository: contents and whether it is executable.
type Rendered = BTreeMap<String, (Vec<u8>, bool)>;

/// Renders the starter and the steps into `options.repo`, which must not exist or be
/// empty. Everything is written in a folder beside it and moved into place at the end.
pub fn run(options: &Options<'_>) -> Result<Replayed> {
    refuse_non_empty(options.repo)?;
    let session = Session::open(options.blueprint_dir, options.base)?;
    let blueprint = session.blueprint();
    if let Some(through) = options.through
        && !blueprint.manifest.tasks.iter().any(|t| t.id == through)
    {
        return Err(Error::Refused {
            message: format!("--through {through}: {} has no such task", session.id()),
        });
    }
    let parent = parent_of(options.repo);
    let staging = tempfile::Builder::new()
        .prefix(".skillforge-replay-")
        .tempdir_in(&parent)
        .map_err(Error::io("cannot create a folder in", &parent))?;
    let replayed = fill(&session, staging.path(), options)?;
    if options.repo.exists() {
        fs::remove_dir(options.repo).map_err(Error::io("cannot replace", options.repo))?;
    }
    fs::rename(staging.keep(), options.repo)
        .map_err(Error::io("cannot move into", options.repo))?;
    Ok(Replayed {
        repo: options.repo.to_path_buf(),
        ..replayed
    })
}

fn fill(session: &Session, dir: &Path, options: &Options<'_>) -> Result<Replayed> {
    let blueprint = session.blueprint();
    let repo = history::init(dir)?;
    let mut state = steps::tree(&blueprint.template);
    let starter = session.compose(&state)?;
    let mut owned = owned_files(session, &state)?;
    for file in &starter {
        write(dir, file.path.as_str(), &file.contents, file.executable)?;
    }
    for (path, (bytes, executable)) in &owned {
        write(dir, path, bytes, *executable)?;
    }
    let subject = format!("starter: {} as template/ renders it", session.id());
    history::commit_all(&repo, &subject)?;
    let mut done = Vec::new();
    for task in &blueprint.manifest.tasks {
        let Some(step) = steps::step_of(blueprint, &task.id) else {
            return Ok(Replayed {
                repo: dir.into(),
                tasks: done,
                unsolved: Some(task.id.clone()),
            });
        };
        steps::apply(&mut state, session.id(), step)?;
        let next = owned_files(session, &state)?;
        sync(dir, &owned, &next)?;
        owned = next;
        history::commit_all(&repo, &format!("{}: {}", task.id, task.title))?;
        done.push(task.id.clone());
        if options.through == Some(task.id.as_str()) {
            break;
        }
    }
    Ok(Replayed {
        repo: dir.into(),
        tasks: done,
        unsolved: None,
    })
}

/// The files the blueprint itself renders from `state`, and beside each rendered template
/// its raw text (`cli.py.hbs` beside `cli.py`).
pub(super) fn owned_files(session: &Session, state: &Tree) -> Result<Rendered> {
    let mut out: Rendered = session
        .compose(state)?
        .into_iter()
        .filter(|f| f.part == session.id())
        .map(|f| (f.path.as_str().to_string(), (f.contents, f.executable)))
        .collect();
    for (rendered, raw) in session.rendered_paths(state)? {
        if raw.ends_with(".hbs") {
            let twin = format!("{rendered}{TWIN_SUFFIX}");
            out.insert(twin, (state[&raw].bytes.to_vec(), false));
        }
    }
    Ok(out)
}

/// Makes the work tree go from `before` to `after`.
fn sync(dir: &Path, before: &Rendered, after: &Rendered) -> Result<()> {
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        let full = dir.join(path);
        fs::remove_file(&full).map_err(Error::io("cannot remove", &full))?;
    }
    for (path, (bytes, executable)) in after {
        if before.get(path).map(|(b, _)| b) != Some(bytes) {
            write(dir, path, bytes, *executable)?;
        }
    }
    Ok(())
}

fn write(dir: &Path, rel: &str, bytes: &[u8], executable: bool) -> Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(Error::io("cannot create", parent))?;
    }
    fs::write(&path, bytes).map_err(Error::io("cannot write", &path))?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .map_err(Error::io("cannot make executable", &path))?;
    }
    Ok(())
}

fn refuse_non_empty(repo: &Path) -> Result<()> {
    let empty = match fs::read_dir(repo) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(_) => false,
    };
    if empty {
        return Ok(());
    }
    Err(Error::DestinationUnusable {
        path: repo.to_path_buf(),
        reason: "it exists and is not an empty folder; give a new folder".into(),
    })
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
