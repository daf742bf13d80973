//! The part of a test file that a task's test entry covers, for the checksums in origin.toml.
//!
//! Add-ons keep all their tasks in one file, a class each (`tests/addons/test_docker.py::
//! TestCompose`). Checksumming the whole file would flag every task of the add-on when the
//! learner touches one class. So an entry that names a class or function covers the file
//! without the classes and functions the *other* tasks name: its own block, and every line
//! they all share (imports, helpers, fixtures), whose edit does concern every task.
//!
//! Blocks are found by indentation, as Python reads them, not by parsing: a top-level
//! `class`/`def` line (with the decorators right above it) runs to the next line that starts
//! in column 0 and is not a comment or a closing bracket.

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
    let mut keep = vec![true; lines.len()];
    for name in others {
        if let Some(block) = block_of(&lines, name) {
            keep[block].iter_mut().for_each(|k| *k = false);
        }
    }
    lines
        .iter()
        .zip(keep)
        .filter_map(|(line, keep)| keep.then_some(*line))
        .collect()
}

/// The lines of the top-level `class name` or `def name`, decorators included.
fn block_of(lines: &[&str], name: &str) -> Option<std::ops::Range<usize>> {
    let starts = |line: &str| {
        ["class ", "def ", "async def "].iter().any(|kw| {
            line.strip_prefix(kw)
                .and_then(|rest| rest.strip_prefix(name))
                .is_some_and(|rest| rest.starts_with(['(', ':']))
        })
    };
    let head = lines.iter().position(|l| starts(l))?;
    let mut first = head;
    while first > 0 && lines[first - 1].starts_with('@') {
        first -= 1;
    }
    // A wrapped signature closes in column 0 (`) -> None:`); a comment there is not code.
    let ends_block = |line: &&str| {
        !line.trim_end().is_empty() && !line.starts_with([' ', '\t', '#', ')', ']', '}'])
    };
    let end = lines[head + 1..]
        .iter()
        .position(ends_block)
        .map_or(lines.len(), |at| head + 1 + at);
    Some(first..end)
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
    fn a_missing_block_leaves_the_file_whole() {
        let entries = ["tests/t.py::TestBuild", "tests/t.py::TestGone"];
        assert_eq!(covered(FILE, "tests/t.py::TestBuild", &entries), FILE);
    }
}
