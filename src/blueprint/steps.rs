//! Per-task reference solutions.
//!
//! `solution/` is the finished project; `steps/<task-id>.patch` splits it by task. Each patch
//! is a diff in git's format (`git diff`; several files, `new file mode` and
//! `deleted file mode` for files created or deleted) against the raw files (paths and contents before rendering, as under
//! `template/`) that the tasks before it, in manifest order, left. Applying every patch to
//! `template/` gives `template/` overlaid with `solution/`, which `lint` checks.

use std::borrow::Cow;
use std::collections::BTreeMap;

use diffy::patch_set::{FileOperation, ParseOptions, PatchKind, PatchSet};

use super::{Blueprint, SourceFile};
use crate::error::{Error, Result};

/// Raw files by path, as `template/` has them.
pub type Tree = BTreeMap<String, SourceFile>;

/// The step of `task`, if the blueprint has one.
pub fn step_of<'a>(blueprint: &'a Blueprint, task: &str) -> Option<&'a SourceFile> {
    blueprint
        .steps
        .iter()
        .find(|f| f.rel.strip_suffix(".patch") == Some(task))
}

/// The raw files before and after `task`: the template with the steps of every earlier
/// task applied, then with the task's own. `None` when the blueprint has no step for it.
pub fn around(blueprint: &Blueprint, task: &str) -> Result<Option<(Tree, Tree)>> {
    if step_of(blueprint, task).is_none() {
        return Ok(None);
    }
    let mut state = tree(&blueprint.template);
    for t in &blueprint.manifest.tasks {
        let Some(step) = step_of(blueprint, &t.id) else {
            continue;
        };
        let before = state.clone();
        apply(&mut state, &blueprint.manifest.id, step)?;
        if t.id == task {
            return Ok(Some((before, state)));
        }
    }
    Ok(None)
}

/// `files` keyed by path.
pub fn tree(files: &[SourceFile]) -> Tree {
    files.iter().map(|f| (f.rel.clone(), f.clone())).collect()
}

/// `files` laid over `state`; a file replaces its `.hbs` twin, as when rendered.
pub fn overlay(state: &mut Tree, files: &[SourceFile]) {
    for file in files {
        remove_twin(state, &file.rel);
        state.insert(file.rel.clone(), file.clone());
    }
}

fn rendered_name(rel: &str) -> &str {
    rel.strip_suffix(".hbs").unwrap_or(rel)
}

fn remove_twin(state: &mut Tree, rel: &str) {
    state.retain(|other, _| other == rel || rendered_name(other) != rendered_name(rel));
}

/// Applies one step to `state`.
pub fn apply(state: &mut Tree, blueprint: &str, step: &SourceFile) -> Result<()> {
    let origin = format!("{blueprint}/steps/{}", step.rel);
    let fail = |message: String| Error::Blueprint {
        path: origin.clone(),
        message,
    };
    let text =
        std::str::from_utf8(&step.bytes).map_err(|e| fail(format!("not valid UTF-8 ({e})")))?;
    // Plain unified diffs are accepted too; only git's headers can create an empty file.
    let format = if text.starts_with("diff --git ") || text.contains("\ndiff --git ") {
        ParseOptions::gitdiff()
    } else {
        ParseOptions::unidiff()
    };
    for file in PatchSet::parse(text, format) {
        let file = file.map_err(|e| fail(format!("not a diff: {e}")))?;
        let PatchKind::Text(patch) = file.patch() else {
            return Err(fail("binary patches are not supported".into()));
        };
        match file.operation() {
            FileOperation::Create(path) => {
                let rel = strip_prefix(path);
                let contents = diffy::apply("", patch)
                    .map_err(|e| fail(format!("cannot create {rel}: {e}")))?;
                remove_twin(state, &rel);
                state.insert(
                    rel.clone(),
                    SourceFile {
                        rel,
                        bytes: Cow::Owned(contents.into_bytes()),
                        executable: false,
                    },
                );
            }
            FileOperation::Delete(path) => {
                let rel = strip_prefix(path);
                state
                    .remove(&rel)
                    .ok_or_else(|| fail(format!("deletes {rel}, which does not exist there")))?;
            }
            FileOperation::Modify { original, modified } => {
                let rel = strip_prefix(original);
                if rel != strip_prefix(modified) {
                    return Err(fail(format!(
                        "renames {rel}; a step can only create, change or delete files"
                    )));
                }
                let file = state.get_mut(&rel).ok_or_else(|| {
                    fail(format!(
                        "changes {rel}, which neither the template nor an earlier step has"
                    ))
                })?;
                let current = std::str::from_utf8(&file.bytes)
                    .map_err(|_| fail(format!("changes {rel}, which is not UTF-8 text")))?;
                let changed = diffy::apply(current, patch).map_err(|e| {
                    fail(format!(
                        "does not apply to {rel} as the earlier steps left it: {e}"
                    ))
                })?;
                file.bytes = Cow::Owned(changed.into_bytes());
            }
            FileOperation::Rename { from, .. } | FileOperation::Copy { from, .. } => {
                return Err(fail(format!(
                    "renames or copies {}; a step can only create, change or delete files",
                    strip_prefix(from)
                )));
            }
        }
    }
    Ok(())
}

