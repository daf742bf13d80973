//! Grading that cannot be fooled, and a runner that never hangs, never false-passes and never
//! leaves a mess: `check` on a small blueprint's project, in a venv that has pytest alone.
//!
//! Each test is an input a tempted learner (or bad luck) could produce; each failed on the
//! runner that graded the working copy's tests in place.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::python::{run_ok, tools, uv};
use crate::support::{Output, sf};

/// A base blueprint with a conftest fixture, one harness test, and three tasks: one test
/// file, one that needs the first, and one whose tests are a folder.
fn write_blueprint(dir: &Path) {
    let files: &[(&str, &str)] = &[
        (
            "blueprint.toml",
            r#"schema = 1
id = "mini"
kind = "base"
version = "1.0.0"
title = "Mini calculator"
summary = "A calculator in three functions"
difficulty = "beginner"
hours = 1
skills = ["pytest", "logging"]
harness = ["tests/test_harness.py"]
test-timeout = 3

[python.groups]
test = ["pytest>=9"]

[pyproject.tool.pytest]
pythonpath = ["src"]

[[tasks]]
id = "add"
title = "Add"
summary = "Add two numbers"
skills = ["pytest"]
hints = ["Use +", "return a + b"]
tests = ["tests/tasks/test_add.py"]
files = ["src/{{project.package}}/calc.py"]

[[tasks]]
id = "greet"
title = "Greet"
summary = "Greet someone"
skills = ["logging"]
requires = ["add"]
hints = ["An f-string"]
tests = ["tests/tasks/test_greet.py"]

[[tasks]]
id = "shout"
title = "Shout"
summary = "Upper-case a word"
skills = ["logging"]
hints = ["str.upper"]
tests = ["tests/shout"]
"#,
        ),
        ("template/src/{{project.package}}/__init__.py", ""),
        (
            "template/src/{{project.package}}/calc.py",
            "def add(a: int, b: int) -> int:\n    raise NotImplementedError\n\n\n\
             def greet(name: str) -> str:\n    raise NotImplementedError\n\n\n\
             def shout(word: str) -> str:\n    raise NotImplementedError\n",
        ),
        (
            "template/tests/conftest.py.hbs",
            "import pytest\n\nimport {{project.package}}\n\n\n@pytest.fixture\n\
             def numbers() -> tuple[int, int]:\n    return (2, 3)\n",
        ),
        (
            "template/tests/test_harness.py.hbs",
            "import {{project.package}}\n\n\ndef test_imports() -> None:\n    \
             assert {{project.package}}\n",
        ),
        (
            "template/tests/tasks/test_add.py.hbs",
            "from {{project.package}}.calc import add\n\n\n\
             def test_add(numbers: tuple[int, int]) -> None:\n    assert add(*numbers) == 5\n\n\n\
             def test_add_negative() -> None:\n    assert add(-1, -1) == -2\n",
        ),
        (
            "template/tests/tasks/test_greet.py.hbs",
            "from {{project.package}}.calc import greet\n\n\n\
             def test_greet() -> None:\n    assert greet(\"café\") == \"hello café\"\n",
        ),
        (
            "template/tests/shout/test_one.py.hbs",
            "from {{project.package}}.calc import shout\n\n\n\
             def test_shout() -> None:\n    assert shout(\"hi\") == \"HI\"\n",
        ),
        (
            "template/tests/shout/test_two.py.hbs",
            "from {{project.package}}.calc import shout\n\n\n\
             def test_shout_empty() -> None:\n    assert shout(\"\") == \"\"\n",
        ),
        ("solution/src/{{project.package}}/calc.py", SOLVED),
    ];
    crate::support::write_files(dir, files);
}

const SOLVED: &str = "def add(a: int, b: int) -> int:\n    return a + b\n\n\n\
                      def greet(name: str) -> str:\n    return f\"hello {name}\"\n\n\n\
                      def shout(word: str) -> str:\n    return word.upper()\n";

/// A venv with pytest alone, shared by the tests that do not change it.
fn shared_venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("grading-venv");
        if !venv.join("bin/pytest").exists() {
            make_venv(&venv, &["pytest"]);
        }
        venv
    })
}

fn make_venv(venv: &Path, packages: &[&str]) {
    tools();
    run_ok(
        uv().args(["venv", "--quiet", "--python", "python3"])
            .arg(venv),
        "uv venv",
    );
    if !packages.is_empty() {
        run_ok(
            uv().args(["pip", "install", "--quiet", "--python"])
                .arg(venv.join("bin/python"))
                .args(packages),
            "install pytest",
        );
    }
}

/// A mini project made with `new --from`, its `.venv` linked to `venv`.
struct Mini {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    root: PathBuf,
}

impl Mini {
    fn new(extra: &[&str]) -> Mini {
        Mini::with_venv(shared_venv(), extra)
    }

