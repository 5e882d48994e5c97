//! The database: the record of `data/`, editors, proposals and the audit
//! trail, on SQLite (the embedded default) or PostgreSQL (a team's
//! deployment, several replicas on one database).
//!
//! The three files that edits touch (`sources.csv`, `states.csv`,
//! `treaty_actions.csv`) are tables, one column per CSV column, in file
//! order; the other files are kept whole, as text; dates stay ISO 8601 text,
//! so one logical schema serves both databases. The served record is always
//! rebuilt from the database through the same loader that checks `data/`,
//! so an edit the rules refuse never reaches it.
//!
//! This module holds every rule of writing (what is checked, what is
//! audited, what a decision may do); [`backend`] is the storage interface
//! beneath it, implemented once per database in [`sqlite`] and
//! [`postgres`], each with its own migrations. Every write runs in one
//! transaction that holds the database's write lock from its start, and is
//! acknowledged only after its commit; a connection that saw an error
//! inside a transaction is closed, never reused.

pub(crate) mod backend;
pub(crate) mod log;
mod postgres;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use minewatch_registry::{
    COLUMNS, CONTEXT_FILES, EMBEDDED_FILES, FILES, LoadErrors, Loaded, load_files, read_rows,
    write_rows,
};
use sha2::{Digest, Sha256};

use crate::sync::SyncPlan;
use backend::{Backend, Listener, ProposalRow, Tx};

/// The tables that hold a data file row by row; their columns are the
/// file's (the first three of the registry's files).
pub(crate) const TABLES: [(&str, &str, &[&str]); 3] = [
    ("sources.csv", "sources", COLUMNS[0]),
    ("states.csv", "states", COLUMNS[1]),
    ("treaty_actions.csv", "treaty_actions", COLUMNS[2]),
];

/// How long a writer waits for another to finish before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// An exported deployment that cannot be imported: where (a path, with
    /// line and column where there are some) and why.
    Import {
        /// `DIR/FILE[:LINE:COLUMN]`, or the database.
        at: String,
        /// Why.
        message: String,
    },
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
            StoreError::Url { url, message } => {
                write!(f, "database URL {}: {message}", redacted(url))
            }
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
            StoreError::Import { at, message } => write!(f, "{at}: {message}"),
            StoreError::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A database URL with its password, if any, replaced by `***`, as it
/// may be printed.
pub(crate) fn redacted(url: &str) -> String {
    // A password given as a query parameter hides everything after it.
    if let Some(at) = url.find("password=") {
        return format!("{}password=***", &url[..at]);
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // The password ends at the last '@' (it may hold a '/').
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

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
        /// The record's version after it.
        version: i64,
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

/// A change to one row of the tables edits touch (`sources.csv`,
/// `states.csv`, `treaty_actions.csv`): what a proposal proposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// A new row; a new treaty action may bring a new source with it.
    Add {
        /// The file.
        file: String,
        /// The row's cells, in column order.
        row: Vec<String>,
        /// A `sources.csv` row added with it.
        new_source: Option<Vec<String>>,
    },
    /// A row replaced by another.
    Correct {
        /// The file.
        file: String,
        /// The row as the record holds it.
        old: Vec<String>,
        /// The row as it should read.
        new: Vec<String>,
    },
    /// A row removed from the record.
    Retract {
        /// The file.
        file: String,
        /// The row as the record holds it.
        old: Vec<String>,
    },
}

/// The files whose rows an edit may change.
pub const EDITABLE: [&str; 3] = ["sources.csv", "states.csv", "treaty_actions.csv"];

impl Edit {
    /// A new treaty action as an edit.
    pub fn from_action(action: &NewAction) -> Edit {
        Edit::Add {
            file: "treaty_actions.csv".into(),
            row: action.row.clone(),
            new_source: action.new_source.clone(),
        }
    }

    /// `add_action` (a new treaty action), `add`, `correct` or `retract`.
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::Add { file, .. } if file == "treaty_actions.csv" => "add_action",
            Edit::Add { .. } => "add",
            Edit::Correct { .. } => "correct",
            Edit::Retract { .. } => "retract",
        }
    }

    /// The file it changes.
    pub fn file(&self) -> &str {
        match self {
            Edit::Add { file, .. } | Edit::Correct { file, .. } | Edit::Retract { file, .. } => {
                file
            }
        }
    }

    /// The row it writes (none for a retraction).
    pub fn new_row(&self) -> Option<&[String]> {
        match self {
            Edit::Add { row, .. } => Some(row),
            Edit::Correct { new, .. } => Some(new),
            Edit::Retract { .. } => None,
        }
    }

    /// The row it replaces or removes.
    pub fn old_row(&self) -> Option<&[String]> {
        match self {
            Edit::Add { .. } => None,
            Edit::Correct { old, .. } | Edit::Retract { old, .. } => Some(old),
        }
    }

    /// The new source it brings.
    pub fn new_source(&self) -> Option<&[String]> {
        match self {
            Edit::Add { new_source, .. } => new_source.as_deref(),
            _ => None,
        }
    }

    /// The state it concerns, if its file is about states: the first cell.
    pub fn state(&self) -> Option<&str> {
        let row = self.new_row().or(self.old_row())?;
        (self.file() != "sources.csv")
            .then(|| row.first().map(String::as_str))
            .flatten()
    }

    fn table(&self) -> Option<usize> {
        TABLES.iter().position(|(file, _, _)| *file == self.file())
    }

    /// The source ids the edit's row cites, as its audit records them.
    fn cited(&self) -> String {
        let Some(table) = self.table() else {
            return String::new();
        };
        let row = self.new_row().or(self.old_row()).unwrap_or_default();
        match TABLES[table].2.iter().position(|c| *c == "sources") {
            Some(i) => row.get(i).cloned().unwrap_or_default(),
            None => row.first().cloned().unwrap_or_default(),
        }
    }

    /// How the edit is written in the audit trail: the row it writes, or
    /// the row it removes.
    fn what(&self) -> String {
        csv_line(self.new_row().or(self.old_row()).unwrap_or_default())
    }
}

/// A proposed edit and where its review stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Proposal {
    /// Its number.
    pub id: i64,
    /// What it proposes: `add_action` (a new treaty action), `add` (a row
    /// of another file), `correct` or `retract`.
    pub kind: String,
    /// The file whose row it changes.
    pub file: String,
    /// The row it would write (a new or corrected row; empty for a
    /// retraction).
    pub action: Vec<String>,
    /// The row it corrects or retracts, as the record held it.
    pub target: Option<Vec<String>>,
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
    /// Its revision: 1, and one more with each change after submission.
    pub revision: i64,
    /// Who changed it after its submission, besides its proposer (a
    /// maintainer): none of them may approve it.
    pub authors: Vec<String>,
    /// The reviewers who approved this revision.
    pub approvals: Vec<String>,
    /// How many approvals apply it.
    pub approvals_needed: i64,
    /// Who decided it, once decided.
    pub decided_by: String,
    /// When, once decided.
    pub decided_at: String,
    /// Why it was rejected.
    pub reason: String,
}

