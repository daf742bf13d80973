//! `.skillforge/results.json`, the last check's results: which tests belong to which task,
//! whether each task passes, and the file itself (the Exercism test-runner v3 shape, with
//! each test's task and skills added, and a summary per task). It is the check's output,
//! git-ignored and rewritten on every run, so it lives with the checking, not in `record`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::collector::{Outcome, TestResult};
use crate::error::Result;
use crate::record::origin::{Origin, OriginTask};

/// Where the last check's results live in a project (git-ignored).
pub const RESULTS_PATH: &str = ".skillforge/results.json";

/// The points a task is worth, all or nothing: in `results.json` and in the classroom
/// workflow's graded steps alike (partial credit is by task).
pub const TASK_POINTS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Pass,
    Fail,
    /// No test of the task was found (its entry names nothing the blueprint ships).
    NoTests,
    /// Not checked yet, or the last check could not run the tests. Reports of older
    /// builds said `tests-changed` for a task whose tests were edited: not graded then.
    #[serde(alias = "tests-changed")]
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
    /// An optional task: it exercises none of the skills the learner asked for.
    #[serde(default)]
    pub stretch: bool,
    /// Task test entries the learner edited: graded with the blueprint's version instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_tests: Vec<String>,
    /// Task test files graded with the learner's accepted edits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_tests: Vec<String>,
    /// Graded with accepted (edited) tests, so it earns no points whatever its status:
    /// points come from the blueprint's own tests alone (`check --shipped-tests-only`
    /// grades every task with them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub graded_with_accepted_tests: bool,
    /// How many of its tests ran past their time limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timed_out: usize,
    /// The points it earned: `max_points` when it passes, else none.
    #[serde(default)]
    pub points: u32,
    /// The points it is worth (`TASK_POINTS`).
    #[serde(default = "task_points")]
    pub max_points: u32,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn task_points() -> u32 {
    TASK_POINTS
}

impl TaskResult {
    /// A task no run has judged.
    pub fn unknown(task: &OriginTask) -> TaskResult {
        TaskResult {
            id: task.id.clone(),
            number: task.number,
            title: task.title.clone(),
            status: TaskStatus::Unknown,
            passed: 0,
            total: 0,
            stretch: task.stretch,
            changed_tests: vec![],
            accepted_tests: vec![],
            graded_with_accepted_tests: false,
            timed_out: 0,
            points: 0,
            max_points: TASK_POINTS,
        }
    }

    /// Sets `points` from the status: all of them when the task passes with the
    /// blueprint's own tests, else none.
    fn score(&mut self) {
        self.graded_with_accepted_tests = !self.accepted_tests.is_empty();
        self.points = if self.status.passed() && !self.graded_with_accepted_tests {
            self.max_points
        } else {
            0
        };
    }
}

/// Whether `nodeid` (a test, or a file that failed to collect) belongs to the task entry
/// `selector`: a folder (`tests/tasks`), a file, or a node-id prefix (`tests/x.py::TestY`).
pub fn belongs(nodeid: &str, selector: &str, collect_error: bool) -> bool {
    let selector = selector.trim_end_matches('/');
    let within = |outer: &str, inner: &str| {
        inner == outer
            || inner.strip_prefix(outer).is_some_and(|rest| {
                rest.starts_with("::")
                    || rest.starts_with('[')
                    // A folder holds the files below it.
                    || (rest.starts_with('/') && !outer.contains("::"))
            })
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

/// The results among `results` that are `task`'s (its test entries' tests, and its files
/// that could not be collected).
pub fn of_task<'a>(task: &OriginTask, results: &'a [TestResult]) -> Vec<&'a TestResult> {
    results
        .iter()
        .filter(|r| {
            task.tests
                .iter()
                .any(|s| belongs(&r.nodeid, s, r.collect_error))
        })
        .collect()
}

