//! `minewatch`: the Anti-Personnel Mine Ban Convention, computed.
//!
//! The command line over the core's rules and the sourced registry. Each
//! subcommand lives in its own module of [`commands`]; [`output`] holds the
//! JSON shapes (a contract scripts rely on) and the text renderings.
//!
//! Exit codes: 0 success, 2 for any error (a bad argument, an unknown state,
//! a bad date, bad data). Errors are one line on stderr (a data check prints
//! every problem it finds, then a count).

mod cli;
mod commands;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// An error for the user: one line on stderr, exit code 2. A write to a
/// closed pipe (`minewatch parties | head`) is told apart by its kind and
/// ends the command quietly.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// What is wrong, in words.
    Message(String),
}

impl CliError {
    fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Message(m) => f.write_str(m),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::Io(e)
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> CliError {
        match e.io_error_kind() {
            Some(kind) => CliError::Io(std::io::Error::new(kind, e)),
            None => CliError::Message(e.to_string()),
        }
    }
}

impl From<String> for CliError {
    fn from(m: String) -> CliError {
        CliError::Message(m)
    }
}

impl From<&str> for CliError {
    fn from(m: &str) -> CliError {
        CliError::Message(m.to_string())
    }
}

/// Errors of the libraries, said in their own words.
macro_rules! said {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> CliError {
                CliError::Message(e.to_string())
            }
        }
    )*};
}

said!(
    minewatch_web::StoreError,
    minewatch_registry::LoadErrors,
    minewatch_claims::ClaimError,
    minewatch_sim::ScenarioError,
    std::fmt::Error
);

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match commands::run(args, &mut stdout) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("minewatch: error: {e}");
            ExitCode::from(2)
        }
    }
}
