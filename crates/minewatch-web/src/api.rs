//! The JSON API under `/api/v1` (every list also as CSV with `?format=csv`).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use minewatch_brief::VerdictReport;
use minewatch_claims::Checker;
use minewatch_core::{ActionKind, Iso3, Status};
use minewatch_registry::{Loaded, write_rows};
use serde::{Deserialize, Serialize};

use crate::app::{ApiError, AppState, cached, memo, on_date};
use crate::store::NewAction;

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Query parameters of the lists.
#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    on: Option<String>,
    consented: Option<String>,
    format: Option<String>,
}

fn wants_csv(q: &ListQuery) -> Result<bool, ApiError> {
    match q.format.as_deref() {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_format",
            format!("`format` is json or csv (found `{other}`)"),
        )
        .field("format")),
    }
}

fn json_body<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    cached(headers, "application/json", body)
}

fn csv_body(headers: &HeaderMap, rows: Vec<Vec<String>>) -> Response {
    cached(headers, "text/csv; charset=utf-8", write_rows(&rows))
}

fn find(loaded: &Loaded, code: &str) -> Result<Iso3, ApiError> {
    loaded
        .registry
        .find_state(code)
        .map(|s| s.iso3)
        .map_err(|nf| {
            let hint = nf
                .suggestions
                .iter()
                .map(|(c, n)| format!("{c} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = if hint.is_empty() {
                format!("unknown state `{code}`")
            } else {
                format!("unknown state `{code}`; did you mean {hint}?")
            };
            ApiError::new(StatusCode::NOT_FOUND, "unknown_state", message).field("state")
        })
}

#[derive(Serialize)]
struct StateRow {
    iso3: String,
    name: String,
    category: &'static str,
}

/// `GET /api/v1/states`: every state of the record.
pub(crate) async fn states(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let loaded = app.record();
    let rows: Vec<StateRow> = loaded
        .registry
        .current_states()
        .map(|s| StateRow {
            iso3: s.iso3.to_string(),
            name: s.name.clone(),
            category: s.category.as_str(),
        })
        .collect();
    if wants_csv(&q)? {
        let mut out = vec![vec!["iso3".into(), "name".into(), "category".into()]];
        out.extend(
            rows.iter()
                .map(|r| vec![r.iso3.clone(), r.name.clone(), r.category.into()]),
        );
        return Ok(csv_body(&headers, out));
    }
    Ok(json_body(&headers, &rows))
}

#[derive(Serialize)]
struct StepOut {
    article: &'static str,
    date: String,
    text: String,
    sources: Vec<String>,
    status: Option<&'static str>,
}

#[derive(Serialize)]
struct StatusOut {
    state: String,
    name: String,
    on: String,
    status: &'static str,
    entry_into_force: Option<String>,
    withdrawal_effective: Option<String>,
    explanation: Vec<StepOut>,
    findings: Vec<String>,
    groups: Vec<String>,
}

fn status_out(loaded: &Loaded, iso3: Iso3, on: Date) -> Option<StatusOut> {
    let a = loaded.registry.assess(iso3, on)?;
    Some(StatusOut {
        state: iso3.to_string(),
        name: loaded.registry.name_of(iso3).to_string(),
        on: on.to_string(),
        status: a.status.as_str(),
        entry_into_force: a.entry_into_force.map(|d| d.to_string()),
        withdrawal_effective: a
            .withdrawal
            .and_then(|w| w.effective)
            .map(|d| d.to_string()),
        explanation: a
            .steps
            .iter()
            .map(|s| StepOut {
                article: s.article,
                date: s.date.to_string(),
                text: s.text.clone(),
                sources: s.sources.iter().map(|x| x.to_string()).collect(),
                status: s.status.map(Status::as_str),
            })
            .collect(),
        findings: a.findings.iter().map(|f| f.text.clone()).collect(),
        groups: loaded
            .context
            .groups_of(iso3, on)
            .map(|g| g.id.clone())
            .collect(),
    })
}

/// `GET /api/v1/states/{ISO3}?on=`: status with the explanation.
pub(crate) async fn state(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let loaded = app.record();
    let on = on_date(&app, q.on.as_deref())?;
    let iso3 = find(&loaded, &code)?;
    let out = status_out(&loaded, iso3, on)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_state", "unknown state"))?;
    Ok(json_body(&headers, &out))
}

#[derive(Serialize)]
struct PartyRow {
    iso3: String,
    name: String,
    status: &'static str,
    since: Option<String>,
}

#[derive(Serialize)]
struct PartiesOut {
    on: String,
    count: usize,
    parties: Vec<PartyRow>,
}

/// The states bound on `on` (and, with `consented`, those whose consent
/// is deposited and not yet in force).
pub(crate) fn party_rows(
    loaded: &Loaded,
    on: Date,
    consented: bool,
) -> Vec<(Iso3, String, Status, Option<Date>)> {
    loaded
        .registry
        .statuses_on(on)
        .filter(|(_, s)| s.is_bound() || (consented && *s == Status::Consented))
        .map(|(state, status)| {
            let since = loaded
                .registry
                .status_changes(state.iso3)
                .iter()
                .rev()
                .find(|(d, _)| *d <= on)
                .map(|(d, _)| *d);
            (state.iso3, state.name.clone(), status, since)
        })
        .collect()
}

fn flag(value: Option<&str>, field: &'static str) -> Result<bool, ApiError> {
    match value {
        None | Some("false") | Some("0") => Ok(false),
        Some("" | "true" | "1") => Ok(true),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_flag",
            format!("`{field}` is true or false (found `{other}`)"),
        )
        .field(field)),
    }
}

