//! `.skillforge/origin.toml`: what a generated project was made from, committed with it.
//!
//! `new` writes it; `check`, `hint`, `solution` and `status` read it. It holds what they
//! need without the blueprints at hand: the tasks with their tests, skills and hints, the
//! answers (to render a reference solution exactly as the project was rendered), and a
//! checksum of every task test entry (file, class or folder), so an edited test is noticed
//! instead of counted.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::blueprint::Source;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::project::{OutputFile, PlannedTask};
use crate::test_parts::file_of;

/// Where the file lives in a project.
pub const PATH: &str = ".skillforge/origin.toml";
/// The format this build reads and writes.
pub const FORMAT: u32 = 1;

/// `.skillforge/origin.toml`, as read and written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The file's format: `FORMAT` for this build.
    pub format: u32,
    /// The skillforge version that made the project.
    pub skillforge: String,
    /// The day it was made (`YYYY-MM-DD`); its year is the licence's.
    pub created: String,
    /// The licence's year, the year of `created`.
    pub year: i32,
    /// The project's name, as `naming` normalised it.
    pub name: String,
    /// Generated with the reference solutions in place (`new --solved`).
    #[serde(default)]
    pub solved: bool,
    /// Skills the learner asked to practise.
    #[serde(default)]
    pub focus: Vec<String>,
    /// Made with the GitHub Classroom autograding workflow (`new --classroom`), which
    /// composing the project again must write too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub classroom: bool,
    /// Every answer, engine and blueprint questions alike, by question id.
    pub answers: BTreeMap<String, serde_json::Value>,
    /// The base first, then the add-ons in the order they were composed.
    pub blueprints: Vec<OriginBlueprint>,
    /// In the order of TASKS.md.
    pub tasks: Vec<OriginTask>,
    /// `sha256:<hex>` of what each task test entry covers, by entry: a file path or a class
    /// or function in a file (`tests/x.py::TestY`, see `test_parts`), or a folder (every
    /// file under it, see `folder_checksum`).
    pub checksums: BTreeMap<String, String>,
    /// Task test entries whose edits the learner accepted (`check --accept-test-changes`):
    /// the checksum of the accepted version, by entry. `check` grades with such an edit
    /// while the entry matches it; the shipped version always counts as well.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accepted: BTreeMap<String, String>,
    /// The git blob id (as `git hash-object` gives it) of every file as skillforge
    /// generated it, this file aside, by path. `update` takes each file's generated version
    /// from the repository by it, as the base of its three-way merge: the blueprints at hand
    /// are their current versions only. Empty in projects made before it was recorded
    /// (`update` then takes each file's first committed version).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub generated: BTreeMap<String, String>,
}

/// One blueprint a project was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginBlueprint {
    /// The blueprint's id.
    pub id: String,
    /// Its manifest's version.
    pub version: String,
    /// Where a blueprint that is not embedded came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// One task of the project, with what `check`, `hint` and `solution` need of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginTask {
    /// The task's id, unique in the project.
    pub id: String,
    /// Its number in TASKS.md, from 1.
    pub number: usize,
    /// The id of the blueprint it comes from.
    pub blueprint: String,
    /// Its title in TASKS.md.
    pub title: String,
    /// The catalog ids of the skills it exercises.
    pub skills: Vec<String>,
    /// Their names, in the same order.
    pub skill_names: Vec<String>,
    /// A stretch goal: it exercises none of the skills asked for.
    #[serde(default)]
    pub stretch: bool,
    /// Ids of the tasks it builds on.
    pub requires: Vec<String>,
    /// pytest paths (files or folders) or node-id prefixes (`tests/x.py::TestY`).
    pub tests: Vec<String>,
    /// The files the learner is expected to change.
    pub files: Vec<String>,
    /// Its hints, in the order `hint` reveals them.
    pub hints: Vec<String>,
}

impl OriginTask {
    fn from_planned(t: &PlannedTask) -> OriginTask {
        OriginTask {
            id: t.id.clone(),
            number: t.number,
            blueprint: t.blueprint.clone(),
            title: t.title.clone(),
            skills: t.skills.clone(),
            skill_names: t.skill_names.clone(),
            stretch: t.stretch,
            requires: t.requires.clone(),
            tests: t.tests.clone(),
            files: t.files.clone(),
            hints: t.hints.clone(),
        }
    }

    /// The files holding the task's tests (node ids without their `::` part).
    pub fn test_files(&self) -> impl Iterator<Item = &str> {
        self.tests.iter().map(|t| crate::test_parts::file_of(t))
    }
}

