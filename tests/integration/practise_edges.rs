//! Edges of the practise loop and of blueprint linting that need no Python: stretch goals a
//! chosen task depends on, `hint` once every task passes, given-up tasks in `status`, and
//! folder entries in a task's `tests`. The last check is written by hand as
//! `.skillforge/results.json`, the learner's record as `.skillforge/progress.toml`.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::support::{generate, sf};

/// The tasks of a generated project, from its origin file: (id, number, title, stretch).
fn origin_tasks(project: &Path) -> Vec<(String, i64, String, bool)> {
    let text = fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    let origin: toml::Table = toml::from_str(&text).unwrap();
    origin["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["number"].as_integer().unwrap(),
                t["title"].as_str().unwrap().to_string(),
                t["stretch"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Writes a last check in which the tasks numbered in `passing` pass and the others fail.
fn write_results(project: &Path, passing: &[i64]) {
    let tasks: Vec<Value> = origin_tasks(project)
        .into_iter()
        .map(|(id, number, title, _)| {
            let pass = passing.contains(&number);
            json!({
                "id": id,
                "number": number,
                "title": title,
                "status": if pass { "pass" } else { "fail" },
                "passed": usize::from(pass),
                "total": 1,
            })
        })
        .collect();
    let report = json!({
        "version": 3,
        "status": "fail",
        "message": null,
        "tests": [],
        "tasks": tasks,
        "checked_at": "2026-11-30T10:00:00Z",
    });
    fs::write(
        project.join(".skillforge/results.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}

fn progress(project: &Path) -> Option<String> {
    fs::read_to_string(project.join(".skillforge/progress.toml")).ok()
}

#[test]
fn tasks_a_chosen_task_builds_on_are_not_stretch_goals() {
    // Task 3 (validate-input) exercises pydantic and requires 2, which requires 1.
    let (_dir, project) = generate("stretch-api", &["-s", "pydantic"]);
    let stretch: Vec<i64> = origin_tasks(&project)
        .into_iter()
        .filter(|t| t.3)
        .map(|t| t.1)
        .collect();
    assert_eq!(stretch, [5, 6, 7], "origin.toml stretch marks");
    let tasks_md = fs::read_to_string(project.join("TASKS.md")).unwrap();
    let marked: Vec<&str> = tasks_md
        .lines()
        .filter(|l| l.contains("(stretch goal, optional)"))
        .collect();
    assert_eq!(marked.len(), 3, "{tasks_md}");
    for title in [
        "List bookmarks",
        "Create and fetch bookmarks",
        "Validate input",
    ] {
        assert!(
            !marked.iter().any(|l| l.contains(title)),
            "{title} is marked as a stretch goal:\n{tasks_md}"
        );
    }
    let plan = sf(["plan", "-s", "pydantic", "--json"]).run().success();
    let plan: Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(plan["blueprint"], "fastapi-service");
    assert_eq!(
        plan["stretch_tasks"], 3,
        "the planner counts the same marks"
    );
}

#[test]
fn hint_without_a_task_spends_nothing_when_every_task_passes() {
    let (_dir, project) = generate("all-pass", &[]);
    let all: Vec<i64> = origin_tasks(&project).iter().map(|t| t.1).collect();
    write_results(&project, &all);
    let before = progress(&project);
    let out = sf(["hint"]).cwd(&project).run().success();
    assert!(
        out.stdout.contains("Every task passed the last check"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Hints for"), "{}", out.stdout);
    assert_eq!(progress(&project), before, "no hint was spent");
    // Naming a task still reveals its hints, passed or not.
    sf(["hint", "7"])
        .cwd(&project)
        .run()
        .success()
        .stdout_has("Hints for task 7");
    assert!(progress(&project).is_some_and(|p| p.contains("[tasks.api-key-guard]\nhints = 1")));
}

#[test]
fn hint_without_a_task_helps_with_the_first_that_does_not_pass() {
    let (_dir, project) = generate("some-pass", &[]);
    write_results(&project, &[1, 2, 4, 5, 6, 7]);
    sf(["hint"])
        .cwd(&project)
        .run()
        .success()
        .stdout_has("Hints for task 3");
}

#[test]
fn status_counts_given_up_tasks_apart() {
    let (_dir, project) = generate("gave-up", &[]);
    // 1 passes on its own; 2 passes after the learner saw the reference; 3 was given up and
    // still fails.
    write_results(&project, &[1, 2]);
    fs::write(
        project.join(".skillforge/progress.toml"),
        "[tasks.create-and-fetch]\ngave_up = \"2026-11-29\"\n\n\
         [tasks.validate-input]\nhints = 3\ngave_up = \"2026-11-30\"\n",
    )
    .unwrap();
    let out = sf(["status", "--json"]).cwd(&project).run().success();
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["tasks_done"], 2);
    assert_eq!(json["tasks_done_after_giving_up"], 1);
    let skill = |id: &str| {
        json["skills"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no skill {id}: {json}"))
            .clone()
    };
    // fastapi: tasks 1, 2, 5, 6; 1 passes, 2 was given up.
    let fastapi = skill("fastapi");
    assert_eq!(
        (
            &fastapi["tasks_done"],
            &fastapi["tasks_given_up"],
            &fastapi["tasks_total"]
        ),
        (&json!(1), &json!(1), &json!(4)),
        "{fastapi}"
    );
    // http-basics: tasks 2, 5, 7; only 2 passes, and it was given up.
    let http = skill("http-basics");
    assert_eq!(
        (&http["tasks_done"], &http["tasks_given_up"]),
        (&json!(0), &json!(1))
    );
    // pydantic: tasks 3 and 4; 3 was given up and fails.
    let pydantic = skill("pydantic");
    assert_eq!(
        (&pydantic["tasks_done"], &pydantic["tasks_given_up"]),
        (&json!(0), &json!(1))
    );
    let text = sf(["status"]).cwd(&project).run().success().stdout;
    assert!(
        text.contains("2 of 7 tasks pass (1 after seeing the solution)"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("HTTP "))
        .unwrap_or_else(|| panic!("no HTTP skill line:\n{text}"));
    assert!(line.contains("0/3 tasks, 1 given up"), "{line}");
}

/// A small base blueprint whose first task names a folder of tests and whose second names
/// `bad_entries` (one a line) and a class that exists.
fn write_folder_blueprint(dir: &Path, bad_entries: &[&str]) -> String {
    let mut entries: Vec<String> = bad_entries
        .iter()
        .map(|e| format!("    {e:?},\n"))
        .collect();
    entries.push("    \"tests/tasks/test_sub.py::TestSub\",\n".into());
    let manifest = format!(
        r#"schema = 1
id = "folders"
kind = "base"
version = "1.0.0"
title = "Folder tests"
summary = "Tasks whose tests live in a folder"
difficulty = "beginner"
hours = 1
skills = ["pytest"]

[[tasks]]
id = "add"
title = "Add"
summary = "Add two numbers"
skills = ["pytest"]
hints = ["Use +"]
tests = ["tests/tasks"]

[[tasks]]
id = "sub"
title = "Subtract"
summary = "Subtract two numbers"
skills = ["pytest"]
hints = ["Use -"]
tests = [
{}]
"#,
        entries.concat()
    );
    let files: &[(&str, &str)] = &[
        ("blueprint.toml", &manifest),
        ("template/src/{{project.package}}/__init__.py", ""),
        (
            "template/tests/tasks/test_add.py.hbs",
            "from {{project.package}} import calc\n\n\ndef test_add() -> None:\n    \
             assert calc.add(2, 3) == 5\n",
        ),
        (
            "template/tests/tasks/test_sub.py.hbs",
            "from {{project.package}} import calc\n\n\nclass TestSub:\n    \
             def test_sub(self) -> None:\n        assert calc.sub(3, 2) == 1\n",
        ),
        ("template/tests/data/numbers.csv", "a,b\n2,3\n"),
        (
            "template/src/{{project.package}}/calc.py",
            "def add(a: int, b: int) -> int:\n    raise NotImplementedError\n\n\n\
             def sub(a: int, b: int) -> int:\n    raise NotImplementedError\n",
        ),
    ];
    crate::support::write_files(dir, files);
    manifest
}

#[test]
fn lint_refuses_test_entries_check_cannot_map_and_accepts_folders() {
    let dir = tempfile::tempdir().unwrap();
    let bp = dir.path().join("folders");
    let bad = [
        ("tests/tasks/test_sub.py::TestMissing", "does not define"),
        (
            "tests/tasks/test_sub.py::TestSub::test_sub",
            "top-level class or function",
        ),
        ("/abs/tests/test_sub.py", "absolute"),
        ("tests/../tests/tasks", "`..`"),
        ("tests/tasks/test_*.py", "wildcards"),
        ("tests/tasks/", "write \"tests/tasks\""),
        ("tests/data", "no Python file"),
        ("tests/data/numbers.csv", "not a Python file"),
        ("tests/gone", "the starter does not contain"),
    ];
    let entries: Vec<&str> = bad.iter().map(|(e, _)| *e).collect();
    let manifest = write_folder_blueprint(&bp, &entries);
    let out = sf(["lint", bp.to_str().unwrap()]).run().code(4);
    // Every line but the one saying which format the blueprint is in.
    let problems: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.contains(": format v"))
        .collect();
    for (entry, reason) in bad {
        let line = manifest
            .lines()
            .position(|l| l.contains(&format!("{entry:?}")))
            .unwrap()
            + 1;
        let found = problems.iter().find(|p| p.contains(&format!("{entry:?}")));
        let found = found.unwrap_or_else(|| panic!("{entry} accepted:\n{}", out.stdout));
        assert!(
            found.contains(&format!("blueprint.toml:{line}: task \"sub\""))
                && found.contains(reason),
            "{entry}: {found}"
        );
    }
    assert_eq!(
        problems.len(),
        bad.len(),
        "only the bad entries:\n{}",
        out.stdout
    );

    let good = dir.path().join("good");
    write_folder_blueprint(&good, &[]);
    sf(["lint", good.to_str().unwrap()])
        .run()
        .success()
        .stdout_has(": ok");
}

#[test]
fn a_folder_entry_gets_a_checksum_of_every_file_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let bp = dir.path().join("folders");
    write_folder_blueprint(&bp, &[]);
    let out = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "--from",
        bp.to_str().unwrap(),
        "--yes",
        "--no-git",
    ])
    .cwd(out.path())
    .run()
    .success();
    let project = out.path().join("demo");
    let text = fs::read_to_string(project.join(".skillforge/origin.toml")).unwrap();
    let origin: toml::Table = toml::from_str(&text).unwrap();
    let checksums = origin["checksums"].as_table().unwrap();
    let files: Vec<(String, Vec<u8>)> = ["test_add.py", "test_sub.py"]
        .iter()
        .map(|name| {
            let rel = format!("tests/tasks/{name}");
            let bytes = fs::read(project.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect();
    let expected = skillforge::record::origin::folder_checksum(
        "tests/tasks",
        files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
    );
    assert_eq!(checksums["tests/tasks"].as_str(), Some(expected.as_str()));
    assert!(checksums.contains_key("tests/tasks/test_sub.py::TestSub"));
}
