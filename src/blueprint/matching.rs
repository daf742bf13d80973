//! Skill names as people type them: ids, names and aliases, in any case, with any spacing
//! or punctuation ("Fast API", "ci/cd", "sklearn"), plurals ("OOPs") and filler words
//! ("python decorators", "file handling concepts"); and umbrella terms (a category's or a
//! group's name or alias: "data science", "devops"), which stand for several skills and are
//! reported with what they were read as. Unknown words get "did you mean" suggestions
//! (`similarity`); nothing is silently dropped.

use std::collections::BTreeMap;

use super::Catalog;
use super::similarity::{self, SUGGEST_FROM};
use crate::error::{Error, Result};

/// Words dropped from a phrase that names nothing as typed, so "python decorators",
/// "OOPs concepts", "testing in python", "backend development" and the articles' headings
/// ("Expertise In Core Python", "Good grasp of Web Frameworks") name a skill or an umbrella.
const FILLER: [&str; 31] = [
    "python",
    "py",
    "concepts",
    "concept",
    "basics",
    "skills",
    "skill",
    "programming",
    "development",
    "developer",
    "engineering",
    "engineer",
    "scientist",
    "expertise",
    "mastery",
    "proficiency",
    "knowledge",
    "understanding",
    "good",
    "grasp",
    "road",
    "rise",
    "in",
    "with",
    "using",
    "the",
    "of",
    "for",
    "to",
    "and",
    "a",
];

/// What joins two names in one phrase ("databases and SQL", "git & GitHub"): a phrase that
/// names nothing as a whole is read as its parts when every part names something.
const JOINERS: [&str; 4] = [" and ", " & ", " + ", "/"];

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

/// What a spelling names: one skill, or an umbrella term (by its index) standing for several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target<'a> {
    Skill(&'a str),
    Umbrella(usize),
}

/// A category or group as a term: its display name and the skills it stands for.
#[derive(Debug)]
struct Umbrella<'a> {
    name: &'a str,
    /// The word shown in suggestions: its first alias, or its name.
    word: &'a str,
    skills: Vec<&'a str>,
}

/// An umbrella word of the request and the skills it was read as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Expansion {
    /// The word as typed.
    pub word: String,
    /// The category's or group's name.
    pub umbrella: String,
    /// The skill ids it stands for, in catalog order.
    pub skills: Vec<String>,
}

/// A word of the request that names no skill, with the nearest spellings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unknown {
    /// The word as typed.
    pub word: String,
    /// Up to three suggestions, best first, as a user would type them (with the name when
    /// it differs: `oop (Object-oriented programming)`).
    pub suggestions: Vec<String>,
    /// The same suggestions as words `SkillIndex::read` takes ("oop", "testing").
    #[serde(skip)]
    pub words: Vec<String>,
}

impl Unknown {
    /// `"fastapy" is not a skill skillforge knows; did you mean fastapi?`
    pub fn explain(&self) -> String {
        if self.suggestions.is_empty() {
            format!(
                "{:?} is not a skill skillforge knows; run `skillforge skills` to see them",
                self.word
            )
        } else {
            format!(
                "{:?} is not a skill skillforge knows; did you mean {}?",
                self.word,
                self.suggestions.join(" or ")
            )
        }
    }
}

/// How the words of `--skills` were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// Every skill asked for, umbrellas expanded, in the order given, without repeats.
    pub skills: Vec<String>,
    /// The skills of `skills` named themselves, not (only) through an umbrella word, in
    /// the order given: the planner covers these first.
    pub named: Vec<String>,
    /// The umbrella words and what each stands for.
    pub expanded: Vec<Expansion>,
    /// The words that name nothing.
    pub unknown: Vec<Unknown>,
    /// The words that name something, as typed, in order: what to pass on to `new`.
    pub known_words: Vec<String>,
}

impl Reading {
    /// The reading when every word is known and at least one skill was named; otherwise an
    /// error naming each unknown word with its suggestions.
    pub fn strict(self) -> Result<Reading> {
        if !self.unknown.is_empty() {
            return Err(Error::UnknownSkills {
                details: self.unknown_details(),
            });
        }
        self.lenient()
    }

    /// The reading when at least one skill was named (the unknown words are left for the
    /// caller to report); otherwise an error naming each word with its suggestions.
    pub fn lenient(self) -> Result<Reading> {
        if !self.skills.is_empty() {
            return Ok(self);
        }
        let details = if self.unknown.is_empty() {
            "no skill was given; run `skillforge skills` to see them".to_string()
        } else {
            self.unknown_details()
        };
        Err(Error::UnknownSkills { details })
    }

