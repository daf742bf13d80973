//! Signals that ask the process to stop: whatever a command was doing, nothing of it is left
//! behind, and one message says so.
//!
//! Commands register what an interrupt must undo while it exists: a half-written folder
//! (`new`'s staging folder, `check`'s scratch folder) to remove, a process group (`check`'s
//! pytest and everything it started) to kill. The handler undoes all of it, restores the
//! terminal, says so, and exits 130.
//!
//! The handler runs on a thread of its own (signal-hook's iterator on Unix, ctrlc on
//! Windows), so the work it interrupts goes on meanwhile. Work that writes into a registered
//! folder therefore runs in [`uninterrupted`] steps (one file, one commit, the rename): the
//! handler first stops new steps from starting, then waits for the one under way (or for it
//! to reach a [`checkpoint`]), and only then cleans up, so it never removes a folder while a
//! file is being written into it (which would recreate the folder, or make the removal fail
//! half-way), and nothing is written after it. It exits from its own thread, once the clean-up
//! is done; the thread it interrupted is parked meanwhile and never returns to report. A step
//! that makes a run's result visible (`new`'s rename into place) calls [`complete`] inside
//! it: from then on there is nothing to undo, and a signal lets the run end as it would have.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};

use crate::error::ExitCode;

struct Cleanup {
    message: &'static str,
    paths: Vec<PathBuf>,
    /// Folders moved aside, to move back (from, to) once `paths` are removed.
    restores: Vec<(PathBuf, PathBuf)>,
    /// Process groups to kill.
    groups: Vec<u32>,
}

/// Set as soon as the handler starts: work it interrupts must not carry on meanwhile (a step
/// does not start, `wait_if_interrupted` blocks).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Set by [`complete`]: the run's result is in place, an interrupt has nothing to undo.
/// Cleared when something to undo is registered again.
static COMPLETE: AtomicBool = AtomicBool::new(false);

static CLEANUP: Mutex<Cleanup> = Mutex::new(Cleanup {
    message: "cancelled",
    paths: Vec::new(),
    restores: Vec::new(),
    groups: Vec::new(),
});

/// How many threads are in a step of work that writes into a registered folder. The handler
/// waits on `STEP_ENDED` until none is, then keeps the lock until the process has exited.
/// Always taken before `CLEANUP`.
static STEP: Mutex<usize> = Mutex::new(0);
static STEP_ENDED: Condvar = Condvar::new();

