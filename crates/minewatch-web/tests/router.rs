//! The application without a socket: each request goes straight to the
//! router (tower's `oneshot`) over a fresh database in a temporary folder.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{get, json, post, send};
use minewatch_web::Store;

#[tokio::test]
async fn parties_on_the_letter_date_are_164() {
    let (state, _, _) = common::fresh("router").await;
    let (status, headers, body) = send(&state, get("/api/v1/parties?on=2025-01-17")).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["count"], 164);
    assert_eq!(v["parties"].as_array().map(Vec::len), Some(164));
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(headers.contains_key(header::ETAG));
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap_or("")
            .contains("max-age")
    );
    // The same answer again is 304 for a client that has it.
    let etag = headers[header::ETAG].clone();
    let request = Request::get("/api/v1/parties?on=2025-01-17")
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .expect("a request");
    let (status, _, body) = send(&state, request).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    // And as CSV.
    let (status, headers, body) =
        send(&state, get("/api/v1/parties?on=2025-01-17&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    assert_eq!(body.lines().count(), 165);
}

#[tokio::test]
async fn lithuania_withdrawn_with_the_explanation() {
    let (state, _, _) = common::fresh("router").await;
    let (status, _, body) = send(&state, get("/api/v1/states/LTU?on=2026-01-01")).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["status"], "withdrawn");
    let steps = v["explanation"].as_array().expect("steps");
    assert!(
        steps
            .iter()
            .any(|s| s["article"] == "Art. 20(3)" && s["status"] == "withdrawn")
    );
}