    fn with_venv(venv: &Path, extra: &[&str]) -> Mini {
        let bp_dir = tempfile::tempdir().unwrap();
        let bp = bp_dir.path().join("mini");
        write_blueprint(&bp);
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["new", "demo", "--from", bp.to_str().unwrap(), "--yes"];
        args.extend_from_slice(extra);
        sf(args)
            .cwd(out.path())
            .git_identity("Test Learner", "learner@example.com")
            .run()
            .success();
        let root = out.path().join("demo");
        std::os::unix::fs::symlink(venv, root.join(".venv")).unwrap();
        Mini {
            _dirs: (bp_dir, out),
            root,
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn append(&self, rel: &str, text: &str) {
        let before = fs::read_to_string(self.root.join(rel)).unwrap_or_default();
        self.write(rel, &format!("{before}{text}"));
    }

    fn solve(&self) {
        self.write("src/demo/calc.py", SOLVED);
    }

    /// The solved calculator with `from` replaced by `to`.
    fn solve_but(&self, from: &str, to: &str) {
        assert!(SOLVED.contains(from), "{from:?}");
        self.write("src/demo/calc.py", &SOLVED.replace(from, to));
    }

    fn check(&self, args: &[&str]) -> Output {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        sf(all)
            .cwd(&self.root)
            .timeout(Duration::from_secs(120))
            .run()
    }

    fn results(&self) -> Value {
        let text = fs::read_to_string(self.root.join(".skillforge/results.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Task statuses from results.json, in order.
    fn statuses(&self) -> Vec<String> {
        self.results()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["status"].as_str().unwrap().to_string())
            .collect()
    }
}

/// A pytest plugin that reports every test as passed.
const FORCE_PASS: &str = "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\n\
                          def pytest_runtest_makereport(item, call):\n    outcome = yield\n    \
                          outcome.get_result().outcome = \"passed\"\n";

#[test]
fn python_a_conftest_that_passes_every_test_changes_no_grade() {
    let mini = Mini::new(&[]);
    mini.write("tests/tasks/conftest.py", FORCE_PASS);
    mini.append("tests/conftest.py", &format!("\n\n{FORCE_PASS}"));
    mini.write("conftest.py", FORCE_PASS);
    mini.write("src/demo/conftest.py", FORCE_PASS);
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    for needle in [
        "tests/tasks/conftest.py (added)",
        "tests/conftest.py (edited)",
        "conftest.py (added)",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
    // The working copy's own pytest run is fooled; check is not.
    let fooled = Command::new(mini.root.join(".venv/bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(&mini.root)
        .output()
        .unwrap();
    assert!(fooled.status.success(), "the cheat itself works");
}

#[test]
fn python_pytest_settings_plugins_and_variables_of_the_learner_change_no_grade() {
    let mini = Mini::new(&[]);
    mini.write("cheat.py", FORCE_PASS);
    mini.write(
        "pytest.ini",
        "[pytest]\naddopts = -p cheat\npythonpath = . src\n",
    );
    let pyproject = fs::read_to_string(mini.root.join("pyproject.toml")).unwrap();
    mini.write(
        "pyproject.toml",
        &pyproject.replace(
            "[tool.pytest]\n",
            "[tool.pytest]\naddopts = [\"-p\", \"cheat\", \"-k\", \"harness\"]\n",
        ),
    );
    let out = sf(["check"])
        .cwd(&mini.root)
        .env("PYTEST_ADDOPTS", "-p cheat")
        .env("PYTEST_PLUGINS", "cheat")
        .env("PYTHONPATH", mini.root.to_str().unwrap())
        .timeout(Duration::from_secs(120))
        .run()
        .code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    assert!(out.stderr.contains("pytest.ini (added)"), "{}", out.stderr);
    assert!(
        out.stderr.contains("pyproject.toml [tool.pytest]"),
        "{}",
        out.stderr
    );
    // Graded tests still run with the blueprint's own settings (pythonpath = src).
    mini.solve();
    mini.check(&[]).success();
}

#[test]
fn python_a_plugin_installed_into_the_venv_changes_no_grade() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    make_venv(&venv, &["pytest"]);
    // A distribution installed by hand: a module and its pytest11 entry point.
    let site = site_packages(&venv);
    fs::write(site.join("sneaky_pass.py"), FORCE_PASS).unwrap();
    let info = site.join("sneaky_pass-1.0.dist-info");
    fs::create_dir(&info).unwrap();
    fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: sneaky-pass\nVersion: 1.0\n",
    )
    .unwrap();
    fs::write(
        info.join("entry_points.txt"),
        "[pytest11]\nsneaky = sneaky_pass\n",
    )
    .unwrap();
    let mini = Mini::with_venv(&venv, &[]);
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
}

#[test]
fn python_an_endless_loop_times_out_and_the_other_tasks_are_graded() {
    let mini = Mini::new(&[]);
    mini.solve_but("    return a + b\n", "    while True:\n        pass\n");
    let start = Instant::now();
    let out = mini.check(&[]).code(1);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(mini.statuses(), ["fail", "pass", "pass"], "{}", out.stdout);
    assert!(out.stdout.contains("1 timed out"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("timed out after 3 s, at src/demo/calc.py:2"),
        "{}",
        out.stdout
    );
    let tests = mini.results()["tests"].as_array().unwrap().clone();
    let skipped = tests
        .iter()
        .find(|t| t["name"] == "tests/tasks/test_add.py::test_add_negative")
        .unwrap();
    assert!(
        skipped["message"].as_str().unwrap().starts_with("not run:"),
        "{skipped}"
    );
}

#[test]
fn python_a_loop_that_blocks_the_alarm_is_killed_and_the_rest_still_runs() {
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return a + b\n",
        "    import signal\n    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n    \
             while True:\n        pass\n",
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "pass", "pass"], "{}", out.stdout);
    assert!(
        out.stdout.contains("did not stop when asked"),
        "{}",
        out.stdout
    );
}

/// The pids of processes whose command line mentions `needle`.
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(needle) {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

#[test]
fn python_a_signal_ends_the_whole_run_and_removes_the_scratch_folder() {
    let mini = Mini::new(&[]);
    mini.solve_but("    return a + b\n", "    while True:\n        pass\n");
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let tmp = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_skillforge"))
            .arg("check")
            .current_dir(&mini.root)
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let tmp_name = tmp.path().to_string_lossy().into_owned();
        let start = Instant::now();
        while processes_mentioning(&format!("{tmp_name}/skillforge-check-")).is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "pytest never started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Let it get into the endless loop.
        std::thread::sleep(Duration::from_millis(700));
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "signal {signal}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            processes_mentioning(&tmp_name).is_empty(),
            "signal {signal}: processes left"
        );
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert!(left.is_empty(), "signal {signal}: left {left:?}");
        // The run has no result: no earlier one stands for it.
        let results = mini.results();
        assert_eq!(results["status"], "error", "signal {signal}: {results}");
        assert!(
            results["message"].as_str().unwrap().contains("interrupted"),
            "{results}"
        );
        mini.solve();
        mini.check(&[]).success();
        mini.solve_but("    return a + b\n", "    while True:\n        pass\n");
    }
}

#[test]
fn python_a_failure_message_with_lone_surrogates_is_still_a_failure() {
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return f\"hello {name}\"\n",
        "    return \"hello \" + b\"caf\\xe9\".decode(\"utf-8\", \"surrogateescape\")\n",
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["pass", "fail", "pass"], "{}", out.stdout);
}

#[test]
fn python_code_that_ends_the_process_passes_nothing() {
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return word.upper()\n",
        "    import os\n    os._exit(0)\n",
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["pass", "pass", "fail"], "{}", out.stdout);
}

#[test]
fn python_code_that_does_not_import_is_named_with_file_and_line() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    assert_eq!(mini.results()["status"], "pass");
    // Imported by the task tests: each of their files fails to import.
    mini.append("src/demo/calc.py", "\ndef broken(:\n    pass\n");
    let out = mini.check(&[]).code(1);
    let first_line = "your code does not import: src/demo/calc.py:12, SyntaxError: invalid syntax";
    assert!(out.stdout.starts_with(first_line), "{}", out.stdout);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
    // The harness test ran and passed, so the tests could run: fail, not error.
    assert_eq!(mini.results()["status"], "fail");
    // Imported by the tests' conftest: no test can run at all.
    mini.write("src/demo/__init__.py", "from demo.calc import add as add\n");
    let out = mini.check(&[]).code(1);
    assert!(out.stdout.starts_with(first_line), "{}", out.stdout);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
    let results = mini.results();
    assert_eq!(results["status"], "error", "{results}");
    assert!(
        results["message"].as_str().unwrap().starts_with(first_line),
        "{results}"
    );
}

#[test]
fn python_results_json_says_error_only_when_the_tests_could_not_run() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    // A fixture that breaks while the other tests run: fail, not error.
    let conftest = fs::read_to_string(mini.root.join("tests/conftest.py")).unwrap();
    mini.check(&["--accept-test-changes"]).success();
    mini.write(
        "tests/tasks/test_add.py",
        "import pytest\n\n\n@pytest.fixture\ndef boom() -> None:\n    raise RuntimeError\n\n\n\
         def test_add(boom: None) -> None:\n    pass\n",
    );
    mini.check(&["--accept-test-changes"]).code(1);
    let results = mini.results();
    assert_eq!(results["status"], "fail", "{results}");
    assert!(results["message"].is_null(), "{results}");
    assert_eq!(
        fs::read_to_string(mini.root.join("tests/conftest.py")).unwrap(),
        conftest
    );
    // No pytest: exit 6, and no earlier pass left standing.
    let dir = tempfile::tempdir().unwrap();
    make_venv(&dir.path().join("venv"), &[]);
    fs::remove_file(mini.root.join(".venv")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("venv"), mini.root.join(".venv")).unwrap();
    mini.check(&[]).code(6);
    let results = mini.results();
    assert_eq!(results["status"], "error", "{results}");
    assert!(
        results["message"]
            .as_str()
            .unwrap()
            .contains("pytest is not installed"),
        "{results}"
    );
    assert_eq!(mini.statuses(), ["unknown", "unknown", "unknown"]);
}

