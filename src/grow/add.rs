//! `add`'s plan: the recorded plan with one more add-on, composed as `new --with` would
//! have composed it, and the base it merges from.

use std::collections::BTreeMap;

use crate::blueprint::{Library, compat, matching};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::plan::answers::{self, Mode};
use crate::practice::Workspace;
use crate::project::Project;
use crate::record::origin::Origin;

use super::Files;
use super::base::{files, recorded_plan};

/// The project as generated now (the base of the merge) and as it is with the add-on.
pub struct Composed {
    pub base: Files,
    pub new: Project,
    pub origin: Origin,
}

/// Composes the add-on `id` onto the project of `ws`. Refused, with the fix: an unknown id
/// (with the nearest one), a base, an add-on already in the project, one that does not
/// apply to its base (`applies-to`, `[not-for]`) or breaks a rule (`requires`,
/// `conflicts`), and a project whose blueprints changed version since it was made (its
/// generated files could not be rendered again: `update` first).
pub fn compose(ws: &Workspace, library: &Library, id: &str) -> Result<Composed> {
    let plan = recorded_plan(ws, library)?;
    if plan.addons.iter().any(|a| a.id() == id) {
        return Err(Error::Refused {
            message: format!(
                "{id} is already in the project (see .skillforge/origin.toml); nothing to add"
            ),
        });
    }
    refuse_changed_versions(ws, &plan)?;
    let base_id = plan.base.id();
    let mut ids: Vec<String> = plan.addons.iter().map(|a| a.id().to_string()).collect();
    ids.push(id.to_string());
    let addons =
        compat::resolve_addons(library, base_id, &ids).map_err(|e| with_suggestion(e, library))?;
    let added = addons.iter().find(|a| a.id() == id).copied();
    let mut grown = Plan {
        addons,
        ..plan.clone()
    };
    grown.answers = answers_with(&plan, added.into_iter().collect())?;
    let made = ws.origin.made_on();
    let base = files(&crate::project::compose(&plan, &library.catalog, made)?);
    let new = crate::project::compose(&grown, &library.catalog, made)?;
    let origin = Origin::build(&grown, made, &new.tasks, &without_origin(&new));
    Ok(Composed { base, new, origin })
}

/// The generated files but the origin file (its record is built from them).
pub(super) fn without_origin(project: &Project) -> Vec<crate::project::OutputFile> {
    project
        .files
        .iter()
        .filter(|f| f.path.as_str() != crate::record::origin::PATH)
        .cloned()
        .collect()
}

/// The recorded answers, and the default of each question of `added` the project was not
/// asked (a new add-on's, or a question a blueprint's new version adds), as `new --yes`
/// takes them: `add` and `update` ask nothing.
pub(super) fn answers_with(
    plan: &Plan<'_>,
    added: Vec<&crate::blueprint::Blueprint>,
) -> Result<answers::Answers> {
    let questions = answers::questions_for(None, added);
    let defaults = answers::resolve(
        &questions,
        &BTreeMap::new(),
        &mut Mode::Defaults,
        plan.base.id(),
    )?;
    let mut map = defaults.to_map();
    map.extend(plan.answers.to_map());
    Ok(answers::Answers::from_map(map))
}

/// Refuses a project made from other versions of its blueprints than the library's.
fn refuse_changed_versions(ws: &Workspace, plan: &Plan<'_>) -> Result<()> {
    let changed: Vec<String> = plan
        .parts()
        .filter_map(|b| {
            let made = ws.origin.blueprints.iter().find(|o| o.id == b.id())?;
            (made.version != b.manifest.version)
                .then(|| format!("{} {} (now {})", b.id(), made.version, b.manifest.version))
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    Err(Error::Refused {
        message: format!(
            "the project was made from {}: run `skillforge update` first, then add",
            changed.join(", ")
        ),
    })
}

/// An unknown add-on's error with the nearest known id, as `hint` and `check` suggest tasks.
fn with_suggestion(error: Error, library: &Library) -> Error {
    let Error::UnknownAddon { id, available } = error else {
        return error;
    };
    // Every add-on, not only those for this base: a misspelt one that does not apply is
    // better named and then explained than not found.
    let known: Vec<&str> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == crate::blueprint::Kind::Addon)
        .map(|b| b.id())
        .collect();
    let suggestion = matching::closest(&id, &known)
        .map(|s| format!("; did you mean {s:?}?"))
        .unwrap_or_default();
    Error::UnknownAddon {
        id,
        available: format!("{available}{suggestion}"),
    }
}
