//! The learner's words (issue 14): category names and umbrella terms are read as the skills
//! they stand for and said so; one unknown word among known ones is left out by `plan` and
//! refused by `new` without a terminal; suggestions follow words, not shared letters.

use crate::support::sf;

/// Every category name and umbrella word the issue names, as learners type them.
const UMBRELLAS: [&str; 23] = [
    "MLOps",
    "machine learning",
    "data science",
    "web development",
    "devops",
    "testing",
    "databases",
    "core python",
    "python",
    "Core Python",
    "Web Development",
    "Data Science",
    "Data Science/ML",
    "Machine Learning",
    "DevOps",
    "DevOps/Cloud",
    "Cloud",
    "Generative AI",
    "Databases",
    "Testing",
    "Version control",
    "Code quality",
    "soft skills",
];

#[test]
fn plan_reads_every_category_name_and_umbrella_word() {
    for word in UMBRELLAS {
        let out = sf(["plan", "--skills", word]).run();
        assert!(
            !out.stderr.contains("not a skill"),
            "{word}: {}",
            out.stderr
        );
        // "Generative AI" is one skill; every other word stands for several and is shown
        // with them, whether or not a blueprint covers any.
        if word != "Generative AI" {
            assert!(
                out.stdout.starts_with(&format!("{word}: ")),
                "{word}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn plan_says_how_it_read_an_umbrella_word() {
    sf(["plan", "--skills", "data science"])
        .run()
        .success()
        .stdout_has("data science: pandas, NumPy, Data visualisation")
        .stdout_has("Statistics")
        .stdout_has("Best plan: pandas-analysis");
    sf(["plan", "--skills", "MLOps"])
        .run()
        .success()
        .stdout_has("MLOps: MLflow, Experiment tracking")
        .stdout_has("Best plan: mlflow-experiment");
}

/// A skill typed by its own name beside an umbrella word that holds it too is covered
/// first: "web development, flask" is a Flask project, not the web project that covers as
/// many of web development's skills without Flask. `new` plans the same way.
#[test]
fn a_skill_named_beside_an_umbrella_word_is_covered_first() {
    for (words, base) in [
        ("web development, flask", "flask-app"),
        ("flask, web development", "flask-app"),
        ("web development, web scraping", "async-client"),
        ("data science, mlflow", "mlflow-experiment"),
    ] {
        let out = sf(["plan", "--skills", words, "--json"]).run().success();
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["blueprint"], base, "{words}: {}", out.stdout);
    }
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "tool-library",
        "--skills",
        "web development, flask",
        "--yes",
        "--no-git",
        "--dry-run",
    ])
    .cwd(dir.path())
    .run()
    .success()
    .stderr_has("plan: flask-app");
}

#[test]
fn the_best_plan_for_an_umbrella_covers_most_of_it() {
    let json = |word: &str| -> serde_json::Value {
        let out = sf(["plan", "--skills", word, "--json"]).run().success();
        serde_json::from_str(&out.stdout).unwrap()
    };
    for (word, base) in [
        ("web development", "fastapi-service"),
        ("data science", "pandas-analysis"),
        ("machine learning", "mlflow-experiment"),
        ("code quality", "pypi-package"),
    ] {
        let plan = json(word);
        assert_eq!(plan["blueprint"], base, "{word}: {plan}");
        assert_eq!(plan["read_as"][0]["word"], word, "{plan}");
        let covered = plan["covered"].as_array().unwrap().len();
        assert!(covered > 0, "{word}: {plan}");
        assert!(!plan["uncovered"].as_array().unwrap().is_empty() || word == "code quality");
        for other in plan["alternatives"].as_array().unwrap() {
            assert!(
                other["covered"].as_array().unwrap().len() <= covered,
                "{plan}"
            );
        }
    }
    let plan = json("devops");
    let covered = plan["covered"].as_array().unwrap();
    for skill in ["docker", "ci-cd", "github-actions"] {
        assert!(covered.iter().any(|c| c == skill), "{plan}");
    }
}

