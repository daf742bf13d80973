//! The skill catalog (`blueprints/skills.toml`): every skill a blueprint or task may name,
//! their categories, and the groups that stand for skills across categories. A category's or
//! group's name and aliases are the umbrella words learners type ("data science", "devops").

use serde::Deserialize;

use super::manifest::{line_of, toml_error};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema: u32,
    pub categories: Vec<Category>,
    /// Named sets of skills across categories ("Cloud", "NoSQL databases").
    #[serde(default)]
    pub groups: Vec<Group>,
    pub skills: Vec<Skill>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// Other words for the whole category ("python" for Core Python).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Skills of other categories its umbrella words stand for too (SQL for Databases).
    #[serde(default)]
    pub also: Vec<String>,
}

/// A named set of skills that is not one category: typing its name or an alias asks for all
/// of them, like a category's name does.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Categories whose skills all belong to the group.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Skills that belong to the group besides its categories'.
    #[serde(default)]
    pub skills: Vec<String>,
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
        let also = catalog.categories.iter().map(|c| (&c.id, &c.also));
        let groups = catalog.groups.iter().map(|g| (&g.id, &g.skills));
        for (id, skills) in also.chain(groups) {
            if let Some(bad) = skills.iter().find(|s| !seen.contains(s.as_str())) {
                let msg = format!("{id:?} names {bad:?}, which is not a skill of the catalog");
                return Err(fail(id, msg));
            }
        }
        for group in &catalog.groups {
            let known = |c: &String| catalog.categories.iter().any(|k| &k.id == c);
            if let Some(bad) = group.categories.iter().find(|c| !known(c)) {
                let msg = format!(
                    "group {:?} names {bad:?}, which is not a category of the catalog",
                    group.id
                );
                return Err(fail(&group.id, msg));
            }
        }
        Ok(catalog)
    }

    pub fn get(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// The skills an umbrella term stands for, in catalog order: the practicable skills of
    /// `categories` (with those the categories name in `also`) and `skills` together, or all
    /// of them when none is practicable (so a plan can say why none is covered).
    pub fn members(&self, categories: &[String], skills: &[String]) -> Vec<&str> {
        let also = |id: &String| {
            self.categories
                .iter()
                .any(|c| categories.contains(&c.id) && c.also.contains(id))
        };
        let inside =
            |s: &&Skill| categories.contains(&s.category) || skills.contains(&s.id) || also(&s.id);
        let all: Vec<&Skill> = self.skills.iter().filter(inside).collect();
        let practicable: Vec<&str> = all
            .iter()
            .filter(|s| s.practicable)
            .map(|s| s.id.as_str())
            .collect();
        if practicable.is_empty() {
            all.iter().map(|s| s.id.as_str()).collect()
        } else {
            practicable
        }
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

    #[test]
    fn refuses_a_group_naming_an_unknown_skill() {
        let text = r#"schema = 1
[[categories]]
id = "web"
name = "Web"
[[groups]]
id = "apis"
name = "APIs"
skills = ["fastapi", "flsk"]
[[skills]]
id = "fastapi"
name = "FastAPI"
category = "web"
description = "d"
"#;
        let err = Catalog::parse("skills.toml", text).unwrap_err().to_string();
        assert!(
            err.contains("skills.toml:6") && err.contains("\"flsk\""),
            "{err}"
        );
    }

    #[test]
    fn an_umbrella_stands_for_its_practicable_skills_or_else_all() {
        let library = crate::blueprint::Library::embedded().unwrap();
        let catalog = &library.catalog;
        let data = catalog.members(&["data".into()], &[]);
        assert!(data.contains(&"pandas") && data.contains(&"statistics"));
        let soft = catalog.members(&["soft".into()], &[]);
        assert!(soft.contains(&"communication"), "{soft:?}");
        let mixed = catalog.members(&["soft".into()], &["docker".into()]);
        assert_eq!(mixed, ["docker"]);
        let databases = catalog.members(&["databases".into()], &[]);
        assert!(databases.contains(&"sql") && databases.contains(&"postgresql"));
    }
}
