//! The resolve stage, from what was asked to a plan: which blueprints make the project,
//! under which names, with which answers.
//!
//! `request` is what the command line asked, `prompt` asks the rest at a terminal,
//! `answers` and `naming` validate what was given, `planner` ranks the blueprints for a set
//! of skills. A plan is fully decided (every question answered) before anything is
//! rendered, so composing and writing never need to ask anything.

pub mod answers;
pub mod naming;
pub mod planner;
pub mod prompt;
pub mod request;

use crate::blueprint::{Blueprint, Library};
use crate::error::{Error, Result};
use crate::record::origin::Origin;
use answers::Answers;
use naming::ProjectNames;

#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub base: &'a Blueprint,
    /// Add-ons composed onto the base, in the order they contribute.
    pub addons: Vec<&'a Blueprint>,
    pub names: ProjectNames,
    /// Answers to the engine's questions and every blueprint's, by question id.
    pub answers: Answers,
    /// Overlay the reference solutions.
    pub solved: bool,
    /// The skills the learner asked to practise (catalog ids); empty when none were given.
    /// Tasks exercising none of them are stretch goals.
    pub focus: Vec<String>,
}

impl<'a> Plan<'a> {
    /// The plan a project was made from, as its origin file records it, with `library`'s
    /// blueprints. Fails when the library lacks one of them, naming where it came from.
    pub fn from_origin(origin: &Origin, library: &'a Library) -> Result<Plan<'a>> {
        let parts = origin
            .blueprints
            .iter()
            .map(|b| {
                library.get(&b.id).ok_or_else(|| Error::Project {
                    path: crate::record::origin::PATH.into(),
                    message: format!(
                        "the project was made from blueprint {:?}, which this skillforge does \
                         not have{}",
                        b.id,
                        b.source.as_ref().map_or(String::new(), |s| format!(
                            "; it came from {}: pass --from with that folder",
                            s.location
                        ))
                    ),
                })
            })
            .collect::<Result<Vec<&Blueprint>>>()?;
        let Some((base, addons)) = parts.split_first() else {
            return Err(Error::Project {
                path: crate::record::origin::PATH.into(),
                message: "it names no blueprint; restore it with `git checkout -- \
                          .skillforge/origin.toml`"
                    .into(),
            });
        };
        Ok(Plan {
            base,
            addons: addons.to_vec(),
            names: ProjectNames::parse(&origin.name)?,
            answers: origin
                .answers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            solved: false,
            focus: origin.focus.clone(),
        })
    }

    /// The day samples are made on (`lint`, tests, benches): fixed, so they render the same
    /// whenever they run.
    pub fn sample_day() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::January, 1).expect("a real day")
    }

    /// The base, then the add-ons: the order in which parts are contributed.
    pub fn parts(&self) -> impl Iterator<Item = &'a Blueprint> + '_ {
        std::iter::once(self.base).chain(self.addons.iter().copied())
    }

    /// Answer `id` as text (engine answers are always strings).
    pub fn answer(&self, id: &str) -> String {
        match self.answers.get(id) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }
}
