//! `minewatch parties`: the states bound on a date.

use minewatch_core::{State, Status};
use minewatch_registry::Loaded;

use super::{Out, json, on_date};
use crate::CliError;
use crate::cli::{OnDate, TableFormat};
use crate::output::{PartyJson, csv_field};

/// `minewatch parties [--on] [--consented] [--count] [--format]`.
pub(crate) fn parties(
    loaded: &Loaded,
    on: &OnDate,
    consented: bool,
    count: bool,
    format: TableFormat,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let on = on_date(on)?;
    let rows: Vec<(&State, Status)> = registry
        .statuses_on(on)
        .filter(|(_, s)| s.is_bound() || (consented && *s == Status::Consented))
        .collect();
    if count {
        writeln!(out, "{}", rows.len())?;
        return Ok(());
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
    Ok(())
}
