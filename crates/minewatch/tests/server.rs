//! The server as a process: it starts, answers, and a crash in the middle of
//! an edit leaves the database as it was before the edit.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
}

fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("minewatch-server-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let url = format!("sqlite://{}", dir.join("m.db").display());
    (dir, url)
}

/// Starts `minewatch serve` on a free port; returns the child and its address.
fn start(url: &str, fault: bool) -> (std::process::Child, String) {
    start_with(url, fault, &[])
}

fn start_with(url: &str, fault: bool, extra: &[&str]) -> (std::process::Child, String) {
    let mut command = bin();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if fault {
        command.env("MINEWATCH_FAULT_BEFORE_COMMIT", "1");
    }
    let mut child = command.spawn().expect("the server starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected: {line}"))
        .to_string();
    (child, addr)
}

fn request(addr: &str, raw: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("a connection");
    stream.write_all(raw.as_bytes()).expect("sent");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

#[test]
fn serves_and_answers() {
    let (dir, url) = temp_db("serves");
    let (mut child, addr) = start(&url, false);
    let reply = request(
        &addr,
        "GET /api/v1/parties?on=2025-01-17 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"count\": 164"));
    // Ctrl-C (SIGINT) stops it cleanly: exit status 0.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let status = child.wait().expect("the server ends");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_crash_during_an_edit_leaves_the_database_as_it_was() {
    let (dir, url) = temp_db("crash");
    a_crash_leaves_the_database(&dir, &url);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_crash_during_an_edit_leaves_a_postgresql_database_as_it_was() {
    let Some(db) = common::Database::create("crash") else {
        return;
    };
    let (dir, _) = temp_db("crash-postgres");
    a_crash_leaves_the_database(&dir, &db.url);
    let _ = std::fs::remove_dir_all(dir);
}

fn a_crash_leaves_the_database(dir: &std::path::Path, url: &str) {
    let url = url.to_string();
    let output = bin()
        .args(["editor", "add", "alice", "--database", &url])
        .output()
        .expect("editor add runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let token = stdout.lines().last().expect("the token").trim().to_string();
    let before = bin()
        .args([
            "export",
            &dir.join("before").display().to_string(),
            "--database",
            &url,
        ])
        .output()
        .expect("export runs");
    assert!(before.status.success());

    // The server dies (abort) after writing the edit and its audit record
    // but before the commit.
    let (mut child, addr) = start(&url, true);
    let body = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let raw = format!(
        "POST /api/v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let reply = request(&addr, &raw);
    assert!(!reply.contains("201"), "the edit must not succeed: {reply}");
    let status = child.wait().expect("the server ends");
    assert!(!status.success(), "the server was meant to crash");

    // Nothing of the edit is in the database: the files are as before.
    let after = bin()
        .args([
            "export",
            &dir.join("after").display().to_string(),
            "--database",
            &url,
        ])
        .output()
        .expect("export runs");
    assert!(after.status.success());
    for (name, _) in minewatch_registry::EMBEDDED_FILES {
        let a = std::fs::read_to_string(dir.join("before").join(name)).expect("before");
        let b = std::fs::read_to_string(dir.join("after").join(name)).expect("after");
        assert!(a == b, "{name} changed");
    }
    let audit = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let store = minewatch_web::Store::open(&url)
                .await
                .expect("the database opens");
            store.audit().await.expect("the audit")
        });
    // The trail holds the editor's creation and nothing of the edit.
    let kinds: Vec<&str> = audit.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["editor_added"], "{audit:?}");
}