impl Origin {
    /// The origin of a project composed from `plan` on the day `made` into `files`, with
    /// its `tasks` in the order of TASKS.md: every task test entry gets its checksum.
    pub fn build(
        plan: &Plan<'_>,
        made: time::Date,
        tasks: &[PlannedTask],
        files: &[OutputFile],
    ) -> Origin {
        let tasks: Vec<OriginTask> = tasks.iter().map(OriginTask::from_planned).collect();
        let checksums = tasks
            .iter()
            .flat_map(|t| &t.tests)
            .filter_map(|entry| Some((entry.clone(), entry_sum(&tasks, entry, files)?)))
            .collect();
        Origin {
            format: FORMAT,
            skillforge: env!("CARGO_PKG_VERSION").to_string(),
            created: super::day_text(made),
            year: made.year(),
            name: plan.names.name.clone(),
            solved: plan.solved,
            focus: plan.focus.clone(),
            classroom: plan.classroom,
            answers: plan.answers.to_map(),
            blueprints: plan
                .parts()
                .map(|b| OriginBlueprint {
                    id: b.id().to_string(),
                    version: b.manifest.version.clone(),
                    source: b.source.clone(),
                })
                .collect(),
            tasks,
            checksums,
            accepted: BTreeMap::new(),
            generated: files
                .iter()
                .map(|f| {
                    (
                        f.path.as_str().to_string(),
                        crate::git::blob_id(&f.contents),
                    )
                })
                .collect(),
        }
    }

    /// The day the project was made, as composing needs it to render the project again:
    /// `created` in the recorded `year` (the licence's), or the first of January of that
    /// year when `created` does not read as a day.
    pub fn made_on(&self) -> time::Date {
        let day = super::parse_day(&self.created);
        day.and_then(|d| d.replace_year(self.year).ok())
            .or_else(|| time::Date::from_ordinal_date(self.year, 1).ok())
            .unwrap_or(time::Date::MIN)
    }

    /// The file's text: a comment saying what it is for, then the TOML.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("the origin serializes");
        format!(
            "# Written by skillforge when this project was made. `skillforge check` reads it to\n\
             # map tests to tasks and to notice edited task tests: keep it, and leave it as it is.\n\n\
             {body}"
        )
    }

    /// Reads the origin of the project at `root`.
    ///
    /// A file that does not parse is named with its error and, when a newer skillforge
    /// wrote it (its `skillforge` version is above this one's), the upgrade that reads it:
    /// a newer release may add fields, which this one refuses rather than drop.
    pub fn read(root: &Path) -> Result<Origin> {
        let path = root.join(PATH);
        let text = std::fs::read_to_string(&path).map_err(Error::io("cannot read", &path))?;
        let origin: Origin = toml::from_str(&text).map_err(|e| Error::Project {
            path: path.display().to_string(),
            message: match made_by_newer(&text) {
                Some(theirs) => format!(
                    "{}: the project was made by skillforge {theirs}, newer than this {}; {UPGRADE}",
                    e.message(),
                    env!("CARGO_PKG_VERSION")
                ),
                None => format!("{}; restore it with `git checkout -- {PATH}`", e.message()),
            },
        })?;
        if origin.format != FORMAT {
            return Err(Error::Project {
                path: path.display().to_string(),
                message: format!(
                    "format {} is not the one this skillforge reads ({FORMAT}); use skillforge {} \
                     or newer",
                    origin.format, origin.skillforge
                ),
            });
        }
        Ok(origin)
    }

    /// Writes the origin back (after `check --accept-test-changes`).
    pub fn write(&self, root: &Path) -> Result<()> {
        crate::fsutil::write_atomic(&root.join(PATH), self.to_toml().as_bytes())
    }

    /// The shell command that puts `files` (project paths) back as skillforge generated
    /// them: `git cat-file blob ID > FILE` by the blob id recorded in `generated` (which
    /// `add` and `update` bring up to date), and, for a file without one (a project made
    /// before the ids were recorded), its version in the first commit. Commands are joined
    /// by `&&`; paths are quoted for a POSIX shell.
    pub fn restore_command(&self, files: &[&str]) -> String {
        let quote = |p: &str| shlex::try_quote(p).map_or(p.to_string(), |q| q.into_owned());
        let mut from_first: Vec<String> = Vec::new();
        let mut commands: Vec<String> = Vec::new();
        for file in files {
            match self.generated.get(*file) {
                Some(id) => commands.push(format!("git cat-file blob {id} > {}", quote(file))),
                None => from_first.push(quote(file)),
            }
        }
        if !from_first.is_empty() {
            commands.push(format!(
                "git checkout $(git rev-list --max-parents=0 HEAD) -- {}",
                from_first.join(" ")
            ));
        }
        commands.join(" && ")
    }

    /// The task whose id is `id`.
    pub fn task(&self, id: &str) -> Option<&OriginTask> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// The checksum of what the task test `entry` covers in `bytes`, its file's contents.
    pub fn entry_checksum(&self, entry: &str, bytes: &[u8]) -> String {
        entry_checksum(&self.tasks, entry, bytes)
    }
}

