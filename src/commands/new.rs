//! `skillforge new`: resolve the request into a plan (asking what is missing), compose the
//! project, confirm, write it, and tell the user what to do next.

use std::path::{Path, PathBuf};

use crate::blueprint::{Catalog, Kind, Library, local};
use crate::error::Result;
use crate::generate::{self, GitOutcome, GitRequest};
use crate::plan::Plan;
use crate::plan::prompt::Prompter;
use crate::plan::request::NewRequest;
use crate::plan::resolve::Offered;
use crate::project::{self, Project};
use crate::{git, ui};

/// What `new` produced.
#[derive(Debug)]
pub enum Produced {
    /// The project was written here.
    /// The project was written at `path`; `setup` says whether to set its environment up
    /// now (`--setup`, or a yes to the question in a terminal).
    Created { path: PathBuf, setup: bool },
    /// `--dry-run`: the listing of what would be written.
    DryRun(String),
    /// The user answered no at the confirmation: nothing was written, and that is no error.
    Declined,
}

/// Runs `new` on the day `today`, with the blueprints `--from` `offered` in `library`.
/// `prompter` is `None` when there is no terminal to ask on.
pub fn run(
    req: &NewRequest,
    library: &Library,
    offered: &Offered,
    mut prompter: Option<&mut dyn Prompter>,
    today: time::Date,
) -> Result<Produced> {
    let identity = git::configured_identity();
    let ask = prompter.as_mut().map(|p| &mut **p as &mut dyn Prompter);
    let plan = Plan::resolve(req, library, offered, identity.clone(), ask)?;
    let destination = req.destination(&plan.names);
    let project = project::compose(&plan, &library.catalog, today)?;
    project::portable::check(&plan, &project)?;
    if req.dry_run {
        return Ok(Produced::DryRun(dry_run_listing(&project, &destination)));
    }
    let mut setup = req.setup;
    if let Some(p) = prompter.filter(|_| !req.yes) {
        ui::plain(&summary(&plan, &project, &library.catalog, &destination));
        if !p.confirm("Generate this project?", true)? {
            ui::plain("Not generated; nothing was written.");
            return Ok(Produced::Declined);
        }
        // Asked before writing, so that the next steps printed after it are the true ones,
        // and a cancel here still writes nothing.
        setup = setup || p.confirm("Set up the environment now (skillforge setup)?", true)?;
    }
    let unset_author = identity.is_none() && !req.answers.contains_key("author");
    let request = GitRequest {
        enabled: req.git,
        message: format!(
            "Start {} from the skillforge {} blueprint",
            plan.names.title,
            plan.base.id()
        ),
        fallback: (plan.answers.author.clone(), plan.answers.email.clone()),
    };
    let written = generate::write(&project, &destination, &request)?;
    announce(&plan, &project, &written, unset_author);
    if !setup {
        next_steps(&written.path, false);
    }
    Ok(Produced::Created {
        path: written.path,
        setup,
    })
}

/// `skillforge setup` in the project `new` just wrote at `path`, then the next steps. When
/// setup fails, the learner is told first that the project itself was written.
pub fn set_up(path: &Path) -> Result<()> {
    let ws = crate::practice::Workspace::locate(Some(path))?;
    if let Err(e) = crate::commands::setup::run(&ws, &crate::commands::setup::Options::default()) {
        ui::warn(&format!(
            "the project is written, but not set up; once the problem below is fixed, run: cd {} && skillforge setup",
            shell_word(path)
        ));
        return Err(e);
    }
    next_steps(path, true);
    Ok(())
}

/// The tree that would be written, one file a line, with the blueprint it comes from.
fn dry_run_listing(project: &Project, destination: &std::path::Path) -> String {
    let width = crate::ui::column_width(project.files.iter().map(|f| f.path.as_str()));
    let mut out = format!("{}/\n", destination.display());
    for file in &project.files {
        out.push_str(&format!("  {:width$}  {}\n", file.path.as_str(), file.part));
    }
    out
}

/// A git checkout of `--from`, removed when dropped or by an interrupt.
pub struct Checkout {
    _dir: tempfile::TempDir,
    _registered: crate::interrupt::Guard,
}