/// Judges `task` from the graded run's results. Fails closed: the task passes only when it
/// has tests and every one of them was read as passed.
pub fn judge(task: &OriginTask, results: &[TestResult]) -> TaskResult {
    let mine = of_task(task, results);
    let passed = mine.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let status = if mine.is_empty() {
        TaskStatus::NoTests
    } else if passed == mine.len() {
        TaskStatus::Pass
    } else {
        TaskStatus::Fail
    };
    TaskResult {
        status,
        passed,
        total: mine.len(),
        timed_out: mine.iter().filter(|r| r.timed_out).count(),
        ..TaskResult::unknown(task)
    }
}

/// Who a test in the report belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A test of a task: graded.
    Task,
    /// A test of the project's set-up that belongs to no task.
    Harness,
    /// A test the learner wrote: run, never graded.
    Learner,
}

/// `results.json`: Exercism's v3 shape (`version`, `status`, `message`, `tests` with
/// `name`, `status`, `message`, `output`, `test_code`, `task_id`), plus `task`, `skills` and
/// `role` on each test and a `tasks` summary.
///
/// As in v3, the top-level `status` is `error` only when the tests could not run, with
/// `message` saying why; `fail` when any test ran and did not pass; `pass` otherwise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub status: String,
    pub message: Option<String>,
    pub tests: Vec<ReportTest>,
    pub tasks: Vec<TaskResult>,
    /// The points the tasks earned, added up.
    #[serde(default)]
    pub points: u32,
    /// The points all the tasks are worth, stretch goals included.
    #[serde(default)]
    pub max_points: u32,
    /// When the run started (RFC 3339, UTC).
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
    #[serde(default = "harness")]
    pub role: Role,
}

fn harness() -> Role {
    Role::Harness
}

impl Report {
    /// The report of a run started at `checked_at` whose graded tests gave `results` (and
    /// the learner's own tests `own`); `error` says why the tests could not run, when they
    /// could not.
    pub fn new(
        origin: &Origin,
        results: &[TestResult],
        own: &[TestResult],
        tasks: Vec<TaskResult>,
        error: Option<String>,
        checked_at: time::OffsetDateTime,
    ) -> Report {
        // A test not run (`--exitfirst`) has no result to report.
        let graded = results
            .iter()
            .filter(|r| r.outcome != Outcome::NotRun)
            .map(|r| (r, task_of(origin, r)));
        let theirs = own.iter().map(|r| (r, None));
        let tests: Vec<ReportTest> = graded
            .map(|(r, task)| {
                (
                    r,
                    task,
                    if task.is_some() {
                        Role::Task
                    } else {
                        Role::Harness
                    },
                )
            })
            .chain(theirs.map(|(r, task)| (r, task, Role::Learner)))
            .map(|(r, task, role)| ReportTest {
                name: r.nodeid.clone(),
                status: match r.outcome {
                    Outcome::Passed => "pass",
                    Outcome::Failed | Outcome::Skipped | Outcome::NotRun => "fail",
                    Outcome::Error => "error",
                }
                .into(),
                message: (!r.message.is_empty()).then(|| r.message.clone()),
                output: (!r.output.is_empty()).then(|| r.output.clone()),
                test_code: r.code.clone(),
                task_id: task.map(|t| t.number),
                task: task.map(|t| t.id.clone()),
                skills: task.map(|t| t.skills.clone()).unwrap_or_default(),
                role,
            })
            .collect();
        let all_pass = tasks.iter().all(|t| t.status.passed() || t.stretch)
            && tests.iter().all(|t| t.status == "pass");
        let status = match (&error, all_pass) {
            (Some(_), _) => "error",
            (None, true) => "pass",
            (None, false) => "fail",
        };
        Report {
            version: 3,
            status: status.into(),
            message: error,
            tests,
            tasks: Vec::new(),
            points: 0,
            max_points: 0,
            checked_at: rfc3339(checked_at),
        }
        .with_tasks(tasks)
    }

    /// The report with `tasks`, each scored from its status, and their points added up.
    fn with_tasks(mut self, mut tasks: Vec<TaskResult>) -> Report {
        tasks.iter_mut().for_each(TaskResult::score);
        self.points = tasks.iter().map(|t| t.points).sum();
        self.max_points = tasks.iter().map(|t| t.max_points).sum();
        self.tasks = tasks;
        self
    }

