//! The project's tasks: every blueprint's tasks, numbered in order, with their text, test
//! paths and file paths rendered.

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
            });
        }
    }
    Ok(out)
}