/// How to get a newer skillforge, for projects made by one.
pub const UPGRADE: &str =
    "upgrade skillforge (uv tool upgrade skillforge-py, or pipx upgrade skillforge-py)";

/// The version of skillforge that wrote the origin `text`, when it is newer than this one;
/// `None` when it is not, or the text does not say.
pub fn made_by_newer(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let theirs = table.get("skillforge")?.as_str()?;
    let newer = crate::environment::requires::parse_version(theirs)?
        > crate::environment::requires::parse_version(env!("CARGO_PKG_VERSION"))?;
    newer.then(|| theirs.to_string())
}

/// The checksum of what the test `entry` of one of `tasks` covers in `bytes`, its file's
/// contents: the other tasks' classes in the same file are left out (see `test_parts`).
pub fn entry_checksum(tasks: &[OriginTask], entry: &str, bytes: &[u8]) -> String {
    let entries: Vec<&str> = tasks
        .iter()
        .flat_map(|t| t.tests.iter().map(String::as_str))
        .collect();
    let text = String::from_utf8_lossy(bytes);
    checksum(crate::test_parts::covered(&text, entry, &entries).as_bytes())
}

/// The checksum of what the test `entry` covers among the project's `files`: a file (or a
/// class in it), or a folder; `None` when it names neither (`lint` refuses such entries).
fn entry_sum(tasks: &[OriginTask], entry: &str, files: &[OutputFile]) -> Option<String> {
    let path = file_of(entry);
    if let Some(file) = files.iter().find(|f| f.path.as_str() == path) {
        return Some(entry_checksum(tasks, entry, &file.contents));
    }
    let prefix = format!("{path}/");
    let mut under = files
        .iter()
        .filter(|f| f.path.as_str().starts_with(&prefix))
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .peekable();
    under.peek()?;
    Some(folder_checksum(path, under))
}

/// The checksum of the folder entry `folder`: of every file under it among `files`
/// (project-relative, `/`-separated paths with their contents), path and contents, in the
/// order of their paths. Python's byte-code caches (`__pycache__`) are left out: pytest
/// writes them on every run, and they are not the tests. Each file's line endings are
/// normalised as by `checksum`.
pub fn folder_checksum<'a>(
    folder: &str,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> String {
    let prefix = format!("{}/", folder.trim_end_matches('/'));
    let mut under: Vec<(&str, &[u8])> = files
        .into_iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .filter(|(path, _)| !path.split('/').any(|part| part == "__pycache__"))
        .collect();
    under.sort_by_key(|(path, _)| *path);
    // One line per file, `path NUL checksum`: a path cannot hold NUL or a newline here, so
    // no two folders read the same.
    let mut listing = Vec::new();
    for (path, bytes) in under {
        listing.extend_from_slice(path.as_bytes());
        listing.push(0);
        listing.extend_from_slice(checksum(bytes).as_bytes());
        listing.push(b'\n');
    }
    checksum(&listing)
}

