//! The application: shared state, the router, errors as JSON, caching
//! headers, and the request log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use minewatch_registry::Loaded;
use serde::Serialize;

use crate::map::{Shape, shapes};
use crate::store::Store;
use crate::{api, pages, sim};

/// What every handler shares.
pub struct AppState {
    pub(crate) store: Store,
    record: RwLock<Arc<Loaded>>,
    /// Edits are made one at a time.
    pub(crate) write: tokio::sync::Mutex<()>,
    pub(crate) shapes: Vec<Shape>,
    /// Rendered GET answers by URI, with their entity tags; emptied by every edit.
    pub(crate) responses: Mutex<HashMap<String, Arc<Cached>>>,
    /// The day answers default to (today, UTC), fixed for tests.
    pub(crate) today: Option<Date>,
}

impl AppState {
    /// State over a store, loading its record.
    ///
    /// # Errors
    /// When the stored record does not load.
    pub async fn new(
        store: Store,
        today: Option<Date>,
    ) -> Result<Arc<AppState>, crate::StoreError> {
        let loaded = store.load().await?;
        Ok(Arc::new(AppState {
            store,
            record: RwLock::new(Arc::new(loaded)),
            write: tokio::sync::Mutex::new(()),
            shapes: shapes(),
            responses: Mutex::new(HashMap::new()),
            today,
        }))
    }

    /// The record being served.
    pub(crate) fn record(&self) -> Arc<Loaded> {
        match self.record.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serves a new record (after an edit).
    pub(crate) fn replace(&self, loaded: Loaded) {
        match self.record.write() {
            Ok(mut guard) => *guard = Arc::new(loaded),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(loaded),
        }
        if let Ok(mut cache) = self.responses.lock() {
            cache.clear();
        }
    }

    /// Today, UTC (or the fixed day of a test).
    pub(crate) fn today(&self) -> Date {
        self.today.unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
    }
}

/// An API error: a status and `{"error": {"code", "message", "field"}}`.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) field: Option<&'static str>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorFields<'a>,
}

#[derive(Serialize)]
struct ErrorFields<'a> {
    code: &'a str,
    message: &'a str,
    field: Option<&'a str>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub(crate) fn field(mut self, field: &'static str) -> ApiError {
        self.field = Some(field);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorFields {
                code: self.code,
                message: &self.message,
                field: self.field,
            },
        };
        let json = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        (
            self.status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            json,
        )
            .into_response()
    }
}

impl From<crate::StoreError> for ApiError {
    fn from(e: crate::StoreError) -> ApiError {
        tracing::error!("{e}");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", e.0)
    }
}

/// Reads `?on=` as a date, defaulting to today.
pub(crate) fn on_date(state: &AppState, on: Option<&str>) -> Result<Date, ApiError> {
    match on.filter(|s| !s.is_empty()) {
        None => Ok(state.today()),
        Some(text) => minewatch_registry::parse_date(text).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_date",
                format!("`on` must be a date as YYYY-MM-DD: {e} (found `{text}`)"),
            )
            .field("on")
        }),
    }
}

/// A rendered answer kept for reuse: its body is shared, never copied.
pub(crate) struct Cached {
    content_type: &'static str,
    body: axum::body::Bytes,
    etag: HeaderValue,
}

impl Cached {
    fn new(content_type: &'static str, body: String) -> Cached {
        let etag = format!("\"{:016x}\"", fnv(body.as_bytes()));
        Cached {
            content_type,
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            body: axum::body::Bytes::from(body),
        }
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let want = self.etag.to_str().unwrap_or("");
                v.split(',').any(|t| t.trim() == want)
            });
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(header::CONTENT_TYPE, self.content_type)],
                self.body.clone(),
            )
                .into_response()
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        response
    }
}

/// The answer for `key` from the cache, or made by `make`, kept, and given.
pub(crate) fn memo(
    app: &AppState,
    key: String,
    request: &HeaderMap,
    content_type: &'static str,
    make: impl FnOnce() -> Result<String, ApiError>,
) -> Result<Response, ApiError> {
    if let Some(hit) = app.responses.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit.respond(request));
    }
    let entry = Arc::new(Cached::new(content_type, make()?));
    if let Ok(mut cache) = app.responses.lock() {
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(key, entry.clone());
    }
    Ok(entry.respond(request))
}

/// A 64-bit FNV-1a hash, for entity tags.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A GET answer with an entity tag (304 when the client has it), caching
/// for a minute, and open to every origin.
pub(crate) fn cached(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    Cached::new(content_type, body).respond(request)
}

/// One log line per request.
async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn not_found(request: Request<Body>) -> Response {
    if request.uri().path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response()
    } else {
        pages::not_found()
    }
}

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::map))
        .route("/states/{iso3}", get(pages::state))
        .route("/states/{iso3}/brief", get(pages::brief))
        .route("/parties", get(pages::parties))
        .route("/history", get(pages::history))
        .route("/claims", get(pages::claims))
        .route("/about", get(pages::about))
        .route("/simulate", get(sim::page_handler))
        .route("/api/v1/simulate", get(sim::api))
        .route("/api/v1/states", get(api::states))
        .route("/api/v1/states/{iso3}", get(api::state))
        .route("/api/v1/parties", get(api::parties))
        .route("/api/v1/history", get(api::history))
        .route("/api/v1/claims", post(api::claims))
        .route("/api/v1/actions", post(api::add_action))
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/openapi.json", get(api::openapi))
        .fallback(not_found)
        .layer(middleware::from_fn(log))
        .with_state(state)
}
