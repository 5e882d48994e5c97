//! The editors' pages: sign in with the token, a queue of proposals, a
//! proposal with its preview, approve and reject; propose a treaty action.
//! They work without JavaScript and make the same store calls as the API
//! (`crate::proposals`), so every rule, refusal and audit record is the
//! same.
//!
//! A session is a cookie (`HttpOnly`, `SameSite=Strict`, `Path=/`, twelve
//! hours): the editor's name and the session's end, signed with HMAC-SHA256
//! under the deployment's secret, which every replica reads from the
//! database, so a session opened on one replica is good on all. The editor
//! is looked up again on every request, so revoking the token ends the
//! session. Every form carries a CSRF token, an HMAC of the session cookie
//! under the same secret, checked before anything is done.

use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minewatch_brief::{Html, html};
use serde::Deserialize;

use crate::error::ApiError;
use crate::pages::layout;
use crate::proposals::{decision, edit_of, preview_of, refuse, refused_by_rules};
use crate::state::AppState;
use crate::store::{Actor, Proposal, Role};

/// The session cookie's name.
const COOKIE: &str = "mw_session";
/// How long a session lasts, in seconds.
const SESSION_SECONDS: i64 = 12 * 3600;

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, hex.
fn hmac(key: &[u8], message: &[u8]) -> String {
    crate::sign::hmac_sha256(key, message)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

use crate::sign::same;

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    if text.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

fn now_seconds() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A signed-in editor: who, their role, and the CSRF token of the session.
struct Session {
    actor: Actor,
    role: Role,
    csrf: String,
}

/// The session cookie's value for an editor, ending at `until`.
fn cookie_value(secret: &str, name: &str, until: i64) -> String {
    let payload = format!("{}.{until}", hex(name));
    format!("{payload}.{}", hmac(secret.as_bytes(), payload.as_bytes()))
}

fn csrf_of(secret: &str, cookie: &str) -> String {
    hmac(secret.as_bytes(), format!("csrf:{cookie}").as_bytes())
}

fn cookie_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The session the request's cookie opens, if it is signed, unexpired, and
/// its editor still holds an unrevoked token.
async fn session(
    app: &AppState,
    headers: &HeaderMap,
    address: String,
) -> Result<Option<Session>, ApiError> {
    let Some(cookie) = cookie_of(headers) else {
        return Ok(None);
    };
    let secret = app.store.secret("session").await?;
    let mut parts = cookie.rsplitn(2, '.');
    let (Some(mac), Some(payload)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    if !same(mac, &hmac(secret.as_bytes(), payload.as_bytes())) {
        return Ok(None);
    }
    let Some((name, until)) = payload.split_once('.') else {
        return Ok(None);
    };
    let (Some(name), Ok(until)) = (unhex(name), until.parse::<i64>()) else {
        return Ok(None);
    };
    if until < now_seconds() {
        return Ok(None);
    }
    let editors = app.store.editors().await?;
    let Some(editor) = editors
        .into_iter()
        .find(|e| e.name == name && e.revoked.is_none())
    else {
        return Ok(None);
    };
    Ok(Some(Session {
        actor: Actor {
            editor: editor.name,
            address,
        },
        role: editor.role,
        csrf: csrf_of(&secret, &cookie),
    }))
}

fn address_of(addr: Option<std::net::SocketAddr>) -> String {
    addr.map(|a| a.to_string()).unwrap_or_default()
}

/// A page for editors: never cached, never framed.
fn editor_page(status: StatusCode, title: &str, body: Html) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        layout(title, body).into_string(),
    )
        .into_response()
}

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn problem(e: &ApiError, back: &str) -> Response {
    editor_page(
        e.status,
        "Not done",
        html!(
            "<h1>Not done</h1><p role=\"alert\" id=\"problem\">{}</p><p><a href=\"{}\">Back</a></p>",
            e.message,
            back
        ),
    )
}

