//! `author record`: the history of an authoring repository read back into
//! `steps/<task>.patch`. The first commit is the starter; each later commit is one task,
//! named by the id its subject starts with (`load-data: ...`), in manifest order.
//!
//! Each commit's change is mapped to raw files: a template's raw text is the `.hbs` file
//! beside it when the author changed that, or else the rendered change applied to the raw
//! text. Every recorded state is rendered again and must give exactly the commit's files,
//! so a step never says something the author did not write. Nothing is written until every
//! commit is recorded; `steps/` is then replaced whole.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::history::{Commit, Files};
use super::replay::owned_files;
use super::{Session, TWIN_SUFFIX, diff, history, paths};
use crate::blueprint::SourceFile;
use crate::blueprint::manifest::Task;
use crate::blueprint::steps::{self, Tree};
use crate::error::{Error, Result};

/// What `record` wrote.
#[derive(Debug)]
pub struct Recorded {
    /// Each task's id and the commit it was recorded from.
    pub tasks: Vec<(String, String)>,
}

/// Records the history of `repo` as the steps of the blueprint at `blueprint_dir`
/// (an add-on rendered onto `base`, as `replay` was given).
pub fn run(repo: &Path, blueprint_dir: &Path, base: Option<&str>) -> Result<Recorded> {
    let session = Session::open(blueprint_dir, base)?;
    let commits = history::read(repo)?;
    let Some((starter, solved)) = commits.split_first() else {
        return Err(Error::Refused {
            message: format!(
                "{} has no commits; start it with `skillforge author replay`",
                repo.display()
            ),
        });
    };
    let blueprint = session.blueprint();
    let pairs = match_tasks(&blueprint.manifest.tasks, solved)?;
    let mut raw = steps::tree(&blueprint.template);
    check_starter(&session, &raw, starter)?;
    let frozen = frozen_paths(&session, &raw, starter)?;
    let mut written = Vec::new();
    let mut previous = starter;
    for (task, commit) in pairs {
        let next = advance(&session, &raw, previous, commit, &frozen)?;
        let origin = format!("{}/steps/{}.patch", session.id(), task.id);
        let step = diff::step(&raw, &next, &origin)?;
        if step.is_empty() {
            return Err(fail(
                commit,
                format!(
                    "changes none of {}'s files; a task's commit must solve it (or drop the \
                 commit and the task)",
                    session.id()
                ),
            ));
        }
        written.push((task.id.clone(), commit.id.clone(), step));
        raw = next;
        previous = commit;
    }
    write_steps(blueprint_dir, &written)?;
    Ok(Recorded {
        tasks: written.into_iter().map(|(t, c, _)| (t, c)).collect(),
    })
}

fn fail(commit: &Commit, message: String) -> Error {
    Error::Blueprint {
        path: format!("commit {} ({:?})", commit.id, commit.subject),
        message,
    }
}

/// The task id a subject names: what comes before its first `:`.
fn task_of(subject: &str) -> Option<&str> {
    subject.split_once(':').map(|(id, _)| id.trim())
}

/// Pairs each task with its commit, refusing unknown, duplicated, reordered, missing and
/// extra commits with the fix.
fn match_tasks<'a>(
    tasks: &'a [Task],
    commits: &'a [Commit],
) -> Result<Vec<(&'a Task, &'a Commit)>> {
    let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut pairs = Vec::new();
    for (i, commit) in commits.iter().enumerate() {
        let named = task_of(&commit.subject).filter(|id| ids.contains(id));
        let Some(id) = named else {
            return Err(fail(
                commit,
                format!(
                    "does not start with a task id and a colon; reword it (git rebase -i, reword) \
                 to `TASK: ...` with one of: {}, or fold it into its task's commit (fixup)",
                    ids.join(", ")
                ),
            ));
        };
        if let Some(first) = seen.insert(id, &commit.id) {
            return Err(fail(
                commit,
                format!(
                    "names task {id}, as commit {first} does; one commit a task: squash them \
                 (git rebase -i, fixup)"
                ),
            ));
        }
        let expected = tasks[i.min(tasks.len() - 1)].id.as_str();
        if id != expected {
            return Err(fail(
                commit,
                format!(
                    "names task {id}, but task {} in blueprint.toml is {expected}; order the \
                 commits as the manifest orders the tasks (git rebase -i), or commit {expected} \
                 first if it has no commit yet",
                    i + 1
                ),
            ));
        }
        pairs.push((&tasks[i], commit));
    }
    require_all(tasks, commits)?;
    Ok(pairs)
}

