//! The first commit, with git2: git's `init.defaultBranch` (`main` when unset) as the first
//! branch, every written file added, and a clear rule for a missing identity (commit as the
//! project's author and say so).
//!
//! Every file `new` writes is committed, even one the user's own excludes (`core.excludesFile`,
//! `info/exclude`) would ignore: the project is made to be pushed and cloned whole. The
//! project's own `.gitignore` never matches a written file (`project::portable` refuses
//! such a project before writing), and the commit is checked afterwards.
//!
//! The index is built from the contents already in memory, which `bench/run` shows to be
//! what makes the commit as cheap as `git add -A && git commit`: `Index::add_all` reads every
//! file back and, per file, resolves its real path twice and looks for `.gitattributes` in
//! each parent folder, some thirty system calls a file. That only matters when a content
//! filter (line endings, `ident`) could apply, so `add_all` is still used then.
//!
//! Objects stay loose, as `git add` writes them. Gathering them in memory and writing one
//! pack was tried: fewer files, but libgit2 always searches for deltas when it builds a pack,
//! which cost more than the files saved at 1000 files, and the pack in memory pushed the peak
//! memory past 15 MiB.

use std::path::{Path, PathBuf};

use git2::{
    Index, IndexAddOption, IndexEntry, IndexTime, ObjectType, Repository, RepositoryInitOptions,
    Signature,
};

use crate::error::{Error, Result};

/// Who the commit was made as, and whether that came from git's own configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub id: String,
    pub identity: String,
    /// True when git had no identity configured and the fallback was used.
    pub fell_back: bool,
}

/// The work tree of the repository enclosing `dir`, if any.
pub fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let repo = Repository::discover(dir).ok()?;
    repo.workdir()
        .map(Path::to_path_buf)
        .or_else(|| Some(repo.path().to_path_buf()))
}

/// The contents of `path` (a file of the project at `root`) as first committed: in the
/// oldest commit on `HEAD`'s history that has it. `None` outside a repository, in a shallow
/// clone, or when no commit has it. Looks at 10,000 commits at most.
pub fn first_version(root: &Path, path: &str) -> Option<Vec<u8>> {
    let repo = Repository::discover(root).ok()?;
    // A shallow clone's oldest commit is not the first: the history is not there to ask.
    if repo.is_shallow() {
        return None;
    }
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let rel = root
        .canonicalize()
        .ok()?
        .strip_prefix(&workdir)
        .ok()?
        .join(path);
    let mut walk = repo.revwalk().ok()?;
    walk.push_head().ok()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .ok()?;
    walk.take(10_000).flatten().find_map(|id| {
        let tree = repo.find_commit(id).ok()?.tree().ok()?;
        let entry = tree.get_path(&rel).ok()?;
        let blob = repo.find_blob(entry.id()).ok()?;
        Some(blob.content().to_vec())
    })
}

/// The repository holding the project at `root`, and the project's folder below its work
/// tree (`""` when it is the work tree), as git spells paths: `/`-separated.
fn project_repository(root: &Path) -> Option<(Repository, String)> {
    let repo = Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let below = root.canonicalize().ok()?;
    let prefix = below
        .strip_prefix(&workdir)
        .ok()?
        .to_str()?
        .replace('\\', "/");
    let prefix = if prefix.is_empty() {
        prefix
    } else {
        format!("{prefix}/")
    };
    Some((repo, prefix))
}

/// The project's files (paths below `root`) that differ from the last commit, in the
/// index or the work tree, untracked files aside; `None` when `root` is in no repository.
pub fn uncommitted(root: &Path) -> Option<Vec<String>> {
    let (repo, prefix) = project_repository(root)?;
    let mut options = git2::StatusOptions::new();
    options.include_untracked(false).include_ignored(false);
    let statuses = repo.statuses(Some(&mut options)).ok()?;
    let paths = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
        .collect();
    Some(paths)
}

/// The project's files at or below `paths` (project paths: files, or folders ending in
/// `/`) whose index or work tree version differs from `HEAD`'s, untracked files included,
/// git-ignored ones not; `None` when `root` is in no repository.
pub fn differ_from_head(root: &Path, paths: &[&str]) -> Option<Vec<String>> {
    let (repo, prefix) = project_repository(root)?;
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    for path in paths {
        options.pathspec(format!("{prefix}{path}"));
    }
    let statuses = repo.statuses(Some(&mut options)).ok()?;
    let mut found: Vec<String> = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
        .collect();
    found.sort();
    Some(found)
}

/// The contents of `path` (a file of the project at `root`) in `HEAD`'s commit; `None`
/// outside a repository, before the first commit, or when `HEAD` lacks the file.
pub fn at_head(root: &Path, path: &str) -> Option<Vec<u8>> {
    let (repo, prefix) = project_repository(root)?;
    let tree = repo.head().ok()?.peel_to_tree().ok()?;
    let entry = tree.get_path(Path::new(&format!("{prefix}{path}"))).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(blob.content().to_vec())
}