/// `GET /api/v1/parties?on=&consented=`.
pub(crate) async fn parties(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let on = on_date(&app, q.on.as_deref())?;
    let consented = flag(q.consented.as_deref(), "consented")?;
    let csv = wants_csv(&q)?;
    let key = format!("parties {on} {consented} {csv}");
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    memo(&app, key, &headers, content_type, || {
        let loaded = app.record();
        let rows = party_rows(&loaded, on, consented);
        if csv {
            let mut out = vec![vec![
                "iso3".into(),
                "name".into(),
                "status".into(),
                "since".into(),
            ]];
            out.extend(rows.iter().map(|(c, n, s, d)| {
                vec![
                    c.to_string(),
                    n.clone(),
                    s.as_str().into(),
                    d.map(|d| d.to_string()).unwrap_or_default(),
                ]
            }));
            return Ok(write_rows(&out));
        }
        let parties: Vec<PartyRow> = rows
            .into_iter()
            .map(|(c, n, s, d)| PartyRow {
                iso3: c.to_string(),
                name: n,
                status: s.as_str(),
                since: d.map(|d| d.to_string()),
            })
            .collect();
        Ok(serde_json::to_string_pretty(&PartiesOut {
            on: on.to_string(),
            count: parties.len(),
            parties,
        })
        .unwrap_or_default())
    })
}

#[derive(Serialize)]
pub(crate) struct HistoryRow {
    pub(crate) date: String,
    pub(crate) signatories: usize,
    pub(crate) consented: usize,
    pub(crate) bound: usize,
}

/// Counts on 1 January of every year from 1998 to this year, and today.
pub(crate) fn history_rows(loaded: &Loaded, today: Date) -> Vec<HistoryRow> {
    let mut dates: Vec<Date> = (1998..=today.year())
        .filter_map(|y| Date::new(y, 1, 1).ok())
        .collect();
    dates.push(today);
    dates.dedup();
    dates
        .into_iter()
        .map(|d| {
            let c = loaded.registry.counts_on(d);
            let signed = loaded
                .registry
                .current_states()
                .filter(|s| {
                    loaded
                        .registry
                        .actions_of(s.iso3)
                        .any(|a| a.kind == ActionKind::Signature && a.date <= d)
                })
                .count();
            HistoryRow {
                date: d.to_string(),
                signatories: signed,
                consented: c.get(Status::Consented) + c.bound(),
                bound: c.bound(),
            }
        })
        .collect()
}

/// `GET /api/v1/history`.
pub(crate) async fn history(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let loaded = app.record();
    let rows = history_rows(&loaded, app.today());
    if wants_csv(&q)? {
        let mut out = vec![vec![
            "date".into(),
            "signatories".into(),
            "consented".into(),
            "bound".into(),
        ]];
        out.extend(rows.iter().map(|r| {
            vec![
                r.date.clone(),
                r.signatories.to_string(),
                r.consented.to_string(),
                r.bound.to_string(),
            ]
        }));
        return Ok(csv_body(&headers, out));
    }
    Ok(json_body(&headers, &rows))
}

