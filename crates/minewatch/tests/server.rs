//! The server as a process: it starts, answers, and a crash in the middle of
//! an edit leaves the database as it was before the edit.

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
    let mut command = bin();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
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
    let _ = std::fs::remove_dir_all(dir);
}