/// The contents of the blob `id` (hex) in the repository holding `root`, if it has it.
pub fn blob(root: &Path, id: &str) -> Option<Vec<u8>> {
    let (repo, _) = project_repository(root)?;
    let blob = repo.find_blob(git2::Oid::from_str(id).ok()?).ok()?;
    Some(blob.content().to_vec())
}

/// The git blob id (hex) of `bytes`, as `git hash-object` gives it.
pub fn blob_id(bytes: &[u8]) -> String {
    git2::Oid::hash_object(ObjectType::Blob, bytes)
        .map(|id| id.to_string())
        .unwrap_or_default()
}

/// The ref that keeps the project as skillforge last generated it (see `keep_generated`).
pub const GENERATED_REF: &str = "refs/skillforge/generated";

/// Stores `files` (project paths and contents), the project as skillforge generated it, in
/// the repository holding `root`, as a commit on `GENERATED_REF`: the next `update` finds
/// each file's generated version there by its blob id, and the ref keeps git's garbage
/// collection from pruning them. Nothing when `root` is in no repository.
pub fn keep_generated(
    root: &Path,
    files: &[WrittenFile<'_>],
    identity: (&str, &str),
) -> Result<()> {
    let Some((repo, _)) = project_repository(root) else {
        return Ok(());
    };
    let mut index = Index::new()?;
    for file in files {
        let id = repo.blob(file.contents)?;
        let mut entry = memory_entry(file.path, id);
        entry.file_size = file.contents.len() as u32;
        index.add(&entry)?;
    }
    let tree = repo.find_tree(index.write_tree_to(&repo)?)?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now(identity.0, identity.1))?;
    let parent = repo
        .find_reference(GENERATED_REF)
        .and_then(|r| r.peel_to_commit())
        .ok();
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(
        Some(GENERATED_REF),
        &signature,
        &signature,
        "the project as skillforge generated it",
        &tree,
        &parents,
    )?;
    Ok(())
}

/// An index entry for a file held in memory only (no work-tree file to stat).
fn memory_entry(path: &str, id: git2::Oid) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100_644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// Stages the project's `written` and `removed` files (paths below `root`) in the
/// repository holding it, and with `message` commits the index as one commit on `HEAD`
/// (as `fallback` when git has no identity). Returns the commit's id, `None` when only
/// staged or when `root` is in no repository.
pub fn stage_and_commit(
    root: &Path,
    written: &[String],
    removed: &[String],
    message: Option<&str>,
    fallback: (&str, &str),
) -> Result<Option<String>> {
    let Some((repo, prefix)) = project_repository(root) else {
        return Ok(None);
    };
    let mut index = repo.index()?;
    for path in written {
        index.add_path(Path::new(&format!("{prefix}{path}")))?;
    }
    for path in removed {
        index.remove_path(Path::new(&format!("{prefix}{path}")))?;
    }
    index.write()?;
    let Some(message) = message else {
        return Ok(None);
    };
    let tree = repo.find_tree(index.write_tree()?)?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now(fallback.0, fallback.1))?;
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
    let id = repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )?;
    Ok(Some(id.to_string()))
}

/// The configured `user.name` and `user.email`, if both are set.
pub fn configured_identity() -> Option<(String, String)> {
    let config = git2::Config::open_default().ok()?;
    let name = config
        .get_string("user.name")
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    let email = config
        .get_string("user.email")
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    Some((name, email))
}

/// One file of the work tree as it was written: its `/`-separated path below the work tree
/// and its contents.
#[derive(Debug, Clone, Copy)]
pub struct WrittenFile<'a> {
    pub path: &'a str,
    pub contents: &'a [u8],
}

/// The branch a new repository starts on: git's `init.defaultBranch` when it is set to a
/// valid branch name, else `main`.
pub fn default_branch() -> String {
    git2::Config::open_default()
        .and_then(|c| c.get_string("init.defaultBranch"))
        .ok()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty() && git2::Reference::is_valid_name(&format!("refs/heads/{b}")))
        .unwrap_or_else(|| "main".to_string())
}

/// Initialises a repository in `dir` on the default branch (`default_branch`) and commits
/// every file, as `git add -A --force && git commit` would. `files` are the files written in
/// `dir` (nothing else is there); `fallback` is the identity used when git has none
/// configured. Fails, naming them, when a file is not in the commit.
pub fn init_and_commit(
    dir: &Path,
    files: &[WrittenFile<'_>],
    message: &str,
    fallback: (&str, &str),
) -> Result<Committed> {
    let mut options = RepositoryInitOptions::new();
    options.initial_head(&default_branch());
    let repo = Repository::init_opts(dir, &options)?;
    let mut index = repo.index()?;
    if cfg!(unix) && !filters_may_apply(&repo, files) {
        add_from_memory(&repo, &mut index, dir, files)?;
    } else {
        index.add_all(["*"], IndexAddOption::FORCE, None)?;
    }
    let tree = repo.find_tree(index.write_tree()?)?;
    let (signature, fell_back) = match repo.signature() {
        Ok(sig) => (sig, false),
        Err(_) => (Signature::now(fallback.0, fallback.1)?, true),
    };
    let identity = format!(
        "{} <{}>",
        signature.name().unwrap_or_default(),
        signature.email().unwrap_or_default()
    );
    let id = repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &[])?;
    index.write()?;
    refuse_missing(&tree, files)?;
    Ok(Committed {
        id: id.to_string(),
        identity,
        fell_back,
    })
}

