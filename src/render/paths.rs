//! Output paths: every rendered path must stay inside the destination, and be one that
//! Windows and macOS can check out as well as Linux.
//!
//! Checked component by component (no `..`, `.`, empty part, absolute path, backslash or NUL),
//! so a blueprint can never write outside the project, whatever its answers render to; and
//! against Windows' naming rules (reserved device names, trailing dots and spaces, `<>:"|?*`
//! and control characters), which git for Windows cannot check out, so a project made on
//! Linux would not clone there. Rules that concern the whole tree (names differing only in
//! case, path length, ignored files) are `project::portable`'s.

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
            // Any `.git` (in any case: macOS and Windows fold it; with trailing dots or
            // spaces, which Windows drops; or as its 8.3 short name) would write into the
            // project's repository or make a nested one.
            _ if is_git_dir(part) => {
                return Err(unsafe_path("a blueprint cannot write a .git folder"));
            }
            _ => {
                if let Some(reason) = unportable(part) {
                    return Err(unsafe_path(&reason));
                }
            }
        }
    }
    Ok(SafePath(path.to_string()))
}

fn is_git_dir(part: &str) -> bool {
    let trimmed = part.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1")
}

/// Longest path component, in bytes: the limit of ext4, APFS and NTFS (255 UTF-16 units).
const MAX_COMPONENT: usize = 255;

/// Why the path component `part` cannot be checked out on Windows or macOS, with the fix,
/// or `None` when it can. `part` is not empty, `.` or `..` (checked before).
pub fn unportable(part: &str) -> Option<String> {
    if let Some(c) = part
        .chars()
        .find(|c| matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') || c.is_control())
    {
        return Some(format!(
            "{part:?} contains {c:?}, which Windows does not allow in a file name \
             (nor any of <>:\"|?* or control characters); leave it out"
        ));
    }
    if part.ends_with(['.', ' ']) {
        return Some(format!(
            "{part:?} ends with a dot or a space, which Windows drops, so the file would \
             not be found there; remove it"
        ));
    }
    if let Some(device) = crate::plan::naming::windows_device(part) {
        return Some(format!(
            "{part:?} is the device {device} on Windows (in any case, with any extension), \
             which cannot be a file there; rename it"
        ));
    }
    if part.len() > MAX_COMPONENT {
        return Some(format!(
            "a component is {} bytes long, more than the {MAX_COMPONENT} file systems allow; \
             shorten it",
            part.len()
        ));
    }
    None
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

    #[test]
    fn refuses_git_folders_windows_reads_as_git() {
        assert!(reason(".git./config").contains(".git"));
        assert!(reason(".GIT /hooks").contains(".git"));
        assert!(reason("GIT~1/config").contains(".git"));
    }

    #[test]
    fn refuses_windows_device_names_in_any_case_and_with_any_extension() {
        for part in [
            "CON",
            "con",
            "Prn",
            "aux.py",
            "NUL.tar.gz",
            "com1",
            "COM9.txt",
            "lpt1",
            "LPT9",
            "com0",
            "nul .txt",
            "conin$",
            "COM¹",
        ] {
            assert!(
                reason(&format!("src/{part}/x.py")).contains("device"),
                "{part}"
            );
        }
        for part in [
            "console.py",
            "auxiliary",
            "com10",
            "lpt",
            "null",
            "connect.txt",
        ] {
            assert!(safe_relative(&format!("src/{part}"), "t").is_ok(), "{part}");
        }
    }

    #[test]
    fn refuses_trailing_dots_and_spaces() {
        assert!(reason("src/name./x").contains("dot or a space"));
        assert!(reason("notes.txt ").contains("dot or a space"));
        assert!(reason("a...").contains("dot or a space"));
    }

    #[test]
    fn refuses_characters_windows_forbids() {
        for c in ['<', '>', ':', '"', '|', '?', '*', '\t', '\u{1}', '\u{1f}'] {
            assert!(reason(&format!("a{c}b.py")).contains("Windows"), "{c:?}");
        }
        assert!(safe_relative("a-b_c (1)#+,;=@[]{}.py", "t").is_ok());
    }

    #[test]
    fn refuses_components_longer_than_file_systems_allow() {
        assert!(reason(&"a".repeat(MAX_COMPONENT + 1)).contains("bytes"));
        assert!(safe_relative(&"a".repeat(MAX_COMPONENT), "t").is_ok());
    }
}
