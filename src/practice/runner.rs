//! Running pytest with the project's own Python, with skillforge's plugin writing an event
//! per line to a report that `collector` folds into one result per test.
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

use super::collector::{Collector, RunResults};
use super::sandbox::put;
use crate::environment::requires::PythonRequirement;
use crate::environment::venv::Venv;
use crate::error::{Error, Result};
use crate::interrupt;

const PLUGIN: &str = include_str!("pytest_plugin.py");
const LAUNCHER: &str = include_str!("pytest_launch.py");

/// How long past a test's limit the runner waits for the plugin's own alarm before it kills
/// the run: the alarm reports where the test was, a kill cannot.
const GRACE: Duration = Duration::from_secs(5);

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
    /// For a graded run: the graded files (paths relative to `cwd`) and their contents. The
    /// plugin refuses to grade when the code under test changes one, or adds a conftest.
    pub expected: Option<&'a BTreeMap<String, Vec<u8>>>,
    /// Stop at the first test that fails or errors, as pytest's `--exitfirst` does (but
    /// not at a file that fails to import); the tests left are reported as not run.
    pub exitfirst: bool,
}

/// The interpreter to run the tests with: the project's `.venv`, else `python3` on PATH.
///
/// A `.venv` that is there but cannot be used (not a virtual environment, its Python gone,
/// too old for `requires-python`, a script) is an error naming what is wrong and
/// `skillforge setup`: grading with another Python would only fail later, and less clearly.
/// The diagnosis is `environment::venv`'s, the one `setup` and `doctor` give too.
pub fn interpreter(root: &Path) -> Result<PathBuf> {
    let requirement = PythonRequirement::read(root)
        .or_else(|_| PythonRequirement::parse(""))
        .expect("empty specifiers parse");
    match Venv::inspect(root, &requirement) {
        Venv::Missing => {}
        Venv::Good { python, .. } => return Ok(python),
        Venv::Script { python } => {
            return Err(Error::Environment {
                message: format!(
                    "{} is a script, not a Python interpreter, so the tests cannot be graded \
                     with it; make the environment again with `skillforge setup`",
                    python.display()
                ),
            });
        }
        other => {
            return Err(Error::Environment {
                message: format!(
                    "{}, so the tests cannot run; fix: {}",
                    other.problem(&requirement).unwrap_or_default(),
                    other.fix()
                ),
            });
        }
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
                 PATH; run `skillforge setup`, which finds or fetches a Python and makes .venv",
                root.display()
            ),
        }),
    }
}

/// Where the interpreter of the project's `.venv` is (whether or not it exists).
pub fn venv_python(root: &Path) -> PathBuf {
    if cfg!(windows) {
        root.join(".venv").join("Scripts").join("python.exe")
    } else {
        root.join(".venv").join("bin").join("python")
    }
}

