//! Blueprints from elsewhere: a folder on disk (`--from PATH`) or a git repository cloned
//! with git2 (`--from file:///...`, `--rev`). A blueprint is data: it is read, never run,
//! and it cannot reach outside itself: a symlink is followed only when its target stays
//! inside the blueprint's folder.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{Blueprint, Manifest, SourceFile};
use crate::error::{Error, Result};

/// Whether `source` names a git repository rather than a folder.
pub fn is_git_url(source: &str) -> bool {
    ["file://", "ssh://", "git://", "http://", "https://", "git@"]
        .iter()
        .any(|p| source.starts_with(p))
}

/// Clones `url` (at `rev`, if given) into `into`, which must be empty.
pub fn clone(url: &str, rev: Option<&str>, into: &Path) -> Result<()> {
    let repo = git2::Repository::clone(url, into).map_err(|e| Error::Source {
        source_name: url.to_string(),
        message: match e.class() {
            git2::ErrorClass::Net | git2::ErrorClass::Http | git2::ErrorClass::Ssl | git2::ErrorClass::Ssh => format!(
                "{}; this build clones local repositories (file://) only: clone it with git and pass the folder",
                e.message()
            ),
            _ => e.message().to_string(),
        },
    })?;
    if let Some(rev) = rev {
        let object = repo.revparse_single(rev).map_err(|e| Error::Source {
            source_name: url.to_string(),
            message: format!("no revision {rev:?} ({})", e.message()),
        })?;
        repo.checkout_tree(&object, Some(git2::build::CheckoutBuilder::new().force()))?;
        repo.set_head_detached(object.peel_to_commit()?.id())?;
    }
    Ok(())
}

/// The folder holding the blueprints of `source`: the folder itself, or a clone of a git
/// URL (at `rev`) in a temporary folder, returned too so the clone lives as long as needed.
pub fn fetch(source: &str, rev: Option<&str>) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    if !is_git_url(source) {
        return Ok((PathBuf::from(source), None));
    }
    let dir = tempfile::Builder::new()
        .prefix("skillforge-from-")
        .tempdir()
        .map_err(Error::io("cannot create a folder in", std::env::temp_dir()))?;
    clone(source, rev, dir.path())?;
    Ok((dir.path().to_path_buf(), Some(dir)))
}

/// Loads the blueprint at `root`, or every blueprint in its sub-folders when `root` has no
/// `blueprint.toml` itself.
pub fn load(root: &Path) -> Result<Vec<Blueprint>> {
    let meta = root.metadata().map_err(|e| Error::Source {
        source_name: root.display().to_string(),
        message: format!("cannot read it: {e}"),
    })?;
    if !meta.is_dir() {
        return Err(Error::Source {
            source_name: root.display().to_string(),
            message: "not a folder; --from takes a blueprint folder or a git URL".into(),
        });
    }
    if root.join("blueprint.toml").exists() {
        return Ok(vec![load_one(root)?]);
    }
    let mut found = Vec::new();
    for entry in read_dir(root)? {
        if entry.is_dir() && entry.join("blueprint.toml").is_file() {
            found.push(load_one(&entry)?);
        }
    }
    if found.is_empty() {
        return Err(Error::Source {
            source_name: root.display().to_string(),
            message: "no blueprint.toml in it or in its sub-folders".into(),
        });
    }
    Ok(found)
}

/// Reads a blueprint folder: the manifest, then every file, each problem an error.
pub fn load_one(dir: &Path) -> Result<Blueprint> {
    let (manifest_path, text) = read_manifest(dir)?;
    let manifest = Manifest::parse(&manifest_path, &text)?;
    let (trees, problems) = read_files(dir);
    match problems.into_iter().next() {
        Some(first) => Err(first),
        None => Ok(Blueprint {
            manifest,
            origin: manifest_path,
            template: trees.template,
            solution: trees.solution,
            steps: trees.steps,
            source: Some(crate::blueprint::Source {
                // Absolute, so a project made from it can find it again from anywhere.
                location: dir
                    .canonicalize()
                    .unwrap_or(dir.to_path_buf())
                    .display()
                    .to_string(),
                rev: None,
            }),
        }),
    }
}

