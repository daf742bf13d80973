//! The record a generated project carries in `.skillforge/`, committed with it.
//!
//! `origin.toml` says what the project was made from (written by `new`, read by every
//! practice command); `progress.toml` what the learner asked of skillforge since (hints
//! revealed, tasks given up). Both are plain TOML a teacher can read in the repository.
//! The last check's `results.json` is not a record but the check's output, git-ignored and
//! rewritten on every run: it lives with the checking, in `practice::results`.

pub mod origin;
pub mod progress;
