//! Rebuilds the binary whenever a blueprint file changes: include_dir embeds the folder at
//! compile time, and cargo would otherwise not notice new or edited blueprint files.
fn main() {
    println!("cargo::rerun-if-changed=blueprints");
}
