//! Running pytest with the project's own Python, and collecting one result per test through
//! a small plugin that writes an event per line (see `pytest_plugin.py`).
//!
//! The runner fails closed: a test counts as passed only when its set-up, call and
//! tear-down were each read as passed. A line it cannot read, a run that ends early, a test
//! stopped for running too long: each leaves the tests concerned failed, never passed.
//!
//! Every test has a time limit. The plugin raises inside a test that runs past it (where
//! SIGALRM exists); past the limit and a grace period the runner kills pytest's whole
//! process group, records the test as timed out, and runs the tests left over again. An
//! interrupt (Ctrl-C, SIGTERM, SIGHUP) kills the group and removes the scratch folder too.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::interrupt;

const PLUGIN: &str = include_str!("pytest_plugin.py");
const LAUNCHER: &str = include_str!("pytest_launch.py");

/// How long past a test's limit the runner waits for the plugin's own alarm before it kills
/// the run: the alarm reports where the test was, a kill cannot.
const GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    /// Broke outside the test body: a fixture, the module's import, its collection; or its
    /// result could not be read.
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
    /// Stopped after running longer than the time limit.
    pub timed_out: bool,
    /// For a file that failed to import because of the learner's code: where (`FILE:LINE`).
    pub code_error: Option<CodeError>,
}

/// The learner's code failed to import: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// `src/pkg/app.py:12`, relative to the project.
    pub location: String,
    /// `SyntaxError: invalid syntax`.
    pub message: String,
}

/// What one pytest run found.
#[derive(Debug, Default)]
pub struct RunResults {
    pub tests: Vec<TestResult>,
    /// The tests' set-up (a `conftest.py`) could not be imported, so no test ran.
    pub setup_error: Option<SetupError>,
}

/// Why no test could run.
#[derive(Debug, Clone)]
pub struct SetupError {
    /// The file pytest was importing.
    pub path: String,
    pub message: String,
    /// Set when the learner's code is to blame.
    pub code_error: Option<CodeError>,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.as_str() {
            "" => write!(f, "cannot grade: {}", self.message),
            path => write!(
                f,
                "the tests' set-up could not be imported: {path}: {}",
                self.message
            ),
        }
    }
}

/// What the runner reports while the tests run.
pub enum Event {
    Collected(usize),
    Finished(usize),
}

/// One pytest run: where, with what, and how strictly.
pub struct Invocation<'a> {
    pub python: &'a Path,
    /// The folder pytest runs in.
    pub cwd: &'a Path,
    /// pytest's arguments: options, then the paths to test.
    pub args: Vec<OsString>,
    /// `Some` for a graded run: no `PYTEST_*` or `PYTHON*` variable of the environment
    /// applies, and of the pytest plugins installed only those that these requirements
    /// (PEP 508, the blueprint's declared dependencies) bring in are loaded.
    pub requirements: Option<Vec<String>>,
    /// Where the learner's code lives, to find the line an import error comes from.
    pub roots: Vec<PathBuf>,
    /// How long one test may run.
    pub timeout: Duration,
    /// For a graded run: the project's import package, which must be imported from the
    /// project (or the sandbox), not from a copy installed elsewhere.
    pub package: Option<String>,
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
    CollectWhere {
        nodeid: String,
        message: String,
        #[serde(rename = "where")]
        location: String,
    },
    SetupError {
        path: String,
        message: String,
        #[serde(rename = "where")]
        location: String,
        #[serde(default)]
        timeout: bool,
    },
    Source {
        nodeid: String,
        code: String,
    },
    Start {
        nodeid: String,
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
        #[serde(default)]
        timeout: bool,
    },
}

/// The scratch folder of one check: the plugin, the launcher, the report, pytest's own
/// temporary files. Removed when dropped, and by an interrupt.
pub struct Scratch {
    dir: tempfile::TempDir,
    /// How many pytest processes were started: each gets its own report and log.
    started: std::cell::Cell<usize>,
    _guard: interrupt::Guard,
}

