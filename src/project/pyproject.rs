//! `pyproject.toml`, written once from every part's contributions.
//!
//! The `[project]` head is built with toml_edit for a conventional layout (PEP 621, SPDX
//! licence, PEP 735 groups). Tool settings start from the engine's base
//! (`blueprints/_project/pyproject-tool.toml.hbs`) and each blueprint's `[pyproject.tool]`
//! fragment is deep-merged into it: tables merge, arrays append, and two different scalars
//! for one key are a conflict reported with both origins.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};

use super::Context;
use crate::blueprint::ENGINE_ASSETS;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render::Renderer;

/// The build backend every project is built with (`[build-system] requires`).
pub const BUILD_REQUIRES: &str = "hatchling>=1.27";

const TOOL_BASE: &str = "_project/pyproject-tool.toml.hbs";

pub(crate) fn render(
    plan: &Plan<'_>,
    context: &Context,
    renderer: &mut Renderer,
) -> Result<String> {
    let head = head(plan, context, renderer)?;
    let tools = tools(plan, context, renderer)?;
    Ok(format!("{head}\n{tools}"))
}

fn head(plan: &Plan<'_>, context: &Context, renderer: &mut Renderer) -> Result<String> {
    let mut doc = DocumentMut::new();
    let mut build = Table::new();
    build["requires"] = value(array([BUILD_REQUIRES]));
    build["build-backend"] = value("hatchling.build");
    doc["build-system"] = Item::Table(build);

    let mut project = Table::new();
    project["name"] = value(&context.project.name);
    project["version"] = value("0.1.0");
    project["description"] = value(&plan.base.manifest.summary);
    project["readme"] = value("README.md");
    project["license"] = value(&context.license);
    project["license-files"] = value(array(["LICENSE"]));
    let mut author = InlineTable::new();
    author.insert("name", context.author.name.as_str().into());
    author.insert("email", context.author.email.as_str().into());
    let mut authors = Array::new();
    authors.push(author);
    project["authors"] = value(authors);
    project["requires-python"] = value(format!(">={}", context.python.min));
    let mut classifiers = vec!["Programming Language :: Python :: 3".to_string()];
    classifiers.extend(
        context
            .python
            .versions
            .iter()
            .map(|v| format!("Programming Language :: Python :: {v}")),
    );
    classifiers.push("Typing :: Typed".into());
    project["classifiers"] = value(multiline(classifiers));
    let deps = plan
        .parts()
        .flat_map(|b| b.manifest.python.dependencies.iter().cloned());
    project["dependencies"] = value(multiline(dedup(deps)));
    doc["project"] = Item::Table(project);

    let scripts = scripts(plan, context, renderer)?;
    if !scripts.is_empty() {
        doc["project"]["scripts"] = Item::Table(scripts);
    }
    doc["dependency-groups"] = Item::Table(groups(plan)?);
    Ok(doc.to_string())
}

fn scripts(plan: &Plan<'_>, context: &Context, renderer: &mut Renderer) -> Result<Table> {
    let mut table = Table::new();
    for blueprint in plan.parts() {
        for script in &blueprint.manifest.python.scripts {
            let origin = format!("{} (python.scripts)", blueprint.origin);
            let name = renderer.render_if_needed(&origin, &script.name, context)?;
            let target = renderer.render_if_needed(&origin, &script.target, context)?;
            table[&name] = value(target);
        }
    }
    Ok(table)
}

/// PEP 735 groups from every part, plus `dev`, which includes them all.
fn groups(plan: &Plan<'_>) -> Result<Table> {
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    for blueprint in plan.parts() {
        for (name, specs) in &blueprint.manifest.python.groups {
            let specs = specs
                .as_array()
                .filter(|a| a.iter().all(|v| v.is_str()))
                .ok_or_else(|| Error::Blueprint {
                    path: blueprint.origin.clone(),
                    message: format!(
                        "[python.groups] {name} must be an array of requirement strings"
                    ),
                })?;
            let specs = specs.iter().filter_map(|v| v.as_str().map(str::to_string));
            match merged.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => existing.extend(specs),
                None => merged.push((name.clone(), specs.collect())),
            }
        }
    }
    let mut table = Table::new();
    let mut dev = Array::new();
    for (name, specs) in merged.into_iter().filter(|(n, _)| n != "dev") {
        let mut include = InlineTable::new();
        include.insert("include-group", name.as_str().into());
        dev.push(include);
        table[&name] = value(array(dedup(specs)));
    }
    table["dev"] = value(dev);
    Ok(table)
}

fn tools(plan: &Plan<'_>, context: &Context, renderer: &mut Renderer) -> Result<String> {
    let base = ENGINE_ASSETS
        .get_file(TOOL_BASE)
        .and_then(|f| f.contents_utf8())
        .expect("the tool base is embedded");
    let rendered = renderer.render(TOOL_BASE, base, context)?;
    let mut merged: toml::Table = toml::from_str(&rendered).map_err(|e| Error::Blueprint {
        path: TOOL_BASE.into(),
        message: e.to_string(),
    })?;
    for blueprint in plan.parts() {
        let text = toml::to_string(&blueprint.manifest.pyproject).unwrap_or_default();
        let rendered = renderer.render_if_needed(
            &format!("{} [pyproject]", blueprint.origin),
            &text,
            context,
        )?;
        let fragment: toml::Table = toml::from_str(&rendered).map_err(|e| Error::Blueprint {
            path: blueprint.origin.clone(),
            message: format!("[pyproject] after rendering: {e}"),
        })?;
        deep_merge(&mut merged, fragment, "").map_err(|message| Error::Blueprint {
            path: blueprint.origin.clone(),
            message,
        })?;
    }
    let text = toml::to_string(&merged).map_err(|e| Error::Blueprint {
        path: TOOL_BASE.into(),
        message: e.to_string(),
    })?;
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::Blueprint {
                path: TOOL_BASE.into(),
                message: e.to_string(),
            })?;
    wrap_long_arrays(doc.as_table_mut());
    Ok(doc.to_string())
}

