//! The store's conformance suite: every case runs on SQLite and on
//! PostgreSQL, and must give the same answers on both. PostgreSQL is the
//! server named by `MINEWATCH_TEST_POSTGRES` (a URL whose user may create
//! databases; `.ci/run` starts Debian's PostgreSQL and sets it): each case
//! gets a database of its own, dropped at the end. Without the variable the
//! PostgreSQL half is skipped, except under CI, where it fails.

mod common;

use minewatch_web::{
    Actor, Attempt, Decision, Edit, Idempotency, NewAction, NewWebhook, Revision, Role, Store,
    StoreError, SyncOutcome, WriteOutcome,
};
use sqlx::Connection;

/// A database of a backend for one case, removed when dropped.
struct Db {
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<std::path::PathBuf>,
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.cleanup.take() {
            // Another runtime: the case's own has ended by now.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(&drop).execute(&mut c).await;
                    }
                });
            })
            .join();
        }
    }
}

fn sqlite(case: &str) -> Db {
    let (dir, url) = common::temp_url(case);
    Db {
        url,
        cleanup: None,
        _dir: Some(dir),
    }
}

/// A new PostgreSQL database, or `None` (with a note) when no server is
/// configured outside CI.
async fn postgres(case: &str) -> Option<Db> {
    let Ok(admin) = std::env::var("MINEWATCH_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the conformance suite on PostgreSQL: set MINEWATCH_TEST_POSTGRES"
        );
        eprintln!("{case}: PostgreSQL skipped (MINEWATCH_TEST_POSTGRES is not set)");
        return None;
    };
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("randomness");
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("mw_{}_{suffix}", case.replace('-', "_"));
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("MINEWATCH_TEST_POSTGRES={admin}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("a test database");
    let (base, _) = admin.rsplit_once('/').expect("a database URL");
    Some(Db {
        url: format!("{base}/{name}"),
        cleanup: Some((admin, name)),
        _dir: None,
    })
}

/// One `#[tokio::test]` per backend for each case.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let db = super::sqlite(stringify!($case));
                    super::$case(&db.url).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(db) = super::postgres(stringify!($case)).await {
                        super::$case(&db.url).await;
                    }
                }
            )*
        }
    };
}

conformance!(
    a_new_database_holds_this_release,
    editors_are_named_once_and_revoked,
    an_action_is_stored_audited_and_versioned,
    an_idempotency_key_answers_once,
    a_refused_action_stores_nothing,
    proposals_are_decided_by_another,
    two_processes_write_one_after_the_other,
    a_release_reaches_an_older_database,
    corrections_and_retractions_change_one_row,
    a_revised_proposal_loses_its_approvals,
    an_upgrade_keeps_the_teams_correction_and_proposes_the_shipped_row,
    a_correction_of_a_rows_key_is_not_undone_by_the_release,
    who_changed_a_proposal_or_saw_another_revision_does_not_approve_it,
    an_older_release_leaves_a_newer_database_alone,
    the_record_as_of_each_edit_is_rebuilt_from_the_log,
    webhooks_have_an_outbox_leases_and_retries,
    an_export_imports_with_its_history,
);

fn actor(name: &str) -> Actor {
    Actor {
        editor: name.into(),
        address: "127.0.0.1:1".into(),
    }
}

/// Queues entry `urn:e:9` with contents A, A, B, A; the message ids of
/// its deliveries, newest first.
async fn hook2_entry(store: &Store, webhook: i64, t: &dyn Fn(&str) -> String) -> Vec<String> {
    for content in ["A", "A", "B", "A"] {
        let q = (
            webhook,
            "urn:e:9".to_string(),
            content.to_string(),
            "{}".to_string(),
        );
        store
            .enqueue(&[q], None, &t("30:00"))
            .await
            .expect("queued");
    }
    store
        .deliveries(Some(webhook), 100)
        .await
        .expect("listed")
        .into_iter()
        .filter(|d| d.entry == "urn:e:9")
        .map(|d| d.message)
        .collect()
}

/// Stores an action as `max`, which must be applied.
async fn applied(store: &Store, action: &NewAction) {
    let written = store
        .add_action(&actor("max"), action, None, |id| format!("audit {id}"))
        .await
        .expect("stored");
    assert!(matches!(written, WriteOutcome::Applied { .. }));
}

/// A treaty action citing a source the record holds.
fn action(state: &str, kind: &str, date: &str, note: &str) -> NewAction {
    NewAction {
        row: [state, kind, date, "", "untc-2014", note]
            .map(String::from)
            .to_vec(),
        new_source: None,
    }
}

async fn a_new_database_holds_this_release(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let loaded = store.load().await.expect("the record loads");
    let shipped = minewatch_registry::EMBEDDED_FILES
        .iter()
        .find(|(n, _)| *n == "treaty_actions.csv")
        .map(|(_, t)| t.lines().count() - 1)
        .expect("the shipped actions");
    assert_eq!(
        store.action_count().await.expect("count"),
        i64::try_from(shipped).expect("a count")
    );
    assert!(loaded.registry.states().len() > 190);
    assert!(store.version().await.expect("version") >= 1);
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Unchanged
    ));
    // Opening again imports nothing twice.
    let again = Store::open(url).await.expect("reopens");
    assert_eq!(
        again.action_count().await.expect("count"),
        i64::try_from(shipped).expect("a count")
    );
    let dir = std::env::temp_dir().join(format!(
        "mw-export-{}-{}",
        std::process::id(),
        again.backend()
    ));
    assert_eq!(
        again.export(&dir).await.expect("export"),
        again.files().await.expect("files").len()
    );
    let exported = std::fs::read_to_string(dir.join("treaty_actions.csv")).expect("exported");
    assert_eq!(
        minewatch_registry::read_rows(&exported).expect("CSV"),
        minewatch_registry::read_rows(
            minewatch_registry::EMBEDDED_FILES
                .iter()
                .find(|(n, _)| *n == "treaty_actions.csv")
                .map(|(_, t)| *t)
                .expect("shipped")
        )
        .expect("CSV")
    );
    let _ = std::fs::remove_dir_all(dir);
}

