//! Webhooks: each feed entry a subscriber follows, POSTed to its URL as
//! JSON signed per Standard Webhooks.
//!
//! - **What**: the entries of the change feeds ([`crate::feeds`]), filtered
//!   by the subscriber's states, group and kinds. `recorded` entries come
//!   from the outbox: every edit writes its record version there in its own
//!   transaction, and the relay turns it into the entries the edit made or
//!   changed (its own entry, and the entry of an edit it corrected or
//!   retracted) — so an acknowledged edit is never lost to a crash.
//!   `took_effect` entries are queued as the server's day reaches them,
//!   from the subscriber's first day (`since`) on.
//! - **Once per version of an entry**: an entry is queued for a subscriber
//!   only when its content differs from the subscriber's newest message of
//!   it (checked under the write lock); the message id hashes the
//!   subscriber, the entry id, its content and the message before it, so
//!   every replica names it alike, a corrected entry is a new message, and
//!   so is one changed back to an earlier text.
//! - **At least once**: a worker claims due deliveries with a lease (the
//!   attempt is counted and the delivery is due again when the lease ends),
//!   so a server killed mid-delivery leaves it to be tried again, by itself
//!   after a restart or by another replica. A 2xx answer delivers it;
//!   anything else is retried on [`RETRY_AFTER`]'s schedule, then marked
//!   `failed`. Receivers deduplicate by `webhook-id`.
//! - **Signed**: `webhook-id`, `webhook-timestamp` (Unix seconds) and
//!   `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
//!   under the secret's key (the base64 after `whsec_`).
//! - **Never at itself**: a URL that reaches this server (its listening
//!   address, loopback or unspecified on its port, or one of its names) is
//!   refused when added and again when delivering.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use jiff::Timestamp;
use jiff::civil::Date;
use minewatch_registry::Loaded;

use crate::feeds::{Entry, Filter, KINDS, item, took_effect};
use crate::state::AppState;
use crate::store::hooks::{Attempt, Delivery, NewWebhook, Queued, Webhook};
use crate::store::{Recorded, StoreError};

/// The waits before each retry: after the first failed attempt 5 seconds,
/// then 5 minutes, 30 minutes, 2, 5, 10 and 10 hours (eight attempts over
/// about 27 hours), after which the delivery is `failed`.
pub const RETRY_AFTER: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/// Deliveries a worker claims at a time.
const CLAIM: i64 = 16;

/// The outbox's edits handed over in one transaction, at most.
const RELAY_AT_ONCE: usize = 200;

/// The longest URL kept.
const MAX_URL: usize = 2000;

use crate::store::hooks::{base64, later, stamp};

/// `webhook-signature` of a message: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` under the key the secret (`whsec_…`) encodes;
/// `None` for a secret that is not one.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_")?)
        .ok()?;
    let signed = format!("{id}.{timestamp}.{body}");
    Some(format!(
        "v1,{}",
        base64(&crate::sign::hmac_sha256(&key, signed.as_bytes()))
    ))
}

/// Whether a `webhook-signature` header (one or more space-separated
/// `v1,…` signatures) holds the message's signature under `secret`: what a
/// receiver checks.
pub fn verify(secret: &str, id: &str, timestamp: i64, body: &str, header: &str) -> bool {
    let Some(expected) = signature(secret, id, timestamp, body) else {
        return false;
    };
    header
        .split(' ')
        .any(|candidate| crate::sign::same(candidate, &expected))
}

/// A hash of an entry's content, as the feed gives it: a subscriber is
/// sent an entry again only when it changes.
fn content_of(e: &Entry) -> String {
    crate::store::hex_sha256(item(e, "").to_string().as_bytes())
}

/// The body POSTed: `type` (`entry.recorded`, `entry.took_effect`),
/// `timestamp` (when the entry last changed) and `data`, the entry as the
/// JSON feed gives it.
pub(crate) fn payload(e: &Entry, base: &str) -> String {
    serde_json::json!({
        "type": format!("entry.{}", e.kind),
        "timestamp": e.updated,
        "data": item(e, base),
    })
    .to_string()
}

/// A URL the worker can POST to: `http[s]://host[:port]/path?query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// Over TLS (`https://`).
    tls: bool,
    host: String,
    port: u16,
    /// The path and query (at least `/`).
    path: String,
}

/// Host and port of the server's public URL (`http://` or `https://`,
/// behind a TLS-terminating proxy); why not.
pub(crate) fn public_authority(url: &str) -> Result<(String, u16), String> {
    target(url).map(|t| t.authority())
}

impl Target {
    /// Host and port.
    pub(crate) fn authority(&self) -> (String, u16) {
        (self.host.clone(), self.port)
    }
}

