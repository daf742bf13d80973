//! skillforge: generate tested Python portfolio projects from composable blueprints.
//!
//! The stages, in the order data flows through them:
//! `cli` (argv) -> `request` (what was asked) -> `answers` + `plan` (everything decided) ->
//! `project` (composed model, rendered in memory by `render`) -> `generate` (temp dir, `git`,
//! rename into place). `blueprint` loads the embedded blueprints; `ui` prints for people.

pub mod answers;
pub mod blueprint;
pub mod cli;
pub mod commands;
pub mod error;
pub mod generate;
pub mod git;
pub mod interrupt;
pub mod naming;
pub mod plan;
pub mod planner;
pub mod project;
pub mod prompt;
pub mod render;
pub mod request;
pub mod ui;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{ExitCode, Result};

/// Runs skillforge with `args` (including the program name) and returns the exit code.
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
    ui::set_color(cli.color);
    match dispatch(cli.command) {
        Ok(()) => ExitCode::Success,
        Err(e) => {
            ui::error(&e.to_string());
            e.exit_code()
        }
    }
}

fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::New(args) => {
            let mut request = request::NewRequest::from_args(args)?;
            interrupt::install();
            let (library, _checkout) = commands::new::library_for(&mut request)?;
            let mut terminal = prompt::Terminal::new();
            let prompter: Option<&mut dyn prompt::Prompter> = if prompt::terminal_available() {
                Some(&mut terminal)
            } else {
                None
            };
            match commands::new::run(request, &library, prompter)? {
                commands::new::Outcome::Created(path) => println!("{}", path.display()),
                commands::new::Outcome::DryRun(listing) => print!("{listing}"),
            }
            Ok(())
        }
        Command::List(args) => {
            commands::list::run(&blueprint::Library::embedded()?, args.json);
            Ok(())
        }
        Command::Plan(args) => commands::plan::run(&blueprint::Library::embedded()?, &args),
        Command::Skills(args) => {
            commands::skills::run(&blueprint::Library::embedded()?, args.json);
            Ok(())
        }
        Command::Show(args) => commands::show::run(&blueprint::Library::embedded()?, &args.id),
        Command::Lint(args) => commands::lint::run(&args.path),
        Command::Completions(args) => {
            commands::completions::run(&args);
            Ok(())
        }
    }
}
