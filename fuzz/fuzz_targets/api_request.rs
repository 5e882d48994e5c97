//! Fuzzes the web application's request handling: a method, a path with a
//! query, headers and a body taken from the input go through the whole
//! router (one database, made once); every answer must be a status with,
//! for an error, the JSON envelope or an HTML page. The simulator's routes
//! are left out (a run is seconds, not microseconds).
//!
//! Run: `cargo +nightly fuzz run api_request -- -max_total_time=300`

#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use minewatch_web::{AppState, Store, router};
use tower::ServiceExt;

fn app() -> &'static (tokio::runtime::Runtime, Arc<AppState>) {
    static APP: OnceLock<(tokio::runtime::Runtime, Arc<AppState>)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = std::env::temp_dir().join(format!("minewatch-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let url = format!("sqlite://{}", dir.join("f.db").display());
        let state = runtime.block_on(async {
            let store = Store::open(&url).await.expect("a database");
            AppState::new(store, Some(jiff::civil::date(2026, 11, 28)))
                .await
                .expect("the record")
        });
        (runtime, state)
    })
}

const METHODS: [Method; 5] = [Method::GET, Method::POST, Method::HEAD, Method::PUT, Method::DELETE];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let first = parts.next().unwrap_or("");
    let headers = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("").to_string();
    let method = METHODS[first.len() % METHODS.len()].clone();
    // A HEAD answer has the headers of a GET and no body.
    let head = method == Method::HEAD;
    let path = first.trim_start_matches(|c: char| c != '/');
    if path.starts_with("/simulate") || path.starts_with("/api/v1/simulate") {
        return;
    }
    let mut builder = Request::builder().method(method).uri(path);
    for line in headers.split('\t') {
        if let Some((name, value)) = line.split_once(':') {
            builder = builder.header(name.trim(), value.trim());
        }
    }
    let Ok(request) = builder.body(Body::from(body)) else {
        return;
    };
    let (runtime, state) = app();
    runtime.block_on(async {
        let response = router(state.clone()).oneshot(request).await.expect("an answer");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = to_bytes(response.into_body(), 1 << 24).await.expect("a body");
        if !head && (status.is_client_error() || status.is_server_error()) {
            if content_type.starts_with("application/json") {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                assert!(v["error"]["code"].is_string());
            } else {
                assert!(content_type.starts_with("text/html"), "{status} {content_type}");
            }
        }
    });
});
