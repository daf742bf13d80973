//! Which add-ons may join which base: the rules are data in the manifests (`applies-to`,
//! `[not-for]`, `requires`, `conflicts`); this module reads them and explains every refusal,
//! with the add-on's own reason when it gives one.

use super::{Blueprint, Kind, Library, Summary};
use crate::error::{Error, Result};

/// Whether `addon` declares that it can be composed onto the base `base`: `base` (or `"*"`)
/// is in its `applies-to`, and not in its `[not-for]`.
pub fn applies_to(addon: &Summary, base: &str) -> bool {
    !addon.not_for.contains_key(base) && addon.applies_to.iter().any(|a| a == "*" || a == base)
}

/// The bases of `library` that `addon` applies to, in library order (`"*"` resolved).
pub fn bases_of<'a>(library: &'a Library, addon: &Summary) -> Vec<&'a Summary> {
    library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base && applies_to(addon, b.id()))
        .collect()
}

/// Why `addon` is not composed onto `base`: its own `[not-for]` sentence when it has one,
/// otherwise the bases it does apply to.
fn not_applicable(addon: &Summary, base: &str) -> String {
    let id = addon.id();
    match addon.not_for.get(base) {
        Some(reason) => format!("{id} is not for {base}: {}", reason.trim()),
        None => format!(
            "{id} applies to {}, not to {base}",
            addon.applies_to.join(", ")
        ),
    }
}

/// The add-ons of `resolve`, loaded (see `Library::get`).
pub fn resolve_addons<'a>(
    library: &'a Library,
    base: &str,
    ids: &[String],
) -> Result<Vec<&'a Blueprint>> {
    resolve(library, base, ids)?
        .into_iter()
        .map(|addon| {
            library.get(addon.id())?.ok_or_else(|| Error::UnknownAddon {
                id: addon.id().to_string(),
                available: names(&compatible_addons(library, base)),
            })
        })
        .collect()
}

/// Resolves `--with` ids against the base `base`: unknown ids, bases given as add-ons,
/// add-ons that do not apply, missing requirements and conflicts are refused with the reason.
/// The result is deduplicated and ordered so that every add-on comes after the add-ons it
/// requires. Reads summaries only.
pub fn resolve<'a>(library: &'a Library, base: &str, ids: &[String]) -> Result<Vec<&'a Summary>> {
    let mut chosen: Vec<&Summary> = Vec::new();
    for id in ids {
        let addon = library.summary(id).ok_or_else(|| Error::UnknownAddon {
            id: id.clone(),
            available: names(&compatible_addons(library, base)),
        })?;
        if addon.kind != Kind::Addon {
            return Err(incompatible(
                id,
                format!("{id} is a base blueprint, not an add-on; use --blueprint {id}"),
            ));
        }
        if !applies_to(addon, base) {
            return Err(incompatible(id, not_applicable(addon, base)));
        }
        if !chosen.iter().any(|c| c.id() == addon.id()) {
            chosen.push(addon);
        }
    }
    check_rules(base, &chosen)?;
    Ok(order_by_requirements(chosen))
}

/// Every requirement of `chosen` is among them or is `base`, and none conflicts with another
/// or with `base`.
fn check_rules(base: &str, chosen: &[&Summary]) -> Result<()> {
    let all: Vec<&str> = std::iter::once(base)
        .chain(chosen.iter().map(|b| b.id()))
        .collect();
    for addon in chosen {
        if let Some(missing) = addon.requires.iter().find(|r| !all.contains(&r.as_str())) {
            return Err(incompatible(
                addon.id(),
                format!(
                    "{} requires {missing}: choose it too (`--with {missing}`; in a project, \
                     `skillforge add {missing}` first)",
                    addon.id()
                ),
            ));
        }
        let clash = addon.conflicts.iter().find(|c| all.contains(&c.as_str()));
        let reverse = chosen
            .iter()
            .find(|o| o.conflicts.iter().any(|c| c == addon.id()));
        if let Some(other) = clash.map(String::as_str).or(reverse.map(|o| o.id())) {
            return Err(incompatible(
                addon.id(),
                format!("{} and {other} cannot be combined", addon.id()),
            ));
        }
    }
    Ok(())
}

/// Add-ons that apply to the base `base` and do not conflict with it, in library order.
pub fn compatible_addons<'a>(library: &'a Library, base: &str) -> Vec<&'a Summary> {
    library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Addon && applies_to(b, base))
        .filter(|b| !b.conflicts.iter().any(|c| c == base))
        .collect()
}

/// The largest composition of add-ons on `base` that the tests render and walk whole: the
/// compatible add-ons in library order, less each that conflicts with one kept before it
/// (gitlab-ci gives way to github-ci) and then each that requires one left out.
pub fn combined_addons<'a>(library: &'a Library, base: &str) -> Vec<&'a Summary> {
    let clashes = |a: &Summary, b: &Summary| {
        a.conflicts.iter().any(|c| c == b.id()) || b.conflicts.iter().any(|c| c == a.id())
    };
    let mut kept: Vec<&Summary> = Vec::new();
    for addon in compatible_addons(library, base) {
        if !kept.iter().any(|k| clashes(k, addon)) {
            kept.push(addon);
        }
    }
    loop {
        let ids: Vec<&str> = kept.iter().map(|k| k.id()).collect();
        let before = kept.len();
        kept.retain(|k| {
            k.requires
                .iter()
                .all(|r| r == base || ids.contains(&r.as_str()))
        });
        if kept.len() == before {
            return kept;
        }
    }
}

