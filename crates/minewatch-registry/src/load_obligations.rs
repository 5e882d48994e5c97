//! Reading the files behind Articles 3, 4, 5 and 7 and the humanitarian
//! record: meetings, stockpiles, clearance, Article 7 reports, retained
//! mines, casualties and contamination. Each file may be absent.

use std::collections::{BTreeMap, BTreeSet};

use minewatch_core::{
    CasualtyYear, ClearanceEvent, ClearanceEventKind, ContaminationEstimate, CountryCasualties,
    FactDate, Iso3, Meeting, ObligationRecord, Qualifier, ReportFact, ReportingRate,
    RetainedFigure, SourceId, StatedFigure, StockpileEvent, StockpileEventKind,
};

use crate::csv::Record;
use crate::reader::{Reader, SourceRecord, Table};

/// The columns of the last ten of [`CONTEXT_FILES`](crate::CONTEXT_FILES).
pub(crate) const OBLIGATION_COLUMNS: [&[&str]; 10] = [
    &[
        "id", "name", "kind", "year", "start", "end", "place", "sources",
    ],
    &["state", "event", "date", "quantity", "sources", "note"],
    &[
        "state", "event", "date", "meeting", "deadline", "sources", "note",
    ],
    &[
        "state", "report", "covering", "status", "date", "sources", "note",
    ],
    &["state", "date", "quantity", "sources", "note"],
    &[
        "year",
        "total",
        "killed",
        "injured",
        "civilian_share",
        "child_share",
        "report",
        "sources",
        "note",
    ],
    &["year", "state", "total", "sources", "note"],
    &["state", "date", "area_km2", "kind", "sources", "note"],
    &[
        "covering",
        "due",
        "submitted",
        "rate",
        "as_of",
        "sources",
        "note",
    ],
    &[
        "report",
        "figure",
        "value",
        "qualifier",
        "as_of",
        "sources",
        "note",
        "difference",
    ],
];

/// What every row shares: its sources and note.
struct Common {
    sources: Vec<SourceId>,
    note: String,
}

impl Reader {
    fn fact_date(&mut self, table: &Table<'_>, record: &Record, field: &str) -> Option<FactDate> {
        let cell = table.cell(record, field);
        if cell.text.len() == 4 && cell.text.bytes().all(|b| b.is_ascii_digit()) {
            return cell.text.parse().ok().and_then(FactDate::year);
        }
        match crate::parse_date(&cell.text) {
            Ok(date) => Some(FactDate::day(date)),
            Err(_) => {
                let message = "expected a date as YYYY-MM-DD or a year as YYYY".to_string();
                self.errors.push(table.error(cell, field, message));
                None
            }
        }
    }

    /// A whole number; `None` inside for an empty optional cell.
    fn number<T: std::str::FromStr>(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        field: &str,
        required: bool,
    ) -> Option<Option<T>> {
        let cell = table.cell(record, field);
        if cell.text.is_empty() && !required {
            return Some(None);
        }
        match cell.text.parse::<T>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                let message = "expected a whole number without separators".to_string();
                self.errors.push(table.error(cell, field, message));
                None
            }
        }
    }

    fn common(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        sources: &BTreeMap<String, SourceRecord>,
    ) -> Option<Common> {
        let ids = self.sources(table, record, sources)?;
        Some(Common {
            sources: ids,
            note: table.cell(record, "note").text.clone(),
        })
    }

    fn kind<T>(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        field: &str,
        parse: impl Fn(&str) -> Option<T>,
        names: &str,
    ) -> Option<T> {
        let cell = table.cell(record, field);
        let found = parse(&cell.text);
        if found.is_none() {
            self.errors
                .push(table.error(cell, field, format!("expected one of {names}")));
        }
        found
    }
}

