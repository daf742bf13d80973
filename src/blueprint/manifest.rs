//! `blueprint.toml`: the typed manifest of a blueprint, parsed strictly.
//!
//! Every struct denies unknown fields, so a typo in a blueprint is an error naming the file,
//! the line and the key instead of a silently ignored setting. The shape is documented in
//! `docs/blueprint-format.md`; keep the two in step.

use serde::Deserialize;

use crate::error::{Error, Result};

/// The newest manifest format this build reads: 2, template plus steps. Format 1 (a
/// `solution/` folder, steps optional) is still read; see `blueprint::steps`.
pub const SCHEMA: u32 = 2;

/// The oldest manifest format this build reads.
pub const OLDEST_SCHEMA: u32 = 1;

/// Seconds a test may run when its blueprint sets no `test-timeout`: far above what any
/// test of ours needs, short enough that an endless loop is reported soon.
pub const DEFAULT_TEST_TIMEOUT: u32 = 20;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    pub schema: u32,
    pub id: String,
    pub kind: Kind,
    pub version: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub description: String,
    pub difficulty: Difficulty,
    pub hours: u32,
    pub skills: Vec<String>,
    #[serde(default)]
    pub harness: Vec<String>,
    /// Seconds one of its tests may run (set-up, call and tear-down) before `check` stops
    /// it and fails it as timed out; `DEFAULT_TEST_TIMEOUT` when not given.
    #[serde(default)]
    pub test_timeout: Option<u32>,
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub conflicts: Vec<String>,
    /// An add-on's refusals: base id -> why it is not for that base and what to use instead.
    /// Such a base is refused even when `applies-to` is `"*"`, with this sentence.
    #[serde(default)]
    pub not_for: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub python: Python,
    /// Free TOML merged into the generated `pyproject.toml`; only a `tool` table is accepted.
    #[serde(default)]
    pub pyproject: toml::Table,
    #[serde(default)]
    pub readme: Vec<ReadmeSection>,
    #[serde(default)]
    pub gitignore: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Base,
    Addon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Beginner => "beginner",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
}