async fn editors_are_named_once_and_revoked(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let token = store
        .add_editor_as("Ann", Role::Reviewer)
        .await
        .expect("ann");
    assert!(matches!(
        store.add_editor_as("ann", Role::Editor).await,
        Err(StoreError::NameTaken(n)) if n == "Ann"
    ));
    assert!(matches!(
        store.add_editor_as("=cmd", Role::Editor).await,
        Err(StoreError::BadName { .. })
    ));
    assert_eq!(
        store.editor_with_role(&token).await.expect("lookup"),
        Some(("Ann".to_string(), Role::Reviewer))
    );
    assert_eq!(store.editor_for("mw_wrong").await.expect("lookup"), None);
    store.add_editor("bob").await.expect("bob");
    let list = store.editors().await.expect("list");
    assert_eq!(
        list.iter()
            .map(|e| (e.name.as_str(), e.role))
            .collect::<Vec<_>>(),
        [("Ann", Role::Reviewer), ("bob", Role::Maintainer)]
    );
    store.revoke_editor("ANN").await.expect("revoked");
    assert_eq!(store.editor_for(&token).await.expect("lookup"), None);
    let first = store.editors().await.expect("list")[0].revoked.clone();
    assert!(first.is_some());
    store.revoke_editor("ann").await.expect("again");
    assert_eq!(store.editors().await.expect("list")[0].revoked, first);
    assert!(matches!(
        store.revoke_editor("carol").await,
        Err(StoreError::NoSuchEditor(_))
    ));
    let kinds: Vec<String> = store
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "editor_added",
            "editor_added",
            "editor_revoked",
            "editor_revoked"
        ]
    );
}

async fn an_action_is_stored_audited_and_versioned(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let before = store.version().await.expect("version");
    let count = store.action_count().await.expect("count");
    let mut new = action("ARE", "accession", "2026-01-15", "from the notification");
    new.new_source = Some(
        [
            "are-2026",
            "United Nations",
            "Depositary notification: United Arab Emirates, accession",
            "https://treaties.un.org/",
        ]
        .map(String::from)
        .to_vec(),
    );
    let outcome = store
        .add_action(&actor("max"), &new, None, |id| format!("audit {id}"))
        .await
        .expect("the write");
    let WriteOutcome::Applied {
        audit,
        version,
        loaded,
        body,
    } = outcome
    else {
        panic!("applied: {outcome:?}");
    };
    assert_eq!(version, before + 1);
    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(body, format!("audit {audit}"));
    assert_eq!(store.action_count().await.expect("count"), count + 1);
    let are = minewatch_core::Iso3::parse("ARE").expect("code");
    assert!(loaded.registry.actions_of(are).count() > 0);
    // What the store serves after reopening is what it acknowledged.
    let reopened = Store::open(url).await.expect("reopens");
    let files = reopened.files().await.expect("files");
    assert!(files["treaty_actions.csv"].contains("from the notification"));
    assert!(files["sources.csv"].contains("are-2026"));
    let audit_log = reopened.audit().await.expect("audit");
    let kinds: Vec<&str> = audit_log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["source", "action"]);
    assert_eq!(audit_log[1].id, audit);
    assert_eq!(audit_log[1].editor, "max");
    assert_eq!(audit_log[1].address, "127.0.0.1:1");
    assert_eq!(audit_log[1].source, "untc-2014");
}

async fn an_idempotency_key_answers_once(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let key = Idempotency {
        key: "k-1".into(),
        request_sha256: "aa".into(),
    };
    let new = action("ARE", "accession", "2026-01-15", "");
    let first = store
        .add_action(&actor("max"), &new, Some(&key), |id| {
            format!("{{\"audit\":{id}}}")
        })
        .await
        .expect("first");
    let WriteOutcome::Applied { body, .. } = first else {
        panic!("applied");
    };
    let again = store
        .add_action(&actor("max"), &new, Some(&key), |_| unreachable!())
        .await
        .expect("replay");
    assert!(matches!(again, WriteOutcome::Replayed { status: 201, body: b } if b == body));
    let other = Idempotency {
        key: "k-1".into(),
        request_sha256: "bb".into(),
    };
    assert!(matches!(
        store
            .add_action(&actor("max"), &new, Some(&other), |_| unreachable!())
            .await
            .expect("reuse"),
        WriteOutcome::KeyReused
    ));
    assert_eq!(
        store
            .audit()
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.kind == "action")
            .count(),
        1
    );
}

async fn a_refused_action_stores_nothing(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let version = store.version().await.expect("version");
    let count = store.action_count().await.expect("count");
    // A source the record does not hold.
    let mut bad = action("ARE", "accession", "2026-01-15", "");
    bad.row[4] = "no-such-source".into();
    let outcome = store
        .add_action(&actor("max"), &bad, None, |_| unreachable!())
        .await
        .expect("answered");
    let WriteOutcome::Refused(errors) = outcome else {
        panic!("refused: {outcome:?}");
    };
    assert!(errors.to_string().contains("no-such-source"), "{errors}");
    assert_eq!(store.action_count().await.expect("count"), count);
    assert_eq!(store.version().await.expect("version"), version);
    store
        .record_refusal(&actor(""), "POST /api/v1/actions", "no token")
        .await
        .expect("audited");
    let audit = store.audit().await.expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, "refused");
}