fn sign_in_form(message: Option<&str>) -> Html {
    let mut body = Html::raw("<h1>Sign in</h1>");
    if let Some(m) = message {
        body.push(html!("<p role=\"alert\" id=\"problem\">{}</p>", m));
    }
    body.push_raw(
        "<p>Editors, reviewers and maintainers sign in with the token <code>minewatch editor add</code> printed.</p>\
         <form method=\"post\" action=\"/editor/sign-in\" class=\"inline\">\
         <div><label for=\"token\">Token</label><input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required></div>\
         <button type=\"submit\">Sign in</button></form>",
    );
    body
}

/// `GET /editor/sign-in`.
pub(crate) async fn sign_in_page() -> Response {
    editor_page(StatusCode::OK, "Sign in", sign_in_form(None))
}

#[derive(Deserialize)]
pub(crate) struct SignIn {
    token: String,
}

/// `POST /editor/sign-in`: a valid token opens a session (audited); a bad
/// one is refused (audited).
pub(crate) async fn sign_in(
    State(app): State<Arc<AppState>>,
    ext: axum::http::Extensions,
    Form(form): Form<SignIn>,
) -> Response {
    let address = address_of(crate::server::peer(&ext));
    let result = async {
        match app.store.editor_with_role(form.token.trim()).await? {
            Some((name, role)) => {
                let secret = app.store.secret("session").await?;
                let value = cookie_value(&secret, &name, now_seconds() + SESSION_SECONDS);
                let actor = Actor {
                    editor: name.clone(),
                    address: address.clone(),
                };
                let detail = format!("a session of 12 hours as {}", role.as_str());
                app.store
                    .record_event(&actor, "signed_in", "POST /editor/sign-in", &detail)
                    .await?;
                Ok::<_, ApiError>(Some(value))
            }
            None => {
                let actor = Actor {
                    editor: String::new(),
                    address: address.clone(),
                };
                app.store
                    .record_refusal(&actor, "POST /editor/sign-in", "401: unknown token")
                    .await?;
                Ok(None)
            }
        }
    }
    .await;
    match result {
        Ok(Some(value)) => {
            let mut r = see_other("/editor");
            let cookie = format!(
                "{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}"
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Ok(None) => editor_page(
            StatusCode::UNAUTHORIZED,
            "Sign in",
            sign_in_form(Some("That token belongs to no editor (or was revoked).")),
        ),
        Err(e) => problem(&e, "/editor/sign-in"),
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

/// `POST /editor/sign-out`.
pub(crate) async fn sign_out(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Ok(Some(s)) = session(&app, &headers, String::new()).await {
        if !same(&s.csrf, &form.csrf) {
            return problem(&csrf_error(), "/editor");
        }
    }
    let mut r = see_other("/");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("mw_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
}

fn csrf_error() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "this form is stale or came from another site: reload the page and send it again",
    )
}

/// The session, or the answer to give instead: to the sign-in page.
async fn signed_in(
    app: &AppState,
    headers: &HeaderMap,
    address: String,
) -> Result<Session, Response> {
    match session(app, headers, address).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(see_other("/editor/sign-in")),
        Err(e) => Err(problem(&e, "/editor/sign-in")),
    }
}

fn who(s: &Session) -> Html {
    html!(
        "<p class=\"muted\" id=\"who\">Signed in as <strong>{}</strong> ({}).</p>\
         <form method=\"post\" action=\"/editor/sign-out\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Sign out</button></form>",
        s.actor.editor,
        s.role.as_str(),
        s.csrf
    )
}

fn summary_of(p: &Proposal) -> String {
    match p.kind.as_str() {
        "add_action" => format!(
            "{} {} on {}",
            p.action.first().map_or("", String::as_str),
            p.action.get(1).map_or("", String::as_str),
            p.action.get(2).map_or("", String::as_str)
        ),
        "retract" => format!(
            "retract from {}: {}",
            p.file,
            p.target.as_ref().map(|t| t.join(",")).unwrap_or_default()
        ),
        kind => format!("{kind} in {}: {}", p.file, p.action.join(",")),
    }
}

/// `GET /editor`: the queue, the decided proposals, and a form to propose a
/// treaty action.
pub(crate) async fn queue(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
) -> Response {
    let s = match signed_in(&app, &headers, address_of(crate::server::peer(&ext))).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let proposals = match app.store.proposals(None).await {
        Ok(p) => p,
        Err(e) => return problem(&e.into(), "/editor"),
    };
    let mut body = Html::raw("<h1>Proposals</h1>");
    body.push(who(&s));
    if s.role == Role::Maintainer {
        body.push_raw("<p><a href=\"/editor/webhooks\" id=\"webhooks-link\">Webhooks and their deliveries</a></p>");
    }
    let row = |p: &Proposal| {
        html!(
            "<tr><td><a href=\"/editor/proposals/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.id,
            p.id,
            summary_of(p),
            p.proposer,
            if p.status == "pending" {
                format!(
                    "pending ({} of {} approvals, revision {})",
                    p.approvals.len(),
                    p.approvals_needed,
                    p.revision
                )
            } else if p.reason.is_empty() {
                format!("{} by {}", p.status, p.decided_by)
            } else {
                format!("{} by {}: {}", p.status, p.decided_by, p.reason)
            },
            p.comment
        )
    };
    for (title, id, pending) in [
        ("Waiting for review", "queue", true),
        ("Decided", "decided", false),
    ] {
        body.push(html!(
            "<h2>{}</h2><div class=\"scroll\"><table id=\"{}\"><thead><tr><th>#</th><th>Edit</th><th>Proposer</th><th>Status</th><th>Comment</th></tr></thead><tbody>",
            title,
            id
        ));
        for p in proposals
            .iter()
            .filter(|p| (p.status == "pending") == pending)
        {
            body.push(row(p));
        }
        body.push_raw("</tbody></table></div>");
    }
    let kinds = [
        "ratification",
        "accession",
        "signature",
        "acceptance",
        "approval",
        "succession",
        "withdrawal",
    ];
    let mut options = Html::raw("");
    for k in kinds {
        options.push(html!("<option value=\"{}\">{}</option>", k, k));
    }
    body.push(html!(
        "<h2>Propose a treaty action</h2>\
         <form method=\"post\" action=\"/editor/proposals\" class=\"inline\" id=\"propose\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <div><label for=\"state\">State (ISO 3166 alpha-3)</label><input id=\"state\" name=\"state\" required maxlength=\"3\" size=\"4\"></div>\
         <div><label for=\"action\">Action</label><select id=\"action\" name=\"action\">{}</select></div>\
         <div><label for=\"date\">Date of deposit</label><input id=\"date\" name=\"date\" type=\"date\" required></div>\
         <div><label for=\"sources\">Sources (ids, comma-separated)</label><input id=\"sources\" name=\"sources\" required></div>\
         <div><label for=\"note\">Note</label><input id=\"note\" name=\"note\"></div>\
         <div><label for=\"comment\">Comment for the reviewer</label><input id=\"comment\" name=\"comment\"></div>\
         <button type=\"submit\">Propose</button></form>",
        s.csrf,
        options
    ));
    editor_page(StatusCode::OK, "Proposals", body)
}

#[derive(Deserialize)]
pub(crate) struct ProposeForm {
    csrf: String,
    state: String,
    action: String,
    date: String,
    sources: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    comment: String,
}

/// `POST /editor/proposals`: the form's treaty action, proposed.
pub(crate) async fn propose(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<ProposeForm>,
) -> Response {
    let s = match signed_in(&app, &headers, address_of(crate::server::peer(&ext))).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let what = "POST /editor/proposals";
    if !same(&s.csrf, &form.csrf) {
        return problem(&refuse(&app, &s.actor, what, csrf_error()).await, "/editor");
    }
    let sources: Vec<String> = form
        .sources
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut body = serde_json::json!({
        "state": form.state.trim().to_ascii_uppercase(),
        "action": form.action,
        "date": form.date,
        "sources": sources,
        "comment": form.comment,
    });
    if !form.note.trim().is_empty() {
        body["note"] = serde_json::Value::String(form.note.trim().to_string());
    }
    let bytes = body.to_string().into_bytes();
    let result = async {
        let (edit, comment) = edit_of(&app, &bytes)?;
        match app.store.propose_edit(&s.actor, &edit, &comment).await? {
            Ok(id) => Ok(id),
            Err(errors) => Err(refused_by_rules(&errors)),
        }
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/editor/proposals/{id}")),
        Err(e) if e.status.is_client_error() => problem(
            &refuse(&app, &s.actor, &format!("{what}: {body}"), e).await,
            "/editor",
        ),
        Err(e) => problem(&e, "/editor"),
    }
}

/// `GET /editor/proposals/{id}`: the proposal, what it would change, and
/// (for a reviewer who did not propose it) approve and reject.
pub(crate) async fn show(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
) -> Response {
    let s = match signed_in(&app, &headers, address_of(crate::server::peer(&ext))).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = match app.store.proposal(id).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return problem(
                &ApiError::new(
                    StatusCode::NOT_FOUND,
                    "no_such_proposal",
                    format!("no proposal {id}"),
                ),
                "/editor",
            );
        }
        Err(e) => return problem(&e.into(), "/editor"),
    };
    let mut body = html!("<h1>Proposal {}</h1>", p.id);
    body.push(who(&s));
    body.push(html!(
        "<p><a href=\"/editor\">All proposals</a></p><table class=\"figures\"><tbody>\
         <tr><th scope=\"row\">Edit</th><td>{}</td></tr>\
         <tr><th scope=\"row\">File</th><td><code>{}</code></td></tr>\
         <tr><th scope=\"row\">Row</th><td><code>{}</code></td></tr>\
         <tr><th scope=\"row\">Replaces</th><td><code>{}</code></td></tr>\
         <tr><th scope=\"row\">Proposed by</th><td>{} on {}</td></tr>\
         <tr><th scope=\"row\">Comment</th><td>{}</td></tr>\
         <tr><th scope=\"row\">Status</th><td id=\"status\">{}</td></tr>\
         <tr><th scope=\"row\">Approvals</th><td id=\"approvals\">{} of {} (revision {}){}</td></tr>\
         </tbody></table>",
        summary_of(&p),
        p.file,
        p.action.join(","),
        p.target.as_ref().map(|t| t.join(",")).unwrap_or_else(|| "—".into()),
        p.proposer,
        p.created,
        p.comment,
        if p.reason.is_empty() { p.status.clone() } else { format!("{}: {}", p.status, p.reason) },
        p.approvals.len(),
        p.approvals_needed,
        p.revision,
        if p.approvals.is_empty() { String::new() } else { format!(": {}", p.approvals.join(", ")) }
    ));
    if p.status == "pending" {
        match preview_of(&app, &p).await {
            Ok(preview) => body.push(preview_html(&preview)),
            Err(e) => return problem(&e, "/editor"),
        }
        let own = p.proposer.eq_ignore_ascii_case(&s.actor.editor);
        if s.role == Role::Editor {
            body.push_raw(
                "<p class=\"muted\">A reviewer or a maintainer decides this proposal.</p>",
            );
        } else if own {
            body.push_raw("<p class=\"muted\">You proposed this: another reviewer decides it.</p>");
        } else {
            body.push(html!(
                "<h2>Decide</h2>\
                 <form method=\"post\" action=\"/editor/proposals/{}/approve\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"revision\" value=\"{}\"><button type=\"submit\" id=\"approve\">Approve</button></form>\
                 <form method=\"post\" action=\"/editor/proposals/{}/reject\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"revision\" value=\"{}\">\
                 <div><label for=\"reason\">Reason</label><input id=\"reason\" name=\"reason\" required></div><button type=\"submit\" id=\"reject\">Reject</button></form>",
                p.id,
                s.csrf,
                p.revision,
                p.id,
                s.csrf,
                p.revision
            ));
        }
    }
    editor_page(StatusCode::OK, &format!("Proposal {id}"), body)
}