/// Reads a subscriber's URL (`http://` or `https://`); why not.
pub(crate) fn target(url: &str) -> Result<Target, String> {
    if url.len() > MAX_URL {
        return Err(format!("the URL is longer than {MAX_URL} characters"));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("the URL holds spaces or control characters".into());
    }
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Err(format!("`{url}` is not an http:// or https:// URL")),
    };
    if rest.contains('#') {
        return Err("the URL has a fragment".into());
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    if authority.contains('@') {
        return Err("the URL holds a user name or password".into());
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| "the URL's IPv6 host has no closing `]`".to_string())?;
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("the URL's host `[{host}]` is not an IPv6 address"));
        }
        let port =
            match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or_else(|| {
                    format!("the URL's authority has `{after}` after its IPv6 host")
                })?),
            };
        (host.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| format!("the URL's port `{p}` is not a port"))?,
        None if https => 443,
        None => 80,
    };
    // `example.org.` is `example.org`.
    let host = host.strip_suffix('.').unwrap_or(&host).to_string();
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:".contains(c));
    if !valid {
        return Err(format!("the URL's host `{host}` is not a host name"));
    }
    if !path.is_ascii() || path.parse::<hyper::Uri>().is_err() {
        return Err(format!(
            "the URL's path `{path}` holds characters a request line cannot carry (percent-encode them)"
        ));
    }
    Ok(Target {
        tls: https,
        host: host.to_ascii_lowercase(),
        port,
        path,
    })
}

/// Where this server can be reached: what a subscriber's URL must not
/// point at.
#[derive(Clone, Debug, Default)]
pub struct Own {
    /// The addresses it listens on.
    pub listening: Vec<SocketAddr>,
    /// Host and port of its public URL, if one is set, and of the names
    /// its readers use.
    pub names: Vec<(String, u16)>,
}

impl Own {
    /// Whether a resolved address is this server (an IPv4 address written
    /// as IPv6 is read as IPv4).
    fn is(&self, addr: SocketAddr) -> bool {
        let ip = addr.ip().to_canonical();
        ip.is_unspecified()
            || self.listening.iter().any(|own| {
                let mine = own.ip().to_canonical();
                own.port() == addr.port()
                    && (mine == ip
                        || ip.is_loopback()
                        || (mine.is_unspecified() && ip.is_loopback()))
            })
    }

    /// Whether a URL names this server by one of its names.
    fn named(&self, t: &Target) -> bool {
        self.names
            .iter()
            .any(|(h, p)| h.eq_ignore_ascii_case(&t.host) && *p == t.port)
    }

    /// Why a URL whose host resolved to `addrs` reaches this server, if it
    /// does: by one of its names, or an address it listens on, with the
    /// port. (Another name that resolves to the address of this server's
    /// proxy is not refused: a shared proxy or CDN serves other sites.)
    async fn reached_by(&self, t: &Target, addrs: &[SocketAddr]) -> Option<String> {
        if self.named(t) {
            return Some("the URL names this server".into());
        }
        addrs
            .iter()
            .find(|a| self.is(**a))
            .map(|a| format!("the URL reaches this server ({a})"))
    }
}

/// The addresses a target's host resolves to.
async fn resolve(t: &Target) -> Result<Vec<SocketAddr>, String> {
    Ok(tokio::net::lookup_host((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("cannot resolve {}: {e}", t.host))?
        .collect())
}

/// Why a subscriber's URL is refused as this server's own, if it is.
async fn points_at_itself(own: &Own, t: &Target) -> Option<String> {
    let addrs = resolve(t).await.unwrap_or_default();
    own.reached_by(t, &addrs).await
}

/// A refused webhook: the field and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// `url`, `state`, `group`, `kind` or `since`.
    pub field: &'static str,
    /// Why.
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What a new subscriber asks for, as given.
#[derive(Clone, Copy, Debug)]
pub struct Asked<'a> {
    /// Where to POST.
    pub url: &'a str,
    /// States (codes or names; each may hold several, comma-separated).
    pub states: &'a [String],
    /// A group id.
    pub group: Option<&'a str>,
    /// Kinds (each may hold several, comma-separated).
    pub kinds: &'a [String],
    /// Its first day (YYYY-MM-DD).
    pub since: Option<&'a str>,
}