    /// The report of a check started at `checked_at` that could not run its tests:
    /// `message` says why, and every one of `tasks` is unknown.
    pub fn could_not_run(
        message: String,
        tasks: Vec<TaskResult>,
        checked_at: time::OffsetDateTime,
    ) -> Report {
        Report {
            version: 3,
            status: "error".into(),
            message: Some(message),
            tests: Vec::new(),
            tasks: Vec::new(),
            points: 0,
            max_points: 0,
            checked_at: rfc3339(checked_at),
        }
        .with_tasks(tasks)
    }

    /// The report as `results.json` holds it.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_string_pretty(self)
            .expect("the report serializes")
            .into_bytes()
    }

    /// Writes the report to the project at `root`, whole or not at all.
    pub fn write(&self, root: &Path) -> Result<()> {
        crate::fsutil::write_atomic(&root.join(RESULTS_PATH), &self.to_json())
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

fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
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

#[cfg(test)]
mod tests {
    use super::{Report, TASK_POINTS, TaskResult, TaskStatus, belongs};

    fn task(id: &str, status: TaskStatus, stretch: bool) -> TaskResult {
        TaskResult {
            id: id.into(),
            number: 1,
            title: id.into(),
            status,
            passed: 0,
            total: 0,
            stretch,
            changed_tests: vec![],
            accepted_tests: vec![],
            graded_with_accepted_tests: false,
            timed_out: 0,
            points: 0,
            max_points: TASK_POINTS,
        }
    }

    #[test]
    fn a_task_earns_its_points_only_when_it_passes_and_every_task_counts_in_the_max() {
        let tasks = vec![
            task("a", TaskStatus::Pass, false),
            task("b", TaskStatus::Fail, false),
            task("c", TaskStatus::Pass, true),
            task("d", TaskStatus::Unknown, false),
        ];
        let report = Report::could_not_run("x".into(), vec![], time::OffsetDateTime::UNIX_EPOCH)
            .with_tasks(tasks);
        let points: Vec<u32> = report.tasks.iter().map(|t| t.points).collect();
        assert_eq!(points, [10, 0, 10, 0]);
        assert_eq!((report.points, report.max_points), (20, 40));
    }

    #[test]
    fn a_task_passing_with_accepted_tests_earns_no_points_and_says_why() {
        let mut accepted = task("a", TaskStatus::Pass, false);
        accepted.accepted_tests = vec!["tests/tasks/test_a.py".into()];
        let report = Report::could_not_run("x".into(), vec![], time::OffsetDateTime::UNIX_EPOCH)
            .with_tasks(vec![accepted, task("b", TaskStatus::Pass, false)]);
        let a = &report.tasks[0];
        assert_eq!((a.status, a.points), (TaskStatus::Pass, 0));
        assert!(a.graded_with_accepted_tests);
        assert!(!report.tasks[1].graded_with_accepted_tests);
        assert_eq!((report.points, report.max_points), (10, 20));
    }

    #[test]
    fn a_report_without_points_reads_with_each_task_worth_its_points() {
        let json = r#"{"version":3,"status":"pass","message":null,"tests":[],
            "tasks":[{"id":"a","number":1,"title":"A","status":"pass","passed":1,"total":1}],
            "checked_at":"2026-01-01T00:00:00Z"}"#;
        let report: Report = serde_json::from_str(json).unwrap();
        assert_eq!(report.tasks[0].max_points, TASK_POINTS);
    }

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

    #[test]
    fn a_folder_entry_holds_the_tests_below_it() {
        for folder in ["tests/tasks", "tests/tasks/"] {
            assert!(belongs("tests/tasks/test_a.py::test_x", folder, false));
            assert!(belongs(
                "tests/tasks/deep/test_b.py::TestC::test_d",
                folder,
                false
            ));
            assert!(belongs("tests/tasks/test_a.py", folder, true));
            assert!(!belongs(
                "tests/tasks_other/test_a.py::test_x",
                folder,
                false
            ));
            assert!(!belongs("tests/test_harness.py::test_x", folder, false));
        }
        // A collect error of the parent folder takes the entry down too.
        assert!(belongs("tests", "tests/tasks", true));
    }
}
