//! Rendering: handlebars set up for source code, and the checks every output path passes.

mod engine;
mod paths;

pub use engine::Renderer;
pub use paths::{SafePath, safe_relative};
