//! `skillforge list [--json]`: the blueprints with their skills, difficulty and hours.

use serde::Serialize;

use crate::blueprint::{Kind, Library};

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    summary: &'a str,
    difficulty: &'a str,
    hours: u32,
    tasks: usize,
    skills: &'a [String],
}

pub fn run(library: &Library, json: bool) {
    let entries: Vec<Entry<'_>> = library
        .blueprints
        .iter()
        .map(|b| Entry {
            id: b.id(),
            kind: b.kind,
            title: &b.title,
            summary: &b.summary,
            difficulty: b.difficulty.as_str(),
            hours: b.hours,
            tasks: b.tasks.len(),
            skills: &b.skills,
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&entries).expect("plain data serialises")
        );
        return;
    }
    let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(2).max(2);
    println!(
        "{:width$}  {:5}  {:12}  {:>5}  {:>5}  SKILLS",
        "ID", "KIND", "DIFFICULTY", "HOURS", "TASKS"
    );
    for e in &entries {
        let kind = if e.kind == Kind::Base {
            "base"
        } else {
            "addon"
        };
        println!(
            "{:width$}  {kind:5}  {:12}  {:>5}  {:>5}  {}",
            e.id,
            e.difficulty,
            e.hours,
            e.tasks,
            e.skills.join(", ")
        );
        println!("{:width$}  {}", "", e.summary);
    }
}
