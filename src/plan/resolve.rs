//! `Plan::resolve`: `new`'s request into a plan. What the flags leave open is chosen at
//! the terminal when there is one (skills, a ranked proposal or a base, the name, every
//! question), by the defaults with `--yes`, and is otherwise an error naming the flag.

use crate::blueprint::{Blueprint, Kind, Library, Summary, compat};
use crate::error::{Error, Result};
use crate::ui;

use super::Plan;
use super::answers::{self, Mode};
use super::naming::{self, ProjectNames};
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
        let reading = request::read_skills(&req.skills, &library.catalog, reborrow(&mut prompter))?;
        let (mut focus, mut named) = (reading.skills, reading.named);
        // Skills given on the command line are the answer: the picker is for when none are
        // (or every word given was left out at the prompt).
        if wanted.base.is_none()
            && focus.is_empty()
            && let Some(p) = reborrow(&mut prompter)
        {
            focus = choose_skills(library, p)?;
            named.clone_from(&focus);
        }
        let (base, addons) =
            choose_parts(&wanted, &focus, &named, library, reborrow(&mut prompter))?;
        let parts = std::iter::once(base).chain(addons.iter().copied());
        let dependencies = naming::requirements(parts);
        let names = choose_name(req, &dependencies, reborrow(&mut prompter))?;
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
            classroom: req.classroom,
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

/// The skills to practise, from a searchable list grouped by category; a skill no
/// blueprint exercises yet says so. Choosing none falls back to picking a blueprint;
/// choosing only skills that no blueprint exercises says so and asks again, rather than
/// ending the run over a choice the list itself marked.
fn choose_skills(library: &Library, prompter: &mut dyn Prompter) -> Result<Vec<String>> {
    let catalog = &library.catalog;
    let exercised: Vec<&str> = library
        .blueprints
        .iter()
        .flat_map(|b| b.all_skills())
        .collect();
    let mut ids: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    for category in &catalog.categories {
        for skill in catalog
            .skills
            .iter()
            .filter(|s| s.category == category.id && s.practicable)
        {
            ids.push(&skill.id);
            let mut item = format!("{}: {}", category.name, skill.name);
            if !exercised.contains(&skill.id.as_str()) {
                item.push_str(NOT_EXERCISED);
            }
            items.push(item);
        }
    }
    loop {
        let picked = prompter.multi_select("Skills to practise", &items, &[])?;
        let chosen: Vec<String> = picked.iter().map(|i| ids[*i].to_string()).collect();
        if !chosen.is_empty() && chosen.iter().all(|id| !exercised.contains(&id.as_str())) {
            ui::warn(&format!(
                "{}: choose a skill without \"{}\", or none to pick a blueprint instead",
                planner::nothing_covers_text(library, &chosen),
                NOT_EXERCISED.trim()
            ));
            continue;
        }
        return Ok(chosen);
    }
}

/// How the skill picker marks a skill that no blueprint exercises yet.
pub const NOT_EXERCISED: &str = " (no blueprint yet)";

/// The base and add-ons: from the flags, or the best proposal for `focus` (chosen among
/// the ranked proposals at a prompt when there is a terminal). A base picked at a prompt
/// is offered its add-ons when `--with` named none. Fails when no project exercises any
/// skill of `focus`: a project practising none of them is never made for them. `named`: the
/// skills of `focus` named themselves, which the ranking covers first.
fn choose_parts<'a>(
    wanted: &Wanted,
    focus: &[String],
    named: &[String],
    library: &'a Library,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<(&'a Blueprint, Vec<&'a Blueprint>)> {
    if focus.is_empty() || wanted.base.is_some() {
        let blueprint = choose_blueprint(wanted, library, reborrow(&mut prompter))?;
        let ids = match prompter {
            Some(p) if wanted.base.is_none() && wanted.addons.is_empty() => {
                choose_addons(library, blueprint.id(), p)?
            }
            _ => wanted.addons.clone(),
        };
        let addons = compat::resolve_addons(library, blueprint.id(), &ids)?;
        if !focus.is_empty() {
            warn_coverage(library, blueprint, &addons, focus);
        }
        return Ok((blueprint, addons));
    }
    let ranked = planner::rank(library, focus, named, 5)?;
    let shown: Vec<Proposal> = ranked
        .into_iter()
        .filter(|p| !p.covered.is_empty())
        .collect();
    if shown.is_empty() {
        return Err(nothing_covers(library, focus));
    }
    let chosen = choose_proposal(library, &shown, prompter)?;
    let base = library
        .get(&chosen.blueprint)?
        .expect("ranked plans name the library's blueprints");
    let mut ids = chosen.addons.clone();
    ids.extend(wanted.addons.iter().cloned());
    let addons = compat::resolve_addons(library, base.id(), &ids)?;
    ui::note(&format!(
        "plan: {} {}",
        chosen.label(),
        planner::coverage_text(chosen, &library.catalog)
    ));
    Ok((base, addons))
}

