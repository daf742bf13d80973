//! `skillforge export DIR`: the finished project as a portfolio piece, a copy without the
//! practice files and with a README written for readers.
//!
//! What leaves and why:
//! - `.skillforge/` (the record, the hints, the last results) and TASKS.md go, from every
//!   commit (`history`). TASKS.md is removed rather than turned into prose: it is an exercise
//!   sheet written to the learner ("your own notes", checkboxes, the command to run), and
//!   what a reader needs of it (which skills, shown where) is in the new README.
//! - README.md is replaced by the portfolio page (`portfolio`, rendered from
//!   `blueprints/_project/portfolio-README.md.hbs`); `.gitignore` loses its skillforge lines.
//!
//! What the README claims, and whether unfinished tasks refuse the export, comes from a
//! grading run just now (`commands::check::grade_official`): the blueprints' own tests in
//! the project's `.venv`, never `.skillforge/results.json` or an accepted test edit, which
//! the learner controls.
//!
//! The copy is of what is committed, so the history and the files agree: changes that are
//! not committed are refused with the command that commits them (the practice files
//! aside). It is written into a folder beside DIR and renamed into place, as `new` does.

pub mod history;
pub mod portfolio;
pub mod pyproject;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::generate::{self, Staging};
use crate::plan::Plan;
use crate::practice::Workspace;
use crate::practice::results::{Report, TaskStatus};
use crate::project::Context;
use crate::record::origin::OriginTask;
use portfolio::{Checks, Page, TaskLink};

/// How many commits a skill's line links to at most: its latest ones.
const COMMITS_PER_SKILL: usize = 5;

/// What `export` was asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The folder to create (or an empty one to fill).
    pub destination: PathBuf,
    /// One commit instead of the project's history.
    pub squash: bool,
    /// Export although tasks do not pass (or the tests cannot run).
    pub allow_unfinished: bool,
    /// Where the project's blueprints are now, when they have moved (`--from`).
    pub from: Option<String>,
}

/// What was written.
#[derive(Debug)]
pub struct Exported {
    pub path: PathBuf,
    /// How many commits the exported history has.
    pub commits: usize,
    /// The tasks (`number. title`) that did not pass export's own check.
    pub unfinished: Vec<String>,
    /// The identity of the last commit when git has none configured: the project's last
    /// commit's author (`name <email>`).
    pub fell_back: Option<String>,
}

/// Writes the portfolio copy of the project `ws` as `request` says.
///
/// # Errors
/// `Refused` when a task does not pass the blueprints' own tests, graded afresh, or when
/// the tests cannot run (unless `allow_unfinished`, both), when changes are not committed
/// or the project is no git repository;
/// `ExportDestination` when DIR exists and is not empty; git and I/O errors.
pub fn export(ws: &Workspace, request: &Request) -> Result<Exported> {
    let parent = destination_parent(ws, &request.destination)?;
    let source = history::open_project(&ws.root)?;
    refuse_uncommitted(&source)?;
    let (library, _checkouts) = ws.library(request.from.as_deref())?;
    let report = grade(ws, &library, request.allow_unfinished)?;
    let unfinished = unfinished(ws, report.as_ref(), request.allow_unfinished)?;
    let plan = Plan::from_origin(&ws.origin, &library)?;
    let branch = history::branch_of(&source);
    let author = source.head()?.peel_to_commit()?.author().to_owned();
    generate::remove_leftovers(&parent);
    let staging = Staging::create(&parent).map_err(|e| Error::DestinationUnusable {
        path: request.destination.clone(),
        reason: format!("cannot write in {}: {e}", parent.display()),
    })?;
    let (commits, fell_back) = staging.step(|dir| -> Result<(usize, Option<String>)> {
        let rewritten = history::rewrite(&source, dir, &branch, request.squash)?;
        let repo = git2::Repository::open(dir)?;
        let files = presented(ws, &plan, &library, &repo, &rewritten, report.as_ref())?;
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_slice())).collect();
        let message = message(&plan, request.squash);
        let (_, fell_back) =
            history::finish(&repo, &rewritten, &files, &message, &branch, &author)?;
        Ok((rewritten.commits.len() + 1, fell_back))
    })?;
    staging.move_to(&request.destination, true)?;
    Ok(Exported {
        path: request.destination.clone(),
        commits,
        unfinished,
        fell_back,
    })
}

