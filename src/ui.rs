//! Everything printed for people, on stderr, coloured once here at the edge. anstream strips
//! the colour when stderr is not a terminal, when `NO_COLOR` is set, or with `--color never`.

use std::io::Write;

use anstyle::{AnsiColor, Style};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

pub fn set_color(choice: anstream::ColorChoice) {
    choice.write_global();
}

fn eprint(args: std::fmt::Arguments<'_>) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_fmt(args);
}

pub fn error(message: &str) {
    eprint(format_args!("{ERROR}error{ERROR:#}: {message}\n"));
}

pub fn warn(message: &str) {
    eprint(format_args!("{WARN}warning{WARN:#}: {message}\n"));
}

pub fn note(message: &str) {
    eprint(format_args!("{DIM}{message}{DIM:#}\n"));
}

pub fn success(message: &str) {
    eprint(format_args!("{OK}✔{OK:#} {message}\n"));
}

pub fn heading(message: &str) {
    eprint(format_args!("{BOLD}{message}{BOLD:#}\n"));
}

pub fn plain(message: &str) {
    eprint(format_args!("{message}\n"));
}

/// Bold text for use inside other messages.
pub fn bold(text: &str) -> String {
    format!("{BOLD}{text}{BOLD:#}")
}

/// Prints the output of a command (a diff, a report) on stdout; anstream strips its colour
/// when stdout is not a terminal, so it can be piped to `git apply` or a file.
pub fn out(text: &str) {
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(text.as_bytes());
}

/// Whether stderr is a terminal that shows live progress.
pub fn live() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("CI").is_none()
}

/// The width of a column holding `cells`: `{:width$}` pads by characters, so count those.
pub fn column_width<'a>(cells: impl IntoIterator<Item = &'a str>) -> usize {
    cells
        .into_iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
}

pub fn dim(text: &str) -> String {
    format!("{DIM}{text}{DIM:#}")
}

pub fn green(text: &str) -> String {
    format!("{OK}{text}{OK:#}")
}

pub fn red(text: &str) -> String {
    format!("{ERROR}{text}{ERROR:#}")
}

pub fn yellow(text: &str) -> String {
    format!("{WARN}{text}{WARN:#}")
}