/// Every task has a commit: the first one without is named, with where its commit goes.
fn require_all(tasks: &[Task], commits: &[Commit]) -> Result<()> {
    let Some(missing) = tasks.get(commits.len()) else {
        return Ok(());
    };
    let after = commits
        .last()
        .map_or("the starter".to_string(), |c| format!("commit {}", c.id));
    Err(Error::Refused {
        message: format!(
            "no commit for task {} (task {} of {}); solve it and commit with the subject \
             `{}: ...` after {after}",
            missing.id,
            commits.len() + 1,
            tasks.len(),
            missing.id
        ),
    })
}

/// The starter commit must be the template as `replay` renders it.
fn check_starter(session: &Session, raw: &Tree, starter: &Commit) -> Result<()> {
    for (path, (bytes, _)) in owned_files(session, raw)? {
        if starter.files.get(&path) != Some(&bytes) {
            return Err(fail(
                starter,
                format!(
                    "{path} is not as template/ renders it; the first commit must be the starter \
                 `skillforge author replay` made (for an add-on, with the same --base): change \
                 template/ itself and replay again"
                ),
            ));
        }
    }
    Ok(())
}

/// The starter's files that belong to skillforge or to another blueprint of the project.
fn frozen_paths(session: &Session, raw: &Tree, starter: &Commit) -> Result<BTreeSet<String>> {
    let owned = owned_files(session, raw)?;
    Ok(starter
        .files
        .keys()
        .filter(|p| !owned.contains_key(*p))
        .cloned()
        .collect())
}

/// The raw tree after `commit`: `raw` with the commit's change mapped back, checked by
/// rendering it again.
fn advance(
    session: &Session,
    raw: &Tree,
    previous: &Commit,
    commit: &Commit,
    frozen: &BTreeSet<String>,
) -> Result<Tree> {
    let targets = touched(session, previous, commit, frozen)?;
    let sources = session.rendered_paths(raw)?;
    let mut next = raw.clone();
    for target in &targets {
        let source = sources.get(target).map(String::as_str);
        map_back(session, &mut next, raw, source, target, previous, commit)?;
    }
    verify(session, &next, &sources, commit, frozen)?;
    Ok(next)
}

/// The rendered paths whose file (or template beside it) `commit` changes.
fn touched(
    session: &Session,
    previous: &Commit,
    commit: &Commit,
    frozen: &BTreeSet<String>,
) -> Result<BTreeSet<String>> {
    let (old, new) = (&previous.files, &commit.files);
    let mut targets = BTreeSet::new();
    for path in old.keys().chain(new.keys()) {
        if old.get(path) == new.get(path) || paths::is_progress(path) {
            continue;
        }
        if let Some(fix) = paths::model_file_fix(path) {
            return Err(fail(
                commit,
                format!("changes {path}, which skillforge writes; {fix}"),
            ));
        }
        if frozen.contains(path) {
            return Err(fail(
                commit,
                format!(
                    "changes {path}, which another blueprint of the project renders; {} can only \
                 change its own files: change that blueprint instead",
                    session.id()
                ),
            ));
        }
        let target = path
            .strip_suffix(TWIN_SUFFIX)
            .filter(|t| old.contains_key(*t) || new.contains_key(*t));
        targets.insert(target.unwrap_or(path).to_string());
    }
    Ok(targets)
}

/// Puts the commit's version of the rendered file `target` into `next` at its raw path.
fn map_back(
    session: &Session,
    next: &mut Tree,
    raw: &Tree,
    source: Option<&str>,
    target: &str,
    previous: &Commit,
    commit: &Commit,
) -> Result<()> {
    let twin = format!("{target}{TWIN_SUFFIX}");
    if let Some(source) = source {
        next.remove(source);
    }
    let Some(content) = commit.files.get(target) else {
        if commit.files.contains_key(&twin) {
            return Err(fail(
                commit,
                format!("deletes {target} but keeps {twin}, its template; delete both"),
            ));
        }
        return Ok(());
    };
    let is_template = source.is_some_and(|s| s.ends_with(".hbs"));
    let stem = source.map_or_else(
        || paths::raw_for_new(target, &session.names),
        |s| s.strip_suffix(".hbs").unwrap_or(s).to_string(),
    );
    let (rel, bytes) = match commit.files.get(&twin) {
        Some(text) if !is_template || previous.files.get(&twin) != Some(text) => {
            (format!("{stem}.hbs"), text.clone())
        }
        Some(_) => {
            let merged = carry_into_template(
                &raw[source.unwrap_or_default()].bytes,
                target,
                previous,
                commit,
            )?;
            (format!("{stem}.hbs"), merged)
        }
        None => {
            refuse_sample_names(session, target, content, commit)?;
            (stem, content.clone())
        }
    };
    let executable = source
        .and_then(|s| raw.get(s))
        .is_some_and(|f| f.executable);
    next.insert(
        rel.clone(),
        SourceFile {
            rel,
            bytes: Cow::Owned(bytes),
            executable,
        },
    );
    Ok(())
}