/// The top-level files the last commit replaces, with their new contents: the portfolio
/// README, and `.gitignore` and `pyproject.toml` without the engine's lines for learners.
fn presented(
    ws: &Workspace,
    plan: &Plan<'_>,
    library: &crate::blueprint::Library,
    repo: &git2::Repository,
    rewritten: &history::Rewritten,
    report: Option<&Report>,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let made = ws.origin.made_on();
    let page = page(ws, plan, repo, rewritten, report)?;
    let readme = crate::project::portfolio_readme(plan, &library.catalog, made, &page)?;
    let mut files = vec![("README.md", readme.into_bytes())];
    if let Some(text) = history::read_top_file(repo, rewritten.tree, ".gitignore")? {
        let text = String::from_utf8_lossy(&text);
        files.push((".gitignore", clean_gitignore(&text).into_bytes()));
    }
    if let Some(text) = history::read_top_file(repo, rewritten.tree, "pyproject.toml")? {
        let (practice, portfolio) = crate::project::pyproject_versions(plan, made)?;
        let text =
            pyproject::portfolio_text(&String::from_utf8_lossy(&text), &practice, &portfolio);
        files.push(("pyproject.toml", text.into_bytes()));
    }
    Ok(files)
}

/// The folder DIR is made in, once DIR is known to be new or empty and outside the project.
fn destination_parent(ws: &Workspace, destination: &Path) -> Result<PathBuf> {
    if let Ok(meta) = destination.symlink_metadata() {
        let empty = meta.is_dir()
            && std::fs::read_dir(destination).is_ok_and(|mut entries| entries.next().is_none());
        if !empty {
            return Err(Error::ExportDestination {
                path: destination.to_path_buf(),
            });
        }
    }
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let unusable = |reason: String| Error::DestinationUnusable {
        path: destination.to_path_buf(),
        reason,
    };
    let absolute = parent.canonicalize().map_err(|_| {
        unusable(format!(
            "the folder {} does not exist; create it first",
            parent.display()
        ))
    })?;
    if absolute.starts_with(&ws.root) {
        return Err(unusable(format!(
            "it is inside the project {}; export beside it instead, e.g. ../{}-portfolio",
            ws.root.display(),
            ws.origin.name
        )));
    }
    Ok(parent)
}

/// Grades the project afresh, as `check` does, with its `.venv` and the blueprints' own
/// tests alone: the export's refusal and its README's claims rest on this run, never on
/// `.skillforge/results.json` or an accepted test edit, which the learner controls.
/// results.json is left as it is. `None` when the tests cannot run and `allow` says to go
/// on without a check.
fn grade(
    ws: &Workspace,
    library: &crate::blueprint::Library,
    allow: bool,
) -> Result<Option<Report>> {
    let venv = crate::practice::runner::venv_python(&ws.root);
    let graded = if venv.exists() {
        crate::commands::check::grade_official(
            &ws.root,
            &ws.origin,
            library,
            time::OffsetDateTime::now_utc(),
        )
    } else {
        Err(Error::Environment {
            message: format!("{} has no .venv", ws.root.display()),
        })
    };
    match graded {
        Ok(report) => Ok(Some(report)),
        Err(Error::Environment { .. }) if allow => Ok(None),
        Err(Error::Environment { message }) => Err(Error::Refused {
            message: format!(
                "export grades the project afresh with its .venv before it claims anything, \
                 and the tests cannot run: {message}; run `skillforge setup` in {}, then \
                 export again (or pass --allow-unfinished to export with no check claimed)",
                ws.root.display()
            ),
        }),
        Err(other) => Err(other),
    }
}

/// The tasks this export's check did not see pass (stretch goals aside: they are optional),
/// refused unless `allow`. Without a check every task counts as unfinished.
fn unfinished(ws: &Workspace, report: Option<&Report>, allow: bool) -> Result<Vec<String>> {
    // `grade` gives no report only when allowed to: then no task is known to pass.
    let Some(report) = report else {
        return Ok(ws.origin.tasks.iter().map(label).collect());
    };
    let statuses = report.statuses();
    let failing: Vec<(&OriginTask, TaskStatus)> = ws
        .origin
        .tasks
        .iter()
        .filter(|t| !t.stretch)
        .map(|t| {
            let status = statuses.get(t.id.as_str()).copied();
            (t, status.unwrap_or(TaskStatus::Unknown))
        })
        .filter(|(_, status)| !status.passed())
        .collect();
    if failing.is_empty() || allow {
        return Ok(failing.into_iter().map(|(t, _)| label(t)).collect());
    }
    let lines: Vec<String> = failing
        .iter()
        .map(|(t, status)| format!("  {} ({}): {}", label(t), t.id, status_word(*status)))
        .collect();
    // A run whose tests could not import judged no task: say why.
    let why = match (report.status.as_str(), &report.message) {
        ("error", Some(message)) => format!("the tests could not run: {message}\n"),
        _ => String::new(),
    };
    Err(Error::Refused {
        message: format!(
            "{} task(s) do not pass the blueprint's own tests (graded just now, as \
             `skillforge check` does, without accepted test edits):\n{}\n{why}finish them, or \
             pass --allow-unfinished to export anyway",
            failing.len(),
            lines.join("\n")
        ),
    })
}

fn label(task: &OriginTask) -> String {
    format!("{}. {}", task.number, task.title)
}