/// The preview's JSON as tables.
fn preview_html(preview: &serde_json::Value) -> Html {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::String(s) => s.replace('_', " "),
        other => other.to_string(),
    };
    let mut body = Html::raw("<h2>What it would change</h2>");
    if let Some(refused) = preview.get("refused") {
        body.push(html!("<p role=\"alert\">{}</p>", text(refused)));
        return body;
    }
    if let Some(days) = preview["days"].as_array().filter(|d| !d.is_empty()) {
        body.push(html!(
            "<div class=\"scroll\"><table id=\"preview\"><thead><tr><th>On</th><th>Status of {} before</th><th>after</th><th>States Parties before</th><th>after</th></tr></thead><tbody>",
            text(&preview["state"])
        ));
        for d in days {
            body.push(html!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&d["on"]),
                text(&d["status_before"]),
                text(&d["status_after"]),
                text(&d["parties_before"]),
                text(&d["parties_after"])
            ));
        }
        body.push_raw("</tbody></table></div>");
    }
    let list =
        |title: &str, items: &serde_json::Value, line: &dyn Fn(&serde_json::Value) -> String| {
            let mut out = html!("<h3>{}</h3>", title);
            match items.as_array().filter(|a| !a.is_empty()) {
                None => out.push_raw("<p class=\"muted\">None.</p>"),
                Some(a) => {
                    out.push_raw("<ul>");
                    for i in a {
                        out.push(html!("<li>{}</li>", line(i)));
                    }
                    out.push_raw("</ul>");
                }
            }
            out
        };
    let timeline = |t: &serde_json::Value| {
        t.as_array()
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.iter()
                    .map(|c| format!("{} from {}", text(&c["status"]), text(&c["from"])))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| "never a signatory or party".into())
    };
    body.push(list(
        "States whose status changes",
        &preview["states_changed"],
        &|c| {
            format!(
                "{}: {} → {}",
                text(&c["state"]),
                timeline(&c["before"]),
                timeline(&c["after"])
            )
        },
    ));
    body.push(list(
        "Obligations whose standing changes today",
        &preview["obligations_changed"],
        &|o| {
            format!(
                "{}: {} ({}): {} → {}",
                text(&o["state"]),
                text(&o["kind"]),
                text(&o["article"]),
                text(&o["before"]),
                text(&o["after"])
            )
        },
    ));
    body.push(list(
        "Claims of the January 2025 letter whose verdict changes",
        &preview["letter_claims_changed"],
        &|c| {
            format!(
                "“{}”: {} → {}",
                text(&c["claim"]),
                text(&c["before"]),
                text(&c["after"])
            )
        },
    ));
    body
}

