//! The domain value of `skillforge new`: what the user asked for, converted once from the
//! command line (`arguments::new_request`). Answers still missing are obtained later, by
//! prompt or default.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::naming::ProjectNames;

#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub name: Option<String>,
    pub blueprint: Option<String>,
    /// `--skills` lists, as typed.
    pub skills: Vec<String>,
    /// `--from`: a blueprint folder or git URL, and `--rev`.
    pub from: Option<String>,
    pub rev: Option<String>,
    /// `--with` add-on ids, as given.
    pub addons: Vec<String>,
    /// `--dry-run`: compose and list, write nothing.
    pub dry_run: bool,
    /// `--set key=value`, by key.
    pub answers: BTreeMap<String, String>,
    /// Take defaults instead of asking.
    pub yes: bool,
    pub solved: bool,
    pub git: bool,
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
