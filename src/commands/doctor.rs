//! `skillforge doctor`: what is wrong with the learner's environment for this project, one
//! line per check with the fix, and a line for each check that is fine too. It only looks:
//! `setup` is what repairs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::environment::installer;
use crate::environment::python::{self, install_advice};
use crate::environment::requires::{
    PIP_WITH_GROUP, PythonRequirement, parse_version, pip_knows_groups, uv_knows_groups,
};
use crate::environment::venv::{self, Venv};
use crate::error::Result;
use crate::practice::runner;
use crate::record::origin;
use crate::ui;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Problem,
    /// Not looked at: an earlier problem (no working `.venv`) stands in its way.
    Skipped,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was checked: `uv` (when on PATH), `python`, `venv`, `pip`, `pytest`, `git`,
    /// `docker`, `skillforge`.
    pub check: &'static str,
    pub status: Status,
    pub message: String,
    /// The command or step that fixes it, for a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    fn ok(check: &'static str, message: String) -> Finding {
        Finding {
            check,
            status: Status::Ok,
            message,
            fix: None,
        }
    }

    fn problem(check: &'static str, message: String, fix: impl Into<String>) -> Finding {
        Finding {
            check,
            status: Status::Problem,
            message,
            fix: Some(fix.into()),
        }
    }

    fn skipped(check: &'static str, message: &str) -> Finding {
        Finding {
            check,
            status: Status::Skipped,
            message: message.into(),
            fix: None,
        }
    }
}

/// What doctor reads of `.skillforge/origin.toml`: as a plain table, so that a record this
/// skillforge cannot read (a newer format) is still reported on rather than refused.
#[derive(Debug, Default)]
struct Made {
    skillforge: String,
    format: Option<i64>,
    blueprints: Vec<String>,
}

impl Made {
    fn read(root: &Path) -> std::result::Result<Made, String> {
        let path = root.join(origin::PATH);
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| e.message().to_string())?;
        let blueprints = table
            .get("blueprints")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
            .filter_map(|b| b.get("id")?.as_str().map(String::from))
            .collect();
        Ok(Made {
            skillforge: table
                .get("skillforge")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
            format: table.get("format").and_then(toml::Value::as_integer),
            blueprints,
        })
    }
}

