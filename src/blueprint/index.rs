//! What `list`, `plan`, `skills` and the choice of parts need of a blueprint, without its
//! texts, hints, questions or files: the library holds one `Summary` per blueprint and
//! parses a full manifest only when a command asks for that blueprint.
//!
//! For the embedded blueprints `build.rs` writes the summaries as JSON next to the manifests'
//! copies, so start-up reads a few hundred bytes per blueprint however many there are. A
//! blueprint from elsewhere gets its summary from its parsed manifest (`Summary::of`).

use serde::Deserialize;

use super::manifest::Difficulty;
use super::{Kind, Manifest, Task};

/// A blueprint's identity, composition rules, effort and skills.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub difficulty: Difficulty,
    /// Estimated hours for the whole blueprint, as the manifest says.
    pub hours: u32,
    /// The blueprint's own skill list (catalog ids); its tasks' skills are in `tasks`.
    pub skills: Vec<String>,
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub conflicts: Vec<String>,
    /// Bases an add-on refuses, each with the reason and what to use instead (`[not-for]`).
    #[serde(default)]
    pub not_for: std::collections::BTreeMap<String, String>,
    /// The tasks, in manifest order.
    #[serde(default)]
    pub tasks: Vec<TaskSummary>,
    /// Where the manifest is, for error messages: `fastapi-service/blueprint.toml`.
    #[serde(skip)]
    pub origin: String,
}

/// A task's id, skills and the tasks it requires: what the planner scores.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaskSummary {
    pub id: String,
    pub skills: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
}

impl Summary {
    /// The summary of a parsed manifest read from `origin`.
    pub fn of(manifest: &Manifest, origin: &str) -> Summary {
        let m = manifest;
        Summary {
            id: m.id.clone(),
            kind: m.kind,
            title: m.title.clone(),
            summary: m.summary.clone(),
            difficulty: m.difficulty,
            hours: m.hours,
            skills: m.skills.clone(),
            applies_to: m.applies_to.clone(),
            requires: m.requires.clone(),
            conflicts: m.conflicts.clone(),
            not_for: m.not_for.clone(),
            tasks: m
                .tasks
                .iter()
                .map(|t| TaskSummary {
                    id: t.id.clone(),
                    skills: t.skills.clone(),
                    requires: t.requires.clone(),
                })
                .collect(),
            origin: origin.to_string(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Skills the blueprint exercises: its own list and every task's, sorted, once each.
    pub fn all_skills(&self) -> Vec<&str> {
        let tasks = self.tasks.iter().flat_map(|t| &t.skills);
        let mut skills: Vec<&str> = self
            .skills
            .iter()
            .chain(tasks)
            .map(String::as_str)
            .collect();
        skills.sort_unstable();
        skills.dedup();
        skills
    }
}

/// The links between tasks that decide which are stretch goals (`project::stretch_goals`),
/// shared by full tasks and their summaries so the planner counts what the project marks.
pub trait TaskLinks {
    fn id(&self) -> &str;
    fn skills(&self) -> &[String];
    fn requires(&self) -> &[String];
}

impl TaskLinks for Task {
    fn id(&self) -> &str {
        &self.id
    }
    fn skills(&self) -> &[String] {
        &self.skills
    }
    fn requires(&self) -> &[String] {
        &self.requires
    }
}

impl TaskLinks for TaskSummary {
    fn id(&self) -> &str {
        &self.id
    }
    fn skills(&self) -> &[String] {
        &self.skills
    }
    fn requires(&self) -> &[String] {
        &self.requires
    }
}
