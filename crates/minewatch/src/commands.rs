//! The subcommands: each reads the registry, asks the core, and prints.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use minewatch_core::{Registry, State, Status};
use minewatch_registry::{Loaded, load_dir, load_embedded, parse_date};

use crate::CliError;
use crate::cli::{Cli, Command, DataCommand, Format, OnDate, Step, TableFormat, WhatIf};
use crate::output::{HistoryJson, PartyJson, StatusJson, WhatIfJson, csv_field, explanation_text};

type Out<'a> = &'a mut dyn Write;

/// Runs one command line.
pub(crate) fn run(cli: Cli, out: Out<'_>) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Serve {
            addr,
            database,
            header_timeout,
            idle_timeout,
            shutdown_deadline,
            max_connections,
        } => {
            init_logging();
            let secs = std::time::Duration::from_secs;
            let limits = minewatch_web::Limits {
                header_timeout: secs(*header_timeout),
                idle_timeout: secs(*idle_timeout),
                shutdown_deadline: secs(*shutdown_deadline),
                max_connections: usize::try_from(*max_connections).unwrap_or(usize::MAX),
            };
            runtime()?.block_on(minewatch_web::serve(addr, database, limits))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Editor(crate::cli::EditorCommand::Add { name, database }) => {
            let token = runtime()?.block_on(async {
                let store = minewatch_web::Store::open(database).await?;
                store.add_editor(name).await
            })?;
            writeln!(
                out,
                "editor {name} added; the token (shown once, stored only as a hash):\n{token}"
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Simulate(args) => {
            crate::simulate_cmd::dispatch(args, out)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Export { dir, database } => {
            let n = runtime()?.block_on(async {
                let store = minewatch_web::Store::open(database).await?;
                store.export(dir).await
            })?;
            writeln!(out, "wrote {n} files to {}", dir.display())?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    if let Command::Data(DataCommand::Check { dir }) = &cli.command {
        let dir = dir
            .clone()
            .or(cli.data.clone())
            .unwrap_or_else(|| "data".into());
        return data_check(&dir, out);
    }
    let loaded = match &cli.data {
        Some(dir) => load_dir(dir).map_err(|e| {
            format!(
                "the data folder {} has problems (run `minewatch data check {}`): {}",
                dir.display(),
                dir.display(),
                first_line(&e.to_string())
            )
        })?,
        None => load_embedded()?,
    };
    let registry = &loaded.registry;
    match cli.command {
        Command::Check {
            claim,
            file,
            on,
            also_on,
            format,
        } => {
            let mut dates = vec![on_date(&on)?];
            for text in &also_on {
                dates.push(date_arg("--also-on", text)?);
            }
            let input = match &file {
                Some(path) => crate::check::Input::File(path),
                None => crate::check::Input::Claim(claim.join(" ")),
            };
            return crate::check::run(&loaded, &input, &dates, format, out);
        }
        Command::Brief {
            state,
            on,
            format,
            out: file,
            peers,
            since,
        } => {
            let on = on_date(&on)?;
            let state = find(registry, &state)?;
            let mut codes = Vec::new();
            for peer in peers.iter().filter(|p| !p.trim().is_empty()) {
                codes.push(find(registry, peer)?.iso3);
            }
            let since = match &since {
                Some(text) => Some(date_arg("--since", text)?),
                None => None,
            };
            let request = minewatch_brief::BriefRequest {
                state: state.iso3,
                on,
                peers: codes,
                since,
            };
            let brief = minewatch_brief::build(&loaded, &request);
            let text = match format {
                crate::cli::BriefFormat::Md => brief.markdown(),
                crate::cli::BriefFormat::Html => brief.html(),
            };
            match file {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => write!(out, "{text}")?,
            }
        }
        Command::Obligations { state, on, format } => {
            let on = on_date(&on)?;
            let state = find(registry, &state)?;
            crate::obligations_cmd::obligations(&loaded, state, on, format, out)?;
        }
        Command::Deadlines {
            on,
            within,
            overdue,
            format,
        } => {
            let on = on_date(&on)?;
            crate::obligations_cmd::deadlines(
                &loaded,
                on,
                within.map(i64::from),
                overdue,
                format,
                out,
            )?;
        }
        Command::Casualties {
            country,
            from,
            to,
            format,
        } => {
            let country = match &country {
                Some(q) => Some(find(registry, q)?),
                None => None,
            };
            crate::obligations_cmd::casualties(&loaded, country, from, to, format, out)?;
        }
        Command::Status { state, on, format } => {
            let on = on_date(&on)?;
            let state = find(registry, &state)?;
            let assessment = registry.assess(state.iso3, on).ok_or("no such state")?;
            match format {
                Format::Json => {
                    let groups = loaded
                        .context
                        .groups_of(assessment.state, assessment.on)
                        .map(|g| g.id.clone())
                        .collect();
                    json(out, &StatusJson::new(registry, &assessment, groups))?
                }
                Format::Text => {
                    let mut text = format!(
                        "{} ({}) on {on}: {}\n",
                        state.name, state.iso3, assessment.status
                    );
                    if let Some(d) = assessment.entry_into_force {
                        let verb = if d <= on {
                            "in force for it from"
                        } else {
                            "enters into force for it on"
                        };
                        text.push_str(&format!("  {verb} {d}\n"));
                    }
                    if assessment.provisional_application {
                        text.push_str("  applies Art. 1(1) provisionally (Art. 18)\n");
                    }
                    if let Some(w) = &assessment.withdrawal {
                        text.push_str(&format!(
                            "  withdrawal notified {}; six months after: {}\n",
                            w.received, w.six_months_after
                        ));
                        match w.effective {
                            Some(d) => text.push_str(&format!("  withdrawal effective {d}\n")),
                            None => text.push_str("  withdrawal effective: not before the end of the armed conflict (Art. 20(3)); no end is known\n"),
                        }
                    }
                    text.push_str(&explanation_text(
                        &loaded,
                        &assessment.steps,
                        &assessment.findings,
                    ));
                    write!(out, "{text}")?;
                }
            }
        }
        Command::Parties {
            on,
            consented,
            count,
            format,
        } => {
            let on = on_date(&on)?;
            let rows: Vec<(&State, Status)> = registry
                .statuses_on(on)
                .filter(|(_, s)| s.is_bound() || (consented && *s == Status::Consented))
                .collect();
            if count {
                writeln!(out, "{}", rows.len())?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<PartyJson> = rows
                .into_iter()
                .map(|(s, st)| PartyJson::new(registry, s, st, on))
                .collect();
            match format {
                TableFormat::Json => json(out, &rows)?,
                TableFormat::Csv => {
                    writeln!(out, "state,name,status,entry_into_force")?;
                    for r in &rows {
                        writeln!(
                            out,
                            "{},{},{},{}",
                            r.state,
                            csv_field(&r.name),
                            r.status,
                            r.entry_into_force.as_deref().unwrap_or("")
                        )?;
                    }
                }
                TableFormat::Text => {
                    writeln!(out, "{} states on {on}", rows.len())?;
                    for r in &rows {
                        writeln!(
                            out,
                            "  {}  {:<52} {:<20} {}",
                            r.state,
                            r.name,
                            r.status,
                            r.entry_into_force.as_deref().unwrap_or("-")
                        )?;
                    }
                }
            }
        }
        Command::Timeline { state, format } => {
            let state = find(registry, &state)?;
            let assessment = registry
                .assess(state.iso3, Date::MAX)
                .ok_or("no such state")?;
            match format {
                Format::Json => {
                    let steps: Vec<crate::output::StepJson> =
                        assessment.steps.iter().map(Into::into).collect();
                    json(out, &steps)?;
                }
                Format::Text => {
                    let mut text = format!(
                        "{} ({}): every recorded act and change of status\n",
                        state.name, state.iso3
                    );
                    if assessment.steps.is_empty() {
                        text.push_str("  no act recorded: non_signatory on every date\n");
                    }
                    text.push_str(&explanation_text(
                        &loaded,
                        &assessment.steps,
                        &assessment.findings,
                    ));
                    write!(out, "{text}")?;
                }
            }
        }
        Command::History {
            from,
            to,
            step,
            format,
        } => {
            let from = match from {
                Some(d) => date_arg("--from", &d)?,
                None => minewatch_core::articles::art15_signature::OPENED_FOR_SIGNATURE,
            };
            let to = match to {
                Some(d) => date_arg("--to", &d)?,
                None => today(),
            };
            if to < from {
                return Err(CliError(format!("--to {to} is before --from {from}")));
            }
            let span = match step {
                Step::Day => jiff::Span::new().days(1),
                Step::Month => jiff::Span::new().months(1),
                Step::Year => jiff::Span::new().years(1),
            };
            let mut rows = Vec::new();
            let mut n = 0i64;
            loop {
                let Ok(date) = from.checked_add(span.checked_mul(n).map_err(|e| e.to_string())?)
                else {
                    break;
                };
                if date > to {
                    break;
                }
                rows.push(HistoryJson::on(registry, date));
                n += 1;
            }
            match format {
                TableFormat::Json => json(out, &rows)?,
                TableFormat::Csv | TableFormat::Text => {
                    let csv = format == TableFormat::Csv;
                    // The status counts; the cumulative two are the API's.
                    let mut header = ["date"; 9];
                    header[1..].copy_from_slice(&HistoryJson::COUNTS[..8]);
                    if csv {
                        writeln!(out, "{}", header.join(","))?;
                    } else {
                        writeln!(
                            out,
                            "{:<10} {:>11} {:>9} {:>5} {:>5} {:>11} {:>19} {:>9} {:>15}",
                            header[0],
                            header[1],
                            header[2],
                            header[3],
                            header[4],
                            header[5],
                            header[6],
                            header[7],
                            header[8]
                        )?;
                    }
                    for r in &rows {
                        let all = r.counts();
                        let cells = &all[..8];
                        if csv {
                            let joined: Vec<String> = cells.iter().map(usize::to_string).collect();
                            writeln!(out, "{},{}", r.date, joined.join(","))?;
                        } else {
                            writeln!(
                                out,
                                "{:<10} {:>11} {:>9} {:>5} {:>5} {:>11} {:>19} {:>9} {:>15}",
                                r.date,
                                cells[0],
                                cells[1],
                                cells[2],
                                cells[3],
                                cells[4],
                                cells[5],
                                cells[6],
                                cells[7]
                            )?;
                        }
                    }
                }
            }
        }
        Command::WhatIf(WhatIf::Withdraw {
            state,
            deposited,
            on,
            format,
        }) => {
            let deposited = date_arg("--deposited", &deposited)?;
            let on = on_date(&on)?;
            let state = find(registry, &state)?;
            let assessment = registry
                .what_if_withdraw(state.iso3, deposited, on)
                .map_err(|v| {
                    format!(
                        "{} cannot withdraw on {deposited}: {}",
                        state.name, v.message
                    )
                })?;
            match format {
                Format::Json => json(out, &WhatIfJson::new(registry, deposited, &assessment))?,
                Format::Text => {
                    let w = assessment
                        .withdrawal
                        .as_ref()
                        .ok_or("no withdrawal computed")?;
                    let mut text = format!(
                        "If the depositary received a notification of withdrawal from {} ({}) on {deposited}:\n  six months after receipt: {}\n",
                        state.name, state.iso3, w.six_months_after
                    );
                    if w.deferred_by_armed_conflict {
                        text.push_str(
                            "  deferred: engaged in an armed conflict on that date (Art. 20(3))\n",
                        );
                    }
                    match w.effective {
                        Some(d) => text.push_str(&format!("  takes effect: {d}\n")),
                        None => text.push_str(
                            "  takes effect: not before the armed conflict ends; no end is known\n",
                        ),
                    }
                    text.push_str(&format!(
                        "  status on {}: {}\n",
                        assessment.on, assessment.status
                    ));
                    text.push_str(&explanation_text(
                        &loaded,
                        &assessment.steps,
                        &assessment.findings,
                    ));
                    write!(out, "{text}")?;
                }
            }
        }
        // Handled before the registry is loaded: it checks another folder.
        Command::Data(DataCommand::Check { .. })
        | Command::Serve { .. }
        | Command::Editor(_)
        | Command::Export { .. }
        | Command::Simulate(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn data_check(dir: &Path, out: Out<'_>) -> Result<ExitCode, CliError> {
    match load_dir(dir) {
        Ok(loaded) => {
            print_summary(&loaded, dir, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{}", e.render());
            }
            let n = errors.0.len();
            Err(CliError(format!(
                "{} problem{} in {}",
                n,
                if n == 1 { "" } else { "s" },
                dir.display()
            )))
        }
    }
}

fn print_summary(loaded: &Loaded, dir: &Path, out: Out<'_>) -> Result<(), CliError> {
    let r = &loaded.registry;
    let findings: usize = r
        .current_states()
        .filter_map(|s| r.assess(s.iso3, Date::MAX))
        .map(|a| a.findings.len())
        .sum();
    writeln!(
        out,
        "{}: ok: {} states ({} former), {} treaty actions, {} armed conflicts, {} source conflicts, {} sources; {} findings to review (see `minewatch status`)",
        dir.display(),
        r.current_states().count(),
        r.states().len() - r.current_states().count(),
        r.actions().len(),
        r.conflicts().len(),
        r.source_conflicts().len(),
        loaded.sources.len(),
        findings
    )?;
    let c = &loaded.context;
    writeln!(
        out,
        "{}: also {} groups with {} memberships, {} Monitor reports with {} findings of use, {} policy events, {} treaty events",
        dir.display(),
        c.groups().len(),
        c.memberships().len(),
        c.reports().len(),
        c.uses().len(),
        c.policies().len(),
        c.treaty_events().len()
    )?;
    let o = c.obligations();
    writeln!(
        out,
        "{}: obligations: {} meetings, {} stockpile facts, {} clearance facts, {} Article 7 report facts, {} retained figures, {} years of casualties, {} country-years, {} contamination estimates",
        dir.display(),
        o.meetings.len(),
        o.stockpiles.len(),
        o.clearance.len(),
        o.reports.len(),
        o.retained.len(),
        o.casualties.len(),
        o.country_casualties.len(),
        o.contamination.len()
    )?;
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

pub(crate) fn json<T: serde::Serialize>(out: Out<'_>, value: &T) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the runtime: {e}")))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn date_arg(option: &str, text: &str) -> Result<Date, CliError> {
    parse_date(text).map_err(|e| CliError(format!("{option} {text:?}: {e}")))
}

fn on_date(on: &OnDate) -> Result<Date, CliError> {
    match &on.on {
        Some(text) => date_arg("--on", text),
        None => Ok(today()),
    }
}

fn find<'r>(registry: &'r Registry, query: &str) -> Result<&'r State, CliError> {
    registry.find_state(query).map_err(|nf| {
        let mut message = format!("unknown state {:?}", nf.query);
        if !nf.suggestions.is_empty() {
            let list: Vec<String> = nf
                .suggestions
                .iter()
                .map(|(c, n)| format!("{c} ({n})"))
                .collect();
            message.push_str(&format!("; did you mean {}?", list.join(", ")));
        }
        CliError(message)
    })
}
