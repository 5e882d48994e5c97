//! The defects found by the hardening review, each kept as a test: writes
//! on a full database, a second writer, stale and unbounded caches, audit
//! gaps, impossible and replayed facts, errors that lost the envelope, and
//! the simulator's one-at-a-time limit.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{get, json, post, send};
use jiff::civil::date;
use minewatch_web::{Actor, NewAction, Store, WriteOutcome, router};
use tower::ServiceExt;

fn suspension(day: u32, note_len: usize) -> NewAction {
    let date = jiff::civil::date(2025, 7, 1)
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .expect("a day");
    NewAction {
        row: vec![
            "UKR".into(),
            "suspension".into(),
            date.to_string(),
            String::new(),
            "untc-2014".into(),
            format!("{day} {}", "n".repeat(note_len)),
        ],
        new_source: None,
    }
}

fn editor() -> Actor {
    Actor {
        editor: "alice".into(),
        address: "127.0.0.1:1".into(),
    }
}

/// Defect 1: on a full database (SQLite's `max_page_count` stands in for
/// a full disk), every write acknowledged is there after a restart, and
/// every connection of the pool sees the same audit trail.
#[tokio::test]
async fn no_acknowledged_write_is_lost_when_the_database_is_full() {
    let (_, url) = common::temp_url("hardening");
    let pages = {
        let store = Store::open(&url).await.expect("a database");
        store.add_editor("alice").await.expect("an editor");
        drop(store);
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("a URL");
        let pool = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("opens");
        let (n,): (i64,) = sqlx::query_as("PRAGMA page_count")
            .fetch_one(&pool)
            .await
            .expect("page count");
        pool.close().await;
        n
    };
    let limit = (pages + 12).to_string();
    let store = Store::open_with(&url, &[("max_page_count", &limit)])
        .await
        .expect("opens with a limit");
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for day in 0..40 {
        let action = suspension(day, 14_000);
        match store
            .add_action(&editor(), &action, None, |id| id.to_string())
            .await
        {
            Ok(WriteOutcome::Applied { .. }) => acknowledged.push(action.row[5].clone()),
            Ok(other) => panic!("unexpected outcome {other:?}"),
            Err(_) => refused += 1,
        }
    }
    assert!(refused > 0, "the database never filled up");
    // Every pooled connection answers the same.
    let mut lengths = Vec::new();
    for _ in 0..12 {
        lengths.push(store.audit().await.expect("the audit").len());
    }
    lengths.dedup();
    assert_eq!(lengths.len(), 1, "connections disagree: {lengths:?}");
    drop(store);

    let reopened = Store::open(&url).await.expect("reopens");
    let files = reopened.files().await.expect("the files");
    let actions = &files["treaty_actions.csv"];
    for note in &acknowledged {
        assert!(
            actions.contains(note.as_str()),
            "an acknowledged write was lost"
        );
    }
    let audited = reopened
        .audit()
        .await
        .expect("the audit")
        .iter()
        .filter(|e| e.kind == "action")
        .count();
    assert_eq!(audited, acknowledged.len());
    // And with room again, writes go through.
    let outcome = reopened
        .add_action(&editor(), &suspension(100, 10), None, |id| id.to_string())
        .await
        .expect("a write");
    assert!(matches!(outcome, WriteOutcome::Applied { .. }));
}

/// Defect 8: a second writer waits for the lock instead of failing.
#[tokio::test]
async fn a_second_writer_waits_for_the_lock() {
    let (_, url) = common::temp_url("hardening");
    let store = Store::open(&url).await.expect("a database");
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("a URL");
    let mut other = sqlx::ConnectOptions::connect(&options)
        .await
        .expect("a second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the other writer takes the lock");
    let holder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        sqlx::query("COMMIT")
            .execute(&mut other)
            .await
            .expect("commits");
    });
    let outcome = store
        .add_action(&editor(), &suspension(1, 10), None, |id| id.to_string())
        .await
        .expect("the write waits, then succeeds");
    assert!(matches!(outcome, WriteOutcome::Applied { .. }));
    holder.await.expect("the holder ends");
}

/// Defect 4: an answer made from the record before an edit is never served
/// after it, whatever GETs run meanwhile.
#[tokio::test]
async fn no_answer_is_stale_after_an_edit() {
    let (state, store, _) = common::fresh("hardening").await;
    let token = store.add_editor("alice").await.expect("an editor");
    let uri = "/api/v1/parties?on=2026-11-28&consented=true";
    let (_, _, before) = send(&state, get(uri)).await;
    let mut count = json(&before)["count"].as_u64().expect("a count");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..3 {
        let (state, stop) = (state.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let _ = send(&state, get(uri)).await;
                tokio::task::yield_now().await;
            }
        }));
    }
    for code in ["USA", "RUS", "CHN", "IND", "PAK", "ISR"] {
        let body = format!(
            r#"{{"state": "{code}", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}}"#
        );
        let (status, _, text) = send(&state, post("/api/v1/actions", Some(&token), &body)).await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        count += 1;
        let (_, _, after) = send(&state, get(uri)).await;
        assert_eq!(
            json(&after)["count"].as_u64(),
            Some(count),
            "stale after {code}"
        );
    }
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        r.await.expect("a reader ends");
    }
}