/// Prints every finding about the project at `root` (as JSON with `json`); `Ok(true)` when
/// nothing is wrong.
pub fn run(root: &Path, json: bool) -> Result<bool> {
    let findings = examine(root);
    if json {
        let text = serde_json::to_string_pretty(&findings).expect("findings serialize");
        ui::out(&format!("{text}\n"));
    } else {
        let mut out = String::new();
        for f in &findings {
            let line = match (&f.status, &f.fix) {
                (Status::Ok, _) => format!("{} {}: {}", ui::green("✔"), f.check, f.message),
                (Status::Skipped, _) => ui::dim(&format!("- {}: {}", f.check, f.message)),
                (Status::Problem, fix) => format!(
                    "{} {}: {}; fix: {}",
                    ui::red("✘"),
                    f.check,
                    f.message,
                    fix.as_deref().unwrap_or("")
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
        ui::out(&out);
    }
    Ok(findings.iter().all(|f| f.status != Status::Problem))
}

/// Every check, in the order a learner fixes them.
pub fn examine(root: &Path) -> Vec<Finding> {
    let uv = which::which("uv").ok();
    let mut findings = Vec::new();
    let requirement = match PythonRequirement::read(root) {
        Ok(r) => r,
        Err(e) => {
            findings.push(Finding::problem(
                "python",
                e.to_string(),
                "fix pyproject.toml",
            ));
            PythonRequirement::parse("").expect("empty specifiers parse")
        }
    };
    if let Some(uv) = &uv {
        findings.push(uv_finding(uv));
    }
    // A uv too old for --group is one setup does not use: it neither fetches nor installs.
    let uv = uv.filter(|uv| installer::uv_too_old(uv).is_none());
    findings.push(python_finding(root, &requirement, uv.as_deref()));
    let venv = Venv::inspect(root, &requirement);
    findings.push(venv_finding(&venv, &requirement));
    match &venv {
        Venv::Good { python, .. } => {
            findings.push(pip_finding(python, uv.is_some()));
            findings.push(pytest_finding(root, python));
        }
        _ => {
            findings.push(Finding::skipped("pip", "not checked: no working .venv"));
            findings.push(Finding::skipped("pytest", "not checked: no working .venv"));
        }
    }
    findings.push(git_finding(root));
    match Made::read(root) {
        Ok(made) => {
            findings.push(docker_finding(&made));
            findings.push(version_finding(&made));
        }
        Err(e) => findings.push(Finding::problem(
            "skillforge",
            format!("{} cannot be read: {e}", origin::PATH),
            format!("git checkout -- {}", origin::PATH),
        )),
    }
    findings
}

/// uv is on PATH, so `setup` would use it: it must know `uv pip install --group`.
fn uv_finding(uv: &Path) -> Finding {
    match installer::uv_version(uv) {
        Some(version) if uv_knows_groups(&version) => {
            Finding::ok("uv", format!("uv {version} knows --group"))
        }
        Some(version) => {
            let message = installer::too_old_message(&version);
            let (what, fix) = message.split_once(": ").unwrap_or((&message, ""));
            Finding::problem("uv", what.to_string(), fix.to_string())
        }
        None => Finding::problem(
            "uv",
            format!("{} does not run (`uv --version` fails)", uv.display()),
            "reinstall uv (https://docs.astral.sh/uv/), or `skillforge setup --installer pip`",
        ),
    }
}

fn python_finding(root: &Path, requirement: &PythonRequirement, uv: Option<&Path>) -> Finding {
    let venv_python = runner::venv_python(root);
    let venv_python = venv_python.is_file().then_some(venv_python.as_path());
    let search = python::find(requirement, venv_python, uv);
    if let Some(chosen) = search.chosen {
        return Finding::ok(
            "python",
            format!(
                "{} satisfies requires-python {}",
                chosen.describe(),
                requirement.describe()
            ),
        );
    }
    let found: Vec<String> = search
        .rejected
        .iter()
        .map(python::Interpreter::describe)
        .collect();
    let found = if found.is_empty() {
        "none found".into()
    } else {
        format!("found {}", found.join(", "))
    };
    let fix = if uv.is_some() {
        "skillforge setup: uv fetches one".to_string()
    } else {
        install_advice(requirement, false)
            .replace("\n  ", " ")
            .replace('\n', "; ")
    };
    Finding::problem(
        "python",
        format!(
            "no Python satisfies requires-python {} ({found})",
            requirement.describe()
        ),
        fix,
    )
}

fn venv_finding(venv: &Venv, requirement: &PythonRequirement) -> Finding {
    match venv {
        Venv::Missing => Finding::problem("venv", "there is no .venv".into(), "skillforge setup"),
        Venv::Good { python, version } => Finding::ok(
            "venv",
            format!("{} runs Python {version}", venv::shown(python)),
        ),
        other => Finding::problem(
            "venv",
            other.problem(requirement).unwrap_or_default(),
            other.fix(),
        ),
    }
}

fn pip_finding(python: &Path, uv: bool) -> Finding {
    match venv::pip_version(python) {
        Some(v) if pip_knows_groups(&v) => Finding::ok("pip", format!("pip {v} knows --group")),
        Some(v) => Finding::problem(
            "pip",
            format!("pip {v} is too old for --group (it needs {PIP_WITH_GROUP} or newer)"),
            format!("{} -m pip install --upgrade pip", venv::shown(python)),
        ),
        None if uv => Finding::ok("pip", "none in .venv; uv installs into it".into()),
        // ensurepip alone gives the pip bundled with the Python, older than 25.1 before 3.14.
        None => Finding::problem(
            "pip",
            ".venv has no pip, and uv is not on PATH".into(),
            format!(
                "skillforge setup (it adds a pip that knows --group), or by hand: {0} -m \
                 ensurepip --upgrade && {0} -m pip install --upgrade pip",
                venv::shown(python)
            ),
        ),
    }
}

fn pytest_finding(root: &Path, python: &Path) -> Finding {
    match runner::ensure_pytest(root, python) {
        Ok(()) => Finding::ok("pytest", "installed in .venv".into()),
        Err(_) => Finding::problem(
            "pytest",
            "pytest is not installed in .venv".into(),
            "skillforge setup (it installs the project with its dev group)",
        ),
    }
}

/// `user.name` and `user.email` as git sees them in the project: asked of `git config`
/// itself (its own config, includes, the global and system files, `GIT_CONFIG_*`), or read
/// with libgit2 where the git command is not installed.
fn git_finding(root: &Path) -> Finding {
    let config = git2::Repository::open(root)
        .and_then(|r| r.config())
        .or_else(|_| git2::Config::open_default());
    let get = |key: &str| {
        let value = match git_config(root, key) {
            Ok(value) => value,
            Err(_) => config.as_ref().ok().and_then(|c| c.get_string(key).ok()),
        };
        value.filter(|v| !v.trim().is_empty())
    };
    match (get("user.name"), get("user.email")) {
        (Some(name), Some(email)) => Finding::ok("git", format!("commits as {name} <{email}>")),
        (name, email) => {
            let missing: Vec<&str> = [
                ("user.name", name.is_none()),
                ("user.email", email.is_none()),
            ]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| k)
            .collect();
            Finding::problem(
                "git",
                format!(
                    "no git identity: {} unset, so you cannot commit",
                    missing.join(" and ")
                ),
                "git config --global user.name \"Your Name\" && git config --global user.email you@example.com",
            )
        }
    }
}

/// `git config --get KEY` in `root`: `Ok(None)` when it is unset, an error when git cannot
/// be run.
fn git_config(root: &Path, key: &str) -> std::io::Result<Option<String>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "--get", key])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string()))
}

