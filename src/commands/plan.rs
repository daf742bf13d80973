//! `skillforge plan --skills LIST [--json]`: the best project for the requested skills, what
//! each part covers, what nothing covers, the effort, and the next-best alternatives. Umbrella
//! words ("data science") are shown with the skills they were read as; words that name no
//! skill are ignored and named, with suggestions, as long as one skill is left.
//!
//! A project that exercises none of the requested skills is never offered: when nothing
//! covers any of them, `plan` says so and names the nearest base as only that, with no
//! command to generate it; alternatives that cover nothing requested are left out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::blueprint::Library;
use crate::blueprint::matching::{Expansion, SkillIndex, Unknown};
use crate::error::{Error, Result};
use crate::plan::planner::{self, Nearest, Proposal};

/// What `plan` shows: the best proposal for the requested skills and the next best.
#[derive(Serialize)]
struct Proposals<'a> {
    requested: &'a [String],
    /// Each umbrella word of the request and the skills it was read as.
    read_as: &'a [Expansion],
    /// The words that name no skill, left out, with suggestions.
    ignored: &'a [Unknown],
    #[serde(flatten)]
    best: &'a Proposal,
    /// Why each uncovered skill is not covered.
    uncovered_reasons: BTreeMap<&'a str, String>,
    alternatives: Vec<&'a Proposal>,
}

/// What `plan` shows when no project exercises any requested skill: no blueprint to make,
/// only the nearest one, named as such.
#[derive(Serialize)]
struct NothingCovers<'a> {
    requested: &'a [String],
    read_as: &'a [Expansion],
    ignored: &'a [Unknown],
    covered: [&'a str; 0],
    uncovered: &'a [String],
    uncovered_reasons: BTreeMap<&'a str, String>,
    nearest: Option<Nearest>,
    alternatives: [&'a str; 0],
}

/// What `plan` is asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Skills to practise, as typed: ids, names or aliases, comma-separated lists.
    pub skills: Vec<String>,
    /// One JSON object instead of text.
    pub json: bool,
    /// How many next-best proposals to show.
    pub alternatives: usize,
}

/// Ranks `library`'s projects for the skills asked and prints the best, as text or JSON.
pub fn run(library: &Library, args: &Options) -> Result<()> {
    let index = SkillIndex::new(&library.catalog);
    let reading = index.read(&args.skills).lenient()?;
    for unknown in &reading.unknown {
        crate::ui::warn(&format!("ignored: {}", unknown.explain()));
    }
    if !args.json {
        print_reading(&index, &reading.expanded);
    }
    let requested = &reading.skills;
    let ranked = planner::rank(
        library,
        requested,
        &reading.named,
        args.alternatives.saturating_add(1),
    )?;
    let (best, rest) = ranked.split_first().ok_or_else(|| Error::Blueprint {
        path: "blueprints".into(),
        message: "this build has no base blueprint to plan with".into(),
    })?;
    let reasons = best
        .uncovered
        .iter()
        .map(|s| (s.as_str(), planner::why_uncovered(library, s)))
        .collect();
    if best.covered.is_empty() {
        let nothing = NothingCovers {
            requested,
            read_as: &reading.expanded,
            ignored: &reading.unknown,
            covered: [],
            uncovered: requested,
            uncovered_reasons: reasons,
            nearest: planner::nearest(library, requested),
            alternatives: [],
        };
        if args.json {
            println!("{}", to_json(&nothing));
        } else {
            print_nothing(library, &nothing);
        }
        return Ok(());
    }
    let proposals = Proposals {
        requested,
        read_as: &reading.expanded,
        ignored: &reading.unknown,
        best,
        uncovered_reasons: reasons,
        alternatives: rest.iter().filter(|p| !p.covered.is_empty()).collect(),
    };
    if args.json {
        println!("{}", to_json(&proposals));
    } else {
        print_text(library, &proposals, &reading.known_words);
    }
    Ok(())
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("plain data serialises")
}

fn print_nothing(library: &Library, nothing: &NothingCovers<'_>) {
    let mut headline = planner::nothing_covers_text(library, nothing.requested);
    headline[..1].make_ascii_uppercase();
    println!("{headline}.");
    for (skill, reason) in &nothing.uncovered_reasons {
        println!("  {}: {reason}", library.catalog.name_of(skill));
    }
    match &nothing.nearest {
        Some(n) => println!(
            "\nThe nearest blueprint is {}, which exercises other {} skills but none of those \
             asked for; `skillforge show {}` describes it.",
            n.blueprint,
            n.shared.join(" and ").to_lowercase(),
            n.blueprint
        ),
        None => println!("\nNo blueprint is near them; `skillforge list` shows what there is."),
    }
}

/// Each umbrella word and the skills it was read as, one a line, then a blank line.
fn print_reading(index: &SkillIndex<'_>, expanded: &[Expansion]) {
    for expansion in expanded {
        println!("{}", index.describe(expansion));
    }
    if !expanded.is_empty() {
        println!();
    }
}

/// The plan as text; `words` are the known words of the request, for the `new` command shown.
fn print_text(library: &Library, proposals: &Proposals<'_>, words: &[String]) {
    let best = proposals.best;
    let name = |id: &str| library.catalog.name_of(id).to_string();
    println!("Best plan: {}", best.label());
    println!(
        "  {}; {} tasks ({} stretch), about {} hours",
        planner::coverage_text(best, &library.catalog),
        best.tasks,
        best.stretch_tasks,
        best.hours
    );
    for part in &best.parts {
        let covers: Vec<String> = part.covers.iter().map(|s| name(s)).collect();
        let covers = if covers.is_empty() {
            "no requested skill".to_string()
        } else {
            covers.join(", ")
        };
        println!("  {:20} {covers}", part.id);
    }
    for (skill, reason) in &proposals.uncovered_reasons {
        println!("  not covered: {} ({reason})", name(skill));
    }
    print_alternatives(library, &proposals.alternatives);
    println!(
        "\nGenerate it: skillforge new NAME --skills {:?} --yes",
        words.join(",")
    );
}

fn print_alternatives(library: &Library, alternatives: &[&Proposal]) {
    if alternatives.is_empty() {
        return;
    }
    println!("\nAlternatives:");
    for (i, p) in alternatives.iter().enumerate() {
        println!("  {}. {}", i + 2, planner::plan_line(p, &library.catalog));
    }
}
