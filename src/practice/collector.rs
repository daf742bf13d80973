//! The results of a pytest run, read from the lines skillforge's plugin writes (see
//! `pytest_plugin.py`): one result per test, folded from its phases.
//!
//! Reading fails closed: a test counts as passed only when its set-up, call and tear-down
//! were each read as passed, and its first result is its result (lines written later, forged
//! say, change nothing). A line that cannot be read, a run that ends early, a test stopped
//! for running too long: each leaves the tests concerned failed, never passed.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::runner::Event;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    /// Broke outside the test body: a fixture, the module's import, its collection; or its
    /// result could not be read.
    Error,
    Skipped,
    /// Collected, but not run: the run stopped at the first test that did not pass
    /// (`check --exitfirst`). It passed no more than it failed.
    NotRun,
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

impl TestResult {
    /// A result with no output, no collection error and no timeout.
    fn of(nodeid: String, outcome: Outcome, message: String, code: String) -> TestResult {
        TestResult {
            nodeid,
            outcome,
            message,
            output: String::new(),
            collect_error: false,
            code,
            timed_out: false,
            code_error: None,
        }
    }
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

impl RunResults {
    /// Whether `--exitfirst` stopped the run (some test was not run): such a run never
    /// passes, since it stops only after a test that did not.
    pub fn stopped(&self) -> bool {
        self.tests.iter().any(|t| t.outcome == Outcome::NotRun)
    }
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
    /// Every test has been reported.
    Finished,
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
pub(super) struct Collector {
    /// Every test collected, in order, with its source.
    collected: Vec<(String, String)>,
    /// pytest said it had collected the tests.
    saw_collection: bool,
    /// pytest said every test was reported.
    pub(super) session_finished: bool,
    phases: BTreeMap<String, Phases>,
    /// Tests with a final result, and files that could not be collected.
    pub(super) results: BTreeMap<String, TestResult>,
    order: Vec<String>,
    /// The test running now (started, not torn down).
    pub(super) current: Option<String>,
    wheres: BTreeMap<String, CodeError>,
    setup_error: Option<SetupError>,
    /// Lines that were not valid events: their tests stay unread, so failed.
    pub(super) unreadable: usize,
    /// What pytest printed, for when it could not run at all.
    pub(super) console: String,
    /// The run stops at the first test that does not pass (`check --exitfirst`): the tests
    /// left then are not run, rather than failed.
    pub(super) exitfirst: bool,
}

impl Collector {
    /// Takes one line of the report; a line that is not a valid event counts as unreadable.
    /// Only a line that carries `token` (the run's secret, which the plugin alone was given)
    /// is one of the plugin's: others are counted, not read.
    pub(super) fn read_line(&mut self, line: &str, token: &str, on_event: &mut impl FnMut(Event)) {
        #[derive(Deserialize)]
        struct Stamp {
            token: String,
        }
        let stamped = serde_json::from_str::<Stamp>(line).is_ok_and(|s| s.token == token);
        match serde_json::from_str::<Line>(line) {
            Ok(line) if stamped => self.take(line, on_event),
            _ => self.unreadable += 1,
        }
    }

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
                    output,
                    collect_error: true,
                    code_error,
                    ..TestResult::of(nodeid, Outcome::Error, message, String::new())
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
                // The first reason given is the one to show.
                self.setup_error.get_or_insert(SetupError {
                    path,
                    code_error: (!location.is_empty()).then(|| CodeError {
                        location,
                        message: message.clone(),
                    }),
                    message,
                });
            }
            Line::Start { nodeid } => self.current = Some(nodeid),
            Line::Finished => self.session_finished = true,
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
        let result = entry.result.get_or_insert_with(|| {
            TestResult::of(nodeid.clone(), Outcome::Passed, String::new(), code)
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
    pub(super) fn stopped(&mut self, limit: Duration, collect_limit: Duration) {
        if self.session_finished {
            // Every test was reported; the process only failed to end (a thread left running).
            return;
        }
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
    pub(super) fn crashed(&mut self, status: Option<i32>) {
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
            timed_out,
            ..TestResult::of(nodeid.clone(), Outcome::Failed, message, code)
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
            let message = format!(
                "not run: {nodeid} did not finish, and the tests beside it would not either"
            );
            self.record(TestResult::of(id, Outcome::Skipped, message, code));
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
    pub(super) fn left_over(&self) -> Vec<&str> {
        self.collected
            .iter()
            .map(|(id, _)| id.as_str())
            .filter(|id| !self.results.contains_key(*id))
            .collect()
    }

    /// The results, once pytest has ended with `status` (`None`: killed).
    pub(super) fn finish(mut self, status: Option<i32>, python: &Path) -> Result<RunResults> {
        let setup_error = self
            .setup_error
            .take()
            .or_else(|| self.ended_while_importing(status));
        if setup_error.is_some() {
            return Ok(RunResults {
                tests: Vec::new(),
                setup_error,
            });
        }
        self.check_status(status, python)?;
        self.fail_unread();
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

    /// pytest never said what it collected, yet ended by itself: the code the tests import
    /// ended the process (`os._exit`) while they were being imported.
    fn ended_while_importing(&self, status: Option<i32>) -> Option<SetupError> {
        let code = status.filter(|c| matches!(c, 0 | 1 | 5))?;
        (!self.ran() && !self.saw_collection).then(|| SetupError {
            path: String::new(),
            message: format!(
                "the test run ended while the tests were being imported (exit status {code}): \
                 the code they import ended the process"
            ),
            code_error: None,
        })
    }

    /// Whether pytest collected a test or reported a result.
    pub(super) fn ran(&self) -> bool {
        !self.collected.is_empty() || !self.results.is_empty()
    }

    /// 0: all passed, 1: some failed, 5: nothing collected; any other status with no test
    /// run means pytest itself could not run (bad options, a plugin missing, ...).
    fn check_status(&self, status: Option<i32>, python: &Path) -> Result<()> {
        match status {
            Some(code) if !self.ran() && !matches!(code, 0 | 1 | 5) => Err(Error::Environment {
                message: format!(
                    "pytest could not run the tests with {} (exit status {code}):\n{}",
                    python.display(),
                    tail(&self.console, 30)
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Whether the run stops here: `--exitfirst`, and a test failed or errored (as the
    /// plugin stops: not at a skip, nor at a file that did not import).
    pub(super) fn stopped_first(&self) -> bool {
        self.exitfirst
            && self
                .results
                .values()
                .any(|r| matches!(r.outcome, Outcome::Failed | Outcome::Error) && !r.collect_error)
    }

    /// Fails closed: a collected test without a complete, readable result did not pass.
    /// After a failure under `--exitfirst`, a test of which nothing was read is not run.
    fn fail_unread(&mut self) {
        let why = if self.unreadable > 0 {
            "its result could not be read"
        } else {
            "the test run ended before it finished"
        };
        let stopped = self.stopped_first();
        let left: Vec<String> = self.left_over().into_iter().map(str::to_string).collect();
        for nodeid in left {
            let code = self.code_of(&nodeid);
            if stopped && !self.phases.contains_key(&nodeid) {
                let message = "not run: check stopped at the first test that did not pass \
                               (--exitfirst)"
                    .to_string();
                self.record(TestResult::of(nodeid, Outcome::NotRun, message, code));
                continue;
            }
            let mut result = self
                .phases
                .remove(&nodeid)
                .and_then(|p| p.result)
                .unwrap_or_else(|| TestResult::of(nodeid, Outcome::Passed, String::new(), code));
            unread(&mut result, why);
            self.record(result);
        }
    }
}

/// Marks a result that was not read whole as an error, keeping a failure already read.
fn unread(result: &mut TestResult, why: &str) {
    if result.outcome == Outcome::Passed {
        result.outcome = Outcome::Error;
        result.message = format!("not counted: {why}");
    }
}