/// The docker add-on's tasks build and run images: they need an engine, not only the client.
fn docker_finding(made: &Made) -> Finding {
    if !made.blueprints.iter().any(|b| b == "docker") {
        return Finding::ok(
            "docker",
            "not needed (the project has no docker add-on)".into(),
        );
    }
    if which::which("docker").is_err() {
        return Finding::problem(
            "docker",
            "docker is not installed; the docker tasks need it".into(),
            "install Docker Engine or Docker Desktop (https://docs.docker.com/get-docker/)",
        );
    }
    if engine_answers() {
        Finding::ok("docker", "the Docker engine answers".into())
    } else {
        Finding::problem(
            "docker",
            "the docker client is installed but no Docker engine answers (`docker info` fails)"
                .into(),
            "start Docker Desktop, or the engine: sudo systemctl start docker",
        )
    }
}

/// How long `docker info` may take: an engine that does not answer by then is as good as
/// absent for the tasks.
const DOCKER_WAIT: Duration = Duration::from_secs(10);

/// Whether `docker info` succeeds (within `DOCKER_WAIT`).
fn engine_answers() -> bool {
    let Ok(mut child) = Command::new("docker")
        .arg("info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if start.elapsed() < DOCKER_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// A project made by a newer skillforge may use what this one does not know.
fn version_finding(made: &Made) -> Finding {
    let ours = env!("CARGO_PKG_VERSION");
    let fix = origin::UPGRADE;
    let newer = match (parse_version(&made.skillforge), parse_version(ours)) {
        (Some(theirs), Some(this)) => theirs > this,
        _ => false,
    };
    if newer {
        return Finding::problem(
            "skillforge",
            format!(
                "the project was made by skillforge {}, newer than this {ours}",
                made.skillforge
            ),
            fix,
        );
    }
    match made.format {
        Some(format) if format != i64::from(origin::FORMAT) => Finding::problem(
            "skillforge",
            format!(
                "{} is in format {format}, which this skillforge {ours} does not read (it reads \
                 {}); the project was made by skillforge {}",
                origin::PATH,
                origin::FORMAT,
                made.skillforge
            ),
            fix,
        ),
        _ => Finding::ok(
            "skillforge",
            format!("project made by {}, this is {ours}", made.skillforge),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(version: &str, format: i64) -> Made {
        Made {
            skillforge: version.into(),
            format: Some(format),
            blueprints: vec![],
        }
    }

    #[test]
    fn a_project_from_a_newer_skillforge_is_a_problem() {
        let f = version_finding(&made("999.0.0", 1));
        assert_eq!(f.status, Status::Problem);
        assert!(f.fix.unwrap().contains("upgrade"));
    }

    #[test]
    fn a_project_from_this_or_an_older_skillforge_is_fine() {
        let ours = env!("CARGO_PKG_VERSION");
        assert_eq!(version_finding(&made(ours, 1)).status, Status::Ok);
        assert_eq!(version_finding(&made("0.0.1", 1)).status, Status::Ok);
    }

    #[test]
    fn a_record_in_a_format_this_skillforge_does_not_read_is_a_problem() {
        let f = version_finding(&made(env!("CARGO_PKG_VERSION"), 2));
        assert_eq!(f.status, Status::Problem);
        assert!(f.message.contains("format 2"), "{}", f.message);
    }

    #[test]
    fn findings_serialize_with_lowercase_status_and_no_fix_when_ok() {
        let json = serde_json::to_value(Finding::ok("git", "x".into())).unwrap();
        assert_eq!(json["status"], "ok");
        assert!(json.get("fix").is_none());
    }
}
