//! The webhooks' API (maintainers only; a subscriber's URL refused when it
//! is this server) and what a subscriber receives as the record is edited:
//! an edit's entry, signed; a correction's entry and the corrected edit's
//! entry again, updated; a retraction's entry and the retracted edit's
//! entry as a tombstone. The receiver is a loopback listener.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{json, post, send};
use minewatch_web::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn request(method: &str, uri: &str, token: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .expect("a request")
}

/// One POST as the receiver read it: headers (lower-case names) and body.
type Got = (Vec<(String, String)>, String);

/// Reads one request from a connection (plain or TLS) and answers 204: its
/// headers (lower-case names) and body; `None` if the connection ends first.
async fn answer_one<S>(stream: &mut S) -> Option<Got>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&bytes).to_string();
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            continue;
        };
        let headers: Vec<(String, String)> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        if body.len() < length {
            continue;
        }
        let _ = stream
            .write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            .await;
        return Some((headers, body.to_string()));
    }
}

/// A receiver on loopback answering 204 to every POST.
async fn receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<Got>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address").to_string();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                if let Some(got) = answer_one(&mut stream).await {
                    let _ = tx.send(got);
                }
            });
        }
    });
    (addr, rx)
}

fn header<'a>(got: &'a Got, name: &str) -> &'a str {
    got.0
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The next POST, within 20 seconds (a bound against hanging).
async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Got>) -> Got {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a POST in time")
        .expect("the receiver runs")
}

