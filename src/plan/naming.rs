//! Project names: validation and normalisation into the names Python needs.
//!
//! One name typed by the learner becomes a distribution name (PEP 503 normalised, valid under
//! PEP 508), an importable package name, a title and an environment-variable prefix. Anything
//! that would produce a project that cannot install or import is refused here, with the reason
//! and a name that would work.

use crate::blueprint::Blueprint;
use crate::error::{Error, Result};

/// Longest accepted name: long enough for any real project, short enough for every file system.
pub const MAX_LEN: usize = 64;

/// The names derived from what the learner typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProjectNames {
    /// The distribution name, normalised: `bookmarks-api`. Also the folder name.
    pub name: String,
    /// The importable package: `bookmarks_api`.
    pub package: String,
    /// For headings: `Bookmarks Api`.
    pub title: String,
    /// For environment variables: `BOOKMARKS_API_`.
    pub env_prefix: String,
}

impl ProjectNames {
    /// Validates `raw` and derives every name from it.
    pub fn parse(raw: &str) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidName {
            name: raw.to_string(),
            reason,
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(invalid(
                "the name is empty; try something like \"bookmarks-api\"".into(),
            ));
        }
        if trimmed.contains(['/', '\\']) || trimmed == "." || trimmed == ".." {
            return Err(invalid(
                "give a name, not a path; choose the parent folder with --output-dir".into(),
            ));
        }
        if let Some(c) = trimmed.chars().find(|c| !is_allowed(*c)) {
            return Err(invalid(format!(
                "{c:?} is not allowed; use ASCII letters, digits, '-', '_', '.' or spaces"
            )));
        }
        if trimmed.len() > MAX_LEN {
            return Err(invalid(format!(
                "it is {} characters long; the limit is {MAX_LEN}",
                trimmed.len()
            )));
        }
        let first = trimmed.chars().next().unwrap_or(' ');
        let last = trimmed.chars().last().unwrap_or(' ');
        if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            return Err(invalid(
                "it must start and end with a letter or a digit".into(),
            ));
        }
        let name = normalise(trimmed);
        let package = name.replace('-', "_");
        check_package(&package).map_err(|reason| invalid(reason.replace("{name}", &name)))?;
        Ok(ProjectNames {
            title: title_case(trimmed),
            env_prefix: format!("{}_", package.to_ascii_uppercase()),
            name,
            package,
        })
    }
}

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ')
}

/// PEP 503 normalisation: lower case, every run of `-`, `_`, `.` (and spaces) becomes one `-`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.' | ' ') {
            pending_sep = true;
        } else {
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Why `package` cannot be imported or would shadow something, or `Ok`.
/// `{name}` in the message stands for the project name, filled in by the caller.
fn check_package(package: &str) -> std::result::Result<(), String> {
    if package.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "the package would be {package:?}, and a Python package cannot start with a digit; \
             try \"py-{{name}}\""
        ));
    }
    if PYTHON_KEYWORDS.contains(&package) {
        return Err(format!(
            "{package:?} is a Python keyword and cannot be imported; try \"{{name}}-app\""
        ));
    }
    if STDLIB_MODULES.contains(&package) || RESERVED.contains(&package) {
        return Err(format!(
            "the package {package:?} would shadow the module of the same name; try \"my-{{name}}\""
        ));
    }
    if let Some(device) = windows_device(package) {
        return Err(format!(
            "Windows reserves the name {device} for a device, so a folder named {{name}} cannot \
             be checked out there; try \"my-{{name}}\""
        ));
    }
    Ok(())
}

