//! The domain value of `skillforge new`: what the user asked for, parsed once from the
//! command line. Answers still missing are obtained later, by prompt or default.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::NewArgs;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub name: Option<String>,
    pub blueprint: Option<String>,
    /// `--skills` lists, as typed.
    pub skills: Vec<String>,
    /// `--from`: a blueprint folder or git URL, and `--rev`.
    pub from: Option<String>,
    pub rev: Option<String>,
    /// `--with` add-on ids, as given.
    pub addons: Vec<String>,
    /// `--dry-run`: compose and list, write nothing.
    pub dry_run: bool,
    /// `--set key=value`, by key.
    pub answers: BTreeMap<String, String>,
    /// Take defaults instead of asking.
    pub yes: bool,
    pub solved: bool,
    pub git: bool,
    pub output_dir: PathBuf,
}

impl NewRequest {
    pub fn from_args(args: NewArgs) -> Result<NewRequest> {
        let mut answers = BTreeMap::new();
        for pair in &args.set {
            let (key, value) = pair
                .split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .ok_or_else(|| Error::MalformedSet {
                    given: pair.clone(),
                })?;
            answers.insert(key.trim().to_string(), value.to_string());
        }
        Ok(NewRequest {
            name: args.name,
            blueprint: args.blueprint,
            skills: args.skills,
            from: args.from,
            rev: args.rev,
            addons: args.with,
            dry_run: args.dry_run,
            answers,
            yes: args.yes,
            solved: args.solved,
            git: !args.no_git,
            output_dir: args.output_dir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<NewRequest> {
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        match cli.command {
            crate::cli::Command::New(a) => NewRequest::from_args(a),
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
