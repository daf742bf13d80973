//! The exported repository's history, with git2: the project's commits written again into a
//! new repository without the practice files, or one squashed commit, and the final commit
//! that puts the portfolio README in place.
//!
//! History is rewritten rather than cloned and cleaned in a last commit: the practice files
//! hold the hints (`.skillforge/origin.toml`), and a clone would keep them in every earlier
//! commit for anyone to read with `git log -p`. Each commit keeps its author, committer,
//! dates and message; a commit that only changed practice files (ticking TASKS.md, say)
//! becomes empty and is dropped. Only the objects the new commits reach are copied, so the
//! new repository holds nothing of the practice files either.

use std::collections::HashMap;
use std::path::Path;

use git2::{ObjectType, Odb, Oid, Repository, RepositoryInitOptions, Signature, Sort, Tree};

use crate::error::{Error, Result};

/// Test hook: `SKILLFORGE_WRITE_DELAY_MS=N` (as for `new`) sleeps N ms before each commit
/// is written again, so the test suite can interrupt an export in the middle.
const DELAY_ENV: &str = "SKILLFORGE_WRITE_DELAY_MS";

/// The paths of a project (files, or folders with all they hold) that belong to the
/// practice, not to the project: the record, the task sheet, and the classroom's grading
/// workflow (it grades with `.skillforge/`, which the export leaves out).
pub const SCAFFOLDING: &[&str] = &[".skillforge", "TASKS.md", crate::project::classroom::PATH];

/// The exported history so far: the commits written (oldest first; empty when squashed)
/// and the tree the final commit starts from.
pub struct Rewritten {
    pub commits: Vec<Oid>,
    pub tree: Oid,
}

/// The project's repository: `root` must be its work tree's top, with a commit on `HEAD`.
pub fn open_project(root: &Path) -> Result<Repository> {
    let fix = "export copies what is committed: run `git init && git add -A && git commit -m \
               \"My project\"` in it first";
    let not_top = || Error::Refused {
        message: format!(
            "{} is not the top of a git repository; {fix}",
            root.display()
        ),
    };
    let repo = Repository::open(root).map_err(|_| not_top())?;
    let top = repo.workdir().and_then(|w| w.canonicalize().ok());
    if top != root.canonicalize().ok() {
        return Err(not_top());
    }
    if repo.head().and_then(|h| h.peel_to_commit()).is_err() {
        return Err(Error::Refused {
            message: format!("{} has no commit yet; {fix}", root.display()),
        });
    }
    Ok(repo)
}

/// The files with changes that are not committed (ignored files aside), but for the practice
/// files, which the export leaves out anyway (`check` ticks TASKS.md).
pub fn uncommitted(repo: &Repository) -> Result<Vec<String>> {
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo.statuses(Some(&mut options))?;
    Ok(statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter(|p| !is_scaffolding(p))
        .collect())
}

