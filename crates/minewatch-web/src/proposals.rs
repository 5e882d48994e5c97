//! Edits proposed by one editor and decided by another: `POST
//! /api/v1/proposals`, `GET /api/v1/proposals[?status=]`, `GET
//! /api/v1/proposals/{id}` (with a preview of what it would change),
//! `POST /api/v1/proposals/{id}/approve` and `/reject`. Only an approved
//! proposal changes the public record; nobody decides their own; every step
//! is audited.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use minewatch_core::Status;
use minewatch_registry::Loaded;
use serde::Deserialize;

use crate::api::{ActionIn, bearer, new_action, parse_json, read_body};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Actor, Decision, EDITABLE, Edit, Proposal, Revision, Role};

/// The caller's editor and role, or a 401 (audited): every authenticated
/// route asks this.
pub(crate) async fn caller(
    app: &AppState,
    headers: &HeaderMap,
    address: String,
    what: &str,
) -> Result<(Actor, Role), ApiError> {
    let token = bearer(headers).map(str::to_string);
    let found = match &token {
        Some(t) => app.store.editor_with_role(t).await?,
        None => None,
    };
    match found {
        Some((editor, role)) => Ok((Actor { editor, address }, role)),
        None => {
            let actor = Actor {
                editor: String::new(),
                address,
            };
            let detail = if token.is_some() {
                "401: unknown token"
            } else {
                "401: no token"
            };
            app.store.record_refusal(&actor, what, detail).await?;
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid editor token is required: Authorization: Bearer <token>",
            ))
        }
    }
}

/// The caller, who must be a maintainer: a 401 (audited) without a valid
/// token, a 403 (audited) for another role.
pub(crate) async fn maintainer(
    app: &AppState,
    headers: &HeaderMap,
    address: String,
    what: &str,
    doing: &str,
) -> Result<Actor, ApiError> {
    let (actor, role) = caller(app, headers, address, what).await?;
    if role == Role::Maintainer {
        return Ok(actor);
    }
    let detail = format!("403: role {} may not {doing}", role.as_str());
    app.store.record_refusal(&actor, what, &detail).await?;
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!(
            "editor {} has the role {}; only a maintainer may {doing}",
            actor.editor,
            role.as_str()
        ),
    ))
}

pub(crate) fn address(request: &axum::extract::Request) -> String {
    crate::server::peer(request.extensions())
        .map(|a| a.to_string())
        .unwrap_or_default()
}

pub(crate) fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(value).unwrap_or_default(),
    )
        .into_response()
}

/// Refuses (audited) and answers with `error`.
pub(crate) async fn refuse(app: &AppState, actor: &Actor, what: &str, error: ApiError) -> ApiError {
    let detail = format!("{}: {}", error.status.as_u16(), error.message);
    if let Err(e) = app.store.record_refusal(actor, what, &detail).await {
        return e.into();
    }
    error
}

/// A proposal's body: `comment`, and either the body `POST
/// /api/v1/actions` takes (a new treaty action) or `kind` (`add`,
/// `correct`, `retract`), `file` (one of [`EDITABLE`]), `row` (the row as
/// the record holds it, to correct or retract) and `with` (the new row).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowEditIn {
    kind: String,
    file: String,
    row: Option<Vec<String>>,
    with: Option<Vec<String>>,
}

