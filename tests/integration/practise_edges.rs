//! Edges of the practise loop that need no Python: stretch goals a chosen task depends on.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{generate, sf};

/// The tasks of a generated project, from its origin file: (id, number, title, stretch).
fn origin_tasks(project: &Path) -> Vec<(String, i64, String, bool)> {
    let text = fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    let origin: toml::Table = toml::from_str(&text).unwrap();
    origin["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["number"].as_integer().unwrap(),
                t["title"].as_str().unwrap().to_string(),
                t["stretch"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn tasks_a_chosen_task_builds_on_are_not_stretch_goals() {
    // Task 3 (validate-input) exercises pydantic and requires 2, which requires 1.
    let (_dir, project) = generate("stretch-api", &["-s", "pydantic"]);
    let stretch: Vec<i64> = origin_tasks(&project)
        .into_iter()
        .filter(|t| t.3)
        .map(|t| t.1)
        .collect();
    assert_eq!(stretch, [5, 6, 7], "origin.toml stretch marks");
    let tasks_md = fs::read_to_string(project.join("TASKS.md")).unwrap();
    let marked: Vec<&str> = tasks_md
        .lines()
        .filter(|l| l.contains("(stretch goal, optional)"))
        .collect();
    assert_eq!(marked.len(), 3, "{tasks_md}");
    for title in [
        "List bookmarks",
        "Create and fetch bookmarks",
        "Validate input",
    ] {
        assert!(
            !marked.iter().any(|l| l.contains(title)),
            "{title} is marked as a stretch goal:\n{tasks_md}"
        );
    }
    let plan = sf(["plan", "-s", "pydantic", "--json"]).run().success();
    let plan: Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(plan["blueprint"], "fastapi-service");
    assert_eq!(
        plan["stretch_tasks"], 3,
        "the planner counts the same marks"
    );
}
