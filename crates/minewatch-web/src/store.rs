//! The embedded database: the record of `data/` in SQLite, editors, and the
//! audit trail. Written with sqlx and plain SQL so that PostgreSQL can
//! follow without redesign.
//!
//! The three files that edits touch (`sources.csv`, `states.csv`,
//! `treaty_actions.csv`) are tables, one column per CSV column, in file
//! order; the other files are kept whole, as text. The served record is
//! always rebuilt from the database through the same loader that checks
//! `data/`, so an edit the rules refuse never reaches it.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::Timestamp;
use minewatch_registry::{
    COLUMNS, CONTEXT_FILES, EMBEDDED_FILES, FILES, LoadErrors, Loaded, load_files, read_rows,
    write_rows,
};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, Sqlite, Transaction};

/// The tables that hold a data file row by row; their columns are the
/// file's (the first three of the registry's files).
const TABLES: [(&str, &str, &[&str]); 3] = [
    ("sources.csv", "sources", COLUMNS[0]),
    ("states.csv", "states", COLUMNS[1]),
    ("treaty_actions.csv", "treaty_actions", COLUMNS[2]),
];

/// A store error, for the operator.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError(format!("database migration: {e}"))
    }
}

/// A new treaty action, checked field by field, ready to be stored.
#[derive(Clone, Debug)]
pub struct NewAction {
    /// The cells of the new `treaty_actions.csv` row, in column order.
    pub row: Vec<String>,
    /// A new source to add with it, as a `sources.csv` row, if any.
    pub new_source: Option<Vec<String>>,
}

/// One audit record.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// The editor's name.
    pub editor: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// What was done, as the data row added.
    pub what: String,
    /// The source ids cited.
    pub source: String,
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// The SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> String {
    Timestamp::now().to_string()
}

