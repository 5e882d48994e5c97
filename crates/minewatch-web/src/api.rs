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
use minewatch_json::{
    ChangeJson, ChangesQuery, FigureJson, HistoryJson, PartyJson, StatusJson, changes_rows,
};
use minewatch_registry::{Loaded, write_rows};
use serde::{Deserialize, Serialize};

use crate::cache::{Cached, Policy};
use crate::error::ApiError;
use crate::state::{AppState, cached, memo_at, on_date, permalinked};
use crate::store::{Actor, Idempotency, NewAction, WriteOutcome};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Query parameters of the lists.
#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    on: Option<String>,
    consented: Option<String>,
    format: Option<String>,
    /// The record as it stood after an edit: its id, or an RFC 3339 time.
    as_of: Option<String>,
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
    cached(headers, "text/csv; charset=utf-8", safe_csv(rows))
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
    uri: axum::http::Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let loaded = snapshot.loaded.clone();
    let rows: Vec<StateRow> = loaded
        .registry
        .current_states()
        .map(|s| StateRow {
            iso3: s.iso3.to_string(),
            name: s.name.clone(),
            category: s.category.as_str(),
        })
        .collect();
    let body = if wants_csv(&q)? {
        let mut out = vec![vec!["iso3".into(), "name".into(), "category".into()]];
        out.extend(
            rows.iter()
                .map(|r| vec![r.iso3.clone(), r.name.clone(), r.category.into()]),
        );
        csv_body(&headers, out)
    } else {
        json_body(&headers, &rows)
    };
    Ok(permalinked(body, snapshot.version, &uri, &[]))
}

fn status_out(loaded: &Loaded, iso3: Iso3, on: Date) -> Option<StatusJson> {
    let a = loaded.registry.assess(iso3, on)?;
    let groups = loaded
        .context
        .groups_of(iso3, on)
        .map(|g| g.id.clone())
        .collect();
    Some(StatusJson::new(&loaded.registry, &a, groups))
}

/// `GET /api/v1/states/{ISO3}?on=`: status with the explanation.
pub(crate) async fn state(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    uri: axum::http::Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let loaded = &snapshot.loaded;
    let on = on_date(&app, q.on.as_deref())?;
    let iso3 = find(loaded, &code)?;
    let out = status_out(loaded, iso3, on)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_state", "unknown state"))?;
    Ok(permalinked(
        json_body(&headers, &out),
        snapshot.version,
        &uri,
        &[("on", on.to_string())],
    ))
}

/// `GET /api/v1/states/{ISO3}/history`: every version of the state's facts
/// in the record (record time): which edit changed which of its rows, who,
/// when, of which kind and why. Never cached.
pub(crate) async fn state_history(
    State(app): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = app.record();
    let iso3 = find(&loaded, &code)?;
    let edits = app.store.state_history(iso3.as_str()).await?;
    let body = serde_json::json!({"state": iso3.as_str(), "edits": edits});
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response())
}

#[derive(Serialize)]
struct PartiesOut {
    on: String,
    count: usize,
    parties: Vec<PartyJson>,
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
    uri: axum::http::Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let on = on_date(&app, q.on.as_deref())?;
    let consented = flag(q.consented.as_deref(), "consented")?;
    let csv = wants_csv(&q)?;
    let key = format!("parties {on} {consented} {csv}");
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    let made = memo_at(&app, &snapshot, key, &headers, content_type, |loaded| {
        let rows = party_rows(loaded, on, consented);
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
        let parties: Vec<PartyJson> = loaded
            .registry
            .statuses_on(on)
            .filter(|(_, s)| s.is_bound() || (consented && *s == Status::Consented))
            .map(|(state, status)| PartyJson::new(&loaded.registry, state, status, on))
            .collect();
        Ok(serde_json::to_string_pretty(&PartiesOut {
            on: on.to_string(),
            count: parties.len(),
            parties,
        })
        .unwrap_or_default())
    })?;
    Ok(permalinked(
        made,
        snapshot.version,
        &uri,
        &[("on", on.to_string())],
    ))
}

