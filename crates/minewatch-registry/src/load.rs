//! Reading the five files of a data folder into the core's facts.

use std::collections::{BTreeMap, BTreeSet};

use minewatch_core::{
    ActionKind, AlternativeValue, ArmedConflict, Context, DisputedField, Iso3, Predecessor,
    Registry, Relation, SourceConflict, State, StateCategory, Subject, TreatyAction,
};

use crate::csv::Cell;
use crate::load_context::read_context;
use crate::reader::{Reader, Table, aliases};
pub use crate::reader::{SourceRecord, parse_date};
use crate::{LoadError, LoadErrors};

/// The files of a data folder, in the order they are read.
pub const FILES: [&str; 5] = [
    "sources.csv",
    "states.csv",
    "treaty_actions.csv",
    "armed_conflicts.csv",
    "source_conflicts.csv",
];

/// The columns of each file of [`FILES`], in order.
pub const COLUMNS: [&[&str]; 5] = [
    &["id", "publisher", "title", "url"],
    &[
        "iso3",
        "name",
        "category",
        "aliases",
        "predecessor",
        "relation",
        "since",
        "sources",
    ],
    &["state", "action", "date", "bound_from", "sources", "note"],
    &["id", "states", "name", "start", "end", "sources", "note"],
    &[
        "state",
        "action",
        "field",
        "recorded",
        "alternative",
        "sources",
        "note",
    ],
];

/// A loaded data folder: the registry, the facts around it, and the list of
/// sources they cite.
#[derive(Debug)]
pub struct Loaded {
    /// The checked registry.
    pub registry: Registry,
    /// Groups, use of mines, policy, treaty dates.
    pub context: Context,
    /// Every source, by id.
    pub sources: BTreeMap<String, SourceRecord>,
}

impl Loaded {
    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&SourceRecord> {
        self.sources.get(id)
    }
}

