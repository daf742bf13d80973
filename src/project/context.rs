//! The template context: the typed values every template may use (see
//! `docs/blueprint-format.md`, "Template context").

use serde::Serialize;

use crate::plan::Plan;
use crate::plan::answers::PYTHON_VERSIONS;
use crate::plan::naming::ProjectNames;

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub project: ProjectNames,
    /// The base blueprint's id, for add-on templates that adapt to it:
    /// `{{#if (eq base "fastapi-service")}}`.
    pub base: String,
    /// Every part of the project by id with `-` as `_`: `{{#if with.docker}}`.
    pub with: std::collections::BTreeMap<String, bool>,
    pub author: Author,
    pub python: PythonInfo,
    pub license: String,
    pub year: i32,
    /// Answers to the blueprints' own questions.
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// True while `export` renders the portfolio README: a description or README section
    /// leaves out what only a learner needs (`{{#unless portfolio}}...{{/unless}}`).
    pub portfolio: bool,
    /// True when the project has the GitHub Classroom workflow (`new --classroom`).
    pub classroom: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PythonInfo {
    /// The lowest supported version: `3.11`.
    pub min: String,
    /// Every supported version from `min` up, for test matrices.
    pub versions: Vec<String>,
}

impl Context {
    /// The context of `plan`'s project, made in `year` (the licence's).
    pub fn new(plan: &Plan<'_>, year: i32) -> Context {
        let answers = &plan.answers;
        let min = answers.python.clone();
        let versions = PYTHON_VERSIONS
            .iter()
            .skip_while(|v| **v != min)
            .map(|v| v.to_string())
            .collect();
        Context {
            project: plan.names.clone(),
            base: plan.base.id().to_string(),
            with: plan
                .parts()
                .map(|b| (b.id().replace('-', "_"), true))
                .collect(),
            author: Author {
                name: answers.author.clone(),
                email: answers.email.clone(),
            },
            python: PythonInfo { min, versions },
            license: answers.license.clone(),
            year,
            answers: answers
                .blueprints
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            portfolio: false,
            classroom: plan.classroom,
        }
    }
}
