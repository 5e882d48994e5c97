//! A deployment's history carried to another database: `minewatch export`
//! writes the data files, the edit log (`edit-log.jsonl`), the audit trail
//! (`audit.jsonl`) and the release's bookkeeping (`meta.json`);
//! [`Store::import_dir`] reads them back into a new database, checked
//! whole before anything is written, in one transaction. Editors, their
//! tokens, proposals and webhooks are not carried: a new deployment adds
//! its own.

use std::collections::BTreeMap;
use std::path::Path;

use minewatch_registry::{EMBEDDED_FILES, read_rows};

use super::log::{self, RowChange};
use super::{
    AuditEntry, EditInfo, RELEASE_EDITOR, Store, StoreError, TABLES, load, now, operator,
    record_release,
};

/// The `meta` keys an export carries: the release the database follows
/// and its rows (what `data sync` compares with), and the approvals a
/// proposal needs.
fn carried(key: &str) -> bool {
    matches!(key, "release_number" | "release" | "approvals_needed")
        || key
            .strip_prefix("shipped:")
            .is_some_and(|f| TABLES.iter().any(|(file, _, _)| *file == f))
}

/// What an import wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Data files.
    pub files: usize,
    /// Edits of the log (1 when the folder had none: a new snapshot).
    pub edits: usize,
    /// Audit records carried.
    pub audit: usize,
    /// The record version the database now serves.
    pub version: i64,
}

fn refused(at: String, message: impl Into<String>) -> StoreError {
    StoreError::Import {
        at,
        message: message.into(),
    }
}

fn read(path: &Path) -> Result<Option<String>, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(StoreError::Io {
            what: format!("cannot read {}", path.display()),
            error,
        }),
    }
}

/// One JSON value a line, each read as `T`; an error names the line and
/// column.
fn json_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(line).map_err(|e| {
            refused(
                format!("{}:{}:{}", path.display(), i + 1, e.column()),
                e.to_string(),
            )
        })?;
        out.push(value);
    }
    Ok(out)
}

/// Checks an exported log: a snapshot first, versions rising, times that
/// read and never go back, every change well formed, and the record it
/// rebuilds equal to the folder's files.
fn check_log(
    path: &Path,
    edits: &[EditInfo],
    files: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let at = |i: usize| format!("{}:{}", path.display(), i + 1);
    if edits.first().is_none_or(|e| e.kind != "snapshot") {
        return Err(refused(at(0), "the log does not begin with a snapshot"));
    }
    let mut last: Option<(i64, jiff::Timestamp)> = None;
    for (i, e) in edits.iter().enumerate() {
        let time: jiff::Timestamp =
            e.at.parse()
                .map_err(|_| refused(at(i), format!("`at` {:?} is not an RFC 3339 time", e.at)))?;
        if let Some((v, t)) = last {
            if e.version <= v {
                return Err(refused(
                    at(i),
                    format!("version {} does not follow version {v}", e.version),
                ));
            }
            if time < t {
                return Err(refused(
                    at(i),
                    format!("`at` {} is before the edit above", e.at),
                ));
            }
        }
        last = Some((e.version, time));
    }
    // Every version replayed and checked by the loader, as the feeds and
    // `as_of` will read them.
    let mut record = log::Rebuilt::default();
    for (i, e) in edits.iter().enumerate() {
        record
            .apply(e.version, &log::encode(&e.changes))
            .map_err(|err| refused(at(i), format!("the edit does not apply: {err}")))?;
        load(&record.files(), None).map_err(|errors| {
            refused(
                at(i),
                format!(
                    "the record after version {} fails its checks: {}",
                    e.version,
                    errors.summary()
                ),
            )
        })?;
    }
    let rebuilt = record.files();
    for (name, text) in files {
        if rebuilt.get(name) != Some(text) {
            return Err(refused(
                format!("{}", path.display()),
                format!("the record the log rebuilds differs from {name} beside it"),
            ));
        }
    }
    Ok(())
}

