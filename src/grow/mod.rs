//! Growing a project after `new`: `add` composes an add-on onto it, `update` brings it to
//! the blueprints' current versions. Both are the same three-way merge, file by file: the
//! base is the project as skillforge generated it, yours is the learner's work tree, and
//! the new side is the project generated from the new plan. A file the new plan leaves as
//! it was generated stays the learner's, whatever they did to it; a file the learner left
//! as generated takes the new version; a file both changed is merged (`merge`), and an
//! overlap is written with conflict markers and listed, never silently overwritten.
//!
//! TASKS.md is merged with its boxes cleared and the learner's ticks put back afterwards,
//! so ticking never conflicts and the new tasks start unticked. The origin file is the
//! record, not the learner's: it is replaced, keeping the test edits the learner accepted
//! and committed (`HEAD`'s; skillforge's commit never carries an uncommitted edit of it).

pub mod add;
pub mod base;
pub mod merge;
pub mod update;

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::practice::Workspace;
use crate::practice::tasks_md;
use crate::project::Project;
use crate::record::origin::{self, Origin};

/// Files by project path.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What `add` and `update` may do to the repository.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// Go ahead although files differ from the last commit.
    pub allow_dirty: bool,
    /// Commit the change (else leave it staged).
    pub commit: bool,
    /// Say what would change, write nothing.
    pub dry_run: bool,
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new file.
    Create,
    /// The file takes the new version, or the merge of it with the learner's.
    Update,
    /// The new plan has no such file, and the learner left it as generated.
    Delete,
    /// Both sides changed the file and the changes overlap: the reason, for the list.
    Conflict(String),
}

/// One file that changes.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: String,
    pub action: Action,
    /// The learner's file now (`None`: it does not exist).
    pub yours: Option<Vec<u8>>,
    /// What is written (`None`: nothing is, or the file is removed).
    pub contents: Option<Vec<u8>>,
    /// Written executable (a new file the blueprint marks so).
    pub executable: bool,
}

/// What `add` or `update` did (or would do, with `--dry-run`).
#[derive(Debug)]
pub struct Outcome {
    pub changes: Vec<FileChange>,
    /// The commit made, when one was.
    pub commit: Option<String>,
    /// The project is in a git repository (else nothing is staged or committed).
    pub in_git: bool,
}

impl Outcome {
    /// The files left with conflict markers (or left alone for a conflict), by path.
    pub fn conflicts(&self) -> Vec<&FileChange> {
        self.changes
            .iter()
            .filter(|c| matches!(c.action, Action::Conflict(_)))
            .collect()
    }
}

/// The files skillforge's commit must never carry uncommitted edits of, `--allow-dirty` or
/// not: the record `check` grades by (an `[accepted]` block written by hand would become
/// skillforge's), and the classroom workflow whose commands grade the student.
/// The learner's own progress file is not among them: it grades nothing, and `new` does not
/// commit it, so it would stand in the way of every learner who has taken a hint.
const GUARDED: [&str; 2] = [origin::PATH, crate::project::classroom::PATH];

/// Refuses a project whose files differ from the last commit, unless `allow_dirty`: the
/// merge would mix the learner's uncommitted work into skillforge's commit, and a bad merge
/// could not be undone with git. The record and the classroom workflow (`GUARDED`) are
/// refused even with `allow_dirty`.
pub fn refuse_dirty(ws: &Workspace, allow_dirty: bool) -> Result<()> {
    refuse_guarded_edits(ws)?;
    if allow_dirty {
        return Ok(());
    }
    let Some(dirty) = crate::git::uncommitted(&ws.root) else {
        return Err(Error::Refused {
            message: format!(
                "{} is not in a git repository, so a merge that goes wrong could not be \
                 undone; run `git init && git add -A && git commit -m start` first, or pass \
                 --allow-dirty",
                ws.root.display()
            ),
        });
    };
    if dirty.is_empty() {
        return Ok(());
    }
    Err(Error::Refused {
        message: format!(
            "uncommitted changes in {}; commit them first (`git add -A && git commit`) so \
             the merge can be undone, or pass --allow-dirty; nothing was written",
            dirty.join(", ")
        ),
    })
}

/// Refuses a project in a repository whose record (`origin.toml`) or classroom workflow
/// differ from `HEAD`, in the index or the work tree: skillforge's commit would launder
/// them. Outside a repository no commit is made, so nothing is refused.
fn refuse_guarded_edits(ws: &Workspace) -> Result<()> {
    let edited = crate::git::differ_from_head(&ws.root, &GUARDED).unwrap_or_default();
    if edited.is_empty() {
        return Ok(());
    }
    let files = edited.join(" ");
    Err(Error::Refused {
        message: format!(
            "{} differ from the last commit, and skillforge's commit never carries edits to \
             its record or the classroom workflow, --allow-dirty or not; commit them yourself \
             (`git add {files} && git commit`) or put them back (`git checkout -- {files}`, \
             or delete a new file); nothing was written",
            edited.join(", ")
        ),
    })
}

