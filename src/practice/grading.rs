//! What `check` grades with: the blueprint's own tests and test set-up, never the working
//! copy's.
//!
//! Like Exercism's test runner, which runs its own copy of an exercise's tests, `check`
//! renders the project again from `.skillforge/origin.toml` (the same blueprints, names,
//! answers and year) and takes from it every file under the test folders the blueprints ship,
//! every `conftest.py`, and the pytest configuration. The learner's edits to those files, a
//! `conftest.py` of their own, pytest options in their `pyproject.toml` or a `pytest.ini`:
//! none of it changes a grade. Edits are still found and reported, and a task test edit the
//! learner accepted (`check --accept-test-changes`) is graded as accepted.
//!
//! The tests run in a sandbox: a copy of the project (see `sandbox`) with the graded test
//! files in place, so tests that find files from their own path see the learner's files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};
use std::time::Duration;

use crate::blueprint::Library;
use crate::blueprint::manifest::DEFAULT_TEST_TIMEOUT;
use crate::error::Result;
use crate::plan::Plan;
use crate::record::origin::{Origin, OriginTask, checksum, folder_checksum};
use crate::test_parts::file_of;

use super::Workspace;

/// The graded test set-up of a project.
#[derive(Debug, Clone)]
pub struct Grading {
    /// Every file under the test folders, and every `conftest.py`, by project-relative
    /// `/`-separated path, as the blueprints ship them.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The top-level test folders (`tests`).
    pub roots: Vec<String>,
    /// The blueprint's pytest settings as a `.pytest.toml` (a `[pytest]` table), written
    /// at the sandbox's root: paths in it are relative to the file.
    pub config: String,
    /// PEP 508 requirements the blueprints declare: dependencies and every group's.
    pub requirements: Vec<String>,
    /// How long one test may run: the longest limit of the project's blueprints.
    pub timeout: Duration,
    /// What the learner changed that the grade ignores, for the report.
    pub ignored: Vec<Ignored>,
    /// The harness test entries the blueprints name: tests of no task, which pass from the
    /// start and check the project itself (`setup` runs them alone).
    pub harness: Vec<String>,
    /// The tasks as the blueprints define them, not as `.skillforge/origin.toml` may say now:
    /// which tests are a task's, and which tasks are stretch goals.
    pub tasks: Vec<OriginTask>,
    /// The project's import package.
    pub package: String,
    /// Task test entries graded with the learner's accepted edits.
    pub accepted_entries: Vec<String>,
    /// The files of those edits, as the learner has them. They are graded in a run of their
    /// own, so that an accepted file can change the grade of its own entries alone.
    pub accepted_files: BTreeMap<String, Vec<u8>>,
    /// The learner's files under the test folders, as they are now.
    pub learner: BTreeMap<String, Vec<u8>>,
    /// The blueprints rendered are not the versions the project was made from.
    pub version_notes: Vec<String>,
}

/// A change of the learner's to the test set-up that `check` does not grade with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    /// A shipped test file whose contents differ.
    Edited(String),
    /// A shipped test file that is missing.
    Deleted(String),
    /// A `conftest.py` or pytest configuration file the blueprint does not ship.
    Added(String),
    /// pytest settings in `pyproject.toml` that differ from the blueprint's.
    Config(String),
}

impl Ignored {
    /// The project-relative path of what was changed.
    pub fn path(&self) -> &str {
        match self {
            Ignored::Edited(p) | Ignored::Deleted(p) | Ignored::Added(p) | Ignored::Config(p) => p,
        }
    }
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ignored::Edited(p) => write!(f, "{p} (edited)"),
            Ignored::Deleted(p) => write!(f, "{p} (deleted)"),
            Ignored::Added(p) => write!(f, "{p} (added)"),
            Ignored::Config(p) => write!(f, "{p} (pytest settings)"),
        }
    }
}

/// pytest configuration files that `check` never reads (`-c` points at its own).
const CONFIG_FILES: &[&str] = &["pytest.ini", "pytest.toml", ".pytest.toml"];

/// Folders never searched for the learner's files: environments, caches, version control.
pub fn skipped_dir(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "__pycache__" | "venv" | "env" | "node_modules" | "build" | "dist" | "mlruns"
        )
        || name.ends_with(".egg-info")
}

