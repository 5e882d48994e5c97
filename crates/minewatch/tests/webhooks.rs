//! Webhooks across a crash: with the server's day set by the test (no
//! waiting on the calendar), Lithuania's withdrawal (effective 2025-12-27,
//! Art. 20(3)) is not sent on 2025-12-26; on 2025-12-27 it is POSTed to a
//! receiver on loopback, signed per Standard Webhooks; the server is killed
//! (SIGKILL) while the receiver holds that request unanswered, started
//! again, and the delivery is made once more with the same `webhook-id`
//! and body, and then stands `delivered` after two attempts. An edit's
//! `recorded` entry reaches its subscriber too. On SQLite, and on
//! PostgreSQL where `MINEWATCH_TEST_POSTGRES` names a server (CI does).

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use common::{Server, bin, call, editor, serve_with};

/// A request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    path: String,
    headers: BTreeMap<String, String>,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    fn entry(&self) -> String {
        self.json()["data"]["id"].as_str().unwrap_or("").to_string()
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Got> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split(' ').nth(1)?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let n: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; n];
    reader.read_exact(&mut body).ok()?;
    Some(Got {
        path,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// A receiver on loopback: every request goes to the channel; the first
/// whose entry id `hold` names is never answered (its connection is kept
/// open), every other one is answered 204.
fn receiver(hold: &'static str) -> (String, mpsc::Receiver<Got>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address").to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(got) = read_request(&mut stream) else {
                continue;
            };
            let entry = got.entry();
            let _ = tx.send(got);
            if entry == hold && held.is_empty() {
                held.push(stream);
            } else {
                let _ = stream.write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        }
    });
    (addr, rx)
}

/// The next request to `path` (others are kept for later), waiting at
/// most `secs` seconds (a bound against hanging, not a measure).
fn next_to(rx: &mpsc::Receiver<Got>, path: &str, secs: u64) -> Got {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let got = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("nothing POSTed to {path} in {secs} s"));
        if got.path == path {
            return got;
        }
    }
}

fn cli(url: &str, args: &[&str]) -> String {
    let out = bin()
        .args(args)
        .args(["--database", url])
        .output()
        .expect("the command runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn deliveries(url: &str, webhook: &str) -> Vec<serde_json::Value> {
    let out = cli(url, &["webhook", "deliveries", webhook, "--format", "json"]);
    serde_json::from_str::<Vec<serde_json::Value>>(&out).expect("JSON deliveries")
}

fn verified(got: &Got, secret: &str) -> bool {
    let ts: i64 = got
        .header("webhook-timestamp")
        .parse()
        .expect("a timestamp");
    minewatch_web::webhooks::verify(
        secret,
        got.header("webhook-id"),
        ts,
        &got.body,
        got.header("webhook-signature"),
    )
}

const WITHDRAWAL: &str = "urn:minewatch:took-effect:LTU:2025-12-27:withdrawal_effective";

fn on_day(url: &str, day: &str) -> Server {
    serve_with(url, &["--today", day, "--webhook-timeout", "2"])
}

fn a_withdrawal_reaches_its_subscriber_once_across_a_crash(url: &str) {
    let (addr, rx) = receiver(WITHDRAWAL);
    let added = cli(
        url,
        &[
            "webhook",
            "add",
            &format!("http://{addr}/lithuania"),
            "--state",
            "Lithuania",
            "--kind",
            "took_effect",
            "--since",
            "2025-12-01",
        ],
    );
    assert!(added.starts_with("webhook 1 added"), "{added}");
    let secret = added.lines().last().expect("the secret").trim().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let probe = cli(
        url,
        &[
            "webhook",
            "add",
            &format!("http://{addr}/edits"),
            "--kind",
            "recorded",
        ],
    );
    let probe_secret = probe.lines().last().expect("the secret").trim().to_string();
    let token = editor(url, "maintainer", "maintainer");

    // 2025-12-26: an edit's entry reaches the probe, so the worker has
    // queued what the day reached; the withdrawal is not among it.
    let server = on_day(url, "2025-12-26");
    let (code, body) = call(
        &server,
        "POST",
        "/api/v1/actions",
        Some(&token),
        r#"{"state": "USA", "action": "accession", "date": "2025-11-20", "sources": ["untc-2014"]}"#,
    );
    assert_eq!(code, 201, "{body}");
    let edit = next_to(&rx, "/edits", 20);
    assert!(verified(&edit, &probe_secret), "{edit:?}");
    assert_eq!(edit.json()["type"], "entry.recorded");
    assert_eq!(edit.json()["data"]["_minewatch"]["states"][0], "USA");
    let queued = deliveries(url, "1");
    assert!(
        queued.iter().all(|d| d["entry"] != WITHDRAWAL),
        "sent before its day: {queued:?}"
    );
    drop(server);

    // 2025-12-27: the withdrawal is POSTed; the receiver holds it while the
    // server is killed.
    let mut server = on_day(url, "2025-12-27");
    let first = loop {
        let got = next_to(&rx, "/lithuania", 20);
        if got.entry() == WITHDRAWAL {
            break got;
        }
    };
    assert!(verified(&first, &secret), "{first:?}");
    assert_eq!(first.json()["type"], "entry.took_effect");
    assert!(
        first.json()["data"]["content_text"]
            .as_str()
            .unwrap_or("")
            .contains("Art. 20(3)"),
        "{}",
        first.body
    );
    server.child.kill().expect("killed");
    let _ = server.child.wait();
    drop(server);

    // Started again: once the lease of the attempt in flight ends, the
    // delivery is made again, the same message.
    let server = on_day(url, "2025-12-27");
    let again = next_to(&rx, "/lithuania", 30);
    assert_eq!(again.entry(), WITHDRAWAL);
    assert_eq!(again.header("webhook-id"), first.header("webhook-id"));
    assert_eq!(again.body, first.body);
    assert!(verified(&again, &secret), "{again:?}");
    // Answered this time: delivered, after two attempts, and queued once.
    let mut stood = Vec::new();
    for _ in 0..200 {
        stood = deliveries(url, "1")
            .into_iter()
            .filter(|d| d["entry"] == WITHDRAWAL)
            .collect();
        if stood.first().is_some_and(|d| d["status"] == "delivered") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(stood.len(), 1, "{stood:?}");
    assert_eq!(stood[0]["status"], "delivered", "{stood:?}");
    assert_eq!(stood[0]["attempts"], 2, "{stood:?}");
    assert_eq!(stood[0]["message"], first.header("webhook-id"));
    // Nothing more comes for it: a later edit's entry reaches the probe
    // (a whole round of the worker later), and no third copy came.
    let (code, body) = call(
        &server,
        "POST",
        "/api/v1/actions",
        Some(&token),
        r#"{"state": "IND", "action": "accession", "date": "2025-12-20", "sources": ["untc-2014"]}"#,
    );
    assert_eq!(code, 201, "{body}");
    let later = next_to(&rx, "/edits", 20);
    assert_eq!(later.json()["data"]["_minewatch"]["states"][0], "IND");
    while let Ok(got) = rx.try_recv() {
        assert_ne!(got.entry(), WITHDRAWAL, "delivered a third time");
    }
}

#[test]
fn on_sqlite() {
    let dir = std::env::temp_dir().join(format!("minewatch-webhooks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let url = format!("sqlite://{}", dir.join("m.db").display());
    a_withdrawal_reaches_its_subscriber_once_across_a_crash(&url);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn on_postgres() {
    let Some(db) = common::Database::create("webhooks") else {
        return;
    };
    a_withdrawal_reaches_its_subscriber_once_across_a_crash(&db.url);
}
