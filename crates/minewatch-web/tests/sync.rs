//! A data release reaching a database an earlier release filled: the rows it
//! lacks arrive as one audited edit, earlier shipped rows follow the
//! release, and a row the team wrote is never overwritten.

mod common;

use minewatch_web::{Actor, NewAction, Store, SyncOutcome, WriteOutcome};
use sqlx::sqlite::SqlitePoolOptions;

async fn tamper(url: &str, statements: &[&str]) {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("the database");
    for sql in statements {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    pool.close().await;
}

#[tokio::test]
async fn a_fresh_database_holds_this_release() {
    let (_dir, url) = common::temp_url("sync-fresh");
    let store = Store::open(&url).await.expect("a database");
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Unchanged
    ));
    let audit = store.audit().await.expect("audit");
    assert!(
        audit.iter().all(|e| e.kind != "sync"),
        "no edit when nothing changes"
    );
}

#[tokio::test]
async fn an_older_database_gets_the_release_and_keeps_the_teams_rows() {
    let (_dir, url) = common::temp_url("sync-old");
    let store = Store::open(&url).await.expect("a database");
    // A row the team writes through the API, then corrects by hand in the
    // database as an earlier release would have left it.
    let team = NewAction {
        row: [
            "ARE",
            "accession",
            "2026-01-15",
            "",
            "untc-2014",
            "entered by the team",
        ]
        .map(String::from)
        .to_vec(),
        new_source: None,
    };
    let actor = Actor {
        editor: "ann".into(),
        address: String::new(),
    };
    let outcome = store
        .add_action(&actor, &team, None, |id| id.to_string())
        .await
        .expect("the write");
    assert!(
        matches!(outcome, WriteOutcome::Applied { .. }),
        "{outcome:?}"
    );
    drop(store);
    // What an earlier release held: no Tonga accession, another note on a
    // shipped row, an older stockpile file, no Monitor figures file.
    tamper(
        &url,
        &[
            "DELETE FROM treaty_actions WHERE state = 'TON'",
            "UPDATE treaty_actions SET note = 'an older note' WHERE state = 'LTU' AND action = 'ratification'",
            "UPDATE data_files SET content = 'state,event,date,quantity,sources,note\n' WHERE name = 'stockpiles.csv'",
            "DELETE FROM data_files WHERE name = 'monitor_figures.csv'",
            "INSERT INTO treaty_actions (ord, state, action, date, bound_from, sources, note) VALUES (100000, 'ZZZ', 'signature', '1997-12-03', '', 'untc-2014', 'a row an earlier release shipped')",
        ],
    )
    .await;
    // (The stray ZZZ row stands for a row an earlier release shipped and
    // this one no longer does: the release removes it.)
    let store = Store::open(&url).await.expect("the older database opens");
    let SyncOutcome::Planned(plan) = store.sync(true).await.expect("dry run") else {
        panic!("a dry run plans");
    };
    let actions = plan
        .tables
        .iter()
        .find(|t| t.file == "treaty_actions.csv")
        .expect("the actions table");
    assert!(actions.added.iter().any(|r| r[0] == "TON"));
    assert!(
        actions
            .replaced
            .iter()
            .any(|(old, _)| old[5] == "an older note")
    );
    assert!(actions.removed.iter().any(|r| r[0] == "ZZZ"));
    assert!(
        actions
            .rows
            .iter()
            .any(|r| r[0] == "ARE" && r[5] == "entered by the team"),
        "the team's row stays"
    );
    assert!(plan.files.contains(&"stockpiles.csv".to_string()));
    assert!(plan.files.contains(&"monitor_figures.csv".to_string()));
    // The dry run changed nothing.
    assert!(matches!(
        store.sync(true).await.expect("dry run again"),
        SyncOutcome::Planned(_)
    ));
    let SyncOutcome::Applied {
        plan,
        audit,
        loaded,
        ..
    } = store.sync(false).await.expect("sync")
    else {
        panic!("the release applies");
    };
    assert!(plan.changes());
    let ton = minewatch_core::Iso3::parse("TON").expect("code");
    assert!(
        loaded.registry.actions_of(ton).count() > 0,
        "Tonga's accession is served"
    );
    let entries = store.audit().await.expect("audit");
    let sync = entries
        .iter()
        .find(|e| e.id == audit)
        .expect("the sync is audited");
    assert_eq!(
        (sync.kind.as_str(), sync.editor.as_str()),
        ("sync", "release")
    );
    assert!(sync.detail.contains("treaty_actions.csv: added TON"));
    // The team's row is still there; a second sync has nothing to do.
    let files = store.files().await.expect("files");
    assert!(files["treaty_actions.csv"].contains("entered by the team"));
    assert!(!files["treaty_actions.csv"].contains("ZZZ"));
    assert!(matches!(
        store.sync(false).await.expect("sync again"),
        SyncOutcome::Unchanged
    ));
}
