//! `skillforge export DIR [--squash] [--allow-unfinished]`: writes the portfolio copy
//! (`crate::export`), prints its path on stdout and says on stderr what it holds.

use crate::error::Result;
use crate::export::{self, Request};
use crate::practice::Workspace;
use crate::ui;

pub fn run(ws: &Workspace, request: &Request) -> Result<()> {
    let exported = export::export(ws, request)?;
    println!("{}", exported.path.display());
    let history = if request.squash {
        "one commit".to_string()
    } else {
        format!("{} commit(s), the last one presenting it", exported.commits)
    };
    ui::success(&format!(
        "exported {} to {}: {history}; README.md is its portfolio page",
        ws.origin.name,
        exported.path.display()
    ));
    if let Some(identity) = &exported.fell_back {
        ui::warn(&format!(
            "git has no user.name/user.email configured; the last commit was made as {identity} \
             (the project's last author). Set yours with: git config --global user.name \"...\"; \
             git config --global user.email ..."
        ));
    }
    if !exported.unfinished.is_empty() {
        ui::warn(&format!(
            "exported with unfinished tasks, which its README lists: {}",
            exported.unfinished.join("; ")
        ));
    }
    ui::note("push it to a new repository to link it from a CV");
    Ok(())
}