/// `a/src/x.py` and `b/src/x.py` name `src/x.py`.
fn strip_prefix(path: &str) -> String {
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
        .to_string()
}

/// What is wrong with a blueprint's steps, for `lint`: patches for unknown tasks, tasks
/// without a patch (once there are any), patches that do not apply, and a last state that
/// is not the solution.
pub fn problems(blueprint: &Blueprint) -> Vec<String> {
    if blueprint.steps.is_empty() {
        return vec![];
    }
    let id = blueprint.id();
    let tasks = &blueprint.manifest.tasks;
    let mut out = Vec::new();
    for step in &blueprint.steps {
        let known = step
            .rel
            .strip_suffix(".patch")
            .is_some_and(|t| tasks.iter().any(|task| task.id == t));
        if !known {
            out.push(format!(
                "{id}/steps/{}: not named after a task (steps/<task-id>.patch)",
                step.rel
            ));
        }
    }
    let mut state = tree(&blueprint.template);
    for task in tasks {
        let Some(step) = step_of(blueprint, &task.id) else {
            out.push(format!(
                "{id}/steps: task {:?} has no step; every task needs steps/{}.patch",
                task.id, task.id
            ));
            continue;
        };
        let before = state.clone();
        if let Err(e) = apply(&mut state, id, step) {
            out.push(e.to_string());
            return out;
        }
        if same(&before, &state) {
            out.push(format!(
                "{id}/steps/{}: changes nothing; a task's step must change its files",
                step.rel
            ));
        }
    }
    let mut finished = tree(&blueprint.template);
    overlay(&mut finished, &blueprint.solution);
    let differ: Vec<&str> = finished
        .keys()
        .chain(state.keys())
        .filter(|rel| finished.get(*rel).map(|f| &f.bytes) != state.get(*rel).map(|f| &f.bytes))
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !differ.is_empty() {
        out.push(format!(
            "{id}/steps: after the last step these files differ from template/ + solution/: {}",
            differ.join(", ")
        ));
    }
    out
}

