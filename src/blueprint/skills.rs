//! The skill catalog (`blueprints/skills.toml`): every skill a blueprint or task may name.

use serde::Deserialize;

use super::manifest::{line_of, toml_error};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema: u32,
    pub categories: Vec<Category>,
    pub skills: Vec<Skill>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub id: String,
    pub name: String,
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// False for skills code cannot exercise (communication, teamwork, ...).
    #[serde(default = "yes")]
    pub practicable: bool,
}

fn yes() -> bool {
    true
}

impl Catalog {
    pub fn parse(path: &str, text: &str) -> Result<Catalog> {
        Self::parse_or_take(path, text, None)
    }

    /// Like `parse`, but takes `parsed` (the build's JSON copy of the same file) instead of
    /// parsing `text` when it is there.
    pub fn parse_or_take(path: &str, text: &str, parsed: Option<Catalog>) -> Result<Catalog> {
        let catalog = match parsed {
            Some(catalog) => catalog,
            None => toml::from_str(text).map_err(|e| toml_error(path, text, &e))?,
        };
        let fail = |id: &str, message: String| Error::Manifest {
            path: path.to_string(),
            line: text
                .find(&format!("\"{id}\""))
                .map_or(1, |at| line_of(text, at)),
            message,
        };
        let mut seen = std::collections::BTreeSet::new();
        for skill in &catalog.skills {
            if !seen.insert(skill.id.as_str()) {
                return Err(fail(
                    &skill.id,
                    format!("skill {:?} is listed twice", skill.id),
                ));
            }
            if !catalog.categories.iter().any(|c| c.id == skill.category) {
                let msg = format!(
                    "skill {:?} has unknown category {:?}",
                    skill.id, skill.category
                );
                return Err(fail(&skill.id, msg));
            }
        }
        Ok(catalog)
    }

    pub fn get(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// The display name of a skill id, or the id itself when unknown.
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |s| s.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_skill_in_an_unknown_category() {
        let text = r#"schema = 1
[[categories]]
id = "web"
name = "Web"
[[skills]]
id = "fastapi"
name = "FastAPI"
category = "webb"
description = "d"
"#;
        let err = Catalog::parse("skills.toml", text).unwrap_err().to_string();
        assert!(
            err.contains("skills.toml:6") && err.contains("\"webb\""),
            "{err}"
        );
    }
}
