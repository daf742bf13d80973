//! From test results to task results: which tests belong to which task, whether each task
//! passes, and the machine-readable `results.json` (the Exercism test-runner v3 shape, with
//! each test's task and skills added, and a summary per task).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::runner::{Outcome, TestResult};
use crate::error::{Error, Result};
use crate::origin::{Origin, OriginTask};
use crate::test_parts::file_of;

pub const RESULTS_PATH: &str = ".skillforge/results.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Pass,
    Fail,
    /// Its tests were edited since the project was made: not counted.
    TestsChanged,
    /// No test of the task was found (deleted, or renamed).
    NoTests,
    /// Not checked yet.
    Unknown,
}

impl TaskStatus {
    pub fn passed(self) -> bool {
        self == TaskStatus::Pass
    }
}

/// One task after a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskResult {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub status: TaskStatus,
    pub passed: usize,
    pub total: usize,
    /// Task test entries (files, or classes in a file) edited since the project was made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_tests: Vec<String>,
}

/// Whether `nodeid` (a test, or a file that failed to collect) belongs to the task entry
/// `selector` (a path, or a node-id prefix such as `tests/x.py::TestY`).
pub fn belongs(nodeid: &str, selector: &str, collect_error: bool) -> bool {
    let within = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with("::") || rest.starts_with('['))
    };
    within(selector, nodeid) || (collect_error && within(nodeid, selector))
}

/// The task a test belongs to, if any (the others are harness tests).
pub fn task_of<'a>(origin: &'a Origin, result: &TestResult) -> Option<&'a OriginTask> {
    origin.tasks.iter().find(|t| {
        t.tests
            .iter()
            .any(|s| belongs(&result.nodeid, s, result.collect_error))
    })
}

/// The test entries of `task` (files, or classes in a file) whose part no longer matches the
/// checksum taken at generation.
pub fn changed_tests(root: &Path, origin: &Origin, task: &OriginTask) -> Vec<String> {
    let mut changed: Vec<String> = task
        .tests
        .iter()
        .filter(|entry| {
            let Some(expected) = origin.checksums.get(entry.as_str()) else {
                return false;
            };
            match std::fs::read(root.join(file_of(entry))) {
                Ok(bytes) => &origin.entry_checksum(entry, &bytes) != expected,
                Err(_) => true,
            }
        })
        .cloned()
        .collect();
    changed.dedup();
    changed
}

/// Judges `task` from the results of a run.
pub fn judge(
    root: &Path,
    origin: &Origin,
    task: &OriginTask,
    results: &[TestResult],
) -> TaskResult {
    let mine: Vec<&TestResult> = results
        .iter()
        .filter(|r| {
            task.tests
                .iter()
                .any(|s| belongs(&r.nodeid, s, r.collect_error))
        })
        .collect();
    let passed = mine.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let changed_tests = changed_tests(root, origin, task);
    let status = if !changed_tests.is_empty() {
        TaskStatus::TestsChanged
    } else if mine.is_empty() {
        TaskStatus::NoTests
    } else if passed == mine.len() {
        TaskStatus::Pass
    } else {
        TaskStatus::Fail
    };
    TaskResult {
        id: task.id.clone(),
        number: task.number,
        title: task.title.clone(),
        status,
        passed,
        total: mine.len(),
        changed_tests,
    }
}

/// `results.json`: Exercism's v3 shape (`version`, `status`, `message`, `tests` with
/// `name`, `status`, `message`, `output`, `test_code`, `task_id`), plus `task` and `skills`
/// on each test and a `tasks` summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub status: String,
    pub message: Option<String>,
    pub tests: Vec<ReportTest>,
    pub tasks: Vec<TaskResult>,
    /// When the run happened (RFC 3339, UTC).
    pub checked_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportTest {
    pub name: String,
    pub status: String,
    pub message: Option<String>,
    pub output: Option<String>,
    pub test_code: String,
    pub task_id: Option<usize>,
    pub task: Option<String>,
    pub skills: Vec<String>,
}

impl Report {
    pub fn new(origin: &Origin, results: &[TestResult], tasks: Vec<TaskResult>) -> Report {
        let tests: Vec<ReportTest> = results
            .iter()
            .map(|r| {
                let task = task_of(origin, r);
                let status = match r.outcome {
                    Outcome::Passed => "pass",
                    Outcome::Failed | Outcome::Skipped => "fail",
                    Outcome::Error => "error",
                };
                ReportTest {
                    name: r.nodeid.clone(),
                    status: status.into(),
                    message: (!r.message.is_empty()).then(|| r.message.clone()),
                    output: (!r.output.is_empty()).then(|| r.output.clone()),
                    test_code: r.code.clone(),
                    task_id: task.map(|t| t.number),
                    task: task.map(|t| t.id.clone()),
                    skills: task.map(|t| t.skills.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let broken = tests.iter().any(|t| t.status == "error");
        let all_pass =
            tasks.iter().all(|t| t.status.passed()) && tests.iter().all(|t| t.status == "pass");
        let status = if all_pass {
            "pass"
        } else if broken {
            "error"
        } else {
            "fail"
        };
        let message = broken.then(|| {
            "some tests could not run (a module failed to import, or a fixture broke)".to_string()
        });
        Report {
            version: 3,
            status: status.into(),
            message,
            tests,
            tasks,
            checked_at: now_rfc3339(),
        }
    }

    pub fn write(&self, root: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("the report serializes");
        crate::fsutil::write_atomic(&root.join(RESULTS_PATH), text.as_bytes())
    }

    /// The last report, if `check` has run and it is readable.
    pub fn read(root: &Path) -> Option<Report> {
        let text = std::fs::read_to_string(root.join(RESULTS_PATH)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Task statuses by id.
    pub fn statuses(&self) -> BTreeMap<&str, TaskStatus> {
        self.tasks
            .iter()
            .map(|t| (t.id.as_str(), t.status))
            .collect()
    }
}

fn now_rfc3339() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Records the current checksums of `task`'s test entries as the expected ones.
pub fn accept_test_changes(root: &Path, origin: &mut Origin, task: &OriginTask) -> Result<()> {
    for entry in &task.tests {
        let file = root.join(file_of(entry));
        let bytes = std::fs::read(&file).map_err(Error::io("cannot read", &file))?;
        let sum = origin.entry_checksum(entry, &bytes);
        origin.checksums.insert(entry.clone(), sum);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::belongs;

    #[test]
    fn tests_belong_to_files_classes_and_parameters() {
        let file = "tests/tasks/test_a.py";
        assert!(belongs("tests/tasks/test_a.py::test_x", file, false));
        assert!(belongs(
            "tests/tasks/test_a.py::TestB::test_x[1]",
            file,
            false
        ));
        assert!(!belongs("tests/tasks/test_ab.py::test_x", file, false));
        let class = "tests/addons/test_docker.py::TestRuntime";
        assert!(belongs(
            "tests/addons/test_docker.py::TestRuntime::test_cmd",
            class,
            false
        ));
        assert!(!belongs(
            "tests/addons/test_docker.py::TestRuntimeX::test",
            class,
            false
        ));
        assert!(!belongs(
            "tests/addons/test_docker.py::TestCompose::test",
            class,
            false
        ));
        // A file that failed to import takes every class in it down.
        assert!(belongs("tests/addons/test_docker.py", class, true));
        assert!(!belongs("tests/addons/test_docker.py", class, false));
        assert!(belongs(
            "tests/x.py::test_p[a::b]",
            "tests/x.py::test_p",
            false
        ));
    }
}
