//! The project's tasks: every part's tasks with their text, test paths and file paths
//! rendered, ordered so that prerequisites come first, numbered, and marked as stretch goals
//! when the learner asked for skills and a task exercises none of them.

use serde::Serialize;

use super::Context;
use crate::blueprint::Catalog;
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
    /// Exercises none of the skills the learner asked for: optional.
    pub stretch: bool,
}

pub fn plan_tasks(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &Context,
    r: &mut Renderer,
) -> Result<Vec<PlannedTask>> {
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
                stretch: !plan.focus.is_empty()
                    && !task.skills.iter().any(|s| plan.focus.contains(s)),
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
