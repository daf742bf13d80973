//! skillforge: generate tested Python portfolio projects from composable blueprints.
//!
//! The stages, in the order data flows through them (see `docs/architecture.md`):
//! `cli` (argv) -> `arguments` (domain values) -> `plan` (request, answers, names, planner:
//! everything decided) -> `project` (composed model, rendered in memory by `render`) ->
//! `generate` (temp dir, `git`, rename into place); `export` copies a finished project out
//! as a portfolio piece, and `grow` merges a changed plan into a project (`add`, `update`). `blueprint` loads the blueprints;
//! `record` reads and writes a project's `.skillforge/` files, which `practice` checks
//! against; `environment` finds a Python and makes the project's `.venv` (`setup`,
//! `doctor`); `ui` prints for people.

#[warn(missing_docs)]
pub mod arguments;
pub mod author;
pub mod blueprint;
pub mod cli;
pub mod commands;
pub mod environment;
pub mod error;
pub mod export;
pub mod fsutil;
pub mod generate;
pub mod git;
pub mod grow;
pub mod interrupt;
pub mod plan;
pub mod practice;
pub mod project;
#[warn(missing_docs)]
pub mod record;
pub mod render;
pub mod test_parts;
pub mod ui;

use std::ffi::OsString;

use clap::Parser;
use time::OffsetDateTime;

use crate::cli::{Cli, Command};
use crate::error::{ExitCode, Result};

/// Runs skillforge with `args` (including the program name) and returns the exit code.
///
/// This is the edge where the clock is read: the commands take the day or the time as a
/// value, so the code under them renders and records the same for the same inputs.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage
            } else {
                ExitCode::Success
            };
        }
    };
    ui::set_color(arguments::color_choice(cli.color));
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            // A signal may have cut short what failed (a prompt): the handler reports it.
            interrupt::wait_if_interrupted();
            ui::error(&e.to_string());
            e.exit_code()
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode> {
    use practice::Workspace;
    match command {
        Command::New(args) => {
            let request = arguments::new_request(args)?;
            interrupt::install("cancelled; nothing was written");
            let (library, offered, _checkout) = commands::new::library_for(&request)?;
            let mut terminal = plan::prompt::Terminal::new();
            let prompter: Option<&mut dyn plan::prompt::Prompter> =
                if plan::prompt::terminal_available() {
                    Some(&mut terminal)
                } else {
                    None
                };
            let today = OffsetDateTime::now_utc().date();
            match commands::new::run(&request, &library, &offered, prompter, today)? {
                commands::new::Produced::Created { path, setup } => {
                    println!("{}", path.display());
                    if setup {
                        commands::new::set_up(&path)?;
                    }
                }
                commands::new::Produced::DryRun(listing) => print!("{listing}"),
                commands::new::Produced::Declined => {}
            }
        }
        Command::List(args) => commands::list::run(&blueprint::Library::embedded()?, args.json),
        Command::Plan(args) => {
            let options = arguments::plan_options(args);
            commands::plan::run(&blueprint::Library::embedded()?, &options)?;
        }
        Command::Skills(args) => commands::skills::run(&blueprint::Library::embedded()?, args.json),
        Command::Show(args) => commands::show::run(&blueprint::Library::embedded()?, &args.id)?,
        Command::Lint(args) => commands::lint::run(&args.path)?,
        Command::Author(cli::AuthorCommand::Replay(a)) => {
            let options = author::replay::Options {
                blueprint_dir: &a.blueprint,
                repo: &a.repo,
                base: a.base.as_deref(),
                through: a.through.as_deref(),
            };
            commands::author::replay(&options)?;
        }
        Command::Author(cli::AuthorCommand::Record(a)) => {
            commands::author::record(&a.repo, &a.blueprint, a.base.as_deref())?;
        }
        Command::Completions(args) => arguments::print_completions(args.shell),
        Command::Check(args) => return check(&args),
        Command::Hint(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            commands::hint::run(&ws, args.task.as_deref())?;
        }
        Command::Solution(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            let options = commands::solution::Options {
                task: &args.task,
                give_up: args.give_up,
                apply: args.apply,
                from: args.blueprints.from.as_deref(),
                today: OffsetDateTime::now_utc().date(),
            };
            commands::solution::run(&ws, &options)?;
        }
        Command::Export(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            interrupt::install("cancelled; nothing was exported");
            commands::export::run(&ws, &arguments::export_request(&args))?;
        }
        Command::Add(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            commands::add::run(&ws, &arguments::add_options(&args))?;
        }
        Command::Update(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            commands::update::run(&ws, &arguments::update_options(&args))?;
        }
        Command::Reset(args) => reset(&args)?,
        Command::Status(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            commands::status::run(&ws, args.json)?;
        }
        Command::Setup(args) => {
            let ws = Workspace::locate(args.project.path.as_deref())?;
            commands::setup::run(&ws, &arguments::setup_options(&args))?;
        }
        Command::Doctor(args) => {
            // The root alone: a record this skillforge cannot read is one of its findings.
            let root = Workspace::root_of(args.project.path.as_deref())?;
            if !commands::doctor::run(&root, args.json)? {
                return Ok(ExitCode::Failure);
            }
        }
    }
    Ok(ExitCode::Success)
}