#[tokio::test]
async fn bad_requests_get_4xx_json_errors() {
    let (state, _, _) = common::fresh("router").await;
    for (uri, code, field) in [
        (
            "/api/v1/parties?on=2025-02-30",
            StatusCode::BAD_REQUEST,
            "on",
        ),
        (
            "/api/v1/parties?on=yesterday",
            StatusCode::BAD_REQUEST,
            "on",
        ),
        (
            "/api/v1/parties?format=xml",
            StatusCode::BAD_REQUEST,
            "format",
        ),
        ("/api/v1/states/Narnia", StatusCode::NOT_FOUND, "state"),
        (
            "/api/v1/figures?on=2026-13-01",
            StatusCode::BAD_REQUEST,
            "on",
        ),
        (
            "/api/v1/figures?format=pdf",
            StatusCode::BAD_REQUEST,
            "format",
        ),
    ] {
        let (status, _, body) = send(&state, get(uri)).await;
        assert_eq!(status, code, "{uri}");
        let v = json(&body);
        assert_eq!(v["error"]["field"], field, "{uri}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (status, _, body) = send(&state, get("/api/v1/nothing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"]["code"], "not_found");
    let (status, _, body) = send(
        &state,
        post(
            "/api/v1/claims",
            None,
            "{\"claim\": \"all XYZ members are parties\"}",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&body)["error"]["field"], "claim");
    let (status, _, body) = send(&state, post("/api/v1/claims", None, "{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "bad_json");
}

#[tokio::test]
async fn a_claim_is_checked() {
    let (state, _, _) = common::fresh("router").await;
    let (status, _, body) = send(
        &state,
        post(
            "/api/v1/claims",
            None,
            "{\"claim\": \"all NATO members except USA are parties\", \"on\": \"2026-11-28\"}",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["verdict"], "does not hold");
    assert_eq!(v["counterexamples"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn edits_need_a_token_obey_the_rules_and_are_audited() {
    let (state, store, _) = common::fresh("router").await;
    let before = store.action_count().await.expect("a count");
    let action = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"], "note": "test"}"#;
    // No token, a wrong token: 401 and nothing changes.
    for token in [None, Some("mw_not_a_token")] {
        let (status, _, body) = send(&state, post("/api/v1/actions", token, action)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(json(&body)["error"]["code"], "unauthorized");
    }
    assert_eq!(store.action_count().await.expect("a count"), before);
    let token = store.add_editor("alice").await.expect("an editor");
    // The rules refuse a withdrawal by a state that never consented: 422, with why.
    let (status, _, body) = send(
        &state,
        post("/api/v1/actions", Some(&token), r#"{"state": "USA", "action": "withdrawal", "date": "2026-11-20", "sources": ["untc-2014"]}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = json(&body)["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        message.contains("not bound") || message.contains("withdraw"),
        "{message}"
    );
    // Malformed, unknown state, bad date, unknown kind, oversized: 4xx JSON.
    for (body, code) in [
        ("{\"state\": ", StatusCode::BAD_REQUEST),
        (
            r#"{"state": "Narnia", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#,
            StatusCode::NOT_FOUND,
        ),
        (
            r#"{"state": "USA", "action": "accession", "date": "2026-13-01", "sources": ["untc-2014"]}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            r#"{"state": "USA", "action": "joining", "date": "2026-11-20", "sources": ["untc-2014"]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["no-such-source"]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": []}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, _, reply) = send(&state, post("/api/v1/actions", Some(&token), body)).await;
        assert_eq!(status, code, "{body}: {reply}");
        assert!(json(&reply)["error"]["message"].is_string());
    }
    let huge = format!(
        "{{\"note\": \"{}\"}}",
        "x".repeat(minewatch_web::BODY_LIMIT + 10)
    );
    let (status, _, reply) = send(&state, post("/api/v1/actions", Some(&token), &huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&reply)["error"]["code"], "too_large");
    assert_eq!(store.action_count().await.expect("a count"), before);
    // Only the editor's creation and the refusals are in the trail.
    assert!(
        store
            .audit()
            .await
            .expect("the audit")
            .iter()
            .all(|e| e.kind == "editor_added" || e.kind == "refused")
    );
    // A lawful action with a new source: stored, audited, served.
    let lawful = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["test-source"], "note": "a test accession",
        "source": {"id": "test-source", "publisher": "Test", "title": "A test source", "url": "https://example.org/test"}}"#;
    let (status, _, reply) = send(&state, post("/api/v1/actions", Some(&token), lawful)).await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert_eq!(store.action_count().await.expect("a count"), before + 1);
    let (status, _, audit) = send(&state, get("/api/v1/audit")).await;
    assert_eq!(status, StatusCode::OK);
    let audit = json(&audit);
    let added = audit
        .as_array()
        .and_then(|a| a.iter().find(|e| e["kind"] == "action"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(added["editor"], "alice");
    assert!(
        added["what"]
            .as_str()
            .unwrap_or("")
            .starts_with("USA,accession,2026-11-20")
    );
    let (_, _, body) = send(&state, get("/api/v1/states/USA?on=2026-11-28")).await;
    assert_eq!(json(&body)["status"], "consented");
}

#[tokio::test]
async fn export_after_import_is_identical_to_the_input() {
    let (_, store, dir) = common::fresh("router").await;
    let out = dir.join("export");
    store.export(&out).await.expect("an export");
    for (name, text) in minewatch_registry::EMBEDDED_FILES {
        let written = std::fs::read_to_string(out.join(name)).expect("a file");
        assert!(written == text, "{name} differs after the round trip");
    }
}

#[tokio::test]
async fn every_page_renders() {
    let (state, _, _) = common::fresh("router").await;
    for uri in [
        "/?on=2025-01-17",
        "/states/LTU?on=2026-01-01",
        "/states/LTU/brief?on=2026-01-01",
        "/parties?on=2025-01-17&q=lat&sort=since",
        "/history",
        "/claims?claim=USA+is+not+a+party&on=2025-01-17",
        "/about",
        "/simulate?runs=100",
    ] {
        let (status, headers, body) = send(&state, get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or("")
                .starts_with("text/html")
        );
        assert!(body.contains("</html>"), "{uri}");
    }
    let (_, _, map) = send(&state, get("/?on=2025-01-17")).await;
    assert!(map.contains("<path class=\"party\" data-iso3=\"LTU\""));
    let (_, _, map) = send(&state, get("/?on=2026-01-01")).await;
    assert!(map.contains("<path class=\"withdrawn\" data-iso3=\"LTU\""));
    let (status, _, _) = send(&state, get("/nowhere")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&state, get("/?on=2025-99-01")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_description_is_json_and_lists_every_endpoint() {
    let (state, _, _) = common::fresh("router").await;
    let (status, _, body) = send(&state, get("/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    for path in [
        "/api/v1/states",
        "/api/v1/states/{iso3}",
        "/api/v1/parties",
        "/api/v1/history",
        "/api/v1/claims",
        "/api/v1/actions",
        "/api/v1/audit",
        "/api/v1/simulate",
        "/api/v1/changes",
        "/api/v1/figures",
        "/api/v1/version",
        "/api/v1/states/{iso3}/history",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{id}",
        "/api/v1/webhooks/{id}/deliveries",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path}");
    }
}

#[tokio::test]
async fn restarting_never_duplicates_or_loses_anything() {
    let (_, store, dir) = common::fresh("router").await;
    let token = store.add_editor("bob").await.expect("an editor");
    let before = store.action_count().await.expect("a count");
    let files = store.files().await.expect("the files");
    drop(store);
    let url = format!("sqlite://{}", dir.join("test.db").display());
    let again = Store::open(&url).await.expect("reopened");
    assert_eq!(again.action_count().await.expect("a count"), before);
    assert_eq!(again.files().await.expect("the files"), files);
    assert_eq!(
        again.editor_for(&token).await.expect("a lookup").as_deref(),
        Some("bob")
    );
    assert!(again.add_editor("bob").await.is_err(), "names are unique");
}

/// The simulator on the web: a scenario with changed parameters gives its
/// figures and plots; the same address gives the same numbers; bad
/// parameters are a 400 naming the field, an unknown scenario a 404.
#[tokio::test]
async fn the_simulator_page_and_api() {
    let (state, _, _) = common::fresh("router").await;
    let uri = "/api/v1/simulate?scenario=unfenced-100km&runs=200&seed=3&frontage_km=50";
    let (status, _, body) = send(&state, get(uri)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = json(&body);
    assert_eq!(v["mines_laid"], 100_000);
    assert!(
        v["scenario"]
            .as_str()
            .is_some_and(|n| n.ends_with("(as set on the page)"))
    );
    assert_eq!(v["runs"], 200);
    assert!(
        v["civilian_total"]["median"]
            .as_f64()
            .is_some_and(|m| m > 10.0)
    );
    assert!(v["crossing_success_observed"]["median"].is_number());
    let (_, _, again) = send(&state, get(uri)).await;
    assert_eq!(body, again);
    // The form's checkboxes: with set=1, an absent box means no.
    let (_, _, fenced) = send(
        &state,
        get("/api/v1/simulate?scenario=unfenced-100km&runs=200&seed=3&frontage_km=50&set=1&fenced=on&marked=on&observed=on&maintenance_years=50"),
    )
    .await;
    let fenced = json(&fenced);
    assert!(
        fenced["civilian_total"]["mean"].as_f64()
            < v["civilian_total"]["mean"].as_f64().map(|m| m / 3.0),
        "{} vs {}",
        fenced["civilian_total"],
        v["civilian_total"]
    );
    let (_, _, unobserved) = send(
        &state,
        get("/api/v1/simulate?scenario=fenced-observed-100km&runs=100&set=1&fenced=on&marked=on"),
    )
    .await;
    let unobserved = json(&unobserved);
    assert!(unobserved["crossing_success_observed"].is_null());
    assert!(unobserved["crossing_success_unobserved"]["median"].is_number());
    for (bad, field) in [
        ("runs=abc", "runs"),
        ("runs=5000", "runs"),
        ("frontage_km=-1", "frontage_km"),
        ("density_per_m=NaN", "density_per_m"),
        ("runs=1.5", "runs"),
        ("seed=2.5", "seed"),
    ] {
        let (status, _, body) = send(&state, get(&format!("/api/v1/simulate?{bad}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json(&body)["error"]["field"], field, "{bad}");
    }
    let (status, _, body) = send(&state, get("/api/v1/simulate?scenario=mars")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        json(&body)["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("unfenced-100km"))
    );
    let (status, _, body) = send(&state, get("/api/v1/simulate?colour=red")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("colour"), "{body}");
    let (status, _, page) = send(
        &state,
        get("/simulate?scenario=chile&runs=100&uncertainty=on"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("clearance progress"));
    assert!(page.contains("parameters drawn from their uncertainty"));
    assert!(page.contains("Clearance budget"));
    let (status, _, page) = send(&state, get("/simulate?runs=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("runs"));
}

#[tokio::test]
async fn the_figures_in_json_csv_and_on_a_page() {
    let (state, _, _) = common::fresh("router").await;
    let (status, _, body) = send(&state, get("/api/v1/figures?on=2026-12-01")).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    let parties = v
        .as_array()
        .and_then(|a| a.iter().find(|f| f["figure"] == "states_parties"))
        .expect("states_parties");
    assert_eq!(parties["value"], 161);
    assert_eq!(parties["on"], "2026-12-01");
    let (status, headers, csv) =
        send(&state, get("/api/v1/figures?on=2026-12-01&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/csv"))
    );
    assert!(csv.starts_with("figure,value,bound,on,year,article,states,reason,sources\n"));
    assert!(csv.lines().any(|l| l.starts_with("withdrawn,5,exact,2026-12-01,,Art. 20(3),EST;FIN;LTU;LVA;POL,")));
    let (status, _, page) = send(&state, get("/figures?on=2026-12-01")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"stockpile_still_held\""));
    assert!(page.contains("href=\"/states/GRC?on=2026-12-01\""));
    let (status, _, _) = send(&state, get("/figures?on=2026-02-30")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_a_maintainer_applies_edits_and_a_revoked_token_is_refused() {
    use minewatch_web::Role;
    let (state, store, _) = common::fresh("roles").await;
    let edit = r#"{"state": "ARE", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let before = store.action_count().await.expect("a count");
    for role in [Role::Editor, Role::Reviewer] {
        let token = store
            .add_editor_as(&format!("a {}", role.as_str()), role)
            .await
            .expect("an editor");
        let (status, _, body) = send(&state, post("/api/v1/actions", Some(&token), edit)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(json(&body)["error"]["code"], "forbidden");
    }
    assert_eq!(store.action_count().await.expect("a count"), before);
    let token = store
        .add_editor("carol")
        .await
        .expect("a maintainer by default");
    store
        .revoke_editor("Carol")
        .await
        .expect("revoked (any case)");
    let (status, _, _) = send(&state, post("/api/v1/actions", Some(&token), edit)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(store.revoke_editor("nobody").await.is_err());
    let editors = store.editors().await.expect("the editors");
    let roles: Vec<(&str, Role, bool)> = editors
        .iter()
        .map(|e| (e.name.as_str(), e.role, e.revoked.is_some()))
        .collect();
    assert_eq!(
        roles,
        [
            ("a editor", Role::Editor, false),
            ("a reviewer", Role::Reviewer, false),
            ("carol", Role::Maintainer, true),
        ]
    );
    let audit = store.audit().await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.kind == "editor_revoked" && e.what == "carol")
    );
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.kind == "refused" && e.detail.starts_with("403"))
            .count(),
        2
    );
}
