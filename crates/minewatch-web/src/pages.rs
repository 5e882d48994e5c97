//! The pages: server-rendered HTML that works without JavaScript.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use minewatch_brief::{Html, html};
use minewatch_core::{Iso3, Obligations, Status};
use serde::Deserialize;

use crate::api::{check_claim, history_rows, party_rows};
use crate::error::ApiError;
use crate::map::{HEIGHT, WIDTH};
use crate::state::{AppState, cached, on_date};

/// Query parameters of the pages.
#[derive(Deserialize, Default)]
pub(crate) struct PageQuery {
    on: Option<String>,
    /// The record as it stood after an edit: its id, or an RFC 3339 time.
    as_of: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    claim: Option<String>,
    format: Option<String>,
    peers: Option<String>,
}

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:#1b1b1b;background:#fff}
a{color:#0b4f8a}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
header.top{background:#5c0f0f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:baseline}
header.top a{color:#fff;text-decoration:none;font-weight:600}
header.top .brand{font-size:1.15rem;margin-right:1rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0 .6rem}
h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:2px solid #5c0f0f}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
label{font-weight:600;display:block;font-size:.9rem}
input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid #767676;border-radius:4px}
input[type=text]{min-width:min(36rem,90vw)}
button{background:#0b4f8a;color:#fff;border-color:#0b4f8a;cursor:pointer}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3efef}
.counts{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:.5rem 0;padding:0;list-style:none}
.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #555;vertical-align:-.1em;margin-right:.3em}
svg.map{width:100%;height:auto;background:#eaf2f8;border:1px solid #bcd}
svg.map path{stroke:#fff;stroke-width:.4}
svg.map a:focus path,svg.map path:hover{stroke:#000;stroke-width:1.2}
.party{fill:#1a7f37}.withdrawing,.withdrawal_deferred{fill:#e08e0b}.withdrawn{fill:#b3261e}
.consented{fill:#7fbf7f}.signatory{fill:#8fa8d8}.non_signatory{fill:#9a9a9a}.nodata{fill:#d9d9d9}
.badge{padding:.05rem .45rem;border-radius:1rem;color:#fff;font-weight:600;font-size:.9rem}
.b-party{background:#1a7f37}.b-withdrawing,.b-withdrawal_deferred{background:#9a5b00}.b-withdrawn{background:#b3261e}
.b-consented{background:#2f6b2f}.b-signatory{background:#35508a}.b-non_signatory{background:#555}
.verdict{font-size:1.2rem;font-weight:700}
.muted{color:#555}
footer{max-width:72rem;margin:2rem auto;padding:1rem;border-top:1px solid #ccc;color:#555;font-size:.9rem}
figure.plot{margin:1rem 0}figure.plot svg{width:100%;height:auto;border:1px solid #ddd}
form.sim input[type=number]{width:9rem}select{max-width:100%}
.scroll{overflow-x:auto}
fieldset.checks{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;flex-basis:100%}
fieldset.checks legend{font-weight:600;font-size:.9rem;padding:0}
fieldset.checks label{font-weight:400;font-size:1rem}.scroll code{word-break:break-all}
table.figures th[scope=row]{background:none;font-weight:600}
table.treaty-figures th[scope=row]{background:none;font-weight:600}
table.treaty-figures code{word-break:break-word}.num{text-align:right;white-space:nowrap}
details summary{cursor:pointer;color:#0b4f8a}details p.states{margin:.2rem 0;line-height:1.7}
ul.sources{margin:.2rem 0;padding-left:1.2rem;font-size:.9rem}
#changes td:first-child{white-space:nowrap}
table.obligations tr.head td{border-bottom:0;padding-bottom:0}ol.steps{margin:.2rem 0;padding-left:1.4rem;font-size:.9rem}
@media (max-width:40rem){table.treaty-figures thead{display:none}table.treaty-figures tr{display:grid;grid-template-columns:1fr auto;border-bottom:1px solid #ccc}
table.treaty-figures th,table.treaty-figures td{border:0}table.treaty-figures td:last-child{grid-column:1/3;padding-top:0}}
@media (max-width:40rem){body{font-size:15px}th,td{padding:.25rem}.hide-s{display:none}}
@media print{header.top,form,footer{display:none}main{max-width:none}a{color:inherit;text-decoration:none}}
"#;

/// A whole page: the title is escaped, the body is markup already.
pub(crate) fn layout(title: &str, body: Html) -> Html {
    html!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t} · Minewatch</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\n\
         <header class=\"top\"><a class=\"brand\" href=\"/\">Minewatch</a>\
         <nav aria-label=\"Main\"><a href=\"/\">Map</a> · <a href=\"/parties\">Parties</a> · <a href=\"/figures\">Figures</a> · <a href=\"/changes\">Changes</a> · \
         <a href=\"/history\">History</a> · <a href=\"/claims\">Check a claim</a> · <a href=\"/simulate\">Simulator</a> · <a href=\"/about\">About</a></nav></header>\n\
         <main id=\"main\">\n{body}\n</main>\n<footer>Minewatch: the Anti-Personnel Mine Ban Convention (1997), computed from a sourced record. \
         Every status follows Articles 15–20 as applied to the depositary record; see <a href=\"/about\">About</a> for the sources and how to cite a page. \
         Editors: <a href=\"/editor\">propose and review edits</a>.</footer>\n\
         </body>\n</html>\n",
        t = title,
        body = body
    )
}

pub(crate) fn page(headers: &HeaderMap, title: &str, body: Html) -> Response {
    cached(
        headers,
        "text/html; charset=utf-8",
        layout(title, body).into_string(),
    )
}

fn html_response(status: StatusCode, page: Html) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page.into_string(),
    )
        .into_response()
}

/// A page for a bad request: the error, readable.
pub(crate) fn error_page(e: &ApiError) -> Response {
    let body = html!("<h1>{}</h1><p>{}</p>", e.status.as_u16(), e.message);
    html_response(e.status, layout("Error", body))
}

pub(crate) fn not_found() -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        layout(
            "Not found",
            Html::raw("<h1>Not found</h1><p>No such page. <a href=\"/\">Back to the map</a>.</p>"),
        ),
    )
}

fn date_form(action: &str, on: Date, extra: Html) -> Html {
    html!(
        "<form class=\"inline\" method=\"get\" action=\"{}\">{}<div><label for=\"on\">Date</label>\
         <input type=\"date\" id=\"on\" name=\"on\" value=\"{on}\" min=\"1997-12-03\"></div>\
         <button type=\"submit\">Show</button></form>",
        action,
        extra
    )
}

fn badge(status: Status) -> Html {
    html!(
        "<span class=\"badge b-{s}\">{s}</span>",
        s = status.as_str()
    )
}

/// `/`: the world map coloured by status on the date, with legend, counts and a table.
pub(crate) async fn map(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let on = match on_date(&app, q.on.as_deref()) {
        Ok(on) => on,
        Err(e) => return error_page(&e),
    };
    let snapshot = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let made = crate::state::memo_at(
        &app,
        &snapshot,
        format!("map {on}"),
        &headers,
        "text/html; charset=utf-8",
        |loaded| Ok(map_page(&app, loaded, on).into_string()),
    );
    made.unwrap_or_else(|e| error_page(&e))
}

fn map_page(app: &AppState, loaded: &minewatch_registry::Loaded, on: Date) -> Html {
    let r = &loaded.registry;
    let mut body = Html::default();
    let counts = r.counts_on(on);
    body.push(html!(
        "<h1>Who is bound by the Mine Ban Convention on {on}</h1>{}",
        date_form("/", on, Html::default())
    ));
    body.push_raw("<ul class=\"counts\" aria-label=\"Counts\">");
    for status in Status::ALL {
        body.push(html!(
            "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"{s}\" width=\"14\" height=\"14\"/></svg> {s}: <strong>{n}</strong></li>",
            s = status.as_str(),
            n = counts.get(status)
        ));
    }
    body.push(html!(
        "<li>bound in all: <strong>{}</strong></li></ul>",
        counts.bound()
    ));
    body.push(html!(
        "<svg class=\"map\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"map-title\"><title id=\"map-title\">World map of states by status on {on}; the table below lists every state</title>"
    ));
    for shape in &app.shapes {
        match shape.iso3.and_then(|c| r.status_on(c, on).map(|s| (c, s))) {
            Some((code, status)) => {
                body.push(html!(
                    "<a href=\"/states/{code}?on={on}\" aria-label=\"{name}: {s}\"><path class=\"{s}\" data-iso3=\"{code}\" d=\"{d}\"><title>{name}: {s}</title></path></a>",
                    name = r.name_of(code),
                    s = status.as_str(),
                    d = shape.path
                ));
            }
            None => {
                body.push(html!(
                    "<path class=\"nodata\" d=\"{d}\"><title>{name}: not in the record</title></path>",
                    name = &shape.name,
                    d = shape.path
                ));
            }
        }
    }
    body.push_raw("</svg>");
    body.push(html!(
        "<h2 id=\"table\">Every state on {on}</h2><p><a href=\"/api/v1/parties?on={on}&amp;format=csv\" download>Download the States Parties as CSV</a></p>\
         <table><caption class=\"muted\">States by status on {on}</caption><thead><tr><th scope=\"col\">State</th><th scope=\"col\">Code</th><th scope=\"col\">Status</th></tr></thead><tbody>"
    ));
    for (state, status) in r.statuses_on(on) {
        body.push(html!(
            "<tr data-iso3=\"{c}\"><td><a href=\"/states/{c}?on={on}\">{n}</a></td><td>{c}</td><td>{b}</td></tr>",
            c = state.iso3,
            n = &state.name,
            b = badge(status)
        ));
    }
    body.push_raw("</tbody></table>");
    layout(&format!("The map on {on}"), body)
}

fn find(app: &AppState, code: &str) -> Result<Iso3, ApiError> {
    app.record()
        .registry
        .find_state(code)
        .map(|s| s.iso3)
        .map_err(|_| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_state",
                format!("unknown state `{code}`"),
            )
        })
}

fn date_and_state(app: &AppState, q: &PageQuery, code: &str) -> Result<(Date, Iso3), ApiError> {
    Ok((on_date(app, q.on.as_deref())?, find(app, code)?))
}

/// `/states/{ISO3}`: status, why, findings, groups, obligations, brief.
pub(crate) async fn state(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    uri: axum::http::Uri,
    Query(q): Query<PageQuery>,
) -> Response {
    let (on, iso3) = match date_and_state(&app, &q, &code) {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    let snapshot = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let loaded = snapshot.loaded.clone();
    let r = &loaded.registry;
    let Some(a) = r.assess(iso3, on) else {
        return not_found();
    };
    let name = r.name_of(iso3);
    let link = crate::state::permalink(&uri, snapshot.version, &[("on", on.to_string())]);
    let as_of_note = if q.as_of.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        html!(
            "<p class=\"muted\" id=\"as-of\">The record as it stood after edit {} (<a href=\"/states/{iso3}?on={on}\">the record today</a>).</p>",
            snapshot.version
        )
    } else {
        Html::default()
    };
    let mut body = html!(
        "<h1>{} ({iso3})</h1>{}{}<p class=\"verdict\" id=\"status\">On {on}: {}</p>\
         <p class=\"muted\">Permalink (this answer, whatever is corrected later): <a id=\"permalink\" href=\"{}\">{}</a></p>",
        name,
        date_form(&format!("/states/{iso3}"), on, Html::default()),
        as_of_note,
        badge(a.status),
        &link,
        &link
    );
    if let Some(eif) = a.entry_into_force {
        body.push(html!("<p>In force for it from {eif}.</p>"));
    }
    if let Some(w) = &a.withdrawal {
        let effect = w.effective.map_or(
            "deferred until the armed conflict ends (Art. 20(3))".to_string(),
            |d| d.to_string(),
        );
        body.push(html!(
            "<p>Withdrawal notified {}; takes effect: {effect}.</p>",
            w.received
        ));
    }
    body.push(html!(
        "<p><a href=\"#why\">Why?</a> · <a href=\"/states/{iso3}/brief?on={on}\">Printable brief</a> · <a href=\"/api/v1/states/{iso3}?on={on}\">JSON</a></p>"
    ));
    body.push_raw("<h2 id=\"why\">Why</h2><ol>");
    for s in &a.steps {
        let change = s
            .status
            .map(|x| html!(" → <strong>{}</strong>", x))
            .unwrap_or_default();
        let sources = Html::join(
            s.sources
                .iter()
                .map(|x| html!("<code>{}</code>", x.as_str())),
            ", ",
        );
        body.push(html!(
            "<li><strong>{}</strong> ({}) {}{} <span class=\"muted\">[{}]</span></li>",
            s.date,
            s.article,
            &s.text,
            change,
            sources
        ));
    }
    body.push_raw("</ol>");
    if !a.findings.is_empty() {
        body.push_raw("<h2>Findings</h2><ul>");
        for f in &a.findings {
            body.push(html!(
                "<li><strong>{}</strong>: {}</li>",
                f.kind.as_str().replace('_', " "),
                &f.text
            ));
        }
        body.push_raw("</ul>");
    }
    let groups: Vec<&str> = loaded
        .context
        .groups_of(iso3, on)
        .map(|g| g.name.as_str())
        .collect();
    if !groups.is_empty() {
        body.push(html!(
            "<h2>Groups</h2><p>A member of {} on {on}.</p>",
            groups.join(", ")
        ));
    }
    let obligations = Obligations::new(r, &loaded.context).of(iso3, on);
    if !obligations.is_empty() {
        body.push_raw("<h2 id=\"obligations\">Obligations</h2><table class=\"obligations\"><thead><tr><th scope=\"col\">Article</th><th scope=\"col\">Obligation</th><th scope=\"col\">Deadline</th><th scope=\"col\">Standing</th></tr></thead><tbody>");
        for o in &obligations {
            body.push(html!(
                "<tr class=\"head\"><td>{}</td><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
                o.article.to_string(),
                o.kind.replace('_', " "),
                o.deadline.map_or("—".to_string(), |d| d.to_string()),
                o.state
            ));
            let steps: Html = o
                .explanation
                .iter()
                .map(|s| {
                    html!(
                        "<li><span class=\"muted\">{} · {}</span> {}</li>",
                        s.date.to_string(),
                        s.article.to_string(),
                        &s.text
                    )
                })
                .collect();
            let sources = source_items(&loaded, o.sources.iter().map(|id| id.as_str()));
            body.push(html!(
                "<tr class=\"detail\"><td colspan=\"4\">{}<details><summary>How: {} steps, {} source{}</summary><ol class=\"steps\">{}</ol><ul class=\"sources\">{}</ul></details></td></tr>",
                &o.detail,
                o.explanation.len(),
                o.sources.len(),
                if o.sources.len() == 1 { "" } else { "s" },
                steps,
                sources
            ));
        }
        body.push_raw("</tbody></table>");
    }
    crate::state::permalinked(
        page(&headers, &format!("{} on {on}", r.name_of(iso3)), body),
        snapshot.version,
        &uri,
        &[("on", on.to_string())],
    )
}

/// `/states/{ISO3}/brief`: the printable brief (HTML), or Markdown with `?format=md`.
pub(crate) async fn brief(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let (on, iso3) = match date_and_state(&app, &q, &code) {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s.loaded.clone(),
        Err(e) => return error_page(&e),
    };
    let peers: Vec<Iso3> = q
        .peers
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|p| loaded.registry.find_state(p.trim()).ok().map(|s| s.iso3))
        .collect();
    let request = minewatch_brief::BriefRequest {
        state: iso3,
        on,
        peers,
        since: None,
    };
    let brief = minewatch_brief::build(&loaded, &request);
    match q.format.as_deref() {
        Some("md") => cached(&headers, "text/markdown; charset=utf-8", brief.markdown()),
        _ => cached(&headers, "text/html; charset=utf-8", brief.html()),
    }
}

/// `/parties`: a sortable, filterable table with CSV download.
pub(crate) async fn parties(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let on = match on_date(&app, q.on.as_deref()) {
        Ok(on) => on,
        Err(e) => return error_page(&e),
    };
    let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s.loaded.clone(),
        Err(e) => return error_page(&e),
    };
    let filter = q.q.clone().unwrap_or_default();
    let needle = filter.to_lowercase();
    let mut rows: Vec<_> = party_rows(&loaded, on, false)
        .into_iter()
        .filter(|(c, n, _, _)| {
            needle.is_empty()
                || n.to_lowercase().contains(&needle)
                || c.as_str().eq_ignore_ascii_case(&needle)
        })
        .collect();
    let sort = q.sort.clone().unwrap_or_else(|| "name".into());
    match sort.as_str() {
        "since" => rows.sort_by_key(|r| (r.3, r.1.clone())),
        "code" => rows.sort_by_key(|r| r.0),
        _ => rows.sort_by(|a, b| a.1.cmp(&b.1)),
    }
    let options: Html = ["name", "code", "since"]
        .iter()
        .map(|s| {
            html!(
                "<option value=\"{s}\"{}>{s}</option>",
                if *s == sort { " selected" } else { "" }
            )
        })
        .collect();
    let extra = html!(
        "<div><label for=\"q\">Filter</label><input id=\"q\" name=\"q\" value=\"{}\" placeholder=\"name or code\"></div>\
         <div><label for=\"sort\">Sort by</label><select id=\"sort\" name=\"sort\">{}</select></div>",
        filter,
        options
    );
    let mut body = html!(
        "<h1>States Parties on {on}: {}</h1>{}<p><a id=\"csv\" href=\"/api/v1/parties?on={on}&amp;format=csv\" download=\"parties-{on}.csv\">Download CSV</a></p>\
         <table><thead><tr><th scope=\"col\">State</th><th scope=\"col\">Code</th><th scope=\"col\">Status</th><th scope=\"col\">Since</th></tr></thead><tbody>",
        rows.len(),
        date_form("/parties", on, extra)
    );
    for (c, n, s, d) in &rows {
        body.push(html!(
            "<tr><td><a href=\"/states/{c}?on={on}\">{}</a></td><td>{c}</td><td>{}</td><td>{}</td></tr>",
            n,
            badge(*s),
            d.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    body.push_raw("</tbody></table>");
    page(&headers, &format!("Parties on {on}"), body)
}

/// The list items of cited sources: publisher, linked title, and the id.
fn source_items<'s>(
    loaded: &minewatch_registry::Loaded,
    ids: impl Iterator<Item = &'s str>,
) -> Html {
    ids.map(|id| match loaded.source(id) {
        Some(s) => html!(
            "<li>{}, <a href=\"{}\" rel=\"noopener\">{}</a> <span class=\"muted\">[{}]</span></li>",
            &s.publisher,
            &s.url,
            &s.title,
            id
        ),
        None => html!("<li>{}</li>", id),
    })
    .collect()
}

/// `/figures`: the treaty-status figures on a date, each linking to its
/// states and listing its sources.
pub(crate) async fn figures(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let on = match on_date(&app, q.on.as_deref()) {
        Ok(on) => on,
        Err(e) => return error_page(&e),
    };
    let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s.loaded.clone(),
        Err(e) => return error_page(&e),
    };
    let rows = crate::api::figure_rows(&loaded, on);
    let mut body = html!(
        "<h1>Treaty-status figures on {on}</h1>{}\
         <p>Each figure is computed from the sourced record by the rules of the Convention's articles. \
         A value marked <em>at least</em> lacks some states' numbers; <em>unknown</em> is a figure the record cannot compute. \
         Open a figure to see the states behind it and its sources. \
         <a id=\"csv\" href=\"/api/v1/figures?on={on}&amp;format=csv\" download=\"figures-{on}.csv\">Download CSV</a> · \
         <a href=\"/api/v1/figures?on={on}\">JSON</a></p>\
         <table class=\"treaty-figures\"><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Value</th><th scope=\"col\">What it counts</th></tr></thead><tbody>",
        date_form("/figures", on, Html::default())
    );
    for r in &rows {
        let value = match r.value {
            None => "unknown".to_string(),
            Some(v) if r.bound == "at_least" => {
                format!("at least {}", minewatch_core::thousands(v))
            }
            Some(v) => minewatch_core::thousands(v),
        };
        let mut what = Html::text(r.description);
        if let Some(year) = r.year {
            what.push(html!(" ({year})"));
        }
        if let Some(article) = &r.article {
            what.push(html!(" <span class=\"muted\">{}</span>", article));
        }
        if let Some(reason) = &r.reason {
            what.push(html!("<br><span class=\"muted\">{}</span>", reason));
        }
        let mut detail = Html::default();
        if let Some(states) = r.states.as_ref().filter(|s| !s.is_empty()) {
            let links: Html = states
                .iter()
                .enumerate()
                .map(|(i, code)| {
                    let name = minewatch_core::Iso3::parse(code)
                        .map(|c| loaded.registry.name_of(c).to_string())
                        .unwrap_or_else(|| code.clone());
                    html!(
                        "{}<a href=\"/states/{}?on={on}\" title=\"{}\">{}</a>",
                        if i == 0 { "" } else { ", " },
                        code,
                        name,
                        code
                    )
                })
                .collect();
            detail.push(html!(
                "<details><summary>{} state{}</summary><p class=\"states\">{}</p></details>",
                states.len(),
                if states.len() == 1 { "" } else { "s" },
                links
            ));
        }
        if !r.sources.is_empty() {
            let items = source_items(&loaded, r.sources.iter().map(String::as_str));
            detail.push(html!(
                "<details><summary>{} source{}</summary><ul class=\"sources\">{}</ul></details>",
                r.sources.len(),
                if r.sources.len() == 1 { "" } else { "s" },
                items
            ));
        }
        body.push(html!(
            "<tr id=\"{}\"><th scope=\"row\"><a href=\"#{}\"><code>{}</code></a></th><td class=\"num\">{}</td><td>{}{}</td></tr>",
            r.figure,
            r.figure,
            r.figure,
            value,
            what,
            detail
        ));
    }
    body.push_raw("</tbody></table>");
    body.push(html!(
        "<p class=\"muted\">Cite as: Minewatch, treaty-status figures on {on}, /figures?on={on}. The same figures: <code>minewatch figures --on {on}</code>.</p>"
    ));
    page(&headers, &format!("Figures on {on}"), body)
}

/// `/history`: signatories, consented and bound states over time, as an SVG chart.
pub(crate) async fn history(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    // With `as_of`, the record as it stood after that edit.
    let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s.loaded.clone(),
        Err(e) => return error_page(&e),
    };
    let csv = match q.as_of.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => format!("/api/v1/history?format=csv&as_of={}", query_value(a)),
        None => "/api/v1/history?format=csv".to_string(),
    };
    let rows = history_rows(&loaded, app.today());
    let (w, h, pad) = (720.0_f64, 320.0_f64, 40.0_f64);
    let max = 200.0;
    let n = rows.len().max(2) as f64 - 1.0;
    let point = |i: usize, v: usize| {
        (
            pad + i as f64 / n * (w - 2.0 * pad),
            h - pad - v as f64 / max * (h - 2.0 * pad),
        )
    };
    let series = |pick: fn(&minewatch_json::HistoryJson) -> usize| -> String {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let (x, y) = point(i, pick(r));
                format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" })
            })
            .collect()
    };
    let mut svg = html!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"hist-title\" style=\"width:100%;max-width:48rem;height:auto\"><title id=\"hist-title\">States that ever signed, consented or bound, and bound states, 1998 to today</title>"
    );
    for v in [0, 50, 100, 150, 200] {
        let (_, y) = point(0, v);
        svg.push(html!(
            "<line x1=\"{pad}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"4\" y=\"{:.1}\" font-size=\"11\">{v}</text>",
            w - pad,
            y + 4.0
        ));
    }
    for (i, r) in rows.iter().enumerate().step_by(4) {
        let (x, _) = point(i, 0);
        svg.push(html!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>",
            x - 12.0,
            h - 18.0,
            &r.date[..4]
        ));
    }
    svg.push(html!(
        "<path d=\"{}\" fill=\"none\" stroke=\"#35508a\" stroke-width=\"2\"/><path d=\"{}\" fill=\"none\" stroke=\"#7fbf7f\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/><path d=\"{}\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"3\"/></svg>",
        series(|r| r.ever_signed),
        series(|r| r.consented_or_bound),
        series(|r| r.bound)
    ));
    let mut body = html!(
        "<h1>The Convention over time</h1><p><span style=\"color:#35508a\">━</span> ever signed · <span style=\"color:#7fbf7f\">╌</span> consented (bound or waiting for entry into force) · <span style=\"color:#1a7f37\">━</span> bound</p>{}\
         <p><a href=\"{}\" download>Download CSV</a></p><table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Ever signed</th><th scope=\"col\">Consented or bound</th><th scope=\"col\">Bound</th></tr></thead><tbody>",
        svg,
        csv
    );
    for r in &rows {
        body.push(html!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.date,
            r.ever_signed,
            r.consented_or_bound,
            r.bound
        ));
    }
    body.push_raw("</tbody></table>");
    page(&headers, "History", body)
}

/// `/claims`: a form to check a claim.
pub(crate) async fn claims(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let on = match on_date(&app, q.on.as_deref()) {
        Ok(on) => on,
        Err(e) => return error_page(&e),
    };
    let claim = q.claim.clone().unwrap_or_default();
    let extra = html!(
        "<div><label for=\"claim\">Claim</label><input type=\"text\" id=\"claim\" name=\"claim\" value=\"{}\" placeholder=\"all NATO members except USA are parties\"></div>",
        claim
    );
    let mut body = html!(
        "<h1>Check a claim</h1><p>Write a sentence about the Convention; it is checked against the record on the date. The language is described in <code>docs/claims.md</code>.</p>{}",
        date_form("/claims", on, extra)
    );
    if !claim.trim().is_empty() {
        let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
            Ok(s) => s.loaded.clone(),
            Err(e) => return error_page(&e),
        };
        match check_claim(&loaded, &claim, on) {
            Ok(v) => {
                body.push(html!(
                    "<p class=\"verdict\" id=\"verdict\">On {}: {}</p><p>{}</p>",
                    v.on,
                    v.verdict,
                    &v.summary
                ));
                if !v.counterexamples.is_empty() {
                    body.push_raw("<h2>Counter-examples</h2><ul>");
                    for c in &v.counterexamples {
                        body.push(html!(
                            "<li><a href=\"/states/{}?on={}\">{}</a>: {}</li>",
                            c.iso3,
                            v.on,
                            &c.name,
                            &c.reason
                        ));
                    }
                    body.push_raw("</ul>");
                }
                if !v.reasons.is_empty() {
                    body.push_raw("<h2>Unknown because</h2><ul>");
                    for r in &v.reasons {
                        body.push(html!("<li>{}</li>", r));
                    }
                    body.push_raw("</ul>");
                }
                body.push_raw("<h2>Evidence</h2><ul>");
                for e in &v.evidence {
                    body.push(html!(
                        "<li>{} <span class=\"muted\">{} [{}]</span></li>",
                        &e.text,
                        e.articles.join(", "),
                        &e.sources.join(", ")
                    ));
                }
                body.push_raw("</ul>");
            }
            Err(e) => {
                body.push(html!(
                    "<p class=\"verdict\" role=\"alert\">This claim cannot be read: {}</p>",
                    &e.message
                ));
            }
        }
    }
    page(&headers, "Check a claim", body)
}

