//! Ticking the boxes of TASKS.md. Only the line holding a task's box, between
//! `<!-- skillforge:task ID -->` and `<!-- /skillforge:task -->`, is ever changed: the
//! learner's notes anywhere else in the file are theirs.

use std::collections::BTreeMap;

const OPEN: &str = "<!-- skillforge:task ";
const CLOSE: &str = "<!-- /skillforge:task -->";

/// `text` with the box of every task in `done` set to its value, and the ids whose markers
/// were not found (deleted by the learner: those boxes are left alone).
pub fn tick(text: &str, done: &BTreeMap<String, bool>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut current: Option<&str> = None;
    let mut seen: Vec<&str> = Vec::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(id) = trimmed
            .strip_prefix(OPEN)
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim)
        {
            current = done.get_key_value(id).map(|(k, _)| k.as_str());
            if let Some(id) = current {
                seen.push(id);
            }
            out.push_str(line);
            continue;
        }
        if trimmed == CLOSE {
            current = None;
            out.push_str(line);
            continue;
        }
        match current.and_then(|id| done.get(id)) {
            Some(&value) => out.push_str(&set_box(line, value)),
            None => out.push_str(line),
        }
    }
    let missing = done
        .keys()
        .filter(|id| !seen.contains(&id.as_str()))
        .cloned()
        .collect();
    (out, missing)
}

/// The box of every task in `text`, ticked or not, by task id: the first box between the
/// task's markers. `add` and `update` keep them across a merge.
pub fn ticks(text: &str) -> BTreeMap<String, bool> {
    let mut boxes = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(id) = trimmed
            .strip_prefix(OPEN)
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            current = Some(id.trim());
            continue;
        }
        if trimmed == CLOSE {
            current = None;
            continue;
        }
        let mark = trimmed
            .strip_prefix("- [")
            .or_else(|| trimmed.strip_prefix("* ["))
            .and_then(|after| {
                let mut chars = after.chars();
                let mark = chars.next()?;
                (chars.next() == Some(']')).then_some(mark)
            });
        if let (Some(id), Some(mark)) = (current, mark) {
            boxes.entry(id.to_string()).or_insert(mark != ' ');
        }
    }
    boxes
}

/// `line` with its first `[ ]` / `[x]` box set; other lines come back unchanged.
fn set_box(line: &str, value: bool) -> String {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let Some(after) = rest
        .strip_prefix("- [")
        .or_else(|| rest.strip_prefix("* ["))
    else {
        return line.to_string();
    };
    let mut chars = after.chars();
    match (chars.next(), chars.next()) {
        (Some(' ' | 'x' | 'X'), Some(']')) => {
            let mark = if value { 'x' } else { ' ' };
            format!("{}{}[{mark}]{}", &line[..indent], &rest[..2], &after[2..])
        }
        _ => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Tasks\n\nMy notes: - [ ] not a task box\n\n\
        <!-- skillforge:task one -->\n- [ ] **1. One** (`one`)\n<!-- /skillforge:task -->\n\n\
        - [ ] my own checklist item\n\n\
        <!-- skillforge:task two -->\r\n- [x] **2. Two** (`two`)\r\n<!-- /skillforge:task -->\r\n";

    fn done(pairs: &[(&str, bool)]) -> BTreeMap<String, bool> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn the_boxes_read_are_the_first_inside_each_tasks_markers() {
        assert_eq!(ticks(TEXT), done(&[("one", false), ("two", true)]));
    }

    #[test]
    fn only_the_boxes_inside_markers_change() {
        let (out, missing) = tick(TEXT, &done(&[("one", true), ("two", false)]));
        assert!(missing.is_empty());
        let expected = TEXT
            .replace("- [ ] **1. One**", "- [x] **1. One**")
            .replace("- [x] **2. Two**", "- [ ] **2. Two**");
        assert_eq!(out, expected);
    }

    #[test]
    fn ticking_twice_changes_nothing_and_tasks_not_asked_about_are_kept() {
        let (once, _) = tick(TEXT, &done(&[("one", true)]));
        let (twice, _) = tick(&once, &done(&[("one", true)]));
        assert_eq!(once, twice);
        assert!(twice.contains("- [x] **2. Two**"));
    }

    #[test]
    fn deleted_markers_are_reported_not_guessed() {
        let text = TEXT.replace("<!-- skillforge:task one -->\n", "");
        let (out, missing) = tick(&text, &done(&[("one", true)]));
        assert_eq!(missing, ["one"]);
        assert_eq!(out, text);
    }
}