impl Proposal {
    /// The edit it proposes.
    pub fn edit(&self) -> Edit {
        let file = self.file.clone();
        match (self.kind.as_str(), &self.target) {
            ("correct", Some(old)) => Edit::Correct {
                file,
                old: old.clone(),
                new: self.action.clone(),
            },
            ("retract", Some(old)) => Edit::Retract {
                file,
                old: old.clone(),
            },
            _ => Edit::Add {
                file,
                row: self.action.clone(),
                new_source: self.source.clone(),
            },
        }
    }

    /// The new treaty action it proposes (its row, whatever the kind).
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
        /// The record's version after it.
        version: i64,
        /// The record.
        loaded: Box<Loaded>,
    },
    /// Approved, and recorded; more approvals of this revision are needed
    /// before it applies.
    Approved {
        /// The reviewers who approved this revision.
        approvals: Vec<String>,
        /// How many are needed.
        needed: i64,
    },
    /// Rejected, with the reason kept.
    Rejected,
    /// No such proposal.
    NotFound,
    /// Already decided (its status).
    AlreadyDecided(String),
    /// The proposer (or anyone who changed it) may not decide it.
    OwnProposal,
    /// The proposal changed since the revision the reviewer decided on.
    StaleRevision {
        /// The revision the reviewer saw.
        seen: i64,
        /// The proposal's current revision.
        current: i64,
    },
    /// The record as it now stands refuses the edit (it changed since the
    /// proposal); nothing was changed.
    Refused(LoadErrors),
}

/// What revising a proposal came to.
#[derive(Debug)]
pub enum Revision {
    /// Changed: its new revision, with no approvals yet.
    Revised {
        /// The new revision's number.
        revision: i64,
    },
    /// No such proposal.
    NotFound,
    /// Already decided (its status): a decided proposal does not change.
    AlreadyDecided(String),
    /// Only its proposer (or a maintainer) changes it: the proposer.
    NotProposer(String),
    /// The record refuses the changed edit; nothing was changed.
    Refused(LoadErrors),
}

/// What a data sync came to.
#[derive(Debug)]
pub enum SyncOutcome {
    /// The database already holds this release.
    Unchanged,
    /// The database follows a later data release than this program's:
    /// nothing was changed.
    Newer {
        /// The number the database follows.
        database: i64,
        /// This program's.
        this: i64,
    },
    /// A dry run: what would change.
    Planned(SyncPlan),
    /// Applied and committed as one audited edit.
    Applied {
        /// What changed.
        plan: SyncPlan,
        /// The audit record's id.
        audit: i64,
        /// The record's version after it.
        version: i64,
        /// The proposals made of shipped rows that differ from the team's.
        proposals: Vec<i64>,
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

/// One edit of the record, as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditInfo {
    /// The record version it made: its id.
    pub version: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who: an editor, or `release`.
    pub editor: String,
    /// `snapshot`, `action`, `row`, `correction`, `retraction` or `sync`.
    pub kind: String,
    /// Its audit record (0 for a snapshot).
    pub audit: i64,
    /// What it was, in words.
    pub note: String,
    /// The rows it changed.
    pub changes: Vec<log::RowChange>,
}

/// The recorded edits read so far, and the record after the last of them:
/// what a feed needs, kept between requests and brought up to date edit by
/// edit.
#[derive(Default)]
pub struct History {
    upto: i64,
    rebuilt: log::Rebuilt,
    last: Option<Arc<Loaded>>,
    /// The edits after the first snapshot, oldest first.
    pub entries: Vec<Recorded>,
}

/// An edit and the status timelines it changed.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The edit.
    pub edit: EditInfo,
    /// The states whose status timeline it changed.
    pub states: Vec<StatusShift>,
}

/// A state's status timeline before and after an edit: each (day, status
/// from that day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusShift {
    /// The state.
    pub state: minewatch_core::Iso3,
    /// Before.
    pub before: Vec<(jiff::civil::Date, minewatch_core::Status)>,
    /// After.
    pub after: Vec<(jiff::civil::Date, minewatch_core::Status)>,
}

/// One edit of one state's facts in one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StateEdit {
    /// The record version the edit made: its id.
    pub version: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who: an editor, or `release`.
    pub editor: String,
    /// `snapshot`, `action`, `row`, `correction`, `retraction` or `sync`.
    pub kind: String,
    /// Its audit record (0 for a snapshot).
    pub audit: i64,
    /// Why, in words (the proposal and its comment, the release).
    pub note: String,
    /// The file.
    pub file: String,
    /// The state's rows of the file before the edit.
    pub before: Vec<Vec<String>>,
    /// And after.
    pub after: Vec<Vec<String>>,
}

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Runs `$body` on a read transaction `$tx` (one consistent view of the
/// database) and ends it.
macro_rules! reading {
    ($store:expr, $tx:ident => $body:expr) => {{
        let mut $tx = $store.read().await?;
        let value = $body;
        $tx.rollback().await?;
        Ok::<_, StoreError>(value)
    }};
}

pub(crate) mod hooks;
pub(crate) mod import;

/// Opens and migrates the database a URL names; SQLite pragmas go on every
/// connection (PostgreSQL takes none).
async fn connect(url: &str, pragmas: &[(&str, &str)]) -> Result<Arc<dyn Backend>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        if !pragmas.is_empty() {
            return Err(StoreError::Url {
                url: url.to_string(),
                message: "SQLite pragmas given for a PostgreSQL database".into(),
            });
        }
        Ok(Arc::new(postgres::PgBackend::open(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteBackend::open(url, pragmas).await?))
    } else {
        Err(StoreError::Url {
            url: url.to_string(),
            message: "expected sqlite://PATH or postgres://USER@HOST/DATABASE".into(),
        })
    }
}

/// The database: SQLite or PostgreSQL behind one interface.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Arc<dyn Backend>,
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

pub(crate) fn now() -> String {
    Timestamp::now().to_string()
}

/// One CSV line of a row, without its line end.
fn csv_line(row: &[String]) -> String {
    write_rows(&[row.to_vec()]).trim_end().to_string()
}

/// The actor of the operator's commands (`minewatch editor …`).
pub fn operator() -> Actor {
    Actor {
        editor: "(operator)".into(),
        address: "local".into(),
    }
}

