//! The domain value of `skillforge new`: what the user asked for, converted once from the
//! command line (`arguments::new_request`), and how its `--skills` words are read. Answers
//! still missing are obtained later, by prompt or default.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::naming::ProjectNames;
use super::prompt::Prompter;
use crate::blueprint::Catalog;
use crate::blueprint::matching::{Reading, SkillIndex, Unknown};
use crate::error::{Error, Result};
use crate::ui;

/// The last two choices offered for a word that names no skill.
const LEAVE_OUT: &str = "leave it out";
const STOP: &str = "stop: I will type the skills again";

/// What `new` was asked, as typed: nothing is validated or looked up yet.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    /// The project name, the first argument.
    pub name: Option<String>,
    /// `--blueprint`: the base blueprint's id.
    pub blueprint: Option<String>,
    /// `--skills` lists, as typed.
    pub skills: Vec<String>,
    /// `--from`: a blueprint folder or git URL, and `--rev`.
    pub from: Option<String>,
    /// `--rev`: the revision of a `--from` git URL.
    pub rev: Option<String>,
    /// `--with` add-on ids, as given.
    pub addons: Vec<String>,
    /// `--dry-run`: compose and list, write nothing.
    pub dry_run: bool,
    /// `--set key=value`, by key.
    pub answers: BTreeMap<String, String>,
    /// Take defaults instead of asking.
    pub yes: bool,
    /// `--solved`: every task's reference solution applied.
    pub solved: bool,
    /// Make a git repository with a first commit (not `--no-git`).
    pub git: bool,
    /// `--setup`: set the environment up right after generating.
    pub setup: bool,
    /// `--classroom`: add the GitHub Classroom autograding workflow.
    pub classroom: bool,
    /// `--output-dir`: the folder the project's folder is made in.
    pub output_dir: PathBuf,
}

impl NewRequest {
    /// Where the project named `names` is written: `--output-dir` joined with its name,
    /// without a leading `./` (`new demo` prints `demo`).
    pub fn destination(&self, names: &ProjectNames) -> PathBuf {
        if self.output_dir == std::path::Path::new(".") {
            PathBuf::from(&names.name)
        } else {
            self.output_dir.join(&names.name)
        }
    }
}

/// The skills the `--skills` `lists` name, read with `catalog`: umbrella words expanded, and
/// said on stderr. A word that names no skill is asked about when there is a `prompter` (take
/// a suggestion, leave it out, or stop); without one, every such word is refused at once
/// with its suggestions (`Error::UnknownSkills`, exit 2), so nothing is generated for a
/// request that was only partly understood. No lists gives no skills. The reading's
/// `skills` and `named` are what the planner ranks for.
pub fn read_skills(
    lists: &[String],
    catalog: &Catalog,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Reading> {
    if lists.is_empty() {
        return Ok(Reading::default());
    }
    let index = SkillIndex::new(catalog);
    let mut reading = index.read(lists);
    match prompter {
        None => reading = reading.strict()?,
        Some(p) => {
            for unknown in std::mem::take(&mut reading.unknown) {
                if let Some(word) = ask_about(&unknown, p)? {
                    merge(&mut reading, index.read(&[word]));
                }
            }
        }
    }
    for expansion in &reading.expanded {
        ui::note(&format!("skills: {}", index.describe(expansion)));
    }
    Ok(reading)
}

/// What to do with a word that names no skill: the word of the suggestion taken, or `None`
/// to leave it out; stopping is `Error::UnknownSkills` naming the word.
fn ask_about(unknown: &Unknown, prompter: &mut dyn Prompter) -> Result<Option<String>> {
    let mut items = unknown.suggestions.clone();
    items.extend([LEAVE_OUT.to_string(), STOP.to_string()]);
    let prompt = format!("{:?} is not a skill skillforge knows; use", unknown.word);
    let chosen = prompter.select(&prompt, &items, 0)?;
    match unknown.words.get(chosen) {
        Some(word) => Ok(Some(word.clone())),
        None if items[chosen] == LEAVE_OUT => Ok(None),
        None => Err(Error::UnknownSkills {
            details: unknown.explain(),
        }),
    }
}

/// Adds `more` to `reading`, keeping the order and dropping repeats.
fn merge(reading: &mut Reading, more: Reading) {
    for id in more.skills {
        if !reading.skills.contains(&id) {
            reading.skills.push(id);
        }
    }
    for id in more.named {
        if !reading.named.contains(&id) {
            reading.named.push(id);
        }
    }
    reading.expanded.extend(more.expanded);
    reading.known_words.extend(more.known_words);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::Library;
    use crate::plan::prompt::Scripted;

    fn read(list: &str, prompter: Option<&mut dyn Prompter>) -> Result<Vec<String>> {
        let library = Library::embedded().unwrap();
        read_skills(&[list.to_string()], &library.catalog, prompter).map(|r| r.skills)
    }

    #[test]
    fn without_a_terminal_each_unknown_word_is_refused_with_suggestions() {
        let err = read("pandas, fastapy, dokcer", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"fastapy\"") && err.contains("fastapi"),
            "{err}"
        );
        assert!(
            err.contains("\"dokcer\"") && err.contains("docker"),
            "{err}"
        );
    }

    #[test]
    fn at_a_terminal_an_unknown_word_takes_a_suggestion_or_is_left_out() {
        let mut p = Scripted::new(["fastapi", LEAVE_OUT]);
        let got = read("pandas, fastapy, zzzqqq", Some(&mut p)).unwrap();
        assert_eq!(got, ["pandas", "fastapi"]);
        assert_eq!(p.asked.len(), 2);
        assert!(p.asked[0].contains("\"fastapy\""), "{:?}", p.asked);
    }

    #[test]
    fn at_a_terminal_a_suggested_umbrella_word_brings_its_skills() {
        let mut p = Scripted::new(["\"testing\""]);
        let got = read("testng", Some(&mut p)).unwrap();
        assert!(got.contains(&"pytest".to_string()), "{got:?}");
    }

    #[test]
    fn at_a_terminal_stopping_refuses_the_word() {
        let mut p = Scripted::new([STOP]);
        let err = read("pandas, fastapy", Some(&mut p)).unwrap_err();
        assert!(matches!(err, Error::UnknownSkills { .. }), "{err}");
    }
}