async fn proposals_are_decided_by_another(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let count = store.action_count().await.expect("count");
    let new = action("ARE", "accession", "2026-01-15", "");
    let id = store
        .propose(&actor("ann"), &new, "from the notification")
        .await
        .expect("stored")
        .expect("accepted by the rules");
    let pending = store.proposals(Some("pending")).await.expect("list");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, id);
    assert_eq!(pending[0].action, new.row);
    assert_eq!(pending[0].comment, "from the notification");
    assert_eq!(store.action_count().await.expect("count"), count);
    assert!(matches!(
        store
            .decide(&actor("ANN"), id, true, "")
            .await
            .expect("decided"),
        Decision::OwnProposal
    ));
    assert!(matches!(
        store
            .decide(&actor("rev"), 999, true, "")
            .await
            .expect("decided"),
        Decision::NotFound
    ));
    let Decision::Applied { version, .. } = store
        .decide(&actor("rev"), id, true, "")
        .await
        .expect("decided")
    else {
        panic!("applied");
    };
    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(store.action_count().await.expect("count"), count + 1);
    assert!(matches!(
        store.decide(&actor("rev"), id, false, "late").await.expect("decided"),
        Decision::AlreadyDecided(s) if s == "approved"
    ));
    // A rejected proposal stays, with its reason, and changes nothing.
    let other = action("USA", "accession", "2026-02-01", "");
    let rejected = store
        .propose(&actor("ann"), &other, "")
        .await
        .expect("stored")
        .expect("accepted");
    assert!(matches!(
        store
            .decide(&actor("rev"), rejected, false, "no source says so")
            .await
            .expect("decided"),
        Decision::Rejected
    ));
    assert_eq!(store.version().await.expect("version"), version);
    let shown = store.proposal(rejected).await.expect("read").expect("kept");
    assert_eq!(
        (
            shown.status.as_str(),
            shown.reason.as_str(),
            shown.decided_by.as_str()
        ),
        ("rejected", "no source says so", "rev")
    );
    assert_eq!(store.proposals(None).await.expect("list").len(), 2);
    assert_eq!(
        store.proposals(Some("approved")).await.expect("list").len(),
        1
    );
    let kinds: Vec<String> = store
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        ["proposed", "action", "approved", "proposed", "rejected"]
    );
}

async fn two_processes_write_one_after_the_other(url: &str) {
    // Two stores on one database stand for two server processes.
    let a = Store::open(url).await.expect("a");
    let b = Store::open(url).await.expect("b");
    let start = a.version().await.expect("version");
    let count = a.action_count().await.expect("count");
    let mut writes = Vec::new();
    // States outside the Convention, one accession each.
    for (i, state) in ["ARE", "USA", "CHN", "IND", "PAK", "EGY", "IRN", "SGP"]
        .into_iter()
        .enumerate()
    {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        writes.push(tokio::spawn(async move {
            let new = action(state, "accession", "2026-01-15", &format!("write {i}"));
            store
                .add_action(&actor("max"), &new, None, |id| id.to_string())
                .await
                .expect("the write")
        }));
    }
    let mut versions = Vec::new();
    for w in writes {
        match w.await.expect("joined") {
            WriteOutcome::Applied { version, .. } => versions.push(version),
            other => panic!("{other:?}"),
        }
    }
    versions.sort_unstable();
    // Every write was applied, each under a version of its own.
    assert_eq!(versions, (start + 1..=start + 8).collect::<Vec<_>>());
    assert_eq!(b.action_count().await.expect("count"), count + 8);
    assert_eq!(b.version().await.expect("version"), start + 8);
}

async fn a_release_reaches_an_older_database(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let team = action("ARE", "accession", "2026-01-15", "entered by the team");
    store
        .add_action(&actor("ann"), &team, None, |id| id.to_string())
        .await
        .expect("the write");
    // What an earlier release held: no Tonga accession, another note on a
    // shipped row, an older stockpile file.
    raw(
        url,
        &[
            "DELETE FROM treaty_actions WHERE state = 'TON'",
            "UPDATE treaty_actions SET note = 'an older note' WHERE state = 'LTU' AND action = 'ratification'",
            "UPDATE data_files SET content = 'state,event,date,quantity,sources,note\n' WHERE name = 'stockpiles.csv'",
        ],
    )
    .await;
    let store = Store::open(url).await.expect("reopens");
    let SyncOutcome::Planned(plan) = store.sync(true).await.expect("dry run") else {
        panic!("a dry run plans");
    };
    assert!(plan.files.contains(&"stockpiles.csv".to_string()));
    let before = store.version().await.expect("version");
    let SyncOutcome::Applied {
        version, loaded, ..
    } = store.sync(false).await.expect("sync")
    else {
        panic!("applied");
    };
    assert_eq!(version, before + 1);
    let ton = minewatch_core::Iso3::parse("TON").expect("code");
    assert!(loaded.registry.actions_of(ton).count() > 0);
    let files = store.files().await.expect("files");
    assert!(files["treaty_actions.csv"].contains("entered by the team"));
    assert!(!files["treaty_actions.csv"].contains("an older note"));
    assert!(matches!(
        store.sync(false).await.expect("again"),
        SyncOutcome::Unchanged
    ));
}

/// Runs statements on the database behind the store's back (what an
/// earlier release left).
async fn raw(url: &str, statements: &[&str]) {
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url)
            .await
            .expect("a connection");
        for sql in statements {
            sqlx::query(sql).execute(&mut c).await.expect(sql);
        }
    } else {
        let mut c = sqlx::SqliteConnection::connect(url)
            .await
            .expect("a connection");
        for sql in statements {
            sqlx::query(sql).execute(&mut c).await.expect(sql);
        }
    }
}

