//! A task's reference solution, as it applies to the learner's files.
//!
//! The blueprint's step for the task says how the files change, from the state the earlier
//! tasks left to the state after it. Both states are rendered exactly as the project was
//! (same names, answers and year), then the change is merged into the learner's files
//! (a three-way merge with the earlier state as the common ancestor), so the diff shown is
//! what the learner would change, on top of their own code.
//!
//! A merge that conflicts yields no merged file at all: the reference's own version would
//! replace the learner's, and with it the work of other tasks. Such a file can only be
//! shown as the reference's change, for the learner to merge by hand.

use std::collections::BTreeMap;

use crate::blueprint::{Blueprint, Library, steps};
use crate::error::Result;
use crate::grow::merge::{self, is_crlf};
use crate::plan::Plan;
use crate::project::{Context, render_file};
use crate::render::Renderer;

use super::Workspace;
use crate::record::origin::OriginTask;

/// Rendered files by path.
type Files = BTreeMap<String, String>;

/// One file the reference solution of a task touches.
#[derive(Debug, Clone)]
pub struct FileSolution {
    pub path: String,
    /// The file in the reference before the task (`None`: it does not exist yet).
    pub before: Option<String>,
    /// The file in the reference after the task (`None`: the task deletes it).
    pub after: Option<String>,
    /// The file as the learner has it (`None`: it does not exist).
    pub learner: Option<String>,
    pub merged: Merged,
}

/// The task's change merged into the learner's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// The learner's file with the change merged in (`None`: the change deletes it), in the
    /// learner's line endings.
    Clean(Option<String>),
    /// The change touches lines the learner also changed (or the learner changed a file the
    /// change deletes): there is no merged file.
    Conflict,
}

#[derive(Debug, Clone)]
pub struct Solution {
    pub files: Vec<FileSolution>,
    /// The blueprint has no per-task steps: the files are the finished solution's.
    pub whole_files: bool,
    /// A different version of the blueprint than the project was made from.
    pub version_note: Option<String>,
}

/// The reference solution of `task` against the learner's files.
pub fn solve(ws: &Workspace, library: &Library, task: &OriginTask) -> Result<Solution> {
    compare(ws, library, task, Direction::Solve)
}

/// The reference change of `task` taken back out of the learner's files (`reset`): the
/// same three-way merge run the other way, from the reference after the task (the common
/// ancestor) to the reference before it, so the learner's other work in the same files stays.
/// In the result `before` is the reference after the task and `after` the one before it: the
/// direction of the change merged. Whole files (a blueprint without steps) are merged too,
/// never laid over the learner's file.
pub fn undo(ws: &Workspace, library: &Library, task: &OriginTask) -> Result<Solution> {
    compare(ws, library, task, Direction::Undo)
}

/// Which way a task's change is merged into the learner's files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Solve,
    Undo,
}

fn compare(
    ws: &Workspace,
    library: &Library,
    task: &OriginTask,
    direction: Direction,
) -> Result<Solution> {
    let plan = Plan::from_origin(&ws.origin, library)?;
    let blueprint = plan
        .parts()
        .find(|b| b.id() == task.blueprint)
        .expect("every task comes from a part");
    let context = Context::new(&plan, ws.origin.year);
    let (mut before, mut after, whole_files) = states(blueprint, &context, task)?;
    if direction == Direction::Undo {
        std::mem::swap(&mut before, &mut after);
    }
    let mut paths: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    paths.sort();
    paths.dedup();
    let files = paths
        .into_iter()
        .map(|path| {
            let before = before.get(path).cloned();
            let after = after.get(path).cloned();
            let learner = std::fs::read_to_string(ws.path(path)).ok();
            let merged = merge(
                before.as_deref(),
                learner.as_deref(),
                after.as_deref(),
                whole_files && direction == Direction::Solve,
            );
            FileSolution {
                path: path.clone(),
                before,
                after,
                learner,
                merged,
            }
        })
        .collect();
    Ok(Solution {
        files,
        whole_files,
        version_note: version_note(ws, blueprint, task),
    })
}

/// Says so when `blueprint` is not the version the project was made from.
fn version_note(ws: &Workspace, blueprint: &Blueprint, task: &OriginTask) -> Option<String> {
    let recorded = ws.origin.blueprints.iter().find(|b| b.id == task.blueprint);
    recorded
        .filter(|r| r.version != blueprint.manifest.version)
        .map(|r| {
            format!(
                "the project was made from {} {}; this reference comes from version {}",
                r.id, r.version, blueprint.manifest.version
            )
        })
}

