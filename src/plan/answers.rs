//! Questions and their answers: the engine's own questions (author, e-mail, Python version,
//! licence) and each blueprint's, answered by `--set`, by their defaults (`--yes`) or at a
//! prompt, and always validated the same way.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::blueprint::{Question, QuestionKind};
use crate::error::{Error, Result};
use crate::plan::prompt::Prompter;

/// Python versions a project can target, oldest first.
pub const PYTHON_VERSIONS: &[&str] = &["3.11", "3.12", "3.13", "3.14"];

/// Licences skillforge has texts for (SPDX identifiers).
pub const LICENSES: &[&str] = &["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"];

/// The ids of the engine's own questions, which no blueprint may reuse.
pub const ENGINE_IDS: [&str; 4] = ["author", "email", "python", "license"];

/// Every answer of a plan: the engine's four as fields, the blueprints' by question id.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    /// The author's name, for LICENSE and pyproject.toml.
    pub author: String,
    /// The author's e-mail address.
    pub email: String,
    /// The lowest supported Python version, one of `PYTHON_VERSIONS`.
    pub python: String,
    /// An SPDX identifier, one of `LICENSES`.
    pub license: String,
    /// Answers to the blueprints' own questions, by question id.
    pub blueprints: BTreeMap<String, Value>,
}

impl Answers {
    /// The answers of a map by question id, as `resolve` gathers them and origin.toml
    /// records them. An engine answer that is missing reads as empty, one that is not text
    /// as its JSON (engine answers are always text when skillforge wrote them).
    pub fn from_map(mut map: BTreeMap<String, Value>) -> Answers {
        let mut take = |id: &str| match map.remove(id) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        Answers {
            author: take("author"),
            email: take("email"),
            python: take("python"),
            license: take("license"),
            blueprints: map,
        }
    }

    /// Every answer by question id, as origin.toml records them.
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        let engine = [&self.author, &self.email, &self.python, &self.license];
        let mut map = self.blueprints.clone();
        for (id, value) in ENGINE_IDS.into_iter().zip(engine) {
            map.insert(id.to_string(), Value::String(value.clone()));
        }
        map
    }
}

/// How missing answers are obtained.
pub enum Mode<'a> {
    /// `--yes`: take every default.
    Defaults,
    /// Ask at a prompt.
    Ask(&'a mut dyn Prompter),
    /// No terminal and no `--yes`: a missing answer is an error naming the flag.
    Refuse,
}

/// The questions every project asks, whatever its blueprints. `identity` is the git
/// identity, used as the default author.
pub fn engine_questions(identity: Option<(String, String)>) -> Vec<Question> {
    let (name, email) = identity.unwrap_or_else(|| ("Your Name".into(), "you@example.com".into()));
    vec![
        question(
            "author",
            "Author name (for LICENSE and pyproject.toml)",
            QuestionKind::String,
        )
        .default(Value::String(name)),
        Question {
            pattern: Some(r"^[^@\s]+@[^@\s]+$".into()),
            help: "an e-mail address such as ada@example.com: a name, one @ and a domain, with no \
                   spaces"
                .into(),
            ..question("email", "Author e-mail", QuestionKind::String).default(Value::String(email))
        },
        Question {
            choices: PYTHON_VERSIONS.iter().map(|s| s.to_string()).collect(),
            ..question(
                "python",
                "Lowest supported Python version",
                QuestionKind::Choice,
            )
            .default(Value::String(PYTHON_VERSIONS[0].into()))
        },
        Question {
            choices: LICENSES.iter().map(|s| s.to_string()).collect(),
            ..question("license", "Licence", QuestionKind::Choice)
                .default(Value::String("MIT".into()))
        },
    ]
}

/// Every question a project of `parts` asks: the engine's, then each part's, once per id
/// (parts may share a question).
pub fn questions_for<'a>(
    identity: Option<(String, String)>,
    parts: impl IntoIterator<Item = &'a crate::blueprint::Blueprint>,
) -> Vec<Question> {
    let mut questions = engine_questions(identity);
    for part in parts {
        for q in &part.manifest.questions {
            if !questions.iter().any(|known| known.id == q.id) {
                questions.push(q.clone());
            }
        }
    }
    questions
}

fn question(id: &str, prompt: &str, kind: QuestionKind) -> Question {
    Question {
        id: id.into(),
        prompt: prompt.into(),
        help: String::new(),
        kind,
        default: None,
        min: None,
        max: None,
        pattern: None,
        choices: Vec::new(),
    }
}

trait WithDefault {
    fn default(self, value: Value) -> Self;
}

impl WithDefault for Question {
    fn default(mut self, value: Value) -> Self {
        self.default = Some(toml::Value::try_from(value).unwrap_or(toml::Value::Boolean(false)));
        self
    }
}