pub fn read_manifest(dir: &Path) -> Result<(String, String)> {
    let path = dir.join("blueprint.toml");
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(Error::io("cannot read", &path))?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Blueprint {
        path: shown.clone(),
        message: "not valid UTF-8".into(),
    })?;
    Ok((shown, text))
}

/// The file trees of a blueprint folder.
#[derive(Debug, Default)]
pub struct Trees {
    pub template: Vec<SourceFile>,
    pub solution: Vec<SourceFile>,
    pub steps: Vec<SourceFile>,
}

/// The `template/`, `solution/` and `steps/` trees of `dir`, and every file that could not
/// be taken (unsafe symlink, non-UTF-8 name, unreadable), so `lint` can report them all.
pub fn read_files(dir: &Path) -> (Trees, Vec<Error>) {
    let mut problems = Vec::new();
    let root = match dir.canonicalize() {
        Ok(root) => root,
        Err(e) => return (Trees::default(), vec![Error::io("cannot resolve", dir)(e)]),
    };
    let mut trees = Vec::new();
    for sub in ["template", "solution", "steps"] {
        let mut files = Vec::new();
        let base = root.join(sub);
        if base.is_dir() {
            walk(&root, &base, &base, &mut files, &mut problems);
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        trees.push(files);
    }
    let steps = trees.pop().unwrap_or_default();
    let solution = trees.pop().unwrap_or_default();
    let template = trees.pop().unwrap_or_default();
    let trees = Trees {
        template,
        solution,
        steps,
    };
    (trees, problems)
}

fn walk(
    root: &Path,
    base: &Path,
    dir: &Path,
    out: &mut Vec<SourceFile>,
    problems: &mut Vec<Error>,
) {
    match read_dir(dir) {
        Ok(entries) => {
            for path in entries {
                if let Err(e) = take(root, base, &path, out, problems) {
                    problems.push(e);
                }
            }
        }
        Err(e) => problems.push(e),
    }
}

/// Takes one entry: a file into `out`, a folder walked.
fn take(
    root: &Path,
    base: &Path,
    path: &Path,
    out: &mut Vec<SourceFile>,
    problems: &mut Vec<Error>,
) -> Result<()> {
    let path = path.to_path_buf();
    {
        let shown = path.display().to_string();
        let rel = path.strip_prefix(base).expect("walked below base");
        let rel = rel.to_str().ok_or_else(|| Error::UnsafePath {
            path: shown.clone(),
            reason: "the file name is not valid UTF-8".into(),
        })?;
        let meta = path
            .symlink_metadata()
            .map_err(Error::io("cannot read", &path))?;
        let target = if meta.file_type().is_symlink() {
            resolve_link(root, &path)?
        } else {
            path.clone()
        };
        let meta = target
            .metadata()
            .map_err(Error::io("cannot read", &target))?;
        if meta.is_dir() {
            if target != path {
                return Err(Error::UnsafePath {
                    path: shown,
                    reason: "symlinked folders are not followed".into(),
                });
            }
            walk(root, base, &path, out, problems);
        } else if meta.is_file() {
            let bytes = std::fs::read(&target).map_err(Error::io("cannot read", &target))?;
            #[cfg(unix)]
            let executable =
                std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
            #[cfg(not(unix))]
            let executable = false;
            out.push(SourceFile {
                rel: rel.replace('\\', "/"),
                bytes: Cow::Owned(bytes),
                executable,
            });
        } else {
            return Err(Error::UnsafePath {
                path: shown,
                reason: "only regular files can be templates".into(),
            });
        }
    }
    Ok(())
}

/// The target of the symlink `link`, which must stay inside `root`.
fn resolve_link(root: &Path, link: &Path) -> Result<PathBuf> {
    let target = link.canonicalize().map_err(|_| Error::UnsafePath {
        path: link.display().to_string(),
        reason: "a symlink whose target does not exist".into(),
    })?;
    if !target.starts_with(root) {
        return Err(Error::UnsafePath {
            path: link.display().to_string(),
            reason: format!(
                "a symlink pointing outside the blueprint, to {}",
                target.display()
            ),
        });
    }
    Ok(target)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(Error::io("cannot read", dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(Error::io("cannot read", dir))?;
    entries.sort();
    Ok(entries)
}
