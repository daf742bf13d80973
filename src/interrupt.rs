//! Ctrl-C, SIGTERM and SIGHUP: whatever a command was doing, nothing of it is left behind.
//!
//! Commands register what an interrupt must undo while it exists: a half-written folder
//! (`new`'s staging folder, `check`'s scratch folder) to remove, a process group (`check`'s
//! pytest and everything it started) to kill. The handler undoes all of it, restores the
//! terminal, says so, and exits 130. `new` prompts before anything touches the disk, and its
//! destination only appears by an atomic rename, so after the handler nothing of a run is left.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::ExitCode;

struct Cleanup {
    message: &'static str,
    paths: Vec<PathBuf>,
    /// Process groups to kill, each with the value of `MARKER` its processes carry.
    groups: Vec<(u32, PathBuf)>,
}

/// Set as soon as the handler starts: work it interrupts must not carry on meanwhile.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

static CLEANUP: Mutex<Cleanup> = Mutex::new(Cleanup {
    message: "cancelled",
    paths: Vec::new(),
    groups: Vec::new(),
});

/// Installs the handler, which prints `message` when it runs; harmless to call again (the
/// first handler stays, the message is replaced).
pub fn install(message: &'static str) {
    if let Ok(mut cleanup) = CLEANUP.lock() {
        cleanup.message = message;
    }
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let message = match CLEANUP.lock() {
            Ok(mut cleanup) => {
                for (group, marker) in cleanup.groups.drain(..) {
                    kill_group(group);
                    kill_marked(&marker);
                }
                for path in cleanup.paths.drain(..) {
                    let _ = std::fs::remove_dir_all(path);
                }
                cleanup.message
            }
            Err(_) => "cancelled",
        };
        // dialoguer hides the cursor while a prompt is open.
        let _ = dialoguer::console::Term::stderr().show_cursor();
        eprintln!("\n{message}");
        std::process::exit(ExitCode::Cancelled as i32);
    });
}

/// Blocks for ever once an interrupt is being handled: a caller that saw its child process
/// die calls this first, so that it does not go on to report a run the handler is about to
/// end (the handler exits the process).
pub fn wait_if_interrupted() {
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Records the folder being written, so an interrupt can remove it; `None` once it is moved.
pub fn set_staging(path: Option<PathBuf>) {
    if let Ok(mut cleanup) = CLEANUP.lock() {
        cleanup.paths.clear();
        cleanup.paths.extend(path);
    }
}

/// While the returned guard lives, an interrupt removes `path` (a folder).
pub fn remove_on_interrupt(path: PathBuf) -> Guard {
    if let Ok(mut cleanup) = CLEANUP.lock() {
        cleanup.paths.push(path.clone());
    }
    Guard(Registered::Path(path))
}

/// While the returned guard lives, an interrupt kills the process group `group` (the id of
/// the process that leads it) and every process whose environment has `MARKER` set to
/// `marker`.
pub fn kill_on_interrupt(group: u32, marker: PathBuf) -> Guard {
    if let Ok(mut cleanup) = CLEANUP.lock() {
        cleanup.groups.push((group, marker));
    }
    Guard(Registered::Group(group))
}

enum Registered {
    Path(PathBuf),
    Group(u32),
}

/// Unregisters its folder or process group when dropped.
pub struct Guard(Registered);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut cleanup) = CLEANUP.lock() {
            match &self.0 {
                Registered::Path(path) => cleanup.paths.retain(|p| p != path),
                Registered::Group(group) => cleanup.groups.retain(|(g, _)| g != group),
            }
        }
    }
}

/// Kills every process of the group led by `group`: a test's subprocesses go too.
pub fn kill_group(group: u32) {
    #[cfg(unix)]
    {
        // SAFETY: killpg only sends a signal; a group that is gone yields ESRCH, ignored.
        unsafe {
            libc::killpg(group as libc::pid_t, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = std::process::Command::new("taskkill")
            .args(["/T", "/F", "/PID", &group.to_string()])
            .output();
    }
}

/// The environment variable a run's processes carry, so that those which left its process
/// group (a daemon calls `setsid`) are still found and ended.
pub const MARKER: &str = "SKILLFORGE_RUN";

/// Kills every process (of this user) whose environment has `MARKER` set to `marker`.
/// Linux only: elsewhere the process group is all that is ended.
pub fn kill_marked(marker: &std::path::Path) {
    #[cfg(target_os = "linux")]
    {
        let mut wanted = format!("{MARKER}=").into_bytes();
        wanted.extend_from_slice(marker.as_os_str().as_encoded_bytes());
        let me = std::process::id().to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
                continue;
            };
            if environ
                .split(|b| *b == 0)
                .any(|var| var == wanted.as_slice())
            {
                if let Ok(pid) = pid.parse::<libc::pid_t>() {
                    // SAFETY: sends a signal to one process; a process gone meanwhile is ESRCH.
                    unsafe {
                        libc::kill(pid, libc::SIGKILL);
                    }
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = marker;
    }
}
