//! The interactive flow as users run it: the real binary in a pseudo-terminal, keys in,
//! a generated and committed project out.

use std::time::Duration;

use rexpect::session::spawn_command;

fn session(
    dir: &std::path::Path,
    home: &std::path::Path,
    args: &[&str],
) -> rexpect::session::PtySession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_skillforge"));
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    spawn_command(cmd, Some(Duration::from_secs(30).as_millis() as u64)).expect("spawn in a pty")
}

#[test]
fn a_terminal_user_is_asked_everything_and_gets_a_committed_project() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Pty User\n\temail = pty@example.com\n",
    )
    .unwrap();
    let mut p = session(dir.path(), home.path(), &["new"]);
    p.exp_string("Skills to practise").unwrap();
    p.send("pydantic").unwrap(); // type to search
    p.flush().unwrap();
    p.exp_string("[ ] Web development: Pydantic").unwrap();
    p.send_line("").unwrap(); // Enter toggles the match
    p.exp_string("Done (1 chosen)").unwrap();
    p.send_line("").unwrap(); // Enter on Done
    // With several ranked plans a choice is offered; Enter takes the best.
    let (_, seen) = p.exp_regex("Plan|Project name").unwrap();
    if seen.starts_with("Plan") {
        p.send_line("").unwrap();
        p.exp_string("Project name").unwrap();
    }
    p.send_line("pty-notes").unwrap();
    p.exp_string("Author name").unwrap();
    p.send_line("").unwrap(); // default from git config
    p.exp_string("Author e-mail").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Lowest supported Python").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Licence").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Default page size").unwrap();
    p.send_line("30").unwrap();
    p.exp_string("Generate this project?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Set up the environment now").unwrap();
    p.send_line("n").unwrap();
    // Declined: the next steps start with setting the project up.
    p.exp_string("Next steps").unwrap();
    p.exp_string("skillforge setup").unwrap();
    p.exp_eof().unwrap();

    let path = dir.path().join("pty-notes");
    let repo = git2::Repository::open(&path).expect("committed");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.author().name().unwrap(), "Pty User");
    let settings = std::fs::read_to_string(path.join("src/pty_notes/settings.py")).unwrap();
    assert!(settings.contains("30"), "{settings}");
    let tasks = std::fs::read_to_string(path.join("TASKS.md")).unwrap();
    assert!(
        tasks.contains("stretch goal"),
        "tasks not about Pydantic are stretch goals"
    );
}

fn cancel_with(key: &str) {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut p = session(dir.path(), home.path(), &["new", "demo"]);
    p.exp_string("Skills to practise").unwrap();
    p.send(key).unwrap();
    p.flush().unwrap();
    p.exp_string("cancelled; nothing was written").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn escape_at_a_prompt_cancels_and_leaves_nothing() {
    cancel_with("\x1b");
}

#[test]
fn ctrl_c_at_a_prompt_cancels_and_leaves_nothing() {
    cancel_with("\x03");
}

#[test]
fn the_skill_search_ignores_a_trailing_space_and_a_skill_without_a_blueprint_asks_again() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut p = session(dir.path(), home.path(), &["new"]);
    p.exp_string("Skills to practise").unwrap();
    // Typed as the start of a second word: the space must not hide the match.
    p.send("docker ").unwrap();
    p.flush().unwrap();
    p.exp_string(": Docker").unwrap();
    p.send("\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}\u{8}infrastructure")
        .unwrap();
    p.flush().unwrap();
    p.exp_string("Infrastructure as code (no blueprint yet)")
        .unwrap();
    p.send_line("").unwrap(); // Enter toggles the match
    p.exp_string("Done (1 chosen)").unwrap();
    p.send_line("").unwrap(); // Enter on Done
    p.exp_string("nothing exercises Infrastructure as code yet")
        .unwrap();
    p.exp_string("Skills to practise").unwrap();
    p.send("\x1b").unwrap(); // Escape: cancelled, nothing written
    p.flush().unwrap();
    p.exp_string("cancelled; nothing was written").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
