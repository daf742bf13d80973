//! The command line: help, version, list, show, completions, and the errors of `new` that
//! happen before anything is written.

use std::time::Duration;

use crate::support::sf;

#[test]
fn version_and_help_succeed() {
    sf(["--version"])
        .run()
        .success()
        .stdout_has(env!("CARGO_PKG_VERSION"));
    sf(["--help"]).run().success().stdout_has("Exit codes");
    sf(["new", "--help"])
        .run()
        .success()
        .stdout_has("--blueprint");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    sf(["new", "--frobnicate"])
        .run()
        .code(2)
        .stderr_has("--frobnicate");
}

#[test]
fn list_shows_blueprints_with_skills_difficulty_and_hours() {
    let out = sf(["list"]).run().success();
    assert!(
        out.stdout.contains("fastapi-service") && out.stdout.contains("intermediate"),
        "{}",
        out.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&sf(["list", "--json"]).run().success().stdout).unwrap();
    let fastapi = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "fastapi-service")
        .expect("listed");
    assert_eq!(fastapi["kind"], "base");
    assert!(fastapi["hours"].as_u64().unwrap() > 0);
    assert!(fastapi["tasks"].as_u64().unwrap() >= 6);
    assert!(
        fastapi["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "fastapi")
    );
}

#[test]
fn show_lists_tasks_questions_and_files() {
    sf(["show", "fastapi-service"])
        .run()
        .success()
        .stdout_has("tasks:")
        .stdout_has("api-key-guard")
        .stdout_has("page_size")
        .stdout_has("tests/test_harness.py");
    sf(["show", "nope"])
        .run()
        .code(2)
        .stderr_has("unknown blueprint \"nope\"");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sf(["completions", shell]).run().success();
        assert!(out.stdout.contains("skillforge"), "{shell}");
    }
}

