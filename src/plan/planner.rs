//! From requested skills to the best project: one base blueprint plus add-ons.
//!
//! Every valid combination that could matter is scored and the optimum is found, not
//! guessed. The score is a plain lexicographic order a user can follow:
//!
//! 1. more of the skills named themselves covered: a skill typed by its own name counts
//!    before one that only an umbrella word brought in ("web development, flask" wants
//!    Flask first, then as much of web development as fits);
//! 2. more requested skills covered;
//! 3. fewer stretch tasks (tasks that exercise none of the requested skills and that no
//!    task exercising one requires);
//! 4. fewer estimated hours;
//! 5. fewer parts; then ids, so the ranking is deterministic.
//!
//! An add-on that covers no requested skill, and that no such add-on requires, is left out
//! before the search: dropping it from any valid project keeps the project valid (nothing
//! left requires it, and fewer parts cannot conflict more), covers the same skills, and has
//! no more stretch tasks or hours and fewer parts (its tasks exercise nothing requested and
//! task requirements stay inside a blueprint), so it never beats the project without it.
//! (When two of a base's possible parts share a task id, nothing is pruned for that base.)
//! Such projects are not offered as alternatives either. The remaining subsets are enumerated
//! in full, each keyed from its parts' precomputed sums, and only the best few asked for are
//! then scored in full; when one base has more than `MAX_CANDIDATES` add-ons left, the plan is
//! refused with the reason instead of cut short. Planning reads the library's summaries only:
//! no manifest is parsed.

use serde::Serialize;

use crate::blueprint::{Kind, Library, Summary, TaskSummary, compat};
use crate::error::{Error, Result};
use crate::project::stretch_goals;

/// The most add-ons one base may keep after pruning: their 2^16 = 65 536 subsets are scored
/// in well under a second; beyond that the plan is refused rather than silently cut.
pub const MAX_CANDIDATES: usize = 16;

/// One candidate project and why it scores as it does.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub blueprint: String,
    pub addons: Vec<String>,
    /// Requested skills this project exercises, in the order they were requested.
    pub covered: Vec<String>,
    /// Requested skills it does not exercise.
    pub uncovered: Vec<String>,
    /// Which requested skills each part covers.
    pub parts: Vec<PartCoverage>,
    pub tasks: usize,
    /// Optional stretch goals: tasks that exercise none of the requested skills and that no
    /// task exercising one requires. The same count as the project's stretch marks.
    pub stretch_tasks: usize,
    pub hours: u32,
    /// How many of the skills named themselves (not through an umbrella word) it covers.
    #[serde(skip)]
    pub named_covered: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartCoverage {
    pub id: String,
    pub covers: Vec<String>,
}

