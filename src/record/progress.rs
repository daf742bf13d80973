//! `.skillforge/progress.toml`: what the learner asked of skillforge (hints revealed, tasks
//! given up), kept in the project so a teacher reading the repository sees it too.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where the file lives in a project.
pub const PATH: &str = ".skillforge/progress.toml";

/// `.skillforge/progress.toml`, as read and written.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Each task's progress, by task id; a task not listed has none.
    #[serde(default)]
    pub tasks: BTreeMap<String, TaskProgress>,
}

/// What the learner asked of skillforge for one task.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskProgress {
    /// How many hints have been revealed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints: usize,
    /// The day the learner gave up and looked at the reference solution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gave_up: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Progress {
    /// The progress of the project at `root`; none yet when the file does not exist.
    pub fn read(root: &Path) -> Result<Progress> {
        let path = root.join(PATH);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| Error::Project {
                path: path.display().to_string(),
                message: format!(
                    "{}; fix it or delete it (hints and give-ups are then forgotten)",
                    e.message()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(e) => Err(Error::io("cannot read", path)(e)),
        }
    }

    /// Writes the progress to the project at `root`, whole or not at all.
    pub fn write(&self, root: &Path) -> Result<()> {
        let body = toml::to_string(self).expect("progress serializes");
        let text = format!(
            "# Kept by skillforge: the hints you revealed and the tasks you gave up on.\n\n{body}"
        );
        crate::fsutil::write_atomic(&root.join(PATH), text.as_bytes())
    }

    /// The progress of task `id`; none yet when it has none.
    pub fn task(&self, id: &str) -> TaskProgress {
        self.tasks.get(id).cloned().unwrap_or_default()
    }

    /// The progress of task `id`, to change, added when it has none.
    pub fn task_mut(&mut self, id: &str) -> &mut TaskProgress {
        self.tasks.entry(id.to_string()).or_default()
    }
}
