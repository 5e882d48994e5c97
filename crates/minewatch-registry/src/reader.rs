//! What every loader shares: a file read into checked records ([`Table`]),
//! the collector of errors with the cell readers ([`Reader`]), the source
//! row, dates and alias lists. The loaders of the files use this module;
//! it uses none of them.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use minewatch_core::{ActionKind, Iso3, SourceId};

use crate::LoadError;
use crate::csv::{self, Cell, Record};

/// A row of `sources.csv`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SourceRecord {
    /// The id other files cite.
    pub id: String,
    /// Who published it.
    pub publisher: String,
    /// What it is.
    pub title: String,
    /// Where it is.
    pub url: String,
}

/// One file being read.
pub(crate) struct Table<'a> {
    pub(crate) path: &'a str,
    lines: Vec<&'a str>,
    columns: &'static [&'static str],
    pub(crate) records: Vec<Record>,
}

impl Table<'_> {
    pub(crate) fn error(&self, cell: &Cell, field: &str, message: String) -> LoadError {
        LoadError {
            file: self.path.to_string(),
            line: cell.line,
            column: cell.column,
            field: Some(field.to_string()),
            token: Some(cell.text.clone()),
            message,
            source_line: self.lines.get(cell.line - 1).map(|l| l.to_string()),
        }
    }

    pub(crate) fn cell<'r>(&self, record: &'r Record, field: &str) -> &'r Cell {
        let index = self.columns.iter().position(|c| *c == field).unwrap_or(0);
        &record.cells[index]
    }
}

/// Collects the errors of one load.
pub(crate) struct Reader {
    pub(crate) errors: Vec<LoadError>,
    /// Whether sources.csv read clean; if not, unknown ids are not reported
    /// (the cause is already reported once).
    pub(crate) sources_ok: bool,
}

impl Reader {
    pub(crate) fn new() -> Reader {
        Reader {
            errors: Vec::new(),
            sources_ok: true,
        }
    }