impl Store {
    /// Imports a deployment that `minewatch export` wrote to `dir` into
    /// this database, which must hold no record yet (opened with
    /// [`Store::open_empty`]): the data files (checked by the loader), the
    /// edit log as it was (or, without one, a snapshot of the files), the
    /// audit trail with its ids, and the release's bookkeeping (without
    /// it, this program's release). Everything is checked before the one
    /// transaction that writes it, audited as `imported`.
    ///
    /// # Errors
    /// A file missing or unreadable, a line that does not read (with its
    /// line and column), a log that does not rebuild the files, a record the
    /// rules refuse, a database that already holds a record, or a database
    /// error (nothing is written).
    pub async fn import_dir(&self, dir: &Path) -> Result<Imported, StoreError> {
        let mut files = BTreeMap::new();
        for (name, _) in EMBEDDED_FILES {
            let path = dir.join(name);
            let text = read(&path)?.ok_or_else(|| {
                refused(
                    path.display().to_string(),
                    "missing: every data file is needed",
                )
            })?;
            files.insert(name.to_string(), text);
        }
        load(&files, None).map_err(StoreError::Record)?;
        let log_path = dir.join("edit-log.jsonl");
        let edits: Vec<EditInfo> = match read(&log_path)? {
            Some(text) => json_lines(&log_path, &text)?,
            None => Vec::new(),
        };
        if !edits.is_empty() {
            check_log(&log_path, &edits, &files)?;
        }
        let audit_path = dir.join("audit.jsonl");
        let audit: Vec<AuditEntry> = match read(&audit_path)? {
            Some(text) => json_lines(&audit_path, &text)?,
            None => Vec::new(),
        };
        for (i, a) in audit.iter().enumerate() {
            let here = || format!("{}:{}", audit_path.display(), i + 1);
            if a.id < 1 {
                return Err(refused(
                    here(),
                    format!("audit id {} is not positive", a.id),
                ));
            }
            if i > 0 && a.id <= audit[i - 1].id {
                return Err(refused(
                    here(),
                    format!("audit id {} does not follow {}", a.id, audit[i - 1].id),
                ));
            }
            if a.at.parse::<jiff::Timestamp>().is_err() {
                return Err(refused(
                    here(),
                    format!("`at` {:?} is not an RFC 3339 time", a.at),
                ));
            }
        }
        // Each edit names its audit record (0: none, as a snapshot).
        let ids: std::collections::BTreeSet<i64> = audit.iter().map(|a| a.id).collect();
        if let Some((i, e)) = edits
            .iter()
            .enumerate()
            .find(|(_, e)| e.audit < 0 || (e.audit > 0 && !ids.contains(&e.audit)))
        {
            return Err(refused(
                format!("{}:{}", log_path.display(), i + 1),
                if ids.is_empty() {
                    format!(
                        "edit {} names audit record {}, and there is no audit.jsonl beside the log (export again with this release)",
                        e.version, e.audit
                    )
                } else {
                    format!(
                        "edit {} names audit record {}, which audit.jsonl lacks",
                        e.version, e.audit
                    )
                },
            ));
        }
        let meta_path = dir.join("meta.json");
        let meta: BTreeMap<String, String> = match read(&meta_path)? {
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                refused(
                    format!("{}:{}:{}", meta_path.display(), e.line(), e.column()),
                    e.to_string(),
                )
            })?,
            None => BTreeMap::new(),
        };
        for (key, value) in &meta {
            let bad =
                |why: String| refused(meta_path.display().to_string(), format!("`{key}`: {why}"));
            if !carried(key) {
                return Err(bad("not a key an export carries".into()));
            }
            match key.as_str() {
                "approvals_needed" => {
                    if !value.parse::<i64>().is_ok_and(|n| (1..=20).contains(&n)) {
                        return Err(bad(format!("{value:?} is not a number from 1 to 20")));
                    }
                }
                "release_number" => {
                    if !value.parse::<i64>().is_ok_and(|n| n >= 1) {
                        return Err(bad(format!("{value:?} is not a release number")));
                    }
                }
                "release" => {}
                _ => {
                    read_rows(value).map_err(|e| bad(e.to_string()))?;
                }
            }
        }

        let mut tx = self.write().await?;
        if let Some(when) = tx.meta("imported").await? {
            tx.rollback().await?;
            return Err(refused(
                "the database".into(),
                format!("it already holds a record (filled {when}); import into a new database"),
            ));
        }
        for (name, text) in &files {
            match TABLES.iter().position(|(file, _, _)| file == name) {
                Some(table) => {
                    let rows = read_rows(text).map_err(|e| refused(name.clone(), e.to_string()))?;
                    tx.replace_rows(table, &rows[1.min(rows.len())..]).await?;
                }
                None => tx.put_file(name, text).await?,
            }
        }
        for a in &audit {
            tx.put_audit(a).await?;
        }
        tx.follow_ids().await?;
        if meta.is_empty() {
            record_release(&mut *tx).await?;
        } else {
            for (key, value) in &meta {
                tx.set_meta(key, value).await?;
            }
        }
        let version = match edits.last() {
            Some(last) => {
                for e in &edits {
                    tx.put_edit(
                        e.version,
                        [&e.at, &e.editor, &e.kind, &e.note, &log::encode(&e.changes)],
                        e.audit,
                    )
                    .await?;
                }
                tx.set_meta("version", &last.version.to_string()).await?;
                last.version
            }
            None => {
                let version = tx.bump_version().await?;
                let whole: Vec<RowChange> = files
                    .iter()
                    .map(|(name, text)| RowChange::whole(name, text))
                    .collect();
                let note = format!("imported from {}", dir.display());
                tx.add_edit(
                    version,
                    [RELEASE_EDITOR, "snapshot", &note, &log::encode(&whole)],
                    0,
                )
                .await?;
                version
            }
        };
        let detail = format!(
            "{} files, {} edits, {} audit records",
            files.len(),
            edits.len().max(1),
            audit.len()
        );
        tx.audit(
            &operator(),
            ["imported", &dir.display().to_string(), "", &detail],
        )
        .await?;
        tx.set_meta("imported", &now()).await?;
        tx.commit().await?;
        Ok(Imported {
            files: files.len(),
            edits: edits.len().max(1),
            audit: audit.len(),
            version,
        })
    }

    /// Writes the audit trail to `dir/audit.jsonl` (one record a line) and
    /// the release's bookkeeping to `dir/meta.json`: with the data files
    /// and the edit log, what [`Store::import_dir`] reads. How many audit
    /// records.
    ///
    /// # Errors
    /// On a database or file error.
    pub async fn export_history(&self, dir: &Path) -> Result<usize, StoreError> {
        let audit = self.audit().await?;
        let mut text = String::new();
        for a in &audit {
            text.push_str(&serde_json::to_string(a).unwrap_or_default());
            text.push('\n');
        }
        let keys: Vec<String> = ["release_number", "release", "approvals_needed"]
            .into_iter()
            .map(str::to_string)
            .chain(TABLES.iter().map(|(file, _, _)| format!("shipped:{file}")))
            .collect();
        let mut meta = BTreeMap::new();
        let mut tx = self.read().await?;
        for key in &keys {
            if let Some(value) = tx.meta(key).await? {
                meta.insert(key.clone(), value);
            }
        }
        tx.rollback().await?;
        for (name, content) in [
            ("audit.jsonl", text),
            (
                "meta.json",
                serde_json::to_string_pretty(&meta).unwrap_or_default() + "\n",
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(|error| StoreError::Io {
                what: format!("cannot write {}", path.display()),
                error,
            })?;
        }
        Ok(audit.len())
    }
}