/// The embedded library plus the blueprints of `--from`, and what they offer the plan.
/// The returned checkout holds a git clone while it lives.
pub fn library_for(req: &NewRequest) -> Result<(Library, Offered, Option<Checkout>)> {
    let library = Library::embedded()?;
    let Some(source) = req.from.clone() else {
        return Ok((library, Offered::default(), None));
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
    let ids = |kind: Kind| {
        loaded
            .iter()
            .filter(|b| b.manifest.kind == kind)
            .map(|b| b.id().to_string())
            .collect()
    };
    let offered = Offered {
        bases: ids(Kind::Base),
        addons: ids(Kind::Addon),
        source,
    };
    let checkout = checkout.map(|dir| Checkout {
        _registered: crate::interrupt::remove_on_interrupt(dir.path().to_path_buf()),
        _dir: dir,
    });
    Ok((library.with(loaded)?, offered, checkout))
}

/// What is about to be generated, for the confirmation: every answer, the skills asked
/// for and which of them the project leaves out, the tasks and the destination.
pub fn summary(
    plan: &Plan<'_>,
    project: &Project,
    catalog: &Catalog,
    destination: &std::path::Path,
) -> String {
    let a = &plan.answers;
    let mut rows: Vec<(String, String)> = vec![
        (
            "project".into(),
            format!("{} (package {})", plan.names.name, plan.names.package),
        ),
        (
            "blueprint".into(),
            plan.parts().map(|b| b.id()).collect::<Vec<_>>().join(" + "),
        ),
        ("author".into(), a.author.clone()),
        ("e-mail".into(), a.email.clone()),
        ("python".into(), format!(">={}", a.python)),
        ("licence".into(), a.license.clone()),
    ];
    for (id, value) in &a.blueprints {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push((id.clone(), text));
    }
    if !plan.focus.is_empty() {
        let names: Vec<&str> = plan.focus.iter().map(|s| catalog.name_of(s)).collect();
        rows.push(("skills".into(), names.join(", ")));
        let missing = crate::project::not_covered(plan);
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|s| catalog.name_of(s)).collect();
            rows.push(("not covered".into(), names.join(", ")));
        }
    }
    let stretch = project.tasks.iter().filter(|t| t.stretch).count();
    let mut tasks = project.tasks.len().to_string();
    if stretch > 0 {
        tasks.push_str(&format!(" ({stretch} stretch)"));
    }
    if plan.solved {
        tasks.push_str(" (solved)");
    }
    rows.push(("tasks".into(), tasks));
    rows.push(("into".into(), destination.display().to_string()));
    let width = ui::column_width(rows.iter().map(|(k, _)| k.as_str()));
    let mut out = String::from("\nAbout to generate:\n");
    for (key, value) in rows {
        out.push_str(&format!("  {key:width$}  {value}\n"));
    }
    out
}

fn announce(plan: &Plan<'_>, project: &Project, written: &generate::Written, unset_author: bool) {
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
    let set_identity =
        "set yours with: git config --global user.name \"...\"; git config --global user.email ...";
    match &written.git {
        // One warning for one missing identity: the commit's and, unless given, the author's.
        GitOutcome::Committed(c) if c.fell_back && unset_author => ui::warn(&format!(
            "no git identity is configured (user.name, user.email), so the project's author and its first commit are {} (pass --set author=... --set email=... for another author); {set_identity}",
            c.identity
        )),
        GitOutcome::Committed(c) if c.fell_back => ui::warn(&format!(
            "no git identity is configured (user.name, user.email), so the first commit was made as {} (the project's author); {set_identity}",
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
    let fell_back = matches!(&written.git, GitOutcome::Committed(c) if c.fell_back);
    if unset_author && !fell_back {
        ui::warn(
            "no git identity is configured: the author is \"Your Name\"; pass --set author=... --set email=...",
        );
    }
}

/// What to do next, from the folder the command ran in: `cd` there (quoted for a POSIX
/// shell), `skillforge setup` unless it has just run, `check`, then TASKS.md.
fn next_steps(path: &Path, set_up: bool) {
    ui::heading("\nNext steps:");
    ui::plain(&format!("  cd {}", shell_word(path)));
    if !set_up {
        ui::plain(
            "  skillforge setup  # makes .venv, installs the project and its dev tools, runs the harness",
        );
    }
    ui::plain(
        "  skillforge check  # runs the tests: the harness passes, every task is still to do",
    );
    ui::plain("  then open TASKS.md and start with task 1 (stuck? skillforge hint)");
}

/// `path` as one word of a POSIX shell command line: quoted when it has spaces or other
/// characters the shell would read.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    shlex::try_quote(&text).map_or(text.clone(), |q| q.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_shows_every_answer_the_skills_and_what_is_not_covered() {
        let library = Library::embedded().unwrap();
        let base = library.get("fastapi-service").unwrap().unwrap();
        let mut plan = Plan::sample(base, Vec::new(), "notes").unwrap();
        plan.focus = vec!["fastapi".into(), "decorators".into()];
        let project = project::compose(&plan, &library.catalog, Plan::sample_day()).unwrap();
        let text = summary(
            &plan,
            &project,
            &library.catalog,
            std::path::Path::new("out/notes"),
        );
        for row in [
            "project      notes (package notes)",
            "blueprint    fastapi-service",
            "author       Your Name",
            "e-mail       you@example.com",
            "python       >=3.11",
            "licence      MIT",
            "page_size    20",
            "skills       FastAPI, Decorators",
            "not covered  Decorators",
            "into         out/notes",
        ] {
            assert!(text.contains(row), "{row:?} missing from:\n{text}");
        }
        let stretch = project.tasks.iter().filter(|t| t.stretch).count();
        assert!(
            text.contains(&format!(
                "tasks        {} ({stretch} stretch)",
                project.tasks.len()
            )),
            "{text}"
        );
    }

    #[test]
    fn a_summary_without_skills_asked_for_claims_none() {
        let library = Library::embedded().unwrap();
        let base = library.get("pypi-package").unwrap().unwrap();
        let plan = Plan::sample(base, Vec::new(), "notes").unwrap();
        let project = project::compose(&plan, &library.catalog, Plan::sample_day()).unwrap();
        let text = summary(&plan, &project, &library.catalog, std::path::Path::new("x"));
        assert!(
            !text.contains("skills") && !text.contains("not covered"),
            "{text}"
        );
    }
}
