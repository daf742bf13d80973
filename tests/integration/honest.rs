//! Honest plans: a project that exercises none of the skills asked for is never offered,
//! partial coverage is said wherever the plan appears, and the interactive flow ends
//! cleanly however it ends (Ctrl-C, Escape, "no").

use std::time::Duration;

use crate::support::sf;

#[test]
fn plan_for_skills_nothing_exercises_offers_no_project_but_names_the_nearest() {
    let out = sf(["plan", "--skills", "kubernetes"]).run().success();
    assert!(
        out.stdout.contains("Nothing exercises Kubernetes yet"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("nearest blueprint is pypi-package"),
        "{}",
        out.stdout
    );
    for offer in ["Best plan", "Generate it", "skillforge new", "Alternatives"] {
        assert!(
            !out.stdout.contains(offer),
            "offers {offer:?}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn plan_json_for_skills_nothing_exercises_has_no_blueprint_to_make() {
    let out = sf(["plan", "--skills", "kubernetes, serverless", "--json"])
        .run()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(plan.get("blueprint").is_none(), "{plan}");
    assert_eq!(plan["covered"], serde_json::json!([]));
    assert_eq!(plan["nearest"]["blueprint"], "pypi-package");
    assert_eq!(plan["alternatives"], serde_json::json!([]));
}

#[test]
fn every_ranked_plan_line_names_what_it_leaves_uncovered() {
    let out = sf(["plan", "--skills", "kubernetes,fastapi"])
        .run()
        .success();
    let best = out.stdout.lines().nth(1).unwrap();
    assert!(
        best.contains("covers 1 of 2 requested skills; not covered: Kubernetes"),
        "{}",
        out.stdout
    );
    for line in out.stdout.lines().filter(|l| l.contains(" h")) {
        assert!(line.contains("not covered: Kubernetes"), "{line}");
        assert!(
            !line.contains("covers 0 of"),
            "offers a plan covering nothing: {line}"
        );
    }
}

#[test]
fn plan_alternatives_that_cover_nothing_are_left_out() {
    let out = sf(["plan", "--skills", "pandas"]).run().success();
    assert!(!out.stdout.contains("covers 0"), "{}", out.stdout);
    assert!(!out.stdout.contains("fastapi-service"), "{}", out.stdout);
}

#[test]
fn new_refuses_skills_nothing_exercises_and_writes_nothing() {
    for skills in ["kubernetes", "kubernetes,serverless", "Kubernetes"] {
        let dir = tempfile::tempdir().unwrap();
        let out = sf(["new", "x", "--skills", skills, "--yes"])
            .cwd(dir.path())
            .run()
            .code(2)
            .stderr_has("nothing exercises")
            .stderr_has("--blueprint");
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{skills}"
        );
    }
}

#[test]
fn new_with_a_blueprint_covering_none_of_the_skills_warns_but_makes_it() {
    let dir = tempfile::tempdir().unwrap();
    sf([
        "new",
        "x",
        "-b",
        "pypi-package",
        "-s",
        "fastapi",
        "--yes",
        "--no-git",
    ])
    .cwd(dir.path())
    .run()
    .success()
    .stderr_has("warning: pypi-package exercises none of the skills asked for (FastAPI)");
    assert!(dir.path().join("x/TASKS.md").exists());
}

#[test]
fn partial_coverage_is_named_on_stderr_in_the_readme_and_in_tasks() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "x", "-s", "fastapi,kubernetes", "--yes", "--no-git"])
        .cwd(dir.path())
        .run()
        .success()
        .stderr_has("covers 1 of 2 requested skills; not covered: Kubernetes");
    for file in ["README.md", "TASKS.md"] {
        let text = std::fs::read_to_string(dir.path().join("x").join(file)).unwrap();
        let flat = text.replace('\n', " ");
        assert!(
            flat.contains("Not covered by this project: Kubernetes"),
            "{file}:\n{text}"
        );
    }
}

#[test]
fn a_project_covering_every_skill_asked_for_claims_no_gap() {
    let dir = tempfile::tempdir().unwrap();
    sf(["new", "x", "-s", "fastapi", "--yes", "--no-git"])
        .cwd(dir.path())
        .run()
        .success();
    for file in ["README.md", "TASKS.md"] {
        let text = std::fs::read_to_string(dir.path().join("x").join(file)).unwrap();
        assert!(!text.contains("Not covered"), "{file}:\n{text}");
        assert!(
            text.contains("You chose to practise FastAPI"),
            "{file}:\n{text}"
        );
    }
}

#[test]
fn set_accepts_licence_and_license() {
    for key in ["licence", "license"] {
        let dir = tempfile::tempdir().unwrap();
        sf([
            "new",
            "x",
            "-b",
            "pypi-package",
            "--set",
            &format!("{key}=ISC"),
            "--yes",
            "--no-git",
        ])
        .cwd(dir.path())
        .run()
        .success();
        let license = std::fs::read_to_string(dir.path().join("x/LICENSE")).unwrap();
        assert!(license.starts_with("ISC"), "{key}: {license}");
    }
}

