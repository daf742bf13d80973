//! `skillforge author replay` and `author record`: the authoring workflow of
//! docs/authoring.md, run and reported for people.

use std::path::Path;

use crate::author::{record, replay};
use crate::error::Result;
use crate::ui;

/// Replays the blueprint into a new repository and says what to do next.
pub fn replay(options: &replay::Options<'_>) -> Result<()> {
    let done = replay::run(options)?;
    let repo = done.repo.display();
    println!(
        "{repo}: the starter and {} task commit(s); see them with `git -C {repo} log --oneline`",
        done.tasks.len()
    );
    if let Some(task) = done.unsolved {
        ui::warn(&format!(
            "task {task} has no step yet: solve it in {repo} and commit with the subject \
             `{task}: ...`, then the tasks after it"
        ));
    }
    Ok(())
}

/// Records the repository's history as the blueprint's steps.
pub fn record(repo: &Path, blueprint_dir: &Path, base: Option<&str>) -> Result<()> {
    let done = record::run(repo, blueprint_dir, base)?;
    for (task, commit) in &done.tasks {
        println!("steps/{task}.patch  from commit {commit}");
    }
    println!(
        "wrote {} step(s) to {}; check them with `skillforge lint {}`",
        done.tasks.len(),
        blueprint_dir.join("steps").display(),
        blueprint_dir.display()
    );
    Ok(())
}
