//! The edit log: what each change to the record changed, row by row, so
//! that the record as it stood after any edit can be rebuilt (record time).
//!
//! An edit's changes are a JSON array of [`RowChange`]: for a row table,
//! the old and the new cells of one row (a new row has no old, a retracted
//! one no new); for a file kept whole, or a table a release rewrote, its
//! whole text. The first edit of a database is a `snapshot` (every file
//! whole): the record as it stood when the log began.

use std::collections::BTreeMap;

use minewatch_registry::{read_rows, write_rows};
use serde::{Deserialize, Serialize};

use super::{StoreError, TABLES};

/// One change of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChange {
    /// The file.
    pub file: String,
    /// The row as it was (a correction or retraction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Vec<String>>,
    /// The row as it is (an addition or correction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Vec<String>>,
    /// The file's whole text (a snapshot, a release).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl RowChange {
    /// A whole file.
    pub fn whole(file: &str, text: &str) -> RowChange {
        RowChange {
            file: file.to_string(),
            old: None,
            new: None,
            text: Some(text.to_string()),
        }
    }

    /// One row of a table.
    pub fn row(file: &str, old: Option<&[String]>, new: Option<&[String]>) -> RowChange {
        RowChange {
            file: file.to_string(),
            old: old.map(<[String]>::to_vec),
            new: new.map(<[String]>::to_vec),
            text: None,
        }
    }
}

/// The changes as stored.
pub(crate) fn encode(changes: &[RowChange]) -> String {
    serde_json::to_string(changes).unwrap_or_else(|_| "[]".to_string())
}

fn corrupt(version: i64, what: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        what: format!("the edit log at version {version}"),
        error: std::io::Error::other(what.to_string()),
    }
}

/// The files as they stood after the edits given, applied in order; the
/// first must be a snapshot.
pub(crate) fn rebuild<'a>(
    edits: impl IntoIterator<Item = (i64, &'a str)>,
) -> Result<BTreeMap<String, String>, StoreError> {
    let mut record = Rebuilt::default();
    for (version, changes) in edits {
        record.apply(version, changes)?;
    }
    Ok(record.files())
}

/// The record being rebuilt edit by edit: row tables as rows (header
/// first), other files as text.
#[derive(Default)]
pub(crate) struct Rebuilt {
    tables: BTreeMap<String, Vec<Vec<String>>>,
    files: BTreeMap<String, String>,
}

impl Rebuilt {
    /// Applies one logged edit; the changes it made.
    pub(crate) fn apply(
        &mut self,
        version: i64,
        changes: &str,
    ) -> Result<Vec<RowChange>, StoreError> {
        let changes: Vec<RowChange> =
            serde_json::from_str(changes).map_err(|e| corrupt(version, e))?;
        for c in &changes {
            let is_table = TABLES.iter().any(|(f, _, _)| *f == c.file);
            if let Some(text) = &c.text {
                if is_table {
                    let rows = read_rows(text).map_err(|e| corrupt(version, e))?;
                    self.tables.insert(c.file.clone(), rows);
                } else {
                    self.files.insert(c.file.clone(), text.clone());
                }
                continue;
            }
            let rows = self
                .tables
                .get_mut(&c.file)
                .ok_or_else(|| corrupt(version, format!("{} before its snapshot", c.file)))?;
            match (&c.old, &c.new) {
                (Some(old), new) => {
                    let at =
                        rows.iter().skip(1).position(|r| r == old).ok_or_else(|| {
                            corrupt(version, format!("a row of {} not held", c.file))
                        })?;
                    match new {
                        Some(new) => rows[at + 1] = new.clone(),
                        None => {
                            rows.remove(at + 1);
                        }
                    }
                }
                (None, Some(new)) => rows.push(new.clone()),
                (None, None) => {}
            }
        }
        Ok(changes)
    }

    /// The rows of a file (without its header) whose first cell is `code`.
    pub(crate) fn rows_of(&self, file: &str, code: &str) -> Vec<Vec<String>> {
        let rows: Vec<Vec<String>> = match self.tables.get(file) {
            Some(rows) => rows.iter().skip(1).cloned().collect(),
            None => self
                .files
                .get(file)
                .and_then(|t| read_rows(t).ok())
                .map(|r| r.into_iter().skip(1).collect())
                .unwrap_or_default(),
        };
        rows.into_iter()
            .filter(|r| r.first().is_some_and(|c| c == code))
            .collect()
    }

    /// Every file as text.
    pub(crate) fn files(&self) -> BTreeMap<String, String> {
        let mut out = self.files.clone();
        for (file, rows) in &self.tables {
            out.insert(file.clone(), write_rows(rows));
        }
        out
    }
}

