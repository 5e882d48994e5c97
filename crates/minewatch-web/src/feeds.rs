//! The change feeds: `/feeds/changes.atom` (Atom 1.0, RFC 4287, with
//! RFC 6721 tombstones) and `/feeds/changes.json` (JSON Feed 1.1), the
//! latest 100 entries, filterable by `state` (codes or names,
//! comma-separated), `group` and `kind` (`recorded`, `took_effect`).
//!
//! Two kinds of entries:
//! - `recorded`: an edit changed the record (from the edit log): the states
//!   whose status timeline it changed, before and after. A later correction
//!   of the row it wrote updates the entry; a later retraction tombstones it.
//! - `took_effect`: a dated consequence was reached by today: an entry into
//!   force, a withdrawal taking effect or deferred, an obligation's deadline
//!   passing unmet, and (for the obligations open today) thirty days before
//!   a deadline. Computed from the record served, on the server's day.
//!
//! Entry ids are stable: `urn:minewatch:edit:{version}` for a recorded
//! edit, `urn:minewatch:took-effect:{state}:{date}:{what}` for a
//! consequence.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jiff::civil::Date;
use minewatch_core::changes::{ChangeKind, Scope, changes};
use minewatch_core::{Iso3, Obligations};
use minewatch_registry::{Loaded, write_rows};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::{AppState, memo_at};
use crate::store::Recorded;
use crate::store::log::RowChange;

/// How many entries a feed gives.
pub(crate) const FEED_ENTRIES: usize = 100;

/// Days before a deadline that its reminder takes effect.
const REMINDER_DAYS: i64 = 30;

/// One entry of the feeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its stable id.
    pub(crate) id: String,
    /// `recorded` or `took_effect`.
    pub(crate) kind: &'static str,
    pub(crate) title: String,
    /// When it was made (RFC 3339).
    pub(crate) published: String,
    /// When it last changed (RFC 3339).
    pub(crate) updated: String,
    /// The states it is about.
    pub(crate) states: Vec<Iso3>,
    pub(crate) text: String,
    /// A path on this server (the state's page on the day).
    pub(crate) path: String,
    pub(crate) sources: Vec<String>,
    /// Set when a later retraction removed what it recorded: when.
    pub(crate) deleted: Option<String>,
}