/// Whether `path` (relative, `/`-separated) is practice scaffolding or inside it.
fn is_scaffolding(path: &str) -> bool {
    SCAFFOLDING.iter().any(|s| {
        path == *s
            || path
                .strip_prefix(s)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Whether the folder `path` holds scaffolding deeper down, so it must be filtered, not
/// copied whole.
fn holds_scaffolding(path: &str) -> bool {
    SCAFFOLDING.iter().any(|s| {
        s.strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Copies objects from the project's repository into the new one.
struct Copier<'r> {
    source: &'r Repository,
    from: Odb<'r>,
    to: Odb<'r>,
}

impl Copier<'_> {
    fn object(&self, id: Oid) -> Result<()> {
        if self.to.exists(id) {
            return Ok(());
        }
        let object = self.from.read(id)?;
        self.to.write(object.kind(), object.data())?;
        Ok(())
    }

    /// A tree and everything below it; a tree already there has its contents there too
    /// (children are written before their parent).
    fn tree(&self, id: Oid) -> Result<()> {
        if self.to.exists(id) {
            return Ok(());
        }
        for entry in self.source.find_tree(id)?.iter() {
            match entry.kind() {
                Some(ObjectType::Tree) => self.tree(entry.id())?,
                Some(ObjectType::Blob) => self.object(entry.id())?,
                // A submodule's commit lives in another repository.
                _ => {}
            }
        }
        self.object(id)
    }

    /// `commit` written again into `target` without the practice files, on the commits its
    /// parents became (`written`, by their old ids): the new id and `true`, or, when only
    /// practice files changed, the id of the commit it is folded into and `false`.
    fn commit(
        &self,
        target: &Repository,
        commit: &git2::Commit<'_>,
        written: &HashMap<Oid, Oid>,
    ) -> Result<(Oid, bool)> {
        let tree = self.without_scaffolding(target, &commit.tree()?)?;
        let mut parents: Vec<Oid> = commit
            .parent_ids()
            .filter_map(|p| written.get(&p).copied())
            .collect();
        parents.dedup();
        // Only practice files changed: the commit has nothing left to say.
        if let [only] = parents[..]
            && target.find_commit(only)?.tree_id() == tree
        {
            return Ok((only, false));
        }
        let parents = parents
            .iter()
            .map(|p| target.find_commit(*p))
            .collect::<Result<Vec<_>, _>>()?;
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        let new = target.commit(
            None,
            &commit.author(),
            &commit.committer(),
            &message,
            &target.find_tree(tree)?,
            &parents.iter().collect::<Vec<_>>(),
        )?;
        Ok((new, true))
    }

    /// `tree` without the practice files, written into the new repository.
    fn without_scaffolding(&self, target: &Repository, tree: &Tree<'_>) -> Result<Oid> {
        match self.filtered(target, tree, "")? {
            Some(id) => Ok(id),
            None => Ok(target.treebuilder(None)?.write()?),
        }
    }

    /// The tree at `prefix` (`""` or ending in `/`) without the practice files inside it;
    /// `None` when nothing is left, so that an emptied folder goes too.
    fn filtered(&self, target: &Repository, tree: &Tree<'_>, prefix: &str) -> Result<Option<Oid>> {
        let mut builder = target.treebuilder(None)?;
        for entry in tree.iter() {
            let path = format!("{prefix}{}", String::from_utf8_lossy(entry.name_bytes()));
            if is_scaffolding(&path) {
                continue;
            }
            let id = match entry.kind() {
                Some(ObjectType::Tree) if holds_scaffolding(&path) => {
                    let inner = self.source.find_tree(entry.id())?;
                    match self.filtered(target, &inner, &format!("{path}/"))? {
                        Some(id) => id,
                        None => continue,
                    }
                }
                Some(ObjectType::Tree) => {
                    self.tree(entry.id())?;
                    entry.id()
                }
                Some(ObjectType::Blob) => {
                    self.object(entry.id())?;
                    entry.id()
                }
                _ => entry.id(),
            };
            builder.insert(entry.name_bytes(), id, entry.filemode())?;
        }
        if builder.is_empty() {
            return Ok(None);
        }
        Ok(Some(builder.write()?))
    }
}

/// Creates a repository in `dir` on `branch` and writes the project's history into it
/// without the practice files: every commit reachable from `HEAD`, or with `squash` only
/// `HEAD`'s tree. Nothing is committed on the branch yet: see [`finish`].
pub fn rewrite(source: &Repository, dir: &Path, branch: &str, squash: bool) -> Result<Rewritten> {
    let mut options = RepositoryInitOptions::new();
    options.initial_head(branch);
    let target = Repository::init_opts(dir, &options)?;
    let copier = Copier {
        source,
        from: source.odb()?,
        to: target.odb()?,
    };
    let head = source.head()?.peel_to_commit()?;
    if squash {
        let tree = copier.without_scaffolding(&target, &head.tree()?)?;
        return Ok(Rewritten {
            commits: Vec::new(),
            tree,
        });
    }
    let mut walk = source.revwalk()?;
    walk.push(head.id())?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut written: HashMap<Oid, Oid> = HashMap::new();
    let mut commits = Vec::new();
    let delay: Option<u64> = std::env::var(DELAY_ENV).ok().and_then(|v| v.parse().ok());
    for id in walk {
        if let Some(ms) = delay {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        // An interrupt ends the export here; the handler removes the staging folder.
        crate::interrupt::checkpoint();
        let commit = source.find_commit(id?)?;
        let (new, kept) = copier.commit(&target, &commit, &written)?;
        written.insert(commit.id(), new);
        if kept {
            commits.push(new);
        }
    }
    let tree = match commits.last() {
        Some(last) => target.find_commit(*last)?.tree_id(),
        None => copier.without_scaffolding(&target, &head.tree()?)?,
    };
    Ok(Rewritten { commits, tree })
}

/// The contents of the top-level file `name` in `tree` of `repo`.
pub fn read_top_file(repo: &Repository, tree: Oid, name: &str) -> Result<Option<Vec<u8>>> {
    let tree = repo.find_tree(tree)?;
    let Some(entry) = tree.get_name(name) else {
        return Ok(None);
    };
    Ok(Some(repo.find_blob(entry.id())?.content().to_vec()))
}

/// Whether `path` (`/`-separated) is a file in `tree` of `repo`.
pub fn has_file(repo: &Repository, tree: Oid, path: &str) -> bool {
    repo.find_tree(tree)
        .and_then(|t| t.get_path(Path::new(path)))
        .is_ok_and(|e| e.kind() == Some(ObjectType::Blob))
}

/// The commits of `commits` (oldest first) that changed `path` against their first parent
/// (or added it, for a first commit).
pub fn touching(repo: &Repository, commits: &[Oid], path: &str) -> Result<Vec<Oid>> {
    let at = |tree: &Tree<'_>| tree.get_path(Path::new(path)).ok().map(|e| e.id());
    let mut out = Vec::new();
    for id in commits {
        let commit = repo.find_commit(*id)?;
        let mine = at(&commit.tree()?);
        let before = match commit.parent(0) {
            Ok(parent) => at(&parent.tree()?),
            Err(_) => None,
        };
        if mine.is_some() && mine != before {
            out.push(*id);
        }
    }
    Ok(out)
}

/// The last commit: `tree` with each top-level file of `files` replaced, on top of the last
/// rewritten commit (none when squashed), as the configured identity or else `fallback`'s;
/// then `branch` points at it and the work tree is checked out. Returns its id, and the
/// identity it was made as when git has none configured (`name <email>`).
pub fn finish(
    repo: &Repository,
    rewritten: &Rewritten,
    files: &[(&str, &[u8])],
    message: &str,
    branch: &str,
    fallback: &Signature<'_>,
) -> Result<(Oid, Option<String>)> {
    let mut builder = repo.treebuilder(Some(&repo.find_tree(rewritten.tree)?))?;
    for (name, contents) in files {
        let blob = repo.blob(contents)?;
        builder.insert(*name, blob, i32::from(git2::FileMode::Blob))?;
    }
    let tree = repo.find_tree(builder.write()?)?;
    let (signature, fell_back) = match repo.signature() {
        Ok(signature) => (signature, None),
        Err(_) => {
            let name = String::from_utf8_lossy(fallback.name_bytes()).into_owned();
            let email = String::from_utf8_lossy(fallback.email_bytes()).into_owned();
            let identity = format!("{name} <{email}>");
            (Signature::now(&name, &email)?, Some(identity))
        }
    };
    let parents = rewritten
        .commits
        .last()
        .map(|id| repo.find_commit(*id))
        .transpose()?;
    let id = repo.commit(
        None,
        &signature,
        &signature,
        message,
        &tree,
        &parents.iter().collect::<Vec<_>>(),
    )?;
    let reference = format!("refs/heads/{branch}");
    repo.reference(&reference, id, true, "skillforge export")?;
    repo.set_head(&reference)?;
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))?;
    Ok((id, fell_back))
}

/// The branch `HEAD` is on in `repo`, or git's default for a new repository when detached.
pub fn branch_of(repo: &Repository) -> String {
    repo.head()
        .ok()
        .filter(git2::Reference::is_branch)
        .and_then(|h| h.shorthand().ok().map(str::to_string))
        .unwrap_or_else(crate::git::default_branch)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits `files` (path, text) on top of `parents` in `repo`, as a fixed author.
    fn commit(repo: &Repository, parents: &[Oid], files: &[(&str, &str)], message: &str) -> Oid {
        let base = parents
            .first()
            .map(|p| repo.find_commit(*p).unwrap().tree().unwrap());
        let mut index = git2::Index::new().unwrap();
        if let Some(tree) = &base {
            index.read_tree(tree).unwrap();
        }
        for (path, text) in files {
            let blob = repo.blob(text.as_bytes()).unwrap();
            let mut entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100_644,
                uid: 0,
                gid: 0,
                file_size: 0,
                id: blob,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            entry.flags = u16::try_from(path.len()).unwrap();
            index.add(&entry).unwrap();
        }
        let tree = repo.find_tree(index.write_tree_to(repo).unwrap()).unwrap();
        let who =
            Signature::new("Ada", "ada@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let parents: Vec<_> = parents
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parents: Vec<_> = parents.iter().collect();
        repo.commit(None, &who, &who, message, &tree, &parents)
            .unwrap()
    }

    fn summary(commit: &git2::Commit<'_>) -> String {
        String::from_utf8_lossy(commit.message_bytes())
            .trim()
            .to_string()
    }

    #[test]
    fn merges_keep_their_parents_and_practice_only_commits_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path().join("project")).unwrap();
        let start = commit(
            &repo,
            &[],
            &[
                ("app.py", "a\n"),
                ("TASKS.md", "- [ ]\n"),
                (".skillforge/origin.toml", "x\n"),
            ],
            "Start",
        );
        let side = commit(&repo, &[start], &[("side.py", "s\n")], "Side");
        let main = commit(&repo, &[start], &[("app.py", "b\n")], "Main");
        let merge = commit(&repo, &[main, side], &[("side.py", "s\n")], "Merge");
        let tick = commit(&repo, &[merge], &[("TASKS.md", "- [x]\n")], "Tick");
        repo.reference("refs/heads/main", tick, true, "test")
            .unwrap();
        repo.set_head("refs/heads/main").unwrap();

        let out = dir.path().join("out");
        let rewritten = rewrite(&repo, &out, "main", false).unwrap();
        let target = Repository::open(&out).unwrap();
        let messages: Vec<String> = rewritten
            .commits
            .iter()
            .map(|id| summary(&target.find_commit(*id).unwrap()))
            .collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(!messages.contains(&"Tick".to_string()), "{messages:?}");
        let last = target
            .find_commit(*rewritten.commits.last().unwrap())
            .unwrap();
        assert_eq!(summary(&last), "Merge");
        assert_eq!(last.parent_count(), 2, "the merge keeps both parents");
        assert_eq!(last.author().name_bytes(), b"Ada");
        for id in &rewritten.commits {
            let tree = target.find_commit(*id).unwrap().tree().unwrap();
            assert!(tree.get_name("TASKS.md").is_none() && tree.get_name(".skillforge").is_none());
        }
        assert!(has_file(&target, rewritten.tree, "side.py"));
        let touched = touching(&target, &rewritten.commits, "app.py").unwrap();
        assert_eq!(touched.len(), 2, "Start adds it, Main changes it");
    }
}