#[test]
fn python_a_folder_entry_grades_every_test_inside() {
    let mini = Mini::new(&[]);
    mini.write(
        "src/demo/calc.py",
        &format!(
            "{}\n\ndef shout(word: str) -> str:\n    return word.upper()\n",
            SOLVED.split("\n\n\ndef shout").next().unwrap()
        ),
    );
    mini.check(&[]).success();
    let tests = mini.results()["tests"].as_array().unwrap().clone();
    let shout: Vec<&Value> = tests.iter().filter(|t| t["task"] == "shout").collect();
    assert_eq!(shout.len(), 2, "{tests:?}");
    mini.solve_but("return word.upper()", "return word.upper() or 'x'");
    mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["pass", "pass", "fail"]);
}

#[test]
fn python_the_learners_own_tests_run_and_are_reported_as_theirs() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.write(
        "tests/test_mine.py",
        "def test_mine_passes() -> None:\n    assert True\n\n\n\
         def test_mine_fails() -> None:\n    assert 1 == 2\n",
    );
    let out = mini.check(&[]).success();
    assert!(
        out.stderr.contains(
            "your own tests (not graded): 1 of 2 pass; tests/test_mine.py::test_mine_fails"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("harness"), "{}", out.stderr);
    let tests = mini.results()["tests"].as_array().unwrap().clone();
    let mine: Vec<&Value> = tests.iter().filter(|t| t["role"] == "learner").collect();
    assert_eq!(mine.len(), 2, "{tests:?}");
    assert_eq!(mini.results()["status"], "fail");
}

#[test]
fn python_an_accepted_edit_is_graded_and_restoring_the_original_undoes_it() {
    let mini = Mini::new(&[]);
    let original = fs::read_to_string(mini.root.join("tests/tasks/test_add.py")).unwrap();
    // Edited, not accepted: graded with the original, the edit reported.
    mini.write(
        "tests/tasks/test_add.py",
        "def test_add() -> None:\n    assert True\n",
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stderr.contains("tests/tasks/test_add.py (edited)"),
        "{}",
        out.stderr
    );
    assert_eq!(mini.statuses()[0], "fail");
    // Accepted: graded with the edit, and the way back named.
    let out = mini.check(&["--accept-test-changes"]).code(1);
    assert_eq!(mini.statuses()[0], "pass", "{}", out.stdout);
    assert!(
        out.stdout.contains("graded with your accepted tests"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("to undo, put the original back"),
        "{}",
        out.stderr
    );
    // The original back: not an edit, graded as shipped.
    mini.write("tests/tasks/test_add.py", &original);
    let out = mini.check(&[]).code(1);
    assert!(!out.stderr.contains("(edited)"), "{}", out.stderr);
    assert!(!out.stdout.contains("accepted"), "{}", out.stdout);
    assert_eq!(mini.statuses()[0], "fail");
}

#[test]
fn python_check_says_whether_the_set_up_is_sound_and_names_regressions() {
    let mini = Mini::new(&[]);
    mini.solve();
    let out = mini.check(&[]).success();
    assert!(
        out.stdout.starts_with("set-up OK: 1 harness test passes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("every task passes: well done!"),
        "the verdict is on stdout: {}",
        out.stdout
    );
    mini.solve_but("a + b", "a - b");
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .contains("regression: it passed at the last check"),
        "{}",
        out.stdout
    );
}

#[test]
fn python_the_hint_check_shows_is_revealed_and_given_up_tasks_are_marked() {
    let mini = Mini::new(&[]);
    let out = mini.check(&[]).code(1);
    assert!(out.stdout.contains("Hint 1 of 2: Use +"), "{}", out.stdout);
    // The hint check showed counts: `hint` goes on to the second.
    let out = sf(["hint", "add"]).cwd(&mini.root).run().success();
    assert!(out.stdout.contains("return a + b"), "{}", out.stdout);
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout.contains("Hint 2 of 2: return a + b"),
        "{}",
        out.stdout
    );
    sf(["solution", "add", "--give-up", "--apply"])
        .cwd(&mini.root)
        .run()
        .success();
    let out = mini.check(&[]).success();
    assert!(
        out.stdout.contains("Add (gave up: saw the solution)"),
        "{}",
        out.stdout
    );
}

