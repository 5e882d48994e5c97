//! The PostgreSQL backend, for a team: several `minewatch serve` processes
//! on one database. The write lock is a transaction-scoped advisory lock
//! taken right after `BEGIN`, so writers on every replica take turns exactly
//! as SQLite's `BEGIN IMMEDIATE` makes them; a change to the record sends
//! `NOTIFY minewatch_record` in its transaction, delivered to the other
//! replicas when (and only if) it commits.

use std::str::FromStr;

use sqlx::Postgres;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};

use super::backend::{Backend, Fut, Listener, Tx, sql, transaction};
use super::{Actor, AuditEntry, BUSY_TIMEOUT, StoreError};

/// The channel a change of the record is announced on.
pub(crate) const CHANNEL: &str = "minewatch_record";

/// The advisory lock every write transaction holds ("MWRECORD" in ASCII).
const WRITE_LOCK: i64 = 0x4d57_5245_434f_5244;

/// A PostgreSQL database.
#[derive(Debug)]
pub(crate) struct PgBackend {
    pool: PgPool,
}

impl PgBackend {
    /// Connects to the database at `url` and migrates it.
    pub(crate) async fn open(url: &str) -> Result<PgBackend, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::Url {
            url: url.to_string(),
            message: e.to_string(),
        })?;
        // One connection first, so that a wrong password or a server that
        // is not there is said as it is, not as a pool's timeout.
        let probe = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options).await?;
        sqlx::Connection::close(probe).await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options.application_name("minewatch"))
            .await?;
        // Two replicas starting together: the second waits for the first's
        // migrations (sqlx takes an advisory lock of its own for them).
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgBackend { pool })
    }
}

impl Backend for PgBackend {
    fn begin(&self, write: bool) -> Fut<'_, Box<dyn Tx>> {
        Box::pin(async move {
            let mut tx = PgTx {
                conn: Some(self.pool.acquire().await?),
            };
            let begin = if write {
                "BEGIN"
            } else {
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            };
            let r = sqlx::query(begin).execute(tx.conn()).await;
            tx.check(r)?;
            if write {
                // Wait for another writer as long as SQLite would, no longer.
                let r = sqlx::query("SET LOCAL lock_timeout = '10s'")
                    .execute(tx.conn())
                    .await;
                tx.check(r)?;
                let r = sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(tx.conn())
                    .await;
                tx.check(r)?;
            }
            Ok(Box::new(tx) as Box<dyn Tx>)
        })
    }

    fn listen(&self) -> Fut<'_, Option<Box<dyn Listener>>> {
        Box::pin(async move {
            let mut listener = PgListener::connect_with(&self.pool).await?;
            listener.listen(CHANNEL).await?;
            Ok(Some(Box::new(PgChanges { listener }) as Box<dyn Listener>))
        })
    }

    fn name(&self) -> &'static str {
        "postgres"
    }
}

/// The notifications of changes to the record.
struct PgChanges {
    listener: PgListener,
}

impl Listener for PgChanges {
    fn next(&mut self) -> Fut<'_, ()> {
        Box::pin(async move {
            self.listener.recv().await?;
            Ok(())
        })
    }
}

/// A transaction on one pooled connection.
struct PgTx {
    conn: Option<PoolConnection<Postgres>>,
}

impl PgTx {
    /// Moves the audit's identity on past the ids written explicitly.
    async fn ids_follow(&mut self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('audit', 'id'), GREATEST((SELECT MAX(id) FROM audit), 1))",
        )
        .execute(self.conn())
        .await
        .map(|_| ())
    }

    /// Announces the new version; PostgreSQL delivers it at commit.
    async fn notify(&mut self, version: i64) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(version.to_string())
            .execute(self.conn())
            .await
            .map(|_| ())
    }
}

transaction!(PgTx, Postgres);
