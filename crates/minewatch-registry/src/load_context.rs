//! Reading the files around participation: groups and memberships, the
//! Landmine Monitor's reports and findings of use, policy events, and the
//! Convention's own dates. Each file may be absent; the record then simply
//! has none of those facts, and a claim that needs them says `unknown`.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use minewatch_core::{
    ContextFacts, ContextSubject, ContextViolation, Firmness, Group, Iso3, Membership,
    MonitorReport, PolicyEvent, TreatyEvent, TreatyEventKind, UseFinding,
};

use crate::LoadError;
use crate::csv::{Cell, Record};
use crate::load_obligations::{OBLIGATION_COLUMNS, read_obligations};
use crate::reader::{Reader, SourceRecord, Table, aliases};

/// The optional files, in the order they are read: six around
/// participation, then the eight of the obligations.
pub const CONTEXT_FILES: [&str; 16] = [
    "groups.csv",
    "memberships.csv",
    "monitor_reports.csv",
    "mine_use.csv",
    "policy_events.csv",
    "treaty_events.csv",
    "meetings.csv",
    "stockpiles.csv",
    "clearance.csv",
    "article7_reports.csv",
    "retained.csv",
    "casualties.csv",
    "casualties_by_country.csv",
    "contamination.csv",
    "article7_compliance.csv",
    "monitor_figures.csv",
];

const CONTEXT_COLUMNS: [&[&str]; 6] = [
    &["id", "name", "aliases", "sources"],
    &["group", "state", "joined", "left", "sources", "note"],
    &[
        "id",
        "title",
        "published",
        "period_from",
        "period_to",
        "period",
        "sources",
    ],
    &[
        "state", "report", "from", "to", "reported", "finding", "sources", "note",
    ],
    &["state", "date", "topic", "position", "summary", "sources"],
    &["event", "date", "place", "sources"],
];

/// The six tables as read, kept to point violations at their rows.
pub(crate) struct ContextTables<'a> {
    tables: Vec<Option<Table<'a>>>,
    rows: Vec<Vec<Record>>,
}

impl ContextTables<'_> {
    /// The error for a violation found when the facts were checked together.
    pub(crate) fn locate(&self, violation: &ContextViolation) -> Option<LoadError> {
        let (file, index) = match violation.subject {
            ContextSubject::Group(i) => (0, i),
            ContextSubject::Membership(i) => (1, i),
            ContextSubject::Report(i) => (2, i),
            ContextSubject::Use(i) => (3, i),
            ContextSubject::Policy(i) => (4, i),
            ContextSubject::TreatyEvent(i) => (5, i),
            ContextSubject::Meeting(i) => (6, i),
            ContextSubject::Stockpile(i) => (7, i),
            ContextSubject::Clearance(i) => (8, i),
            ContextSubject::Report7(i) => (9, i),
            ContextSubject::Retained(i) => (10, i),
            ContextSubject::Casualties(i) => (11, i),
            ContextSubject::CountryCasualties(i) => (12, i),
            ContextSubject::Contamination(i) => (13, i),
            ContextSubject::ReportingRate(i) => (14, i),
            ContextSubject::StatedFigure(i) => (15, i),
        };
        let table = self.tables.get(file)?.as_ref()?;
        let record = self.rows.get(file)?.get(index)?;
        let cell = table.cell(record, violation.field);
        Some(table.error(cell, violation.field, violation.message.clone()))
    }
}

/// A year written as four digits.
fn parse_year(text: &str) -> Result<i16, String> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i16>()
            .map_err(|_| "expected a year as YYYY".to_string())
    } else {
        Err("expected a year as YYYY".into())
    }
}

/// An identifier as the data writes them: letters, digits, `_` and `-`.
fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Reader {
    fn year(&mut self, table: &Table<'_>, record: &Record, field: &str) -> Option<i16> {
        let cell = table.cell(record, field);
        match parse_year(&cell.text) {
            Ok(year) => Some(year),
            Err(message) => {
                self.errors.push(table.error(cell, field, message));
                None
            }
        }
    }

    fn identifier(&mut self, table: &Table<'_>, record: &Record, field: &str) -> Option<String> {
        let cell = table.cell(record, field);
        if is_identifier(&cell.text) {
            Some(cell.text.clone())
        } else {
            let message = "expected letters, digits, `_` or `-`".to_string();
            self.errors.push(table.error(cell, field, message));
            None
        }
    }

    /// A date, or a year alone read as that year's last day.
    fn date_or_year(&mut self, table: &Table<'_>, cell: &Cell, field: &str) -> Option<Date> {
        if let Ok(year) = parse_year(&cell.text) {
            return Date::new(year, 12, 31).ok();
        }
        match crate::parse_date(&cell.text) {
            Ok(date) => Some(date),
            Err(_) => {
                let message = "expected a date as YYYY-MM-DD or a year as YYYY".to_string();
                self.errors.push(table.error(cell, field, message));
                None
            }
        }
    }
}

