//! What the portfolio README says about this project in particular: the skills its tasks
//! exercise, each with the files that show it (the files its task's reference step changes)
//! and the commits that touched them, and the checks it passed when last checked. The rest
//! of the page (descriptions, set-up, sections) comes from the blueprints, rendered by
//! `project::portfolio_readme`.

use serde::Serialize;

use crate::blueprint::steps;
use crate::error::Result;
use crate::plan::Plan;
use crate::practice::results::Report;
use crate::project::{Context, render_file};
use crate::record::origin::OriginTask;
use crate::render::Renderer;

/// The page's own part: `skills` and `checks`, as the template reads them.
#[derive(Debug, Serialize)]
pub struct Page {
    pub skills: Vec<Skill>,
    /// `None` when no check is recorded (an export with `--allow-unfinished`).
    pub checks: Option<Checks>,
}

/// A skill, with the tasks that exercise it and where to look to see it at work.
#[derive(Debug, Serialize)]
pub struct Skill {
    pub name: String,
    /// The titles of its tasks, as a list in a sentence; an unfinished one says so.
    pub tasks: String,
    /// Every file its tasks' steps change, sorted, each a file of the exported tree.
    pub files: Vec<FileLink>,
    /// The latest commits that touched those files, oldest first; empty when squashed.
    pub commits: Vec<CommitLink>,
}

/// One task, as the skills it exercises gather it.
#[derive(Debug, Clone)]
pub struct TaskLink {
    pub title: String,
    pub passes: bool,
    /// Paths relative to the project's top, each a file of the exported tree.
    pub files: Vec<String>,
    /// Positions in the exported history of the commits that touched `files`.
    pub commits: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    pub path: String,
}

/// A commit, linked as `../../commit/ID`: from README.md on a forge's file view (GitHub's
/// `OWNER/REPO/blob/BRANCH/`, GitLab's `.../-/blob/BRANCH/`) that is the commit's page.
#[derive(Debug, Clone, Serialize)]
pub struct CommitLink {
    pub short: String,
    pub id: String,
}

/// The last check's figures.
#[derive(Debug, Serialize)]
pub struct Checks {
    /// The day of the check (`YYYY-MM-DD`).
    pub checked_at: String,
    pub tasks_passing: usize,
    pub tasks_total: usize,
    pub tests_passing: usize,
    pub tests_total: usize,
    /// The titles of the tasks that do not pass, as a sentence; empty when none.
    pub unfinished: String,
}

impl Checks {
    /// The figures of `report`, for the tasks of `tasks` (a task the report lacks does not pass).
    pub fn of(report: &Report, tasks: &[OriginTask]) -> Checks {
        let statuses = report.statuses();
        let passes = |t: &OriginTask| statuses.get(t.id.as_str()).is_some_and(|s| s.passed());
        let unfinished: Vec<&str> = tasks
            .iter()
            .filter(|t| !passes(t))
            .map(|t| t.title.as_str())
            .collect();
        Checks {
            checked_at: report.checked_at.chars().take(10).collect(),
            tasks_passing: tasks.iter().filter(|t| passes(t)).count(),
            tasks_total: tasks.len(),
            tests_passing: report.tests.iter().filter(|t| t.status == "pass").count(),
            tests_total: report.tests.len(),
            unfinished: unfinished.join("; "),
        }
    }
}

/// The tasks grouped under their skills, in the order the tasks first name them; a task
/// exercising several skills appears under each. `history` is the exported history, oldest
/// first, which `TaskLink::commits` index; each skill links its latest `per_skill` commits.
pub fn skills(
    tasks: &[(&OriginTask, TaskLink)],
    history: &[String],
    per_skill: usize,
) -> Vec<Skill> {
    let mut names: Vec<&String> = Vec::new();
    for (task, _) in tasks {
        for name in &task.skill_names {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mine: Vec<&TaskLink> = tasks
                .iter()
                .filter(|(t, _)| t.skill_names.contains(name))
                .map(|(_, link)| link)
                .collect();
            skill(name, &mine, history, per_skill)
        })
        .collect()
}

