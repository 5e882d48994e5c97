//! The embedded database: the record of `data/` in SQLite, editors, and the
//! audit trail. Written with sqlx and plain SQL so that PostgreSQL can
//! follow without redesign.
//!
//! The three files that edits touch (`sources.csv`, `states.csv`,
//! `treaty_actions.csv`) are tables, one column per CSV column, in file
//! order; the other files are kept whole, as text. The served record is
//! always rebuilt from the database through the same loader that checks
//! `data/`, so an edit the rules refuse never reaches it.
//!
//! Every write runs in a [`WriteTx`]: `BEGIN IMMEDIATE` (the write lock is
//! taken at the start, so a second writer waits for it under the busy
//! timeout instead of failing when it upgrades), and a connection that saw
//! any error inside a transaction is closed, never handed back to the pool.
//! SQLite rolls a transaction back by itself on some errors (a full disk);
//! a connection reused after that would run the next "transaction" as a
//! savepoint of nothing, and its writes would be acknowledged and lost.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use minewatch_registry::{
    COLUMNS, CONTEXT_FILES, EMBEDDED_FILES, FILES, LoadErrors, Loaded, load_files, read_rows,
    write_rows,
};
use sha2::{Digest, Sha256};

use crate::sync::SyncPlan;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, Sqlite};

/// The tables that hold a data file row by row; their columns are the
/// file's (the first three of the registry's files).
const TABLES: [(&str, &str, &[&str]); 3] = [
    ("sources.csv", "sources", COLUMNS[0]),
    ("states.csv", "states", COLUMNS[1]),
    ("treaty_actions.csv", "treaty_actions", COLUMNS[2]),
];

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong in the store. The detail is for the operator's log; a
/// client is told only that the store could not answer.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL cannot be read.
    Url {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// The database failed an operation (a full disk, a lock held too long,
    /// an I/O error).
    Database(sqlx::Error),
    /// The migrations could not be applied.
    Migration(sqlx::migrate::MigrateError),
    /// The stored record no longer passes the loader's checks.
    Record(LoadErrors),
    /// An editor name is taken (compared without regard to case).
    NameTaken(String),
    /// No editor has this name.
    NoSuchEditor(String),
    /// An editor name that is not allowed, and why.
    BadName {
        /// The name as given (escaped when printed).
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The operating system gave no randomness for a token.
    Randomness(String),
    /// A file or socket operation failed.
    Io {
        /// What was being done, with the path or address.
        what: String,
        /// The error.
        error: std::io::Error,
    },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Url { url, message } => write!(f, "database URL {url}: {message}"),
            StoreError::Database(e) => write!(f, "database: {e}"),
            StoreError::Migration(e) => write!(f, "database migration: {e}"),
            StoreError::Record(e) => write!(f, "the stored record does not load: {e}"),
            StoreError::NameTaken(name) => {
                write!(f, "an editor named {name:?} already exists")
            }
            StoreError::NoSuchEditor(name) => write!(f, "no editor is named {name:?}"),
            StoreError::BadName { name, reason } => {
                write!(f, "editor name {name:?} refused: {reason}")
            }
            StoreError::Randomness(e) => write!(f, "no randomness for a token: {e}"),
            StoreError::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError::Database(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Migration(e)
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

/// Who asks for a write: the editor (empty when no valid token was given)
/// and the address the request came from.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    /// The editor's name, or empty.
    pub editor: String,
    /// The client's address (`ip:port`), or empty when unknown.
    pub address: String,
}

/// An `Idempotency-Key` and the hash of the request it came with.
#[derive(Clone, Debug)]
pub struct Idempotency {
    /// The key as the client sent it.
    pub key: String,
    /// SHA-256 of the request body, hex.
    pub request_sha256: String,
}

/// What a write came to.
#[derive(Debug)]
pub enum WriteOutcome {
    /// Stored and committed: the audit id, the record with the edit, and the
    /// answer kept for replays.
    Applied {
        /// The audit record's id.
        audit: i64,
        /// The record as it now stands.
        loaded: Box<Loaded>,
        /// The response body.
        body: String,
    },
    /// The same key and request were answered before: that answer again.
    Replayed {
        /// The status first given.
        status: u16,
        /// The body first given.
        body: String,
    },
    /// The same key came with another request.
    KeyReused,
    /// The record's rules refuse the edit; nothing was stored.
    Refused(LoadErrors),
}

/// What an editor may do. Only a maintainer writes to the record directly
/// (`POST /api/v1/actions`); editors and reviewers are recorded for the
/// review of proposed edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Proposes edits.
    Editor,
    /// Approves or rejects proposed edits.
    Reviewer,
    /// May also apply edits directly.
    Maintainer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Editor, Role::Reviewer, Role::Maintainer];

    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Maintainer => "maintainer",
        }
    }

    /// Parses a stored or given name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// An editor as `minewatch editor list` shows it (never the token).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EditorInfo {
    /// The name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// When it was created (UTC, RFC 3339).
    pub created: String,
    /// When its token was revoked, if it was.
    pub revoked: Option<String>,
}

