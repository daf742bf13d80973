//! The authoring repository through git2: committing the replayed states and reading
//! the history back, oldest commit first.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{IndexAddOption, Repository, RepositoryInitOptions, Signature, Sort};

use crate::error::{Error, Result};

/// Every file of a commit's tree, by `/`-separated path.
pub(super) type Files = BTreeMap<String, Vec<u8>>;

/// One commit of the history.
#[derive(Debug)]
pub(super) struct Commit {
    /// The abbreviated id, as `git log --oneline` shows it.
    pub id: String,
    pub subject: String,
    pub files: Files,
}

/// A new repository in `dir` on branch `main`.
pub(super) fn init(dir: &Path) -> Result<Repository> {
    let mut options = RepositoryInitOptions::new();
    options.initial_head("main");
    Ok(Repository::init_opts(dir, &options)?)
}

/// Commits the whole work tree (`git add -A && git commit`) on top of HEAD, if any.
pub(super) fn commit_all(repo: &Repository, message: &str) -> Result<()> {
    let mut index = repo.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.update_all(["*"], None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now("skillforge author", "author@example.com"))?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )?;
    Ok(())
}

/// The commits from the first to HEAD, oldest first. A merge commit is refused: each task
/// is one commit on a straight line.
pub(super) fn read(dir: &Path) -> Result<Vec<Commit>> {
    let repo = Repository::open(dir).map_err(|e| Error::Refused {
        message: format!(
            "{} is not a git repository ({}); make one with `skillforge author replay`",
            dir.display(),
            e.message()
        ),
    })?;
    let mut walk = repo.revwalk()?;
    walk.push_head()?;
    walk.simplify_first_parent()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut out = Vec::new();
    for id in walk {
        let commit = repo.find_commit(id?)?;
        let short = commit
            .as_object()
            .short_id()?
            .as_str()
            .unwrap_or("")
            .to_string();
        if commit.parent_count() > 1 {
            return Err(Error::Refused {
                message: format!(
                    "commit {short} is a merge; make the history a straight line, one commit a \
                     task (git rebase)"
                ),
            });
        }
        out.push(Commit {
            subject: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
            files: files_of(&repo, &commit.tree()?)?,
            id: short,
        });
    }
    Ok(out)
}

fn files_of(repo: &Repository, tree: &git2::Tree<'_>) -> Result<Files> {
    let mut files = Files::new();
    let mut failed = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let name = entry.name().unwrap_or_default();
        match repo.find_blob(entry.id()) {
            Ok(blob) => {
                files.insert(format!("{dir}{name}"), blob.content().to_vec());
                git2::TreeWalkResult::Ok
            }
            Err(e) => {
                failed = Some(e);
                git2::TreeWalkResult::Abort
            }
        }
    })?;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(files),
    }
}
