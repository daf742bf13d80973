//! The Python versions a project accepts: `[project] requires-python` of its
//! `pyproject.toml`, read as PEP 440 specifiers by `pep440_rs` (the parser uv uses), and the
//! pip that knows `--group`.

use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use crate::error::{Error, Result};

/// The first pip release with `pip install --group` (PEP 735 dependency groups): 25.1.
pub const PIP_WITH_GROUP: &str = "25.1";

/// The first uv release whose `uv pip install` takes `--group` the way pip does (uv's
/// changelog, 0.6.7: "Add pip-compatible `--group` flag to `uv pip install`"). Older uvs
/// fail with "unexpected argument '--group' found".
pub const UV_WITH_GROUP: &str = "0.6.7";

/// What `requires-python` says, as written and as parsed.
#[derive(Debug, Clone)]
pub struct PythonRequirement {
    /// As written in pyproject.toml, e.g. `>=3.11`; empty when the project sets none.
    pub text: String,
    specifiers: VersionSpecifiers,
}

impl PythonRequirement {
    /// Reads `requires-python` from `root`'s pyproject.toml. A project without the key
    /// accepts any Python; a file that does not parse, or specifiers that do not, are errors
    /// naming the file and the value.
    pub fn read(root: &Path) -> Result<PythonRequirement> {
        let path = root.join("pyproject.toml");
        let text = std::fs::read_to_string(&path).map_err(Error::io("cannot read", &path))?;
        let doc: toml::Table = toml::from_str(&text).map_err(|e| Error::Project {
            path: "pyproject.toml".into(),
            message: format!("{}; fix the file's TOML", e.message()),
        })?;
        let written = doc
            .get("project")
            .and_then(|p| p.get("requires-python"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        PythonRequirement::parse(written)
    }

    /// Parses specifiers such as `>=3.11,<4`.
    pub fn parse(text: &str) -> Result<PythonRequirement> {
        let specifiers = VersionSpecifiers::from_str(text).map_err(|e| Error::Project {
            path: "pyproject.toml".into(),
            message: format!(
                "requires-python {text:?} is not a valid version specifier ({e}); write it \
                 like \">=3.11\""
            ),
        })?;
        Ok(PythonRequirement {
            text: text.trim().to_string(),
            specifiers,
        })
    }

    /// Whether a Python of `version` satisfies it.
    pub fn admits(&self, version: &Version) -> bool {
        self.specifiers.contains(version)
    }

    /// The lowest `3.X` it admits, for advice ("install python3.11"): the first minor from
    /// 3.8 up that it contains.
    pub fn lowest_minor(&self) -> Option<u64> {
        (8..=NEWEST_MINOR).find(|minor| self.admits(&Version::new([3, *minor])))
    }

    /// What to ask uv for when it fetches a Python: the lowest minor of `supported` (the
    /// `3.X` versions skillforge's projects are made for) that the requirement admits,
    /// `recorded` (the project's own `python` answer) first, so that uv does not fetch the
    /// newest release, which may be past what the project's dependencies support. A
    /// requirement that admits none of them is passed on as written.
    pub fn uv_request(&self, recorded: Option<&str>, supported: &[&str]) -> String {
        let admits_minor = |minor: &str| {
            let Some(v) = parse_version(minor) else {
                return false;
            };
            let release = v.release();
            // `>=3.11.4` admits 3.11 although not 3.11.0: any patch release counts.
            (0..=50).any(|patch| {
                self.admits(&Version::new([
                    release[0],
                    release.get(1).copied().unwrap_or(0),
                    patch,
                ]))
            })
        };
        let minor = recorded
            .filter(|r| supported.contains(r) && admits_minor(r))
            .or_else(|| supported.iter().copied().find(|m| admits_minor(m)));
        match minor {
            Some(minor) if self.text.is_empty() => minor.to_string(),
            Some(minor) => format!("{},=={minor}.*", self.text),
            None if self.text.is_empty() => "3".into(),
            None => self.text.clone(),
        }
    }

    /// As written, or "any version" when the project names none.
    pub fn describe(&self) -> String {
        if self.text.is_empty() {
            "any version".into()
        } else {
            self.text.clone()
        }
    }
}

/// The newest `3.X` looked for by name (`python3.X`); newer ones are still found as
/// `python3` or `python`.
pub const NEWEST_MINOR: u64 = 20;

/// A version as an interpreter or pip reports it (`3.11.7`, `25.1.1`, `3.14.0rc1`, and a
/// development build's `3.13.0+`, read as `3.13.0`).
pub fn parse_version(text: &str) -> Option<Version> {
    Version::from_str(text.trim().trim_end_matches('+')).ok()
}

/// The version a tool prints as the second word of its standard output when `command`
/// runs (`uv 0.4.30 (...)`, `pip 25.1.1 from ...`); `None` when it does not run, fails or
/// says something else. Its standard input and error are closed.
pub fn reported_version(mut command: std::process::Command) -> Option<Version> {
    use std::process::Stdio;
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .nth(1)
        .and_then(parse_version)
}

/// Whether uv `version` knows `uv pip install --group`.
pub fn uv_knows_groups(version: &Version) -> bool {
    *version >= Version::from_str(UV_WITH_GROUP).expect("a valid version")
}

/// Whether pip `version` knows `--group`.
pub fn pip_knows_groups(version: &Version) -> bool {
    *version >= Version::from_str(PIP_WITH_GROUP).expect("a valid version")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        parse_version(text).unwrap()
    }

    #[test]
    fn a_lower_bound_admits_newer_and_refuses_older_pythons() {
        let r = PythonRequirement::parse(">=3.11").unwrap();
        assert!(r.admits(&v("3.11.0")));
        assert!(r.admits(&v("3.13.1")));
        assert!(!r.admits(&v("3.10.12")));
        assert_eq!(r.lowest_minor(), Some(11));
    }

    #[test]
    fn an_upper_bound_and_exclusions_are_honoured() {
        let r = PythonRequirement::parse(">=3.10, <3.13, !=3.11.*").unwrap();
        assert!(r.admits(&v("3.10.4")));
        assert!(!r.admits(&v("3.11.7")));
        assert!(r.admits(&v("3.12.1")));
        assert!(!r.admits(&v("3.13.0")));
        assert_eq!(r.lowest_minor(), Some(10));
    }

    #[test]
    fn compatible_release_is_read_as_pep_440_says() {
        let r = PythonRequirement::parse("~=3.11").unwrap();
        assert!(r.admits(&v("3.14.0")));
        assert!(!r.admits(&v("4.0")));
    }

    #[test]
    fn no_requirement_admits_any_python() {
        let r = PythonRequirement::parse("").unwrap();
        assert!(r.admits(&v("3.6.15")));
        assert_eq!(r.describe(), "any version");
    }

    #[test]
    fn a_malformed_requirement_names_the_value_and_the_fix() {
        let err = PythonRequirement::parse(">= three")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\">= three\""), "{err}");
        assert!(err.contains(">=3.11"), "{err}");
    }

    #[test]
    fn requirement_is_read_from_the_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\nrequires-python = \">=3.12\"\n",
        )
        .unwrap();
        let r = PythonRequirement::read(dir.path()).unwrap();
        assert_eq!(r.text, ">=3.12");
        assert!(!r.admits(&v("3.11.9")));
    }

    #[test]
    fn versions_are_read_as_interpreters_print_them() {
        assert_eq!(v("3.13.0+").to_string(), "3.13.0");
        assert_eq!(v(" 3.14.0rc1\n").to_string(), "3.14.0rc1");
        assert!(parse_version("three").is_none());
    }

    #[test]
    fn uv_is_asked_for_the_lowest_supported_minor_not_the_newest() {
        let supported = ["3.11", "3.12", "3.13", "3.14"];
        let r = PythonRequirement::parse(">=3.11").unwrap();
        assert_eq!(r.uv_request(None, &supported), ">=3.11,==3.11.*");
        assert_eq!(r.uv_request(Some("3.12"), &supported), ">=3.11,==3.12.*");
        let r = PythonRequirement::parse(">=3.13").unwrap();
        assert_eq!(r.uv_request(Some("3.11"), &supported), ">=3.13,==3.13.*");
        let r = PythonRequirement::parse(">=3.11.4").unwrap();
        assert_eq!(r.uv_request(None, &supported), ">=3.11.4,==3.11.*");
        let r = PythonRequirement::parse(">=3.16").unwrap();
        assert_eq!(r.uv_request(None, &supported), ">=3.16");
        let r = PythonRequirement::parse("").unwrap();
        assert_eq!(r.uv_request(None, &supported), "3.11");
    }

    #[test]
    fn uv_0_6_7_is_the_first_with_pip_groups() {
        assert!(!uv_knows_groups(&v("0.4.30")));
        assert!(!uv_knows_groups(&v("0.6.6")));
        assert!(uv_knows_groups(&v("0.6.7")));
        assert!(uv_knows_groups(&v("0.13.9")));
    }

    #[test]
    fn pip_25_1_is_the_first_with_groups() {
        assert!(!pip_knows_groups(&v("24.0")));
        assert!(!pip_knows_groups(&v("25.0.1")));
        assert!(pip_knows_groups(&v("25.1")));
        assert!(pip_knows_groups(&v("26.0")));
    }
}