/// Reads until the server closes the connection; what it sent.
fn read_until_closed(stream: &mut TcpStream) -> Result<String, std::io::Error> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for the child to end, for at most `secs`; kills it after that.
fn wait_at_most(child: &mut std::process::Child, secs: u64) -> Option<std::process::ExitStatus> {
    for _ in 0..secs * 20 {
        if let Some(status) = child.try_wait().expect("a status") {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn idle_and_slow_connections_are_closed_and_the_cap_answers_503() {
    let (dir, url) = temp_db("limits");
    let (mut child, addr) = start_with(
        &url,
        false,
        &[
            "--header-timeout",
            "3",
            "--idle-timeout",
            "3",
            "--max-connections",
            "3",
        ],
    );
    // An idle connection and one that never finishes its headers are closed
    // by the server (the read ends, it does not time out here).
    let mut idle = TcpStream::connect(&addr).expect("a connection");
    let mut slow = TcpStream::connect(&addr).expect("a connection");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .expect("sent");
    assert!(
        read_until_closed(&mut idle).is_ok(),
        "the idle connection stayed open"
    );
    assert!(
        read_until_closed(&mut slow).is_ok(),
        "the slow one stayed open"
    );
    // Three held connections fill the cap (once the closed ones have given
    // theirs back): a fourth is told to come back.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&addr).expect("a connection"))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut over = TcpStream::connect(&addr).expect("a connection");
    let reply = read_until_closed(&mut over).expect("an answer");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("Retry-After"), "{reply}");
    assert!(reply.contains("\"code\":\"busy\""), "{reply}");
    drop(held);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let reply = request(
        &addr,
        "GET /api/v1/states/LTU HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    signal(&child, "-INT");
    assert!(wait_at_most(&mut child, 20).is_some_and(|s| s.success()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sigterm_with_a_partial_request_open_stops_within_the_deadline() {
    let (dir, url) = temp_db("sigterm");
    let (mut child, addr) = start_with(
        &url,
        false,
        &[
            "--header-timeout",
            "600",
            "--idle-timeout",
            "600",
            "--shutdown-deadline",
            "1",
        ],
    );
    let mut partial = TcpStream::connect(&addr).expect("a connection");
    partial
        .write_all(b"POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .expect("sent");
    std::thread::sleep(std::time::Duration::from_millis(200));
    signal(&child, "-TERM");
    let status = wait_at_most(&mut child, 30).expect("the server stops after SIGTERM");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// One JSON shape per concept: the command line's status is the API's.
#[test]
fn the_cli_and_the_api_give_one_shape() {
    let (dir, url) = temp_db("shape");
    let (mut child, addr) = start(&url, false);
    for (cli, api) in [
        (
            vec!["status", "LTU", "--on", "2026-01-01", "--format", "json"],
            "/api/v1/states/LTU?on=2026-01-01",
        ),
        (
            vec!["status", "UKR", "--on", "2026-11-28", "--format", "json"],
            "/api/v1/states/UKR?on=2026-11-28",
        ),
        (
            vec!["figures", "--on", "2021-10-01", "--format", "json"],
            "/api/v1/figures?on=2021-10-01",
        ),
        (
            vec![
                "changes",
                "--from",
                "2025-01-17",
                "--to",
                "2026-11-28",
                "--group",
                "NATO",
                "--format",
                "json",
            ],
            "/api/v1/changes?from=2025-01-17&to=2026-11-28&group=NATO",
        ),
        (
            vec![
                "changes",
                "--from",
                "2025-01-17",
                "--to",
                "2026-11-28",
                "--kind",
                "status,figure",
                "--format",
                "json",
            ],
            "/api/v1/changes?from=2025-01-17&to=2026-11-28&kind=status,figure",
        ),
    ] {
        let out = bin().args(&cli).output().expect("the command runs");
        assert!(out.status.success());
        let from_cli: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("JSON from the command line");
        let reply = request(
            &addr,
            &format!("GET {api} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        );
        let body = reply.split("\r\n\r\n").nth(1).expect("a body");
        let from_api: serde_json::Value = serde_json::from_str(body).expect("JSON from the API");
        assert_eq!(from_cli, from_api, "{api}");
    }
    signal(&child, "-INT");
    assert!(wait_at_most(&mut child, 20).is_some());
    let _ = std::fs::remove_dir_all(dir);
}

/// Sends one edit; whether the server acknowledged it (201).
fn post_action(addr: &str, token: &str, note: &str) -> bool {
    let body = format!(
        r#"{{"state": "UKR", "action": "suspension", "date": "2026-01-15", "sources": ["untc-2014"], "note": "{note}"}}"#
    );
    let raw = format!(
        "POST /api/v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    if stream.write_all(raw.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 201")
}

/// kill -9 while three clients write: after a restart every acknowledged
/// edit is there with its audit record, and the record loads (nothing
/// partial). `MINEWATCH_CRASH_TRIALS` sets the number of trials (3 here;
/// `scripts/crash-suite.sh` runs 100).
#[test]
fn kill_9_during_concurrent_writes_loses_nothing_acknowledged() {
    let trials: usize = std::env::var("MINEWATCH_CRASH_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(3);
    let (dir, url) = temp_db("kill9");
    let output = bin()
        .args(["editor", "add", "writer", "--database", &url])
        .output()
        .expect("editor add runs");
    assert!(output.status.success());
    let token = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .expect("the token")
        .trim()
        .to_string();
    let mut acknowledged: Vec<String> = Vec::new();
    for trial in 0..trials {
        let (mut child, addr) = start(&url, false);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writers: Vec<_> = (0..3)
            .map(|w| {
                let (addr, token, stop) = (addr.clone(), token.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut acked = Vec::new();
                    let mut i = 0;
                    while !stop.load(std::sync::atomic::Ordering::SeqCst) && i < 400 {
                        let note = format!("crash {trial} {w} {i}");
                        if post_action(&addr, &token, &note) {
                            acked.push(note);
                        }
                        i += 1;
                    }
                    acked
                })
            })
            .collect();
        // A different moment of the writes each trial.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        std::thread::sleep(std::time::Duration::from_millis(
            100 + u64::from(nanos % 400),
        ));
        signal(&child, "-KILL");
        let _ = child.wait();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        for w in writers {
            acknowledged.extend(w.join().expect("a writer ends"));
        }
    }
    let (files, audit) = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let store = minewatch_web::Store::open(&url)
                .await
                .expect("the database opens after the crashes");
            store.load().await.expect("the record loads whole");
            (
                store.files().await.expect("the files"),
                store.audit().await.expect("the audit"),
            )
        });
    let actions = &files["treaty_actions.csv"];
    for note in &acknowledged {
        assert!(
            actions.contains(&format!(",{note}\n")) || actions.contains(&format!(",{note}\r\n")),
            "acknowledged and lost: {note}"
        );
    }
    // Every stored edit has its audit record, and no audit record is of an
    // edit that is not stored.
    let stored = actions.matches(",crash ").count();
    let audited = audit
        .iter()
        .filter(|e| e.kind == "action" && e.what.contains(",crash "))
        .count();
    assert_eq!(stored, audited);
    assert!(stored >= acknowledged.len());
    assert!(!acknowledged.is_empty(), "no write was acknowledged");
    eprintln!(
        "{trials} kill -9 trials: {} writes acknowledged, {stored} stored, all acknowledged present",
        acknowledged.len()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_cli_answers_from_the_record_as_of_an_edit() {
    let (dir, url) = temp_db("as-of");
    let output = bin()
        .args(["editor", "add", "max", "--database", &url])
        .output()
        .expect("editor add runs");
    let token = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .expect("the token")
        .trim()
        .to_string();
    let (mut child, addr) = start(&url, false);
    let body = r#"{"state": "USA", "action": "accession", "date": "2026-11-20", "sources": ["untc-2014"]}"#;
    let raw = format!(
        "POST /api/v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    assert!(request(&addr, &raw).starts_with("HTTP/1.1 201"));
    signal(&child, "-INT");
    assert!(wait_at_most(&mut child, 20).is_some());
    let status = |as_of: &str| {
        let out = bin()
            .args([
                "status",
                "USA",
                "--on",
                "2027-06-01",
                "--format",
                "json",
                "--as-of",
                as_of,
            ])
            .env("DATABASE_URL", &url)
            .output()
            .expect("status runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, before, note) = status("1");
    assert_eq!(code, Some(0), "{note}");
    assert!(before.contains("\"status\": \"non_signatory\""), "{before}");
    assert!(note.contains("after edit 1"));
    let (_, after, _) = status("2");
    assert!(after.contains("\"status\": \"party\""), "{after}");
    let (code, _, error) = status("99");
    assert_eq!(code, Some(2));
    assert!(error.contains("outside the log"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}