/// The template's raw text with the commit's change to the file it renders merged in.
fn carry_into_template(
    raw: &[u8],
    target: &str,
    previous: &Commit,
    commit: &Commit,
) -> Result<Vec<u8>> {
    let old = previous.files.get(target).map_or(&[][..], Vec::as_slice);
    let new = commit.files.get(target).map_or(&[][..], Vec::as_slice);
    three_way(raw, old, new).map_err(|why| {
        fail(commit, format!(
            "{target}: {why}; make the change in {target}{TWIN_SUFFIX} too, the template beside \
             it, with {{{{...}}}} where the sample values stand, and amend the commit"
        ))
    })
}

/// `raw` with the change from `old` to `new` (both rendered) merged in.
fn three_way(raw: &[u8], old: &[u8], new: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let text = |b: &[u8]| {
        std::str::from_utf8(b)
            .map(str::to_string)
            .map_err(|_| "not UTF-8 text".to_string())
    };
    let (raw, old, new) = (text(raw)?, text(old)?, text(new)?);
    // A three-way merge, not a patch: context lines the template generates differ between
    // the raw and the rendered text, and only the changed lines have to meet.
    diffy::merge(&old, &raw, &new)
        .map(String::into_bytes)
        .map_err(|_| "the change touches lines the template generates".to_string())
}

/// A plain file naming the sample project would name it in every project.
fn refuse_sample_names(
    session: &Session,
    target: &str,
    content: &[u8],
    commit: &Commit,
) -> Result<()> {
    let text = String::from_utf8_lossy(content);
    let names = &session.names;
    for (value, expression) in [
        (&names.package, "project.package"),
        (&names.name, "project.name"),
    ] {
        if text.contains(value.as_str()) {
            return Err(fail(
                commit,
                format!(
                    "{target} contains the sample name {value}, which would be the same in every \
                 project; make it a template: add {target}{TWIN_SUFFIX} beside it with \
                 {{{{{expression}}}}} in place of {value}, or use a relative import"
                ),
            ));
        }
    }
    Ok(())
}

/// Rendering `next` must give exactly the blueprint's files of `commit`.
fn verify(
    session: &Session,
    next: &Tree,
    sources: &BTreeMap<String, String>,
    commit: &Commit,
    frozen: &BTreeSet<String>,
) -> Result<()> {
    let rendered = owned_files(session, next)?;
    for (path, (bytes, _)) in &rendered {
        let is_twin = path
            .strip_suffix(TWIN_SUFFIX)
            .is_some_and(|t| rendered.contains_key(t));
        if is_twin || commit.files.get(path) == Some(bytes) {
            continue;
        }
        let twin = format!("{path}{TWIN_SUFFIX}");
        let message = if rendered.contains_key(&twin)
            || sources.get(path).is_some_and(|s| s.ends_with(".hbs"))
        {
            format!(
                "{twin}, the template beside it, does not render to it: the change touches \
             lines the template generates, or the two were changed differently; make \
             {twin} render to {path} (with {{{{...}}}} where the sample values stand) and \
             amend the commit"
            )
        } else {
            format!(
                "{path}: its raw file does not render back to it; a new file's path may use the \
             sample names only as whole {{{{project.package}}}} or {{{{project.name}}}} values"
            )
        };
        return Err(fail(commit, message));
    }
    let strays = stray_files(&commit.files, &rendered, frozen);
    if let Some(stray) = strays.first() {
        return Err(fail(
            commit,
            format!(
                "{stray} does not render back from any raw path; a new file's path may use the \
             sample names only as whole {{{{project.package}}}} or {{{{project.name}}}} values"
            ),
        ));
    }
    Ok(())
}

