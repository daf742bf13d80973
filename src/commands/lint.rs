//! `skillforge lint PATH`: checks a blueprint for its author and reports every problem, each
//! with its file and line: the manifest against the format, the skills against the catalog,
//! every file (symlinks, names), every template and path rendered with sample answers as
//! starter and as solved, and every task's test entries something `check` can map (see
//! `blueprint::test_entries`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::answers::{self, Mode};
use crate::blueprint::test_entries::{self, StarterFile};
use crate::blueprint::{Blueprint, Kind, Library, Manifest, compat, local, steps};
use crate::error::{Error, Result};
use crate::naming::ProjectNames;
use crate::plan::Plan;
use crate::project::{self, Context};
use crate::render::Renderer;

pub fn run(path: &Path) -> Result<()> {
    let dirs = blueprint_dirs(path)?;
    let library = Library::embedded()?;
    let mut total = 0;
    for dir in &dirs {
        let problems = lint_one(dir, &library);
        for p in &problems {
            println!("{p}");
        }
        if problems.is_empty() {
            println!("{}: ok", dir.display());
        }
        total += problems.len();
    }
    match total {
        0 => Ok(()),
        count => Err(Error::LintFailed {
            path: path.display().to_string(),
            count,
        }),
    }
}

fn blueprint_dirs(path: &Path) -> Result<Vec<std::path::PathBuf>> {
    if path.join("blueprint.toml").exists() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut dirs: Vec<_> = std::fs::read_dir(path)
        .map_err(Error::io("cannot read", path))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("blueprint.toml").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(Error::Source {
            source_name: path.display().to_string(),
            message: "no blueprint.toml in it or in its sub-folders".into(),
        });
    }
    Ok(dirs)
}

/// Every problem of the blueprint in `dir`, as printable lines.
fn lint_one(dir: &Path, library: &Library) -> Vec<String> {
    let (origin, text) = match local::read_manifest(dir) {
        Ok(m) => m,
        Err(e) => return vec![e.to_string()],
    };
    let manifest: Manifest = match toml::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            return vec![crate::blueprint::manifest::toml_error(&origin, &text, &e).to_string()];
        }
    };
    let mut problems: Vec<String> = manifest
        .problems(&origin, &text)
        .iter()
        .map(ToString::to_string)
        .collect();
    let line = |needle: &str| {
        text.find(needle)
            .map_or(1, |at| crate::blueprint::manifest::line_of(&text, at))
    };
    let task_skills = manifest.tasks.iter().flat_map(|t| &t.skills);
    for skill in manifest.skills.iter().chain(task_skills) {
        if library.catalog.get(skill).is_none() {
            problems.push(format!(
                "{origin}:{}: skill {skill:?} is not in the catalog",
                line(&format!("\"{skill}\""))
            ));
        }
    }
    let rules = manifest
        .applies_to
        .iter()
        .chain(&manifest.requires)
        .chain(&manifest.conflicts);
    for id in rules.filter(|id| *id != "*" && library.get(id).is_none() && **id != manifest.id) {
        problems.push(format!(
            "{origin}:{}: names blueprint {id:?}, which does not exist",
            line(&format!("\"{id}\""))
        ));
    }
    problems.extend(not_for_problems(&manifest, library, &origin, &text));
    let (trees, file_problems) = local::read_files(dir);
    problems.extend(file_problems.iter().map(ToString::to_string));
    let blueprint = Blueprint {
        manifest,
        origin,
        template: trees.template,
        solution: trees.solution,
        steps: trees.steps,
        source: Some(crate::blueprint::Source {
            location: dir.display().to_string(),
            rev: None,
        }),
    };
    problems.extend(steps::problems(&blueprint));
    problems.extend(render_problems(&blueprint, &text, library));
    dedup(problems)
}