/// The line of skill `name`, exercised by the tasks `mine`.
fn skill(name: &str, mine: &[&TaskLink], history: &[String], per_skill: usize) -> Skill {
    let titles: Vec<String> = mine
        .iter()
        .map(|l| {
            if l.passes {
                l.title.clone()
            } else {
                format!("{} (unfinished)", l.title)
            }
        })
        .collect();
    let mut files: Vec<&String> = mine.iter().flat_map(|l| &l.files).collect();
    files.sort();
    files.dedup();
    let mut commits: Vec<usize> = mine
        .iter()
        .flat_map(|l| l.commits.iter().copied())
        .collect();
    commits.sort_unstable();
    commits.dedup();
    let skip = commits.len().saturating_sub(per_skill);
    Skill {
        name: name.to_string(),
        tasks: titles.join("; "),
        files: files
            .into_iter()
            .map(|path| FileLink { path: path.clone() })
            .collect(),
        commits: commits[skip..]
            .iter()
            .map(|&i| CommitLink {
                short: history[i].chars().take(7).collect(),
                id: history[i].clone(),
            })
            .collect(),
    }
}

/// The files `task`'s reference step changes, rendered as the project was (its paths hold
/// the package's name), sorted. A blueprint without steps has none: then the task's own
/// list of the files to change (`files` in its manifest).
pub fn step_files(plan: &Plan<'_>, context: &Context, task: &OriginTask) -> Result<Vec<String>> {
    let Some(blueprint) = plan.parts().find(|b| b.id() == task.blueprint) else {
        return Ok(task.files.clone());
    };
    let Some((before, after)) = steps::around(blueprint, &task.id)? else {
        return Ok(task.files.clone());
    };
    let mut renderer = Renderer::new();
    let mut paths = Vec::new();
    for (rel, file) in &after {
        if before.get(rel).is_some_and(|old| old.bytes == file.bytes) {
            continue;
        }
        let rendered = render_file(blueprint.id(), "steps", file, context, &mut renderer)?;
        paths.push(rendered.path.as_str().to_string());
    }
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, skills: &[&str]) -> OriginTask {
        OriginTask {
            id: id.into(),
            number: 1,
            blueprint: "b".into(),
            title: format!("Task {id}"),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            skill_names: skills.iter().map(|s| s.to_uppercase()).collect(),
            stretch: false,
            requires: vec![],
            tests: vec![],
            files: vec![],
            hints: vec![],
        }
    }

    fn link(t: &OriginTask, passes: bool, files: &[&str], commits: &[usize]) -> TaskLink {
        TaskLink {
            title: t.title.clone(),
            passes,
            files: files.iter().map(|f| f.to_string()).collect(),
            commits: commits.to_vec(),
        }
    }

    #[test]
    fn tasks_gather_under_each_skill_they_exercise_in_first_named_order() {
        let a = task("a", &["http", "typing"]);
        let b = task("b", &["typing", "sql"]);
        let history: Vec<String> = (0..4).map(|i| format!("{i}{}", "f".repeat(39))).collect();
        let tasks = [
            (&a, link(&a, true, &["src/b.py", "src/a.py"], &[0, 2])),
            (&b, link(&b, false, &["src/a.py"], &[1, 2, 3])),
        ];
        let skills = skills(&tasks, &history, 3);
        let names: Vec<&str> = skills.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["HTTP", "TYPING", "SQL"]);
        let typing = &skills[1];
        assert_eq!(typing.tasks, "Task a; Task b (unfinished)");
        let files: Vec<&str> = typing.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ["src/a.py", "src/b.py"], "sorted, once each");
        let commits: Vec<&str> = typing.commits.iter().map(|c| c.short.as_str()).collect();
        assert_eq!(
            commits,
            ["1ffffff", "2ffffff", "3ffffff"],
            "the latest three, oldest first"
        );
    }
}