/// A proposed edit: a new treaty action (with a new source, if any).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Proposal {
    /// Its number.
    pub id: i64,
    /// What it proposes: `add_action`.
    pub kind: String,
    /// The `treaty_actions.csv` row it would add.
    pub action: Vec<String>,
    /// The `sources.csv` row it would add, if any.
    pub source: Option<Vec<String>>,
    /// The proposer's comment.
    pub comment: String,
    /// Who proposed it.
    pub proposer: String,
    /// `pending`, `approved` (and applied) or `rejected`.
    pub status: String,
    /// When it was proposed (UTC, RFC 3339).
    pub created: String,
    /// Who decided it, once decided.
    pub decided_by: String,
    /// When, once decided.
    pub decided_at: String,
    /// Why it was rejected.
    pub reason: String,
}

impl Proposal {
    /// The edit it proposes.
    pub fn action(&self) -> NewAction {
        NewAction {
            row: self.action.clone(),
            new_source: self.source.clone(),
        }
    }
}

/// What deciding a proposal came to.
#[derive(Debug)]
pub enum Decision {
    /// Approved and applied: the record as it now stands.
    Applied {
        /// The audit id of the applied action.
        audit: i64,
        /// The record.
        loaded: Box<Loaded>,
    },
    /// Rejected, with the reason kept.
    Rejected,
    /// No such proposal.
    NotFound,
    /// Already decided (its status).
    AlreadyDecided(String),
    /// The proposer may not decide their own proposal.
    OwnProposal,
    /// The record as it now stands refuses the edit (it changed since the
    /// proposal); nothing was changed.
    Refused(LoadErrors),
}

/// What a data sync came to.
#[derive(Debug)]
pub enum SyncOutcome {
    /// The database already holds this release.
    Unchanged,
    /// A dry run: what would change.
    Planned(SyncPlan),
    /// Applied and committed as one audited edit.
    Applied {
        /// What changed.
        plan: SyncPlan,
        /// The audit record's id.
        audit: i64,
        /// The record as it now stands.
        loaded: Box<Loaded>,
    },
    /// The record after the release would not pass the checks (a row the
    /// team wrote contradicts a shipped one); nothing was changed.
    Refused {
        /// What would have changed.
        plan: SyncPlan,
        /// Why the result is refused.
        errors: LoadErrors,
    },
}

/// The audit detail of a sync: each changed key, one a line.
fn sync_detail(plan: &SyncPlan) -> String {
    let mut lines = Vec::new();
    let cell = |row: &[String]| write_rows(&[row.to_vec()]).trim_end().to_string();
    for t in &plan.tables {
        for r in &t.added {
            lines.push(format!("{}: added {}", t.file, cell(r)));
        }
        for (old, new) in &t.replaced {
            lines.push(format!(
                "{}: replaced {} with {}",
                t.file,
                cell(old),
                cell(new)
            ));
        }
        for r in &t.removed {
            lines.push(format!("{}: removed {}", t.file, cell(r)));
        }
        for (team, shipped) in &t.kept {
            lines.push(format!(
                "{}: kept the team's {}; the release ships {}",
                t.file,
                cell(team),
                cell(shipped)
            ));
        }
    }
    for f in &plan.files {
        lines.push(format!("{f}: replaced by the release's text"));
    }
    lines.join("\n")
}

/// One audit record.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// The editor's name (empty for a request with no valid token).
    pub editor: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// What was done or tried, as the data row concerned.
    pub what: String,
    /// The source ids cited.
    pub source: String,
    /// `action`, `source` (a new source published with an action),
    /// `editor_added`, or `refused` (a write that was not made).
    pub kind: String,
    /// The client's address, where known.
    pub address: String,
    /// Why a write was refused, or other detail.
    pub detail: String,
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// The SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex_sha256(token.as_bytes())
}

/// The SHA-256 of bytes, hex.
pub fn hex_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> String {
    Timestamp::now().to_string()
}