impl Grading {
    /// Renders the project of `ws` again with `library` and compares it with the learner's
    /// files. Fails when a blueprint of the project is not in `library`.
    pub fn for_project(ws: &Workspace, library: &Library) -> Result<Grading> {
        let origin = &ws.origin;
        let plan = Plan::from_origin(origin, library)?;
        let project = crate::project::compose(&plan, &library.catalog, origin.made_on())?;
        let rendered: BTreeMap<String, Vec<u8>> = project
            .files
            .into_iter()
            .map(|f| (f.path.as_str().to_string(), f.contents))
            .collect();
        let pyproject = rendered
            .get("pyproject.toml")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let pytest_table = pytest_table(&pyproject);
        let roots = test_roots(&plan, pytest_table.as_ref());
        let files: BTreeMap<String, Vec<u8>> = rendered
            .iter()
            .filter(|(path, _)| is_graded(path, &roots))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        let tasks = rendered_tasks(&rendered);
        let learner = learner_files(&ws.root, &roots);
        let (accepted_entries, accepted_files) = accepted(origin, &tasks, &learner, &files);
        let ignored = ignored_changes(ws, &files, &pyproject, &accepted_files);
        let timeout = plan
            .parts()
            .map(|b| b.manifest.test_timeout.unwrap_or(DEFAULT_TEST_TIMEOUT))
            .max()
            .unwrap_or(DEFAULT_TEST_TIMEOUT);
        let version_notes = plan
            .parts()
            .filter_map(|b| {
                let made = origin.blueprints.iter().find(|o| o.id == b.id())?;
                (made.version != b.manifest.version).then(|| {
                    format!(
                        "graded with the tests of {} {}; the project was made from version {}",
                        b.id(),
                        b.manifest.version,
                        made.version
                    )
                })
            })
            .collect();
        Ok(Grading {
            files,
            roots,
            config: config_file(pytest_table.as_ref()),
            requirements: requirements(&pyproject),
            timeout: Duration::from_secs(u64::from(timeout)),
            ignored,
            harness: plan
                .parts()
                .flat_map(|b| b.manifest.harness.iter().cloned())
                .collect(),
            tasks,
            package: plan.names.package.clone(),
            accepted_entries,
            accepted_files,
            learner,
            version_notes,
        })
    }

    /// The graded files as the run of the accepted edits has them: the learner's accepted
    /// files in place of the blueprint's (a folder entry's shipped files all replaced).
    pub fn files_with_accepted(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.files.clone();
        for entry in &self.accepted_entries {
            let folder = format!("{}/", entry.trim_end_matches('/'));
            files.retain(|path, _| !path.starts_with(&folder));
        }
        files.extend(self.accepted_files.clone());
        files
    }

    /// The test entries of `task` that the learner's files hold otherwise than the
    /// blueprint's (for a class entry, its own block and the lines all classes share).
    pub fn changed_tests(&self, origin: &Origin, task: &OriginTask) -> Vec<String> {
        task.tests
            .iter()
            .filter(|entry| {
                let shipped = entry_sum(origin, entry, &self.files);
                shipped.is_some() && entry_sum(origin, entry, &self.learner) != shipped
            })
            .cloned()
            .collect()
    }

    /// Records the learner's version of `task`'s edited test entries as accepted in
    /// `origin` (and forgets accepts of entries back as shipped); returns the entries
    /// accepted.
    pub fn accept(&self, origin: &mut Origin, task: &OriginTask) -> Vec<String> {
        let changed = self.changed_tests(origin, task);
        for entry in &task.tests {
            match entry_sum(origin, entry, &self.learner) {
                Some(sum) if changed.contains(entry) => {
                    origin.accepted.insert(entry.clone(), sum);
                }
                _ => {
                    origin.accepted.remove(entry);
                }
            }
        }
        changed
    }

    /// The learner's own test files: pytest-style test modules under the test folders that
    /// the blueprints do not ship. They run, in the working copy and with the learner's own
    /// set-up, but are never graded.
    pub fn own_tests(&self, root: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for folder in &self.roots {
            walk(root, &root.join(folder), &mut |rel| {
                let name = rel.rsplit('/').next().unwrap_or(rel);
                let test_module = name.ends_with(".py")
                    && (name.starts_with("test_") || name.ends_with("_test.py"));
                if test_module && !self.files.contains_key(rel) {
                    found.push(rel.to_string());
                }
            });
        }
        found.sort();
        found
    }
}

/// Whether a rendered file belongs to the graded set-up: under a test folder, or a conftest.
fn is_graded(path: &str, roots: &[String]) -> bool {
    path.rsplit('/').next() == Some("conftest.py")
        || roots.iter().any(|root| {
            path.strip_prefix(root.as_str())
                .is_some_and(|r| r.starts_with('/'))
        })
}

/// The `[tool.pytest]` table of a `pyproject.toml`, if any.
fn pytest_table(pyproject: &str) -> Option<toml_edit::Item> {
    let doc: toml_edit::DocumentMut = pyproject.parse().ok()?;
    doc.get("tool")?.get("pytest").cloned()
}

