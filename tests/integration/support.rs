//! A small fluent builder around the real binary, run hermetically: its own HOME (so no git
//! identity leaks in from the machine), no system git config, no terminal, no colour.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Sf {
    args: Vec<String>,
    env: BTreeMap<String, String>,
    cwd: Option<PathBuf>,
    home: tempfile::TempDir,
    timeout: Duration,
}

#[derive(Debug)]
pub(crate) struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub(crate) fn sf<I: IntoIterator<Item = S>, S: AsRef<str>>(args: I) -> Sf {
    Sf {
        args: args.into_iter().map(|s| s.as_ref().to_string()).collect(),
        env: BTreeMap::new(),
        cwd: None,
        home: tempfile::tempdir().expect("temp home"),
        timeout: Duration::from_secs(60),
    }
}

impl Sf {
    pub(crate) fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    pub(crate) fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// Gives the hermetic HOME a git identity.
    pub(crate) fn git_identity(self, name: &str, email: &str) -> Self {
        let config = format!("[user]\n\tname = {name}\n\temail = {email}\n");
        std::fs::write(self.home.path().join(".gitconfig"), config).expect("write gitconfig");
        self
    }

    pub(crate) fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs to completion (killing it past the timeout, which fails the test).
    pub(crate) fn run(self) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillforge"));
        cmd.args(&self.args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .envs(&self.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // scripts/test sets it after scripts/ensure-redis, and CI implies it: the
        // redis-cache add-on's tests then refuse to fall back to fakeredis, so the
        // suite runs them against a real Redis or fails saying which is missing.
        if let Some(value) = std::env::var_os("REDIS_REQUIRE_SERVER") {
            cmd.env("REDIS_REQUIRE_SERVER", value);
        } else if std::env::var_os("CI").is_some_and(|ci| ci == "true") {
            cmd.env("REDIS_REQUIRE_SERVER", "1");
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        let child = cmd.spawn().expect("spawn skillforge");
        let Some(out) = finish(child, Some(self.timeout)) else {
            panic!(
                "skillforge {:?} did not finish within {:?}",
                self.args, self.timeout
            );
        };
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Output {
    #[track_caller]
    pub(crate) fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn success(self) -> Self {
        self.code(0)
    }

    #[track_caller]
    pub(crate) fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn stdout_has(self, needle: &str) -> Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// Every file and folder below `root` (except `.git` internals), sorted, `/`-separated,
/// folders ending in `/`.
pub(crate) fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            out.push(format!("{rel}/"));
            if rel != ".git" {
                walk(root, &path, out);
            }
        } else {
            out.push(rel);
        }
    }
}

/// Generates a project with `--yes` and extra args into a fresh temp dir; returns both.
pub(crate) fn generate(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["new", name, "--blueprint", "fastapi-service", "--yes"];
    args.extend_from_slice(extra);
    sf(args)
        .cwd(dir.path())
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    let path = dir.path().join(
        skillforge::plan::naming::ProjectNames::parse(name)
            .unwrap()
            .name,
    );
    (dir, path)
}

/// Writes each `(path, text)` below `dir`, creating the folders on the way: a blueprint or a
/// project laid out by a test.
pub(crate) fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create dir");
        std::fs::write(path, text).expect("write file");
    }
}

/// Whether the Python tests over every base take `base`: all of them, unless
/// `SKILLFORGE_BASES=id,...` names some (for a blueprint's author, who wants one base's
/// results quickly; CI never sets it).
pub(crate) fn selected_base(base: &str) -> bool {
    std::env::var("SKILLFORGE_BASES").map_or(true, |only| only.split(',').any(|b| b == base))
}

/// The machine's certificate and proxy settings that are set, for a hermetic run that
/// installs packages: the index may be reached through a proxy with a certificate of its own.
pub(crate) fn network_settings() -> Vec<(&'static str, String)> {
    [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "PIP_CERT",
        "REQUESTS_CA_BUNDLE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    ]
    .into_iter()
    .filter_map(|key| std::env::var(key).ok().map(|value| (key, value)))
    .collect()
}

/// Writes an executable script `path` (mode 0755) holding `text`.
///
/// A child process writes it, so the writing descriptor is never open in the test process:
/// there, a process forked by a test running alongside could inherit it until its `exec`,
/// and running the script meanwhile fails with "text file busy" (ETXTBSY), at random.
#[cfg(unix)]
pub(crate) fn write_script(path: &Path, text: &str) {
    use std::io::Write;
    let mut child = Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sh runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(text.as_bytes())
        .expect("script written to sh");
    assert!(
        child.wait().expect("sh ends").success(),
        "{}",
        path.display()
    );
}

/// Runs `cmd` to its end, as `Command::output` does, and charges its CPU time (see
/// `finish`).
pub(crate) fn output(cmd: &mut Command) -> std::io::Result<std::process::Output> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    Ok(finish(child, None).expect("no timeout"))
}

/// Waits for `child`, reading the output it pipes while it runs (a child that fills a pipe
/// would otherwise never end); `None` when it outlives `timeout`, and is then killed.
///
/// The CPU seconds the child and the descendants it waited for used are added to this
/// thread's account (`costs::add_cpu`), which the cost table charges to blueprints: the
/// suite is CPU-bound, so wall seconds, which count waiting, do not say where its time goes.
pub(crate) fn finish(mut child: Child, timeout: Option<Duration>) -> Option<std::process::Output> {
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let mut timed_out = false;
    loop {
        if exited(&mut child) {
            break;
        }
        if timeout.is_some_and(|t| start.elapsed() > t) {
            let _ = child.kill();
            timed_out = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    crate::costs::add_cpu(cpu_seconds(&child));
    let status = child.wait().expect("wait for the child");
    let stdout = stdout.join().expect("stdout read");
    let stderr = stderr.join().expect("stderr read");
    (!timed_out).then_some(std::process::Output {
        status,
        stdout,
        stderr,
    })
}

/// Whether `child` has ended, leaving it unreaped (a zombie) so that its times can still be
/// read from `/proc`.
#[cfg(target_os = "linux")]
fn exited(child: &mut Child) -> bool {
    use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid fits i32"));
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    !matches!(waitid(Id::Pid(pid), flags), Ok(WaitStatus::StillAlive))
}

#[cfg(not(target_os = "linux"))]
fn exited(child: &mut Child) -> bool {
    child.try_wait().expect("wait").is_some()
}

/// The CPU seconds (user and system) an ended, unreaped `child` and the children it waited
/// for used: fields 14 to 17 of `/proc/PID/stat` (proc(5)), in clock ticks. 0 when they
/// cannot be read.
#[cfg(target_os = "linux")]
fn cpu_seconds(child: &Child) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", child.id())) else {
        return 0.0;
    };
    // The command name, field 2, is in parentheses and may hold spaces: count after it.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    // A process's ticks (100 a second) fit u32 for over a year, and u32 converts exactly.
    let ticks: u32 = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|f| f.parse::<u32>().ok())
        .sum();
    let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .and_then(|t| u32::try_from(t).ok())
        .unwrap_or(100);
    f64::from(ticks) / f64::from(per_second)
}

#[cfg(not(target_os = "linux"))]
fn cpu_seconds(_: &Child) -> f64 {
    0.0
}