/// `pending` reordered so that every add-on comes after those it requires.
pub fn order_by_requirements(mut pending: Vec<&Summary>) -> Vec<&Summary> {
    let mut ordered: Vec<&Summary> = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|b| {
                b.requires
                    .iter()
                    .all(|r| !pending.iter().any(|p| p.id() == r))
            })
            .unwrap_or(0); // a cycle: keep the given order rather than loop
        ordered.push(pending.remove(ready));
    }
    ordered
}

fn incompatible(id: &str, reason: String) -> Error {
    Error::IncompatibleAddon {
        id: id.to_string(),
        reason,
    }
}

fn names(blueprints: &[&Summary]) -> String {
    if blueprints.is_empty() {
        return "none".into();
    }
    blueprints
        .iter()
        .map(|b| b.id())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::testing;

    fn blueprint(id: &str, kind: &str, rules: &str) -> Blueprint {
        testing::blueprint(id, kind, 1, "", rules)
    }

    fn library() -> Library {
        testing::library(vec![
            blueprint("api", "base", ""),
            blueprint("lib", "base", ""),
            blueprint("docker", "addon", "applies-to = [\"api\"]"),
            blueprint("ci", "addon", "applies-to = [\"*\"]\nconflicts = [\"lib\"]"),
            blueprint(
                "deploy",
                "addon",
                "applies-to = [\"api\"]\nrequires = [\"docker\"]",
            ),
            blueprint(
                "lint",
                "addon",
                "applies-to = [\"*\"]\nconflicts = [\"ci\"]",
            ),
            blueprint(
                "release",
                "addon",
                "applies-to = [\"*\"]\n[not-for]\nlib = \"lib ships its own release; use its publish task\"",
            ),
        ])
    }

    fn resolve(base: &str, ids: &[&str]) -> Result<Vec<String>> {
        let lib = library();
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        resolve_addons(&lib, base, &ids).map(|v| v.iter().map(|b| b.id().to_string()).collect())
    }

    fn reason(base: &str, ids: &[&str]) -> String {
        resolve(base, ids).unwrap_err().to_string()
    }

    #[test]
    fn accepts_applicable_addons_once_with_requirements_first() {
        assert_eq!(
            resolve("api", &["deploy", "docker", "docker"]).unwrap(),
            ["docker", "deploy"]
        );
        assert_eq!(resolve("lib", &["lint"]).unwrap(), ["lint"]);
    }

    #[test]
    fn refuses_with_the_reason() {
        assert!(reason("lib", &["docker"]).contains("docker applies to api, not to lib"));
        assert!(reason("api", &["deploy"]).contains("choose it too (`--with docker`"));
        assert!(reason("lib", &["ci"]).contains("ci and lib cannot be combined"));
        assert!(reason("api", &["ci", "lint"]).contains("cannot be combined"));
        assert!(reason("api", &["lib"]).contains("use --blueprint lib"));
        let unknown = reason("api", &["dockr"]);
        assert!(
            unknown.contains("\"dockr\"") && unknown.contains("docker, ci, deploy, lint, release"),
            "{unknown}"
        );
    }

    #[test]
    fn refuses_a_not_for_base_with_the_addons_own_reason() {
        assert_eq!(
            reason("lib", &["release"]),
            reason_text(
                "release",
                "release is not for lib: lib ships its own release; use its publish task"
            )
        );
        assert_eq!(resolve("api", &["release"]).unwrap(), ["release"]);
    }

    #[test]
    fn bases_of_resolves_the_wildcard_and_leaves_out_not_for() {
        let lib = library();
        let bases = |addon: &str| {
            bases_of(&lib, lib.summary(addon).unwrap())
                .iter()
                .map(|b| b.id().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(bases("release"), ["api"]);
        assert_eq!(bases("lint"), ["api", "lib"]);
        assert_eq!(bases("docker"), ["api"]);
    }

    fn reason_text(id: &str, reason: &str) -> String {
        incompatible(id, reason.to_string()).to_string()
    }

    #[test]
    fn compatible_addons_respect_applies_to_and_conflicts() {
        let lib = library();
        let ids = |base: &str| {
            compatible_addons(&lib, base)
                .iter()
                .map(|b| b.id().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("api"), ["docker", "ci", "deploy", "lint", "release"]);
        assert_eq!(ids("lib"), ["lint"]);
    }

    #[test]
    fn combined_addons_leave_out_the_later_of_two_that_conflict_and_what_needs_it() {
        let lib = testing::library(vec![
            blueprint("api", "base", ""),
            blueprint("ci", "addon", "applies-to = [\"*\"]"),
            blueprint(
                "deploy",
                "addon",
                "applies-to = [\"*\"]\nrequires = [\"lab\"]",
            ),
            blueprint("lab", "addon", "applies-to = [\"*\"]\nconflicts = [\"ci\"]"),
            blueprint("zz", "addon", "applies-to = [\"*\"]\nrequires = [\"ci\"]"),
        ]);
        let ids: Vec<&str> = combined_addons(&lib, "api")
            .iter()
            .map(|b| b.id())
            .collect();
        assert_eq!(ids, ["ci", "zz"]);
        let chosen: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        assert!(resolve_addons(&lib, "api", &chosen).is_ok());
    }
}