/// The shipped row of Lithuania's ratification.
async fn ltu_ratification(store: &Store) -> Vec<String> {
    let files = store.files().await.expect("files");
    minewatch_registry::read_rows(&files["treaty_actions.csv"])
        .expect("CSV")
        .into_iter()
        .find(|r| r[0] == "LTU" && r[1] == "ratification")
        .expect("Lithuania's ratification")
}

async fn corrections_and_retractions_change_one_row(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let count = store.action_count().await.expect("count");
    let old = ltu_ratification(&store).await;
    let mut new = old.clone();
    new[5] = "checked against the depositary notification".into();
    let correct = Edit::Correct {
        file: "treaty_actions.csv".into(),
        old: old.clone(),
        new: new.clone(),
    };
    let id = store
        .propose_edit(&actor("ann"), &correct, "a better note")
        .await
        .expect("stored")
        .expect("accepted");
    assert_eq!(
        store.proposal(id).await.expect("read").expect("kept").kind,
        "correct"
    );
    assert!(matches!(
        store
            .decide(&actor("rev"), id, true, "")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    assert_eq!(ltu_ratification(&store).await, new);
    assert_eq!(store.action_count().await.expect("count"), count);
    // The old row is gone: correcting it again is refused by the rules.
    let stale = store
        .propose_edit(&actor("ann"), &correct, "")
        .await
        .expect("answered");
    assert!(stale.is_err(), "a correction of a row no longer held");
    // A retraction removes exactly one row; a file kept whole cannot be
    // edited row by row.
    let mut are = action("ARE", "accession", "2026-01-15", "a mistake");
    store
        .add_action(&actor("max"), &are, None, |id| id.to_string())
        .await
        .expect("the write");
    let retract = Edit::Retract {
        file: "treaty_actions.csv".into(),
        old: std::mem::take(&mut are.row),
    };
    let id = store
        .propose_edit(&actor("ann"), &retract, "entered in error")
        .await
        .expect("stored")
        .expect("accepted");
    assert!(matches!(
        store
            .decide(&actor("rev"), id, true, "")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    assert_eq!(store.action_count().await.expect("count"), count);
    let whole = Edit::Add {
        file: "stockpiles.csv".into(),
        row: vec!["LTU".into()],
        new_source: None,
    };
    assert!(
        store
            .propose_edit(&actor("ann"), &whole, "")
            .await
            .expect("answered")
            .is_err()
    );
    let kinds: Vec<String> = store
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| k == "correction" || k == "retraction")
        .collect();
    assert_eq!(kinds, ["correction", "retraction"]);
}

async fn a_revised_proposal_loses_its_approvals(url: &str) {
    let store = Store::open(url).await.expect("a database");
    store.set_approvals_needed(2).await.expect("set");
    assert_eq!(store.approvals_needed().await.expect("read"), 2);
    let first = Edit::from_action(&action("ARE", "accession", "2026-01-15", ""));
    let id = store
        .propose_edit(&actor("ann"), &first, "")
        .await
        .expect("stored")
        .expect("accepted");
    let Decision::Approved { approvals, needed } = store
        .decide(&actor("rev"), id, true, "")
        .await
        .expect("decided")
    else {
        panic!("one approval of two");
    };
    assert_eq!((approvals, needed), (vec!["rev".to_string()], 2));
    // Approving twice counts once.
    assert!(matches!(
        store
            .decide(&actor("REV"), id, true, "")
            .await
            .expect("decided"),
        Decision::Approved { .. }
    ));
    // Changed after the approval: revision 2, no approvals.
    let second = Edit::from_action(&action("ARE", "accession", "2026-01-16", "the right day"));
    assert!(matches!(
        store
            .revise(&actor("bob"), Role::Editor, id, &second, "")
            .await
            .expect("answered"),
        Revision::NotProposer(p) if p == "ann"
    ));
    assert!(matches!(
        store
            .revise(&actor("ann"), Role::Editor, id, &second, "the right day")
            .await
            .expect("answered"),
        Revision::Revised { revision: 2 }
    ));
    let shown = store.proposal(id).await.expect("read").expect("kept");
    assert_eq!((shown.revision, shown.approvals.len()), (2, 0));
    assert_eq!(shown.action[2], "2026-01-16");
    let count = store.action_count().await.expect("count");
    assert!(matches!(
        store
            .decide(&actor("rev"), id, true, "")
            .await
            .expect("decided"),
        Decision::Approved { .. }
    ));
    assert_eq!(store.action_count().await.expect("count"), count);
    assert!(matches!(
        store
            .decide(&actor("sam"), id, true, "")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    assert_eq!(store.action_count().await.expect("count"), count + 1);
    assert!(matches!(
        store
            .revise(&actor("ann"), Role::Editor, id, &first, "")
            .await
            .expect("answered"),
        Revision::AlreadyDecided(_)
    ));
}

async fn an_upgrade_keeps_the_teams_correction_and_proposes_the_shipped_row(url: &str) {
    // A database of the earlier release, where the team corrected
    // Lithuania's ratification through a reviewed proposal.
    let store = Store::open(url).await.expect("a database");
    let shipped = ltu_ratification(&store).await;
    let mut team = shipped.clone();
    team[5] = "the team's reading of the notification".into();
    let id = store
        .propose_edit(
            &actor("ann"),
            &Edit::Correct {
                file: "treaty_actions.csv".into(),
                old: shipped.clone(),
                new: team.clone(),
            },
            "",
        )
        .await
        .expect("stored")
        .expect("accepted");
    store
        .decide(&actor("rev"), id, true, "")
        .await
        .expect("decided");
    // The same release again: the team's correction stands, unquestioned.
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Unchanged
    ));
    // The earlier release had no Tonga accession and another row for
    // Lithuania: this release adds the one and changes the other.
    let files = store.files().await.expect("files");
    let earlier: String = files["treaty_actions.csv"]
        .lines()
        .filter(|l| !l.starts_with("TON,"))
        .map(|l| {
            if l.starts_with("LTU,ratification,") {
                "LTU,ratification,2003-05-12,,untc-2014,an earlier release's note\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let set_baseline = format!(
        "UPDATE meta SET value = '{}' WHERE key = 'shipped:treaty_actions.csv'",
        earlier.replace('\'', "''")
    );
    raw(
        url,
        &[
            "DELETE FROM treaty_actions WHERE state = 'TON'",
            &set_baseline,
        ],
    )
    .await;
    let store = Store::open(url).await.expect("reopens");
    let SyncOutcome::Planned(plan) = store.sync(true).await.expect("dry run") else {
        panic!("a dry run plans");
    };
    assert_eq!(plan.proposed, 1);
    let SyncOutcome::Applied {
        loaded, proposals, ..
    } = store.sync(false).await.expect("sync")
    else {
        panic!("applied");
    };
    // The new action is served; the team's row is not overwritten.
    let ton = minewatch_core::Iso3::parse("TON").expect("code");
    assert!(loaded.registry.actions_of(ton).count() > 0);
    assert_eq!(ltu_ratification(&store).await, team);
    // A proposal by the release shows the shipped value, for review.
    assert_eq!(proposals.len(), 1);
    let proposal = store
        .proposal(proposals[0])
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        (
            proposal.kind.as_str(),
            proposal.proposer.as_str(),
            proposal.status.as_str()
        ),
        ("correct", "release", "pending")
    );
    assert_eq!(proposal.target.as_deref(), Some(team.as_slice()));
    assert_eq!(proposal.action, shipped);
    let sync = store
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .rfind(|e| e.kind == "sync")
        .expect("audited");
    assert!(
        sync.what.starts_with(&minewatch_web::release_name()),
        "{}",
        sync.what
    );
    // Started again: nothing new, no second proposal.
    assert!(matches!(
        store.sync(false).await.expect("again"),
        SyncOutcome::Unchanged
    ));
    // Approved by a reviewer, the shipped row replaces the team's.
    assert!(matches!(
        store
            .decide(&actor("rev"), proposals[0], true, "the release is right")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    assert_eq!(ltu_ratification(&store).await, shipped);
}

async fn a_correction_of_a_rows_key_is_not_undone_by_the_release(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let files = store.files().await.expect("files");
    let old = minewatch_registry::read_rows(&files["treaty_actions.csv"])
        .expect("CSV")
        .into_iter()
        .find(|r| r[0] == "ISL" && r[1] == "signature")
        .expect("Iceland's signature");
    let mut new = old.clone();
    new[2] = "1997-12-03".into();
    let id = store
        .propose_edit(
            &actor("ann"),
            &Edit::Correct {
                file: "treaty_actions.csv".into(),
                old: old.clone(),
                new: new.clone(),
            },
            "the date of signature",
        )
        .await
        .expect("stored")
        .expect("accepted");
    assert!(matches!(
        store
            .decide(&actor("rev"), id, true, "")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    // The shipped row's key (its date) is gone from the database: the
    // release does not bring it back, and proposes nothing.
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Unchanged
    ));
    let files = store.files().await.expect("files");
    let signatures: Vec<Vec<String>> = minewatch_registry::read_rows(&files["treaty_actions.csv"])
        .expect("CSV")
        .into_iter()
        .filter(|r| r[0] == "ISL" && r[1] == "signature")
        .collect();
    assert_eq!(signatures, vec![new]);
    assert!(
        store
            .proposals(Some("pending"))
            .await
            .expect("list")
            .is_empty()
    );
}

async fn who_changed_a_proposal_or_saw_another_revision_does_not_approve_it(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let first = Edit::from_action(&action("ARE", "accession", "2026-01-15", ""));
    let id = store
        .propose_edit(&actor("ann"), &first, "")
        .await
        .expect("stored")
        .expect("accepted");
    // A maintainer changes it: then they may not approve it.
    let second = Edit::from_action(&action("ARE", "accession", "2026-01-16", ""));
    assert!(matches!(
        store
            .revise(
                &actor("max"),
                Role::Maintainer,
                id,
                &second,
                "the right day"
            )
            .await
            .expect("answered"),
        Revision::Revised { revision: 2 }
    ));
    assert_eq!(
        store
            .proposal(id)
            .await
            .expect("read")
            .expect("kept")
            .authors,
        ["max"]
    );
    assert!(matches!(
        store
            .decide(&actor("Max"), id, true, "")
            .await
            .expect("decided"),
        Decision::OwnProposal
    ));
    // A reviewer who saw revision 1 decides nothing.
    assert!(matches!(
        store
            .decide_revision(&actor("rev"), id, Some(1), true, "")
            .await
            .expect("decided"),
        Decision::StaleRevision {
            seen: 1,
            current: 2
        }
    ));
    // With two approvals needed, a revoked reviewer's approval stops counting.
    store.set_approvals_needed(2).await.expect("set");
    let token = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    assert!(!token.is_empty());
    assert!(matches!(
        store
            .decide_revision(&actor("rev"), id, Some(2), true, "")
            .await
            .expect("decided"),
        Decision::Approved { .. }
    ));
    store.revoke_editor("rev").await.expect("revoked");
    let shown = store.proposal(id).await.expect("read").expect("kept");
    assert!(shown.approvals.is_empty(), "{:?}", shown.approvals);
    assert!(matches!(
        store
            .decide(&actor("sam"), id, true, "")
            .await
            .expect("decided"),
        Decision::Approved { .. }
    ));
}

async fn an_older_release_leaves_a_newer_database_alone(url: &str) {
    let store = Store::open(url).await.expect("a database");
    let version = store.version().await.expect("version");
    // A later release ran on this database, and shipped no Tonga accession.
    let later = minewatch_web::DATA_RELEASE + 1;
    raw(
        url,
        &[
            &format!("UPDATE meta SET value = '{later}' WHERE key = 'release_number'"),
            "DELETE FROM treaty_actions WHERE state = 'TON'",
        ],
    )
    .await;
    let store = Store::open(url).await.expect("reopens");
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Newer { database, .. } if database == later
    ));
    assert_eq!(store.version().await.expect("version"), version);
    let files = store.files().await.expect("files");
    assert!(!files["treaty_actions.csv"].contains("\nTON,"));
}

async fn the_record_as_of_each_edit_is_rebuilt_from_the_log(url: &str) {
    let store = Store::open(url).await.expect("a database");
    // The record after each edit, as the database served it then.
    let mut served = vec![(
        store.version().await.expect("version"),
        store.files().await.expect("files"),
    )];
    let remember = async |store: &Store, served: &mut Vec<_>| {
        served.push((
            store.version().await.expect("version"),
            store.files().await.expect("files"),
        ));
    };
    for (i, state) in ["ARE", "USA", "CHN"].into_iter().enumerate() {
        let mut new = action(state, "accession", "2026-01-15", &format!("edit {i}"));
        if i == 1 {
            new.new_source = Some(
                ["us-2026", "A publisher", "A title", "https://example.org/"]
                    .map(String::from)
                    .to_vec(),
            );
            new.row[4] = "untc-2014;us-2026".into();
        }
        store
            .add_action(&actor("max"), &new, None, |id| id.to_string())
            .await
            .expect("the write");
        remember(&store, &mut served).await;
    }
    let ltu = ltu_ratification(&store).await;
    let mut corrected = ltu.clone();
    corrected[5] = "a corrected note".into();
    for edit in [
        Edit::Correct {
            file: "treaty_actions.csv".into(),
            old: ltu,
            new: corrected,
        },
        Edit::Retract {
            file: "treaty_actions.csv".into(),
            old: action("USA", "accession", "2026-01-15", "edit 1")
                .row
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 4 {
                        "untc-2014;us-2026".to_string()
                    } else {
                        c
                    }
                })
                .collect(),
        },
    ] {
        let id = store
            .propose_edit(&actor("ann"), &edit, "")
            .await
            .expect("stored")
            .expect("accepted");
        assert!(matches!(
            store
                .decide(&actor("rev"), id, true, "")
                .await
                .expect("decided"),
            Decision::Applied { .. }
        ));
        remember(&store, &mut served).await;
    }
    // A release rewriting a table.
    raw(url, &["DELETE FROM treaty_actions WHERE state = 'TON'"]).await;
    let store = Store::open(url).await.expect("reopens");
    assert!(matches!(
        store.sync(false).await.expect("sync"),
        SyncOutcome::Applied { .. }
    ));
    remember(&store, &mut served).await;
    let log = store.edit_log().await.expect("the log");
    assert_eq!(log[0].kind, "snapshot");
    assert_eq!(
        log.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        [
            "snapshot",
            "action",
            "action",
            "action",
            "correction",
            "retraction",
            "sync"
        ]
    );
    for (version, files) in &served {
        let rebuilt = store.files_as_of(*version).await.expect("rebuilt");
        assert_eq!(&rebuilt, files, "version {version}");
        let loaded = store.load_as_of(*version).await.expect("loads");
        let are = minewatch_core::Iso3::parse("ARE").expect("code");
        let on = jiff::civil::date(2026, 12, 1);
        let expected = if files["treaty_actions.csv"].contains("\nARE,") {
            "party"
        } else {
            "non_signatory"
        };
        assert_eq!(
            loaded.registry.status_on(are, on).map(|s| s.as_str()),
            Some(expected),
            "version {version}"
        );
    }
    // as_of by edit id and by time, and outside the log.
    assert_eq!(
        store
            .resolve_as_of(&log[2].version.to_string())
            .await
            .expect("read"),
        Ok(log[2].version)
    );
    assert_eq!(
        store.resolve_as_of(&log[3].at).await.expect("read"),
        Ok(log[3].version)
    );
    assert!(store.resolve_as_of("0").await.expect("read").is_err());
    assert!(
        store
            .resolve_as_of(&(log[6].version + 1).to_string())
            .await
            .expect("read")
            .is_err()
    );
}

/// The outbox is written with each edit (and not with a refused one); a
/// message is queued once per webhook; a claimed delivery is leased (not
/// claimed again until its lease ends, as after a crash), retried when it
/// is due, delivered once answered; a removed webhook's pending deliveries
/// are cancelled; a delivery with no attempts left is failed.
async fn webhooks_have_an_outbox_leases_and_retries(url: &str) {
    let store = Store::open(url).await.expect("opens");
    let first = store.outbox().await.expect("the outbox");
    assert_eq!(first.len(), 1, "the first snapshot: {first:?}");
    let hook = store
        .add_webhook(
            &actor("max"),
            &NewWebhook {
                url: "http://127.0.0.1:9/hook".into(),
                states: vec!["LTU".into()],
                group: None,
                kinds: vec!["took_effect".into()],
                since: "2025-12-01".into(),
            },
        )
        .await
        .expect("added");
    assert!(
        hook.secret
            .as_deref()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    assert_eq!(hook.states, ["LTU"]);
    let listed = store.webhooks().await.expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].secret, None, "a secret is shown once");
    applied(&store, &action("USA", "accession", "2025-11-20", "")).await;
    let refused = store
        .add_action(
            &actor("max"),
            &action("IND", "withdrawal", "2025-11-20", ""),
            None,
            |id| format!("audit {id}"),
        )
        .await
        .expect("refused, not failed");
    assert!(matches!(refused, WriteOutcome::Refused(_)));
    let outbox = store.outbox().await.expect("the outbox");
    assert_eq!(outbox.len(), 2, "one more, for the stored edit: {outbox:?}");
    let version = store.version().await.expect("version");
    assert_eq!(outbox.last(), Some(&version));

    let t = |s: &str| format!("2026-01-01T00:{s}Z");
    // A clock that reads one time (claims lease for 12 seconds).
    let at = |s: &str| {
        let time: jiff::Timestamp = format!("2026-01-01T00:{s}Z").parse().expect("a time");
        move || time
    };
    let msg = (
        hook.id,
        "urn:e:1".to_string(),
        "content A".to_string(),
        "{}".to_string(),
    );
    assert_eq!(
        store
            .enqueue(std::slice::from_ref(&msg), Some(version), &t("00:00"))
            .await
            .expect("queued"),
        1
    );
    assert_eq!(
        store
            .enqueue(&[msg], None, &t("00:00"))
            .await
            .expect("again"),
        0
    );
    assert!(store.outbox().await.expect("the outbox").is_empty());

    let claimed = store.claim(&at("00:00"), 12, 10).await.expect("claimed");
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].attempts, claimed[0].payload.as_str()),
        (1, "{}")
    );
    // Leased: not claimed again until the lease ends (a worker that died
    // mid-attempt), then taken over.
    assert!(
        store
            .claim(&at("00:11"), 12, 10)
            .await
            .expect("read")
            .is_empty()
    );
    let taken = store.claim(&at("00:12"), 12, 10).await.expect("taken over");
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 2);
    // The first worker's late answer does not overwrite the second's claim.
    store
        .finish(
            &claimed[0],
            &Attempt::Delivered { status: 200 },
            &t("00:13"),
        )
        .await
        .expect("ignored");
    let now = store.deliveries(Some(hook.id), 10).await.expect("listed");
    assert_eq!((now[0].status.as_str(), now[0].attempts), ("pending", 2));
    assert_eq!(store.next_due().await.expect("read"), Some(t("00:24")));
    let retry = Attempt::Failed {
        status: Some(503),
        error: "answered 503".into(),
        due: Some(t("01:00")),
    };
    store
        .finish(&taken[0], &retry, &t("00:13"))
        .await
        .expect("finished");
    assert!(
        store
            .claim(&at("00:30"), 12, 10)
            .await
            .expect("read")
            .is_empty()
    );
    let again = store.claim(&at("01:00"), 12, 10).await.expect("due");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 3);
    assert_eq!(again[0].last_status, Some(503));
    store
        .finish(&again[0], &Attempt::Delivered { status: 204 }, &t("01:01"))
        .await
        .expect("finished");
    let listed = store.deliveries(Some(hook.id), 10).await.expect("listed");
    assert_eq!(listed[0].status, "delivered");
    assert_eq!(listed[0].delivered_at.as_deref(), Some(t("01:01").as_str()));
    assert_eq!(listed[0].last_status, Some(204));
    assert!(
        store
            .claim(&at("59:00"), 12, 10)
            .await
            .expect("read")
            .is_empty()
    );

    // No attempts left: failed.
    let b = (
        hook.id,
        "urn:e:2".to_string(),
        "content B".to_string(),
        "{}".to_string(),
    );
    store
        .enqueue(&[b], None, &t("02:00"))
        .await
        .expect("queued");
    let got = store.claim(&at("02:00"), 12, 10).await.expect("claimed");
    let last = Attempt::Failed {
        status: None,
        error: "refused".into(),
        due: None,
    };
    store
        .finish(&got[0], &last, &t("02:01"))
        .await
        .expect("finished");
    // Removed: its pending deliveries are cancelled, none is claimed.
    let c = (
        hook.id,
        "urn:e:3".to_string(),
        "content C".to_string(),
        "{}".to_string(),
    );
    store
        .enqueue(&[c], None, &t("03:00"))
        .await
        .expect("queued");
    assert!(
        store
            .revoke_webhook(&actor("max"), hook.id)
            .await
            .expect("removed")
    );
    assert!(
        !store
            .revoke_webhook(&actor("max"), hook.id)
            .await
            .expect("once")
    );
    // Nothing is queued for a removed webhook (a relay that read it before).
    let d = (
        hook.id,
        "urn:e:4".to_string(),
        "content D".to_string(),
        "{}".to_string(),
    );
    assert_eq!(
        store.enqueue(&[d], None, &t("04:00")).await.expect("none"),
        0
    );
    assert_eq!(store.next_due().await.expect("read"), None);
    assert!(
        store
            .claim(&at("59:00"), 12, 10)
            .await
            .expect("read")
            .is_empty()
    );
    let by_entry: std::collections::BTreeMap<String, String> = store
        .deliveries(None, 10)
        .await
        .expect("listed")
        .into_iter()
        .map(|d| (d.entry, d.status))
        .collect();
    assert_eq!(by_entry["urn:e:1"], "delivered");
    assert_eq!(by_entry["urn:e:2"], "failed");
    assert_eq!(by_entry["urn:e:3"], "cancelled");
    let kinds: Vec<String> = store
        .audit()
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.kind)
        .filter(|k| k.starts_with("webhook"))
        .collect();
    assert_eq!(kinds, ["webhook_added", "webhook_removed"]);
    let second = store
        .add_webhook(
            &actor("max"),
            &NewWebhook {
                url: "http://127.0.0.1:9/second".into(),
                states: Vec::new(),
                group: None,
                kinds: Vec::new(),
                since: "2025-12-01".into(),
            },
        )
        .await
        .expect("added");
    // An entry sent again only when its content changes, even back to
    // what it was: A, A (nothing), B, A — three messages, three ids.
    let other = hook2_entry(&store, second.id, &t).await;
    assert_eq!(other.len(), 3, "{other:?}");
    assert_eq!(
        other
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );
}