#[test]
fn an_umbrella_and_a_skill_together_are_read_in_order_without_repeats() {
    let out = sf(["plan", "--skills", "pandas, data science, docker", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let requested: Vec<&str> = plan["requested"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(requested.first(), Some(&"pandas"));
    assert_eq!(requested.last(), Some(&"docker"));
    assert_eq!(requested.iter().filter(|s| **s == "pandas").count(), 1);
}

#[test]
fn plan_leaves_out_an_unknown_word_among_known_ones_and_says_so() {
    sf(["plan", "--skills", "pandas, fastapy"])
        .run()
        .success()
        .stderr_has("ignored: \"fastapy\" is not a skill skillforge knows; did you mean fastapi")
        .stdout_has("Best plan: pandas-analysis")
        .stdout_has("--skills \"pandas\"");
    let out = sf(["plan", "--skills", "pandas, dokcer", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["requested"], serde_json::json!(["pandas"]));
    assert_eq!(plan["ignored"][0]["word"], "dokcer");
    assert_eq!(plan["ignored"][0]["suggestions"][0], "docker");
}

#[test]
fn plan_refuses_when_no_word_names_a_skill() {
    sf(["plan", "--skills", "fastapy, dokcer"])
        .run()
        .code(2)
        .stderr_has("\"fastapy\"")
        .stderr_has("did you mean fastapi")
        .stderr_has("did you mean docker");
}

#[test]
fn new_without_a_terminal_refuses_each_unknown_word_with_its_suggestions() {
    for extra in [&[][..], &["--yes"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "new",
            "demo",
            "--skills",
            "pandas, fastapy, dokcer",
            "--no-git",
        ];
        args.extend_from_slice(extra);
        sf(args)
            .cwd(dir.path())
            .run()
            .code(2)
            .stderr_has("\"fastapy\" is not a skill skillforge knows; did you mean fastapi")
            .stderr_has("\"dokcer\" is not a skill skillforge knows; did you mean docker");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn new_generates_the_best_plan_for_an_umbrella_word_and_says_how_it_read_it() {
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "--skills",
        "data science",
        "--yes",
        "--no-git",
    ])
    .cwd(dir.path())
    .run()
    .success()
    .stderr_has("skills: data science: pandas, NumPy")
    .stderr_has("pandas-analysis");
    assert!(dir.path().join("demo/TASKS.md").is_file());
}

#[test]
fn oops_and_filler_words_read_as_the_skill() {
    for word in ["OOPs", "OOPs concepts", "object oriented programming"] {
        sf(["plan", "--skills", word])
            .run()
            .success()
            .stdout_has("Object-oriented programming");
    }
    sf([
        "plan",
        "--skills",
        "python decorators, file handling concepts",
        "--json",
    ])
    .run()
    .success()
    .stdout_has("\"decorators\"")
    .stdout_has("\"file-handling\"");
}

#[test]
fn suggestions_make_sense() {
    let out = sf(["plan", "--skills", "test"]).run().code(2);
    assert!(out.stderr.contains("pytest"), "{}", out.stderr);
    assert!(!out.stderr.contains("configuration"), "{}", out.stderr);
    let out = sf(["plan", "--skills", "tests"]).run().code(2);
    assert!(out.stderr.contains("did you mean pytest"), "{}", out.stderr);
    let out = sf(["plan", "--skills", "pyton"]).run().code(2);
    assert!(
        out.stderr.contains("\"python\" (Core Python"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("deep-learning"), "{}", out.stderr);
    let out = sf(["plan", "--skills", "data sceince"]).run().code(2);
    assert!(
        out.stderr.contains("did you mean \"data science\""),
        "{}",
        out.stderr
    );
    let out = sf(["plan", "--skills", "rust"]).run().code(2);
    assert!(!out.stderr.contains("did you mean"), "{}", out.stderr);
}

#[test]
fn skills_lists_the_umbrella_words() {
    sf(["skills"])
        .run()
        .success()
        .stdout_has("Core Python (also: python")
        .stdout_has("Cloud (also: cloud computing")
        .stdout_has("NoSQL databases (also: nosql");
}

#[test]
fn every_technology_the_seed_articles_name_is_in_the_catalog() {
    let library = skillforge::blueprint::Library::embedded().unwrap();
    let index = skillforge::blueprint::matching::SkillIndex::new(&library.catalog);
    let text = include_str!("../data/seed-terms.txt");
    let terms: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(terms.len() > 250, "{}", terms.len());
    let unknown: Vec<&str> = terms
        .iter()
        .copied()
        .filter(|t| !index.read(&[*t]).unknown.is_empty())
        .collect();
    assert!(unknown.is_empty(), "not in the catalog: {unknown:?}");
}

#[test]
fn new_in_a_terminal_asks_about_an_unknown_word() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_skillforge"));
    cmd.args(["new", "demo", "--skills", "pandas, fastapy"])
        .current_dir(dir.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).expect("spawn in a pty");
    p.exp_string("\"fastapy\" is not a skill skillforge knows; use")
        .unwrap();
    p.exp_string("fastapi").unwrap();
    p.exp_string("leave it out").unwrap();
    p.send_line("").unwrap(); // Enter takes the first suggestion
    p.exp_regex("Skills to practise|Plan|Project name|Author")
        .unwrap();
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