/// Checks what a new subscriber asks for against the record: the URL (and,
/// with `own`, that it is not this server), the states (codes or names,
/// stored as codes), the group, the kinds, and its first day (default
/// `today`).
///
/// # Errors
/// The first field refused, and why.
pub async fn check(
    loaded: &Loaded,
    asked: &Asked<'_>,
    today: Date,
    own: Option<&Own>,
) -> Result<NewWebhook, Refused> {
    let Asked {
        url,
        states,
        group,
        kinds,
        since,
    } = *asked;
    let refused = |field, message| Refused { field, message };
    let t = target(url).map_err(|m| refused("url", m))?;
    if let Some(own) = own
        && let Some(why) = points_at_itself(own, &t).await
    {
        return Err(refused("url", why));
    }
    let joined = states.join(",");
    Filter::parse(loaded, Some(&joined), group, Some(&kinds.join(",")))
        .map_err(|(field, message)| refused(field, message))?;
    let mut codes = Vec::new();
    for s in states.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if s.is_empty() {
            continue;
        }
        if let Ok(found) = loaded.registry.find_state(s) {
            let code = found.iso3.as_str().to_string();
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    let group = group
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .and_then(|g| {
            loaded
                .context
                .groups()
                .iter()
                .find(|x| x.id.eq_ignore_ascii_case(g))
                .map(|x| x.id.clone())
        });
    let mut kind_list: Vec<String> = Vec::new();
    for k in kinds.iter().flat_map(|k| k.split(',')).map(str::trim) {
        if let Some(known) = KINDS.iter().find(|x| x.eq_ignore_ascii_case(k))
            && !kind_list.iter().any(|x| x == known)
        {
            kind_list.push((*known).to_string());
        }
    }
    let since = match since.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => minewatch_registry::parse_date(s)
            .map_err(|_| refused("since", format!("`{s}` is not a date (YYYY-MM-DD)")))?,
        None => today,
    };
    Ok(NewWebhook {
        url: url.to_string(),
        states: codes,
        group,
        kinds: kind_list,
        since: since.to_string(),
    })
}

/// A subscriber's filter against the record served now; `None` (and a
/// warning) when the record no longer knows a state or group it follows.
fn filter_of(loaded: &Loaded, w: &Webhook) -> Option<Filter> {
    match Filter::parse(
        loaded,
        Some(&w.states.join(",")),
        w.group.as_deref(),
        Some(&w.kinds.join(",")),
    ) {
        Ok(f) => Some(f),
        Err((field, message)) => {
            tracing::warn!("webhook {}: its {field} no longer reads: {message}", w.id);
            None
        }
    }
}

/// How the worker runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long an attempt may take, from connecting to the answer's
    /// status line.
    pub timeout: Duration,
    /// What a URL must not point at.
    pub own: Own,
    /// The base of the links in the messages (`http://host:port`).
    pub base: String,
    /// How `https://` subscribers are checked: the Mozilla roots, and any
    /// given with `--webhook-ca` ([`tls_client`]).
    pub tls: Arc<rustls::ClientConfig>,
}

