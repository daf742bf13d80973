//! `skillforge status [--json]`: progress per task and per skill, from the last check and
//! the recorded hints and give-ups. It runs no test: `check` does.
//!
//! A task the learner gave up on (they saw the reference with `solution --give-up`) still
//! counts among the tasks that pass, but not as practice of its skills: those lines show it
//! as given up instead.

use serde::Serialize;

use crate::error::Result;
use crate::practice::Workspace;
use crate::practice::results::{Report, TaskStatus};
use crate::record::origin::OriginTask;
use crate::record::progress::Progress;
use crate::ui;

#[derive(Debug, Serialize)]
pub struct Status {
    pub project: String,
    /// When `check` last ran (`None`: never).
    pub checked_at: Option<String>,
    /// Why the last check could not run the tests (results.json's `error` status and
    /// message): the tasks' marks are then not a result, only unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_error: Option<String>,
    /// Tasks that passed the last check, given up or not.
    pub tasks_done: usize,
    /// Of `tasks_done`, those the learner gave up on first.
    pub tasks_done_after_giving_up: usize,
    pub tasks_total: usize,
    pub tasks: Vec<TaskLine>,
    pub skills: Vec<SkillLine>,
}

#[derive(Debug, Serialize)]
pub struct TaskLine {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub status: TaskStatus,
    pub skills: Vec<String>,
    pub stretch: bool,
    pub hints_used: usize,
    pub hints_total: usize,
    pub gave_up: Option<String>,
    /// Task test entries the last check graded with the learner's accepted edits.
    pub accepted_tests: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SkillLine {
    pub id: String,
    pub name: String,
    /// Tasks exercising the skill that pass and were not given up.
    pub tasks_done: usize,
    /// Tasks exercising the skill that the learner gave up on, passing or not.
    pub tasks_given_up: usize,
    pub tasks_total: usize,
}

pub fn collect(ws: &Workspace) -> Result<Status> {
    let report = Report::read(&ws.root);
    let statuses = report.as_ref().map(Report::statuses).unwrap_or_default();
    let accepted = |id: &str| -> Vec<String> {
        report
            .as_ref()
            .and_then(|r| r.tasks.iter().find(|t| t.id == id))
            .map(|t| t.accepted_tests.clone())
            .unwrap_or_default()
    };
    let progress = Progress::read(&ws.root)?;
    let tasks: Vec<TaskLine> = ws
        .origin
        .tasks
        .iter()
        .map(|t| {
            let p = progress.task(&t.id);
            TaskLine {
                id: t.id.clone(),
                number: t.number,
                title: t.title.clone(),
                status: statuses
                    .get(t.id.as_str())
                    .copied()
                    .unwrap_or(TaskStatus::Unknown),
                skills: t.skills.clone(),
                stretch: t.stretch,
                hints_used: p.hints.min(t.hints.len()),
                hints_total: t.hints.len(),
                gave_up: p.gave_up,
                accepted_tests: accepted(&t.id),
            }
        })
        .collect();
    let done = |given_up: bool| {
        tasks
            .iter()
            .filter(|t| t.status.passed() && (!given_up || t.gave_up.is_some()))
            .count()
    };
    Ok(Status {
        project: ws.origin.name.clone(),
        check_error: report
            .as_ref()
            .filter(|r| r.status == "error")
            .map(|r| r.message.clone().unwrap_or_default()),
        checked_at: report.map(|r| r.checked_at),
        tasks_done: done(false),
        tasks_done_after_giving_up: done(true),
        tasks_total: tasks.len(),
        skills: skill_lines(&ws.origin.tasks, &tasks),
        tasks,
    })
}

/// The first line of a message, for one line of the status.
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or("").trim_end()
}