/// `GET /api/v1/figures?on=&format=`: the treaty-status figures on a date,
/// the same array as `minewatch figures --format json` (or its CSV).
pub(crate) async fn figures(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let on = on_date(&app, q.on.as_deref())?;
    let csv = wants_csv(&q)?;
    let key = format!("figures {on} {csv}");
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    let made = memo_at(&app, &snapshot, key, &headers, content_type, |loaded| {
        let rows = figure_rows(loaded, on);
        Ok(rows_body(
            &rows,
            csv.then_some((&FigureJson::CSV_HEADER[..], FigureJson::csv_cells)),
        ))
    })?;
    Ok(permalinked(
        made,
        snapshot.version,
        &uri,
        &[("on", on.to_string())],
    ))
}

/// The query of `GET /api/v1/changes` and of `/changes`.
#[derive(Deserialize, Default)]
pub(crate) struct ChangesParams {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// Codes or names, comma-separated.
    pub(crate) state: Option<String>,
    pub(crate) group: Option<String>,
    /// Kinds, comma-separated.
    pub(crate) kind: Option<String>,
    pub(crate) format: Option<String>,
    /// The record as it stood after an edit.
    pub(crate) as_of: Option<String>,
}

/// The changes a query asks for, as the CLI gives them; a 400 naming the
/// parameter at fault otherwise. `to` defaults to today.
pub(crate) fn change_rows(
    app: &AppState,
    loaded: &Loaded,
    q: &ChangesParams,
) -> Result<Vec<ChangeJson>, ApiError> {
    let date = |field: &'static str, text: Option<&str>| -> Result<Option<Date>, ApiError> {
        match text.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => minewatch_registry::parse_date(t).map(Some).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_date",
                    format!("`{field}` must be a date as YYYY-MM-DD: {e} (found `{t}`)"),
                )
                .field(field)
            }),
        }
    };
    let query = ChangesQuery {
        from: date("from", q.from.as_deref())?,
        to: Some(date("to", q.to.as_deref())?.unwrap_or_else(|| app.today())),
        states: q
            .state
            .as_deref()
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        group: q.group.as_deref().filter(|g| !g.is_empty()),
        kinds: q.kind.as_deref().filter(|k| !k.is_empty()),
    };
    changes_rows(&loaded.registry, &loaded.context, &query).map_err(|e| {
        let status = if e.field == "state" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, "bad_query", e.message).field(e.field)
    })
}

/// `GET /api/v1/changes?from=&to=&state=&group=&kind=&format=`: the array
/// `minewatch changes --format json` prints.
pub(crate) async fn changes(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<ChangesParams>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_format",
                format!("`format` is json or csv (found `{other}`)"),
            )
            .field("format"));
        }
    };
    let key = format!(
        "changes {:?} {:?} {:?} {:?} {:?} {csv} {}",
        q.from,
        q.to,
        q.state,
        q.group,
        q.kind,
        app.today()
    );
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    let made = memo_at(&app, &snapshot, key, &headers, content_type, |loaded| {
        let rows = change_rows(&app, loaded, &q)?;
        Ok(rows_body(
            &rows,
            csv.then_some((&ChangeJson::CSV_HEADER[..], ChangeJson::csv_cells)),
        ))
    })?;
    Ok(permalinked(
        made,
        snapshot.version,
        &uri,
        &[("to", app.today().to_string())],
    ))
}

/// The figures on `on`, as the CLI and the API give them.
pub(crate) fn figure_rows(loaded: &Loaded, on: Date) -> Vec<FigureJson> {
    minewatch_core::figures::Figures::new(&loaded.registry, &loaded.context)
        .on(on)
        .iter()
        .map(FigureJson::new)
        .collect()
}

/// Counts on 1 January of every year from 1998 to this year, and today.
pub(crate) fn history_rows(loaded: &Loaded, today: Date) -> Vec<HistoryJson> {
    let mut dates: Vec<Date> = (1998..=today.year())
        .filter_map(|y| Date::new(y, 1, 1).ok())
        .collect();
    dates.push(today);
    dates.dedup();
    dates
        .into_iter()
        .map(|d| HistoryJson::on(&loaded.registry, d))
        .collect()
}