impl Scratch {
    pub fn new() -> Result<Scratch> {
        let dir = tempfile::Builder::new()
            .prefix("skillforge-check-")
            .tempdir()
            .map_err(Error::io("cannot create a folder in", std::env::temp_dir()))?;
        let guard = interrupt::remove_on_interrupt(dir.path().to_path_buf());
        let runner = dir.path().join("runner");
        std::fs::create_dir(&runner).map_err(Error::io("cannot create", &runner))?;
        for (name, text) in [
            ("skillforge_pytest_report.py", PLUGIN),
            ("skillforge_pytest_launch.py", LAUNCHER),
        ] {
            let path = runner.join(name);
            std::fs::write(&path, text).map_err(Error::io("cannot write", &path))?;
        }
        Ok(Scratch {
            dir,
            started: std::cell::Cell::new(0),
            _guard: guard,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn runner(&self) -> PathBuf {
        self.dir.path().join("runner")
    }

    /// A file name for the next pytest process: `{stem}-{n}.{extension}`.
    fn next(&self) -> usize {
        self.started.set(self.started.get() + 1);
        self.started.get()
    }
}

/// Runs pytest as `invocation` says and returns one result per test.
pub fn run(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    mut on_event: impl FnMut(Event),
) -> Result<RunResults> {
    let mut tests = Collector::default();
    loop {
        let attempt = scratch.next();
        let report = scratch.runner().join(format!("report-{attempt}.jsonl"));
        let deselect = scratch.runner().join(format!("deselect-{attempt}.txt"));
        std::fs::write(&report, "").map_err(Error::io("cannot write", &report))?;
        let done: Vec<&str> = tests.results.keys().map(String::as_str).collect();
        std::fs::write(&deselect, done.join("\n")).map_err(Error::io("cannot write", &deselect))?;
        let stopped = attempt_run(
            scratch,
            invocation,
            &report,
            &deselect,
            &mut tests,
            &mut on_event,
        )?;
        match stopped {
            // The process ended inside a test (`os._exit`, a crash): that test failed; run
            // what is left, as after a kill.
            Attempt::Exited(status) if tests.current.is_some() => {
                tests.crashed(status);
                if tests.left_over().is_empty() {
                    return tests.finish(status, invocation);
                }
            }
            Attempt::Exited(status) => return tests.finish(status, invocation),
            // A test ran past its limit and the run was killed: run what is left, unless
            // nothing is (or nothing more ran this time, which would loop for ever).
            Attempt::Killed { progress } => {
                if !progress || tests.left_over().is_empty() {
                    return tests.finish(None, invocation);
                }
            }
        }
    }
}

enum Attempt {
    /// pytest ended by itself, with this exit status.
    Exited(Option<i32>),
    /// The runner killed it; `progress`: some test got a result in this attempt.
    Killed { progress: bool },
}

fn spawn(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    report: &Path,
    deselect: &Path,
) -> Result<(Child, PathBuf)> {
    let mut command = Command::new(invocation.python);
    if invocation.requirements.is_some() {
        // -E: no PYTHONPATH, PYTHONSTARTUP or other PYTHON* variable reaches the run.
        command.arg("-E");
    }
    // pytest's own output goes to a file: a process a test leaves behind may hold it open,
    // and a pipe would then never end.
    let console = report.with_extension("log");
    let log = std::fs::File::create(&console).map_err(Error::io("cannot write", &console))?;
    let log_too = log
        .try_clone()
        .map_err(Error::io("cannot write", &console))?;
    command
        .arg("-B")
        .arg(scratch.runner().join("skillforge_pytest_launch.py"))
        .args(["-p", "no:cacheprovider"])
        // A module that fails to import costs its own tests, not every other task's.
        .args(["--continue-on-collection-errors", "--tb=short", "-q"])
        .arg(format!(
            "--basetemp={}",
            scratch.path().join("tmp").display()
        ))
        .args(&invocation.args)
        .current_dir(invocation.cwd)
        .env("SKILLFORGE_REPORT", report)
        .env("SKILLFORGE_DESELECT", deselect)
        .env(
            "SKILLFORGE_TIMEOUT",
            invocation.timeout.as_secs_f64().to_string(),
        )
        .env(
            "SKILLFORGE_ROOTS",
            std::env::join_paths(&invocation.roots).unwrap_or_default(),
        )
        .env(interrupt::MARKER, scratch.path())
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_too);
    if let Some(package) = &invocation.package {
        command.env("SKILLFORGE_PACKAGE", package);
    }
    if let Some(requirements) = &invocation.requirements {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PYTEST_") {
                command.env_remove(key);
            }
        }
        command.env("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1").env(
            "SKILLFORGE_REQUIREMENTS",
            serde_json::to_string(requirements).expect("strings serialize"),
        );
    } else {
        command.env("PYTHONDONTWRITEBYTECODE", "1");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: one signal stops pytest and whatever a test started.
        command.process_group(0);
    }
    let child = command
        .spawn()
        .map_err(Error::io("cannot run", invocation.python))?;
    Ok((child, console))
}