/// The top-level folders of the tests: pytest's `testpaths`, and the folders of every task
/// and harness test the blueprints name.
fn test_roots(plan: &Plan<'_>, pytest: Option<&toml_edit::Item>) -> Vec<String> {
    let mut roots = BTreeSet::new();
    let testpaths = pytest
        .and_then(|t| {
            t.get("testpaths")
                .or_else(|| t.get("ini_options")?.get("testpaths"))
        })
        .and_then(|v| v.as_array().cloned());
    for path in testpaths
        .iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
    {
        roots.extend(top(&path));
    }
    for part in plan.parts() {
        let entries = part.manifest.tasks.iter().flat_map(|t| &t.tests);
        for entry in entries.chain(&part.manifest.harness) {
            roots.extend(top(file_of(entry)));
        }
    }
    roots.into_iter().collect()
}

/// The first component of a relative path, when it is a folder name.
fn top(path: &str) -> Option<String> {
    let mut parts = Path::new(path).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(first)), Some(_)) => Some(first.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// The name of the file that `config_file` fills, at the sandbox's root.
pub const CONFIG_FILE: &str = ".pytest.toml";

/// A `.pytest.toml` with the blueprint's `[tool.pytest]` settings (or its legacy
/// `ini_options`) as its `[pytest]` table: what `-c` gives pytest.
fn config_file(pytest: Option<&toml_edit::Item>) -> String {
    let settings = pytest
        .and_then(|t| t.get("ini_options").or(Some(t)))
        .and_then(|t| t.as_table_like())
        .map(|t| {
            let mut table = toml_edit::Table::new();
            for (key, value) in t.iter().filter(|(k, _)| *k != "ini_options") {
                table.insert(key, value.clone());
            }
            table
        })
        .unwrap_or_default();
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("pytest", toml_edit::Item::Table(settings));
    format!(
        "# skillforge check: the blueprint's pytest settings; the project's own are not read.\n{doc}"
    )
}

/// Every requirement string of `[project] dependencies`, its optional dependencies and its
/// `[dependency-groups]`.
fn requirements(pyproject: &str) -> Vec<String> {
    let Ok(doc) = pyproject.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut strings = |value: Option<&toml::Value>| {
        for item in value.and_then(|v| v.as_array()).into_iter().flatten() {
            if let Some(text) = item.as_str() {
                found.push(text.to_string());
            }
        }
    };
    let project = doc.get("project");
    strings(project.and_then(|p| p.get("dependencies")));
    for table in [
        project.and_then(|p| p.get("optional-dependencies")),
        doc.get("dependency-groups"),
    ] {
        for (_, group) in table.and_then(|t| t.as_table()).into_iter().flatten() {
            strings(Some(group));
        }
    }
    found
}

/// The checksum of what the task test `entry` covers among `files` (project-relative paths
/// and contents): its file (or its own block in it), or every file under its folder; `None`
/// when `files` hold none of it.
pub fn entry_sum(
    origin: &Origin,
    entry: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    if let Some(bytes) = files.get(file_of(entry)) {
        return Some(origin.entry_checksum(entry, bytes));
    }
    let prefix = format!("{}/", entry.trim_end_matches('/'));
    files
        .keys()
        .any(|path| path.starts_with(&prefix))
        .then(|| folder_checksum(entry, files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))))
}

/// The learner's files under the test folders.
fn learner_files(root: &Path, roots: &[String]) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    for folder in roots {
        walk(root, &root.join(folder), &mut |rel| {
            if let Ok(bytes) = std::fs::read(root.join(rel)) {
                found.insert(rel.to_string(), bytes);
            }
        });
    }
    found
}

/// The tasks of the rendered project's origin file.
fn rendered_tasks(rendered: &BTreeMap<String, Vec<u8>>) -> Vec<OriginTask> {
    let text = rendered
        .get(crate::record::origin::PATH)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    toml::from_str::<Origin>(&text)
        .map(|o| o.tasks)
        .unwrap_or_default()
}

