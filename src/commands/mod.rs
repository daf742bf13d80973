//! One small function per subcommand; `lib::run` dispatches to them.

pub mod add;
pub mod author;
pub mod check;
pub mod doctor;
pub mod export;
pub mod hint;
pub mod lint;
pub mod list;
pub mod new;
pub mod plan;
pub mod reset;
pub mod setup;
pub mod show;
pub mod skills;
pub mod solution;
pub mod status;
pub mod update;
