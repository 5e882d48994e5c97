//! What every handler shares: the store, the record being served with its
//! version, the response cache and the day answers default to.

use std::sync::{Arc, RwLock};

use axum::http::HeaderMap;
use axum::response::Response;
use jiff::civil::Date;
use minewatch_registry::Loaded;

use crate::cache::{Cached, Policy, ResponseCache};
use crate::error::ApiError;
use crate::map::{Shape, shapes};
use crate::store::{Store, StoreError};

/// How often a server checks the database's record version when no
/// notification came (SQLite has none; PostgreSQL's may be lost with a
/// connection).
pub const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// The response cache's budget in bytes.
pub const CACHE_BYTES: usize = 32 << 20;

/// The record as served, and its version in the database: every change to
/// the record, made by any process on the database, makes a new one.
pub(crate) struct Snapshot {
    pub(crate) version: u64,
    pub(crate) loaded: Arc<Loaded>,
}

/// What every handler shares.
pub struct AppState {
    pub(crate) store: Store,
    record: RwLock<Arc<Snapshot>>,
    /// Edits are made one at a time.
    pub(crate) write: tokio::sync::Mutex<()>,
    pub(crate) shapes: Vec<Shape>,
    /// Rendered GET answers, by record version and URI.
    pub(crate) responses: ResponseCache,
    /// The day answers default to (today, UTC), fixed for tests.
    pub(crate) today: Option<Date>,
    /// Records of earlier versions asked for with `as_of`, most recent
    /// use last (at most [`AS_OF_KEPT`]).
    earlier: std::sync::Mutex<Vec<Arc<Snapshot>>>,
    /// The edit log's versions and times, as of the record version served
    /// when they were read.
    edit_times: std::sync::Mutex<Option<(u64, EditTimes)>>,
    /// Held while an earlier record is rebuilt: one rebuild at a time, and
    /// the requests that wait for it find it made.
    pub(crate) rebuilding: tokio::sync::Mutex<()>,
    /// The recorded edits, for the feeds (brought up to date on use).
    pub(crate) history: tokio::sync::Mutex<crate::store::History>,
    /// The webhooks' worker settings, once the server listens (what a
    /// subscriber's URL must not point at).
    pub(crate) webhooks: std::sync::OnceLock<crate::webhooks::Config>,
    /// Told whenever a newer record is served.
    pub(crate) record_changed: tokio::sync::Notify,
}

/// The edit log's versions and times.
type EditTimes = Arc<Vec<(i64, jiff::Timestamp)>>;

/// How many earlier records `as_of` keeps rebuilt.
const AS_OF_KEPT: usize = 8;

impl AppState {
    /// State over a store, loading its record.
    ///
    /// # Errors
    /// When the stored record does not load.
    pub async fn new(store: Store, today: Option<Date>) -> Result<Arc<AppState>, StoreError> {
        let (version, loaded) = store.load_versioned().await?;
        Ok(Arc::new(AppState {
            store,
            record: RwLock::new(Arc::new(Snapshot {
                version: u64::try_from(version).unwrap_or(0),
                loaded: Arc::new(loaded),
            })),
            write: tokio::sync::Mutex::new(()),
            shapes: shapes(),
            responses: ResponseCache::new(CACHE_BYTES),
            today,
            earlier: std::sync::Mutex::new(Vec::new()),
            edit_times: std::sync::Mutex::new(None),
            rebuilding: tokio::sync::Mutex::new(()),
            history: tokio::sync::Mutex::new(crate::store::History::default()),
            webhooks: std::sync::OnceLock::new(),
            record_changed: tokio::sync::Notify::new(),
        }))
    }

    /// Starts the webhooks' worker ([`crate::webhooks::run`]) with these
    /// settings; the API's checks of new subscribers use them too.
    pub fn start_webhooks(
        self: &Arc<Self>,
        config: crate::webhooks::Config,
    ) -> tokio::task::JoinHandle<()> {
        let _ = self.webhooks.set(config.clone());
        tokio::spawn(crate::webhooks::run(self.clone(), config))
    }

