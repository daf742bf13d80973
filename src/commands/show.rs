//! `skillforge show ID`: one blueprint's questions, tasks and files.

use crate::answers::default_text;
use crate::blueprint::Library;
use crate::error::{Error, Result};

pub fn run(library: &Library, id: &str) -> Result<()> {
    let b = library.get(id).ok_or_else(|| Error::UnknownBlueprint {
        id: id.to_string(),
        available: library.ids(),
    })?;
    let m = &b.manifest;
    println!(
        "{} ({} {}, {})",
        m.title,
        m.id,
        m.version,
        if m.kind == crate::blueprint::Kind::Base {
            "base"
        } else {
            "add-on"
        }
    );
    println!("{}", m.summary);
    println!(
        "difficulty: {}; about {} hours; {} tasks",
        m.difficulty.as_str(),
        m.hours,
        m.tasks.len()
    );
    let skills: Vec<&str> = m
        .skills
        .iter()
        .map(|s| library.catalog.name_of(s))
        .collect();
    println!("skills: {}", skills.join(", "));
    if m.kind == crate::blueprint::Kind::Addon {
        let bases = crate::blueprint::compat::bases_of(library, b);
        let ids: Vec<&str> = bases.iter().map(|b| b.id()).collect();
        println!("applies to: {}", ids.join(", "));
        for (base, reason) in &m.not_for {
            println!("not for {base}: {reason}");
        }
    }
    if !m.questions.is_empty() {
        println!("\nquestions (answer with --set ID=VALUE):");
        for q in &m.questions {
            let default = default_text(q)
                .map(|d| format!(" [default: {d}]"))
                .unwrap_or_default();
            println!("  {:16} {}{default}", q.id, q.prompt);
        }
    }
    println!("\ntasks:");
    for (i, t) in m.tasks.iter().enumerate() {
        let skills: Vec<&str> = t
            .skills
            .iter()
            .map(|s| library.catalog.name_of(s))
            .collect();
        println!("  {:2}. {:24} {}", i + 1, t.id, t.title);
        println!(
            "      skills: {}; tests: {}",
            skills.join(", "),
            t.tests.join(" ")
        );
    }
    println!("\nfiles (starter; * = replaced or added by the solution):");
    let solution: Vec<&str> = b.solution.iter().map(|f| f.rel.as_str()).collect();
    for f in &b.template {
        let mark = if solution.contains(&f.rel.as_str()) {
            "*"
        } else {
            " "
        };
        println!("  {mark} {}", f.rel);
    }
    for f in b
        .solution
        .iter()
        .filter(|f| !b.template.iter().any(|t| t.rel == f.rel))
    {
        println!("  * {}", f.rel);
    }
    println!("  + pyproject.toml README.md TASKS.md .gitignore LICENSE (written by skillforge)");
    Ok(())
}