/// Reads the five files of [`FILES`] and those of
/// [`CONTEXT_FILES`](crate::CONTEXT_FILES) that are given, each as (file
/// name, path to show, text).
///
/// # Errors
/// Every problem found. Stage one (each cell on its own) is reported whole;
/// the rules of the articles are checked when stage one is clean.
pub fn load_files(files: &[(&str, &str, &str)]) -> Result<Loaded, LoadErrors> {
    let mut reader = Reader::new();
    let mut tables = Vec::new();
    for (index, name) in FILES.iter().enumerate() {
        match files.iter().find(|(n, _, _)| n == name) {
            Some((_, path, text)) => tables.push(reader.table(COLUMNS[index], path, text)),
            None => {
                reader.errors.push(LoadError {
                    file: (*name).to_string(),
                    line: 0,
                    column: 0,
                    field: None,
                    token: None,
                    message: "missing file".into(),
                    source_line: None,
                });
                tables.push(None);
            }
        }
    }
    let [
        sources_table,
        states_table,
        actions_table,
        conflicts_table,
        disputes_table,
    ] = <[Option<Table<'_>>; 5]>::try_from(tables).map_err(|_| LoadErrors(Vec::new()))?;

    // sources.csv
    let mut sources = BTreeMap::new();
    if let Some(table) = &sources_table {
        for record in &table.records {
            let id_cell = table.cell(record, "id");
            let id = &id_cell.text;
            let shaped = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-');
            if !shaped {
                reader.errors.push(table.error(
                    id_cell,
                    "id",
                    "expected lower-case letters, digits and hyphens".into(),
                ));
                continue;
            }
            let url_cell = table.cell(record, "url");
            if !(url_cell.text.starts_with("https://") || url_cell.text.starts_with("http://")) {
                reader.errors.push(table.error(
                    url_cell,
                    "url",
                    "expected an http(s) address".into(),
                ));
            }
            let (Some(publisher), Some(title)) = (
                reader.required(table, record, "publisher"),
                reader.required(table, record, "title"),
            ) else {
                continue;
            };
            let row = SourceRecord {
                id: id.clone(),
                publisher,
                title,
                url: url_cell.text.clone(),
            };
            if sources.insert(id.clone(), row).is_some() {
                reader
                    .errors
                    .push(table.error(id_cell, "id", "duplicate source id".into()));
            }
        }
    }

    reader.sources_ok = reader.clean(sources_table.as_ref());

    // states.csv
    let mut states = Vec::new();
    let mut state_rows = Vec::new();
    let mut codes = BTreeSet::new();
    if let Some(table) = &states_table {
        for record in &table.records {
            if let Some(code) = Iso3::parse(&table.cell(record, "iso3").text) {
                codes.insert(code);
            }
        }
        for record in &table.records {
            let iso3 = reader.iso3(table, table.cell(record, "iso3"), "iso3", None);
            let name = reader.required(table, record, "name");
            let category_cell = table.cell(record, "category");
            let category = StateCategory::parse(&category_cell.text);
            if category.is_none() {
                let message = "expected one of un_member, observer, non_member, former".to_string();
                reader
                    .errors
                    .push(table.error(category_cell, "category", message));
            }
            let aliases = aliases(&table.cell(record, "aliases").text);
            let predecessor_cell = table.cell(record, "predecessor");
            let relation_cell = table.cell(record, "relation");
            let since_cell = table.cell(record, "since");
            let predecessor = if predecessor_cell.text.is_empty() {
                for (cell, field) in [(relation_cell, "relation"), (since_cell, "since")] {
                    if !cell.text.is_empty() {
                        reader.errors.push(table.error(
                            cell,
                            field,
                            "only with a predecessor".into(),
                        ));
                    }
                }
                Some(None)
            } else {
                let code = reader.iso3(table, predecessor_cell, "predecessor", Some(&codes));
                let relation = Relation::parse(&relation_cell.text);
                if relation.is_none() {
                    let message = "expected continuation or succession".to_string();
                    reader
                        .errors
                        .push(table.error(relation_cell, "relation", message));
                }
                let since = reader.date(table, record, "since");
                match (code, relation, since) {
                    (Some(state), Some(relation), Some(since)) => Some(Some(Predecessor {
                        state,
                        relation,
                        since,
                    })),
                    _ => None,
                }
            };
            let state_sources = reader.sources(table, record, &sources);
            if let (
                Some(iso3),
                Some(name),
                Some(category),
                Some(predecessor),
                Some(state_sources),
            ) = (iso3, name, category, predecessor, state_sources)
            {
                states.push(State {
                    iso3,
                    name,
                    category,
                    aliases,
                    predecessor,
                    sources: state_sources,
                });
                state_rows.push(record.clone());
            }
        }
    }

    // A reference to a state is checked only when states.csv read clean.
    let states_ok = reader.clean(states_table.as_ref());
    let known_codes = states_ok.then_some(&codes);

    // treaty_actions.csv
    let mut actions = Vec::new();
    let mut action_rows = Vec::new();
    if let Some(table) = &actions_table {
        for record in &table.records {
            let state = reader.iso3(table, table.cell(record, "state"), "state", known_codes);
            let kind = reader.action_kind(table, table.cell(record, "action"), "action");
            let date = reader.date(table, record, "date");
            let bound_from = reader.optional_date(table, record, "bound_from");
            let action_sources = reader.sources(table, record, &sources);
            if let (Some(state), Some(kind), Some(date), Some(bound_from), Some(action_sources)) =
                (state, kind, date, bound_from, action_sources)
            {
                let note = table.cell(record, "note").text.clone();
                actions.push(TreatyAction {
                    state,
                    kind,
                    date,
                    bound_from,
                    sources: action_sources,
                    note,
                });
                action_rows.push(record.clone());
            }
        }
    }

    // A row of treaty_actions.csv that failed to read cannot be matched below;
    // that is one problem, not two.
    let actions_clean = reader.clean(actions_table.as_ref());

    // armed_conflicts.csv
    let mut conflicts = Vec::new();
    let mut conflict_rows = Vec::new();
    if let Some(table) = &conflicts_table {
        for record in &table.records {
            let id = reader.required(table, record, "id");
            let states_cell = table.cell(record, "states");
            let mut parties = Vec::new();
            let mut offset = 0;
            for part in states_cell.text.split(';') {
                let at = Cell {
                    text: part.to_string(),
                    line: states_cell.line,
                    column: states_cell.column + offset,
                };
                offset += part.chars().count() + 1;
                if let Some(code) = reader.iso3(table, &at, "states", known_codes) {
                    parties.push(code);
                }
            }
            let name = reader.required(table, record, "name");
            let start = reader.date(table, record, "start");
            let end = reader.optional_date(table, record, "end");
            let conflict_sources = reader.sources(table, record, &sources);
            if let (Some(id), Some(name), Some(start), Some(end), Some(conflict_sources)) =
                (id, name, start, end, conflict_sources)
            {
                conflicts.push(ArmedConflict {
                    id,
                    states: parties,
                    name,
                    start,
                    end,
                    sources: conflict_sources,
                });
                conflict_rows.push(record.clone());
            }
        }
    }

    // source_conflicts.csv
    let mut disputes = Vec::new();
    let mut dispute_rows = Vec::new();
    if let Some(table) = &disputes_table {
        for record in &table.records {
            let state = reader.iso3(table, table.cell(record, "state"), "state", known_codes);
            let kind = reader.action_kind(table, table.cell(record, "action"), "action");
            let field_cell = table.cell(record, "field");
            let field = match field_cell.text.as_str() {
                "date" => Some(DisputedField::Date),
                "action" => Some(DisputedField::Kind),
                "bound_from" => Some(DisputedField::BoundFrom),
                _ => {
                    let message = "expected one of date, action, bound_from".to_string();
                    reader
                        .errors
                        .push(table.error(field_cell, "field", message));
                    None
                }
            };
            let alternative_cell = table.cell(record, "alternative");
            let alternative = match field {
                Some(DisputedField::Kind) => match ActionKind::parse(&alternative_cell.text) {
                    Some(k) => Some(AlternativeValue::Kind(k)),
                    None => {
                        reader.errors.push(table.error(
                            alternative_cell,
                            "alternative",
                            "no such action kind".into(),
                        ));
                        None
                    }
                },
                Some(_) => reader
                    .date(table, record, "alternative")
                    .map(AlternativeValue::Date),
                None => None,
            };
            let dispute_sources = reader.sources(table, record, &sources);
            let (Some(state), Some(kind), Some(field), Some(alternative), Some(dispute_sources)) =
                (state, kind, field, alternative, dispute_sources)
            else {
                continue;
            };
            let recorded_cell = table.cell(record, "recorded");
            let found = actions.iter().position(|a| {
                a.state == state
                    && a.kind == kind
                    && match field {
                        DisputedField::Date => a.date.to_string() == recorded_cell.text,
                        DisputedField::Kind => a.kind.as_str() == recorded_cell.text,
                        DisputedField::BoundFrom => a
                            .bound_from
                            .is_some_and(|d| d.to_string() == recorded_cell.text),
                    }
            });
            match found {
                Some(action) => {
                    let note = table.cell(record, "note").text.clone();
                    disputes.push(SourceConflict {
                        action,
                        field,
                        alternative,
                        sources: dispute_sources,
                        note,
                    });
                    dispute_rows.push(record.clone());
                }
                None if !actions_clean => {}
                None => {
                    let message = format!(
                        "treaty_actions.csv has no {} of {state} whose {} is this value",
                        kind.as_str(),
                        field.as_str()
                    );
                    reader
                        .errors
                        .push(table.error(recorded_cell, "recorded", message));
                }
            }
        }
    }

    let (context_facts, context_tables) = read_context(&mut reader, files, &sources, known_codes);

    if !reader.errors.is_empty() {
        return Err(LoadErrors(reader.errors));
    }

    let context = Context::new(context_facts, &codes).map_err(|violations| {
        let mut errors: Vec<LoadError> = violations
            .iter()
            .filter_map(|v| context_tables.locate(v))
            .collect();
        errors.sort_by(|a, b| {
            (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
        });
        LoadErrors(errors)
    });

    match Registry::new(states, actions, conflicts, disputes) {
        Ok(registry) => Ok(Loaded {
            registry,
            context: context?,
            sources,
        }),
        Err(violations) => {
            let mut errors: Vec<LoadError> = violations
                .into_iter()
                .filter_map(|v| {
                    let (table, record) = match v.subject {
                        Subject::State(i) => (states_table.as_ref()?, state_rows.get(i)?),
                        Subject::Action(i) => (actions_table.as_ref()?, action_rows.get(i)?),
                        Subject::Conflict(i) => (conflicts_table.as_ref()?, conflict_rows.get(i)?),
                        Subject::SourceConflict(i) => {
                            (disputes_table.as_ref()?, dispute_rows.get(i)?)
                        }
                        Subject::Hypothetical => return None,
                    };
                    let cell = table.cell(record, v.field);
                    let message = match v.article {
                        Some(article) => format!("{} ({article})", v.message),
                        None => v.message,
                    };
                    Some(table.error(cell, v.field, message))
                })
                .collect();
            errors.sort_by(|a, b| {
                (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
            });
            errors.dedup();
            Err(LoadErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-06-27").is_ok());
        assert!(parse_date("2025-6-27").is_err());
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("27/06/2025").is_err());
        assert!(parse_date("2025-13-01").is_err());
        assert!(parse_date(" 2025-06-27").is_err());
    }
}
