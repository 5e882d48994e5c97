//! `minewatch figures`: the treaty-status figures on a date.

use minewatch_core::figures::Figures;
use minewatch_json::{FigureJson, csv_cell};
use minewatch_registry::Loaded;

use super::{Out, json, on_date};
use crate::CliError;
use crate::cli::{FiguresFormat, OnDate};
use crate::output::Citations;

/// How many states a text line lists before it says how many more.
const STATES_SHOWN: usize = 12;
/// How many sources a figure cites by footnote in text and Markdown; more
/// are counted and left to `--format json`.
const SOURCES_CITED: usize = 12;

/// `minewatch figures [--on DATE] [--format text|json|csv|md]`.
pub(crate) fn figures(
    loaded: &Loaded,
    on: &OnDate,
    format: FiguresFormat,
    out: Out<'_>,
) -> Result<(), CliError> {
    let on = on_date(on)?;
    let rows: Vec<FigureJson> = Figures::new(&loaded.registry, &loaded.context)
        .on(on)
        .iter()
        .map(FigureJson::new)
        .collect();
    match format {
        FiguresFormat::Json => json(out, &rows)?,
        FiguresFormat::Csv => {
            writeln!(out, "{}", FigureJson::CSV_HEADER.join(","))?;
            for r in &rows {
                let cells: Vec<String> = r.csv_cells().iter().map(|c| csv_cell(c)).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        FiguresFormat::Text => {
            let mut citations = Citations::default();
            writeln!(out, "Treaty-status figures on {on}")?;
            for r in &rows {
                writeln!(out, "\n{:<36} {:>12}  {}", r.figure, value(r), heading(r))?;
                if let Some(states) = &r.states
                    && !states.is_empty()
                {
                    writeln!(out, "    states: {}", states_line(states))?;
                }
                if let Some(reason) = &r.reason {
                    writeln!(out, "    {reason}")?;
                }
                if !r.sources.is_empty() {
                    writeln!(
                        out,
                        "    sources: {}",
                        citations.cite_at_most(&r.sources, SOURCES_CITED)
                    )?;
                }
            }
            write!(out, "{}", citations.list(loaded))?;
        }
        FiguresFormat::Md => {
            let mut citations = Citations::default();
            writeln!(out, "# Treaty-status figures on {on}\n")?;
            writeln!(
                out,
                "Computed by `minewatch figures --on {on} --format md` from the sourced record. \
                 A value marked \"at least\" lacks some states' numbers; a missing value is one \
                 the record cannot compute. Each reason says which.\n"
            )?;
            writeln!(
                out,
                "| figure | value | what it counts | states | sources |"
            )?;
            writeln!(out, "|---|---:|---|---|---|")?;
            for r in &rows {
                let states = match &r.states {
                    Some(s) if !s.is_empty() => states_line(s),
                    _ => String::new(),
                };
                let mut what = heading(r);
                if let Some(reason) = &r.reason {
                    what.push_str(&format!(" ({reason})"));
                }
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} |",
                    r.figure,
                    value(r),
                    md_cell(&what),
                    states,
                    citations.cite_at_most(&r.sources, SOURCES_CITED)
                )?;
            }
            write!(out, "{}", citations.list(loaded))?;
        }
    }
    Ok(())
}

/// "161", "at least 45,000", "unknown".
fn value(r: &FigureJson) -> String {
    match r.value {
        None => "unknown".to_string(),
        Some(v) if r.bound == "at_least" => {
            format!("at least {}", minewatch_core::thousands(v))
        }
        Some(v) => minewatch_core::thousands(v),
    }
}

/// What it counts, with its year and article.
fn heading(r: &FigureJson) -> String {
    let mut text = r.description.to_string();
    if let Some(year) = r.year {
        text.push_str(&format!(" ({year})"));
    }
    if let Some(article) = &r.article {
        text.push_str(&format!(" [{article}]"));
    }
    text
}

fn states_line(states: &[String]) -> String {
    if states.len() <= STATES_SHOWN {
        states.join(", ")
    } else {
        format!(
            "{}, and {} more (--format json lists them)",
            states[..STATES_SHOWN].join(", "),
            states.len() - STATES_SHOWN
        )
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}
