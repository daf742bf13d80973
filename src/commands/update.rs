//! `skillforge update [--dry-run] [--allow-dirty] [--no-commit]`: brings the project to its
//! blueprints' current versions through the same merge as `add` (`crate::grow`).

use crate::error::Result;
use crate::grow::{self, Request};
use crate::practice::Workspace;
use crate::ui;

use super::add::{finish, print_changes};

pub struct Options {
    pub dry_run: bool,
    pub allow_dirty: bool,
    pub commit: bool,
    /// Where the project's blueprints are now, when they have moved (`--from`).
    pub from: Option<String>,
}

pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let (library, _checkouts) = ws.library(options.from.as_deref())?;
    let newer = grow::update::newer(ws, &library);
    let composed = grow::update::compose(ws, &library)?;
    if !options.dry_run {
        grow::refuse_dirty(ws, options.allow_dirty)?;
    }
    let versions: Vec<String> = newer
        .iter()
        .map(|n| format!("{} {} -> {}", n.id, n.recorded, n.current))
        .collect();
    let request = Request {
        allow_dirty: options.allow_dirty,
        commit: options.commit,
        dry_run: options.dry_run,
    };
    let message = if versions.is_empty() {
        "Update the project with skillforge".to_string()
    } else {
        format!("Update {} with skillforge", versions.join(", "))
    };
    let outcome = grow::grow(
        ws,
        &composed.base,
        &composed.new,
        composed.origin,
        request,
        &message,
    )?;
    let only_record = outcome
        .changes
        .iter()
        .all(|c| c.path == crate::record::origin::PATH);
    if versions.is_empty() && only_record {
        if !options.dry_run && !outcome.changes.is_empty() {
            ui::note("only .skillforge/origin.toml was brought up to date");
        }
        ui::success("the project is up to date with its blueprints");
        return Ok(());
    }
    if !versions.is_empty() {
        ui::note(&format!("blueprints: {}", versions.join(", ")));
    }
    print_changes(&outcome.changes);
    if options.dry_run {
        ui::note(&format!(
            "{} file(s) would change; nothing was written (run without --dry-run to update)",
            outcome.changes.len()
        ));
        return Ok(());
    }
    finish(&outcome, "updated", "skillforge update")
}
