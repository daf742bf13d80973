//! Whether a composed project works wherever it is cloned: every file it writes is in its
//! first commit, and its tree checks out on Windows and macOS as well as Linux.
//!
//! Each file's path is already safe and portable component by component (`render::paths`);
//! what only the whole tree shows is checked here, before anything is written: a file the
//! project's own `.gitignore` matches (git would leave it out of the first commit, silently),
//! two paths differing only in case (macOS and Windows fold case, so one would overwrite the
//! other), a file and a folder of one name, and a path too long for Windows. Each problem is
//! blamed on what made it: the project's name (exit 2, with a name that works), an answer
//! (exit 2, naming the question), or else the blueprint (exit 4, for its author).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Context, OutputFile, Project};
use crate::error::{Error, Result};
use crate::plan::Plan;

/// Longest path, in characters, below the folder the project is made in, the project's own
/// folder included. Windows (git for Windows without `core.longpaths`) cannot check out a
/// path longer than 259 characters, drive included: 200 leaves 59 for the folder above the
/// project, such as `C:\Users\firstname.lastname\Documents\projects\`.
pub const MAX_PATH: usize = 200;

/// The first problem of `project` (made from `plan`), blamed on its cause: refuses what
/// would leave a file out of the first commit or break a checkout on Windows or macOS.
pub fn check(plan: &Plan<'_>, project: &Project) -> Result<()> {
    problems(plan, project)
        .into_iter()
        .next()
        .map_or(Ok(()), Err)
}

/// Every problem of `project`, for `lint`.
pub fn problems(plan: &Plan<'_>, project: &Project) -> Vec<Error> {
    let mut out = Vec::new();
    let ignores = Ignores::of(project);
    for file in &project.files {
        if let Some(why) = ignores.why_ignored(file.path.as_str()) {
            out.push(blame(plan, file, &[file.path.as_str()], &why));
        }
    }
    out.extend(case_clashes(plan, project));
    for file in &project.files {
        let length = plan.names.name.chars().count() + 1 + file.path.as_str().chars().count();
        if length > MAX_PATH {
            out.push(too_long(plan, file, length));
        }
    }
    out
}

/// Turns the unsafe rendered path of the template file `raw` (its path before rendering)
/// into the learner's bad answer when an answer the path uses is itself not a portable part
/// of a path: `--set subdir=../x` is exit 2 naming the question, not a broken blueprint.
pub fn blame_answer(raw: &str, context: &Context, error: Error) -> Error {
    let Error::UnsafePath { .. } = error else {
        return error;
    };
    for (id, value) in &context.answers {
        if !raw.contains(&format!("answers.{id}")) {
            continue;
        }
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        if let Some(reason) = fragment_problem(&text) {
            return Error::InvalidAnswer {
                question: format!("--set {id}"),
                value: text,
                reason: format!("it is part of a file's path, and {reason}"),
            };
        }
    }
    error
}

/// Why `text`, put into a path, does not make a safe and portable part of one.
fn fragment_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("it is empty; give a folder name".into());
    }
    if text.starts_with('/') || text.contains('\\') || Path::new(text).is_absolute() {
        return Some("a path must be relative and use '/'; give a folder name".into());
    }
    text.split('/').find_map(|part| match part {
        "" => Some("it has an empty folder name ('//' or a '/' at an end)".into()),
        "." | ".." => Some(format!(
            "{part:?} is not a folder name ('..' leads out of the folder, maybe out of the \
             project); give a folder name"
        )),
        _ => crate::render::safe_relative(part, "answer")
            .err()
            .map(|e| match e {
                Error::UnsafePath { reason, .. } => reason,
                other => other.to_string(),
            }),
    })
}

/// The `.gitignore` files of a project, each with the folder it governs.
struct Ignores {
    /// Deepest folder first, so a nested file's rules win as in git.
    matchers: Vec<(String, Gitignore)>,
}