/// `/about`: what the data is, its sources, how to cite.
pub(crate) async fn about(State(app): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let loaded = app.record();
    let mut body = Html::raw(
        "<h1>About Minewatch</h1><p>Minewatch holds a sourced record of every state's acts under the Anti-Personnel Mine Ban Convention \
         (signatures, instruments of consent, successions, withdrawals) and computes from it, with the Convention's articles, where each state \
         stands on any date and why. Around it: groups, use of mines by government forces (Landmine Monitor), policy, obligations under \
         Articles 3, 4, 5 and 7, and the humanitarian record.</p>\
         <h2>How to cite a page</h2><p>Give the page's permalink: its address with its date and <code>as_of</code>, the edit of the record it was made from, \
         which fixes the answer even after a later correction: for example \
         <code>Minewatch, \"Lithuania on 2026-01-01\", /states/LTU?on=2026-01-01&amp;as_of=1234</code>. A state's page shows its permalink; \
         every API answer names its record version (the <code>Minewatch-Record-Version</code> header) and its permalink (the <code>Link</code> header); \
         <code>as_of</code> also takes a time (RFC 3339). Every fact on a page names its sources, listed below.</p>\
         <h2>The map</h2><p>Country shapes: Natural Earth 1:110m Admin 0 (public domain), as redistributed by world-atlas (ISC licence), vendored with the program.</p>\
         <h2>Sources</h2><ul>",
    );
    for s in loaded.sources.values() {
        body.push(html!(
            "<li><code>{}</code> {}, {}. <a href=\"{}\">{}</a></li>",
            &s.id,
            &s.publisher,
            &s.title,
            &s.url,
            &s.url
        ));
    }
    body.push_raw("</ul>");
    page(&headers, "About", body)
}

