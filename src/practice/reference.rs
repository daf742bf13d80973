//! A task's reference solution, as it applies to the learner's files.
//!
//! The blueprint's step for the task says how the files change, from the state the earlier
//! tasks left to the state after it. Both states are rendered exactly as the project was
//! (same names, answers and year), then the change is merged into the learner's files
//! (a three-way merge with the earlier state as the common ancestor), so the diff shown is
//! what the learner would change, on top of their own code.

use crate::blueprint::{Blueprint, Library, steps};
use crate::error::{Error, Result};
use crate::naming::ProjectNames;
use crate::plan::Plan;
use crate::project::{Context, render_file};
use crate::render::Renderer;

use super::Workspace;
use crate::origin::OriginTask;

/// One file the reference solution of a task touches.
#[derive(Debug, Clone)]
pub struct FileSolution {
    pub path: String,
    /// The file as the learner has it (`None`: it does not exist).
    pub learner: Option<String>,
    /// The learner's file with the task's change merged in (`None`: the change deletes it).
    pub merged: Option<String>,
    /// The change touches lines the learner also changed: `merged` is the reference's own
    /// version of the file, not a merge.
    pub conflict: bool,
}

#[derive(Debug, Clone)]
pub struct Solution {
    pub files: Vec<FileSolution>,
    /// The blueprint has no per-task steps: the files are the finished solution's.
    pub whole_files: bool,
    /// A different version of the blueprint than the project was made from.
    pub version_note: Option<String>,
}

/// The blueprints of the workspace's project, from `library`.
fn parts<'a>(ws: &Workspace, library: &'a Library) -> Result<Vec<&'a Blueprint>> {
    ws.origin
        .blueprints
        .iter()
        .map(|b| {
            library.get(&b.id).ok_or_else(|| Error::Project {
                path: crate::origin::PATH.into(),
                message: format!(
                    "the project was made from blueprint {:?}, which this skillforge does not \
                     have{}",
                    b.id,
                    b.source.as_ref().map_or(String::new(), |s| format!(
                        "; it came from {}: pass --from with that folder",
                        s.location
                    ))
                ),
            })
        })
        .collect()
}

/// The reference solution of `task` against the learner's files.
pub fn solve(ws: &Workspace, library: &Library, task: &OriginTask) -> Result<Solution> {
    let parts = parts(ws, library)?;
    let names = ProjectNames::parse(&ws.origin.name)?;
    let plan = Plan {
        base: parts[0],
        addons: parts[1..].to_vec(),
        names,
        answers: ws
            .origin
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        solved: false,
        focus: ws.origin.focus.clone(),
    };
    let mut context = Context::new(&plan);
    context.year = ws.origin.year;
    let blueprint = parts
        .iter()
        .find(|b| b.id() == task.blueprint)
        .expect("every task comes from a part");
    let recorded = ws.origin.blueprints.iter().find(|b| b.id == task.blueprint);
    let version_note = recorded
        .filter(|r| r.version != blueprint.manifest.version)
        .map(|r| {
            format!(
                "the project was made from {} {}; this reference comes from version {}",
                r.id, r.version, blueprint.manifest.version
            )
        });
    let mut renderer = Renderer::new();
    let render = |tree: &steps::Tree, renderer: &mut Renderer| -> Result<Vec<(String, String)>> {
        tree.values()
            .map(|file| {
                let out = render_file(blueprint.id(), "steps", file, &context, renderer)?;
                Ok((
                    out.path.as_str().to_string(),
                    String::from_utf8_lossy(&out.contents).into_owned(),
                ))
            })
            .collect()
    };
    let (before, after, whole_files) = match steps::around(blueprint, &task.id)? {
        Some((before, after)) => (
            render(&before, &mut renderer)?,
            render(&after, &mut renderer)?,
            false,
        ),
        None => {
            let template = steps::tree(&blueprint.template);
            let mut finished = template.clone();
            steps::overlay(&mut finished, &blueprint.solution);
            let keep = |files: Vec<(String, String)>| -> Vec<(String, String)> {
                files
                    .into_iter()
                    .filter(|(path, _)| task.files.contains(path))
                    .collect()
            };
            (
                keep(render(&template, &mut renderer)?),
                keep(render(&finished, &mut renderer)?),
                true,
            )
        }
    };
    let lookup = |files: &[(String, String)], path: &str| {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.clone())
    };
    let mut paths: Vec<&str> = before
        .iter()
        .chain(&after)
        .map(|(p, _)| p.as_str())
        .filter(|p| lookup(&before, p) != lookup(&after, p))
        .collect();
    paths.sort();
    paths.dedup();
    let mut files = Vec::new();
    for path in paths {
        let old = lookup(&before, path);
        let new = lookup(&after, path);
        let learner = std::fs::read_to_string(ws.path(path)).ok();
        let (merged, conflict) = merge(
            old.as_deref(),
            learner.as_deref(),
            new.as_deref(),
            whole_files,
        );
        files.push(FileSolution {
            path: path.to_string(),
            learner,
            merged,
            conflict,
        });
    }
    Ok(Solution {
        files,
        whole_files,
        version_note,
    })
}

/// The learner's file with the change from `old` to `new` merged in, and whether it
/// conflicted (then the result is `new` itself).
fn merge(
    old: Option<&str>,
    learner: Option<&str>,
    new: Option<&str>,
    whole_files: bool,
) -> (Option<String>, bool) {
    match (old, learner, new) {
        (_, _, None) => (None, false),
        (_, None, Some(new)) => (Some(new.to_string()), false),
        (Some(old), Some(learner), Some(new)) if !whole_files => {
            match diffy::merge(old, learner, new) {
                Ok(merged) => (Some(merged), false),
                Err(_) => (Some(new.to_string()), true),
            }
        }
        // Whole files cannot be merged meaningfully: the reference file is shown as it is.
        (_, Some(_), Some(new)) => (Some(new.to_string()), false),
    }
}

impl FileSolution {
    /// The change as a unified diff from the learner's file, labelled `a/` and `b/` so that
    /// `git apply` takes it.
    pub fn diff(&self) -> String {
        let from = self.learner.as_deref().unwrap_or("");
        let to = self.merged.as_deref().unwrap_or("");
        let mut options = diffy::DiffOptions::new();
        options
            .set_original_filename(if self.learner.is_some() {
                format!("a/{}", self.path)
            } else {
                "/dev/null".into()
            })
            .set_modified_filename(if self.merged.is_some() {
                format!("b/{}", self.path)
            } else {
                "/dev/null".into()
            });
        let patch = options.create_patch(from, to);
        // Coloured always: `ui::out` strips the colour when stdout is not a terminal.
        // Empty context lines keep their leading space: `git apply` needs it.
        diffy::PatchFormatter::new()
            .with_color()
            .suppress_blank_empty(false)
            .fmt_patch(&patch)
            .to_string()
    }

    /// Whether applying would change the learner's file.
    pub fn changes(&self) -> bool {
        self.learner != self.merged
    }
}
