//! `skillforge lint PATH`: checks a blueprint for its author, says which format it is in,
//! and reports every problem, each with its file and, where it has one, its line: the checks
//! loading runs too (`blueprint::checks`: the manifest against the format, every file, the
//! steps), the skills against the catalog, junk and empty folders, every template and path
//! rendered with sample answers as starter and as solved, and every task's test entries
//! something `check` can map (see `blueprint::test_entries`).

use std::path::Path;

use crate::blueprint::test_entries::{self, StarterFile};
use crate::blueprint::{Blueprint, Kind, Library, Summary, checks, compat, steps};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::project::{self, Context};
use crate::render::Renderer;

pub fn run(path: &Path) -> Result<()> {
    let dirs = blueprint_dirs(path)?;
    let library = Library::embedded()?;
    let mut total = 0;
    for dir in &dirs {
        let (format, problems) = lint_one(dir, &library);
        if let Some(format) = format {
            println!("{}: {format}", dir.display());
        }
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

/// Which format the blueprint in `dir` is in (when its manifest reads), and every problem
/// of it as printable lines: the checks loading runs (`blueprint::checks`), then the
/// catalog, junk and empty folders, and rendering with sample answers.
fn lint_one(dir: &Path, library: &Library) -> (Option<String>, Vec<String>) {
    let findings = checks::folder(dir);
    let mut problems: Vec<String> = findings.errors.iter().map(ToString::to_string).collect();
    let Some(blueprint) = &findings.blueprint else {
        return (None, problems);
    };
    let text = &findings.text;
    let references = checks::references(&blueprint.manifest, &blueprint.origin, text, library);
    problems.extend(references.iter().map(ToString::to_string));
    problems.extend(findings.tidy.iter().map(ToString::to_string));
    problems.extend(render_problems(blueprint, text, library));
    (Some(checks::format_note(blueprint)), dedup(problems))
}

/// Renders the blueprint with sample answers (composed onto a base it applies to, when it is
/// an add-on), file by file, as starter and as solved, then checks the tasks' test entries
/// against the starter; `text` is the manifest's, for the lines.
fn render_problems(blueprint: &Blueprint, text: &str, library: &Library) -> Vec<String> {
    let own = Summary::of(&blueprint.manifest, &blueprint.origin);
    let base = match blueprint.manifest.kind {
        Kind::Base => Ok(Some(blueprint)),
        Kind::Addon => library
            .blueprints
            .iter()
            .find(|b| b.kind == Kind::Base && compat::applies_to(&own, b.id()))
            .map_or(Ok(None), |b| library.get(b.id())),
    };
    let base = match base {
        Ok(base) => base,
        Err(e) => return vec![e.to_string()],
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
    let mut plan = match Plan::sample(base, addons, "sample-project") {
        Ok(plan) => plan,
        Err(e) => return vec![format!("{}: {e}", blueprint.origin)],
    };
    let mut problems = Vec::new();
    for solved in [false, true] {
        plan.solved = solved;
        let context = Context::new(&plan, Plan::sample_day().year());
        let mut renderer = Renderer::new();
        let finished = steps::solved(blueprint).unwrap_or_default();
        let files = blueprint.template.iter().map(|f| ("template", f));
        for (tree, file) in files.chain(finished.values().map(|f| ("steps", f))) {
            if let Err(e) =
                project::render_file(blueprint.id(), tree, file, &context, &mut renderer)
            {
                problems.push(e.to_string());
            }
        }
        match project::compose(&plan, &library.catalog, Plan::sample_day()) {
            Ok(project) if !solved => {
                let portable = project::portable::problems(&plan, &project);
                problems.extend(portable.iter().map(ToString::to_string));
                problems.extend(test_problems(blueprint, text, &project));
            }
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
        .filter(|f| f.part == blueprint.id())
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
        let at = text.find(&format!("\"{harness}\"")).unwrap_or(0);
        out.push(format!(
            "{}:{}: harness {harness:?} is not in the starter",
            blueprint.origin,
            crate::blueprint::manifest::line_of(text, at)
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
