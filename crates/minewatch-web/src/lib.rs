//! The web monitor: server-rendered pages (a world map coloured by status on
//! a chosen date, a page per state that explains itself, the parties, the
//! history, a claim checker, about), a JSON API under `/api/v1` with an
//! OpenAPI description, and audited edits by editors with tokens, kept in an
//! embedded SQLite database (sqlx; PostgreSQL can follow).

mod api;
mod app;
mod map;
mod pages;
mod sim;
mod store;

use std::net::SocketAddr;

pub use api::BODY_LIMIT;
pub use app::{ApiError, AppState, router};
pub use store::{AuditEntry, NewAction, Store, StoreError, token_hash};

/// The database the server uses when none is given.
pub const DEFAULT_DATABASE: &str = "sqlite://minewatch.db";

/// Serves on `addr` until Ctrl-C (or SIGTERM), then finishes the requests
/// in flight and stops. Prints the address it listens on.
///
/// # Errors
/// When the database cannot be opened or the address bound.
pub async fn serve(addr: &str, database: &str) -> Result<(), StoreError> {
    let store = Store::open(database).await?;
    let state = AppState::new(store, None).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StoreError(format!("cannot listen on {addr}: {e}")))?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| StoreError(format!("no local address: {e}")))?;
    tracing::info!("listening on http://{local} (database {database})");
    println!("listening on http://{local}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| StoreError(format!("server: {e}")))?;
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
