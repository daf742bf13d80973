//! What a task's `tests` entry may name, checked by `lint` against the rendered starter.
//!
//! `check` maps test results to tasks through these entries and `new` checksums what they
//! cover. Both understand exactly three forms, so `lint` refuses everything else before a
//! learner meets a task whose tests are never found:
//!
//! - a Python file the blueprint's template ships: `tests/tasks/test_list.py`;
//! - a folder it ships Python files in: `tests/tasks`;
//! - a top-level class or function such a file defines: `tests/addons/test_docker.py::TestCompose`.

use crate::test_parts;

/// One file of the rendered starter: its project-relative path and its contents.
pub struct StarterFile<'a> {
    pub path: &'a str,
    pub contents: &'a [u8],
}

/// Why `check` could not map the (rendered) test `entry`, given the files the blueprint's
/// template ships, phrased to follow "names test ENTRY, which"; `None` when it can.
pub fn problem(entry: &str, files: &[StarterFile<'_>]) -> Option<String> {
    let (path, name) = match entry.split_once("::") {
        Some((path, name)) => (path, Some(name)),
        None => (entry, None),
    };
    if let Some(why) = path_problem(path) {
        return Some(why);
    }
    if let Some(name) = name
        && !is_identifier(name)
    {
        return Some(format!(
            "does not name a top-level class or function after `::` ({name:?}); write \
             `file.py::Name` (deeper node ids and parameters are not task entries)"
        ));
    }
    if let Some(file) = files.iter().find(|f| f.path == path) {
        return file_problem(file, name);
    }
    let inside = format!("{path}/");
    let under: Vec<&StarterFile<'_>> = files
        .iter()
        .filter(|f| f.path.starts_with(&inside))
        .collect();
    match (under.is_empty(), name) {
        (true, _) => Some("the starter does not contain".into()),
        (false, Some(_)) => Some(format!(
            "puts `::` after the folder {path}; `::Name` must follow a .py file"
        )),
        (false, None) if !under.iter().any(|f| f.path.ends_with(".py")) => {
            Some("is a folder holding no Python file, so no test".into())
        }
        (false, None) => None,
    }
}

/// Syntax alone: a relative, `/`-separated, normalised path without wildcards.
fn path_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("names no file".into());
    }
    let drive = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with(['/', '\\']) || drive {
        return Some("is absolute; name it from the project root".into());
    }
    if path.contains('\\') {
        return Some("uses `\\`; separate folders with `/`".into());
    }
    if path.split('/').any(|part| part == "..") {
        return Some("climbs out with `..`; tests live inside the project".into());
    }
    if path.contains(['*', '?', '[', ']', '{', '}', '!']) {
        return Some("has wildcards; name a file or a folder".into());
    }
    if path.split('/').any(|part| part.is_empty() || part == ".") {
        let tidy: Vec<&str> = path
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        return Some(format!(
            "is not written plainly; write {:?}",
            tidy.join("/")
        ));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("has spaces or control characters".into());
    }
    None
}

/// An entry naming `file` itself, or the class or function `name` in it.
fn file_problem(file: &StarterFile<'_>, name: Option<&str>) -> Option<String> {
    if !file.path.ends_with(".py") {
        return Some("is not a Python file (.py), so pytest collects nothing from it".into());
    }
    let name = name?;
    let text = String::from_utf8_lossy(file.contents);
    (!test_parts::defines(&text, name)).then(|| {
        format!(
            "looks for {name:?}, a top-level class or function {} does not define",
            file.path
        )
    })
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: &[u8] = b"import pytest\n\n\nclass TestOne:\n    def test_a(self):\n        \
        assert True\n\n\ndef test_two():\n    assert True\n";

    fn starter() -> Vec<StarterFile<'static>> {
        [
            ("tests/tasks/test_one.py", TEST),
            ("tests/tasks/data.json", b"{}".as_slice()),
            ("tests/data/sample.csv", b"a,b\n".as_slice()),
            ("tests/conftest.py", b"".as_slice()),
        ]
        .into_iter()
        .map(|(path, contents)| StarterFile { path, contents })
        .collect()
    }

    fn check(entry: &str) -> Option<String> {
        problem(entry, &starter())
    }

    #[test]
    fn files_folders_and_top_level_names_are_accepted() {
        for entry in [
            "tests/tasks/test_one.py",
            "tests/tasks",
            "tests",
            "tests/tasks/test_one.py::TestOne",
            "tests/tasks/test_one.py::test_two",
        ] {
            assert_eq!(check(entry), None, "{entry}");
        }
    }

    #[test]
    fn every_other_entry_is_refused_with_a_reason() {
        for (entry, reason) in [
            ("", "names no file"),
            ("/abs/tests/test_one.py", "absolute"),
            ("C:/tests/test_one.py", "absolute"),
            ("tests\\tasks\\test_one.py", "`/`"),
            ("tests/../tests/tasks", "`..`"),
            ("tests/tasks/test_*.py", "wildcards"),
            ("tests/tasks/", "write \"tests/tasks\""),
            ("./tests/tasks", "write \"tests/tasks\""),
            ("tests/tasks/test_gone.py", "the starter does not contain"),
            ("tests/task", "the starter does not contain"),
            ("tests/tasks/data.json", "not a Python file"),
            ("tests/data", "holding no Python file"),
            ("tests/tasks::TestOne", "after the folder"),
            (
                "tests/tasks/test_one.py::TestTwo",
                "\"TestTwo\", a top-level class",
            ),
            ("tests/tasks/test_one.py::test_a", "does not define"),
            ("tests/tasks/test_one.py::TestOne::test_a", "does not name"),
            ("tests/tasks/test_one.py::test_two[1]", "does not name"),
            ("tests/tasks/test_one.py::", "does not name"),
        ] {
            let got = check(entry).unwrap_or_else(|| panic!("{entry:?} was accepted"));
            assert!(got.contains(reason), "{entry:?}: {got}");
        }
    }
}
