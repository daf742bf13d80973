//! The domain value of `skillforge new`: what the user asked for, converted once from the
//! command line (`arguments::new_request`). Answers still missing are obtained later, by
//! prompt or default.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::naming::ProjectNames;

/// What `new` was asked, as typed: nothing is validated or looked up yet.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    /// The project name, the first argument.
    pub name: Option<String>,
    /// `--blueprint`: the base blueprint's id.
    pub blueprint: Option<String>,
    /// `--skills` lists, as typed.
    pub skills: Vec<String>,
    /// `--from`: a blueprint folder or git URL, and `--rev`.
    pub from: Option<String>,
    /// `--rev`: the revision of a `--from` git URL.
    pub rev: Option<String>,
    /// `--with` add-on ids, as given.
    pub addons: Vec<String>,
    /// `--dry-run`: compose and list, write nothing.
    pub dry_run: bool,
    /// `--set key=value`, by key.
    pub answers: BTreeMap<String, String>,
    /// Take defaults instead of asking.
    pub yes: bool,
    /// `--solved`: every task's reference solution applied.
    pub solved: bool,
    /// Make a git repository with a first commit (not `--no-git`).
    pub git: bool,
    /// `--output-dir`: the folder the project's folder is made in.
    pub output_dir: PathBuf,
}

impl NewRequest {
    /// Where the project named `names` is written: `--output-dir` joined with its name,
    /// without a leading `./` (`new demo` prints `demo`).
    pub fn destination(&self, names: &ProjectNames) -> PathBuf {
        if self.output_dir == std::path::Path::new(".") {
            PathBuf::from(&names.name)
        } else {
            self.output_dir.join(&names.name)
        }
    }
}
