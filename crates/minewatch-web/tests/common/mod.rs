//! What the router's tests share: a fresh database in a temporary folder,
//! and requests sent straight to the router (tower's `oneshot`).

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use jiff::civil::date;
use minewatch_web::{AppState, Store, router};
use tower::ServiceExt;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new temporary folder and the URL of a database in it.
pub fn temp_url(kind: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "minewatch-{kind}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let url = format!("sqlite://{}", dir.join("test.db").display());
    (dir, url)
}

/// The application over a new database, with today fixed at 2026-11-28.
pub async fn fresh(kind: &str) -> (Arc<AppState>, Store, std::path::PathBuf) {
    let (dir, url) = temp_url(kind);
    let store = Store::open(&url).await.expect("a database");
    let state = AppState::new(store.clone(), Some(date(2026, 11, 28)))
        .await
        .expect("the record loads");
    (state, store, dir)
}

pub async fn send(
    state: &Arc<AppState>,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router(state.clone())
        .oneshot(request)
        .await
        .expect("a response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("a body");
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("a request")
}

pub fn post(uri: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).expect("a request")
}

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}