/// The device name Windows reserves that `component` (one path component) stands for, in
/// any case and with any extension (`con`, `Aux.txt`, `lpt1.tar.gz`; trailing spaces
/// before the extension are ignored too), or `None`. From Microsoft's "Naming Files, Paths,
/// and Namespaces": such a file cannot be created, so git cannot check it out.
pub fn windows_device(component: &str) -> Option<String> {
    let stem = component.split('.').next().unwrap_or(component);
    let stem = stem.trim_end_matches(' ').to_ascii_uppercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|n| {
            matches!(
                n,
                "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    };
    let reserved = matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || numbered("COM")
        || numbered("LPT");
    reserved.then_some(stem)
}

impl ProjectNames {
    /// Refuses a name that is one of the plan's `dependencies`: a requirement's distribution
    /// (PEP 503 normalised) or the module it installs, or for an embedded blueprint anything
    /// its environment holds (`installed-names.toml`). The project would depend on itself
    /// (`fastapi` with fastapi-service cannot be installed) or its package would shadow a
    /// library or be shadowed by it (`mlflow` with mlflow-skinny, `starlette` under FastAPI).
    pub fn refuse_dependencies(&self, dependencies: &Dependencies) -> Result<()> {
        match self.dependency_clash(dependencies) {
            Some(why) => Err(Error::InvalidName {
                name: self.name.clone(),
                reason: format!("{why}; try \"my-{}\"", self.name),
            }),
            None => Ok(()),
        }
    }

    fn dependency_clash(&self, dependencies: &Dependencies) -> Option<String> {
        for requirement in &dependencies.requirements {
            let dist = normalise(requirement_name(requirement));
            let module = import_name(&dist);
            if dist == self.name {
                return Some(format!(
                    "the project depends on {dist:?}, a distribution of the same name, so it \
                     could not be installed"
                ));
            }
            if module.eq_ignore_ascii_case(&self.package) {
                return Some(format!(
                    "the project depends on {dist:?}, which installs the module {module:?}; \
                     the project's package of the same name would shadow it"
                ));
            }
        }
        let package = self.package.to_ascii_lowercase();
        for id in &dependencies.embedded {
            let Some(installed) = installed_names().get(id) else {
                continue;
            };
            if installed.distributions.contains(&self.name) {
                return Some(format!(
                    "{id}'s dependencies install a distribution named {:?}, so the project \
                     could not be installed beside it",
                    self.name
                ));
            }
            if installed.modules.contains(&package) {
                return Some(format!(
                    "{id}'s dependencies install the module {package:?}; the project's \
                     package of the same name would clash with it"
                ));
            }
        }
        None
    }
}

/// What a plan's parts install: their requirements (PEP 508 strings), and the ids of the
/// embedded parts, whose whole environment is known (`installed-names.toml`).
#[derive(Debug, Clone, Default)]
pub struct Dependencies {
    /// Every requirement, groups and build backend included.
    pub requirements: Vec<String>,
    /// The ids of the parts embedded in skillforge.
    pub embedded: Vec<String>,
}

/// What installing one embedded blueprint's requirements brings in (see
/// `scripts/installed-names`).
#[derive(Debug, serde::Deserialize)]
struct Installed {
    /// PEP 503 normalised.
    distributions: Vec<String>,
    /// Top-level modules, lower-cased: macOS and Windows fold case.
    modules: Vec<String>,
}

fn installed_names() -> &'static std::collections::BTreeMap<String, Installed> {
    static TABLE: std::sync::OnceLock<std::collections::BTreeMap<String, Installed>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("installed-names.toml"))
            .expect("installed-names.toml is written by scripts/installed-names")
    })
}

/// Every requirement of a project made of `parts`: their dependencies, every dependency
/// group (the development tools too: a package named `pytest` or `ruff` would shadow them in
/// the project's own environment) and the build backend.
pub fn requirements<'b>(parts: impl IntoIterator<Item = &'b Blueprint>) -> Dependencies {
    let mut out = Dependencies {
        requirements: vec![crate::project::BUILD_REQUIRES.to_string()],
        embedded: Vec::new(),
    };
    for blueprint in parts {
        let python = &blueprint.manifest.python;
        out.requirements.extend(python.dependencies.iter().cloned());
        for specs in python.groups.values() {
            let strings = specs.as_array().into_iter().flatten();
            out.requirements
                .extend(strings.filter_map(|v| v.as_str().map(str::to_string)));
        }
        if blueprint.source.is_none() {
            out.embedded.push(blueprint.id().to_string());
        }
    }
    out
}

/// The distribution name a PEP 508 requirement starts with: `uvicorn[standard]>=0.40` is
/// `uvicorn`.
pub fn requirement_name(requirement: &str) -> &str {
    let requirement = requirement.trim_start();
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    &requirement[..end]
}

