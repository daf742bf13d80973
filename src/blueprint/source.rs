//! The embedded library: every blueprint folder under `blueprints/`, compiled into the binary.
//!
//! Folders whose names start with `_` hold the engine's own assets (the project model's
//! templates and the licence texts) and are not blueprints.

use std::borrow::Cow;

use include_dir::{Dir, DirEntry, include_dir};

use super::{Blueprint, Catalog, Manifest, SourceFile, checks, prebuilt};
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
    /// id named by the composition rules must exist (`checks::references`).
    fn check_skills(&self) -> Result<()> {
        for b in &self.blueprints {
            // The text only serves the lines, so it is read only when there is a problem.
            if checks::references(&b.manifest, &b.origin, "", self).is_empty() {
                continue;
            }
            let text = manifest_text(b);
            let problems = checks::references(&b.manifest, &b.origin, &text, self);
            if let Some(first) = problems.into_iter().next() {
                return Err(first);
            }
        }
        Ok(())
    }
}

/// The manifest text of `blueprint`, for the lines of errors: embedded, or read again from
/// its folder; empty when it cannot be read (every line is then 1).
fn manifest_text(blueprint: &Blueprint) -> Cow<'static, str> {
    let bytes = match &blueprint.source {
        None => EMBEDDED
            .get_file(&blueprint.origin)
            .map(|f| Cow::Borrowed(f.contents())),
        Some(source) => {
            std::fs::read(std::path::Path::new(&source.location).join("blueprint.toml"))
                .ok()
                .map(Cow::Owned)
        }
    };
    match bytes {
        Some(Cow::Borrowed(b)) => String::from_utf8_lossy(b),
        Some(Cow::Owned(b)) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
        None => Cow::Borrowed(""),
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
