//! `setup` and `doctor` with the real binary, on a PATH the test lays out: fake
//! interpreters (scripts that report a version), a link to the real Python under a
//! `python3.X` name, uv from the tools venv or none, a fake `docker` client with no engine.
//!
//! Installs with uv use the tools' cache (warm after the Python tests); the pip test installs
//! the cheapest base from PyPI alone, and is the only slow one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::python::tools;
use crate::support::{Output, Sf, network_settings, sf, write_script};

/// Passes the machine's certificate and proxy settings on to a hermetic run that installs.
fn network(mut run: Sf) -> Sf {
    for (key, value) in network_settings() {
        run = run.env(key, &value);
    }
    run
}

/// The real interpreter behind `python3` (a pyenv shim resolves to its version's binary).
fn real_python() -> (PathBuf, String) {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])",
        ])
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    let path = PathBuf::from(lines.next().expect("an executable"));
    let version = lines.next().expect("a version").to_string();
    (std::fs::canonicalize(&path).unwrap_or(path), version)
}

/// A folder for PATH holding `scripts` (name, shell body) and `links` (name, target).
fn fake_bin(scripts: &[(&str, &str)], links: &[(&str, &Path)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, body) in scripts {
        write_script(&dir.path().join(name), &format!("#!/bin/sh\n{body}\n"));
    }
    for (name, target) in links {
        std::os::unix::fs::symlink(target, dir.path().join(name)).unwrap();
    }
    dir
}

