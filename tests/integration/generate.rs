//! `skillforge new` writing projects: the tree and key files (snapshots), stdout and stderr,
//! refusing to overwrite, and leaving nothing behind on failure.

use std::fs;

use crate::support::{generate, sf, tree};

#[test]
fn generates_the_starter_tree_and_model_files() {
    let (_dir, path) = generate(
        "bookmarks-api",
        &[
            "--set",
            "author=Ada Lovelace",
            "--set",
            "email=ada@example.com",
        ],
    );
    insta::assert_yaml_snapshot!("starter_tree", tree(&path));
    for file in ["pyproject.toml", "TASKS.md", "README.md", ".gitignore"] {
        let text = fs::read_to_string(path.join(file)).unwrap();
        insta::assert_snapshot!(format!("starter_{}", file.trim_start_matches('.')), text);
    }
    let license = fs::read_to_string(path.join("LICENSE")).unwrap();
    assert!(
        license.starts_with("MIT License") && license.contains("Ada Lovelace"),
        "{license}"
    );
}

#[test]
fn prints_the_created_path_alone_on_stdout_and_next_steps_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = sf([
        "new",
        "notes-api",
        "--blueprint",
        "fastapi-service",
        "--yes",
    ])
    .cwd(dir.path())
    .git_identity("T", "t@example.com")
    .run()
    .success()
    .stderr_has("Next steps");
    assert_eq!(out.stdout, "notes-api\n");
    assert!(dir.path().join("notes-api/pyproject.toml").is_file());
    assert_steps_in_order(
        &out.stderr,
        &["cd notes-api", "skillforge setup", "skillforge check"],
    );
}

/// Each step appears in `stderr`, after the one before it.
fn assert_steps_in_order(stderr: &str, steps: &[&str]) {
    let mut from = 0;
    for step in steps {
        let at = stderr[from..]
            .find(step)
            .unwrap_or_else(|| panic!("`{step}` missing after byte {from} of:\n{stderr}"));
        from += at + step.len();
    }
}

#[test]
fn output_dir_chooses_the_parent_folder() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("work");
    fs::create_dir(&parent).unwrap();
    let out = sf([
        "new",
        "demo",
        "-b",
        "fastapi-service",
        "-y",
        "--no-git",
        "-o",
        parent.to_str().unwrap(),
    ])
    .run()
    .success();
    assert_eq!(out.stdout.trim(), parent.join("demo").to_str().unwrap());
    assert!(parent.join("demo/src/demo/app.py").is_file());
    let cd = format!("cd {}", parent.join("demo").display());
    assert_steps_in_order(&out.stderr, &[&cd, "skillforge setup", "skillforge check"]);
}

#[test]
fn answers_reach_the_templates() {
    let (_dir, path) = generate(
        "Reading List",
        &[
            "--set",
            "page_size=42",
            "--set",
            "python=3.12",
            "--set",
            "license=apache-2.0",
        ],
    );
    assert_eq!(path.file_name().unwrap(), "reading-list");
    let settings = fs::read_to_string(path.join("src/reading_list/settings.py")).unwrap();
    assert!(settings.contains("42"), "{settings}");
    assert!(settings.contains("READING_LIST_"), "{settings}");
    let pyproject = fs::read_to_string(path.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains("requires-python = \">=3.12\""),
        "{pyproject}"
    );
    assert!(pyproject.contains("license = \"Apache-2.0\""));
    assert!(pyproject.contains("python_version = \"3.12\""));
    assert!(
        fs::read_to_string(path.join("LICENSE"))
            .unwrap()
            .contains("Apache License")
    );
}

#[test]
fn solved_overlays_the_reference_solution() {
    let (_a, starter) = generate("demo", &["--no-git"]);
    let (_b, solved) = generate("demo", &["--no-git", "--solved"]);
    assert_eq!(
        tree(&starter),
        tree(&solved),
        "the solution replaces files, it adds no stray ones"
    );
    let router = "src/demo/routers/bookmarks.py";
    assert_ne!(
        fs::read(starter.join(router)).unwrap(),
        fs::read(solved.join(router)).unwrap()
    );
    assert_eq!(
        fs::read(starter.join("TASKS.md")).unwrap(),
        fs::read(solved.join("TASKS.md")).unwrap()
    );
}

#[test]
fn refuses_to_overwrite_an_existing_folder_or_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty-dir")).unwrap();
    fs::create_dir(dir.path().join("full-dir")).unwrap();
    fs::write(dir.path().join("full-dir/keep.txt"), "mine").unwrap();
    fs::write(dir.path().join("a-file"), "mine").unwrap();
    for name in ["empty-dir", "full-dir", "a-file"] {
        sf(["new", name, "--blueprint", "fastapi-service", "--yes"])
            .cwd(dir.path())
            .run()
            .code(3)
            .stderr_has("already exists");
    }
    assert_eq!(
        fs::read_dir(dir.path().join("empty-dir")).unwrap().count(),
        0
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("full-dir/keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a-file")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        3,
        "no temporary folder left"
    );
}

#[test]
fn a_missing_parent_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    sf([
        "new",
        "demo",
        "-b",
        "fastapi-service",
        "-y",
        "-o",
        missing.to_str().unwrap(),
    ])
    .run()
    .code(3)
    .stderr_has("does not exist");
    assert!(!missing.exists());
}

#[test]
fn a_failure_mid_generation_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "demo", "--blueprint", "fastapi-service", "--yes"])
        .cwd(dir.path())
        .env("SKILLFORGE_FAIL_AFTER_FILES", "5")
        .run()
        .code(1)
        .stderr_has("forced failure");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no destination and no temporary folder"
    );
}

#[test]
fn a_long_package_name_renders_every_template() {
    let name = "a-very-long-package-name-for-testing-xyz";
    let (_dir, path) = generate(name, &["--no-git", "--solved"]);
    let package = path.join("src/a_very_long_package_name_for_testing_xyz");
    assert!(package.join("app.py").is_file());
    for file in tree(&path).iter().filter(|f| f.ends_with(".py")) {
        let text = fs::read_to_string(path.join(file)).unwrap();
        assert!(!text.contains("{{"), "{file} has an unrendered expression");
    }
}
