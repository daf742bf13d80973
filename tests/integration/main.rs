//! The integration tests: the real binary, run hermetically, and the generated projects
//! tested as Python projects.

mod author;
mod cheats;
mod classroom;
mod cli;
mod costs;
mod edges;
mod environment;
mod export;
mod generate;
mod git;
mod grading;
mod grow;
mod honest;
mod install;
mod names;
mod practise;
mod practise_edges;
mod prompts;
mod python;
mod reset;
mod signals;
mod solution;
mod support;
mod terminal;
mod warnings;
mod words;