/// The edit and comment of a proposal's JSON body.
pub(crate) fn edit_of(app: &AppState, bytes: &[u8]) -> Result<(Edit, String), ApiError> {
    let bad = |code: &'static str, field: &'static str, message: String| {
        ApiError::new(StatusCode::BAD_REQUEST, code, message).field(field)
    };
    let mut value: serde_json::Value = parse_json(bytes)?;
    let comment = match value.as_object_mut().and_then(|o| o.remove("comment")) {
        None => String::new(),
        Some(serde_json::Value::String(c)) if c.len() <= 2_000 => c,
        Some(_) => {
            return Err(bad(
                "bad_comment",
                "comment",
                "`comment` is text of at most 2,000 bytes".into(),
            ));
        }
    };
    let shape = |e: serde_json::Error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not the JSON expected: {e}"),
        )
    };
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .map(str::to_string);
    if kind.is_none() || kind.as_deref() == Some("add_action") {
        if let Some(o) = value.as_object_mut() {
            o.remove("kind");
        }
        let input: ActionIn = serde_json::from_value(value).map_err(shape)?;
        let action = new_action(&app.record(), input, app.today())?;
        return Ok((Edit::from_action(&action), comment));
    }
    let input: RowEditIn = serde_json::from_value(value).map_err(shape)?;
    if !EDITABLE.contains(&input.file.as_str()) {
        return Err(bad(
            "bad_file",
            "file",
            format!(
                "`file` is one of {} (found `{}`); the other files come with releases",
                EDITABLE.join(", "),
                input.file
            ),
        ));
    }
    for cell in input.row.iter().chain(&input.with).flatten() {
        if cell.len() > 2_000 || cell.chars().any(char::is_control) {
            return Err(bad(
                "bad_cell",
                "with",
                "a cell is text of at most 2,000 bytes on one line".into(),
            ));
        }
    }
    let file = input.file;
    let need = |v: Option<Vec<String>>, field: &'static str| {
        v.ok_or_else(|| {
            bad(
                "missing_field",
                field,
                format!("a `{}` proposal needs `{field}`", input.kind),
            )
        })
    };
    let edit = match input.kind.as_str() {
        "add" => Edit::Add {
            file,
            row: need(input.with.clone(), "with")?,
            new_source: None,
        },
        "correct" => Edit::Correct {
            file,
            old: need(input.row.clone(), "row")?,
            new: need(input.with.clone(), "with")?,
        },
        "retract" => Edit::Retract {
            file,
            old: need(input.row.clone(), "row")?,
        },
        other => {
            return Err(bad(
                "bad_kind",
                "kind",
                format!("`kind` is add_action, add, correct or retract (found `{other}`)"),
            ));
        }
    };
    Ok((edit, comment))
}

pub(crate) fn refused_by_rules(errors: &minewatch_registry::LoadErrors) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "rule_violation",
        format!("the record refuses this edit: {}", errors.summary()),
    )
}

/// A client error is audited as a refusal; the answer is the error.
async fn audited<T>(
    app: &AppState,
    actor: &Actor,
    what: &str,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    match result {
        Ok(r) => Ok(r),
        Err(e) if e.status.is_client_error() => Err(refuse(app, actor, what, e).await),
        Err(e) => Err(e),
    }
}

fn request_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(2_000).collect()
}

/// `POST /api/v1/proposals`: see [`RowEditIn`]. Any editor may propose; the
/// rules check the edit now, and a proposal they refuse is a 422. Answered
/// 201 with `id` and `status`.
pub(crate) async fn create(
    State(app): State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = address(&request);
    let (parts, body) = request.into_parts();
    let (actor, _) = caller(&app, &parts.headers, address, "POST /api/v1/proposals").await?;
    let bytes = read_body(body).await?;
    let what = request_text(&bytes);
    let result = async {
        let (edit, comment) = edit_of(&app, &bytes)?;
        match app.store.propose_edit(&actor, &edit, &comment).await? {
            Ok(id) => Ok(json_response(
                StatusCode::CREATED,
                &serde_json::json!({"id": id, "status": "pending", "proposer": actor.editor, "kind": edit.kind(), "revision": 1}),
            )),
            Err(errors) => Err(refused_by_rules(&errors)),
        }
    }
    .await;
    audited(&app, &actor, &what, result).await
}