fn midnight(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// The consequences reached by `today`, newest first.
pub(crate) fn took_effect(loaded: &Loaded, today: Date) -> Vec<Entry> {
    let start = minewatch_registry::parse_date("1997-12-02").unwrap_or(today);
    let mut out = Vec::new();
    for c in changes(
        &loaded.registry,
        &loaded.context,
        start,
        today,
        &Scope::default(),
    ) {
        let Some(state) = c.state else { continue };
        let name = loaded.registry.name_of(state);
        let what = match (c.kind, c.after.as_deref(), c.before.as_deref()) {
            (ChangeKind::Status, Some("party"), _) => Some((
                "entry_into_force",
                format!("The Convention enters into force for {name}"),
            )),
            (ChangeKind::Status, Some("withdrawn"), _) => Some((
                "withdrawal_effective",
                format!("{name}'s withdrawal takes effect"),
            )),
            (ChangeKind::Status, Some("withdrawal_deferred"), _) => Some((
                "withdrawal_deferred",
                format!("{name}'s withdrawal is deferred by an armed conflict"),
            )),
            (ChangeKind::Obligation, Some(after), Some("due" | "extended"))
                if after != "met" && after != "ended" =>
            {
                Some((
                    "deadline_passed",
                    format!(
                        "{name}: the deadline of its {} passed ({after})",
                        c.name.unwrap_or("obligation").replace('_', " ")
                    ),
                ))
            }
            _ => None,
        };
        if let Some((key, title)) = what {
            out.push(Entry {
                id: match c.name {
                    Some(name) if c.kind == ChangeKind::Obligation => {
                        format!("urn:minewatch:took-effect:{state}:{}:{key}:{name}", c.date)
                    }
                    _ => format!("urn:minewatch:took-effect:{state}:{}:{key}", c.date),
                },
                kind: "took_effect",
                title,
                published: midnight(c.date),
                updated: midnight(c.date),
                states: vec![state],
                text: match &c.article {
                    Some(a) => format!("{} ({a})", c.text),
                    None => c.text.clone(),
                },
                path: format!("/states/{state}?on={}", c.date),
                sources: c.sources.iter().map(|s| s.as_str().to_string()).collect(),
                deleted: None,
            });
        }
    }
    // Thirty days before each deadline still open today.
    let obligations = Obligations::new(&loaded.registry, &loaded.context);
    for s in loaded.registry.states() {
        for o in obligations.of(s.iso3, today) {
            let (Some(deadline), true) = (o.deadline, o.state.is_open()) else {
                continue;
            };
            let Ok(reminder) = deadline.checked_sub(jiff::Span::new().days(REMINDER_DAYS)) else {
                continue;
            };
            if reminder <= today && today < deadline {
                out.push(Entry {
                    id: format!(
                        "urn:minewatch:took-effect:{}:{reminder}:deadline_in_30_days:{}",
                        s.iso3, o.kind
                    ),
                    kind: "took_effect",
                    title: format!(
                        "{}: its {} is due on {deadline}, in 30 days",
                        s.name,
                        o.kind.replace('_', " ")
                    ),
                    published: midnight(reminder),
                    updated: midnight(reminder),
                    states: vec![s.iso3],
                    text: format!("{} ({})", o.detail, o.article),
                    path: format!("/states/{}?on={reminder}", s.iso3),
                    sources: o.sources.iter().map(|x| x.as_str().to_string()).collect(),
                    deleted: None,
                });
            }
        }
    }
    out
}

fn timeline(t: &[(Date, minewatch_core::Status)]) -> String {
    if t.is_empty() {
        return "never signed or joined".into();
    }
    t.iter()
        .map(|(d, s)| format!("{} from {d}", s.as_str().replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The edits that changed the record, oldest first; a correction of the
/// row an edit wrote updates its entry, a retraction tombstones it.
pub(crate) fn recorded(edits: &[Recorded]) -> Vec<Entry> {
    let mut recorder = Recorder::default();
    for r in edits {
        recorder.push(r);
    }
    recorder.entries
}

/// The `recorded` entries, edit by edit: [`recorded`] of the edits pushed
/// so far.
#[derive(Default)]
pub(crate) struct Recorder {
    /// The entries, oldest first.
    pub(crate) entries: Vec<Entry>,
    /// Which entry wrote each row still held: (file, CSV line) -> index.
    writer: BTreeMap<(String, String), usize>,
}

impl Recorder {
    /// Adds the next edit: the indices of the entries it made or changed
    /// (its own last).
    pub(crate) fn push(&mut self, r: &Recorded) -> Vec<usize> {
        let line = |cells: &[String]| write_rows(&[cells.to_vec()]).trim_end().to_string();
        let (out, writer) = (&mut self.entries, &mut self.writer);
        let mut touched = Vec::new();
        {
            let e = &r.edit;
            for c in e.changes.iter() {
                let RowChange { file, old, new, .. } = c;
                if let Some(old) = old
                    && let Some(&i) = writer.get(&(file.clone(), line(old)))
                {
                    touched.push(i);
                    match new {
                        Some(new) => {
                            out[i].updated = e.at.clone();
                            out[i].text.push_str(&format!(
                                " Corrected by edit {} ({}).",
                                e.version, e.editor
                            ));
                            // The corrected row is still the one this entry recorded.
                            writer.insert((file.clone(), line(new)), i);
                        }
                        None => {
                            out[i].updated = e.at.clone();
                            out[i].deleted = Some(e.at.clone());
                        }
                    }
                }
            }
            let sources: Vec<String> = e
                .changes
                .iter()
                .filter_map(|c| {
                    let column = match c.file.as_str() {
                        "treaty_actions.csv" => 4,
                        "states.csv" => 7,
                        _ => return None,
                    };
                    c.new.as_ref().or(c.old.as_ref())?.get(column).cloned()
                })
                .flat_map(|s| s.split(';').map(str::to_string).collect::<Vec<_>>())
                .filter(|s| !s.is_empty())
                .collect();
            let states: Vec<Iso3> = r.states.iter().map(|s| s.state).collect();
            let summary = if r.states.is_empty() {
                "no state's status changes".to_string()
            } else {
                r.states
                    .iter()
                    .map(|s| {
                        format!(
                            "{}: {} (before: {})",
                            s.state,
                            timeline(&s.after),
                            timeline(&s.before)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let codes: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
            out.push(Entry {
                id: format!("urn:minewatch:edit:{}", e.version),
                kind: "recorded",
                title: format!(
                    "Edit {} ({}, by {}){}",
                    e.version,
                    e.kind,
                    e.editor,
                    if codes.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", codes.join(", "))
                    }
                ),
                published: e.at.clone(),
                updated: e.at.clone(),
                states: states.clone(),
                text: format!("{summary}. {}", e.note)
                    .trim_end_matches(". ")
                    .to_string(),
                path: match states.first() {
                    Some(s) => format!("/states/{s}?as_of={}", e.version),
                    None => format!("/changes?as_of={}", e.version),
                },
                sources,
                deleted: None,
            });
            let index = out.len() - 1;
            for c in &e.changes {
                if let (Some(new), None) = (&c.new, &c.old) {
                    writer.insert((c.file.clone(), line(new)), index);
                }
            }
            touched.push(index);
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }
}

/// The query of the feeds.
#[derive(Deserialize, Default)]
pub(crate) struct FeedQuery {
    state: Option<String>,
    group: Option<String>,
    kind: Option<String>,
}

/// What a feed query or a webhook follows: kinds, and the states of the
/// `state` and `group` parameters (both given: the states in both).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    kinds: Option<Vec<&'static str>>,
    states: Option<std::collections::BTreeSet<Iso3>>,
}

/// The kinds of entries.
pub(crate) const KINDS: [&str; 2] = ["recorded", "took_effect"];

impl Filter {
    /// Reads `state` (codes or names, comma-separated), `group` (an id)
    /// and `kind` (comma-separated) against the record; an empty parameter
    /// (or one of commas alone) is none. The parameter refused and why.
    pub(crate) fn parse(
        loaded: &Loaded,
        state: Option<&str>,
        group: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Filter, (&'static str, String)> {
        let mut filter = Filter::default();
        let items = |text: Option<&str>| -> Vec<String> {
            text.unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let kinds = items(kind);
        if !kinds.is_empty() {
            let mut keep = Vec::new();
            for k in &kinds {
                let Some(known) = KINDS.iter().find(|x| x.eq_ignore_ascii_case(k)) else {
                    return Err((
                        "kind",
                        format!("`kind` is recorded or took_effect (found `{k}`)"),
                    ));
                };
                keep.push(*known);
            }
            filter.kinds = Some(keep);
        }
        let states = items(state);
        if !states.is_empty() {
            let mut set = std::collections::BTreeSet::new();
            for s in &states {
                let found = loaded
                    .registry
                    .find_state(s)
                    .map_err(|_| ("state", format!("unknown state `{s}`")))?;
                set.insert(found.iso3);
            }
            filter.states = Some(set);
        }
        if let Some(group) = group.map(str::trim).filter(|g| !g.is_empty()) {
            let id = loaded
                .context
                .groups()
                .iter()
                .find(|g| g.id.eq_ignore_ascii_case(group))
                .map(|g| g.id.clone())
                .ok_or_else(|| ("group", format!("unknown group `{group}`")))?;
            let members: std::collections::BTreeSet<Iso3> = loaded
                .context
                .memberships()
                .iter()
                .filter(|m| m.group == id)
                .map(|m| m.state)
                .collect();
            filter.states = Some(match filter.states {
                Some(k) => k.intersection(&members).copied().collect(),
                None => members,
            });
        }
        Ok(filter)
    }

    /// Whether an entry is followed.
    pub(crate) fn matches(&self, e: &Entry) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&e.kind))
            && self
                .states
                .as_ref()
                .is_none_or(|keep| e.states.iter().any(|s| keep.contains(s)))
    }
}

/// The entries a query selects, newest first, at most [`FEED_ENTRIES`].
fn select(loaded: &Loaded, mut entries: Vec<Entry>, q: &FeedQuery) -> Result<Vec<Entry>, ApiError> {
    let filter = Filter::parse(
        loaded,
        q.state.as_deref(),
        q.group.as_deref(),
        q.kind.as_deref(),
    )
    .map_err(|(field, message)| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", message).field(field)
    })?;
    entries.retain(|e| filter.matches(e));
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(FEED_ENTRIES);
    Ok(entries)
}

fn xml(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The feed as Atom 1.0.
pub(crate) fn atom(entries: &[Entry], base: &str, updated: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:at=\"http://purl.org/atompub/tombstones/1.0\">\n",
    );
    out.push_str(&format!(
        "  <id>urn:minewatch:feeds:changes</id>\n  <title>Minewatch: changes to the Anti-Personnel Mine Ban Convention's record</title>\n  <updated>{}</updated>\n  <author><name>Minewatch</name></author>\n  <link rel=\"self\" href=\"{}/feeds/changes.atom\"/>\n  <link rel=\"alternate\" href=\"{}/changes\"/>\n",
        xml(updated),
        xml(base),
        xml(base)
    ));
    for e in entries {
        if let Some(when) = &e.deleted {
            out.push_str(&format!(
                "  <at:deleted-entry ref=\"{}\" when=\"{}\"><at:comment>retracted from the record</at:comment></at:deleted-entry>\n",
                xml(&e.id),
                xml(when)
            ));
            continue;
        }
        out.push_str(&format!(
            "  <entry>\n    <id>{}</id>\n    <title>{}</title>\n    <published>{}</published>\n    <updated>{}</updated>\n    <link href=\"{}{}\"/>\n    <category term=\"{}\"/>\n",
            xml(&e.id),
            xml(&e.title),
            xml(&e.published),
            xml(&e.updated),
            xml(base),
            xml(&e.path),
            e.kind
        ));
        for s in &e.states {
            out.push_str(&format!("    <category term=\"state:{s}\"/>\n"));
        }
        let sources = if e.sources.is_empty() {
            String::new()
        } else {
            format!(" Sources: {}.", e.sources.join(", "))
        };
        out.push_str(&format!(
            "    <content type=\"text\">{}{}</content>\n  </entry>\n",
            xml(&e.text),
            xml(&sources)
        ));
    }
    out.push_str("</feed>\n");
    out
}

/// An entry as a JSON Feed 1.1 item (also the `data` of a webhook's
/// message): `_minewatch` holds its kind, states, sources and, for a
/// retracted one, when.
pub(crate) fn item(e: &Entry, base: &str) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "url": format!("{base}{}", e.path),
        "title": e.title,
        "content_text": if e.deleted.is_some() { "Retracted from the record.".to_string() } else { e.text.clone() },
        "date_published": e.published,
        "date_modified": e.updated,
        "tags": [e.kind],
        "_minewatch": {
            "kind": e.kind,
            "states": e.states.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "sources": e.sources,
            "deleted": e.deleted,
        },
    })
}

/// The feed as JSON Feed 1.1.
pub(crate) fn json_feed(entries: &[Entry], base: &str) -> String {
    let items: Vec<serde_json::Value> = entries.iter().map(|e| item(e, base)).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Minewatch: changes to the Anti-Personnel Mine Ban Convention's record",
        "home_page_url": format!("{base}/changes"),
        "feed_url": format!("{base}/feeds/changes.json"),
        "items": items,
    }))
    .unwrap_or_default()
}

