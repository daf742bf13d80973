//! The base of `add`'s and `update`'s merge: the project as skillforge generated it.
//!
//! `add` renders it again from the recorded plan (it refuses a project whose blueprints
//! changed version since: `update` first), as `check` renders the tests again. `update`
//! cannot: the blueprints at hand are their current versions only. So each generated
//! file's git blob id is recorded in the origin file (`Origin::generated`) and the file is
//! taken from the repository by it (`new` commits every file as generated; `add` and
//! `update` keep what they generate on `git::GENERATED_REF`). A project made before those
//! ids were recorded, or a clone that lacks the blob, takes the file's first committed
//! version instead; a file found in neither has no base, and merges as if created.

use crate::blueprint::Library;
use crate::error::Result;
use crate::plan::Plan;
use crate::practice::Workspace;
use crate::project::Project;

use super::Files;

/// The files of `project`, by path.
pub fn files(project: &Project) -> Files {
    project
        .files
        .iter()
        .map(|f| (f.path.as_str().to_string(), f.contents.clone()))
        .collect()
}

/// The plan recorded in the project's origin file, with `library`'s blueprints, generated
/// solved when the project was.
pub fn recorded_plan<'a>(ws: &Workspace, library: &'a Library) -> Result<Plan<'a>> {
    let mut plan = Plan::from_origin(&ws.origin, library)?;
    plan.solved = ws.origin.solved;
    Ok(plan)
}

/// The project as generated at the recorded versions, from the repository: every file the
/// origin file records or, in a project made before they were recorded, every file of
/// `new` (the project generated now) found in the history. See the module's comment.
pub fn from_repository(ws: &Workspace, new: &Project) -> Files {
    let recorded = ws
        .origin
        .generated
        .iter()
        .map(|(path, id)| (path, Some(id)));
    let others: Vec<String> = if ws.origin.generated.is_empty() {
        new.files
            .iter()
            .map(|f| f.path.as_str().to_string())
            .collect()
    } else {
        Vec::new()
    };
    recorded
        .chain(others.iter().map(|path| (path, None)))
        .filter_map(|(path, id)| {
            let bytes = id
                .and_then(|id| crate::git::blob(&ws.root, id))
                .or_else(|| crate::git::first_version(&ws.root, path))?;
            Some((path.clone(), bytes))
        })
        .collect()
}
