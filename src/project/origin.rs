//! The project's origin file, built from the plan and the rendered project.

use super::{Context, OutputFile, PlannedTask};
use crate::plan::Plan;
use crate::record::origin::{
    FORMAT, Origin, OriginBlueprint, OriginTask, entry_checksum, folder_checksum,
};
use crate::test_parts::file_of;

pub fn build(
    plan: &Plan<'_>,
    context: &Context,
    tasks: &[PlannedTask],
    files: &[OutputFile],
) -> Origin {
    let tasks: Vec<OriginTask> = tasks
        .iter()
        .map(|t| OriginTask {
            id: t.id.clone(),
            number: t.number,
            blueprint: t.blueprint.clone(),
            title: t.title.clone(),
            skills: t.skills.clone(),
            skill_names: t.skill_names.clone(),
            stretch: t.stretch,
            requires: t.requires.clone(),
            tests: t.tests.clone(),
            files: t.files.clone(),
            hints: t.hints.clone(),
        })
        .collect();
    let checksums = tasks
        .iter()
        .flat_map(|t| &t.tests)
        .filter_map(|entry| Some((entry.clone(), entry_sum(&tasks, entry, files)?)))
        .collect();
    Origin {
        format: FORMAT,
        skillforge: env!("CARGO_PKG_VERSION").to_string(),
        created: crate::record::progress::today(),
        year: context.year,
        name: plan.names.name.clone(),
        solved: plan.solved,
        focus: plan.focus.clone(),
        answers: plan
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        blueprints: plan
            .parts()
            .map(|b| OriginBlueprint {
                id: b.id().to_string(),
                version: b.manifest.version.clone(),
                source: b.source.clone(),
            })
            .collect(),
        tasks,
        checksums,
        accepted: Default::default(),
    }
}

/// The checksum of what the test `entry` covers among the project's `files`: a file (or a
/// class in it), or a folder; `None` when it names neither (`lint` refuses such entries).
fn entry_sum(tasks: &[OriginTask], entry: &str, files: &[OutputFile]) -> Option<String> {
    let path = file_of(entry);
    if let Some(file) = files.iter().find(|f| f.path.as_str() == path) {
        return Some(entry_checksum(tasks, entry, &file.contents));
    }
    let prefix = format!("{path}/");
    let mut under = files
        .iter()
        .filter(|f| f.path.as_str().starts_with(&prefix))
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .peekable();
    under.peek()?;
    Some(folder_checksum(path, under))
}
