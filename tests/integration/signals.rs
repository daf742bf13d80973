//! Interrupted runs of `new`: each signal that can be caught, sent at each stage of writing a
//! 3,000-file project (loading the blueprint, writing files, making the first commit), leaves
//! neither the project nor its staging folder behind, says so once, and exits 130. A SIGKILL
//! cannot be caught: its staging folder is swept by the next run, and only a dead run's.
//!
//! The stages are found by watching, not by timing: the handler is installed when the
//! process's caught-signal mask (`/proc/PID/status`, Linux) says so, files are being written
//! once the staging folder holds some, and the commit has begun once it holds `.git`.
#![cfg(target_os = "linux")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::sf;

/// Files in the blueprint's template, beyond its few Python files.
const DATA_FILES: usize = 3_000;

/// The message of an interrupted `new`.
const CANCELLED: &str = "cancelled; nothing was written";

/// Signals whose default action would end the process, each handled by `new`.
const SIGNALS: [(libc::c_int, &str); 5] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
];

/// A base blueprint whose template holds `data_files` small files, a hundred a folder.
fn big_blueprint(dir: &Path, data_files: usize) -> PathBuf {
    let bp = dir.join("big");
    crate::support::write_files(
        &bp,
        &[
            (
                "blueprint.toml",
                r#"schema = 1
id = "big"
kind = "base"
version = "1.0.0"
title = "Big"
summary = "A project of many files"
difficulty = "beginner"
hours = 1
skills = ["pytest"]
harness = ["tests/test_harness.py"]

[python.groups]
test = ["pytest>=9"]

[[tasks]]
id = "add"
title = "Add"
summary = "Add two numbers"
skills = ["pytest"]
hints = ["Use +"]
tests = ["tests/test_add.py"]
"#,
            ),
            ("template/src/{{project.package}}/__init__.py", ""),
            ("template/src/{{project.package}}/calc.py", "VALUE = 0\n"),
            (
                "template/tests/test_harness.py",
                "def test_harness() -> None:\n    pass\n",
            ),
            (
                "template/tests/test_add.py",
                "def test_add() -> None:\n    pass\n",
            ),
            ("solution/src/{{project.package}}/calc.py", "VALUE = 1\n"),
        ],
    );
    for n in 0..data_files {
        let folder = bp.join(format!("template/data/part{:02}", n / 100));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(format!("row{n:04}.txt")), format!("{n}\n")).unwrap();
    }
    bp
}

/// Where a run stands when the test sends its signal.
#[derive(Debug, Clone, Copy)]
enum Stage {
    /// The handler is installed; the blueprint is being loaded and the project composed.
    Loading,
    /// At least this many files are in the staging folder (each written 1 ms apart).
    Writing(usize),
    /// The staging folder holds `.git`: the first commit is being made.
    Committing,
}

/// Starts `new demo --from SOURCE` in `out`, hermetically (its own HOME and temporary
/// folder, no terminal), writing each file `delay_ms` apart.
fn start(source: &str, out: &Path, home: &Path, delay_ms: u32) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillforge"));
    cmd.args(["new", "demo", "--from", source, "--yes"])
        .current_dir(out)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("TMPDIR", home.join("tmp"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if delay_ms > 0 {
        cmd.env("SKILLFORGE_WRITE_DELAY_MS", delay_ms.to_string());
    }
    cmd.spawn().unwrap()
}

/// Waits until `ready` holds, failing the test if the run ends or 60 s pass first.
fn wait_until(child: &mut Child, what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before {what}");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Whether process `pid` catches `signal`: its bit in the `SigCgt` mask.
fn catches(pid: u32, signal: libc::c_int) -> bool {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// The staging folder in `out`, if there is one.
fn staging(out: &Path) -> Option<PathBuf> {
    fs::read_dir(out)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".skillforge-")
        })
}

/// Files below `dir`, counted.
fn files_in(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => files_in(&e.path()),
            _ => 1,
        })
        .sum()
}

fn reach(child: &mut Child, out: &Path, stage: Stage, signal: libc::c_int) {
    let pid = child.id();
    wait_until(child, "the handler was installed", || catches(pid, signal));
    match stage {
        Stage::Loading => {}
        Stage::Writing(n) => wait_until(child, "files were written", || {
            staging(out).is_some_and(|s| files_in(&s) >= n)
        }),
        Stage::Committing => wait_until(child, "the commit began", || {
            staging(out).is_some_and(|s| s.join(".git").exists())
        }),
    }
}

/// A fresh HOME with an empty temporary folder in it.
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir(home.path().join("tmp")).unwrap();
    home
}

/// Sends `signal` to a run of `new --from SOURCE` at `stage`, and checks that it left
/// nothing (in its folder or the temporary one) and said so once.
fn interrupt_at(source: &str, stage: Stage, (signal, name): (libc::c_int, &str)) {
    let out = tempfile::tempdir().unwrap();
    let home = home();
    let delay_ms = u32::from(matches!(stage, Stage::Writing(_)));
    let mut child = start(source, out.path(), home.path(), delay_ms);
    reach(&mut child, out.path(), stage, signal);
    // SAFETY: sends a signal to the child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    let run = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(130),
        "{name} at {stage:?}: {stderr}"
    );
    assert_eq!(
        stderr.matches(CANCELLED).count(),
        1,
        "{name} at {stage:?}: one message\n{stderr}"
    );
    assert!(
        run.stdout.is_empty(),
        "{name} at {stage:?}: nothing reported"
    );
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{name} at {stage:?} left {left:?}");
    let temporary: Vec<_> = fs::read_dir(home.path().join("tmp"))
        .unwrap()
        .flatten()
        .collect();
    assert!(
        temporary.is_empty(),
        "{name} at {stage:?} left {temporary:?}"
    );
}

