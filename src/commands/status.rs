//! `skillforge status [--json]`: progress per task and per skill, from the last check and
//! the recorded hints and give-ups. It runs no test: `check` does.

use serde::Serialize;

use crate::error::Result;
use crate::practice::Workspace;
use crate::practice::outcome::{Report, TaskStatus};
use crate::practice::progress::Progress;
use crate::ui;

#[derive(Debug, Serialize)]
pub struct Status {
    pub project: String,
    /// When `check` last ran (`None`: never).
    pub checked_at: Option<String>,
    pub tasks_done: usize,
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
}

#[derive(Debug, Serialize)]
pub struct SkillLine {
    pub id: String,
    pub name: String,
    pub tasks_done: usize,
    pub tasks_total: usize,
}

pub fn collect(ws: &Workspace) -> Result<Status> {
    let report = Report::read(&ws.root);
    let statuses = report.as_ref().map(Report::statuses).unwrap_or_default();
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
            }
        })
        .collect();
    let mut skills: Vec<SkillLine> = Vec::new();
    for (task, line) in ws.origin.tasks.iter().zip(&tasks) {
        for (id, name) in task.skills.iter().zip(&task.skill_names) {
            let index = match skills.iter().position(|s| &s.id == id) {
                Some(i) => i,
                None => {
                    skills.push(SkillLine {
                        id: id.clone(),
                        name: name.clone(),
                        tasks_done: 0,
                        tasks_total: 0,
                    });
                    skills.len() - 1
                }
            };
            skills[index].tasks_total += 1;
            if line.status.passed() {
                skills[index].tasks_done += 1;
            }
        }
    }
    Ok(Status {
        project: ws.origin.name.clone(),
        checked_at: report.map(|r| r.checked_at),
        tasks_done: tasks.iter().filter(|t| t.status.passed()).count(),
        tasks_total: tasks.len(),
        tasks,
        skills,
    })
}

pub fn run(ws: &Workspace, json: bool) -> Result<()> {
    let status = collect(ws)?;
    if json {
        let text = serde_json::to_string_pretty(&status).expect("the status serializes");
        println!("{text}");
        return Ok(());
    }
    let mut out = format!(
        "{}: {} of {} tasks done\n",
        ui::bold(&status.project),
        status.tasks_done,
        status.tasks_total
    );
    match &status.checked_at {
        Some(at) => out.push_str(&ui::dim(&format!("last checked {at}\n"))),
        None => out.push_str(&ui::dim("not checked yet: run `skillforge check`\n")),
    }
    out.push('\n');
    let width = ui::column_width(status.tasks.iter().map(|t| t.title.as_str()));
    for t in &status.tasks {
        let mark = match t.status {
            TaskStatus::Pass => ui::green("✔"),
            TaskStatus::Fail => ui::red("✘"),
            TaskStatus::NoTests => ui::yellow("!"),
            TaskStatus::Unknown => ui::dim("·"),
        };
        let mut notes = vec![format!("hints {}/{}", t.hints_used, t.hints_total)];
        if let Some(day) = &t.gave_up {
            notes.push(format!("gave up {day}"));
        }
        if t.stretch {
            notes.push("stretch".into());
        }
        out.push_str(&format!(
            "{mark} {:>3}. {:<width$}  {}\n",
            t.number,
            t.title,
            ui::dim(&notes.join(", "))
        ));
    }
    out.push_str(&format!("\n{}\n", ui::bold("Skills")));
    let width = ui::column_width(status.skills.iter().map(|s| s.name.as_str()));
    for s in &status.skills {
        out.push_str(&format!(
            "  {:<width$}  {}/{} tasks\n",
            s.name, s.tasks_done, s.tasks_total
        ));
    }
    ui::out(&out);
    Ok(())
}
