//! The API's bodies pinned as snapshots: a change of a field's name, type or
//! meaning shows as a diff to review (`INSTA_UPDATE=always`), and CI fails
//! on any unreviewed change. Long lists are pinned by their count and first
//! rows.

mod common;

use axum::http::StatusCode;
use common::{get, json, post, send};

async fn body(uri: &str) -> serde_json::Value {
    let (state, _, _) = common::fresh("bodies").await;
    let (status, _, text) = send(&state, get(uri)).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {text}");
    json(&text)
}

fn head(list: &serde_json::Value, n: usize) -> serde_json::Value {
    serde_json::Value::Array(
        list.as_array()
            .map(|a| a[..n.min(a.len())].to_vec())
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_state() {
    insta::assert_json_snapshot!(body("/api/v1/states/LTU?on=2026-01-01").await);
}

#[tokio::test]
async fn a_state_withdrawing() {
    insta::assert_json_snapshot!(body("/api/v1/states/POL?on=2025-12-01").await);
}

#[tokio::test]
async fn the_parties() {
    let v = body("/api/v1/parties?on=2025-01-17&consented=true").await;
    insta::assert_json_snapshot!(serde_json::json!({
        "on": v["on"],
        "count": v["count"],
        "first": head(&v["parties"], 3),
    }));
}

#[tokio::test]
async fn the_states() {
    let v = body("/api/v1/states").await;
    insta::assert_json_snapshot!(serde_json::json!({
        "count": v.as_array().map(Vec::len),
        "first": head(&v, 3),
    }));
}

#[tokio::test]
async fn the_history() {
    let v = body("/api/v1/history").await;
    let rows = v.as_array().cloned().unwrap_or_default();
    insta::assert_json_snapshot!(serde_json::json!({
        "rows": rows.len(),
        "first": rows.first(),
        "letter_year": rows.iter().find(|r| r["date"] == "2025-01-01"),
        "last": rows.last(),
    }));
}

#[tokio::test]
async fn a_checked_claim_and_errors() {
    let (state, _, _) = common::fresh("bodies").await;
    let (_, _, claim) = send(
        &state,
        post(
            "/api/v1/claims",
            None,
            r#"{"claim": "all NATO members except USA are parties", "on": "2025-01-17"}"#,
        ),
    )
    .await;
    let claim = json(&claim);
    insta::assert_json_snapshot!(
        "claim",
        serde_json::json!({
            "claim": claim["claim"],
            "on": claim["on"],
            "verdict": claim["verdict"],
            "summary": claim["summary"],
            "counterexamples": claim["counterexamples"],
        })
    );
    let (_, _, unknown) = send(&state, get("/api/v1/states/XYZ")).await;
    let (_, _, bad_date) = send(&state, get("/api/v1/parties?on=2025-02-30")).await;
    let (_, _, no_token) = send(&state, post("/api/v1/actions", None, "{}")).await;
    insta::assert_json_snapshot!(
        "errors",
        serde_json::json!({
            "unknown_state": json(&unknown),
            "bad_date": json(&bad_date),
            "no_token": json(&no_token),
        })
    );
}

#[tokio::test]
async fn the_figures() {
    // Pinned whole but for the long lists: their counts, first states and
    // source counts.
    let v = body("/api/v1/figures?on=2025-01-17").await;
    let rows: Vec<serde_json::Value> = v
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut f| {
            let states = f["states"].as_array().cloned();
            f["states"] = match states {
                Some(s) => serde_json::json!({"count": s.len(), "first": &s[..s.len().min(3)]}),
                None => serde_json::Value::Null,
            };
            let sources = f["sources"].as_array().map(Vec::len);
            f["sources"] = serde_json::json!({"count": sources});
            f
        })
        .collect();
    insta::assert_json_snapshot!(rows);
}