/// The TLS client of `https://` deliveries: the Mozilla root certificates
/// built in (webpki-roots), with the certificates of a PEM file added (a
/// team's own authority).
///
/// # Errors
/// A file that cannot be read or holds no certificate, or one rustls
/// refuses.
pub fn tls_client(extra: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = extra {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!("{}: no certificate in it", path.display()));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The entries each of `versions` made or changed (its own entry, and the
/// entry of an edit it corrected or retracted), as they stood right after
/// it: one pass over the log.
fn made_by(
    history: &[Recorded],
    versions: &std::collections::BTreeSet<i64>,
) -> Vec<(i64, Vec<Entry>)> {
    let mut recorder = crate::feeds::Recorder::default();
    let mut out = Vec::new();
    for r in history {
        let touched = recorder.push(r);
        if versions.contains(&r.edit.version) {
            let entries = touched
                .into_iter()
                .filter_map(|i| recorder.entries.get(i).cloned())
                .collect();
            out.push((r.edit.version, entries));
        }
    }
    out
}

/// Hands the outbox's edits to the subscribers: queues, for each webhook
/// added before an edit, the entries it made or changed that the webhook
/// follows, and empties the outbox, in one transaction. How many
/// deliveries were queued.
pub(crate) async fn relay(
    app: &AppState,
    config: &Config,
    hooks: &[(Webhook, String)],
    now: Timestamp,
) -> Result<u64, StoreError> {
    let mut outbox = app.store.outbox().await?;
    // A long outbox (edits made while no server ran) is handed over a part
    // at a time.
    outbox.truncate(RELAY_AT_ONCE);
    let Some(&upto) = outbox.last() else {
        return Ok(0);
    };
    let snapshot = app.snapshot();
    let mut queued: Vec<Queued> = Vec::new();
    if !hooks.is_empty() {
        let filters: Vec<Option<Filter>> = hooks
            .iter()
            .map(|(w, _)| filter_of(&snapshot.loaded, w))
            .collect();
        let mut history = app.history.lock().await;
        let served = i64::try_from(snapshot.version).unwrap_or(i64::MAX);
        app.store
            .recorded_into(&mut history, upto, Some((served, &snapshot.loaded)))
            .await?;
        let versions = outbox.iter().copied().collect();
        for (version, entries) in made_by(&history.entries, &versions) {
            for e in entries {
                for ((w, _), filter) in hooks.iter().zip(&filters) {
                    if version > w.since_version && filter.as_ref().is_some_and(|f| f.matches(&e)) {
                        queued.push((
                            w.id,
                            e.id.clone(),
                            content_of(&e),
                            payload(&e, &config.base),
                        ));
                    }
                }
            }
        }
    }
    app.store.enqueue(&queued, Some(upto), &stamp(now)).await
}

/// Queues the `took_effect` entries the server's day has reached for each
/// webhook, from its first day on (each once). How many were new.
pub(crate) async fn reached(
    app: &AppState,
    config: &Config,
    hooks: &[(Webhook, String)],
    now: Timestamp,
) -> Result<u64, StoreError> {
    // Only the subscribers that follow took_effect entries.
    let hooks: Vec<&Webhook> = hooks
        .iter()
        .map(|(w, _)| w)
        .filter(|w| w.kinds.is_empty() || w.kinds.iter().any(|k| k == "took_effect"))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    let snapshot = app.snapshot();
    let entries = took_effect(&snapshot.loaded, app.today());
    let mut queued: Vec<Queued> = Vec::new();
    for w in hooks {
        let Some(filter) = filter_of(&snapshot.loaded, w) else {
            continue;
        };
        for e in &entries {
            if e.published.get(..10).is_some_and(|d| d >= w.since.as_str()) && filter.matches(e) {
                queued.push((w.id, e.id.clone(), content_of(e), payload(e, &config.base)));
            }
        }
    }
    app.store.enqueue(&queued, None, &stamp(now)).await
}

/// The `Host` header for a target: an IPv6 host in brackets, the port
/// unless it is the scheme's own (80, or 443 for https).
fn host_header(t: &Target) -> String {
    let host = if t.host.contains(':') {
        format!("[{}]", t.host)
    } else {
        t.host.clone()
    };
    if t.port == if t.tls { 443 } else { 80 } {
        host
    } else {
        format!("{host}:{}", t.port)
    }
}

/// Why a POST got no answer.
enum NoAnswer {
    /// Worth another attempt.
    Retry(String),
    /// Never worth one: the URL points at this server.
    Never(String),
}

impl From<String> for NoAnswer {
    fn from(s: String) -> NoAnswer {
        NoAnswer::Retry(s)
    }
}

/// POSTs a body to a target; the answer's status, or why there was none.
async fn post(
    t: &Target,
    headers: &[(&str, String)],
    body: String,
    own: &Own,
    tls: &Arc<rustls::ClientConfig>,
) -> Result<u16, NoAnswer> {
    // Resolved once: the addresses checked are the ones connected to.
    let addrs = resolve(t).await?;
    if let Some(why) = own.reached_by(t, &addrs).await {
        return Err(NoAnswer::Never(format!("refused: {why}")));
    }
    let mut last = format!("{} has no address", t.host);
    let mut stream = None;
    for a in &addrs {
        match tokio::net::TcpStream::connect(a).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("cannot connect to {a}: {e}"),
        }
    }
    let stream = stream.ok_or(NoAnswer::Retry(last))?;
    let request = request(t, headers, body)?;
    if !t.tls {
        return exchange(stream, request).await;
    }
    let name = rustls_pki_types::ServerName::try_from(t.host.clone())
        .map_err(|e| NoAnswer::Never(format!("`{}` is not a TLS server name: {e}", t.host)))?;
    let tls = tokio_rustls::TlsConnector::from(tls.clone())
        .connect(name, stream)
        .await
        .map_err(|e| format!("TLS with {}: {e}", t.host))?;
    exchange(tls, request).await
}

/// The POST of a body to a target, with its headers.
fn request(
    t: &Target,
    headers: &[(&str, String)],
    body: String,
) -> Result<hyper::Request<http_body_util::Full<hyper::body::Bytes>>, NoAnswer> {
    let mut request = hyper::Request::post(t.path.as_str())
        .header("host", host_header(t))
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("minewatch-webhooks/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    request
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .map_err(|e| NoAnswer::Never(format!("cannot make the request: {e}")))
}

/// One HTTP/1.1 exchange on a connection: the answer's status.
async fn exchange<IO>(
    io: IO,
    request: hyper::Request<http_body_util::Full<hyper::body::Bytes>>,
) -> Result<u16, NoAnswer>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| format!("HTTP handshake: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let answer = sender
        .send_request(request)
        .await
        .map_err(|e| format!("no answer: {e}"));
    driver.abort();
    Ok(answer?.status().as_u16())
}

/// One attempt at a delivery, signed at the time it is made.
pub(crate) async fn attempt(
    d: &Delivery,
    w: &Webhook,
    secret: &str,
    config: &Config,
    now: Timestamp,
) -> Attempt {
    let failed = |status: Option<i64>, error: String| {
        let wait = usize::try_from(d.attempts - 1)
            .ok()
            .and_then(|i| RETRY_AFTER.get(i));
        Attempt::Failed {
            status,
            error,
            due: wait.map(|&s| stamp(later(now, s))),
        }
    };
    let never = |error: String| Attempt::Failed {
        status: None,
        error,
        due: None,
    };
    let t = match target(&w.url) {
        Ok(t) => t,
        Err(e) => return never(e),
    };
    let ts = now.as_second();
    let Some(sig) = signature(secret, &d.message, ts, &d.payload) else {
        return never("the webhook's secret is not a whsec_ key".into());
    };
    let headers = [
        ("webhook-id", d.message.clone()),
        ("webhook-timestamp", ts.to_string()),
        ("webhook-signature", sig),
    ];
    let sent = tokio::time::timeout(
        config.timeout,
        post(&t, &headers, d.payload.clone(), &config.own, &config.tls),
    )
    .await;
    match sent {
        Ok(Ok(status)) if (200..300).contains(&status) => Attempt::Delivered {
            status: i64::from(status),
        },
        Ok(Ok(status)) => failed(Some(i64::from(status)), format!("answered {status}")),
        Ok(Err(NoAnswer::Retry(e))) => failed(None, e),
        Ok(Err(NoAnswer::Never(e))) => never(e),
        Err(_) => failed(
            None,
            format!("no answer within {} s", config.timeout.as_secs()),
        ),
    }
}

/// Claims the deliveries due now and makes one attempt at each (at once);
/// how many were delivered.
pub(crate) async fn deliver(
    app: &AppState,
    config: &Config,
    hooks: &[(Webhook, String)],
) -> Result<usize, StoreError> {
    let hooks: BTreeMap<i64, &(Webhook, String)> = hooks.iter().map(|h| (h.0.id, h)).collect();
    // No subscriber, no write transaction.
    if hooks.is_empty() {
        return Ok(0);
    }
    // Nothing due: no write transaction.
    let now = Timestamp::now();
    if app
        .store
        .next_due()
        .await?
        .is_none_or(|due| due > stamp(now))
    {
        return Ok(0);
    }
    // The lease: a little longer than an attempt may take.
    let due = app
        .store
        .claim(&Timestamp::now, config.timeout.as_secs() + 2, CLAIM)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for d in due {
        let Some((w, secret)) = hooks.get(&d.webhook).map(|h| (*h).clone()) else {
            continue;
        };
        let config = config.clone();
        tasks.spawn(async move {
            let outcome = attempt(&d, &w, &secret, &config, Timestamp::now()).await;
            (d, outcome)
        });
    }
    let mut delivered = 0;
    while let Some(done) = tasks.join_next().await {
        let Ok((d, outcome)) = done else { continue };
        if matches!(outcome, Attempt::Delivered { .. }) {
            delivered += 1;
        } else if let Attempt::Failed { error, due, .. } = &outcome {
            tracing::warn!(
                "webhook {} delivery {} attempt {}: {error}{}",
                d.webhook,
                d.message,
                d.attempts,
                if due.is_none() {
                    "; no attempts left"
                } else {
                    ""
                }
            );
        }
        app.store
            .finish(&d, &outcome, &stamp(Timestamp::now()))
            .await?;
    }
    Ok(delivered)
}

/// The worker: every second, at once on start and whenever a newer record
/// is served, hands the outbox over, queues what the day reached, and
/// delivers what is due. Errors are
/// logged and the next round tries again.
pub async fn run(app: Arc<AppState>, config: Config) {
    let mut last_reached: Option<(u64, Date, Vec<i64>)> = None;
    loop {
        let now = Timestamp::now();
        // The subscribers, read once a round.
        match app.store.active_webhooks().await {
            Err(e) => tracing::warn!("webhooks: the subscribers were not read: {e}"),
            Ok(hooks) => {
                if let Err(e) = relay(&app, &config, &hooks, now).await {
                    tracing::warn!("webhooks: the outbox was not handed over: {e}");
                }
                // The day's entries change with the record, the day and
                // the subscribers.
                let ids = hooks.iter().map(|(w, _)| w.id).collect();
                let key = Some((app.snapshot().version, app.today(), ids));
                if key != last_reached {
                    match reached(&app, &config, &hooks, now).await {
                        Ok(_) => last_reached = key,
                        Err(e) => {
                            tracing::warn!("webhooks: the day's entries were not queued: {e}");
                        }
                    }
                }
                if let Err(e) = deliver(&app, &config, &hooks).await {
                    tracing::warn!("webhooks: deliveries failed: {e}");
                }
            }
        }
        // A second, or less when a newer record is served.
        tokio::select! {
            () = tokio::time::sleep(crate::state::POLL) => {}
            () = app.record_changed.notified() => {}
        }
    }
}

// The maintainers' API.

/// The body of `POST /api/v1/webhooks`: the parameters of the feeds.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookIn {
    url: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    since: Option<String>,
}

/// The query of the deliveries' list.
#[derive(serde::Deserialize)]
pub(crate) struct DeliveriesQuery {
    limit: Option<i64>,
}

/// How many deliveries a list gives by default, and at most.
const DELIVERIES_LISTED: (i64, i64) = (100, 1000);

fn refused_answer(r: Refused) -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "bad_webhook",
        r.message,
    )
    .field(r.field)
}