/// `PUT /api/v1/proposals/{id}`: a pending proposal changed by its
/// proposer (or a maintainer), with the body `POST` takes. It becomes its
/// next revision and loses its approvals.
pub(crate) async fn revise(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = address(&request);
    let what = format!("PUT /api/v1/proposals/{id}");
    let (parts, body) = request.into_parts();
    let (actor, role) = caller(&app, &parts.headers, address, &what).await?;
    let bytes = read_body(body).await?;
    let result = async {
        let (edit, comment) = edit_of(&app, &bytes)?;
        match app.store.revise(&actor, role, id, &edit, &comment).await? {
            Revision::Revised { revision } => Ok(json_response(
                StatusCode::OK,
                &serde_json::json!({"id": id, "status": "pending", "revision": revision, "approvals": []}),
            )),
            Revision::NotFound => Err(not_found(id)),
            Revision::AlreadyDecided(status) => Err(already_decided(id, &status)),
            Revision::NotProposer(proposer) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not_proposer",
                format!("{proposer} proposed this; only they (or a maintainer) change it"),
            )),
            Revision::Refused(errors) => Err(refused_by_rules(&errors)),
        }
    }
    .await;
    audited(
        &app,
        &actor,
        &format!("{what}: {}", request_text(&bytes)),
        result,
    )
    .await
}

fn already_decided(id: i64, status: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_decided",
        format!("proposal {id} is already {status}"),
    )
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    status: Option<String>,
}

/// `GET /api/v1/proposals[?status=pending|approved|rejected]`, for editors.
pub(crate) async fn list(
    State(app): State<Arc<AppState>>,
    Query(q): Query<ListQuery>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = address(&request);
    caller(&app, request.headers(), address, "GET /api/v1/proposals").await?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s @ ("pending" | "approved" | "rejected")) => Some(s),
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_status",
                format!("`status` is pending, approved or rejected (found `{other}`)"),
            )
            .field("status"));
        }
    };
    let proposals = app.store.proposals(status).await?;
    Ok(json_response(StatusCode::OK, &serde_json::json!(proposals)))
}

/// `GET /api/v1/proposals/{id}`: the proposal and, while it is pending, what
/// it would change: the state's status before and after (today and on its
/// entry into force), and the number of States Parties on those days.
pub(crate) async fn show(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = address(&request);
    caller(
        &app,
        request.headers(),
        address,
        "GET /api/v1/proposals/{id}",
    )
    .await?;
    let Some(proposal) = app.store.proposal(id).await? else {
        return Err(not_found(id));
    };
    let preview = if proposal.status == "pending" {
        preview_of(&app, &proposal).await?
    } else {
        serde_json::Value::Null
    };
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({"proposal": proposal, "preview": preview}),
    ))
}

fn not_found(id: i64) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_proposal",
        format!("no proposal {id}"),
    )
}

/// What a pending proposal would change in the record as it now stands
/// (or why the record now refuses it).
pub(crate) async fn preview_of(
    app: &AppState,
    proposal: &Proposal,
) -> Result<serde_json::Value, ApiError> {
    Ok(match app.store.before_and_after(&proposal.edit()).await? {
        Ok((before, after)) => preview(&before, &after, &proposal.edit(), app.today()),
        Err(errors) => serde_json::json!({
            "refused": format!("the record as it now stands refuses this edit: {}", errors.summary())
        }),
    })
}