/// The test edits accepted in the last commit's origin file (the working tree's outside a
/// repository): the new record keeps those, never an uncommitted hand edit.
fn committed_accepts(ws: &Workspace) -> BTreeMap<String, String> {
    if crate::git::enclosing_repository(&ws.root).is_none() {
        return ws.origin.accepted.clone();
    }
    crate::git::at_head(&ws.root, origin::PATH)
        .and_then(|bytes| toml::from_str::<Origin>(&String::from_utf8_lossy(&bytes)).ok())
        .map(|o| o.accepted)
        .unwrap_or_default()
}

/// Merges the change from `base` (the project as generated before) to `new` (as generated
/// now, with `origin` its record) into the learner's files, then stages and commits it as
/// `request` says, with `message`. Nothing is written with `dry_run`.
///
/// The new record keeps the learner's accepted test edits of the entries whose shipped
/// version did not change: an edit accepted against an older test would otherwise go on
/// standing in for the new one, which the learner has not seen passing.
pub fn grow(
    ws: &Workspace,
    base: &Files,
    new: &Project,
    mut origin: Origin,
    request: Request,
    message: &str,
) -> Result<Outcome> {
    origin.accepted = committed_accepts(ws)
        .into_iter()
        .filter(|(entry, _)| ws.origin.checksums.get(entry) == origin.checksums.get(entry))
        .collect();
    let mut files: Files = new
        .files
        .iter()
        .map(|f| (f.path.as_str().to_string(), f.contents.clone()))
        .collect();
    files.insert(origin::PATH.to_string(), origin.to_toml().into_bytes());
    let mut changes = compare(ws, base, &files);
    for change in &mut changes {
        change.executable = new
            .files
            .iter()
            .any(|f| f.executable && f.path.as_str() == change.path);
    }
    if request.dry_run {
        return Ok(Outcome {
            changes,
            commit: None,
            in_git: crate::git::enclosing_repository(&ws.root).is_some(),
        });
    }
    write(ws, &changes)?;
    let generated: Vec<crate::git::WrittenFile<'_>> = new
        .files
        .iter()
        .map(|f| crate::git::WrittenFile {
            path: f.path.as_str(),
            contents: &f.contents,
        })
        .collect();
    let identity = identity(&origin);
    crate::git::keep_generated(&ws.root, &generated, (&identity.0, &identity.1))?;
    let commit = stage(ws, &changes, request, message, &identity)?;
    Ok(Outcome {
        changes,
        commit,
        in_git: crate::git::enclosing_repository(&ws.root).is_some(),
    })
}

/// The project's author, for a commit made where git has no identity.
fn identity(origin: &Origin) -> (String, String) {
    let answer = |id: &str, default: &str| {
        origin
            .answers
            .get(id)
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_string()
    };
    (
        answer("author", "skillforge"),
        answer("email", "skillforge@localhost"),
    )
}

/// Every file that changes, in path order: the origin file is the new record; TASKS.md
/// keeps the learner's ticks; every other file is merged.
fn compare(ws: &Workspace, base: &Files, new: &Files) -> Vec<FileChange> {
    let mut paths: Vec<&String> = base.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let yours = std::fs::read(ws.path(path)).ok();
            let (base, new) = (base.get(path), new.get(path));
            let (action, contents) = if path == origin::PATH {
                let new = new.cloned();
                (new != yours).then_some((Action::Update, new))?
            } else if path == "TASKS.md" {
                tasks(base, yours.as_ref(), new)?
            } else {
                merge_file(base, yours.as_ref(), new)?
            };
            Some(FileChange {
                path: path.clone(),
                action,
                yours,
                contents,
                executable: false,
            })
        })
        .collect()
}

/// The change from `base` to `new` merged into `yours`, or `None` when the file stays as
/// the learner has it.
fn merge_file(
    base: Option<&Vec<u8>>,
    yours: Option<&Vec<u8>>,
    new: Option<&Vec<u8>>,
) -> Option<(Action, Option<Vec<u8>>)> {
    if new == base || yours == new {
        return None;
    }
    if yours == base {
        let action = match (yours, new) {
            (_, None) => Action::Delete,
            (None, Some(_)) => Action::Create,
            (Some(_), Some(_)) => Action::Update,
        };
        return Some((action, new.cloned()));
    }
    let conflict = |reason: &str| Some((Action::Conflict(reason.to_string()), None));
    match (Text::of(base), Text::of(yours), Text::of(new)) {
        (_, Text::Missing, _) => conflict("you deleted it and skillforge changes it: left deleted"),
        (_, _, Text::Missing) => {
            conflict("you changed it and skillforge removes it: left as yours")
        }
        (Text::Missing, Text::Utf8(yours), Text::Utf8(new)) => merged(yours, "", new),
        (Text::Utf8(base), Text::Utf8(yours), Text::Utf8(new)) => merged(yours, base, new),
        _ => conflict("not text, changed on both sides: left as yours"),
    }
}