/// The top-level module the distribution `dist` (normalised) installs: its name with `_`
/// for `-`, except for the dependencies of the embedded blueprints whose module is named
/// otherwise (and the stub packages, which install `<module>-stubs`).
fn import_name(dist: &str) -> String {
    let known = IMPORT_NAMES
        .iter()
        .find(|(d, _)| *d == dist)
        .map(|(_, module)| (*module).to_string());
    known.unwrap_or_else(|| match dist.strip_suffix("-stubs") {
        Some(module) => format!("{}-stubs", module.replace('-', "_")),
        None => dist.replace('-', "_"),
    })
}

/// Distributions whose module is not their name, among the blueprints' dependencies and
/// the libraries learners name projects after.
const IMPORT_NAMES: &[(&str, &str)] = &[
    ("mlflow-skinny", "mlflow"),
    ("scikit-learn", "sklearn"),
    ("pyyaml", "yaml"),
    ("types-pyyaml", "yaml-stubs"),
    ("pillow", "PIL"),
    ("python-dotenv", "dotenv"),
    ("beautifulsoup4", "bs4"),
    ("opencv-python", "cv2"),
    ("python-dateutil", "dateutil"),
];

fn title_case(raw: &str) -> String {
    raw.split(['-', '_', '.', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `keyword.kwlist` of Python 3.11 to 3.14 (lower-cased names only can reach here).
const PYTHON_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "false", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "none", "nonlocal", "not", "or", "pass", "raise", "return", "true", "try", "while",
    "with", "yield",
];

/// Names that break the generated project's own tooling when used as its package.
const RESERVED: &[&str] = &["test", "tests", "src", "setup", "conftest", "pytest", "pip"];

/// `sys.stdlib_module_names` (public names) of Python 3.11, lower-cased.
const STDLIB_MODULES: &[&str] = &[
    "abc",
    "aifc",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cprofile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(raw: &str) -> String {
        match ProjectNames::parse(raw) {
            Err(Error::InvalidName { reason, .. }) => reason,
            other => panic!("expected an invalid name for {raw:?}, got {other:?}"),
        }
    }

    #[test]
    fn derives_every_name_from_a_plain_name() {
        let n = ProjectNames::parse("bookmarks-api").unwrap();
        assert_eq!(n.name, "bookmarks-api");
        assert_eq!(n.package, "bookmarks_api");
        assert_eq!(n.title, "Bookmarks Api");
        assert_eq!(n.env_prefix, "BOOKMARKS_API_");
    }

    #[test]
    fn normalises_case_separators_and_spaces() {
        let n = ProjectNames::parse("  My__Cool.Project API ").unwrap();
        assert_eq!(n.name, "my-cool-project-api");
        assert_eq!(n.package, "my_cool_project_api");
        assert_eq!(n.title, "My Cool Project API");
    }

    #[test]
    fn refuses_empty_and_blank_names() {
        assert!(reason("").contains("empty"));
        assert!(reason("   ").contains("empty"));
    }

    #[test]
    fn refuses_paths_and_points_to_output_dir() {
        assert!(reason("a/b").contains("--output-dir"));
        assert!(reason("..").contains("--output-dir"));
    }

    #[test]
    fn refuses_unicode_and_symbols_naming_the_character() {
        assert!(reason("café").contains("'é'"));
        assert!(reason("a+b").contains("'+'"));
    }

    #[test]
    fn refuses_leading_or_trailing_separators() {
        assert!(reason("-api").contains("start and end"));
        assert!(reason("api_").contains("start and end"));
    }

    #[test]
    fn refuses_leading_digit_with_a_suggestion() {
        let r = reason("2048-game");
        assert!(r.contains("digit") && r.contains("py-2048-game"), "{r}");
    }

    #[test]
    fn refuses_keywords_and_shadowing_names() {
        assert!(reason("class").contains("keyword"));
        assert!(reason("Import").contains("keyword"));
        assert!(reason("json").contains("shadow"));
        assert!(reason("tests").contains("shadow"));
    }

    #[test]
    fn refuses_overlong_names_but_accepts_the_limit() {
        assert!(reason(&"a".repeat(MAX_LEN + 1)).contains("limit"));
        assert!(ProjectNames::parse(&"a".repeat(MAX_LEN)).is_ok());
    }

    #[test]
    fn refuses_windows_device_names_in_any_case() {
        for name in [
            "con", "CON", "Prn", "aux", "NUL", "com1", "Com9", "lpt1", "LPT9", "com0",
        ] {
            assert!(reason(name).contains("Windows reserves"), "{name}");
        }
        for name in ["console", "con-api", "aux.txt", "com10", "lpt", "nullable"] {
            assert!(ProjectNames::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn device_names_are_read_as_windows_reads_them() {
        assert_eq!(windows_device("Aux.tar.gz").as_deref(), Some("AUX"));
        assert_eq!(windows_device("nul .txt").as_deref(), Some("NUL"));
        assert_eq!(windows_device("COM²").as_deref(), Some("COM²"));
        assert_eq!(windows_device("conout$").as_deref(), Some("CONOUT$"));
        assert_eq!(windows_device("auxiliary.py"), None);
    }

    fn clash(name: &str, requirements: &[&str]) -> Option<String> {
        let names = ProjectNames::parse(name).unwrap();
        let dependencies = Dependencies {
            requirements: requirements.iter().map(|r| r.to_string()).collect(),
            embedded: Vec::new(),
        };
        match names.refuse_dependencies(&dependencies) {
            Ok(()) => None,
            Err(Error::InvalidName { reason, .. }) => Some(reason),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn refuses_a_dependency_by_its_normalised_distribution_name() {
        let r = clash("FastAPI", &["pydantic>=2", "fastapi>=0.165"]).unwrap();
        assert!(
            r.contains("depends on \"fastapi\"") && r.contains("my-fastapi"),
            "{r}"
        );
        assert!(clash("pydantic.settings", &["Pydantic_Settings>=2"]).is_some());
        assert!(clash("uvicorn", &["uvicorn[standard] >= 0.40"]).is_some());
        assert!(clash("pandas", &["pandas ; python_version >= '3.11'"]).is_some());
        assert!(clash("fastapi-service", &["fastapi>=0.165"]).is_none());
    }

    #[test]
    fn refuses_a_dependency_by_the_module_it_installs() {
        let r = clash("mlflow", &["mlflow-skinny>=3"]).unwrap();
        assert!(r.contains("installs the module \"mlflow\""), "{r}");
        assert!(clash("sklearn", &["scikit-learn>=1.7"]).is_some());
        assert!(clash("yaml", &["PyYAML>=6"]).is_some());
        assert!(clash("pre_commit", &["pre-commit>=4"]).is_some());
        assert!(clash("pandas", &["pandas-stubs>=2"]).is_none());
    }

    #[test]
    fn the_installed_names_list_every_embedded_requirement() {
        let library = crate::blueprint::Library::embedded().unwrap();
        for summary in &library.blueprints {
            let id = summary.id();
            let blueprint = library.get(id).unwrap().unwrap();
            let deps = requirements([blueprint]);
            let installed = installed_names()
                .get(id)
                .unwrap_or_else(|| panic!("{id} has no entry; run scripts/installed-names"));
            for requirement in deps.requirements.iter().skip(1) {
                let dist = normalise(requirement_name(requirement));
                assert!(
                    installed.distributions.contains(&dist),
                    "{id}: {dist} is missing; run scripts/installed-names"
                );
            }
        }
    }

    #[test]
    fn refuses_what_an_embedded_blueprints_environment_holds() {
        let library = crate::blueprint::Library::embedded().unwrap();
        let fastapi = library.get("fastapi-service").unwrap().unwrap();
        let deps = requirements([fastapi]);
        for name in [
            "starlette",
            "click",
            "anyio",
            "typing-extensions",
            "pygments",
            "py",
        ] {
            let names = ProjectNames::parse(name).unwrap();
            assert!(names.refuse_dependencies(&deps).is_err(), "{name}");
        }
        let names = ProjectNames::parse("bookmarks").unwrap();
        assert!(names.refuse_dependencies(&deps).is_ok());
    }

    #[test]
    fn reads_the_name_a_requirement_starts_with() {
        assert_eq!(requirement_name("uvicorn[standard]>=0.40"), "uvicorn");
        assert_eq!(requirement_name("  types-PyYAML"), "types-PyYAML");
        assert_eq!(requirement_name("zope.interface==7"), "zope.interface");
        assert_eq!(requirement_name("pkg @ https://example.com/pkg.whl"), "pkg");
    }

    #[test]
    fn accepts_soft_keywords_and_digits_inside() {
        assert!(ProjectNames::parse("match").is_ok());
        assert_eq!(ProjectNames::parse("api2").unwrap().package, "api2");
    }
}