impl Store {
    /// Opens the database at `url` — `sqlite://PATH` (created if needed) or
    /// `postgres://…` — applies its backend's migrations, and on first start
    /// fills it from the project's `data/`.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &[]).await
    }

    /// [`Store::open`] with extra SQLite pragmas on every connection (the
    /// fault tests bound the file with `max_page_count`); PostgreSQL takes
    /// none.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open_with(url: &str, pragmas: &[(&str, &str)]) -> Result<Store, StoreError> {
        let store = Store {
            backend: connect(url, pragmas).await?,
        };
        store.import_if_empty().await?;
        Ok(store)
    }

    /// Opens and migrates a database without filling it from the built-in
    /// `data/`: what [`Store::import_dir`] writes into.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open_empty(url: &str) -> Result<Store, StoreError> {
        Ok(Store {
            backend: connect(url, &[]).await?,
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.backend.name()
    }

    async fn write(&self) -> Result<Box<dyn Tx>, StoreError> {
        self.backend.begin(true).await
    }

    async fn read(&self) -> Result<Box<dyn Tx>, StoreError> {
        self.backend.begin(false).await
    }

    /// Fills an empty database from the embedded `data/`, in one transaction.
    async fn import_if_empty(&self) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        if tx.meta("imported").await?.is_some() {
            // A database filled before the edit log, or changed by a
            // program that did not log (an older replica): the log goes on
            // from the record as it stands, as a new snapshot.
            let logged = tx.edit_times().await?.last().map(|(v, _)| *v);
            let version = version_of(&mut *tx).await?;
            if logged.is_none_or(|v| v < version) {
                let files = tx.files().await?;
                let whole: Vec<log::RowChange> = files
                    .iter()
                    .map(|(name, text)| log::RowChange::whole(name, text))
                    .collect();
                let note = if logged.is_none() {
                    "the record as it stood when the edit log began"
                } else {
                    "the record as it stood after changes the edit log did not hold"
                };
                tx.add_edit(
                    version,
                    [RELEASE_EDITOR, "snapshot", note, &log::encode(&whole)],
                    0,
                )
                .await?;
            }
            return tx.commit().await;
        }
        for (name, text) in EMBEDDED_FILES {
            match TABLES.iter().position(|(file, _, _)| *file == name) {
                Some(table) => {
                    let rows = read_rows(text).map_err(|e| StoreError::Io {
                        what: format!("the embedded {name}"),
                        error: std::io::Error::other(e.to_string()),
                    })?;
                    tx.replace_rows(table, &rows[1.min(rows.len())..]).await?;
                }
                None => tx.put_file(name, text).await?,
            }
        }
        tx.set_meta("imported", &now()).await?;
        record_release(&mut *tx).await?;
        let version = tx.bump_version().await?;
        let whole: Vec<log::RowChange> = EMBEDDED_FILES
            .iter()
            .map(|(name, text)| log::RowChange::whole(name, text))
            .collect();
        tx.add_edit(
            version,
            [
                RELEASE_EDITOR,
                "snapshot",
                &release_name(),
                &log::encode(&whole),
            ],
            0,
        )
        .await?;
        tx.commit().await
    }

    /// Every data file as text, as `data/` would hold it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn files(&self) -> Result<BTreeMap<String, String>, StoreError> {
        reading!(self, tx => tx.files().await?)
    }

    /// The record's version: one more with every change to it, whichever
    /// process made it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn version(&self) -> Result<i64, StoreError> {
        reading!(self, tx => version_of(&mut *tx).await?)
    }

    /// Loads and checks the record the database holds.
    ///
    /// # Errors
    /// On a database error, or if the stored record does not pass the checks.
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        Ok(self.load_versioned().await?.1)
    }

    /// The record with its version, read together.
    ///
    /// # Errors
    /// On a database error, or if the stored record does not pass the checks.
    pub async fn load_versioned(&self) -> Result<(i64, Loaded), StoreError> {
        let (version, files) =
            reading!(self, tx => (version_of(&mut *tx).await?, tx.files().await?))?;
        Ok((version, load(&files, None).map_err(StoreError::Record)?))
    }

    /// Waits for a sign that another process changed the record; `None`
    /// when the backend gives none (SQLite), and the caller polls.
    pub(crate) async fn changes(&self) -> Result<Option<Box<dyn Listener>>, StoreError> {
        self.backend.listen().await
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
        let mut tx = self.write().await?;
        if let Some(key) = idempotency {
            if let Some((hash, status, body)) = tx.answer(&actor.editor, &key.key).await? {
                tx.rollback().await?;
                if hash != key.request_sha256 {
                    return Ok(WriteOutcome::KeyReused);
                }
                let status = u16::try_from(status).unwrap_or(201);
                return Ok(WriteOutcome::Replayed { status, body });
            }
        }
        let files = tx.files().await?;
        let loaded = match load(&files, Some(&Edit::from_action(action))) {
            Ok(loaded) => loaded,
            Err(errors) => {
                // The caller audits the refusal, as it does every other.
                tx.rollback().await?;
                return Ok(WriteOutcome::Refused(errors));
            }
        };
        let (audit, version) = apply_action(&mut *tx, actor, action).await?;
        let body = respond(audit);
        if let Some(key) = idempotency {
            tx.keep_answer(&actor.editor, [&key.key, &key.request_sha256, &body])
                .await?;
        }
        fault_before_commit();
        tx.commit().await?;
        Ok(WriteOutcome::Applied {
            audit,
            version,
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
        let mut tx = self.write().await?;
        let id = tx.audit(actor, ["refused", what, "", detail]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Audits an event that writes nothing to the record (an editor signed
    /// in): who, from where, what.
    ///
    /// # Errors
    /// On a database error.
    pub async fn record_event(
        &self,
        actor: &Actor,
        kind: &str,
        what: &str,
        detail: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let id = tx.audit(actor, [kind, what, "", detail]).await?;
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
        let mut tx = self.write().await?;
        if let Some(existing) = tx.editor_named(name).await? {
            tx.rollback().await?;
            return Err(StoreError::NameTaken(existing));
        }
        tx.add_editor([name, &token_hash(&token), role.as_str()])
            .await?;
        let how = format!("minewatch editor add --role {}", role.as_str());
        tx.audit(&operator(), ["editor_added", name, "", &how])
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
        let hash = token_hash(token);
        let found = reading!(self, tx => tx.editor_by_token(&hash).await?)?;
        Ok(found.map(|(name, role)| (name, Role::parse(&role).unwrap_or(Role::Editor))))
    }

    /// Every editor, in the order they were created.
    ///
    /// # Errors
    /// On a database error.
    pub async fn editors(&self) -> Result<Vec<EditorInfo>, StoreError> {
        let rows = reading!(self, tx => tx.editors().await?)?;
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
        let mut tx = self.write().await?;
        let Some(exact) = tx.editor_named(name).await? else {
            tx.rollback().await?;
            return Err(StoreError::NoSuchEditor(name.to_string()));
        };
        tx.revoke(&exact).await?;
        tx.audit(
            &operator(),
            ["editor_revoked", &exact, "", "minewatch editor revoke"],
        )
        .await?;
        tx.commit().await
    }

    /// The audit trail, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        reading!(self, tx => tx.audit_log().await?)
    }

    /// How many treaty actions are stored.
    ///
    /// # Errors
    /// On a database error.
    pub async fn action_count(&self) -> Result<i64, StoreError> {
        reading!(self, tx => tx.action_count().await?)
    }

    /// Records a proposed new treaty action; see [`Store::propose_edit`].
    ///
    /// # Errors
    /// On a database error.
    pub async fn propose(
        &self,
        actor: &Actor,
        action: &NewAction,
        comment: &str,
    ) -> Result<Result<i64, LoadErrors>, StoreError> {
        self.propose_edit(actor, &Edit::from_action(action), comment)
            .await
    }

    /// Records a proposed edit, checked against the record as it stands (a
    /// proposal the rules refuse is not kept), audited. The proposal's id.
    ///
    /// # Errors
    /// On a database error.
    pub async fn propose_edit(
        &self,
        actor: &Actor,
        edit: &Edit,
        comment: &str,
    ) -> Result<Result<i64, LoadErrors>, StoreError> {
        let mut tx = self.write().await?;
        let files = tx.files().await?;
        if let Err(errors) = load(&files, Some(edit)) {
            tx.rollback().await?;
            return Ok(Err(errors));
        }
        let [kind, file, target, row, source] = stored_edit(edit);
        let id = tx
            .add_proposal([&kind, &file, &target, &row, &source, comment, &actor.editor])
            .await?;
        let detail = format!("proposal {id} ({kind} in {file}): {comment}");
        tx.audit(actor, ["proposed", &edit.what(), &edit.cited(), &detail])
            .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Changes a pending proposal (its proposer, or a maintainer): the new
    /// edit and comment, checked by the rules, as its next revision; the
    /// approvals of earlier revisions no longer count. Audited.
    ///
    /// # Errors
    /// On a database error.
    pub async fn revise(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        edit: &Edit,
        comment: &str,
    ) -> Result<Revision, StoreError> {
        let mut tx = self.write().await?;
        let Some(proposal) = read_proposal(&mut *tx, id).await? else {
            tx.rollback().await?;
            return Ok(Revision::NotFound);
        };
        if proposal.status != "pending" {
            tx.rollback().await?;
            return Ok(Revision::AlreadyDecided(proposal.status));
        }
        if !proposal.proposer.eq_ignore_ascii_case(&actor.editor) && role != Role::Maintainer {
            tx.rollback().await?;
            return Ok(Revision::NotProposer(proposal.proposer));
        }
        let files = tx.files().await?;
        if let Err(errors) = load(&files, Some(edit)) {
            tx.rollback().await?;
            return Ok(Revision::Refused(errors));
        }
        let [kind, file, target, row, source] = stored_edit(edit);
        let mut authors = proposal.authors.clone();
        if !proposal.proposer.eq_ignore_ascii_case(&actor.editor)
            && !authors
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&actor.editor))
        {
            authors.push(actor.editor.clone());
        }
        let authors = authors.join(",");
        tx.revise_proposal(
            id,
            [&kind, &file, &target, &row, &source, comment, &authors],
        )
        .await?;
        let dropped = proposal.approvals.len();
        let detail = format!(
            "proposal {id} revision {}: {comment}; {dropped} approvals of revision {} no longer count",
            proposal.revision + 1,
            proposal.revision
        );
        tx.audit(actor, ["revised", &edit.what(), &edit.cited(), &detail])
            .await?;
        tx.commit().await?;
        Ok(Revision::Revised {
            revision: proposal.revision + 1,
        })
    }

    /// A random secret of the deployment (32 bytes, hex), made on first
    /// use and shared by every replica through the database: the key that
    /// signs the editors' session cookies.
    ///
    /// # Errors
    /// On a database error or no randomness.
    pub async fn secret(&self, name: &str) -> Result<String, StoreError> {
        let key = format!("secret:{name}");
        if let Some(found) = reading!(self, tx => tx.meta(&key).await?)? {
            return Ok(found);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Randomness(e.to_string()))?;
        let made: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut tx = self.write().await?;
        // Another replica may have made it first: the first one made stays.
        if let Some(found) = tx.meta(&key).await? {
            tx.rollback().await?;
            return Ok(found);
        }
        tx.set_meta(&key, &made).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// How many approvals of distinct reviewers apply a proposal (1 unless
    /// the team set another number).
    ///
    /// # Errors
    /// On a database error.
    pub async fn approvals_needed(&self) -> Result<i64, StoreError> {
        reading!(self, tx => needed(&mut *tx).await?)
    }

    /// Sets how many approvals apply a proposal (at least 1), audited.
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_approvals_needed(&self, n: i64) -> Result<(), StoreError> {
        let n = n.max(1);
        let mut tx = self.write().await?;
        tx.set_meta("approvals_needed", &n.to_string()).await?;
        let what = n.to_string();
        tx.audit(
            &operator(),
            [
                "setting",
                &what,
                "",
                "minewatch editor approvals: approvals needed",
            ],
        )
        .await?;
        tx.commit().await
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
        self.with_edit(&Edit::from_action(action)).await
    }

    /// The record as it would stand after `edit` (for a preview); the
    /// loader's errors if the rules refuse it.
    ///
    /// # Errors
    /// On a database error.
    pub async fn with_edit(&self, edit: &Edit) -> Result<Result<Loaded, LoadErrors>, StoreError> {
        let files = self.files().await?;
        Ok(load(&files, Some(edit)))
    }

    /// The record as the database holds it and as it would stand after
    /// `edit`, from one read (what a preview compares, whichever version a
    /// replica serves); the loader's errors if the rules refuse the edit.
    ///
    /// # Errors
    /// On a database error, or a stored record that does not load.
    pub async fn before_and_after(
        &self,
        edit: &Edit,
    ) -> Result<Result<(Loaded, Loaded), LoadErrors>, StoreError> {
        let files = self.files().await?;
        let before = load(&files, None).map_err(StoreError::Record)?;
        Ok(load(&files, Some(edit)).map(|after| (before, after)))
    }

    /// The proposals, oldest first, of one status or all.
    ///
    /// # Errors
    /// On a database error.
    pub async fn proposals(&self, status: Option<&str>) -> Result<Vec<Proposal>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx.proposals(status, None).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(complete(&mut *tx, row).await?);
        }
        tx.rollback().await?;
        Ok(out)
    }

    /// One proposal.
    ///
    /// # Errors
    /// On a database error.
    pub async fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        reading!(self, tx => read_proposal(&mut *tx, id).await?)
    }

    /// Approves or rejects a pending proposal, in one transaction: never the
    /// proposer's own. An approval counts for the proposal's current
    /// revision; when this revision has the approvals needed, the edit is
    /// applied, if the record as it now stands accepts it. Audited.
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
        self.decide_revision(reviewer, id, None, approve, reason)
            .await
    }

    /// [`Store::decide`], for the revision the reviewer saw: when the
    /// proposal has changed since (`revision` is not its current one),
    /// nothing is decided.
    ///
    /// # Errors
    /// On a database error; nothing is changed then.
    pub async fn decide_revision(
        &self,
        reviewer: &Actor,
        id: i64,
        revision: Option<i64>,
        approve: bool,
        reason: &str,
    ) -> Result<Decision, StoreError> {
        let mut tx = self.write().await?;
        let Some(proposal) = read_proposal(&mut *tx, id).await? else {
            tx.rollback().await?;
            return Ok(Decision::NotFound);
        };
        if proposal.status != "pending" {
            tx.rollback().await?;
            return Ok(Decision::AlreadyDecided(proposal.status));
        }
        if let Some(seen) = revision.filter(|r| *r != proposal.revision) {
            tx.rollback().await?;
            return Ok(Decision::StaleRevision {
                seen,
                current: proposal.revision,
            });
        }
        let Some((approvals, complete)) = tally(
            &proposal.proposer,
            &proposal.authors,
            &proposal.approvals,
            &reviewer.editor,
            approve,
            proposal.approvals_needed,
        ) else {
            tx.rollback().await?;
            return Ok(Decision::OwnProposal);
        };
        let edit = proposal.edit();
        let mut applied = None;
        if approve && complete {
            let files = tx.files().await?;
            let loaded = match load(&files, Some(&edit)) {
                Ok(loaded) => loaded,
                Err(errors) => {
                    tx.rollback().await?;
                    return Ok(Decision::Refused(errors));
                }
            };
            applied = Some((apply_edit(&mut *tx, reviewer, &edit).await?, loaded));
        }
        if approve {
            tx.add_approval(id, proposal.revision, &reviewer.editor)
                .await?;
        }
        if complete {
            let status = if approve { "approved" } else { "rejected" };
            tx.set_decision(id, [status, &reviewer.editor, reason])
                .await?;
        }
        let kind = match (approve, complete) {
            (true, true) => "approved",
            (true, false) => "approval",
            (false, _) => "rejected",
        };
        let detail = format!(
            "proposal {id} revision {} by {}{}{}",
            proposal.revision,
            proposal.proposer,
            if approve {
                format!(
                    "; {} of {} approvals",
                    approvals.len(),
                    proposal.approvals_needed
                )
            } else {
                String::new()
            },
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            }
        );
        tx.audit(reviewer, [kind, &edit.what(), "", &detail])
            .await?;
        fault_before_commit();
        tx.commit().await?;
        Ok(match applied {
            Some(((audit, version), loaded)) => Decision::Applied {
                audit,
                version,
                loaded: Box::new(loaded),
            },
            None if approve => Decision::Approved {
                approvals,
                needed: proposal.approvals_needed,
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
        let mut tx = if dry_run {
            self.read().await?
        } else {
            self.write().await?
        };
        let followed: i64 = tx
            .meta("release_number")
            .await?
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if followed > DATA_RELEASE {
            tx.rollback().await?;
            return Ok(SyncOutcome::Newer {
                database: followed,
                this: DATA_RELEASE,
            });
        }
        let files = tx.files().await?;
        // The rows the team wrote: its new rows and corrections (by their
        // text), and the sources it published (by id).
        let mut team_rows: BTreeSet<String> = BTreeSet::new();
        for kind in ["action", "row", "correction"] {
            team_rows.extend(tx.audited(kind).await?.into_iter().map(|(what, _, _)| what));
        }
        // The rows the team took out of each file: the ones it retracted,
        // and the old rows of its corrections (the audit's detail names the
        // file).
        let mut taken_out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        for (what, _, detail) in tx.audited("retraction").await? {
            if let (Some((file, _)), Some(row)) = (
                detail.split_once(": "),
                read_rows(&what).ok().and_then(|mut r| r.pop()),
            ) {
                taken_out.entry(file.to_string()).or_default().push(row);
            }
        }
        for (_, _, detail) in tx.audited("correction").await? {
            if let Some((file, old)) = detail
                .split_once(": was ")
                .and_then(|(f, old)| Some((f, read_rows(old).ok()?.pop()?)))
            {
                taken_out.entry(file.to_string()).or_default().push(old);
            }
        }
        let team_sources: BTreeSet<String> = tx
            .audited("source")
            .await?
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
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
                .filter(|(_, row)| {
                    team_rows.contains(&csv_line(row))
                        || (file == "sources.csv"
                            && row.first().is_some_and(|id| team_sources.contains(id)))
                })
                .map(|(i, _)| i)
                .collect();
            let baseline = tx
                .meta(&format!("shipped:{file}"))
                .await?
                .map(|text| rows_of(&text));
            plan.tables
                .push(crate::sync::plan_table(crate::sync::Table {
                    file,
                    stored,
                    team,
                    shipped: rows_of(embedded.get(file).copied().unwrap_or("")),
                    baseline,
                    retracted: taken_out.get(file).cloned().unwrap_or_default(),
                }));
        }
        for (name, text) in EMBEDDED_FILES {
            let whole = !TABLES.iter().any(|(file, _, _)| *file == name);
            if whole && files.get(name).map(String::as_str) != Some(text) {
                plan.files.push(name.to_string());
            }
        }
        // Each shipped row that differs from a row the team wrote goes to
        // review, once: not again while it waits, nor after a reviewer
        // decided it.
        let waiting: BTreeSet<(String, String, String)> = tx
            .proposals(None, None)
            .await?
            .into_iter()
            .filter(|p| p.5 == RELEASE_EDITOR)
            .map(|p| (p.11, p.12, p.2))
            .collect();
        let conflicts: Vec<Edit> = plan
            .tables
            .iter()
            .flat_map(|t| {
                let corrections = t.kept.iter().map(|(team, shipped)| Edit::Correct {
                    file: t.file.clone(),
                    old: team.clone(),
                    new: shipped.clone(),
                });
                let additions = t.withheld.iter().map(|shipped| Edit::Add {
                    file: t.file.clone(),
                    row: shipped.clone(),
                    new_source: None,
                });
                corrections.chain(additions).collect::<Vec<_>>()
            })
            .filter(|e| {
                let [_, file, target, row, _] = stored_edit(e);
                !waiting.contains(&(file.into_owned(), target.into_owned(), row.into_owned()))
            })
            .collect();
        plan.proposed = conflicts.len();
        let anything = plan.changes() || !conflicts.is_empty();
        if !dry_run && !anything && followed < DATA_RELEASE {
            // The same rows under a later number: remember the number.
            record_release(&mut *tx).await?;
            tx.commit().await?;
            return Ok(SyncOutcome::Unchanged);
        }
        if dry_run || !anything {
            tx.rollback().await?;
            return Ok(if anything {
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
        for (i, table) in plan.tables.iter().enumerate() {
            if table.changes() {
                tx.replace_rows(i, &table.rows).await?;
            }
        }
        for name in &plan.files {
            let text = embedded.get(name.as_str()).copied().unwrap_or("");
            tx.put_file(name, text).await?;
        }
        let release = Actor {
            editor: RELEASE_EDITOR.to_string(),
            address: String::new(),
        };
        let name = release_name();
        let mut proposals = Vec::new();
        for edit in &conflicts {
            let comment = format!(
                "{name} ships this row otherwise than the team's; the team's row stays until a reviewer decides"
            );
            let [kind, file, target, row, source] = stored_edit(edit);
            let id = tx
                .add_proposal([
                    &kind,
                    &file,
                    &target,
                    &row,
                    &source,
                    &comment,
                    RELEASE_EDITOR,
                ])
                .await?;
            let detail = format!("proposal {id} ({kind} in {file}): {comment}");
            tx.audit(&release, ["proposed", &edit.what(), &edit.cited(), &detail])
                .await?;
            proposals.push(id);
        }
        record_release(&mut *tx).await?;
        let detail = sync_detail(&plan);
        let summary = format!("{name}: {}", plan.summary());
        let audit = tx.audit(&release, ["sync", &summary, "", &detail]).await?;
        let version = if plan.changes() {
            let version = tx.bump_version().await?;
            let mut changes = Vec::new();
            for (table, (file, _, _)) in plan.tables.iter().zip(TABLES) {
                if table.changes() {
                    changes.push(log::RowChange::whole(file, &after[file]));
                }
            }
            for name in &plan.files {
                changes.push(log::RowChange::whole(name, &after[name.as_str()]));
            }
            tx.add_edit(
                version,
                [RELEASE_EDITOR, "sync", &summary, &log::encode(&changes)],
                audit,
            )
            .await?;
            version
        } else {
            version_of(&mut *tx).await?
        };
        fault_before_commit();
        tx.commit().await?;
        Ok(SyncOutcome::Applied {
            plan,
            audit,
            version,
            proposals,
            loaded: Box::new(loaded),
        })
    }

    /// The edit log, oldest first: version, time, editor, kind, audit id and
    /// note of each change to the record (without its rows).
    ///
    /// # Errors
    /// On a database error.
    pub async fn edit_log(&self) -> Result<Vec<EditInfo>, StoreError> {
        let rows = reading!(self, tx => tx.edits(None).await?)?;
        Ok(rows
            .into_iter()
            .map(
                |(version, at, editor, kind, audit, note, changes)| EditInfo {
                    version,
                    at,
                    editor,
                    kind,
                    audit,
                    note,
                    changes: serde_json::from_str(&changes).unwrap_or_default(),
                },
            )
            .collect())
    }

    /// The record version an `as_of` names (an edit id, or an RFC 3339 time:
    /// the last edit at or before it); why not, with the log's range.
    ///
    /// # Errors
    /// On a database error.
    pub async fn resolve_as_of(&self, as_of: &str) -> Result<Result<i64, String>, StoreError> {
        Ok(log::resolve(as_of, &self.edit_times().await?))
    }

    /// The version and time of every logged edit, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn edit_times(&self) -> Result<Vec<(i64, Timestamp)>, StoreError> {
        let rows = reading!(self, tx => tx.edit_times().await?)?;
        Ok(rows
            .into_iter()
            .filter_map(|(v, at)| Some((v, at.parse().ok()?)))
            .collect())
    }

    /// Brings `history` up to record version `upto`: every edit after the
    /// first snapshot, with the status timelines it changed (for each state
    /// whose status changes differ between the record before and after
    /// it, both timelines). The record is rebuilt edit by edit, and only
    /// the edits `history` lacks are read and loaded.
    ///
    /// `served` is the record of one version already loaded (the one a
    /// server serves): that version is not loaded again.
    ///
    /// # Errors
    /// On a database error, a corrupt log, or a version that does not load.
    pub async fn recorded_into(
        &self,
        history: &mut History,
        upto: i64,
        served: Option<(i64, &Arc<Loaded>)>,
    ) -> Result<(), StoreError> {
        if upto <= history.upto {
            return Ok(());
        }
        let edits = reading!(self, tx => tx.edits(Some(upto)).await?)?;
        for (version, at, editor, kind, audit, note, changes) in edits {
            if version <= history.upto {
                continue;
            }
            let rows = history.rebuilt.apply(version, &changes)?;
            // The served record is this version's only if the log holds the
            // edit before it (no change the log missed in between).
            let loaded = match served {
                Some((v, record)) if v == version && history.upto == version - 1 => record.clone(),
                _ => Arc::new(load(&history.rebuilt.files(), None).map_err(StoreError::Record)?),
            };
            if let Some(before) = &history.last {
                let codes: BTreeSet<minewatch_core::Iso3> = before
                    .registry
                    .states()
                    .iter()
                    .chain(loaded.registry.states())
                    .map(|s| s.iso3)
                    .collect();
                let states = codes
                    .into_iter()
                    .filter(|&c| {
                        before.registry.status_changes(c) != loaded.registry.status_changes(c)
                    })
                    .map(|c| StatusShift {
                        state: c,
                        before: before.registry.status_changes(c).to_vec(),
                        after: loaded.registry.status_changes(c).to_vec(),
                    })
                    .collect();
                history.entries.push(Recorded {
                    edit: EditInfo {
                        version,
                        at,
                        editor,
                        kind,
                        audit,
                        note,
                        changes: rows,
                    },
                    states,
                });
            }
            history.last = Some(loaded);
            history.upto = version;
        }
        Ok(())
    }

    /// Every version of one state's facts: each edit that changed a row of
    /// the state (a row whose first cell is its code, in any file), with who
    /// made it, when, of which kind and why, and the state's rows of that
    /// file before and after. Oldest first.
    ///
    /// # Errors
    /// On a database error or a corrupt log.
    pub async fn state_history(&self, code: &str) -> Result<Vec<StateEdit>, StoreError> {
        let edits = reading!(self, tx => tx.edits(None).await?)?;
        let mut record = log::Rebuilt::default();
        let mut out = Vec::new();
        for (version, at, editor, kind, audit, note, changes) in edits {
            let touched: BTreeSet<String> = serde_json::from_str::<Vec<log::RowChange>>(&changes)
                .map(|c| c.into_iter().map(|c| c.file).collect())
                .unwrap_or_default();
            let before: Vec<(String, Vec<Vec<String>>)> = touched
                .iter()
                .map(|f| (f.clone(), record.rows_of(f, code)))
                .collect();
            record.apply(version, &changes)?;
            for (file, was) in before {
                let now = record.rows_of(&file, code);
                if now != was {
                    out.push(StateEdit {
                        version,
                        at: at.clone(),
                        editor: editor.clone(),
                        kind: kind.clone(),
                        audit,
                        note: note.clone(),
                        file,
                        before: was,
                        after: now,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The record as it stood after the edit that made `version`, rebuilt
    /// from the edit log and checked by the loader.
    ///
    /// # Errors
    /// On a database error, a version before the log, or a rebuilt record
    /// that does not load.
    pub async fn load_as_of(&self, version: i64) -> Result<Loaded, StoreError> {
        let files = self.files_as_of(version).await?;
        load(&files, None).map_err(StoreError::Record)
    }

    /// Every data file as it stood after the edit that made `version`,
    /// rebuilt from the edit log.
    ///
    /// # Errors
    /// On a database error, or a version before the log.
    pub async fn files_as_of(&self, version: i64) -> Result<BTreeMap<String, String>, StoreError> {
        let edits = reading!(self, tx => tx.edits(Some(version)).await?)?;
        // The log begins with a snapshot; rebuild from the latest one at or
        // before the version.
        let Some(start) = edits.iter().rposition(|e| e.3 == "snapshot") else {
            return Err(StoreError::Io {
                what: format!("the record as of version {version}"),
                error: std::io::Error::other("the edit log does not reach back that far"),
            });
        };
        log::rebuild(edits[start..].iter().map(|e| (e.0, e.6.as_str())))
    }

    /// Writes the edit log to `dir/edit-log.jsonl`: one edit a line (its
    /// version, time, editor, kind, audit id, note and rows), oldest first;
    /// how many edits.
    ///
    /// # Errors
    /// On a database or file error.
    pub async fn export_log(&self, dir: &std::path::Path) -> Result<usize, StoreError> {
        let log = self.edit_log().await?;
        let mut text = String::new();
        for e in &log {
            text.push_str(&serde_json::to_string(e).unwrap_or_default());
            text.push('\n');
        }
        let path = dir.join("edit-log.jsonl");
        std::fs::write(&path, text).map_err(|error| StoreError::Io {
            what: format!("cannot write {}", path.display()),
            error,
        })?;
        Ok(log.len())
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

/// Where a review stands once `reviewer` decides: the approvals of the
/// proposal's current revision (each reviewer once, names compared without
/// regard to case) and whether the proposal is now decided (a rejection
/// decides at once; approvals decide when `needed` distinct reviewers gave
/// one). `None`: the reviewer proposed it or changed it, and may not decide
/// it.
pub(crate) fn tally(
    proposer: &str,
    authors: &[String],
    approvals: &[String],
    reviewer: &str,
    approve: bool,
    needed: i64,
) -> Option<(Vec<String>, bool)> {
    let wrote = |name: &String| name.eq_ignore_ascii_case(reviewer);
    if proposer.eq_ignore_ascii_case(reviewer) || authors.iter().any(wrote) {
        return None;
    }
    let mut approvals = approvals.to_vec();
    if approve && !approvals.iter().any(|a| a.eq_ignore_ascii_case(reviewer)) {
        approvals.push(reviewer.to_string());
    }
    let decided = !approve || i64::try_from(approvals.len()).unwrap_or(i64::MAX) >= needed;
    Some((approvals, decided))
}

/// The record's version as stored (0 before the first import).
async fn version_of(tx: &mut dyn Tx) -> Result<i64, StoreError> {
    Ok(tx
        .meta("version")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Who a data release's edits and proposals are by. Not a name an editor
/// may take.
pub(crate) const RELEASE_EDITOR: &str = "release";

/// The number of this release's built-in data: one more with each release
/// whose `data/` changes (a test holds it to [`DATA_DIGEST`], so a change to
/// `data/` without a new number fails). A database that follows a later
/// number is never synced back to this one: an older replica restarted in
/// a rolling upgrade leaves the newer data alone.
pub const DATA_RELEASE: i64 = 1;

/// The digest of the data numbered [`DATA_RELEASE`] (see [`data_digest`]).
#[cfg(test)]
const DATA_DIGEST: &str = "ade5f5b0333b";

/// The first twelve hex digits of the SHA-256 of the built-in `data/`.
pub fn data_digest() -> String {
    let mut digest = Sha256::new();
    for (name, text) in EMBEDDED_FILES {
        digest.update(name.as_bytes());
        digest.update([0]);
        digest.update(text.as_bytes());
        digest.update([0]);
    }
    digest
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name of this release's data: the program's version, the data's
/// number and its digest ("minewatch 0.1.0, data release 1 (3f2a…)").
pub fn release_name() -> String {
    format!(
        "minewatch {}, data release {DATA_RELEASE} ({})",
        env!("CARGO_PKG_VERSION"),
        data_digest()
    )
}

/// Remembers which release's rows the database now follows: the rows of
/// each row table as shipped (what the next release is compared with) and
/// the release's name.
async fn record_release(tx: &mut dyn Tx) -> Result<(), StoreError> {
    for (file, text) in EMBEDDED_FILES {
        if TABLES.iter().any(|(f, _, _)| *f == file) {
            tx.set_meta(&format!("shipped:{file}"), text).await?;
        }
    }
    tx.set_meta("release_number", &DATA_RELEASE.to_string())
        .await?;
    tx.set_meta("release", &release_name()).await
}

/// How many approvals apply a proposal.
async fn needed(tx: &mut dyn Tx) -> Result<i64, StoreError> {
    Ok(tx
        .meta("approvals_needed")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(1))
}

/// One proposal with the approvals of its revision.
async fn read_proposal(tx: &mut dyn Tx, id: i64) -> Result<Option<Proposal>, StoreError> {
    match tx.proposals(None, Some(id)).await?.into_iter().next() {
        Some(row) => Ok(Some(complete(tx, row).await?)),
        None => Ok(None),
    }
}

/// A proposal from its row, with the approvals of its revision.
async fn complete(tx: &mut dyn Tx, row: ProposalRow) -> Result<Proposal, StoreError> {
    let mut proposal = proposal_of(row)?;
    proposal.approvals = tx.approvals(proposal.id, proposal.revision).await?;
    proposal.approvals_needed = needed(tx).await?;
    Ok(proposal)
}

/// How an edit is stored in a proposal: kind, file, target row, new row,
/// source row (each CSV text, empty when none).
fn stored_edit(edit: &Edit) -> [std::borrow::Cow<'_, str>; 5] {
    let line = |row: Option<&[String]>| row.map(csv_line).unwrap_or_default().into();
    [
        edit.kind().into(),
        edit.file().into(),
        line(edit.old_row()),
        line(edit.new_row()),
        line(edit.new_source()),
    ]
}

/// A proposal from its row (approvals not yet read).
fn proposal_of(row: ProposalRow) -> Result<Proposal, StoreError> {
    let cells = |text: &str| -> Result<Vec<String>, StoreError> {
        read_rows(text)
            .map(|mut rows| rows.pop().unwrap_or_default())
            .map_err(|e| StoreError::Io {
                what: "a stored proposal".into(),
                error: std::io::Error::other(e),
            })
    };
    let optional = |text: &str| -> Result<Option<Vec<String>>, StoreError> {
        if text.is_empty() {
            Ok(None)
        } else {
            cells(text).map(Some)
        }
    };
    let (
        id,
        kind,
        action,
        source,
        comment,
        proposer,
        status,
        created,
        decided_by,
        decided_at,
        reason,
        file,
        target,
        revision,
        authors,
    ) = row;
    Ok(Proposal {
        id,
        kind,
        file,
        action: optional(&action)?.unwrap_or_default(),
        target: optional(&target)?,
        source: optional(&source)?,
        comment,
        proposer,
        status,
        created,
        revision,
        authors: authors
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
        approvals: Vec::new(),
        approvals_needed: 1,
        decided_by,
        decided_at,
        reason,
    })
}

/// Stores an action (and its new source) with their audit records inside an
/// open write transaction; see [`apply_edit`].
async fn apply_action(
    tx: &mut dyn Tx,
    actor: &Actor,
    action: &NewAction,
) -> Result<(i64, i64), StoreError> {
    apply_edit(tx, actor, &Edit::from_action(action)).await
}

/// One row changed, as the check under the same lock found it; anything
/// else ends the transaction unwritten.
fn changed(rows: u64, edit: &Edit) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "{} of {}: {rows} rows matched where the check found one",
            edit.kind(),
            edit.file()
        ))))
    }
}

/// Writes an edit (the caller has checked it with [`load`]) with its audit
/// records inside an open write transaction, and moves the record's
/// version on: the audit id of the edit and the new version.
async fn apply_edit(tx: &mut dyn Tx, actor: &Actor, edit: &Edit) -> Result<(i64, i64), StoreError> {
    let table = edit.table().ok_or_else(|| {
        StoreError::Database(sqlx::Error::Protocol(format!(
            "{} is not a row table",
            edit.file()
        )))
    })?;
    if let Some(source) = edit.new_source() {
        tx.append_row(0, source).await?;
        let row = csv_line(source);
        let id = source.first().cloned().unwrap_or_default();
        tx.audit(actor, ["source", &row, &id, "published with an action"])
            .await?;
    }
    let (kind, detail) = match edit {
        Edit::Add { row, .. } => {
            tx.append_row(table, row).await?;
            // A team's new treaty action is audited as `action`, a new row of
            // another file as `row`: what a data sync knows the team wrote.
            let kind = if table == 2 { "action" } else { "row" };
            (kind, String::new())
        }
        Edit::Correct { old, new, .. } => {
            changed(tx.replace_row(table, old, Some(new)).await?, edit)?;
            (
                "correction",
                format!("{}: was {}", edit.file(), csv_line(old)),
            )
        }
        Edit::Retract { old, .. } => {
            changed(tx.replace_row(table, old, None).await?, edit)?;
            ("retraction", format!("{}: removed", edit.file()))
        }
    };
    let audit = tx
        .audit(actor, [kind, &edit.what(), &edit.cited(), &detail])
        .await?;
    let version = tx.bump_version().await?;
    let mut changes = Vec::new();
    if let Some(source) = edit.new_source() {
        changes.push(log::RowChange::row("sources.csv", None, Some(source)));
    }
    changes.push(log::RowChange::row(
        edit.file(),
        edit.old_row(),
        edit.new_row(),
    ));
    tx.add_edit(
        version,
        [&actor.editor, kind, &detail, &log::encode(&changes)],
        audit,
    )
    .await?;
    Ok((audit, version))
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
    if [RELEASE_EDITOR, "operator"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name.trim()))
    {
        return bad(
            "it is the name the data releases and the operator's commands are audited under",
        );
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

/// An error of an edit itself (a file that cannot be edited, a row that is
/// not in the record), as the loader would report it.
fn edit_error(file: &str, message: String, row: Option<&[String]>) -> LoadErrors {
    LoadErrors(vec![minewatch_registry::LoadError {
        file: format!("database:{file}"),
        line: 0,
        column: 0,
        field: None,
        token: row.map(csv_line),
        message,
        source_line: None,
    }])
}

/// Loads files (after an edit, if one is given) through the project's
/// loader: what the record would be, or why the rules refuse it.
fn load(files: &BTreeMap<String, String>, extra: Option<&Edit>) -> Result<Loaded, LoadErrors> {
    let mut texts: BTreeMap<&str, String> =
        files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    if let Some(edit) = extra {
        let file = edit.file();
        let Some(table) = edit.table() else {
            return Err(edit_error(
                file,
                format!(
                    "only rows of {} can be edited; the other files come with releases",
                    EDITABLE.join(", ")
                ),
                None,
            ));
        };
        let text = texts.get(file).cloned().unwrap_or_default();
        let mut rows = read_rows(&text).map_err(|e| edit_error(file, e.to_string(), None))?;
        let width = TABLES[table].2.len();
        for row in [edit.old_row(), edit.new_row()].into_iter().flatten() {
            if row.len() != width {
                return Err(edit_error(
                    file,
                    format!("a row of {file} has {width} cells, this one {}", row.len()),
                    Some(row),
                ));
            }
        }
        if let Some(old) = edit.old_row() {
            let Some(at) = rows.iter().skip(1).position(|r| r.as_slice() == old) else {
                return Err(edit_error(
                    file,
                    format!("the row to change is not in {file} (changed or removed since?)"),
                    Some(old),
                ));
            };
            match edit.new_row() {
                Some(new) => rows[at + 1] = new.to_vec(),
                None => {
                    rows.remove(at + 1);
                }
            }
        } else if let Some(new) = edit.new_row() {
            rows.push(new.to_vec());
        }
        texts.insert(TABLES[table].0, write_rows(&rows));
        if let (Some(source), Some(text)) = (edit.new_source(), texts.get_mut("sources.csv")) {
            text.push_str(&write_rows(&[source.to_vec()]));
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
    use super::{check_editor_name, redacted, tally};
    use proptest::prelude::*;

    proptest! {
        /// Whatever order reviewers (the proposer among them, in any case)
        /// decide in: the proposer never counts, nobody counts twice, and
        /// a proposal is approved exactly when `needed` distinct other
        /// reviewers approved its revision.
        #[test]
        fn only_distinct_other_reviewers_approve(
            needed in 1i64..4,
            steps in proptest::collection::vec((0usize..5, proptest::bool::ANY), 0..12),
        ) {
            let names = ["ann", "ANN", "rev", "Rev", "sam"];
            let mut approvals: Vec<String> = Vec::new();
            let mut distinct = std::collections::BTreeSet::new();
            for (who, approve) in steps {
                let reviewer = names[who];
                let answer = tally("ann", &[], &approvals, reviewer, approve, needed);
                if reviewer.eq_ignore_ascii_case("ann") {
                    prop_assert!(answer.is_none());
                    continue;
                }
                let (now, decided) = answer.expect("another reviewer decides");
                if !approve {
                    prop_assert!(decided);
                    break;
                }
                distinct.insert(reviewer.to_ascii_lowercase());
                prop_assert_eq!(now.len(), distinct.len());
                prop_assert!(!now.iter().any(|a| a.eq_ignore_ascii_case("ann")));
                prop_assert_eq!(decided, i64::try_from(distinct.len()).unwrap_or(0) >= needed);
                approvals = now;
                if decided {
                    break;
                }
            }
        }
    }

    #[test]
    fn the_data_release_number_follows_the_data() {
        assert_eq!(
            super::data_digest(),
            super::DATA_DIGEST,
            "data/ changed since data release {n}: make DATA_RELEASE {next} and DATA_DIGEST {:?} (crates/minewatch-web/src/store/mod.rs)",
            super::data_digest(),
            n = super::DATA_RELEASE,
            next = super::DATA_RELEASE + 1,
        );
    }

    #[test]
    fn two_approvals_of_two_reviewers() {
        let (one, done) = tally("ann", &[], &[], "rev", true, 2).expect("rev decides");
        assert_eq!((one.clone(), done), (vec!["rev".to_string()], false));
        assert_eq!(
            tally("ann", &[], &one, "REV", true, 2).map(|t| t.1),
            Some(false)
        );
        assert_eq!(
            tally("ann", &[], &one, "sam", true, 2).map(|t| t.1),
            Some(true)
        );
        assert_eq!(tally("ann", &[], &one, "Ann", true, 2), None);
        assert_eq!(
            tally("ann", &[], &one, "sam", false, 2).map(|t| t.1),
            Some(true)
        );
        // A maintainer who changed it may not approve it either.
        assert_eq!(
            tally("ann", &["Max".to_string()], &one, "max", true, 2),
            None
        );
    }

    #[test]
    fn a_printed_url_never_shows_the_password() {
        assert_eq!(
            redacted("postgres://mw:s3cret@db.example:5432/minewatch"),
            "postgres://mw:***@db.example:5432/minewatch"
        );
        assert_eq!(
            redacted("postgres://mw@127.0.0.1/minewatch"),
            "postgres://mw@127.0.0.1/minewatch"
        );
        assert_eq!(redacted("sqlite://minewatch.db"), "sqlite://minewatch.db");
        assert_eq!(redacted("not a url"), "not a url");
        assert_eq!(
            redacted("postgres://mw:a/b@db/minewatch"),
            "postgres://mw:***@db/minewatch"
        );
        assert_eq!(
            redacted("postgres://db/minewatch?user=mw&password=s3cret&sslmode=off"),
            "postgres://db/minewatch?user=mw&password=***"
        );
    }

    #[test]
    fn editor_names_that_could_mislead_are_refused() {
        for name in [
            "",
            "  ",
            "a\nb",
            "tab\there",
            "=HYPERLINK(\"x\")",
            "release",
            "Release",
            "OPERATOR",
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