/// Parses and validates one raw answer; the error is the reason, for the user.
pub fn parse(q: &Question, raw: &str) -> std::result::Result<Value, String> {
    let raw = raw.trim();
    match q.kind {
        QuestionKind::String => {
            if raw.is_empty() {
                return Err("an answer is required".into());
            }
            if let Some(p) = &q.pattern {
                let re = regex::Regex::new(p).map_err(|e| e.to_string())?;
                if !re.is_match(raw) {
                    // A pattern is for the machine; the question's help says it in words.
                    return Err(if q.help.is_empty() {
                        format!("it must match the pattern {p}")
                    } else {
                        format!("expected {}", q.help)
                    });
                }
            }
            Ok(Value::String(raw.into()))
        }
        QuestionKind::Int => {
            let n: i64 = raw
                .parse()
                .map_err(|_| "expected a whole number".to_string())?;
            match (q.min, q.max) {
                (Some(min), _) if n < min => Err(bounds(q)),
                (_, Some(max)) if n > max => Err(bounds(q)),
                _ => Ok(Value::from(n)),
            }
        }
        QuestionKind::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "0" => Ok(Value::Bool(false)),
            _ => Err("expected yes or no".into()),
        },
        QuestionKind::Choice => q
            .choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case(raw))
            .map(|c| Value::String(c.clone()))
            .ok_or_else(|| format!("expected one of {}", q.choices.join(", "))),
    }
}

fn bounds(q: &Question) -> String {
    match (q.min, q.max) {
        (Some(min), Some(max)) => format!("expected a number from {min} to {max}"),
        (Some(min), None) => format!("expected a number of at least {min}"),
        (None, Some(max)) => format!("expected a number of at most {max}"),
        (None, None) => "out of range".into(),
    }
}