/// Whether `python` is a script standing in for an interpreter (`#!` first).
pub fn is_script(python: &Path) -> bool {
    let mut start = [0u8; 2];
    let read = std::fs::File::open(python).and_then(|mut f| f.read_exact(&mut start));
    read.is_ok() && &start == b"#!"
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
    // Outside a venv the fix is a venv (pip refuses to install into a system Python), and
    // `setup` makes one with a pip or uv that knows `--group`.
    let (what, by_hand) = if in_venv {
        (
            "which installs the project with its dev group",
            format!(
                "{shown} -m pip install --upgrade pip && {shown} -m pip install -e . --group dev"
            ),
        )
    } else {
        (
            "which makes .venv and installs the project with its dev group into it",
            "python3 -m venv .venv && .venv/bin/python -m pip install --upgrade pip && \
             .venv/bin/python -m pip install -e . --group dev"
                .to_string(),
        )
    };
    Err(Error::Environment {
        message: format!(
            "pytest is not installed for {shown}; run `skillforge setup`, {what} (by hand:\n  \
             {by_hand})"
        ),
    })
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
    /// A new scratch folder in the temporary directory, with the plugin and the launcher.
    pub fn new() -> Result<Scratch> {
        sweep_stale();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
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

    /// Where the scratch folder is.
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

/// The start of a scratch folder's name; the id of the process that made it follows.
const SCRATCH_PREFIX: &str = "skillforge-check-";

/// Removes the scratch folders of checks whose process is gone (killed with SIGKILL, which
/// no handler sees). Unix only: elsewhere a process id cannot be asked after this way.
fn sweep_stale() {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .and_then(|n| n.strip_prefix(SCRATCH_PREFIX))
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<libc::pid_t>().ok())
            else {
                continue;
            };
            // SAFETY: signal 0 only asks whether the process exists.
            let gone = unsafe { libc::kill(pid, 0) } != 0
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
            if gone {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Runs pytest as `invocation` says and returns one result per test.
pub fn run(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    mut on_event: impl FnMut(Event),
) -> Result<RunResults> {
    let mut tests = Collector::default();
    tests.exitfirst = invocation.exitfirst;
    loop {
        let attempt = scratch.next();
        let report = scratch.runner().join(format!("report-{attempt}.jsonl"));
        let deselect = scratch.runner().join(format!("deselect-{attempt}.txt"));
        // Written anew (never through whatever the code under test put at these paths).
        put(&report, b"")?;
        let done: Vec<&str> = tests.results.keys().map(String::as_str).collect();
        put(&deselect, done.join("\n").as_bytes())?;
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
                if tests.left_over().is_empty() || tests.stopped_first() {
                    return tests.finish(status, invocation.python);
                }
            }
            Attempt::Exited(status) => return tests.finish(status, invocation.python),
            // A test ran past its limit and the run was killed: run what is left, unless
            // nothing is (or nothing more ran this time, which would loop for ever).
            Attempt::Killed { progress } => {
                if !progress || tests.left_over().is_empty() || tests.stopped_first() {
                    return tests.finish(None, invocation.python);
                }
            }
        }
    }
}

enum Attempt {
    /// pytest ended by itself, with this exit status, or was ended once the plugin said
    /// every result was in (no status then).
    Exited(Option<i32>),
    /// The runner killed it; `progress`: some test got a result in this attempt.
    Killed { progress: bool },
}

fn spawn(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    report: &Path,
    deselect: &Path,
) -> Result<(Child, std::fs::File)> {
    let mut command = Command::new(invocation.python);
    if invocation.requirements.is_some() {
        // -E: no PYTHONPATH, PYTHONSTARTUP or other PYTHON* variable reaches the run. -S: no
        // `import` line of a `.pth` file in site-packages runs before skillforge's plugin
        // (the launcher adds site-packages itself, without them).
        command.args(["-E", "-S"]);
    }
    // pytest's own output goes to a file: a process a test leaves behind may hold it open,
    // and a pipe would then never end.
    let console = report.with_extension("log");
    put(&console, b"")?;
    let log = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&console)
        .map_err(Error::io("cannot write", &console))?;
    // Read back through this handle: the path may be replaced meanwhile (by a FIFO, say).
    let ours = log
        .try_clone()
        .map_err(Error::io("cannot write", &console))?;
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
        .stdin(Stdio::piped())
        .stdout(log)
        .stderr(log_too);
    if let Some(package) = &invocation.package {
        command.env("SKILLFORGE_PACKAGE", package);
    }
    if invocation.exitfirst {
        command.env("SKILLFORGE_EXITFIRST", "1");
    }
    if let Some(expected) = invocation.expected {
        let digests: BTreeMap<&str, String> = expected
            .iter()
            .map(|(path, bytes)| (path.as_str(), sha256_hex(bytes)))
            .collect();
        let path = report.with_extension("expected.json");
        let text = serde_json::to_string(&digests).expect("digests serialize");
        put(&path, text.as_bytes())?;
        command.env("SKILLFORGE_EXPECTED", &path);
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
    Ok((child, ours))
}

fn attempt_run(
    scratch: &Scratch,
    invocation: &Invocation<'_>,
    report: &Path,
    deselect: &Path,
    tests: &mut Collector,
    on_event: &mut impl FnMut(Event),
) -> Result<Attempt> {
    // Opened before pytest starts: the handle reads the file the plugin writes, whatever
    // the code under test later puts at its path.
    let mut lines = std::io::BufReader::new(
        std::fs::File::open(report).map_err(Error::io("cannot read", report))?,
    );
    let (mut child, console) = spawn(scratch, invocation, report, deselect)?;
    let token = secret();
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        // The plugin reads its secret, then standard input ends, as with no input at all.
        let _ = writeln!(stdin, "{token}");
    }
    let _guard = interrupt::kill_on_interrupt(child.id());
    let mut pending = String::new();
    let before = tests.results.len();
    let mut since = Instant::now();
    let stopped = loop {
        let exited = child.try_wait().map_err(|e| {
            // The interrupt handler may have reaped it: it is about to exit the process.
            interrupt::wait_if_interrupted();
            Error::io("cannot wait for", invocation.python)(e)
        })?;
        // Read whatever the plugin wrote; a line without its newline is not complete yet.
        loop {
            let mut chunk = String::new();
            if lines.read_line(&mut chunk).unwrap_or(0) == 0 {
                break;
            }
            pending.push_str(&chunk);
            if pending.ends_with('\n') {
                since = Instant::now();
                tests.read_line(&pending, &token, on_event);
                pending.clear();
            }
        }
        if let Some(status) = exited {
            // Killed by the interrupt handler: it exits the process; report nothing.
            interrupt::wait_if_interrupted();
            // Whatever a test started in the background goes with the run.
            interrupt::kill_group(child.id());
            interrupt::end_orphans();
            break Attempt::Exited(status.code());
        }
        if tests.session_finished && tests.ran() {
            // Every result is in: what is left is pytest's own clean-up and the interpreter's
            // (collecting a large library's garbage, a thread that keeps it alive), which
            // grades nothing and takes up to a second after an import as large as MLflow.
            // (A run where nothing ran ends by itself: its exit status says why.)
            interrupt::kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            interrupt::end_orphans();
            break Attempt::Exited(None);
        }
        // Importing and collecting have a limit too: an endless loop at a module's top level.
        let limit = match tests.current {
            Some(_) => invocation.timeout,
            None => collect_limit(invocation.timeout),
        };
        if since.elapsed() > limit + GRACE {
            interrupt::kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            interrupt::end_orphans();
            tests.stopped(invocation.timeout, collect_limit(invocation.timeout));
            break Attempt::Killed {
                progress: tests.results.len() > before,
            };
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    tests.console = read_tail(console);
    Ok(stopped)
}

/// A secret for one pytest process: 128 bits from the standard library's per-process random
/// keys (the same source `HashMap` uses against collisions), with the time and process id.
fn secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut parts = Vec::new();
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        parts.push(format!("{:016x}", hasher.finish()));
    }
    parts.concat()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How long importing the tests may take: modules of a data science stack load slowly, and
/// the plugin allows the same (`_COLLECT_TIMEOUT`).
fn collect_limit(timeout: Duration) -> Duration {
    (3 * timeout).max(Duration::from_secs(30))
}

/// How much of pytest's own output is kept: its end, which says why it could not run.
const CONSOLE_KEPT: u64 = 64 * 1024;

/// The last `CONSOLE_KEPT` bytes of a log, so an endless print cannot fill the memory.
fn read_tail(mut file: std::fs::File) -> String {
    use std::io::{Seek, SeekFrom};
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(size.saturating_sub(CONSOLE_KEPT)));
    let mut bytes = Vec::new();
    let _ = file.take(CONSOLE_KEPT).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
