//! The embedded library: every blueprint folder under `blueprints/`, compiled into the binary,
//! read as summaries at start-up and loaded blueprint by blueprint when a command needs one.
//!
//! Folders whose names start with `_` hold the engine's own assets (the project model's
//! templates and the licence texts) and are not blueprints.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use include_dir::{Dir, DirEntry, include_dir};

use super::{Blueprint, Catalog, Manifest, SourceFile, Summary, checks, prebuilt};
use crate::error::{Error, Result};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/blueprints");

/// The engine's assets: `_project/` (README, TASKS, gitignore and pyproject templates) and
/// `_licenses/`.
pub static ENGINE_ASSETS: &Dir<'static> = &EMBEDDED;

/// The skill catalog, every blueprint's summary, and the full blueprints as they are asked
/// for.
///
/// Start-up reads the summaries only (for the embedded blueprints, the build's JSON index),
/// so it costs the same with seven blueprints or fifty; `get` parses a blueprint's manifest
/// and gathers its files the first time a command needs them.
#[derive(Debug, Clone)]
pub struct Library {
    pub catalog: Catalog,
    /// Every blueprint's summary, sorted by id.
    pub blueprints: Vec<Summary>,
    /// The full blueprints by id: embedded ones are loaded on first use, others when added.
    full: BTreeMap<String, Slot>,
}

#[derive(Debug, Clone)]
struct Slot {
    /// The embedded folder to load from; `None` for a blueprint added already loaded.
    dir: Option<&'static Dir<'static>>,
    loaded: OnceLock<Blueprint>,
}

impl Library {
    /// Reads the catalog and the summaries of the blueprints compiled into this binary, and
    /// checks that every skill and blueprint they name exists. A folder the build could not
    /// summarise is loaded in full here, so its error is reported as the manifest's.
    pub fn embedded() -> Result<Library> {
        let catalog_file = EMBEDDED
            .get_file("skills.toml")
            .ok_or_else(|| Error::Blueprint {
                path: "skills.toml".into(),
                message: "the skill catalog is missing from this build".into(),
            })?;
        let text = utf8("skills.toml", catalog_file.contents())?;
        let catalog = Catalog::parse_or_take("skills.toml", text, prebuilt::read("skills.toml"))?;
        let mut library = Library {
            catalog,
            blueprints: Vec::new(),
            full: BTreeMap::new(),
        };
        for dir in EMBEDDED.dirs() {
            let folder = dir.path().to_string_lossy();
            if folder.starts_with('_') {
                continue;
            }
            let origin = format!("{folder}/blueprint.toml");
            let (summary, loaded) = match prebuilt::summary(&origin) {
                Some(summary) => (summary, OnceLock::new()),
                None => {
                    let blueprint = load_embedded(dir)?;
                    (Summary::of(&blueprint.manifest, &origin), blueprint.into())
                }
            };
            if summary.id != folder {
                return Err(Error::Blueprint {
                    path: origin,
                    message: format!("id {:?} must match the folder name {folder:?}", summary.id),
                });
            }
            let slot = Slot {
                dir: Some(dir),
                loaded,
            };
            library.full.insert(summary.id.clone(), slot);
            library.blueprints.push(summary);
        }
        library.blueprints.sort_by(|a, b| a.id.cmp(&b.id));
        library.check_skills()?;
        Ok(library)
    }

    /// A library of `blueprints`, already loaded, in the order given and unchecked: for unit
    /// tests of the stages that read manifests.
    #[cfg(test)]
    pub(crate) fn of(catalog: Catalog, blueprints: Vec<Blueprint>) -> Library {
        let mut library = Library {
            catalog,
            blueprints: Vec::new(),
            full: BTreeMap::new(),
        };
        for blueprint in blueprints {
            library
                .blueprints
                .push(Summary::of(&blueprint.manifest, &blueprint.origin));
            let slot = Slot {
                dir: None,
                loaded: blueprint.into(),
            };
            library
                .full
                .insert(library.blueprints.last().unwrap().id.clone(), slot);
        }
        library
    }

    /// Adds blueprints loaded from elsewhere; one with the id of an embedded blueprint
    /// replaces it (so authors can iterate on a copy). Everything is checked again.
    pub fn with(mut self, extra: Vec<Blueprint>) -> Result<Library> {
        for blueprint in extra {
            self.blueprints.retain(|b| b.id() != blueprint.id());
            self.blueprints
                .push(Summary::of(&blueprint.manifest, &blueprint.origin));
            let id = blueprint.id().to_string();
            let slot = Slot {
                dir: None,
                loaded: blueprint.into(),
            };
            self.full.insert(id, slot);
        }
        self.blueprints.sort_by(|a, b| a.id.cmp(&b.id));
        self.check_skills()?;
        Ok(self)
    }