    /// The record being served, with its version.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        match self.record.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The record an answer is made from: the one served, or with `as_of`
    /// (an edit id or an RFC 3339 time) the record as it stood after that
    /// edit, rebuilt from the edit log (a 422 naming the log's range when
    /// `as_of` is outside it).
    pub(crate) async fn snapshot_for(
        &self,
        as_of: Option<&str>,
    ) -> Result<Arc<Snapshot>, ApiError> {
        let current = self.snapshot();
        let Some(text) = as_of.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(current);
        };
        let cached = {
            let guard = match self.edit_times.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            guard
                .as_ref()
                .filter(|(v, _)| *v == current.version)
                .map(|(_, t)| t.clone())
        };
        let times = match cached {
            Some(t) => t,
            None => {
                let t = Arc::new(self.store.edit_times().await?);
                let mut guard = match self.edit_times.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                *guard = Some((current.version, t.clone()));
                t
            }
        };
        let version = match crate::store::log::resolve(text, &times) {
            Ok(v) => v,
            Err(message) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_as_of",
                    message,
                )
                .field("as_of"));
            }
        };
        let wanted = u64::try_from(version).unwrap_or(0);
        if wanted == current.version {
            return Ok(current);
        }
        let kept_one = || {
            let mut kept = match self.earlier.lock() {
                Ok(k) => k,
                Err(p) => p.into_inner(),
            };
            let i = kept.iter().position(|s| s.version == wanted)?;
            let found = kept.remove(i);
            kept.push(found.clone());
            Some(found)
        };
        if let Some(found) = kept_one() {
            return Ok(found);
        }
        let _one_at_a_time = self.rebuilding.lock().await;
        if let Some(found) = kept_one() {
            return Ok(found);
        }
        let loaded = self.store.load_as_of(version).await?;
        let made = Arc::new(Snapshot {
            version: wanted,
            loaded: Arc::new(loaded),
        });
        let mut kept = match self.earlier.lock() {
            Ok(k) => k,
            Err(p) => p.into_inner(),
        };
        kept.push(made.clone());
        if kept.len() > AS_OF_KEPT {
            kept.remove(0);
        }
        Ok(made)
    }

    /// The record being served.
    pub(crate) fn record(&self) -> Arc<Loaded> {
        self.snapshot().loaded.clone()
    }

    /// Serves the record of database version `version` (after an edit, or
    /// one another replica made), and drops the answers made from older
    /// ones; an older record than the one served is ignored.
    pub(crate) fn replace(&self, version: i64, loaded: Loaded) {
        let version = u64::try_from(version).unwrap_or(0);
        {
            let mut guard = match self.record.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if version <= guard.version {
                return;
            }
            *guard = Arc::new(Snapshot {
                version,
                loaded: Arc::new(loaded),
            });
        }
        self.responses.retire_before(version);
        // The webhooks' worker hands the new edit over at once.
        self.record_changed.notify_one();
    }

    /// Brings the served record up to the database's when another process
    /// changed it; whether it did.
    ///
    /// # Errors
    /// On a database error, or a stored record that does not load (the
    /// record served stays).
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let stored = self.store.version().await?;
        if u64::try_from(stored).unwrap_or(0) <= self.snapshot().version {
            return Ok(false);
        }
        let (version, loaded) = self.store.load_versioned().await?;
        self.replace(version, loaded);
        Ok(true)
    }

    /// Follows the changes other processes make to the record, for as long
    /// as the server runs: at each notification (PostgreSQL's `LISTEN`)
    /// and, as the fallback, every [`POLL`], the served record is brought up
    /// to the database's version.
    pub async fn follow(self: Arc<Self>) {
        let mut listener = None;
        loop {
            if listener.is_none() {
                listener = match self.store.changes().await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!("no change notifications (polling instead): {e}");
                        None
                    }
                };
                // Whatever happened while no one listened.
                if let Err(e) = self.refresh().await {
                    tracing::warn!("cannot refresh the record: {e}");
                }
            }
            let signalled = match listener.as_mut() {
                Some(l) => tokio::select! {
                    r = l.next() => Some(r),
                    () = tokio::time::sleep(POLL) => None,
                },
                None => {
                    tokio::time::sleep(POLL).await;
                    None
                }
            };
            if let Some(Err(e)) = signalled {
                tracing::warn!("change notifications lost (reconnecting): {e}");
                listener = None;
                continue;
            }
            match self.refresh().await {
                Ok(true) => tracing::info!("record updated to version {}", self.snapshot().version),
                Ok(false) => {}
                Err(e) => tracing::warn!("cannot refresh the record: {e}"),
            }
        }
    }

    /// Today, UTC (or the fixed day of a test).
    pub(crate) fn today(&self) -> Date {
        self.today.unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
    }

    /// Bytes and entries the response cache holds.
    pub fn cache_usage(&self) -> (usize, usize) {
        self.responses.usage()
    }
}

