//! Skill names as people type them: ids, names and aliases, in any case, with any spacing
//! or punctuation ("Fast API", "ci/cd", "sklearn"). Unknown names get "did you mean"
//! suggestions; nothing is silently dropped.

use std::collections::BTreeMap;

use super::Catalog;
use crate::error::{Error, Result};

/// The candidate spelled most like `text`, when one is close enough to suggest.
pub fn closest<'a>(text: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(text, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Lower-case letters and digits only: "CI/CD" and "ci-cd" both become "cicd".
pub fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every spelling of every skill, by key.
pub struct SkillIndex<'a> {
    catalog: &'a Catalog,
    by_key: BTreeMap<String, &'a str>,
}

impl<'a> SkillIndex<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        let mut by_key = BTreeMap::new();
        for skill in &catalog.skills {
            let spellings = [&skill.id, &skill.name].into_iter().chain(&skill.aliases);
            for spelling in spellings {
                by_key.entry(key(spelling)).or_insert(skill.id.as_str());
            }
        }
        SkillIndex { catalog, by_key }
    }

    /// The skill id `text` names, if any.
    pub fn lookup(&self, text: &str) -> Option<&'a str> {
        self.by_key.get(&key(text)).copied()
    }

    /// Resolves a comma-separated list (or several), keeping the order given and dropping
    /// repeats. Every unknown name is reported at once, each with its suggestions.
    pub fn resolve<S: AsRef<str>>(&self, lists: &[S]) -> Result<Vec<String>> {
        let mut found: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        for text in lists.iter().flat_map(|l| l.as_ref().split(',')) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match self.lookup(text) {
                Some(id) if !found.iter().any(|f| f == id) => found.push(id.to_string()),
                Some(_) => {}
                None => unknown.push(self.explain_unknown(text)),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::UnknownSkills {
                details: unknown.join("\n  "),
            });
        }
        if found.is_empty() {
            return Err(Error::UnknownSkills {
                details: "no skill was given; run `skillforge skills` to see them".into(),
            });
        }
        Ok(found)
    }

    fn explain_unknown(&self, text: &str) -> String {
        let suggestions = self.suggest(text);
        if suggestions.is_empty() {
            format!("{text:?} is not a skill skillforge knows; run `skillforge skills` to see them")
        } else {
            format!(
                "{text:?} is not a skill skillforge knows; did you mean {}?",
                suggestions.join(" or ")
            )
        }
    }

    /// Up to three skills whose spellings are close to `text`, best first.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        let wanted = key(text);
        let mut scored: Vec<(f64, &str)> = Vec::new();
        for (spelling, id) in &self.by_key {
            let score = strsim::jaro_winkler(&wanted, spelling);
            let partial = spelling.len() >= 3
                && wanted.len() >= 3
                && (spelling.contains(&wanted) || wanted.contains(spelling.as_str()));
            let score = if partial { score.max(0.85) } else { score };
            if score >= 0.8 {
                match scored.iter_mut().find(|(_, known)| known == id) {
                    Some(entry) if entry.0 < score => entry.0 = score,
                    Some(_) => {}
                    None => scored.push((score, id)),
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .take(3)
            .map(|(_, id)| match self.catalog.name_of(id) {
                name if key(name) == key(id) => id.to_string(),
                name => format!("{id} ({name})"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::Library;

    fn resolve(lists: &[&str]) -> Result<Vec<String>> {
        let library = Library::embedded().unwrap();
        SkillIndex::new(&library.catalog).resolve(lists)
    }

    #[test]
    fn ids_names_and_aliases_match_in_any_case_and_punctuation() {
        let got = resolve(&["Fast API, ci/cd", "sklearn", "Docker", "k8s", "gh actions"]).unwrap();
        assert_eq!(
            got,
            [
                "fastapi",
                "ci-cd",
                "scikit-learn",
                "docker",
                "kubernetes",
                "github-actions"
            ]
        );
    }

    #[test]
    fn repeats_are_dropped_and_order_kept() {
        assert_eq!(
            resolve(&["pandas,Pandas,pd,numpy"]).unwrap(),
            ["pandas", "numpy"]
        );
    }

    #[test]
    fn unknown_names_are_all_reported_with_suggestions() {
        let err = resolve(&["fastapy, pandas, dokcer"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"fastapy\"") && err.contains("did you mean fastapi"),
            "{err}"
        );
        assert!(
            err.contains("\"dokcer\"") && err.contains("docker"),
            "{err}"
        );
        assert!(!err.contains("\"pandas\""), "{err}");
    }

    #[test]
    fn nonsense_gets_no_suggestion_but_a_pointer() {
        let err = resolve(&["zzzqqq"]).unwrap_err().to_string();
        assert!(err.contains("skillforge skills"), "{err}");
    }

    #[test]
    fn every_spelling_in_the_catalog_is_unambiguous() {
        let library = Library::embedded().unwrap();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for skill in &library.catalog.skills {
            let spellings = [&skill.id, &skill.name].into_iter().chain(&skill.aliases);
            for spelling in spellings {
                if let Some(other) = seen.insert(key(spelling), &skill.id) {
                    assert_eq!(
                        other, skill.id,
                        "{spelling:?} names both {other} and {}",
                        skill.id
                    );
                }
            }
        }
    }
}
