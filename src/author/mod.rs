//! Authoring a blueprint's steps through git: `replay` renders the starter into a
//! repository and commits each task's step on top, one commit per task; the author runs
//! the tests at any commit and edits the history with `git rebase -i`; `record` reads that
//! history back into `steps/<task>.patch` (see docs/authoring.md).
//!
//! Both directions render with the real `new` machinery and one fixed set of sample
//! answers (`session`), so a rendered path maps back to exactly one raw path (`paths`).
//! Files whose raw source is a `.hbs` template get their raw text committed beside them
//! (`cli.py` and `cli.py.hbs`), so an author can change generated lines too.

mod diff;
mod history;
mod paths;
pub mod record;
pub mod replay;
mod session;

pub use session::{SAMPLE_NAME, Session};

/// The suffix of a template's raw text committed beside its rendered file.
pub const TWIN_SUFFIX: &str = ".hbs";