fn same(a: &Tree, b: &Tree) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, fa), (kb, fb))| ka == kb && fa.bytes == fb.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::testing;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            bytes: Cow::Owned(text.as_bytes().to_vec()),
            executable: false,
        }
    }

    const TASKS: &str = "[[tasks]]\nid = \"one\"\ntitle = \"One\"\nsummary = \"s\"\n\
        description = \"d\"\nskills = []\nhints = [\"h\"]\ntests = [\"tests/test_one.py\"]\n\
        [[tasks]]\nid = \"two\"\ntitle = \"Two\"\nsummary = \"s\"\ndescription = \"d\"\n\
        skills = []\nhints = [\"h\"]\ntests = [\"tests/test_two.py\"]\n";

    fn blueprint() -> Blueprint {
        let mut b = testing::blueprint("b", "base", 1, "", TASKS);
        b.template = vec![file(
            "app.py",
            "def one():\n    raise NotImplementedError\n\n\ndef two():\n    raise NotImplementedError\n",
        )];
        b.solution = vec![
            file(
                "app.py",
                "def one():\n    return 1\n\n\ndef two():\n    return 2\n",
            ),
            file("notes.md.hbs", "{{project.name}}\n"),
        ];
        b.steps = vec![
            file(
                "one.patch",
                "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n def one():\n-    raise NotImplementedError\n+    return 1\n",
            ),
            file(
                "two.patch",
                "--- a/app.py\n+++ b/app.py\n@@ -4,3 +4,3 @@\n \n def two():\n-    raise NotImplementedError\n+    return 2\n\
                 --- /dev/null\n+++ b/notes.md.hbs\n@@ -0,0 +1 @@\n+{{project.name}}\n",
            ),
        ];
        b
    }

    fn text(tree: &Tree, rel: &str) -> String {
        String::from_utf8(tree[rel].bytes.to_vec()).unwrap()
    }

    #[test]
    fn each_task_sees_the_state_the_earlier_steps_left() {
        let b = blueprint();
        let (before, after) = around(&b, "two").unwrap().unwrap();
        assert!(text(&before, "app.py").contains("return 1"));
        assert!(text(&before, "app.py").contains("def two():\n    raise"));
        assert!(text(&after, "app.py").ends_with("return 2\n"));
        assert!(!before.contains_key("notes.md.hbs"));
        assert_eq!(text(&after, "notes.md.hbs"), "{{project.name}}\n");
        assert!(around(&b, "three").unwrap().is_none());
    }

    #[test]
    fn consistent_steps_have_no_problems() {
        assert_eq!(problems(&blueprint()), Vec::<String>::new());
    }

    #[test]
    fn a_step_that_does_not_apply_names_its_file() {
        let mut b = blueprint();
        b.steps[0] = file(
            "one.patch",
            "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n def uno():\n-    pass\n+    return 1\n",
        );
        let found = problems(&b);
        assert!(found[0].starts_with("b/steps/one.patch"), "{found:?}");
        assert!(found[0].contains("does not apply to app.py"), "{found:?}");
    }

    #[test]
    fn missing_unknown_and_incomplete_steps_are_reported() {
        let mut b = blueprint();
        b.steps.remove(1);
        b.steps.push(file("three.patch", ""));
        let found = problems(&b).join("\n");
        assert!(
            found.contains("three.patch: not named after a task"),
            "{found}"
        );
        assert!(found.contains("task \"two\" has no step"), "{found}");
        assert!(
            found.contains("differ from template/ + solution/: app.py, notes.md.hbs"),
            "{found}"
        );
    }

    #[test]
    fn an_empty_file_is_created_by_its_header_alone() {
        let mut state = Tree::new();
        let step = file(
            "t.patch",
            "diff --git a/src/pkg/py.typed b/src/pkg/py.typed\nnew file mode 100644\n\
             diff --git a/x.txt b/x.txt\nnew file mode 100644\n--- /dev/null\n+++ b/x.txt\n@@ -0,0 +1 @@\n+x\n",
        );
        apply(&mut state, "b", &step).unwrap();
        assert_eq!(state["src/pkg/py.typed"].bytes.len(), 0);
        assert_eq!(text(&state, "x.txt"), "x\n");
    }

    /// The solved raw tree of an embedded blueprint: each path, `x` when executable, and
    /// the sha256 of its bytes.
    fn listing(tree: &Tree) -> String {
        use sha2::{Digest, Sha256};
        tree.values()
            .map(|f| {
                let hex: String = Sha256::digest(&f.bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let mode = if f.executable { "x" } else { "-" };
                format!("{mode} {hex} {}\n", f.rel)
            })
            .collect()
    }

    /// The snapshots were taken from `template/` overlaid with `solution/` (format v1); the
    /// steps must rebuild exactly those bytes for every embedded blueprint.
    #[test]
    fn every_embedded_blueprint_solves_to_the_recorded_tree() {
        let library = crate::blueprint::Library::embedded().unwrap();
        for b in &library.blueprints {
            let mut finished = tree(&b.template);
            overlay(&mut finished, &b.solution);
            insta::assert_snapshot!(format!("solved-{}", b.id()), listing(&finished));
        }
    }

    #[test]
    fn a_solution_file_replaces_its_hbs_twin() {
        let mut state = tree(&[file("ci.yml", "a\n")]);
        overlay(&mut state, &[file("ci.yml.hbs", "b\n")]);
        assert_eq!(state.keys().collect::<Vec<_>>(), ["ci.yml.hbs"]);
    }
}
