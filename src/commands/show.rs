//! `skillforge show ID`: one blueprint's questions, tasks and files.

use std::collections::{BTreeMap, BTreeSet};

use crate::blueprint::{Blueprint, Library, SourceFile, steps};
use crate::error::{Error, Result};
use crate::plan::answers::default_text;

pub fn run(library: &Library, id: &str) -> Result<()> {
    let b = library.get(id)?.ok_or_else(|| Error::UnknownBlueprint {
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
        let own = crate::blueprint::Summary::of(m, &b.origin);
        let bases = crate::blueprint::compat::bases_of(library, &own);
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
    print_files(b)
}

/// The starter's files, marked where the steps change, add or delete them.
fn print_files(b: &Blueprint) -> Result<()> {
    println!("\nfiles (starter; * = changed or added by the steps, - = deleted):");
    // Keyed by output path, so a file a step replaces by its `.hbs` twin counts as changed.
    let by_output = |tree: steps::Tree| -> BTreeMap<String, SourceFile> {
        let output = |rel: &str| rel.strip_suffix(".hbs").unwrap_or(rel).to_string();
        tree.into_values().map(|f| (output(&f.rel), f)).collect()
    };
    let template = by_output(steps::tree(&b.template));
    let solved = by_output(steps::solved(b)?);
    let paths: BTreeSet<&String> = template.keys().chain(solved.keys()).collect();
    for path in paths {
        let (mark, file) = match (template.get(path), solved.get(path)) {
            (Some(t), None) => ("-", t),
            (Some(t), Some(s)) if t.bytes == s.bytes && t.rel == s.rel => (" ", t),
            (Some(t), Some(_)) => ("*", t),
            (None, Some(s)) => ("*", s),
            (None, None) => unreachable!("every path comes from one of them"),
        };
        println!("  {mark} {}", file.rel);
    }
    println!("  + pyproject.toml README.md TASKS.md .gitignore LICENSE (written by skillforge)");
    Ok(())
}
