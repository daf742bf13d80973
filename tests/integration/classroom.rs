//! For teachers: `new --classroom` writes a GitHub Classroom workflow with one graded step
//! per task, which passes actionlint and `zizmor --offline`; `check --json` gives each
//! task's points; and the grading command a step runs cannot be fooled by editing a test.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use skillforge::blueprint::{Kind, Library, compat};
use skillforge::record::origin::Origin;

use crate::python::{run_ok, tools};
use crate::support::{selected_base, sf};

const WORKFLOW: &str = ".github/workflows/classroom.yml";

/// The workflow read as GitHub reads it: YAML, through the tools venv's PyYAML (which
/// sp-repo-review brings), as JSON.
fn workflow(project: &Path) -> Value {
    let json = run_ok(
        Command::new(tools().join("python"))
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(project.join(WORKFLOW)),
        "read the workflow",
    );
    serde_json::from_str(&json).expect("the workflow reads as JSON")
}

/// The graded steps: those that run the command grader.
fn graded_steps(workflow: &Value) -> Vec<Value> {
    workflow["jobs"]["grade"]["steps"]
        .as_array()
        .expect("the grade job has steps")
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("classroom-resources/autograding-command-grader@"))
        })
        .cloned()
        .collect()
}

fn new_classroom(dir: &Path, base: &str, addons: &[String], solved: bool) -> std::path::PathBuf {
    let mut args = vec!["new", "demo", "--blueprint", base, "--yes", "--classroom"];
    for addon in addons {
        args.extend(["--with", addon]);
    }
    if solved {
        args.push("--solved");
    }
    sf(args)
        .cwd(dir)
        .git_identity("Test Teacher", "teacher@example.com")
        .run()
        .success();
    dir.join("demo")
}

/// What is wrong with the classroom workflow of `project` as GitHub Classroom would run it:
/// its graded steps must be the project's tasks, in order, one each, each running
/// `skillforge check --task ID` for its points, the reporter must read every step, and
/// every action must be pinned to a commit.
fn workflow_problems(label: &str, project: &Path) -> Vec<String> {
    let origin = Origin::read(project).expect("origin.toml reads");
    let workflow = workflow(project);
    let steps = graded_steps(&workflow);
    let mut problems = Vec::new();
    let commands: Vec<&str> = steps
        .iter()
        .map(|s| s["with"]["command"].as_str().unwrap_or_default())
        .collect();
    let expected: Vec<String> = origin
        .tasks
        .iter()
        .map(|t| format!("skillforge check --shipped-tests-only --task {}", t.id))
        .collect();
    if commands != expected {
        problems.push(format!(
            "{label}: graded commands {commands:?}, tasks {expected:?}"
        ));
    }
    let points: Vec<u64> = steps
        .iter()
        .map(|s| s["with"]["max-score"].as_u64().unwrap_or_default())
        .collect();
    let total: u64 = points.iter().sum();
    if points.iter().any(|p| *p != 10) || total != 10 * origin.tasks.len() as u64 {
        problems.push(format!(
            "{label}: points {points:?} do not add up to 10 a task"
        ));
    }
    let all = workflow["jobs"]["grade"]["steps"].as_array().unwrap();
    let reporter = all.last().unwrap();
    let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
    if reporter["with"]["runners"].as_str() != Some(ids.join(",").as_str()) {
        problems.push(format!("{label}: the reporter reads {}", reporter["with"]));
    }
    for id in &ids {
        let expression = format!("${{{{ steps.{id}.outputs.result }}}}");
        let env = &reporter["env"][format!("{}_RESULTS", id.to_uppercase())];
        if env.as_str() != Some(expression.as_str()) {
            problems.push(format!("{label}: the reporter does not get {id}'s result"));
        }
    }
    for step in all {
        if let Some(uses) = step["uses"].as_str() {
            let sha = uses.split_once('@').map_or("", |(_, r)| r);
            if sha.len() != 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                problems.push(format!("{label}: {uses} is not pinned to a commit"));
            }
        }
    }
    problems
}

