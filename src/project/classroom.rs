//! The GitHub Classroom autograding workflow that `new --classroom` adds: one graded step
//! per task of the whole project (every part's tasks, in TASKS.md's order), so it belongs
//! to the model, which alone knows them all, rendered from
//! `blueprints/_project/classroom.yml.hbs`.
//!
//! Each step runs `skillforge check --shipped-tests-only --task ID`, which grades with the
//! blueprint's tests as skillforge renders them, never the repository's, and ignores the
//! test edits a student accepted in `.skillforge/origin.toml` (else accepting
//! `assert True` would pass), with `classroom-resources`' command grader, and the grading reporter adds the steps' points up for GitHub Classroom.

use serde::Serialize;

use super::{Context, PlannedTask};
use crate::error::Result;
use crate::practice::results::TASK_POINTS;
use crate::render::Renderer;

/// Where the workflow is written in a project.
pub const PATH: &str = ".github/workflows/classroom.yml";

/// The template it is rendered from.
const TEMPLATE: &str = "_project/classroom.yml.hbs";

/// Minutes one task's grading step may take (the command grader's `timeout`): a task has
/// a few tests, each stopped by `check` after the blueprint's `test-timeout` (180 s at
/// most today), and the first run of mypy or Docker is slow.
const STEP_MINUTES: u32 = 15;

#[derive(Serialize)]
struct Workflow<'a> {
    /// The skillforge version that made the project: the one that grades it.
    skillforge: &'static str,
    /// The project's lowest supported Python, which its requires-python accepts.
    python: &'a str,
    points_each: u32,
    total: u32,
    steps: Vec<Step>,
    /// The steps' ids, comma-separated, for the reporter.
    runners: String,
}

/// One graded step. Text values are YAML double-quoted strings (JSON's), so a title
/// with a colon or a quote stays one value.
#[derive(Serialize)]
struct Step {
    id: String,
    name: String,
    test_name: String,
    command: String,
    timeout: u32,
    points: u32,
    /// The environment variable the reporter reads the step's result from.
    env: String,
    /// The expression that passes it.
    result: String,
}

/// The workflow's text for `tasks`, the project's tasks in order.
pub(crate) fn workflow(
    context: &Context,
    tasks: &[PlannedTask],
    renderer: &mut Renderer,
) -> Result<String> {
    let steps: Vec<Step> = tasks.iter().map(Step::of).collect();
    let workflow = Workflow {
        skillforge: env!("CARGO_PKG_VERSION"),
        python: &context.python.min,
        points_each: TASK_POINTS,
        total: TASK_POINTS * u32::try_from(tasks.len()).unwrap_or(u32::MAX),
        runners: steps
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        steps,
    };
    let text = super::docs::asset(TEMPLATE);
    renderer.render(TEMPLATE, text, &workflow)
}

impl Step {
    fn of(task: &PlannedTask) -> Step {
        // Letters and digits only: the reporter reads `<ID>_RESULTS`, and its own check of
        // `runners` accepts nothing else.
        let id = format!("task{}", task.number);
        let quoted = |text: &str| serde_json::to_string(text).expect("a string serializes");
        let stretch = if task.stretch { ", stretch goal" } else { "" };
        Step {
            name: quoted(&format!(
                "task {}: {} ({TASK_POINTS} points{stretch})",
                task.number, task.title
            )),
            test_name: quoted(&format!("{}. {} ({})", task.number, task.title, task.id)),
            command: quoted(&format!(
                "skillforge check --shipped-tests-only --task {}",
                task.id
            )),
            timeout: STEP_MINUTES,
            points: TASK_POINTS,
            env: format!("{}_RESULTS", id.to_uppercase()),
            result: format!("${{{{ steps.{id}.outputs.result }}}}"),
            id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_quotes_its_texts_and_names_its_result_by_a_plain_id() {
        let task = PlannedTask {
            number: 3,
            id: "guard-routes".into(),
            blueprint: "b".into(),
            title: "Guard: the \"admin\" routes".into(),
            summary: String::new(),
            description: String::new(),
            skills: vec![],
            skill_names: vec![],
            requires: vec![],
            hints: vec![],
            tests: vec![],
            files: vec![],
            stretch: true,
        };
        let step = Step::of(&task);
        assert_eq!(step.id, "task3");
        assert_eq!(step.env, "TASK3_RESULTS");
        assert_eq!(step.result, "${{ steps.task3.outputs.result }}");
        assert_eq!(
            step.command,
            "\"skillforge check --shipped-tests-only --task guard-routes\""
        );
        assert_eq!(
            step.name,
            "\"task 3: Guard: the \\\"admin\\\" routes (10 points, stretch goal)\""
        );
    }
}
