//! `skillforge solution TASK`: the task's reference solution as a diff against the
//! learner's files (on stdout, so it can go to `git apply`), or written with `--apply`.
//! Before the task passes it takes `--give-up`, which is recorded.

use crate::blueprint::{Library, local};
use crate::error::{Error, Result};
use crate::practice::Workspace;
use crate::practice::outcome::Report;
use crate::practice::progress::{Progress, today};
use crate::practice::reference;
use crate::ui;

pub struct Options<'a> {
    pub task: &'a str,
    pub give_up: bool,
    pub apply: bool,
    pub from: Option<&'a str>,
}

pub fn run(ws: &Workspace, options: &Options<'_>) -> Result<()> {
    let task = ws.task(options.task)?;
    let passed = Report::read(&ws.root)
        .and_then(|r| r.tasks.into_iter().find(|t| t.id == task.id))
        .is_some_and(|t| t.status.passed());
    let mut progress = Progress::read(&ws.root)?;
    let gave_up = progress.task(&task.id).gave_up.is_some();
    if !passed && !gave_up {
        if !options.give_up {
            return Err(Error::Refused {
                message: format!(
                    "task {} ({}) does not pass yet (as of the last `skillforge check`); try \
                     `skillforge hint {}` first, or pass --give-up to see the reference \
                     solution anyway (it is recorded in .skillforge/progress.toml)",
                    task.number, task.id, task.id
                ),
            });
        }
        progress.task_mut(&task.id).gave_up = Some(today());
        progress.write(&ws.root)?;
    }
    let (library, _checkouts) = library_for(ws, options.from)?;
    let solution = reference::solve(ws, &library, task)?;
    if let Some(note) = &solution.version_note {
        ui::warn(note);
    }
    if solution.whole_files {
        ui::note(
            "this blueprint has no per-task steps: the diff leads to the finished solution \
             of the task's files, which may include later tasks' work",
        );
    }
    let changing: Vec<&reference::FileSolution> =
        solution.files.iter().filter(|f| f.changes()).collect();
    if changing.is_empty() {
        ui::success(&format!(
            "your files already hold the reference solution of task {} ({})",
            task.number, task.id
        ));
        return Ok(());
    }
    if options.apply {
        let conflicts: Vec<&str> = changing
            .iter()
            .filter(|f| f.conflict)
            .map(|f| f.path.as_str())
            .collect();
        if !conflicts.is_empty() {
            return Err(Error::Refused {
                message: format!(
                    "cannot apply: your changes overlap the reference's in {}; nothing was \
                     written. Run without --apply to see the reference and merge it by hand",
                    conflicts.join(", ")
                ),
            });
        }
        for file in &changing {
            let path = ws.path(&file.path);
            match &file.merged {
                Some(text) => crate::fsutil::write_atomic(&path, text.as_bytes())?,
                None => std::fs::remove_file(&path).map_err(Error::io("cannot remove", &path))?,
            }
        }
        ui::success(&format!(
            "applied the reference solution of task {} ({}) to {}; run `skillforge check`",
            task.number,
            task.id,
            changing
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Ok(());
    }
    ui::heading(&format!(
        "Reference solution of task {}, {} ({}):",
        task.number, task.title, task.id
    ));
    for file in &changing {
        if file.conflict {
            ui::warn(&format!(
                "{}: your changes overlap the reference's; the diff replaces your version",
                file.path
            ));
        }
        ui::out(&file.diff());
    }
    ui::note("apply it with `git apply`, or run again with --apply");
    Ok(())
}

/// The embedded blueprints, with the project's own sources (or `from`) laid over them.
fn library_for(ws: &Workspace, from: Option<&str>) -> Result<(Library, Vec<tempfile::TempDir>)> {
    let mut library = Library::embedded()?;
    let mut checkouts = Vec::new();
    let mut sources: Vec<(String, Option<String>)> = match from {
        Some(from) => vec![(from.to_string(), None)],
        None => ws
            .origin
            .blueprints
            .iter()
            .filter_map(|b| b.source.clone())
            .map(|s| (s.location, s.rev))
            .collect(),
    };
    sources.dedup();
    for (location, rev) in sources {
        if !local::is_git_url(&location) && !std::path::Path::new(&location).exists() {
            return Err(Error::Source {
                source_name: location,
                message: "the blueprint this project was made from is no longer there; \
                          pass --from with where it is now"
                    .into(),
            });
        }
        let (root, checkout) = local::fetch(&location, rev.as_deref())?;
        checkouts.extend(checkout);
        library = library.with(local::load(&root)?)?;
    }
    Ok((library, checkouts))
}