fn status_word(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Pass => "passes",
        TaskStatus::Fail => "fails",
        TaskStatus::NoTests => "no tests found",
        TaskStatus::Unknown => "not checked",
    }
}

fn refuse_uncommitted(repo: &git2::Repository) -> Result<()> {
    let changed = history::uncommitted(repo)?;
    if changed.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = changed.iter().take(10).map(String::as_str).collect();
    let more = changed.len().saturating_sub(shown.len());
    Err(Error::Refused {
        message: format!(
            "{} file(s) have changes that are not committed: {}{}; export copies what is \
             committed: commit them (`git add -A && git commit`) or stash them \
             (`git stash -u`), then export again",
            changed.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    })
}

/// The page's own facts, from the exported repository: each task's files that it holds, and
/// the commits of the rewritten history that touched them.
fn page(
    ws: &Workspace,
    plan: &Plan<'_>,
    repo: &git2::Repository,
    rewritten: &history::Rewritten,
    report: Option<&Report>,
) -> Result<Page> {
    let context = Context::new(plan, ws.origin.year);
    let statuses = report.map(Report::statuses).unwrap_or_default();
    let mut links = Vec::new();
    for task in &ws.origin.tasks {
        let files: Vec<String> = portfolio::step_files(plan, &context, task)?
            .into_iter()
            .filter(|path| history::has_file(repo, rewritten.tree, path))
            .collect();
        let mut commits = Vec::new();
        for path in &files {
            for id in history::touching(repo, &rewritten.commits, path)? {
                commits.extend(rewritten.commits.iter().position(|c| *c == id));
            }
        }
        let link = TaskLink {
            title: task.title.clone(),
            passes: statuses.get(task.id.as_str()).is_some_and(|s| s.passed()),
            files,
            commits,
        };
        links.push((task, link));
    }
    let history: Vec<String> = rewritten.commits.iter().map(ToString::to_string).collect();
    Ok(Page {
        skills: portfolio::skills(&links, &history, COMMITS_PER_SKILL),
        checks: report.map(|r| Checks::of(r, &ws.origin.tasks)),
    })
}

/// The last commit's message.
fn message(plan: &Plan<'_>, squash: bool) -> String {
    let title = &plan.names.title;
    if squash {
        format!("{title}\n\nThe project's history in one commit, with a README for readers.\n")
    } else {
        "Present the project: a README for readers, without the practice files\n".to_string()
    }
}

/// `.gitignore` without what only skillforge needs: lines naming `.skillforge` and the
/// comments that mention skillforge; the blank lines they leave are collapsed.
pub fn clean_gitignore(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let trimmed = line.trim();
        let comment = trimmed.starts_with('#');
        if trimmed.contains(".skillforge")
            || (comment && trimmed.to_lowercase().contains("skillforge"))
        {
            continue;
        }
        if trimmed.is_empty() {
            if blank {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{Kind, Library, compat};

    #[test]
    fn the_portfolio_readme_of_every_base_with_its_addons_has_no_practice_talk() {
        let library = Library::embedded().unwrap();
        let bases = library.blueprints.iter().filter(|b| b.kind == Kind::Base);
        for base in bases {
            let addons = compat::combined_addons(&library, &base.id)
                .into_iter()
                .map(|a| library.get(&a.id).unwrap().unwrap())
                .collect();
            let blueprint = library.get(&base.id).unwrap().unwrap();
            let plan = Plan::sample(blueprint, addons, "notes").unwrap();
            let page = Page {
                skills: Vec::new(),
                checks: None,
            };
            let text = crate::project::portfolio_readme(
                &plan,
                &library.catalog,
                Plan::sample_day(),
                &page,
            )
            .unwrap();
            let lower = text.to_lowercase();
            for practice in [
                "tasks.md",
                "skillforge",
                "starter",
                "until the",
                "before you start",
                "the tasks",
                "tasks build",
                "add-on",
                "graded",
                "you build",
                "{{",
            ] {
                assert!(
                    !lower.contains(practice),
                    "{}: {practice:?}\n{text}",
                    base.id
                );
            }
            assert!(text.contains("## Set up") && text.contains("## Checks it passes"));
        }
    }

    #[test]
    fn gitignore_loses_its_skillforge_lines_and_keeps_the_rest() {
        let text = "# Python\n__pycache__/\n\n# skillforge check's last results (kept)\n\
                    .skillforge/results.json\n\n# Editors\n.idea/\n";
        assert_eq!(
            clean_gitignore(text),
            "# Python\n__pycache__/\n\n# Editors\n.idea/\n"
        );
    }

    #[test]
    fn gitignore_without_skillforge_lines_is_unchanged() {
        let text = "# mine\n*.log\n\nbuild/\n";
        assert_eq!(clean_gitignore(text), text);
    }
}
