//! Output paths: every rendered path must stay inside the destination.
//!
//! Checked component by component (no `..`, `.`, empty part, absolute path, backslash or NUL),
//! so a blueprint can never write outside the project, whatever its answers render to.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A relative, `/`-separated path proven to stay inside any root it is joined to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SafePath(String);

impl SafePath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn join_to(&self, root: &Path) -> PathBuf {
        let mut out = root.to_path_buf();
        out.extend(self.0.split('/'));
        out
    }
}

impl std::fmt::Display for SafePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a rendered relative path; `origin` names where it came from for the error.
pub fn safe_relative(path: &str, origin: &str) -> Result<SafePath> {
    let unsafe_path = |reason: &str| Error::UnsafePath {
        path: format!("{origin} -> {path}"),
        reason: reason.to_string(),
    };
    if path.is_empty() {
        return Err(unsafe_path("it is empty"));
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return Err(unsafe_path("absolute paths are not allowed"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(unsafe_path("backslashes and NUL bytes are not allowed"));
    }
    for part in path.split('/') {
        match part {
            "" => return Err(unsafe_path("it has an empty component")),
            "." | ".." => return Err(unsafe_path("'.' and '..' components are not allowed")),
            _ if part.trim().is_empty() => return Err(unsafe_path("a component is blank")),
            // Any `.git` (in any case: macOS and Windows fold it) would write into the
            // project's repository or make a nested one.
            _ if part.eq_ignore_ascii_case(".git") => {
                return Err(unsafe_path("a blueprint cannot write a .git folder"));
            }
            _ => {}
        }
    }
    Ok(SafePath(path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(path: &str) -> String {
        match safe_relative(path, "t") {
            Err(Error::UnsafePath { reason, .. }) => reason,
            other => panic!("expected {path:?} to be refused, got {other:?}"),
        }
    }

    #[test]
    fn accepts_nested_relative_paths() {
        let p = safe_relative("src/demo/app.py", "t").unwrap();
        assert_eq!(
            p.join_to(Path::new("/r")),
            PathBuf::from("/r/src/demo/app.py")
        );
    }

    #[test]
    fn refuses_traversal_absolute_and_odd_components() {
        assert!(reason("../x").contains(".."));
        assert!(reason("a/../../x").contains(".."));
        assert!(reason("/etc/passwd").contains("absolute"));
        assert!(reason("a//b").contains("empty"));
        assert!(reason("./a").contains("'.'"));
        assert!(reason("a\\..\\b").contains("backslash"));
        assert!(reason("").contains("empty"));
        assert!(reason("a/ /b").contains("blank"));
        assert!(reason(".git/config").contains(".git"));
        assert!(reason(".GIT/hooks/pre-commit").contains(".git"));
        assert!(reason("sub/.git/config").contains(".git"));
        assert!(safe_relative(".github/workflows/ci.yml", "t").is_ok());
        assert!(safe_relative(".git#", "t").is_ok());
    }
}
