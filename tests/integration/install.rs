//! skillforge as Python learners install it: the `skillforge-py` wheel that maturin builds
//! from `pyproject.toml`, installed alone in a fresh venv, then used as a learner would use
//! it (`new`, install the project, `check`); and the release workflow that builds and
//! publishes those wheels, under the same workflow checkers as the generated projects'.
//!
//! The wheel is built with the dev profile into a target folder of its own. Not cargo's: a
//! plain build does not share the features dev-dependencies add to shared crates, so it
//! compiles the binary again and puts it in place of `target/debug/skillforge`, the binary
//! every other test runs at that moment (they failed to start it). Its own folder costs one
//! build of the dependencies on a clean machine; after that only the crate is compiled
//! again after each change, and an unchanged one is only packed (about 3 s). The times are
//! printed, not charged in `costs.rs`: that table is per blueprint and grows with the
//! library, which this does not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::python::{run_ok, tools, tools_dir, uv};
use crate::support::network_settings;

/// The folder of `Cargo.toml` and `pyproject.toml`.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the wheel into `out` and returns its path.
fn build_wheel(out: &Path) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel-target");
    run_ok(
        Command::new(tools().join("maturin"))
            .current_dir(root())
            .args(["build", "--profile", "dev", "--target-dir"])
            .arg(target)
            .arg("--out")
            .arg(out),
        "maturin build",
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected: {wheels:?}");
    wheels.into_iter().next().unwrap()
}

/// A command of the venv's bin folder, run as the real command is, with its own HOME and no
/// system git config, as `support::sf` runs the binary.
fn installed(bin: &Path, program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(bin.join(program));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// The wheel's files with their sizes, read by the tools' Python (no zip crate here).
fn wheel_files(wheel: &Path) -> Vec<(String, u64)> {
    let listing = run_ok(
        Command::new(tools().join("python"))
            .args([
                "-c",
                "import sys, zipfile\n\
                 for i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.file_size, i.filename)",
            ])
            .arg(wheel),
        "list the wheel",
    );
    listing
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(size, name)| (name.to_string(), size.parse().unwrap()))
        .collect()
}