/// What an edit would change, between two records: every state whose
/// status timeline changes (its status changes before and after), the
/// status of the edit's state and the count of States Parties today and on
/// the entry into force the edit makes, every state's obligations whose
/// standing today changes, and the letter's claims whose verdict changes.
fn preview(before: &Loaded, after: &Loaded, edit: &Edit, today: Date) -> serde_json::Value {
    let timeline = |l: &Loaded, s: minewatch_core::Iso3| {
        l.registry
            .status_changes(s)
            .iter()
            .map(|(d, st)| serde_json::json!({"from": d.to_string(), "status": st.as_str()}))
            .collect::<Vec<_>>()
    };
    let codes: std::collections::BTreeSet<minewatch_core::Iso3> = before
        .registry
        .states()
        .iter()
        .chain(after.registry.states())
        .map(|s| s.iso3)
        .collect();
    let states_changed: Vec<serde_json::Value> = codes
        .iter()
        .filter(|&&s| before.registry.status_changes(s) != after.registry.status_changes(s))
        .map(|&s| {
            serde_json::json!({
                "state": s.to_string(),
                "before": timeline(before, s),
                "after": timeline(after, s),
            })
        })
        .collect();
    let obligations_changed: Vec<serde_json::Value> = codes
        .iter()
        .flat_map(|&s| obligations_changed(before, after, s, today))
        .collect();
    let claims_changed = letter_claims_changed(before, after, today);
    let state = edit.state().and_then(minewatch_core::Iso3::parse);
    let entry = state.and_then(|s| {
        after
            .registry
            .status_changes(s)
            .iter()
            .find(|(_, st)| *st == Status::Party)
            .map(|(d, _)| *d)
    });
    let mut days = vec![today];
    if let Some(d) = entry.filter(|d| *d != today) {
        days.push(d);
    }
    let on = |d: Date| {
        let status = |l: &Loaded| {
            state
                .and_then(|s| l.registry.status_on(s, d))
                .map(|s| s.as_str())
        };
        let parties = |l: &Loaded| l.registry.counts_on(d).bound();
        serde_json::json!({
            "on": d.to_string(),
            "status_before": status(before),
            "status_after": status(after),
            "parties_before": parties(before),
            "parties_after": parties(after),
        })
    };
    serde_json::json!({
        "state": state.map(|s| s.to_string()),
        "entry_into_force_after": entry.map(|d| d.to_string()),
        "days": days.into_iter().map(on).collect::<Vec<_>>(),
        "states_changed": states_changed,
        "obligations_changed": obligations_changed,
        "letter_claims_changed": claims_changed,
    })
}

/// A state's obligations whose standing on `today` differs between two
/// records.
fn obligations_changed(
    before: &Loaded,
    after: &Loaded,
    state: minewatch_core::Iso3,
    today: Date,
) -> Vec<serde_json::Value> {
    let obligations =
        |l: &Loaded| minewatch_core::Obligations::new(&l.registry, &l.context).of(state, today);
    let (was, will) = (obligations(before), obligations(after));
    let mut out: Vec<serde_json::Value> = will
        .iter()
        .filter_map(|o| {
            let old = was.iter().find(|w| w.kind == o.kind);
            let before_state = old.map(|w| w.state.as_str());
            (before_state != Some(o.state.as_str())).then(|| {
                serde_json::json!({
                    "state": state.to_string(),
                    "article": o.article.to_string(),
                    "kind": o.kind,
                    "before": before_state,
                    "after": o.state.as_str(),
                    "detail_after": o.detail,
                })
            })
        })
        .collect();
    // Obligations the edit ends (a retracted ratification).
    out.extend(
        was.iter()
            .filter(|w| !will.iter().any(|o| o.kind == w.kind))
            .map(|w| {
                serde_json::json!({
                    "state": state.to_string(),
                    "article": w.article.to_string(),
                    "kind": w.kind,
                    "before": w.state.as_str(),
                    "after": null,
                    "detail_after": null,
                })
            }),
    );
    out
}

/// The claims of the January 2025 letter whose verdict today changes.
fn letter_claims_changed(before: &Loaded, after: &Loaded, today: Date) -> Vec<serde_json::Value> {
    let claims = minewatch_claims::read_claims_file(LETTER_CLAIMS).unwrap_or_default();
    let (old, new) = (
        minewatch_claims::Checker::new(&before.registry, &before.context),
        minewatch_claims::Checker::new(&after.registry, &after.context),
    );
    let verdict = |checker: &minewatch_claims::Checker<'_>, text: &str| {
        checker
            .parse(text)
            .map(|c| checker.verdict(&c, today).outcome.as_str())
            .unwrap_or("error")
    };
    claims
        .iter()
        .filter_map(|c| {
            let (b, a) = (verdict(&old, &c.text), verdict(&new, &c.text));
            (b != a)
                .then(|| serde_json::json!({"id": c.id, "claim": c.text, "before": b, "after": a}))
        })
        .collect()
}

