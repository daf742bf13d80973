//! The embedded library: every blueprint folder under `blueprints/`, compiled into the binary.
//!
//! Folders whose names start with `_` hold the engine's own assets (the project model's
//! templates and the licence texts) and are not blueprints.

use std::borrow::Cow;

use include_dir::{Dir, DirEntry, include_dir};

use super::{Blueprint, Catalog, Manifest, SourceFile, prebuilt};
use crate::error::{Error, Result};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/blueprints");

/// The engine's assets: `_project/` (README, TASKS, gitignore and pyproject templates) and
/// `_licenses/`.
pub static ENGINE_ASSETS: &Dir<'static> = &EMBEDDED;

/// The skill catalog and the blueprints that reference it.
#[derive(Debug, Clone)]
pub struct Library {
    pub catalog: Catalog,
    pub blueprints: Vec<Blueprint>,
}

impl Library {
    /// Loads and checks the blueprints compiled into this binary.
    pub fn embedded() -> Result<Library> {
        let catalog_file = EMBEDDED
            .get_file("skills.toml")
            .ok_or_else(|| Error::Blueprint {
                path: "skills.toml".into(),
                message: "the skill catalog is missing from this build".into(),
            })?;
        let text = utf8("skills.toml", catalog_file.contents())?;
        let catalog = Catalog::parse_or_take("skills.toml", text, prebuilt::read("skills.toml"))?;
        let mut blueprints = Vec::new();
        for dir in EMBEDDED.dirs() {
            let name = dir.path().to_string_lossy();
            if name.starts_with('_') {
                continue;
            }
            blueprints.push(load_embedded(dir)?);
        }
        blueprints.sort_by(|a, b| a.id().cmp(b.id()));
        let library = Library {
            catalog,
            blueprints,
        };
        library.check_skills()?;
        Ok(library)
    }

    /// Adds blueprints loaded from elsewhere; one with the id of an embedded blueprint
    /// replaces it (so authors can iterate on a copy). Everything is checked again.
    pub fn with(mut self, extra: Vec<Blueprint>) -> Result<Library> {
        for blueprint in extra {
            self.blueprints.retain(|b| b.id() != blueprint.id());
            self.blueprints.push(blueprint);
        }
        self.blueprints.sort_by(|a, b| a.id().cmp(b.id()));
        self.check_skills()?;
        Ok(self)
    }

    pub fn get(&self, id: &str) -> Option<&Blueprint> {
        self.blueprints.iter().find(|b| b.id() == id)
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
    /// id named by the composition rules must exist.
    fn check_skills(&self) -> Result<()> {
        for b in &self.blueprints {
            let m = &b.manifest;
            let rules = m.applies_to.iter().chain(&m.requires).chain(&m.conflicts);
            if let Some(id) = rules
                .filter(|id| *id != "*")
                .find(|id| self.get(id).is_none())
            {
                return Err(Error::Blueprint {
                    path: b.origin.clone(),
                    message: format!("names blueprint {id:?}, which does not exist"),
                });
            }
            let task_skills = b.manifest.tasks.iter().flat_map(|t| t.skills.iter());
            for skill in b.manifest.skills.iter().chain(task_skills) {
                if self.catalog.get(skill).is_none() {
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

fn collect(dir: &'static Dir<'static>, root: &std::path::Path, out: &mut Vec<SourceFile>) {
    for entry in dir.entries() {
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