/// The rendered files before and after `task`, and whether they are whole files (the
/// template and the finished solution, limited to the task's files) for want of steps.
fn states(
    blueprint: &Blueprint,
    context: &Context,
    task: &OriginTask,
) -> Result<(Files, Files, bool)> {
    let mut renderer = Renderer::new();
    let mut render = |tree: &steps::Tree| -> Result<Files> {
        tree.values()
            .map(|file| {
                let out = render_file(blueprint.id(), "steps", file, context, &mut renderer)?;
                Ok((
                    out.path.as_str().to_string(),
                    String::from_utf8_lossy(&out.contents).into_owned(),
                ))
            })
            .collect()
    };
    if let Some((before, after)) = steps::around(blueprint, &task.id)? {
        return Ok((render(&before)?, render(&after)?, false));
    }
    let template = steps::tree(&blueprint.template);
    let finished = steps::solved(blueprint)?;
    let keep = |mut files: Files| {
        files.retain(|path, _| task.files.contains(path));
        files
    };
    Ok((keep(render(&template)?), keep(render(&finished)?), true))
}

/// The change from `old` to `new` merged into the learner's file (`grow::merge`, which
/// normalises line endings).
fn merge(old: Option<&str>, learner: Option<&str>, new: Option<&str>, whole_files: bool) -> Merged {
    let Some(learner) = learner else {
        return Merged::Clean(new.map(str::to_string));
    };
    let lf = learner.replace("\r\n", "\n");
    match new {
        // A deletion would take the learner's own changes to the file with it.
        None if old.is_some_and(|old| old != lf) => Merged::Conflict,
        None => Merged::Clean(None),
        // Whole files cannot be merged meaningfully: the reference file is shown as it is.
        Some(new) if whole_files && is_crlf(learner) => {
            Merged::Clean(Some(new.replace('\n', "\r\n")))
        }
        Some(new) if whole_files => Merged::Clean(Some(new.to_string())),
        // A file the task creates but the learner already has merges from an empty one.
        Some(new) => match merge::three_way(old.unwrap_or(""), learner, new) {
            merge::Outcome::Clean(merged) => Merged::Clean(Some(merged)),
            merge::Outcome::Conflict(_) => Merged::Conflict,
        },
    }
}

/// A unified diff between two versions of a file, coloured (`ui::out` strips the colour
/// when stdout is not a terminal).
fn unified(from: Option<&str>, to: Option<&str>, labels: (String, String)) -> String {
    let mut options = diffy::DiffOptions::new();
    options
        .set_original_filename(labels.0)
        .set_modified_filename(labels.1);
    let patch = options.create_patch(from.unwrap_or(""), to.unwrap_or(""));
    // Empty context lines keep their leading space: `git apply` needs it.
    diffy::PatchFormatter::new()
        .with_color()
        .suppress_blank_empty(false)
        .fmt_patch(&patch)
        .to_string()
}

impl FileSolution {
    /// The change to the learner's file as a unified diff labelled `a/` and `b/`, so that
    /// `git apply` takes it; `None` when the merge conflicted, so that no diff ever replaces
    /// the learner's version.
    pub fn patch(&self) -> Option<String> {
        let Merged::Clean(merged) = &self.merged else {
            return None;
        };
        let label = |text: &Option<String>, side: &str| match text {
            Some(_) => format!("{side}/{}", self.path),
            None => "/dev/null".to_string(),
        };
        Some(unified(
            self.learner.as_deref(),
            merged.as_deref(),
            (label(&self.learner, "a"), label(merged, "b")),
        ))
    }

    /// The reference's own change of the file (before the task to after it), for reading:
    /// a heading naming it the reference's, then the hunks indented, so that `git apply`
    /// finds no patch in it even when it follows one.
    pub fn reference(&self, task: &OriginTask) -> String {
        let what = match (&self.before, &self.after) {
            (None, _) => " (a new file)",
            (_, None) => " (deleted)",
            _ => "",
        };
        format!(
            "reference change of {}{what}, task {} ({}), for comparison:\n{}",
            self.path,
            task.number,
            task.id,
            self.change()
        )
    }

    /// The change from `before` to `after`, its hunks indented and without the `---`/`+++`
    /// header, so that `git apply` finds no patch in it: for reading under a heading.
    pub fn change(&self) -> String {
        let diff = unified(
            self.before.as_deref(),
            self.after.as_deref(),
            (String::new(), String::new()),
        );
        diff.split_inclusive('\n')
            .skip(2)
            .map(|line| format!("    {line}"))
            .collect()
    }