/// Where `name` is on the test's own PATH.
fn which(name: &str) -> PathBuf {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// A `python3` that says it is Ubuntu 22.04's.
const OLD_PYTHON3: (&str, &str) = ("python3", "echo 'Python 3.10.12'");

/// A project of `base` made with `extra` arguments; returns the temp folder and its path.
fn project(base: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["new", "demo", "--blueprint", base, "--yes"];
    args.extend_from_slice(extra);
    sf(args)
        .cwd(dir.path())
        .git_identity("Test Learner", "learner@example.com")
        .run()
        .success();
    let path = dir.path().join("demo");
    (dir, path)
}

/// `skillforge ARGS` in `project` with only `bin` on PATH, uv's cache the tools' one.
fn in_project(project: &Path, bin: &Path, args: &[&str]) -> Output {
    let cache = tools().parent().unwrap().parent().unwrap().join("uv-cache");
    network(sf(args))
        .cwd(project)
        .env("PATH", &bin.display().to_string())
        .env("UV_CACHE_DIR", &cache.display().to_string())
        .env("UV_PYTHON_DOWNLOADS", "never")
        .timeout(std::time::Duration::from_secs(300))
        .run()
}

fn uv_link() -> PathBuf {
    tools().join("uv")
}

#[test]
fn setup_picks_the_python_that_satisfies_requires_python_and_is_safe_to_run_again() {
    let (real, version) = real_python();
    let minor = version.rsplit_once('.').unwrap().0.to_string();
    let named = format!("python{minor}");
    let uv = uv_link();
    let bin = fake_bin(&[OLD_PYTHON3], &[(&named, &real), ("uv", &uv)]);
    let (_dir, path) = project("fastapi-service", &[]);
    let first = in_project(&path, bin.path(), &["setup"]).success();
    assert!(
        first.stderr.contains(&format!("using {named} {version}")),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("set-up OK: 9 harness tests pass; start task 1: ")
    );
    let cfg = std::fs::read_to_string(path.join(".venv/pyvenv.cfg")).unwrap();
    assert!(cfg.contains(&version), "{cfg}");
    // `check` writes no bytecode (python -B): uv must compile the libraries at install, or
    // every check compiles them again.
    let compiled = path
        .join(format!(
            ".venv/lib/python{minor}/site-packages/fastapi/__pycache__"
        ))
        .is_dir();
    assert!(compiled, "uv installed fastapi without its bytecode");

    // Again: the good .venv is kept.
    in_project(&path, bin.path(), &["setup"])
        .success()
        .stderr_has("reusing .venv")
        .stderr_has("set-up OK");

    // Its Python gone: made again, and said so.
    let python = path.join(".venv/bin/python");
    std::fs::remove_file(&python).unwrap();
    std::os::unix::fs::symlink("/nonexistent/python3.9", &python).unwrap();
    in_project(&path, bin.path(), &["setup"])
        .success()
        .stderr_has("the Python it was made from is gone: making .venv again")
        .stderr_has("set-up OK");
    assert!(python.is_file());
}

#[test]
fn setup_without_an_accepted_python_says_what_to_install_and_leaves_no_venv() {
    let bin = fake_bin(&[OLD_PYTHON3], &[]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has("no Python satisfies the project's requires-python >=3.11")
        .stderr_has("python3 3.10.12")
        .stderr_has("install Python 3.11")
        .stderr_has("uv");
    assert!(!path.join(".venv").exists());
}

#[test]
fn setup_with_uv_and_no_accepted_python_leaves_it_to_uv_and_no_half_made_venv() {
    let uv = uv_link();
    let bin = fake_bin(&[OLD_PYTHON3], &[("uv", &uv)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    // Downloads are off here, so uv cannot fetch one: the failure is uv's, with its words.
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has("uv fetches a managed one")
        .stderr_has("creating .venv with uv failed")
        .stderr_has("if uv could not fetch a Python, install Python 3.11")
        .stderr_has("  | ");
    assert!(!path.join(".venv").exists());
}

#[test]
fn setup_refuses_a_python_the_project_does_not_accept() {
    let bin = fake_bin(&[OLD_PYTHON3], &[]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    in_project(&path, bin.path(), &["setup", "--python", "python3"])
        .code(6)
        .stderr_has("--python python3: it is Python 3.10.12, and the project requires >=3.11");
}

#[test]
fn setup_with_pip_makes_the_venv_with_a_pip_that_knows_groups() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("pypi-package", &["--no-git"]);
    let cache = tools()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("pip-cache");
    let out = network(sf(["setup", "--installer", "pip"]))
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        // PyPI and nothing else: no index or config of the machine's.
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env("PIP_INDEX_URL", "https://pypi.org/simple")
        .env("PIP_CACHE_DIR", &cache.display().to_string())
        .timeout(std::time::Duration::from_secs(600))
        .run()
        .success()
        .stderr_has("upgrading pip to 25.1 or newer")
        .stderr_has("installing the project and its dev group with pip")
        .stderr_has("set-up OK");
    assert!(!out.stderr.contains("uv"), "{}", out.stderr);
    // Nothing wrong now: every line is OK and doctor exits 0.
    let out = sf(["doctor"])
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        .git_identity("Ada", "ada@example.com")
        .run()
        .success()
        .stdout_has("✔ pip: pip ");
    assert!(!out.stdout.contains('✘'), "{}", out.stdout);
}

fn doctor(project: &Path, bin: &Path) -> Output {
    sf(["doctor"])
        .cwd(project)
        .env("PATH", &bin.display().to_string())
        .run()
}

#[test]
fn doctor_on_a_missing_venv_says_to_run_setup() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let out = doctor(&path, bin.path()).code(1);
    assert!(
        out.stdout
            .contains("✘ venv: there is no .venv; fix: skillforge setup"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("✔ python: python3 "), "{}", out.stdout);
    assert!(out.stdout.contains("- pip: not checked"), "{}", out.stdout);
}

#[test]
fn doctor_names_a_python_too_old_and_a_venv_whose_python_is_gone() {
    let bin = fake_bin(&[OLD_PYTHON3], &[]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    std::fs::create_dir_all(path.join(".venv/bin")).unwrap();
    std::fs::write(path.join(".venv/pyvenv.cfg"), "home = /nonexistent\n").unwrap();
    std::os::unix::fs::symlink("/nonexistent/python3.9", path.join(".venv/bin/python")).unwrap();
    doctor(&path, bin.path())
        .code(1)
        .stdout_has("✘ python: no Python satisfies requires-python >=3.11 (found python3 3.10.12")
        .stdout_has("fix: install Python 3.11")
        .stdout_has("✘ venv: .venv has no working python: the Python it was made from is gone");
}

#[test]
fn doctor_finds_an_old_pip_and_no_pytest_in_a_plain_venv() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    // The pip that ensurepip bundles is older than 25.1 before Python 3.14; a fake stands in
    // where it is not, so the test does not depend on the machine's Python.
    let ok = Command::new(&real)
        .args(["-m", "venv", "--without-pip", ".venv"])
        .current_dir(&path)
        .status()
        .unwrap();
    assert!(ok.success());
    let site = glob_site_packages(&path.join(".venv/lib"));
    let pip = site.join("pip");
    std::fs::create_dir_all(&pip).unwrap();
    std::fs::write(pip.join("__init__.py"), "").unwrap();
    std::fs::write(
        pip.join("__main__.py"),
        "print('pip 24.0 from /somewhere/pip (python 3.x)')\n",
    )
    .unwrap();
    doctor(&path, bin.path())
        .code(1)
        .stdout_has("✔ venv: .venv/bin/python runs Python")
        .stdout_has("✘ pip: pip 24.0 is too old for --group (it needs 25.1 or newer); fix: .venv/bin/python -m pip install --upgrade pip")
        .stdout_has("✘ pytest: pytest is not installed in .venv; fix: skillforge setup");
}

fn glob_site_packages(lib: &Path) -> PathBuf {
    let version = std::fs::read_dir(lib)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))
        .expect("lib/pythonX.Y");
    version.path().join("site-packages")
}

#[test]
fn doctor_reports_an_unset_git_identity_and_an_absent_docker_engine() {
    let (real, _) = real_python();
    let bin = fake_bin(
        &[(
            "docker",
            "echo 'Cannot connect to the Docker daemon' >&2; exit 1",
        )],
        // The git command itself answers, as it would for the learner.
        &[("python3", &real), ("git", &which("git"))],
    );
    let (_dir, path) = project("fastapi-service", &["--with", "docker"]);
    // The HOME of this run has no identity, and the project's repository sets none.
    doctor(&path, bin.path())
        .code(1)
        .stdout_has("✘ git: no git identity: user.name and user.email unset")
        .stdout_has("git config --global user.name")
        .stdout_has("✘ docker: the docker client is installed but no Docker engine answers");
    let out = sf(["doctor", "--json"])
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        .git_identity("Ada", "ada@example.com")
        .run()
        .code(1);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let status = |check: &str| {
        findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == check)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("git"), "ok");
    assert_eq!(status("docker"), "problem");
}

#[test]
fn doctor_says_when_docker_is_not_installed_and_when_it_is_not_needed() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, with) = project("fastapi-service", &["--with", "docker", "--no-git"]);
    doctor(&with, bin.path())
        .stdout_has("✘ docker: docker is not installed; the docker tasks need it");
    let (_dir, without) = project("fastapi-service", &["--no-git"]);
    doctor(&without, bin.path()).stdout_has("✔ docker: not needed");
}