#[test]
fn a_bad_email_is_explained_in_words_not_a_pattern() {
    for bad in ["ada", "ada@", "ada example.com", "a@b@c"] {
        let dir = tempfile::tempdir().unwrap();
        let out = sf([
            "new",
            "x",
            "-b",
            "pypi-package",
            "--set",
            &format!("email={bad}"),
            "--yes",
        ])
        .cwd(dir.path())
        .run()
        .code(2)
        .stderr_has("an e-mail address such as");
        for machine in ["^", "$", "\\s", "[^"] {
            assert!(!out.stderr.contains(machine), "{bad}: {}", out.stderr);
        }
    }
}

/// The real binary in a pseudo-terminal, 100 columns wide.
fn pty(
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
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1");
    rexpect::session::spawn_command(cmd, Some(Duration::from_secs(30).as_millis() as u64))
        .expect("spawn in a pty")
}

const HIDE: &str = "\x1b[?25l";
const SHOW: &str = "\x1b[?25h";

/// Ctrl-C at a prompt, many times: the cursor is shown again after it was last hidden,
/// the cancel message comes once on a line of its own, and nothing is written.
#[test]
fn ctrl_c_at_a_prompt_always_restores_the_cursor_and_says_so_once() {
    for round in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut p = pty(dir.path(), home.path(), &["new", "demo"]);
        let before = p.exp_string("Skills to practise").unwrap();
        std::thread::sleep(Duration::from_millis(20 * (round % 4)));
        p.send("\x03").unwrap();
        p.flush().unwrap();
        let rest = before + &p.exp_eof().unwrap();
        let hidden = rest.rfind(HIDE);
        let shown = rest.rfind(SHOW);
        assert!(
            hidden.is_none() || shown > hidden,
            "round {round}: the cursor stays hidden: {rest:?}"
        );
        assert_eq!(
            rest.matches("cancelled").count(),
            1,
            "round {round}: {rest:?}"
        );
        let line = rest
            .lines()
            .find(|l| l.contains("cancelled"))
            .unwrap()
            .trim_matches(['\r', ' ']);
        assert!(
            line.trim_start_matches("error: ").starts_with("cancelled"),
            "round {round}: {line:?}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

/// rexpect reads each byte as one character: the text as the terminal shows it.
fn bytes_as_text(read: &str) -> String {
    let bytes: Vec<u8> = read
        .chars()
        .map(|c| u8::try_from(c).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Ctrl-C, sent at the prompt that shows `at` in a run of `new` with `args`.
fn ctrl_c_at(args: &[&str], at: &str) {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut p = pty(dir.path(), home.path(), args);
    let before = p.exp_string(at).unwrap();
    p.send("\x03").unwrap();
    p.flush().unwrap();
    let all = before + &p.exp_eof().unwrap();
    if let Some(hidden) = all.rfind(HIDE) {
        assert!(
            all.rfind(SHOW) > Some(hidden),
            "{at}: the cursor stays hidden: {all:?}"
        );
    }
    assert_eq!(all.matches("cancelled").count(), 1, "{at}: {all:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{at}");
}

const ANSWERED: [&str; 8] = [
    "--set",
    "author=Ada",
    "--set",
    "email=ada@example.com",
    "--set",
    "python=3.12",
    "--set",
    "licence=MIT",
];

#[test]
fn ctrl_c_at_a_text_prompt_a_choice_or_the_confirmation_restores_the_cursor() {
    ctrl_c_at(&["new", "-b", "pypi-package"], "Project name");
    let mut choice = vec!["new", "demo", "-b", "pypi-package"];
    choice.extend(&ANSWERED[..4]);
    ctrl_c_at(&choice, "Lowest supported Python");
    let mut confirm = vec!["new", "demo", "-b", "pypi-package"];
    confirm.extend(ANSWERED);
    ctrl_c_at(&confirm, "Generate this project?");
}

#[test]
fn no_at_the_confirmation_exits_0_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "new",
        "demo",
        "-b",
        "pypi-package",
        "-s",
        "pytest,decorators",
    ];
    args.extend(ANSWERED);
    let mut p = pty(dir.path(), home.path(), &args);
    let summary = p.exp_string("Generate this project?").unwrap();
    for shown in [
        "author",
        "Ada",
        "ada@example.com",
        ">=3.12",
        "MIT",
        "skills",
        "Decorators",
        "not covered",
    ] {
        assert!(
            summary.contains(shown),
            "the summary lacks {shown:?}: {summary}"
        );
    }
    p.send_line("n").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("nothing was written"), "{rest:?}");
    assert!(!rest.contains("error"), "{rest:?}");
    let status = p.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn option_lines_are_cut_to_a_narrow_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_skillforge");
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "stty cols 40 rows 50 && exec \"$0\" new demo", bin])
        .current_dir(dir.path())
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    let shown = p.exp_string("Web development").unwrap();
    p.send("\x1b").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    let escapes = regex::Regex::new("\x1b\\[[0-9;?]*[A-Za-z]").unwrap();
    let plain = escapes.replace_all(&bytes_as_text(&shown), "").into_owned();
    assert!(plain.contains('…'), "nothing was cut: {plain}");
    for line in plain.split("\r\n") {
        assert!(
            line.chars().count() <= 40,
            "{} columns: {line:?}",
            line.chars().count()
        );
    }
}
