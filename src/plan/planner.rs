//! From requested skills to the best project: one base blueprint plus add-ons.
//!
//! The search space is small (bases times subsets of their compatible add-ons), so every
//! valid combination is scored and the optimum is found, not guessed. The score is a plain
//! lexicographic order a user can follow:
//!
//! 1. more requested skills covered;
//! 2. fewer stretch tasks (tasks that exercise none of the requested skills and that no
//!    task exercising one requires);
//! 3. fewer estimated hours;
//! 4. fewer parts; then ids, so the ranking is deterministic.

use serde::Serialize;

use crate::blueprint::{Blueprint, Kind, Library, Task, compat};
use crate::project::stretch_goals;

/// Above this many compatible add-ons, subsets are not enumerated (2^12 = 4096 is the cap).
const MAX_ADDONS: usize = 12;

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
}

#[derive(Debug, Clone, Serialize)]
pub struct PartCoverage {
    pub id: String,
    pub covers: Vec<String>,
}

impl Proposal {
    fn rank_key(&self) -> (std::cmp::Reverse<usize>, usize, u32, usize, String) {
        let ids = std::iter::once(self.blueprint.as_str())
            .chain(self.addons.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("+");
        (
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

/// Every valid project for `requested`, best first.
pub fn rank(library: &Library, requested: &[String]) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    for base in library
        .blueprints
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base)
    {
        let compatible = compat::compatible_addons(library, base);
        let compatible = &compatible[..compatible.len().min(MAX_ADDONS)];
        for mask in 0u32..(1 << compatible.len()) {
            let ids: Vec<String> = compatible
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, b)| b.id().to_string())
                .collect();
            if let Ok(addons) = compat::resolve_addons(library, base, &ids) {
                // Requirements pulled in by resolve_addons would duplicate another mask.
                if addons.len() == ids.len() {
                    proposals.push(score(base, &addons, requested));
                }
            }
        }
    }
    proposals.sort_by_key(Proposal::rank_key);
    proposals
}

/// Skills a part exercises: its own list and every task's.
pub fn skills_of(blueprint: &Blueprint) -> Vec<&str> {
    let mut skills: Vec<&str> = blueprint
        .manifest
        .skills
        .iter()
        .map(String::as_str)
        .collect();
    for task in &blueprint.manifest.tasks {
        skills.extend(task.skills.iter().map(String::as_str));
    }
    skills.sort_unstable();
    skills.dedup();
    skills
}

fn score(base: &Blueprint, addons: &[&Blueprint], requested: &[String]) -> Proposal {
    let parts: Vec<&Blueprint> = std::iter::once(base)
        .chain(addons.iter().copied())
        .collect();
    let coverage: Vec<PartCoverage> = parts
        .iter()
        .map(|p| {
            let skills = skills_of(p);
            PartCoverage {
                id: p.id().to_string(),
                covers: requested
                    .iter()
                    .filter(|r| skills.contains(&r.as_str()))
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    let (covered, uncovered): (Vec<String>, Vec<String>) = requested
        .iter()
        .cloned()
        .partition(|r| coverage.iter().any(|c| c.covers.contains(r)));
    let all_tasks: Vec<&Task> = parts.iter().flat_map(|p| &p.manifest.tasks).collect();
    let stretch = stretch_goals(&all_tasks, requested);
    let stretch_tasks = all_tasks
        .iter()
        .filter(|t| stretch.contains(t.id.as_str()))
        .count();
    Proposal {
        blueprint: base.id().to_string(),
        addons: addons.iter().map(|a| a.id().to_string()).collect(),
        covered,
        uncovered,
        parts: coverage,
        tasks: all_tasks.len(),
        stretch_tasks,
        hours: parts.iter().map(|p| p.manifest.hours).sum(),
    }
}

/// Why a requested skill is not covered by the best plan, for people.
pub fn why_uncovered(library: &Library, skill: &str) -> String {
    match library.catalog.get(skill) {
        Some(s) if !s.practicable => "a professional skill no code project can exercise".into(),
        _ => {
            let elsewhere: Vec<&str> = library
                .blueprints
                .iter()
                .filter(|b| skills_of(b).contains(&skill))
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
    use crate::blueprint::testing;
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
        rank(&library(), &requested).remove(0)
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
        let p = rank(&library, &["pydantic".to_string()]).remove(0);
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

    proptest! {
        #[test]
        fn the_best_plan_is_optimal_and_accounts_for_every_skill(
            picks in proptest::sample::subsequence(
                vec!["fastapi", "pydantic", "pandas", "numpy", "docker", "ci-cd", "linting", "kubernetes"], 1..6)
        ) {
            let requested: Vec<String> = picks.iter().map(|s| s.to_string()).collect();
            let ranked = rank(&library(), &requested);
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
    }
}