/// A file's bytes as the merge reads them.
enum Text<'a> {
    Missing,
    Utf8(&'a str),
    Binary,
}

impl<'a> Text<'a> {
    fn of(bytes: Option<&'a Vec<u8>>) -> Text<'a> {
        match bytes.map(|b| std::str::from_utf8(b)) {
            None => Text::Missing,
            Some(Ok(text)) => Text::Utf8(text),
            Some(Err(_)) => Text::Binary,
        }
    }
}

/// The text merge of a file both sides changed: `None` when it leaves the learner's as is.
fn merged(yours: &str, base: &str, new: &str) -> Option<(Action, Option<Vec<u8>>)> {
    match merge::three_way(base, yours, new) {
        merge::Outcome::Clean(merged) if merged == yours => None,
        merge::Outcome::Clean(merged) => Some((Action::Update, Some(merged.into_bytes()))),
        merge::Outcome::Conflict(marked) => Some((
            Action::Conflict("your changes overlap skillforge's: marked".into()),
            Some(marked.into_bytes()),
        )),
    }
}

/// TASKS.md merged with every box cleared, then the learner's ticks put back: ticking is
/// no change to merge, and tasks that are new start unticked.
fn tasks(
    base: Option<&Vec<u8>>,
    yours: Option<&Vec<u8>>,
    new: Option<&Vec<u8>>,
) -> Option<(Action, Option<Vec<u8>>)> {
    let as_text = |b: Option<&Vec<u8>>| b.map(|b| String::from_utf8_lossy(b).into_owned());
    let Some(yours_text) = as_text(yours) else {
        return merge_file(base, yours, new);
    };
    let ticks = tasks_md::ticks(&yours_text);
    let clear = |text: Option<String>| {
        text.map(|t| {
            let boxes = tasks_md::ticks(&t)
                .into_keys()
                .map(|id| (id, false))
                .collect();
            tasks_md::tick(&t, &boxes).0.into_bytes()
        })
    };
    let (base, plain, new) = (
        clear(as_text(base)),
        clear(Some(yours_text)),
        clear(as_text(new)),
    );
    let (action, merged) = match merge_file(base.as_ref(), plain.as_ref(), new.as_ref()) {
        Some((action, Some(merged))) => (action, merged),
        Some(other) => return Some(other),
        None => (Action::Update, plain.expect("the learner has TASKS.md")),
    };
    let ticked = tasks_md::tick(&String::from_utf8_lossy(&merged), &ticks).0;
    (Some(ticked.as_bytes()) != yours.map(Vec::as_slice))
        .then(|| (action, Some(ticked.into_bytes())))
}

/// Writes every change (a conflict's marked file too), removing deleted files.
fn write(ws: &Workspace, changes: &[FileChange]) -> Result<()> {
    for change in changes {
        let path = ws.path(&change.path);
        match (&change.action, &change.contents) {
            (Action::Delete, _) => {
                std::fs::remove_file(&path).map_err(Error::io("cannot remove", &path))?
            }
            (_, Some(contents)) => {
                crate::fsutil::write_atomic(&path, contents)?;
                #[cfg(unix)]
                if change.executable && change.yours.is_none() {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&path)
                        .map_err(Error::io("cannot read", &path))?
                        .permissions()
                        .mode();
                    std::fs::set_permissions(&path, PermissionsExt::from_mode(mode | 0o111))
                        .map_err(Error::io("cannot make executable", &path))?;
                }
            }
            (_, None) => {}
        }
    }
    Ok(())
}

/// Stages the files merged cleanly and commits them as one commit, unless the request says
/// not to or a file conflicts (the learner resolves it and commits).
fn stage(
    ws: &Workspace,
    changes: &[FileChange],
    request: Request,
    message: &str,
    identity: &(String, String),
) -> Result<Option<String>> {
    let clean = |c: &&FileChange| !matches!(c.action, Action::Conflict(_));
    let written: Vec<String> = changes
        .iter()
        .filter(clean)
        .filter(|c| c.action != Action::Delete)
        .map(|c| c.path.clone())
        .collect();
    let removed: Vec<String> = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.path.clone())
        .collect();
    let conflicts = changes.iter().any(|c| !clean(&c));
    let message = (request.commit && !conflicts).then_some(message);
    crate::git::stage_and_commit(
        &ws.root,
        &written,
        &removed,
        message,
        (&identity.0, &identity.1),
    )
}