/// Reads the obligation files among `tables` (meetings, stockpiles,
/// clearance, Article 7 reports, retained, casualties, casualties by country,
/// contamination); pushes each fact's record to `rows`.
pub(crate) fn read_obligations(
    reader: &mut Reader,
    tables: &[Option<Table<'_>>],
    rows: &mut [Vec<Record>],
    sources: &BTreeMap<String, SourceRecord>,
    codes: Option<&BTreeSet<Iso3>>,
) -> ObligationRecord {
    let mut out = ObligationRecord::default();
    let state = |reader: &mut Reader, table: &Table<'_>, record: &Record| {
        reader.iso3(table, table.cell(record, "state"), "state", codes)
    };

    if let Some(table) = &tables[0] {
        for record in &table.records {
            let id = reader.required(table, record, "id");
            let name = reader.required(table, record, "name");
            let kind = reader.kind(
                table,
                record,
                "kind",
                |t| match t {
                    "msp" => Some(false),
                    "review_conference" => Some(true),
                    _ => None,
                },
                "msp, review_conference",
            );
            let year = reader.number::<i16>(table, record, "year", true);
            let start = reader.optional_date(table, record, "start");
            let end = reader.optional_date(table, record, "end");
            let place = table.cell(record, "place").text.clone();
            let ids = reader.sources(table, record, sources);
            if let (
                Some(id),
                Some(name),
                Some(kind),
                Some(Some(year)),
                Some(start),
                Some(end),
                Some(ids),
            ) = (id, name, kind, year, start, end, ids)
            {
                let held = match start {
                    Some(day) => Some(FactDate::day(day)),
                    None => FactDate::year(year),
                };
                if let Some(held) = held {
                    out.meetings.push(Meeting {
                        id,
                        name,
                        review_conference: kind,
                        held,
                        end,
                        place,
                        sources: ids,
                    });
                    rows[0].push(record.clone());
                }
            }
        }
    }

    if let Some(table) = &tables[1] {
        for record in &table.records {
            let s = state(reader, table, record);
            let names: Vec<&str> = StockpileEventKind::ALL.iter().map(|k| k.as_str()).collect();
            let kind = reader.kind(
                table,
                record,
                "event",
                StockpileEventKind::parse,
                &names.join(", "),
            );
            let date = reader.fact_date(table, record, "date");
            let quantity = reader.number::<u64>(table, record, "quantity", false);
            let common = reader.common(table, record, sources);
            if let (Some(state), Some(kind), Some(date), Some(quantity), Some(c)) =
                (s, kind, date, quantity, common)
            {
                out.stockpiles.push(StockpileEvent {
                    state,
                    kind,
                    date,
                    quantity,
                    sources: c.sources,
                    note: c.note,
                });
                rows[1].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[2] {
        for record in &table.records {
            let s = state(reader, table, record);
            let names: Vec<&str> = ClearanceEventKind::ALL.iter().map(|k| k.as_str()).collect();
            let kind = reader.kind(
                table,
                record,
                "event",
                ClearanceEventKind::parse,
                &names.join(", "),
            );
            let date = reader.fact_date(table, record, "date");
            let deadline = reader.optional_date(table, record, "deadline");
            let meeting = table.cell(record, "meeting").text.clone();
            let common = reader.common(table, record, sources);
            if let (Some(state), Some(kind), Some(date), Some(deadline), Some(c)) =
                (s, kind, date, deadline, common)
            {
                out.clearance.push(ClearanceEvent {
                    state,
                    kind,
                    date,
                    meeting: (!meeting.is_empty()).then_some(meeting),
                    deadline,
                    sources: c.sources,
                    note: c.note,
                });
                rows[2].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[3] {
        for record in &table.records {
            let s = state(reader, table, record);
            let initial = reader.kind(
                table,
                record,
                "report",
                |t| match t {
                    "initial" => Some(true),
                    "annual" => Some(false),
                    _ => None,
                },
                "initial, annual",
            );
            let covering = reader.number::<i16>(table, record, "covering", false);
            let submitted = reader.kind(
                table,
                record,
                "status",
                |t| match t {
                    "submitted" => Some((true, true)),
                    "submitted_by" => Some((true, false)),
                    "missing" => Some((false, true)),
                    _ => None,
                },
                "submitted, submitted_by, missing",
            );
            let date = reader.fact_date(table, record, "date");
            let common = reader.common(table, record, sources);
            if let (
                Some(state),
                Some(initial),
                Some(covering),
                Some((submitted, date_known)),
                Some(date),
                Some(c),
            ) = (s, initial, covering, submitted, date, common)
            {
                out.reports.push(ReportFact {
                    state,
                    initial,
                    covering,
                    submitted,
                    date_known,
                    date,
                    sources: c.sources,
                    note: c.note,
                });
                rows[3].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[4] {
        for record in &table.records {
            let s = state(reader, table, record);
            let date = reader.fact_date(table, record, "date");
            let quantity = reader.number::<u64>(table, record, "quantity", true);
            let common = reader.common(table, record, sources);
            if let (Some(state), Some(date), Some(Some(quantity)), Some(c)) =
                (s, date, quantity, common)
            {
                out.retained.push(RetainedFigure {
                    state,
                    date,
                    quantity,
                    sources: c.sources,
                    note: c.note,
                });
                rows[4].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[5] {
        for record in &table.records {
            let year = reader.number::<i16>(table, record, "year", true);
            let total = reader.number::<u64>(table, record, "total", true);
            let killed = reader.number::<u64>(table, record, "killed", false);
            let injured = reader.number::<u64>(table, record, "injured", false);
            let civilian = reader.number::<u8>(table, record, "civilian_share", false);
            let child = reader.number::<u8>(table, record, "child_share", false);
            let common = reader.common(table, record, sources);
            if let (
                Some(Some(year)),
                Some(Some(total)),
                Some(killed),
                Some(injured),
                Some(civilian_share),
                Some(child_share),
                Some(c),
            ) = (year, total, killed, injured, civilian, child, common)
            {
                out.casualties.push(CasualtyYear {
                    year,
                    total,
                    killed,
                    injured,
                    civilian_share,
                    child_share,
                    report: table.cell(record, "report").text.clone(),
                    sources: c.sources,
                    note: c.note,
                });
                rows[5].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[6] {
        for record in &table.records {
            let year = reader.number::<i16>(table, record, "year", true);
            let s = state(reader, table, record);
            let total = reader.number::<u64>(table, record, "total", true);
            let common = reader.common(table, record, sources);
            if let (Some(Some(year)), Some(state), Some(Some(total)), Some(c)) =
                (year, s, total, common)
            {
                out.country_casualties.push(CountryCasualties {
                    year,
                    state,
                    total,
                    sources: c.sources,
                    note: c.note,
                });
                rows[6].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[7] {
        for record in &table.records {
            let s = state(reader, table, record);
            let date = reader.fact_date(table, record, "date");
            let area_cell = table.cell(record, "area_km2");
            let area = area_cell
                .text
                .parse::<f64>()
                .ok()
                .filter(|a| a.is_finite() && *a >= 0.0);
            if area.is_none() {
                let message = "expected an area in square kilometres, like 61.79".to_string();
                reader
                    .errors
                    .push(table.error(area_cell, "area_km2", message));
            }
            let kind = reader.kind(
                table,
                record,
                "kind",
                |t| matches!(t, "cha" | "sha" | "total" | "released").then(|| t.to_string()),
                "cha, sha, total, released",
            );
            let common = reader.common(table, record, sources);
            if let (Some(state), Some(date), Some(area_km2), Some(kind), Some(c)) =
                (s, date, area, kind, common)
            {
                out.contamination.push(ContaminationEstimate {
                    state,
                    date,
                    area_km2,
                    kind,
                    sources: c.sources,
                    note: c.note,
                });
                rows[7].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[8] {
        for record in &table.records {
            let covering = reader.number::<i16>(table, record, "covering", true);
            let due = reader.number::<u32>(table, record, "due", false);
            let submitted = reader.number::<u32>(table, record, "submitted", false);
            let rate = reader.number::<u8>(table, record, "rate", false);
            let as_of = reader.fact_date(table, record, "as_of");
            let common = reader.common(table, record, sources);
            if let (
                Some(Some(covering)),
                Some(due),
                Some(submitted),
                Some(rate),
                Some(as_of),
                Some(c),
            ) = (covering, due, submitted, rate, as_of, common)
            {
                out.reporting_rates.push(ReportingRate {
                    covering,
                    due,
                    submitted,
                    rate,
                    as_of,
                    sources: c.sources,
                    note: c.note,
                });
                rows[8].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[9] {
        for record in &table.records {
            let report = reader.required(table, record, "report");
            let figure = reader.required(table, record, "figure");
            let value = reader.number::<u64>(table, record, "value", true);
            let names: Vec<&str> = Qualifier::ALL.iter().map(|q| q.as_str()).collect();
            let qualifier = reader.kind(
                table,
                record,
                "qualifier",
                Qualifier::parse,
                &names.join(", "),
            );
            let as_of = reader.fact_date(table, record, "as_of");
            let common = reader.common(table, record, sources);
            if let (
                Some(report),
                Some(figure),
                Some(Some(value)),
                Some(qualifier),
                Some(as_of),
                Some(c),
            ) = (report, figure, value, qualifier, as_of, common)
            {
                out.stated_figures.push(StatedFigure {
                    report,
                    figure,
                    value,
                    qualifier,
                    as_of,
                    sources: c.sources,
                    note: c.note,
                    difference: table.cell(record, "difference").text.clone(),
                });
                rows[9].push(record.clone());
            }
        }
    }
    out
}