/// The answer for `key` from the cache, or made by `make` from the
/// snapshot of the record given (the one served, or one `as_of` asked
/// for), kept under that snapshot's version, and given.
pub(crate) fn memo_at(
    app: &AppState,
    snapshot: &Snapshot,
    key: String,
    request: &HeaderMap,
    content_type: &'static str,
    make: impl FnOnce(&Loaded) -> Result<String, ApiError>,
) -> Result<Response, ApiError> {
    if let Some(hit) = app.responses.get(snapshot.version, &key) {
        return Ok(versioned(hit.respond(request), snapshot.version));
    }
    let entry = Arc::new(Cached::new(
        content_type,
        make(&snapshot.loaded)?,
        Policy::Public,
    ));
    app.responses.insert(snapshot.version, key, entry.clone());
    Ok(versioned(entry.respond(request), snapshot.version))
}

/// The header naming the record version an answer was made from.
pub const RECORD_VERSION: &str = "minewatch-record-version";

/// An answer with the record version it was made from.
pub(crate) fn versioned(mut response: Response, version: u64) -> Response {
    response
        .headers_mut()
        .insert(RECORD_VERSION, axum::http::HeaderValue::from(version));
    response
}

/// An answer with the record version it was made from and its permalink:
/// the request's path and query with `as_of` set to that version and the
/// defaults it was answered with (`pins`: the day asked about) written out,
/// so that it answers the same however the record changes later, and on
/// any later day.
pub(crate) fn permalinked(
    response: Response,
    version: u64,
    uri: &axum::http::Uri,
    pins: &[(&str, String)],
) -> Response {
    let mut response = versioned(response, version);
    let link = permalink(uri, version, pins);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("<{link}>; rel=\"canonical\"")) {
        response.headers_mut().insert(axum::http::header::LINK, v);
    }
    response
}

/// The path and query of `uri` with `as_of` set to `version`, and each pin
/// added where the query does not give it.
pub(crate) fn permalink(uri: &axum::http::Uri, version: u64, pins: &[(&str, String)]) -> String {
    let mut query: Vec<String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("as_of="))
        .map(str::to_string)
        .collect();
    for (key, value) in pins {
        let given = query.iter().any(|p| {
            p.split_once('=')
                .is_some_and(|(k, v)| k == *key && !v.is_empty())
        });
        if !given {
            query.retain(|p| p.split_once('=').is_none_or(|(k, _)| k != *key) && p != key);
            query.push(format!("{key}={value}"));
        }
    }
    query.push(format!("as_of={version}"));
    format!("{}?{}", uri.path(), query.join("&"))
}

/// A GET answer with an entity tag (304 when the client has it), caching
/// for a minute, and open to every origin.
pub(crate) fn cached(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    Cached::new(content_type, body, Policy::Public).respond(request)
}

/// Reads `?on=` as a date, defaulting to today.
pub(crate) fn on_date(state: &AppState, on: Option<&str>) -> Result<Date, ApiError> {
    match on.filter(|s| !s.is_empty()) {
        None => Ok(state.today()),
        Some(text) => minewatch_registry::parse_date(text).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "bad_date",
                format!("`on` must be a date as YYYY-MM-DD: {e} (found `{text}`)"),
            )
            .field("on")
        }),
    }
}
