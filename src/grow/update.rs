//! `update`'s plan: the recorded plan with the blueprints' current versions, and the base it
//! merges from (the project as generated at the recorded versions, see `base`).

use crate::blueprint::Library;
use crate::error::Result;
use crate::practice::Workspace;
use crate::record::origin::Origin;

use super::add::{Composed, answers_with, without_origin};
use super::base::{from_repository, recorded_plan};

/// A blueprint of the project whose version in the library differs from the recorded one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newer {
    pub id: String,
    pub recorded: String,
    pub current: String,
}

/// The project's blueprints whose version in `library` is not the recorded one, in the
/// order of the origin file; a blueprint the library lacks is left out (`update` names it).
pub fn newer(ws: &Workspace, library: &Library) -> Vec<Newer> {
    ws.origin
        .blueprints
        .iter()
        .filter_map(|recorded| {
            let current = &library.get(&recorded.id).ok()??.manifest.version;
            (*current != recorded.version).then(|| Newer {
                id: recorded.id.clone(),
                recorded: recorded.version.clone(),
                current: current.clone(),
            })
        })
        .collect()
}

/// The project of `ws` composed again from its recorded plan with `library`'s blueprints,
/// and its base from the repository.
pub fn compose(ws: &Workspace, library: &Library) -> Result<Composed> {
    let mut plan = recorded_plan(ws, library)?;
    plan.answers = answers_with(&plan, plan.parts().collect())?;
    let made = ws.origin.made_on();
    let new = crate::project::compose(&plan, &library.catalog, made)?;
    let origin = Origin::build(&plan, made, &new.tasks, &without_origin(&new));
    let base = from_repository(ws, &new);
    Ok(Composed { base, new, origin })
}
