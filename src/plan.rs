//! The plan: which blueprints make the project, under which names, with which answers.
//!
//! A plan is fully decided (every question answered) before anything is rendered, so
//! composing and writing never need to ask anything.

use crate::answers::Answers;
use crate::blueprint::Blueprint;
use crate::naming::ProjectNames;

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