/// actionlint's and `zizmor --offline`'s findings on the classroom workflow, if any.
fn linter_problems(label: &str, project: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, args) in [
        ("actionlint", vec![WORKFLOW]),
        ("zizmor", vec!["--offline", WORKFLOW]),
    ] {
        let out = Command::new(tools().join(name))
            .current_dir(project)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
        if !out.status.success() {
            problems.push(format!(
                "{label}: {name}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    problems
}

/// The repo-review checks a solved project fails: a workflow brings GitHub's checks in
/// (Dependabot, zizmor), which the project answers for the classroom one.
fn repo_review_problems(label: &str, project: &Path) -> Vec<String> {
    let out = Command::new(tools().join("sp-repo-review"))
        .current_dir(project)
        .args(["--format", "json", "."])
        .output()
        .expect("run sp-repo-review");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let failed: Vec<&String> = report["checks"]
        .as_object()
        .map(|c| {
            c.iter()
                .filter(|(_, r)| r["result"] == false)
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default();
    if report.is_null() || !failed.is_empty() {
        return vec![format!("{label}: sp-repo-review failed checks {failed:?}")];
    }
    Vec::new()
}

/// Every base, alone and with every add-on it takes, as starter and solved: the workflow
/// passes actionlint and zizmor, and grades exactly the project's tasks; the solved
/// project still passes repo-review.
#[test]
fn classroom_workflow_grades_each_task_and_passes_actionlint_and_zizmor() {
    let library = Library::embedded().unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    for base in library
        .blueprints
        .iter()
        .filter(|b| b.kind == Kind::Base && selected_base(b.id()))
    {
        let addons: Vec<String> = compat::combined_addons(&library, base.id())
            .iter()
            .map(|b| b.id().to_string())
            .collect();
        for (set, solved) in [(vec![], false), (addons, true)] {
            let dir = tempfile::tempdir().unwrap();
            let project = new_classroom(dir.path(), base.id(), &set, solved);
            let label = format!("{} with {set:?}", base.id());
            problems.extend(workflow_problems(&label, &project));
            problems.extend(linter_problems(&label, &project));
            if solved {
                problems.extend(repo_review_problems(&label, &project));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 0, "no base was selected");
}

/// Without `--classroom` there is no workflow of it, and origin.toml says nothing of it.
#[test]
fn without_classroom_no_grading_workflow_is_written() {
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "--blueprint",
        "pypi-package",
        "--yes",
        "--no-git",
    ])
    .cwd(dir.path())
    .run()
    .success();
    assert!(!dir.path().join("demo").join(WORKFLOW).exists());
    let origin = std::fs::read_to_string(dir.path().join("demo/.skillforge/origin.toml")).unwrap();
    assert!(!origin.contains("classroom"), "{origin}");
}

/// A workflow cannot grade with blueprints that are not built into skillforge.
#[test]
fn classroom_with_from_is_refused() {
    sf(["new", "demo", "--classroom", "--from", "./mine", "--yes"])
        .run()
        .code(2)
        .stderr_has("--from");
}

/// Runs a graded step's command as the workflow has it (`skillforge check --task ID`),
/// with `--json`; its exit code and the report it printed.
fn grade(project: &Path, command: &str) -> (i32, Value) {
    let mut args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args.remove(0), "skillforge", "{command}");
    args.push("--json");
    let out = sf(args)
        .cwd(project)
        .timeout(std::time::Duration::from_secs(600))
        .run();
    let report = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{command} --json printed no JSON ({e}):\n{}", out.stderr));
    (out.code, report)
}

fn task_points(report: &Value, id: &str) -> (u64, u64) {
    let task = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id} in {report}"));
    (
        task["points"].as_u64().unwrap(),
        task["max_points"].as_u64().unwrap(),
    )
}

/// A real check in a venv, through the graded steps' own commands: `check --json` prints
/// results.json's document with each task's points and the total; the first task, solved,
/// earns its points; the second, whose test file the student replaced by one that passes,
/// earns none.
#[test]
fn check_json_gives_points_and_an_edited_test_earns_none() {
    if !selected_base("pypi-package") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = new_classroom(dir.path(), "pypi-package", &[], false);
    crate::practise::install(&project, "pypi-package (classroom)");
    let origin = Origin::read(&project).unwrap();
    let (first, second) = (&origin.tasks[0], &origin.tasks[1]);
    sf(["solution", &first.id, "--give-up", "--apply"])
        .cwd(&project)
        .run()
        .success();
    let steps = graded_steps(&workflow(&project));
    let command = |n: usize| steps[n]["with"]["command"].as_str().unwrap().to_string();

    let (code, report) = grade(&project, &command(0));
    assert_eq!(code, 0, "the solved task's step fails: {report}");
    let written = std::fs::read_to_string(project.join(".skillforge/results.json")).unwrap();
    assert_eq!(report, serde_json::from_str::<Value>(&written).unwrap());
    assert_eq!(task_points(&report, &first.id), (10, 10));
    assert_eq!(task_points(&report, &second.id), (0, 10));
    assert_eq!(report["points"], 10);
    assert_eq!(report["max_points"], 10 * origin.tasks.len() as u64);

    for entry in &second.tests {
        let file = skillforge::test_parts::file_of(entry);
        std::fs::write(project.join(file), "def test_passes():\n    assert True\n").unwrap();
    }
    let (code, report) = grade(&project, &command(1));
    assert_eq!(code, 1, "an edited test earned the points: {report}");
    assert_eq!(task_points(&report, &second.id), (0, 10));
    assert_eq!(task_points(&report, &first.id), (10, 10));
    assert_eq!(report["points"], 10, "{report}");
}

/// `add` on a classroom project grades the add-on's tasks too: the workflow is the model's,
/// composed again with the new tasks and merged like the other shared files.
#[test]
fn an_added_addon_gets_its_graded_steps() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_classroom(dir.path(), "fastapi-service", &[], false);
    let before = graded_steps(&workflow(&project)).len();
    sf(["add", "github-ci"])
        .cwd(&project)
        .git_identity("Test Teacher", "teacher@example.com")
        .run()
        .success();
    let after = graded_steps(&workflow(&project)).len();
    assert!(
        after > before,
        "{before} graded steps before add, {after} after"
    );
    let problems = workflow_problems("fastapi-service + github-ci (added)", &project);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// With github-ci, whose task ci-harden-workflow holds every workflow of the repository to
/// its rules (pins from its table, least privilege, timeouts), the classroom workflow
/// passes them: the solved project's task passes through its own graded step.
#[test]
fn the_classroom_workflow_meets_github_ci_hardening() {
    if !selected_base("fastapi-service") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let addons = ["github-ci".to_string()];
    let project = new_classroom(dir.path(), "fastapi-service", &addons, true);
    crate::practise::install(&project, "fastapi-service + github-ci (classroom)");
    let (code, report) = grade(&project, "skillforge check --task ci-harden-workflow");
    assert_eq!(code, 0, "{report}");
    assert_eq!(task_points(&report, "ci-harden-workflow"), (10, 10));
}

/// A student replaces a task's test by one that passes and accepts it
/// (`check --accept-test-changes`, which records it in origin.toml, committed like a hand
/// edit would be): `check --json` keeps the task's status for them but gives it no points,
/// saying why, and the graded step's command ignores the accept, so the task fails there.
#[test]
fn accepted_test_edits_earn_no_points_and_the_graded_step_ignores_them() {
    if !selected_base("pypi-package") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = new_classroom(dir.path(), "pypi-package", &[], false);
    crate::practise::install(&project, "pypi-package (classroom)");
    let origin = Origin::read(&project).unwrap();
    let first = &origin.tasks[0];
    for entry in &first.tests {
        let file = skillforge::test_parts::file_of(entry);
        std::fs::write(project.join(file), "def test_x():\n    assert True\n").unwrap();
    }
    let accept = format!("skillforge check --task {} --accept-test-changes", first.id);
    let (_, report) = grade(&project, &accept);
    let task = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(task["status"], "pass", "{report}");
    assert_eq!(task["graded_with_accepted_tests"], true, "{report}");
    assert_eq!(task_points(&report, &first.id), (0, 10));
    assert_eq!(report["points"], 0, "{report}");
    let accepted = std::fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    assert!(accepted.contains("[accepted]"), "{accepted}");

    let steps = graded_steps(&workflow(&project));
    let command = steps[0]["with"]["command"].as_str().unwrap();
    let (code, report) = grade(&project, command);
    assert_eq!(
        code, 1,
        "the graded step passed with an accepted test: {report}"
    );
    assert_eq!(task_points(&report, &first.id), (0, 10));
    let accepted_again = std::fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    assert_eq!(
        accepted_again, accepted,
        "the graded step rewrote the origin file"
    );
}
