//! Ctrl-C during `new`: restore the terminal, remove the half-written staging folder, say so,
//! and exit 130. Prompts run before anything touches the disk, and the destination only
//! appears by an atomic rename, so after this handler nothing of the run is left.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::ExitCode;

static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Installs the handler; harmless to call when one is already installed.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if let Some(path) = STAGING.lock().ok().and_then(|mut s| s.take()) {
            let _ = std::fs::remove_dir_all(path);
        }
        // dialoguer hides the cursor while a prompt is open.
        let _ = dialoguer::console::Term::stderr().show_cursor();
        eprintln!("\ncancelled; nothing was written");
        std::process::exit(ExitCode::Cancelled as i32);
    });
}

/// Records the folder being written, so an interrupt can remove it; `None` once it is moved.
pub fn set_staging(path: Option<PathBuf>) {
    if let Ok(mut staging) = STAGING.lock() {
        *staging = path;
    }
}
