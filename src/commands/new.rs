//! `skillforge new`: resolve the request into a plan (asking what is missing), compose the
//! project, confirm, write it, and tell the user what to do next.

use std::path::PathBuf;

use crate::blueprint::matching::SkillIndex;
use crate::blueprint::{Blueprint, Kind, Library, compat, local};
use crate::error::{Error, Result};
use crate::generate::{self, GitOutcome, GitRequest};
use crate::plan::Plan;
use crate::plan::answers::{self, Mode};
use crate::plan::naming::ProjectNames;
use crate::plan::planner;
use crate::plan::prompt::Prompter;
use crate::plan::request::NewRequest;
use crate::project::{self, Project};
use crate::{git, ui};

/// What `new` produced.
#[derive(Debug)]
pub enum Outcome {
    /// The project was written here.
    Created(PathBuf),
    /// `--dry-run`: the listing of what would be written.
    DryRun(String),
}

/// Runs `new` on the day `today`. `prompter` is `None` when there is no terminal to ask on.
pub fn run(
    req: NewRequest,
    library: &Library,
    mut prompter: Option<&mut dyn Prompter>,
    today: time::Date,
) -> Result<Outcome> {
    if req.yes {
        prompter = None;
    }
    let mut focus = match req.skills.is_empty() {
        true => Vec::new(),
        false => SkillIndex::new(&library.catalog).resolve(&req.skills)?,
    };
    if req.blueprint.is_none()
        && let Some(p) = reborrow(&mut prompter)
    {
        focus = choose_skills(library, &focus, p)?;
    }
    let (blueprint, addons) = choose_parts(&req, &focus, library, reborrow(&mut prompter))?;
    let names = choose_name(&req, reborrow(&mut prompter))?;
    // `new demo` prints `demo`, not `./demo`.
    let destination = if req.output_dir == std::path::Path::new(".") {
        PathBuf::from(&names.name)
    } else {
        req.output_dir.join(&names.name)
    };
    if !req.dry_run && destination.symlink_metadata().is_ok() {
        return Err(Error::DestinationExists { path: destination });
    }
    let identity = git::configured_identity();
    let parts = std::iter::once(blueprint).chain(addons.iter().copied());
    let questions = answers::questions_for(identity.clone(), parts);
    let mut mode = match (req.yes, reborrow(&mut prompter)) {
        (true, _) => Mode::Defaults,
        (false, Some(p)) => Mode::Ask(p),
        (false, None) => Mode::Refuse,
    };
    let answers = answers::resolve(&questions, &req.answers, &mut mode, blueprint.id())?;
    let plan = Plan {
        base: blueprint,
        addons,
        names,
        answers,
        solved: req.solved,
        focus,
    };
    let project = project::compose(&plan, &library.catalog, today)?;
    if req.dry_run {
        return Ok(Outcome::DryRun(dry_run_listing(&project, &destination)));
    }
    if let Some(p) = prompter {
        summarise(&plan, &project, &destination);
        if !p.confirm("Generate this project?", true)? {
            return Err(Error::Cancelled);
        }
    }
    if identity.is_none() && !req.answers.contains_key("author") {
        ui::warn(
            "no git identity is configured: the author is \"Your Name\"; pass --set author=... --set email=...",
        );
    }
    let request = GitRequest {
        enabled: req.git,
        message: format!(
            "Start {} from the skillforge {} blueprint",
            plan.names.title,
            blueprint.id()
        ),
        fallback: (plan.answer("author"), plan.answer("email")),
    };
    let written = generate::write(&project, &destination, &request)?;
    report(&plan, &project, &written);
    Ok(Outcome::Created(written.path))
}

/// The tree that would be written, one file a line, with the blueprint it comes from.
fn dry_run_listing(project: &Project, destination: &std::path::Path) -> String {
    let width = crate::ui::column_width(project.files.iter().map(|f| f.path.as_str()));
    let mut out = format!("{}/\n", destination.display());
    for file in &project.files {
        out.push_str(&format!(
            "  {:width$}  {}\n",
            file.path.as_str(),
            file.origin
        ));
    }
    out
}

/// Shortens the trait object's lifetime so the prompter can be lent out several times.
fn reborrow<'s>(prompter: &'s mut Option<&mut dyn Prompter>) -> Option<&'s mut dyn Prompter> {
    match prompter {
        Some(p) => Some(&mut **p),
        None => None,
    }
}

/// The embedded library plus the blueprints of `--from`, which also choose the base and
/// add-ons when the flags do not. The returned folder holds a git checkout while it lives.
pub fn library_for(req: &mut NewRequest) -> Result<(Library, Option<tempfile::TempDir>)> {
    let library = Library::embedded()?;
    let Some(source) = req.from.clone() else {
        return Ok((library, None));
    };
    let (root, checkout) = local::fetch(&source, req.rev.as_deref())?;
    let mut loaded = local::load(&root)?;
    if checkout.is_some() {
        // The clone is temporary: the project records where it came from instead.
        for blueprint in &mut loaded {
            blueprint.source = Some(crate::blueprint::Source {
                location: source.clone(),
                rev: req.rev.clone(),
            });
        }
    }
    let bases: Vec<String> = loaded
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base)
        .map(|b| b.id().to_string())
        .collect();
    for addon in loaded.iter().filter(|b| b.manifest.kind == Kind::Addon) {
        if !req.addons.iter().any(|a| a == addon.id()) {
            req.addons.push(addon.id().to_string());
        }
    }
    if req.blueprint.is_none() {
        match bases.as_slice() {
            [one] => req.blueprint = Some(one.clone()),
            [] => {}
            many => {
                return Err(Error::NeedsInput {
                    what: format!("a choice among the bases of {source} ({})", many.join(", ")),
                    flag: "--blueprint ID".into(),
                });
            }
        }
    }
    Ok((library.with(loaded)?, checkout))
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

