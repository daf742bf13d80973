//! `Plan::resolve`: `new`'s request into a plan. What the flags leave open is chosen at
//! the terminal when there is one (skills, a ranked proposal or a base, the name, every
//! question), by the defaults with `--yes`, and is otherwise an error naming the flag.

use crate::blueprint::{Blueprint, Kind, Library, Summary, compat};
use crate::error::{Error, Result};
use crate::ui;

use super::Plan;
use super::answers::{self, Mode};
use super::naming::ProjectNames;
use super::planner::{self, Proposal};
use super::prompt::Prompter;
use super::request::{self, NewRequest};

/// What the blueprints of `--from` offer besides the library's own: a single base is the
/// project's base unless `--blueprint` names another, and every add-on is composed.
#[derive(Debug, Clone, Default)]
pub struct Offered {
    /// The `--from` folder or URL, as given.
    pub source: String,
    /// Ids of the bases it holds.
    pub bases: Vec<String>,
    /// Ids of the add-ons it holds.
    pub addons: Vec<String>,
}

/// The base and add-ons asked for, by id: the flags with what `--from` offers.
struct Wanted {
    base: Option<String>,
    addons: Vec<String>,
}

impl<'a> Plan<'a> {
    /// Resolves `req` with `library` and what `--from` `offered`: `identity` (the git user's
    /// name and e-mail) is the default author; `prompter` asks what the flags leave open,
    /// and is ignored with `--yes`. Fails when an answer is missing and nothing may ask,
    /// when a flag names no blueprint or skill, and when the destination already exists
    /// (checked before any question, so none is asked in vain).
    pub fn resolve(
        req: &NewRequest,
        library: &'a Library,
        offered: &Offered,
        identity: Option<(String, String)>,
        prompter: Option<&mut dyn Prompter>,
    ) -> Result<Plan<'a>> {
        let mut prompter = if req.yes { None } else { prompter };
        let wanted = wanted(req, offered)?;
        let mut focus =
            request::read_skills(&req.skills, &library.catalog, reborrow(&mut prompter))?;
        if wanted.base.is_none()
            && let Some(p) = reborrow(&mut prompter)
        {
            focus = choose_skills(library, &focus, p)?;
        }
        let (base, addons) = choose_parts(&wanted, &focus, library, reborrow(&mut prompter))?;
        let names = choose_name(req, reborrow(&mut prompter))?;
        let destination = req.destination(&names);
        if !req.dry_run && destination.symlink_metadata().is_ok() {
            return Err(Error::DestinationExists { path: destination });
        }
        let parts = std::iter::once(base).chain(addons.iter().copied());
        let questions = answers::questions_for(identity, parts);
        let mut mode = match (req.yes, prompter) {
            (true, _) => Mode::Defaults,
            (false, Some(p)) => Mode::Ask(p),
            (false, None) => Mode::Refuse,
        };
        let answers = answers::resolve(&questions, &req.answers, &mut mode, base.id())?;
        Ok(Plan {
            base,
            addons,
            names,
            answers,
            solved: req.solved,
            focus,
        })
    }
}

/// The flags' base and add-ons with `offered`'s: its add-ons after `--with`'s, its base
/// when it holds one and `--blueprint` is not given.
fn wanted(req: &NewRequest, offered: &Offered) -> Result<Wanted> {
    let mut addons = req.addons.clone();
    for id in &offered.addons {
        if !addons.contains(id) {
            addons.push(id.clone());
        }
    }
    let base = match (&req.blueprint, offered.bases.as_slice()) {
        (Some(id), _) => Some(id.clone()),
        (None, [one]) => Some(one.clone()),
        (None, []) => None,
        (None, many) => {
            return Err(Error::NeedsInput {
                what: format!(
                    "a choice among the bases of {} ({})",
                    offered.source,
                    many.join(", ")
                ),
                flag: "--blueprint ID".into(),
            });
        }
    };
    Ok(Wanted { base, addons })
}

/// Shortens the trait object's lifetime so the prompter can be lent out several times.
fn reborrow<'s>(prompter: &'s mut Option<&mut dyn Prompter>) -> Option<&'s mut dyn Prompter> {
    match prompter {
        Some(p) => Some(&mut **p),
        None => None,
    }
}

