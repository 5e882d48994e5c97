//! Two `minewatch serve` processes on one PostgreSQL database: an edit
//! proposed through one and approved through the other is served by both;
//! a self-approval is refused; a proposal changed after an approval needs
//! approval again; a rejected proposal changes nothing and is listed.
//!
//! The server is the one `MINEWATCH_TEST_POSTGRES` names (`.ci/run` starts
//! Debian's PostgreSQL and sets it); without it the test is skipped, except
//! under CI, where it fails.

mod common;

use std::time::{Duration, Instant};

use common::{Server, bin, call, editor, serve};

fn status_of(server: &Server, state: &str) -> String {
    let (code, body) = call(
        server,
        "GET",
        &format!("/api/v1/states/{state}?on=2027-01-01"),
        None,
        "",
    );
    assert_eq!(code, 200, "{body}");
    body["status"].as_str().unwrap_or_default().to_string()
}

/// Waits (at most ten seconds, a bound against hanging, not a measure:
/// the README's load test measures the delay) until `server` serves
/// `state` as `status`.
fn served(server: &Server, state: &str, status: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if status_of(server, state) == status {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn accession(state: &str, date: &str) -> String {
    format!(
        r#"{{"state": "{state}", "action": "accession", "date": "{date}", "sources": ["untc-2014"], "comment": "from the depositary notification"}}"#
    )
}

#[test]
fn two_replicas_serve_one_record() {
    let Some(db) = common::Database::create("replicas") else {
        return;
    };
    // The first start fills the database; the editors come after.
    let a = serve(&db.url);
    let b = serve(&db.url);
    let ann = editor(&db.url, "ann", "editor");
    let rev = editor(&db.url, "rev", "reviewer");
    let sam = editor(&db.url, "sam", "reviewer");

    // Proposed through A, approved through B by a reviewer: served by A.
    assert_eq!(status_of(&a, "ARE"), "non_signatory");
    let (code, made) = call(
        &a,
        "POST",
        "/api/v1/proposals",
        Some(&ann),
        &accession("ARE", "2026-01-15"),
    );
    assert_eq!(code, 201, "{made}");
    let id = made["id"].as_i64().expect("an id");
    let (code, seen) = call(
        &b,
        "GET",
        &format!("/api/v1/proposals/{id}"),
        Some(&rev),
        "",
    );
    assert_eq!(code, 200, "{seen}");
    assert_eq!(seen["preview"]["entry_into_force_after"], "2026-07-01");
    assert_eq!(status_of(&a, "ARE"), "non_signatory", "not before approval");
    let (code, body) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{id}/approve"),
        Some(&rev),
        "",
    );
    assert_eq!(
        (code, body["status"].as_str()),
        (200, Some("approved")),
        "{body}"
    );
    assert!(served(&b, "ARE", "party"), "B serves the edit it applied");
    assert!(served(&a, "ARE", "party"), "A serves the edit B applied");

    // A self-approval is 403.
    let (_, own) = call(
        &a,
        "POST",
        "/api/v1/proposals",
        Some(&rev),
        &accession("USA", "2026-02-01"),
    );
    let own = own["id"].as_i64().expect("an id");
    let (code, body) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{own}/approve"),
        Some(&rev),
        "",
    );
    assert_eq!(
        (code, body["error"]["code"].as_str()),
        (403, Some("own_proposal")),
        "{body}"
    );
    // An editor may not approve at all.
    let (code, _) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{own}/approve"),
        Some(&ann),
        "",
    );
    assert_eq!(code, 403);

    // With two approvals needed, a proposal changed after one approval
    // needs both again.
    let set = bin()
        .args(["editor", "approvals", "2", "--database", &db.url])
        .output()
        .expect("runs");
    assert!(set.status.success());
    let (_, made) = call(
        &a,
        "POST",
        "/api/v1/proposals",
        Some(&ann),
        &accession("CHN", "2026-03-01"),
    );
    let chn = made["id"].as_i64().expect("an id");
    let (code, body) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{chn}/approve"),
        Some(&rev),
        "",
    );
    assert_eq!(
        (code, body["status"].as_str()),
        (200, Some("pending")),
        "{body}"
    );
    assert_eq!(body["approvals"], serde_json::json!(["rev"]));
    let (code, body) = call(
        &a,
        "PUT",
        &format!("/api/v1/proposals/{chn}"),
        Some(&ann),
        &accession("CHN", "2026-03-02"),
    );
    assert_eq!((code, body["revision"].as_i64()), (200, Some(2)), "{body}");
    let (_, shown) = call(
        &b,
        "GET",
        &format!("/api/v1/proposals/{chn}"),
        Some(&sam),
        "",
    );
    assert_eq!(shown["proposal"]["approvals"], serde_json::json!([]));
    let (_, body) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{chn}/approve"),
        Some(&sam),
        "",
    );
    assert_eq!(
        body["status"], "pending",
        "one approval of revision 2 is not enough"
    );
    assert_eq!(status_of(&a, "CHN"), "non_signatory");
    let (_, body) = call(
        &a,
        "POST",
        &format!("/api/v1/proposals/{chn}/approve"),
        Some(&rev),
        "",
    );
    assert_eq!(body["status"], "approved", "{body}");
    assert!(served(&b, "CHN", "party"), "B serves what A applied");

    // A rejected proposal changes nothing and is listed, with its reason.
    let (_, made) = call(
        &a,
        "POST",
        "/api/v1/proposals",
        Some(&ann),
        &accession("IND", "2026-04-01"),
    );
    let ind = made["id"].as_i64().expect("an id");
    let (code, _) = call(
        &b,
        "POST",
        &format!("/api/v1/proposals/{ind}/reject"),
        Some(&rev),
        r#"{"reason": "no notification says so"}"#,
    );
    assert_eq!(code, 200);
    let (_, listed) = call(
        &a,
        "GET",
        "/api/v1/proposals?status=rejected",
        Some(&sam),
        "",
    );
    let listed = listed.as_array().expect("a list");
    assert!(
        listed
            .iter()
            .any(|p| p["id"] == ind && p["reason"] == "no notification says so")
    );
    assert_eq!(status_of(&a, "IND"), "non_signatory");
    assert_eq!(status_of(&b, "IND"), "non_signatory");
}

