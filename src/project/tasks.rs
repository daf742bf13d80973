//! The project's tasks: every part's tasks with their text, test paths and file paths
//! rendered, ordered so that prerequisites come first, numbered, and marked as stretch goals
//! when the learner asked for skills and a task exercises none of them and no chosen task
//! needs it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Context;
use crate::blueprint::{Catalog, Task, TaskLinks};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render::Renderer;

#[derive(Debug, Clone, Serialize)]
pub struct PlannedTask {
    pub number: usize,
    pub id: String,
    pub blueprint: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub skills: Vec<String>,
    /// Display names of `skills`, from the catalog.
    pub skill_names: Vec<String>,
    pub requires: Vec<String>,
    pub hints: Vec<String>,
    /// pytest paths or node ids, relative to the project root.
    pub tests: Vec<String>,
    pub files: Vec<String>,
    /// Optional: exercises none of the skills the learner asked for, and no task that does
    /// requires it (see `stretch_goals`).
    pub stretch: bool,
}

/// The ids of the stretch goals among `tasks` (every task of a plan) for the skills in
/// `focus`: the tasks that exercise none of them and that no chosen task requires, directly
/// or through other tasks. A required task cannot be optional: the chosen one is built on
/// it. With no focus there are no stretch goals.
pub fn stretch_goals<'a, T: TaskLinks>(tasks: &[&'a T], focus: &[String]) -> BTreeSet<&'a str> {
    if focus.is_empty() {
        return BTreeSet::new();
    }
    let mut needed: Vec<&str> = tasks
        .iter()
        .filter(|t| t.skills().iter().any(|s| focus.contains(s)))
        .map(|t| t.id())
        .collect();
    let mut seen: BTreeSet<&str> = needed.iter().copied().collect();
    while let Some(id) = needed.pop() {
        let requires = tasks
            .iter()
            .filter(|t| t.id() == id)
            .flat_map(|t| t.requires());
        for required in requires {
            if let Some(task) = tasks.iter().find(|t| t.id() == required)
                && seen.insert(task.id())
            {
                needed.push(task.id());
            }
        }
    }
    tasks
        .iter()
        .map(|t| t.id())
        .filter(|id| !seen.contains(id))
        .collect()
}

pub(crate) fn plan_tasks(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &Context,
    r: &mut Renderer,
) -> Result<Vec<PlannedTask>> {
    let all: Vec<&Task> = plan.parts().flat_map(|b| &b.manifest.tasks).collect();
    let stretch = stretch_goals(&all, &plan.focus);
    let mut out: Vec<PlannedTask> = Vec::new();
    for blueprint in plan.parts() {
        for task in &blueprint.manifest.tasks {
            let name = |field: &str| format!("{} (task {} {field})", blueprint.origin, task.id);
            let mut each = |field: &str, items: &[String]| -> Result<Vec<String>> {
                items
                    .iter()
                    .map(|s| r.render_if_needed(&name(field), s, context))
                    .collect()
            };
            let tests = each("tests", &task.tests)?;
            let files = each("files", &task.files)?;
            let hints = each("hints", &task.hints)?;
            if let Some(other) = out.iter().find(|t| t.id == task.id) {
                return Err(Error::Blueprint {
                    path: blueprint.origin.clone(),
                    message: format!("task id {:?} is also used by {}", task.id, other.blueprint),
                });
            }
            out.push(PlannedTask {
                number: out.len() + 1,
                id: task.id.clone(),
                blueprint: blueprint.id().to_string(),
                title: task.title.clone(),
                summary: r.render_if_needed(&name("summary"), &task.summary, context)?,
                description: r.render_if_needed(
                    &name("description"),
                    &task.description,
                    context,
                )?,
                skills: task.skills.clone(),
                skill_names: task
                    .skills
                    .iter()
                    .map(|s| catalog.name_of(s).to_string())
                    .collect(),
                requires: task.requires.clone(),
                hints,
                tests,
                files,
                stretch: stretch.contains(task.id.as_str()),
            });
        }
    }
    let mut ordered = order_by_prerequisites(out);
    for (i, task) in ordered.iter_mut().enumerate() {
        task.number = i + 1;
    }
    Ok(ordered)
}