impl Store {
    /// Opens (creating if needed) the database at `url`, applies the
    /// migrations, and on first start fills it from the project's `data/`.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError(format!("database URL {url}: {e}")))?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let store = Store { pool };
        store.import_if_empty().await?;
        Ok(store)
    }

    /// Fills an empty database from the embedded `data/`, in one transaction.
    async fn import_if_empty(&self) -> Result<(), StoreError> {
        let imported: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = 'imported'")
                .fetch_optional(&self.pool)
                .await?;
        if imported.is_some() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (name, text) in EMBEDDED_FILES {
            match TABLES.iter().find(|(file, _, _)| *file == name) {
                Some((_, table, columns)) => {
                    let rows = read_rows(text).map_err(|e| StoreError(format!("{name}:{e}")))?;
                    for (ord, row) in rows.iter().skip(1).enumerate() {
                        insert_row(
                            &mut tx,
                            table,
                            columns,
                            i64::try_from(ord).unwrap_or(0),
                            row,
                        )
                        .await?;
                    }
                }
                None => {
                    sqlx::query("INSERT INTO data_files (name, content) VALUES (?, ?)")
                        .bind(name)
                        .bind(text)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('imported', ?)")
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every data file as text, as `data/` would hold it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn files(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let mut files = BTreeMap::new();
        for (name, table, columns) in TABLES {
            let select = format!("SELECT {} FROM {table} ORDER BY ord", columns.join(", "));
            let rows = sqlx::query(&select).fetch_all(&self.pool).await?;
            let mut out = vec![columns.iter().map(|c| (*c).to_string()).collect::<Vec<_>>()];
            for row in rows {
                let mut cells = Vec::with_capacity(columns.len());
                for i in 0..columns.len() {
                    cells.push(row.try_get::<String, _>(i)?);
                }
                out.push(cells);
            }
            files.insert(name.to_string(), write_rows(&out));
        }
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT name, content FROM data_files")
            .fetch_all(&self.pool)
            .await?;
        files.extend(rows);
        Ok(files)
    }

    /// Loads and checks the record the database holds.
    ///
    /// # Errors
    /// On a database error, or if the stored record does not pass the checks.
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        let files = self.files().await?;
        load(&files, None).map_err(|e| StoreError(format!("the stored record does not load: {e}")))
    }

    /// Checks a new action against the whole record (the rules of the
    /// articles included) without storing it.
    ///
    /// # Errors
    /// The problems the loader finds with the record plus the new row.
    pub async fn check_action(&self, action: &NewAction) -> Result<Loaded, LoadErrors> {
        let files = self.files().await.map_err(|e| {
            LoadErrors(vec![minewatch_registry::LoadError {
                file: "database".into(),
                line: 0,
                column: 0,
                field: None,
                token: None,
                message: e.0,
                source_line: None,
            }])
        })?;
        load(&files, Some(action))
    }

    /// Stores a checked action, its new source if any, and the audit record,
    /// in one transaction: all of it or none.
    ///
    /// # Errors
    /// On a database error; nothing is stored then.
    pub async fn add_action(&self, editor: &str, action: &NewAction) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(source) = &action.new_source {
            let (ord,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(ord), -1) + 1 FROM sources")
                .fetch_one(&mut *tx)
                .await?;
            insert_row(&mut tx, "sources", TABLES[0].2, ord, source).await?;
        }
        let (ord,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(ord), -1) + 1 FROM treaty_actions")
                .fetch_one(&mut *tx)
                .await?;
        insert_row(&mut tx, "treaty_actions", TABLES[2].2, ord, &action.row).await?;
        let (audit,): (i64,) = sqlx::query_as(
            "INSERT INTO audit (editor, at, what, source) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(editor)
        .bind(now())
        .bind(
            write_rows(std::slice::from_ref(&action.row))
                .trim_end()
                .to_string(),
        )
        .bind(action.row.get(4).cloned().unwrap_or_default())
        .fetch_one(&mut *tx)
        .await?;
        // Fault injection for the crash test: die with the transaction open.
        if std::env::var_os("MINEWATCH_FAULT_BEFORE_COMMIT").is_some() {
            std::process::abort();
        }
        tx.commit().await?;
        Ok(audit)
    }

    /// Adds an editor and returns the token, which is shown once and stored
    /// only as its hash.
    ///
    /// # Errors
    /// When the name is taken or on a database error.
    pub async fn add_editor(&self, name: &str) -> Result<String, StoreError> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| StoreError(format!("no randomness: {e}")))?;
        let token: String = format!(
            "mw_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let result =
            sqlx::query("INSERT INTO editors (name, token_sha256, created) VALUES (?, ?, ?)")
                .bind(name)
                .bind(token_hash(&token))
                .bind(now())
                .execute(&self.pool)
                .await;
        match result {
            Ok(_) => Ok(token),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError(format!(
                "an editor named {name:?} already exists"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// The editor a bearer token belongs to.
    ///
    /// # Errors
    /// On a database error.
    pub async fn editor_for(&self, token: &str) -> Result<Option<String>, StoreError> {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT name FROM editors WHERE token_sha256 = ?")
                .bind(token_hash(token))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.map(|(name,)| name))
    }

    /// The audit trail, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query("SELECT id, editor, at, what, source FROM audit ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get(0)?,
                    editor: r.try_get(1)?,
                    at: r.try_get(2)?,
                    what: r.try_get(3)?,
                    source: r.try_get(4)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// How many treaty actions are stored.
    ///
    /// # Errors
    /// On a database error.
    pub async fn action_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM treaty_actions")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Writes every data file to `dir`, in the `data/` format.
    ///
    /// # Errors
    /// On a database or file error.
    pub async fn export(&self, dir: &std::path::Path) -> Result<usize, StoreError> {
        let files = self.files().await?;
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", dir.display())))?;
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).map_err(|e| {
                StoreError(format!("cannot write {}: {e}", dir.join(name).display()))
            })?;
        }
        Ok(files.len())
    }
}

async fn insert_row(
    tx: &mut Transaction<'_, Sqlite>,
    table: &str,
    columns: &[&str],
    ord: i64,
    row: &[String],
) -> Result<(), StoreError> {
    if row.len() != columns.len() {
        return Err(StoreError(format!(
            "{table}: expected {} fields, found {}",
            columns.len(),
            row.len()
        )));
    }
    let marks = vec!["?"; columns.len() + 1].join(", ");
    let sql = format!(
        "INSERT INTO {table} (ord, {}) VALUES ({marks})",
        columns.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(ord);
    for cell in row {
        query = query.bind(cell);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Loads files (with an extra action row and source row appended) through
/// the project's loader.
fn load(files: &BTreeMap<String, String>, extra: Option<&NewAction>) -> Result<Loaded, LoadErrors> {
    let mut texts: BTreeMap<&str, String> =
        files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    if let Some(action) = extra {
        if let Some(text) = texts.get_mut("treaty_actions.csv") {
            text.push_str(&write_rows(std::slice::from_ref(&action.row)));
        }
        if let (Some(source), Some(text)) = (&action.new_source, texts.get_mut("sources.csv")) {
            text.push_str(&write_rows(std::slice::from_ref(source)));
        }
    }
    let shown: Vec<(String, &str, &str)> = FILES
        .iter()
        .chain(CONTEXT_FILES.iter())
        .filter_map(|name| {
            texts
                .get(name)
                .map(|t| (format!("database:{name}"), *name, t.as_str()))
        })
        .collect();
    let borrowed: Vec<(&str, &str, &str)> =
        shown.iter().map(|(p, n, t)| (*n, p.as_str(), *t)).collect();
    load_files(&borrowed)
}