/// A question the blueprint asks; answered by a prompt, `--set id=value` or its default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    pub default: Option<toml::Value>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    String,
    Int,
    Bool,
    Choice,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Python {
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// PEP 735 groups by name; the generated `dev` group includes them all.
    #[serde(default)]
    pub groups: toml::map::Map<String, toml::Value>,
    #[serde(default)]
    pub scripts: Vec<Script>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub name: String,
    pub target: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadmeSection {
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub description: String,
    pub skills: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    pub hints: Vec<String>,
    pub tests: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
}

impl Manifest {
    /// Parses `text`, read from `path`, and checks what serde cannot: the schema version,
    /// the id, and the internal consistency of questions and tasks.
    pub fn parse(path: &str, text: &str) -> Result<Manifest> {
        Self::parse_or_take(path, text, None)
    }

    /// Like `parse`, but takes `parsed` (the same data, read from the build's JSON copy)
    /// instead of parsing `text` when it is there; `text` still serves the checks' lines.
    pub fn parse_or_take(path: &str, text: &str, parsed: Option<Manifest>) -> Result<Manifest> {
        let manifest = match parsed {
            Some(manifest) => manifest,
            None => toml::from_str(text).map_err(|e| toml_error(path, text, &e))?,
        };
        manifest.validate(path, text)?;
        Ok(manifest)
    }

    fn validate(&self, path: &str, text: &str) -> Result<()> {
        match self.problems(path, text).into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Every rule of the format this manifest breaks, each with its line: `lint` reports
    /// them all, `parse` stops at the first.
    pub fn problems(&self, path: &str, text: &str) -> Vec<Error> {
        let mut fail = Found {
            path,
            text,
            out: Vec::new(),
        };
        if !(OLDEST_SCHEMA..=SCHEMA).contains(&self.schema) {
            let msg = format!(
                "schema {} is not supported; this skillforge reads schema {OLDEST_SCHEMA} \
                 to {SCHEMA}",
                self.schema
            );
            fail.at("schema", msg);
        }
        if !is_kebab(&self.id) {
            fail.at("id", format!("id {:?} must be kebab-case", self.id));
        }
        match self.kind {
            Kind::Addon if self.applies_to.is_empty() => fail.at(
                "kind",
                "an add-on must say which bases it applies to (applies-to)".into(),
            ),
            Kind::Base if !self.applies_to.is_empty() => fail.at(
                "applies-to",
                "applies-to is for add-ons; a base applies to nothing".into(),
            ),
            _ => {}
        }
        for problem in self.not_for_problems() {
            fail.at("not-for", problem);
        }
        self.question_problems(&mut fail);
        self.task_problems(&mut fail);
        for key in self.pyproject.keys().filter(|k| *k != "tool") {
            let msg = format!(
                "[pyproject.{key}] cannot be set; only [pyproject.tool] tables are merged \
                 (dependencies go in [python])"
            );
            fail.at("[pyproject", msg);
        }
        fail.out
    }

    fn question_problems(&self, fail: &mut Found<'_>) {
        let mut seen = std::collections::BTreeSet::new();
        for q in &self.questions {
            if !is_identifier(&q.id) {
                fail.at(
                    &q.id,
                    format!("question id {:?} must be a lower-case identifier", q.id),
                );
            }
            if ["author", "email", "python", "license"].contains(&q.id.as_str()) {
                let msg = format!(
                    "question id {:?} is asked by skillforge itself; use {{{{author.name}}}}, \
                     {{{{author.email}}}}, {{{{python.min}}}} or {{{{license}}}} instead",
                    q.id
                );
                fail.at(&q.id, msg);
            }
            if !seen.insert(q.id.as_str()) {
                fail.at(&q.id, format!("question {:?} is defined twice", q.id));
            }
            if q.kind == QuestionKind::Choice && q.choices.is_empty() {
                fail.at(
                    &q.id,
                    format!("question {:?} has type choice but no choices", q.id),
                );
            }
            if let Some(p) = &q.pattern
                && let Err(e) = regex::Regex::new(p)
            {
                fail.at(
                    p,
                    format!("question {:?} has an invalid pattern: {e}", q.id),
                );
            }
        }
    }

    fn task_problems(&self, fail: &mut Found<'_>) {
        let mut task_ids = std::collections::BTreeSet::new();
        for t in &self.tasks {
            if !is_kebab(&t.id) {
                fail.at(&t.id, format!("task id {:?} must be kebab-case", t.id));
            }
            if !task_ids.insert(t.id.as_str()) {
                fail.at(&t.id, format!("task {:?} is defined twice", t.id));
            }
            if t.tests.is_empty() {
                fail.at(&t.id, format!("task {:?} lists no tests", t.id));
            }
            if t.hints.is_empty() || t.hints.len() > 5 {
                fail.at(
                    &t.id,
                    format!("task {:?} needs 1 to 5 hints, has {}", t.id, t.hints.len()),
                );
            }
        }
        for t in &self.tasks {
            for r in t.requires.iter().filter(|r| !task_ids.contains(r.as_str())) {
                fail.at(r, format!("task {:?} requires unknown task {r:?}", t.id));
            }
        }
    }
}

/// Problems found in one manifest, each placed on the line of a needle.
struct Found<'a> {
    path: &'a str,
    text: &'a str,
    out: Vec<Error>,
}

impl Found<'_> {
    /// Records `message` on the line of the first `needle` in the text (1 when absent).
    fn at(&mut self, needle: &str, message: String) {
        self.out.push(Error::Manifest {
            path: self.path.to_string(),
            line: self
                .text
                .find(needle)
                .map_or(1, |at| line_of(self.text, at)),
            message,
        });
    }
}

impl Manifest {
    /// What is wrong with the `[not-for]` table: it belongs to add-ons, its keys are base ids
    /// the add-on does not also name in `applies-to`, and each reason is a sentence.
    fn not_for_problems(&self) -> Vec<String> {
        if self.not_for.is_empty() {
            return Vec::new();
        }
        if self.kind == Kind::Base {
            return vec!["[not-for] is for add-ons; a base is refused by nothing".into()];
        }
        let mut out = Vec::new();
        for (id, reason) in &self.not_for {
            if !is_kebab(id) {
                out.push(format!(
                    "[not-for] key {id:?} must be a base id (kebab-case)"
                ));
            } else if self.applies_to.contains(id) {
                out.push(format!(
                    "{id} is both in applies-to and in [not-for]; keep one"
                ));
            }
            if reason.trim().is_empty() {
                out.push(format!(
                    "[not-for] {id} gives no reason; say why, and what to use instead"
                ));
            }
        }
        out
    }
}