/// Adds a webhook for a maintainer through the server (the API or the
/// editors' page): checked against the record and this server as the
/// worker knows it and as the request reached it; a 422 naming the field
/// refused.
pub(crate) async fn subscribe(
    app: &AppState,
    actor: &crate::store::Actor,
    asked: &Asked<'_>,
    headers: &axum::http::HeaderMap,
) -> Result<Webhook, crate::error::ApiError> {
    let snapshot = app.snapshot();
    let mut own = app
        .webhooks
        .get()
        .map(|c| c.own.clone())
        .unwrap_or_default();
    if let Some(name) = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| public_authority(&format!("http://{h}")).ok())
    {
        // A Host without a port may be behind a proxy on either.
        let bare = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| {
                !h.trim_end_matches(|c: char| c.is_ascii_digit())
                    .ends_with(':')
            });
        if bare {
            own.names.push((name.0.clone(), 443));
        }
        own.names.push(name);
    }
    let new = check(&snapshot.loaded, asked, app.today(), Some(&own))
        .await
        .map_err(refused_answer)?;
    Ok(app.store.add_webhook(actor, &new).await?)
}

/// `POST /api/v1/webhooks` (maintainers): `{url, state?, group?, kind?,
/// since?}`; 201 with the webhook and its secret (shown this once).
pub(crate) async fn add(
    axum::extract::State(app): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, crate::error::ApiError> {
    let what = "POST /api/v1/webhooks";
    let address = crate::proposals::address(&request);
    let (parts, body) = request.into_parts();
    let actor =
        crate::proposals::maintainer(&app, &parts.headers, address, what, "manage webhooks")
            .await?;
    let bytes = crate::api::read_body(body).await?;
    let result: Result<axum::response::Response, crate::error::ApiError> = async {
        let w: WebhookIn = crate::api::parse_json(&bytes)?;
        let list = |v: &Option<String>| -> Vec<String> { v.iter().cloned().collect() };
        let (states, kinds) = (list(&w.state), list(&w.kind));
        let asked = Asked {
            url: &w.url,
            states: &states,
            group: w.group.as_deref(),
            kinds: &kinds,
            since: w.since.as_deref(),
        };
        let hook = subscribe(&app, &actor, &asked, &parts.headers).await?;
        Ok(crate::proposals::json_response(
            axum::http::StatusCode::CREATED,
            &serde_json::to_value(&hook).unwrap_or_default(),
        ))
    }
    .await;
    match result {
        Err(e) if e.status.is_client_error() => {
            let what = format!(
                "{what}: {}",
                String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(2_000)
                    .collect::<String>()
            );
            Err(crate::proposals::refuse(&app, &actor, &what, e).await)
        }
        other => other,
    }
}

/// `GET /api/v1/webhooks` (maintainers): every webhook, without secrets.
pub(crate) async fn list(
    axum::extract::State(app): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, crate::error::ApiError> {
    let address = crate::proposals::address(&request);
    crate::proposals::maintainer(
        &app,
        request.headers(),
        address,
        "GET /api/v1/webhooks",
        "manage webhooks",
    )
    .await?;
    let hooks = app.store.webhooks().await?;
    Ok(crate::proposals::json_response(
        axum::http::StatusCode::OK,
        &serde_json::json!({ "webhooks": hooks }),
    ))
}

/// `GET /api/v1/webhooks/{id}/deliveries[?limit=N]` (maintainers): the
/// newest deliveries, newest first, with where each stands.
pub(crate) async fn deliveries(
    axum::extract::State(app): axum::extract::State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<DeliveriesQuery>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, crate::error::ApiError> {
    let address = crate::proposals::address(&request);
    let what = format!("GET /api/v1/webhooks/{id}/deliveries");
    crate::proposals::maintainer(&app, request.headers(), address, &what, "manage webhooks")
        .await?;
    let hooks = app.store.webhooks().await?;
    let Some(hook) = hooks.into_iter().find(|w| w.id == id) else {
        return Err(no_webhook(id));
    };
    let (default, most) = DELIVERIES_LISTED;
    let limit = q.limit.unwrap_or(default);
    if !(1..=most).contains(&limit) {
        return Err(crate::error::ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_query",
            format!("`limit` is from 1 to {most} (found {limit})"),
        )
        .field("limit"));
    }
    let list = app.store.deliveries(Some(id), limit).await?;
    Ok(crate::proposals::json_response(
        axum::http::StatusCode::OK,
        &serde_json::json!({ "webhook": hook, "deliveries": list }),
    ))
}

fn no_webhook(id: i64) -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        format!("no webhook has the id {id}"),
    )
}