thread_local! {
    /// How deep this thread is in nested steps: only the outermost one counts in `STEP`.
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The signals handled on Unix: every one whose default action ends the process and that
/// comes from outside it (a terminal, `kill`, a closed session, a resource limit). Signals
/// that report a fault of the process itself (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, ...)
/// are left alone, as is SIGPIPE, which Rust ignores so that a closed pipe is an error.
#[cfg(unix)]
const SIGNALS: &[libc::c_int] = &[
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGALRM,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGVTALRM,
    libc::SIGPROF,
    libc::SIGXCPU,
    libc::SIGXFSZ,
];

/// Installs the handler, which prints `message` when it runs; harmless to call again (the
/// first handler stays, the message is replaced). A signal that comes before this runs ends
/// the process the default way, which is right as long as nothing has been written yet.
pub fn install(message: &'static str) {
    static INSTALLED: Once = Once::new();
    lock(&CLEANUP).message = message;
    INSTALLED.call_once(listen);
}

/// The terminal's settings when the handler was installed, before any prompt: a prompt reads
/// keys with the terminal in raw mode (no echo, no line editing), and a signal that ends the
/// process meanwhile must not leave the user's shell that way.
#[cfg(unix)]
static TERMINAL: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

/// Set inside the signal handler itself, where the listener thread may not have woken yet.
#[cfg(unix)]
static SIGNALLED: std::sync::OnceLock<std::sync::Arc<AtomicBool>> = std::sync::OnceLock::new();

#[cfg(unix)]
fn listen() {
    let mut settings = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr fills `settings` when it returns 0, which is checked before reading it.
    if unsafe { libc::tcgetattr(libc::STDIN_FILENO, settings.as_mut_ptr()) } == 0 {
        // SAFETY: initialised by the successful call above.
        let _ = TERMINAL.set(unsafe { settings.assume_init() });
    }
    // Registered here, on the calling thread: a signal from now on waits for the listener.
    // First, so that no signal is ever caught by the flag alone and then not acted on.
    let Ok(mut signals) = signal_hook::iterator::Signals::new(SIGNALS) else {
        return;
    };
    let flag = SIGNALLED.get_or_init(std::sync::Arc::default);
    for &signal in SIGNALS {
        let _ = signal_hook::flag::register(signal, std::sync::Arc::clone(flag));
    }
    std::thread::spawn(move || {
        for _ in signals.forever() {
            handle();
        }
    });
}

#[cfg(not(unix))]
fn listen() {
    let _ = ctrlc::set_handler(handle);
}

/// Runs `step`, a piece of work that writes into a folder registered with
/// [`remove_on_interrupt`], whole: an interrupt that comes meanwhile waits for it to finish
/// (or to reach a [`checkpoint`]), then removes the folder; a step that would start after the
/// interrupt never does (it waits here until the handler has ended the process).
pub fn uninterrupted<T>(step: impl FnOnce() -> T) -> T {
    if DEPTH.get() == 0 {
        let mut under_way = lock(&STEP);
        // Checked under the lock, which the handler takes only after setting the flag.
        if INTERRUPTED.load(Ordering::SeqCst) {
            drop(under_way);
            wait_for_exit();
        }
        *under_way += 1;
    }
    DEPTH.set(DEPTH.get() + 1);
    let _ended = StepEnded;
    step()
}

/// Ends this thread's step when dropped, even when the step panics, so that the handler
/// never waits for ever.
struct StepEnded;

impl Drop for StepEnded {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
        if DEPTH.get() == 0 {
            *lock(&STEP) -= 1;
            STEP_ENDED.notify_all();
        }
    }
}

/// Inside a long [`uninterrupted`] step, between two writes: if an interrupt is waiting, the
/// step ends here, where what it wrote so far is whole, and never goes on (the handler removes
/// the folder and ends the process). Lets a signal during a large commit act at once.
pub fn checkpoint() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        if DEPTH.replace(0) > 0 {
            *lock(&STEP) -= 1;
            STEP_ENDED.notify_all();
        }
        wait_for_exit();
    }
}

/// Parks this thread until the handler, running on its own thread, ends the process.
fn wait_for_exit() -> ! {
    loop {
        std::thread::park();
    }
}

/// Called inside the [`uninterrupted`] step that puts the run's result in place, the run's last
/// step: an interrupt after it has nothing to undo, so the run goes on to report what it did.
pub fn complete() {
    COMPLETE.store(true, Ordering::SeqCst);
}

/// What a signal does: wait for the step under way, undo what is registered, say so once,
/// and exit with [`ExitCode::Cancelled`]; or nothing at all once the run is complete.
fn handle() {
    if COMPLETE.load(Ordering::SeqCst) {
        return;
    }
    // Set before waiting for the step under way, so that no other step starts after it.
    INTERRUPTED.store(true, Ordering::SeqCst);
    let mut held = lock(&STEP);
    while *held > 0 {
        held = STEP_ENDED
            .wait(held)
            .unwrap_or_else(PoisonError::into_inner);
    }
    if COMPLETE.load(Ordering::SeqCst) {
        // The result is in place and whole; the run is only reporting it now.
        INTERRUPTED.store(false, Ordering::SeqCst);
        drop(held);
        return;
    }
    let message = {
        let mut cleanup = lock(&CLEANUP);
        for group in cleanup.groups.drain(..) {
            kill_group(group);
        }
        end_orphans();
        for path in cleanup.paths.drain(..) {
            remove_folder(&path);
        }
        for (from, to) in cleanup.restores.drain(..) {
            if std::fs::symlink_metadata(&to).is_err() {
                let _ = std::fs::rename(&from, &to);
            }
        }
        cleanup.message
    };
    restore_terminal();
    eprintln!("\n{message}");
    // `held` is never released: no step runs between the clean-up and the exit.
    std::process::exit(ExitCode::Cancelled as i32);
}