impl Proposal {
    fn rank_key(
        &self,
    ) -> (
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
        usize,
        u32,
        usize,
        String,
    ) {
        let ids = std::iter::once(self.blueprint.as_str())
            .chain(self.addons.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("+");
        (
            std::cmp::Reverse(self.named_covered),
            std::cmp::Reverse(self.covered.len()),
            self.stretch_tasks,
            self.hours,
            self.addons.len(),
            ids,
        )
    }

    /// `base + addon + ...`, for people.
    pub fn label(&self) -> String {
        std::iter::once(self.blueprint.as_str())
            .chain(self.addons.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// The `limit` best valid projects for `requested` (catalog ids, umbrella words expanded),
/// best first, among those that include no add-on covering nothing requested (see the
/// module's note); the first is the optimum over every valid project. `named`: those of
/// `requested` the user named themselves, which count first (none: every skill counts the
/// same). Fails when one base has more than `MAX_CANDIDATES` such add-ons, naming them, or
/// when more than 128 skills are requested.
pub fn rank(
    library: &Library,
    requested: &[String],
    named: &[String],
    limit: usize,
) -> Result<Vec<Proposal>> {
    if requested.len() > 128 {
        return Err(Error::TooManySkills {
            count: requested.len(),
            limit: 128,
        });
    }
    let mut searches = Vec::new();
    for base in library.blueprints.iter().filter(|b| b.kind == Kind::Base) {
        let candidates: Vec<Part<'_>> = candidates(library, base, requested)
            .into_iter()
            .map(|a| Part::new(a, requested))
            .collect();
        if candidates.len() > MAX_CANDIDATES {
            return Err(Error::PlanTooLarge {
                base: base.id.clone(),
                count: candidates.len(),
                limit: MAX_CANDIDATES,
                addons: candidates
                    .iter()
                    .map(|c| c.summary.id())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        searches.push((Part::new(base, requested), candidates));
    }
    let named_bits = requested
        .iter()
        .enumerate()
        .filter(|(_, r)| named.contains(r))
        .fold(0u128, |b, (i, _)| b | 1 << i);
    let mut found = Vec::new();
    for (index, (base, candidates)) in searches.iter().enumerate() {
        let asked = Asked {
            requested,
            named,
            named_bits,
        };
        search(index, base, candidates, &asked, &mut found);
    }
    keep_best(&mut found, limit);
    let mut proposals: Vec<Proposal> = found
        .iter()
        .map(|f| {
            let (base, candidates) = &searches[f.base];
            proposal(base, candidates, f.mask, requested, named)
        })
        .collect();
    proposals.sort_by_cached_key(Proposal::rank_key);
    proposals.truncate(limit);
    Ok(proposals)
}

/// `Proposal::rank_key` without the ids: named skills covered and covered skills (more
/// first), stretch tasks, hours, parts.
type Key = (
    std::cmp::Reverse<u32>,
    std::cmp::Reverse<u32>,
    usize,
    u32,
    u32,
);

/// The skills a search ranks for: every one requested, those named themselves, and the
/// same as bits (bit `i` for `requested[i]`).
struct Asked<'a> {
    requested: &'a [String],
    named: &'a [String],
    named_bits: u128,
}

/// A valid project found by `search`: its key, the index of its base's search and the mask
/// of its add-ons among that base's candidates.
#[derive(Clone, Copy)]
struct Found {
    key: Key,
    base: usize,
    mask: u32,
}

/// Every valid subset of `candidates` on `base`, with its key. A subset's rules, coverage,
/// stretch tasks and hours are those of the subset without its lowest add-on combined with
/// that add-on's, so each costs a few instructions. Stretch tasks add up part by part because
/// a task requires only tasks of its own blueprint; when two parts share a task id (so a
/// requirement could resolve across parts) every subset is scored in full instead.
fn search(
    index: usize,
    base: &Part<'_>,
    candidates: &[Part<'_>],
    asked: &Asked<'_>,
    found: &mut Vec<Found>,
) {
    let rules = Rules::of(candidates);
    let separate = task_ids_unique(base, candidates);
    let size = 1usize << candidates.len();
    let mut requires = vec![0u32; size];
    let mut conflicts = vec![0u32; size];
    let mut covers = vec![base.bits; size];
    let mut sums = vec![(base.stretch, base.summary.hours); size];
    for mask in 0..size {
        if mask > 0 {
            let low = mask.trailing_zeros() as usize;
            let rest = mask & (mask - 1);
            let part = &candidates[low];
            requires[mask] = requires[rest] | rules.requires[low];
            conflicts[mask] = conflicts[rest] | rules.conflicts[low];
            covers[mask] = covers[rest] | part.bits;
            sums[mask] = (
                sums[rest].0 + part.stretch,
                sums[rest].1 + part.summary.hours,
            );
        }
        let bits = mask as u32;
        if requires[mask] & !bits != 0 || conflicts[mask] & bits != 0 {
            continue;
        }
        let key = if separate {
            let named = std::cmp::Reverse((covers[mask] & asked.named_bits).count_ones());
            let covered = std::cmp::Reverse(covers[mask].count_ones());
            (
                named,
                covered,
                sums[mask].0,
                sums[mask].1,
                bits.count_ones() + 1,
            )
        } else {
            let p = proposal(base, candidates, bits, asked.requested, asked.named);
            let parts = p.parts.len() as u32;
            (
                std::cmp::Reverse(p.named_covered as u32),
                std::cmp::Reverse(p.covered.len() as u32),
                p.stretch_tasks,
                p.hours,
                parts,
            )
        };
        found.push(Found {
            key,
            base: index,
            mask: bits,
        });
    }
}

/// Whether no two of the parts share a task id.
fn task_ids_unique(base: &Part<'_>, candidates: &[Part<'_>]) -> bool {
    let mut seen = std::collections::HashSet::new();
    std::iter::once(base)
        .chain(candidates)
        .flat_map(|p| &p.summary.tasks)
        .all(|t| seen.insert(t.id.as_str()))
}

/// Keeps the `limit` best of `found` by key, and every other one tied with the last of them
/// (the ids decide among those).
fn keep_best(found: &mut Vec<Found>, limit: usize) {
    if limit == 0 {
        found.clear();
    }
    if limit == 0 || found.len() <= limit {
        return;
    }
    found.select_nth_unstable_by_key(limit - 1, |f| f.key);
    let edge = found[limit - 1].key;
    let ties: Vec<Found> = found[limit..]
        .iter()
        .filter(|f| f.key == edge)
        .copied()
        .collect();
    found.truncate(limit);
    found.extend(ties);
}

/// The project of `base` with the candidates in `mask`, add-ons ordered after those they
/// require, scored in full.
fn proposal(
    base: &Part<'_>,
    candidates: &[Part<'_>],
    mask: u32,
    requested: &[String],
    named: &[String],
) -> Proposal {
    let chosen: Vec<&Summary> = (0..candidates.len())
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| candidates[i].summary)
        .collect();
    let parts: Vec<&Part<'_>> = compat::order_by_requirements(chosen)
        .iter()
        .filter_map(|a| candidates.iter().find(|c| c.summary.id == a.id))
        .collect();
    score(base, &parts, requested, named)
}

/// One part of a plan with what it contributes to a score, worked out once per search.
struct Part<'a> {
    summary: &'a Summary,
    /// The requested skills it covers, in the order requested.
    covers: Vec<String>,
    /// The same as bits: bit `i` for `requested[i]`.
    bits: u128,
    /// Its stretch tasks, counted among its own tasks.
    stretch: usize,
}

impl<'a> Part<'a> {
    fn new(summary: &'a Summary, requested: &[String]) -> Part<'a> {
        let skills = summary.all_skills();
        let bits = requested
            .iter()
            .enumerate()
            .filter(|(_, r)| skills.contains(&r.as_str()))
            .fold(0u128, |b, (i, _)| b | 1 << i);
        let covers = requested
            .iter()
            .filter(|r| skills.contains(&r.as_str()))
            .cloned()
            .collect();
        let tasks: Vec<&TaskSummary> = summary.tasks.iter().collect();
        let stretch = stretch_goals(&tasks, requested);
        let stretch = tasks
            .iter()
            .filter(|t| stretch.contains(t.id.as_str()))
            .count();
        Part {
            summary,
            covers,
            bits,
            stretch,
        }
    }
}

/// The add-ons worth trying on `base`: those compatible with it that cover a requested skill,
/// with the compatible add-ons they require, directly or not; then, repeatedly, without any
/// whose requirement is neither the base nor kept (it could never be valid). Library order.
fn candidates<'a>(library: &'a Library, base: &Summary, requested: &[String]) -> Vec<&'a Summary> {
    let compatible = compat::compatible_addons(library, base.id());
    let mut seen = std::collections::HashSet::new();
    let tasks = std::iter::once(base).chain(compatible.iter().copied());
    // A shared task id lets one part's requirement reach into another, and leaving out a part
    // could then turn a required task into a stretch goal: then nothing is pruned for coverage.
    let shared = !tasks
        .flat_map(|p| &p.tasks)
        .all(|t| seen.insert(t.id.as_str()));
    let useful = |a: &Summary| {
        a.all_skills()
            .iter()
            .any(|s| requested.iter().any(|r| r == s))
    };
    let mut kept: Vec<bool> = compatible.iter().map(|a| shared || useful(a)).collect();
    let index = |id: &str| compatible.iter().position(|c| c.id == id);
    let mut grew = true;
    while grew {
        grew = false;
        for i in 0..compatible.len() {
            if !kept[i] {
                continue;
            }
            for r in &compatible[i].requires {
                if let Some(j) = index(r).filter(|&j| !kept[j]) {
                    kept[j] = true;
                    grew = true;
                }
            }
        }
    }
    let mut shrank = true;
    while shrank {
        shrank = false;
        for i in 0..compatible.len() {
            let met = |r: &String| *r == base.id || index(r).is_some_and(|j| kept[j]);
            if kept[i] && !compatible[i].requires.iter().all(met) {
                kept[i] = false;
                shrank = true;
            }
        }
    }
    compatible
        .into_iter()
        .zip(kept)
        .filter_map(|(a, k)| k.then_some(a))
        .collect()
}

/// The composition rules among candidates as bit masks, so each subset is checked in a few
/// instructions; the same rules `compat::resolve` applies to a `--with` list.
struct Rules {
    /// For each candidate, the candidates it requires.
    requires: Vec<u32>,
    /// For each candidate, the candidates it conflicts with, either way round.
    conflicts: Vec<u32>,
}

impl Rules {
    fn of(candidates: &[Part<'_>]) -> Rules {
        let bit = |id: &str| {
            candidates
                .iter()
                .position(|c| c.summary.id == id)
                .map_or(0, |i| 1u32 << i)
        };
        let requires = candidates
            .iter()
            .map(|c| c.summary.requires.iter().fold(0, |m, r| m | bit(r)))
            .collect();
        let conflicts = candidates
            .iter()
            .map(|c| {
                let named = c.summary.conflicts.iter().fold(0, |m, r| m | bit(r));
                let naming = candidates
                    .iter()
                    .filter(|o| o.summary.conflicts.contains(&c.summary.id))
                    .fold(0, |m, o| m | bit(&o.summary.id));
                named | naming
            })
            .collect();
        Rules {
            requires,
            conflicts,
        }
    }
}

fn score(
    base: &Part<'_>,
    addons: &[&Part<'_>],
    requested: &[String],
    named: &[String],
) -> Proposal {
    let parts: Vec<&Part<'_>> = std::iter::once(base)
        .chain(addons.iter().copied())
        .collect();
    let coverage: Vec<PartCoverage> = parts
        .iter()
        .map(|p| PartCoverage {
            id: p.summary.id.clone(),
            covers: p.covers.clone(),
        })
        .collect();
    let (covered, uncovered): (Vec<String>, Vec<String>) = requested
        .iter()
        .cloned()
        .partition(|r| coverage.iter().any(|c| c.covers.contains(r)));
    let all_tasks: Vec<&TaskSummary> = parts.iter().flat_map(|p| &p.summary.tasks).collect();
    let stretch = stretch_goals(&all_tasks, requested);
    let stretch_tasks = all_tasks
        .iter()
        .filter(|t| stretch.contains(t.id.as_str()))
        .count();
    Proposal {
        blueprint: base.summary.id.clone(),
        addons: addons.iter().map(|a| a.summary.id.clone()).collect(),
        uncovered,
        parts: coverage,
        tasks: all_tasks.len(),
        stretch_tasks,
        hours: parts.iter().map(|p| p.summary.hours).sum(),
        named_covered: covered.iter().filter(|c| named.contains(c)).count(),
        covered,
    }
}

/// How a proposal covers the requested skills, for people: "covers 2 of 2 requested skills",
/// or with the rest named, "covers 1 of 2 requested skills; not covered: Decorators"
/// (display names from `catalog`).
pub fn coverage_text(p: &Proposal, catalog: &crate::blueprint::Catalog) -> String {
    let total = p.covered.len() + p.uncovered.len();
    let mut text = format!("covers {} of {total} requested skills", p.covered.len());
    if !p.uncovered.is_empty() {
        let names: Vec<&str> = p.uncovered.iter().map(|s| catalog.name_of(s)).collect();
        text.push_str(&format!("; not covered: {}", names.join(", ")));
    }
    text
}

/// One ranked plan on one line, as `plan` lists alternatives and `new` offers them:
/// "pypi-package: covers 1 of 2 requested skills; not covered: Decorators; 8 tasks (7 stretch), ~10 h".
pub fn plan_line(p: &Proposal, catalog: &crate::blueprint::Catalog) -> String {
    format!(
        "{}: {}; {} tasks ({} stretch), ~{} h",
        p.label(),
        coverage_text(p, catalog),
        p.tasks,
        p.stretch_tasks,
        p.hours
    )
}

/// Says that no project exercises any of `requested` (catalog ids), for people: "nothing
/// exercises Kubernetes or Microservices yet", or for skills no code can exercise
/// (communication), "no code project can exercise Communication". No capital, no full stop.
pub fn nothing_covers_text(library: &Library, requested: &[String]) -> String {
    let catalog = &library.catalog;
    let (code, other): (Vec<&String>, Vec<&String>) = requested
        .iter()
        .partition(|s| catalog.get(s).is_none_or(|k| k.practicable));
    let names = |skills: &[&String]| {
        let names: Vec<&str> = skills.iter().map(|s| catalog.name_of(s)).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        }
    };
    match (code.is_empty(), other.is_empty()) {
        (false, true) => format!("nothing exercises {} yet", names(&code)),
        (true, _) => format!("no code project can exercise {}", names(&other)),
        (false, false) => format!(
            "nothing exercises {} yet, and no code project can exercise {}",
            names(&code),
            names(&other)
        ),
    }
}

/// A base blueprint close to skills none of the library's projects exercises, for saying so
/// rather than offering a project that practises none of them.
#[derive(Debug, Clone, Serialize)]
pub struct Nearest {
    /// The base's id.
    pub blueprint: String,
    /// The catalog categories (display names) it shares with the requested skills.
    pub shared: Vec<String>,
}

/// The base whose skills fall in the most of the requested skills' catalog categories
/// (microservices are web development, as FastAPI is); among those, the one with the most
/// skills in them, then the earlier in the library. `None` when no base shares a category
/// with any.
pub fn nearest(library: &Library, requested: &[String]) -> Option<Nearest> {
    let catalog = &library.catalog;
    let category = |id: &str| catalog.get(id).map(|s| s.category.clone());
    let wanted: Vec<String> = requested.iter().filter_map(|r| category(r)).collect();
    let mut best: Option<((usize, usize), Nearest)> = None;
    for base in library.blueprints.iter().filter(|b| b.kind == Kind::Base) {
        let own: Vec<String> = base.all_skills().into_iter().filter_map(category).collect();
        let mut shared: Vec<String> = Vec::new();
        for c in wanted.iter().filter(|c| own.contains(c)) {
            let name = catalog
                .categories
                .iter()
                .find(|k| &k.id == c)
                .map_or(c.clone(), |k| k.name.clone());
            if !shared.contains(&name) {
                shared.push(name);
            }
        }
        let shares = wanted.iter().filter(|c| own.contains(c)).count();
        let depth = own.iter().filter(|c| wanted.contains(c)).count();
        let score = (shares, depth);
        if shares > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            let blueprint = base.id.clone();
            best = Some((score, Nearest { blueprint, shared }));
        }
    }
    best.map(|(_, n)| n)
}

/// Why a requested skill is not covered by the best plan, for people.
pub fn why_uncovered(library: &Library, skill: &str) -> String {
    match library.catalog.get(skill) {
        Some(s) if !s.practicable => "a professional skill no code project can exercise".into(),
        _ => {
            let elsewhere: Vec<&str> = library
                .blueprints
                .iter()
                .filter(|b| b.all_skills().contains(&skill))
                .map(|b| b.id())
                .collect();
            if elsewhere.is_empty() {
                "no blueprint exercises it yet".into()
            } else {
                format!(
                    "exercised by {}, which this plan cannot include",
                    elsewhere.join(", ")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{Blueprint, testing};
    use proptest::prelude::*;

    fn blueprint(
        id: &str,
        kind: &str,
        hours: u32,
        skills: &[&str],
        tasks: &[&[&str]],
        rules: &str,
    ) -> Blueprint {
        let list = |s: &[&str]| {
            s.iter()
                .map(|x| format!("{x:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut extra = rules.to_string();
        for (i, t) in tasks.iter().enumerate() {
            extra.push_str(&format!(
                "\n[[tasks]]\nid = \"{id}-t{i}\"\ntitle = \"T\"\nsummary = \"S\"\nskills = [{}]\n\
                 hints = [\"h\"]\ntests = [\"tests/t.py\"]\n",
                list(t)
            ));
        }
        testing::blueprint(id, kind, hours, &list(skills), &extra)
    }

    fn library() -> Library {
        testing::library(vec![
            blueprint(
                "api",
                "base",
                8,
                &["fastapi"],
                &[&["fastapi"], &["pydantic"], &["fastapi"]],
                "",
            ),
            blueprint(
                "data",
                "base",
                6,
                &["pandas"],
                &[&["pandas"], &["numpy"]],
                "",
            ),
            blueprint(
                "docker",
                "addon",
                3,
                &["docker"],
                &[&["docker"], &["docker"]],
                "applies-to = [\"*\"]",
            ),
            blueprint(
                "ci",
                "addon",
                2,
                &["ci-cd"],
                &[&["ci-cd"]],
                "applies-to = [\"*\"]",
            ),
            blueprint(
                "lint",
                "addon",
                1,
                &["linting"],
                &[&["linting"]],
                "applies-to = [\"api\"]",
            ),
        ])
    }

    fn best(requested: &[&str]) -> Proposal {
        let requested: Vec<String> = requested.iter().map(|s| s.to_string()).collect();
        rank(&library(), &requested, &[], usize::MAX)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn picks_the_base_and_only_the_addons_that_cover_requested_skills() {
        let p = best(&["fastapi", "docker"]);
        assert_eq!(
            (p.blueprint.as_str(), p.addons.clone()),
            ("api", vec!["docker".to_string()])
        );
        assert_eq!(p.covered, ["fastapi", "docker"]);
        assert!(p.uncovered.is_empty());
        assert_eq!(p.stretch_tasks, 1, "the pydantic task is a stretch goal");
        assert_eq!((p.tasks, p.hours), (5, 11));
    }

    #[test]
    fn tasks_a_chosen_task_requires_are_not_counted_as_stretch() {
        let task = |id: &str, skill: &str, requires: &str| {
            format!(
                "\n[[tasks]]\nid = \"{id}\"\ntitle = \"T\"\nsummary = \"S\"\n\
                 skills = [\"{skill}\"]\nrequires = [{requires}]\nhints = [\"h\"]\n\
                 tests = [\"tests/t.py\"]\n"
            )
        };
        let extra = [
            task("first", "fastapi", ""),
            task("second", "http-basics", "\"first\""),
            task("third", "pydantic", "\"second\""),
            task("fourth", "fastapi", "\"first\""),
        ]
        .concat();
        let library = testing::library(vec![testing::blueprint(
            "api",
            "base",
            4,
            "\"fastapi\"",
            &extra,
        )]);
        let p = rank(&library, &["pydantic".to_string()], &[], usize::MAX)
            .unwrap()
            .remove(0);
        assert_eq!(
            (p.tasks, p.stretch_tasks),
            (4, 1),
            "first and second lead to third; only fourth is optional"
        );
    }

    #[test]
    fn reports_what_nothing_covers() {
        let p = best(&["pandas", "kubernetes"]);
        assert_eq!(p.blueprint, "data");
        assert!(p.addons.is_empty());
        assert_eq!(p.uncovered, ["kubernetes"]);
    }

    #[test]
    fn prefers_coverage_over_effort() {
        // api + lint covers two skills; data covers none of them.
        let p = best(&["linting", "fastapi"]);
        assert_eq!(p.label(), "api + lint");
    }

    #[test]
    fn leaves_out_addons_that_cover_nothing_unless_a_useful_one_requires_them() {
        let library = testing::library(vec![
            blueprint("api", "base", 4, &["fastapi"], &[&["fastapi"]], ""),
            blueprint(
                "db",
                "addon",
                2,
                &["sql"],
                &[&["sql"]],
                "applies-to = [\"*\"]",
            ),
            blueprint(
                "orm",
                "addon",
                2,
                &["orm"],
                &[&["orm"]],
                "applies-to = [\"*\"]\nrequires = [\"db\"]",
            ),
            blueprint(
                "ci",
                "addon",
                1,
                &["ci-cd"],
                &[&["ci-cd"]],
                "applies-to = [\"*\"]",
            ),
        ]);
        let ranked = rank(&library, &["orm".to_string()], &[], usize::MAX).unwrap();
        let labels: Vec<String> = ranked.iter().map(Proposal::label).collect();
        assert_eq!(
            labels,
            ["api + db + orm", "api", "api + db"],
            "ci covers nothing"
        );
    }

    #[test]
    fn refuses_a_search_too_large_and_says_why() {
        let mut parts = vec![blueprint(
            "api",
            "base",
            4,
            &["fastapi"],
            &[&["fastapi"]],
            "",
        )];
        for i in 0..=MAX_CANDIDATES {
            let id = format!("docker-{i:02}");
            parts.push(blueprint(
                &id,
                "addon",
                1,
                &["docker"],
                &[&["docker"]],
                "applies-to = [\"*\"]",
            ));
        }
        let error = rank(&testing::library(parts), &["docker".to_string()], &[], 1).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("17 that apply to api"), "{text}");
        assert!(text.contains("docker-00, docker-01"), "{text}");
        assert!(rank(&library(), &["fastapi".to_string()], &[], 1).is_ok());
    }

    #[test]
    fn the_nearest_base_shares_the_category_of_skills_nothing_exercises() {
        let library = Library::embedded().unwrap();
        let nearest = |skills: &[&str]| {
            let skills: Vec<String> = skills.iter().map(ToString::to_string).collect();
            nearest(&library, &skills).map(|n| n.blueprint)
        };
        // django-cfp has the most web skills of the bases; flask-app is the one base with
        // skills in both web development and cloud and DevOps (configuration).
        assert_eq!(nearest(&["microservices"]).as_deref(), Some("django-cfp"));
        assert_eq!(
            nearest(&["kubernetes", "microservices"]).as_deref(),
            Some("flask-app")
        );
    }

    #[test]
    fn nothing_covered_says_yet_only_of_skills_code_can_exercise() {
        let library = Library::embedded().unwrap();
        let text = |skills: &[&str]| {
            let skills: Vec<String> = skills.iter().map(ToString::to_string).collect();
            nothing_covers_text(&library, &skills)
        };
        assert_eq!(
            text(&["django", "flask"]),
            "nothing exercises Django or Flask yet"
        );
        assert_eq!(
            text(&["communication"]),
            "no code project can exercise Communication"
        );
        assert!(text(&["django", "communication"]).contains("Django yet, and no code"));
    }

    #[test]
    fn coverage_names_what_a_plan_leaves_out() {
        let library = library();
        let requested = vec!["fastapi".to_string(), "kubernetes".to_string()];
        let ranked = rank(&library, &requested, &[], 5).unwrap();
        let text = coverage_text(&ranked[0], &library.catalog);
        let name = library.catalog.name_of("kubernetes");
        assert_eq!(
            text,
            format!("covers 1 of 2 requested skills; not covered: {name}")
        );
        let line = plan_line(&ranked[0], &library.catalog);
        assert!(line.starts_with("api: covers 1 of 2"), "{line}");
        let whole = rank(&library, &requested[..1], &[], 1).unwrap();
        assert_eq!(
            coverage_text(&whole[0], &library.catalog),
            "covers 1 of 1 requested skills"
        );
    }

    /// Every subset of every base's compatible add-ons that `compat::resolve` accepts, scored
    /// and ranked: the search without pruning.
    fn brute_force(library: &Library, requested: &[String], named: &[String]) -> Vec<Proposal> {
        let mut out = Vec::new();
        for base in library.blueprints.iter().filter(|b| b.kind == Kind::Base) {
            let all = compat::compatible_addons(library, base.id());
            for mask in 0u32..(1 << all.len()) {
                let ids: Vec<String> = (0..all.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| all[i].id.clone())
                    .collect();
                if let Ok(addons) = compat::resolve(library, base.id(), &ids) {
                    let parts: Vec<Part<'_>> =
                        addons.iter().map(|a| Part::new(a, requested)).collect();
                    let parts: Vec<&Part<'_>> = parts.iter().collect();
                    out.push(score(&Part::new(base, requested), &parts, requested, named));
                }
            }
        }
        out.sort_by_cached_key(Proposal::rank_key);
        out
    }

    const POOL: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

    /// A library from drawn numbers: bases `b<i>` and add-ons `a<i>` with skills from `POOL`,
    /// tasks that may require the one before (some add-ons' task ids shared), and add-ons that apply to some bases or all,
    /// and may require or conflict with an earlier add-on or a base.
    fn drawn_library(bases: &[(u32, Vec<usize>)], addons: &[(u32, Vec<usize>, u8, u8)]) -> Library {
        let tasks = |id: &str, skills: &[usize]| -> String {
            skills
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let requires = if i % 2 == 1 {
                        format!("\"{id}-t{}\"", i - 1)
                    } else {
                        String::new()
                    };
                    format!(
                        "\n[[tasks]]\nid = \"{id}-t{i}\"\ntitle = \"T\"\nsummary = \"S\"\n\
                         skills = [\"{}\"]\nrequires = [{requires}]\nhints = [\"h\"]\n\
                         tests = [\"tests/t.py\"]\n",
                        POOL[*s % POOL.len()]
                    )
                })
                .collect()
        };
        let mut parts = Vec::new();
        for (i, (hours, skills)) in bases.iter().enumerate() {
            let id = format!("b{i}");
            parts.push(testing::blueprint(
                &id,
                "base",
                *hours,
                "",
                &tasks(&id, skills),
            ));
        }
        for (i, (hours, skills, applies, rule)) in addons.iter().enumerate() {
            let id = format!("a{i}");
            let applies = match applies % 3 {
                0 => "\"*\"".to_string(),
                n => format!("\"b{}\"", (n as usize - 1) % bases.len()),
            };
            let mut rules = format!("applies-to = [{applies}]\n");
            match (rule % 4, i) {
                (1, 1..) => rules.push_str(&format!("requires = [\"a{}\"]\n", *rule as usize % i)),
                (2, 1..) => rules.push_str(&format!("conflicts = [\"a{}\"]\n", *rule as usize % i)),
                (3, _) => rules.push_str("conflicts = [\"b0\"]\n"),
                _ => {}
            }
            parts.push(testing::blueprint(
                &id,
                "addon",
                *hours,
                "",
                // Add-ons of even hours share task ids, as nothing forbids.
                &format!(
                    "{rules}{}",
                    tasks(if hours % 2 == 0 { "x" } else { &id }, skills)
                ),
            ));
        }
        testing::library(parts)
    }

    proptest! {
        #[test]
        fn the_best_plan_is_optimal_and_accounts_for_every_skill(
            picks in proptest::sample::subsequence(
                vec!["fastapi", "pydantic", "pandas", "numpy", "docker", "ci-cd", "linting", "kubernetes"], 1..6)
        ) {
            let requested: Vec<String> = picks.iter().map(|s| s.to_string()).collect();
            let ranked = rank(&library(), &requested, &[], usize::MAX).unwrap();
            let best = &ranked[0];
            for other in &ranked {
                prop_assert!(best.covered.len() >= other.covered.len());
                if best.covered.len() == other.covered.len() {
                    prop_assert!(best.stretch_tasks <= other.stretch_tasks);
                }
            }
            let mut all: Vec<String> = best.covered.iter().chain(&best.uncovered).cloned().collect();
            all.sort();
            let mut want = requested.clone();
            want.sort();
            prop_assert_eq!(all, want);
            for part in &best.parts {
                for skill in &part.covers {
                    prop_assert!(best.covered.contains(skill));
                }
            }
        }

        #[test]
        fn the_pruned_search_finds_what_trying_every_subset_finds(
            bases in proptest::collection::vec((1u32..9, proptest::collection::vec(0usize..6, 1..4)), 1..4),
            addons in proptest::collection::vec(
                (1u32..6, proptest::collection::vec(0usize..6, 1..3), any::<u8>(), any::<u8>()), 0..8),
            picks in proptest::sample::subsequence(POOL.to_vec(), 1..4),
            named_mask in any::<u8>(),
        ) {
            let library = drawn_library(&bases, &addons);
            let requested: Vec<String> = picks.iter().map(|s| s.to_string()).collect();
            // Some of the skills named themselves, the others brought in by an umbrella word.
            let named: Vec<String> = requested
                .iter()
                .enumerate()
                .filter(|(i, _)| named_mask & (1 << i) != 0)
                .map(|(_, s)| s.clone())
                .collect();
            let ranked = rank(&library, &requested, &named, usize::MAX).unwrap();
            let every = brute_force(&library, &requested, &named);
            prop_assert_eq!(ranked[0].rank_key(), every[0].rank_key());
            let top: Vec<_> = rank(&library, &requested, &named, 3).unwrap().iter().map(Proposal::rank_key).collect();
            let first: Vec<_> = ranked.iter().take(3).map(Proposal::rank_key).collect();
            prop_assert_eq!(top, first, "the best three are the first three of all");
            let keys: Vec<_> = every.iter().map(Proposal::rank_key).collect();
            for p in &ranked {
                prop_assert!(keys.contains(&p.rank_key()), "{} is not a valid project", p.label());
            }
            let pruned = every.iter().filter(|p| !ranked.iter().any(|r| r.rank_key() == p.rank_key()));
            for p in pruned {
                let useless = p.parts.iter().skip(1).any(|part| part.covers.is_empty());
                prop_assert!(useless, "{} was left out but every add-on covers a skill", p.label());
            }
        }
    }
}
