//! `minewatch`: the Anti-Personnel Mine Ban Convention, computed.
//!
//! The command line over the core's rules and the sourced registry. Each
//! subcommand lives in its own module of [`commands`]; [`output`] holds the
//! JSON shapes (a contract scripts rely on) and the text renderings.
//!
//! Exit codes: 0 success, 2 for any error (a bad argument, an unknown state,
//! a bad date, bad data). Errors are one line on stderr (a data check prints
//! every problem it finds, then a count).

mod check;
mod cli;
mod commands;
mod obligations_cmd;
mod output;
mod simulate_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// An error for the user: one line, exit code 2.
#[derive(Debug)]
pub(crate) struct CliError(pub(crate) String);

impl<T: std::fmt::Display> From<T> for CliError {
    fn from(value: T) -> CliError {
        CliError(value.to_string())
    }
}

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match commands::run(args, &mut stdout) {
        Ok(code) => code,
        Err(CliError(message)) => {
            let _ = stdout.flush();
            // A closed pipe (`minewatch parties | head`) is not an error worth a word.
            if message.contains("Broken pipe") {
                return ExitCode::SUCCESS;
            }
            eprintln!("minewatch: error: {message}");
            ExitCode::from(2)
        }
    }
}
