//! The storage interface: what the store asks of a database, one
//! transaction at a time. Each backend ([`super::sqlite`],
//! [`super::postgres`]) implements it with its own connections, its own way
//! of taking the write lock, its own migrations and its own way of telling
//! other processes that the record changed; the statements themselves are
//! plain SQL that both accept (`$n` parameters, `ON CONFLICT`, `RETURNING`),
//! written once below. Every rule about what may be written lives in
//! [`super::Store`], above this interface.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use super::{Actor, AuditEntry, StoreError};

/// A future of the store.
pub(crate) type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A proposal as stored: id, kind, action row, source row, comment,
/// proposer, status, created, decided by, decided at, reason, file, target
/// row, revision, authors of later revisions (comma-separated).
pub(crate) type ProposalRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
);

/// An edit as logged: version, at, editor, kind, audit id, note, changes
/// (JSON).
pub(crate) type EditRow = (i64, String, String, String, i64, String, String);

/// A webhook as stored: id, url, secret, states, group, kinds, since (a
/// day), since_version, created, created by, revoked.
pub(crate) type WebhookRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
);

/// A delivery as stored: id, webhook, message id, entry id, payload,
/// status, attempts, due, created, last HTTP status, last error, delivered
/// at.
pub(crate) type DeliveryRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
);

/// An editor as stored: name, role, created, revoked.
pub(crate) type EditorRow = (String, String, String, Option<String>);

/// A database: the backends' one entry point.
pub(crate) trait Backend: Send + Sync + std::fmt::Debug {
    /// Starts a transaction. A write transaction holds the one write lock of
    /// the database (every process's) from its start to its end; a read
    /// transaction sees one consistent state.
    fn begin(&self, write: bool) -> Fut<'_, Box<dyn Tx>>;

    /// Waits until another process may have changed the record (a
    /// notification on PostgreSQL); `None` when the backend has no such
    /// signal, and the caller polls the version instead.
    fn listen(&self) -> Fut<'_, Option<Box<dyn Listener>>>;

    /// The backend's name, for logs: `sqlite` or `postgres`.
    fn name(&self) -> &'static str;
}

/// A signal that the record may have changed.
pub(crate) trait Listener: Send {
    /// Resolves at the next signal (or an error: the caller falls back to
    /// polling).
    fn next(&mut self) -> Fut<'_, ()>;
}