/// The base and add-ons: from the flags, or the best plan for `--skills` (chosen among the
/// ranked plans at a prompt when there is a terminal).
fn choose_parts<'a>(
    req: &NewRequest,
    focus: &[String],
    library: &'a Library,
    prompter: Option<&mut dyn Prompter>,
) -> Result<(&'a Blueprint, Vec<&'a Blueprint>)> {
    if focus.is_empty() || req.blueprint.is_some() {
        let blueprint = choose_blueprint(req, library, prompter)?;
        return Ok((
            blueprint,
            compat::resolve_addons(library, blueprint, &req.addons)?,
        ));
    }
    let ranked = planner::rank(library, focus);
    let shown = &ranked[..ranked.len().min(5)];
    let index = match prompter {
        Some(p) if shown.len() > 1 => {
            let items: Vec<String> = shown
                .iter()
                .map(|c| {
                    format!(
                        "{}: covers {}/{}, {} tasks ({} stretch), ~{} h",
                        c.label(),
                        c.covered.len(),
                        focus.len(),
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
    let chosen = shown.get(index).ok_or_else(|| Error::Blueprint {
        path: "blueprints".into(),
        message: "this build has no base blueprint to plan with".into(),
    })?;
    let base = library
        .get(&chosen.blueprint)
        .expect("ranked plans name loaded blueprints");
    let mut ids = chosen.addons.clone();
    ids.extend(req.addons.iter().cloned());
    let addons = compat::resolve_addons(library, base, &ids)?;
    let uncovered: Vec<&str> = chosen
        .uncovered
        .iter()
        .map(|s| library.catalog.name_of(s))
        .collect();
    ui::note(&format!(
        "plan: {} covers {} of {} requested skills{}",
        chosen.label(),
        chosen.covered.len(),
        focus.len(),
        if uncovered.is_empty() {
            String::new()
        } else {
            format!("; not covered: {}", uncovered.join(", "))
        }
    ));
    Ok((base, addons))
}

fn choose_blueprint<'a>(
    req: &NewRequest,
    library: &'a Library,
    prompter: Option<&mut dyn Prompter>,
) -> Result<&'a Blueprint> {
    let bases: Vec<&Blueprint> = library
        .blueprints
        .iter()
        .filter(|b| b.manifest.kind == Kind::Base)
        .collect();
    let id = match (&req.blueprint, prompter) {
        (Some(id), _) => id.clone(),
        (None, Some(p)) => {
            let items: Vec<String> = bases
                .iter()
                .map(|b| {
                    format!(
                        "{:18} {} ({}, ~{} h)",
                        b.id(),
                        b.manifest.summary,
                        b.manifest.difficulty.as_str(),
                        b.manifest.hours
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
    let blueprint = library.get(&id).ok_or_else(|| Error::UnknownBlueprint {
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

fn ids(blueprints: &[&Blueprint]) -> String {
    blueprints
        .iter()
        .map(|b| b.id())
        .collect::<Vec<_>>()
        .join(", ")
}

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

fn summarise(plan: &Plan<'_>, project: &Project, destination: &std::path::Path) {
    ui::heading("\nAbout to generate:");
    ui::plain(&format!(
        "  project    {} (package {})",
        plan.names.name, plan.names.package
    ));
    ui::plain(&format!(
        "  blueprint  {}",
        plan.parts().map(|b| b.id()).collect::<Vec<_>>().join(" + ")
    ));
    ui::plain(&format!(
        "  author     {} <{}>",
        plan.answer("author"),
        plan.answer("email")
    ));
    ui::plain(&format!(
        "  python     >={}   licence {}",
        plan.answer("python"),
        plan.answer("license")
    ));
    ui::plain(&format!(
        "  tasks      {}{}",
        project.tasks.len(),
        if plan.solved { " (solved)" } else { "" }
    ));
    ui::plain(&format!("  into       {}\n", destination.display()));
}

fn report(plan: &Plan<'_>, project: &Project, written: &generate::Written) {
    let solved = if plan.solved {
        ", with the reference solution"
    } else {
        ""
    };
    ui::success(&format!(
        "created {} from {} ({} files, {} tasks{solved})",
        ui::bold(&written.path.display().to_string()),
        plan.parts().map(|b| b.id()).collect::<Vec<_>>().join(" + "),
        written.files,
        project.tasks.len()
    ));
    match &written.git {
        GitOutcome::Committed(c) if c.fell_back => ui::warn(&format!(
            "git has no user.name/user.email configured; the first commit was made as {} (the project's author). Set yours with: git config --global user.name \"...\"; git config --global user.email ...",
            c.identity
        )),
        GitOutcome::Committed(c) => ui::note(&format!(
            "initialised git on branch main; first commit {} as {}",
            &c.id[..7],
            c.identity
        )),
        GitOutcome::Disabled => ui::note("no git repository created (--no-git)"),
        GitOutcome::InsideRepository(repo) => ui::note(&format!(
            "inside the existing git repository {}: no nested repository was created and nothing was committed",
            repo.display()
        )),
    }
    ui::heading("\nNext steps:");
    ui::plain(&format!("  cd {}", written.path.display()));
    ui::plain("  python3 -m venv .venv && . .venv/bin/activate");
    ui::plain("  python -m pip install --upgrade pip && python -m pip install -e . --group dev");
    ui::plain(
        "  skillforge check  # runs the tests: the harness passes, every task is still to do",
    );
    ui::plain("  then open TASKS.md and start with task 1 (stuck? skillforge hint)");
}