#[test]
fn without_a_terminal_a_missing_answer_fails_at_once_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    // No blueprint, no name, no --yes, stdin is not a terminal: must not wait for input.
    sf(["new"])
        .cwd(dir.path())
        .timeout(Duration::from_secs(10))
        .run()
        .code(5)
        .stderr_has("--blueprint");
    sf(["new", "--blueprint", "fastapi-service"])
        .cwd(dir.path())
        .timeout(Duration::from_secs(10))
        .run()
        .code(5)
        .stderr_has("skillforge new NAME");
    sf(["new", "demo-api", "--blueprint", "fastapi-service"])
        .cwd(dir.path())
        .timeout(Duration::from_secs(10))
        .run()
        .code(5)
        .stderr_has("--yes");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn invalid_names_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("class", "keyword"),
        ("2048-game", "py-2048-game"),
        ("json", "shadow"),
        ("a/b", "--output-dir"),
        ("café", "'é'"),
        ("   ", "empty"),
    ];
    for (name, reason) in cases {
        sf(["new", name, "--blueprint", "fastapi-service", "--yes"])
            .cwd(dir.path())
            .run()
            .code(2)
            .stderr_has("invalid project name")
            .stderr_has(reason);
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn unknown_blueprint_lists_the_available_ones() {
    sf(["new", "demo", "--blueprint", "flask-thing", "--yes"])
        .run()
        .code(2)
        .stderr_has("unknown blueprint \"flask-thing\"")
        .stderr_has("fastapi-service");
}

#[test]
fn unknown_or_invalid_set_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["new", "demo-api", "--blueprint", "fastapi-service", "--yes"];
    let with = |extra: &[&'static str]| base.iter().chain(extra).copied().collect::<Vec<&str>>();
    let cases: [(&'static str, &[&str]); 5] = [
        ("pagesize=3", &["\"pagesize\"", "page_size"]),
        ("page_size=1000", &["from 1 to 100"]),
        ("license=WTFPL", &["Apache-2.0"]),
        ("email=nope", &["--set email"]),
        ("novalue", &["key=value"]),
    ];
    for (set, needles) in cases {
        let mut out = sf(with(&["--set", set])).cwd(dir.path()).run().code(2);
        for needle in needles {
            out = out.stderr_has(needle);
        }
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn colour_follows_no_color_and_the_flag() {
    let run = |color: &str, no_color: bool| {
        let mut cmd = sf(["--color", color, "show", "nope"]).env("CLICOLOR_FORCE", "1");
        if no_color {
            cmd = cmd.env("NO_COLOR", "1");
        }
        cmd.run().code(2).stderr
    };
    assert!(
        run("auto", false).contains('\x1b'),
        "CLICOLOR_FORCE colours"
    );
    assert!(!run("auto", true).contains('\x1b'), "NO_COLOR wins");
    assert!(!run("never", false).contains('\x1b'));
}

#[test]
fn skills_lists_the_catalog_with_the_blueprints_that_exercise_each() {
    let out = sf(["skills"]).run().success();
    assert!(
        out.stdout.contains("Core Python") && out.stdout.contains("fastapi-service"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("not practised by code"),
        "soft skills are marked"
    );
    let json: serde_json::Value =
        serde_json::from_str(&sf(["skills", "--json"]).run().success().stdout).unwrap();
    let skills = json.as_array().unwrap();
    let fastapi = skills.iter().find(|s| s["id"] == "fastapi").unwrap();
    assert!(
        fastapi["blueprints"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "fastapi-service")
    );
    assert!(
        fastapi["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "fast api")
    );
    assert!(skills.iter().any(|s| s["practicable"] == false));
}

#[test]
fn unknown_or_misplaced_addons_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "-b",
        "fastapi-service",
        "--with",
        "kubernetes-magic",
        "-y",
    ])
    .cwd(dir.path())
    .run()
    .code(2)
    .stderr_has("unknown add-on \"kubernetes-magic\"");
    sf([
        "new",
        "demo",
        "-b",
        "fastapi-service",
        "--with",
        "fastapi-service",
        "-y",
    ])
    .cwd(dir.path())
    .run()
    .code(2)
    .stderr_has("not an add-on");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn an_addon_refuses_a_base_it_is_not_for_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "-b",
        "pypi-package",
        "--with",
        "github-ci",
        "-y",
    ])
    .cwd(dir.path())
    .run()
    .code(2)
    .stderr_has("github-ci is not for pypi-package: pypi-package has its own CI")
    .stderr_has("add github-ci to another base");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn list_and_show_say_which_bases_an_addon_applies_to_and_refuses() {
    let out = sf(["list"]).run().success();
    assert!(
        out.stdout
            .contains("not for pypi-package: pypi-package has its own CI")
    );
    let json: serde_json::Value =
        serde_json::from_str(&sf(["list", "--json"]).run().success().stdout).unwrap();
    let entry = |id: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == id)
            .cloned()
            .expect("listed")
    };
    let quality = entry("quality");
    let bases: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        // duckdb-warehouse has not joined the cross-cutting add-ons yet: its quality hooks
        // (mypy with dbt's packages) are still to be written and verified. Nor have
        // flask-app, async-client and django-cfp, the newest bases: their add-ons come in a
        // later pass.
        .filter(|b| {
            b["kind"] == "base"
                && ![
                    "duckdb-warehouse",
                    "flask-app",
                    "async-client",
                    "django-cfp",
                ]
                .contains(&b["id"].as_str().unwrap())
        })
        .map(|b| &b["id"])
        .collect();
    let applies: Vec<&serde_json::Value> =
        quality["applies_to"].as_array().unwrap().iter().collect();
    assert_eq!(
        applies, bases,
        "quality applies to every base but duckdb-warehouse, flask-app, async-client and django-cfp"
    );
    assert!(quality.get("not_for").is_none());
    assert!(
        entry("github-ci")["not_for"]["pypi-package"]
            .as_str()
            .unwrap()
            .contains("ci-workflow")
    );
    assert!(entry("fastapi-service").get("applies_to").is_none());
    // Each add-on's line names its bases, sorted, as its manifest lists them.
    let applies_line = |id: &str| {
        let mut bases: Vec<String> = entry(id)["applies_to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_string())
            .collect();
        bases.sort();
        format!("applies to: {}\n", bases.join(", "))
    };
    for addon in ["docker", "github-ci"] {
        let line = applies_line(addon);
        assert!(!line.contains("pypi-package"), "{line}");
        assert!(out.stdout.contains(&line), "{line}: {}", out.stdout);
    }
    sf(["show", "github-ci"])
        .run()
        .success()
        .stdout_has(&applies_line("github-ci"))
        .stdout_has("not for pypi-package: pypi-package has its own CI");
}

#[test]
fn lint_checks_that_not_for_names_bases() {
    let dir = tempfile::tempdir().unwrap();
    let bp = dir.path().join("github-ci");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/github-ci"),
        &bp,
    );
    let manifest = bp.join("blueprint.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "[not-for]\n",
        "[not-for]\nquality = \"an add-on\"\nnope = \"a typo\"\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let out = sf(["lint", bp.to_str().unwrap()]).run().code(4);
    assert!(
        out.stdout
            .contains("[not-for] names \"quality\", an add-on"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("[not-for] names blueprint \"nope\", which does not exist"),
        "{}",
        out.stdout
    );
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn dry_run_lists_every_file_with_its_origin_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = sf(["new", "demo", "-b", "fastapi-service", "-y", "--dry-run"])
        .cwd(dir.path())
        .run()
        .success();
    assert!(out.stdout.starts_with("demo/\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("pyproject.toml") && l.ends_with("skillforge"))
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("src/demo/app.py") && l.ends_with("fastapi-service"))
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn plan_explains_the_best_project_as_json() {
    let out = sf([
        "plan",
        "--skills",
        "Fast API, pydantic, k8s, communication",
        "--json",
    ])
    .run()
    .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    for key in [
        "blueprint",
        "addons",
        "covered",
        "uncovered",
        "tasks",
        "hours",
        "alternatives",
    ] {
        assert!(plan.get(key).is_some(), "missing {key}: {plan}");
    }
    assert_eq!(plan["blueprint"], "fastapi-service");
    assert_eq!(plan["covered"], serde_json::json!(["fastapi", "pydantic"]));
    assert_eq!(
        plan["uncovered"],
        serde_json::json!(["kubernetes", "communication"])
    );
    assert!(
        plan["uncovered_reasons"]["communication"]
            .as_str()
            .unwrap()
            .contains("professional")
    );
    assert!(plan["tasks"].as_u64().unwrap() >= 6);
}

#[test]
fn plan_for_the_craft_of_testing_chooses_the_testing_craft_addon() {
    let out = sf(["plan", "--skills", "unittest, mocking, tdd", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        plan["addons"],
        serde_json::json!(["testing-craft"]),
        "{plan}"
    );
    assert_eq!(
        plan["covered"],
        serde_json::json!(["unittest", "mocking", "tdd"]),
        "{plan}"
    );
    assert_eq!(plan["uncovered"], serde_json::json!([]), "{plan}");
    sf(["plan", "--skills", "integration tests, unittest.mock"])
        .run()
        .success()
        .stdout_has("testing-craft")
        .stdout_has("covers 2 of 2 requested skills");
}

#[test]
fn plan_for_redis_chooses_fastapi_service_with_the_redis_cache_addon() {
    let out = sf(["plan", "--skills", "redis", "--json"]).run().success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["blueprint"], "fastapi-service", "{plan}");
    assert_eq!(plan["addons"], serde_json::json!(["redis-cache"]), "{plan}");
    assert_eq!(plan["covered"], serde_json::json!(["redis"]), "{plan}");
    assert_eq!(plan["uncovered"], serde_json::json!([]), "{plan}");
}

#[test]
fn plan_for_sqlalchemy_and_migrations_chooses_fastapi_service_with_sql_orm() {
    let out = sf(["plan", "--skills", "sqlalchemy, migrations", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["blueprint"], "fastapi-service", "{plan}");
    assert_eq!(plan["addons"], serde_json::json!(["sql-orm"]), "{plan}");
    assert_eq!(
        plan["covered"],
        serde_json::json!(["sqlalchemy", "migrations"]),
        "{plan}"
    );
    assert_eq!(plan["uncovered"], serde_json::json!([]), "{plan}");
}

#[test]
fn plan_for_gitlab_ci_chooses_the_gitlab_ci_addon_and_never_with_github_ci() {
    assert_plans(
        &["gitlab ci", "gitlab", "GitLab CI/CD"],
        "fastapi-service",
        &["gitlab-ci"],
    );
    let out = sf(["plan", "--skills", "gitlab ci, github actions", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let addons = plan["addons"].as_array().unwrap();
    assert!(
        !(addons.contains(&"gitlab-ci".into()) && addons.contains(&"github-ci".into())),
        "{plan}"
    );
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "p",
        "--blueprint",
        "fastapi-service",
        "--with",
        "github-ci,gitlab-ci",
        "--yes",
    ])
    .cwd(dir.path())
    .run()
    .code(2)
    .stderr_has("github-ci and gitlab-ci cannot be combined");
    assert!(!dir.path().join("p").exists());
}

/// `plan --skills` for each of `skills` chooses `base` with exactly `addons`, and covers
/// everything asked for.
fn assert_plans(skills: &[&str], base: &str, addons: &[&str]) {
    for skills in skills {
        let out = sf(["plan", "--skills", skills, "--json"]).run().success();
        let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(plan["blueprint"], base, "{skills}: {plan}");
        assert_eq!(
            plan["addons"],
            serde_json::json!(addons),
            "{skills}: {plan}"
        );
        assert_eq!(plan["uncovered"], serde_json::json!([]), "{skills}: {plan}");
    }
}

#[test]
fn plan_chooses_the_core_python_base_for_core_python_skills() {
    assert_plans(
        &[
            "decorators, generators, context managers",
            "metaclasses, comprehensions, iterators",
            "data structures, debugging, logging",
        ],
        "log-analyser",
        &[],
    );
}

#[test]
fn plan_for_data_warehousing_chooses_the_duckdb_warehouse_base() {
    assert_plans(
        &[
            "data warehousing, dbt",
            "data-warehousing, sql",
            "star schema, etl",
        ],
        "duckdb-warehouse",
        &[],
    );
}

#[test]
fn plan_for_flask_chooses_the_flask_app_base() {
    assert_plans(
        &["flask", "flask, jinja", "flask, html, css"],
        "flask-app",
        &[],
    );
}

#[test]
fn plan_for_django_chooses_the_django_cfp_base() {
    assert_plans(
        &["django", "django orm, django admin", "django, html, css"],
        "django-cfp",
        &[],
    );
}

#[test]
fn plan_for_graphql_chooses_django_cfp_with_the_graphql_add_on() {
    assert_plans(
        &["graphql", "graphql, django", "strawberry"],
        "django-cfp",
        &["graphql"],
    );
}

#[test]
fn plan_for_microservices_chooses_fastapi_service_with_the_microservices_add_on() {
    assert_plans(
        &[
            "microservices",
            "microservices, fastapi",
            "celery",
            "contract testing",
        ],
        "fastapi-service",
        &["microservices"],
    );
}

#[test]
fn plan_for_monitoring_chooses_fastapi_service_with_the_observability_add_on() {
    assert_plans(
        &[
            "monitoring",
            "observability",
            "prometheus, opentelemetry",
            "structured logging, fastapi",
        ],
        "fastapi-service",
        &["observability"],
    );
}

#[test]
fn plan_refuses_unknown_skills_with_suggestions() {
    sf(["plan", "--skills", "dokcer"])
        .run()
        .code(2)
        .stderr_has("\"dokcer\"")
        .stderr_has("did you mean docker");
}

#[test]
fn new_with_skills_generates_the_best_plan_and_marks_stretch_goals() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "demo", "--skills", "pydantic", "--yes", "--no-git"])
        .cwd(dir.path())
        .run()
        .success()
        .stderr_has("plan: fastapi-service covers 1 of 1");
    let tasks = std::fs::read_to_string(dir.path().join("demo/TASKS.md")).unwrap();
    let entries: Vec<&str> = tasks
        .lines()
        .filter(|l| l.starts_with("- [ ] **"))
        .collect();
    assert!(entries.len() >= 6);
    let validate = entries
        .iter()
        .find(|l| l.contains("`validate-input`"))
        .unwrap();
    assert!(!validate.contains("stretch"), "{validate}");
    // validate-input builds on list-bookmarks, so that one is not optional either.
    let list = entries
        .iter()
        .find(|l| l.contains("`list-bookmarks`"))
        .unwrap();
    assert!(!list.contains("stretch"), "{list}");
    let paginate = entries
        .iter()
        .find(|l| l.contains("`paginate-and-filter`"))
        .unwrap();
    assert!(paginate.contains("stretch goal"), "{paginate}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skillforge"))
        .args(["skills"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as with `| head`
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
