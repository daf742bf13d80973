//! The blueprints' own files: the starter `template/`, or the template with every step
//! applied when the plan is solved. Paths and `.hbs` files are rendered, every path is checked, and two
//! blueprints writing the same file is refused.

use std::collections::BTreeMap;

use super::{Context, MODEL_FILES, OutputFile};
use crate::blueprint::{SourceFile, steps};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render::{Renderer, SafePath, safe_relative};

/// Every part's files, rendered: the starter `template/`, or when the plan is solved the
/// raw files its steps finish (`blueprint::steps::solved`). Two parts writing one path is
/// an error naming both.
pub(crate) fn blueprint_files(
    plan: &Plan<'_>,
    context: &Context,
    renderer: &mut Renderer,
) -> Result<Vec<OutputFile>> {
    let mut out: BTreeMap<SafePath, OutputFile> = BTreeMap::new();
    for blueprint in plan.parts() {
        let id = blueprint.id();
        let solved;
        let (tree, files): (&str, Vec<&SourceFile>) = if plan.solved {
            solved = steps::solved(blueprint)?;
            ("steps", solved.values().collect())
        } else {
            ("template", blueprint.template.iter().collect())
        };
        for file in files {
            let rendered = render_file(id, tree, file, context, renderer)?;
            if let Some(previous) = out.get(&rendered.path) {
                return Err(Error::Blueprint {
                    path: format!("{id}/{tree}/{}", file.rel),
                    message: format!(
                        "{} is also written by {}; only the project model may merge files",
                        rendered.path, previous.part
                    ),
                });
            }
            out.insert(rendered.path.clone(), rendered);
        }
    }
    Ok(out.into_values().collect())
}

/// Renders one file of a blueprint's `tree` (`template`, `steps` or `solution`, for errors): its path, checked,
/// and its contents.
pub fn render_file(
    id: &str,
    tree: &str,
    file: &SourceFile,
    context: &Context,
    renderer: &mut Renderer,
) -> Result<OutputFile> {
    let origin = format!("{id}/{tree}/{}", file.rel);
    let rel = file.rel.strip_suffix(".hbs").unwrap_or(&file.rel);
    let rendered_rel = renderer.render_if_needed(&format!("{origin} (path)"), rel, context)?;
    let path = safe_relative(&rendered_rel, &origin)
        .map_err(|e| super::portable::blame_answer(rel, context, e))?;
    if MODEL_FILES.contains(&path.as_str()) {
        return Err(Error::Blueprint {
            path: origin,
            message: format!(
                "{path} is written by skillforge from the manifest; contribute through \
                 blueprint.toml instead"
            ),
        });
    }
    let contents = if file.is_template() {
        let text = std::str::from_utf8(&file.bytes).map_err(|e| Error::Template {
            path: origin.clone(),
            message: format!("not valid UTF-8 ({e})"),
        })?;
        renderer.render(&origin, text, context)?.into_bytes()
    } else {
        file.bytes.to_vec()
    };
    Ok(OutputFile {
        path,
        contents,
        executable: file.executable,
        part: id.to_string(),
    })
}
