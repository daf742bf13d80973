fn main() -> std::process::ExitCode {
    restore_sigpipe();
    std::process::ExitCode::from(skillforge::run(std::env::args_os()) as u8)
}

/// Rust ignores SIGPIPE, so `skillforge show ID | head` would panic on the closed pipe.
/// Like other command-line tools, end quietly instead.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