/// A TOML or schema error as a manifest error: file, line, and the key on that line.
pub fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> Error {
    let at = e.span().map_or(0, |span| span.start);
    let mut message = e.message().trim().to_string();
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_text = text[line_start..].lines().next().unwrap_or_default();
    if let Some((key, _)) = line_text.split_once('=') {
        let key = key.trim();
        if !key.is_empty() && !message.contains(key) {
            message = format!("key `{key}`: {message}");
        }
    }
    Error::Manifest {
        path: path.to_string(),
        line: line_of(text, at),
        message,
    }
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"schema = 1
id = "demo"
kind = "base"
version = "1.0.0"
title = "Demo"
summary = "A demo"
difficulty = "beginner"
hours = 1
skills = ["pytest"]

[[tasks]]
id = "first"
title = "First"
summary = "Do it"
skills = ["pytest"]
hints = ["look"]
tests = ["tests/test_first.py"]
"#;

    fn error_of(text: &str) -> (usize, String) {
        match Manifest::parse("demo/blueprint.toml", text) {
            Err(Error::Manifest { line, message, .. }) => (line, message),
            other => panic!("expected a manifest error, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_minimal_manifest() {
        let m = Manifest::parse("demo/blueprint.toml", MINIMAL).unwrap();
        assert_eq!(m.id, "demo");
        assert_eq!(m.kind, Kind::Base);
        assert_eq!(m.tasks[0].tests, ["tests/test_first.py"]);
    }

    #[test]
    fn unknown_key_names_the_key_and_its_line() {
        let text = MINIMAL.replace("hours = 1", "hours = 1\ncolour = \"red\"");
        let (line, message) = error_of(&text);
        assert_eq!(line, 9);
        assert!(message.contains("colour"), "{message}");
    }

    #[test]
    fn unknown_key_inside_a_task_is_refused() {
        let text = MINIMAL.replace("hints = [\"look\"]", "hints = [\"look\"]\nhint = \"x\"");
        let (line, message) = error_of(&text);
        assert_eq!(line, 17);
        assert!(message.contains("hint"), "{message}");
    }

    #[test]
    fn wrong_type_names_the_line() {
        let (line, message) = error_of(&MINIMAL.replace("hours = 1", "hours = \"one\""));
        assert_eq!(line, 8);
        assert!(
            message.contains("`hours`") && message.contains("\"one\""),
            "{message}"
        );
    }

    #[test]
    fn unsupported_schema_is_refused() {
        let (line, message) = error_of(&MINIMAL.replace("schema = 1", "schema = 3"));
        assert_eq!(line, 1);
        assert!(message.contains("schema 3"), "{message}");
    }

    #[test]
    fn task_without_tests_is_refused() {
        let (_, message) =
            error_of(&MINIMAL.replace("tests = [\"tests/test_first.py\"]", "tests = []"));
        assert!(message.contains("no tests"), "{message}");
    }

    #[test]
    fn requirement_on_unknown_task_is_refused() {
        let text = MINIMAL.replace(
            "hints = [\"look\"]",
            "hints = [\"look\"]\nrequires = [\"zero\"]",
        );
        let (_, message) = error_of(&text);
        assert!(message.contains("unknown task \"zero\""), "{message}");
    }

    const ADDON: &str = r#"schema = 1
id = "ci"
kind = "addon"
version = "1.0.0"
title = "CI"
summary = "A workflow"
difficulty = "beginner"
hours = 1
skills = ["pytest"]
applies-to = ["*"]

[not-for]
lib = "lib ships its own workflows; use its release task instead"

[[tasks]]
id = "first"
title = "First"
summary = "Do it"
skills = ["pytest"]
hints = ["look"]
tests = ["tests/test_first.py"]
"#;

    #[test]
    fn not_for_maps_bases_to_their_reasons() {
        let m = Manifest::parse("ci/blueprint.toml", ADDON).unwrap();
        assert_eq!(
            m.not_for.get("lib").map(String::as_str),
            Some("lib ships its own workflows; use its release task instead")
        );
    }

    #[test]
    fn not_for_is_refused_on_a_base_with_its_line() {
        let text = format!("{MINIMAL}\n[not-for]\nlib = \"no\"\n");
        let (line, message) = error_of(&text);
        assert_eq!(
            line,
            text.lines().position(|l| l == "[not-for]").unwrap() + 1
        );
        assert!(message.contains("for add-ons"), "{message}");
    }

    #[test]
    fn not_for_needs_a_reason_and_no_contradiction() {
        let silent = ADDON.replace("instead\"", "\"").replace(
            "\"lib ships its own workflows; use its release task ",
            "\"  ",
        );
        let (_, message) = error_of(&silent);
        assert!(message.contains("lib gives no reason"), "{message}");
        let both = ADDON.replace("[\"*\"]", "[\"lib\"]");
        let (_, message) = error_of(&both);
        assert!(
            message.contains("both in applies-to and in [not-for]"),
            "{message}"
        );
        let typo = ADDON.replace("lib = ", "Lib = ");
        let (_, message) = error_of(&typo);
        assert!(message.contains("\"Lib\" must be a base id"), "{message}");
    }

    #[test]
    fn not_for_rejects_values_that_are_not_sentences() {
        let (line, message) = error_of(
            &ADDON
                .replace("lib = \"lib", "lib = [\"lib")
                .replace("instead\"", "instead\"]"),
        );
        assert_eq!(line, 13);
        assert!(message.contains("string"), "{message}");
    }

    #[test]
    fn pyproject_fragment_outside_tool_is_refused() {
        let text = format!("{MINIMAL}\n[pyproject.project]\nname = \"x\"\n");
        let (_, message) = error_of(&text);
        assert!(message.contains("[pyproject.project]"), "{message}");
    }
}
