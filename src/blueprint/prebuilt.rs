//! The JSON copies `build.rs` makes of the embedded manifests and catalog, and the index of
//! the manifests' summaries.
//!
//! They hold the same data as the TOML files and read several times faster; the TOML text
//! is still what errors point into, and what is parsed when a copy is missing.

use serde::de::DeserializeOwned;

use super::Summary;

/// `(path below blueprints/, JSON)` for every embedded TOML file the build could convert.
static PREBUILT: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/prebuilt.rs"));

/// `(manifest path below blueprints/, JSON summary)` for every manifest with a copy.
static INDEX: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/index.rs"));

/// The summary of the embedded manifest at `path` (`docker/blueprint.toml`); `None` when the
/// build made none or it does not read as one, and the caller loads the manifest instead.
pub(super) fn summary(path: &str) -> Option<Summary> {
    let (_, json) = INDEX.iter().find(|(p, _)| *p == path)?;
    let mut summary: Summary = serde_json::from_str(json).ok()?;
    summary.origin = path.to_string();
    Some(summary)
}

/// The data of the embedded file at `path`, read from its JSON copy; `None` when there is no
/// copy or it does not fit `T`, and the caller parses the TOML instead.
pub(crate) fn read<T: DeserializeOwned>(path: &str) -> Option<T> {
    let (_, json) = PREBUILT.iter().find(|(p, _)| *p == path)?;
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::{INDEX, PREBUILT};
    use crate::blueprint::{Catalog, Library, Manifest, Summary};

    #[test]
    fn every_summary_is_that_of_its_manifest() {
        assert_eq!(INDEX.len(), PREBUILT.len() - 1, "one summary per manifest");
        for (path, _) in INDEX {
            let manifest: Manifest = super::read(path).unwrap();
            assert_eq!(super::summary(path).unwrap(), Summary::of(&manifest, path));
        }
    }

    #[test]
    fn every_embedded_blueprint_loads_on_demand_as_summarised() {
        let library = Library::embedded().unwrap();
        for summary in &library.blueprints {
            let blueprint = library.get(summary.id()).unwrap().unwrap();
            assert_eq!(
                &Summary::of(&blueprint.manifest, &blueprint.origin),
                summary
            );
            assert!(!blueprint.template.is_empty(), "{}", summary.id());
        }
        assert!(library.get("no-such-blueprint").unwrap().is_none());
    }

    #[test]
    fn every_copy_reads_exactly_as_its_toml() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
        let manifests = std::fs::read_dir(&root)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("blueprint.toml").is_file())
            .count();
        assert_eq!(
            PREBUILT.len(),
            manifests + 1,
            "one copy per manifest, plus the catalog"
        );
        for (path, json) in PREBUILT {
            let text = std::fs::read_to_string(root.join(path)).unwrap();
            let (from_json, from_toml) = if *path == "skills.toml" {
                let json: Catalog = serde_json::from_str(json).unwrap();
                let toml: Catalog = toml::from_str(&text).unwrap();
                (format!("{json:?}"), format!("{toml:?}"))
            } else {
                let json: Manifest = serde_json::from_str(json).unwrap();
                let toml: Manifest = toml::from_str(&text).unwrap();
                (format!("{json:?}"), format!("{toml:?}"))
            };
            assert_eq!(from_json, from_toml, "{path}");
        }
    }
}
