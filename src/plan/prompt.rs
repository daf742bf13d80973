//! Asking the user: a small trait with a terminal implementation (dialoguer, on stderr) and
//! a scripted one for tests. dialoguer reads keys from the terminal itself, so piped stdin
//! cannot drive it; tests use `Scripted`, and the real flow is tested in a pseudo-terminal.

use std::collections::VecDeque;
use std::io::IsTerminal;

use dialoguer::theme::ColorfulTheme;

use crate::error::{Error, Result};

/// Validates a typed answer: `Err` carries the message shown under the prompt.
pub type Validator<'a> = &'a dyn Fn(&str) -> std::result::Result<(), String>;

/// Asks the user; every method fails with `Error::Cancelled` when the user cancels.
pub trait Prompter {
    /// Picks one of `items`; returns its index.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize>;
    /// Reads a line of text, re-asking until `validate` accepts it.
    fn input(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> Result<String>;
    /// Asks a yes-or-no question.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
    /// Picks any number of `items`, `chosen` selected to start with; typing filters the list.
    /// Returns the chosen indices in item order.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Result<Vec<usize>>;
}

/// Whether prompts can be shown: both stdin and stderr must be terminals.
pub fn terminal_available() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The real prompter: dialoguer on stderr, so stdout stays clean for the created path.
pub struct Terminal {
    theme: ColorfulTheme,
    term: dialoguer::console::Term,
}

impl Terminal {
    /// A prompter on stderr with dialoguer's colourful theme.
    pub fn new() -> Self {
        Terminal {
            theme: ColorfulTheme::default(),
            term: dialoguer::console::Term::stderr(),
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

/// The columns a prompt line takes besides its item: dialoguer's "❯ " before the item, and
/// one spare so that a line exactly as wide as the terminal does not wrap (a wrapped line
/// throws off dialoguer's redrawing, which counts lines).
const MARGIN: usize = 3;

/// `items` cut to fit a terminal `columns` wide, each ending in "…" where it was cut. Widths
/// are counted in terminal columns, not bytes or characters.
pub fn fit(items: &[String], columns: usize) -> Vec<String> {
    let width = columns.saturating_sub(MARGIN).max(12);
    items
        .iter()
        .map(|item| dialoguer::console::truncate_str(item, width, "…").into_owned())
        .collect()
}

/// The items of a searchable list as the search sees them: cut to fit (one column short)
/// and ending in a space. dialoguer's fuzzy search matches every character typed, spaces
/// too, in order; without the space a query that ends in one ("fastapi ", as typed before
/// the next word) matches nothing of "FastAPI" and only items with a space further on.
pub fn searchable(items: &[String], columns: usize) -> Vec<String> {
    fit(items, columns.saturating_sub(1))
        .into_iter()
        .map(|item| format!("{item} "))
        .collect()
}

/// The columns a prompt's line takes besides its text: "? " before, " › " after, and room
/// for a few typed characters of a search.
const PROMPT_MARGIN: usize = 10;

/// `prompt` followed by `(hint)` when both fit a terminal `columns` wide; else `prompt`
/// alone, cut to fit: a prompt line that wraps is redrawn as badly as an option line.
pub fn heading(prompt: &str, hint: &str, columns: usize) -> String {
    let full = format!("{prompt} ({hint})");
    let room = columns.saturating_sub(PROMPT_MARGIN).max(12);
    if dialoguer::console::measure_text_width(&full) <= room {
        full
    } else {
        dialoguer::console::truncate_str(prompt, room, "…").into_owned()
    }
}

/// How long a prompt that saw Ctrl-C waits for the interrupt handler to end the process.
const HANDLER_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// What a prompt that ended without an answer means. dialoguer hides the cursor while a
/// prompt is open and does not show it again when reading a key fails, so it is shown here
/// on every such path.
///
/// Ctrl-C is read as a key in raw mode: console then raises SIGINT at this process and
/// returns `Interrupted`. The handler of `crate::interrupt` runs on its own thread, undoes
/// what must be undone, shows the cursor, prints the one cancel message and exits; if this
/// thread returned meanwhile, `run` would print a second message, and exit first about one
/// time in four, before the handler had shown the cursor. So it waits for the handler,
/// and only returns `Cancelled` when none is installed (skillforge used as a library).
fn ended(term: &dialoguer::console::Term, e: Option<dialoguer::Error>) -> Error {
    if term.is_term() {
        let _ = term.show_cursor();
    }
    match e {
        None => Error::Cancelled,
        Some(dialoguer::Error::IO(io)) if io.kind() == std::io::ErrorKind::Interrupted => {
            let start = std::time::Instant::now();
            while start.elapsed() < HANDLER_WAIT {
                // Blocks for ever once the handler runs: it ends the process.
                crate::interrupt::wait_if_interrupted();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Error::Cancelled
        }
        Some(dialoguer::Error::IO(io)) => Error::Prompt(format!("cannot read the answer: {io}")),
    }
}

impl Terminal {
    fn columns(&self) -> usize {
        usize::from(self.term.size().1)
    }

    fn failed(&self, e: dialoguer::Error) -> Error {
        ended(&self.term, Some(e))
    }

    fn cancelled(&self) -> Error {
        ended(&self.term, None)
    }
}

impl Prompter for Terminal {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        dialoguer::Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(fit(items, self.columns()))
            .default(default)
            .interact_on_opt(&self.term)
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| self.cancelled())
    }

    fn input(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> Result<String> {
        let mut input = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(|s: &String| validate(s));
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        input
            .interact_text_on(&self.term)
            .map_err(|e| self.failed(e))
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        // The answer waits for Enter: a `y` that returned at once would leave the Enter typed
        // after it to answer the next question (new's "set up now?") with its default.
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .wait_for_newline(true)
            .interact_on_opt(&self.term)
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| self.cancelled())
    }

    /// dialoguer's multi-select cannot search, and its fuzzy select picks one item: so a
    /// fuzzy select whose items toggle, with "Done" on top, stands in for both.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Result<Vec<usize>> {
        let mut selected: Vec<bool> = (0..items.len()).map(|i| chosen.contains(&i)).collect();
        loop {
            let count = selected.iter().filter(|s| **s).count();
            let mut labels = vec![format!("Done ({count} chosen)")];
            labels.extend(
                items
                    .iter()
                    .zip(&selected)
                    .map(|(item, on)| format!("[{}] {item}", if *on { "x" } else { " " })),
            );
            let picked = dialoguer::FuzzySelect::with_theme(&self.theme)
                .with_prompt(heading(
                    prompt,
                    "type to search, Enter toggles, Done to finish",
                    self.columns(),
                ))
                .items(searchable(&labels, self.columns()))
                .default(0)
                .interact_on_opt(&self.term)
                .map_err(|e| self.failed(e))?
                .ok_or_else(|| self.cancelled())?;
            match picked {
                0 => return Ok((0..items.len()).filter(|i| selected[*i]).collect()),
                i => selected[i - 1] = !selected[i - 1],
            }
        }
    }
}

/// A prompter that replays answers, for tests. Running out of answers is a test bug.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: VecDeque<String>,
    /// Every prompt shown, in order, so tests can assert what was asked.
    pub asked: Vec<String>,
}

impl Scripted {
    /// A prompter that gives `answers` in order, one a question; "" takes the default.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(answers: I) -> Self {
        Scripted {
            answers: answers.into_iter().map(Into::into).collect(),
            asked: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Result<String> {
        self.asked.push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| Error::Prompt(format!("no scripted answer for {prompt:?}")))
    }
}

impl Prompter for Scripted {
    /// The scripted answer is the item's text (or its leading text), or "" for the default.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok(default);
        }
        items
            .iter()
            .position(|i| i.starts_with(&answer))
            .ok_or_else(|| Error::Prompt(format!("{answer:?} is not one of {items:?}")))
    }

    fn input(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> Result<String> {
        loop {
            let mut answer = self.next(prompt)?;
            if answer.is_empty() {
                answer = default.unwrap_or_default().to_string();
            }
            // Like the terminal, an invalid answer is asked again.
            if validate(&answer).is_ok() {
                return Ok(answer);
            }
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let answer = self.next(prompt)?;
        Ok(match answer.as_str() {
            "" => default,
            a => a.starts_with(['y', 'Y']),
        })
    }

    /// The scripted answer lists the final selection, comma-separated, each matching the end
    /// of an item's text; "" keeps `chosen`.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Result<Vec<usize>> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok(chosen.to_vec());
        }
        let mut picked: Vec<usize> = Vec::new();
        for want in answer.split(',').map(str::trim) {
            let i = items
                .iter()
                .position(|item| item.ends_with(want))
                .ok_or_else(|| Error::Prompt(format!("{want:?} is not one of the items")))?;
            picked.push(i);
        }
        picked.sort_unstable();
        Ok(picked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(s: &str) -> usize {
        dialoguer::console::measure_text_width(s)
    }

    #[test]
    fn long_lines_are_cut_to_the_terminal_and_short_ones_kept() {
        let items = vec![
            "Core Python: Decorators (no blueprint yet)".to_string(),
            "short".to_string(),
            "x".repeat(37),
        ];
        let cut = fit(&items, 40);
        assert_eq!(cut[0], "Core Python: Decorators (no blueprin…");
        assert_eq!(cut[1], "short");
        assert_eq!(cut[2], "x".repeat(37), "exactly the room left is not cut");
        assert!(cut.iter().all(|c| width(c) + MARGIN <= 40), "{cut:?}");
    }

    /// The item dialoguer's search ranks first for `query`, as FuzzySelect ranks them.
    fn best(items: &[String], query: &str) -> Option<String> {
        use fuzzy_matcher::FuzzyMatcher;
        let matcher = fuzzy_matcher::skim::SkimMatcherV2::default();
        items
            .iter()
            .filter_map(|i| matcher.fuzzy_match(i, query).map(|s| (s, i)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, i)| i.trim_end().to_string())
    }

    #[test]
    fn a_search_ending_in_a_space_still_finds_the_word_before_it() {
        let items: Vec<String> = [
            "Done (0 chosen)",
            "[ ] Web development: FastAPI",
            "[ ] DevOps: Docker",
            "[ ] DevOps: Infrastructure as code (no blueprint yet)",
        ]
        .map(String::from)
        .to_vec();
        let shown = searchable(&items, 80);
        for (query, want) in [
            ("fastapi ", "[ ] Web development: FastAPI"),
            ("fastapi", "[ ] Web development: FastAPI"),
            ("docker ", "[ ] DevOps: Docker"),
            (" docker", "[ ] DevOps: Docker"),
            ("web fastapi ", "[ ] Web development: FastAPI"),
        ] {
            assert_eq!(best(&shown, query).as_deref(), Some(want), "{query:?}");
        }
        assert!(shown.iter().all(|s| width(s) + MARGIN <= 80), "{shown:?}");
    }

    #[test]
    fn the_search_hint_is_dropped_before_the_prompt_is_cut() {
        let hint = "type to search, Enter toggles, Done to finish";
        assert_eq!(
            heading("Skills to practise", hint, 120),
            format!("Skills to practise ({hint})")
        );
        assert_eq!(
            heading("Skills to practise", hint, 40),
            "Skills to practise"
        );
        assert_eq!(heading("Skills to practise", hint, 20), "Skills to p…");
    }

    #[test]
    fn wide_characters_are_counted_in_columns() {
        let items = vec!["データサイエンス: 統計とグラフの練習をする".to_string()];
        let cut = fit(&items, 20);
        assert!(
            width(&cut[0]) <= 17,
            "{} columns: {}",
            width(&cut[0]),
            cut[0]
        );
        assert!(cut[0].ends_with('…'));
    }

    #[test]
    fn a_terminal_too_narrow_still_shows_the_start_of_each_line() {
        let cut = fit(&["Web development: FastAPI".to_string()], 5);
        assert_eq!(cut[0], "Web develop…");
    }

    #[test]
    fn a_prompt_ended_by_the_user_is_a_cancel_and_a_broken_terminal_an_error() {
        let term = dialoguer::console::Term::stderr();
        assert!(matches!(ended(&term, None), Error::Cancelled));
        let interrupted = std::io::Error::new(std::io::ErrorKind::Interrupted, "read interrupted");
        // No interrupt handler runs in unit tests: the prompt says cancelled itself.
        assert!(matches!(
            ended(&term, Some(dialoguer::Error::IO(interrupted))),
            Error::Cancelled
        ));
        let broken = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "gone");
        let error = ended(&term, Some(dialoguer::Error::IO(broken)));
        assert!(
            matches!(error, Error::Prompt(ref m) if m.contains("gone")),
            "{error}"
        );
    }
}
