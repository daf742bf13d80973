//! Blueprints: their manifests and files, and the library of those embedded in the binary.
//!
//! A blueprint is data: a manifest, a starter `template/` and the per-task `steps/` that
//! solve it (format 2; a format-1 blueprint may have a `solution/` overlay instead, see
//! `steps::solved`). This module loads and checks them (`checks`); turning them into a
//! project is `project`'s job.

pub mod checks;
pub mod compat;
mod index;
pub mod local;
pub mod manifest;
pub mod matching;
mod prebuilt;
pub mod similarity;
pub mod skills;
mod source;
pub mod steps;
pub mod test_entries;

use std::borrow::Cow;

pub use index::{Summary, TaskLinks, TaskSummary};
pub use manifest::{Kind, Manifest, Question, QuestionKind, Task};
pub use skills::{Catalog, Skill};
pub use source::{ENGINE_ASSETS, Library};

/// One file of a blueprint's `template/`, `steps/` or (format 1) `solution/` tree.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path below its tree's folder, `/`-separated, possibly with `{{...}}`.
    pub rel: String,
    pub bytes: Cow<'static, [u8]>,
    pub executable: bool,
}

impl SourceFile {
    /// Whether the file is a handlebars template (rendered, and written without `.hbs`).
    pub fn is_template(&self) -> bool {
        self.rel.ends_with(".hbs")
    }
}

/// A loaded blueprint.
#[derive(Debug, Clone)]
pub struct Blueprint {
    pub manifest: Manifest,
    /// Where the manifest came from, for error messages: `fastapi-service/blueprint.toml`.
    pub origin: String,
    pub template: Vec<SourceFile>,
    /// Format 1 only: finished files overlaid on the template when there are no steps;
    /// always empty in format 2 (loading refuses a `solution/` folder there).
    pub solution: Vec<SourceFile>,
    /// `steps/<task-id>.patch`: each task's reference solution (see `steps`).
    pub steps: Vec<SourceFile>,
    /// Where it was loaded from; `None` when embedded.
    pub source: Option<Source>,
}

/// A `--from` location: a folder, or a git URL and the revision asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
}

impl Blueprint {
    pub fn id(&self) -> &str {
        &self.manifest.id
    }
}

/// Synthetic blueprints and libraries for unit tests of the stages that read manifests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Blueprint, Catalog, Library, Manifest};

    /// A blueprint whose manifest is the required keys plus `extra` TOML.
    pub(crate) fn blueprint(
        id: &str,
        kind: &str,
        hours: u32,
        skills: &str,
        extra: &str,
    ) -> Blueprint {
        let text = format!(
            "schema = 1\nid = \"{id}\"\nkind = \"{kind}\"\nversion = \"1\"\ntitle = \"T\"\n\
             summary = \"S\"\ndifficulty = \"beginner\"\nhours = {hours}\nskills = [{skills}]\n{extra}\n"
        );
        Blueprint {
            manifest: Manifest::parse(id, &text).unwrap(),
            origin: id.into(),
            template: vec![],
            solution: vec![],
            steps: vec![],
            source: None,
        }
    }

    /// A library of `blueprints` with an empty catalog.
    pub(crate) fn library(blueprints: Vec<Blueprint>) -> Library {
        let catalog = Catalog {
            schema: 1,
            categories: vec![],
            groups: vec![],
            skills: vec![],
        };
        Library::of(catalog, blueprints)
    }
}
