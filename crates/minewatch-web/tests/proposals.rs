//! Edits proposed and reviewed: only an approved proposal changes the
//! record, nobody decides their own, a rejected one stays with its reason.

mod common;

use axum::http::StatusCode;
use common::{get, json, post, send};
use minewatch_web::Role;

fn authed_get(uri: &str, token: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .expect("a request")
}

#[tokio::test]
async fn a_proposal_is_previewed_approved_by_another_and_served() {
    let (state, store, _) = common::fresh("proposals").await;
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    let max = store
        .add_editor_as("max", Role::Maintainer)
        .await
        .expect("max");
    let body = r#"{"state": "ARE", "action": "accession", "date": "2026-01-15", "sources": ["untc-2014"], "comment": "from the depositary notification"}"#;
    // Without a token: 401.
    let (status, _, _) = send(&state, post("/api/v1/proposals", None, body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, created) = send(&state, post("/api/v1/proposals", Some(&ann), body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let created = json(&created);
    assert_eq!(created["status"], "pending");
    let id = created["id"].as_i64().expect("an id");
    // Proposed, not applied: the public record has not changed.
    let (_, _, are) = send(&state, get("/api/v1/states/ARE?on=2026-11-28")).await;
    assert_eq!(json(&are)["status"], "non_signatory");
    // The preview: the state's status and the count of parties, before and
    // after, today and on the entry into force (2026-07-01).
    let (status, _, shown) =
        send(&state, authed_get(&format!("/api/v1/proposals/{id}"), &rev)).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let shown = json(&shown);
    assert_eq!(
        shown["proposal"]["comment"],
        "from the depositary notification"
    );
    assert_eq!(shown["preview"]["entry_into_force_after"], "2026-07-01");
    let today = &shown["preview"]["days"][0];
    assert_eq!(today["status_before"], "non_signatory");
    assert_eq!(today["status_after"], "party");
    assert_eq!(
        today["parties_after"].as_u64(),
        today["parties_before"].as_u64().map(|n| n + 1)
    );
    // The obligations it would give the state, and the letter's claims whose
    // verdict it would change (none here: the count of parties stays off 164).
    let obligations = shown["preview"]["obligations_changed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        obligations
            .iter()
            .any(|o| o["kind"] == "stockpile_destruction" && o["before"].is_null()),
        "{obligations:?}"
    );
    assert!(shown["preview"]["letter_claims_changed"].is_array());
    // An editor may not decide; nobody decides their own proposal.
    let approve = format!("/api/v1/proposals/{id}/approve");
    let (status, _, _) = send(&state, post(&approve, Some(&ann), "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let own = r#"{"state": "ARE", "action": "accession", "date": "2026-02-01", "sources": ["untc-2014"]}"#;
    let (_, _, mine) = send(&state, post("/api/v1/proposals", Some(&rev), own)).await;
    let mine = json(&mine)["id"].as_i64().expect("an id");
    let (status, _, body) = send(
        &state,
        post(&format!("/api/v1/proposals/{mine}/approve"), Some(&rev), ""),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json(&body)["error"]["code"], "own_proposal");
    // Another reviewer approves: the record serves it at once.
    let (status, _, body) = send(&state, post(&approve, Some(&rev), "")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["status"], "approved");
    let (_, _, are) = send(&state, get("/api/v1/states/ARE?on=2026-11-28")).await;
    assert_eq!(json(&are)["status"], "party");
    let (status, _, _) = send(&state, post(&approve, Some(&max), "")).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    // The reviewer's own proposal, rejected by the maintainer: it stays,
    // listed with its reason, and changes nothing.
    let (status, _, _) = send(
        &state,
        post(
            &format!("/api/v1/proposals/{mine}/reject"),
            Some(&max),
            r#"{"reason": "a second accession"}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, list) = send(
        &state,
        authed_get("/api/v1/proposals?status=rejected", &ann),
    )
    .await;
    let list = json(&list);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["reason"], "a second accession");
    let (status, _, _) = send(&state, authed_get("/api/v1/proposals?status=lost", &ann)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = send(&state, authed_get("/api/v1/proposals/999", &ann)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Every step audited.
    let audit = store.audit().await.expect("audit");
    for kind in ["proposed", "approved", "rejected", "action"] {
        assert!(audit.iter().any(|e| e.kind == kind), "{kind} is audited");
    }
    // A proposal the rules refuse is not kept: 422.
    let unlawful = r#"{"state": "USA", "action": "withdrawal", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let (status, _, _) = send(&state, post("/api/v1/proposals", Some(&ann), unlawful)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

fn put(uri: &str, token: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::put(uri)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .expect("a request")
}

#[tokio::test]
async fn rows_are_corrected_retracted_and_revised_through_the_api() {
    let (state, store, _) = common::fresh("proposal-rows").await;
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let bob = store.add_editor_as("bob", Role::Editor).await.expect("bob");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    let files = store.files().await.expect("files");
    let ltu: Vec<String> = minewatch_registry::read_rows(&files["treaty_actions.csv"])
        .expect("CSV")
        .into_iter()
        .find(|r| r[0] == "LTU" && r[1] == "withdrawal")
        .expect("Lithuania's withdrawal");
    // Retracting Lithuania's withdrawal: the preview names the state whose
    // status timeline changes and the obligations it would keep.
    let retract = serde_json::json!({"kind": "retract", "file": "treaty_actions.csv", "row": ltu, "comment": "a test"});
    let (status, _, made) = send(
        &state,
        post("/api/v1/proposals", Some(&ann), &retract.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(json(&made)["kind"], "retract");
    let id = json(&made)["id"].as_i64().expect("an id");
    let (_, _, shown) = send(&state, authed_get(&format!("/api/v1/proposals/{id}"), &rev)).await;
    let shown = json(&shown);
    let changed = shown["preview"]["states_changed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["state"], "LTU");
    assert_eq!(
        changed[0]["before"].as_array().map(Vec::len),
        changed[0]["after"].as_array().map(|a| a.len() + 2),
        "withdrawing and withdrawn are gone"
    );
    // Only its proposer changes it; the change is checked and counted.
    let mut corrected = ltu.clone();
    corrected[5] = "a corrected note".into();
    let correct = serde_json::json!({"kind": "correct", "file": "treaty_actions.csv", "row": ltu, "with": corrected});
    let uri = format!("/api/v1/proposals/{id}");
    let (status, _, body) = send(&state, put(&uri, &bob, &correct.to_string())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(json(&body)["error"]["code"], "not_proposer");
    let (status, _, body) = send(&state, put(&uri, &ann, &correct.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["revision"], 2);
    // A reviewer who read revision 1 approves nothing: 409.
    let (status, _, body) = send(
        &state,
        post(&format!("{uri}/approve"), Some(&rev), r#"{"revision": 1}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(json(&body)["error"]["code"], "stale_revision");
    let (status, _, _) = send(&state, post(&format!("{uri}/approve"), Some(&rev), "")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(&state, put(&uri, &ann, &correct.to_string())).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a decided proposal does not change"
    );
    let files = store.files().await.expect("files");
    assert!(files["treaty_actions.csv"].contains("a corrected note"));
    // Bad proposals: 400 for the shape, 422 for the record's rules.
    for (body, code) in [
        (
            r#"{"kind": "move", "file": "treaty_actions.csv"}"#,
            "bad_kind",
        ),
        (
            r#"{"kind": "add", "file": "stockpiles.csv", "with": ["x"]}"#,
            "bad_file",
        ),
        (
            r#"{"kind": "correct", "file": "states.csv", "with": ["x"]}"#,
            "missing_field",
        ),
        (
            r#"{"kind": "add", "file": "states.csv", "with": ["x"], "extra": 1}"#,
            "bad_json",
        ),
    ] {
        let (status, _, answer) = send(&state, post("/api/v1/proposals", Some(&ann), body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(json(&answer)["error"]["code"], code, "{body}");
    }
    let stale = serde_json::json!({"kind": "retract", "file": "treaty_actions.csv", "row": ltu});
    let (status, _, _) = send(
        &state,
        post("/api/v1/proposals", Some(&ann), &stale.to_string()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the row is no longer in the record"
    );
}

/// The `Set-Cookie` of a response, and the cookie to send back.
fn session_cookie(headers: &axum::http::HeaderMap) -> (String, String) {
    let set = headers
        .get(axum::http::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_string();
    let pair = set.split(';').next().expect("a pair").to_string();
    (set, pair)
}

fn form(uri: &str, cookie: Option<&str>, body: &str) -> axum::http::Request<axum::body::Body> {
    let mut b = axum::http::Request::post(uri).header(
        axum::http::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded",
    );
    if let Some(c) = cookie {
        b = b.header(axum::http::header::COOKIE, c);
    }
    b.body(axum::body::Body::from(body.to_string()))
        .expect("a request")
}

fn page(uri: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri)
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("a request")
}

#[tokio::test]
async fn editor_pages_need_a_signed_session_and_the_forms_csrf_token() {
    let (state, store, _) = common::fresh("editor-pages").await;
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    // Not signed in: to the sign-in page.
    let (status, headers, _) = send(&state, get("/editor")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/editor/sign-in");
    let (status, _, body) = send(&state, form("/editor/sign-in", None, "token=mw_nobody")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("belongs to no editor"));
    // Signed in: a strict, HttpOnly session cookie.
    let (status, headers, _) = send(
        &state,
        form("/editor/sign-in", None, &format!("token={ann}")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (set, cookie) = session_cookie(&headers);
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let (status, headers, queue) = send(&state, page("/editor", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let csrf = queue
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_string();
    // A proposal through the form: without the CSRF token, refused and audited.
    let fields =
        "state=ARE&action=accession&date=2026-01-15&sources=untc-2014&comment=from+the+form";
    let (status, _, _) = send(
        &state,
        form(
            "/editor/proposals",
            Some(&cookie),
            &format!("csrf=forged&{fields}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        store
            .audit()
            .await
            .expect("audit")
            .iter()
            .any(|e| e.kind == "refused" && e.detail.contains("403"))
    );
    let (status, headers, _) = send(
        &state,
        form(
            "/editor/proposals",
            Some(&cookie),
            &format!("csrf={csrf}&{fields}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let at = headers["location"]
        .to_str()
        .expect("a location")
        .to_string();
    assert!(at.starts_with("/editor/proposals/"), "{at}");
    // A cookie altered by hand opens nothing.
    let forged = cookie.replace("mw_session=", "mw_session=00");
    let (status, _, _) = send(&state, page("/editor", &forged)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The reviewer approves through the page; the record serves it.
    let (_, headers, _) = send(
        &state,
        form("/editor/sign-in", None, &format!("token={rev}")),
    )
    .await;
    let (_, reviewer) = session_cookie(&headers);
    let (_, _, shown) = send(&state, page(&at, &reviewer)).await;
    assert!(shown.contains("id=\"approve\""), "a reviewer may decide");
    let rcsrf = shown
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_string();
    let (status, _, _) = send(
        &state,
        form(
            &format!("{at}/approve"),
            Some(&reviewer),
            &format!("csrf={rcsrf}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, are) = send(&state, get("/api/v1/states/ARE?on=2026-11-28")).await;
    assert_eq!(json(&are)["status"], "party");
    // Revoking the editor ends its session.
    store.revoke_editor("ann").await.expect("revoked");
    let (status, _, _) = send(&state, page("/editor", &cookie)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let audit = store.audit().await.expect("audit");
    assert_eq!(audit.iter().filter(|e| e.kind == "signed_in").count(), 2);
}

#[tokio::test]
async fn a_permalink_reads_the_same_after_a_correction() {
    let (state, store, _) = common::fresh("permalink").await;
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    let (status, headers, _) = send(&state, get("/states/LTU?on=2026-01-01")).await;
    assert_eq!(status, StatusCode::OK);
    let version = headers["minewatch-record-version"]
        .to_str()
        .expect("a version")
        .to_string();
    let link = headers["link"].to_str().expect("a link").to_string();
    assert_eq!(
        link,
        format!("</states/LTU?on=2026-01-01&as_of={version}>; rel=\"canonical\"")
    );
    let permalink = format!("/states/LTU?on=2026-01-01&as_of={version}");
    let api = format!("/api/v1/states/LTU?on=2026-01-01&as_of={version}");
    let (_, _, page_before) = send(&state, get(&permalink)).await;
    let (_, _, api_before) = send(&state, get(&api)).await;
    let history_at = format!("/history?as_of={version}");
    let (status, _, history_before) = send(&state, get(&history_at)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(history_before.contains(&format!("/api/v1/history?format=csv&amp;as_of={version}")));
    assert!(page_before.contains("withdrawn"));
    // A reviewed retraction of Lithuania's withdrawal (a test's correction).
    let files = store.files().await.expect("files");
    let row: Vec<String> = minewatch_registry::read_rows(&files["treaty_actions.csv"])
        .expect("CSV")
        .into_iter()
        .find(|r| r[0] == "LTU" && r[1] == "withdrawal")
        .expect("the withdrawal");
    let body = serde_json::json!({"kind": "retract", "file": "treaty_actions.csv", "row": row});
    let (_, _, made) = send(
        &state,
        post("/api/v1/proposals", Some(&ann), &body.to_string()),
    )
    .await;
    let id = json(&made)["id"].as_i64().expect("an id");
    let (status, _, _) = send(
        &state,
        post(&format!("/api/v1/proposals/{id}/approve"), Some(&rev), ""),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Without as_of: the corrected record. With the permalink: as before.
    let (_, headers, now) = send(&state, get("/api/v1/states/LTU?on=2026-01-01")).await;
    assert_eq!(json(&now)["status"], "party");
    assert_ne!(
        headers["minewatch-record-version"].to_str().ok(),
        Some(version.as_str())
    );
    let (_, _, page_after) = send(&state, get(&permalink)).await;
    let (_, headers, api_after) = send(&state, get(&api)).await;
    assert_eq!(page_after, page_before);
    assert_eq!(api_after, api_before);
    // The history page too: as it stood, and as it stands.
    let (_, _, history_after) = send(&state, get(&history_at)).await;
    assert_eq!(history_after, history_before);
    let (_, _, history_now) = send(&state, get("/history")).await;
    // (The tables: the CSV links differ by their as_of.)
    let table = |page: &str| page.split_once("<tbody>").map(|(_, t)| t.to_string());
    assert!(table(&history_now).is_some());
    assert_ne!(table(&history_now), table(&history_before));
    let (status, _, _) = send(&state, get("/history?as_of=999999")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&api_after)["status"], "withdrawn");
    assert_eq!(
        headers["minewatch-record-version"].to_str().ok(),
        Some(version.as_str())
    );
    // The state's history: the snapshot it began with, then the retraction,
    // by whom and why.
    let (status, _, history) = send(&state, get("/api/v1/states/lithuania/history")).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let edits = json(&history)["edits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds: Vec<(&str, &str)> = edits
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or(""),
                e["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("snapshot", "treaty_actions.csv")),
        "{kinds:?}"
    );
    let retraction = edits
        .iter()
        .find(|e| e["kind"] == "retraction")
        .expect("the retraction");
    assert_eq!(retraction["editor"], "rev");
    assert_eq!(
        retraction["before"].as_array().map(Vec::len),
        retraction["after"].as_array().map(|a| a.len() + 1)
    );
    // By time too, and a point outside the log is a 422 that gives the range.
    let log = store.edit_log().await.expect("the log");
    let by_time = format!("/api/v1/states/LTU?on=2026-01-01&as_of={}", log[0].at);
    let (status, _, answer) = send(&state, get(&by_time)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(json(&answer)["status"], "withdrawn");
    for bad in ["999999", "1990-01-01T00:00:00Z", "last-week"] {
        let (status, _, answer) = send(
            &state,
            get(&format!("/api/v1/parties?on=2026-01-01&as_of={bad}")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {answer}");
        assert_eq!(json(&answer)["error"]["field"], "as_of");
    }
}

/// The feed's entries as a feed parser reads them: (id, title).
fn parsed(body: &str) -> Vec<(String, String)> {
    let feed = feed_rs::parser::parse(body.as_bytes()).expect("a valid feed");
    feed.entries
        .into_iter()
        .map(|e| (e.id, e.title.map(|t| t.content).unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn the_feeds_carry_what_took_effect_by_the_servers_day_and_what_was_recorded() {
    let (_, url) = common::temp_url("feeds");
    let store = minewatch_web::Store::open(&url).await.expect("a database");
    // Two servers' states on one database, their days set by the test.
    async fn at(url: &str, day: jiff::civil::Date) -> std::sync::Arc<minewatch_web::AppState> {
        let store = minewatch_web::Store::open(url).await.expect("reopens");
        minewatch_web::AppState::new(store, Some(day))
            .await
            .expect("the record loads")
    }
    let ltu = "urn:minewatch:took-effect:LTU:2025-12-27:withdrawal_effective";
    // The day before: not yet. On the day: there, in both feeds, parsed.
    let before = at(&url, jiff::civil::date(2025, 12, 26)).await;
    let (status, headers, atom) = send(&before, get("/feeds/changes.atom?state=LTU")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/atom+xml")
    );
    assert!(!parsed(&atom).iter().any(|(id, _)| id == ltu));
    let on = at(&url, jiff::civil::date(2025, 12, 27)).await;
    let (_, _, atom) = send(&on, get("/feeds/changes.atom?state=LTU")).await;
    let entries = parsed(&atom);
    assert!(
        entries
            .iter()
            .any(|(id, t)| id == ltu && t.contains("withdrawal takes effect")),
        "{entries:?}"
    );
    let (_, _, json_feed) = send(
        &on,
        get("/feeds/changes.json?state=Lithuania&kind=took_effect"),
    )
    .await;
    let items = parsed(&json_feed);
    assert!(items.iter().any(|(id, _)| id == ltu));
    assert_eq!(
        json(&json_feed)["version"],
        "https://jsonfeed.org/version/1.1"
    );
    // Recorded: an approved edit, then its retraction tombstones it (RFC 6721).
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    let body = r#"{"state": "ARE", "action": "accession", "date": "2025-11-15", "sources": ["untc-2014"], "comment": "the notification"}"#;
    let (_, _, made) = send(&on, post("/api/v1/proposals", Some(&ann), body)).await;
    let id = json(&made)["id"].as_i64().expect("an id");
    let (_, _, approved) = send(
        &on,
        post(&format!("/api/v1/proposals/{id}/approve"), Some(&rev), ""),
    )
    .await;
    let version = json(&approved)["version"].as_i64().expect("a version");
    let (_, _, atom) = send(&on, get("/feeds/changes.atom?kind=recorded")).await;
    let edit = format!("urn:minewatch:edit:{version}");
    let entries = parsed(&atom);
    assert!(
        entries.iter().any(|(i, t)| i == &edit && t.contains("ARE")),
        "{entries:?}"
    );
    let row = serde_json::json!(["ARE", "accession", "2025-11-15", "", "untc-2014", ""]);
    let retract = serde_json::json!({"kind": "retract", "file": "treaty_actions.csv", "row": row});
    let (_, _, made) = send(
        &on,
        post("/api/v1/proposals", Some(&ann), &retract.to_string()),
    )
    .await;
    let id = json(&made)["id"].as_i64().expect("an id");
    let (status, _, _) = send(
        &on,
        post(&format!("/api/v1/proposals/{id}/approve"), Some(&rev), ""),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, atom) = send(&on, get("/feeds/changes.atom?kind=recorded")).await;
    assert!(
        atom.contains(&format!("<at:deleted-entry ref=\"{edit}\"")),
        "{atom}"
    );
    assert!(!parsed(&atom).iter().any(|(i, _)| i == &edit));
    // Bad filters: 400 naming the parameter.
    let (status, _, answer) = send(&on, get("/feeds/changes.json?kind=gossip")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&answer)["error"]["field"], "kind");
}

#[tokio::test]
async fn only_maintainers_manage_webhooks_on_the_editors_pages() {
    let (state, store, _) = common::fresh("webhook-pages").await;
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let max = store
        .add_editor_as("max", Role::Maintainer)
        .await
        .expect("max");
    let sign_in = |token: String| {
        let state = state.clone();
        async move {
            let (_, headers, _) = send(
                &state,
                form("/editor/sign-in", None, &format!("token={token}")),
            )
            .await;
            session_cookie(&headers).1
        }
    };
    let ann_cookie = sign_in(ann).await;
    let (status, _, body) = send(&state, page("/editor/webhooks", &ann_cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, _, queue) = send(&state, page("/editor", &ann_cookie)).await;
    assert!(!queue.contains("webhooks-link"));
    let cookie = sign_in(max).await;
    let (_, _, queue) = send(&state, page("/editor", &cookie)).await;
    assert!(queue.contains("/editor/webhooks"));
    let (status, _, listed) = send(&state, page("/editor/webhooks", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = listed
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF token")
        .to_string();
    let fields =
        "url=http%3A%2F%2F127.0.0.1%3A9%2Fhook&state=LTU&kind=took_effect&since=2025-12-01&group=";
    let (status, _, _) = send(
        &state,
        form(
            "/editor/webhooks",
            Some(&cookie),
            &format!("csrf=forged&{fields}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Added, then a GET (a reload adds nothing) that shows the secret once.
    let (status, headers, _) = send(
        &state,
        form(
            "/editor/webhooks",
            Some(&cookie),
            &format!("csrf={csrf}&{fields}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/editor/webhooks");
    let (set, flash) = session_cookie(&headers);
    assert!(
        set.contains("HttpOnly") && set.contains("Max-Age=120"),
        "{set}"
    );
    let both = format!("{cookie}; {flash}");
    let (status, headers, made) = send(&state, page("/editor/webhooks", &both)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(made.contains("whsec_"), "the secret, once");
    assert!(
        session_cookie(&headers).0.contains("Max-Age=0"),
        "the cookie goes"
    );
    // Another editor's session cannot use it.
    let ann_both = format!("{ann_cookie}; {flash}");
    let (status, _, _) = send(&state, page("/editor/webhooks", &ann_both)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let hooks = store.webhooks().await.expect("listed");
    assert_eq!(hooks.len(), 1);
    assert_eq!(
        (hooks[0].states.clone(), hooks[0].kinds.clone()),
        (vec!["LTU".to_string()], vec!["took_effect".to_string()])
    );
    let (_, _, again) = send(&state, page("/editor/webhooks", &cookie)).await;
    assert!(!again.contains("whsec_"), "never shown again");
    let (status, _, refused) = send(
        &state,
        form(
            "/editor/webhooks",
            Some(&cookie),
            &format!("csrf={csrf}&url=http%3A%2F%2F127.0.0.1%3A9%2F&state=Atlantis"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Atlantis"), "{refused}");
    let remove = format!("/editor/webhooks/{}/remove", hooks[0].id);
    let (status, _, _) = send(
        &state,
        form(&remove, Some(&cookie), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(store.webhooks().await.expect("listed")[0].revoked.is_some());
    let (status, _, _) = send(
        &state,
        form(&remove, Some(&cookie), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