    /// The blueprint `id`, its manifest parsed and checked and its files gathered on first
    /// use; `None` when the library has no such blueprint. Fails when an embedded manifest
    /// does not parse or breaks a rule of the format.
    pub fn get(&self, id: &str) -> Result<Option<&Blueprint>> {
        let Some(slot) = self.full.get(id) else {
            return Ok(None);
        };
        if let Some(loaded) = slot.loaded.get() {
            return Ok(Some(loaded));
        }
        let Some(dir) = slot.dir else {
            return Ok(None);
        };
        let blueprint = load_embedded(dir)?;
        Ok(Some(slot.loaded.get_or_init(|| blueprint)))
    }

    /// The summary of blueprint `id`, without loading it.
    pub fn summary(&self, id: &str) -> Option<&Summary> {
        self.blueprints.iter().find(|b| b.id == id)
    }

    /// The ids of every blueprint, comma-separated, for error messages.
    pub fn ids(&self) -> String {
        self.blueprints
            .iter()
            .map(|b| b.id())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every skill a blueprint or task names must exist in the catalog, and every blueprint
    /// id named by the composition rules must exist (`checks::references`).
    fn check_skills(&self) -> Result<()> {
        // A set, not `Catalog::get`: fifty blueprints name a thousand skills among hundreds.
        let known: HashSet<&str> = self.catalog.skills.iter().map(|s| s.id.as_str()).collect();
        let ids: HashSet<&str> = self.blueprints.iter().map(|b| b.id()).collect();
        for b in &self.blueprints {
            let rules = b.applies_to.iter().chain(&b.requires).chain(&b.conflicts);
            if let Some(id) = rules
                .filter(|id| *id != "*")
                .find(|id| !ids.contains(id.as_str()))
            {
                return Err(Error::Blueprint {
                    path: b.origin.clone(),
                    message: format!("names blueprint {id:?}, which does not exist"),
                });
            }
            let task_skills = b.tasks.iter().flat_map(|t| t.skills.iter());
            for skill in b.skills.iter().chain(task_skills) {
                if !known.contains(skill.as_str()) {
                    return Err(Error::Blueprint {
                        path: b.origin.clone(),
                        message: format!(
                            "skill {skill:?} is not in the catalog (blueprints/skills.toml)"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

fn load_embedded(dir: &'static Dir<'static>) -> Result<Blueprint> {
    let folder = dir.path().to_string_lossy().into_owned();
    let origin = format!("{folder}/blueprint.toml");
    let file = dir
        .get_file(dir.path().join("blueprint.toml"))
        .ok_or_else(|| Error::Blueprint {
            path: folder.clone(),
            message: "the folder has no blueprint.toml".into(),
        })?;
    let text = utf8(&origin, file.contents())?;
    let manifest = Manifest::parse_or_take(&origin, text, prebuilt::read(&origin))?;
    if manifest.id != folder {
        return Err(Error::Blueprint {
            path: origin,
            message: format!("id {:?} must match the folder name {folder:?}", manifest.id),
        });
    }
    Ok(Blueprint {
        manifest,
        origin,
        template: files_under(dir, "template"),
        solution: files_under(dir, "solution"),
        steps: files_under(dir, "steps"),
        source: None,
    })
}

/// Every file below `dir/<sub>`, with paths relative to it, in a stable order.
fn files_under(dir: &'static Dir<'static>, sub: &str) -> Vec<SourceFile> {
    let root = dir.path().join(sub);
    let mut out = Vec::new();
    if let Some(tree) = dir.get_dir(&root) {
        collect(tree, &root, &mut out);
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Junk is left out and an empty folder gets an empty `.gitkeep`, as from a folder on disk
/// (`blueprint::checks`); `lint blueprints` names both.
fn collect(dir: &'static Dir<'static>, root: &std::path::Path, out: &mut Vec<SourceFile>) {
    let entries: Vec<&DirEntry> = dir
        .entries()
        .iter()
        .filter(|e| {
            let name = e.path().file_name().unwrap_or_default().to_string_lossy();
            checks::is_junk(&name).is_none()
        })
        .collect();
    if entries.is_empty() && dir.path() != root {
        let keep = dir.path().join(checks::KEEP_FILE);
        let rel = keep.strip_prefix(root).unwrap_or(&keep);
        out.push(SourceFile {
            rel: rel.to_string_lossy().replace('\\', "/"),
            bytes: Cow::Borrowed(b""),
            executable: false,
        });
    }
    for entry in entries {
        match entry {
            DirEntry::Dir(d) => collect(d, root, out),
            DirEntry::File(f) => {
                let rel = f.path().strip_prefix(root).unwrap_or(f.path());
                out.push(SourceFile {
                    rel: rel.to_string_lossy().replace('\\', "/"),
                    bytes: Cow::Borrowed(f.contents()),
                    // include_dir keeps no permissions; blueprints mark scripts by location.
                    executable: rel.starts_with("bin") || rel.starts_with("scripts"),
                });
            }
        }
    }
}

fn utf8<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| Error::Blueprint {
        path: path.to_string(),
        message: format!("not valid UTF-8 ({e})"),
    })
}