#[derive(Deserialize)]
pub(crate) struct DecideForm {
    csrf: String,
    /// The revision the page showed.
    revision: Option<i64>,
    #[serde(default)]
    reason: String,
}

async fn decide_form(
    app: Arc<AppState>,
    id: i64,
    approve: bool,
    headers: HeaderMap,
    address: String,
    form: DecideForm,
) -> Response {
    let s = match signed_in(&app, &headers, address).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let back = format!("/editor/proposals/{id}");
    let what = format!("POST {back}/{}", if approve { "approve" } else { "reject" });
    let result = if same(&s.csrf, &form.csrf) {
        decision(
            &app,
            &s.actor,
            s.role,
            (id, form.revision),
            approve,
            form.reason.trim(),
        )
        .await
    } else {
        Err(csrf_error())
    };
    match result {
        Ok(_) => see_other(&back),
        Err(e) if e.status.is_client_error() => {
            problem(&refuse(&app, &s.actor, &what, e).await, &back)
        }
        Err(e) => problem(&e, &back),
    }
}

/// `POST /editor/proposals/{id}/approve`.
pub(crate) async fn approve(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<DecideForm>,
) -> Response {
    decide_form(
        app,
        id,
        true,
        headers,
        address_of(crate::server::peer(&ext)),
        form,
    )
    .await
}