/// `/changes?from=&to=&state=&group=&kind=`: every change in the range,
/// as `minewatch changes` lists it (from the letter of 17 January 2025 to
/// today unless asked otherwise).
pub(crate) async fn changes(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(mut q): Query<crate::api::ChangesParams>,
) -> Response {
    if q.from.as_deref().is_none_or(str::is_empty) {
        q.from = Some("2025-01-17".into());
    }
    let to =
        q.to.clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| app.today().to_string());
    q.to = Some(to.clone());
    let loaded = match app.snapshot_for(q.as_of.as_deref()).await {
        Ok(s) => s.loaded.clone(),
        Err(e) => return error_page(&e),
    };
    let rows = match crate::api::change_rows(&app, &loaded, &q) {
        Ok(rows) => rows,
        Err(e) => return error_page(&e),
    };
    let from = q.from.clone().unwrap_or_default();
    let state = q.state.clone().unwrap_or_default();
    let group = q.group.clone().unwrap_or_default();
    let kind = q.kind.clone().unwrap_or_default();
    let mut query = format!("from={}&to={}", query_value(&from), query_value(&to));
    let as_of = q.as_of.clone().unwrap_or_default();
    for (key, value) in [
        ("state", &state),
        ("group", &group),
        ("kind", &kind),
        ("as_of", &as_of),
    ] {
        if !value.is_empty() {
            query.push_str(&format!("&{key}={}", query_value(value)));
        }
    }
    let mut groups = Html::raw("<option value=\"\">every state</option>");
    for g in loaded.context.groups() {
        let selected = if g.id.eq_ignore_ascii_case(&group) {
            " selected"
        } else {
            ""
        };
        groups.push(html!(
            "<option value=\"{}\"{}>{}</option>",
            g.id,
            Html::raw(selected),
            g.id
        ));
    }
    let mut body = html!(
        "<h1>What changed after {} up to {}</h1>\
         <form class=\"inline\" method=\"get\" action=\"/changes\">\
         <div><label for=\"from\">After</label><input type=\"date\" id=\"from\" name=\"from\" value=\"{}\" min=\"1997-12-03\"></div>\
         <div><label for=\"to\">Up to</label><input type=\"date\" id=\"to\" name=\"to\" value=\"{}\" min=\"1997-12-03\"></div>\
         <div><label for=\"state\">States (codes or names, comma-separated)</label><input id=\"state\" name=\"state\" value=\"{}\"></div>\
         <div><label for=\"group\">Group</label><select id=\"group\" name=\"group\">{}</select></div>\
         <div><label for=\"kind\">Kinds</label><select id=\"kind\" name=\"kind\">{}</select></div>\
         <button type=\"submit\">Show</button></form>\
         <p>{} changes: every change of status with the article that made it, the standing of obligations, \
         findings, findings of use and (for every state) each figure's net change over the range. \
         <a id=\"csv\" href=\"/api/v1/changes?{}&amp;format=csv\" download=\"changes.csv\">Download CSV</a> · \
         <a href=\"/api/v1/changes?{}\">JSON</a></p>\
         <div class=\"scroll\"><table id=\"changes\"><thead><tr><th>Date</th><th>State</th><th>Change</th><th>Article</th><th class=\"hide-s\">What</th></tr></thead><tbody>",
        from,
        to,
        from,
        to,
        state,
        groups,
        kind_options(&kind),
        rows.len(),
        query,
        query
    );
    for r in &rows {
        let who = match &r.state {
            Some(code) => html!("<a href=\"/states/{}?on={}\">{}</a>", code, r.date, code),
            None => Html::raw("all states"),
        };
        let what = match r.name {
            Some(name) => format!("{} {}", r.kind, name.replace('_', " ")),
            None => r.kind.to_string(),
        };
        body.push(html!(
            "<tr data-kind=\"{}\"><td>{}</td><td>{}</td><td>{}: {} → {}</td><td>{}</td><td class=\"hide-s\">{}</td></tr>",
            r.kind,
            r.date,
            who,
            what,
            r.before.as_deref().unwrap_or("—").replace('_', " "),
            r.after.as_deref().unwrap_or("—").replace('_', " "),
            r.article.as_deref().unwrap_or(""),
            &r.text
        ));
    }
    body.push_raw("</tbody></table></div>");
    page(&headers, "What changed", body)
}

/// A value for a URL's query: letters, digits and `-._,` as they are,
/// every other byte percent-encoded.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._,".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn kind_options(selected: &str) -> Html {
    let mut out = Html::raw("");
    for (value, label) in [
        ("", "every kind"),
        ("status", "status"),
        ("obligation", "obligations"),
        ("finding", "findings"),
        ("use_finding", "findings of use"),
        ("figure", "figures"),
        ("status,figure", "status and figures"),
    ] {
        let mark = if value == selected { " selected" } else { "" };
        out.push(html!(
            "<option value=\"{}\"{}>{}</option>",
            value,
            Html::raw(mark),
            label
        ));
    }
    out
}
