//! `skillforge-py`: the `skillforge` command under the name of its Python distribution.
//!
//! `uvx NAME` runs the command named after the package, so the wheel needs a `skillforge-py`
//! command as well as `skillforge`. A wheel cannot hold a link, and maturin refuses
//! `[project.scripts]` in a wheel that ships a binary, so this small program runs the
//! `skillforge` binary installed beside it instead of being a second copy of it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let binary = match beside_this_program() {
        Ok(path) => path,
        Err(e) => fail(&format!(
            "cannot find where skillforge-py is installed: {e}"
        )),
    };
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let error = run(&binary, &args);
    fail(&format!(
        "cannot run {}: {error}; reinstall the skillforge-py package",
        binary.display()
    ));
}

/// `skillforge` in this program's folder. Installers put a wheel's scripts in one folder;
/// pipx and uv link or copy both into their bin folder, and `current_exe` follows links.
fn beside_this_program() -> std::io::Result<PathBuf> {
    let me = std::env::current_exe()?;
    Ok(me.with_file_name(format!("skillforge{}", std::env::consts::EXE_SUFFIX)))
}

/// Replaces this process with `skillforge`, so signals, terminal and exit code are its own;
/// returns only when that fails.
#[cfg(unix)]
fn run(binary: &Path, args: &[OsString]) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    Command::new(binary).args(args).exec()
}

/// Windows has no exec: run `skillforge`, wait, and exit with its code. Ctrl-C reaches every
/// process on the console, so this one ignores it and lets `skillforge` decide.
#[cfg(not(unix))]
fn run(binary: &Path, args: &[OsString]) -> std::io::Error {
    let _ = ctrlc::set_handler(|| {});
    match Command::new(binary).args(args).status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}

fn fail(message: &str) -> ! {
    eprintln!("skillforge-py: {message}");
    std::process::exit(1);
}
