//! `skillforge setup`: makes a generated project ready to work on. It finds a Python the
//! project accepts, makes `.venv` with it (uv when on PATH, else `venv` and a pip that knows
//! `--group`), installs the project editable with its `dev` group, and ends with the first
//! check: the harness tests alone.
//!
//! It is safe to run again: a `.venv` whose Python runs and is accepted is kept and
//! installed into again; one whose Python is gone, too old or a script is made anew, and
//! it says so. Something at `.venv` that is not a virtual environment (a file, a folder
//! without `pyvenv.cfg`) is the learner's: setup names it and leaves it alone.
//!
//! A `.venv` made anew replaces the old one only once it works: the old one is moved aside
//! to `.venv.skillforge-old`, the new one is made in place (a virtual environment cannot be
//! made elsewhere and moved: its scripts name its own path), and the old one comes back when
//! making the new one fails or is interrupted. It writes nothing but `.venv` (and that
//! sibling while it runs) and its lock, `.skillforge/setup.lock`, which keeps a second setup
//! of the same project from building into the same `.venv` meanwhile.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::environment::installer::{self, Choice, Installer};
use crate::environment::python::{self, Interpreter};
use crate::environment::requires::{PIP_WITH_GROUP, PythonRequirement, pip_knows_groups};
use crate::environment::venv::{self, Venv};
use crate::error::{Error, Result};
use crate::plan::answers::PYTHON_VERSIONS;
use crate::practice::{Workspace, runner};
use crate::{interrupt, ui};

pub mod lock;

/// What `setup` was asked to use.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--python`: a path or a name on PATH.
    pub python: Option<String>,
    pub installer: Choice,
    /// Where the project's blueprints are now, when they have moved (`--from`).
    pub from: Option<String>,
}

/// Where the old `.venv` waits while a new one is made, relative to the project.
pub const OLD_VENV: &str = ".venv.skillforge-old";

/// Sets up `ws`; `Ok` after the harness tests pass.
pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let root = &ws.root;
    let _lock = lock::SetupLock::acquire(root)?;
    restore_old(root)?;
    let requirement = PythonRequirement::read(root)?;
    let installer = Installer::choose(options.installer)?;
    let explicit = options
        .python
        .as_deref()
        .map(|given| explicit_python(given, &requirement))
        .transpose()?;
    let venv = Venv::inspect(root, &requirement);
    refuse_foreign(root, &venv, &requirement)?;
    let keep = match (&venv, &explicit) {
        (Venv::Good { version, .. }, Some(chosen)) => *version == chosen.version,
        (Venv::Good { .. }, None) => true,
        _ => false,
    };
    if keep {
        interrupt::install("stopped; .venv was kept: run `skillforge setup` again to finish");
        ui::note(&format!("reusing .venv ({})", describe_venv(&venv)));
        install(root, &installer)?;
    } else {
        if let Some(problem) = venv.problem(&requirement) {
            ui::warn(&format!(
                "{problem}: making .venv again (the old one is kept until the new one works)"
            ));
        } else if let Venv::Good { version, .. } = &venv {
            ui::note(&format!(
                ".venv has Python {version}: making it again with --python"
            ));
        }
        interrupt::install(
            "stopped; the .venv being made was removed (and the one before it put back)",
        );
        let chosen = match explicit {
            Some(found) => Some(found),
            None => choose_python(&requirement, &installer)?,
        };
        let recorded = ws.origin.answers.get("python").and_then(|v| v.as_str());
        let request = requirement.uv_request(recorded, PYTHON_VERSIONS);
        make_and_install(root, &installer, &request, &requirement, chosen.as_ref())?;
    }
    interrupt::install(
        "stopped; .venv is set up, the first check did not finish: run `skillforge check`",
    );
    first_check(ws, options.from.as_deref())
}

/// Fails when `.venv` is not a virtual environment setup may replace: not one at all, or a
/// folder without `pyvenv.cfg` whose interpreter is a script (which `inspect` names as the
/// script first). Setup never moves or removes what it did not make.
fn refuse_foreign(root: &Path, venv: &Venv, requirement: &PythonRequirement) -> Result<()> {
    let foreign = match venv {
        Venv::NotAVenv { .. } => venv.clone(),
        Venv::Missing => return Ok(()),
        _ if root.join(".venv").join("pyvenv.cfg").is_file() => return Ok(()),
        _ => Venv::NotAVenv {
            path: root.join(".venv"),
            file: false,
        },
    };
    Err(Error::Environment {
        message: format!(
            "{}; {}",
            foreign.problem(requirement).unwrap_or_default(),
            foreign.fix()
        ),
    })
}

