//! `skillforge skills [--json]`: the skill catalog by category, with the blueprints that
//! exercise each skill (through their own skill list or a task's).

use serde::Serialize;

use crate::blueprint::Library;

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
        println!("{}", category.name);
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
}

fn exercising<'a>(library: &'a Library, skill: &str) -> Vec<&'a str> {
    library
        .blueprints
        .iter()
        .filter(|b| b.all_skills().contains(&skill))
        .map(|b| b.id())
        .collect()
}