async fn read_json<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, ApiError> {
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than {BODY_LIMIT} bytes"),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not the JSON expected: {e}"),
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimIn {
    claim: String,
    on: Option<String>,
}

/// Checks a claim; a claim that cannot be read is a 422 that points at the word.
pub(crate) fn check_claim(
    loaded: &Loaded,
    claim: &str,
    on: Date,
) -> Result<VerdictReport, ApiError> {
    let checker = Checker::new(&loaded.registry, &loaded.context);
    let verdict = checker.check(claim, on).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_claim",
            format!("column {}: {e}", e.column),
        )
        .field("claim")
    })?;
    Ok(VerdictReport::new(loaded, None, claim, &verdict))
}

/// `POST /api/v1/claims` with `{"claim": "...", "on": "YYYY-MM-DD"}`.
pub(crate) async fn claims(
    State(app): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ClaimIn = read_json(body).await?;
    let on = on_date(&app, input.on.as_deref())?;
    let loaded = app.record();
    let out = check_claim(&loaded, &input.claim, on)?;
    Ok(axum::Json(out).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceIn {
    id: String,
    publisher: String,
    title: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionIn {
    state: String,
    action: String,
    date: String,
    bound_from: Option<String>,
    sources: Vec<String>,
    note: Option<String>,
    source: Option<SourceIn>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// `POST /api/v1/actions`: an editor adds a treaty action with its source.
/// The record's rules check it; it is stored with its audit record in one
/// transaction.
pub(crate) async fn add_action(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let unauthorized = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid editor token is required: Authorization: Bearer <token>",
        )
    };
    let token = bearer(&headers).ok_or_else(unauthorized)?;
    let editor = app
        .store
        .editor_for(token)
        .await?
        .ok_or_else(unauthorized)?;
    let input: ActionIn = read_json(body).await?;
    let _guard = app.write.lock().await;
    let loaded = app.record();
    let state = find(&loaded, &input.state)?;
    if ActionKind::parse(&input.action).is_none() {
        let names: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_action",
            format!(
                "`action` is one of {} (found `{}`)",
                names.join(", "),
                input.action
            ),
        )
        .field("action"));
    }
    for (field, value) in [
        ("date", Some(&input.date)),
        ("bound_from", input.bound_from.as_ref()),
    ] {
        if let Some(text) = value.filter(|t| !t.is_empty()) {
            minewatch_registry::parse_date(text).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_date",
                    format!("`{field}`: {e} (found `{text}`)"),
                )
                .field(if field == "date" {
                    "date"
                } else {
                    "bound_from"
                })
            })?;
        }
    }
    if input.sources.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_source",
            "an action needs at least one source id",
        )
        .field("sources"));
    }
    let new_source = input
        .source
        .map(|s| vec![s.id, s.publisher, s.title, s.url]);
    let action = NewAction {
        row: vec![
            state.to_string(),
            input.action,
            input.date,
            input.bound_from.unwrap_or_default(),
            input.sources.join(";"),
            input.note.unwrap_or_default(),
        ],
        new_source,
    };
    let checked = app.store.check_action(&action).await.map_err(|errors| {
        let message = errors
            .0
            .iter()
            .map(|e| {
                let field = e.field.clone().unwrap_or_default();
                format!("{field}: {}", e.message)
            })
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
            format!("the record refuses this action: {message}"),
        )
    })?;
    let audit = app.store.add_action(&editor, &action).await?;
    app.replace(checked);
    let body = serde_json::json!({
        "added": write_rows(std::slice::from_ref(&action.row)).trim_end(),
        "audit": audit,
        "editor": editor,
    });
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `GET /api/v1/audit`: every edit, oldest first.
pub(crate) async fn audit(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let entries = app.store.audit().await?;
    if wants_csv(&q)? {
        let mut out = vec![vec![
            "id".into(),
            "editor".into(),
            "at".into(),
            "what".into(),
            "source".into(),
        ]];
        out.extend(entries.iter().map(|e| {
            vec![
                e.id.to_string(),
                e.editor.clone(),
                e.at.clone(),
                e.what.clone(),
                e.source.clone(),
            ]
        }));
        return Ok(csv_body(&headers, out));
    }
    Ok(json_body(&headers, &entries))
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "application/json",
        include_str!("openapi.json").to_string(),
    )
}
