//! `skillforge skills [--json]`: the skill catalog by category, with the blueprints that
//! exercise each skill (through their own skill list or a task's), and the umbrella words
//! (a category's or group's name and aliases) that ask for several skills at once.

use serde::Serialize;

use crate::blueprint::Library;
use crate::blueprint::matching::key;

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    name: &'a str,
    category: &'a str,
    description: &'a str,
    aliases: &'a [String],
    practicable: bool,
    blueprints: Vec<&'a str>,
}

pub fn run(library: &Library, json: bool) {
    let entries: Vec<Entry<'_>> = library
        .catalog
        .skills
        .iter()
        .map(|s| Entry {
            id: &s.id,
            name: &s.name,
            category: &s.category,
            description: &s.description,
            aliases: &s.aliases,
            practicable: s.practicable,
            blueprints: exercising(library, &s.id),
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&entries).expect("plain data serialises")
        );
        return;
    }
    for category in &library.catalog.categories {
        println!(
            "{}{}",
            category.name,
            also(&category.name, &category.aliases)
        );
        for e in entries.iter().filter(|e| e.category == category.id) {
            let by = match (e.practicable, e.blueprints.is_empty()) {
                (false, _) => "(not practised by code)".to_string(),
                (true, true) => "-".to_string(),
                (true, false) => e.blueprints.join(", "),
            };
            println!("  {:24} {:32} {by}", e.id, e.name);
        }
        println!();
    }
    print_groups(library);
}

/// ` (also: python, core python)`: the other words for the category or group `name`, or
/// nothing.
fn also(name: &str, aliases: &[String]) -> String {
    let other: Vec<&str> = aliases
        .iter()
        .filter(|a| key(a) != key(name))
        .map(String::as_str)
        .collect();
    if other.is_empty() {
        String::new()
    } else {
        format!(" (also: {})", other.join(", "))
    }
}

/// The groups: each name, its other words, and the skills it stands for.
fn print_groups(library: &Library) {
    let catalog = &library.catalog;
    if catalog.groups.is_empty() {
        return;
    }
    println!("Groups (each name asks for all its skills)");
    for group in &catalog.groups {
        let skills = catalog.members(&group.categories, &group.skills);
        println!(
            "  {}{}: {}",
            group.name,
            also(&group.name, &group.aliases),
            skills.join(", ")
        );
    }
}

fn exercising<'a>(library: &'a Library, skill: &str) -> Vec<&'a str> {
    library
        .blueprints
        .iter()
        .filter(|b| b.all_skills().contains(&skill))
        .map(|b| b.id())
        .collect()
}
