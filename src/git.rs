//! The first commit, with git2: `main` as the first branch, everything added, and a clear
//! rule for a missing identity (commit as the project's author and say so).

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, RepositoryInitOptions, Signature};

use crate::error::Result;

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

/// Initialises a repository in `dir` on branch `main` and commits every file.
/// `fallback` is the identity used when git has none configured.
pub fn init_and_commit(dir: &Path, message: &str, fallback: (&str, &str)) -> Result<Committed> {
    let mut options = RepositoryInitOptions::new();
    options.initial_head("main");
    let repo = Repository::init_opts(dir, &options)?;
    let mut index = repo.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.write()?;
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
    Ok(Committed {
        id: id.to_string(),
        identity,
        fell_back,
    })
}