/// Defect 5: many distinct answers stay within the cache's byte budget,
/// and an answer in use is kept.
#[tokio::test]
async fn the_cache_is_bounded_by_bytes() {
    let (state, _, _) = common::fresh("hardening").await;
    let mut day = date(2000, 1, 1);
    for i in 0..260 {
        let (status, _, _) = send(&state, get(&format!("/?on={day}"))).await;
        assert_eq!(status, StatusCode::OK);
        // The letter's day is asked for all along: it stays.
        let _ = send(&state, get("/?on=2025-01-17")).await;
        if i % 50 == 0 {
            let (bytes, _) = state.cache_usage();
            assert!(bytes <= minewatch_web::CACHE_BYTES);
        }
        day = day.tomorrow().expect("a day");
    }
    let (bytes, entries) = state.cache_usage();
    assert!(bytes <= minewatch_web::CACHE_BYTES, "{bytes} bytes");
    assert!(entries < 261, "nothing was evicted: {entries} entries");
    let (_, headers, _) = send(&state, get("/?on=2025-01-17")).await;
    let etag = headers[header::ETAG].to_str().expect("a tag").to_string();
    let mut request = get("/?on=2025-01-17");
    request.headers_mut().insert(
        header::IF_NONE_MATCH,
        format!("W/{etag}").parse().expect("a value"),
    );
    let (status, _, _) = send(&state, request).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED, "a weak tag matches");
}