/// The interpreter `--python` names, which must run and be accepted.
fn explicit_python(given: &str, requirement: &PythonRequirement) -> Result<Interpreter> {
    let found = python::named(given).and_then(|c| python::probe(&c));
    match found {
        Some(found) if requirement.admits(&found.version) => Ok(found),
        Some(found) => Err(Error::Environment {
            message: format!(
                "--python {given}: it is Python {}, and the project requires {} \
                 (pyproject.toml's requires-python); pass another, or leave --python out to \
                 search for one",
                found.version,
                requirement.describe()
            ),
        }),
        None => Err(Error::Environment {
            message: format!(
                "--python {given}: no Python interpreter runs as {given:?}; pass a path or a \
                 name on PATH{}",
                found_on_path(requirement)
            ),
        }),
    }
}

/// The Pythons on PATH, the accepted one first, for an error about `--python`:
/// `; found python3.12 3.12.4, python3 3.10.12`, or that there is none.
fn found_on_path(requirement: &PythonRequirement) -> String {
    let search = python::survey(requirement);
    let names: Vec<String> = search
        .chosen
        .iter()
        .chain(&search.rejected)
        .map(|found| {
            let ok = if requirement.admits(&found.version) {
                ""
            } else {
                " (too old or too new for the project)"
            };
            format!("{}{ok}", found.describe())
        })
        .collect();
    if names.is_empty() {
        "; there is no Python on PATH at all (leave --python out and setup says what to install)"
            .into()
    } else {
        format!("; found {}", names.join(", "))
    }
}

/// A Python for the new `.venv`. `None` means uv is to fetch one; without uv, finding none
/// is an error that says what was found and what to install.
fn choose_python(
    requirement: &PythonRequirement,
    installer: &Installer,
) -> Result<Option<Interpreter>> {
    let uv = match installer {
        Installer::Uv(path) => Some(path.as_path()),
        Installer::Pip => None,
    };
    let search = python::find(requirement, None, uv);
    if let Some(chosen) = search.chosen {
        ui::note(&format!("using {}", chosen.describe()));
        return Ok(Some(chosen));
    }
    let found = if search.rejected.is_empty() {
        "no Python at all on PATH".to_string()
    } else {
        let names: Vec<String> = search.rejected.iter().map(Interpreter::describe).collect();
        format!("only {}", names.join(", "))
    };
    if uv.is_some() {
        ui::note(&format!(
            "no Python on PATH satisfies {} ({found}): uv fetches a managed one",
            requirement.describe()
        ));
        return Ok(None);
    }
    Err(Error::Environment {
        message: format!(
            "no Python satisfies the project's requires-python {} (pyproject.toml); found {found}; \
             {}",
            requirement.describe(),
            python::install_advice(requirement, false)
        ),
    })
}

/// Makes `.venv` and installs into it. An old `.venv` (a virtual environment: `run` refused
/// anything else) is moved aside first and comes back if this fails or is interrupted; it is
/// removed only once the new one is installed.
fn make_and_install(
    root: &Path,
    installer: &Installer,
    request: &str,
    requirement: &PythonRequirement,
    chosen: Option<&Interpreter>,
) -> Result<()> {
    let folder = root.join(".venv");
    let old = root.join(OLD_VENV);
    let moved = std::fs::symlink_metadata(&folder).is_ok();
    if moved {
        std::fs::rename(&folder, &old).map_err(Error::io("cannot move aside", &folder))?;
    }
    let restore = moved.then(|| interrupt::restore_on_interrupt(old.clone(), folder.clone()));
    let guard = interrupt::remove_on_interrupt(folder.clone());
    let made = create(root, installer, request, requirement, chosen)
        .and_then(|()| install(root, installer));
    let outcome = match made {
        Ok(()) if moved => std::fs::remove_dir_all(&old)
            .or_else(|_| std::fs::remove_file(&old))
            .map_err(Error::io("cannot remove the old .venv at", &old)),
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = std::fs::remove_dir_all(&folder);
            if moved {
                std::fs::rename(&old, &folder).map_err(Error::io("cannot move back", &old))?;
                ui::note("the old .venv was put back as it was");
            }
            Err(error)
        }
    };
    drop(guard);
    drop(restore);
    outcome
}

/// Puts back a `.venv` that a setup stopped by force (SIGKILL, a power cut) left aside, or
/// removes the leftover when a new `.venv` was finished meanwhile.
fn restore_old(root: &Path) -> Result<()> {
    let old = root.join(OLD_VENV);
    if std::fs::symlink_metadata(&old).is_err() {
        return Ok(());
    }
    let folder = root.join(".venv");
    if std::fs::symlink_metadata(&folder).is_err() {
        ui::note(&format!(
            "putting back the .venv an earlier setup left at {OLD_VENV}"
        ));
        return std::fs::rename(&old, &folder).map_err(Error::io("cannot move back", &old));
    }
    Ok(())
}