/// The refusal of `new --skills` when no project exercises any of `focus`, naming the
/// nearest base as only that and the flag that makes it anyway.
pub fn nothing_covers(library: &Library, focus: &[String]) -> Error {
    let nearest = match planner::nearest(library, focus) {
        Some(n) => format!(
            "; the nearest blueprint is {}, which exercises other {} skills but none of those \
             asked for: pass --blueprint {} to make it anyway",
            n.blueprint,
            n.shared.join(" and ").to_lowercase(),
            n.blueprint
        ),
        None => "; `skillforge list` shows what the blueprints exercise".into(),
    };
    Error::Refused {
        message: format!(
            "{}, so no project here practises it{nearest}",
            planner::nothing_covers_text(library, focus)
        ),
    }
}

/// Warns when the base and add-ons the flags named exercise none of `focus`, and says which
/// skills they leave out when they cover some.
fn warn_coverage(library: &Library, base: &Blueprint, addons: &[&Blueprint], focus: &[String]) {
    let parts: Vec<&str> = std::iter::once(base)
        .chain(addons.iter().copied())
        .filter_map(|b| library.summary(b.id()))
        .flat_map(Summary::all_skills)
        .collect();
    let label = std::iter::once(base.id())
        .chain(addons.iter().map(|a| a.id()))
        .collect::<Vec<_>>()
        .join(" + ");
    let (covered, uncovered): (Vec<&String>, Vec<&String>) =
        focus.iter().partition(|s| parts.contains(&s.as_str()));
    let names = |skills: &[&String]| {
        skills
            .iter()
            .map(|s| library.catalog.name_of(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if covered.is_empty() {
        ui::warn(&format!(
            "{label} exercises none of the skills asked for ({}): every task is a stretch goal",
            names(&uncovered)
        ));
    } else if !uncovered.is_empty() {
        ui::note(&format!(
            "plan: {label} covers {} of {} requested skills; not covered: {}",
            covered.len(),
            focus.len(),
            names(&uncovered)
        ));
    }
}

/// The add-ons for `base`, picked at a prompt among those that apply to it.
fn choose_addons(
    library: &Library,
    base: &str,
    prompter: &mut dyn Prompter,
) -> Result<Vec<String>> {
    let offered = compat::compatible_addons(library, base);
    if offered.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<String> = offered
        .iter()
        .map(|a| format!("{:12} {} (~{} h)", a.id(), a.summary, a.hours))
        .collect();
    let picked = prompter.multi_select("Add-ons", &items, &[])?;
    Ok(picked.into_iter().map(|i| offered[i].id.clone()).collect())
}

/// One of the `shown` proposals: the first, or the one picked at a prompt when there is a
/// choice. Each line names what its plan leaves uncovered.
fn choose_proposal<'p>(
    library: &Library,
    shown: &'p [Proposal],
    prompter: Option<&mut dyn Prompter>,
) -> Result<&'p Proposal> {
    let index = match prompter {
        Some(p) if shown.len() > 1 => {
            let items: Vec<String> = shown
                .iter()
                .map(|c| planner::plan_line(c, &library.catalog))
                .collect();
            p.select("Plan", &items, 0)?
        }
        _ => 0,
    };
    Ok(&shown[index])
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
/// A name whose package or distribution is one of the plan's `dependencies` is refused.
fn choose_name(
    req: &NewRequest,
    dependencies: &naming::Dependencies,
    prompter: Option<&mut dyn Prompter>,
) -> Result<ProjectNames> {
    let parse = |raw: &str| {
        let names = ProjectNames::parse(raw)?;
        names.refuse_dependencies(dependencies)?;
        Ok(names)
    };
    match (&req.name, prompter) {
        (Some(name), _) => parse(name),
        (None, Some(p)) => {
            let validate = |s: &str| parse(s).map(|_| ()).map_err(|e| short_reason(&e));
            let raw = p.input("Project name", None, &validate)?;
            parse(&raw)
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

    /// A prompter that answers like `Scripted` and keeps the items it was shown.
    struct Shown {
        inner: Scripted,
        items: Vec<Vec<String>>,
    }

    impl Prompter for Shown {
        fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
            self.items.push(items.to_vec());
            self.inner.select(prompt, items, default)
        }
        fn input(
            &mut self,
            prompt: &str,
            default: Option<&str>,
            validate: super::super::prompt::Validator<'_>,
        ) -> Result<String> {
            self.inner.input(prompt, default, validate)
        }
        fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
            self.inner.confirm(prompt, default)
        }
        fn multi_select(
            &mut self,
            prompt: &str,
            items: &[String],
            chosen: &[usize],
        ) -> Result<Vec<usize>> {
            self.items.push(items.to_vec());
            self.inner.multi_select(prompt, items, chosen)
        }
    }

    fn asking(answers: &[&str]) -> Shown {
        Shown {
            inner: Scripted::new(answers.iter().copied()),
            items: Vec::new(),
        }
    }

    #[test]
    fn the_picker_marks_skills_no_blueprint_exercises_yet() {
        let library = Library::embedded().unwrap();
        let mut p = asking(&["FastAPI"]);
        let chosen = choose_skills(&library, &mut p).unwrap();
        assert_eq!(chosen, ["fastapi"]);
        let items = &p.items[0];
        let kubernetes = items.iter().find(|i| i.contains("Kubernetes")).unwrap();
        assert!(kubernetes.ends_with(NOT_EXERCISED), "{kubernetes}");
        let fastapi = items.iter().find(|i| i.ends_with(": FastAPI")).unwrap();
        assert!(!fastapi.contains(NOT_EXERCISED), "{fastapi}");
    }

    #[test]
    fn picking_only_skills_nothing_exercises_asks_again() {
        let library = Library::embedded().unwrap();
        let mut p = asking(&[&format!("Kubernetes{NOT_EXERCISED}"), "FastAPI"]);
        let chosen = choose_skills(&library, &mut p).unwrap();
        assert_eq!(chosen, ["fastapi"]);
        assert_eq!(p.items.len(), 2, "the picker is shown again");
    }

    #[test]
    fn a_base_picked_instead_of_skills_is_offered_its_addons() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let req = NewRequest {
            yes: false,
            ..request(dir.path())
        };
        let docker = library.summary("docker").unwrap();
        let docker = format!("{} (~{} h)", docker.summary, docker.hours);
        // The scripted answer matches an item's end, and splits at commas.
        let docker = docker.rsplit(',').next().unwrap().trim();
        let mut p = asking(&["", "fastapi-service", docker, "", "", "", "", "", ""]);
        let plan = Plan::resolve(&req, &library, &Offered::default(), None, Some(&mut p)).unwrap();
        assert_eq!(ids(&plan), ["fastapi-service", "docker"]);
        assert_eq!(
            p.inner.asked[..3],
            ["Skills to practise", "Blueprint", "Add-ons"]
        );
        let offered = &p.items[2];
        assert!(
            offered.iter().any(|i| i.starts_with("github-ci")),
            "{offered:?}"
        );
    }

    #[test]
    fn skills_on_the_command_line_skip_the_picker() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::embedded().unwrap();
        let req = NewRequest {
            yes: false,
            skills: vec!["pydantic".into()],
            ..request(dir.path())
        };
        let mut p = asking(&["", "", "", "", "", "", ""]);
        let plan = Plan::resolve(&req, &library, &Offered::default(), None, Some(&mut p)).unwrap();
        assert_eq!(ids(&plan), ["fastapi-service"]);
        assert!(
            !p.inner.asked.iter().any(|a| a == "Skills to practise"),
            "{:?}",
            p.inner.asked
        );
    }
}
