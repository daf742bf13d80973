//! Which warnings fail a generated project's tests, proved in a real venv with pytest.
//!
//! A fake dependency is installed into the venv's site-packages beside the generated package:
//! its deprecations must be shown and never fail a test, whether the package or a test calls
//! it; a warning raised by the package itself must still fail. One fake dependency's name
//! starts with the package's name, because pytest matches a filter's module field as a regex
//! anchored only at the start of the module's name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::python::{run_ok, tools, uv};
use crate::support::sf;

/// The fake dependency: one deprecation raised inside it (stacklevel 1) and one attributed
/// to its caller (stacklevel 2), as libraries write them.
const ALMANAC: &str = r#""""A stand-in for a dependency whose latest release deprecates things."""

import warnings


def moon_phase(day: int) -> int:
    warnings.warn("moon_phase() is deprecated", DeprecationWarning, stacklevel=1)
    return day % 28


def old_name(day: int) -> int:
    warnings.warn("old_name() is deprecated", DeprecationWarning, stacklevel=2)
    return day % 28
"#;

/// Package code that calls the dependency, twice over: the plain name and the look-alike.
const USES_ALMANAC: &str = r"import almanac
import practice_project_almanac


def tonight() -> int:
    return almanac.moon_phase(3) + practice_project_almanac.moon_phase(4)
";

const DEPENDENCY_TESTS: &str = r"import almanac
from practice_project.uses_almanac import tonight


def test_the_package_calls_a_deprecated_dependency() -> None:
    assert tonight() == 7


def test_a_test_calls_a_deprecated_dependency() -> None:
    assert almanac.moon_phase(30) == 2
    assert almanac.old_name(31) == 3
";

/// The package's own deprecations, in the package's `__init__` and in a submodule.
const LEGACY: &str = r#"import warnings


def old_total() -> int:
    warnings.warn("old_total() is deprecated", DeprecationWarning, stacklevel=1)
    return 1
"#;

const OWN_TESTS: &str = r"import practice_project
from practice_project.legacy import old_total


def test_the_package_s_own_deprecation_in_a_submodule() -> None:
    assert old_total() == 1


def test_the_package_s_own_deprecation_at_its_top() -> None:
    assert practice_project.legacy_top() == 2
";

const LEGACY_TOP: &str = r#"

def legacy_top() -> int:
    import warnings

    warnings.warn("legacy_top() is deprecated", DeprecationWarning, stacklevel=1)
    return 2
"#;

fn pytest(project: &Path, python: &Path, file: &str) -> (Output, String) {
    let out = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--color=no",
            "-rA",
        ])
        .arg(file)
        .current_dir(project)
        .output()
        .expect("run pytest");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

fn site_packages(python: &Path) -> PathBuf {
    let out = run_ok(
        Command::new(python).args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ]),
        "find site-packages",
    );
    out.trim().into()
}

#[test]
fn python_a_dependency_s_deprecation_is_shown_and_the_package_s_own_fails() {
    tools();
    let work = tempfile::tempdir().unwrap();
    sf([
        "new",
        "practice-project",
        "--blueprint",
        "pypi-package",
        "--yes",
        "--no-git",
    ])
    .cwd(work.path())
    .run()
    .success();
    let project = work.path().join("practice-project");
    let venv = work.path().join("venv");
    run_ok(
        uv().args(["venv", "--quiet", "--python", "python3"])
            .arg(&venv),
        "uv venv",
    );
    let python = venv.join("bin/python");
    run_ok(
        uv().current_dir(&project)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(&python)
            .args(["-e", ".", "--group", "test"]),
        "install the project",
    );
    let site = site_packages(&python);
    for name in ["almanac", "practice_project_almanac"] {
        std::fs::create_dir_all(site.join(name)).unwrap();
        std::fs::write(site.join(name).join("__init__.py"), ALMANAC).unwrap();
    }
    let package = project.join("src/practice_project");
    std::fs::write(package.join("uses_almanac.py"), USES_ALMANAC).unwrap();
    std::fs::write(project.join("tests/test_dependency.py"), DEPENDENCY_TESTS).unwrap();

    let (out, text) = pytest(&project, &python, "tests/test_dependency.py");
    assert!(
        out.status.success(),
        "a dependency's deprecation failed a test:\n{text}"
    );
    for shown in [
        "site-packages/almanac/__init__.py:7: DeprecationWarning: moon_phase() is deprecated",
        "site-packages/practice_project_almanac/__init__.py:7: DeprecationWarning: moon_phase()",
        "tests/test_dependency.py:11: DeprecationWarning: old_name() is deprecated",
    ] {
        assert!(text.contains(shown), "not shown: {shown}\n{text}");
    }

    std::fs::write(package.join("legacy.py"), LEGACY).unwrap();
    let init = package.join("__init__.py");
    let top = std::fs::read_to_string(&init).unwrap() + LEGACY_TOP;
    std::fs::write(&init, top).unwrap();
    std::fs::write(project.join("tests/test_own.py"), OWN_TESTS).unwrap();
    let (out, text) = pytest(&project, &python, "tests/test_own.py");
    assert!(
        !out.status.success(),
        "the package's own warning passed:\n{text}"
    );
    for (test, warning) in [
        ("in_a_submodule", "old_total() is deprecated"),
        ("at_its_top", "legacy_top() is deprecated"),
    ] {
        let failed = format!("FAILED tests/test_own.py::test_the_package_s_own_deprecation_{test}");
        let raised = format!("DeprecationWarning: {warning}");
        assert!(
            text.contains(&failed) && text.contains(&raised),
            "expected {failed} with {raised}:\n{text}"
        );
    }
}
