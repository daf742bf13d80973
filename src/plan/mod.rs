//! The resolve stage, from what was asked to a plan: which blueprints make the project,
//! under which names, with which answers.
//!
//! `request` is what the command line asked, `prompt` asks the rest at a terminal,
//! `answers` and `naming` validate what was given, `planner` ranks the blueprints for a set
//! of skills. A plan is fully decided (every question answered) before anything is
//! rendered, so composing and writing never need to ask anything.

#[warn(missing_docs)]
pub mod answers;
#[warn(missing_docs)]
pub mod naming;
// Its public items lack some docs yet (another change to it is under way).
pub mod planner;
#[warn(missing_docs)]
pub mod prompt;
#[warn(missing_docs)]
pub mod request;
#[warn(missing_docs)]
pub mod resolve;

use crate::blueprint::{Blueprint, Library};
use crate::error::{Error, Result};
use crate::record::origin::Origin;
use answers::{Answers, Mode};
use naming::ProjectNames;

/// Everything decided about a project before it is composed, borrowing its blueprints
/// from a `Library`.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The base blueprint, which contributes first.
    pub base: &'a Blueprint,
    /// Add-ons composed onto the base, in the order they contribute.
    pub addons: Vec<&'a Blueprint>,
    /// The project's names, from the one the learner typed.
    pub names: ProjectNames,
    /// Answers to the engine's questions and every blueprint's.
    pub answers: Answers,
    /// Overlay the reference solutions.
    pub solved: bool,
    /// The skills the learner asked to practise (catalog ids); empty when none were given.
    /// Tasks exercising none of them are stretch goals.
    pub focus: Vec<String>,
    /// Add the GitHub Classroom autograding workflow (`new --classroom`).
    pub classroom: bool,
}

impl<'a> Plan<'a> {
    /// The plan a project was made from, as its origin file records it, with `library`'s
    /// blueprints. Fails when the library lacks one of them, naming where it came from.
    pub fn from_origin(origin: &Origin, library: &'a Library) -> Result<Plan<'a>> {
        let parts = origin
            .blueprints
            .iter()
            .map(|b| {
                library.get(&b.id)?.ok_or_else(|| Error::Project {
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
            answers: Answers::from_map(origin.answers.clone()),
            solved: false,
            focus: origin.focus.clone(),
            classroom: origin.classroom,
        })
    }

    /// A plan of `base` with `addons`, named `name`, every question answered by its
    /// default and no git identity, as `new --yes` would make it on a machine without one:
    /// what `lint`, tests and benches render. Fails when `name` is not a valid project name
    /// or a default does not answer its question.
    pub fn sample(base: &'a Blueprint, addons: Vec<&'a Blueprint>, name: &str) -> Result<Plan<'a>> {
        let parts = std::iter::once(base).chain(addons.iter().copied());
        let questions = answers::questions_for(None, parts);
        let given = std::collections::BTreeMap::new();
        let answers = answers::resolve(&questions, &given, &mut Mode::Defaults, base.id())?;
        Ok(Plan {
            base,
            addons,
            names: ProjectNames::parse(name)?,
            answers,
            solved: false,
            focus: Vec::new(),
            classroom: false,
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
}
