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
