//! `minewatch obligations`, `minewatch deadlines` and `minewatch casualties`.

use std::io::Write;

use jiff::Span;
use jiff::civil::Date;
use minewatch_core::{Obligation, ObligationState, Obligations, State};
use minewatch_registry::Loaded;
use serde::Serialize;

use crate::CliError;
use crate::cli::{Format, TableFormat};
use crate::output::{Citations, StepJson, csv_field};

/// One obligation, as `--format json` prints it (a contract).
#[derive(Serialize)]
pub(crate) struct ObligationJson {
    article: String,
    kind: &'static str,
    deadline: Option<String>,
    state: &'static str,
    detail: String,
    explanation: Vec<StepJson>,
    sources: Vec<String>,
}

impl From<&Obligation> for ObligationJson {
    fn from(o: &Obligation) -> ObligationJson {
        ObligationJson {
            article: o.article.to_string(),
            kind: o.kind,
            deadline: o.deadline.map(|d| d.to_string()),
            state: o.state.as_str(),
            detail: o.detail.clone(),
            explanation: o.explanation.iter().map(StepJson::from).collect(),
            sources: o.sources.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// `minewatch obligations --format json`.
#[derive(Serialize)]
struct ObligationsJson {
    state: String,
    name: String,
    on: String,
    status: &'static str,
    obligations: Vec<ObligationJson>,
}

/// The obligations of one state as text, with numbered sources.
pub(crate) fn obligations_text(
    loaded: &Loaded,
    state: &State,
    on: Date,
    list: &[Obligation],
) -> String {
    let status = loaded
        .registry
        .status_on(state.iso3, on)
        .map_or("unknown", |s| s.as_str());
    let mut out = format!("{} ({}) on {on}: {status}\n", state.name, state.iso3);
    if list.is_empty() {
        out.push_str(
            "  no obligations: it has not consented to be bound by the Convention on this date\n",
        );
        return out;
    }
    let mut citations = Citations::default();
    for o in list {
        let deadline = o
            .deadline
            .map_or("no deadline".to_string(), |d| format!("deadline {d}"));
        out.push_str(&format!(
            "\n{} {} ({deadline}): {}\n  {}\n",
            o.article, o.kind, o.state, o.detail
        ));
        for s in &o.explanation {
            let line = format!(
                "    {}  {:<13} {} {}",
                s.date,
                s.article,
                s.text,
                citations.cite(&s.sources)
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push_str(&citations.list(loaded));
    out
}

/// Runs `minewatch obligations`.
pub(crate) fn obligations(
    loaded: &Loaded,
    state: &State,
    on: Date,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let list = Obligations::new(&loaded.registry, &loaded.context).of(state.iso3, on);
    match format {
        Format::Json => {
            let value = ObligationsJson {
                state: state.iso3.to_string(),
                name: state.name.clone(),
                on: on.to_string(),
                status: loaded
                    .registry
                    .status_on(state.iso3, on)
                    .map_or("unknown", |s| s.as_str()),
                obligations: list.iter().map(ObligationJson::from).collect(),
            };
            crate::commands::json(out, &value)?;
        }
        Format::Text => write!(out, "{}", obligations_text(loaded, state, on, &list))?,
    }
    Ok(())
}

/// One open deadline.
#[derive(Serialize)]
struct DeadlineJson {
    state: String,
    name: String,
    article: String,
    kind: &'static str,
    deadline: String,
    /// Days from the date asked about to the deadline (negative when overdue).
    days: i64,
    #[serde(rename = "obligation_state")]
    standing: &'static str,
    detail: String,
}

/// Every State Party's open deadlines on `on`, soonest first.
pub(crate) fn deadlines(
    loaded: &Loaded,
    on: Date,
    within: Option<i64>,
    overdue: bool,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let computer = Obligations::new(&loaded.registry, &loaded.context);
    let limit = match within {
        Some(days) => Some(
            Span::new()
                .try_days(days)
                .ok()
                .and_then(|span| on.checked_add(span).ok())
                .ok_or_else(|| {
                    format!("--within {days}: {on} plus {days} days is past the last day of the calendar (9999-12-31)")
                })?,
        ),
        None => None,
    };
    let mut rows = Vec::new();
    for (state, status) in loaded.registry.statuses_on(on) {
        if !status.is_bound() {
            continue;
        }
        for o in computer.of(state.iso3, on) {
            let Some(deadline) = o.deadline else { continue };
            if !o.state.is_open() {
                continue;
            }
            if overdue && o.state != ObligationState::Missed {
                continue;
            }
            if limit.is_some_and(|l| deadline > l) {
                continue;
            }
            let days = (deadline - on).get_days().into();
            rows.push(DeadlineJson {
                state: state.iso3.to_string(),
                name: state.name.clone(),
                article: o.article.to_string(),
                kind: o.kind,
                deadline: deadline.to_string(),
                days,
                standing: o.state.as_str(),
                detail: o.detail,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.deadline, &a.state, &a.article).cmp(&(&b.deadline, &b.state, &b.article))
    });
    match format {
        TableFormat::Json => {
            crate::commands::json(out, &rows)?;
        }
        TableFormat::Csv => {
            writeln!(
                out,
                "state,name,article,kind,deadline,days,obligation_state,detail"
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    r.state,
                    csv_field(&r.name),
                    csv_field(&r.article),
                    r.kind,
                    r.deadline,
                    r.days,
                    r.standing,
                    csv_field(&r.detail)
                )?;
            }
        }
        TableFormat::Text => {
            writeln!(
                out,
                "Open deadlines of States Parties on {on} ({}):",
                rows.len()
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "  {}  {:>6} days  {}  {:<10} {:<22} {:<8} {}",
                    r.deadline, r.days, r.state, r.article, r.kind, r.standing, r.detail
                )?;
            }
        }
    }
    Ok(())
}

/// One year of casualties, global or of one country.
#[derive(Serialize)]
struct CasualtyJson {
    year: i16,
    state: Option<String>,
    total: u64,
    killed: Option<u64>,
    injured: Option<u64>,
    civilian_share: Option<u8>,
    child_share: Option<u8>,
    sources: Vec<String>,
    note: String,
}

/// Runs `minewatch casualties`.
pub(crate) fn casualties(
    loaded: &Loaded,
    country: Option<&State>,
    from: Option<i16>,
    to: Option<i16>,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let record = loaded.context.obligations();
    let in_range = |year: i16| from.is_none_or(|f| year >= f) && to.is_none_or(|t| year <= t);
    let rows: Vec<CasualtyJson> = match country {
        Some(state) => record
            .country_casualties
            .iter()
            .filter(|c| c.state == state.iso3 && in_range(c.year))
            .map(|c| CasualtyJson {
                year: c.year,
                state: Some(c.state.to_string()),
                total: c.total,
                killed: None,
                injured: None,
                civilian_share: None,
                child_share: None,
                sources: c.sources.iter().map(|s| s.to_string()).collect(),
                note: c.note.clone(),
            })
            .collect(),
        None => record
            .casualties
            .iter()
            .filter(|c| in_range(c.year))
            .map(|c| CasualtyJson {
                year: c.year,
                state: None,
                total: c.total,
                killed: c.killed,
                injured: c.injured,
                civilian_share: c.civilian_share,
                child_share: c.child_share,
                sources: c.sources.iter().map(|s| s.to_string()).collect(),
                note: c.note.clone(),
            })
            .collect(),
    };
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let pct = |v: Option<u8>| v.map(|n| n.to_string()).unwrap_or_default();
    match format {
        TableFormat::Json => {
            crate::commands::json(out, &rows)?;
        }
        TableFormat::Csv => {
            writeln!(
                out,
                "year,state,total,killed,injured,civilian_share,child_share,sources"
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    r.year,
                    r.state.as_deref().unwrap_or(""),
                    r.total,
                    opt(r.killed),
                    opt(r.injured),
                    pct(r.civilian_share),
                    pct(r.child_share),
                    csv_field(&r.sources.join(";"))
                )?;
            }
        }
        TableFormat::Text => {
            let whose = country.map_or("the world".to_string(), |s| {
                format!("{} ({})", s.name, s.iso3)
            });
            writeln!(
                out,
                "Recorded casualties of mines and explosive remnants of war, {whose} (Landmine Monitor):"
            )?;
            if rows.is_empty() {
                writeln!(out, "  none on record for these years")?;
            }
            let mut citations = Citations::default();
            for r in &rows {
                let mut line = format!("  {}  {:>6}", r.year, r.total);
                if let (Some(k), Some(i)) = (r.killed, r.injured) {
                    line.push_str(&format!("  killed {k}, injured {i}"));
                }
                if let Some(c) = r.civilian_share {
                    line.push_str(&format!("  civilians {c}%"));
                }
                if let Some(c) = r.child_share {
                    line.push_str(&format!("  children {c}%"));
                }
                let ids: Vec<minewatch_core::SourceId> = r
                    .sources
                    .iter()
                    .map(|s| minewatch_core::SourceId::new(s))
                    .collect();
                line.push_str(&format!(" {}", citations.cite(&ids)));
                writeln!(out, "{}", line.trim_end())?;
            }
            write!(out, "{}", citations.list(loaded))?;
        }
    }
    Ok(())
}