/// Defect 6: a new source, an editor's creation and refused writes (who,
/// from where, why) are all in the audit.
#[tokio::test]
async fn every_write_and_every_refusal_is_audited() {
    let (state, store, _) = common::fresh("hardening").await;
    let token = store.add_editor("alice").await.expect("an editor");
    let body = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["usa-note"],
        "source": {"id": "usa-note", "publisher": "United Nations", "title": "C.N.1.2026.TREATIES (test)", "url": "https://treaties.un.org/"}}"#;
    let (status, _, text) = send(&state, post("/api/v1/actions", Some(&token), body)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (status, _, _) = send(&state, post("/api/v1/actions", Some("mw_wrong"), body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = send(&state, post("/api/v1/actions", None, body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let bad = r#"{"state": "USA", "action": "witdrawal", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let (status, _, _) = send(&state, post("/api/v1/actions", Some(&token), bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Refused by the Convention's rules (only a State Party may withdraw):
    // audited once.
    let unlawful = r#"{"state": "IND", "action": "withdrawal", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let (status, _, text) = send(&state, post("/api/v1/actions", Some(&token), unlawful)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["error"]["code"], "rule_violation");
    let (status, headers, text) = send(&state, get("/api/v1/audit")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let entries = json(&text);
    let kinds: Vec<&str> = entries
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "editor_added",
            "source",
            "action",
            "refused",
            "refused",
            "refused",
            "refused"
        ]
    );
    assert!(
        entries[6]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("only a State Party may withdraw"),
        "{}",
        entries[6]
    );
    assert_eq!(entries[1]["source"], "usa-note");
    assert_eq!(entries[3]["detail"], "401: unknown token");
    assert_eq!(entries[4]["detail"], "401: no token");
    assert_eq!(entries[5]["editor"], "alice");
    assert!(
        entries[5]["detail"]
            .as_str()
            .unwrap_or("")
            .starts_with("422")
    );
}

/// Defect 7: impossible dates, a replay with the same Idempotency-Key, an
/// exact duplicate and a source cited twice.
#[tokio::test]
async fn impossible_and_repeated_facts_are_refused() {
    let (state, store, _) = common::fresh("hardening").await;
    let token = store.add_editor("alice").await.expect("an editor");
    for (body, code) in [
        (
            r#"{"state": "USA", "action": "accession", "date": "2126-01-01", "sources": ["untc-2014"]}"#,
            "future_date",
        ),
        (
            r#"{"state": "USA", "action": "accession", "date": "9999-12-31", "sources": ["untc-2014"]}"#,
            "future_date",
        ),
        (
            r#"{"state": "USA", "action": "suspension", "date": "1990-01-01", "sources": ["untc-2014"]}"#,
            "rule_violation",
        ),
        (
            r#"{"state": "UKR", "action": "suspension", "date": "0000-01-01", "sources": ["untc-2014"]}"#,
            "rule_violation",
        ),
        (
            r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014", "untc-2014"]}"#,
            "rule_violation",
        ),
    ] {
        let (status, _, text) = send(&state, post("/api/v1/actions", Some(&token), body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {text}");
        assert_eq!(json(&text)["error"]["code"], code, "{body}: {text}");
    }
    let body = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let keyed = |key: &str, body: &str| {
        let mut r = post("/api/v1/actions", Some(&token), body);
        r.headers_mut()
            .insert("idempotency-key", key.parse().expect("a key"));
        r
    };
    let (first, _, first_body) = send(&state, keyed("k-1", body)).await;
    assert_eq!(first, StatusCode::CREATED, "{first_body}");
    let (again, _, again_body) = send(&state, keyed("k-1", body)).await;
    assert_eq!(again, StatusCode::CREATED);
    assert_eq!(again_body, first_body, "a replay answers as the first time");
    let other = r#"{"state": "RUS", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let (reused, _, text) = send(&state, keyed("k-1", other)).await;
    assert_eq!(reused, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(json(&text)["error"]["code"], "idempotency_key_reused");
    // Without a key, the exact same act again is a duplicate row.
    let (dup, _, text) = send(&state, post("/api/v1/actions", Some(&token), body)).await;
    assert_eq!(dup, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("recorded once"), "{text}");
    // One action stored in all.
    let actions = store.files().await.expect("files")["treaty_actions.csv"]
        .matches("USA,accession")
        .count();
    assert_eq!(actions, 1);
}

/// Defect 9: the framework's own refusals carry the JSON envelope, and
/// every answer the security headers.
#[tokio::test]
async fn every_error_has_the_envelope() {
    let (state, _, _) = common::fresh("hardening").await;
    for (request, status) in [
        (
            get("/api/v1/parties?on=2025-01-01&on=2025-02-01"),
            StatusCode::BAD_REQUEST,
        ),
        (get("/api/v1/states/%ff"), StatusCode::BAD_REQUEST),
        (
            Request::delete("/api/v1/parties")
                .body(Body::empty())
                .expect("a request"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (get("/api/v1/nothing"), StatusCode::NOT_FOUND),
    ] {
        let uri = request.uri().to_string();
        let (got, headers, text) = send(&state, request).await;
        assert_eq!(got, status, "{uri}: {text}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{uri}");
        let v = json(&text);
        assert!(v["error"]["code"].is_string(), "{uri}: {text}");
        assert!(v["error"]["message"].is_string(), "{uri}: {text}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let (_, headers, _) = send(&state, get("/")).await;
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    let mut star = get("/api/v1/parties?on=2025-01-17");
    star.headers_mut()
        .insert(header::IF_NONE_MATCH, "*".parse().expect("a value"));
    let (status, _, _) = send(&state, star).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

/// Defect 2: a request that hangs up cancels its simulation and the next
/// one runs alone; waiting is bounded; 304 and HEAD run nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_runs_one_job_at_a_time() {
    let (state, _, _) = common::fresh("hardening").await;
    let heavy = |seed: u32| {
        get(&format!(
            "/api/v1/simulate?scenario=chile&frontage_km=1000&maintenance_years=0&deminers=1&clearance_start=0&seed={seed}"
        ))
    };
    for seed in 0..12 {
        let app = router(state.clone());
        let _ = tokio::time::timeout(Duration::from_millis(30), app.oneshot(heavy(seed))).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let load = minewatch_web::simulator_load();
    assert!(load.peak <= 1, "{load:?}");
    // Abandoned requests were cancelled: the simulator comes free.
    for _ in 0..200 {
        if minewatch_web::simulator_load().running == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(minewatch_web::simulator_load().running, 0);
    // A client that holds the answer gets a 304 without a run.
    let light = "/api/v1/simulate?scenario=falklands-like&runs=3&seed=7";
    let (status, headers, _) = send(&state, get(light)).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].clone();
    let started = minewatch_web::simulator_load().started;
    let mut again = get(light);
    again.headers_mut().insert(header::IF_NONE_MATCH, etag);
    let (status, _, _) = send(&state, again).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let head = Request::head(light).body(Body::empty()).expect("a request");
    let (status, headers, _) = send(&state, head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key(header::ETAG));
    assert_eq!(minewatch_web::simulator_load().started, started);
    // Many at once: some are told to come back later; the rest are
    // abandoned after a while, which cancels them.
    let mut jobs = Vec::new();
    for seed in 100..110 {
        let app = router(state.clone());
        jobs.push(tokio::spawn(async move {
            let answer =
                tokio::time::timeout(Duration::from_millis(1500), app.oneshot(heavy(seed))).await;
            answer
                .ok()
                .and_then(Result::ok)
                .map(|r| (r.status(), r.headers().get(header::RETRY_AFTER).is_some()))
        }));
    }
    let mut busy = 0;
    for job in jobs {
        if let Some((status, retry)) = job.await.expect("joins") {
            if status == StatusCode::SERVICE_UNAVAILABLE {
                assert!(retry, "a 503 says when to come back");
                busy += 1;
            } else {
                assert_eq!(status, StatusCode::OK);
            }
        }
    }
    assert!(busy > 0, "the queue was never full");
    assert!(minewatch_web::simulator_load().peak <= 1);
}
