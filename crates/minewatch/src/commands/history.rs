//! `minewatch history`: the counts of every status over time.

use minewatch_registry::Loaded;

use super::{Out, date_arg, json, today};
use crate::CliError;
use crate::cli::{Step, TableFormat};
use crate::output::HistoryJson;

/// `minewatch history [--from] [--to] [--step] [--format]`.
pub(crate) fn history(
    loaded: &Loaded,
    from: Option<String>,
    to: Option<String>,
    step: Step,
    format: TableFormat,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let from = match from {
        Some(d) => date_arg("--from", &d)?,
        None => minewatch_core::articles::art15_signature::OPENED_FOR_SIGNATURE,
    };
    let to = match to {
        Some(d) => date_arg("--to", &d)?,
        None => today(),
    };
    if to < from {
        return Err(format!("--to {to} is before --from {from}").into());
    }
    let span = match step {
        Step::Day => jiff::Span::new().days(1),
        Step::Month => jiff::Span::new().months(1),
        Step::Year => jiff::Span::new().years(1),
    };
    let mut rows = Vec::new();
    let mut n = 0i64;
    loop {
        let Ok(date) = from.checked_add(span.checked_mul(n).map_err(|e| e.to_string())?) else {
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
    Ok(())
}
