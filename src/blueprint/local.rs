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
        let object = revision(&repo, rev).map_err(|e| Error::Source {
            source_name: url.to_string(),
            message: format!(
                "no branch, tag or commit {rev:?} in it ({}); `git ls-remote {url}` lists \
                 its branches and tags",
                e.message()
            ),
        })?;
        repo.checkout_tree(&object, Some(git2::build::CheckoutBuilder::new().force()))?;
        repo.set_head_detached(object.peel_to_commit()?.id())?;
    }
    Ok(())
}

/// The object `rev` names in a fresh clone: a commit or anything git resolves (a tag,
/// `origin/feature`), or a branch of the cloned repository by its plain name, which a
/// clone only has as `origin/<name>`.
fn revision<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Object<'r>, git2::Error> {
    repo.revparse_single(rev).or_else(|first| {
        repo.revparse_single(&format!("refs/remotes/origin/{rev}"))
            .map_err(|_| first)
    })
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

/// Reads a blueprint folder and checks it (`checks::folder`); the first problem is the
/// error. Junk is left out and empty folders get a `.gitkeep`, silently: `lint` names them.
pub fn load_one(dir: &Path) -> Result<Blueprint> {
    let findings = super::checks::folder(dir);
    match (findings.errors.into_iter().next(), findings.blueprint) {
        (Some(first), _) => Err(first),
        (None, Some(blueprint)) => Ok(blueprint),
        (None, None) => unreachable!("a blueprint that could not be read has an error"),
    }
}

/// The blueprint read from `dir`, with its `--from` source.
pub fn assemble(dir: &Path, manifest: Manifest, origin: String, trees: Trees) -> Blueprint {
    Blueprint {
        manifest,
        origin,
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
    }
}

/// The manifest of the blueprint folder `dir`: its path, for messages, and its text.
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
    /// Format v1 only: the finished files, overlaid on the template.
    pub solution: Vec<SourceFile>,
    pub steps: Vec<SourceFile>,
    /// Junk left out and empty folders kept, one finding each, for `lint`.
    pub tidy: Vec<Error>,
}

/// The `template/`, `solution/` and `steps/` trees of `dir`, and every file that could not
/// be taken (unsafe symlink, non-UTF-8 name, unreadable), so `lint` can report them all.
/// Junk (`checks::is_junk`) is left out; an empty folder gets an empty `.gitkeep`.
pub fn read_files(dir: &Path) -> (Trees, Vec<Error>) {
    let mut problems = Vec::new();
    let root = match dir.canonicalize() {
        Ok(root) => root,
        Err(e) => return (Trees::default(), vec![Error::io("cannot resolve", dir)(e)]),
    };
    let mut trees = Trees::default();
    for sub in ["template", "solution", "steps"] {
        let mut walker = Walker {
            root: &root,
            base: root.join(sub),
            files: Vec::new(),
            problems: &mut problems,
            tidy: &mut trees.tidy,
        };
        if walker.base.is_dir() {
            let base = walker.base.clone();
            walker.walk(&base);
        }
        let mut files = walker.files;
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        match sub {
            "template" => trees.template = files,
            "solution" => trees.solution = files,
            _ => trees.steps = files,
        }
    }
    (trees, problems)
}

/// One tree being read: its files, and what was wrong or untidy in it.
struct Walker<'a> {
    /// The blueprint's folder, canonical: symlinks may not leave it.
    root: &'a Path,
    /// The tree's folder (`template/`, ...): paths are relative to it.
    base: PathBuf,
    files: Vec<SourceFile>,
    problems: &'a mut Vec<Error>,
    tidy: &'a mut Vec<Error>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path) {
        let entries = match read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.problems.push(e),
        };
        let mut kept = 0;
        for path in entries {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if let Some(what) = super::checks::is_junk(&name) {
                self.tidy.push(Error::Blueprint {
                    path: path.display().to_string(),
                    message: format!(
                        "{what}, never copied into a project: delete it, and add its name to \
                         the .gitignore of the blueprint's repository"
                    ),
                });
                continue;
            }
            kept += 1;
            if let Err(e) = self.take(&path) {
                self.problems.push(e);
            }
        }
        if kept == 0 && dir != self.base {
            self.keep_empty(dir);
        }
    }

    /// An empty folder: the project gets it with an empty `.gitkeep` in it, since neither
    /// the project's first commit nor the blueprint's repository can record an empty folder.
    fn keep_empty(&mut self, dir: &Path) {
        let keep = dir.join(super::checks::KEEP_FILE);
        self.tidy.push(Error::Blueprint {
            path: dir.display().to_string(),
            message: format!(
                "an empty folder, kept in the project with an empty {}; git does not record \
                 empty folders, so add {} to keep it in the blueprint's repository",
                super::checks::KEEP_FILE,
                keep.display()
            ),
        });
        let rel = keep.strip_prefix(&self.base).expect("walked below base");
        self.files.push(SourceFile {
            rel: rel.to_string_lossy().replace('\\', "/"),
            bytes: Cow::Borrowed(b""),
            executable: false,
        });
    }

    /// Takes one entry: a file into `files`, a folder walked.
    fn take(&mut self, path: &Path) -> Result<()> {
        let shown = path.display().to_string();
        let rel = path.strip_prefix(&self.base).expect("walked below base");
        let rel = rel.to_str().ok_or_else(|| Error::UnsafePath {
            path: shown.clone(),
            reason: "the file name is not valid UTF-8".into(),
        })?;
        let meta = path
            .symlink_metadata()
            .map_err(Error::io("cannot read", path))?;
        let target = if meta.file_type().is_symlink() {
            resolve_link(self.root, path)?
        } else {
            path.to_path_buf()
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
            self.walk(path);
        } else if meta.is_file() {
            let bytes = std::fs::read(&target).map_err(Error::io("cannot read", &target))?;
            #[cfg(unix)]
            let executable =
                std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
            #[cfg(not(unix))]
            let executable = false;
            self.files.push(SourceFile {
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
        Ok(())
    }
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
