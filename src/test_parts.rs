//! The part of a test file that a task's test entry covers, for the checksums in origin.toml.
//!
//! Add-ons keep all their tasks in one file, a class each (`tests/addons/test_docker.py::
//! TestCompose`). Checksumming the whole file would flag every task of the add-on when the
//! learner touches one class. So an entry that names a class or function covers the file
//! without the classes and functions the *other* tasks name: its own block, and every line
//! they all share (imports, helpers, fixtures), whose edit does concern every task.
//!
//! Blocks are found by indentation, as Python reads them, without a full parser: a
//! top-level `class`/`def` statement (with the decorators right above it) runs to the next
//! statement in column 0. Lines inside strings and brackets, and comments, never start one.

/// The test file of an entry: `tests/x.py` for `tests/x.py::TestY::test_z`.
pub fn file_of(entry: &str) -> &str {
    entry.split("::").next().unwrap_or(entry)
}

/// The top-level class or function an entry names, without pytest's parameter ids.
fn top_name(entry: &str) -> Option<&str> {
    let name = entry.split("::").nth(1)?;
    Some(name.split('[').next().unwrap_or(name))
}

/// What `entry` covers of `text`, the contents of its file; `entries` are every task's
/// entries, whose blocks in the same file are left out when they are not `entry`'s own.
pub fn covered(text: &str, entry: &str, entries: &[&str]) -> String {
    let Some(own) = top_name(entry) else {
        return text.to_string();
    };
    let others: Vec<&str> = entries
        .iter()
        .filter(|e| file_of(e) == file_of(entry))
        .filter_map(|e| top_name(e))
        .filter(|name| *name != own)
        .collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let inside = continued(&lines);
    let mut keep = vec![true; lines.len()];
    for name in others {
        if let Some(block) = block_of(&lines, &inside, name) {
            keep[block].iter_mut().for_each(|k| *k = false);
        }
    }
    lines
        .iter()
        .zip(keep)
        .filter_map(|(line, keep)| keep.then_some(*line))
        .collect()
}

/// Whether `text`, a Python file, defines the top-level class or function `name`, found as
/// `covered` finds it (so `lint` accepts exactly the entries whose block can be checksummed).
pub fn defines(text: &str, name: &str) -> bool {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    block_of(&lines, &continued(&lines), name).is_some()
}

/// The lines of the top-level `class name` or `def name`, decorators included; `inside`
/// tells the continuation lines (see `continued`).
fn block_of(lines: &[&str], inside: &[bool], name: &str) -> Option<std::ops::Range<usize>> {
    // A statement starts in column 0 outside any string, bracket or backslash continuation.
    let statement = |i: usize| {
        let line = lines[i];
        !inside[i] && !line.trim_end().is_empty() && !line.starts_with([' ', '\t', '#'])
    };
    let names = |line: &str| {
        ["class ", "def ", "async def "].iter().any(|kw| {
            line.strip_prefix(kw)
                .and_then(|rest| rest.strip_prefix(name))
                .is_some_and(|rest| rest.trim_start().starts_with(['(', ':', '[']))
        })
    };
    let head = (0..lines.len()).find(|&i| statement(i) && names(lines[i]))?;
    // The decorators right above, each possibly spread over several lines.
    let mut first = head;
    while let Some(above) = (0..first).rev().find(|&i| statement(i)) {
        let only_its_lines = (above + 1..first).all(|i| inside[i] || lines[i].trim().is_empty());
        if lines[above].starts_with('@') && only_its_lines {
            first = above;
        } else {
            break;
        }
    }
    let end = (head + 1..lines.len())
        .find(|&i| statement(i))
        .unwrap_or(lines.len());
    Some(first..end)
}

/// For each line, whether it starts inside a string, a bracket or after a backslash: a
/// continuation of the line above rather than a statement of its own.
fn continued(lines: &[&str]) -> Vec<bool> {
    let mut out = Vec::with_capacity(lines.len());
    let mut triple: Option<&str> = None;
    let mut depth = 0usize;
    let mut backslash = false;
    for line in lines {
        out.push(triple.is_some() || depth > 0 || backslash);
        backslash = false;
        let mut rest = *line;
        while !rest.is_empty() {
            if let Some(quote) = triple {
                match rest.find(quote) {
                    Some(at) if !escaped(&rest[..at]) => {
                        rest = &rest[at + 3..];
                        triple = None;
                    }
                    Some(at) => rest = &rest[at + 1..],
                    None => break,
                }
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            match c {
                '#' => break,
                '"' | '\'' if rest.starts_with("\"\"\"") || rest.starts_with("\'\'\'") => {
                    triple = Some(&rest[..3]);
                    rest = &rest[3..];
                }
                '"' | '\'' => {
                    // A one-line string: skip to its closing quote, minding escapes.
                    let body = &rest[1..];
                    let mut end = body.len();
                    let mut chars = body.char_indices();
                    while let Some((at, ch)) = chars.next() {
                        if ch == '\\' {
                            chars.next();
                        } else if ch == c {
                            end = at + 1;
                            break;
                        }
                    }
                    rest = &body[end.min(body.len())..];
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    rest = &rest[1..];
                }
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    rest = &rest[1..];
                }
                '\\' if rest.trim_end() == "\\" => {
                    backslash = true;
                    break;
                }
                _ => rest = &rest[c.len_utf8()..],
            }
        }
    }
    out
}