/// Every key of an add-on's `[not-for]` must be an existing base; `text` is the manifest's,
/// for the lines.
fn not_for_problems(
    manifest: &Manifest,
    library: &Library,
    origin: &str,
    text: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for id in manifest.not_for.keys() {
        let at = text
            .find(&format!("\n{id} ="))
            .map_or(1, |at| crate::blueprint::manifest::line_of(text, at + 1));
        match library.get(id) {
            None => problems.push(format!(
                "{origin}:{at}: [not-for] names blueprint {id:?}, which does not exist"
            )),
            Some(b) if b.manifest.kind != Kind::Base => problems.push(format!(
                "{origin}:{at}: [not-for] names {id:?}, an add-on; it lists bases \
                 (use conflicts for add-ons)"
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Renders the blueprint with sample answers (composed onto a base it applies to, when it is
/// an add-on), file by file, as starter and as solved, then checks the tasks' test entries
/// against the starter; `text` is the manifest's, for the lines.
fn render_problems(blueprint: &Blueprint, text: &str, library: &Library) -> Vec<String> {
    let base = match blueprint.manifest.kind {
        Kind::Base => Some(blueprint),
        Kind::Addon => library
            .blueprints
            .iter()
            .find(|b| b.manifest.kind == Kind::Base && compat::applies_to(blueprint, b)),
    };
    let Some(base) = base else {
        return vec![format!(
            "{}: no embedded base to render this add-on onto",
            blueprint.origin
        )];
    };
    let addons: Vec<&Blueprint> = if blueprint.manifest.kind == Kind::Addon {
        vec![blueprint]
    } else {
        vec![]
    };
    let questions =
        answers::questions_for(None, std::iter::once(base).chain(addons.iter().copied()));
    let answers = match answers::resolve(
        &questions,
        &BTreeMap::new(),
        &mut Mode::Defaults,
        blueprint.id(),
    ) {
        Ok(a) => a,
        Err(e) => return vec![format!("{}: {e}", blueprint.origin)],
    };
    let names = ProjectNames::parse("sample-project").expect("a valid sample name");
    let mut problems = Vec::new();
    for solved in [false, true] {
        let plan = Plan {
            base,
            addons: addons.clone(),
            names: names.clone(),
            answers: answers.clone(),
            solved,
            focus: vec![],
        };
        let context = Context::new(&plan);
        let mut renderer = Renderer::new();
        for (tree, files) in [
            ("template", &blueprint.template),
            ("solution", &blueprint.solution),
        ] {
            for file in files.iter() {
                if let Err(e) =
                    project::render_file(blueprint.id(), tree, file, &context, &mut renderer)
                {
                    problems.push(e.to_string());
                }
            }
        }
        match project::compose(&plan, &library.catalog) {
            Ok(project) if !solved => problems.extend(test_problems(blueprint, text, &project)),
            Ok(_) => {}
            Err(e) => problems.push(e.to_string()),
        }
    }
    problems
}

/// Task test entries `check` could not map in the starter this blueprint's template ships,
/// and harness paths the generated starter does not contain.
fn test_problems(blueprint: &Blueprint, text: &str, project: &project::Project) -> Vec<String> {
    let own: Vec<StarterFile<'_>> = project
        .files
        .iter()
        .filter(|f| f.origin == blueprint.id())
        .map(|f| StarterFile {
            path: f.path.as_str(),
            contents: &f.contents,
        })
        .collect();
    let exists = |path: &str| {
        let file = path
            .split("::")
            .next()
            .unwrap_or(path)
            .trim_end_matches('/');
        project
            .files
            .iter()
            .any(|f| f.path.as_str() == file || f.path.as_str().starts_with(&format!("{file}/")))
    };
    let mut out = Vec::new();
    for (index, task) in blueprint.manifest.tasks.iter().enumerate() {
        let Some(planned) = project.tasks.iter().find(|t| t.id == task.id) else {
            continue;
        };
        // Rendered entries come in the manifest's order; the raw one is what the author wrote.
        for (raw, entry) in task.tests.iter().zip(&planned.tests) {
            if let Some(why) = test_entries::problem(entry, &own) {
                out.push(format!(
                    "{}:{}: task {:?} names test {entry:?}, which {why}",
                    blueprint.origin,
                    task_line(text, index, raw),
                    task.id
                ));
            }
        }
    }
    for harness in blueprint.manifest.harness.iter().filter(|h| !exists(h)) {
        out.push(format!(
            "{}: harness {harness:?} is not in the starter",
            blueprint.origin
        ));
    }
    out
}

/// The line of the string `needle` in the `index`-th `[[tasks]]` table of the manifest
/// `text`: its header's line when the needle is written another way (escapes, literal
/// strings), 1 when the tables are not written as `[[tasks]]`.
fn task_line(text: &str, index: usize, needle: &str) -> usize {
    // Headers start a line; the same text inside a description does not count.
    let headers: Vec<usize> = text
        .match_indices("[[tasks]]")
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || text[..at].ends_with('\n'))
        .collect();
    let Some(&start) = headers.get(index) else {
        return 1;
    };
    let end = headers.get(index + 1).copied().unwrap_or(text.len());
    let at = [format!("\"{needle}\""), format!("'{needle}'")]
        .iter()
        .filter_map(|quoted| text[start..end].find(quoted.as_str()))
        .min()
        .map_or(start, |at| start + at);
    crate::blueprint::manifest::line_of(text, at)
}

fn dedup(mut problems: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}