/// Makes `.venv`: with uv (which fetches a Python when `chosen` is `None`), else with the
/// interpreter's `venv` module, then a pip that knows `--group`.
fn create(
    root: &Path,
    installer: &Installer,
    request: &str,
    requirement: &PythonRequirement,
    chosen: Option<&Interpreter>,
) -> Result<()> {
    let retry = "fix what it says, then run `skillforge setup` again";
    match (installer, chosen) {
        (Installer::Uv(uv), _) => {
            let mut command = Command::new(uv);
            command.args(["venv", "--python"]);
            match chosen {
                Some(found) => command.arg(found.uv_request()),
                None => command.arg(request),
            };
            command.arg(".venv");
            let fix = match chosen {
                Some(_) => retry.to_string(),
                // uv could not fetch one (offline, or downloads turned off).
                None => format!(
                    "if uv could not fetch a Python, {}",
                    python::install_advice(requirement, true)
                ),
            };
            installer::run_step("creating .venv with uv", &mut command, root, &fix)
        }
        (Installer::Pip, Some(found)) => {
            let mut command = found.command();
            command.args(["-m", "venv", ".venv"]);
            let fix = format!(
                "on Debian or Ubuntu the venv module is a package of its own: sudo apt install \
                 python3.{}-venv; then run `skillforge setup` again",
                found.version.release().get(1).copied().unwrap_or(0)
            );
            installer::run_step("creating .venv", &mut command, root, &fix)?;
            upgrade_pip(root)
        }
        (Installer::Pip, None) => unreachable!("choose_python fails without uv"),
    }
}

/// Upgrades the venv's pip to one that installs dependency groups.
fn upgrade_pip(root: &Path) -> Result<()> {
    let mut command = Command::new(runner::venv_python(root));
    command.args([
        "-m",
        "pip",
        "install",
        "--upgrade",
        &format!("pip>={PIP_WITH_GROUP}"),
    ]);
    installer::run_step(
        &format!("upgrading pip to {PIP_WITH_GROUP} or newer (for --group)"),
        &mut command,
        root,
        "fix what it says, then run `skillforge setup` again",
    )
}

/// Installs the project editable with its `dev` group into `.venv`.
fn install(root: &Path, installer: &Installer) -> Result<()> {
    let python = runner::venv_python(root);
    let fix = "fix what it says, then run `skillforge setup` again";
    let mut command = match installer {
        Installer::Uv(uv) => {
            let mut command = Command::new(uv);
            // `check` runs Python with -B (it writes no bytecode, in the learner's tree or
            // the venv), so a library left uncompiled would be compiled again at every
            // check; pip compiles at install by default, uv only when asked.
            command
                .args(["pip", "install", "--compile-bytecode", "--python"])
                .arg(&python);
            command
        }
        Installer::Pip => {
            match venv::pip_version(&python) {
                Some(v) if pip_knows_groups(&v) => {}
                Some(_) => upgrade_pip(root)?,
                None => {
                    // A venv uv made has no pip.
                    let mut ensure = Command::new(&python);
                    ensure.args(["-m", "ensurepip", "--upgrade"]);
                    installer::run_step("adding pip to .venv", &mut ensure, root, fix)?;
                    upgrade_pip(root)?;
                }
            }
            let mut command = Command::new(&python);
            command.args(["-m", "pip", "install"]);
            command
        }
    };
    command.args(["-e", ".", "--group", "dev"]);
    let label = format!(
        "installing the project and its dev group with {}",
        installer.name()
    );
    installer::run_step(&label, &mut command, root, fix)
}

/// Runs the harness tests with `.venv`'s Python and says where to start.
fn first_check(ws: &Workspace, from: Option<&str>) -> Result<()> {
    let python: PathBuf = runner::interpreter(&ws.root)?;
    runner::ensure_pytest(&ws.root, &python)?;
    let run = crate::commands::check::harness(ws, &python, from)?;
    if let Some(error) = run.error {
        return Err(Error::Environment {
            message: format!(
                "the environment is set up, but the first check could not run: {error}; run \
                 `skillforge check` to see it in full"
            ),
        });
    }
    if let Some(first) = run.failures.first() {
        return Err(Error::Environment {
            message: format!(
                "the environment is set up, but {} of {} harness tests fail (they check the \
                 project itself): {first}; run `skillforge check` to see it in full",
                run.failures.len(),
                run.total
            ),
        });
    }
    let start = ws
        .origin
        .tasks
        .iter()
        .find(|t| !t.stretch)
        .or(ws.origin.tasks.first())
        .map(|t| format!("; start task {}: {}", t.number, t.title))
        .unwrap_or_default();
    let tests = match run.total {
        1 => "1 harness test passes".to_string(),
        n => format!("{n} harness tests pass"),
    };
    ui::success(&format!("set-up OK: {tests}{start}"));
    Ok(())
}

fn describe_venv(venv: &Venv) -> String {
    match venv {
        Venv::Good { python, version } => format!("Python {version}, {}", venv::shown(python)),
        _ => String::new(),
    }
}