/// A connection held for one write transaction. It goes back to the pool
/// only after a successful `COMMIT` or `ROLLBACK`; on any error, or when the
/// holder is dropped half-way (a cancelled task), it is detached and closed,
/// and SQLite rolls back whatever was open.
struct WriteTx {
    conn: Option<PoolConnection<Sqlite>>,
}

impl WriteTx {
    async fn begin(pool: &SqlitePool) -> Result<WriteTx, StoreError> {
        let mut tx = WriteTx {
            conn: Some(pool.acquire().await?),
        };
        tx.run("BEGIN IMMEDIATE").await?;
        Ok(tx)
    }

    /// The connection, for the statements of the transaction.
    fn conn(&mut self) -> &mut SqliteConnection {
        match self.conn.as_mut() {
            Some(c) => c,
            // `conn` is only taken by `finish` and `drop`, which consume.
            None => unreachable!("a finished write transaction is not used"),
        }
    }

    async fn run(&mut self, sql: &str) -> Result<(), StoreError> {
        let result = sqlx::query(sql).execute(self.conn()).await;
        result.map(|_| ()).map_err(|e| self.poison(e))
    }

    /// Closes the connection (SQLite rolls back) and gives the error back.
    fn poison(&mut self, e: impl Into<StoreError>) -> StoreError {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
        e.into()
    }

    /// Runs `step`; on its error the connection is closed.
    async fn step<T, E: Into<StoreError>>(
        &mut self,
        step: impl AsyncFnOnce(&mut SqliteConnection) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        match step(self.conn()).await {
            Ok(v) => Ok(v),
            Err(e) => Err(self.poison(e)),
        }
    }

