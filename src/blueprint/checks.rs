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
    errors.extend(portable_paths(&blueprint));
    errors.extend(steps::problems(&blueprint));
    Findings {
        blueprint: Some(blueprint),
        text,
        errors,
        tidy,
    }
}

/// The blueprint's own files whose paths a clone of its repository on Windows or macOS
/// could not hold: a component Windows refuses (`render::unportable`: reserved device
/// names, trailing dots and spaces, `<>:"|?*`, control characters; a handlebars expression
/// with a quoted string is one), or two paths equal but for case. What they render to is
/// checked when they are rendered.
pub fn portable_paths(blueprint: &Blueprint) -> Vec<Error> {
    let trees = [
        ("template", &blueprint.template),
        ("solution", &blueprint.solution),
        ("steps", &blueprint.steps),
    ];
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (tree, files) in trees {
        for file in files {
            let path = format!("{tree}/{}", file.rel);
            let problem = file.rel.split('/').find_map(crate::render::unportable);
            let problem = problem.or_else(|| {
                seen.insert(path.to_lowercase(), path.clone())
                    .filter(|other| *other != path)
                    .map(|other| {
                        format!(
                            "it differs from {other} only in case, and macOS and Windows fold \
                             case, so one would overwrite the other; rename one"
                        )
                    })
            });
            if let Some(message) = problem {
                out.push(Error::Blueprint {
                    path: format!("{}/{path}", steps::folder(blueprint)),
                    message,
                });
            }
        }
    }
    out
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

/// Skills missing from `library`'s catalog, blueprints named by `applies-to`, `requires`
/// or `conflicts` that `library` does not have (the manifest's own id counts as known), and
/// `[not-for]` keys that are not bases of `library`, each with its line in the manifest
/// `text`.
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
    for id in rules.filter(|id| *id != "*" && **id != manifest.id && library.summary(id).is_none())
    {
        out.push(Error::Manifest {
            path: origin.to_string(),
            line: line(format!("\"{id}\"")),
            message: format!("names blueprint {id:?}, which does not exist"),
        });
    }
    for id in manifest.not_for.keys() {
        let line = text
            .find(&format!("\n{id} ="))
            .map_or(1, |at| manifest::line_of(text, at + 1));
        let message = match library.summary(id) {
            None => format!("[not-for] names blueprint {id:?}, which does not exist"),
            Some(b) if b.kind != super::Kind::Base => format!(
                "[not-for] names {id:?}, an add-on; it lists bases (use conflicts for add-ons)"
            ),
            Some(_) => continue,
        };
        out.push(Error::Manifest {
            path: origin.to_string(),
            line,
            message,
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

    const MANIFEST: &str = "schema = SCHEMA\nid = \"mini\"\nkind = \"base\"\nversion = \"1\"\n\
        title = \"T\"\nsummary = \"S\"\ndifficulty = \"beginner\"\nhours = 1\nskills = []\n\
        [[tasks]]\nid = \"add\"\ntitle = \"Add\"\nsummary = \"s\"\nskills = []\n\
        hints = [\"h\"]\ntests = [\"tests/test_add.py\"]\n";
    const STEP: &str = "--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-x = 0\n+x = 1\n";

    /// A one-task blueprint folder in format `schema` with `files` (path, text) besides its
    /// manifest and `template/calc.py`.
    fn folder_with(schema: u32, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let manifest = MANIFEST.replace("SCHEMA", &schema.to_string());
        let all = [
            ("blueprint.toml", manifest.as_str()),
            ("template/calc.py", "x = 0\n"),
        ];
        for (rel, text) in all.iter().chain(files) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn messages(errors: &[Error]) -> String {
        errors.iter().map(|e| format!("{e}\n")).collect()
    }

    #[test]
    fn format_v2_is_template_plus_steps() {
        let dir = folder_with(2, &[("steps/add.patch", STEP)]);
        let found = folder(dir.path());
        assert_eq!(messages(&found.errors), "");
        let blueprint = found.blueprint.unwrap();
        assert_eq!(format_note(&blueprint), "format v2 (template plus steps)");
        let solved = steps::solved(&blueprint).unwrap();
        assert_eq!(&*solved["calc.py"].bytes, b"x = 1\n");
    }

    #[test]
    fn format_v2_refuses_a_solution_folder_and_a_task_without_a_step() {
        let dir = folder_with(2, &[("solution/calc.py", "x = 1\n")]);
        let found = messages(&folder(dir.path()).errors);
        assert!(
            found.contains("/solution: format v2 (schema = 2) has no solution/"),
            "{found}"
        );
        assert!(found.contains("delete the folder"), "{found}");
        assert!(found.contains("/steps/add.patch: missing"), "{found}");
        assert!(found.contains("skillforge author record"), "{found}");
        let loaded = local::load_one(dir.path()).unwrap_err().to_string();
        assert!(loaded.contains("/solution: format v2"), "{loaded}");
    }

    #[test]
    fn format_v1_without_steps_overlays_its_solution() {
        let dir = folder_with(1, &[("solution/calc.py", "x = 1\n")]);
        let blueprint = local::load_one(dir.path()).unwrap();
        let solved = steps::solved(&blueprint).unwrap();
        assert_eq!(&*solved["calc.py"].bytes, b"x = 1\n");
        let note = format_note(&blueprint);
        assert!(
            note.starts_with("format v1") && note.contains("skillforge author record"),
            "{note}"
        );
    }

    #[test]
    fn format_v1_with_steps_must_rebuild_its_solution() {
        let dir = folder_with(
            1,
            &[("solution/calc.py", "x = 1\n"), ("steps/add.patch", STEP)],
        );
        let blueprint = local::load_one(dir.path()).unwrap();
        assert!(format_note(&blueprint).contains("delete solution/: the steps rebuild it"));
        let dir = folder_with(
            1,
            &[("solution/calc.py", "x = 2\n"), ("steps/add.patch", STEP)],
        );
        let refused = local::load_one(dir.path()).unwrap_err().to_string();
        assert!(
            refused.contains("differ from template/ + solution/: calc.py"),
            "{refused}"
        );
    }

    #[test]
    fn junk_is_left_out_and_named() {
        let junk = [
            ("template/.DS_Store", "x"),
            ("template/__pycache__/calc.cpython-312.pyc", "x"),
            ("template/.calc.py.swp", "x"),
            ("template/calc.py~", "x"),
            ("steps/.#add.patch", "x"),
        ];
        let mut files = vec![("steps/add.patch", STEP)];
        files.extend(junk);
        let dir = folder_with(2, &files);
        let found = folder(dir.path());
        assert_eq!(messages(&found.errors), "");
        let blueprint = found.blueprint.unwrap();
        let template: Vec<&str> = blueprint.template.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(template, ["calc.py"]);
        assert_eq!(blueprint.steps.len(), 1);
        let tidy = messages(&found.tidy);
        assert_eq!(found.tidy.len(), junk.len(), "{tidy}");
        assert!(
            tidy.contains("template/__pycache__: Python bytecode cache"),
            "{tidy}"
        );
        assert!(
            tidy.contains("delete it, and add its name to the .gitignore"),
            "{tidy}"
        );
    }

    #[test]
    fn an_empty_template_folder_is_kept_with_a_gitkeep() {
        let dir = folder_with(2, &[("steps/add.patch", STEP)]);
        std::fs::create_dir_all(dir.path().join("template/data/raw")).unwrap();
        let found = folder(dir.path());
        let blueprint = found.blueprint.unwrap();
        let keep = blueprint
            .template
            .iter()
            .find(|f| f.rel == "data/raw/.gitkeep");
        assert!(keep.is_some_and(|f| f.bytes.is_empty()));
        let tidy = messages(&found.tidy);
        assert!(
            tidy.contains("template/data/raw: an empty folder"),
            "{tidy}"
        );
        assert!(
            tidy.contains("template/data/raw/.gitkeep to keep it"),
            "{tidy}"
        );
    }

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