/// A deployment exported (from SQLite) and imported into a new database of
/// the case's backend keeps its record, its edit log (the record as of
/// every edit), its audit trail and what the team wrote (a data sync after
/// it changes nothing); a second import, a broken log line and a log that
/// does not rebuild the files are refused, naming where, with nothing
/// written.
async fn an_export_imports_with_its_history(url: &str) {
    let (source_dir, source_url) = common::temp_url("export-source");
    let source = Store::open(&source_url).await.expect("the source");
    applied(
        &source,
        &action("USA", "accession", "2025-11-20", "from the notification"),
    )
    .await;
    let old = ltu_ratification(&source).await;
    let mut new = old.clone();
    new[5] = "checked against the depositary notification".into();
    let correct = Edit::Correct {
        file: "treaty_actions.csv".into(),
        old,
        new,
    };
    let id = source
        .propose_edit(&actor("ann"), &correct, "a better note")
        .await
        .expect("stored")
        .expect("accepted");
    assert!(matches!(
        source
            .decide(&actor("rev"), id, true, "")
            .await
            .expect("decided"),
        Decision::Applied { .. }
    ));
    let (out, _) = common::temp_url("export");
    source.export(&out).await.expect("exported");
    source.export_log(&out).await.expect("the log");
    source.export_history(&out).await.expect("the history");

    // Broken exports are refused, naming where; nothing is written.
    let target = Store::open_empty(url).await.expect("opens");
    let log_path = out.join("edit-log.jsonl");
    let good = std::fs::read_to_string(&log_path).expect("the log");
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let kept = lines[1].clone();
    lines[1] = kept.replacen("\"editor\"", "\"editr\"", 1);
    std::fs::write(&log_path, lines.join("\n")).expect("written");
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(e.to_string().contains("edit-log.jsonl:2:"), "{e}");
    assert!(e.to_string().contains("editr"), "{e}");
    lines[1] = kept;
    lines.pop();
    std::fs::write(&log_path, lines.join("\n")).expect("written");
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(
        e.to_string().contains("differs from treaty_actions.csv"),
        "{e}"
    );
    // An edit that does not apply, though the last snapshot is fine: the
    // second line corrects a row nobody held.
    let mut edit: serde_json::Value =
        serde_json::from_str(good.lines().nth(1).expect("2 lines")).expect("JSON");
    edit["changes"][0]["old"] =
        serde_json::json!(["ZZZ", "accession", "2020-01-01", "", "untc-2014", ""]);
    let mut broken: Vec<String> = good.lines().map(str::to_string).collect();
    broken[1] = edit.to_string();
    std::fs::write(&log_path, broken.join("\n")).expect("written");
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(e.to_string().contains("edit-log.jsonl:2:"), "{e}");
    std::fs::write(&log_path, &good).expect("restored");
    // Edits naming audit records the trail lacks; bookkeeping out of range.
    let audit_path = out.join("audit.jsonl");
    let trail = std::fs::read_to_string(&audit_path).expect("the trail");
    std::fs::remove_file(&audit_path).expect("removed");
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(e.to_string().contains("no audit.jsonl"), "{e}");
    std::fs::write(&audit_path, &trail).expect("restored");
    let meta_path = out.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).expect("the bookkeeping");
    let mut bad: serde_json::Value = serde_json::from_str(&meta).expect("JSON");
    bad["approvals_needed"] = "0".into();
    std::fs::write(&meta_path, bad.to_string()).expect("written");
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(e.to_string().contains("approvals_needed"), "{e}");
    std::fs::write(&meta_path, &meta).expect("restored");

    let done = target.import_dir(&out).await.expect("imported");
    assert_eq!(done.version, source.version().await.expect("v"));
    assert_eq!(
        target.files().await.expect("files"),
        source.files().await.expect("files")
    );
    let (log_a, log_b) = (
        source.edit_log().await.expect("log"),
        target.edit_log().await.expect("log"),
    );
    assert_eq!(log_a, log_b);
    for e in &log_a {
        assert_eq!(
            target.files_as_of(e.version).await.expect("rebuilt"),
            source.files_as_of(e.version).await.expect("rebuilt"),
            "version {}",
            e.version
        );
    }
    let (a, b) = (
        source.audit().await.expect("audit"),
        target.audit().await.expect("audit"),
    );
    assert_eq!(b[..a.len()], a[..]);
    assert_eq!(b.last().map(|x| x.kind.as_str()), Some("imported"));
    assert_eq!(
        b.last().map(|x| x.id),
        a.last().map(|x| x.id + 1),
        "ids go on after the carried ones"
    );
    // What the team wrote stays the team's: the release has nothing to do.
    assert!(matches!(
        target.sync(true).await.expect("planned"),
        SyncOutcome::Unchanged
    ));
    // The database now holds a record: a second import is refused.
    let e = target.import_dir(&out).await.expect_err("refused");
    assert!(e.to_string().contains("already holds a record"), "{e}");
    // Opened as usual, it serves the imported record and goes on logging.
    drop(target);
    let reopened = Store::open(url).await.expect("reopens");
    assert_eq!(
        reopened.edit_log().await.expect("log"),
        source.edit_log().await.expect("log"),
        "no new snapshot: the log reaches the record's version"
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&source_dir);
}