/// The skills to practise, from a searchable list grouped by category, with `preselected`
/// (from `--skills`) already chosen. Choosing none falls back to picking a blueprint.
fn choose_skills(
    library: &Library,
    preselected: &[String],
    prompter: &mut dyn Prompter,
) -> Result<Vec<String>> {
    let catalog = &library.catalog;
    let mut ids: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    for category in &catalog.categories {
        for skill in catalog
            .skills
            .iter()
            .filter(|s| s.category == category.id && s.practicable)
        {
            ids.push(&skill.id);
            items.push(format!("{}: {}", category.name, skill.name));
        }
    }
    let chosen: Vec<usize> = preselected
        .iter()
        .filter_map(|s| ids.iter().position(|id| id == s))
        .collect();
    let picked = prompter.multi_select("Skills to practise", &items, &chosen)?;
    Ok(picked.into_iter().map(|i| ids[i].to_string()).collect())
}

/// The base and add-ons: from the flags, or the best proposal for `focus` (chosen among
/// the ranked proposals at a prompt when there is a terminal).
fn choose_parts<'a>(
    wanted: &Wanted,
    focus: &[String],
    library: &'a Library,
    prompter: Option<&mut dyn Prompter>,
) -> Result<(&'a Blueprint, Vec<&'a Blueprint>)> {
    if focus.is_empty() || wanted.base.is_some() {
        let blueprint = choose_blueprint(wanted, library, prompter)?;
        return Ok((
            blueprint,
            compat::resolve_addons(library, blueprint.id(), &wanted.addons)?,
        ));
    }
    let shown = &planner::rank(library, focus, 5)?;
    let chosen = choose_proposal(shown, focus.len(), prompter)?;
    let base = library
        .get(&chosen.blueprint)?
        .expect("ranked plans name the library's blueprints");
    let mut ids = chosen.addons.clone();
    ids.extend(wanted.addons.iter().cloned());
    let addons = compat::resolve_addons(library, base.id(), &ids)?;
    note_coverage(library, chosen, focus.len());
    Ok((base, addons))
}

/// One of the `shown` proposals for `requested` skills: the first, or the one picked at a
/// prompt when there is a choice.
fn choose_proposal<'p>(
    shown: &'p [Proposal],
    requested: usize,
    prompter: Option<&mut dyn Prompter>,
) -> Result<&'p Proposal> {
    let index = match prompter {
        Some(p) if shown.len() > 1 => {
            let items: Vec<String> = shown
                .iter()
                .map(|c| {
                    format!(
                        "{}: covers {}/{}, {} tasks ({} stretch), ~{} h",
                        c.label(),
                        c.covered.len(),
                        requested,
                        c.tasks,
                        c.stretch_tasks,
                        c.hours
                    )
                })
                .collect();
            p.select("Plan", &items, 0)?
        }
        _ => 0,
    };
    shown.get(index).ok_or_else(|| Error::Blueprint {
        path: "blueprints".into(),
        message: "this build has no base blueprint to plan with".into(),
    })
}

/// Says on stderr what the `chosen` proposal covers of the `requested` skills.
fn note_coverage(library: &Library, chosen: &Proposal, requested: usize) {
    let uncovered: Vec<&str> = chosen
        .uncovered
        .iter()
        .map(|s| library.catalog.name_of(s))
        .collect();
    ui::note(&format!(
        "plan: {} covers {} of {} requested skills{}",
        chosen.label(),
        chosen.covered.len(),
        requested,
        if uncovered.is_empty() {
            String::new()
        } else {
            format!("; not covered: {}", uncovered.join(", "))
        }
    ));
}

/// The base blueprint: the one asked for, or one picked at a prompt.
fn choose_blueprint<'a>(
    wanted: &Wanted,
    library: &'a Library,
    prompter: Option<&mut dyn Prompter>,
) -> Result<&'a Blueprint> {
    let bases: Vec<&Summary> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base)
        .collect();
    let id = match (&wanted.base, prompter) {
        (Some(id), _) => id.clone(),
        (None, Some(p)) => {
            let items: Vec<String> = bases
                .iter()
                .map(|b| {
                    format!(
                        "{:18} {} ({}, ~{} h)",
                        b.id(),
                        b.summary,
                        b.difficulty.as_str(),
                        b.hours
                    )
                })
                .collect();
            bases[p.select("Blueprint", &items, 0)?].id().to_string()
        }
        (None, None) => {
            return Err(Error::NeedsInput {
                what: "the blueprint".into(),
                flag: format!("--blueprint ID (one of: {})", ids(&bases)),
            });
        }
    };
    let blueprint = library.get(&id)?.ok_or_else(|| Error::UnknownBlueprint {
        id: id.clone(),
        available: ids(&bases),
    })?;
    if blueprint.manifest.kind != Kind::Base {
        return Err(Error::NotABase {
            id,
            bases: ids(&bases),
        });
    }
    Ok(blueprint)
}