/// `http://HOST` of the request (the feeds' links are absolute).
fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn entries(
    app: &AppState,
    snapshot: &crate::state::Snapshot,
    q: &FeedQuery,
) -> Result<Vec<Entry>, ApiError> {
    let today = app.today();
    let version = i64::try_from(snapshot.version).unwrap_or(i64::MAX);
    let mut all = {
        let mut history = app.history.lock().await;
        app.store
            .recorded_into(&mut history, version, Some((version, &snapshot.loaded)))
            .await?;
        // Only what the record of this version holds.
        let upto: Vec<Recorded> = history
            .entries
            .iter()
            .filter(|r| r.edit.version <= version)
            .cloned()
            .collect();
        recorded(&upto)
    };
    all.extend(took_effect(&snapshot.loaded, today));
    select(&snapshot.loaded, all, q)
}

/// `GET /feeds/changes.atom`.
pub(crate) async fn atom_feed(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
) -> Result<Response, ApiError> {
    serve(app, headers, q, true).await
}

/// `GET /feeds/changes.json`.
pub(crate) async fn json_feed_handler(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
) -> Result<Response, ApiError> {
    serve(app, headers, q, false).await
}

async fn serve(
    app: Arc<AppState>,
    headers: HeaderMap,
    q: FeedQuery,
    atom_format: bool,
) -> Result<Response, ApiError> {
    let base = base(&headers);
    let norm = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    let key = format!(
        "feed {atom_format} {base} {} {} {} {}",
        norm(&q.state),
        norm(&q.group),
        norm(&q.kind),
        app.today()
    );
    let content_type = if atom_format {
        "application/atom+xml; charset=utf-8"
    } else {
        "application/feed+json"
    };
    let snapshot = app.snapshot();
    let hit = || {
        app.responses
            .get(snapshot.version, &key)
            .map(|hit| crate::state::versioned(hit.respond(&headers), snapshot.version))
    };
    if let Some(answer) = hit() {
        return Ok(answer);
    }
    // One feed made at a time: the requests that wait find it made.
    let _one_at_a_time = app.rebuilding.lock().await;
    if let Some(answer) = hit() {
        return Ok(answer);
    }
    let list = entries(&app, &snapshot, &q).await?;
    let updated = list
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| midnight(app.today()));
    let body = if atom_format {
        atom(&list, &base, &updated)
    } else {
        json_feed(&list, &base)
    };
    memo_at(&app, &snapshot, key, &headers, content_type, |_| Ok(body))
}
