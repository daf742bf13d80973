//! Per-task reference solutions, and the finished project they add up to.
//!
//! `steps/<task-id>.patch` is each task's reference change. Each patch is a diff in git's
//! format (`git diff`; several files, `new file mode` and `deleted file mode` for files
//! created or deleted, `new file mode 100755` for an executable one) against the raw files
//! (paths and contents before rendering, as under `template/`) that the tasks before it, in
//! manifest order, left. The template with every step applied is the solved project
//! (`new --solved`). A format-v1 blueprint (`schema = 1`) may instead carry the finished
//! files in `solution/`, overlaid on the template; when it has steps too, they must rebuild
//! exactly that overlay (see `docs/blueprint-format.md`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use diffy::patch_set::{FileMode, FileOperation, FilePatch, ParseOptions, PatchKind, PatchSet};

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
        apply(&mut state, folder(blueprint), step)?;
        if t.id == task {
            return Ok(Some((before, state)));
        }
    }
    Ok(None)
}

/// The raw files of the solved blueprint: the template with every step applied in
/// manifest order; for a format-v1 blueprint without steps, the template overlaid with
/// `solution/`. Errors name the step that does not apply.
pub fn solved(blueprint: &Blueprint) -> Result<Tree> {
    let mut state = tree(&blueprint.template);
    if blueprint.steps.is_empty() {
        overlay(&mut state, &blueprint.solution);
        return Ok(state);
    }
    for task in &blueprint.manifest.tasks {
        if let Some(step) = step_of(blueprint, &task.id) {
            apply(&mut state, folder(blueprint), step)?;
        }
    }
    Ok(state)
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

/// The folder of `blueprint` as its messages name it: `fastapi-service` when embedded, the
/// path given to `--from` or `lint` otherwise.
pub fn folder(blueprint: &Blueprint) -> &str {
    let origin = blueprint.origin.as_str();
    origin
        .strip_suffix("/blueprint.toml")
        .or_else(|| origin.strip_suffix("\\blueprint.toml"))
        .unwrap_or(blueprint.id())
}

/// Applies one step to `state`; `blueprint` is its folder, for messages. Errors name the
/// patch and the line of the file's header in it (1 when the patch as a whole is at fault).
pub fn apply(state: &mut Tree, blueprint: &str, step: &SourceFile) -> Result<()> {
    let origin = format!("{blueprint}/steps/{}", step.rel);
    let text = std::str::from_utf8(&step.bytes).map_err(|e| Error::Manifest {
        path: origin.clone(),
        line: 1,
        message: format!("not valid UTF-8 ({e})"),
    })?;
    let fail = |rel: &str, message: String| Error::Manifest {
        path: origin.clone(),
        line: header_line(text, rel),
        message,
    };
    // Plain unified diffs are accepted too; only git's headers can create an empty file.
    let format = if text.starts_with("diff --git ") || text.contains("\ndiff --git ") {
        ParseOptions::gitdiff()
    } else {
        ParseOptions::unidiff()
    };
    for file in PatchSet::parse(text, format) {
        let file = file.map_err(|e| fail("", format!("not a diff: {e}")))?;
        apply_file(state, &file).map_err(|(rel, message)| fail(&rel, message))?;
    }
    Ok(())
}

/// Applies one file's part of a patch; an error is the file's path and what is wrong.
fn apply_file(state: &mut Tree, file: &FilePatch<'_, str>) -> Result<(), (String, String)> {
    let PatchKind::Text(patch) = file.patch() else {
        return Err((String::new(), "binary patches are not supported".into()));
    };
    match file.operation() {
        FileOperation::Create(path) => {
            let rel = strip_prefix(path);
            let contents = diffy::apply("", patch)
                .map_err(|e| (rel.clone(), format!("cannot create {rel}: {e}")))?;
            let executable = file.new_mode() == Some(&FileMode::Executable);
            remove_twin(state, &rel);
            let bytes = Cow::Owned(contents.into_bytes());
            let created = SourceFile {
                rel: rel.clone(),
                bytes,
                executable,
            };
            state.insert(rel, created);
        }
        FileOperation::Delete(path) => {
            let rel = strip_prefix(path);
            if state.remove(&rel).is_none() {
                let message = format!("deletes {rel}, which does not exist there");
                return Err((rel, message));
            }
        }
        FileOperation::Modify { original, modified } => {
            let rel = strip_prefix(original);
            if rel != strip_prefix(modified) {
                let message =
                    format!("renames {rel}; a step can only create, change or delete files");
                return Err((rel, message));
            }
            modify(state, &rel, patch).map_err(|message| (rel, message))?;
        }
        FileOperation::Rename { from, .. } | FileOperation::Copy { from, .. } => {
            let rel = strip_prefix(from);
            let message =
                format!("renames or copies {rel}; a step can only create, change or delete files");
            return Err((rel, message));
        }
    }
    Ok(())
}

fn modify(state: &mut Tree, rel: &str, patch: &diffy::Patch<'_, str>) -> Result<(), String> {
    let file = state.get_mut(rel).ok_or_else(|| {
        format!("changes {rel}, which neither the template nor an earlier step has")
    })?;
    let current = std::str::from_utf8(&file.bytes)
        .map_err(|_| format!("changes {rel}, which is not UTF-8 text"))?;
    let changed = diffy::apply(current, patch)
        .map_err(|e| format!("does not apply to {rel} as the earlier steps left it: {e}"))?;
    file.bytes = Cow::Owned(changed.into_bytes());
    Ok(())
}

/// The 1-based line in the patch `text` of the first header naming `rel` (`diff --git`,
/// `---` or `+++`); 1 when there is none.
fn header_line(text: &str, rel: &str) -> usize {
    if rel.is_empty() {
        return 1;
    }
    text.lines()
        .position(|l| {
            (l.starts_with("diff --git ") || l.starts_with("--- ") || l.starts_with("+++ "))
                && l.contains(rel)
        })
        .map_or(1, |i| i + 1)
}

/// `a/src/x.py` and `b/src/x.py` name `src/x.py`.
fn strip_prefix(path: &str) -> String {
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
        .to_string()
}

/// What is wrong with a blueprint's steps and its format, for loading and `lint`: patches
/// not named after a task; in format v2 (`schema = 2`) a `solution/` folder or a task
/// without a step; in format v1 with steps, a task without one or a last state that is not
/// `template/` + `solution/`; and patches that do not apply or change nothing.
pub fn problems(blueprint: &Blueprint) -> Vec<Error> {
    let mut out = layout_problems(blueprint);
    if blueprint.steps.is_empty() {
        return out;
    }
    let id = folder(blueprint);
    let mut state = tree(&blueprint.template);
    for task in &blueprint.manifest.tasks {
        let Some(step) = step_of(blueprint, &task.id) else {
            continue;
        };
        let before = state.clone();
        if let Err(e) = apply(&mut state, id, step) {
            out.push(e);
            return out;
        }
        if same(&before, &state) {
            out.push(Error::Blueprint {
                path: format!("{id}/steps/{}", step.rel),
                message: "changes nothing; a task's step must change its files".into(),
            });
        }
    }
    if blueprint.manifest.schema < 2 && !blueprint.solution.is_empty() {
        out.extend(differ_from_solution(blueprint, &state));
    }
    out
}

/// Step names, `solution/` and missing steps against the blueprint's format.
fn layout_problems(blueprint: &Blueprint) -> Vec<Error> {
    let id = folder(blueprint);
    let tasks = &blueprint.manifest.tasks;
    let v2 = blueprint.manifest.schema >= 2;
    let mut out = Vec::new();
    for step in &blueprint.steps {
        let known = step
            .rel
            .strip_suffix(".patch")
            .is_some_and(|t| tasks.iter().any(|task| task.id == t));
        if !known {
            out.push(Error::Blueprint {
                path: format!("{id}/steps/{}", step.rel),
                message: "not named after a task (steps/<task-id>.patch)".into(),
            });
        }
    }
    if v2 && !blueprint.solution.is_empty() {
        out.push(Error::Blueprint {
            path: format!("{id}/solution"),
            message: "format v2 (schema = 2) has no solution/: the steps rebuild the solved \
                      project; delete the folder"
                .into(),
        });
    }
    if !v2 && blueprint.steps.is_empty() {
        return out;
    }
    for task in tasks.iter().filter(|t| step_of(blueprint, &t.id).is_none()) {
        out.push(Error::Blueprint {
            path: format!("{id}/steps/{}.patch", task.id),
            message: format!(
                "missing: every task needs a step, and task {:?} has none; record it with \
                 `skillforge author record` (docs/authoring.md)",
                task.id
            ),
        });
    }
    out
}

/// The files where `state`, after the last step, is not `template/` + `solution/`.
fn differ_from_solution(blueprint: &Blueprint, state: &Tree) -> Option<Error> {
    let mut finished = tree(&blueprint.template);
    overlay(&mut finished, &blueprint.solution);
    let differ: std::collections::BTreeSet<&str> = finished
        .keys()
        .chain(state.keys())
        .filter(|rel| finished.get(*rel).map(|f| &f.bytes) != state.get(*rel).map(|f| &f.bytes))
        .map(String::as_str)
        .collect();
    (!differ.is_empty()).then(|| Error::Blueprint {
        path: format!("{}/steps", folder(blueprint)),
        message: format!(
            "after the last step these files differ from template/ + solution/: {}",
            differ.into_iter().collect::<Vec<_>>().join(", ")
        ),
    })
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
        assert!(problems(&blueprint()).is_empty());
    }

    #[test]
    fn a_step_that_does_not_apply_names_its_file() {
        let mut b = blueprint();
        b.steps[0] = file(
            "one.patch",
            "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n def uno():\n-    pass\n+    return 1\n",
        );
        let found: Vec<String> = problems(&b).iter().map(ToString::to_string).collect();
        assert!(found[0].starts_with("b/steps/one.patch:1:"), "{found:?}");
        assert!(found[0].contains("does not apply to app.py"), "{found:?}");
    }

    #[test]
    fn missing_unknown_and_incomplete_steps_are_reported() {
        let mut b = blueprint();
        b.steps.remove(1);
        b.steps.push(file("three.patch", ""));
        let found: Vec<String> = problems(&b).iter().map(ToString::to_string).collect();
        let found = found.join("\n");
        assert!(
            found.contains("three.patch: not named after a task"),
            "{found}"
        );
        assert!(found.contains("b/steps/two.patch: missing"), "{found}");
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

    /// The snapshots were taken from `template/` overlaid with `solution/` while the embedded
    /// blueprints still had one (format v1); the steps rebuild exactly those bytes, and pass
    /// the format's checks. A new blueprint's snapshot is reviewed like any other.
    #[test]
    fn every_embedded_blueprint_solves_to_the_recorded_tree() {
        let library = crate::blueprint::Library::embedded().unwrap();
        for summary in &library.blueprints {
            let b = library.get(summary.id()).unwrap().unwrap();
            let found: Vec<String> = problems(b).iter().map(ToString::to_string).collect();
            assert!(found.is_empty(), "{found:?}");
            insta::assert_snapshot!(format!("solved-{}", b.id()), listing(&solved(b).unwrap()));
        }
    }

    #[test]
    fn a_solution_file_replaces_its_hbs_twin() {
        let mut state = tree(&[file("ci.yml", "a\n")]);
        overlay(&mut state, &[file("ci.yml.hbs", "b\n")]);
        assert_eq!(state.keys().collect::<Vec<_>>(), ["ci.yml.hbs"]);
    }
}