    /// Writes the merged file into the project at `root` (removes it when the merge
    /// deletes it). A conflict has nothing to write: the caller keeps those out.
    pub fn write(&self, root: &std::path::Path) -> Result<()> {
        let path = root.join(&self.path);
        match &self.merged {
            Merged::Clean(Some(text)) => crate::fsutil::write_atomic(&path, text.as_bytes()),
            Merged::Clean(None) if path.exists() => {
                std::fs::remove_file(&path).map_err(crate::error::Error::io("cannot remove", &path))
            }
            Merged::Clean(None) => Ok(()),
            Merged::Conflict => unreachable!("a conflicting file is never written"),
        }
    }

    /// Whether the merge conflicted.
    pub fn conflict(&self) -> bool {
        self.merged == Merged::Conflict
    }

    /// Whether applying would change the learner's file (a conflict is a change that
    /// cannot be applied).
    pub fn changes(&self) -> bool {
        match &self.merged {
            Merged::Clean(merged) => &self.learner != merged,
            Merged::Conflict => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "a\nb\nc\n";
    const NEW: &str = "a\nB\nc\n";

    #[test]
    fn a_clean_merge_keeps_the_learners_other_changes() {
        let merged = merge(Some(OLD), Some("a\nb\nc\nmine\n"), Some(NEW), false);
        assert_eq!(merged, Merged::Clean(Some("a\nB\nc\nmine\n".into())));
    }

    #[test]
    fn an_overlapping_change_is_a_conflict_not_the_reference_file() {
        let merged = merge(Some(OLD), Some("a\nmine\nc\n"), Some(NEW), false);
        assert_eq!(merged, Merged::Conflict);
    }

    #[test]
    fn crlf_files_merge_as_lf_and_keep_their_endings() {
        let merged = merge(Some(OLD), Some("a\r\nb\r\nc\r\n"), Some(NEW), false);
        assert_eq!(merged, Merged::Clean(Some("a\r\nB\r\nc\r\n".into())));
    }

    #[test]
    fn a_change_already_there_beside_later_work_is_no_conflict() {
        // Both sides add at the end of the file: the merge alone would conflict.
        let learner = "a\nb\nc\nadded\nlater\n";
        let merged = merge(Some(OLD), Some(learner), Some("a\nb\nc\nadded\n"), false);
        assert_eq!(merged, Merged::Clean(Some(learner.into())));
    }

    #[test]
    fn deleting_a_file_the_learner_changed_is_a_conflict() {
        assert_eq!(
            merge(Some(OLD), Some("mine\n"), None, false),
            Merged::Conflict
        );
        assert_eq!(
            merge(Some(OLD), Some(OLD), None, false),
            Merged::Clean(None)
        );
    }

    /// `undo` merges the same way with the reference states swapped: from after the task
    /// (the common ancestor) to before it.
    #[test]
    fn taking_a_change_out_keeps_the_learners_other_changes() {
        let learner = "mine\na\nB\nc\nlater\n";
        let undone = merge(Some(NEW), Some(learner), Some(OLD), false);
        assert_eq!(undone, Merged::Clean(Some("mine\na\nb\nc\nlater\n".into())));
    }

    #[test]
    fn taking_a_change_out_of_lines_the_learner_rewrote_is_a_conflict() {
        let undone = merge(Some(NEW), Some("a\nmine\nc\n"), Some(OLD), false);
        assert_eq!(undone, Merged::Conflict);
        // Already taken out by hand: nothing to do, the learner's file stays.
        let undone = merge(Some(NEW), Some("a\nb\nc\nlater\n"), Some(OLD), false);
        assert_eq!(undone, Merged::Clean(Some("a\nb\nc\nlater\n".into())));
    }

    #[test]
    fn a_created_file_is_taken_out_only_as_the_reference_wrote_it() {
        assert_eq!(
            merge(Some(NEW), Some(NEW), None, false),
            Merged::Clean(None)
        );
        assert_eq!(
            merge(Some(NEW), Some("a\nB\nc\nmine\n"), None, false),
            Merged::Conflict
        );
        assert_eq!(merge(Some(NEW), None, None, false), Merged::Clean(None));
    }

    #[test]
    fn creating_a_file_the_learner_already_wrote_does_not_replace_it() {
        assert_eq!(
            merge(None, Some("mine\n"), Some(NEW), false),
            Merged::Conflict
        );
        assert_eq!(
            merge(None, Some(NEW), Some(NEW), false),
            Merged::Clean(Some(NEW.into()))
        );
    }
}