/// The default as the text a user would type, if the question has one.
pub fn default_text(q: &Question) -> Option<String> {
    q.default.as_ref().map(|v| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Answers every question: from `given` (`--set`), else by `mode`. Keys of `given` that no
/// question asks are refused, so a typo is never silently ignored.
pub fn resolve(
    questions: &[Question],
    given: &BTreeMap<String, String>,
    mode: &mut Mode<'_>,
    asker: &str,
) -> Result<Answers> {
    let given = &spelled_as_asked(given)?;
    if let Some(key) = given
        .keys()
        .find(|k| !questions.iter().any(|q| &q.id == *k))
    {
        let known = questions
            .iter()
            .map(|q| q.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::UnknownQuestion {
            key: key.clone(),
            blueprint: asker.into(),
            known,
        });
    }
    let mut answers = BTreeMap::new();
    for q in questions {
        let value = match given.get(&q.id) {
            Some(raw) => parse(q, raw).map_err(|reason| Error::InvalidAnswer {
                question: format!("--set {}", q.id),
                value: raw.clone(),
                reason,
            })?,
            None => answer_missing(q, mode)?,
        };
        answers.insert(q.id.clone(), value);
    }
    Ok(Answers::from_map(answers))
}

/// Other spellings of the engine's question ids that `--set` accepts: British "licence"
/// is what the prompt says, American "license" what SPDX and pyproject.toml say.
const SPELLINGS: &[(&str, &str)] = &[("licence", "license"), ("e-mail", "email")];

/// `given` with every other spelling replaced by the question's id. Fails when one answer is
/// given under two spellings, as a typo would otherwise decide which one counts.
fn spelled_as_asked(given: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, value) in given {
        let id = SPELLINGS
            .iter()
            .find(|(other, _)| other == key)
            .map_or(key.as_str(), |(_, id)| id);
        if out.insert(id.to_string(), value.clone()).is_some() {
            return Err(Error::InvalidAnswer {
                question: format!("--set {key}"),
                value: value.clone(),
                reason: format!("{id} is already set under another spelling; set it once"),
            });
        }
    }
    Ok(out)
}

fn answer_missing(q: &Question, mode: &mut Mode<'_>) -> Result<Value> {
    let default = default_text(q);
    match mode {
        Mode::Defaults => match &default {
            Some(d) => parse(q, d).map_err(|reason| Error::InvalidAnswer {
                question: q.id.clone(),
                value: d.clone(),
                reason: format!("the blueprint's default is invalid: {reason}"),
            }),
            None => Err(Error::NeedsInput {
                what: format!("an answer to {:?} (no default)", q.id),
                flag: format!("--set {}=VALUE", q.id),
            }),
        },
        Mode::Refuse => Err(Error::NeedsInput {
            what: format!("an answer to {:?}", q.id),
            flag: format!("--set {}=VALUE, or --yes to take the defaults", q.id),
        }),
        Mode::Ask(prompter) => ask(q, default.as_deref(), &mut **prompter),
    }
}

fn ask(q: &Question, default: Option<&str>, prompter: &mut dyn Prompter) -> Result<Value> {
    match q.kind {
        QuestionKind::Choice => {
            let at = default
                .and_then(|d| q.choices.iter().position(|c| c == d))
                .unwrap_or(0);
            let i = prompter.select(&q.prompt, &q.choices, at)?;
            Ok(Value::String(q.choices[i].clone()))
        }
        QuestionKind::Bool => {
            let d = default.is_some_and(|d| d == "true");
            Ok(Value::Bool(prompter.confirm(&q.prompt, d)?))
        }
        _ => {
            let raw = prompter.input(&q.prompt, default, &|s| parse(q, s).map(|_| ()))?;
            parse(q, &raw).map_err(Error::Prompt)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::prompt::Scripted;

    fn page_size() -> Question {
        Question {
            min: Some(1),
            max: Some(100),
            ..question("page_size", "Page size", QuestionKind::Int)
        }
        .default(Value::from(20))
    }

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn set_values_are_parsed_and_validated() {
        let a = resolve(
            &[page_size()],
            &given(&[("page_size", "25")]),
            &mut Mode::Refuse,
            "b",
        )
        .unwrap();
        assert_eq!(a.blueprints["page_size"], Value::from(25));
        let err = resolve(
            &[page_size()],
            &given(&[("page_size", "0")]),
            &mut Mode::Refuse,
            "b",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("--set page_size") && err.contains("from 1 to 100"),
            "{err}"
        );
    }

    #[test]
    fn unknown_set_key_lists_the_known_ones() {
        let err = resolve(
            &[page_size()],
            &given(&[("pagesize", "3")]),
            &mut Mode::Defaults,
            "demo",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("\"pagesize\"") && err.contains("page_size"),
            "{err}"
        );
    }

    #[test]
    fn defaults_mode_takes_defaults() {
        let a = resolve(
            &engine_questions(None),
            &given(&[]),
            &mut Mode::Defaults,
            "b",
        )
        .unwrap();
        assert_eq!(a.license, "MIT");
        assert_eq!(a.python, "3.11");
        assert_eq!(a.author, "Your Name");
    }

    #[test]
    fn refuse_mode_names_the_flag() {
        let err = resolve(&[page_size()], &given(&[]), &mut Mode::Refuse, "b").unwrap_err();
        assert!(matches!(err, Error::NeedsInput { .. }));
        assert!(err.to_string().contains("--set page_size=VALUE"), "{err}");
    }

    #[test]
    fn prompting_reasks_until_valid_and_uses_defaults() {
        let mut p = Scripted::new(["abc", "500", "7", "", "Apache"]);
        let mut qs = vec![page_size()];
        qs.extend(
            engine_questions(Some(("Ada".into(), "ada@example.com".into())))[..1]
                .iter()
                .cloned(),
        );
        qs.push(engine_questions(None)[3].clone());
        let a = resolve(&qs, &given(&[]), &mut Mode::Ask(&mut p), "b").unwrap();
        assert_eq!(a.blueprints["page_size"], Value::from(7));
        assert_eq!(a.author, "Ada");
        assert_eq!(a.license, "Apache-2.0");
        assert_eq!(p.asked.len(), 5);
    }

    #[test]
    fn engine_answers_are_fields_and_read_back_from_the_record() {
        let mut map = given(&[("author", "Ada"), ("license", "ISC")])
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<BTreeMap<_, _>>();
        map.insert("page_size".into(), Value::from(20));
        let answers = Answers::from_map(map);
        assert_eq!(
            (answers.author.as_str(), answers.email.as_str()),
            ("Ada", "")
        );
        assert_eq!(answers.license, "ISC");
        assert_eq!(answers.blueprints.keys().collect::<Vec<_>>(), ["page_size"]);
        assert_eq!(Answers::from_map(answers.to_map()), answers);
    }

    #[test]
    fn choices_match_case_insensitively() {
        let q = &engine_questions(None)[3];
        assert_eq!(parse(q, "bsd-3-clause").unwrap(), "BSD-3-Clause");
        assert!(parse(q, "GPL").unwrap_err().contains("MIT"));
    }

    #[test]
    fn licence_and_license_both_set_the_licence() {
        for key in ["licence", "license"] {
            let a = resolve(
                &engine_questions(None),
                &given(&[(key, "isc")]),
                &mut Mode::Defaults,
                "b",
            )
            .unwrap();
            assert_eq!(a.license, "ISC", "{key}");
        }
        let err = resolve(
            &engine_questions(None),
            &given(&[("licence", "ISC"), ("license", "MIT")]),
            &mut Mode::Defaults,
            "b",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("set it once"), "{err}");
    }

    #[test]
    fn a_bad_email_is_explained_in_words() {
        let q = &engine_questions(None)[1];
        for bad in ["ada", "ada@", "@example.com", "ada @example.com", "a@b@c"] {
            let reason = parse(q, bad).unwrap_err();
            assert!(
                reason.starts_with("expected an e-mail address such as"),
                "{reason}"
            );
            assert!(!reason.contains('^') && !reason.contains("\\s"), "{reason}");
        }
        assert!(parse(q, "ada@example.com").is_ok());
    }

    #[test]
    fn a_pattern_without_help_is_named_as_a_pattern() {
        let q = Question {
            pattern: Some("^[a-z]+$".into()),
            ..question("slug", "Slug", QuestionKind::String)
        };
        assert_eq!(
            parse(&q, "A").unwrap_err(),
            "it must match the pattern ^[a-z]+$"
        );
    }
}