/// The record version an `as_of` names: an edit id (its version) or an
/// RFC 3339 time (the last edit at or before it), within the log's range.
///
/// # Errors
/// Text that is neither, or a point outside the range, with the range.
pub(crate) fn resolve(as_of: &str, log: &[(i64, jiff::Timestamp)]) -> Result<i64, String> {
    let (Some(first), Some(last)) = (log.first(), log.last()) else {
        return Err("the record has no edit log yet".into());
    };
    let range = format!(
        "the record's edits run from {} ({}) to {} ({})",
        first.0, first.1, last.0, last.1
    );
    if let Ok(version) = as_of.parse::<i64>() {
        return if log.iter().any(|(v, _)| *v == version) {
            Ok(version)
        } else if version < first.0 || version > last.0 {
            Err(format!("as_of {version} is outside the log: {range}"))
        } else {
            // A version between two logged ones: the one before it.
            Ok(log
                .iter()
                .rev()
                .find(|(v, _)| *v <= version)
                .map_or(first.0, |(v, _)| *v))
        };
    }
    let at: jiff::Timestamp = as_of.parse().map_err(|e| {
        format!("as_of must be an edit id or an RFC 3339 time such as 2026-01-01T00:00:00Z ({e})")
    })?;
    if at < first.1 {
        return Err(format!("as_of {at} is before the first edit: {range}"));
    }
    if at > jiff::Timestamp::now() {
        return Err(format!("as_of {at} is in the future: {range}"));
    }
    Ok(log
        .iter()
        .rev()
        .find(|(_, t)| *t <= at)
        .map_or(first.0, |(v, _)| *v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn edits_rebuild_the_files_in_order() {
        let snapshot = encode(&[
            RowChange::whole(
                "treaty_actions.csv",
                "state,action,date,bound_from,sources,note\nLTU,ratification,2003-05-12,,untc,\n",
            ),
            RowChange::whole("groups.csv", "id,name\n"),
        ]);
        let old = row(&["LTU", "ratification", "2003-05-12", "", "untc", ""]);
        let new = row(&["LTU", "ratification", "2003-05-12", "", "untc", "a note"]);
        let add = row(&["USA", "accession", "2026-01-01", "", "untc", ""]);
        let correct = encode(&[RowChange::row("treaty_actions.csv", Some(&old), Some(&new))]);
        let added = encode(&[RowChange::row("treaty_actions.csv", None, Some(&add))]);
        let retract = encode(&[RowChange::row("treaty_actions.csv", Some(&add), None)]);
        let after = |n: usize| {
            let all = [
                (1, snapshot.as_str()),
                (2, &correct),
                (3, &added),
                (4, &retract),
            ];
            rebuild(all.into_iter().take(n)).expect("rebuilt")
        };
        assert!(after(1)["treaty_actions.csv"].ends_with("untc,\n"));
        assert!(after(2)["treaty_actions.csv"].contains("a note"));
        assert!(after(3)["treaty_actions.csv"].contains("USA"));
        assert!(!after(4)["treaty_actions.csv"].contains("USA"));
        assert_eq!(after(4)["groups.csv"], "id,name\n");
        // A change of a row the log never held is a corrupt log, said so.
        assert!(rebuild([(1, snapshot.as_str()), (2, &retract)]).is_err());
    }

    #[test]
    fn as_of_names_an_edit_or_a_time_within_the_log() {
        let t = |s: &str| s.parse::<jiff::Timestamp>().expect("a time");
        let log = [
            (3, t("2026-01-01T00:00:00Z")),
            (4, t("2026-02-01T00:00:00Z")),
            (7, t("2026-03-01T00:00:00Z")),
        ];
        assert_eq!(resolve("4", &log), Ok(4));
        assert_eq!(resolve("5", &log), Ok(4));
        assert_eq!(resolve("2026-02-15T12:00:00Z", &log), Ok(4));
        assert_eq!(resolve("2026-03-01T00:00:00Z", &log), Ok(7));
        assert!(resolve("2", &log).is_err_and(|e| e.contains("run from 3")));
        assert!(resolve("8", &log).is_err());
        assert!(resolve("2025-12-31T23:59:59Z", &log).is_err());
        assert!(resolve("yesterday", &log).is_err_and(|e| e.contains("RFC 3339")));
        assert!(resolve("1", &[]).is_err());
    }

    proptest::proptest! {
        /// Whatever edits were made, one after another (additions,
        /// corrections, retractions of rows then held), the files rebuilt
        /// from the first N logged edits are the files after the Nth.
        #[test]
        fn the_record_as_of_edit_n_is_the_record_after_edit_n(
            ops in proptest::collection::vec((0u8..3, 0usize..8, "[a-d]{1,2}"), 1..24),
        ) {
            let header = row(&["id", "publisher", "title", "url"]);
            let mut rows: Vec<Vec<String>> = vec![header.clone()];
            let mut log = vec![encode(&[RowChange::whole("sources.csv", &write_rows(&rows))])];
            let mut after = vec![write_rows(&rows)];
            for (i, (op, at, word)) in ops.into_iter().enumerate() {
                let change = match op {
                    0 => {
                        let new = row(&[&format!("s{i}"), "UN", &word, "https://x"]);
                        rows.push(new.clone());
                        RowChange::row("sources.csv", None, Some(&new))
                    }
                    _ if rows.len() == 1 => continue,
                    1 => {
                        let k = 1 + at % (rows.len() - 1);
                        let old = rows[k].clone();
                        let mut new = old.clone();
                        new[2] = format!("{word}{i}");
                        rows[k] = new.clone();
                        RowChange::row("sources.csv", Some(&old), Some(&new))
                    }
                    _ => {
                        let k = 1 + at % (rows.len() - 1);
                        let old = rows.remove(k);
                        RowChange::row("sources.csv", Some(&old), None)
                    }
                };
                log.push(encode(&[change]));
                after.push(write_rows(&rows));
            }
            for n in 1..=log.len() {
                let edits = log.iter().take(n).enumerate().map(|(v, c)| (v as i64, c.as_str()));
                let rebuilt = rebuild(edits).expect("rebuilt");
                proptest::prop_assert_eq!(&rebuilt["sources.csv"], &after[n - 1]);
            }
        }
    }
}
