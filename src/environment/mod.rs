//! The learner's Python environment around a generated project: which Python the project
//! accepts (`requires`), finding one (`python`), the project's `.venv` as it is (`venv`), and
//! the tool that makes and fills it (`installer`). `setup` builds the environment from these;
//! `doctor` reports on it.
//!
//! Nothing here writes anywhere but `.venv`: the project's own files are the learner's.

pub mod installer;
pub mod python;
pub mod requires;
pub mod venv;