    /// One line per unknown word, each with its suggestions.
    pub fn unknown_details(&self) -> String {
        self.unknown
            .iter()
            .map(Unknown::explain)
            .collect::<Vec<_>>()
            .join("\n  ")
    }
}

/// Every spelling of every skill and umbrella term, by key.
pub struct SkillIndex<'a> {
    catalog: &'a Catalog,
    by_key: BTreeMap<String, Target<'a>>,
    /// Every spelling as written, with what it names, for suggestions.
    spellings: Vec<(&'a str, Target<'a>)>,
    /// The same spellings cut into words, in the same order.
    phrases: Vec<similarity::Phrase>,
    umbrellas: Vec<Umbrella<'a>>,
}

impl<'a> SkillIndex<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        let mut index = SkillIndex {
            catalog,
            by_key: BTreeMap::new(),
            spellings: Vec::new(),
            phrases: Vec::new(),
            umbrellas: Vec::new(),
        };
        for skill in &catalog.skills {
            let spellings = [&skill.id, &skill.name].into_iter().chain(&skill.aliases);
            index.add(spellings, Target::Skill(&skill.id));
        }
        for category in &catalog.categories {
            let members = catalog.members(std::slice::from_ref(&category.id), &[]);
            let spellings = [&category.id, &category.name].into_iter();
            index.add_umbrella(&category.name, &category.aliases, spellings, members);
        }
        for group in &catalog.groups {
            let members = catalog.members(&group.categories, &group.skills);
            let spellings = [&group.id, &group.name].into_iter();
            index.add_umbrella(&group.name, &group.aliases, spellings, members);
        }
        index
    }

    fn add_umbrella(
        &mut self,
        name: &'a str,
        aliases: &'a [String],
        spellings: impl Iterator<Item = &'a String>,
        skills: Vec<&'a str>,
    ) {
        let target = Target::Umbrella(self.umbrellas.len());
        let word = aliases.first().map_or(name, String::as_str);
        self.umbrellas.push(Umbrella { name, word, skills });
        self.add(spellings.chain(aliases), target);
    }

    /// Records `spellings` of `target`; the first to claim a key keeps it (a test checks
    /// that no two targets share one).
    fn add(&mut self, spellings: impl Iterator<Item = &'a String>, target: Target<'a>) {
        for spelling in spellings {
            self.by_key.entry(key(spelling)).or_insert(target);
            self.spellings.push((spelling, target));
            self.phrases.push(similarity::Phrase::new(spelling));
        }
    }

    /// What `text` names: as typed, else in the singular or plural, else without filler
    /// words ("python", "concepts", "in", ...) when some other word is left.
    fn find(&self, text: &str) -> Option<Target<'a>> {
        let exact = |text: &str| {
            let k = key(text);
            let singular = similarity::singular(&k).to_string();
            [k.clone(), singular, format!("{k}s")]
                .iter()
                .find_map(|k| self.by_key.get(k).copied())
        };
        exact(text).or_else(|| {
            let words = similarity::words(text);
            let kept: Vec<&str> = words
                .iter()
                .map(String::as_str)
                .filter(|w| !FILLER.contains(w))
                .collect();
            (!kept.is_empty() && kept.len() < words.len())
                .then(|| exact(&kept.join(" ")))
                .flatten()
        })
    }

    /// What `text` names, with the part of it that names each: the whole of it, or else each
    /// part between joiners ("and", "&", "+", "/") when every part names something.
    fn find_parts(&self, text: &str) -> Option<Vec<(String, Target<'a>)>> {
        if let Some(target) = self.find(text) {
            return Some(vec![(text.to_string(), target)]);
        }
        let lower = text.to_lowercase();
        let joiner = JOINERS.iter().find(|j| lower.contains(**j))?;
        lower
            .split(joiner)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| self.find(p).map(|t| (p.to_string(), t)))
            .collect::<Option<Vec<_>>>()
            .filter(|parts| parts.len() > 1)
    }

    /// Resolves a comma-separated list (or several), keeping the order given and dropping
    /// repeats, umbrella terms expanded. Every unknown name is reported at once, each with
    /// its suggestions.
    pub fn resolve<S: AsRef<str>>(&self, lists: &[S]) -> Result<Vec<String>> {
        Ok(self.read(lists).strict()?.skills)
    }

    /// Reads a comma-separated list (or several) without failing: the skills named, the
    /// umbrella words expanded, and the words that name nothing.
    pub fn read<S: AsRef<str>>(&self, lists: &[S]) -> Reading {
        let mut reading = Reading::default();
        for text in lists.iter().flat_map(|l| l.as_ref().split(',')) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let Some(targets) = self.find_parts(text) else {
                let (suggestions, words) = self.suggestions(text).into_iter().unzip();
                reading.unknown.push(Unknown {
                    word: text.to_string(),
                    suggestions,
                    words,
                });
                continue;
            };
            let mut skills = Vec::new();
            let mut named = Vec::new();
            for (part, target) in targets {
                match target {
                    Target::Skill(id) => {
                        skills.push(id);
                        named.push(id);
                    }
                    Target::Umbrella(i) => {
                        let umbrella = &self.umbrellas[i];
                        reading.expanded.push(Expansion {
                            word: part,
                            umbrella: umbrella.name.to_string(),
                            skills: umbrella.skills.iter().map(ToString::to_string).collect(),
                        });
                        skills.extend(umbrella.skills.iter().copied());
                    }
                }
            }
            reading.known_words.push(text.to_string());
            for id in &named {
                if !reading.named.iter().any(|s| s == id) {
                    reading.named.push((*id).to_string());
                }
            }
            for id in skills {
                if !reading.skills.iter().any(|s| s == id) {
                    reading.skills.push(id.to_string());
                }
            }
        }
        reading
    }

    /// `word: Name, Name, ...`: how an umbrella word was read, for people.
    pub fn describe(&self, expansion: &Expansion) -> String {
        let names: Vec<&str> = expansion
            .skills
            .iter()
            .map(|s| self.catalog.name_of(s))
            .collect();
        format!("{}: {}", expansion.word, names.join(", "))
    }

    /// Up to three skills or umbrella terms whose spellings are close to `text`, best
    /// first; ties go to the catalog's order, which lists each category's usual choice first.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        self.suggestions(text).into_iter().map(|(s, _)| s).collect()
    }

    /// Like `suggest`, each suggestion with the word that names it.
    fn suggestions(&self, text: &str) -> Vec<(String, String)> {
        let mut scored: Vec<(f64, usize, Target<'a>)> = Vec::new();
        let typed = similarity::Phrase::new(text);
        let all = self.spellings.iter().zip(&self.phrases);
        for (order, ((_, target), phrase)) in all.enumerate() {
            let score = similarity::phrase_score(&typed, phrase);
            if score < SUGGEST_FROM {
                continue;
            }
            match scored.iter_mut().find(|(_, _, t)| t == target) {
                Some(entry) if entry.0 < score => entry.0 = score,
                Some(_) => {}
                None => scored.push((score, order, *target)),
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(3)
            .map(|(_, _, target)| self.show(target))
            .collect()
    }

    /// A target as a user would see it (with its name when that differs) and type it.
    fn show(&self, target: Target<'a>) -> (String, String) {
        match target {
            Target::Skill(id) => match self.catalog.name_of(id) {
                name if key(name) == key(id) => (id.to_string(), id.to_string()),
                name => (format!("{id} ({name})"), id.to_string()),
            },
            Target::Umbrella(i) => {
                let u = &self.umbrellas[i];
                let shown = format!("\"{}\" ({}: {} skills)", u.word, u.name, u.skills.len());
                (shown, u.word.to_string())
            }
        }
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

    fn suggest(text: &str) -> Vec<String> {
        let library = Library::embedded().unwrap();
        SkillIndex::new(&library.catalog).suggest(text)
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
    fn plurals_and_filler_words_still_name_the_skill() {
        assert_eq!(
            resolve(&["OOPs, OOPs concepts, python decorators, file handling concepts"]).unwrap(),
            ["oop", "decorators", "file-handling"]
        );
        assert_eq!(resolve(&["Object Relational Mappers"]).unwrap(), ["orm"]);
    }

    #[test]
    fn a_phrase_of_joined_names_reads_as_each() {
        assert_eq!(
            resolve(&["git and GitHub, docker & k8s"]).unwrap(),
            ["git", "git-hosting", "docker", "kubernetes"]
        );
        let got = resolve(&["backend development, devops engineering"]).unwrap();
        assert!(got.contains(&"fastapi".to_string()) && got.contains(&"docker".to_string()));
        assert!(resolve(&["pandas and zzzqqq"]).is_err());
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
    fn suggestions_follow_words_not_shared_letters() {
        let test = suggest("test");
        assert!(test.iter().any(|s| s == "pytest"), "{test:?}");
        assert!(
            !test.iter().any(|s| s.contains("configuration")),
            "{test:?}"
        );
        let unit = suggest("unit test framework");
        assert_eq!(unit.first().map(String::as_str), Some("pytest"), "{unit:?}");
        let pyton = suggest("pyton");
        assert!(pyton[0].starts_with("\"python\""), "{pyton:?}");
        assert!(
            !pyton.iter().any(|s| s.contains("deep-learning")),
            "{pyton:?}"
        );
        let oop = suggest("object orientated");
        assert!(oop[0].starts_with("oop "), "{oop:?}");
    }

    #[test]
    fn a_typo_of_any_spelling_suggests_what_it_names_first() {
        let library = Library::embedded().unwrap();
        let index = SkillIndex::new(&library.catalog);
        // One kind of typo a spelling, in turn: a letter dropped, two swapped, one changed.
        let typo = |chars: &[char], kind: usize| {
            let (mut t, mid) = (chars.to_vec(), chars.len() / 2);
            match kind % 3 {
                0 => drop(t.remove(mid)),
                1 => t.swap(mid, mid + 1),
                _ => t[mid] = 'x',
            }
            t.into_iter().collect::<String>()
        };
        for (i, (spelling, target)) in index.spellings.iter().enumerate() {
            let chars: Vec<char> = spelling.chars().collect();
            if chars.len() < 6 {
                continue;
            }
            let typo = typo(&chars, i);
            if index.find(&typo).is_none() {
                let got = index.suggest(&typo);
                assert_eq!(got.first(), Some(&index.show(*target).0), "{typo:?}");
            }
        }
    }

    #[test]
    fn umbrella_terms_stand_for_their_skills_and_are_reported() {
        let library = Library::embedded().unwrap();
        let index = SkillIndex::new(&library.catalog);
        let reading = index.read(&["data science, fastapi"]);
        assert!(reading.unknown.is_empty(), "{reading:?}");
        let expansion = &reading.expanded[0];
        assert_eq!(expansion.word, "data science");
        for id in ["pandas", "numpy", "data-visualisation", "statistics"] {
            assert!(reading.skills.iter().any(|s| s == id), "{id}");
        }
        assert_eq!(reading.skills.last().map(String::as_str), Some("fastapi"));
        // Only fastapi was named itself; pandas, named after the umbrella, counts as named too.
        assert_eq!(reading.named, ["fastapi"]);
        let reading = index.read(&["data science, fastapi, pandas"]);
        assert_eq!(reading.named, ["fastapi", "pandas"]);
        let line = index.describe(expansion);
        assert!(line.starts_with("data science: pandas, NumPy"), "{line}");
    }

    #[test]
    fn every_category_and_umbrella_word_of_the_seed_articles_is_read() {
        let library = Library::embedded().unwrap();
        let index = SkillIndex::new(&library.catalog);
        for word in [
            "Core Python",
            "Web Development",
            "Data Science",
            "Data Science/ML",
            "Machine Learning",
            "DevOps",
            "DevOps/Cloud",
            "Cloud",
            "MLOps",
            "Generative AI",
            "Databases",
            "Testing",
            "Version control",
            "Code quality",
            "python",
            "core python",
            "web development",
            "data science",
            "machine learning",
            "devops",
            "testing",
            "databases",
            "soft skills",
        ] {
            let reading = index.read(&[word]);
            assert!(
                reading.unknown.is_empty() && !reading.skills.is_empty(),
                "{word}: {reading:?}"
            );
        }
    }

    #[test]
    fn one_unknown_word_among_known_ones_is_kept_apart() {
        let library = Library::embedded().unwrap();
        let reading = SkillIndex::new(&library.catalog).read(&["pandas, fastapy"]);
        assert_eq!(reading.skills, ["pandas"]);
        assert_eq!(reading.known_words, ["pandas"]);
        assert_eq!(reading.unknown[0].word, "fastapy");
        assert_eq!(reading.unknown[0].suggestions[0], "fastapi");
        assert!(reading.clone().lenient().is_ok());
        assert!(reading.strict().is_err());
    }

    #[test]
    fn every_spelling_in_the_catalog_is_unambiguous() {
        let library = Library::embedded().unwrap();
        let index = SkillIndex::new(&library.catalog);
        let mut seen: BTreeMap<String, Target<'_>> = BTreeMap::new();
        for (spelling, target) in &index.spellings {
            if let Some(other) = seen.insert(key(spelling), *target) {
                assert_eq!(other, *target, "{spelling:?} names two things");
            }
        }
    }
}
