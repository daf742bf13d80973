//! The project model: what every blueprint of a plan contributes, gathered into one value
//! that is written once.
//!
//! Blueprints contribute files of their own and typed parts (dependencies, tool settings,
//! README sections, ignore lines, tasks). The files that several parts would need to edit
//! (`pyproject.toml`, `README.md`, `TASKS.md`, `.gitignore`, `LICENSE`) belong to the model
//! and are rendered from the merged parts, never by a blueprint.

pub mod classroom;
mod context;
mod docs;
mod files;
pub mod portable;
mod pyproject;
mod tasks;

pub use context::Context;
pub use docs::not_covered;
pub use files::render_file;
pub use pyproject::BUILD_REQUIRES;
pub use tasks::{PlannedTask, stretch_goals};

use crate::blueprint::Catalog;
use crate::error::Result;
use crate::plan::Plan;
use crate::record::origin::Origin;
use crate::render::{Renderer, SafePath};

/// Files written by the model itself; a blueprint shipping one of these is an error.
pub const MODEL_FILES: &[&str] = &[
    "pyproject.toml",
    "README.md",
    "TASKS.md",
    ".gitignore",
    "LICENSE",
    crate::record::origin::PATH,
    classroom::PATH,
];

/// One file of the generated project.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: SafePath,
    pub contents: Vec<u8>,
    pub executable: bool,
    /// The part that contributes the file: a blueprint's id, or `skillforge` for the
    /// model's files. (A project's origin is its record, `record::origin`.)
    pub part: String,
}

/// Everything the generated project consists of, ready to write.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub files: Vec<OutputFile>,
    pub tasks: Vec<PlannedTask>,
}

/// Composes the plan's blueprints into one project made on the day `made` (its year is the
/// licence's), rendering every template in memory. `check` renders a project again exactly
/// as it was made by passing the day its origin file records (`Origin::made_on`).
pub fn compose(plan: &Plan<'_>, catalog: &Catalog, made: time::Date) -> Result<Project> {
    let context = Context::new(plan, made.year());
    let mut renderer = Renderer::new();
    let tasks = tasks::plan_tasks(plan, catalog, &context, &mut renderer)?;
    let mut files = files::blueprint_files(plan, &context, &mut renderer)?;
    files.push(model_file(
        "pyproject.toml",
        pyproject::render(plan, &context, &mut renderer)?,
    ));
    files.push(model_file(
        "README.md",
        docs::readme(plan, catalog, &context, &tasks, &mut renderer)?,
    ));
    files.push(model_file(
        "TASKS.md",
        docs::tasks_md(plan, catalog, &context, &tasks, &mut renderer)?,
    ));
    files.push(model_file(".gitignore", docs::gitignore(plan)));
    files.push(model_file(
        "LICENSE",
        docs::license(&context, &mut renderer)?,
    ));
    if plan.classroom {
        files.push(model_file(
            classroom::PATH,
            classroom::workflow(&context, &tasks, &mut renderer)?,
        ));
    }
    let origin = Origin::build(plan, made, &tasks, &files);
    files.push(model_file(crate::record::origin::PATH, origin.to_toml()));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Project {
        name: plan.names.name.clone(),
        files,
        tasks,
    })
}

/// The README.md `skillforge export` writes in place of the practice one, for the project
/// composed from `plan` on the day `made`: the blueprints' descriptions and sections, the
/// set-up and test commands, and `page` (a serializable value with `skills` and `checks`,
/// see `export::portfolio`), rendered from `blueprints/_project/portfolio-README.md.hbs`.
pub fn portfolio_readme<P: serde::Serialize>(
    plan: &Plan<'_>,
    catalog: &Catalog,
    made: time::Date,
    page: &P,
) -> Result<String> {
    let context = Context {
        portfolio: true,
        ..Context::new(plan, made.year())
    };
    let mut renderer = Renderer::new();
    let tasks = tasks::plan_tasks(plan, catalog, &context, &mut renderer)?;
    docs::portfolio(plan, catalog, &context, &tasks, page, &mut renderer)
}

/// The `pyproject.toml` of the project composed from `plan` on the day `made`, as `new`
/// wrote it and as the portfolio has it (the engine's texts for learners, such as the
/// reasons of `[tool.repo-review.ignore]`, replaced: see `Context::portfolio`).
pub fn pyproject_versions(plan: &Plan<'_>, made: time::Date) -> Result<(String, String)> {
    let practice = Context::new(plan, made.year());
    let portfolio = Context {
        portfolio: true,
        ..practice.clone()
    };
    let mut renderer = Renderer::new();
    Ok((
        pyproject::render(plan, &practice, &mut renderer)?,
        pyproject::render(plan, &portfolio, &mut renderer)?,
    ))
}

fn model_file(path: &str, contents: String) -> OutputFile {
    OutputFile {
        path: crate::render::safe_relative(path, "skillforge").expect("model paths are safe"),
        contents: contents.into_bytes(),
        executable: false,
        part: "skillforge".into(),
    }
}