#[test]
fn doctor_flags_a_project_made_by_a_newer_skillforge() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let origin = path.join(".skillforge/origin.toml");
    let text = std::fs::read_to_string(&origin).unwrap();
    // A newer skillforge's record may be in a format this one cannot read: still reported.
    let text = text
        .replace(
            &format!("skillforge = \"{}\"", env!("CARGO_PKG_VERSION")),
            "skillforge = \"99.0.0\"",
        )
        .replace("format = 1", "format = 2");
    std::fs::write(&origin, text).unwrap();
    doctor(&path, bin.path())
        .code(1)
        .stdout_has("✘ skillforge: the project was made by skillforge 99.0.0, newer than this");
}

#[test]
fn new_with_setup_sets_the_project_up_and_never_asks_without_a_terminal() {
    let (real, _) = real_python();
    let uv = uv_link();
    let bin = fake_bin(&[], &[("python3", &real), ("uv", &uv)]);
    let dir = tempfile::tempdir().unwrap();
    let cache = tools().parent().unwrap().parent().unwrap().join("uv-cache");
    let run = |args: &[&str]| {
        network(sf(args))
            .cwd(dir.path())
            .env("PATH", &bin.path().display().to_string())
            .env("UV_CACHE_DIR", &cache.display().to_string())
            .env("UV_PYTHON_DOWNLOADS", "never")
            .timeout(std::time::Duration::from_secs(300))
            .run()
    };
    let out = run(&[
        "new",
        "made",
        "-b",
        "fastapi-service",
        "--no-git",
        "--yes",
        "--setup",
    ])
    .success();
    assert_eq!(out.stdout, "made\n", "stdout stays the path alone");
    assert!(out.stderr.contains("set-up OK"), "{}", out.stderr);
    let (_, after) = out.stderr.split_once("set-up OK").unwrap();
    assert!(
        after.contains("Next steps") && !after.contains("skillforge setup"),
        "the next steps come after the set-up and no longer include it: {}",
        out.stderr
    );
    assert!(dir.path().join("made/.venv/bin/python").is_file());
    // Without a terminal `new` never asks (the interactive question is in terminal.rs).
    let out = run(&["new", "plain", "-b", "fastapi-service", "--no-git", "--yes"]).success();
    assert!(!out.stderr.contains("Set up"), "{}", out.stderr);
    assert!(!dir.path().join("plain/.venv").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_setup_leaves_no_half_made_venv() {
    let (real, _) = real_python();
    // A uv that starts the venv, then takes its time: the interrupt comes meanwhile.
    let bin = fake_bin(
        &[(
            "uv",
            "case \"$1\" in --version) echo 'uv 0.13.9';; *) /bin/mkdir -p .venv/bin && \
             : > .venv/pyvenv.cfg && exec /bin/sleep 60;; esac",
        )],
        &[("python3", &real)],
    );
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let start = std::time::Instant::now();
    let stderr = interrupted_setup(&path, bin.path(), ".venv/pyvenv.cfg");
    assert!(
        stderr.contains("the .venv being made was removed"),
        "{stderr}"
    );
    assert!(!path.join(".venv").exists(), "{stderr}");
    assert!(
        start.elapsed().as_secs() < 30,
        "the installer was not stopped"
    );
}

/// Sets the project's `requires-python` to `spec`.
fn require_python(project: &Path, spec: &str) {
    let file = project.join("pyproject.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("requires-python"))
        .expect("a requires-python line")
        .to_string();
    std::fs::write(
        &file,
        text.replace(&line, &format!("requires-python = \"{spec}\"")),
    )
    .unwrap();
}

/// A uv that reports `version` and fails at everything else, as one that cannot fetch a
/// Python does.
fn failing_uv(version: &str) -> (String, String) {
    let body = format!(
        "case \"$1\" in --version) echo 'uv {version}';; *) echo 'error: No interpreter found for \
         Python >=3.13 in managed installations or search path' >&2; exit 2;; esac"
    );
    ("uv".to_string(), body)
}

#[test]
fn setup_and_doctor_give_one_diagnosis_of_a_venv_that_is_not_one_and_setup_leaves_it() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    // A plain folder with a file of the learner's in it.
    std::fs::create_dir(path.join(".venv")).unwrap();
    std::fs::write(path.join(".venv/notes.txt"), "mine").unwrap();
    let said = "not a virtual environment";
    doctor(&path, bin.path())
        .code(1)
        .stdout_has(&format!("✘ venv: .venv is a folder but {said}"))
        .stdout_has("fix: move it away or delete it (");
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has(said)
        .stderr_has("move it away or delete it");
    assert!(path.join(".venv/notes.txt").is_file(), "the folder is kept");
    // check names it too, rather than grading with python3.
    sf(["check"])
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        .run()
        .code(6)
        .stderr_has(said)
        .stderr_has("skillforge setup");
    // A file named .venv: the same, and setup does not delete it.
    std::fs::remove_dir_all(path.join(".venv")).unwrap();
    std::fs::write(path.join(".venv"), "VIRTUAL_ENV=/somewhere\n").unwrap();
    doctor(&path, bin.path()).stdout_has(&format!("✘ venv: .venv is a file, {said}"));
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has(&format!(".venv is a file, {said}"));
    assert_eq!(
        std::fs::read_to_string(path.join(".venv")).unwrap(),
        "VIRTUAL_ENV=/somewhere\n"
    );
}

#[test]
fn check_and_status_name_a_venv_too_old_and_never_fall_back_to_python3() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    Command::new(&real)
        .args(["-m", "venv", "--without-pip", ".venv"])
        .current_dir(&path)
        .status()
        .unwrap();
    require_python(&path, ">=3.99");
    let out = sf(["check"])
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        .run()
        .code(6)
        .stderr_has("the project requires >=3.99")
        .stderr_has("skillforge setup");
    assert!(!out.stderr.contains("pip install -e ."), "{}", out.stderr);
    let out = sf(["status"]).cwd(&path).run().success();
    assert!(
        out.stdout
            .contains("could not run the tests: .venv's Python is "),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("last checked"), "{}", out.stdout);
}

#[test]
fn a_failed_setup_keeps_the_old_venv() {
    let (real, _) = real_python();
    let (uv, body) = failing_uv("0.13.9");
    let bin = fake_bin(&[(&uv, &body)], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    Command::new(&real)
        .args(["-m", "venv", "--without-pip", ".venv"])
        .current_dir(&path)
        .status()
        .unwrap();
    std::fs::write(path.join(".venv/mine.txt"), "kept").unwrap();
    let cfg = std::fs::read_to_string(path.join(".venv/pyvenv.cfg")).unwrap();
    require_python(&path, ">=3.99");
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has("making .venv again")
        .stderr_has("creating .venv with uv failed")
        .stderr_has("the old .venv was put back");
    assert_eq!(
        std::fs::read_to_string(path.join(".venv/pyvenv.cfg")).unwrap(),
        cfg
    );
    assert!(path.join(".venv/mine.txt").is_file());
    assert!(!path.join(".venv.skillforge-old").exists());
}

#[test]
fn uv_is_asked_for_the_lowest_supported_python_not_the_newest() {
    let (real, _) = real_python();
    // A uv that records what it is asked for, then fails.
    let bin = fake_bin(
        &[(
            "uv",
            "case \"$1\" in --version) echo 'uv 0.13.9';; venv) echo \"$@\" > \"$ASKED\"; exit 2;; \
             *) exit 2;; esac",
        )],
        &[],
    );
    let _ = real;
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let asked = path.parent().unwrap().join("asked");
    let cache = tools().parent().unwrap().parent().unwrap().join("uv-cache");
    sf(["setup"])
        .cwd(&path)
        .env("PATH", &bin.path().display().to_string())
        .env("UV_CACHE_DIR", &cache.display().to_string())
        .env("ASKED", &asked.display().to_string())
        .run()
        .code(6);
    let asked = std::fs::read_to_string(&asked).unwrap();
    assert!(asked.contains("--python >=3.11,==3.11.*"), "{asked}");
}

#[test]
fn an_old_uv_is_named_by_setup_and_doctor_with_the_fix() {
    let (real, _) = real_python();
    let (uv, body) = failing_uv("0.4.30");
    let bin = fake_bin(&[(&uv, &body)], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let too_old = "uv 0.4.30 is too old for dependency groups";
    in_project(&path, bin.path(), &["setup", "--installer", "uv"])
        .code(6)
        .stderr_has(too_old)
        .stderr_has("`uv self update`, or `--installer pip`");
    assert!(!path.join(".venv").exists());
    doctor(&path, bin.path())
        .code(1)
        .stdout_has(&format!("✘ uv: {too_old}"))
        .stdout_has("fix: `uv self update`, or `--installer pip`");
    // With `auto` setup goes on with pip, and says why; here no Python is accepted either.
    let old_only = fake_bin(&[(&uv, &body), OLD_PYTHON3], &[]);
    let out = in_project(&path, old_only.path(), &["setup"])
        .code(6)
        .stderr_has(too_old)
        .stderr_has("using pip instead")
        .stderr_has("no Python satisfies");
    assert!(!out.stderr.contains("uv fetches"), "{}", out.stderr);
}

#[test]
fn a_path_that_is_no_folder_is_said_so_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nonexistent");
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    for command in ["setup", "doctor", "check", "status", "hint"] {
        sf([command, "--path", &missing.display().to_string()])
            .run()
            .code(2)
            .stderr_has(&format!("no such folder: {}", missing.display()));
        sf([command, "--path", &file.display().to_string()])
            .run()
            .code(2)
            .stderr_has(&format!("not a folder: {}", file.display()));
    }
}

#[test]
fn a_python_that_is_not_there_is_answered_with_the_pythons_that_are() {
    let (real, version) = real_python();
    let bin = fake_bin(&[OLD_PYTHON3], &[("python3.11", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let out = in_project(&path, bin.path(), &["setup", "--python", "python3.10"]).code(6);
    assert!(
        out.stderr.contains(&format!("found python3.11 {version}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("python3 3.10.12"), "{}", out.stderr);
    assert!(!out.stderr.contains("python3.12"), "{}", out.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_second_setup_in_the_same_project_is_refused_while_the_first_runs() {
    let (real, _) = real_python();
    let bin = fake_bin(
        &[(
            "uv",
            "case \"$1\" in --version) echo 'uv 0.13.9';; *) /bin/mkdir -p .venv/bin && \
             : > .venv/pyvenv.cfg && exec /bin/sleep 60;; esac",
        )],
        &[("python3", &real)],
    );
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    let home = tempfile::tempdir().unwrap();
    let mut first = Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .arg("setup")
        .current_dir(&path)
        .env_clear()
        .env("PATH", bin.path())
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !path.join(".venv/pyvenv.cfg").exists() {
        assert!(start.elapsed().as_secs() < 30, "setup never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = in_project(&path, bin.path(), &["setup"]);
    // SAFETY: sends a signal to the child this test started.
    unsafe {
        libc::kill(first.id() as libc::pid_t, libc::SIGINT);
    }
    let _ = first.wait();
    second.code(6).stderr_has(&format!(
        "another skillforge setup is running in this project (pid {})",
        first.id()
    ));
    assert!(
        !path.join(".venv").exists(),
        "the first one's half-made .venv is gone"
    );
    assert!(!path.join(".skillforge/setup.lock").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_setup_puts_the_old_venv_back() {
    let (real, _) = real_python();
    let bin = fake_bin(
        &[(
            "uv",
            "case \"$1\" in --version) echo 'uv 0.13.9';; venv) /bin/mkdir -p .venv/bin && \
             : > .venv/pyvenv.cfg && : > .venv/started && exec /bin/sleep 60;; *) exit 2;; esac",
        )],
        &[("python3", &real)],
    );
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    Command::new(&real)
        .args(["-m", "venv", "--without-pip", ".venv"])
        .current_dir(&path)
        .status()
        .unwrap();
    std::fs::write(path.join(".venv/mine.txt"), "kept").unwrap();
    require_python(&path, ">=3.99");
    let stderr = interrupted_setup(&path, bin.path(), ".venv/started");
    assert!(stderr.contains("the one before it put back"), "{stderr}");
    assert!(path.join(".venv/mine.txt").is_file(), "{stderr}");
    assert!(!path.join(".venv/started").exists(), "{stderr}");
    assert!(!path.join(".venv.skillforge-old").exists(), "{stderr}");
}

#[test]
fn doctor_on_a_venv_without_pip_and_no_uv_says_setup_not_ensurepip_alone() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    Command::new(&real)
        .args(["-m", "venv", "--without-pip", ".venv"])
        .current_dir(&path)
        .status()
        .unwrap();
    // ensurepip alone would give the bundled pip, too old for --group.
    doctor(&path, bin.path())
        .code(1)
        .stdout_has("✘ pip: .venv has no pip, and uv is not on PATH; fix: skillforge setup")
        .stdout_has("-m pip install --upgrade pip");
}

#[test]
fn setup_leaves_a_script_in_a_folder_that_is_not_a_venv() {
    let (real, _) = real_python();
    let bin = fake_bin(&[], &[("python3", &real)]);
    let (_dir, path) = project("fastapi-service", &["--no-git"]);
    std::fs::create_dir_all(path.join(".venv/bin")).unwrap();
    let script = path.join(".venv/bin/python");
    write_script(&script, "#!/bin/sh\nexec python3 \"$@\"\n");
    in_project(&path, bin.path(), &["setup"])
        .code(6)
        .stderr_has("not a virtual environment")
        .stderr_has("move it away or delete it");
    assert!(script.is_file(), "setup kept it");
}

#[test]
fn new_with_setup_that_fails_says_the_project_is_written_and_how_to_go_on() {
    let bin = fake_bin(&[OLD_PYTHON3], &[]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("with space")).unwrap();
    let out = sf([
        "new",
        "made",
        "--output-dir",
        "with space",
        "-b",
        "pypi-package",
        "--no-git",
        "--yes",
        "--setup",
    ])
    .cwd(dir.path())
    .env("PATH", &bin.path().display().to_string())
    .run()
    .code(6)
    .stderr_has("the project is written, but not set up")
    .stderr_has("run: cd 'with space/made' && skillforge setup")
    .stderr_has("no Python satisfies");
    assert!(
        !out.stderr.contains("Next steps"),
        "no next steps past a failed set-up: {}",
        out.stderr
    );
    assert!(dir.path().join("with space/made/pyproject.toml").is_file());
    assert!(!dir.path().join("with space/made/.venv").exists());
}

/// Starts `skillforge setup` in `project` with only `bin` on PATH, sends it SIGINT once
/// `marker` (a path in the project) exists, asserts exit 130 and returns its stderr.
#[cfg(target_os = "linux")]
fn interrupted_setup(project: &Path, bin: &Path, marker: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .arg("setup")
        .current_dir(project)
        .env_clear()
        .env("PATH", bin)
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !project.join(marker).exists() {
        assert!(
            start.elapsed().as_secs() < 30,
            "setup never started the venv"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: sends a signal to the child this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    stderr
}