/// Without notifications (SQLite), a replica finds the change by polling
/// the record's version: two servers on one SQLite file.
#[test]
fn two_servers_on_one_sqlite_file_follow_each_other() {
    let dir = std::env::temp_dir().join(format!("minewatch-replicas-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let url = format!("sqlite://{}", dir.join("shared.db").display());
    let a = serve(&url);
    let b = serve(&url);
    let max = editor(&url, "max", "maintainer");
    assert_eq!(status_of(&b, "ARE"), "non_signatory");
    let body = r#"{"state": "ARE", "action": "accession", "date": "2026-01-15", "sources": ["untc-2014"]}"#;
    let (code, made) = call(&a, "POST", "/api/v1/actions", Some(&max), body);
    assert_eq!(code, 201, "{made}");
    assert!(served(&b, "ARE", "party"), "B finds A's edit by polling");
    let (_, va) = call(&a, "GET", "/api/v1/version", None, "");
    let (_, vb) = call(&b, "GET", "/api/v1/version", None, "");
    assert_eq!(va["version"], vb["version"]);
    assert_eq!(vb["backend"], "sqlite");
    drop((a, b));
    let _ = std::fs::remove_dir_all(dir);
}

/// A database an earlier release filled, started with this release: the
/// release's new action is served after start, the row the team corrected
/// stays, and the release's value for it waits as a proposal.
#[test]
fn an_upgrade_serves_the_new_release_and_keeps_the_teams_correction() {
    let Some(db) = common::Database::create("upgrade") else {
        return;
    };
    let shipped = include_str!("../../../data/treaty_actions.csv")
        .lines()
        .find(|l| l.starts_with("LTU,ratification,"))
        .expect("Lithuania's ratification");
    let ann = editor(&db.url, "ann", "editor");
    let rev = editor(&db.url, "rev", "reviewer");
    let team = format!("{},the team's note", shipped.trim_end_matches(','));
    {
        let server = serve(&db.url);
        let row: Vec<&str> = shipped.split(',').collect();
        let with: Vec<&str> = team.split(',').collect();
        let body = serde_json::json!({"kind": "correct", "file": "treaty_actions.csv", "row": row, "with": with, "comment": "the team's reading"});
        let (code, made) = call(
            &server,
            "POST",
            "/api/v1/proposals",
            Some(&ann),
            &body.to_string(),
        );
        assert_eq!(code, 201, "{made}");
        let id = made["id"].as_i64().expect("an id");
        let (code, _) = call(
            &server,
            "POST",
            &format!("/api/v1/proposals/{id}/approve"),
            Some(&rev),
            "",
        );
        assert_eq!(code, 200);
    }
    // What the earlier release shipped: no Tonga accession, and another
    // row for Lithuania's ratification (this release changes it).
    common::psql(&db.url, "DELETE FROM treaty_actions WHERE state = 'TON'");
    common::psql(
        &db.url,
        &format!(
            "UPDATE meta SET value = replace(value, '{}', 'LTU,ratification,2003-05-12,,untc-2014,an earlier note') WHERE key = 'shipped:treaty_actions.csv'",
            shipped.replace('\'', "''")
        ),
    );
    let server = serve(&db.url);
    assert_eq!(
        status_of(&server, "TON"),
        "party",
        "the new action is served"
    );
    let (_, pending) = call(
        &server,
        "GET",
        "/api/v1/proposals?status=pending",
        Some(&rev),
        "",
    );
    let pending = pending.as_array().cloned().unwrap_or_default();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["proposer"], "release");
    assert_eq!(pending[0]["kind"], "correct");
    assert_eq!(pending[0]["action"].as_array().map(|a| a.len()), Some(6));
    assert_eq!(
        pending[0]["action"].as_array().map(|a| a
            .iter()
            .filter_map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        Some(shipped.to_string()),
        "the proposal shows the shipped value"
    );
    assert_eq!(
        pending[0]["target"].as_array().map(|a| a
            .iter()
            .filter_map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        Some(team.clone()),
        "the team's row is what it would replace"
    );
    drop(server);
    let dir = std::env::temp_dir().join(format!("minewatch-upgrade-{}", std::process::id()));
    let out = bin()
        .args(["export", &dir.display().to_string(), "--database", &db.url])
        .output()
        .expect("export runs");
    assert!(out.status.success());
    let actions = std::fs::read_to_string(dir.join("treaty_actions.csv")).expect("exported");
    assert!(actions.lines().any(|l| l == team), "the team's row stays");
    let _ = std::fs::remove_dir_all(dir);
}