/// The lines added and removed from the learner's file to what is written, for a diff stat.
pub fn stat(change: &FileChange) -> (usize, usize) {
    let text = |b: &Option<Vec<u8>>| {
        b.as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let after = match change.action {
        Action::Delete => String::new(),
        _ if change.contents.is_none() => return (0, 0),
        _ => text(&change.contents),
    };
    let before = text(&change.yours);
    let patch = diffy::create_patch(&before, &after);
    patch
        .hunks()
        .iter()
        .flat_map(|h| h.lines())
        .fold((0, 0), |(a, r), l| match l {
            diffy::Line::Insert(_) => (a + 1, r),
            diffy::Line::Delete(_) => (a, r + 1),
            diffy::Line::Context(_) => (a, r),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }

    fn merged(base: Option<&str>, yours: Option<&str>, new: Option<&str>) -> Option<Action> {
        let (base, yours, new) = (base.map(b), yours.map(b), new.map(b));
        merge_file(base.as_ref(), yours.as_ref(), new.as_ref()).map(|(action, _)| action)
    }

    #[test]
    fn a_file_the_blueprint_leaves_alone_stays_the_learners() {
        assert_eq!(merged(Some("a\n"), Some("mine\n"), Some("a\n")), None);
        assert_eq!(merged(Some("a\n"), None, Some("a\n")), None);
    }

    #[test]
    fn a_file_the_learner_left_alone_takes_the_new_version() {
        assert_eq!(merged(None, None, Some("n\n")), Some(Action::Create));
        assert_eq!(
            merged(Some("a\n"), Some("a\n"), Some("n\n")),
            Some(Action::Update)
        );
        assert_eq!(merged(Some("a\n"), Some("a\n"), None), Some(Action::Delete));
    }

    #[test]
    fn a_removal_or_a_deletion_against_a_change_is_a_conflict_that_writes_nothing() {
        let (base, yours) = (b("a\n"), b("mine\n"));
        let (action, contents) = merge_file(Some(&base), Some(&yours), None).unwrap();
        assert!(matches!(action, Action::Conflict(_)) && contents.is_none());
        let new = b("n\n");
        let (action, contents) = merge_file(Some(&base), None, Some(&new)).unwrap();
        assert!(matches!(action, Action::Conflict(_)) && contents.is_none());
    }

    #[test]
    fn a_file_the_learner_wrote_where_a_new_one_goes_is_marked_not_replaced() {
        let (yours, new) = (b("mine\n"), b("new\n"));
        let (action, contents) = merge_file(None, Some(&yours), Some(&new)).unwrap();
        assert!(matches!(action, Action::Conflict(_)));
        let text = String::from_utf8(contents.unwrap()).unwrap();
        assert!(text.contains("mine\n") && text.contains("new\n"), "{text}");
    }

    const TASKS: &str = "# Tasks\n\n<!-- skillforge:task one -->\n- [ ] **1. One**\n\
        <!-- /skillforge:task -->\n\n<!-- skillforge:task two -->\n- [ ] **2. Two**\n\
        <!-- /skillforge:task -->\n\nEnd.\n";

    #[test]
    fn tasks_keep_the_learners_ticks_and_notes_and_new_tasks_start_unticked() {
        let yours = format!("My notes.\n{}", TASKS.replace("- [ ] **1.", "- [x] **1."));
        let new = TASKS.replace(
            "End.\n",
            "<!-- skillforge:task three -->\n- [ ] **3. Three**\n<!-- /skillforge:task -->\n\nEnd.\n",
        );
        let (base, yours_b, new_b) = (b(TASKS), b(&yours), b(&new));
        let (action, contents) = tasks(Some(&base), Some(&yours_b), Some(&new_b)).unwrap();
        assert_eq!(action, Action::Update);
        let text = String::from_utf8(contents.unwrap()).unwrap();
        assert!(text.starts_with("My notes.\n"), "{text}");
        let boxes = tasks_md::ticks(&text);
        assert!(boxes["one"]);
        assert_eq!((boxes["two"], boxes["three"]), (false, false));
    }

    #[test]
    fn ticking_alone_is_no_change_to_merge() {
        let yours = TASKS.replace("- [ ] **2.", "- [x] **2.");
        let (base, yours) = (b(TASKS), b(&yours));
        assert!(tasks(Some(&base), Some(&yours), Some(&base)).is_none());
    }
}