fn stray_files<'a>(
    files: &'a Files,
    rendered: &BTreeMap<String, (Vec<u8>, bool)>,
    frozen: &BTreeSet<String>,
) -> Vec<&'a String> {
    files
        .keys()
        .filter(|p| !rendered.contains_key(*p) && !frozen.contains(*p) && !paths::is_progress(p))
        .filter(|p| paths::model_file_fix(p).is_none())
        .filter(|p| {
            !p.strip_suffix(TWIN_SUFFIX)
                .is_some_and(|t| files.contains_key(t))
        })
        .collect()
}

/// Replaces `dir/steps/` with the recorded steps: written beside it, then renamed, so it
/// is never half-written.
fn write_steps(dir: &Path, steps: &[(String, String, String)]) -> Result<()> {
    let fresh = tempfile::Builder::new()
        .prefix(".steps-new-")
        .tempdir_in(dir)
        .map_err(Error::io("cannot create a folder in", dir))?;
    for (task, _, text) in steps {
        let path = fresh.path().join(format!("{task}.patch"));
        fs::write(&path, text).map_err(Error::io("cannot write", &path))?;
    }
    let target = dir.join("steps");
    let old = tempfile::Builder::new()
        .prefix(".steps-old-")
        .tempdir_in(dir)
        .map_err(Error::io("cannot create a folder in", dir))?;
    let kept = old.path().join("steps");
    if target.exists() {
        fs::rename(&target, &kept).map_err(Error::io("cannot move aside", &target))?;
    }
    let fresh = fresh.keep();
    if let Err(e) = fs::rename(&fresh, &target) {
        let _ = fs::rename(&kept, &target);
        let _ = fs::remove_dir_all(&fresh);
        return Err(Error::io("cannot write", &target)(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::testing;

    const TASKS: &str = "[[tasks]]\nid = \"one\"\ntitle = \"One\"\nsummary = \"s\"\n\
        description = \"d\"\nskills = []\nhints = [\"h\"]\ntests = [\"tests/test_one.py\"]\n\
        [[tasks]]\nid = \"two\"\ntitle = \"Two\"\nsummary = \"s\"\ndescription = \"d\"\n\
        skills = []\nhints = [\"h\"]\ntests = [\"tests/test_two.py\"]\n";

    fn commits(subjects: &[&str]) -> Vec<Commit> {
        subjects
            .iter()
            .enumerate()
            .map(|(i, s)| Commit {
                id: format!("c{i}"),
                subject: s.to_string(),
                files: Files::new(),
            })
            .collect()
    }

    fn matched(subjects: &[&str]) -> std::result::Result<Vec<String>, String> {
        let blueprint = testing::blueprint("b", "base", 1, "", TASKS);
        let history = commits(subjects);
        match_tasks(&blueprint.manifest.tasks, &history)
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|(t, c)| format!("{}={}", t.id, c.id))
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn commits_pair_with_the_tasks_their_subjects_name_in_order() {
        assert_eq!(matched(&["one: a", "two:b"]).unwrap(), ["one=c0", "two=c1"]);
    }

    #[test]
    fn each_history_mistake_names_its_commit_and_the_fix() {
        let unknown = matched(&["one: a", "three: b"]).unwrap_err();
        assert!(unknown.contains("commit c1 (\"three: b\")"), "{unknown}");
        assert!(unknown.contains("reword it"), "{unknown}");
        let duplicate = matched(&["one: a", "one: b"]).unwrap_err();
        assert!(duplicate.contains("as commit c0 does"), "{duplicate}");
        let reordered = matched(&["two: b", "one: a"]).unwrap_err();
        assert!(
            reordered.contains("but task 1 in blueprint.toml is one"),
            "{reordered}"
        );
        let missing = matched(&["one: a"]).unwrap_err();
        assert!(
            missing.contains("no commit for task two (task 2 of 2)"),
            "{missing}"
        );
        assert!(missing.contains("after commit c0"), "{missing}");
        let extra = matched(&["one: a", "two: b", "two: c"]).unwrap_err();
        assert!(extra.contains("as commit c1 does"), "{extra}");
    }

    #[test]
    fn a_rendered_change_to_plain_lines_carries_into_the_raw_text() {
        let raw = b"name = \"{{project.name}}\"\n\nx = 1\n";
        let old = b"name = \"skf-sample\"\n\nx = 1\n";
        let new = b"name = \"skf-sample\"\n\nx = 2\n";
        let out = three_way(raw, old, new).unwrap();
        assert_eq!(out, b"name = \"{{project.name}}\"\n\nx = 2\n");
        let renamed = b"name = \"other\"\n\nx = 1\n";
        assert!(
            three_way(raw, old, renamed)
                .unwrap_err()
                .contains("generates")
        );
    }
}