    pub(crate) fn table<'a>(
        &mut self,
        columns: &'static [&'static str],
        path: &'a str,
        text: &'a str,
    ) -> Option<Table<'a>> {
        let lines: Vec<&str> = text.lines().collect();
        let mut records = match csv::parse(text) {
            Ok(records) => records,
            Err(e) => {
                self.errors.push(LoadError {
                    file: path.to_string(),
                    line: e.line,
                    column: e.column,
                    field: None,
                    token: None,
                    message: e.message,
                    source_line: lines.get(e.line - 1).map(|l| l.to_string()),
                });
                return None;
            }
        };
        if records.is_empty() {
            self.errors.push(LoadError {
                file: path.to_string(),
                line: 1,
                column: 1,
                field: None,
                token: None,
                message: format!("empty file; expected the header `{}`", columns.join(",")),
                source_line: None,
            });
            return None;
        }
        let header = records.remove(0);
        let table = Table {
            path,
            lines,
            columns,
            records: Vec::new(),
        };
        let found: Vec<&str> = header.cells.iter().map(|c| c.text.trim()).collect();
        if found != columns {
            let wrong = header
                .cells
                .iter()
                .zip(columns.iter())
                .find(|(cell, want)| cell.text.trim() != **want)
                .map(|(cell, _)| cell.clone())
                .unwrap_or_else(|| {
                    header.cells.last().cloned().unwrap_or(Cell {
                        text: String::new(),
                        line: 1,
                        column: 1,
                    })
                });
            let error = table.error(
                &wrong,
                "header",
                format!("expected the columns `{}`", columns.join(",")),
            );
            self.errors.push(error);
            return None;
        }
        let mut table = table;
        let mut seen: std::collections::HashMap<Vec<String>, usize> =
            std::collections::HashMap::new();
        for record in records {
            if record.cells.len() != columns.len() {
                let cell = record
                    .cells
                    .get(columns.len())
                    .or(record.cells.last())
                    .cloned();
                let cell = cell.unwrap_or(Cell {
                    text: String::new(),
                    line: record.line,
                    column: 1,
                });
                let message = format!(
                    "expected {} fields, found {}",
                    columns.len(),
                    record.cells.len()
                );
                self.errors.push(LoadError {
                    field: None,
                    ..table.error(&cell, "", message)
                });
                continue;
            }
            // The same fact twice would be counted twice (a casualty year,
            // a report): an exact repeat of a row is refused.
            let texts: Vec<String> = record.cells.iter().map(|c| c.text.clone()).collect();
            if let Some(first) = seen.get(&texts) {
                let cell = record.cells[0].clone();
                let message = format!("the same row as line {first}: a fact is recorded once");
                self.errors.push(LoadError {
                    field: None,
                    ..table.error(&cell, "", message)
                });
                continue;
            }
            seen.insert(texts, record.line);
            table.records.push(record);
        }
        Some(table)
    }

    /// Whether no error has been reported against `table` so far.
    pub(crate) fn clean(&self, table: Option<&Table<'_>>) -> bool {
        table.is_some_and(|t| !self.errors.iter().any(|e| e.file == t.path))
    }

    pub(crate) fn action_kind(
        &mut self,
        table: &Table<'_>,
        cell: &Cell,
        field: &str,
    ) -> Option<ActionKind> {
        let kind = ActionKind::parse(&cell.text);
        if kind.is_none() {
            let names: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
            let message = format!("expected one of {}", names.join(", "));
            self.errors.push(table.error(cell, field, message));
        }
        kind
    }

    pub(crate) fn date(&mut self, table: &Table<'_>, record: &Record, field: &str) -> Option<Date> {
        let cell = table.cell(record, field);
        match parse_date(&cell.text) {
            Ok(date) => Some(date),
            Err(message) => {
                self.errors.push(table.error(cell, field, message));
                None
            }
        }
    }

    pub(crate) fn optional_date(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        field: &str,
    ) -> Option<Option<Date>> {
        if table.cell(record, field).text.is_empty() {
            Some(None)
        } else {
            self.date(table, record, field).map(Some)
        }
    }

    pub(crate) fn iso3(
        &mut self,
        table: &Table<'_>,
        cell: &Cell,
        field: &str,
        known: Option<&BTreeSet<Iso3>>,
    ) -> Option<Iso3> {
        let Some(code) =
            Iso3::parse(&cell.text).filter(|_| cell.text.chars().all(|c| c.is_ascii_uppercase()))
        else {
            let message = "expected an ISO 3166-1 alpha-3 code in capitals, like `LTU`".to_string();
            self.errors.push(table.error(cell, field, message));
            return None;
        };
        if known.is_some_and(|k| !k.contains(&code)) {
            self.errors
                .push(table.error(cell, field, "no such state in states.csv".into()));
            return None;
        }
        Some(code)
    }

    pub(crate) fn required(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        field: &str,
    ) -> Option<String> {
        let cell = table.cell(record, field);
        if cell.text.trim().is_empty() {
            self.errors
                .push(table.error(cell, field, "required, but empty".into()));
            return None;
        }
        if cell.text.trim() != cell.text {
            self.errors
                .push(table.error(cell, field, "leading or trailing spaces".into()));
            return None;
        }
        Some(cell.text.clone())
    }

    pub(crate) fn sources(
        &mut self,
        table: &Table<'_>,
        record: &Record,
        known: &BTreeMap<String, SourceRecord>,
    ) -> Option<Vec<SourceId>> {
        let cell = table.cell(record, "sources");
        if cell.text.trim().is_empty() {
            self.errors.push(table.error(
                cell,
                "sources",
                "every row needs at least one source id".into(),
            ));
            return None;
        }
        let mut ids = Vec::new();
        let mut offset = 0;
        let mut ok = true;
        for part in cell.text.split(';') {
            let id = part.trim();
            let at = Cell {
                text: id.to_string(),
                line: cell.line,
                column: cell.column + offset + (part.len() - part.trim_start().len()),
            };
            if !known.contains_key(id) && self.sources_ok {
                self.errors.push(table.error(
                    &at,
                    "sources",
                    "no such source id in sources.csv".into(),
                ));
                ok = false;
            }
            let repeated = ids.iter().any(|known: &SourceId| known.as_str() == id);
            if repeated {
                self.errors.push(table.error(
                    &at,
                    "sources",
                    "this source id is already cited in this cell".into(),
                ));
                ok = false;
            }
            offset += part.chars().count() + 1;
            ids.push(SourceId::new(id));
        }
        ok.then_some(ids)
    }
}

/// Parses a date strictly as `YYYY-MM-DD`, and only a day the calendar has.
///
/// # Errors
/// A lower-case message saying what is wrong.
pub fn parse_date(text: &str) -> Result<Date, String> {
    minewatch_core::legal_date::parse_iso_date(text).map_err(String::from)
}

/// The `;`-separated names of an `aliases` cell, trimmed, empty ones dropped.
pub(crate) fn aliases(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect()
}