/// Puts the terminal back as it was before any prompt: its settings (a prompt may be reading
/// a key in raw mode) and the cursor (dialoguer hides it while a prompt is open).
fn restore_terminal() {
    #[cfg(unix)]
    if let Some(settings) = TERMINAL.get() {
        // SAFETY: sets the terminal's attributes from a value tcgetattr filled.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, settings);
        }
    }
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let _ = dialoguer::console::Term::stderr().show_cursor();
    }
}

/// Removes `path` and everything in it (or the file `path`). A step that was writing into it has finished (the
/// handler holds `STEP`), but a process group just killed may still be closing files in it,
/// so a removal that fails is tried again for a moment.
fn remove_folder(path: &std::path::Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
        let _ = std::fs::remove_file(path);
        return;
    }
    for _ in 0..50 {
        match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => return,
        }
    }
}

/// Locks `mutex` even when a thread panicked while holding it: what it guards stays usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Blocks for ever once a signal has come (the handler exits the process), unless the run
/// is complete: a caller that saw its child process die, or a prompt's read cut short (a
/// signal interrupts the wait for a key), calls this first, so that it does not go on to
/// report a failure the handler is about to report as an interrupt.
pub fn wait_if_interrupted() {
    while signalled() && !COMPLETE.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Whether a signal has come: set by the signal handler itself (Unix), before any system call
/// it cut short returns, so a thread that sees the error sees the flag too.
fn signalled() -> bool {
    #[cfg(unix)]
    if SIGNALLED
        .get()
        .is_some_and(|flag| flag.load(Ordering::SeqCst))
    {
        return true;
    }
    INTERRUPTED.load(Ordering::SeqCst)
}

/// While the returned guard lives, an interrupt removes `path` (a folder). A run that
/// registers something to undo is not complete (any more).
pub fn remove_on_interrupt(path: PathBuf) -> Guard {
    COMPLETE.store(false, Ordering::SeqCst);
    lock(&CLEANUP).paths.push(path.clone());
    Guard(Registered::Path(path))
}

/// While the returned guard lives, an interrupt moves `from` back to `to` (after removing
/// the registered paths, one of which may be what took `to`'s place).
pub fn restore_on_interrupt(from: PathBuf, to: PathBuf) -> Guard {
    COMPLETE.store(false, Ordering::SeqCst);
    lock(&CLEANUP).restores.push((from.clone(), to));
    Guard(Registered::Restore(from))
}

/// While the returned guard lives, an interrupt kills the process group `group` (the id of
/// the process that leads it), and whatever it left behind.
pub fn kill_on_interrupt(group: u32) -> Guard {
    COMPLETE.store(false, Ordering::SeqCst);
    lock(&CLEANUP).groups.push(group);
    Guard(Registered::Group(group))
}

enum Registered {
    Path(PathBuf),
    Restore(PathBuf),
    Group(u32),
}

/// Unregisters its folder or process group when dropped.
pub struct Guard(Registered);

impl Drop for Guard {
    fn drop(&mut self) {
        let mut cleanup = lock(&CLEANUP);
        match &self.0 {
            Registered::Path(path) => cleanup.paths.retain(|p| p != path),
            Registered::Restore(from) => cleanup.restores.retain(|(f, _)| f != from),
            Registered::Group(group) => cleanup.groups.retain(|g| g != group),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_steps_count_once_and_end_with_the_outermost() {
        uninterrupted(|| {
            assert_eq!(DEPTH.get(), 1);
            assert!(*lock(&STEP) >= 1);
            uninterrupted(|| assert_eq!(DEPTH.get(), 2));
            assert_eq!(DEPTH.get(), 1);
        });
        assert_eq!(DEPTH.get(), 0);
    }

    #[test]
    fn a_step_that_panics_still_ends() {
        let panicked = std::panic::catch_unwind(|| uninterrupted(|| panic!("in a step")));
        assert!(panicked.is_err());
        assert_eq!(DEPTH.get(), 0);
    }
}
