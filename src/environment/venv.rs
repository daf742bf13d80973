//! The project's `.venv` as it is: whether it is there, whether its interpreter still runs
//! and is one the project accepts, and its pip. `check` runs the tests with the same
//! interpreter (`practice::runner::interpreter`), so both read its path from one place.

use std::path::{Path, PathBuf};
use std::process::Command;

use pep440_rs::Version;

use super::python::{Candidate, probe};
use super::requires::{PythonRequirement, reported_version};
use crate::practice::runner;

/// What `.venv` holds.
#[derive(Debug, Clone)]
pub enum Venv {
    /// There is no `.venv`.
    Missing,
    /// `.venv` is a file, or a folder without `pyvenv.cfg`: not a virtual environment, so
    /// something of the learner's that neither `setup` nor `check` may use or remove.
    NotAVenv { path: PathBuf, file: bool },
    /// `.venv` has no interpreter, or one whose link points at a Python that is gone.
    NoInterpreter { python: PathBuf },
    /// The interpreter is there but does not run (the Python it was made from was removed or
    /// upgraded in place).
    Broken { python: PathBuf },
    /// A script stands where the interpreter should be: `check` refuses to grade with it.
    Script { python: PathBuf },
    /// It runs, but the project does not accept its version.
    Unsuitable { python: PathBuf, version: Version },
    /// It runs and its version is accepted.
    Good { python: PathBuf, version: Version },
}

impl Venv {
    /// Looks at `root`'s `.venv` against `requirement`.
    pub fn inspect(root: &Path, requirement: &PythonRequirement) -> Venv {
        let python = runner::venv_python(root);
        let folder = root.join(".venv");
        let Ok(meta) = std::fs::metadata(&folder) else {
            // A link to nothing is something of the learner's all the same.
            return match std::fs::symlink_metadata(&folder) {
                Ok(_) => Venv::NotAVenv {
                    path: folder,
                    file: true,
                },
                Err(_) => Venv::Missing,
            };
        };
        if !meta.is_dir() {
            return Venv::NotAVenv {
                path: folder,
                file: true,
            };
        }
        // A script is refused whatever surrounds it: it could change how tests are run.
        if python.is_file() && runner::is_script(&python) {
            return Venv::Script { python };
        }
        if !folder.join("pyvenv.cfg").is_file() {
            return Venv::NotAVenv {
                path: folder,
                file: false,
            };
        }
        if !python.is_file() {
            return Venv::NoInterpreter { python };
        }
        let candidate = Candidate {
            name: ".venv's python".into(),
            program: python.clone(),
            args: Vec::new(),
        };
        match probe(&candidate) {
            None => Venv::Broken { python },
            Some(found) if requirement.admits(&found.version) => Venv::Good {
                python,
                version: found.version,
            },
            Some(found) => Venv::Unsuitable {
                python,
                version: found.version,
            },
        }
    }

    /// Why it cannot be used, in a few words; `None` when it can (or is missing).
    pub fn problem(&self, requirement: &PythonRequirement) -> Option<String> {
        match self {
            Venv::Missing | Venv::Good { .. } => None,
            Venv::NotAVenv { file: true, .. } => {
                Some(".venv is a file, not a virtual environment".into())
            }
            Venv::NotAVenv { file: false, .. } => Some(
                ".venv is a folder but not a virtual environment (it has no pyvenv.cfg)".into(),
            ),
            Venv::NoInterpreter { .. } => {
                Some(".venv has no working python: the Python it was made from is gone".into())
            }
            Venv::Broken { .. } => {
                Some(".venv's python does not run: the Python it was made from is gone".into())
            }
            Venv::Script { python } => Some(format!(
                "{} is a script, not a Python interpreter",
                shown(python)
            )),
            Venv::Unsuitable { version, .. } => Some(format!(
                ".venv's Python is {version}; the project requires {}",
                requirement.describe()
            )),
        }
    }

    /// What fixes it: `skillforge setup`, which makes `.venv` again, except for something
    /// that is not a virtual environment, which only the learner may move or delete.
    pub fn fix(&self) -> String {
        match self {
            Venv::NotAVenv { path, .. } => format!(
                "move it away or delete it ({}), then run `skillforge setup`; setup does not \
                 touch what it did not make",
                path.display()
            ),
            _ => "skillforge setup (it makes .venv again)".into(),
        }
    }