/// `sha256:<hex>` of `bytes`, with line endings normalised so a checkout that converts them
/// (git's autocrlf on Windows) does not look like an edit.
pub fn checksum(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
        hasher.update(&rest[..at]);
        rest = &rest[at + 1..];
    }
    hasher.update(rest);
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::Library;

    #[test]
    fn a_project_records_the_day_it_is_made_and_renders_again_in_its_year() {
        let library = Library::embedded().unwrap();
        let plan = Plan::sample(
            library.get("pypi-package").unwrap().unwrap(),
            vec![],
            "demo",
        )
        .unwrap();
        let day = time::Date::from_calendar_date(2031, time::Month::July, 4).unwrap();
        let project = crate::project::compose(&plan, &library.catalog, day).unwrap();
        let text = |path: &str| {
            let file = project.files.iter().find(|f| f.path.as_str() == path);
            String::from_utf8_lossy(&file.unwrap().contents).into_owned()
        };
        let origin: Origin = toml::from_str(&text(PATH)).unwrap();
        assert_eq!((origin.created.as_str(), origin.year), ("2031-07-04", 2031));
        assert_eq!(origin.made_on(), day);
        assert!(text("LICENSE").contains("2031"), "{}", text("LICENSE"));
    }

    /// The text of a sample project's origin with `extra` appended at the top level and
    /// its `skillforge` version replaced by `version`.
    fn origin_text(version: &str, extra: &str) -> String {
        let library = Library::embedded().unwrap();
        let plan = Plan::sample(
            library.get("pypi-package").unwrap().unwrap(),
            vec![],
            "demo",
        )
        .unwrap();
        let mut origin = Origin::build(&plan, Plan::sample_day(), &[], &[]);
        origin.skillforge = version.to_string();
        origin
            .to_toml()
            .replacen("format = ", &format!("{extra}\nformat = "), 1)
    }

    fn read_error(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".skillforge")).unwrap();
        std::fs::write(dir.path().join(PATH), text).unwrap();
        Origin::read(dir.path()).unwrap_err().to_string()
    }

    #[test]
    fn a_field_from_a_newer_skillforge_asks_for_the_upgrade() {
        let error = read_error(&origin_text("99.0.0", "mentor = \"on\""));
        assert!(error.contains("unknown field `mentor`"), "{error}");
        assert!(
            error.contains("made by skillforge 99.0.0, newer than this"),
            "{error}"
        );
        assert!(error.contains("uv tool upgrade skillforge-py"), "{error}");
        assert!(!error.contains("git checkout"), "{error}");
    }

    #[test]
    fn a_field_this_skillforge_did_not_write_is_restored_from_git() {
        let ours = env!("CARGO_PKG_VERSION");
        for version in [ours, "0.0.1", "not a version"] {
            let error = read_error(&origin_text(version, "mentor = \"on\""));
            assert!(error.contains("unknown field `mentor`"), "{error}");
            assert!(
                error.contains("restore it with `git checkout -- .skillforge/origin.toml`"),
                "{error}"
            );
            assert!(!error.contains("upgrade"), "{error}");
        }
    }

    #[test]
    fn a_test_is_restored_by_its_recorded_blob_else_from_the_first_commit() {
        let mut origin: Origin = toml::from_str(&origin_text(env!("CARGO_PKG_VERSION"), ""))
            .expect("the sample origin reads");
        origin.generated = BTreeMap::from([
            ("tests/a b.py".to_string(), "1".repeat(40)),
            ("tests/c.py".to_string(), "2".repeat(40)),
        ]);
        assert_eq!(
            origin.restore_command(&["tests/a b.py", "tests/old.py", "tests/c.py", "t/x.py"]),
            format!(
                "git cat-file blob {} > 'tests/a b.py' && git cat-file blob {} > tests/c.py \
                 && git checkout $(git rev-list --max-parents=0 HEAD) -- tests/old.py t/x.py",
                "1".repeat(40),
                "2".repeat(40)
            )
        );
    }

    #[test]
    fn a_record_whose_day_does_not_read_is_made_in_its_year() {
        let library = Library::embedded().unwrap();
        let plan = Plan::sample(
            library.get("pypi-package").unwrap().unwrap(),
            vec![],
            "demo",
        )
        .unwrap();
        let mut origin = Origin::build(&plan, Plan::sample_day(), &[], &[]);
        origin.created = "last spring".into();
        origin.year = 2024;
        assert_eq!(
            origin.made_on(),
            time::Date::from_ordinal_date(2024, 1).unwrap()
        );
    }

    #[test]
    fn checksums_ignore_crlf_but_not_content() {
        assert_eq!(checksum(b"a\nb\n"), checksum(b"a\r\nb\r\n"));
        assert_ne!(checksum(b"a\nb\n"), checksum(b"a\nc\n"));
        assert!(checksum(b"").starts_with("sha256:e3b0c442"));
    }

    #[test]
    fn a_folder_checksum_covers_every_file_under_it_by_path_and_content() {
        let files: [(&str, &[u8]); 4] = [
            ("tests/tasks/test_b.py", b"b\n"),
            ("tests/tasks/test_a.py", b"a\n"),
            ("tests/tasks/data/x.json", b"{}"),
            ("tests/test_harness.py", b"h\n"),
        ];
        let sum = |files: &[(&str, &[u8])]| folder_checksum("tests/tasks", files.iter().copied());
        let base = sum(&files);
        assert_eq!(
            base,
            folder_checksum("tests/tasks/", files.iter().rev().copied())
        );
        let mut outside = files;
        outside[3].1 = b"changed\n";
        assert_eq!(sum(&outside), base, "files outside the folder do not count");
        let mut cache = files.to_vec();
        cache.push(("tests/tasks/__pycache__/test_a.cpython-313.pyc", b"\0"));
        assert_eq!(sum(&cache), base, "byte-code caches do not count");
        let mut crlf = files;
        crlf[0].1 = b"b\r\n";
        assert_eq!(sum(&crlf), base);
        let mut edited = files;
        edited[2].1 = b"{\"k\": 1}";
        assert_ne!(sum(&edited), base, "every file counts, not only tests");
        let mut renamed = files;
        renamed[1].0 = "tests/tasks/test_c.py";
        assert_ne!(sum(&renamed), base, "paths count");
        let mut added = files.to_vec();
        added.push(("tests/tasks/test_new.py", b""));
        assert_ne!(sum(&added), base, "a new file counts");
    }
}