/// Longest `key = [...]` line kept on one line: pytest's warning filters do not fit.
const MAX_ARRAY_LINE: usize = 99;

/// Puts the items of every array that makes its line too long one per line.
fn wrap_long_arrays(table: &mut Table) {
    for (key, item) in table.iter_mut() {
        match item {
            Item::Table(inner) => wrap_long_arrays(inner),
            Item::ArrayOfTables(tables) => tables.iter_mut().for_each(wrap_long_arrays),
            Item::Value(toml_edit::Value::Array(items)) => {
                let line = key.get().len() + " = ".len() + items.to_string().trim().len();
                if line > MAX_ARRAY_LINE {
                    one_per_line(items);
                }
            }
            _ => {}
        }
    }
}

/// Merges `from` into `into`: tables recursively, arrays appended without duplicates,
/// equal scalars accepted, different scalars refused with the key.
fn deep_merge(
    into: &mut toml::Table,
    from: toml::Table,
    prefix: &str,
) -> std::result::Result<(), String> {
    for (key, incoming) in from {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (into.get_mut(&key), incoming) {
            (None, v) => {
                into.insert(key, v);
            }
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => deep_merge(a, b, &path)?,
            (Some(toml::Value::Array(a)), toml::Value::Array(b)) => {
                for v in b {
                    if !a.contains(&v) {
                        a.push(v);
                    }
                }
            }
            (Some(a), b) if *a == b => {}
            (Some(a), b) => {
                return Err(format!(
                    "pyproject key {path} is set to {b} here but to {a} already"
                ));
            }
        }
    }
    Ok(())
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn array<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Array {
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

/// One item per line, as people write dependency lists.
fn multiline(items: Vec<String>) -> Array {
    let mut a = array(items);
    one_per_line(&mut a);
    a
}

fn one_per_line(a: &mut Array) {
    for item in a.iter_mut() {
        item.decor_mut().set_prefix("\n    ");
        item.decor_mut().set_suffix("");
    }
    a.set_trailing("\n");
    a.set_trailing_comma(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn merge_appends_arrays_and_merges_tables() {
        let mut base = table("[tool.pytest]\nfilterwarnings = [\"error\"]\nstrict = true\n");
        let frag =
            table("[tool.pytest]\nfilterwarnings = [\"ignore::X\", \"error\"]\n[tool.x]\ny = 1\n");
        deep_merge(&mut base, frag, "").unwrap();
        assert_eq!(
            base["tool"]["pytest"]["filterwarnings"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(base["tool"]["x"]["y"].as_integer(), Some(1));
    }

    #[test]
    fn long_arrays_get_one_item_a_line_and_short_ones_stay_inline() {
        let long = format!(
            "[tool.pytest]\nfilterwarnings = [\"{}\", \"b\"]\nx = [\"y\"]\n",
            "a".repeat(90)
        );
        let mut doc: DocumentMut = long.parse().unwrap();
        wrap_long_arrays(doc.as_table_mut());
        let text = doc.to_string();
        assert!(text.contains("filterwarnings = [\n    \"aaa"), "{text}");
        assert!(text.contains("\n    \"b\",\n]\nx = [\"y\"]\n"), "{text}");
    }

    /// pytest imports the category of each `filterwarnings` entry when it starts, so a
    /// library's category (`error::sklearn.exceptions.ConvergenceWarning`) imports that
    /// library in every run, seconds for the heavy ones, even to check an add-on's task that
    /// never uses it. The embedded blueprints name built-in categories and pytest's alone
    /// (docs/blueprint-format.md, "Composition").
    #[test]
    fn embedded_filterwarnings_name_no_library_category() {
        let library = crate::blueprint::Library::embedded().unwrap();
        let mut found = Vec::new();
        for summary in &library.blueprints {
            let blueprint = library.get(summary.id()).unwrap().unwrap();
            let entries = blueprint
                .manifest
                .pyproject
                .get("tool")
                .and_then(|t| t.get("pytest"))
                .and_then(|t| t.get("filterwarnings"))
                .and_then(toml::Value::as_array)
                .cloned()
                .unwrap_or_default();
            for entry in entries {
                let text = entry.as_str().unwrap_or_default().to_string();
                let category = text.split(':').nth(2).unwrap_or_default().trim();
                if category.contains('.') && !category.starts_with("pytest.") {
                    found.push(format!("{}: {text}", summary.id()));
                }
            }
        }
        assert!(found.is_empty(), "library categories: {found:?}");
    }

    #[test]
    fn merge_refuses_conflicting_scalars_naming_the_key() {
        let mut base = table("[tool.mypy]\nstrict = true\n");
        let err = deep_merge(&mut base, table("[tool.mypy]\nstrict = false\n"), "").unwrap_err();
        assert!(err.contains("tool.mypy.strict"), "{err}");
    }
}
