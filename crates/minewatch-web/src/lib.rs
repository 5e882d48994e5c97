//! The web monitor: server-rendered pages (a world map coloured by status on
//! a chosen date, a page per state that explains itself, the parties, the
//! history, a claim checker, about), a JSON API under `/api/v1` with an
//! OpenAPI description, and audited edits by editors with tokens, proposed
//! and reviewed, kept in an embedded SQLite database or, for a team with
//! several replicas, in PostgreSQL.

mod api;
mod cache;
mod editor;
mod error;
mod feeds;
mod map;
mod pages;
mod proposals;
mod router;
mod server;
mod sign;
mod sim;
mod state;
mod store;
pub mod sync;
pub mod webhooks;

use std::net::SocketAddr;

pub use api::BODY_LIMIT;
pub use error::ApiError;
pub use router::{REQUEST_TIMEOUT, router};
pub use server::{
    HEADER_TIMEOUT, IDLE_TIMEOUT, Limits, MAX_CONNECTIONS, SHUTDOWN_DEADLINE, connection_cap,
};
pub use sim::{SimLoad, simulator_load};
pub use state::{AppState, CACHE_BYTES, POLL, RECORD_VERSION};
pub use store::hooks::{Attempt, Delivery, NewWebhook, Queued, Webhook};
pub use store::import::Imported;
pub use store::log::RowChange;
pub use store::{
    Actor, AuditEntry, DATA_RELEASE, Decision, EDITABLE, Edit, EditInfo, EditorInfo, Idempotency,
    NewAction, Proposal, Revision, Role, StateEdit, Store, StoreError, SyncOutcome, WriteOutcome,
    data_digest, hex_sha256, operator, release_name, token_hash,
};

/// The database the server uses when none is given.
pub const DEFAULT_DATABASE: &str = "sqlite://minewatch.db";

/// What `serve` does besides its limits.
#[derive(Clone, Debug)]
pub struct Options {
    /// The day answers are for; `None`: the UTC date, day by day. A fixed
    /// day is for rehearsals and tests (the feeds and webhooks reach that
    /// day's consequences).
    pub today: Option<jiff::civil::Date>,
    /// The URL readers reach the server at (`http://host[:port]`): the base
    /// of the links in webhook messages, and a URL no subscriber may point
    /// at. Default `http://` and the address it listens on.
    pub public_url: Option<String>,
    /// How long a webhook attempt may take, from connecting to the
    /// answer's status line.
    pub webhook_timeout: std::time::Duration,
    /// Certificates (PEM) that `https://` subscribers may be signed by,
    /// beside the Mozilla roots built in.
    pub webhook_ca: Option<std::path::PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            today: None,
            public_url: None,
            webhook_timeout: std::time::Duration::from_secs(10),
            webhook_ca: None,
        }
    }
}

/// Serves on `addr` until Ctrl-C or SIGTERM, then finishes the requests in
/// flight (for at most [`SHUTDOWN_DEADLINE`]) and stops; delivers webhooks
/// meanwhile. Prints the address it listens on.
///
/// # Errors
/// When the database cannot be opened, the address bound, or the public URL
/// read.
pub async fn serve(
    addr: &str,
    database: &str,
    limits: Limits,
    options: Options,
) -> Result<(), StoreError> {
    let public = match &options.public_url {
        Some(url) => {
            let t = webhooks::public_authority(url).map_err(|message| StoreError::Io {
                what: format!("the public URL {url}"),
                error: std::io::Error::other(message),
            })?;
            Some((url.trim_end_matches('/').to_string(), t))
        }
        None => None,
    };
    let tls =
        webhooks::tls_client(options.webhook_ca.as_deref()).map_err(|message| StoreError::Io {
            what: "the webhooks' certificates (--webhook-ca)".into(),
            error: std::io::Error::other(message),
        })?;
    let store = Store::open(database).await?;
    // The rows of this release that the database does not hold yet.
    match store.sync(false).await? {
        SyncOutcome::Unchanged => {}
        SyncOutcome::Applied { plan, audit, .. } => {
            let name = release_name();
            tracing::info!(
                "data release {name} applied (audit {audit}): {}",
                plan.summary()
            );
            println!("data release {name} applied: {}", plan.summary());
        }
        SyncOutcome::Refused { plan, errors } => {
            tracing::warn!(
                "data release not applied: the record after it would fail its checks ({}): {errors}",
                plan.summary()
            );
            println!(
                "data release not applied: the record after it would fail its checks; see `minewatch data sync --dry-run`"
            );
        }
        SyncOutcome::Newer { database, this } => {
            tracing::warn!(
                "the database follows data release {database}, newer than this program's {this}: its data is left as it is"
            );
            println!(
                "data release not applied: the database follows data release {database}, newer than this program's {this}"
            );
        }
        SyncOutcome::Planned(_) => {}
    }
    let backend = store.backend();
    let state = AppState::new(store, options.today).await?;
    // Edits other replicas make reach this one's readers.
    let follower = tokio::spawn(state.clone().follow());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| StoreError::Io {
            what: format!("cannot listen on {addr}"),
            error,
        })?;
    let local: SocketAddr = listener.local_addr().map_err(|error| StoreError::Io {
        what: "no local address".into(),
        error,
    })?;
    tracing::info!("listening on http://{local} ({backend} database)");
    println!("listening on http://{local}");
    let worker = state.start_webhooks(webhooks::Config {
        timeout: options.webhook_timeout,
        own: webhooks::Own {
            listening: vec![local],
            names: public.iter().map(|(_, t)| t.clone()).collect(),
        },
        base: public
            .map(|(url, _)| url)
            .unwrap_or_else(|| format!("http://{local}")),
        tls,
    });
    server::run(listener, router(state), limits, shutdown()).await;
    follower.abort();
    worker.abort();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