impl Ignores {
    fn of(project: &Project) -> Ignores {
        let mut matchers: Vec<(String, Gitignore)> = project
            .files
            .iter()
            .filter_map(|f| {
                let path = f.path.as_str();
                let dir = match path.rsplit_once('/') {
                    Some((dir, ".gitignore")) => dir.to_string(),
                    None if path == ".gitignore" => String::new(),
                    _ => return None,
                };
                let root = if dir.is_empty() { "." } else { dir.as_str() };
                let mut builder = GitignoreBuilder::new(root);
                for line in String::from_utf8_lossy(&f.contents).lines() {
                    // A line git cannot read is ignored by git too.
                    let _ = builder.add_line(Some(PathBuf::from(path)), line);
                }
                builder.build().ok().map(|g| (dir, g))
            })
            .collect();
        matchers.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.matches('/').count() + 1));
        Ignores { matchers }
    }

    /// The rule that keeps `path` out of git, as `.gitignore line (pattern)`, if one does.
    fn why_ignored(&self, path: &str) -> Option<String> {
        for (dir, matcher) in &self.matchers {
            if !dir.is_empty() && !path.starts_with(&format!("{dir}/")) {
                continue;
            }
            let matched = matcher.matched_path_or_any_parents(path, false);
            if matched.is_whitelist() {
                return None;
            }
            if let Some(glob) = matched.inner().filter(|_| matched.is_ignore()) {
                let file = glob
                    .from()
                    .map_or(".gitignore".into(), |p| p.display().to_string());
                return Some(format!(
                    "{file} ignores it ({:?}), so it would be left out of the project's first \
                     commit and of every clone",
                    glob.original()
                ));
            }
        }
        None
    }
}

/// Paths (files, and the folders above them) equal but for case, and a file that is also a
/// folder: macOS and Windows fold case, so one would overwrite the other on checkout.
fn case_clashes(plan: &Plan<'_>, project: &Project) -> Vec<Error> {
    let mut seen: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut out = Vec::new();
    for file in &project.files {
        let path = file.path.as_str();
        let mut prefixes: Vec<(&str, bool)> = path
            .match_indices('/')
            .map(|(at, _)| (&path[..at], true))
            .collect();
        prefixes.push((path, false));
        for (prefix, is_dir) in prefixes {
            let key = prefix.to_lowercase();
            match seen.get(&key) {
                Some((other, _)) if other != prefix => {
                    out.push(blame(
                        plan,
                        file,
                        &[prefix, other.as_str()],
                        &format!(
                            "{prefix} and {other} differ only in case, and macOS and Windows \
                             fold case, so one would overwrite the other there"
                        ),
                    ));
                    break;
                }
                Some((_, other_dir)) if *other_dir != is_dir => {
                    out.push(blame(
                        plan,
                        file,
                        &[prefix],
                        &format!("{prefix} would be both a file and a folder"),
                    ));
                    break;
                }
                Some(_) => {}
                None => {
                    seen.insert(key, (prefix.to_string(), is_dir));
                }
            }
        }
    }
    out
}

fn too_long(plan: &Plan<'_>, file: &OutputFile, length: usize) -> Error {
    let name = &plan.names;
    let from_name = file.path.as_str().matches(name.package.as_str()).count() + 1;
    let why = format!(
        "{}/{} is {length} characters long, more than the {MAX_PATH} a project's paths may \
         have to check out on Windows",
        name.name, file.path
    );
    if let Some(error) = blame_on_answer(plan, file, &[file.path.as_str()], &why) {
        return error;
    }
    // Blamed on the name when a name of 8 characters would fit.
    if length - from_name * name.name.len() + from_name * 8 <= MAX_PATH {
        let over = length - MAX_PATH;
        let shorter = name.name.len().saturating_sub(over.div_ceil(from_name));
        return Error::InvalidName {
            name: name.name.clone(),
            reason: format!("{why}; choose a name of at most {shorter} characters"),
        };
    }
    blueprint_fault(file, &format!("{why}; shorten the blueprint's path"))
}