fn attempt_run(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    report: &Path,
    deselect: &Path,
    tests: &mut Collector,
    on_event: &mut impl FnMut(Event),
) -> Result<Attempt> {
    let (mut child, console) = spawn(scratch, invocation, report, deselect)?;
    let _guard = interrupt::kill_on_interrupt(child.id(), scratch.path().to_path_buf());
    let mut lines = std::io::BufReader::new(
        std::fs::File::open(report).map_err(Error::io("cannot read", report))?,
    );
    let mut pending = String::new();
    let before = tests.results.len();
    let mut since = Instant::now();
    let stopped = loop {
        let exited = child
            .try_wait()
            .map_err(Error::io("cannot wait for", invocation.python))?;
        // Read whatever the plugin wrote; a line without its newline is not complete yet.
        loop {
            let mut chunk = String::new();
            if lines.read_line(&mut chunk).unwrap_or(0) == 0 {
                break;
            }
            pending.push_str(&chunk);
            if pending.ends_with('\n') {
                match serde_json::from_str::<Line>(&pending) {
                    Ok(line) => {
                        since = Instant::now();
                        tests.take(line, on_event);
                    }
                    Err(_) => tests.unreadable += 1,
                }
                pending.clear();
            }
        }
        if let Some(status) = exited {
            // Killed by the interrupt handler: it exits the process; report nothing.
            interrupt::wait_if_interrupted();
            // Whatever a test started in the background goes with the run.
            interrupt::kill_group(child.id());
            interrupt::kill_marked(scratch.path());
            break Attempt::Exited(status.code());
        }
        // Importing and collecting have a limit too: an endless loop at a module's top level.
        let limit = match tests.current {
            Some(_) => invocation.timeout,
            None => collect_limit(invocation.timeout),
        };
        if since.elapsed() > limit + GRACE {
            interrupt::kill_group(child.id());
            interrupt::kill_marked(scratch.path());
            let _ = child.kill();
            let _ = child.wait();
            tests.stopped(invocation.timeout, collect_limit(invocation.timeout));
            break Attempt::Killed {
                progress: tests.results.len() > before,
            };
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    tests.console = read_tail(&console);
    Ok(stopped)
}

/// How long importing the tests may take: modules of a data science stack load slowly, and
/// the plugin allows the same (`_COLLECT_TIMEOUT`).
fn collect_limit(timeout: Duration) -> Duration {
    (3 * timeout).max(Duration::from_secs(30))
}

/// How much of pytest's own output is kept: its end, which says why it could not run.
const CONSOLE_KEPT: u64 = 64 * 1024;

/// The last `CONSOLE_KEPT` bytes of a log, so an endless print cannot fill the memory.
fn read_tail(path: &Path) -> String {
    use std::io::{Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return String::new();
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(size.saturating_sub(CONSOLE_KEPT)));
    let mut bytes = Vec::new();
    let _ = file.take(CONSOLE_KEPT).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The phases read of one test.
#[derive(Debug, Default)]
struct Phases {
    result: Option<TestResult>,
    setup: bool,
    call: bool,
    teardown: bool,
}

/// Folds the events of a run (or of several, after a kill) into one result per test.
#[derive(Default)]
struct Collector {
    /// Every test collected, in order, with its source.
    collected: Vec<(String, String)>,
    /// pytest said it had collected the tests.
    saw_collection: bool,
    phases: BTreeMap<String, Phases>,
    /// Tests with a final result, and files that could not be collected.
    results: BTreeMap<String, TestResult>,
    order: Vec<String>,
    /// The test running now (started, not torn down).
    current: Option<String>,
    wheres: BTreeMap<String, CodeError>,
    setup_error: Option<SetupError>,
    /// Lines that were not valid events: their tests stay unread, so failed.
    unreadable: usize,
    /// What pytest printed, for when it could not run at all.
    console: String,
}

impl Collector {
    fn take(&mut self, line: Line, on_event: &mut impl FnMut(Event)) {
        match line {
            Line::Collected { count } => {
                self.saw_collection = true;
                on_event(Event::Collected(count + self.results.len()));
            }
            Line::Source { nodeid, code } => {
                if !self.collected.iter().any(|(id, _)| *id == nodeid) {
                    self.collected.push((nodeid, code));
                }
            }
            Line::CollectWhere {
                nodeid,
                message,
                location,
            } => {
                if !location.is_empty() {
                    self.wheres.insert(nodeid, CodeError { location, message });
                }
            }
            Line::CollectError {
                nodeid,
                message,
                output,
            } => {
                let code_error = self.wheres.remove(&nodeid);
                self.record(TestResult {
                    nodeid,
                    outcome: Outcome::Error,
                    message,
                    output,
                    collect_error: true,
                    code: String::new(),
                    timed_out: false,
                    code_error,
                });
            }
            Line::SetupError {
                path,
                message,
                location,
                timeout,
            } => {
                let message = if timeout {
                    format!("{message} (an endless loop?)")
                } else {
                    message
                };
                self.setup_error = Some(SetupError {
                    path,
                    code_error: (!location.is_empty()).then(|| CodeError {
                        location,
                        message: message.clone(),
                    }),
                    message,
                });
            }
            Line::Start { nodeid } => self.current = Some(nodeid),
            Line::Phase {
                nodeid,
                when,
                outcome,
                message,
                output,
                stdout,
                timeout,
            } => self.phase(
                nodeid, &when, &outcome, message, output, stdout, timeout, on_event,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn phase(
        &mut self,
        nodeid: String,
        when: &str,
        outcome: &str,
        message: String,
        output: String,
        stdout: String,
        timeout: bool,
        on_event: &mut impl FnMut(Event),
    ) {
        if self.results.contains_key(&nodeid) {
            return;
        }
        let code = self.code_of(&nodeid);
        let entry = self.phases.entry(nodeid.clone()).or_default();
        let result = entry.result.get_or_insert_with(|| TestResult {
            nodeid: nodeid.clone(),
            outcome: Outcome::Passed,
            message: String::new(),
            output: String::new(),
            collect_error: false,
            code,
            timed_out: false,
            code_error: None,
        });
        let this = match (outcome, when) {
            ("passed", _) => Outcome::Passed,
            ("failed", "call") => Outcome::Failed,
            ("failed", _) => Outcome::Error,
            ("skipped", _) => Outcome::Skipped,
            // An outcome this build does not know is not a pass.
            _ => Outcome::Error,
        };
        // The first phase that did not pass decides; later phases only add output.
        if result.outcome == Outcome::Passed && this != Outcome::Passed {
            result.outcome = this;
            result.message = message;
            result.output = output;
            result.timed_out = timeout;
        }
        if !stdout.is_empty() {
            result.output.push_str(&stdout);
        }
        match when {
            "setup" => entry.setup = true,
            "call" => entry.call = true,
            "teardown" => entry.teardown = true,
            _ => {}
        }
        if when == "teardown" {
            let phases = self.phases.remove(&nodeid).unwrap_or_default();
            let mut result = phases.result.expect("a phase was read");
            // A skip at set-up has no call; anything else needs all three read.
            let complete = phases.setup
                && phases.teardown
                && (phases.call || result.outcome != Outcome::Passed);
            if !complete {
                unread(&mut result, "not every phase of it was reported");
            }
            self.record(result);
            self.current = None;
            on_event(Event::Finished(self.results.len()));
        }
    }

    /// Keeps the first result of a test: later lines for it (forged, say) change nothing.
    fn record(&mut self, result: TestResult) {
        if self.results.contains_key(&result.nodeid) {
            return;
        }
        self.order.push(result.nodeid.clone());
        self.results.insert(result.nodeid.clone(), result);
    }

    /// The runner killed the run: the running test timed out, and the tests left in its
    /// file are not run (they would most likely wait as long). With no test running, the
    /// tests never finished importing.
    fn stopped(&mut self, limit: Duration, collect_limit: Duration) {
        let Some(nodeid) = self.current.take() else {
            self.setup_error = Some(SetupError {
                path: "the tests".into(),
                message: format!(
                    "importing the tests did not finish within {} s (an endless loop at the \
                     top level of a module?)",
                    collect_limit.as_secs()
                ),
                code_error: None,
            });
            return;
        };
        self.abandon(
            nodeid,
            format!(
                "timed out after {} s, and did not stop when asked (an endless loop?)",
                limit.as_secs()
            ),
            true,
        );
    }

    /// The process ended inside the running test.
    fn crashed(&mut self, status: Option<i32>) {
        if let Some(nodeid) = self.current.take() {
            let status = status.map_or("none".to_string(), |c| c.to_string());
            self.abandon(
                nodeid,
                format!(
                    "the test run ended during this test (exit status {status}): the code \
                     under test exited or crashed the interpreter"
                ),
                false,
            );
        }
    }

    /// Fails `nodeid`, which never finished, and skips the tests left in its file: they
    /// would most likely end the same way.
    fn abandon(&mut self, nodeid: String, message: String, timed_out: bool) {
        self.phases.remove(&nodeid);
        let code = self.code_of(&nodeid);
        self.record(TestResult {
            nodeid: nodeid.clone(),
            outcome: Outcome::Failed,
            message,
            output: String::new(),
            collect_error: false,
            code,
            timed_out,
            code_error: None,
        });
        let file = nodeid.split("::").next().unwrap_or(&nodeid).to_string();
        let beside: Vec<String> = self
            .left_over()
            .into_iter()
            .filter(|id| id.split("::").next() == Some(file.as_str()))
            .map(str::to_string)
            .collect();
        for id in beside {
            let code = self.code_of(&id);
            self.record(TestResult {
                nodeid: id,
                outcome: Outcome::Skipped,
                message: format!(
                    "not run: {nodeid} did not finish, and the tests beside it would not either"
                ),
                output: String::new(),
                collect_error: false,
                code,
                timed_out: false,
                code_error: None,
            });
        }
    }

    fn code_of(&self, nodeid: &str) -> String {
        self.collected
            .iter()
            .find(|(id, _)| id == nodeid)
            .map(|(_, code)| code.clone())
            .unwrap_or_default()
    }

    /// Collected tests that have no result yet.
    fn left_over(&self) -> Vec<&str> {
        self.collected
            .iter()
            .map(|(id, _)| id.as_str())
            .filter(|id| !self.results.contains_key(*id))
            .collect()
    }

    fn finish(mut self, status: Option<i32>, invocation: &Invocation<'_>) -> Result<RunResults> {
        if self.setup_error.is_some() {
            return Ok(RunResults {
                tests: Vec::new(),
                setup_error: self.setup_error,
            });
        }
        // 0: all passed, 1: some failed, 5: nothing collected; anything else means pytest
        // itself could not run (bad options, a plugin missing, ...).
        let ran = !self.collected.is_empty() || !self.results.is_empty();
        if let (Some(code), false, false) = (status, ran, self.saw_collection) {
            if matches!(code, 0 | 1 | 5) {
                // pytest never got to say what it collected: the code the tests import
                // ended the process (`os._exit`) while they were being imported.
                return Ok(RunResults {
                    tests: Vec::new(),
                    setup_error: Some(SetupError {
                        path: String::new(),
                        message: format!(
                            "the test run ended while the tests were being imported (exit \
                             status {code}): the code they import ended the process"
                        ),
                        code_error: None,
                    }),
                });
            }
        }
        match status {
            Some(0 | 1 | 5) | None => {}
            Some(_) if ran => {}
            Some(code) => {
                return Err(Error::Environment {
                    message: format!(
                        "pytest could not run the tests with {} (exit status {code}):\n{}",
                        invocation.python.display(),
                        tail(&self.console, 30)
                    ),
                });
            }
        }
        // Fail closed: a collected test without a complete, readable result did not pass.
        let why = if self.unreadable > 0 {
            "its result could not be read"
        } else {
            "the test run ended before it finished"
        };
        let left: Vec<String> = self.left_over().into_iter().map(str::to_string).collect();
        for nodeid in left {
            let code = self
                .collected
                .iter()
                .find(|(id, _)| *id == nodeid)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            let mut result = self
                .phases
                .remove(&nodeid)
                .and_then(|p| p.result)
                .unwrap_or(TestResult {
                    nodeid: nodeid.clone(),
                    outcome: Outcome::Passed,
                    message: String::new(),
                    output: String::new(),
                    collect_error: false,
                    code,
                    timed_out: false,
                    code_error: None,
                });
            unread(&mut result, why);
            self.record(result);
        }
        let tests = self
            .order
            .iter()
            .filter_map(|id| self.results.remove(id))
            .collect();
        Ok(RunResults {
            tests,
            setup_error: None,
        })
    }
}

/// Marks a result that was not read whole as an error, keeping a failure already read.
fn unread(result: &mut TestResult, why: &str) {
    if result.outcome == Outcome::Passed {
        result.outcome = Outcome::Error;
        result.message = format!("not counted: {why}");
    }
}
