//! Rebuilds the binary whenever a blueprint file changes (include_dir embeds the folder at
//! compile time, and cargo would otherwise not notice new or edited blueprint files), and
//! makes a JSON copy of every embedded manifest and of the skill catalog, and a summary of
//! each manifest.
//!
//! Start-up reads the summaries only (what `list`, `plan` and the choice of parts need: ids,
//! kinds, skills, task skills, composition rules, effort), so it does not grow with the
//! library; a command that needs a blueprint reads its manifest's copy, which serde_json
//! reads several times faster than the TOML. The TOML stays the source: a file this step
//! cannot convert is left out, and skillforge then parses the TOML itself, so a broken
//! manifest is reported exactly as before.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=blueprints");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = Path::new("blueprints");
    let mut sources = vec!["skills.toml".to_string()];
    let mut folders: Vec<String> = std::fs::read_dir(root)
        .expect("the blueprints folder")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("blueprint.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('_'))
        .collect();
    folders.sort();
    sources.extend(folders.iter().map(|f| format!("{f}/blueprint.toml")));

    let mut table = String::from("&[\n");
    let mut index = String::from("&[\n");
    for (i, source) in sources.iter().enumerate() {
        let Some(data) = to_json(&root.join(source)) else {
            continue;
        };
        let json = serde_json::to_string(&data).expect("TOML data serialises");
        let file = out.join(format!("manifest-{i}.json"));
        std::fs::write(&file, json).expect("writing into OUT_DIR");
        writeln!(
            table,
            "    ({source:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/manifest-{i}.json\"))),"
        )
        .unwrap();
        if source != "skills.toml" {
            let summary = serde_json::to_string(&summary(data)).expect("TOML data serialises");
            writeln!(index, "    ({source:?}, {summary:?}),").unwrap();
        }
    }
    table.push(']');
    index.push(']');
    std::fs::write(out.join("prebuilt.rs"), table).expect("writing into OUT_DIR");
    std::fs::write(out.join("index.rs"), index).expect("writing into OUT_DIR");
}

/// The keys of a manifest its summary holds (`src/blueprint/index.rs`), with the tasks cut
/// down to their ids, skills and requirements.
fn summary(mut manifest: toml::Table) -> toml::Table {
    const KEYS: [&str; 12] = [
        "id",
        "kind",
        "title",
        "summary",
        "difficulty",
        "hours",
        "skills",
        "applies-to",
        "requires",
        "conflicts",
        "not-for",
        "tasks",
    ];
    manifest.retain(|key, _| KEYS.contains(&key));
    if let Some(toml::Value::Array(tasks)) = manifest.get_mut("tasks") {
        for task in tasks.iter_mut() {
            if let toml::Value::Table(task) = task {
                task.retain(|key, _| ["id", "skills", "requires"].contains(&key));
            }
        }
    }
    manifest
}

/// The file's data, ready for JSON, keys in their TOML order; `None` when the TOML does not parse
/// or holds what JSON has no type for: a date, or a float that is `nan` or infinite.
fn to_json(path: &Path) -> Option<toml::Table> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.values().all(plain).then_some(table)
}

fn plain(value: &toml::Value) -> bool {
    match value {
        toml::Value::Float(f) => f.is_finite(),
        toml::Value::Datetime(_) => false,
        toml::Value::Array(items) => items.iter().all(plain),
        toml::Value::Table(table) => table.values().all(plain),
        _ => true,
    }
}
