//! The learner's loop inside a generated project: run the tests and map them to tasks
//! (`check`), reveal hints, show reference solutions, report progress.
//!
//! Everything starts from a `Workspace`: the project root and its origin file. What the
//! learner did (hints revealed, tasks given up) is kept in `.skillforge/progress.toml`, the
//! last results in `.skillforge/results.json`.

pub mod collector;
pub mod grading;
pub mod reference;
pub mod reset;
pub mod results;
pub mod runner;
pub mod sandbox;
pub mod tasks_md;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::blueprint::{Library, local};
use crate::error::{Error, Result};
use crate::record::origin::{self, Origin, OriginTask};

/// A generated project, found from a folder inside it.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub origin: Origin,
}

impl Workspace {
    /// The project containing `start` (the current folder when `None`).
    pub fn locate(start: Option<&Path>) -> Result<Workspace> {
        let root = Workspace::root_of(start)?;
        let origin = Origin::read(&root)?;
        Ok(Workspace { root, origin })
    }

    /// The folder of the project containing `start` (the current folder when `None`): the
    /// nearest one with an origin file, readable or not.
    pub fn root_of(start: Option<&Path>) -> Result<PathBuf> {
        let start = match start {
            Some(p) => p.to_path_buf(),
            None => std::env::current_dir().map_err(Error::io("cannot read", "."))?,
        };
        // A wrong --path is said as it is, not as a search that found no project.
        match std::fs::metadata(&start) {
            Err(_) => {
                return Err(Error::NoSuchFolder {
                    what: "no such folder",
                    path: start,
                });
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(Error::NoSuchFolder {
                    what: "not a folder",
                    path: start,
                });
            }
            Ok(_) => {}
        }
        let absolute = start.canonicalize().unwrap_or(start.clone());
        absolute
            .ancestors()
            .find(|dir| dir.join(origin::PATH).is_file())
            .map(Path::to_path_buf)
            .ok_or(Error::NotAProject { path: start })
    }

    /// The task named `key`: its id, or its number in TASKS.md.
    pub fn task(&self, key: &str) -> Result<&OriginTask> {
        let tasks = &self.origin.tasks;
        if let Some(task) = tasks.iter().find(|t| t.id == key) {
            return Ok(task);
        }
        if let Some(task) = key
            .parse::<usize>()
            .ok()
            .and_then(|n| tasks.iter().find(|t| t.number == n))
        {
            return Ok(task);
        }
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        let suggestion = crate::blueprint::matching::closest(key, &ids)
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        Err(Error::UnknownTask {
            id: key.to_string(),
            suggestion,
            known: ids.join(", "),
        })
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The embedded blueprints, with the project's own `--from` sources (or `from`, where
    /// they are now) laid over them; the checkouts of git sources live as long as the
    /// returned folders.
    pub fn library(&self, from: Option<&str>) -> Result<(Library, Vec<tempfile::TempDir>)> {
        let mut library = Library::embedded()?;
        let mut checkouts = Vec::new();
        let mut sources: Vec<(String, Option<String>)> = match from {
            Some(from) => vec![(from.to_string(), None)],
            None => self
                .origin
                .blueprints
                .iter()
                .filter_map(|b| b.source.clone())
                .map(|s| (s.location, s.rev))
                .collect(),
        };
        sources.dedup();
        for (location, rev) in sources {
            if !local::is_git_url(&location) && !Path::new(&location).exists() {
                return Err(Error::Source {
                    source_name: location,
                    message: "the blueprint this project was made from is no longer there; \
                              pass --from with where it is now"
                        .into(),
                });
            }
            let (root, checkout) = local::fetch(&location, rev.as_deref())?;
            checkouts.extend(checkout);
            // Only a blueprint the project was made from elsewhere is taken from there: one
            // built into skillforge is always graded and solved as built in.
            let made_elsewhere = |id: &str| {
                self.origin
                    .blueprints
                    .iter()
                    .any(|b| b.id == id && b.source.is_some())
            };
            let loaded: Vec<_> = local::load(&root)?
                .into_iter()
                .filter(|b| made_elsewhere(b.id()))
                .collect();
            if loaded.is_empty() {
                return Err(Error::Source {
                    source_name: location,
                    message: "it holds no blueprint this project was made from with --from; \
                              the project's built-in blueprints are always read from skillforge \
                              itself"
                        .into(),
                });
            }
            library = library.with(loaded)?;
        }
        Ok((library, checkouts))
    }
}
