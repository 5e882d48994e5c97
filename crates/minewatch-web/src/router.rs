//! The routes, and the layers every request passes: the request log (the
//! cancelled too), a deadline, security headers, and the JSON envelope for
//! every error the framework itself answers (a malformed query or path, a
//! method not allowed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;
use crate::{api, pages, sim};

/// How long one request may take, its body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Logs a request when it is answered, or when it is dropped unanswered
/// (the client hung up, or the deadline passed).
struct LogLine {
    method: Method,
    path: String,
    started: Instant,
    done: bool,
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if !self.done {
            tracing::info!(
                "{} {} cancelled {:.1}ms",
                self.method,
                self.path,
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

async fn log(request: Request, next: Next) -> Response {
    let mut line = LogLine {
        method: request.method().clone(),
        path: request.uri().path().to_string(),
        started: Instant::now(),
        done: false,
    };
    let response = next.run(request).await;
    line.done = true;
    tracing::info!(
        "{} {} {} {:.1}ms",
        line.method,
        line.path,
        response.status().as_u16(),
        line.started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn deadline(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {} s",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .retry_after(5)
        .into_response(),
    }
}

/// The framework's own refusals (a query or path that does not parse, a
/// method not allowed, a body it would not read) come as plain text or
/// empty: they are given the envelope here, so every error has one shape.
async fn envelope(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let typed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if typed {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            format!(
                "this method is not allowed here{}",
                allow
                    .as_ref()
                    .and_then(|a| a.to_str().ok())
                    .map(|a| format!("; allowed: {a}"))
                    .unwrap_or_default()
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("bad_content_type", text),
        s if s.is_server_error() => ("server_error", "the server could not answer".into()),
        _ => (
            "bad_request",
            if text.is_empty() {
                "the request could not be read".into()
            } else {
                text
            },
        ),
    };
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Headers every answer carries: no content sniffing, no framing, and a
/// content policy that allows the pages' own inline styles and nothing
/// from elsewhere (the pages run no script).
async fn security(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
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
        .route("/figures", get(pages::figures))
        .route("/changes", get(pages::changes))
        .route("/feeds/changes.atom", get(crate::feeds::atom_feed))
        .route("/feeds/changes.json", get(crate::feeds::json_feed_handler))
        .route("/claims", get(pages::claims))
        .route("/about", get(pages::about))
        .route(
            "/editor/sign-in",
            get(crate::editor::sign_in_page).post(crate::editor::sign_in),
        )
        .route("/editor/sign-out", post(crate::editor::sign_out))
        .route("/editor", get(crate::editor::queue))
        .route("/editor/proposals", post(crate::editor::propose))
        .route("/editor/proposals/{id}", get(crate::editor::show))
        .route(
            "/editor/proposals/{id}/approve",
            post(crate::editor::approve),
        )
        .route("/editor/proposals/{id}/reject", post(crate::editor::reject))
        .route(
            "/editor/webhooks",
            get(crate::editor::webhooks).post(crate::editor::add_webhook),
        )
        .route(
            "/editor/webhooks/{id}/remove",
            post(crate::editor::remove_webhook),
        )
        .route("/simulate", get(sim::page_handler))
        .route("/api/v1/simulate", get(sim::api))
        .route("/api/v1/states", get(api::states))
        .route("/api/v1/states/{iso3}", get(api::state))
        .route("/api/v1/states/{iso3}/history", get(api::state_history))
        .route("/api/v1/parties", get(api::parties))
        .route("/api/v1/history", get(api::history))
        .route("/api/v1/figures", get(api::figures))
        .route("/api/v1/changes", get(api::changes))
        .route("/api/v1/claims", post(api::claims))
        .route("/api/v1/actions", post(api::add_action))
        .route(
            "/api/v1/proposals",
            post(crate::proposals::create).get(crate::proposals::list),
        )
        .route(
            "/api/v1/proposals/{id}",
            get(crate::proposals::show).put(crate::proposals::revise),
        )
        .route(
            "/api/v1/proposals/{id}/approve",
            post(crate::proposals::approve),
        )
        .route(
            "/api/v1/proposals/{id}/reject",
            post(crate::proposals::reject),
        )
        .route(
            "/api/v1/webhooks",
            get(crate::webhooks::list).post(crate::webhooks::add),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(crate::webhooks::remove),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(crate::webhooks::deliveries),
        )
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/version", get(api::version))
        .fallback(not_found)
        .layer(middleware::from_fn(envelope))
        .layer(middleware::from_fn(security))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn(log))
        .with_state(state)
}
