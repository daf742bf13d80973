//! The tool that makes `.venv` and installs into it: uv when it is on PATH (fast, and able
//! to fetch a Python), else the standard library's `venv` and pip. Each step runs as a child
//! process in its own process group, so an interrupt stops it and whatever it started; its
//! output feeds a spinner on a terminal, and its last lines go into the error when it fails.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::{Error, Result};
use crate::{interrupt, ui};

/// Which installer `setup` is asked to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    /// uv when `uv` is on PATH, else pip.
    #[default]
    Auto,
    Uv,
    Pip,
}

/// The installer chosen, with uv's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installer {
    Uv(PathBuf),
    Pip,
}

impl Installer {
    /// Resolves `choice` against PATH; `--installer uv` without uv is an error with the fix.
    pub fn choose(choice: Choice) -> Result<Installer> {
        let uv = which::which("uv").ok();
        match (choice, uv) {
            (Choice::Pip, _) | (Choice::Auto, None) => Ok(Installer::Pip),
            (Choice::Uv | Choice::Auto, Some(uv)) => Ok(Installer::Uv(uv)),
            (Choice::Uv, None) => Err(Error::Environment {
                message: "--installer uv: uv is not on PATH; install it (`pipx install uv`, or \
                          see https://docs.astral.sh/uv/) or pass --installer pip"
                    .into(),
            }),
        }
    }

    /// `uv` or `pip`, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Installer::Uv(_) => "uv",
            Installer::Pip => "pip",
        }
    }
}

/// How many of a failed step's last output lines its error shows.
const KEPT_LINES: usize = 15;

/// Runs `command` as the step `label` (`creating .venv`), in `cwd`. On a terminal a
/// spinner shows the label and the tool's latest line; elsewhere one plain line says what
/// runs. A step that fails is an error with what ran, its last lines, and `fix`.
pub fn run_step(label: &str, command: &mut Command, cwd: &Path, fix: &str) -> Result<()> {
    let shown = shown_command(command);
    command
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_PROGRESS_BAR", "off");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: an interrupt stops the tool and what it started.
        command.process_group(0);
    }
    let bar = spinner(label);
    let mut child = command.spawn().map_err(|e| Error::Environment {
        message: format!("{label}: cannot run `{shown}`: {e}; {fix}"),
    })?;
    let _guard = interrupt::kill_on_interrupt(child.id());
    let last = follow(&mut child, &bar, label);
    let status = child.wait().map_err(|e| {
        interrupt::wait_if_interrupted();
        Error::Environment {
            message: format!("{label}: cannot wait for `{shown}`: {e}"),
        }
    })?;
    bar.finish_and_clear();
    interrupt::wait_if_interrupted();
    if status.success() {
        ui::note(&format!("{label}: done"));
        return Ok(());
    }
    let tail: Vec<String> = last.into_iter().map(|l| format!("  | {l}")).collect();
    Err(Error::Environment {
        message: format!(
            "{label} failed: `{shown}` exited with {}; its last lines:\n{}\n{fix}",
            status
                .code()
                .map_or("a signal".to_string(), |c| c.to_string()),
            tail.join("\n")
        ),
    })
}

/// Reads the child's output (stdout and stderr, as the lines come) until both end: each line
/// shows on `bar`, and the last `KEPT_LINES` are returned for an error.
fn follow(child: &mut Child, bar: &ProgressBar, label: &str) -> VecDeque<String> {
    let (sender, lines) = std::sync::mpsc::channel::<String>();
    let streams = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ];
    let readers: Vec<_> = streams
        .into_iter()
        .flatten()
        .map(|stream| {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream)
                    .lines()
                    .map_while(std::result::Result::ok)
                {
                    let _ = sender.send(line);
                }
            })
        })
        .collect();
    drop(sender);
    let mut last: VecDeque<String> = VecDeque::new();
    for line in lines {
        let line = line.trim_end().to_string();
        if line.trim().is_empty() {
            continue;
        }
        bar.set_message(format!("{label}: {}", line.trim()));
        if last.len() == KEPT_LINES {
            last.pop_front();
        }
        last.push_back(line);
    }
    for reader in readers {
        let _ = reader.join();
    }
    last
}

/// A spinner with the step's label on a terminal; elsewhere a plain line, once.
fn spinner(label: &str) -> ProgressBar {
    if !ui::live() {
        ui::note(&format!("{label}..."));
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner:.green} {wide_msg}").expect("a valid template"),
    );
    bar.set_message(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// The command as it would be typed, for messages.
fn shown_command(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| {
            let text = a.to_string_lossy();
            if text.contains(' ') {
                format!("{text:?}")
            } else {
                text.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_failing_step_shows_its_last_lines_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "for i in $(seq 1 30); do echo line $i; done; echo oops >&2; exit 3",
        ]);
        let err = run_step("installing", &mut command, dir.path(), "run it again")
            .unwrap_err()
            .to_string();
        assert!(err.contains("exited with 3"), "{err}");
        assert!(err.contains("| line 30"), "{err}");
        assert!(!err.contains("| line 1\n"), "only the last lines: {err}");
        assert!(err.ends_with("run it again"), "{err}");
    }

    #[test]
    fn what_a_failing_step_printed_on_stderr_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'no matching distribution' >&2; exit 1"]);
        let err = run_step("installing", &mut command, dir.path(), "")
            .unwrap_err()
            .to_string();
        assert!(err.contains("| no matching distribution"), "{err}");
    }

    #[test]
    fn a_step_that_succeeds_is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo fine"]);
        run_step("trying", &mut command, dir.path(), "").unwrap();
    }
}