/// The accepted edits still in place: each task test entry that the learner accepted and
/// has exactly as accepted, and the files they consist of.
fn accepted(
    origin: &Origin,
    tasks: &[OriginTask],
    learner: &BTreeMap<String, Vec<u8>>,
    shipped: &BTreeMap<String, Vec<u8>>,
) -> (Vec<String>, BTreeMap<String, Vec<u8>>) {
    let mut entries = Vec::new();
    let mut files = BTreeMap::new();
    for entry in tasks.iter().flat_map(|t| &t.tests) {
        let Some(sum) = origin.accepted.get(entry) else {
            continue;
        };
        let now = entry_sum(origin, entry, learner);
        if now.as_ref() != Some(sum) || now == entry_sum(origin, entry, shipped) {
            continue;
        }
        entries.push(entry.clone());
        let file = file_of(entry);
        let prefix = format!("{}/", entry.trim_end_matches('/'));
        for (path, bytes) in learner {
            if path == file || (!shipped.contains_key(file) && path.starts_with(&prefix)) {
                files.insert(path.clone(), bytes.clone());
            }
        }
    }
    (entries, files)
}

/// What the learner changed in the graded set-up, none of which the grade uses.
fn ignored_changes(
    ws: &Workspace,
    files: &BTreeMap<String, Vec<u8>>,
    pyproject: &str,
    accepted: &BTreeMap<String, Vec<u8>>,
) -> Vec<Ignored> {
    let mut ignored = Vec::new();
    for (path, graded) in files {
        if accepted.contains_key(path) {
            continue;
        }
        match std::fs::read(ws.path(path)) {
            Ok(bytes) if checksum(&bytes) != checksum(graded) => {
                ignored.push(Ignored::Edited(path.clone()));
            }
            Ok(_) => {}
            Err(_) => ignored.push(Ignored::Deleted(path.clone())),
        }
    }
    let mut added = Vec::new();
    walk(&ws.root, &ws.root, &mut |rel| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let set_up = name == "conftest.py" || (!rel.contains('/') && CONFIG_FILES.contains(&rel));
        if set_up && !files.contains_key(rel) {
            added.push(Ignored::Added(rel.to_string()));
        }
    });
    added.sort_by(|a, b| a.path().cmp(b.path()));
    ignored.extend(added);
    let learner = std::fs::read_to_string(ws.path("pyproject.toml")).unwrap_or_default();
    let table = |text: &str| pytest_table(text).map(|t| t.to_string().trim().to_string());
    if table(&learner) != table(pyproject) {
        ignored.push(Ignored::Config("pyproject.toml [tool.pytest]".into()));
    }
    ignored
}

/// Calls `visit` with the `/`-separated path, relative to `root`, of every file below `dir`,
/// skipping environments, caches and hidden folders.
fn walk(root: &Path, dir: &Path, visit: &mut dyn FnMut(&str)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !skipped_dir(&name) {
                walk(root, &path, visit);
            }
            continue;
        }
        // Regular files of the project alone (a link is followed, but not out of it): a FIFO,
        // a device or a file of /proc would block, or never end, when read.
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file())
            || (kind.is_symlink() && !super::sandbox::inside(root, &path))
        {
            continue;
        }
        if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            visit(&rel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graded_files_are_the_test_folders_and_every_conftest() {
        let roots = vec!["tests".to_string()];
        assert!(is_graded("tests/tasks/test_a.py", &roots));
        assert!(is_graded("tests/conftest.py", &roots));
        assert!(is_graded("conftest.py", &roots));
        assert!(is_graded("src/pkg/conftest.py", &roots));
        assert!(!is_graded("testsuite/test_a.py", &roots));
        assert!(!is_graded("src/pkg/app.py", &roots));
    }

    #[test]
    fn the_config_file_holds_only_the_pytest_table() {
        let pyproject = "[project]\nname = \"x\"\ndependencies = [\"fastapi>=1\"]\n\n\
                         [dependency-groups]\ntest = [\"pytest>=9\"]\ndev = [{include-group = \"test\"}]\n\n\
                         [tool.pytest]\ntestpaths = [\"tests\"]\naddopts = [\"-ra\"]\n\n[tool.ruff]\nline-length = 88\n";
        let config = config_file(pytest_table(pyproject).as_ref());
        assert!(config.contains("[pytest]") && config.contains("testpaths = [\"tests\"]"));
        assert!(
            !config.contains("ruff") && !config.contains("fastapi"),
            "{config}"
        );
        assert_eq!(requirements(pyproject), ["fastapi>=1", "pytest>=9"]);
        let empty = config_file(None);
        assert!(empty.contains("[pytest]"), "{empty}");
        let legacy = "[tool.pytest.ini_options]\naddopts = \"-ra\"\n";
        let config = config_file(pytest_table(legacy).as_ref());
        assert!(config.contains("[pytest]\naddopts = \"-ra\""), "{config}");
    }

    #[test]
    fn roots_are_top_level_folders() {
        assert_eq!(top("tests/tasks/test_a.py").as_deref(), Some("tests"));
        assert_eq!(top("test_a.py"), None);
    }
}
