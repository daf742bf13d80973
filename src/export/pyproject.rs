//! `pyproject.toml` in the portfolio: the engine writes a few texts for learners into it
//! (the reasons of `[tool.repo-review.ignore]` name TASKS.md and `skillforge new --with`).
//! The template says what a finished project has instead (`{{#if portfolio}}`); each such
//! text the learner left as generated is replaced, and everything else, their own edits
//! included, is kept as it is, formatting and comments too.

use toml_edit::{DocumentMut, Item, Table};

/// The learner's `pyproject.toml` text with every string the engine wrote for learners
/// (one that differs between `practice`, the file as `new` wrote it, and `portfolio`, the
/// file as the portfolio has it) replaced by the portfolio's, where the learner left it as
/// generated. A file that does not parse is returned unchanged.
pub fn portfolio_text(learner: &str, practice: &str, portfolio: &str) -> String {
    let (Ok(mut doc), Ok(practice), Ok(portfolio)) = (
        learner.parse::<DocumentMut>(),
        practice.parse::<DocumentMut>(),
        portfolio.parse::<DocumentMut>(),
    ) else {
        return learner.to_string();
    };
    replace(
        doc.as_table_mut(),
        practice.as_table(),
        portfolio.as_table(),
    );
    doc.to_string()
}

fn replace(learner: &mut Table, practice: &Table, portfolio: &Table) {
    for (key, was) in practice {
        let (Some(mine), Some(now)) = (learner.get_mut(key), portfolio.get(key)) else {
            continue;
        };
        match (mine, was, now) {
            (Item::Table(mine), Item::Table(was), Item::Table(now)) => replace(mine, was, now),
            (Item::Value(mine), Item::Value(was), Item::Value(now)) => {
                let (Some(text), Some(old), Some(new)) =
                    (mine.as_str(), was.as_str(), now.as_str())
                else {
                    continue;
                };
                if text == old && old != new {
                    let decor = mine.decor().clone();
                    *mine = toml_edit::Value::from(new);
                    *mine.decor_mut() = decor;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRACTICE: &str =
        "[tool.repo-review.ignore]\nPY004 = \"see TASKS.md\"\nPY007 = \"no runner\"\n";
    const PORTFOLIO: &str =
        "[tool.repo-review.ignore]\nPY004 = \"see README.md\"\nPY007 = \"no runner\"\n";

    #[test]
    fn learner_texts_left_as_generated_become_the_portfolio_ones() {
        let learner = format!("# mine\n{PRACTICE}");
        assert_eq!(
            portfolio_text(&learner, PRACTICE, PORTFOLIO),
            format!("# mine\n{PORTFOLIO}")
        );
    }

    #[test]
    fn a_text_the_learner_changed_is_kept() {
        let learner = PRACTICE.replace("see TASKS.md", "my own reason");
        assert_eq!(portfolio_text(&learner, PRACTICE, PORTFOLIO), learner);
    }

    #[test]
    fn a_file_that_does_not_parse_is_kept() {
        let learner = "[tool\nbroken";
        assert_eq!(portfolio_text(learner, PRACTICE, PORTFOLIO), learner);
    }
}
