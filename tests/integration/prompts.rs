//! The interactive flow of `new`, driven in-process by the scripted prompter: what is asked,
//! in which order, and that a declined confirmation writes nothing.

use skillforge::blueprint::Library;
use skillforge::commands::new;
use skillforge::plan::Plan;
use skillforge::plan::prompt::Scripted;
use skillforge::plan::request::NewRequest;
use skillforge::plan::resolve::Offered;

fn request(dir: &std::path::Path) -> NewRequest {
    NewRequest {
        git: false,
        output_dir: dir.to_path_buf(),
        ..NewRequest::default()
    }
}

#[test]
fn asks_for_blueprint_name_and_every_question_then_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::embedded().unwrap();
    // no skills, blueprint, no add-ons, name (an invalid one first), author, email, python,
    // licence, page size, confirm
    let mut p = Scripted::new([
        "",
        "fastapi-service",
        "",
        "class",
        "my-notes",
        "Ada",
        "ada@example.com",
        "3.13",
        "ISC",
        "15",
        "y",
        "n",
    ]);
    let new::Produced::Created { path, setup } = new::run(
        &request(dir.path()),
        &library,
        &Offered::default(),
        Some(&mut p),
        Plan::sample_day(),
    )
    .unwrap() else {
        panic!("expected a project");
    };
    assert_eq!(path, dir.path().join("my-notes"));
    assert_eq!(p.asked[0], "Skills to practise");
    assert_eq!(p.asked[1], "Blueprint");
    assert_eq!(
        p.asked[2], "Add-ons",
        "a base picked at the prompt is offered add-ons"
    );
    assert_eq!(p.asked[3], "Project name");
    assert_eq!(p.asked[4], "Project name", "an invalid name is asked again");
    let asked = p.asked.len();
    assert_eq!(p.asked[asked - 2], "Generate this project?");
    assert_eq!(
        p.asked[asked - 1],
        "Set up the environment now (skillforge setup)?",
        "asked before anything is written"
    );
    assert!(!setup, "answered no");
    let pyproject = std::fs::read_to_string(path.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains("requires-python = \">=3.13\"")
            && pyproject.contains("license = \"ISC\"")
    );
    assert!(
        std::fs::read_to_string(path.join("src/my_notes/settings.py"))
            .unwrap()
            .contains("15")
    );
}

#[test]
fn flags_answer_questions_so_they_are_not_asked() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::embedded().unwrap();
    let mut req = request(dir.path());
    req.name = Some("demo".into());
    req.blueprint = Some("fastapi-service".into());
    req.answers = [
        ("author", "Ada"),
        ("email", "a@b.c"),
        ("python", "3.11"),
        ("license", "MIT"),
        ("page_size", "5"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut p = Scripted::new(["y", "n"]);
    new::run(
        &req,
        &library,
        &Offered::default(),
        Some(&mut p),
        Plan::sample_day(),
    )
    .unwrap();
    assert_eq!(
        p.asked,
        [
            "Generate this project?",
            "Set up the environment now (skillforge setup)?"
        ]
    );
}

#[test]
fn declining_the_summary_writes_nothing_and_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::embedded().unwrap();
    let mut p = Scripted::new(["", "fastapi-service", "", "demo", "", "", "", "", "", "n"]);
    let produced = new::run(
        &request(dir.path()),
        &library,
        &Offered::default(),
        Some(&mut p),
        Plan::sample_day(),
    )
    .unwrap();
    assert!(matches!(produced, new::Produced::Declined), "{produced:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn chosen_skills_lead_to_the_best_plan_and_mark_stretch_goals() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::embedded().unwrap();
    let mut req = request(dir.path());
    req.skills = vec!["pydantic".into()];
    req.name = Some("skills-demo".into());
    // --skills is the answer, so the picker is not shown. The plan (if several), the
    // engine's questions, the page size and the confirmation take their defaults.
    let mut p = Scripted::new(["", "", "", "", "", "", "y", "y"]);
    let new::Produced::Created { path, setup } = new::run(
        &req,
        &library,
        &Offered::default(),
        Some(&mut p),
        Plan::sample_day(),
    )
    .unwrap() else {
        panic!("expected a project");
    };
    assert!(
        !p.asked
            .iter()
            .any(|a| a == "Skills to practise" || a == "Blueprint"),
        "the plan picks the blueprint: {:?}",
        p.asked
    );
    let tasks = std::fs::read_to_string(path.join("TASKS.md")).unwrap();
    assert!(tasks.contains("stretch goal"));
    assert!(setup, "a yes to the set-up question asks for it");
}
