//! The model's prose files: README.md, TASKS.md, .gitignore and LICENSE, rendered from the
//! engine's templates (`blueprints/_project/`, `blueprints/_licenses/`) and every part's
//! contributions.

use serde::Serialize;

use super::{Context, PlannedTask};
use crate::blueprint::{Catalog, ENGINE_ASSETS};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render::Renderer;

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(flatten)]
    context: &'a Context,
    blueprints: Vec<BlueprintDoc>,
    blueprint_titles: String,
    task_count: usize,
    hours: u32,
    harness: String,
    tasks: Vec<TaskDoc>,
    sections: Vec<Section>,
    /// The skills the learner asked to practise, by name; empty when none were given.
    focus: String,
    /// Those no task or part of this project exercises, by name: said wherever the plan
    /// appears, so a partial plan never passes for a whole one.
    not_covered: String,
}

#[derive(Serialize)]
struct BlueprintDoc {
    title: String,
    description: String,
}

#[derive(Serialize)]
struct TaskDoc {
    number: usize,
    id: String,
    title: String,
    summary: String,
    description: String,
    skills: String,
    command: String,
    requires: String,
    files: String,
    /// The hints themselves stay out of TASKS.md: `skillforge hint` reveals them one by one.
    hint_count: usize,
    stretch: bool,
}

#[derive(Serialize)]
struct Section {
    heading: String,
    body: String,
}

pub(crate) fn readme(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &Context,
    tasks: &[PlannedTask],
    r: &mut Renderer,
) -> Result<String> {
    let doc = doc(plan, catalog, context, tasks, r)?;
    render_asset("_project/README.md.hbs", &doc, r)
}

pub(crate) fn tasks_md(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &Context,
    tasks: &[PlannedTask],
    r: &mut Renderer,
) -> Result<String> {
    let doc = doc(plan, catalog, context, tasks, r)?;
    render_asset("_project/TASKS.md.hbs", &doc, r)
}

/// The portfolio page `export` writes as README.md: the parts' descriptions and README
/// sections, how to set the project up and test it, and `page` (what `export` gathered from
/// the project: its skills with their files and commits, its checks) laid over them.
pub(crate) fn portfolio<P: Serialize>(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &Context,
    tasks: &[PlannedTask],
    page: &P,
    r: &mut Renderer,
) -> Result<String> {
    #[derive(Serialize)]
    struct Portfolio<'a, P> {
        #[serde(flatten)]
        doc: Doc<'a>,
        #[serde(flatten)]
        page: &'a P,
    }
    let doc = doc(plan, catalog, context, tasks, r)?;
    render_asset(
        "_project/portfolio-README.md.hbs",
        &Portfolio { doc, page },
        r,
    )
}

pub(crate) fn gitignore(plan: &Plan<'_>) -> String {
    let mut text = asset("_project/gitignore.txt").to_string();
    let extra: Vec<&String> = plan
        .parts()
        .flat_map(|b| b.manifest.gitignore.iter())
        .collect();
    if !extra.is_empty() {
        text.push_str("\n# This project\n");
        for line in extra {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

pub(crate) fn license(context: &Context, r: &mut Renderer) -> Result<String> {
    render_asset(&format!("_licenses/{}.txt", context.license), context, r)
}

fn doc<'a>(
    plan: &Plan<'_>,
    catalog: &Catalog,
    context: &'a Context,
    tasks: &[PlannedTask],
    r: &mut Renderer,
) -> Result<Doc<'a>> {
    let mut blueprints = Vec::new();
    let mut sections = Vec::new();
    for b in plan.parts() {
        let origin = format!("{} (description)", b.origin);
        blueprints.push(BlueprintDoc {
            title: b.manifest.title.clone(),
            description: r.render_if_needed(&origin, b.manifest.description.trim(), context)?,
        });
        for s in &b.manifest.readme {
            let origin = format!("{} (readme {:?})", b.origin, s.heading);
            sections.push(Section {
                heading: s.heading.clone(),
                body: r.render_if_needed(&origin, s.body.trim(), context)?,
            });
        }
    }
    let harness = plan.parts().flat_map(|b| b.manifest.harness.iter());
    let harness = harness
        .map(|h| r.render_if_needed("harness", h, context))
        .collect::<Result<Vec<_>>>()?
        .join(" ");
    Ok(Doc {
        context,
        blueprint_titles: plan
            .parts()
            .map(|b| b.manifest.title.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        blueprints,
        task_count: tasks.len(),
        hours: plan.parts().map(|b| b.manifest.hours).sum(),
        harness,
        tasks: tasks.iter().map(TaskDoc::of).collect(),
        sections,
        focus: names(catalog, plan.focus.iter()),
        not_covered: names(catalog, not_covered(plan).into_iter()),
    })
}

/// The skills of the plan's focus (catalog ids) that none of its parts exercises (in its skill list or a
/// task's), in the order they were asked for.
pub fn not_covered<'p>(plan: &'p Plan<'_>) -> Vec<&'p String> {
    plan.focus
        .iter()
        .filter(|skill| {
            !plan.parts().any(|b| {
                b.manifest.skills.contains(skill)
                    || b.manifest.tasks.iter().any(|t| t.skills.contains(skill))
            })
        })
        .collect()
}

/// The display names of `skills` as a sentence lists them: "A", "A and B", "A, B and C".
fn names<'s>(catalog: &Catalog, skills: impl Iterator<Item = &'s String>) -> String {
    let names: Vec<&str> = skills.map(|s| catalog.name_of(s)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl TaskDoc {
    fn of(t: &PlannedTask) -> TaskDoc {
        let quoted = |items: &[String]| {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        TaskDoc {
            number: t.number,
            id: t.id.clone(),
            title: t.title.clone(),
            summary: t.summary.trim().to_string(),
            description: t.description.trim().to_string(),
            skills: t.skill_names.join(", "),
            command: t.tests.join(" "),
            requires: quoted(&t.requires),
            files: quoted(&t.files),
            stretch: t.stretch,
            hint_count: t.hints.len(),
        }
    }
}

/// An engine asset's text; the assets are embedded, so a missing one is a build fault.
pub(crate) fn asset(path: &str) -> &'static str {
    ENGINE_ASSETS
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("engine asset {path} is embedded"))
}

fn render_asset(path: &str, context: &impl Serialize, r: &mut Renderer) -> Result<String> {
    let text = ENGINE_ASSETS
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| Error::Blueprint {
            path: path.into(),
            message: "missing from this build".into(),
        })?;
    let rendered = r.render_if_needed(path, text, context)?;
    Ok(collapse_blank_runs(&rendered))
}

/// Templates with conditional blocks leave runs of blank lines; Markdown wants at most one.
fn collapse_blank_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
