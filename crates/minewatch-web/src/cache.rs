//! Rendered answers and their entity tags: conditional GETs (`If-None-Match`
//! with strong, weak and `*` tags) and a cache of rendered answers bounded by
//! bytes, evicting the least recently used. Entries are keyed by the record
//! version they were computed from, so an answer made from the record before
//! an edit is never served after it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How long others may keep an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// The public record: anyone may keep it for a minute.
    Public,
    /// Not to be stored by anyone but the client (the audit trail).
    NoStore,
}

/// A rendered answer: its body is shared, never copied.
pub(crate) struct Cached {
    content_type: &'static str,
    body: Bytes,
    etag: HeaderValue,
    policy: Policy,
}

impl Cached {
    pub(crate) fn new(content_type: &'static str, body: String, policy: Policy) -> Cached {
        let tag = fnv(body.as_bytes());
        Cached::tagged(content_type, body, tag, policy)
    }

    /// An answer whose tag is known before its body (a seeded simulation
    /// is named by its request).
    pub(crate) fn tagged(
        content_type: &'static str,
        body: String,
        tag: u64,
        policy: Policy,
    ) -> Cached {
        Cached {
            content_type,
            etag: etag_value(tag),
            body: Bytes::from(body),
            policy,
        }
    }

    fn size(&self) -> usize {
        self.body.len() + 64
    }

    pub(crate) fn respond(&self, request: &HeaderMap) -> Response {
        if matches(request, &self.etag) {
            return not_modified(&self.etag, self.policy);
        }
        let mut response = (
            [(header::CONTENT_TYPE, self.content_type)],
            self.body.clone(),
        )
            .into_response();
        headers(response.headers_mut(), &self.etag, self.policy);
        response
    }
}

fn etag_value(tag: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{tag:016x}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// Whether `If-None-Match` names this tag: `*`, or any listed tag with or
/// without the weak prefix (the weak comparison RFC 9110 asks of it).
pub(crate) fn matches(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let want = etag.to_str().unwrap_or("");
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == want)
}

fn headers(h: &mut HeaderMap, etag: &HeaderValue, policy: Policy) {
    h.insert(header::ETAG, etag.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match policy {
            Policy::Public => "public, max-age=60",
            Policy::NoStore => "no-store",
        }),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
}

fn not_modified(etag: &HeaderValue, policy: Policy) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    headers(response.headers_mut(), etag, policy);
    response
}

/// A 304 for a request that already holds the answer named `tag`, without
/// making the answer.
pub(crate) fn fresh(request: &HeaderMap, tag: u64) -> Option<Response> {
    let etag = etag_value(tag);
    matches(request, &etag).then(|| not_modified(&etag, Policy::Public))
}

/// A 64-bit FNV-1a hash, for entity tags.
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Rendered answers by (record version, key), at most `budget` bytes in
/// all; the least recently used go first.
pub(crate) struct ResponseCache {
    budget: usize,
    inner: Mutex<Lru>,
}

#[derive(Default)]
struct Lru {
    entries: HashMap<(u64, String), (Arc<Cached>, u64)>,
    by_use: BTreeMap<u64, (u64, String)>,
    bytes: usize,
    tick: u64,
}

impl ResponseCache {
    pub(crate) fn new(budget: usize) -> ResponseCache {
        ResponseCache {
            budget,
            inner: Mutex::new(Lru::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn get(&self, version: u64, key: &str) -> Option<Arc<Cached>> {
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        let k = (version, key.to_string());
        let (entry, used) = lru.entries.get_mut(&k)?;
        let entry = entry.clone();
        let old = std::mem::replace(used, tick);
        lru.by_use.remove(&old);
        lru.by_use.insert(tick, k);
        Some(entry)
    }

    pub(crate) fn insert(&self, version: u64, key: String, entry: Arc<Cached>) {
        let size = entry.size();
        if size > self.budget {
            return;
        }
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        let k = (version, key);
        if let Some((old, used)) = lru.entries.insert(k.clone(), (entry, tick)) {
            lru.bytes -= old.size();
            lru.by_use.remove(&used);
        }
        lru.by_use.insert(tick, k);
        lru.bytes += size;
        while lru.bytes > self.budget {
            let Some((_, oldest)) = lru.by_use.pop_first() else {
                break;
            };
            if let Some((gone, _)) = lru.entries.remove(&oldest) {
                lru.bytes -= gone.size();
            }
        }
    }

    /// Drops every answer made from a version before `version`.
    pub(crate) fn retire_before(&self, version: u64) {
        let mut lru = self.lock();
        let stale: Vec<(u64, (u64, String))> = lru
            .by_use
            .iter()
            .filter(|(_, k)| k.0 < version)
            .map(|(t, k)| (*t, k.clone()))
            .collect();
        for (tick, key) in stale {
            lru.by_use.remove(&tick);
            if let Some((gone, _)) = lru.entries.remove(&key) {
                lru.bytes -= gone.size();
            }
        }
    }

    /// Bytes held and entries, for tests and the log.
    pub(crate) fn usage(&self) -> (usize, usize) {
        let lru = self.lock();
        (lru.bytes, lru.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(n: usize) -> Arc<Cached> {
        Arc::new(Cached::new("text/plain", "x".repeat(n), Policy::Public))
    }

    #[test]
    fn the_least_recently_used_goes_first_and_the_budget_holds() {
        let cache = ResponseCache::new(1_000);
        cache.insert(1, "a".into(), entry(300));
        cache.insert(1, "b".into(), entry(300));
        assert!(cache.get(1, "a").is_some());
        cache.insert(1, "c".into(), entry(300));
        // b was used least recently: it went.
        assert!(cache.get(1, "b").is_none());
        assert!(cache.get(1, "a").is_some());
        assert!(cache.get(1, "c").is_some());
        assert!(cache.usage().0 <= 1_000);
        // An answer of another version is another entry; retiring drops the old.
        assert!(cache.get(2, "a").is_none());
        cache.retire_before(2);
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn weak_and_star_tags_match() {
        let etag = etag_value(0xabc);
        let mut h = HeaderMap::new();
        for (value, hit) in [
            ("\"0000000000000abc\"", true),
            ("W/\"0000000000000abc\"", true),
            ("*", true),
            ("\"x\", W/\"0000000000000abc\"", true),
            ("\"0000000000000abd\"", false),
        ] {
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
            assert_eq!(matches(&h, &etag), hit, "{value}");
        }
    }

    proptest! {
        #[test]
        fn never_over_budget(sizes in proptest::collection::vec((0usize..40, 0usize..600), 1..200)) {
            let cache = ResponseCache::new(2_000);
            for (key, size) in sizes {
                cache.insert(1, key.to_string(), entry(size));
                let (bytes, n) = cache.usage();
                prop_assert!(bytes <= 2_000);
                prop_assert!(n <= 40);
            }
        }
    }
}