/// `GET /api/v1/history`.
pub(crate) async fn history(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let snapshot = app.snapshot_for(q.as_of.as_deref()).await?;
    let rows = history_rows(&snapshot.loaded, app.today());
    let body = if wants_csv(&q)? {
        let mut header = vec!["date".to_string()];
        header.extend(HistoryJson::COUNTS.map(String::from));
        let mut out = vec![header];
        out.extend(rows.iter().map(|r| {
            let mut row = vec![r.date.clone()];
            row.extend(r.counts().map(|n| n.to_string()));
            row
        }));
        csv_body(&headers, out)
    } else {
        json_body(&headers, &rows)
    };
    Ok(permalinked(body, snapshot.version, &uri, &[]))
}

pub(crate) async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    to_bytes(body, BODY_LIMIT).await.map_err(|e| {
        let inner = e.into_inner();
        let too_large = inner.is::<http_body_util::LengthLimitError>()
            || inner
                .source()
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the request body is larger than {BODY_LIMIT} bytes"),
            )
        } else {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_not_received",
                "the request body did not arrive whole",
            )
        }
    })
}

async fn read_json<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, ApiError> {
    parse_json(&read_body(body).await?)
}

pub(crate) fn parse_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
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
pub(crate) struct ActionIn {
    state: String,
    action: String,
    date: String,
    bound_from: Option<String>,
    sources: Vec<String>,
    note: Option<String>,
    source: Option<SourceIn>,
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The longest `Idempotency-Key` kept.
const MAX_KEY: usize = 128;

/// `POST /api/v1/actions`: an editor adds a treaty action with its source.
/// The record's rules check it inside the write transaction; it is stored
/// with its audit records in that transaction, and answered 201 only once
/// the commit is durable. Every refusal is audited with who tried and from
/// where. An `Idempotency-Key` makes a replay return the first answer.
pub(crate) async fn add_action(
    State(app): State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = crate::server::peer(request.extensions())
        .map(|a| a.to_string())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    // Only a maintainer applies an edit directly; the other roles are for
    // the review of proposed edits.
    let actor = crate::proposals::maintainer(
        &app,
        &headers,
        address,
        "POST /api/v1/actions",
        "apply edits directly",
    )
    .await?;
    let bytes = read_body(body).await?;
    let idempotency = idempotency_key(&headers, &bytes)?;
    // From here every answer is audited; the write itself runs in a task of
    // its own, so a client that hangs up cannot cut it short between the
    // commit and serving the new record.
    let task = tokio::spawn(async move {
        let result = write_action(&app, &actor, &bytes, idempotency.as_ref()).await;
        if let Err(e) = &result {
            if e.status.is_client_error() {
                let what = String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(2_000)
                    .collect::<String>();
                let detail = format!("{}: {}", e.status.as_u16(), e.message);
                app.store.record_refusal(&actor, &what, &detail).await?;
            }
        }
        result
    });
    task.await.map_err(|e| {
        tracing::error!("the write task failed: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the server could not finish the edit",
        )
    })?
}

fn idempotency_key(headers: &HeaderMap, body: &[u8]) -> Result<Option<Idempotency>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_idempotency_key",
                format!("`Idempotency-Key` is 1 to {MAX_KEY} visible ASCII characters"),
            )
            .field("Idempotency-Key")
        })?;
    Ok(Some(Idempotency {
        key: key.to_string(),
        request_sha256: crate::store::hex_sha256(body),
    }))
}

async fn write_action(
    app: &AppState,
    actor: &Actor,
    bytes: &[u8],
    idempotency: Option<&Idempotency>,
) -> Result<Response, ApiError> {
    let input: ActionIn = parse_json(bytes)?;
    let _guard = app.write.lock().await;
    let loaded = app.record();
    let action = new_action(&loaded, input, app.today())?;
    let editor = actor.editor.clone();
    let added = write_rows(std::slice::from_ref(&action.row))
        .trim_end()
        .to_string();
    let outcome = app
        .store
        .add_action(actor, &action, idempotency, |audit| {
            serde_json::to_string_pretty(&serde_json::json!({
                "added": added,
                "audit": audit,
                "editor": editor,
            }))
            .unwrap_or_default()
        })
        .await?;
    let created = |status: u16, body: String| {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    match outcome {
        WriteOutcome::Applied {
            loaded,
            body,
            version,
            ..
        } => {
            app.replace(version, *loaded);
            Ok(created(201, body))
        }
        WriteOutcome::Replayed { status, body } => Ok(created(status, body)),
        WriteOutcome::KeyReused => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used with another request",
        )
        .field("Idempotency-Key")),
        WriteOutcome::Refused(errors) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
            format!("the record refuses this action: {}", errors.summary()),
        )),
    }
}