/// `DELETE /api/v1/webhooks/{id}` (maintainers): no more deliveries; the
/// pending ones are cancelled.
pub(crate) async fn remove(
    axum::extract::State(app): axum::extract::State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, crate::error::ApiError> {
    let address = crate::proposals::address(&request);
    let what = format!("DELETE /api/v1/webhooks/{id}");
    let actor =
        crate::proposals::maintainer(&app, request.headers(), address, &what, "manage webhooks")
            .await?;
    if !app.store.revoke_webhook(&actor, id).await? {
        return Err(crate::proposals::refuse(&app, &actor, &what, no_webhook(id)).await);
    }
    let hook = app.store.webhooks().await?.into_iter().find(|w| w.id == id);
    Ok(crate::proposals::json_response(
        axum::http::StatusCode::OK,
        &serde_json::to_value(&hook).unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::recorded;
    use crate::store::EditInfo;
    use crate::store::log::RowChange;
    use proptest::prelude::*;

    /// A log of edits of treaty action rows: each step adds a row, or
    /// corrects or retracts one still held.
    fn log_of(steps: &[(u8, u8)]) -> Vec<Recorded> {
        let mut held: Vec<Vec<String>> = Vec::new();
        let mut out = Vec::new();
        for (i, &(op, pick)) in steps.iter().enumerate() {
            let version = i64::try_from(i).unwrap_or(0) + 2;
            let row = |n: usize| {
                vec![
                    "LTU".to_string(),
                    "ratification".to_string(),
                    format!("2003-{:02}-01", 1 + n % 12),
                    String::new(),
                    format!("s{n}"),
                    format!("n{n}"),
                ]
            };
            let (kind, change) = if held.is_empty() || op % 3 == 0 {
                let new = row(i);
                held.push(new.clone());
                (
                    "action",
                    RowChange::row("treaty_actions.csv", None, Some(&new)),
                )
            } else {
                let at = usize::from(pick) % held.len();
                let old = held[at].clone();
                if op % 3 == 1 {
                    let new = row(100 + i);
                    held[at] = new.clone();
                    (
                        "correction",
                        RowChange::row("treaty_actions.csv", Some(&old), Some(&new)),
                    )
                } else {
                    held.remove(at);
                    (
                        "retraction",
                        RowChange::row("treaty_actions.csv", Some(&old), None),
                    )
                }
            };
            out.push(Recorded {
                edit: EditInfo {
                    version,
                    // Some edits share a time: ids must not depend on it.
                    at: format!("2026-01-01T00:00:{:02}Z", (i / 2) % 60),
                    editor: "max".into(),
                    kind: kind.into(),
                    audit: version,
                    note: String::new(),
                    changes: vec![change],
                },
                states: Vec::new(),
            });
        }
        out
    }

    proptest! {
        /// A subscriber that keeps the latest message of each entry, in the
        /// order the edits were made, holds the feed's recorded entries;
        /// every edit sends at least its own entry, and every entry it sends
        /// has changed since it was last sent.
        #[test]
        fn the_messages_of_the_edits_add_up_to_the_feed(
            steps in proptest::collection::vec((0u8..3, 0u8..8), 1..24)
        ) {
            let log = log_of(&steps);
            let mut held: BTreeMap<String, Entry> = BTreeMap::new();
            let mut ids: BTreeMap<String, String> = BTreeMap::new();
            let versions = log.iter().map(|r| r.edit.version).collect();
            let each = made_by(&log, &versions);
            prop_assert_eq!(each.len(), log.len());
            for (r, (version, sent)) in log.iter().zip(each) {
                prop_assert_eq!(version, r.edit.version);
                let own = format!("urn:minewatch:edit:{}", r.edit.version);
                prop_assert!(sent.iter().any(|e| e.id == own), "edit {} sent {sent:?}", r.edit.version);
                for e in sent {
                    // An entry is sent again only changed.
                    let content = content_of(&e);
                    prop_assert!(ids.get(&e.id) != Some(&content), "{} sent unchanged", e.id);
                    ids.insert(e.id.clone(), content);
                    held.insert(e.id.clone(), e);
                }
            }
            let feed: BTreeMap<String, Entry> =
                recorded(&log).into_iter().map(|e| (e.id.clone(), e)).collect();
            prop_assert_eq!(held, feed);
        }
    }

    #[test]
    fn the_standard_webhooks_example_signs_as_its_libraries_do() {
        // The example of the Standard Webhooks specification's libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let sig = signature(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert!(verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
            "v1,bm9ldHUjKzFob2xpbmVzMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMg== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
        assert!(!verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_331,
            r#"{"test": 2432232314}"#,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
        assert_eq!(signature("not-a-secret", "m", 1, ""), None);
    }

    #[test]
    fn urls_are_read_strictly() {
        let t = target("http://127.0.0.1:9000/hook?x=1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 9000, "/hook?x=1")
        );
        let t = target("http://Example.org").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("example.org", 80, "/")
        );
        let t = target("http://[::1]:81?q").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 81, "/?q")
        );
        for bad in [
            "ftp://x/",
            "http://",
            "http://user:pw@x/",
            "http://x:0/",
            "http://x:99999/",
            "http://x y/",
            "http://x/#f",
            "http://[::1/",
            "http://x_y/",
            "http://[::1]junk/",
            "http://[not-v6]/",
            "http://example.org/hoök",
            "http://./",
        ] {
            assert!(target(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn this_server_is_never_a_subscriber() {
        let own = Own {
            listening: vec!["0.0.0.0:8080".parse().unwrap_or_else(|e| panic!("{e}"))],
            names: vec![("monitor.example.org".into(), 80)],
        };
        let addr = |s: &str| s.parse::<SocketAddr>().unwrap_or_else(|e| panic!("{e}"));
        assert!(own.is(addr("127.0.0.1:8080")));
        assert!(own.is(addr("[::1]:8080")));
        assert!(own.is(addr("0.0.0.0:9999")));
        assert!(!own.is(addr("127.0.0.1:9000")));
        assert!(!own.is(addr("192.0.2.1:8080")));
        // An IPv4 address written as IPv6 is the same address.
        assert!(own.is(addr("[::ffff:127.0.0.1]:8080")));
        assert!(own.is(addr("[::ffff:0.0.0.0]:1")));
        // A trailing dot names the same host.
        let dotted = target("http://monitor.example.org./").unwrap_or_else(|e| panic!("{e}"));
        assert!(own.named(&dotted));
        let named = target("http://MONITOR.example.org/x").unwrap_or_else(|e| panic!("{e}"));
        assert!(own.named(&named));
        let other = target("http://monitor.example.org:81/").unwrap_or_else(|e| panic!("{e}"));
        assert!(!own.named(&other));
    }

    #[test]
    fn the_host_header_brackets_ipv6_hosts() {
        let h = |url: &str| host_header(&target(url).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(h("http://[2001:db8::1]/x"), "[2001:db8::1]");
        assert_eq!(h("http://[2001:db8::1]:81/x"), "[2001:db8::1]:81");
        assert_eq!(h("http://example.org/x"), "example.org");
        assert_eq!(h("http://example.org:8080/x"), "example.org:8080");
        assert_eq!(h("https://example.org/x"), "example.org");
        assert_eq!(h("https://example.org:8443/x"), "example.org:8443");
        assert_eq!(h("https://example.org:80/x"), "example.org:80");
    }

    #[test]
    fn the_retry_schedule_grows_and_ends() {
        assert!(RETRY_AFTER.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(RETRY_AFTER.len() + 1, 8);
        // About 27 hours from the first attempt to the last.
        let total: u64 = RETRY_AFTER.iter().sum();
        assert!((26 * 3600..28 * 3600).contains(&total), "{total}");
    }

    #[test]
    fn times_are_stamped_to_sort_as_text() {
        let a: Timestamp = "2026-12-01T10:00:05Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let b: Timestamp = "2026-12-01T10:00:05.5Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let c = later(a, 5);
        assert!(stamp(a) <= stamp(b) && stamp(b) < stamp(c));
        assert_eq!(stamp(c), "2026-12-01T10:00:10Z");
    }
}