/// Reads the optional files found among `files` (file name, path, text).
/// `codes` are the states of states.csv when it read clean.
pub(crate) fn read_context<'a>(
    reader: &mut Reader,
    files: &[(&'a str, &'a str, &'a str)],
    sources: &BTreeMap<String, SourceRecord>,
    codes: Option<&BTreeSet<Iso3>>,
) -> (ContextFacts, ContextTables<'a>) {
    let columns = CONTEXT_COLUMNS.into_iter().chain(OBLIGATION_COLUMNS);
    let mut tables: Vec<Option<Table<'a>>> = CONTEXT_FILES
        .iter()
        .zip(columns)
        .map(|(name, columns)| {
            files
                .iter()
                .find(|(n, _, _)| n == name)
                .and_then(|(_, path, text)| reader.table(columns, path, text))
        })
        .collect();
    let mut rows: Vec<Vec<Record>> = vec![Vec::new(); CONTEXT_FILES.len()];
    let mut facts = ContextFacts::default();

    if let Some(table) = &tables[0] {
        for record in &table.records {
            let id = reader.identifier(table, record, "id");
            let name = reader.required(table, record, "name");
            let group_sources = reader.sources(table, record, sources);
            if let (Some(id), Some(name), Some(group_sources)) = (id, name, group_sources) {
                let aliases = aliases(&table.cell(record, "aliases").text);
                facts.groups.push(Group {
                    id,
                    name,
                    aliases,
                    sources: group_sources,
                });
                rows[0].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[1] {
        for record in &table.records {
            let group = reader.identifier(table, record, "group");
            let state = reader.iso3(table, table.cell(record, "state"), "state", codes);
            let joined = reader.date(table, record, "joined");
            let left = reader.optional_date(table, record, "left");
            let membership_sources = reader.sources(table, record, sources);
            if let (Some(group), Some(state), Some(joined), Some(left), Some(membership_sources)) =
                (group, state, joined, left, membership_sources)
            {
                facts.memberships.push(Membership {
                    group,
                    state,
                    joined,
                    left,
                    sources: membership_sources,
                    note: table.cell(record, "note").text.clone(),
                });
                rows[1].push(record.clone());
            }
        }
    }

    let mut published = BTreeMap::new();
    if let Some(table) = &tables[2] {
        for record in &table.records {
            let id = reader.identifier(table, record, "id");
            let title = reader.required(table, record, "title");
            let date = reader.date(table, record, "published");
            let from = reader.year(table, record, "period_from");
            let to = reader.year(table, record, "period_to");
            let period = reader.required(table, record, "period");
            let report_sources = reader.sources(table, record, sources);
            if let (
                Some(id),
                Some(title),
                Some(date),
                Some(period_from),
                Some(period_to),
                Some(period),
                Some(report_sources),
            ) = (id, title, date, from, to, period, report_sources)
            {
                published.insert(id.clone(), (date, period_from, period_to));
                facts.reports.push(MonitorReport {
                    id,
                    title,
                    published: date,
                    period_from,
                    period_to,
                    period,
                    sources: report_sources,
                });
                rows[2].push(record.clone());
            }
        }
    }
    let reports_clean = reader.clean(tables[2].as_ref());

    if let Some(table) = &tables[3] {
        for record in &table.records {
            let state = reader.iso3(table, table.cell(record, "state"), "state", codes);
            let report_cell = table.cell(record, "report");
            let reported_cell = table.cell(record, "reported");
            let report = if report_cell.text.is_empty() {
                None
            } else {
                match published.get(&report_cell.text) {
                    Some(found) => Some((report_cell.text.clone(), *found)),
                    None => {
                        if reports_clean {
                            let message = "no such report in monitor_reports.csv".to_string();
                            reader
                                .errors
                                .push(table.error(report_cell, "report", message));
                        }
                        continue;
                    }
                }
            };
            let from_cell = table.cell(record, "from");
            let to_cell = table.cell(record, "to");
            let (from, to, counts_from) = match &report {
                Some((_, (date, period_from, period_to))) => {
                    if !reported_cell.text.is_empty() {
                        let message =
                            "a report's finding counts from the report's launch; leave empty"
                                .to_string();
                        reader
                            .errors
                            .push(table.error(reported_cell, "reported", message));
                    }
                    let from = if from_cell.text.is_empty() {
                        Some(*period_from)
                    } else {
                        reader.year(table, record, "from")
                    };
                    let to = if to_cell.text.is_empty() {
                        Some(*period_to)
                    } else {
                        reader.year(table, record, "to")
                    };
                    (from, to, Some(*date))
                }
                None => {
                    let from = reader.year(table, record, "from");
                    let to = reader.year(table, record, "to");
                    let counts_from = if reported_cell.text.is_empty() {
                        let message =
                            "a finding outside the Monitor's reports needs the date it was reported"
                                .to_string();
                        reader
                            .errors
                            .push(table.error(reported_cell, "reported", message));
                        None
                    } else {
                        reader.date_or_year(table, reported_cell, "reported")
                    };
                    (from, to, counts_from)
                }
            };
            let finding_cell = table.cell(record, "finding");
            let firmness = Firmness::parse(&finding_cell.text);
            if firmness.is_none() {
                let message = "expected one of confirmed, alleged, denied".to_string();
                reader
                    .errors
                    .push(table.error(finding_cell, "finding", message));
            }
            let use_sources = reader.sources(table, record, sources);
            if let (
                Some(state),
                Some(from_year),
                Some(to_year),
                Some(counts_from),
                Some(firmness),
                Some(use_sources),
            ) = (state, from, to, counts_from, firmness, use_sources)
            {
                facts.uses.push(UseFinding {
                    state,
                    report: report.map(|(id, _)| id),
                    from_year,
                    to_year,
                    firmness,
                    counts_from,
                    sources: use_sources,
                    note: table.cell(record, "note").text.clone(),
                });
                rows[3].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[4] {
        for record in &table.records {
            let state = reader.iso3(table, table.cell(record, "state"), "state", codes);
            let date = reader.date(table, record, "date");
            let topic = reader.identifier(table, record, "topic");
            let position = reader.identifier(table, record, "position");
            let summary = reader.required(table, record, "summary");
            let policy_sources = reader.sources(table, record, sources);
            if let (
                Some(state),
                Some(date),
                Some(topic),
                Some(position),
                Some(summary),
                Some(policy_sources),
            ) = (state, date, topic, position, summary, policy_sources)
            {
                facts.policies.push(PolicyEvent {
                    state,
                    date,
                    topic,
                    position,
                    summary,
                    sources: policy_sources,
                });
                rows[4].push(record.clone());
            }
        }
    }

    if let Some(table) = &tables[5] {
        for record in &table.records {
            let event_cell = table.cell(record, "event");
            let kind = TreatyEventKind::parse(&event_cell.text);
            if kind.is_none() {
                let names: Vec<&str> = TreatyEventKind::ALL.iter().map(|k| k.as_str()).collect();
                let message = format!("expected one of {}", names.join(", "));
                reader
                    .errors
                    .push(table.error(event_cell, "event", message));
            }
            let date = reader.date(table, record, "date");
            let place = reader.required(table, record, "place");
            let event_sources = reader.sources(table, record, sources);
            if let (Some(kind), Some(date), Some(place), Some(event_sources)) =
                (kind, date, place, event_sources)
            {
                facts.treaty_events.push(TreatyEvent {
                    kind,
                    date,
                    place,
                    sources: event_sources,
                });
                rows[5].push(record.clone());
            }
        }
    }

    facts.obligations = read_obligations(reader, &tables[6..], &mut rows[6..], sources, codes);

    for table in tables.iter_mut().flatten() {
        table.records.clear();
    }
    (facts, ContextTables { tables, rows })
}

#[cfg(test)]
mod tests {
    use super::parse_year;

    #[test]
    fn years_are_four_digits() {
        assert_eq!(parse_year("2024"), Ok(2024));
        assert!(parse_year("24").is_err());
        assert!(parse_year("20245").is_err());
        assert!(parse_year("-202").is_err());
    }
}
