//! What the process tests share: a PostgreSQL database of their own on the
//! server `MINEWATCH_TEST_POSTGRES` names (`.ci/run` starts Debian's
//! PostgreSQL and sets it), made with `psql` and dropped afterwards.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A new database on the test server, dropped when the guard is.
pub struct Database {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl Database {
    /// A new database for `case`, or `None` (with a note) when no server
    /// is configured, which CI does not allow.
    pub fn create(case: &str) -> Option<Database> {
        let Ok(admin) = std::env::var("MINEWATCH_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run {case} on PostgreSQL: set MINEWATCH_TEST_POSTGRES"
            );
            eprintln!("{case}: PostgreSQL skipped (MINEWATCH_TEST_POSTGRES is not set)");
            return None;
        };
        let name = format!(
            "mw_{case}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        psql(&admin, &format!("CREATE DATABASE {name}"));
        let (base, _) = admin.rsplit_once('/').expect("a database URL");
        Some(Database {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &self.admin,
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

/// Runs one statement with `psql`.
pub fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The program under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
}

/// A server process, stopped when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(url: &str) -> Server {
    serve_with(url, &[])
}

/// A server on `url` with more options of `minewatch serve`.
pub fn serve_with(url: &str, extra: &[&str]) -> Server {
    let child = bin()
        .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    // Dropped (and so killed and waited for) on every path from here.
    let mut server = Server {
        child,
        addr: String::new(),
    };
    let stdout = server.child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            reader.read_line(&mut line).expect("a line") > 0,
            "no address"
        );
        if let Some(addr) = line.trim().strip_prefix("listening on http://") {
            server.addr = addr.to_string();
            // Keep reading its output so that it never blocks on a full pipe.
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
            });
            return server;
        }
    }
}

pub fn editor(url: &str, name: &str, role: &str) -> String {
    let out = bin()
        .args(["editor", "add", name, "--role", role, "--database", url])
        .output()
        .expect("editor add runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .expect("the token")
        .trim()
        .to_string()
}

/// One request; the status and the body as JSON.
pub fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(&server.addr).expect("a connection");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
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
        .expect("a status");
    let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, json)
}
