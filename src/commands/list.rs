//! `skillforge list [--json]`: the blueprints with their skills, difficulty and hours, and
//! for each add-on the bases it applies to and those it refuses, with the reason.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::blueprint::{Kind, Library, compat};

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
    /// An add-on's bases, `"*"` resolved against the library; absent for a base.
    #[serde(skip_serializing_if = "Option::is_none")]
    applies_to: Option<Vec<&'a str>>,
    /// An add-on's refused bases, each with why and what to use instead.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    not_for: &'a BTreeMap<String, String>,
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
            applies_to: (b.kind == Kind::Addon).then(|| {
                compat::bases_of(library, b)
                    .iter()
                    .map(|b| b.id())
                    .collect()
            }),
            not_for: &b.not_for,
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
        if let Some(bases) = &e.applies_to {
            println!("{:width$}  applies to: {}", "", bases.join(", "));
        }
        for (base, reason) in e.not_for {
            println!("{:width$}  not for {base}: {reason}", "");
        }
    }
}