/// `POST /editor/proposals/{id}/reject`.
pub(crate) async fn reject(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<DecideForm>,
) -> Response {
    decide_form(
        app,
        id,
        false,
        headers,
        address_of(crate::server::peer(&ext)),
        form,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::{hmac, same, unhex};

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hmac(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn names_round_trip_through_hex_and_comparison_is_exact() {
        assert_eq!(
            unhex(&super::hex("Ann Smith")).as_deref(),
            Some("Ann Smith")
        );
        assert_eq!(unhex("zz"), None);
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}

/// The maintainer signed in, or the answer to give instead (the sign-in
/// page, or a 403 for another role, audited).
async fn maintainer_signed_in(
    app: &AppState,
    headers: &HeaderMap,
    ext: &axum::http::Extensions,
    what: &str,
) -> Result<Session, Response> {
    let s = signed_in(app, headers, address_of(crate::server::peer(ext))).await?;
    if s.role == Role::Maintainer {
        return Ok(s);
    }
    let e = ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!(
            "{} has the role {}; only a maintainer manages webhooks",
            s.actor.editor,
            s.role.as_str()
        ),
    );
    Err(problem(&refuse(app, &s.actor, what, e).await, "/editor"))
}

/// The webhooks page: every subscriber with its newest deliveries, a form
/// to add one and a button to remove each; `made` shows a new webhook's
/// secret, this once.
async fn webhooks_page(
    app: &AppState,
    s: &Session,
    made: Option<&crate::store::hooks::Webhook>,
) -> Response {
    let hooks = match app.store.webhooks().await {
        Ok(h) => h,
        Err(e) => return problem(&e.into(), "/editor"),
    };
    let mut body = Html::raw("<h1>Webhooks</h1>");
    body.push(who(s));
    body.push_raw(
        "<p>Each subscriber gets the change feeds' entries it follows, POSTed as JSON signed per Standard Webhooks, \
         at least once, retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. \
         The same lists are <code>GET /api/v1/webhooks</code> and <code>minewatch webhook deliveries</code>.</p>",
    );
    if let Some(w) = made {
        body.push(html!(
            "<div role=\"status\" id=\"made\"><p>Webhook {} added for <code>{}</code>. Its signing secret, shown this once:</p><p><code id=\"secret\">{}</code></p></div>",
            w.id.to_string(),
            w.url,
            w.secret.as_deref().unwrap_or("")
        ));
    }
    for w in &hooks {
        let deliveries = match app.store.deliveries(Some(w.id), 20).await {
            Ok(d) => d,
            Err(e) => return problem(&e.into(), "/editor"),
        };
        let follows = format!(
            "{}{}{}; took_effect from {}",
            if w.kinds.is_empty() {
                "every kind".to_string()
            } else {
                w.kinds.join(", ")
            },
            if w.states.is_empty() {
                String::new()
            } else {
                format!("; states {}", w.states.join(", "))
            },
            w.group
                .as_deref()
                .map(|g| format!("; group {g}"))
                .unwrap_or_default(),
            w.since
        );
        body.push(html!(
            "<section class=\"webhook\" id=\"webhook-{}\"><h2>{} <code>{}</code></h2><p class=\"muted\">{}; added {} by {}{}</p>",
            w.id.to_string(),
            w.id.to_string(),
            w.url,
            follows,
            w.created,
            w.created_by,
            w.revoked.as_deref().map(|r| format!("; removed {r}")).unwrap_or_default()
        ));
        if deliveries.is_empty() {
            body.push_raw("<p>No deliveries yet.</p>");
        } else {
            body.push_raw(
                "<div class=\"scroll\"><table class=\"deliveries\"><thead><tr><th>Entry</th><th>Status</th><th>Attempts</th><th>When</th><th>Last answer</th></tr></thead><tbody>",
            );
            for d in &deliveries {
                let when = match d.status.as_str() {
                    "delivered" => d.delivered_at.clone().unwrap_or_default(),
                    "pending" => format!("next {}", d.due),
                    _ => d.created.clone(),
                };
                let answer = match (d.last_status, d.last_error.is_empty()) {
                    (Some(code), true) => code.to_string(),
                    (Some(code), false) => format!("{code}: {}", d.last_error),
                    (None, _) => d.last_error.clone(),
                };
                body.push(html!(
                    "<tr><td><code style=\"white-space:nowrap\">{}</code></td><td class=\"status-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    d.entry,
                    d.status,
                    d.status,
                    d.attempts.to_string(),
                    when,
                    answer
                ));
            }
            body.push_raw("</tbody></table></div>");
        }
        if w.revoked.is_none() {
            body.push(html!(
                "<form method=\"post\" action=\"/editor/webhooks/{}/remove\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Remove webhook {}</button></form>",
                w.id.to_string(),
                s.csrf,
                w.id.to_string()
            ));
        }
        body.push_raw("</section>");
    }
    body.push(html!(
        "<h2>Add a webhook</h2>\
         <form method=\"post\" action=\"/editor/webhooks\" class=\"inline\" id=\"add-webhook\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <div><label for=\"url\">URL (http:// or https://)</label><input id=\"url\" name=\"url\" required size=\"30\" style=\"max-width:100%;box-sizing:border-box\"></div>\
         <div><label for=\"hook-state\">States (codes or names, comma-separated; empty: all)</label><input id=\"hook-state\" name=\"state\"></div>\
         <div><label for=\"hook-group\">Group (e.g. NATO)</label><input id=\"hook-group\" name=\"group\"></div>\
         <div><label for=\"hook-kind\">Kinds</label><select id=\"hook-kind\" name=\"kind\"><option value=\"\">recorded and took_effect</option><option value=\"recorded\">recorded</option><option value=\"took_effect\">took_effect</option></select></div>\
         <div><label for=\"hook-since\">took_effect entries from (default today)</label><input id=\"hook-since\" name=\"since\" type=\"date\"></div>\
         <button type=\"submit\">Add</button></form>",
        s.csrf
    ));
    editor_page(StatusCode::OK, "Webhooks", body)
}

/// The cookie that shows a new webhook's secret on the next page, once.
const NEW_WEBHOOK: &str = "mw_new_webhook";

/// Its value: the webhook, until when, signed for the editor who added it.
fn new_webhook_cookie(secret: &str, editor: &str, id: i64, until: i64) -> String {
    let mac = hmac(
        secret.as_bytes(),
        format!("new-webhook.{}.{id}.{until}", hex(editor)).as_bytes(),
    );
    format!("{id}.{until}.{mac}")
}

/// The webhook whose secret the request's cookie asks to show, if the
/// cookie is this editor's, signed and unexpired.
fn new_webhook_of(headers: &HeaderMap, secret: &str, editor: &str) -> Option<i64> {
    let value = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == NEW_WEBHOOK)
        .map(|(_, v)| v.to_string())?;
    let mut parts = value.splitn(3, '.');
    let id: i64 = parts.next()?.parse().ok()?;
    let until: i64 = parts.next()?.parse().ok()?;
    let mac = parts.next()?;
    (until >= now_seconds()
        && same(&new_webhook_cookie(secret, editor, id, until), &value)
        && !mac.is_empty())
    .then_some(id)
}

/// `GET /editor/webhooks` (maintainers); right after an addition, the new
/// webhook's secret, this once.
pub(crate) async fn webhooks(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
) -> Response {
    let s = match maintainer_signed_in(&app, &headers, &ext, "GET /editor/webhooks").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let made = match app.store.secret("session").await {
        Ok(secret) => new_webhook_of(&headers, &secret, &s.actor.editor),
        Err(e) => return problem(&e.into(), "/editor"),
    };
    let Some(id) = made else {
        return webhooks_page(&app, &s, None).await;
    };
    let hook = match app.store.active_webhooks().await {
        Ok(hooks) => hooks
            .into_iter()
            .find(|(w, _)| w.id == id)
            .map(|(mut w, secret)| {
                w.secret = Some(secret);
                w
            }),
        Err(e) => return problem(&e.into(), "/editor"),
    };
    let mut r = webhooks_page(&app, &s, hook.as_ref()).await;
    // Shown once: the cookie goes.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{NEW_WEBHOOK}=; Path=/editor/webhooks; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub(crate) struct WebhookForm {
    csrf: String,
    url: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    since: String,
}

/// `POST /editor/webhooks` (maintainers): adds one and shows its secret.
pub(crate) async fn add_webhook(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<WebhookForm>,
) -> Response {
    let what = "POST /editor/webhooks";
    let s = match maintainer_signed_in(&app, &headers, &ext, what).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same(&s.csrf, &form.csrf) {
        return problem(
            &refuse(&app, &s.actor, what, csrf_error()).await,
            "/editor/webhooks",
        );
    }
    let one = |v: &str| -> Vec<String> {
        Some(v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .into_iter()
            .collect()
    };
    let (states, kinds) = (one(&form.state), one(&form.kind));
    let asked = crate::webhooks::Asked {
        url: form.url.trim(),
        states: &states,
        group: Some(form.group.trim()).filter(|g| !g.is_empty()),
        kinds: &kinds,
        since: Some(form.since.trim()).filter(|d| !d.is_empty()),
    };
    match crate::webhooks::subscribe(&app, &s.actor, &asked, &headers).await {
        // Then a GET: reloading the page never adds another.
        Ok(hook) => match app.store.secret("session").await {
            Ok(secret) => {
                let mut r = see_other("/editor/webhooks");
                let value =
                    new_webhook_cookie(&secret, &s.actor.editor, hook.id, now_seconds() + 120);
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "{NEW_WEBHOOK}={value}; Path=/editor/webhooks; HttpOnly; SameSite=Strict; Max-Age=120"
                )) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            Err(e) => problem(&e.into(), "/editor/webhooks"),
        },
        Err(e) if e.status.is_client_error() => problem(
            &refuse(&app, &s.actor, &format!("{what}: {}", form.url), e).await,
            "/editor/webhooks",
        ),
        Err(e) => problem(&e, "/editor/webhooks"),
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// `POST /editor/webhooks/{id}/remove` (maintainers).
pub(crate) async fn remove_webhook(
    State(app): State<Arc<AppState>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<CsrfForm>,
) -> Response {
    let what = format!("POST /editor/webhooks/{id}/remove");
    let s = match maintainer_signed_in(&app, &headers, &ext, &what).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same(&s.csrf, &form.csrf) {
        return problem(
            &refuse(&app, &s.actor, &what, csrf_error()).await,
            "/editor/webhooks",
        );
    }
    match app.store.revoke_webhook(&s.actor, id).await {
        Ok(true) => see_other("/editor/webhooks"),
        Ok(false) => {
            let e = ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no webhook {id} to remove (removed before?)"),
            );
            problem(&refuse(&app, &s.actor, &what, e).await, "/editor/webhooks")
        }
        Err(e) => problem(&e.into(), "/editor/webhooks"),
    }
}
