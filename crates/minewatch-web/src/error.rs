//! Errors at the web's edge: every one a status and the JSON envelope
//! `{"error": {"code", "message", "field"}}`. A store failure is logged in
//! full and answered with a generic 503: clients never see the database's
//! own words.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// An API error: a status and `{"error": {"code", "message", "field"}}`.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) field: Option<&'static str>,
    /// Seconds a client should wait before trying again (503s).
    pub(crate) retry_after: Option<u32>,
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
            retry_after: None,
        }
    }

    pub(crate) fn field(mut self, field: &'static str) -> ApiError {
        self.field = Some(field);
        self
    }

    pub(crate) fn retry_after(mut self, seconds: u32) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// The envelope as JSON text.
    pub(crate) fn json(&self) -> String {
        let body = ErrorBody {
            error: ErrorFields {
                code: self.code,
                message: &self.message,
                field: self.field,
            },
        };
        serde_json::to_string(&body).unwrap_or_else(|_| "{}".into())
    }

    /// A busy server's answer: come back in `seconds`.
    pub(crate) fn busy(message: impl Into<String>, seconds: u32) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message).retry_after(seconds)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            self.json(),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!("store: {e}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the record's database cannot answer now; nothing was changed; try again shortly",
        )
        .retry_after(5)
    }
}
