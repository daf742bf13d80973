//! The one place clap's types become the domain's: each subcommand's arguments are turned
//! into the plain value its command takes, so nothing past `lib.rs` sees `cli`.

use std::collections::BTreeMap;

use clap::CommandFactory;

use crate::cli::{
    AddArgs, Cli, Color, ExportArgs, InstallerArg, NewArgs, PlanArgs, ResetArgs, SetupArgs,
    UpdateArgs,
};
use crate::commands;
use crate::error::{Error, Result};
use crate::plan::request::NewRequest;

/// `new`'s request. `--set key=value` pairs split on their first `=`; one without `=`, or
/// with an empty key, is refused.
pub fn new_request(args: NewArgs) -> Result<NewRequest> {
    Ok(NewRequest {
        name: args.name,
        blueprint: args.blueprint,
        skills: args.skills,
        from: args.from,
        rev: args.rev,
        addons: args.with,
        dry_run: args.dry_run,
        answers: set_pairs(&args.set)?,
        yes: args.yes,
        solved: args.solved,
        git: !args.no_git,
        setup: args.setup,
        classroom: args.classroom,
        output_dir: args.output_dir,
    })
}

fn set_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut answers = BTreeMap::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| Error::MalformedSet {
                given: pair.clone(),
            })?;
        answers.insert(key.trim().to_string(), value.to_string());
    }
    Ok(answers)
}

/// `plan`'s options.
pub fn plan_options(args: PlanArgs) -> commands::plan::Options {
    commands::plan::Options {
        skills: args.skills,
        json: args.json,
        alternatives: args.alternatives,
    }
}

/// `reset`'s options (the project is located from `--path` by the caller), at `now`.
pub fn reset_options(args: &ResetArgs, now: time::OffsetDateTime) -> commands::reset::Options<'_> {
    commands::reset::Options {
        task: &args.task,
        yes: args.yes,
        from: args.blueprints.from.as_deref(),
        now,
    }
}

/// `export`'s request (the project is located from `--path` by the caller).
pub fn export_request(args: &ExportArgs) -> crate::export::Request {
    crate::export::Request {
        destination: args.destination.clone(),
        squash: args.squash,
        allow_unfinished: args.allow_unfinished,
        from: args.blueprints.from.clone(),
    }
}

/// `add`'s options (the project is located from `--path` by the caller).
pub fn add_options(args: &AddArgs) -> commands::add::Options {
    commands::add::Options {
        addon: args.addon.clone(),
        allow_dirty: args.allow_dirty,
        commit: !args.no_commit,
        from: args.blueprints.from.clone(),
    }
}

/// `update`'s options (the project is located from `--path` by the caller).
pub fn update_options(args: &UpdateArgs) -> commands::update::Options {
    commands::update::Options {
        dry_run: args.dry_run,
        allow_dirty: args.allow_dirty,
        commit: !args.no_commit,
        from: args.blueprints.from.clone(),
    }
}

/// `setup`'s options.
pub fn setup_options(args: &SetupArgs) -> commands::setup::Options {
    commands::setup::Options {
        python: args.python.clone(),
        installer: match args.installer {
            InstallerArg::Auto => crate::environment::installer::Choice::Auto,
            InstallerArg::Uv => crate::environment::installer::Choice::Uv,
            InstallerArg::Pip => crate::environment::installer::Choice::Pip,
        },
        from: args.blueprints.from.clone(),
    }
}

/// How `--color` chooses to colour output.
pub fn color_choice(color: Color) -> anstream::ColorChoice {
    match color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    }
}

/// Writes the completion script of `shell` for this command line to stdout: it describes
/// the clap definition itself, so it is made here, at the edge.
pub fn print_completions(shell: clap_complete::Shell) {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "skillforge",
        &mut std::io::stdout(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<NewRequest> {
        let cli = Cli::try_parse_from(args).unwrap();
        match cli.command {
            crate::cli::Command::New(a) => new_request(a),
            _ => unreachable!(),
        }
    }

    #[test]
    fn set_pairs_split_on_the_first_equals() {
        let r = parse(&["skillforge", "new", "x", "--set", "a=b=c", "--set", "n=1"]).unwrap();
        assert_eq!(r.answers["a"], "b=c");
        assert_eq!(r.answers["n"], "1");
        assert!(r.git);
    }

    #[test]
    fn set_without_equals_is_refused() {
        let err = parse(&["skillforge", "new", "x", "--set", "author"]).unwrap_err();
        assert!(err.to_string().contains("key=value"), "{err}");
    }
}
