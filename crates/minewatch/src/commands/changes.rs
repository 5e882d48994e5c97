//! `minewatch changes`: every change between two dates.

use minewatch_json::{ChangeJson, ChangesQuery, changes_rows, csv_cell};
use minewatch_registry::Loaded;

use super::{Out, date_arg, json, today};
use crate::CliError;
use crate::cli::FiguresFormat;
use crate::output::Citations;

/// What `minewatch changes` was asked.
pub(crate) struct Query<'a> {
    pub(crate) from: &'a str,
    pub(crate) to: Option<&'a str>,
    pub(crate) states: &'a [String],
    pub(crate) group: Option<&'a str>,
    pub(crate) kinds: Option<&'a str>,
}

/// `minewatch changes --from DATE [--to DATE] [--state S]... [--group G]
/// [--kind K,...] [--format text|json|csv|md]`.
pub(crate) fn changes(
    loaded: &Loaded,
    query: &Query<'_>,
    format: FiguresFormat,
    out: Out<'_>,
) -> Result<(), CliError> {
    let from = date_arg("--from", query.from)?;
    let to = match query.to {
        Some(text) => date_arg("--to", text)?,
        None => today(),
    };
    let request = ChangesQuery {
        from: Some(from),
        to: Some(to),
        states: query.states.iter().map(String::as_str).collect(),
        group: query.group,
        kinds: query.kinds,
    };
    let rows = changes_rows(&loaded.registry, &loaded.context, &request).map_err(|e| {
        let option = match e.field {
            "state" => "--state",
            "group" => "--group",
            "kind" => "--kind",
            "from" => "--from",
            _ => "--to",
        };
        CliError::from(format!("{option}: {}", e.message))
    })?;
    match format {
        FiguresFormat::Json => json(out, &rows)?,
        FiguresFormat::Csv => {
            writeln!(out, "{}", ChangeJson::CSV_HEADER.join(","))?;
            for r in &rows {
                let cells: Vec<String> = r.csv_cells().iter().map(|c| csv_cell(c)).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        FiguresFormat::Text => {
            let mut citations = Citations::default();
            writeln!(out, "Changes after {from} up to {to}: {}", rows.len())?;
            for r in &rows {
                writeln!(out, "\n{}  {}", r.date, headline(r, true))?;
                if !r.text.is_empty() {
                    writeln!(out, "    {}", r.text)?;
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
            writeln!(out, "# Changes after {from} up to {to}\n")?;
            writeln!(
                out,
                "Computed by `minewatch changes` from the sourced record: a change dated {from} belongs to the range before.\n"
            )?;
            writeln!(out, "| date | change | article | sources |")?;
            writeln!(out, "|---|---|---|---|")?;
            for r in &rows {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    r.date,
                    headline(r, false).replace('|', "\\|"),
                    r.article.as_deref().unwrap_or(""),
                    citations.cite_at_most(&r.sources, SOURCES_CITED)
                )?;
            }
            write!(out, "{}", citations.list(loaded))?;
        }
    }
    Ok(())
}

/// "LTU status: party → withdrawing (Art. 20(2))", the article when asked.
fn headline(r: &ChangeJson, article: bool) -> String {
    let who = r.state.as_deref().unwrap_or("all states");
    let what = match r.name {
        Some(name) => format!("{} {name}", r.kind),
        None => r.kind.to_string(),
    };
    let arrow = format!(
        "{} → {}",
        r.before.as_deref().unwrap_or("—"),
        r.after.as_deref().unwrap_or("—")
    );
    match &r.article {
        Some(a) if article => format!("{who} {what}: {arrow} ({a})"),
        _ => format!("{who} {what}: {arrow}"),
    }
}

/// How many sources a change cites by footnote; more are counted.
const SOURCES_CITED: usize = 8;
