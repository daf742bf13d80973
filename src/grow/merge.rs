//! The three-way merge of one text file: the change from the generated `base` to the newly
//! generated `new`, merged into the learner's `yours`. `solution` merges a task's reference
//! change with it, `add` and `update` a blueprint's change.
//!
//! The merge is diffy's, run on LF-normalised text (a Windows checkout differs from the
//! generated text in every line otherwise, and would conflict everywhere); the result keeps
//! the learner's line endings. Conflicts are written in git's style, labelled so the
//! learner can tell the sides apart: `<<<<<<< yours`, `=======`, `>>>>>>> skillforge`.

/// The label of the learner's side of a conflict.
pub const YOURS: &str = "yours";
/// The label of the generated side of a conflict.
pub const GENERATED: &str = "skillforge";

/// A merged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The learner's text with the change merged in.
    Clean(String),
    /// The change touches lines the learner changed too: the learner's text with conflict
    /// markers around each overlap.
    Conflict(String),
}

/// The change from `base` to `new` merged into `yours`. A change the learner already made
/// (the change taken back out applies to `yours`) is no conflict, even beside later work.
pub fn three_way(base: &str, yours: &str, new: &str) -> Outcome {
    let crlf = is_crlf(yours);
    let lf = if crlf {
        yours.replace("\r\n", "\n")
    } else {
        yours.to_string()
    };
    let endings = |text: String| {
        if crlf {
            text.replace('\n', "\r\n")
        } else {
            text
        }
    };
    match diffy::merge(base, &lf, new) {
        Ok(merged) => Outcome::Clean(endings(merged)),
        Err(_) if holds(&lf, base, new) => Outcome::Clean(yours.to_string()),
        Err(marked) => Outcome::Conflict(endings(relabel(&marked))),
    }
}

/// Whether `yours` already holds the change from `base` to `new`: the change taken out
/// again applies.
fn holds(yours: &str, base: &str, new: &str) -> bool {
    let patch = diffy::create_patch(base, new);
    diffy::apply(yours, &patch.reverse()).is_ok()
}

/// diffy's conflict markers (`<<<<<<< ours`, `>>>>>>> theirs`) with the labels learners
/// read: their side and skillforge's.
fn relabel(marked: &str) -> String {
    marked
        .split_inclusive('\n')
        .map(|line| match line.trim_end_matches('\n') {
            "<<<<<<< ours" => format!("<<<<<<< {YOURS}\n"),
            ">>>>>>> theirs" => format!(">>>>>>> {GENERATED}\n"),
            _ => line.to_string(),
        })
        .collect()
}

/// Whether every line of `text` ends in CRLF (and there is at least one).
pub fn is_crlf(text: &str) -> bool {
    let crlf = text.matches("\r\n").count();
    crlf > 0 && crlf == text.matches('\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "a\nb\nc\n";
    const NEW: &str = "a\nB\nc\n";

    #[test]
    fn a_clean_merge_keeps_the_learners_other_changes() {
        let merged = three_way(OLD, "a\nb\nc\nmine\n", NEW);
        assert_eq!(merged, Outcome::Clean("a\nB\nc\nmine\n".into()));
    }

    #[test]
    fn an_overlap_is_marked_with_both_sides_labelled() {
        let Outcome::Conflict(text) = three_way(OLD, "a\nmine\nc\n", NEW) else {
            panic!("an overlap conflicts");
        };
        assert!(text.contains("<<<<<<< yours\nmine\n"), "{text}");
        assert!(text.contains("=======\nB\n>>>>>>> skillforge\n"), "{text}");
        assert!(text.starts_with("a\n") && text.ends_with("c\n"), "{text}");
    }

    #[test]
    fn crlf_files_merge_as_lf_and_keep_their_endings() {
        let merged = three_way(OLD, "a\r\nb\r\nc\r\n", NEW);
        assert_eq!(merged, Outcome::Clean("a\r\nB\r\nc\r\n".into()));
    }

    #[test]
    fn a_change_already_there_beside_later_work_is_no_conflict() {
        let yours = "a\nb\nc\nadded\nlater\n";
        assert_eq!(
            three_way(OLD, yours, "a\nb\nc\nadded\n"),
            Outcome::Clean(yours.into())
        );
    }

    #[test]
    fn mixed_endings_are_left_as_they_are() {
        assert!(!is_crlf("a\r\nb\n"));
        assert!(!is_crlf("a"));
        assert!(is_crlf("a\r\nb\r\n"));
    }
}
