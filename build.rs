//! Rebuilds the binary whenever a blueprint file changes (include_dir embeds the folder at
//! compile time, and cargo would otherwise not notice new or edited blueprint files), and
//! makes a JSON copy of every embedded manifest and of the skill catalog.
//!
//! Every command reads all of them, and parsing 160 KB of TOML was a third of the time of a
//! small `new`; serde_json reads the same data several times faster. The TOML stays the
//! source: a file this step cannot convert is left out, and skillforge then parses the TOML
//! itself, so a broken manifest is reported exactly as before.

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
    for (i, source) in sources.iter().enumerate() {
        let Some(json) = to_json(&root.join(source)) else {
            continue;
        };
        let file = out.join(format!("manifest-{i}.json"));
        std::fs::write(&file, json).expect("writing into OUT_DIR");
        writeln!(
            table,
            "    ({source:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/manifest-{i}.json\"))),"
        )
        .unwrap();
    }
    table.push(']');
    std::fs::write(out.join("prebuilt.rs"), table).expect("writing into OUT_DIR");
}

/// The file's data as JSON, keys in their TOML order; `None` when the TOML does not parse
/// or holds what JSON has no type for: a date, or a float that is `nan` or infinite.
fn to_json(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    if !table.values().all(plain) {
        return None;
    }
    serde_json::to_string(&table).ok()
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
