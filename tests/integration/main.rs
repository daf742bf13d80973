//! The integration tests: the real binary, run hermetically, and the generated projects
//! tested as Python projects.

mod cli;
mod edges;
mod generate;
mod git;
mod practise;
mod prompts;
mod python;
mod support;
mod terminal;
mod warnings;
