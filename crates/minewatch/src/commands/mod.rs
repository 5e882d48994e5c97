//! The subcommands, one module each: each reads the registry, asks the
//! core, and prints. This module dispatches and holds what they share
//! (dates, state look-ups, JSON output).

mod brief;
mod changes;
pub(crate) mod check;
mod data;
mod figures;
mod history;
mod monitor_figures;
pub(crate) mod obligations;
mod parties;
pub(crate) mod simulate;
mod status;
mod store;
mod what_if;

use std::io::Write;
use std::process::ExitCode;

use jiff::civil::Date;
use minewatch_core::{Registry, State};
use minewatch_registry::{Loaded, load_dir, load_embedded, parse_date};

use crate::CliError;
use crate::cli::{Cli, Command, DataCommand, EditorCommand, OnDate, WhatIf};

pub(crate) type Out<'a> = &'a mut dyn Write;

/// Runs one command line.
pub(crate) fn run(cli: Cli, out: Out<'_>) -> Result<ExitCode, CliError> {
    let data = cli.data.clone();
    let as_of = cli.as_of.clone();
    let record = |data: Option<&std::path::Path>| record_as_of(data, as_of.as_deref());
    match cli.command {
        Command::Serve {
            addr,
            database,
            header_timeout,
            idle_timeout,
            shutdown_deadline,
            max_connections,
            public_url,
            webhook_timeout,
            webhook_ca,
            today,
        } => store::serve(&store::ServeOptions {
            addr: &addr,
            database: &database,
            header_timeout,
            idle_timeout,
            shutdown_deadline,
            max_connections,
            public_url,
            webhook_timeout,
            webhook_ca,
            today: today.map(|t| date_arg("--today", &t)).transpose()?,
        })?,
        Command::Webhook(command) => store::webhook(command, out)?,
        Command::Editor(EditorCommand::Add {
            name,
            role,
            database,
        }) => {
            store::add_editor(&name, role.role(), &database, out)?;
        }
        Command::Editor(EditorCommand::List { database, format }) => {
            store::list_editors(&database, format, out)?;
        }
        Command::Editor(EditorCommand::Approvals { count, database }) => {
            store::approvals(count, &database, out)?;
        }
        Command::Editor(EditorCommand::Revoke { name, database }) => {
            store::revoke_editor(&name, &database, out)?;
        }
        Command::Export { dir, database } => store::export(&dir, &database, out)?,
        Command::Import { dir, database } => store::import(&dir, &database, out)?,
        Command::Simulate(args) => simulate::dispatch(&args, out)?,
        Command::Data(DataCommand::Sync { database, dry_run }) => {
            return store::sync(&database, dry_run, out);
        }
        Command::Data(DataCommand::Check { dir }) => {
            let dir = dir.or(data).unwrap_or_else(|| "data".into());
            return data::data_check(&dir, out);
        }
        Command::Check {
            claim,
            file,
            on,
            also_on,
            format,
        } => {
            let loaded = record(data.as_deref())?;
            let mut dates = vec![on_date(&on)?];
            for text in &also_on {
                dates.push(date_arg("--also-on", text)?);
            }
            let input = match &file {
                Some(path) => check::Input::File(path),
                None => check::Input::Claim(claim.join(" ")),
            };
            return check::run(&loaded, &input, &dates, format, out);
        }
        Command::Brief {
            state,
            on,
            format,
            out: file,
            peers,
            since,
        } => {
            let loaded = record(data.as_deref())?;
            let args = brief::BriefArgs {
                state,
                on,
                format,
                file,
                peers,
                since,
            };
            brief::brief(&loaded, args, out)?;
        }
        Command::Obligations { state, on, format } => {
            let loaded = record(data.as_deref())?;
            let on = on_date(&on)?;
            let state = find(&loaded.registry, &state)?;
            obligations::obligations(&loaded, state, on, format, out)?;
        }
        Command::Deadlines {
            on,
            within,
            overdue,
            format,
        } => {
            let loaded = record(data.as_deref())?;
            let on = on_date(&on)?;
            obligations::deadlines(&loaded, on, within.map(i64::from), overdue, format, out)?;
        }
        Command::Casualties {
            country,
            from,
            to,
            format,
        } => {
            let loaded = record(data.as_deref())?;
            let country = match &country {
                Some(q) => Some(find(&loaded.registry, q)?),
                None => None,
            };
            obligations::casualties(&loaded, country, from, to, format, out)?;
        }
        Command::Status { state, on, format } => {
            status::status(&record(data.as_deref())?, &state, &on, format, out)?;
        }
        Command::Figures { on, format } => {
            figures::figures(&record(data.as_deref())?, &on, format, out)?;
        }
        Command::Changes {
            from,
            to,
            state,
            group,
            kind,
            format,
        } => {
            let loaded = record(data.as_deref())?;
            let query = changes::Query {
                from: &from,
                to: to.as_deref(),
                states: &state,
                group: group.as_deref(),
                kinds: kind.as_deref(),
            };
            changes::changes(&loaded, &query, format, out)?;
        }
        Command::MonitorFigures { format } => {
            monitor_figures::monitor_figures(&record(data.as_deref())?, format, out)?;
        }
        Command::Timeline { state, format } => {
            status::timeline(&record(data.as_deref())?, &state, format, out)?;
        }
        Command::Parties {
            on,
            consented,
            count,
            format,
        } => {
            let loaded = record(data.as_deref())?;
            parties::parties(&loaded, &on, consented, count, format, out)?;
        }
        Command::History {
            from,
            to,
            step,
            format,
        } => history::history(&record(data.as_deref())?, from, to, step, format, out)?,
        Command::WhatIf(WhatIf::Withdraw {
            state,
            deposited,
            on,
            format,
        }) => {
            let loaded = record(data.as_deref())?;
            what_if::withdraw(&loaded, &state, &deposited, &on, format, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The record: as it stood after an edit of the deployment's log with
/// `--as-of`, else the built-in `data/` or the folder of `--data`.
fn record_as_of(data: Option<&std::path::Path>, as_of: Option<&str>) -> Result<Loaded, CliError> {
    let Some(as_of) = as_of else {
        return record(data);
    };
    if data.is_some() {
        return Err(CliError::from(
            "--as-of reads a deployment's edit log; it does not go with --data".to_string(),
        ));
    }
    let database = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| minewatch_web::DEFAULT_DATABASE.to_string());
    // A question about a deployment's past never makes a database.
    if let Some(path) = database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).exists() {
            return Err(CliError::from(format!(
                "--as-of reads a deployment's edit log, and there is no database at {path} (set DATABASE_URL)"
            )));
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::from(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let store = minewatch_web::Store::open(&database).await?;
        let version = store
            .resolve_as_of(as_of)
            .await?
            .map_err(|message| CliError::from(format!("--as-of {as_of}: {message}")))?;
        eprintln!("minewatch: the record as it stood after edit {version}");
        Ok(store.load_as_of(version).await?)
    })
}

/// The record: the built-in `data/`, or the folder of `--data`.
fn record(data: Option<&std::path::Path>) -> Result<Loaded, CliError> {
    match data {
        Some(dir) => load_dir(dir).map_err(|e| {
            CliError::from(format!(
                "the data folder {} has problems (run `minewatch data check {}`): {}",
                dir.display(),
                dir.display(),
                e.to_string().lines().next().unwrap_or("")
            ))
        }),
        None => Ok(load_embedded()?),
    }
}

pub(crate) fn json<T: serde::Serialize>(out: Out<'_>, value: &T) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn date_arg(option: &str, text: &str) -> Result<Date, CliError> {
    parse_date(text).map_err(|e| CliError::from(format!("{option} {text:?}: {e}")))
}

fn on_date(on: &OnDate) -> Result<Date, CliError> {
    match &on.on {
        Some(text) => date_arg("--on", text),
        None => Ok(today()),
    }
}

fn find<'r>(registry: &'r Registry, query: &str) -> Result<&'r State, CliError> {
    registry
        .find_state(query)
        .map_err(|nf| CliError::from(nf.to_string()))
}
