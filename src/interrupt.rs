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
    /// Process groups to kill.
    groups: Vec<u32>,
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
                for group in cleanup.groups.drain(..) {
                    kill_group(group);
                }
                end_orphans();
                for path in cleanup.paths.drain(..) {
                    let _ = std::fs::remove_dir_all(path);
                }
                cleanup.message
            }
            Err(_) => "cancelled",
        };
        // dialoguer hides the cursor while a prompt is open; only a terminal has one.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let _ = dialoguer::console::Term::stderr().show_cursor();
        }
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
/// the process that leads it), and whatever it left behind.
pub fn kill_on_interrupt(group: u32) -> Guard {
    if let Ok(mut cleanup) = CLEANUP.lock() {
        cleanup.groups.push(group);
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
                Registered::Group(group) => cleanup.groups.retain(|g| g != group),
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

/// Makes this process adopt whatever its children leave behind (Linux: a child subreaper),
/// so that `end_orphans` finds a daemon that left the process group and cleared its
/// environment. Elsewhere the process group is all that can be ended.
pub fn adopt_orphans() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sets a flag of this process; it takes no pointers.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    }
}

/// Kills and reaps every child of this process that is still there: after a run, only what
/// the run left behind (adopted by `adopt_orphans`).
pub fn end_orphans() {
    #[cfg(target_os = "linux")]
    for _ in 0..100 {
        let children = children();
        if children.is_empty() {
            return;
        }
        for &pid in &children {
            // SAFETY: signals and reaps processes that are this process's own children.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        for &pid in &children {
            // SAFETY: as above; WNOHANG never blocks.
            unsafe {
                libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG);
            }
        }
    }
}

/// The ids of this process's children, from `/proc/<pid>/stat` (its fourth field, after the
/// command name in parentheses, is the parent's id).
#[cfg(target_os = "linux")]
fn children() -> Vec<libc::pid_t> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let after_name = &stat[stat.rfind(')')? + 1..];
            let parent = after_name.split_whitespace().nth(1)?;
            (parent == me).then_some(pid)
        })
        .collect()
}
