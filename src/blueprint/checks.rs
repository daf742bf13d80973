//! The rules a blueprint follows, as one set of checks that return every problem they find.
//!
//! Loading (`--from`, `blueprint::local`) and `lint` run the same functions: loading stops
//! at the first problem, `lint` prints them all. Each problem names its file, and its line
//! where it has one. Rendering with sample answers and the tasks' test entries are `lint`'s
//! alone, since loading renders the real project anyway.
//!
//! Two kinds of finding are *tidy-ups*, not errors: editor and OS junk (`is_junk`), which is
//! never copied into a project, and empty folders, which are kept with a `.gitkeep`
//! (`KEEP_FILE`). Loading goes on without them; `lint` asks the author to fix them.

use std::path::Path;

use super::{Blueprint, Library, Manifest, local, manifest, steps};
use crate::error::Error;

/// The file an empty template folder gets in the project (and should have in the
/// blueprint's repository), because git records files, never folders.
pub const KEEP_FILE: &str = ".gitkeep";

/// What the editor or OS junk `name` (one path component) is, or `None` when it is a real
/// file. Such files and folders are never copied into a project, counted as template or
/// step files, or embedded; `lint` names them.
pub fn is_junk(name: &str) -> Option<&'static str> {
    match name {
        ".DS_Store" => Some("macOS folder metadata"),
        "Thumbs.db" => Some("Windows thumbnail cache"),
        "__pycache__" => Some("Python bytecode cache"),
        _ if name.ends_with(".pyc") => Some("Python bytecode"),
        _ if name.ends_with(".swp") || name.ends_with(".swo") => Some("vim swap file"),
        _ if name.ends_with('~') => Some("editor backup"),
        _ if name.starts_with(".#") => Some("emacs lock file"),
        _ => None,
    }
}

/// Whether any component of the `/`-separated `rel` is junk.
pub fn has_junk(rel: &str) -> bool {
    rel.split('/').any(|c| is_junk(c).is_some())
}

/// Everything `lint` and loading find in the blueprint folder `dir`.
#[derive(Debug, Default)]
pub struct Findings {
    /// The blueprint, when its manifest could be read at all.
    pub blueprint: Option<Blueprint>,
    /// The manifest's text, for the lines of later checks.
    pub text: String,
    /// What makes the blueprint unusable: loading fails with the first.
    pub errors: Vec<Error>,
    /// Junk and empty folders: loading skips or keeps them, `lint` reports them.
    pub tidy: Vec<Error>,
}

/// Reads and checks the blueprint folder `dir`: the manifest against the format, every file
/// (symlinks, names, junk, empty folders), and the steps against the format version.
pub fn folder(dir: &Path) -> Findings {
    let (origin, text) = match local::read_manifest(dir) {
        Ok(read) => read,
        Err(e) => {
            return Findings {
                errors: vec![e],
                ..Findings::default()
            };
        }
    };
    let (manifest, mut errors) = self::manifest(&origin, &text);
    let Some(manifest) = manifest else {
        return Findings {
            text,
            errors,
            ..Findings::default()
        };
    };
    let (mut trees, file_errors) = local::read_files(dir);
    errors.extend(file_errors);
    let tidy = std::mem::take(&mut trees.tidy);
    let blueprint = local::assemble(dir, manifest, origin, trees);
    errors.extend(steps::problems(&blueprint));
    Findings {
        blueprint: Some(blueprint),
        text,
        errors,
        tidy,
    }
}

/// The manifest in `text` (read from `origin`), if it parses, and every rule of the format
/// it breaks (`Manifest::problems`), so the checks of its files can go on.
pub fn manifest(origin: &str, text: &str) -> (Option<Manifest>, Vec<Error>) {
    match toml::from_str::<Manifest>(text) {
        Ok(parsed) => {
            let problems = parsed.problems(origin, text);
            (Some(parsed), problems)
        }
        Err(e) => (None, vec![manifest::toml_error(origin, text, &e)]),
    }
}

/// Skills missing from `library`'s catalog and blueprints named by `applies-to`, `requires`
/// or `conflicts` that `library` does not have (the manifest's own id counts as known),
/// each with its line in the manifest `text`.
pub fn references(manifest: &Manifest, origin: &str, text: &str, library: &Library) -> Vec<Error> {
    let line = |needle: String| {
        text.find(&needle)
            .map_or(1, |at| manifest::line_of(text, at))
    };
    let mut out = Vec::new();
    let rules = manifest
        .applies_to
        .iter()
        .chain(&manifest.requires)
        .chain(&manifest.conflicts);
    for id in rules.filter(|id| *id != "*" && **id != manifest.id && library.get(id).is_none()) {
        out.push(Error::Manifest {
            path: origin.to_string(),
            line: line(format!("\"{id}\"")),
            message: format!("names blueprint {id:?}, which does not exist"),
        });
    }
    let task_skills = manifest.tasks.iter().flat_map(|t| &t.skills);
    for skill in manifest.skills.iter().chain(task_skills) {
        if library.catalog.get(skill).is_none() {
            out.push(Error::Manifest {
                path: origin.to_string(),
                line: line(format!("\"{skill}\"")),
                message: format!("skill {skill:?} is not in the catalog (blueprints/skills.toml)"),
            });
        }
    }
    out
}

/// Which format `blueprint` is in, for `lint`; for format v1, the way to v2.
pub fn format_note(blueprint: &Blueprint) -> String {
    if blueprint.manifest.schema >= 2 {
        return "format v2 (template plus steps)".into();
    }
    let fix = if blueprint.steps.is_empty() && !blueprint.solution.is_empty() {
        "record the steps with `skillforge author record` (docs/authoring.md), then delete \
         solution/"
    } else {
        "delete solution/: the steps rebuild it"
    };
    format!("format v1 (schema = 1, solution/); to move to format v2, {fix} and set schema = 2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_and_os_junk_is_recognised_by_name() {
        for junk in [
            ".DS_Store",
            "Thumbs.db",
            "__pycache__",
            "m.cpython-312.pyc",
            ".x.py.swp",
            ".x.py.swo",
            "x.py~",
            ".#x.py",
        ] {
            assert!(is_junk(junk).is_some(), "{junk}");
        }
        for real in [
            ".gitkeep",
            ".gitignore",
            "x.py",
            "swp.py",
            "notes~.md",
            "a#b",
        ] {
            assert!(is_junk(real).is_none(), "{real}");
        }
        assert!(has_junk("src/pkg/__pycache__/x.pyc"));
        assert!(!has_junk("src/pkg/x.py"));
    }
}
