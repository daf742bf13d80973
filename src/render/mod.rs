//! Rendering: handlebars set up for source code, and the checks every output path passes.

mod engine;
mod paths;
mod simple;

pub use engine::Renderer;
pub use paths::{SafePath, safe_relative, unportable};
