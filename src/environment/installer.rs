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

use pep440_rs::Version;

use super::requires::{UV_WITH_GROUP, reported_version, uv_knows_groups};
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
    /// A uv too old for `uv pip install --group` is an error with `--installer uv`, and with
    /// `auto` gives way to pip, with a note saying so.
    pub fn choose(choice: Choice) -> Result<Installer> {
        let uv = which::which("uv").ok();
        match (choice, uv) {
            (Choice::Pip, _) | (Choice::Auto, None) => Ok(Installer::Pip),
            (Choice::Uv | Choice::Auto, Some(uv)) => match uv_too_old(&uv) {
                None => Ok(Installer::Uv(uv)),
                Some(old) if choice == Choice::Auto => {
                    ui::note(&format!("{old}; using pip instead"));
                    Ok(Installer::Pip)
                }
                Some(old) => Err(Error::Environment {
                    message: format!("--installer uv: {old}"),
                }),
            },
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

/// The version `uv --version` reports (`uv 0.4.30 (...)`); `None` when it does not run or
/// says something else.
pub fn uv_version(uv: &Path) -> Option<Version> {
    let mut command = std::process::Command::new(uv);
    command.arg("--version");
    reported_version(command)
}

/// Why `uv` cannot install the project (`uv 0.4.30 is too old for dependency groups: ...`),
/// or `None` when it can. A uv whose version cannot be read is given the benefit of the
/// doubt: its own error will say what is wrong.
pub fn uv_too_old(uv: &Path) -> Option<String> {
    let version = uv_version(uv)?;
    (!uv_knows_groups(&version)).then(|| too_old_message(&version))
}

/// The words for a uv older than `UV_WITH_GROUP`, shared with `doctor`.
pub fn too_old_message(version: &Version) -> String {
    format!(
        "uv {version} is too old for dependency groups (`uv pip install --group` needs uv \
         {UV_WITH_GROUP} or newer): `uv self update`, or `--installer pip`"
    )
}

/// What a failed step's output says went wrong, when it is something the learner would not
/// read off the tool's own words: a network problem, a full disk, a uv too old for an option.
pub fn diagnose(output: &str) -> Option<&'static str> {
    let lower = output.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["unexpected argument '--group'", "no such option: --group"]) {
        Some("the installer is too old for dependency groups: update it, or pass --installer pip")
    } else if has(&[
        "temporary failure in name resolution",
        "name or service not known",
        "failed to establish a new connection",
        "connection refused",
        "connection reset",
        "network is unreachable",
        "max retries exceeded",
        "timed out",
        "could not fetch url",
        "sslerror",
        "certificate verify failed",
        "proxyerror",
        "dns error",
        "failed to fetch",
        "error sending request",
    ]) {
        Some(
            "it looks like a network problem: check the connection to PyPI (or your index and proxy settings)",
        )
    } else if has(&["no space left on device"]) {
        Some("the disk is full: free some space")
    } else {
        None
    }
}

/// Whether a line of pip's or uv's output says how far the step is, and so is worth showing
/// beside the step's name on the spinner: what is being fetched, built or installed. Other
/// lines (warnings, "Successfully uninstalled ...", a build's chatter) are kept for an error
/// but not shown.
pub fn shows_progress(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "Collecting ",
        "Downloading ",
        "Building ",
        "Installing ",
        "Preparing ",
        "Obtaining ",
        "Resolved ",
        "Prepared ",
        "Installed ",
        "Using CPython ",
        "Using Python ",
    ];
    let line = line.trim_start();
    STARTS.iter().any(|s| line.starts_with(s))
}

/// How many of a failed step's last output lines its error shows.
const KEPT_LINES: usize = 15;

/// Runs `command` as the step `label` (`creating .venv`), in `cwd`. On a terminal a
/// spinner shows the label and the tool's latest progress line (`shows_progress`);
/// elsewhere one plain line says what runs. A step that fails is an error with what ran, its
/// last lines, what they point to (`diagnose`) and `fix`.
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
    let cause = diagnose(&last.iter().cloned().collect::<Vec<_>>().join("\n"))
        .map(|c| format!("{c}; "))
        .unwrap_or_default();
    let tail: Vec<String> = last.into_iter().map(|l| format!("  | {l}")).collect();
    Err(Error::Environment {
        message: format!(
            "{label} failed: `{shown}` exited with {}; its last lines:\n{}\n{cause}{fix}",
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
        if shows_progress(&line) {
            bar.set_message(format!("{label}: {}", line.trim()));
        }
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
    fn the_hint_of_a_failed_step_follows_what_its_output_says() {
        let dir = tempfile::tempdir().unwrap();
        let fail = |script: &str| {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            run_step("upgrading pip", &mut command, dir.path(), "run setup again")
                .unwrap_err()
                .to_string()
        };
        let offline = fail(
            "echo \"WARNING: Retrying after connection broken by 'NewConnectionError: Failed to \
             establish a new connection: [Errno -3] Temporary failure in name resolution'\"; exit 1",
        );
        assert!(offline.contains("network problem"), "{offline}");
        let disk = fail("echo 'OSError: [Errno 28] No space left on device' >&2; exit 1");
        assert!(disk.contains("the disk is full"), "{disk}");
        assert!(!disk.contains("network"), "{disk}");
        let other =
            fail("echo 'ERROR: Cannot uninstall pip 23.0.1, RECORD file not found'; exit 1");
        assert!(!other.contains("network"), "{other}");
        assert!(other.ends_with("run setup again"), "{other}");
        let old = fail("echo \"error: unexpected argument '--group' found\" >&2; exit 2");
        assert!(old.contains("too old for dependency groups"), "{old}");
    }

    #[test]
    fn only_progress_lines_reach_the_spinner() {
        assert!(shows_progress("Collecting fastapi>=0.110"));
        assert!(shows_progress(
            "  Downloading pip-25.1-py3-none-any.whl (1.8 MB)"
        ));
        assert!(shows_progress("Installing collected packages: pip"));
        assert!(shows_progress("Resolved 30 packages in 120ms"));
        assert!(!shows_progress("Successfully uninstalled pip-23.0.1"));
        assert!(!shows_progress("  Attempting uninstall: pip"));
        assert!(!shows_progress("WARNING: Retrying (Retry(total=4...))"));
    }

    #[test]
    fn an_old_uv_is_read_from_its_version_and_named_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let uv = dir.path().join("uv");
        crate::fsutil::write_script(&uv, "#!/bin/sh\necho 'uv 0.4.30 (61ed2a236 2024-11-04)'\n");
        let old = uv_too_old(&uv).unwrap();
        assert!(
            old.starts_with("uv 0.4.30 is too old for dependency groups"),
            "{old}"
        );
        assert!(
            old.contains("`uv self update`, or `--installer pip`"),
            "{old}"
        );
        std::fs::write(&uv, "#!/bin/sh\necho 'uv 0.6.7'\n").unwrap();
        assert!(uv_too_old(&uv).is_none());
    }

    #[test]
    fn a_step_that_succeeds_is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo fine"]);
        run_step("trying", &mut command, dir.path(), "").unwrap();
    }
}