    /// Whether `setup` may remove it to make a new one: only a virtual environment.
    pub fn replaceable(&self) -> bool {
        !matches!(self, Venv::Missing | Venv::NotAVenv { .. })
    }
}

/// `.venv/bin/python`, relative to the project, for messages.
pub fn shown(python: &Path) -> String {
    let parts: Vec<_> = python.components().rev().take(3).collect();
    parts
        .into_iter()
        .rev()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The version of pip installed for `python`; `None` when it has none (a venv uv made).
pub fn pip_version(python: &Path) -> Option<Version> {
    // It says "pip 25.1.1 from /.../site-packages/pip (python 3.11)".
    let mut command = Command::new(python);
    command
        .args(["-m", "pip", "--version"])
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    reported_version(command)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::environment::requires::parse_version;

    fn requirement() -> PythonRequirement {
        PythonRequirement::parse(">=3.11").unwrap()
    }

    fn put_python(root: &Path, body: &str) {
        let bin = root.join(".venv/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(root.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        let path = bin.join("python");
        crate::fsutil::write_script(&path, body);
    }

    #[test]
    fn no_folder_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Venv::inspect(dir.path(), &requirement()),
            Venv::Missing
        ));
    }

    #[test]
    fn a_link_to_a_removed_python_has_no_interpreter() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join(".venv/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(dir.path().join(".venv/pyvenv.cfg"), "home = /gone\n").unwrap();
        std::os::unix::fs::symlink("/nonexistent/python3.9", bin.join("python")).unwrap();
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(matches!(venv, Venv::NoInterpreter { .. }), "{venv:?}");
        assert!(venv.problem(&requirement()).unwrap().contains("gone"));
    }

    #[test]
    fn a_script_in_place_of_the_interpreter_is_named_so() {
        let dir = tempfile::tempdir().unwrap();
        put_python(dir.path(), "#!/bin/sh\necho 'Python 3.12.0'\n");
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(matches!(venv, Venv::Script { .. }), "{venv:?}");
        assert!(
            venv.problem(&requirement())
                .unwrap()
                .contains(".venv/bin/python is a script")
        );
    }

    #[test]
    fn a_python_too_old_is_named_with_the_requirement() {
        let venv = Venv::Unsuitable {
            python: PathBuf::from("/p/.venv/bin/python"),
            version: parse_version("3.10.12").unwrap(),
        };
        assert_eq!(
            venv.problem(&requirement()).unwrap(),
            ".venv's Python is 3.10.12; the project requires >=3.11"
        );
    }

    #[test]
    fn a_folder_without_pyvenv_cfg_is_not_a_venv_and_not_replaceable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".venv")).unwrap();
        std::fs::write(dir.path().join(".venv/notes.txt"), "mine").unwrap();
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(
            matches!(venv, Venv::NotAVenv { file: false, .. }),
            "{venv:?}"
        );
        assert!(!venv.replaceable());
        let problem = venv.problem(&requirement()).unwrap();
        assert!(problem.contains("not a virtual environment"), "{problem}");
        assert!(
            venv.fix().contains("move it away or delete it"),
            "{}",
            venv.fix()
        );
    }

    #[test]
    fn a_file_or_a_dangling_link_named_venv_is_not_a_venv() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".venv"), "VIRTUAL_ENV=x").unwrap();
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(
            matches!(venv, Venv::NotAVenv { file: true, .. }),
            "{venv:?}"
        );
        std::fs::remove_file(dir.path().join(".venv")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/env", dir.path().join(".venv")).unwrap();
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(
            matches!(venv, Venv::NotAVenv { file: true, .. }),
            "{venv:?}"
        );
        assert!(!venv.replaceable());
    }

    #[test]
    fn an_interpreter_that_does_not_run_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        put_python(dir.path(), "\x7fELF not really");
        let venv = Venv::inspect(dir.path(), &requirement());
        assert!(matches!(venv, Venv::Broken { .. }), "{venv:?}");
    }
}