fn ids(blueprints: &[&Summary]) -> String {
    blueprints
        .iter()
        .map(|b| b.id())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The project's names: from the first argument, or typed at a prompt until valid.
fn choose_name(req: &NewRequest, prompter: Option<&mut dyn Prompter>) -> Result<ProjectNames> {
    match (&req.name, prompter) {
        (Some(name), _) => ProjectNames::parse(name),
        (None, Some(p)) => {
            let validate = |s: &str| {
                ProjectNames::parse(s)
                    .map(|_| ())
                    .map_err(|e| short_reason(&e))
            };
            let raw = p.input("Project name", None, &validate)?;
            ProjectNames::parse(&raw)
        }
        (None, None) => Err(Error::NeedsInput {
            what: "the project name".into(),
            flag: "it as the first argument: skillforge new NAME".into(),
        }),
    }
}

fn short_reason(e: &Error) -> String {
    match e {
        Error::InvalidName { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::prompt::Scripted;

    fn request(dir: &std::path::Path) -> NewRequest {
        NewRequest {
            name: Some("demo".into()),
            yes: true,
            output_dir: dir.to_path_buf(),
            ..NewRequest::default()
        }
    }

    fn offered(bases: &[&str], addons: &[&str]) -> Offered {
        Offered {
            source: "./mine".into(),
            bases: bases.iter().map(ToString::to_string).collect(),
            addons: addons.iter().map(ToString::to_string).collect(),
        }
    }

    fn ids(plan: &Plan<'_>) -> Vec<String> {
        plan.parts().map(|b| b.id().to_string()).collect()
    }

    #[test]
    fn a_single_offered_base_is_the_base_and_offered_addons_are_composed() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let req = request(dir.path());
        let offer = offered(&["fastapi-service"], &["docker"]);
        let plan = Plan::resolve(&req, &library, &offer, None, None).unwrap();
        assert_eq!(ids(&plan), ["fastapi-service", "docker"]);
        assert!(req.blueprint.is_none() && req.addons.is_empty(), "{req:?}");
    }

    #[test]
    fn the_blueprint_flag_wins_over_offered_bases() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let req = NewRequest {
            blueprint: Some("pypi-package".into()),
            ..request(dir.path())
        };
        let offer = offered(&["fastapi-service", "pandas-analysis"], &[]);
        let plan = Plan::resolve(&req, &library, &offer, None, None).unwrap();
        assert_eq!(ids(&plan), ["pypi-package"]);
    }

    #[test]
    fn several_offered_bases_need_the_blueprint_flag() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let offer = offered(&["fastapi-service", "pandas-analysis"], &[]);
        let err = Plan::resolve(&request(dir.path()), &library, &offer, None, None).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("./mine") && message.contains("--blueprint ID"),
            "{message}"
        );
    }

    #[test]
    fn an_existing_destination_is_refused_before_any_question() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("demo")).unwrap();
        let library = Library::embedded().unwrap();
        let req = NewRequest {
            blueprint: Some("fastapi-service".into()),
            yes: false,
            ..request(dir.path())
        };
        let mut prompter = Scripted::new(Vec::<&str>::new());
        let err = Plan::resolve(
            &req,
            &library,
            &Offered::default(),
            None,
            Some(&mut prompter),
        )
        .unwrap_err();
        assert!(matches!(err, Error::DestinationExists { .. }), "{err}");
        assert!(prompter.asked.is_empty(), "{:?}", prompter.asked);
    }

    #[test]
    fn yes_takes_every_default_and_the_identity_as_author() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let req = NewRequest {
            blueprint: Some("pypi-package".into()),
            ..request(dir.path())
        };
        let identity = Some(("Ada".to_string(), "ada@example.com".to_string()));
        let plan = Plan::resolve(&req, &library, &Offered::default(), identity, None).unwrap();
        assert_eq!(plan.answers.author, "Ada");
        assert_eq!(plan.answers.email, "ada@example.com");
        assert_eq!(plan.answers.license, "MIT");
        assert_eq!(plan.names.package, "demo");
    }
}