/// Whether the quote right after `before` is escaped by an odd run of backslashes.
fn escaped(before: &str) -> bool {
    before.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::covered;

    const FILE: &str = "\
import pytest

HELPER = 1


class TestBuild:
    def test_a(self) -> None:
        assert HELPER

# a comment in column 0 inside the class
    def test_b(self) -> None:
        assert True


@pytest.mark.slow
class TestCompose:
    def test_c(self) -> None:
        assert True


def test_plain(
    tmp_path,
) -> None:
    assert tmp_path
";

    const ENTRIES: [&str; 3] = [
        "tests/t.py::TestBuild",
        "tests/t.py::TestCompose",
        "tests/t.py::test_plain[1]",
    ];

    fn part(entry: &str, text: &str) -> String {
        covered(text, entry, &ENTRIES)
    }

    #[test]
    fn an_entry_covers_its_block_and_the_shared_lines_only() {
        let build = part("tests/t.py::TestBuild", FILE);
        assert!(build.contains("def test_b") && build.contains("HELPER = 1"));
        assert!(!build.contains("TestCompose") && !build.contains("@pytest.mark.slow"));
        assert!(!build.contains("test_plain") && !build.contains("tmp_path"));
        let plain = part("tests/t.py::test_plain[1]", FILE);
        assert!(plain.contains(") -> None:\n    assert tmp_path"));
        assert!(!plain.contains("TestBuild") && !plain.contains("TestCompose"));
        assert_eq!(part("tests/t.py", FILE), FILE);
    }

    #[test]
    fn editing_one_block_changes_only_its_entry() {
        let edited = FILE.replace("assert True\n\n\n@", "assert False\n\n\n@");
        assert_ne!(
            part("tests/t.py::TestBuild", FILE),
            part("tests/t.py::TestBuild", &edited)
        );
        for other in ["tests/t.py::TestCompose", "tests/t.py::test_plain[1]"] {
            assert_eq!(part(other, FILE), part(other, &edited), "{other}");
        }
        let shared = FILE.replace("HELPER = 1", "HELPER = 0");
        for entry in ENTRIES {
            assert_ne!(part(entry, FILE), part(entry, &shared), "{entry}");
        }
    }

    #[test]
    fn strings_brackets_and_decorators_over_several_lines_stay_in_their_block() {
        let file = "\
import pytest


@pytest.mark.parametrize(
    \"value\",
    [1, 2],
)
class TestOne:
    EXPECTED = \"\"\"
FROM python:3.13
RUN pip install . \\
\"\"\"
    QUOTE = '\"\"\"'

    def test_a(self, value) -> None:
        assert value


class TestTwo[T] :
    def test_b(self) -> None:
        x = 1 + \\
2
        assert x
";
        let entries = ["t.py::TestOne", "t.py::TestTwo"];
        let one = covered(file, "t.py::TestOne", &entries);
        assert!(
            one.contains("FROM python") && one.contains("[1, 2]"),
            "{one}"
        );
        assert!(!one.contains("TestTwo") && !one.contains("test_b"), "{one}");
        let two = covered(file, "t.py::TestTwo", &entries);
        assert!(two.starts_with("import pytest") && two.contains("\n2\n        assert x"));
        for gone in ["parametrize", "[1, 2]", "FROM python", "QUOTE", "test_a"] {
            assert!(!two.contains(gone), "{gone} in {two}");
        }
    }

    #[test]
    fn only_top_level_classes_and_functions_are_defined() {
        for name in ["TestBuild", "TestCompose", "test_plain"] {
            assert!(super::defines(FILE, name), "{name}");
        }
        for name in ["test_a", "TestBuil", "HELPER", "pytest"] {
            assert!(!super::defines(FILE, name), "{name}");
        }
    }

    #[test]
    fn a_missing_block_leaves_the_file_whole() {
        let entries = ["tests/t.py::TestBuild", "tests/t.py::TestGone"];
        assert_eq!(covered(FILE, "tests/t.py::TestBuild", &entries), FILE);
    }
}
