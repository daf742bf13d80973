//! `skillforge setup`: makes a generated project ready to work on. It finds a Python the
//! project accepts, makes `.venv` with it (uv when on PATH, else `venv` and a pip that knows
//! `--group`), installs the project editable with its `dev` group, and ends with the first
//! check: the harness tests alone.
//!
//! It is safe to run again: a `.venv` whose Python runs and is accepted is kept and
//! installed into again; one whose Python is gone, too old or a script is made anew, and
//! it says so. It writes nothing but `.venv`, and an interrupt or a failed install leaves no
//! half-made `.venv` behind when it was making one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::environment::installer::{self, Choice, Installer};
use crate::environment::python::{self, Interpreter};
use crate::environment::requires::{PIP_WITH_GROUP, PythonRequirement, pip_knows_groups};
use crate::environment::venv::{self, Venv};
use crate::error::{Error, Result};
use crate::practice::{Workspace, runner};
use crate::{interrupt, ui};

/// What `setup` was asked to use.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--python`: a path or a name on PATH.
    pub python: Option<String>,
    pub installer: Choice,
}

/// Sets up `ws`; `Ok` after the harness tests pass.
pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    let root = &ws.root;
    let requirement = PythonRequirement::read(root)?;
    let installer = Installer::choose(options.installer)?;
    let explicit = options
        .python
        .as_deref()
        .map(|given| explicit_python(given, &requirement))
        .transpose()?;
    let venv = Venv::inspect(root, &requirement);
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
            ui::warn(&format!("{problem}: making .venv again"));
        } else if let Venv::Good { version, .. } = &venv {
            ui::note(&format!(
                ".venv has Python {version}: making it again with --python"
            ));
        }
        interrupt::install("stopped; the .venv being made was removed");
        let chosen = match explicit {
            Some(found) => Some(found),
            None => choose_python(&requirement, &installer)?,
        };
        make_and_install(root, &installer, &requirement, chosen.as_ref())?;
    }
    interrupt::install(
        "stopped; .venv is set up, the first check did not finish: run `skillforge check`",
    );
    first_check(ws)
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
                 name on PATH, such as python3.12"
            ),
        }),
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

/// Removes a stale `.venv`, makes a new one and installs into it; on failure the new
/// `.venv` is removed again.
fn make_and_install(
    root: &Path,
    installer: &Installer,
    requirement: &PythonRequirement,
    chosen: Option<&Interpreter>,
) -> Result<()> {
    let folder = root.join(".venv");
    remove_stale(&folder)?;
    let guard = interrupt::remove_on_interrupt(folder.clone());
    let made = create(root, installer, requirement, chosen).and_then(|()| install(root, installer));
    if let Err(error) = made {
        let _ = std::fs::remove_dir_all(&folder);
        drop(guard);
        return Err(error);
    }
    drop(guard);
    Ok(())
}

/// Removes the `.venv` about to be made anew, unless it is not a virtual environment at all
/// (no `pyvenv.cfg`): that folder is the learner's, and is left for them to move.
fn remove_stale(folder: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(folder) else {
        return Ok(());
    };
    if meta.is_dir() && !folder.join("pyvenv.cfg").is_file() {
        return Err(Error::Environment {
            message: format!(
                "{} is not a virtual environment (it has no pyvenv.cfg), so setup leaves it \
                 alone; move or remove it, then run `skillforge setup` again",
                folder.display()
            ),
        });
    }
    let removed = if meta.is_dir() {
        std::fs::remove_dir_all(folder)
    } else {
        std::fs::remove_file(folder)
    };
    removed.map_err(Error::io("cannot remove", folder))
}

/// Makes `.venv`: with uv (which fetches a Python when `chosen` is `None`), else with the
/// interpreter's `venv` module, then a pip that knows `--group`.
fn create(
    root: &Path,
    installer: &Installer,
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
                None => command.arg(if requirement.text.is_empty() {
                    "3"
                } else {
                    &requirement.text
                }),
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
        "check the network connection to PyPI, then run `skillforge setup` again",
    )
}

/// Installs the project editable with its `dev` group into `.venv`.
fn install(root: &Path, installer: &Installer) -> Result<()> {
    let python = runner::venv_python(root);
    let fix = "fix what it says (a network or index problem, or a dependency pyproject.toml \
               names), then run `skillforge setup` again";
    let mut command = match installer {
        Installer::Uv(uv) => {
            let mut command = Command::new(uv);
            command.args(["pip", "install", "--python"]).arg(&python);
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
fn first_check(ws: &Workspace) -> Result<()> {
    let python: PathBuf = runner::interpreter(&ws.root)?;
    runner::ensure_pytest(&ws.root, &python)?;
    let run = crate::commands::check::harness(ws, &python)?;
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