#[test]
fn python_only_stretch_goals_left_is_a_pass() {
    // Asked for pytest only: greet and shout exercise logging, so they are stretch goals.
    let mini = Mini::new(&["--skills", "pytest"]);
    mini.solve_but("return f\"hello {name}\"", "raise NotImplementedError");
    let out = mini.check(&[]).success();
    assert!(out.stdout.contains("stretch goal"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every task you chose passes"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["pass", "fail", "pass"]);
}

#[test]
fn python_check_watch_survives_code_that_does_not_import() {
    let mini = Mini::new(&[]);
    mini.append("src/demo/calc.py", "\ndef broken(:\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .args(["check", "--watch"])
        .current_dir(&mini.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
                && line.contains(needle)
            {
                return true;
            }
        }
        false
    };
    assert!(wait_for("watching for changes"), "no watching banner");
    mini.solve();
    assert!(wait_for("src/demo/calc.py changed"), "no second run");
    assert!(wait_for("watching for changes"), "stopped watching");
    assert!(child.try_wait().unwrap().is_none(), "the watch ended");
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("your code does not import: src/demo/calc.py"),
        "{stdout}"
    );
}

#[test]
fn python_a_test_module_skipped_by_the_code_it_imports_is_not_a_pass() {
    let mini = Mini::new(&[]);
    // shout is wrong for "", and hides the file that tests it by skipping it at import.
    mini.write(
        "src/demo/calc.py",
        &format!(
            "import sys\n\nimport pytest\n\nif any(\"test_two\" in name for name in \
             list(sys.modules)):\n    pytest.skip(\"later\", allow_module_level=True)\n\n\n{}",
            SOLVED.replace("return word.upper()", "return word.upper() or 'x'")
        ),
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["pass", "pass", "fail"], "{}", out.stdout);
}

/// Patches pytest so that every report says passed: the cheat of a learner who knows
/// pytest's internals, put where the grade must not run it.
const PATCH_PYTEST: &str = "import _pytest.reports as _r\n\
    _orig = _r.TestReport.from_item_and_call.__func__\n\n\n\
    def _fake(cls, item, call):\n    rep = _orig(cls, item, call)\n    rep.outcome = \"passed\"\n    \
    rep.longrepr = None\n    return rep\n\n\n\
    _r.TestReport.from_item_and_call = classmethod(_fake)\n";

#[test]
fn python_the_tasks_of_an_edited_origin_file_are_graded_as_the_blueprint_defines_them() {
    let mini = Mini::new(&[]);
    let path = mini.root.join(".skillforge/origin.toml");
    let origin = fs::read_to_string(&path).unwrap();
    // Every task's tests pointed at the harness, which passes.
    let pointed = regex::Regex::new(r"(?m)^tests = \[.*\]$")
        .unwrap()
        .replace_all(&origin, r#"tests = ["tests/test_harness.py"]"#)
        .into_owned();
    assert_ne!(pointed, origin);
    fs::write(&path, &pointed).unwrap();
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    assert!(
        out.stderr.contains("differ from the blueprint's"),
        "{}",
        out.stderr
    );
    mini.check(&["--task", "1"]).code(1);
    // Every task made a stretch goal, or no task at all: still nothing passes.
    fs::write(&path, origin.replace("stretch = false", "stretch = true")).unwrap();
    mini.check(&[]).code(1);
    let cut = origin.find("[[tasks]]").unwrap();
    let checksums = origin.find("[checksums]").unwrap();
    fs::write(
        &path,
        format!("{}tasks = []\n\n{}", &origin[..cut], &origin[checksums..]),
    )
    .unwrap();
    let out = mini.check(&[]).code(1);
    assert!(!out.stdout.contains("well done"), "{}", out.stdout);
}

#[test]
fn python_a_copy_of_the_package_installed_elsewhere_is_not_graded() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    make_venv(&venv, &["pytest"]);
    let site = site_packages(&venv);
    fs::create_dir(site.join("demo")).unwrap();
    fs::write(site.join("demo/__init__.py"), "").unwrap();
    fs::write(site.join("demo/calc.py"), SOLVED).unwrap();
    let mini = Mini::with_venv(&venv, &[]);
    fs::remove_dir_all(mini.root.join("src/demo")).unwrap();
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the package demo is imported from"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
    assert_eq!(mini.results()["status"], "error");
}

#[test]
fn python_a_project_file_named_like_a_module_stands_in_for_nothing() {
    let mini = Mini::new(&[]);
    mini.write(
        "pytest.py",
        &format!(
            "import os, sys\n_here = os.path.dirname(os.path.abspath(__file__))\n\
             sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _here]\n\
             del sys.modules['pytest']\nimport pytest as _real\n{PATCH_PYTEST}\
             sys.modules['pytest'] = _real\n"
        ),
    );
    mini.write("secrets.py", "raise ImportError('the wrong secrets')\n");
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    assert!(out.stdout.starts_with("set-up OK"), "{}", out.stdout);
}

#[test]
fn python_an_accepted_test_file_changes_the_grade_of_its_own_task_alone() {
    let mini = Mini::new(&[]);
    mini.write(
        "tests/tasks/test_add.py",
        &format!("{PATCH_PYTEST}\n\ndef test_add() -> None:\n    assert True\n"),
    );
    mini.check(&["--accept-test-changes"]).code(1);
    assert_eq!(mini.statuses(), ["pass", "fail", "fail"]);
    let out = sf(["status"]).cwd(&mini.root).run().success();
    assert!(
        out.stdout.contains("graded with your accepted tests"),
        "{}",
        out.stdout
    );
}

#[test]
fn python_report_lines_written_after_a_test_change_nothing() {
    let mini = Mini::new(&[]);
    // At exit, find the report among the open files and append passes for every test.
    mini.write(
        "src/demo/__init__.py",
        "import atexit, json, os\n\n\ndef _forge():\n    \
         for fd in os.listdir('/proc/self/fd'):\n        \
         path = os.path.realpath(f'/proc/self/fd/{fd}')\n        \
         if not path.endswith('.jsonl'):\n            continue\n        \
         ids = [e['nodeid'] for e in map(json.loads, open(path)) if e.get('event') == 'source']\n        \
         with open(path, 'a') as f:\n            for n in ids:\n                \
         f.write(json.dumps({'event': 'start', 'nodeid': n}) + '\\n')\n                \
         for w in ('setup', 'call', 'teardown'):\n                    \
         f.write(json.dumps({'event': 'phase', 'nodeid': n, 'when': w, 'outcome': 'passed'}) + '\\n')\n\n\n\
         atexit.register(_forge)\n",
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
}

#[test]
fn python_processes_the_code_leaves_behind_end_with_the_run() {
    let mini = Mini::new(&[]);
    mini.solve();
    // A child that leaves the process group and holds pytest's output open.
    mini.write(
        "src/demo/__init__.py",
        "import os, time\n\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(120)\n    \
         os._exit(0)\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = sf(["check"])
        .cwd(&mini.root)
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .timeout(Duration::from_secs(60))
        .run()
        .success();
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(out.stdout.contains("well done"), "{}", out.stdout);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        processes_mentioning(&tmp.path().to_string_lossy()).is_empty(),
        "a process of the run is left"
    );
}

#[test]
fn python_fifos_and_device_links_in_the_project_do_not_block_check() {
    let mini = Mini::new(&[]);
    mini.solve();
    for fifo in ["tests/notes.fifo", "src/notes.fifo", "notes.fifo"] {
        let path = std::ffi::CString::new(mini.root.join(fifo).to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "{fifo}");
    }
    std::os::unix::fs::symlink("/dev/zero", mini.root.join("tests/zero")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", mini.root.join("src/zero")).unwrap();
    mini.check(&[]).success();
}

#[test]
fn python_code_that_ends_the_process_while_the_tests_import_is_an_error() {
    let mini = Mini::new(&[]);
    mini.write("src/demo/__init__.py", "import os\n\nos._exit(0)\n");
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the test run ended while the tests were being imported"),
        "{}",
        out.stdout
    );
    let results = mini.results();
    assert_eq!(results["status"], "error", "{results}");
    assert!(!results["message"].is_null());
}

#[test]
fn python_huge_output_is_cut_in_the_report() {
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return a + b\n",
        "    print('x' * 5_000_000)\n    return a - b\n",
    );
    mini.check(&[]).code(1);
    let size = fs::metadata(mini.root.join(".skillforge/results.json"))
        .unwrap()
        .len();
    assert!(size < 500_000, "results.json is {size} bytes");
}

#[test]
fn python_check_from_elsewhere_cannot_replace_a_built_in_blueprint() {
    let (_dir, project) = crate::support::generate("built-in", &[]);
    std::os::unix::fs::symlink(shared_venv(), project.join(".venv")).unwrap();
    let bp_dir = tempfile::tempdir().unwrap();
    let fake = bp_dir.path().join("fastapi-service");
    write_blueprint(&fake);
    let text = fs::read_to_string(fake.join("blueprint.toml")).unwrap();
    fs::write(
        fake.join("blueprint.toml"),
        text.replace("id = \"mini\"", "id = \"fastapi-service\""),
    )
    .unwrap();
    sf(["check", "--from", fake.to_str().unwrap()])
        .cwd(&project)
        .timeout(Duration::from_secs(120))
        .run()
        .code(4)
        .stderr_has("holds no blueprint this project was made from with --from");
}

/// The site-packages folder of a venv.
fn site_packages(venv: &Path) -> PathBuf {
    fs::read_dir(venv.join("lib"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("site-packages")
}

/// A mini project in a venv of its own whose `.pth` puts the project's `src` on the import
/// path at start-up, as an editable install does.
fn editable_mini() -> (tempfile::TempDir, Mini) {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    make_venv(&venv, &["pytest"]);
    let mini = Mini::with_venv(&venv, &[]);
    fs::write(
        site_packages(&venv).join("demo-editable.pth"),
        format!("{}\n", mini.root.join("src").display()),
    )
    .unwrap();
    (dir, mini)
}

#[test]
fn python_start_up_code_and_metadata_in_the_project_change_no_grade() {
    let (_venv, mini) = editable_mini();
    // Metadata beside the code, named after a distribution the blueprint depends on.
    mini.write(
        "src/sneaky-1.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: pytest\nVersion: 9.9\n",
    );
    mini.write(
        "src/sneaky-1.0.dist-info/entry_points.txt",
        "[pytest11]\nsneaky = sneaky_plugin\n",
    );
    mini.write("src/sneaky_plugin.py", FORCE_PASS);
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    // Start-up code that puts a plugin back through the environment.
    mini.write(
        "src/sitecustomize.py",
        "import os\n\nos.environ['PYTEST_PLUGINS'] = 'sneaky_plugin'\n",
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: src/sitecustomize.py runs when Python starts"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
}

#[test]
fn python_a_package_that_points_its_path_elsewhere_is_not_graded() {
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("calc.py"), SOLVED).unwrap();
    let mini = Mini::new(&[]);
    mini.write(
        "src/demo/__init__.py",
        &format!("__path__ = [{:?}]\n", elsewhere.path().to_str().unwrap()),
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the module demo.calc is imported from"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
}

#[test]
fn python_report_lines_written_before_the_tests_change_nothing() {
    let mini = Mini::new(&[]);
    let ids = [
        "tests/tasks/test_add.py::test_add",
        "tests/tasks/test_add.py::test_add_negative",
        "tests/tasks/test_greet.py::test_greet",
        "tests/shout/test_one.py::test_shout",
        "tests/shout/test_two.py::test_shout_empty",
    ];
    mini.write(
        "src/demo/__init__.py",
        &format!(
            "import json, os\n\nfor fd in os.listdir('/proc/self/fd'):\n    \
             path = os.path.realpath(f'/proc/self/fd/{{fd}}')\n    \
             if path.endswith('.jsonl'):\n        with open(path, 'a') as f:\n            \
             for n in {ids:?}:\n                \
             f.write(json.dumps({{'event': 'start', 'nodeid': n}}) + '\\n')\n                \
             for w in ('setup', 'call', 'teardown'):\n                    \
             f.write(json.dumps({{'event': 'phase', 'nodeid': n, 'when': w, \
             'outcome': 'passed', 'token': ''}}) + '\\n')\n"
        ),
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
}

#[test]
fn python_the_skills_asked_for_and_the_parts_are_those_the_project_was_made_with() {
    let mini = Mini::new(&[]);
    mini.solve_but("return f\"hello {name}\"", "raise NotImplementedError");
    let path = mini.root.join(".skillforge/origin.toml");
    let origin = fs::read_to_string(&path).unwrap();
    fs::write(&path, origin.replace("focus = []", "focus = [\"pytest\"]")).unwrap();
    let out = mini.check(&[]).code(1);
    assert!(
        out.stderr.contains("than when the project was made"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("stretch goal"), "{}", out.stdout);
}

#[test]
fn python_an_add_on_deleted_from_the_origin_file_is_still_graded() {
    let (_dir, project) = crate::support::generate("with-docker", &["--with", "docker"]);
    std::os::unix::fs::symlink(shared_venv(), project.join(".venv")).unwrap();
    let path = project.join(".skillforge/origin.toml");
    let origin = fs::read_to_string(&path).unwrap();
    let without = regex::Regex::new(r#"(?s)\[\[blueprints\]\]\nid = "docker".*?\n\n"#)
        .unwrap()
        .replace(&origin, "")
        .into_owned();
    assert_ne!(without, origin);
    fs::write(&path, without).unwrap();
    let out = sf(["check"])
        .cwd(&project)
        .timeout(Duration::from_secs(120))
        .run()
        .code(1)
        .stderr_has("no longer lists docker");
    let results: Value = serde_json::from_str(
        &fs::read_to_string(project.join(".skillforge/results.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = results["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.iter().any(|id| id.starts_with("docker")),
        "{ids:?}\n{}",
        out.stdout
    );
}

#[test]
fn python_links_out_of_the_project_are_never_read() {
    let mini = Mini::new(&[]);
    mini.solve();
    for link in ["data.bin", "src/demo/data.bin", "tests/data.bin"] {
        std::os::unix::fs::symlink("/proc/self/pagemap", mini.root.join(link)).unwrap();
    }
    let start = Instant::now();
    mini.check(&[]).success();
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn python_a_daemon_without_group_or_environment_ends_with_the_run() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.write(
        "src/demo/__init__.py",
        "import subprocess\n\nsubprocess.Popen(['setsid', 'env', '-i', 'sleep', '4321.5'])\n",
    );
    mini.check(&[]).success();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        processes_mentioning("4321.5").is_empty(),
        "the daemon outlived check"
    );
}

#[test]
fn python_a_thread_that_keeps_the_run_alive_loses_no_result() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.write(
        "src/demo/__init__.py",
        "import threading, time\n\nthreading.Thread(target=lambda: time.sleep(10**6)).start()\n",
    );
    let start = Instant::now();
    let out = mini.check(&[]).success();
    assert!(out.stdout.contains("well done"), "{}", out.stdout);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn python_an_unreadable_origin_file_leaves_no_earlier_result() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    mini.write(".skillforge/origin.toml", "format = 1\n");
    mini.check(&[]).code(1);
    let results = mini.results();
    assert_eq!(results["status"], "error", "{results}");
}

#[test]
fn python_a_script_standing_in_for_the_interpreter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    fs::create_dir_all(venv.join("bin")).unwrap();
    let python = venv.join("bin/python");
    crate::support::write_script(
        &python,
        &format!(
            "#!/bin/sh\nexec {} \"$@\"\n",
            shared_venv().join("bin/python").display()
        ),
    );
    let mini = Mini::with_venv(&venv, &[]);
    mini.check(&[])
        .code(6)
        .stderr_has("is a script, not a Python interpreter");
    assert_eq!(mini.results()["status"], "error");
}

#[test]
fn python_code_that_rewrites_the_graded_tests_is_not_graded() {
    let mini = Mini::new(&[]);
    // Run when the tests' conftest imports the package: every test body becomes `pass`.
    mini.write(
        "src/demo/__init__.py",
        "import ast, os, pathlib\n\nif 'skillforge-check-' in os.getcwd():\n    \
         for f in pathlib.Path('tests').rglob('test_*.py'):\n        \
         tree = ast.parse(f.read_text())\n        for node in ast.walk(tree):\n            \
         if isinstance(node, ast.FunctionDef) and node.name.startswith('test'):\n                \
         node.body = [ast.Pass()]\n        f.write_text(ast.unparse(tree))\n",
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the code under test changed the tests it is graded with"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
    // A conftest.py written into the tests while they are imported is caught the same way.
    mini.write(
        "src/demo/__init__.py",
        &format!(
            "import os, pathlib\n\nif 'skillforge-check-' in os.getcwd():\n    \
             pathlib.Path('tests/tasks/conftest.py').write_text({FORCE_PASS:?})\n"
        ),
    );
    let out = mini.check(&[]).code(1);
    assert!(out.stdout.starts_with("cannot grade:"), "{}", out.stdout);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
}

#[test]
fn python_start_up_code_in_a_pth_file_of_the_environment_never_runs_in_a_graded_run() {
    let (venv, mini) = editable_mini();
    // Run by `site` at interpreter start-up, before skillforge's plugin can see pytest as it
    // was: every test's body replaced by one that does nothing, so every test would pass.
    let site = site_packages(&venv.path().join("venv"));
    fs::write(
        site.join("sneaky_start.py"),
        "import _pytest.python\n\n_pytest.python.Function.runtest = lambda self: None\n",
    )
    .unwrap();
    fs::write(site.join("zz-sneaky.pth"), "import sneaky_start\n").unwrap();
    let out = mini.check(&[]).code(1);
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{}", out.stdout);
    // The path lines of the same files still count: the project is imported through one.
    mini.solve();
    let out = mini.check(&[]).code(0);
    assert_eq!(mini.statuses(), ["pass", "pass", "pass"], "{}", out.stdout);
}

#[test]
fn python_start_up_code_that_hides_itself_is_still_refused() {
    let (_venv, mini) = editable_mini();
    mini.write(
        "src/sitecustomize.py",
        "import sys\n\nsys.modules.pop(__name__, None)\n",
    );
    mini.check(&[])
        .code(1)
        .stdout_has("src/sitecustomize.py runs when Python starts");
}

#[test]
fn python_a_link_or_folder_where_check_writes_its_settings_is_harmless() {
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("notes.txt");
    fs::write(&precious, "my notes\n").unwrap();
    let mini = Mini::new(&[]);
    mini.solve();
    std::os::unix::fs::symlink(&precious, mini.root.join(".pytest.toml")).unwrap();
    mini.check(&[]).success();
    assert_eq!(fs::read_to_string(&precious).unwrap(), "my notes\n");
    fs::remove_file(mini.root.join(".pytest.toml")).unwrap();
    fs::create_dir(mini.root.join(".pytest.toml")).unwrap();
    mini.check(&[]).success();
}

#[test]
fn python_a_check_that_fails_to_start_leaves_no_earlier_result() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    // The blueprint is gone: nothing to grade with.
    let path = mini.root.join(".skillforge/origin.toml");
    let origin = fs::read_to_string(&path).unwrap();
    let location = regex::Regex::new(r#"location = "[^"]*""#).unwrap();
    fs::write(
        &path,
        location
            .replace(&origin, r#"location = "/nowhere/mini""#)
            .into_owned(),
    )
    .unwrap();
    mini.check(&[]).code(4);
    assert_eq!(mini.results()["status"], "error");
    // A mistyped task is the command line's fault: the results stand.
    fs::write(&path, &origin).unwrap();
    mini.check(&[]).success();
    mini.check(&["--task", "nope"]).code(2);
    assert_eq!(mini.results()["status"], "pass");
}

/// `--task` names several tasks (repeated, or separated by commas, by id or number): only
/// their tests run, the others keep their last result, and the exit code is theirs.
#[test]
fn python_check_task_grades_the_tasks_named_and_keeps_the_others_results() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    mini.solve_but("return word.upper()", "return word");
    mini.solve_but("return a + b", "return a - b");
    let out = mini.check(&["--task", "1,shout"]).code(1);
    assert_eq!(mini.statuses(), ["fail", "pass", "pass"], "{}", out.stdout);
    let ran: Vec<String> = mini.results()["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ran.iter().all(|name| !name.contains("test_greet")),
        "greet's tests ran: {ran:?}"
    );
    mini.solve();
    let out = mini.check(&["--task", "shout", "--task", "add"]).success();
    assert!(
        out.stdout.contains("tasks add, shout pass"),
        "{}",
        out.stdout
    );
    // One unknown task among them: nothing runs, the results stand.
    mini.solve_but("return f\"hello {name}\"", "return name");
    mini.check(&["--task", "greet,nope"]).code(2);
    assert_eq!(mini.statuses(), ["pass", "pass", "pass"]);
}

#[test]
fn python_code_that_swaps_a_test_functions_code_is_not_graded() {
    let mini = Mini::new(&[]);
    // Called by the code under test during a test: every test function's body goes.
    mini.write(
        "src/demo/calc.py",
        &SOLVED
            .replace(
                "    return a + b\n",
                "    import sys\n    for name, module in list(sys.modules.items()):\n        \
             if name.rsplit('.', 1)[-1].startswith('test_'):\n            \
             for key, value in list(vars(module).items()):\n                \
             if key.startswith('test_') and hasattr(value, '__code__'):\n                    \
             value.__code__ = (lambda *a, **k: None).__code__\n    return a - b\n",
            )
            .replace("return f\"hello {name}\"", "raise NotImplementedError"),
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the code under test replaced the test function"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
}

/// The cheat a fresh tester found: the package, imported by the tests, registers a pytest
/// plugin whose hook wrapper turns every failed report into a pass.
const GREEN_PLUGIN: &str = "import gc\nimport sys\n\n\n\
def _green():\n    if 'pytest' not in sys.modules:\n        return\n    import pytest\n    \
from _pytest.config import Config\n\n    class Green:\n        \
@pytest.hookimpl(hookwrapper=True)\n        \
def pytest_runtest_makereport(self, item, call):\n            \
outcome = yield\n            report = outcome.get_result()\n            \
if report.failed:\n                report.outcome = 'passed'\n                \
report.longrepr = None\n\n    \
for obj in gc.get_objects():\n        if isinstance(obj, Config):\n            \
HOW\n            break\n\n\n_green()\n";

#[test]
fn python_code_that_adds_pytest_hooks_is_not_graded() {
    for (how, said) in [
        (
            "obj.pluginmanager.register(Green(), 'green')",
            "cannot grade: the code under test registered a pytest plugin (green, from src/demo/__init__.py)",
        ),
        (
            "from pluggy import HookImpl\n            \
             hook = obj.pluginmanager.hook.pytest_runtest_makereport\n            \
             green = Green()\n            \
             hook._add_hookimpl(HookImpl(green, 'green', green.pytest_runtest_makereport, \
             {'wrapper': False, 'hookwrapper': True, 'optionalhook': False, \
             'tryfirst': False, 'trylast': False, 'specname': None}))",
            "cannot grade: the code under test added an implementation of pytest's \
             pytest_runtest_makereport hook",
        ),
    ] {
        let mini = Mini::new(&[]);
        // Nothing solved: only the plugin could make a task pass.
        mini.write("src/demo/__init__.py", &GREEN_PLUGIN.replace("HOW", how));
        let out = mini.check(&[]).code(1);
        assert!(out.stdout.starts_with(said), "{how}:\n{}", out.stdout);
        assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{how}");
    }
}

/// The cheat a fresh tester found next: the package, imported by the tests, replaces the
/// code of pytest's that makes a report (or that runs a test, or skillforge's own plugin
/// function), so that every failure is reported as a pass.
#[test]
fn python_code_that_changes_pytests_machinery_is_not_graded() {
    for (patch, said) in [
        (
            "from _pytest.reports import TestReport\n    \
             made = TestReport.from_item_and_call.__func__\n\n    \
             def passed(cls, item, call):\n        report = made(cls, item, call)\n        \
             report.outcome = 'passed'\n        report.longrepr = None\n        \
             return report\n\n    \
             TestReport.from_item_and_call = classmethod(passed)\n",
            "(TestReport.from_item_and_call)",
        ),
        (
            "from _pytest import runner\n    \
             made = runner.call_and_report\n\n    \
             def passed(item, when, log=True, **kwargs):\n        \
             report = made(item, when, log=False, **kwargs)\n        \
             report.outcome = 'passed'\n        report.longrepr = None\n        \
             item.ihook.pytest_runtest_logreport(report=report)\n        \
             return report\n\n    \
             runner.call_and_report = passed\n",
            "(_pytest.runner.call_and_report)",
        ),
        (
            "import _pytest.python\n    \
             _pytest.python.Function.runtest = lambda self: None\n    \
             _pytest.python.Function.setup = lambda self: None\n",
            "(Function.runtest)",
        ),
        (
            "import gc\n    \
             for found in gc.get_objects():\n        \
             if isinstance(found, dict) and '_intruder' in found and '_emit' in found:\n            \
             found['_intruder'] = lambda: ''\n",
            "(skillforge's plugin _intruder)",
        ),
    ] {
        let mini = Mini::new(&[]);
        // Nothing solved: only the change to pytest could make a task pass.
        mini.write(
            "src/demo/__init__.py",
            &format!("import sys\n\nif 'pytest' in sys.modules:\n    {patch}"),
        );
        let out = mini.check(&[]).code(1);
        assert!(
            out.stdout
                .starts_with("cannot grade: the code under test changed pytest's own code")
                && out.stdout.contains(said),
            "{patch}:\n{}",
            out.stdout
        );
        assert_eq!(mini.statuses(), ["fail", "fail", "fail"], "{patch}");
    }
}

/// The cheat a fresh tester found in the mongodb add-on: the code under test, once the tests
/// are imported, rebinds a name a later test calls (there, the helper that checks the
/// pipeline), so that the later test runs a check of the code's own.
#[test]
fn python_code_that_rebinds_a_name_of_the_tests_is_not_graded() {
    let mini = Mini::new(&[]);
    // greet is not written; add, which runs first, makes test_greet's `greet` say hello.
    mini.write(
        "src/demo/calc.py",
        &SOLVED
            .replace(
                "    return a + b\n",
                "    import sys\n    for name, module in list(sys.modules.items()):\n        \
                 if name.endswith('test_greet'):\n            \
                 module.greet = lambda who: f'hello {who}'\n    return a + b\n",
            )
            .replace("return f\"hello {name}\"", "raise NotImplementedError"),
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout
            .starts_with("cannot grade: the code under test changed the tests it is graded with")
            && out.stdout.contains("test_greet.py: greet was replaced"),
        "{}",
        out.stdout
    );
    assert_eq!(mini.statuses(), ["fail", "fail", "fail"]);
}

#[test]
fn python_the_runners_files_cannot_be_steered_or_followed_out() {
    let victim = tempfile::tempdir().unwrap();
    let notes = victim.path().join("notes.txt");
    fs::write(&notes, "mine\n").unwrap();
    let mini = Mini::new(&[]);
    // At import: ask for every test but one to be left out, put links and a FIFO where the
    // runner writes next, then end the process inside a test.
    mini.write(
        "src/demo/__init__.py",
        &format!(
            "import os\n\nrunner = os.path.join(os.getcwd(), '..', 'runner')\n\
             if not os.path.lexists(os.path.join(runner, 'report-2.jsonl')):\n    \
             with open(os.path.join(runner, 'deselect-1.txt'), 'w') as f:\n        \
             f.write('tests/tasks/test_add.py::test_add_negative\\n')\n    \
             for name in ('report-2.jsonl', 'deselect-2.txt', 'report-2.expected.json'):\n        \
             os.symlink({notes:?}, os.path.join(runner, name))\n    \
             os.unlink(os.path.join(runner, 'report-1.log'))\n    \
             os.mkfifo(os.path.join(runner, 'report-1.log'))\n"
        ),
    );
    mini.solve_but(
        "    return word.upper()\n",
        "    import os\n    os._exit(1)\n",
    );
    let out = mini.check(&[]).code(1);
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine\n");

    assert_eq!(mini.statuses(), ["pass", "pass", "fail"], "{}", out.stdout);
    let tests = mini.results()["tests"].as_array().unwrap().clone();
    assert!(
        tests
            .iter()
            .any(|t| t["name"] == "tests/tasks/test_add.py::test_add_negative"),
        "{tests:?}"
    );
    let crashed = tests
        .iter()
        .find(|t| t["name"] == "tests/shout/test_one.py::test_shout")
        .unwrap();
    assert!(
        crashed["message"]
            .as_str()
            .unwrap()
            .contains("the test run ended during this test"),
        "{crashed}"
    );
}

#[test]
fn python_code_that_kills_check_leaves_an_error_and_no_folder_for_long() {
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return a + b\n",
        "    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n    return a + b\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let tmp_name = tmp.path().to_str().unwrap();
    let out = sf(["check"]).cwd(&mini.root).env("TMPDIR", tmp_name).run();
    assert_ne!(out.code, 0);
    assert_eq!(mini.results()["status"], "error");
    // The next check removes the folder the killed one could not.
    mini.solve();
    sf(["check"])
        .cwd(&mini.root)
        .env("TMPDIR", tmp_name)
        .run()
        .success();
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn python_skills_asked_for_that_history_cannot_confirm_are_named_as_such() {
    let mini = Mini::new(&["--skills", "pytest"]);
    let clones = tempfile::tempdir().unwrap();
    let clone = clones.path().join("clone");
    let url = format!("file://{}", mini.root.display());
    let ok = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &url])
        .arg(&clone)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git clone --depth 1");
    std::os::unix::fs::symlink(shared_venv(), clone.join(".venv")).unwrap();
    let out = sf(["check"])
        .cwd(&clone)
        .timeout(Duration::from_secs(120))
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("cannot be checked against the project's first commit"),
        "{}",
        out.stderr
    );
}

/// The cheat a fresh tester found in the mysql add-on: the code under test, when imported,
/// replaces a method of the database driver (`Cursor.execute`), which then fakes the rows and
/// the query plans the tests read. Any function of the project's found in a library's module
/// or class is refused, whether put there at import or by a test's call and left there.
#[test]
fn python_code_that_replaces_a_librarys_function_is_not_graded() {
    for (at_import, said) in [
        (true, "textwrap.dedent (from src/demo/__init__.py)"),
        (false, "fractions.Fraction.__repr__ (from src/demo/calc.py)"),
        // Objects that stand in for functions: an instance with `__call__`, a descriptor.
        (true, "textwrap.indent (from src/demo/__init__.py)"),
        (
            true,
            "fractions.Fraction.__str__ (from src/demo/__init__.py)",
        ),
    ] {
        let mini = Mini::new(&[]);
        if said.starts_with("textwrap.indent") {
            mini.solve();
            mini.append(
                "src/demo/__init__.py",
                "import textwrap\n\n\nclass _Same:\n    def __call__(self, text, *args):\n        \
                 return text\n\n\ntextwrap.indent = _Same()\n",
            );
        } else if said.starts_with("fractions.Fraction.__str__") {
            mini.solve();
            mini.append(
                "src/demo/__init__.py",
                "import fractions\n\n\nclass _Text:\n    def __get__(self, obj, owner=None):\n        \
                 return lambda: 'x'\n\n\nfractions.Fraction.__str__ = _Text()\n",
            );
        } else if at_import {
            mini.solve();
            mini.append(
                "src/demo/__init__.py",
                "import textwrap\n\n\ndef _same(text, *args):\n    return text\n\n\n\
                 textwrap.dedent = _same\n",
            );
        } else {
            // Left there by a graded test's call.
            mini.solve_but(
                "    return a + b\n",
                "    import fractions\n\n    fractions.Fraction.__repr__ = _repr\n    \
                 return a + b\n\n\ndef _repr(self):\n    return 'x'\n",
            );
        }
        let out = mini.check(&[]).code(1);
        assert_refused(&mini, &out.stdout, "replaced a library's own code", said);
    }
    // Handing a library one's own functions through its registries is not a replacement.
    let mini = Mini::new(&[]);
    mini.solve();
    mini.append(
        "src/demo/calc.py",
        "\n\nimport atexit\nimport copyreg\nimport functools\n\n\n\
         class Point:\n    pass\n\n\n\
         def _reduce(point: Point) -> tuple[type[Point], tuple[()]]:\n    return Point, ()\n\n\n\
         def _bye() -> None:\n    pass\n\n\n\
         copyreg.pickle(Point, _reduce)\natexit.register(_bye)\n\n\n\
         @functools.singledispatch\ndef describe(value: object) -> str:\n    return 'thing'\n",
    );
    let out = mini.check(&[]).success();
    assert!(out.stdout.contains("every task passes"), "{}", out.stdout);
}

/// The run was refused as "cannot grade: the code under test {why}...", naming `said`, and
/// no task passed.
fn assert_refused(mini: &Mini, stdout: &str, why: &str, said: &str) {
    assert!(
        stdout.starts_with(&format!("cannot grade: the code under test {why}"))
            && stdout.contains(said),
        "{said}:\n{stdout}"
    );
    assert!(
        !mini.statuses().contains(&"pass".to_string()),
        "{said}: {:?}",
        mini.statuses()
    );
}

/// Code of the project's that searches the interpreter for objects it was not given (the
/// tests' servers, counters and data) through `gc` or the stack's frames is refused, at
/// import or in a test's call, directly or through `inspect`; libraries the project calls
/// may read frames (logging, typing) without the project being refused.
#[test]
fn python_code_that_searches_for_the_tests_objects_is_not_graded() {
    for (file, code, said) in [
        (
            "src/demo/__init__.py",
            "import gc\n\n_ALL = gc.get_objects()\n",
            "gc.get_objects() in src/demo/__init__.py",
        ),
        (
            "src/demo/calc.py",
            "\n\ndef _peek() -> object:\n    import inspect\n\n    \
             return inspect.currentframe()\n\n\n_peek()\n",
            "sys._getframe() in src/demo/calc.py",
        ),
        // Called through C code, which the rule lets DuckDB's own C functions do: neither a
        // `partial` that claims DuckDB's module nor a built-in that calls what it is given
        // is one of those.
        (
            "src/demo/calc.py",
            "\n\nimport functools\nimport inspect\n\n\
             _peek = functools.partial(inspect.currentframe)\n_peek.__module__ = \"_duckdb\"\n\
             _peek()\n",
            "sys._getframe() in src/demo/calc.py",
        ),
        (
            "src/demo/calc.py",
            "\n\nimport inspect\nimport operator\n\noperator.call(inspect.currentframe)\n",
            "sys._getframe() in src/demo/calc.py",
        ),
    ] {
        let mini = Mini::new(&[]);
        mini.solve();
        mini.append(file, code);
        let out = mini.check(&[]).code(1);
        assert_refused(
            &mini,
            &out.stdout,
            "searched the interpreter for objects",
            said,
        );
    }
    // In a test's call: the frames of the test that called it.
    let mini = Mini::new(&[]);
    mini.solve_but(
        "    return a + b\n",
        "    import sys\n\n    sys._getframe(1)\n    return a + b\n",
    );
    let out = mini.check(&[]).code(1);
    assert!(
        out.stdout.contains("sys._getframe() in src/demo/calc.py"),
        "{}",
        out.stdout
    );
    // Libraries that read frames for the project's code: not the project's reach.
    let mini = Mini::new(&[]);
    mini.solve();
    mini.append(
        "src/demo/calc.py",
        "\n\nimport logging\nimport typing\nfrom collections import namedtuple\n\n\
         Pair = namedtuple(\"Pair\", \"a b\")\nT = typing.TypeVar(\"T\")\n\
         logging.getLogger(__name__).warning(\"loaded\")\n\
         Colour = __import__(\"enum\").Enum(\"Colour\", \"RED GREEN\")\n",
    );
    let out = mini.check(&[]).success();
    assert!(out.stdout.contains("every task passes"), "{}", out.stdout);
}

#[test]
fn python_exitfirst_fails_the_first_failing_task_and_leaves_the_rest_as_they_were() {
    let mini = Mini::new(&[]);
    // Never checked: the tasks the run stops before have no result, not a pass.
    let out = mini.check(&["--exitfirst"]).code(1);
    let statuses = mini.statuses();
    assert!(statuses.iter().all(|s| s != "pass"), "{statuses:?}");
    assert!(
        out.stderr
            .contains("stopped at the first test that did not pass (--exitfirst)"),
        "{}",
        out.stderr
    );
    mini.solve();
    mini.check(&["-x"]).success();
    assert_eq!(mini.statuses(), ["pass", "pass", "pass"]);
    // pytest runs tests/shout before tests/tasks: add's first test fails after shout's pass,
    // and greet's test, never reached, keeps its last result.
    mini.solve_but("    return a + b\n", "    return a - b\n");
    let out = mini.check(&["-x"]).code(1);
    assert_eq!(mini.statuses(), ["fail", "pass", "pass"], "{}", out.stdout);
    assert!(out.stdout.contains("Greet (last check)"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Add (0 of 2 tests pass, 1 not run; regression"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("3 tests not run"),
        "add's second test, greet's and the harness test: {}",
        out.stderr
    );
    let names: Vec<String> = mini.results()["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "tests/shout/test_one.py::test_shout",
            "tests/shout/test_two.py::test_shout_empty",
            "tests/tasks/test_add.py::test_add",
        ],
        "a test not run has no result"
    );
    // Without --exitfirst the same code is graded whole.
    mini.check(&[]).code(1);
    assert_eq!(mini.results()["tests"].as_array().unwrap().len(), 6);
}

#[test]
fn python_exitfirst_fails_the_test_that_ends_the_run() {
    let mini = Mini::new(&[]);
    // The code under test ends pytest's session: that test is its task's failure, and the
    // tasks never reached have no result (never checked), not a pass.
    mini.solve_but(
        "    return word.upper()\n",
        "    import pytest\n    pytest.exit(\"done\", returncode=0)\n",
    );
    let out = mini.check(&["-x"]).code(1);
    assert_eq!(
        mini.statuses(),
        ["unknown", "unknown", "fail"],
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the test run ended during this test"),
        "{}",
        out.stdout
    );
}

#[test]
fn python_exitfirst_does_not_stop_at_a_file_that_does_not_import() {
    let mini = Mini::new(&[]);
    mini.solve();
    mini.check(&[]).success();
    // test_greet.py cannot import `greet`: its task fails, the files after it still run.
    mini.solve_but("def greet(", "def greeting(");
    let out = mini.check(&["-x"]).code(1);
    assert_eq!(mini.statuses(), ["pass", "fail", "pass"], "{}", out.stdout);
    assert!(!out.stderr.contains("not run"), "{}", out.stderr);
    // shout's two, add's two, greet's file and the harness test: every one has a result.
    assert_eq!(mini.results()["tests"].as_array().unwrap().len(), 6);
}

#[test]
fn python_exitfirst_waits_for_a_run_without_accepted_tests() {
    let mini = Mini::new(&[]);
    // Multiplication, with add's tests edited to expect it and the edit accepted: the
    // shipped tests fail first, which must not stop the run and hide the accepted ones.
    mini.solve_but("    return a + b\n", "    return a * b\n");
    let edited = "from demo.calc import add\n\n\n\
                  def test_add(numbers: tuple[int, int]) -> None:\n    assert add(*numbers) == 6\n\n\n\
                  def test_add_negative() -> None:\n    assert add(-1, -1) == 1\n";
    mini.write("tests/tasks/test_add.py", edited);
    mini.check(&["--accept-test-changes"]).success();
    let out = mini.check(&["-x"]).success();
    assert_eq!(mini.statuses(), ["pass", "pass", "pass"], "{}", out.stdout);
    assert!(
        out.stderr
            .contains("--exitfirst is not used: tests you accepted (tests/tasks/test_add.py)"),
        "{}",
        out.stderr
    );
}
