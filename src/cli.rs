//! The command line, as clap derive types and nothing else. `arguments` turns these into
//! the domain values the rest of the program uses; nothing past that point sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "skillforge",
    version,
    about = "Generate tested Python portfolio projects that exercise the skills you want to practise",
    long_about = "skillforge composes portfolio-project blueprints into a ready-to-start Python \
                  repository: real code layout, real tests, and a task checklist whose tasks \
                  are verified by tests.",
    after_help = "Exit codes: 0 success, 1 failure while writing, 2 bad command line, \
                  3 destination exists or unusable, 4 broken blueprint, 5 answer needed but \
                  no terminal, 6 the project's Python cannot run its tests, 130 cancelled. \
                  `check` exits 1 while a task does not pass, `doctor` while it finds a problem, \
                  `add` and `update` when a merge leaves conflict markers."
)]
pub struct Cli {
    /// When to colour output (NO_COLOR is honoured with auto).
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new practice project.
    New(NewArgs),
    /// List the available blueprints.
    List(ListArgs),
    /// Find the project that best exercises the skills you want to practise.
    Plan(PlanArgs),
    /// List the skill catalog, with the blueprints that exercise each skill.
    Skills(SkillsArgs),
    /// Show a blueprint: its questions, tasks and files.
    Show(ShowArgs),
    /// Check a blueprint folder for its author: every problem, with file and line.
    Lint(LintArgs),
    /// Write a blueprint's steps through git: replay them into a repository, record them back.
    #[command(subcommand)]
    Author(AuthorCommand),
    /// Run the project's tests, tick the tasks that pass, and say what to do next.
    Check(CheckArgs),
    /// Reveal the next hint of a task (the first unfinished task when none is named).
    Hint(HintArgs),
    /// Show a task's reference solution as a diff against your files.
    Solution(SolutionArgs),
    /// Put a task's files back to their starter state, keeping other tasks' work.
    Reset(ResetArgs),
    /// Progress per task and per skill, hints used and tasks given up.
    Status(StatusArgs),
    /// Copy the finished project to DIR as a portfolio piece: no practice files, a README
    /// for readers.
    Export(ExportArgs),
    /// Compose an add-on onto the project, merging it into your files as one commit.
    Add(AddArgs),
    /// Bring the project to its blueprints' current versions, merging into your files.
    Update(UpdateArgs),
    /// Make the project ready: a Python it accepts, .venv, the project installed, a first check.
    Setup(SetupArgs),
    /// Say what is wrong with the environment for this project, and how to fix it.
    Doctor(DoctorArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ProjectArg {
    /// The project folder (default: the one containing the current folder).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
}

/// `--from` of the commands that read a project's blueprints again.
#[derive(Debug, Args)]
pub struct BlueprintsArg {
    /// Where the project's blueprints are now, when it was made with `new --from` and they
    /// have moved (a folder or a git URL); built-in blueprints are always read from
    /// skillforge itself.
    #[arg(long, value_name = "PATH|GIT_URL")]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// Check only these tasks (ids or numbers; repeat the flag or separate them with commas)
    /// instead of all. The others keep their last result.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub task: Vec<String>,

    /// Check again whenever a file of the project changes (Ctrl-C to stop).
    #[arg(long)]
    pub watch: bool,

    /// Grade with the task tests you edited, as they are now (check otherwise grades with
    /// the blueprint's own tests and reports your edits as ignored).
    #[arg(long)]
    pub accept_test_changes: bool,

    /// Grade with the blueprint's own tests only, ignoring every accepted edit in
    /// .skillforge/origin.toml (a task graded with accepted tests earns no points; this is
    /// how the classroom workflow grades).
    #[arg(long, conflicts_with = "accept_test_changes")]
    pub shipped_tests_only: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,

    /// Print the results as JSON on stdout (`.skillforge/results.json`'s document, with
    /// each task's points and the total).
    #[arg(long, conflicts_with = "watch")]
    pub json: bool,

    /// Stop at the first test that does not pass, as pytest's -x does. Its task fails; a
    /// task whose result the run cannot tell (its tests were not all reached) keeps its
    /// last result.
    #[arg(short = 'x', long)]
    pub exitfirst: bool,
}

#[derive(Debug, Args)]
pub struct HintArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The task: its id or number.
    #[arg(value_name = "TASK")]
    pub task: Option<String>,
}

#[derive(Debug, Args)]
pub struct SolutionArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The task: its id or number.
    #[arg(value_name = "TASK")]
    pub task: String,

    /// Show it although the task does not pass yet (recorded in .skillforge/progress.toml).
    #[arg(long)]
    pub give_up: bool,

    /// Write the reference solution into your files instead of only showing it.
    #[arg(long)]
    pub apply: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The task: its id or number.
    #[arg(value_name = "TASK")]
    pub task: String,

    /// Reset without asking (your versions are still backed up in .skillforge/reset-backup/).
    #[arg(long, short = 'y')]
    pub yes: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The folder to write the copy to: new, or empty.
    #[arg(value_name = "DIR")]
    pub destination: PathBuf,

    /// One commit instead of the project's history.
    #[arg(long)]
    pub squash: bool,

    /// Export although tasks do not pass as of the last check (they are listed as unfinished).
    #[arg(long)]
    pub allow_unfinished: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The add-on to compose onto the project (see `skillforge list`).
    #[arg(value_name = "ADDON")]
    pub addon: String,

    /// Merge although files differ from the last commit.
    #[arg(long)]
    pub allow_dirty: bool,