/// The cause of a problem with `file`, seen in `paths` (its own, or the two that clash):
/// the project's name when a path has a part named after it, an answer when one is part of
/// a path, or else the blueprint.
fn blame(plan: &Plan<'_>, file: &OutputFile, paths: &[&str], why: &str) -> Error {
    let names = &plan.names;
    let stem = |part: &str| part.split('.').next().unwrap_or(part).to_string();
    let named = paths
        .iter()
        .flat_map(|p| p.split('/'))
        .any(|p| stem(p) == names.package || stem(p) == names.name);
    if named {
        return Error::InvalidName {
            name: names.name.clone(),
            reason: format!("{}: {why}; try \"my-{}\"", file.path, names.name),
        };
    }
    blame_on_answer(plan, file, paths, why)
        .unwrap_or_else(|| blueprint_fault(file, &format!("{why}; rename it in the blueprint")))
}

/// Whether the answer `text` (a part of a path, or several) starts at one of the parts of
/// `path`, whole or cut short where `path` ends: `SRC/extra` is in `SRC`.
fn holds_answer(path: &str, text: &str) -> bool {
    let starts = std::iter::once(0).chain(path.match_indices('/').map(|(at, _)| at + 1));
    starts
        .map(|at| &path[at..])
        .any(|rest| rest.starts_with(text) || text.starts_with(&format!("{rest}/")))
}

/// The problem as the learner's answer, when an answer is part of one of `paths`.
fn blame_on_answer(plan: &Plan<'_>, file: &OutputFile, paths: &[&str], why: &str) -> Option<Error> {
    plan.answers.blueprints.iter().find_map(|(id, value)| {
        let text = value.as_str().filter(|t| !t.is_empty())?;
        paths
            .iter()
            .any(|p| holds_answer(p, text))
            .then(|| Error::InvalidAnswer {
                question: format!("--set {id}"),
                value: text.to_string(),
                reason: format!("it makes the path {}: {why}", file.path),
            })
    })
}

fn blueprint_fault(file: &OutputFile, why: &str) -> Error {
    Error::Blueprint {
        path: format!("{} (path {})", file.part, file.path),
        message: why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::safe_relative;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: safe_relative(path, "t").unwrap(),
            contents: contents.as_bytes().to_vec(),
            executable: false,
            part: "t".into(),
        }
    }

    fn ignores(files: &[(&str, &str)]) -> Ignores {
        Ignores::of(&Project {
            name: "demo".into(),
            files: files.iter().map(|(p, c)| file(p, c)).collect(),
            tasks: Vec::new(),
        })
    }

    #[test]
    fn reads_ignores_as_git_does() {
        let i = ignores(&[
            (".gitignore", "build/\n/top.txt\n*.log\n!keep.log\n"),
            ("data/.gitignore", "*\n!.gitignore\n!README.md\n"),
        ]);
        assert!(
            i.why_ignored("src/build/__init__.py")
                .unwrap()
                .contains("build/")
        );
        assert!(i.why_ignored("top.txt").is_some());
        assert!(i.why_ignored("src/top.txt").is_none());
        assert!(i.why_ignored("a/b.log").is_some());
        assert!(i.why_ignored("a/keep.log").is_none());
        assert!(
            i.why_ignored("data/raw.csv")
                .unwrap()
                .contains("data/.gitignore")
        );
        assert!(i.why_ignored("data/README.md").is_none());
        assert!(i.why_ignored("src/builder.py").is_none());
    }

    #[test]
    fn finds_an_answer_at_the_start_of_a_part() {
        assert!(holds_answer("docs/notes/README.md", "notes"));
        assert!(holds_answer("docs/notes/README.md", "docs/notes"));
        assert!(holds_answer("SRC", "SRC/extra"));
        assert!(holds_answer("report.md", "report"));
        assert!(!holds_answer("docs/mynotes/README.md", "notes"));
        assert!(!holds_answer("SRC2", "SRC/extra"));
    }

    #[test]
    fn an_answer_fragment_must_stay_inside_and_be_portable() {
        for bad in [
            "", "..", "a/../b", "/abs", "a\\b", "a//b", "CON", "x.", "a:b", ".git",
        ] {
            assert!(fragment_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["notes", "docs/notes", "data-2026", "Ünïcode"] {
            assert!(fragment_problem(good).is_none(), "{good:?}");
        }
    }
}
