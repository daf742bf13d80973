//! Writing a step: the change between two raw trees as a diff in git's format, the form
//! `blueprint::steps` reads (a `diff --git` header per file, `new file mode` and
//! `deleted file mode` for files created or deleted, `100755` for a created executable,
//! three lines of context).

use diffy::{DiffOptions, PatchFormatter};

use crate::blueprint::steps::Tree;
use crate::error::{Error, Result};

/// The step that turns `before` into `after`, files in path order; empty when they are
/// the same. `origin` names the step in errors. Files must be UTF-8 text.
pub(super) fn step(before: &Tree, after: &Tree, origin: &str) -> Result<String> {
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut out = String::new();
    for rel in paths {
        let old = before.get(rel).map(|f| &f.bytes[..]);
        let new = after.get(rel).map(|f| &f.bytes[..]);
        if old == new {
            continue;
        }
        out.push_str(&format!("diff --git a/{rel} b/{rel}\n"));
        match (old, new) {
            (None, _) if after[rel].executable => out.push_str("new file mode 100755\n"),
            (None, _) => out.push_str("new file mode 100644\n"),
            (_, None) => out.push_str("deleted file mode 100644\n"),
            _ => {}
        }
        let (old_text, new_text) = (text(old, rel, origin)?, text(new, rel, origin)?);
        if old_text == new_text {
            // Created or deleted empty: the header alone says so.
            continue;
        }
        let mut options = DiffOptions::new();
        options
            .set_context_len(3)
            .set_original_filename(label("a", rel, old.is_some()))
            .set_modified_filename(label("b", rel, new.is_some()));
        let patch = options.create_patch(old_text, new_text);
        out.push_str(
            &PatchFormatter::new()
                .suppress_blank_empty(false)
                .fmt_patch(&patch)
                .to_string(),
        );
    }
    Ok(out)
}

fn text<'a>(bytes: Option<&'a [u8]>, rel: &str, origin: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes.unwrap_or_default()).map_err(|_| Error::Blueprint {
        path: origin.to_string(),
        message: format!("{rel} is not UTF-8 text; a step can only change text files"),
    })
}

fn label(side: &str, rel: &str, exists: bool) -> String {
    if exists {
        format!("{side}/{rel}")
    } else {
        "/dev/null".into()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::blueprint::SourceFile;
    use crate::blueprint::steps;

    fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(rel, text)| {
                let file = SourceFile {
                    rel: rel.to_string(),
                    bytes: Cow::Owned(text.as_bytes().to_vec()),
                    executable: false,
                };
                (rel.to_string(), file)
            })
            .collect()
    }

    #[test]
    fn a_written_step_applies_back_to_the_same_tree() {
        let before = tree(&[("a.py", "x = 1\ny = 2\n"), ("gone.txt", "old\n")]);
        let after = tree(&[
            ("a.py", "x = 1\ny = 3"),
            ("new/b.py.hbs", "{{project.name}}\n"),
        ]);
        let text = step(&before, &after, "t").unwrap();
        assert!(text.contains("deleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n"));
        assert!(text.contains("\\ No newline at end of file"), "{text}");
        let mut state = before.clone();
        let patch = tree(&[("t.patch", &text)]);
        steps::apply(&mut state, "b", &patch["t.patch"]).unwrap();
        assert_eq!(state.keys().collect::<Vec<_>>(), ["a.py", "new/b.py.hbs"]);
        assert_eq!(&state["a.py"].bytes[..], b"x = 1\ny = 3");
    }

    #[test]
    fn an_empty_new_file_is_its_header_alone() {
        let text = step(&tree(&[]), &tree(&[("py.typed", "")]), "t").unwrap();
        assert_eq!(
            text,
            "diff --git a/py.typed b/py.typed\nnew file mode 100644\n"
        );
    }

    #[test]
    fn equal_trees_give_an_empty_step() {
        let t = tree(&[("a", "1\n")]);
        assert_eq!(step(&t, &t, "t").unwrap(), "");
    }
}
