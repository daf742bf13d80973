//! The one error type of skillforge, and the exit codes it maps to.
//!
//! Every variant carries what the user needs to act: the file, the value, the flag to pass.
//! Messages are plain lower-case sentences; colour is added at the edge (`ui`), never here.

use std::path::PathBuf;

/// Exit codes, documented in the README. Small and stable so scripts can rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    /// An I/O or git failure while generating.
    Failure = 1,
    /// The command line asked for something that does not exist or is not valid.
    Usage = 2,
    /// The destination exists or cannot be written.
    Destination = 3,
    /// A blueprint (manifest or template) is broken.
    Blueprint = 4,
    /// An answer is missing and there is no terminal to ask it on.
    NeedsInput = 5,
    /// `check`: the project's Python cannot run the tests (no interpreter, no pytest).
    Environment = 6,
    /// The user cancelled at a prompt.
    Cancelled = 130,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid project name {name:?}: {reason}")]
    InvalidName { name: String, reason: String },

    #[error(
        "unknown blueprint {id:?}; available: {available}\n  run `skillforge list` to see them"
    )]
    UnknownBlueprint { id: String, available: String },

    #[error("unknown add-on {id:?}; add-ons for this blueprint: {available}")]
    UnknownAddon { id: String, available: String },

    #[error("unknown skill:\n  {details}")]
    UnknownSkills { details: String },

    #[error("cannot add {id:?}: {reason}")]
    IncompatibleAddon { id: String, reason: String },

    #[error(
        "too many add-ons to plan with: {count} that apply to {base} cover the requested skills \
         ({addons}), and the planner scores every combination of at most {limit}; ask for fewer \
         skills, or choose the parts with --blueprint and --with"
    )]
    PlanTooLarge {
        base: String,
        count: usize,
        limit: usize,
        addons: String,
    },

    #[error("too many skills to plan with: {count} requested, the planner takes at most {limit}")]
    TooManySkills { count: usize, limit: usize },

    #[error("{id:?} is an add-on, not a base blueprint; bases: {bases}")]
    NotABase { id: String, bases: String },

    #[error("unknown question {key:?} in --set {key}=...; {blueprint} asks: {known}")]
    UnknownQuestion {
        key: String,
        blueprint: String,
        known: String,
    },

    #[error("--set expects key=value, got {given:?}")]
    MalformedSet { given: String },

    #[error("invalid answer {value:?} for {question}: {reason}")]
    InvalidAnswer {
        question: String,
        value: String,
        reason: String,
    },

    #[error("{what} is missing and there is no terminal to ask for it; pass {flag}")]
    NeedsInput { what: String, flag: String },

    #[error("cancelled; nothing was written")]
    Cancelled,

    #[error("{} already exists; choose another name or --output-dir, or remove it first", path.display())]
    DestinationExists { path: PathBuf },

    #[error("{} exists and is not empty; export into a new or empty folder, or remove it first", path.display())]
    ExportDestination { path: PathBuf },

    #[error("cannot create the project in {}: {reason}", path.display())]
    DestinationUnusable { path: PathBuf, reason: String },

    #[error("{path}:{line}: {message}")]
    Manifest {
        path: String,
        line: usize,
        message: String,
    },

    #[error("{path}: {message}")]
    Blueprint { path: String, message: String },

    #[error("--from {source_name}: {message}")]
    Source {
        source_name: String,
        message: String,
    },

    #[error("template {path}: {message}")]
    Template { path: String, message: String },

    #[error("blueprint path {path:?} is unsafe: {reason}")]
    UnsafePath { path: String, reason: String },

    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("git: {message}")]
    Git { message: String },

    #[error("{0}")]
    Prompt(String),

    #[error(
        "no skillforge project in {} or its parents (no .skillforge/origin.toml); run this \
         inside a generated project, or pass --path DIR", path.display()
    )]
    NotAProject { path: PathBuf },

    /// `--path` names something that is not a folder: said as it is, before any search for
    /// a project.
    #[error("{what}: {}; pass the folder of a generated project with --path DIR", path.display())]
    NoSuchFolder { what: &'static str, path: PathBuf },

    #[error("{path}: {message}")]
    Project { path: String, message: String },

    #[error("unknown task {id:?}{suggestion}; the tasks are: {known}")]
    UnknownTask {
        id: String,
        suggestion: String,
        known: String,
    },

    #[error("{message}")]
    Environment { message: String },

    #[error("{message}")]
    Refused { message: String },

    #[error(
        "{command}: your changes and skillforge's overlap in {files}; each overlap is marked \
         between `<<<<<<< yours` and `>>>>>>> skillforge`: keep what you want, remove the \
         markers, then commit with `git add -A && git commit` (nothing was committed)"
    )]
    MergeConflicts { command: String, files: String },

    #[error("{count} problem(s) found in {path}")]
    LintFailed { path: String, count: usize },
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::InvalidName { .. }
            | Error::UnknownBlueprint { .. }
            | Error::NotABase { .. }
            | Error::UnknownAddon { .. }
            | Error::UnknownSkills { .. }
            | Error::IncompatibleAddon { .. }
            | Error::PlanTooLarge { .. }
            | Error::TooManySkills { .. }
            | Error::UnknownQuestion { .. }
            | Error::MalformedSet { .. }
            | Error::InvalidAnswer { .. }
            | Error::NotAProject { .. }
            | Error::NoSuchFolder { .. }
            | Error::UnknownTask { .. }
            | Error::Refused { .. } => ExitCode::Usage,
            Error::Environment { .. } => ExitCode::Environment,
            Error::NeedsInput { .. } => ExitCode::NeedsInput,
            Error::Cancelled => ExitCode::Cancelled,
            Error::DestinationExists { .. }
            | Error::ExportDestination { .. }
            | Error::DestinationUnusable { .. } => ExitCode::Destination,
            Error::Manifest { .. }
            | Error::Blueprint { .. }
            | Error::Source { .. }
            | Error::Template { .. }
            | Error::UnsafePath { .. }
            | Error::LintFailed { .. } => ExitCode::Blueprint,
            Error::Io { .. }
            | Error::Git { .. }
            | Error::Prompt(_)
            | Error::Project { .. }
            | Error::MergeConflicts { .. } => ExitCode::Failure,
        }
    }

    /// Wraps an I/O error with the action and the path it concerned.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Self {
        Error::Git {
            message: e.message().to_string(),
        }
    }
}