    /// Leave the change staged instead of committing it.
    #[arg(long)]
    pub no_commit: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// Show the files that would change, with a diff stat; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Merge although files differ from the last commit.
    #[arg(long)]
    pub allow_dirty: bool,

    /// Leave the change staged instead of committing it.
    #[arg(long)]
    pub no_commit: bool,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// The Python to make .venv with: a path or a name on PATH (default: the newest one
    /// that satisfies the project's requires-python).
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<String>,

    /// What makes .venv and installs into it: uv when it is on PATH, else pip.
    #[arg(long, value_enum, default_value_t = InstallerArg::Auto)]
    pub installer: InstallerArg,

    #[command(flatten)]
    pub blueprints: BlueprintsArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InstallerArg {
    Auto,
    Uv,
    Pip,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub project: ProjectArg,

    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Project name, e.g. bookmarks-api (asked for when missing in a terminal).
    pub name: Option<String>,

    /// Blueprint to generate from (see `skillforge list`).
    #[arg(short, long, value_name = "ID")]
    pub blueprint: Option<String>,

    /// Skills to practise, comma-separated (ids, names or aliases): the best plan is generated
    /// unless --blueprint is given, and tasks exercising none of them (and needed by no task
    /// that does) become stretch goals.
    #[arg(short, long, value_name = "LIST")]
    pub skills: Vec<String>,

    /// Use blueprints from a folder or a git repository (file:// URL) as well as the embedded
    /// ones: a base is used as the blueprint, an add-on is composed on.
    #[arg(long, value_name = "PATH|GIT_URL")]
    pub from: Option<String>,

    /// With a git --from: the branch, tag or commit to use.
    #[arg(long, value_name = "REV", requires = "from")]
    pub rev: Option<String>,

    /// Compose an add-on onto the blueprint (repeatable, or a comma-separated list), e.g.
    /// --with docker --with github-ci, or --with docker,github-ci. Also spelled --addons,
    /// --add-ons, --addon or --add-on, the words list and TASKS.md use.
    #[arg(
        short = 'w',
        long = "with",
        value_name = "ADDON",
        value_delimiter = ',',
        visible_aliases = ["addons", "add-ons", "addon", "add-on"]
    )]
    pub with: Vec<String>,

    /// Print the files that would be written, with the blueprint each comes from; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Answer a question, e.g. --set author="Ada Lovelace" --set license=Apache-2.0.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Take the default for every question not answered with --set; do not ask or confirm.
    #[arg(short, long)]
    pub yes: bool,

    /// Include the reference solution (every task's tests pass).
    #[arg(long)]
    pub solved: bool,

    /// Do not create a git repository.
    #[arg(long)]
    pub no_git: bool,

    /// Set the environment up right after generating, as `skillforge setup` does.
    #[arg(long, conflicts_with = "dry_run")]
    pub setup: bool,

    /// Add a GitHub Classroom autograding workflow: one graded step per task, each graded
    /// with the blueprint's own tests (`skillforge check --task ID`).
    #[arg(long, conflicts_with = "from")]
    pub classroom: bool,

    /// Folder in which the project folder is created.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Skills to practise, comma-separated: ids, names or aliases ("Fast API, ci/cd, sklearn").
    #[arg(short, long, value_name = "LIST", required = true)]
    pub skills: Vec<String>,

    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,

    /// How many next-best plans to show.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub alternatives: usize,
}

#[derive(Debug, Args)]
pub struct SkillsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Blueprint id.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// A blueprint folder, or a folder of blueprint folders.
    pub path: std::path::PathBuf,
}

/// `skillforge author ...`: see docs/authoring.md.
#[derive(Debug, Subcommand)]
pub enum AuthorCommand {
    /// Render the starter into a new git repository, then commit each task's step on top.
    Replay(ReplayArgs),
    /// Write steps/<task>.patch from the repository's history, one commit per task.
    Record(RecordArgs),
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The blueprint folder.
    pub blueprint: PathBuf,
    /// The repository to create: a new or empty folder.
    pub repo: PathBuf,
    /// For an add-on: the base to render it onto (default: the first it applies to).
    #[arg(long, value_name = "ID")]
    pub base: Option<String>,
    /// Stop after this task's commit.
    #[arg(long, value_name = "TASK")]
    pub through: Option<String>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The repository `author replay` made, one commit per task on top of the starter.
    pub repo: PathBuf,
    /// The blueprint folder whose steps/ is written.
    pub blueprint: PathBuf,
    /// For an add-on: the base it was replayed onto (default: the first it applies to).
    #[arg(long, value_name = "ID")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for.
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn new_takes_its_add_ons_under_every_name_a_learner_tries() {
        for flag in [
            "--with",
            "-w",
            "--addons",
            "--add-ons",
            "--addon",
            "--add-on",
        ] {
            let cli = Cli::try_parse_from(["skillforge", "new", "x", flag, "docker"])
                .unwrap_or_else(|e| panic!("{flag}: {e}"));
            let Command::New(args) = cli.command else {
                panic!("{flag}: not new");
            };
            assert_eq!(args.with, ["docker"], "{flag}");
        }
    }

    #[test]
    fn add_ons_can_be_given_as_one_comma_separated_list() {
        let cli = Cli::try_parse_from([
            "skillforge",
            "new",
            "x",
            "--addons",
            "docker,github-ci",
            "--with",
            "quality",
        ])
        .unwrap();
        let Command::New(args) = cli.command else {
            panic!("not new");
        };
        assert_eq!(args.with, ["docker", "github-ci", "quality"]);
    }
}