/// The checkable claims of the ICBL letter of 17 January 2025
/// (`examples/`), checked before and after every proposal.
const LETTER_CLAIMS: &str = include_str!("../../../examples/letter-2025-01-17.claims");

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DecisionIn {
    reason: Option<String>,
    /// The revision the reviewer saw; a decision on another is a 409.
    revision: Option<i64>,
}

/// `POST /api/v1/proposals/{id}/approve`.
pub(crate) async fn approve(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    decide(app, id, true, request).await
}

/// `POST /api/v1/proposals/{id}/reject` (`{"reason": "..."}`).
pub(crate) async fn reject(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    decide(app, id, false, request).await
}

async fn decide(
    app: Arc<AppState>,
    id: i64,
    approve: bool,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let address = address(&request);
    let verb = if approve { "approve" } else { "reject" };
    let what = format!("POST /api/v1/proposals/{id}/{verb}");
    let (parts, body) = request.into_parts();
    let (actor, role) = caller(&app, &parts.headers, address, &what).await?;
    let result = async {
        let bytes = read_body(body).await?;
        let input: DecisionIn = if bytes.iter().all(u8::is_ascii_whitespace) {
            DecisionIn::default()
        } else {
            parse_json(&bytes)?
        };
        let reason = input.reason.unwrap_or_default();
        let answer = decision(&app, &actor, role, (id, input.revision), approve, &reason).await?;
        Ok(json_response(StatusCode::OK, &answer))
    }
    .await;
    audited(&app, &actor, &what, result).await
}

/// A reviewer's decision on a proposal, for the API and the editor pages:
/// the answer's JSON, or why it was not made. The caller audits a refusal.
pub(crate) async fn decision(
    app: &AppState,
    actor: &Actor,
    role: Role,
    (id, revision): (i64, Option<i64>),
    approve: bool,
    reason: &str,
) -> Result<serde_json::Value, ApiError> {
    let verb = if approve { "approve" } else { "reject" };
    if role == Role::Editor {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "editor {} may propose, not {verb}: a reviewer or a maintainer decides",
                actor.editor
            ),
        ));
    }
    if reason.len() > 2_000 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_reason",
            "`reason` is text of at most 2,000 bytes",
        )
        .field("reason"));
    }
    let _guard = app.write.lock().await;
    match app
        .store
        .decide_revision(actor, id, revision, approve, reason)
        .await?
    {
        Decision::Applied {
            audit,
            version,
            loaded,
        } => {
            app.replace(version, *loaded);
            Ok(
                serde_json::json!({"id": id, "status": "approved", "audit": audit, "version": version}),
            )
        }
        Decision::Approved { approvals, needed } => Ok(
            serde_json::json!({"id": id, "status": "pending", "approvals": approvals, "approvals_needed": needed}),
        ),
        Decision::Rejected => {
            Ok(serde_json::json!({"id": id, "status": "rejected", "reason": reason}))
        }
        Decision::NotFound => Err(not_found(id)),
        Decision::AlreadyDecided(status) => Err(already_decided(id, &status)),
        Decision::OwnProposal => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "own_proposal",
            format!(
                "{} proposed or changed this; another reviewer decides it",
                actor.editor
            ),
        )),
        Decision::StaleRevision { seen, current } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "stale_revision",
            format!(
                "proposal {id} changed since revision {seen}: it is at revision {current}; review it again"
            ),
        )
        .field("revision")),
        Decision::Refused(errors) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule_violation",
            format!(
                "the record as it now stands refuses this edit: {}",
                errors.summary()
            ),
        )),
    }
}