/// Fails when a file of `files` is not in `tree`, naming each: every file written must be
/// in the first commit, and one left out would be lost to every clone without a word.
fn refuse_missing(tree: &git2::Tree<'_>, files: &[WrittenFile<'_>]) -> Result<()> {
    let missing: Vec<&str> = files
        .iter()
        .map(|f| f.path)
        .filter(|p| tree.get_path(Path::new(p)).is_err())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Git {
        message: format!(
            "the first commit leaves out {} written file(s): {}; this is a defect of \
             skillforge, please report it",
            missing.len(),
            missing.join(", ")
        ),
    })
}

/// Adds `files` to `index` from their contents in memory, ignored or not (as `add_all`
/// with `FORCE` does), with the file system's view of each (times, inode, mode) so that
/// `git status` finds the work tree clean without reading it.
fn add_from_memory(
    repo: &Repository,
    index: &mut Index,
    dir: &Path,
    files: &[WrittenFile<'_>],
) -> Result<()> {
    let odb = repo.odb()?;
    let trust_mode = repo.config()?.get_bool("core.filemode").unwrap_or(true);
    for file in files {
        // An interrupt stops the commit here rather than after thousands of objects.
        crate::interrupt::checkpoint();
        let path = dir.join(file.path);
        let meta = path
            .symlink_metadata()
            .map_err(Error::io("cannot read", &path))?;
        let id = odb.write(ObjectType::Blob, file.contents)?;
        index.add(&entry(file.path, id, &meta, trust_mode))?;
    }
    Ok(())
}

/// The index entry `add_all` would make for a regular file: libgit2 keeps the low 32 bits of
/// each stat field, and records only whether the owner may execute the file.
#[cfg(unix)]
fn entry(path: &str, id: git2::Oid, meta: &std::fs::Metadata, trust_mode: bool) -> IndexEntry {
    use std::os::unix::fs::MetadataExt;
    let executable = trust_mode && meta.mode() & 0o100 != 0;
    IndexEntry {
        ctime: IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
        mtime: IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode: if executable { 0o100_755 } else { 0o100_644 },
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: meta.size() as u32,
        id,
        // The low 12 bits hold the path's length, capped; libgit2 recomputes them anyway.
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

#[cfg(not(unix))]
fn entry(_: &str, _: git2::Oid, _: &std::fs::Metadata, _: bool) -> IndexEntry {
    unreachable!("the index is built from memory on Unix only")
}

/// Whether adding a file could change its contents (line endings, `ident`): only through
/// `core.autocrlf` or an attributes file, in the project, the repository or the user's or
/// system's configuration. When none exists the blob is the file as written.
fn filters_may_apply(repo: &Repository, files: &[WrittenFile<'_>]) -> bool {
    let in_project = files
        .iter()
        .any(|f| f.path.rsplit('/').next() == Some(".gitattributes"));
    let Ok(config) = repo.config() else {
        return true;
    };
    let autocrlf = !matches!(config.get_bool("core.autocrlf"), Ok(false))
        && config.get_entry("core.autocrlf").is_ok();
    let attributes_file = config.get_entry("core.attributesFile").is_ok();
    let user_file = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .is_some_and(|d| d.join("git/attributes").exists());
    let elsewhere = [
        repo.path().join("info/attributes"),
        "/etc/gitattributes".into(),
    ]
    .iter()
    .any(|p| p.exists());
    in_project || autocrlf || attributes_file || user_file || elsewhere
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written<'a>(files: &'a [(&'a str, &'a str)]) -> Vec<WrittenFile<'a>> {
        files
            .iter()
            .map(|(path, text)| WrittenFile {
                path,
                contents: text.as_bytes(),
            })
            .collect()
    }

    #[test]
    fn a_written_file_missing_from_the_commit_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        // A .gitattributes sends the commit through `add_all`, which adds what is on disk.
        let files = [(".gitattributes", "* text=auto\n"), ("a.txt", "a\n")];
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        let mut listed = files.to_vec();
        listed.push(("ghost.txt", "never written\n"));
        let err = init_and_commit(dir.path(), &written(&listed), "m", ("T", "t@e.x")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("ghost.txt") && !message.contains("a.txt,"),
            "{message}"
        );
    }

    #[test]
    fn every_written_file_is_committed() {
        let dir = tempfile::tempdir().unwrap();
        let files = [(".gitignore", "*.log\n"), ("keep.log", "kept\n")];
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        init_and_commit(dir.path(), &written(&files), "m", ("T", "t@e.x")).unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let tree = repo.head().unwrap().peel_to_tree().unwrap();
        assert!(tree.get_path(Path::new("keep.log")).is_ok());
    }
}