/// `reset` asks on the terminal when there is one; without one only `--yes` confirms.
fn reset(args: &cli::ResetArgs) -> Result<()> {
    let ws = practice::Workspace::locate(args.project.path.as_deref())?;
    let options = arguments::reset_options(args, OffsetDateTime::now_utc());
    interrupt::install("cancelled; nothing was reset");
    let mut terminal = plan::prompt::Terminal::new();
    let prompter: Option<&mut dyn plan::prompt::Prompter> = if plan::prompt::terminal_available() {
        Some(&mut terminal)
    } else {
        None
    };
    commands::reset::run(&ws, &options, prompter)
}

/// `check` exits 1 while a task it checked does not pass. With `--watch` it runs until
/// interrupted: a run that fails, even one that cannot start, is shown and watching goes on.
fn check(args: &cli::CheckArgs) -> Result<ExitCode> {
    let path = args.project.path.as_deref();
    let mut ws = match practice::Workspace::locate(path) {
        Ok(ws) => ws,
        Err(error) => {
            // An origin file that cannot be read: no earlier result may stand for this run.
            if let Ok(root) = practice::Workspace::root_of(path) {
                let report = practice::results::Report::could_not_run(
                    error.to_string(),
                    vec![],
                    OffsetDateTime::now_utc(),
                );
                let _ = report.write(&root);
                if args.json {
                    print_report(&report);
                }
            }
            return Err(error);
        }
    };
    let options = commands::check::Options {
        task: args.task.clone(),
        accept_test_changes: args.accept_test_changes,
        shipped_tests_only: args.shipped_tests_only,
        from: args.blueprints.from.clone(),
        json: args.json,
        exitfirst: args.exitfirst,
    };
    if args.watch {
        let root = ws.root.clone();
        practice::watch::watch(&root, || {
            if let Err(e) = commands::check::run(&mut ws, &options, OffsetDateTime::now_utc()) {
                ui::error(&e.to_string());
            }
        })?;
        return Ok(ExitCode::Success);
    }
    let passed = commands::check::run(&mut ws, &options, OffsetDateTime::now_utc());
    if args.json {
        // The report the run wrote, whether it passed, failed or could not run the tests.
        if let Some(report) = practice::results::Report::read(&ws.root) {
            print_report(&report);
        }
    }
    Ok(if passed? {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}

/// `check --json`: the results document on stdout, as `.skillforge/results.json` holds it.
fn print_report(report: &practice::results::Report) {
    println!("{}", String::from_utf8_lossy(&report.to_json()));
}