/// One line per skill, in the order the tasks first exercise them.
fn skill_lines(origin_tasks: &[OriginTask], lines: &[TaskLine]) -> Vec<SkillLine> {
    let mut skills: Vec<SkillLine> = Vec::new();
    for (task, line) in origin_tasks.iter().zip(lines) {
        for (id, name) in task.skills.iter().zip(&task.skill_names) {
            let index = match skills.iter().position(|s| &s.id == id) {
                Some(i) => i,
                None => {
                    skills.push(SkillLine {
                        id: id.clone(),
                        name: name.clone(),
                        tasks_done: 0,
                        tasks_given_up: 0,
                        tasks_total: 0,
                    });
                    skills.len() - 1
                }
            };
            let skill = &mut skills[index];
            skill.tasks_total += 1;
            // Copying the reference is not practising the skill.
            if line.gave_up.is_some() {
                skill.tasks_given_up += 1;
            } else if line.status.passed() {
                skill.tasks_done += 1;
            }
        }
    }
    skills
}

pub fn run(ws: &Workspace, json: bool) -> Result<()> {
    let status = collect(ws)?;
    note_newer_blueprints(ws);
    if json {
        let text = serde_json::to_string_pretty(&status).expect("the status serializes");
        println!("{text}");
        return Ok(());
    }
    let after = match status.tasks_done_after_giving_up {
        0 => String::new(),
        n => format!(" ({n} after seeing the solution)"),
    };
    let mut out = format!(
        "{}: {} of {} tasks pass{after}\n",
        ui::bold(&status.project),
        status.tasks_done,
        status.tasks_total
    );
    match (&status.checked_at, &status.check_error) {
        (Some(at), Some(error)) => out.push_str(&ui::yellow(&format!(
            "the last check ({at}) could not run the tests: {}\nfix that, then run \
             `skillforge check`\n",
            first_line(error)
        ))),
        (Some(at), None) => out.push_str(&ui::dim(&format!("last checked {at}\n"))),
        (None, _) => out.push_str(&ui::dim("not checked yet: run `skillforge check`\n")),
    }
    out.push('\n');
    let width = ui::column_width(status.tasks.iter().map(|t| t.title.as_str()));
    for t in &status.tasks {
        let mark = mark(t.status);
        let notes = notes(t);
        out.push_str(&format!(
            "{mark} {:>3}. {:<width$}  {}\n",
            t.number,
            t.title,
            ui::dim(&notes)
        ));
    }
    out.push_str(&format!("\n{}\n", ui::bold("Skills")));
    let width = ui::column_width(status.skills.iter().map(|s| s.name.as_str()));
    for s in &status.skills {
        let given_up = match s.tasks_given_up {
            0 => String::new(),
            n => format!(", {n} given up"),
        };
        out.push_str(&format!(
            "  {:<width$}  {}/{} tasks{given_up}\n",
            s.name, s.tasks_done, s.tasks_total
        ));
    }
    ui::out(&out);
    Ok(())
}

/// Says on stderr when a blueprint of the project has a newer version than the one it was
/// made from (`update` takes it). Blueprints that cannot be loaded are `check`'s to report.
fn note_newer_blueprints(ws: &Workspace) {
    let Ok((library, _checkouts)) = ws.library(None) else {
        return;
    };
    let newer = crate::grow::update::newer(ws, &library);
    if newer.is_empty() {
        return;
    }
    let versions: Vec<String> = newer
        .iter()
        .map(|n| format!("{} {} (the project has {})", n.id, n.current, n.recorded))
        .collect();
    ui::note(&format!(
        "a newer blueprint exists: {}; see what changes with `skillforge update --dry-run`",
        versions.join(", ")
    ));
}

/// A task's status as one mark: passes, fails, has no tests, or not known yet.
fn mark(status: TaskStatus) -> String {
    match status {
        TaskStatus::Pass => ui::green("✔"),
        TaskStatus::Fail => ui::red("✘"),
        TaskStatus::NoTests => ui::yellow("!"),
        TaskStatus::Unknown => ui::dim("·"),
    }
}

/// What a task's line adds after its title: hints used, a give-up, stretch, accepted tests.
fn notes(t: &TaskLine) -> String {
    let mut notes = vec![format!("hints {}/{}", t.hints_used, t.hints_total)];
    if let Some(day) = &t.gave_up {
        notes.push(format!("gave up {day}"));
    }
    if t.stretch {
        notes.push("stretch".into());
    }
    if !t.accepted_tests.is_empty() {
        notes.push("graded with your accepted tests".into());
    }
    notes.join(", ")
}
