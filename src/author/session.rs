//! The blueprint being authored, rendered with fixed sample answers: the same answers in
//! `replay` and `record`, so that what one writes the other reads back.

use std::collections::BTreeMap;
use std::path::Path;

use crate::blueprint::steps::Tree;
use crate::blueprint::{Blueprint, Kind, Library, Manifest, local};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::plan::naming::ProjectNames;
use crate::project::{self, Context, OutputFile};
use crate::render::Renderer;

/// The sample project's name: distinctive, so that `skf-sample` and `skf_sample` in a
/// rendered path can only come from `{{project.name}}` and `{{project.package}}`.
pub const SAMPLE_NAME: &str = "skf-sample";

/// The sample author, so that the rendered files do not depend on the git identity.
const SAMPLE_AUTHOR: (&str, &str) = ("Sample Author", "author@example.com");

/// The licence year: fixed, so that a replay made another year renders the same files.
const SAMPLE_YEAR: i32 = 2025;

/// The day the sample project is made, in `SAMPLE_YEAR`.
fn sample_day() -> time::Date {
    time::Date::from_calendar_date(SAMPLE_YEAR, time::Month::January, 1).expect("a real day")
}

/// A blueprint folder loaded for authoring, with the base it is rendered onto.
#[derive(Debug)]
pub struct Session {
    library: Library,
    id: String,
    /// The base an add-on is rendered onto; `None` for a base.
    base: Option<String>,
    pub names: ProjectNames,
}

impl Session {
    /// Loads the blueprint at `dir` over the embedded library. An add-on is rendered onto
    /// `base`, by default the first base of its `applies-to`.
    pub fn open(dir: &Path, base: Option<&str>) -> Result<Session> {
        let blueprint = load(dir)?;
        let id = blueprint.id().to_string();
        let kind = blueprint.manifest.kind;
        let default_base = blueprint.manifest.applies_to.first().cloned();
        let library = Library::embedded()?.with(vec![blueprint])?;
        let base = match kind {
            Kind::Base if base.is_some() => {
                return Err(Error::Refused {
                    message: format!("{id} is a base blueprint; --base is for add-ons only"),
                });
            }
            Kind::Base => None,
            Kind::Addon => Some(
                base.map(str::to_string)
                    .or(default_base)
                    .unwrap_or_default(),
            ),
        };
        if let Some(base) = &base {
            check_base(&library, &id, base)?;
        }
        Ok(Session {
            library,
            id,
            base,
            names: ProjectNames::parse(SAMPLE_NAME)?,
        })
    }

    /// The blueprint being authored, as its folder has it.
    pub fn blueprint(&self) -> &Blueprint {
        self.library
            .get(&self.id)
            .ok()
            .flatten()
            .expect("loaded in open")
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The whole project with the blueprint's template replaced by `state` (raw files).
    pub fn compose(&self, state: &Tree) -> Result<Vec<OutputFile>> {
        self.with_plan(state, |plan| {
            Ok(project::compose(plan, &self.library.catalog, sample_day())?.files)
        })
    }

    /// Every raw path of `state` by the path it renders to.
    pub fn rendered_paths(&self, state: &Tree) -> Result<BTreeMap<String, String>> {
        self.with_plan(state, |plan| {
            let context = Context::new(plan, SAMPLE_YEAR);
            let mut renderer = Renderer::new();
            let mut out = BTreeMap::new();
            for rel in state.keys() {
                let stem = rel.strip_suffix(".hbs").unwrap_or(rel);
                let name = format!("{}/template/{rel} (path)", self.id);
                let rendered = renderer.render_if_needed(&name, stem, &context)?;
                out.insert(rendered, rel.clone());
            }
            Ok(out)
        })
    }

    fn with_plan<T>(&self, state: &Tree, f: impl FnOnce(&Plan<'_>) -> Result<T>) -> Result<T> {
        let mut blueprint = self.blueprint().clone();
        blueprint.template = state.values().cloned().collect();
        let base = self
            .base
            .as_deref()
            .and_then(|b| self.library.get(b).ok().flatten());
        let (base, addons) = match base {
            Some(base) => (base, vec![&blueprint]),
            None => (&blueprint, vec![]),
        };
        let mut plan = Plan::sample(base, addons, SAMPLE_NAME)?;
        plan.answers.author = SAMPLE_AUTHOR.0.to_string();
        plan.answers.email = SAMPLE_AUTHOR.1.to_string();
        f(&plan)
    }
}

/// The blueprint at `dir` as far as authoring needs it: its manifest and files, without the
/// checks of its steps that loading it for `new` makes (a new blueprint has none yet: `record`
/// writes them).
fn load(dir: &Path) -> Result<Blueprint> {
    let (origin, text) = local::read_manifest(dir)?;
    let manifest = Manifest::parse(&origin, &text)?;
    let (trees, problems) = local::read_files(dir);
    if let Some(first) = problems.into_iter().next() {
        return Err(first);
    }
    Ok(local::assemble(dir, manifest, origin, trees))
}

fn check_base(library: &Library, id: &str, base: &str) -> Result<()> {
    let bases: Vec<&str> = library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base)
        .map(|b| b.id())
        .collect();
    match library.summary(base) {
        Some(b) if b.kind == Kind::Base => Ok(()),
        _ => Err(Error::Refused {
            message: format!(
                "{id} is an add-on and needs a base to render onto: {base:?} is not one; \
                 pass --base with one of {}",
                bases.join(", ")
            ),
        }),
    }
}
