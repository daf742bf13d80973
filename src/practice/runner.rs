//! Running the project's tests with the project's own Python, and collecting one result
//! per test through a small pytest plugin (written to a temporary folder for the run).

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};

const PLUGIN: &str = include_str!("pytest_plugin.py");
const PLUGIN_MODULE: &str = "skillforge_pytest_report";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    /// Broke outside the test body: a fixture, the module's import, its collection.
    Error,
    Skipped,
}

/// The result of one test (or of one test file that could not be collected).
#[derive(Debug, Clone)]
pub struct TestResult {
    pub nodeid: String,
    pub outcome: Outcome,
    /// One line: the assertion or exception.
    pub message: String,
    /// The traceback pytest printed, and what the test wrote to stdout.
    pub output: String,
    /// A file that failed to import: every test in it is lost.
    pub collect_error: bool,
    /// The test function's source (empty when pytest could not tell).
    pub code: String,
}

/// What the runner reports while the tests run.
pub enum Event {
    Collected(usize),
    Finished(usize),
}

/// The interpreter to run the tests with: the project's `.venv`, else `python3` on PATH.
pub fn interpreter(root: &Path) -> Result<PathBuf> {
    let venv = if cfg!(windows) {
        root.join(".venv").join("Scripts").join("python.exe")
    } else {
        root.join(".venv").join("bin").join("python")
    };
    if venv.is_file() {
        return Ok(venv);
    }
    let fallback = if cfg!(windows) { "python" } else { "python3" };
    let found = Command::new(fallback)
        .args(["-c", "import sys; print(sys.executable)"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match found {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(Error::Environment {
            message: format!(
                "no Python to run the tests with: there is no .venv in {} and no {fallback} on \
                 PATH; create the environment with `python3 -m venv .venv` and install the \
                 project into it (see README.md)",
                root.display()
            ),
        }),
    }
}

/// Fails with the command that installs pytest when `python` cannot import it.
pub fn ensure_pytest(root: &Path, python: &Path) -> Result<()> {
    let status = Command::new(python)
        .args([
            "-c",
            "import importlib.util, sys; sys.exit(importlib.util.find_spec('pytest') is None)",
        ])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(Error::io("cannot run", python))?;
    if status.success() {
        return Ok(());
    }
    let in_venv = python.starts_with(root.join(".venv"));
    let shown = python
        .strip_prefix(root)
        .unwrap_or(python)
        .display()
        .to_string();
    // Outside a venv the fix is a venv: pip refuses to install into a system Python.
    let fix = if in_venv {
        format!("{shown} -m pip install --upgrade pip && {shown} -m pip install -e . --group dev")
    } else {
        "python3 -m venv .venv && .venv/bin/python -m pip install --upgrade pip && \
         .venv/bin/python -m pip install -e . --group dev"
            .to_string()
    };
    Err(Error::Environment {
        message: format!(
            "pytest is not installed for {shown}; install the project and its test tools \
             with:\n  {fix}"
        ),
    })
}

#[derive(Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
enum Line {
    Collected {
        count: usize,
    },
    CollectError {
        nodeid: String,
        message: String,
        output: String,
    },
    Source {
        nodeid: String,
        code: String,
    },
    Phase {
        nodeid: String,
        when: String,
        outcome: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        output: String,
        #[serde(default)]
        stdout: String,
    },
}

/// Runs pytest on `selection` (everything when empty) and returns one result per test.
pub fn run(
    root: &Path,
    python: &Path,
    selection: &[String],
    mut on_event: impl FnMut(Event),
) -> Result<Vec<TestResult>> {
    let scratch = tempfile::Builder::new()
        .prefix("skillforge-check-")
        .tempdir()
        .map_err(Error::io("cannot create a folder in", std::env::temp_dir()))?;
    let plugin = scratch.path().join(format!("{PLUGIN_MODULE}.py"));
    std::fs::write(&plugin, PLUGIN).map_err(Error::io("cannot write", &plugin))?;
    let report = scratch.path().join("report.jsonl");
    std::fs::write(&report, "").map_err(Error::io("cannot write", &report))?;
    let python_path = match std::env::var_os("PYTHONPATH") {
        Some(existing) => {
            let mut paths = vec![scratch.path().to_path_buf()];
            paths.extend(std::env::split_paths(&existing));
            std::env::join_paths(paths).unwrap_or_else(|_| scratch.path().into())
        }
        None => scratch.path().as_os_str().to_owned(),
    };
    let mut child = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-p",
            PLUGIN_MODULE,
            "-p",
            "no:cacheprovider",
        ])
        // A module that fails to import costs its own tests, not every other task's.
        .args(["--continue-on-collection-errors", "--tb=short", "-q"])
        .args(selection)
        .current_dir(root)
        .env("PYTHONPATH", python_path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("SKILLFORGE_REPORT", &report)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Error::io("cannot run", python))?;
    // Drain both pipes on their own threads so a chatty test run cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut lines = std::io::BufReader::new(
        std::fs::File::open(&report).map_err(Error::io("cannot read", &report))?,
    );
    let mut tests = Collector::default();
    let mut pending = String::new();
    let status = loop {
        let exited = child
            .try_wait()
            .map_err(Error::io("cannot wait for", python))?;
        // Read whatever the plugin wrote; a line without its newline is not complete yet.
        loop {
            let mut chunk = String::new();
            if lines.read_line(&mut chunk).unwrap_or(0) == 0 {
                break;
            }
            pending.push_str(&chunk);
            if pending.ends_with('\n') {
                if let Ok(line) = serde_json::from_str::<Line>(&pending) {
                    tests.take(line, &mut on_event);
                }
                pending.clear();
            }
        }
        if let Some(status) = exited {
            break status;
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    // 0: all passed, 1: some failed, 5: nothing collected; anything else means pytest
    // itself could not run (bad options in pyproject.toml, a broken conftest.py, ...).
    match status.code() {
        Some(0 | 1 | 5) => Ok(tests.finish()),
        Some(2) if !tests.results.is_empty() || tests.collected.is_some() => Ok(tests.finish()),
        code => Err(Error::Environment {
            message: format!(
                "pytest could not run the tests (exit status {}):\n{}",
                code.map_or("none".into(), |c| c.to_string()),
                tail(&format!("{out}{err}"), 30)
            ),
        }),
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Folds the phases of each test (setup, call, teardown) into one result.
#[derive(Default)]
struct Collector {
    collected: Option<usize>,
    results: BTreeMap<String, TestResult>,
    order: Vec<String>,
    finished: usize,
    /// Each collected test's source, sent before any test runs.
    sources: BTreeMap<String, String>,
}

impl Collector {
    fn take(&mut self, line: Line, on_event: &mut impl FnMut(Event)) {
        match line {
            Line::Collected { count } => {
                self.collected = Some(count);
                on_event(Event::Collected(count));
            }
            Line::CollectError {
                nodeid,
                message,
                output,
            } => {
                self.order.push(nodeid.clone());
                self.results.insert(
                    nodeid.clone(),
                    TestResult {
                        nodeid,
                        outcome: Outcome::Error,
                        message,
                        output,
                        collect_error: true,
                        code: String::new(),
                    },
                );
            }
            Line::Source { nodeid, code } => {
                self.sources.insert(nodeid, code);
            }
            Line::Phase {
                nodeid,
                when,
                outcome,
                message,
                output,
                stdout,
            } => {
                let entry = self.results.entry(nodeid.clone()).or_insert_with(|| {
                    self.order.push(nodeid.clone());
                    TestResult {
                        nodeid: nodeid.clone(),
                        outcome: Outcome::Passed,
                        message: String::new(),
                        output: String::new(),
                        collect_error: false,
                        code: self.sources.remove(&nodeid).unwrap_or_default(),
                    }
                });
                let this = match (outcome.as_str(), when.as_str()) {
                    ("failed", "call") => Outcome::Failed,
                    ("failed", _) => Outcome::Error,
                    ("skipped", _) => Outcome::Skipped,
                    _ => Outcome::Passed,
                };
                // The first phase that did not pass decides; later phases only add output.
                if entry.outcome == Outcome::Passed && this != Outcome::Passed {
                    entry.outcome = this;
                    entry.message = message;
                    entry.output = output;
                }
                if !stdout.is_empty() {
                    entry.output.push_str(&stdout);
                }
                if when == "teardown" {
                    self.finished += 1;
                    on_event(Event::Finished(self.finished));
                }
            }
        }
    }

    fn finish(mut self) -> Vec<TestResult> {
        self.order
            .iter()
            .filter_map(|id| self.results.remove(id))
            .collect()
    }
}
