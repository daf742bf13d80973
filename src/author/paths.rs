//! From a rendered path of the authoring repository back to the blueprint's raw path.
//!
//! A file the raw tree already has maps back through its rendered path (the raw paths
//! rendered with the sample answers); a new file gets its raw path by putting the
//! expressions back where the sample names stand. The files skillforge writes itself map
//! to the manifest key to change instead.

use crate::plan::naming::ProjectNames;

/// Where a change to a file skillforge writes belongs instead, or `None` for other files.
pub(super) fn model_file_fix(path: &str) -> Option<&'static str> {
    Some(match path {
        "pyproject.toml" => {
            "change [python] dependencies, groups or scripts, or [pyproject], in blueprint.toml"
        }
        "README.md" => "change the [[readme]] sections in blueprint.toml",
        "TASKS.md" => "change the task's [[tasks]] entry in blueprint.toml",
        ".gitignore" => "change gitignore in blueprint.toml",
        "LICENSE" => "the licence comes from the learner's answer; leave it as rendered",
        _ if path.starts_with(".skillforge/") => {
            "skillforge writes .skillforge/ itself; drop the change (git checkout)"
        }
        _ => return None,
    })
}

/// Files under `.skillforge/` that record a learner's progress, not the blueprint: running
/// `skillforge check` in the repository changes them, and `record` ignores them.
pub(super) fn is_progress(path: &str) -> bool {
    path.starts_with(".skillforge/") && path != crate::record::origin::PATH
}

/// The raw path of a file the author created at `rendered`: each sample name in a path
/// component becomes the expression it renders from.
pub(super) fn raw_for_new(rendered: &str, names: &ProjectNames) -> String {
    rendered
        .split('/')
        .map(|part| {
            part.replace(&names.package, "{{project.package}}")
                .replace(&names.name, "{{project.name}}")
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_names_in_a_new_path_become_expressions() {
        let names = ProjectNames::parse(crate::author::SAMPLE_NAME).unwrap();
        assert_eq!(
            raw_for_new("src/skf_sample/extra.py", &names),
            "src/{{project.package}}/extra.py"
        );
        assert_eq!(
            raw_for_new("docs/skf-sample.md", &names),
            "docs/{{project.name}}.md"
        );
        assert_eq!(raw_for_new("data/x.csv", &names), "data/x.csv");
    }

    #[test]
    fn model_files_name_the_manifest_key_and_progress_is_ignored() {
        assert!(model_file_fix("README.md").unwrap().contains("[[readme]]"));
        assert!(model_file_fix(".skillforge/origin.toml").is_some());
        assert!(model_file_fix("src/app.py").is_none());
        assert!(is_progress(".skillforge/progress.toml"));
        assert!(!is_progress(".skillforge/origin.toml"));
    }
}