/// A row edit proposed by one editor and approved by another.
async fn reviewed(
    state: &std::sync::Arc<minewatch_web::AppState>,
    proposer: &str,
    reviewer: &str,
    edit: &serde_json::Value,
) {
    let (status, _, p) = send(
        state,
        post("/api/v1/proposals", Some(proposer), &edit.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let p = json(&p)["id"].as_i64().expect("an id");
    let (status, _, _) = send(
        state,
        post(
            &format!("/api/v1/proposals/{p}/approve"),
            Some(reviewer),
            "",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// The next two messages, the one of `entry` first.
async fn two_messages(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Got>,
    entry: &str,
) -> Vec<serde_json::Value> {
    let mut two = vec![json(&next(rx).await.1), json(&next(rx).await.1)];
    two.sort_by_key(|v| v["data"]["id"] != entry);
    two
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintainers_manage_webhooks_and_subscribers_follow_corrections() {
    let (state, store, _) = common::fresh("webhooks-api").await;
    let max = store
        .add_editor_as("max", Role::Maintainer)
        .await
        .expect("max");
    let ann = store.add_editor_as("ann", Role::Editor).await.expect("ann");
    let rev = store
        .add_editor_as("rev", Role::Reviewer)
        .await
        .expect("rev");
    let worker = state.start_webhooks(minewatch_web::webhooks::Config {
        timeout: Duration::from_secs(5),
        own: minewatch_web::webhooks::Own {
            listening: vec!["127.0.0.1:8080".parse().expect("an address")],
            names: vec![("monitor.example.org".into(), 443)],
        },
        base: "https://monitor.example.org".into(),
        tls: minewatch_web::webhooks::tls_client(None).expect("the built-in roots"),
    });
    let (addr, mut rx) = receiver().await;
    let body = format!(r#"{{"url": "http://{addr}/hook", "state": "ARE", "kind": "recorded"}}"#);

    // Maintainers only.
    let (status, _, _) = send(&state, post("/api/v1/webhooks", None, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, answer) = send(&state, post("/api/v1/webhooks", Some(&ann), &body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // Refused: this server, https, unknown states, kinds and fields.
    for (bad, field) in [
        (r#"{"url": "http://127.0.0.1:8080/x"}"#, "url"),
        (r#"{"url": "http://localhost:8080/x"}"#, "url"),
        (r#"{"url": "http://monitor.example.org:443/x"}"#, "url"),
        (r#"{"url": "http://0.0.0.0:9/x"}"#, "url"),
        (r#"{"url": "https://monitor.example.org/x"}"#, "url"),
        (r#"{"url": "ftp://example.org/x"}"#, "url"),
        (
            r#"{"url": "http://127.0.0.1:9/x", "state": "Atlantis"}"#,
            "state",
        ),
        (
            r#"{"url": "http://127.0.0.1:9/x", "group": "SEATO"}"#,
            "group",
        ),
        (
            r#"{"url": "http://127.0.0.1:9/x", "kind": "recorded,all"}"#,
            "kind",
        ),
        (
            r#"{"url": "http://127.0.0.1:9/x", "since": "2025-13-01"}"#,
            "since",
        ),
    ] {
        let (status, _, answer) = send(&state, post("/api/v1/webhooks", Some(&max), bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {answer}");
        assert_eq!(json(&answer)["error"]["field"], field, "{bad}: {answer}");
    }
    let (status, _, answer) = send(
        &state,
        post(
            "/api/v1/webhooks",
            Some(&max),
            r#"{"url": "http://127.0.0.1:9/x", "secret": "mine"}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");

    let (status, _, made) = send(&state, post("/api/v1/webhooks", Some(&max), &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let made = json(&made);
    let id = made["id"].as_i64().expect("an id");
    let secret = made["secret"].as_str().expect("the secret").to_string();
    assert_eq!(made["states"], serde_json::json!(["ARE"]));
    assert_eq!(made["kinds"], serde_json::json!(["recorded"]));
    let (status, _, listed) = send(&state, request("GET", "/api/v1/webhooks", &max)).await;
    assert_eq!(status, StatusCode::OK);
    let listed = json(&listed);
    assert_eq!(listed["webhooks"][0]["id"], id);
    assert!(listed["webhooks"][0].get("secret").is_none(), "{listed}");
    let (status, _, _) = send(&state, request("GET", "/api/v1/webhooks", &rev)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An edit of ARE: its entry, signed.
    let action = r#"{"state": "ARE", "action": "accession", "date": "2026-01-15", "sources": ["untc-2014"]}"#;
    let (status, _, answer) = send(&state, post("/api/v1/actions", Some(&max), action)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let got = next(&mut rx).await;
    let ts: i64 = header(&got, "webhook-timestamp")
        .parse()
        .expect("a timestamp");
    assert!(minewatch_web::webhooks::verify(
        &secret,
        header(&got, "webhook-id"),
        ts,
        &got.1,
        header(&got, "webhook-signature")
    ));
    assert_eq!(header(&got, "content-type"), "application/json");
    let first = json(&got.1);
    assert_eq!(first["type"], "entry.recorded");
    let entry = first["data"]["id"]
        .as_str()
        .expect("an entry id")
        .to_string();
    assert!(
        first["data"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://monitor.example.org/states/ARE?as_of="))
    );

    // Its correction: the correction's entry, and the first entry again,
    // updated (a new message).
    let row = ["ARE", "accession", "2026-01-15", "", "untc-2014", ""];
    let mut with = row.map(String::from).to_vec();
    with[2] = "2026-01-16".into();
    let correct = serde_json::json!({"kind": "correct", "file": "treaty_actions.csv", "row": row, "with": with});
    reviewed(&state, &ann, &rev, &correct).await;
    let after = two_messages(&mut rx, &entry).await;
    assert_eq!(after[0]["data"]["id"], entry.as_str());
    assert!(
        after[0]["data"]["content_text"]
            .as_str()
            .unwrap_or("")
            .contains("Corrected by edit")
    );
    assert_ne!(
        after[0]["data"]["date_modified"],
        first["data"]["date_modified"]
    );
    assert_eq!(
        after[1]["data"]["title"]
            .as_str()
            .map(|t| t.contains("correction")),
        Some(true)
    );

    // A retraction tombstones it.
    let retract = serde_json::json!({"kind": "retract", "file": "treaty_actions.csv", "row": with});
    reviewed(&state, &ann, &rev, &retract).await;
    let gone = two_messages(&mut rx, &entry).await;
    assert_eq!(gone[0]["data"]["id"], entry.as_str());
    assert!(
        gone[0]["data"]["_minewatch"]["deleted"].is_string(),
        "{}",
        gone[0]
    );

    // Where the deliveries stand; the webhook removed.
    let mut stood = serde_json::Value::Null;
    for _ in 0..200 {
        let (_, _, d) = send(
            &state,
            request("GET", &format!("/api/v1/webhooks/{id}/deliveries"), &max),
        )
        .await;
        stood = json(&d);
        let all = stood["deliveries"].as_array().cloned().unwrap_or_default();
        if all.len() == 5 && all.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all = stood["deliveries"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 5, "{stood}");
    assert!(
        all.iter()
            .all(|d| d["status"] == "delivered" && d["attempts"] == 1),
        "{stood}"
    );
    let (status, _, _) = send(
        &state,
        request("GET", "/api/v1/webhooks/999/deliveries", &max),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &state,
        request(
            "GET",
            &format!("/api/v1/webhooks/{id}/deliveries?limit=0"),
            &max,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, removed) = send(
        &state,
        request("DELETE", &format!("/api/v1/webhooks/{id}"), &max),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert!(json(&removed)["revoked"].is_string());
    let (status, _, _) = send(
        &state,
        request("DELETE", &format!("/api/v1/webhooks/{id}"), &max),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audit = store.audit().await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|a| a.kind == "webhook_added" && a.editor == "max")
    );
    assert!(
        audit
            .iter()
            .any(|a| a.kind == "webhook_removed" && a.editor == "max")
    );
    assert!(
        audit
            .iter()
            .any(|a| a.kind == "refused" && a.what.contains("/api/v1/webhooks"))
    );
    worker.abort();
}

/// A test authority and a certificate for 127.0.0.1 it signed, made with
/// Debian's `openssl`: (the authority's PEM, the certificate's PEM, its
/// key's PEM).
fn certificate(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |name: &str| dir.join(name);
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-days",
            "2",
            "-subj",
            "/CN=minewatch test authority",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    ]
    .concat());
    run(&[
        &["req"][..],
        &ec,
        &[
            "-subj",
            "/CN=minewatch test receiver",
            "-keyout",
            "key.pem",
            "-out",
            "leaf.csr",
        ],
    ]
    .concat());
    std::fs::write(
        p("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("written");
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ]);
    (p("ca.pem"), p("cert.pem"), p("key.pem"))
}

/// A receiver on loopback over TLS with that certificate, answering 204:
/// its address and each body it got.
async fn tls_receiver(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .expect("the certificate")
        .collect::<Result<_, _>>()
        .expect("read");
    let key = PrivateKeyDer::from_pem_file(key).expect("the key");
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("a server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address").to_string();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends here.
                let Ok(mut stream) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Some((_, body)) = answer_one(&mut stream).await {
                    let _ = tx.send(body);
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, rx)
}

/// An `https://` subscriber signed by an authority given to the worker
/// gets its entry; the same subscriber without it is never sent the body
/// (the certificate is refused) and the delivery says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_subscribers_are_checked_against_the_roots_given() {
    let (dir, _) = common::temp_url("webhooks-tls");
    let (authority, cert, key) = certificate(&dir);
    let (addr, mut rx) = tls_receiver(&cert, &key).await;
    let url = format!("https://{addr}/tls");
    for (trusted, case) in [(true, "trusted"), (false, "untrusted")] {
        let (state, store, _) = common::fresh(&format!("webhooks-{case}")).await;
        let max = store
            .add_editor_as("max", Role::Maintainer)
            .await
            .expect("max");
        let roots = if trusted {
            Some(authority.as_path())
        } else {
            None
        };
        let worker = state.start_webhooks(minewatch_web::webhooks::Config {
            timeout: Duration::from_secs(5),
            own: minewatch_web::webhooks::Own::default(),
            base: "http://127.0.0.1:8080".into(),
            tls: minewatch_web::webhooks::tls_client(roots).expect("roots"),
        });
        let body = format!(r#"{{"url": "{url}", "kind": "recorded"}}"#);
        let (status, _, made) = send(&state, post("/api/v1/webhooks", Some(&max), &body)).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let id = json(&made)["id"].as_i64().expect("an id");
        let action = r#"{"state": "ARE", "action": "accession", "date": "2026-01-15", "sources": ["untc-2014"]}"#;
        let (status, _, answer) = send(&state, post("/api/v1/actions", Some(&max), action)).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let mut last = Vec::new();
        for _ in 0..200 {
            last = store.deliveries(Some(id), 10).await.expect("listed");
            if last
                .first()
                .is_some_and(|d| d.status == "delivered" || !d.last_error.is_empty())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if trusted {
            assert_eq!(last[0].status, "delivered", "{last:?}");
            let got = tokio::time::timeout(Duration::from_secs(20), rx.recv())
                .await
                .expect("in time")
                .expect("a body");
            assert_eq!(json(&got)["type"], "entry.recorded");
        } else {
            assert_eq!(last[0].status, "pending", "{last:?}");
            assert!(last[0].last_error.contains("TLS"), "{last:?}");
            assert!(
                rx.try_recv().is_err(),
                "no body over an untrusted connection"
            );
        }
        worker.abort();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