/// The new row, each field checked: a known state and kind, dates that
/// parse and are not after `today` (a depositary act is recorded once it
/// has happened), at least one source.
pub(crate) fn new_action(
    loaded: &Loaded,
    input: ActionIn,
    today: Date,
) -> Result<NewAction, ApiError> {
    let state = find(loaded, &input.state)?;
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
        let Some(text) = value.filter(|t| !t.is_empty()) else {
            continue;
        };
        let date = minewatch_registry::parse_date(text).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_date",
                format!("`{field}`: {e} (found `{text}`)"),
            )
            .field(field)
        })?;
        if date > today {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "future_date",
                format!(
                    "`{field}` {date} is after today ({today}): an act is recorded once the depositary has it"
                ),
            )
            .field(field));
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
    Ok(NewAction {
        row: vec![
            state.to_string(),
            input.action,
            input.date,
            input.bound_from.unwrap_or_default(),
            input.sources.join(";"),
            input.note.unwrap_or_default(),
        ],
        new_source,
    })
}

/// `GET /api/v1/audit`: every edit and every refused write, oldest first.
/// Never cached by others; in CSV every cell a spreadsheet would read as a
/// formula is neutralised.
pub(crate) async fn audit(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let entries = app.store.audit().await?;
    let (content_type, body) = if wants_csv(&q)? {
        let mut out = vec![
            [
                "id", "editor", "at", "what", "source", "kind", "address", "detail",
            ]
            .map(String::from)
            .to_vec(),
        ];
        out.extend(entries.iter().map(|e| {
            vec![
                e.id.to_string(),
                e.editor.clone(),
                e.at.clone(),
                e.what.clone(),
                e.source.clone(),
                e.kind.clone(),
                e.address.clone(),
                e.detail.clone(),
            ]
        }));
        ("text/csv; charset=utf-8", safe_csv(out))
    } else {
        (
            "application/json",
            serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into()),
        )
    };
    Ok(Cached::new(content_type, body, Policy::NoStore).respond(&headers))
}

/// CSV for spreadsheets: a cell starting with `=`, `+`, `-`, `@` (or a tab
/// or carriage return) is prefixed with `'`, so it is shown, not run.
/// A CSV table's header, and a row's cells.
type CsvShape<'a, T> = (&'a [&'a str], fn(&T) -> Vec<String>);

/// Rows as pretty JSON, or, with a header and a row's cells, as CSV
/// (spreadsheet-safe): the one body of the table answers.
fn rows_body<T: serde::Serialize>(rows: &[T], csv: Option<CsvShape<'_, T>>) -> String {
    match csv {
        Some((header, cells)) => {
            let mut out = vec![header.iter().map(|h| (*h).to_string()).collect()];
            out.extend(rows.iter().map(cells));
            safe_csv(out)
        }
        None => serde_json::to_string_pretty(rows).unwrap_or_default(),
    }
}

pub(crate) fn safe_csv(mut rows: Vec<Vec<String>>) -> String {
    for cell in rows.iter_mut().flatten() {
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            cell.insert(0, '\'');
        }
    }
    write_rows(&rows)
}

/// `GET /api/v1/version`: the version of the record this server serves
/// (every change to the record, made through any replica, makes a new one),
/// the database's backend and the release of the built-in data. Never
/// cached: replicas are compared with it.
pub(crate) async fn version(State(app): State<Arc<AppState>>) -> Response {
    let body = serde_json::json!({
        "version": app.snapshot().version,
        "backend": app.store.backend(),
        "release": crate::store::release_name(),
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response()
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi(headers: HeaderMap) -> Response {
    cached(
        &headers,
        "application/json",
        include_str!("openapi.json").to_string(),
    )
}
