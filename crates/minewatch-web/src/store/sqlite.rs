//! The SQLite backend, the embedded default: one file, WAL, `synchronous =
//! FULL` (a commit is on disk before it is acknowledged), and the write lock
//! taken at `BEGIN IMMEDIATE`, so a second writer (another task or another
//! process on the same file) waits for it under the busy timeout instead of
//! failing when it upgrades. SQLite rolls a transaction back by itself on
//! some errors (a full disk); a connection reused after that would run the
//! next "transaction" as a savepoint of nothing, so a connection that saw an
//! error is closed, never handed back.

use std::str::FromStr;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Sqlite, SqliteConnection};

use super::backend::{Backend, Fut, Listener, Tx, sql, transaction};
use super::{Actor, AuditEntry, BUSY_TIMEOUT, StoreError};

/// An SQLite database.
#[derive(Debug)]
pub(crate) struct SqliteBackend {
    pool: SqlitePool,
}

impl SqliteBackend {
    /// Opens (creating if needed) the file at `url` and migrates it; extra
    /// pragmas go on every connection.
    pub(crate) async fn open(
        url: &str,
        pragmas: &[(&str, &str)],
    ) -> Result<SqliteBackend, StoreError> {
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
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteBackend { pool })
    }
}

impl Backend for SqliteBackend {
    fn begin(&self, write: bool) -> Fut<'_, Box<dyn Tx>> {
        Box::pin(async move {
            let mut tx = SqliteTx {
                conn: Some(self.pool.acquire().await?),
            };
            let begin = if write { "BEGIN IMMEDIATE" } else { "BEGIN" };
            let r = sqlx::query(begin).execute(tx.conn()).await;
            tx.check(r)?;
            Ok(Box::new(tx) as Box<dyn Tx>)
        })
    }

    fn listen(&self) -> Fut<'_, Option<Box<dyn Listener>>> {
        // SQLite has no notifications: other processes on the same file are
        // seen by polling the version.
        Box::pin(async { Ok(None) })
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
}

/// A transaction on one pooled connection.
struct SqliteTx {
    conn: Option<PoolConnection<Sqlite>>,
}

impl SqliteTx {
    /// Other processes learn of a change by polling the version.
    /// SQLite's AUTOINCREMENT follows ids written explicitly by itself.
    async fn ids_follow(&mut self) -> Result<(), sqlx::Error> {
        Ok(())
    }

    async fn notify(&mut self, _version: i64) -> Result<(), sqlx::Error> {
        let _: &mut SqliteConnection = self.conn();
        Ok(())
    }
}

transaction!(SqliteTx, Sqlite);