#[test]
fn every_signal_while_loading_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bp = big_blueprint(dir.path(), DATA_FILES);
    for signal in SIGNALS {
        interrupt_at(bp.to_str().unwrap(), Stage::Loading, signal);
    }
}

#[test]
fn every_signal_while_writing_files_leaves_no_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bp = big_blueprint(dir.path(), DATA_FILES);
    for (signal, written) in SIGNALS.into_iter().zip([1, 40, 150, 300, 80]) {
        interrupt_at(bp.to_str().unwrap(), Stage::Writing(written), signal);
    }
}

#[test]
fn every_signal_during_the_first_commit_leaves_no_project_and_no_git() {
    let dir = tempfile::tempdir().unwrap();
    let bp = big_blueprint(dir.path(), DATA_FILES);
    for signal in SIGNALS {
        interrupt_at(bp.to_str().unwrap(), Stage::Committing, signal);
    }
}

#[test]
fn a_killed_run_is_swept_by_the_next_and_a_live_run_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let bp = big_blueprint(dir.path(), DATA_FILES);
    let out = tempfile::tempdir().unwrap();
    let home = home();
    let stage = Stage::Writing(100);
    let source = bp.to_str().unwrap();
    let mut killed = start(source, out.path(), home.path(), 1);
    reach(&mut killed, out.path(), stage, libc::SIGTERM);
    killed.kill().unwrap();
    killed.wait().unwrap();
    let leftover = staging(out.path()).expect("a SIGKILL leaves the staging folder");
    assert!(files_in(&leftover) >= 100);
    assert!(!out.path().join("demo").exists());

    // The next run sweeps the dead run's folder before it writes its own.
    let mut live = start(source, out.path(), home.path(), 5);
    wait_until(
        &mut live,
        "the next run swept the leftover and wrote",
        || !leftover.exists() && staging(out.path()).is_some_and(|s| files_in(&s) > 0),
    );
    let live_staging = staging(out.path()).unwrap();
    // A run that is still writing keeps its folder while another run sweeps.
    sf(["new", "other", "-b", "fastapi-service", "-y", "--no-git"])
        .cwd(out.path())
        .run()
        .success();
    assert!(live_staging.exists(), "a live run's folder is not swept");
    // SAFETY: sends a signal to the child this test started and has not reaped.
    assert_eq!(
        unsafe { libc::kill(live.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    assert_eq!(live.wait().unwrap().code(), Some(130));
    let names: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["other"]);
}

#[test]
fn a_signal_also_removes_the_clone_of_a_git_source() {
    let dir = tempfile::tempdir().unwrap();
    let bp = big_blueprint(dir.path(), 300);
    let repo = git2::Repository::init(&bp).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("T", "t@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "blueprint", &tree, &[])
        .unwrap();
    let url = format!("file://{}", bp.display());
    for signal in [SIGNALS[0], SIGNALS[1]] {
        interrupt_at(&url, Stage::Writing(20), signal);
    }
}

/// The skillforge process running with `dir` as its working folder.
fn skillforge_in(dir: &Path) -> Option<libc::pid_t> {
    let dir = dir.canonicalize().ok()?;
    let exe = Path::new(env!("CARGO_BIN_EXE_skillforge"))
        .canonicalize()
        .ok()?;
    fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid = entry.file_name().to_str()?.parse().ok()?;
        let here = fs::read_link(entry.path().join("cwd")).ok()? == dir;
        (here && fs::read_link(entry.path().join("exe")).ok()? == exe).then_some(pid)
    })
}

#[test]
fn a_signal_at_a_prompt_gives_the_terminal_back_as_it_was() {
    use std::os::fd::AsRawFd;
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    // Run from a shell that outlives it, as at a prompt: when the session's leader exits the
    // kernel resets the terminal, which would hide what the run left it as.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "\"$0\" new demo; echo \"exit $?\"; sleep 60"])
        .arg(env!("CARGO_BIN_EXE_skillforge"))
        .current_dir(dir.path())
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    let terminal = p.process().get_file_handle().unwrap();
    let settings = || {
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: fills `t` from the pseudo-terminal this test opened; checked before use.
        assert_eq!(
            unsafe { libc::tcgetattr(terminal.as_raw_fd(), t.as_mut_ptr()) },
            0
        );
        // SAFETY: filled by the successful call above.
        unsafe { t.assume_init() }.c_lflag
    };
    // Line editing and Ctrl-C: what raw mode turns off.
    let cooked = libc::ICANON | libc::ISIG;
    p.exp_string("Skills to practise").unwrap();
    // The picker is waiting for a key, with the terminal in raw mode.
    let start = Instant::now();
    while settings() & cooked != 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "never raw");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = skillforge_in(dir.path()).expect("the run is found by its folder");
    // SAFETY: sends a signal to the run this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let said = p.exp_string("exit 130").unwrap();
    // The prompt's read is cut short too; the handler alone reports it.
    assert_eq!(said.matches(CANCELLED).count(), 1, "one message: {said}");
    assert_eq!(settings() & cooked, cooked, "the terminal is cooked again");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    p.process_mut().exit().unwrap();
}