/// Both commands are scripts of the wheel, but the tool is in it once: `skillforge-py` is a
/// launcher a small fraction of its size. The licences travel with it.
#[track_caller]
fn assert_wheel_holds_the_binary_once(wheel: &Path) {
    let files = wheel_files(wheel);
    let size = |suffix: &str| {
        files
            .iter()
            .find(|(name, _)| name.ends_with(suffix))
            .map(|(_, size)| *size)
            .unwrap_or_else(|| panic!("the wheel lacks {suffix}: {files:?}"))
    };
    let tool = size(".data/scripts/skillforge");
    let launcher = size(".data/scripts/skillforge-py");
    assert!(
        launcher * 10 < tool,
        "launcher {launcher} bytes, tool {tool}"
    );
    size(".dist-info/licenses/LICENSE-MIT");
    size(".dist-info/licenses/LICENSE-APACHE");
    size("skillforge_py/__main__.py");
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Installs `wheel` alone (no index, no other package) in a new venv under `work` and
/// returns the venv's bin folder.
fn install_alone(wheel: &Path, work: &Path) -> PathBuf {
    let venv = work.join("venv");
    run_ok(
        uv().args(["venv", "--quiet", "--python", "python3"])
            .arg(&venv),
        "uv venv",
    );
    run_ok(
        uv().args(["pip", "install", "--quiet", "--offline", "--no-index"])
            .arg("--python")
            .arg(venv.join("bin/python"))
            .arg(wheel),
        "install the wheel alone",
    );
    venv.join("bin")
}

/// With the installed command: `new` (pypi-package), `setup` (with uv on PATH, as a learner
/// who has uv: the tools' uv and its warm cache), which must end with the harness passing,
/// then `check`, which must find the harness passing and every task still to do.
fn new_project_sets_up_and_checks(bin: &Path, home: &Path, work: &Path) {
    let projects = work.join("projects");
    std::fs::create_dir(&projects).unwrap();
    run_ok(
        installed(bin, "skillforge", home)
            .current_dir(&projects)
            .args(["new", "demo", "--blueprint", "pypi-package", "--yes"]),
        "skillforge new",
    );
    let project = projects.join("demo");
    let uv_only = work.join("uv-bin");
    std::fs::create_dir(&uv_only).unwrap();
    std::os::unix::fs::symlink(tools().join("uv"), uv_only.join("uv")).unwrap();
    let path = format!(
        "{}:{}",
        uv_only.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let said = run_ok(
        installed(bin, "skillforge", home)
            .current_dir(&project)
            .arg("setup")
            .env("PATH", path)
            .env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
            .env("UV_PYTHON_DOWNLOADS", "never")
            .envs(network_settings()),
        "skillforge setup",
    );
    assert!(
        said.contains("set-up OK"),
        "setup ends with the harness passing:\n{said}"
    );
    let out = installed(bin, "skillforge", home)
        .current_dir(&project)
        .arg("check")
        .output()
        .expect("run skillforge check");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "tasks are still to do:\n{said}");
    assert!(said.contains("set-up OK"), "the harness passes:\n{said}");
}

/// The wheel holds the tool once, both commands and the licences; its metadata passes
/// `twine check --strict`; and installed alone in a new venv it gives a `skillforge` that
/// generates a project and checks it once the project is installed. `skillforge-py` (the
/// command `uvx skillforge-py` runs) and `python -m skillforge_py` are the same command.
#[test]
fn wheel_alone_in_a_fresh_venv_generates_and_checks_a_project() {
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let wheel = build_wheel(&work.path().join("dist"));
    let built = started.elapsed().as_secs_f64();
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        name.starts_with(&format!("skillforge_py-{version}-py3-none-")),
        "{name}"
    );
    run_ok(
        Command::new(tools().join("twine"))
            .args(["check", "--strict"])
            .arg(&wheel),
        "twine check --strict",
    );
    assert_wheel_holds_the_binary_once(&wheel);
    let bin = install_alone(&wheel, work.path());
    let home = work.path().join("home");
    std::fs::create_dir(&home).unwrap();
    for (program, args) in [
        ("skillforge", &["--version"][..]),
        ("skillforge-py", &["--version"][..]),
        ("python", &["-m", "skillforge_py", "--version"][..]),
    ] {
        let said = run_ok(
            installed(&bin, program, &home).args(args),
            &format!("{program} {}", args.join(" ")),
        );
        assert_eq!(
            said.trim(),
            format!("skillforge {version}"),
            "{program} {args:?}"
        );
    }
    let installed_at = started.elapsed().as_secs_f64();
    new_project_sets_up_and_checks(&bin, &home, work.path());
    eprintln!(
        "wheel built in {built:.1} s, checked and installed by {installed_at:.1} s, \
         first check of a new project by {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The release workflow, which builds the wheels for every platform and publishes them,
/// passes actionlint and `zizmor --offline` (unpinned actions, credentials left in the
/// checkout, excessive permissions, template injection) with no finding.
#[test]
fn release_workflow_passes_actionlint_and_zizmor() {
    let workflow = root().join(".github/workflows/release.yml");
    assert!(workflow.is_file(), "{} is missing", workflow.display());
    run_ok(
        Command::new(tools().join("actionlint"))
            .current_dir(root())
            .arg(&workflow),
        "actionlint",
    );
    run_ok(
        Command::new(tools().join("zizmor"))
            .current_dir(root())
            .arg("--offline")
            .arg(&workflow),
        "zizmor --offline",
    );
}

/// The sdist holds every file the build reads (checked: a wheel built from it, with
/// `pip wheel`, generates projects), so `pip install` on a system without a wheel builds
/// skillforge from it; its metadata passes `twine check --strict`. Building that wheel here
/// would compile the crate again at another path, so this checks the files instead.
#[test]
fn sdist_holds_every_file_the_build_reads() {
    let work = tempfile::tempdir().unwrap();
    run_ok(
        Command::new(tools().join("maturin"))
            .current_dir(root())
            .args(["sdist", "--out"])
            .arg(work.path()),
        "maturin sdist",
    );
    let sdist = work.path().join(format!(
        "skillforge_py-{}.tar.gz",
        env!("CARGO_PKG_VERSION")
    ));
    run_ok(
        Command::new(tools().join("twine"))
            .args(["check", "--strict"])
            .arg(&sdist),
        "twine check --strict on the sdist",
    );
    let listing = run_ok(
        Command::new(tools().join("python"))
            .args([
                "-c",
                "import sys, tarfile\n\
                 for n in tarfile.open(sys.argv[1]).getnames(): print(n.split('/', 1)[-1])",
            ])
            .arg(&sdist),
        "list the sdist",
    );
    let held: std::collections::BTreeSet<&str> = listing.lines().collect();
    let tracked = run_ok(
        Command::new("git").current_dir(root()).args([
            "ls-files",
            "--",
            "Cargo.toml",
            "Cargo.lock",
            "build.rs",
            "pyproject.toml",
            "README.md",
            "LICENSE-*",
            "src",
            "blueprints",
            "python",
        ]),
        "git ls-files",
    );
    let missing: Vec<&str> = tracked.lines().filter(|f| !held.contains(f)).collect();
    assert!(
        !tracked.is_empty() && missing.is_empty(),
        "not in the sdist: {missing:?}"
    );
}

/// `skillforge-py` passes its arguments, output and exit code through: an unknown blueprint
/// is the same usage error (exit 2) under either name.
#[test]
fn launcher_passes_arguments_and_exit_code_through() {
    let home = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_skillforge-py"))
        .parent()
        .unwrap();
    let out = installed(bin, "skillforge-py", home.path())
        .args(["show", "no-such-blueprint"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("unknown blueprint \"no-such-blueprint\""),
        "{}",
        text(&out)
    );
}

/// Without `skillforge` beside it, the launcher says which file it could not run and what to
/// do, and fails.
#[test]
fn launcher_alone_names_the_missing_binary_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let launcher = dir.path().join("skillforge-py");
    std::fs::copy(env!("CARGO_BIN_EXE_skillforge-py"), &launcher).unwrap();
    let out = installed(dir.path(), "skillforge-py", dir.path())
        .arg("--version")
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let missing = dir.path().join("skillforge");
    assert!(
        said.contains(&format!("cannot run {}", missing.display()))
            && said.contains("reinstall the skillforge-py package"),
        "{said}"
    );
}

/// README's Install section states the Rust version Cargo.toml requires and the install
/// commands that work, so the two cannot drift apart.
#[test]
fn readme_install_section_matches_cargo_toml() {
    let cargo: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let rust = cargo["package"]["rust-version"].as_str().unwrap();
    let license = cargo["package"]["license"].as_str().unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = readme
        .split("\n## Install\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has an Install section");
    for needle in [
        format!("Rust {rust} or later"),
        "pipx install skillforge-py".to_string(),
        "uv tool install skillforge-py".to_string(),
        "uvx skillforge-py new".to_string(),
        "cargo install --locked --path .".to_string(),
        "cargo install --locked --git".to_string(),
        "Python 3.11 or later".to_string(),
    ] {
        assert!(install.contains(&needle), "Install lacks {needle:?}");
    }
    assert_eq!(license, "MIT OR Apache-2.0");
    let pyproject = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains(&format!("license = \"{license}\"")));
}