/// A stable topological order: each task keeps its place unless a task it requires has not
/// come yet. A requirement cycle (rejected by manifest validation) cannot stall the loop.
fn order_by_prerequisites(mut pending: Vec<PlannedTask>) -> Vec<PlannedTask> {
    let mut ordered: Vec<PlannedTask> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|t| {
                t.requires
                    .iter()
                    .all(|r| !pending.iter().any(|p| &p.id == r))
            })
            .unwrap_or(0);
        ordered.push(pending.remove(ready));
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, requires: &[&str]) -> PlannedTask {
        PlannedTask {
            number: 0,
            id: id.into(),
            blueprint: "b".into(),
            title: id.into(),
            summary: String::new(),
            description: String::new(),
            skills: vec![],
            skill_names: vec![],
            requires: requires.iter().map(|s| s.to_string()).collect(),
            hints: vec![],
            tests: vec![],
            files: vec![],
            stretch: false,
        }
    }

    fn manifest_task(id: &str, skills: &[&str], requires: &[&str]) -> Task {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        Task {
            id: id.into(),
            title: id.into(),
            summary: String::new(),
            description: String::new(),
            skills: list(skills),
            requires: list(requires),
            hints: vec!["h".into()],
            tests: vec!["tests/t.py".into()],
            files: vec![],
        }
    }

    fn stretch_of(tasks: &[Task], focus: &[&str]) -> Vec<String> {
        let tasks: Vec<&Task> = tasks.iter().collect();
        let focus: Vec<String> = focus.iter().map(|s| s.to_string()).collect();
        stretch_goals(&tasks, &focus)
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn tasks_a_chosen_task_requires_are_never_stretch_goals() {
        // The fastapi-service shape: the first pydantic task sits on two fastapi tasks.
        let tasks = [
            manifest_task("list", &["fastapi"], &[]),
            manifest_task("create", &["fastapi"], &["list"]),
            manifest_task("validate", &["pydantic"], &["create"]),
            manifest_task("update", &["pydantic"], &["validate"]),
            manifest_task("paginate", &["fastapi"], &["list"]),
            manifest_task("guard", &["security"], &["update"]),
        ];
        assert_eq!(stretch_of(&tasks, &["pydantic"]), ["guard", "paginate"]);
        assert_eq!(stretch_of(&tasks, &["security"]), ["paginate"]);
        assert_eq!(
            stretch_of(&tasks, &["fastapi"]),
            ["guard", "update", "validate"]
        );
    }

    #[test]
    fn without_a_focus_or_with_every_task_chosen_nothing_is_a_stretch_goal() {
        let tasks = [
            manifest_task("a", &["x"], &[]),
            manifest_task("b", &["y"], &["a"]),
        ];
        assert!(stretch_of(&tasks, &[]).is_empty());
        assert!(stretch_of(&tasks, &["y"]).is_empty());
        assert_eq!(stretch_of(&tasks, &["x"]), ["b"]);
        assert_eq!(stretch_of(&tasks, &["z"]), ["a", "b"]);
    }

    #[test]
    fn a_requirement_cycle_or_an_unknown_requirement_does_not_stall() {
        let tasks = [
            manifest_task("a", &["x"], &["b", "elsewhere"]),
            manifest_task("b", &["y"], &["a"]),
            manifest_task("c", &["y"], &[]),
        ];
        assert_eq!(stretch_of(&tasks, &["x"]), ["c"]);
    }

    #[test]
    fn prerequisites_come_first_and_order_is_otherwise_kept() {
        let tasks = vec![
            task("a", &[]),
            task("c", &["b"]),
            task("b", &["a"]),
            task("d", &[]),
        ];
        let ids: Vec<String> = order_by_prerequisites(tasks)
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
    }
}
