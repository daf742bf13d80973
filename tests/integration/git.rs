//! The first commit, run hermetically: with and without a git identity, `--no-git`, and
//! inside an existing repository.

use std::fs;

use crate::support::{sf, tree};

fn new_in(dir: &std::path::Path) -> crate::support::Sf {
    sf(["new", "demo", "--blueprint", "fastapi-service", "--yes"]).cwd(dir)
}

fn head_commit(path: &std::path::Path) -> (git2::Repository, String, String) {
    let repo = git2::Repository::open(path).expect("a repository");
    let (name, email) = {
        let commit = repo.head().unwrap().peel_to_commit().unwrap();
        (
            commit.author().name().unwrap().to_string(),
            commit.author().email().unwrap().to_string(),
        )
    };
    (repo, name, email)
}

#[test]
fn commits_everything_on_main_with_the_configured_identity() {
    let dir = tempfile::tempdir().unwrap();
    new_in(dir.path())
        .git_identity("Grace Hopper", "grace@example.com")
        .run()
        .success();
    let path = dir.path().join("demo");
    let (repo, name, email) = head_commit(&path);
    assert_eq!(repo.head().unwrap().shorthand().unwrap(), "main");
    assert_eq!(
        (name.as_str(), email.as_str()),
        ("Grace Hopper", "grace@example.com")
    );
    let statuses = repo.statuses(None).unwrap();
    assert_eq!(statuses.len(), 0, "every file is committed");
    let committed = repo.head().unwrap().peel_to_tree().unwrap().len();
    assert!(
        committed >= 5,
        "the tree has the project's top-level entries"
    );
    // The author answer defaults to the git identity.
    assert!(
        fs::read_to_string(path.join("LICENSE"))
            .unwrap()
            .contains("Grace Hopper")
    );
}

#[test]
fn without_an_identity_commits_as_the_author_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    new_in(dir.path())
        .run()
        .success()
        .stderr_has("no git identity")
        .stderr_has("git config --global user.name");
    let (_, name, email) = head_commit(&dir.path().join("demo"));
    assert_eq!(
        (name.as_str(), email.as_str()),
        ("Your Name", "you@example.com")
    );

    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "demo",
        "-b",
        "fastapi-service",
        "-y",
        "--set",
        "author=Ada",
        "--set",
        "email=ada@example.com",
    ])
    .cwd(dir.path())
    .run()
    .success()
    .stderr_has("first commit was made as Ada <ada@example.com>");
    let (_, name, _) = head_commit(&dir.path().join("demo"));
    assert_eq!(name, "Ada");
}

#[test]
fn no_git_skips_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "demo", "-b", "fastapi-service", "-y", "--no-git"])
        .cwd(dir.path())
        .run()
        .success()
        .stderr_has("--no-git");
    let path = dir.path().join("demo");
    assert!(!path.join(".git").exists());
    assert!(tree(&path).contains(&"pyproject.toml".to_string()));
}

#[test]
fn inside_an_existing_repository_no_nested_repository_is_made() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    fs::create_dir(dir.path().join("projects")).unwrap();
    new_in(&dir.path().join("projects"))
        .git_identity("T", "t@example.com")
        .run()
        .success()
        .stderr_has("no nested repository");
    assert!(dir.path().join("projects/demo/pyproject.toml").is_file());
    assert!(!dir.path().join("projects/demo/.git").exists());
}