/// One transaction. A statement's error closes the connection (the
/// database rolls back what was open) and no later statement runs on it.
pub(crate) trait Tx: Send {
    /// Every data file as text: the row tables written as CSV, the others
    /// whole.
    fn files(&mut self) -> Fut<'_, BTreeMap<String, String>>;
    /// A `meta` value.
    fn meta<'a>(&'a mut self, key: &'a str) -> Fut<'a, Option<String>>;
    /// Sets a `meta` value.
    fn set_meta<'a>(&'a mut self, key: &'a str, value: &'a str) -> Fut<'a, ()>;
    /// Adds one to the record's version and tells other processes; the new
    /// version. Every transaction that changes the record calls it.
    fn bump_version(&mut self) -> Fut<'_, i64>;
    /// Writes a whole data file (not a row table).
    fn put_file<'a>(&'a mut self, name: &'a str, content: &'a str) -> Fut<'a, ()>;
    /// Replaces every row of table `table` (an index into `TABLES`).
    fn replace_rows<'a>(&'a mut self, table: usize, rows: &'a [Vec<String>]) -> Fut<'a, ()>;
    /// Appends a row to table `table`.
    fn append_row<'a>(&'a mut self, table: usize, row: &'a [String]) -> Fut<'a, ()>;
    /// Replaces (or, with `None`, deletes) the first row of table `table`
    /// equal to `old`; how many rows changed (0 or 1).
    fn replace_row<'a>(
        &'a mut self,
        table: usize,
        old: &'a [String],
        new: Option<&'a [String]>,
    ) -> Fut<'a, u64>;
    /// Writes an audit record; its id.
    fn audit<'a>(&'a mut self, actor: &'a Actor, entry: [&'a str; 4]) -> Fut<'a, i64>;
    /// The audit trail, oldest first.
    fn audit_log(&mut self) -> Fut<'_, Vec<AuditEntry>>;
    /// `(what, source, detail)` of every audit record of a kind.
    fn audited<'a>(&'a mut self, kind: &'a str) -> Fut<'a, Vec<(String, String, String)>>;
    /// The answer kept for an idempotency key: request hash, status, body.
    fn answer<'a>(
        &'a mut self,
        editor: &'a str,
        key: &'a str,
    ) -> Fut<'a, Option<(String, i64, String)>>;
    /// Keeps the answer to an idempotency key.
    fn keep_answer<'a>(&'a mut self, editor: &'a str, key: [&'a str; 3]) -> Fut<'a, ()>;
    /// The exact name of the editor whose name matches, regardless of case.
    fn editor_named<'a>(&'a mut self, name: &'a str) -> Fut<'a, Option<String>>;
    /// Adds an editor: name, token hash, role.
    fn add_editor<'a>(&'a mut self, editor: [&'a str; 3]) -> Fut<'a, ()>;
    /// Revokes an editor's token (keeping an earlier revocation's time).
    fn revoke<'a>(&'a mut self, name: &'a str) -> Fut<'a, ()>;
    /// Name and role of the unrevoked editor with this token hash.
    fn editor_by_token<'a>(&'a mut self, hash: &'a str) -> Fut<'a, Option<(String, String)>>;
    /// Every editor, in order of creation.
    fn editors(&mut self) -> Fut<'_, Vec<EditorRow>>;
    /// How many treaty actions are stored.
    fn action_count(&mut self) -> Fut<'_, i64>;
    /// Stores a pending proposal: kind, file, target row, new row, source
    /// row, comment, proposer; its id.
    fn add_proposal<'a>(&'a mut self, p: [&'a str; 7]) -> Fut<'a, i64>;
    /// Changes a pending proposal (kind, file, target row, new row, source
    /// row, comment, authors of later revisions) and moves it to its next
    /// revision.
    fn revise_proposal<'a>(&'a mut self, id: i64, p: [&'a str; 7]) -> Fut<'a, ()>;
    /// Records a reviewer's approval of a revision (once).
    fn add_approval<'a>(&'a mut self, id: i64, revision: i64, reviewer: &'a str) -> Fut<'a, ()>;
    /// The reviewers who approved a revision and still hold a token, in
    /// order.
    fn approvals(&mut self, id: i64, revision: i64) -> Fut<'_, Vec<String>>;
    /// The proposals of a status (or all), or the one with an id, oldest first.
    fn proposals<'a>(
        &'a mut self,
        status: Option<&'a str>,
        id: Option<i64>,
    ) -> Fut<'a, Vec<ProposalRow>>;
    /// Records a decision: id, and status, decided by, reason.
    fn set_decision<'a>(&'a mut self, id: i64, d: [&'a str; 3]) -> Fut<'a, ()>;
    /// Logs the edit that made record version `version`: editor, kind,
    /// note, changes (JSON), and its audit record's id.
    fn add_edit<'a>(&'a mut self, version: i64, e: [&'a str; 4], audit: i64) -> Fut<'a, ()>;
    /// The version and time of every logged edit, oldest first.
    fn edit_times(&mut self) -> Fut<'_, Vec<(i64, String)>>;
    /// The logged edits up to a version (all with `None`), oldest first.
    fn edits(&mut self, upto: Option<i64>) -> Fut<'_, Vec<EditRow>>;
    /// Writes an edit of an imported log as it was: version, and at,
    /// editor, kind, note, changes (JSON), and its audit id.
    fn put_edit<'a>(&'a mut self, version: i64, e: [&'a str; 5], audit: i64) -> Fut<'a, ()>;
    /// Writes an audit record of an imported trail, with its id.
    fn put_audit<'a>(&'a mut self, a: &'a AuditEntry) -> Fut<'a, ()>;
    /// After records were written with their ids: the ids made from now on
    /// follow them.
    fn follow_ids(&mut self) -> Fut<'_, ()>;
    /// Adds a webhook: url, secret, states, group, kinds, since, created
    /// by; and the record version its `recorded` entries follow; its id.
    fn add_webhook<'a>(&'a mut self, w: [&'a str; 7], since_version: i64) -> Fut<'a, i64>;
    /// Revokes a webhook and cancels its pending deliveries; how many
    /// webhooks changed (0 or 1).
    fn revoke_webhook(&mut self, id: i64) -> Fut<'_, u64>;
    /// Every webhook, in order of creation.
    fn webhooks(&mut self) -> Fut<'_, Vec<WebhookRow>>;
    /// The record versions in the outbox, oldest first.
    fn outbox(&mut self) -> Fut<'_, Vec<i64>>;
    /// Removes the outbox's versions up to `upto`.
    fn outbox_done(&mut self, upto: i64) -> Fut<'_, ()>;
    /// Queues a delivery (message id, entry id, content hash, payload,
    /// due) unless the webhook has that message already or was removed;
    /// how many rows were added.
    fn enqueue<'a>(&'a mut self, webhook: i64, d: [&'a str; 5]) -> Fut<'a, u64>;
    /// The message id and content hash of a webhook's newest delivery of an
    /// entry.
    fn latest_delivery<'a>(
        &'a mut self,
        webhook: i64,
        entry: &'a str,
    ) -> Fut<'a, Option<(String, String)>>;
    /// Claims up to `limit` pending deliveries due at `now` of unrevoked
    /// webhooks: counts an attempt and moves each one's due time to `lease`
    /// (when another worker may try again if this one never answers).
    fn claim<'a>(
        &'a mut self,
        now: &'a str,
        lease: &'a str,
        limit: i64,
    ) -> Fut<'a, Vec<DeliveryRow>>;
    /// Records an attempt's end (status, next due time, HTTP status,
    /// error, delivered at) if the delivery is still pending at that
    /// attempt (no later claim took it over).
    fn finish_delivery<'a>(
        &'a mut self,
        id: i64,
        attempt: i64,
        d: [&'a str; 3],
        http: Option<i64>,
        delivered: Option<&'a str>,
    ) -> Fut<'a, ()>;
    /// When the earliest pending delivery of an unrevoked webhook is due.
    fn next_due(&mut self) -> Fut<'_, Option<String>>;
    /// The newest deliveries (of one webhook, or all), newest first.
    fn deliveries(&mut self, webhook: Option<i64>, limit: i64) -> Fut<'_, Vec<DeliveryRow>>;
    /// Ends the transaction, keeping its writes; returns once they are durable.
    fn commit(self: Box<Self>) -> Fut<'static, ()>;
    /// Ends the transaction without writing.
    fn rollback(self: Box<Self>) -> Fut<'static, ()>;
}

/// The statements, in the SQL both databases accept.
pub(crate) mod sql {
    pub(crate) const META_GET: &str = "SELECT value FROM meta WHERE key = $1";
    pub(crate) const META_SET: &str = "INSERT INTO meta (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    pub(crate) const VERSION_BUMP: &str = "INSERT INTO meta (key, value) VALUES ('version', '1') \
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT) \
         RETURNING value";
    pub(crate) const FILE_PUT: &str = "INSERT INTO data_files (name, content) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET content = excluded.content";
    pub(crate) const FILES: &str = "SELECT name, content FROM data_files ORDER BY name";
    pub(crate) const AUDIT_ADD: &str = "INSERT INTO audit (editor, at, what, source, kind, address, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    pub(crate) const AUDIT_LOG: &str =
        "SELECT id, editor, at, what, source, kind, address, detail FROM audit ORDER BY id";
    pub(crate) const AUDITED: &str =
        "SELECT what, source, detail FROM audit WHERE kind = $1 ORDER BY id";
    pub(crate) const ANSWER: &str =
        "SELECT request_sha256, status, response FROM idempotency WHERE editor = $1 AND key = $2";
    pub(crate) const ANSWER_KEEP: &str = "INSERT INTO idempotency (editor, key, request_sha256, status, response, at) \
         VALUES ($1, $2, $3, 201, $4, $5)";
    pub(crate) const EDITOR_NAMED: &str = "SELECT name FROM editors WHERE lower(name) = lower($1)";
    pub(crate) const EDITOR_ADD: &str =
        "INSERT INTO editors (name, token_sha256, created, role) VALUES ($1, $2, $3, $4)";
    pub(crate) const EDITOR_REVOKE: &str =
        "UPDATE editors SET revoked = COALESCE(revoked, $1) WHERE name = $2";
    pub(crate) const EDITOR_BY_TOKEN: &str =
        "SELECT name, role FROM editors WHERE token_sha256 = $1 AND revoked IS NULL";
    pub(crate) const EDITORS: &str = "SELECT name, role, created, revoked FROM editors ORDER BY id";
    pub(crate) const ACTION_COUNT: &str = "SELECT COUNT(*) FROM treaty_actions";
    pub(crate) const PROPOSAL_ADD: &str = "INSERT INTO proposals (kind, file, target_row, action_row, source_row, comment, proposer, status, created) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) RETURNING id";
    pub(crate) const PROPOSAL_REVISE: &str = "UPDATE proposals SET kind = $1, file = $2, target_row = $3, action_row = $4, \
         source_row = $5, comment = $6, authors = $7, revision = revision + 1 WHERE id = $8 AND status = 'pending'";
    pub(crate) const PROPOSALS: &str = "SELECT id, kind, action_row, source_row, comment, proposer, status, created, decided_by, decided_at, reason, file, target_row, revision, authors \
         FROM proposals WHERE ($1 = '' OR status = $1) AND ($2 < 0 OR id = $2) ORDER BY id";
    pub(crate) const APPROVAL_ADD: &str = "INSERT INTO approvals (proposal, revision, reviewer, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (proposal, revision, reviewer) DO NOTHING";
    pub(crate) const APPROVALS: &str = "SELECT a.reviewer FROM approvals a WHERE a.proposal = $1 AND a.revision = $2 \
         AND NOT EXISTS (SELECT 1 FROM editors e WHERE lower(e.name) = lower(a.reviewer) AND e.revoked IS NOT NULL) \
         ORDER BY a.at, a.reviewer";
    pub(crate) const EDIT_ADD: &str = "INSERT INTO edits (version, at, editor, kind, audit, note, changes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)";
    pub(crate) const EDIT_TIMES: &str = "SELECT version, at FROM edits ORDER BY version";
    pub(crate) const EDITS: &str = "SELECT version, at, editor, kind, audit, note, changes FROM edits \
         WHERE ($1 < 0 OR version <= $1) ORDER BY version";
    pub(crate) const AUDIT_PUT: &str = "INSERT INTO audit (id, editor, at, what, source, kind, address, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    pub(crate) const OUTBOX_ADD: &str =
        "INSERT INTO outbox (version) VALUES ($1) ON CONFLICT (version) DO NOTHING";
    pub(crate) const OUTBOX: &str = "SELECT version FROM outbox ORDER BY version";
    pub(crate) const OUTBOX_DONE: &str = "DELETE FROM outbox WHERE version <= $1";
    pub(crate) const WEBHOOK_ADD: &str = "INSERT INTO webhooks (url, secret, states, grp, kinds, since, created_by, since_version, created) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    pub(crate) const WEBHOOK_REVOKE: &str =
        "UPDATE webhooks SET revoked = $1 WHERE id = $2 AND revoked IS NULL";
    pub(crate) const WEBHOOK_CANCEL: &str =
        "UPDATE deliveries SET status = 'cancelled' WHERE webhook = $1 AND status = 'pending'";
    pub(crate) const WEBHOOKS: &str = "SELECT id, url, secret, states, grp, kinds, since, since_version, created, created_by, revoked \
         FROM webhooks ORDER BY id";
    pub(crate) const DELIVERY_ADD: &str = "INSERT INTO deliveries (webhook, message, entry, content, payload, status, attempts, due, created, last_error) \
         SELECT $1, $2, $3, $4, $5, 'pending', 0, $6, $7, '' WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $1 AND revoked IS NULL) \
         ON CONFLICT (webhook, message) DO NOTHING";
    pub(crate) const DELIVERY_LATEST: &str = "SELECT message, content FROM deliveries WHERE webhook = $1 AND entry = $2 \
         ORDER BY id DESC LIMIT 1";
    pub(crate) const NEXT_DUE: &str = "SELECT MIN(due) FROM deliveries WHERE status = 'pending' \
         AND webhook IN (SELECT id FROM webhooks WHERE revoked IS NULL)";
    pub(crate) const DELIVERIES_DUE: &str = "SELECT id, webhook, message, entry, payload, status, attempts, due, created, last_status, last_error, delivered_at \
         FROM deliveries WHERE status = 'pending' AND due <= $1 \
         AND webhook IN (SELECT id FROM webhooks WHERE revoked IS NULL) ORDER BY due, id LIMIT $2";
    pub(crate) const DELIVERY_CLAIM: &str =
        "UPDATE deliveries SET attempts = attempts + 1, due = $1 WHERE id = $2";
    pub(crate) const DELIVERY_FINISH: &str = "UPDATE deliveries SET status = $1, due = $2, last_error = $3, last_status = $4, delivered_at = $5 \
         WHERE id = $6 AND status = 'pending' AND attempts = $7";
    pub(crate) const DELIVERIES: &str = "SELECT id, webhook, message, entry, payload, status, attempts, due, created, last_status, last_error, delivered_at \
         FROM deliveries WHERE ($1 < 0 OR webhook = $1) ORDER BY id DESC LIMIT $2";
    pub(crate) const DECISION: &str = "UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3, reason = $4 \
         WHERE id = $5 AND status = 'pending'";

    /// `SELECT` of a row table's columns in file order.
    pub(crate) fn select_rows(table: &str, columns: &[&str]) -> String {
        format!("SELECT {} FROM {table} ORDER BY ord", columns.join(", "))
    }

    /// `INSERT` of one row of a row table (ord first).
    pub(crate) fn insert_row(table: &str, columns: &[&str]) -> String {
        let marks: Vec<String> = (1..=columns.len() + 1).map(|i| format!("${i}")).collect();
        format!(
            "INSERT INTO {table} (ord, {}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        )
    }

    /// The `WHERE` of a row equal to `$first..` in every column: the first
    /// such row by `ord`.
    fn same_row(table: &str, columns: &[&str], first: usize) -> String {
        let equal: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", first + i))
            .collect();
        format!(
            "ord = (SELECT MIN(ord) FROM {table} WHERE {})",
            equal.join(" AND ")
        )
    }

    /// `UPDATE` of the row equal to the old cells (`$n+1..`) to the new
    /// (`$1..$n`).
    pub(crate) fn update_row(table: &str, columns: &[&str]) -> String {
        let set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        format!(
            "UPDATE {table} SET {} WHERE {}",
            set.join(", "),
            same_row(table, columns, columns.len() + 1)
        )
    }

    /// `DELETE` of the row equal to the cells (`$1..`).
    pub(crate) fn delete_row(table: &str, columns: &[&str]) -> String {
        format!("DELETE FROM {table} WHERE {}", same_row(table, columns, 1))
    }

    /// The next free `ord` of a row table.
    pub(crate) fn next_ord(table: &str) -> String {
        format!("SELECT COALESCE(MAX(ord), -1) + 1 FROM {table}")
    }
}

/// The transaction of a backend, written once for both: `$tx` is a struct
/// with a field `conn: Option<PoolConnection<$db>>`, and inherent methods
/// `async fn notify(&mut self, version: i64) -> Result<(), sqlx::Error>` (what
/// the backend does to tell other processes), `async fn ids_follow(&mut
/// self) -> Result<(), sqlx::Error>` (what it does after rows were written
/// with their ids) and `async fn end(&mut self,
/// sql: &str)`.
macro_rules! transaction {
    ($tx:ident, $db:ty) => {
        impl $tx {
            fn conn(&mut self) -> &mut <$db as sqlx::Database>::Connection {
                match self.conn.as_mut() {
                    Some(c) => c,
                    // `conn` is only taken when the transaction ends or
                    // fails, and no statement runs after that.
                    None => unreachable!("a finished transaction is not used"),
                }
            }

            /// Passes a statement's result on; on its error, closes the
            /// connection (never handed back to the pool).
            fn check<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, StoreError> {
                match result {
                    Ok(v) => Ok(v),
                    Err(e) => {
                        if let Some(conn) = self.conn.take() {
                            drop(conn.detach());
                        }
                        Err(StoreError::Database(e))
                    }
                }
            }

            async fn finish(mut self: Box<Self>, sql: &str) -> Result<(), StoreError> {
                let result = sqlx::query(sql).execute(self.conn()).await.map(|_| ());
                self.check(result)?;
                // Back to the pool: the transaction is closed.
                self.conn.take();
                Ok(())
            }
        }

        impl Drop for $tx {
            fn drop(&mut self) {
                // Dropped half-way (a cancelled request): close, so the
                // database rolls back; never reuse.
                if let Some(conn) = self.conn.take() {
                    drop(conn.detach());
                }
            }
        }

        impl crate::store::backend::Tx for $tx {
            fn files(&mut self) -> Fut<'_, std::collections::BTreeMap<String, String>> {
                Box::pin(async move {
                    let mut files = std::collections::BTreeMap::new();
                    for (name, table, columns) in crate::store::TABLES {
                        let select = sql::select_rows(table, columns);
                        let rows = sqlx::query(&select).fetch_all(self.conn()).await;
                        let rows = self.check(rows)?;
                        let mut out =
                            vec![columns.iter().map(|c| (*c).to_string()).collect::<Vec<_>>()];
                        for row in rows {
                            let cells = (0..columns.len())
                                .map(|i| sqlx::Row::try_get::<String, _>(&row, i))
                                .collect::<Result<Vec<_>, _>>();
                            out.push(self.check(cells)?);
                        }
                        files.insert(name.to_string(), minewatch_registry::write_rows(&out));
                    }
                    let rows = sqlx::query_as::<_, (String, String)>(sql::FILES)
                        .fetch_all(self.conn())
                        .await;
                    files.extend(self.check(rows)?);
                    Ok(files)
                })
            }

            fn meta<'a>(&'a mut self, key: &'a str) -> Fut<'a, Option<String>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String,)>(sql::META_GET)
                        .bind(key)
                        .fetch_optional(self.conn())
                        .await;
                    Ok(self.check(r)?.map(|(v,)| v))
                })
            }

            fn set_meta<'a>(&'a mut self, key: &'a str, value: &'a str) -> Fut<'a, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::META_SET)
                        .bind(key)
                        .bind(value)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn bump_version(&mut self) -> Fut<'_, i64> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String,)>(sql::VERSION_BUMP)
                        .fetch_one(self.conn())
                        .await;
                    let (text,) = self.check(r)?;
                    let version = text.parse::<i64>().unwrap_or(0);
                    let r = self.notify(version).await;
                    self.check(r)?;
                    Ok(version)
                })
            }

            fn put_file<'a>(&'a mut self, name: &'a str, content: &'a str) -> Fut<'a, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::FILE_PUT)
                        .bind(name)
                        .bind(content)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn replace_rows<'a>(
                &'a mut self,
                table: usize,
                rows: &'a [Vec<String>],
            ) -> Fut<'a, ()> {
                Box::pin(async move {
                    let (_, name, columns) = crate::store::TABLES[table];
                    let delete = format!("DELETE FROM {name}");
                    let r = sqlx::query(&delete).execute(self.conn()).await;
                    self.check(r)?;
                    let insert = sql::insert_row(name, columns);
                    for (ord, row) in rows.iter().enumerate() {
                        let ord = i64::try_from(ord).unwrap_or(i64::MAX);
                        let r = crate::store::backend::check_width(name, columns, row);
                        self.check(r)?;
                        let mut query = sqlx::query(&insert).bind(ord);
                        for cell in row {
                            query = query.bind(cell);
                        }
                        let r = query.execute(self.conn()).await;
                        self.check(r)?;
                    }
                    Ok(())
                })
            }

            fn append_row<'a>(&'a mut self, table: usize, row: &'a [String]) -> Fut<'a, ()> {
                Box::pin(async move {
                    let (_, name, columns) = crate::store::TABLES[table];
                    let r = crate::store::backend::check_width(name, columns, row);
                    self.check(r)?;
                    let r = sqlx::query_as::<_, (i64,)>(&sql::next_ord(name))
                        .fetch_one(self.conn())
                        .await;
                    let (ord,) = self.check(r)?;
                    let insert = sql::insert_row(name, columns);
                    let mut query = sqlx::query(&insert).bind(ord);
                    for cell in row {
                        query = query.bind(cell);
                    }
                    let r = query.execute(self.conn()).await;
                    self.check(r).map(|_| ())
                })
            }

            fn replace_row<'a>(
                &'a mut self,
                table: usize,
                old: &'a [String],
                new: Option<&'a [String]>,
            ) -> Fut<'a, u64> {
                Box::pin(async move {
                    let (_, name, columns) = crate::store::TABLES[table];
                    let r = crate::store::backend::check_width(name, columns, old);
                    self.check(r)?;
                    let statement = match new {
                        Some(new) => {
                            let r = crate::store::backend::check_width(name, columns, new);
                            self.check(r)?;
                            sql::update_row(name, columns)
                        }
                        None => sql::delete_row(name, columns),
                    };
                    let mut query = sqlx::query(&statement);
                    for cell in new.into_iter().flatten().chain(old) {
                        query = query.bind(cell);
                    }
                    let r = query.execute(self.conn()).await;
                    Ok(self.check(r)?.rows_affected())
                })
            }

            fn audit<'a>(&'a mut self, actor: &'a Actor, entry: [&'a str; 4]) -> Fut<'a, i64> {
                Box::pin(async move {
                    let [kind, what, source, detail] = entry;
                    let r = sqlx::query_as::<_, (i64,)>(sql::AUDIT_ADD)
                        .bind(&actor.editor)
                        .bind(crate::store::now())
                        .bind(what)
                        .bind(source)
                        .bind(kind)
                        .bind(&actor.address)
                        .bind(detail)
                        .fetch_one(self.conn())
                        .await;
                    Ok(self.check(r)?.0)
                })
            }

            fn audit_log(&mut self) -> Fut<'_, Vec<AuditEntry>> {
                Box::pin(async move {
                    type Row = (i64, String, String, String, String, String, String, String);
                    let r = sqlx::query_as::<_, Row>(sql::AUDIT_LOG)
                        .fetch_all(self.conn())
                        .await;
                    Ok(self
                        .check(r)?
                        .into_iter()
                        .map(
                            |(id, editor, at, what, source, kind, address, detail)| AuditEntry {
                                id,
                                editor,
                                at,
                                what,
                                source,
                                kind,
                                address,
                                detail,
                            },
                        )
                        .collect())
                })
            }

            fn audited<'a>(&'a mut self, kind: &'a str) -> Fut<'a, Vec<(String, String, String)>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String, String, String)>(sql::AUDITED)
                        .bind(kind)
                        .fetch_all(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn answer<'a>(
                &'a mut self,
                editor: &'a str,
                key: &'a str,
            ) -> Fut<'a, Option<(String, i64, String)>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String, i64, String)>(sql::ANSWER)
                        .bind(editor)
                        .bind(key)
                        .fetch_optional(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn keep_answer<'a>(&'a mut self, editor: &'a str, key: [&'a str; 3]) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [key, hash, body] = key;
                    let r = sqlx::query(sql::ANSWER_KEEP)
                        .bind(editor)
                        .bind(key)
                        .bind(hash)
                        .bind(body)
                        .bind(crate::store::now())
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn editor_named<'a>(&'a mut self, name: &'a str) -> Fut<'a, Option<String>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String,)>(sql::EDITOR_NAMED)
                        .bind(name)
                        .fetch_optional(self.conn())
                        .await;
                    Ok(self.check(r)?.map(|(n,)| n))
                })
            }

            fn add_editor<'a>(&'a mut self, editor: [&'a str; 3]) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [name, hash, role] = editor;
                    let r = sqlx::query(sql::EDITOR_ADD)
                        .bind(name)
                        .bind(hash)
                        .bind(crate::store::now())
                        .bind(role)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn revoke<'a>(&'a mut self, name: &'a str) -> Fut<'a, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::EDITOR_REVOKE)
                        .bind(crate::store::now())
                        .bind(name)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn editor_by_token<'a>(
                &'a mut self,
                hash: &'a str,
            ) -> Fut<'a, Option<(String, String)>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String, String)>(sql::EDITOR_BY_TOKEN)
                        .bind(hash)
                        .fetch_optional(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn editors(&mut self) -> Fut<'_, Vec<crate::store::backend::EditorRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::EDITORS).fetch_all(self.conn()).await;
                    self.check(r)
                })
            }

            fn action_count(&mut self) -> Fut<'_, i64> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (i64,)>(sql::ACTION_COUNT)
                        .fetch_one(self.conn())
                        .await;
                    Ok(self.check(r)?.0)
                })
            }

            fn add_proposal<'a>(&'a mut self, p: [&'a str; 7]) -> Fut<'a, i64> {
                Box::pin(async move {
                    let mut query = sqlx::query_as::<_, (i64,)>(sql::PROPOSAL_ADD);
                    for cell in p {
                        query = query.bind(cell);
                    }
                    let r = query.bind(crate::store::now()).fetch_one(self.conn()).await;
                    Ok(self.check(r)?.0)
                })
            }

            fn revise_proposal<'a>(&'a mut self, id: i64, p: [&'a str; 7]) -> Fut<'a, ()> {
                Box::pin(async move {
                    let mut query = sqlx::query(sql::PROPOSAL_REVISE);
                    for cell in p {
                        query = query.bind(cell);
                    }
                    let r = query.bind(id).execute(self.conn()).await;
                    self.check(r).map(|_| ())
                })
            }

            fn add_approval<'a>(
                &'a mut self,
                id: i64,
                revision: i64,
                reviewer: &'a str,
            ) -> Fut<'a, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::APPROVAL_ADD)
                        .bind(id)
                        .bind(revision)
                        .bind(reviewer)
                        .bind(crate::store::now())
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn approvals(&mut self, id: i64, revision: i64) -> Fut<'_, Vec<String>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (String,)>(sql::APPROVALS)
                        .bind(id)
                        .bind(revision)
                        .fetch_all(self.conn())
                        .await;
                    Ok(self.check(r)?.into_iter().map(|(n,)| n).collect())
                })
            }

            fn proposals<'a>(
                &'a mut self,
                status: Option<&'a str>,
                id: Option<i64>,
            ) -> Fut<'a, Vec<crate::store::backend::ProposalRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::PROPOSALS)
                        .bind(status.unwrap_or(""))
                        .bind(id.unwrap_or(-1))
                        .fetch_all(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn set_decision<'a>(&'a mut self, id: i64, d: [&'a str; 3]) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [status, by, reason] = d;
                    let r = sqlx::query(sql::DECISION)
                        .bind(status)
                        .bind(by)
                        .bind(crate::store::now())
                        .bind(reason)
                        .bind(id)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn add_edit<'a>(
                &'a mut self,
                version: i64,
                e: [&'a str; 4],
                audit: i64,
            ) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [editor, kind, note, changes] = e;
                    let at = crate::store::now();
                    self.put_edit(version, [&at, editor, kind, note, changes], audit)
                        .await?;
                    // The webhooks' outbox, in the edit's own transaction.
                    let r = sqlx::query(sql::OUTBOX_ADD)
                        .bind(version)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn put_edit<'a>(
                &'a mut self,
                version: i64,
                e: [&'a str; 5],
                audit: i64,
            ) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [at, editor, kind, note, changes] = e;
                    let r = sqlx::query(sql::EDIT_ADD)
                        .bind(version)
                        .bind(at)
                        .bind(editor)
                        .bind(kind)
                        .bind(audit)
                        .bind(note)
                        .bind(changes)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn put_audit<'a>(&'a mut self, a: &'a AuditEntry) -> Fut<'a, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::AUDIT_PUT)
                        .bind(a.id)
                        .bind(&a.editor)
                        .bind(&a.at)
                        .bind(&a.what)
                        .bind(&a.source)
                        .bind(&a.kind)
                        .bind(&a.address)
                        .bind(&a.detail)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn follow_ids(&mut self) -> Fut<'_, ()> {
                Box::pin(async move {
                    let r = self.ids_follow().await;
                    self.check(r)
                })
            }

            fn add_webhook<'a>(&'a mut self, w: [&'a str; 7], since_version: i64) -> Fut<'a, i64> {
                Box::pin(async move {
                    let mut query = sqlx::query_as::<_, (i64,)>(sql::WEBHOOK_ADD);
                    for cell in w {
                        query = query.bind(cell);
                    }
                    let r = query
                        .bind(since_version)
                        .bind(crate::store::now())
                        .fetch_one(self.conn())
                        .await;
                    Ok(self.check(r)?.0)
                })
            }

            fn revoke_webhook(&mut self, id: i64) -> Fut<'_, u64> {
                Box::pin(async move {
                    let r = sqlx::query(sql::WEBHOOK_REVOKE)
                        .bind(crate::store::now())
                        .bind(id)
                        .execute(self.conn())
                        .await;
                    let changed = self.check(r)?.rows_affected();
                    let r = sqlx::query(sql::WEBHOOK_CANCEL)
                        .bind(id)
                        .execute(self.conn())
                        .await;
                    self.check(r)?;
                    Ok(changed)
                })
            }

            fn webhooks(&mut self) -> Fut<'_, Vec<crate::store::backend::WebhookRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::WEBHOOKS).fetch_all(self.conn()).await;
                    self.check(r)
                })
            }

            fn outbox(&mut self) -> Fut<'_, Vec<i64>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (i64,)>(sql::OUTBOX)
                        .fetch_all(self.conn())
                        .await;
                    Ok(self.check(r)?.into_iter().map(|(v,)| v).collect())
                })
            }

            fn outbox_done(&mut self, upto: i64) -> Fut<'_, ()> {
                Box::pin(async move {
                    let r = sqlx::query(sql::OUTBOX_DONE)
                        .bind(upto)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn latest_delivery<'a>(
                &'a mut self,
                webhook: i64,
                entry: &'a str,
            ) -> Fut<'a, Option<(String, String)>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::DELIVERY_LATEST)
                        .bind(webhook)
                        .bind(entry)
                        .fetch_optional(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn enqueue<'a>(&'a mut self, webhook: i64, d: [&'a str; 5]) -> Fut<'a, u64> {
                Box::pin(async move {
                    let [message, entry, content, payload, due] = d;
                    let r = sqlx::query(sql::DELIVERY_ADD)
                        .bind(webhook)
                        .bind(message)
                        .bind(entry)
                        .bind(content)
                        .bind(payload)
                        .bind(due)
                        .bind(crate::store::now())
                        .execute(self.conn())
                        .await;
                    Ok(self.check(r)?.rows_affected())
                })
            }

            fn claim<'a>(
                &'a mut self,
                now: &'a str,
                lease: &'a str,
                limit: i64,
            ) -> Fut<'a, Vec<crate::store::backend::DeliveryRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, crate::store::backend::DeliveryRow>(
                        sql::DELIVERIES_DUE,
                    )
                    .bind(now)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await;
                    let mut rows = self.check(r)?;
                    for row in &mut rows {
                        let r = sqlx::query(sql::DELIVERY_CLAIM)
                            .bind(lease)
                            .bind(row.0)
                            .execute(self.conn())
                            .await;
                        self.check(r)?;
                        row.6 += 1;
                        row.7 = lease.to_string();
                    }
                    Ok(rows)
                })
            }

            fn finish_delivery<'a>(
                &'a mut self,
                id: i64,
                attempt: i64,
                d: [&'a str; 3],
                http: Option<i64>,
                delivered: Option<&'a str>,
            ) -> Fut<'a, ()> {
                Box::pin(async move {
                    let [status, due, error] = d;
                    let r = sqlx::query(sql::DELIVERY_FINISH)
                        .bind(status)
                        .bind(due)
                        .bind(error)
                        .bind(http)
                        .bind(delivered)
                        .bind(id)
                        .bind(attempt)
                        .execute(self.conn())
                        .await;
                    self.check(r).map(|_| ())
                })
            }

            fn next_due(&mut self) -> Fut<'_, Option<String>> {
                Box::pin(async move {
                    let r = sqlx::query_as::<_, (Option<String>,)>(sql::NEXT_DUE)
                        .fetch_one(self.conn())
                        .await;
                    Ok(self.check(r)?.0)
                })
            }

            fn deliveries(
                &mut self,
                webhook: Option<i64>,
                limit: i64,
            ) -> Fut<'_, Vec<crate::store::backend::DeliveryRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::DELIVERIES)
                        .bind(webhook.unwrap_or(-1))
                        .bind(limit)
                        .fetch_all(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn edit_times(&mut self) -> Fut<'_, Vec<(i64, String)>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::EDIT_TIMES).fetch_all(self.conn()).await;
                    self.check(r)
                })
            }

            fn edits(&mut self, upto: Option<i64>) -> Fut<'_, Vec<crate::store::backend::EditRow>> {
                Box::pin(async move {
                    let r = sqlx::query_as(sql::EDITS)
                        .bind(upto.unwrap_or(-1))
                        .fetch_all(self.conn())
                        .await;
                    self.check(r)
                })
            }

            fn commit(self: Box<Self>) -> Fut<'static, ()> {
                Box::pin(self.finish("COMMIT"))
            }

            fn rollback(self: Box<Self>) -> Fut<'static, ()> {
                Box::pin(self.finish("ROLLBACK"))
            }
        }
    };
}

pub(crate) use transaction;

/// Refuses a row whose width is not its table's.
pub(crate) fn check_width(
    table: &str,
    columns: &[&str],
    row: &[String],
) -> Result<(), sqlx::Error> {
    if row.len() == columns.len() {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "{table}: expected {} fields, found {}",
            columns.len(),
            row.len()
        )))
    }
}