    /// Ends the transaction without writing; the connection goes back.
    async fn rollback(mut self) -> Result<(), StoreError> {
        self.run("ROLLBACK").await?;
        self.conn.take();
        Ok(())
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        self.run("COMMIT").await?;
        self.conn.take();
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url`, applies the
    /// migrations, and on first start fills it from the project's `data/`.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &[]).await
    }

    /// [`Store::open`] with extra SQLite pragmas on every connection (the
    /// fault tests bound the file with `max_page_count`).
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open_with(url: &str, pragmas: &[(&str, &str)]) -> Result<Store, StoreError> {
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Url {
                url: url.to_string(),
                message: e.to_string(),
            })?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        for (key, value) in pragmas {
            options = options.pragma(key.to_string(), value.to_string());
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let store = Store { pool };
        store.import_if_empty().await?;
        Ok(store)
    }

    /// Fills an empty database from the embedded `data/`, in one transaction.
    async fn import_if_empty(&self) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let imported: Option<(String,)> = tx
            .step(async |c| {
                sqlx::query_as("SELECT value FROM meta WHERE key = 'imported'")
                    .fetch_optional(c)
                    .await
            })
            .await?;
        if imported.is_some() {
            return tx.commit().await;
        }
        for (name, text) in EMBEDDED_FILES {
            match TABLES.iter().find(|(file, _, _)| *file == name) {
                Some((_, table, columns)) => {
                    let rows = read_rows(text).map_err(|e| {
                        tx.poison(StoreError::Io {
                            what: format!("the embedded {name}"),
                            error: std::io::Error::other(e.to_string()),
                        })
                    })?;
                    for (ord, row) in rows.iter().skip(1).enumerate() {
                        let ord = i64::try_from(ord).unwrap_or(i64::MAX);
                        tx.step(async |c| insert_row(c, table, columns, ord, row).await)
                            .await?;
                    }
                }
                None => {
                    tx.step(async |c| {
                        sqlx::query("INSERT INTO data_files (name, content) VALUES (?, ?)")
                            .bind(name)
                            .bind(text)
                            .execute(c)
                            .await
                    })
                    .await?;
                }
            }
        }
        tx.step(async |c| {
            sqlx::query("INSERT INTO meta (key, value) VALUES ('imported', ?)")
                .bind(now())
                .execute(c)
                .await
        })
        .await?;
        tx.commit().await
    }

    /// Every data file as text, as `data/` would hold it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn files(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(read_files(&mut conn).await?)
    }

    /// Loads and checks the record the database holds.
    ///
    /// # Errors
    /// On a database error, or if the stored record does not pass the checks.
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        let files = self.files().await?;
        load(&files, None).map_err(StoreError::Record)
    }

    /// Checks a new action against the record the database holds and, if
    /// the rules accept it, stores it with its new source and their audit
    /// records, all in one transaction that holds the write lock from the
    /// start: the check sees exactly what the edit is added to. A refusal
    /// stores nothing (the caller audits it with [`Store::record_refusal`]).
    /// `respond` makes the answer from the audit id; it is kept with the
    /// idempotency key, if one is given.
    ///
    /// # Errors
    /// On a database error; nothing is stored then.
    pub async fn add_action(
        &self,
        actor: &Actor,
        action: &NewAction,
        idempotency: Option<&Idempotency>,
        respond: impl FnOnce(i64) -> String,
    ) -> Result<WriteOutcome, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        if let Some(key) = idempotency {
            let seen: Option<(String, i64, String)> = tx
                .step(async |c| {
                    sqlx::query_as(
                        "SELECT request_sha256, status, response FROM idempotency WHERE editor = ? AND key = ?",
                    )
                    .bind(&actor.editor)
                    .bind(&key.key)
                    .fetch_optional(c)
                    .await
                })
                .await?;
            if let Some((hash, status, body)) = seen {
                tx.rollback().await?;
                if hash != key.request_sha256 {
                    return Ok(WriteOutcome::KeyReused);
                }
                let status = u16::try_from(status).unwrap_or(201);
                return Ok(WriteOutcome::Replayed { status, body });
            }
        }
        let files = tx.step(async |c| read_files(c).await).await?;
        let what = write_rows(std::slice::from_ref(&action.row))
            .trim_end()
            .to_string();
        let cited = action.row.get(4).cloned().unwrap_or_default();
        let loaded = match load(&files, Some(action)) {
            Ok(loaded) => loaded,
            Err(errors) => {
                // The caller audits the refusal, as it does every other.
                tx.rollback().await?;
                return Ok(WriteOutcome::Refused(errors));
            }
        };
        let audit = apply_action(&mut tx, actor, action, &what, &cited).await?;
        let body = respond(audit);
        if let Some(key) = idempotency {
            tx.step(async |c| {
                sqlx::query(
                    "INSERT INTO idempotency (editor, key, request_sha256, status, response, at) VALUES (?, ?, ?, 201, ?, ?)",
                )
                .bind(&actor.editor)
                .bind(&key.key)
                .bind(&key.request_sha256)
                .bind(&body)
                .bind(now())
                .execute(c)
                .await
            })
            .await?;
        }
        fault_before_commit();
        tx.commit().await?;
        Ok(WriteOutcome::Applied {
            audit,
            loaded: Box::new(loaded),
            body,
        })
    }

    /// Audits a write that was refused before it reached the record (no
    /// valid token, a malformed request): who tried, from where, and why.
    ///
    /// # Errors
    /// On a database error.
    pub async fn record_refusal(
        &self,
        actor: &Actor,
        what: &str,
        detail: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let id = tx
            .step(async |c| audit_row(c, actor, "refused", what, "", detail).await)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds an editor and returns the token, which is shown once and stored
    /// only as its hash. The addition is audited.
    ///
    /// # Errors
    /// When the name is refused or taken, or on a database error.
    pub async fn add_editor(&self, name: &str) -> Result<String, StoreError> {
        self.add_editor_as(name, Role::Maintainer).await
    }

    /// Creates an editor with a role and returns its token (shown once;
    /// only its hash is kept).
    ///
    /// # Errors
    /// A name taken or not allowed; a database error.
    pub async fn add_editor_as(&self, name: &str, role: Role) -> Result<String, StoreError> {
        check_editor_name(name)?;
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Randomness(e.to_string()))?;
        let token: String = format!(
            "mw_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut tx = WriteTx::begin(&self.pool).await?;
        let taken: Option<(String,)> = tx
            .step(async |c| {
                sqlx::query_as("SELECT name FROM editors WHERE lower(name) = lower(?)")
                    .bind(name)
                    .fetch_optional(c)
                    .await
            })
            .await?;
        if let Some((existing,)) = taken {
            tx.rollback().await?;
            return Err(StoreError::NameTaken(existing));
        }
        tx.step(async |c| {
            sqlx::query(
                "INSERT INTO editors (name, token_sha256, created, role) VALUES (?, ?, ?, ?)",
            )
            .bind(name)
            .bind(token_hash(&token))
            .bind(now())
            .bind(role.as_str())
            .execute(c)
            .await
        })
        .await?;
        let operator = Actor {
            editor: "(operator)".into(),
            address: "local".into(),
        };
        tx.step(async |c| {
            audit_row(
                c,
                &operator,
                "editor_added",
                name,
                "",
                &format!("minewatch editor add --role {}", role.as_str()),
            )
            .await
        })
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The editor a bearer token belongs to.
    ///
    /// # Errors
    /// On a database error.
    pub async fn editor_for(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self.editor_with_role(token).await?.map(|(name, _)| name))
    }

    /// The editor a bearer token belongs to, with its role; a revoked token
    /// belongs to no one.
    ///
    /// # Errors
    /// On a database error.
    pub async fn editor_with_role(
        &self,
        token: &str,
    ) -> Result<Option<(String, Role)>, StoreError> {
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT name, role FROM editors WHERE token_sha256 = ? AND revoked IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.map(|(name, role)| (name, Role::parse(&role).unwrap_or(Role::Editor))))
    }

    /// Every editor, in the order they were created.
    ///
    /// # Errors
    /// On a database error.
    pub async fn editors(&self) -> Result<Vec<EditorInfo>, StoreError> {
        let rows: Vec<(String, String, String, Option<String>)> =
            sqlx::query_as("SELECT name, role, created, revoked FROM editors ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(name, role, created, revoked)| EditorInfo {
                name,
                role: Role::parse(&role).unwrap_or(Role::Editor),
                created,
                revoked,
            })
            .collect())
    }

    /// Revokes an editor's token from now on, audited. Revoking twice keeps
    /// the first time.
    ///
    /// # Errors
    /// No editor of that name; a database error.
    pub async fn revoke_editor(&self, name: &str) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let found: Option<(String,)> = tx
            .step(async |c| {
                sqlx::query_as("SELECT name FROM editors WHERE lower(name) = lower(?)")
                    .bind(name)
                    .fetch_optional(c)
                    .await
            })
            .await?;
        let Some((exact,)) = found else {
            tx.rollback().await?;
            return Err(StoreError::NoSuchEditor(name.to_string()));
        };
        tx.step(async |c| {
            sqlx::query("UPDATE editors SET revoked = COALESCE(revoked, ?) WHERE name = ?")
                .bind(now())
                .bind(&exact)
                .execute(c)
                .await
        })
        .await?;
        let operator = Actor {
            editor: "(operator)".into(),
            address: "local".into(),
        };
        tx.step(async |c| {
            audit_row(
                c,
                &operator,
                "editor_revoked",
                &exact,
                "",
                "minewatch editor revoke",
            )
            .await
        })
        .await?;
        tx.commit().await
    }

    /// The audit trail, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, editor, at, what, source, kind, address, detail FROM audit ORDER BY id",
        )
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
                    kind: r.try_get(5)?,
                    address: r.try_get(6)?,
                    detail: r.try_get(7)?,
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

    /// Records a proposed edit, checked against the record as it stands (a
    /// proposal the rules refuse is not kept), audited. The proposal's id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn propose(
        &self,
        actor: &Actor,
        action: &NewAction,
        comment: &str,
    ) -> Result<Result<i64, LoadErrors>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let files = tx.step(async |c| read_files(c).await).await?;
        if let Err(errors) = load(&files, Some(action)) {
            tx.rollback().await?;
            return Ok(Err(errors));
        }
        let row = write_rows(std::slice::from_ref(&action.row))
            .trim_end()
            .to_string();
        let source = action
            .new_source
            .as_ref()
            .map(|s| write_rows(std::slice::from_ref(s)).trim_end().to_string())
            .unwrap_or_default();
        let (id,): (i64,) = tx
            .step(async |c| {
                sqlx::query_as(
                    "INSERT INTO proposals (kind, action_row, source_row, comment, proposer, status, created) VALUES ('add_action', ?, ?, ?, ?, 'pending', ?) RETURNING id",
                )
                .bind(&row)
                .bind(&source)
                .bind(comment)
                .bind(&actor.editor)
                .bind(now())
                .fetch_one(c)
                .await
            })
            .await?;
        let cited = action.row.get(4).cloned().unwrap_or_default();
        tx.step(async |c| {
            audit_row(
                c,
                actor,
                "proposed",
                &row,
                &cited,
                &format!("proposal {id}: {comment}"),
            )
            .await
        })
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The record as it would stand with `action` added (for a preview);
    /// the loader's errors if the rules refuse it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn with_action(
        &self,
        action: &NewAction,
    ) -> Result<Result<Loaded, LoadErrors>, StoreError> {
        let files = self.files().await?;
        Ok(load(&files, Some(action)))
    }

    /// The proposals, oldest first, of one status or all.
    ///
    /// # Errors
    /// On a database error.
    pub async fn proposals(&self, status: Option<&str>) -> Result<Vec<Proposal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{PROPOSAL} WHERE (? IS NULL OR status = ?) ORDER BY id"
        ))
        .bind(status)
        .bind(status)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(proposal_of).collect()
    }

    /// One proposal.
    ///
    /// # Errors
    /// On a database error.
    pub async fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        let row = sqlx::query(&format!("{PROPOSAL} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(proposal_of).transpose()
    }

    /// Approves (and applies) or rejects a pending proposal, in one
    /// transaction: never the proposer's own; an approval applies the edit
    /// only if the record as it now stands accepts it. Audited.
    ///
    /// # Errors
    /// On a database error; nothing is changed then.
    pub async fn decide(
        &self,
        reviewer: &Actor,
        id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<Decision, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let row = tx
            .step(async |c| {
                sqlx::query(&format!("{PROPOSAL} WHERE id = ?"))
                    .bind(id)
                    .fetch_optional(c)
                    .await
            })
            .await?;
        let proposal = match row.as_ref().map(proposal_of).transpose() {
            Ok(p) => p,
            Err(e) => return Err(tx.poison(e)),
        };
        let finish = async |tx: WriteTx, decision: Decision| -> Result<Decision, StoreError> {
            tx.rollback().await?;
            Ok(decision)
        };
        let Some(proposal) = proposal else {
            return finish(tx, Decision::NotFound).await;
        };
        if proposal.status != "pending" {
            return finish(tx, Decision::AlreadyDecided(proposal.status)).await;
        }
        if proposal.proposer.eq_ignore_ascii_case(&reviewer.editor) {
            return finish(tx, Decision::OwnProposal).await;
        }
        let status = if approve { "approved" } else { "rejected" };
        let mut applied = None;
        if approve {
            let action = proposal.action();
            let files = tx.step(async |c| read_files(c).await).await?;
            let loaded = match load(&files, Some(&action)) {
                Ok(loaded) => loaded,
                Err(errors) => return finish(tx, Decision::Refused(errors)).await,
            };
            let what = write_rows(std::slice::from_ref(&action.row))
                .trim_end()
                .to_string();
            let cited = action.row.get(4).cloned().unwrap_or_default();
            let audit = apply_action(&mut tx, reviewer, &action, &what, &cited).await?;
            applied = Some((audit, loaded));
        }
        tx.step(async |c| {
            sqlx::query(
                "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?",
            )
            .bind(status)
            .bind(&reviewer.editor)
            .bind(now())
            .bind(reason)
            .bind(id)
            .execute(c)
            .await
        })
        .await?;
        let what = proposal.action.join(",");
        tx.step(async |c| {
            audit_row(
                c,
                reviewer,
                status,
                &what,
                "",
                &format!(
                    "proposal {id} by {}{}",
                    proposal.proposer,
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(": {reason}")
                    }
                ),
            )
            .await
        })
        .await?;
        fault_before_commit();
        tx.commit().await?;
        Ok(match applied {
            Some((audit, loaded)) => Decision::Applied {
                audit,
                loaded: Box::new(loaded),
            },
            None => Decision::Rejected,
        })
    }

    /// Brings the built-in `data/` of this release into a database an
    /// earlier release filled (see [`crate::sync`]): shipped rows the
    /// database lacks are added, rows an earlier release shipped are
    /// replaced or removed as this one ships them, and a row the team wrote
    /// is never overwritten (the difference is reported). The whole result
    /// is checked by the loader before the one transaction commits, and
    /// audited as one edit by `release`. With `dry_run`, nothing is written.
    ///
    /// # Errors
    /// On a database error; nothing is changed then.
    pub async fn sync(&self, dry_run: bool) -> Result<SyncOutcome, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let files = tx.step(async |c| read_files(c).await).await?;
        let team_actions: Vec<(String,)> = tx
            .step(async |c| {
                sqlx::query_as("SELECT what FROM audit WHERE kind = 'action'")
                    .fetch_all(c)
                    .await
            })
            .await?;
        let team_sources: Vec<(String,)> = tx
            .step(async |c| {
                sqlx::query_as("SELECT source FROM audit WHERE kind = 'source'")
                    .fetch_all(c)
                    .await
            })
            .await?;
        let team_actions: std::collections::BTreeSet<String> =
            team_actions.into_iter().map(|(w,)| w).collect();
        let team_sources: std::collections::BTreeSet<String> =
            team_sources.into_iter().map(|(w,)| w).collect();
        let embedded: BTreeMap<&str, &str> = EMBEDDED_FILES.iter().copied().collect();
        let rows_of = |text: &str| -> Vec<Vec<String>> {
            read_rows(text)
                .map(|rows| rows.into_iter().skip(1).collect())
                .unwrap_or_default()
        };
        let mut plan = SyncPlan::default();
        for (file, _, _) in TABLES {
            let stored = rows_of(files.get(file).map_or("", String::as_str));
            let team = stored
                .iter()
                .enumerate()
                .filter(|(_, row)| match file {
                    "treaty_actions.csv" => {
                        team_actions.contains(write_rows(std::slice::from_ref(*row)).trim_end())
                    }
                    "sources.csv" => row.first().is_some_and(|id| team_sources.contains(id)),
                    _ => false,
                })
                .map(|(i, _)| i)
                .collect();
            plan.tables
                .push(crate::sync::plan_table(crate::sync::Table {
                    file,
                    stored,
                    team,
                    shipped: rows_of(embedded.get(file).copied().unwrap_or("")),
                }));
        }
        for (name, text) in EMBEDDED_FILES {
            let whole = !TABLES.iter().any(|(file, _, _)| *file == name);
            if whole && files.get(name).map(String::as_str) != Some(text) {
                plan.files.push(name.to_string());
            }
        }
        if !plan.changes() || dry_run {
            tx.rollback().await?;
            return Ok(if plan.changes() {
                SyncOutcome::Planned(plan)
            } else {
                SyncOutcome::Unchanged
            });
        }
        let mut after = files.clone();
        for (table, (file, _, columns)) in plan.tables.iter().zip(TABLES) {
            let mut rows = vec![columns.iter().map(|c| (*c).to_string()).collect::<Vec<_>>()];
            rows.extend(table.rows.iter().cloned());
            after.insert(file.to_string(), write_rows(&rows));
        }
        for name in &plan.files {
            if let Some(text) = embedded.get(name.as_str()) {
                after.insert(name.clone(), (*text).to_string());
            }
        }
        let loaded = match load(&after, None) {
            Ok(loaded) => loaded,
            Err(errors) => {
                tx.rollback().await?;
                return Ok(SyncOutcome::Refused { plan, errors });
            }
        };
        for (table, (_, name, columns)) in plan.tables.iter().zip(TABLES) {
            if !table.changes() {
                continue;
            }
            let delete = format!("DELETE FROM {name}");
            tx.run(&delete).await?;
            for (ord, row) in table.rows.iter().enumerate() {
                let ord = i64::try_from(ord).unwrap_or(i64::MAX);
                tx.step(async |c| insert_row(c, name, columns, ord, row).await)
                    .await?;
            }
        }
        for name in &plan.files {
            let text = embedded.get(name.as_str()).copied().unwrap_or("");
            tx.step(async |c| {
                sqlx::query("INSERT OR REPLACE INTO data_files (name, content) VALUES (?, ?)")
                    .bind(name)
                    .bind(text)
                    .execute(c)
                    .await
            })
            .await?;
        }
        let release = Actor {
            editor: "release".to_string(),
            address: String::new(),
        };
        let detail = sync_detail(&plan);
        let summary = plan.summary();
        let audit = tx
            .step(async |c| audit_row(c, &release, "sync", &summary, "", &detail).await)
            .await?;
        fault_before_commit();
        tx.commit().await?;
        Ok(SyncOutcome::Applied {
            plan,
            audit,
            loaded: Box::new(loaded),
        })
    }

    /// Writes every data file to `dir`, in the `data/` format.
    ///
    /// # Errors
    /// On a database or file error.
    pub async fn export(&self, dir: &std::path::Path) -> Result<usize, StoreError> {
        let files = self.files().await?;
        std::fs::create_dir_all(dir).map_err(|error| StoreError::Io {
            what: format!("cannot create {}", dir.display()),
            error,
        })?;
        for (name, text) in &files {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|error| StoreError::Io {
                what: format!("cannot write {}", path.display()),
                error,
            })?;
        }
        Ok(files.len())
    }
}

/// The columns of a proposal, in the order [`proposal_of`] reads them.
const PROPOSAL: &str = "SELECT id, kind, action_row, source_row, comment, proposer, status, created, decided_by, decided_at, reason FROM proposals";

/// A proposal from its row.
fn proposal_of(row: &sqlx::sqlite::SqliteRow) -> Result<Proposal, StoreError> {
    let cells = |text: String| -> Result<Vec<String>, StoreError> {
        read_rows(&text)
            .map(|mut rows| rows.pop().unwrap_or_default())
            .map_err(|e| StoreError::Io {
                what: "a stored proposal".into(),
                error: std::io::Error::other(e),
            })
    };
    let source: String = row.try_get(3)?;
    Ok(Proposal {
        id: row.try_get(0)?,
        kind: row.try_get(1)?,
        action: cells(row.try_get(2)?)?,
        source: if source.is_empty() {
            None
        } else {
            Some(cells(source)?)
        },
        comment: row.try_get(4)?,
        proposer: row.try_get(5)?,
        status: row.try_get(6)?,
        created: row.try_get(7)?,
        decided_by: row.try_get(8)?,
        decided_at: row.try_get(9)?,
        reason: row.try_get(10)?,
    })
}

/// Stores an action (and its new source) with their audit records inside an
/// open write transaction; the audit id of the action.
async fn apply_action(
    tx: &mut WriteTx,
    actor: &Actor,
    action: &NewAction,
    what: &str,
    cited: &str,
) -> Result<i64, StoreError> {
    if let Some(source) = &action.new_source {
        let ord = tx.step(async |c| next_ord(c, "sources").await).await?;
        tx.step(async |c| insert_row(c, "sources", TABLES[0].2, ord, source).await)
            .await?;
        let row = write_rows(std::slice::from_ref(source))
            .trim_end()
            .to_string();
        let id = source.first().cloned().unwrap_or_default();
        tx.step(async |c| {
            audit_row(c, actor, "source", &row, &id, "published with an action").await
        })
        .await?;
    }
    let ord = tx
        .step(async |c| next_ord(c, "treaty_actions").await)
        .await?;
    tx.step(async |c| insert_row(c, "treaty_actions", TABLES[2].2, ord, &action.row).await)
        .await?;
    tx.step(async |c| audit_row(c, actor, "action", what, cited, "").await)
        .await
}

/// Refuses a name that could not be told apart from another in the audit:
/// empty, long, several lines or control characters, characters outside
/// ASCII (look-alike letters), or a start that a spreadsheet would read as a
/// formula.
fn check_editor_name(name: &str) -> Result<(), StoreError> {
    let bad = |reason| {
        Err(StoreError::BadName {
            name: name.to_string(),
            reason,
        })
    };
    if name.trim().is_empty() {
        return bad("it is empty");
    }
    if name.len() > 64 {
        return bad("it is longer than 64 characters");
    }
    if name.chars().any(char::is_control) {
        return bad("it has a line break or another control character");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
    {
        return bad("use ASCII letters, digits, spaces, '.', '-' and '_' only");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || name.ends_with(' ') {
        return bad("it must start with a letter or a digit and not end with a space");
    }
    Ok(())
}

/// The fault-injection hook of the crash tests: with the feature on and
/// `MINEWATCH_FAULT_BEFORE_COMMIT` set, the process dies with the
/// transaction open. Release builds do not have it.
fn fault_before_commit() {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("MINEWATCH_FAULT_BEFORE_COMMIT").is_some() {
        std::process::abort();
    }
}

async fn read_files(conn: &mut SqliteConnection) -> Result<BTreeMap<String, String>, sqlx::Error> {
    let mut files = BTreeMap::new();
    for (name, table, columns) in TABLES {
        let select = format!("SELECT {} FROM {table} ORDER BY ord", columns.join(", "));
        let rows = sqlx::query(&select).fetch_all(&mut *conn).await?;
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
        .fetch_all(&mut *conn)
        .await?;
    files.extend(rows);
    Ok(files)
}

async fn next_ord(conn: &mut SqliteConnection, table: &str) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COALESCE(MAX(ord), -1) + 1 FROM {table}");
    let (ord,): (i64,) = sqlx::query_as(&sql).fetch_one(conn).await?;
    Ok(ord)
}

async fn audit_row(
    conn: &mut SqliteConnection,
    actor: &Actor,
    kind: &str,
    what: &str,
    source: &str,
    detail: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO audit (editor, at, what, source, kind, address, detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&actor.editor)
    .bind(now())
    .bind(what)
    .bind(source)
    .bind(kind)
    .bind(&actor.address)
    .bind(detail)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

async fn insert_row(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    ord: i64,
    row: &[String],
) -> Result<(), sqlx::Error> {
    if row.len() != columns.len() {
        return Err(sqlx::Error::Protocol(format!(
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
    query.execute(conn).await?;
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

#[cfg(test)]
mod tests {
    use super::check_editor_name;

    #[test]
    fn editor_names_that_could_mislead_are_refused() {
        for name in [
            "",
            "  ",
            "a\nb",
            "tab\there",
            "=HYPERLINK(\"x\")",
            "+1",
            "-x",
            "@x",
            "аlice", // Cyrillic а
            "alice ",
            &"x".repeat(65),
        ] {
            assert!(check_editor_name(name).is_err(), "{name:?} was accepted");
        }
        for name in ["alice", "Alice Smith", "r.jones-2", "ed_3"] {
            assert!(check_editor_name(name).is_ok(), "{name:?} was refused");
        }
    }
}
