//! The team's load test (run by `scripts/team-load-test.sh`, not by CI):
//! with two replicas A and B on one database, `N` edits one after another,
//! each a correction of one treaty action's note proposed through A by an
//! editor and approved through B by a reviewer, with the whole record in
//! the database. Prints the latency percentiles of proposing and of
//! approving, and how long A took to serve each approved edit (from B's
//! answer to the first `GET /api/v1/version` of A that shows it).
//!
//! With a maintainer's token it also subscribes a receiver on loopback to
//! the edits (`POST /api/v1/webhooks` on A) and prints how long each edit's
//! signed entry took to reach it (from B's answer to the POST's arrival;
//! either replica's worker may deliver it).
//!
//!   team_load A_ADDR B_ADDR EDITOR_TOKEN REVIEWER_TOKEN [N] [MAINTAINER_TOKEN]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A receiver on loopback: the arrival time and `webhook-id` of each POST,
/// each answered 204.
fn receiver() -> (String, mpsc::Receiver<(Instant, String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address").to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
                let (mut line, mut length, mut id) = (String::new(), 0usize, String::new());
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let l = line.trim_end().to_ascii_lowercase();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if let Some(v) = l.strip_prefix("webhook-id:") {
                        id = v.trim().to_string();
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let at = Instant::now();
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
                let _ = tx.send((at, id, String::from_utf8_lossy(&body).to_string()));
            });
        }
    });
    (addr, rx)
}

fn call(addr: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(addr).expect("a connection");
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(raw.as_bytes()).expect("sent");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("a reply");
    let (head, body) = reply.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let at = |p: f64| {
        let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
        samples[i].as_secs_f64() * 1000.0
    };
    println!(
        "{name}: n={} p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, a, b, editor, reviewer, rest @ ..] = args.as_slice() else {
        eprintln!("usage: team_load A_ADDR B_ADDR EDITOR_TOKEN REVIEWER_TOKEN [N]");
        std::process::exit(2);
    };
    let n: usize = rest.first().and_then(|n| n.parse().ok()).unwrap_or(100);
    let hook = rest.get(1).map(|maintainer| {
        let (addr, rx) = receiver();
        let body = format!(r#"{{"url": "http://{addr}/edits", "kind": "recorded"}}"#);
        let (status, made) = call(a, "POST", "/api/v1/webhooks", maintainer, &body);
        assert_eq!(status, 201, "{made}");
        rx
    });
    let (mut delivered, mut messages) = (Vec::new(), Vec::new());
    let mut row = serde_json::json!(["LTU", "ratification", "2003-05-12", "", "untc-2014", ""]);
    // Lithuania's ratification as the record holds it.
    let shipped = include_str!("../../../data/treaty_actions.csv")
        .lines()
        .find(|l| l.starts_with("LTU,ratification,"))
        .expect("Lithuania's ratification");
    row = serde_json::Value::Array(shipped.split(',').map(|c| c.into()).collect());
    let (mut propose, mut approve, mut seen) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let mut new = row.clone();
        new[5] = format!("load test edit {i}").into();
        let body = serde_json::json!({"kind": "correct", "file": "treaty_actions.csv", "row": row, "with": new, "comment": "load"}).to_string();
        let t = Instant::now();
        let (status, made) = call(a, "POST", "/api/v1/proposals", editor, &body);
        propose.push(t.elapsed());
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_i64().expect("an id");
        let t = Instant::now();
        let (status, done) = call(
            b,
            "POST",
            &format!("/api/v1/proposals/{id}/approve"),
            reviewer,
            "",
        );
        approve.push(t.elapsed());
        assert_eq!(status, 200, "{done}");
        let version = done["version"].as_u64().expect("applied");
        let t = Instant::now();
        loop {
            let (_, v) = call(a, "GET", "/api/v1/version", "", "");
            if v["version"].as_u64().unwrap_or(0) >= version {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "A never served version {version}"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        seen.push(t.elapsed());
        if let Some(rx) = &hook {
            let entry = format!("\"urn:minewatch:edit:{version}\"");
            loop {
                let (at, id, body) = rx
                    .recv_timeout(Duration::from_secs(10))
                    .unwrap_or_else(|_| panic!("edit {version} never reached the subscriber"));
                messages.push(id);
                if body.contains(&entry) {
                    delivered.push(at.duration_since(t));
                    break;
                }
            }
        }
        row = new;
    }
    percentiles("propose (POST /api/v1/proposals on A)", propose);
    percentiles(
        "approve (POST /api/v1/proposals/{id}/approve on B)",
        approve,
    );
    percentiles("replica A serves the approved edit", seen);
    if let Some(rx) = &hook {
        percentiles(
            "the webhook subscriber receives the edit's entry",
            delivered,
        );
        // Two replicas deliver from one database: each message once.
        std::thread::sleep(Duration::from_secs(2));
        messages.extend(rx.try_iter().map(|(_, id, _)| id));
        let all = messages.len();
        messages.sort_unstable();
        messages.dedup();
        println!(
            "webhook messages received: {all}, distinct: {}, received twice: {}",
            messages.len(),
            all - messages.len()
        );
    }
}
