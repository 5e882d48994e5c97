//! `/simulate` and `/api/v1/simulate`: the impact simulator on the web. Pick
//! a built-in scenario, change its main parameters, see the plots and the
//! figures with their 5–95% bands. Every run is seeded, so a page's address
//! is its result: the same URL gives the same numbers.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use minewatch_brief::{Html, html};
use minewatch_sim::{Band, EXAMPLES, Options, Parameters, Scenario, Summary, Value};
use serde::Deserialize;

use crate::cache::{Cached, Policy, fnv, fresh};
use crate::error::ApiError;
use crate::pages::{error_page, layout};

/// The query of both endpoints; every field is optional, the scenario's own
/// value is the default.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimQuery {
    scenario: Option<String>,
    frontage_km: Option<String>,
    density_per_m: Option<String>,
    fenced: Option<String>,
    marked: Option<String>,
    maintenance_years: Option<String>,
    observed: Option<String>,
    crossing_pressure: Option<String>,
    clearance_start: Option<String>,
    deminers: Option<String>,
    runs: Option<String>,
    seed: Option<String>,
    uncertainty: Option<String>,
    /// Present when the form was submitted: an absent checkbox then means no.
    set: Option<String>,
}

const DEFAULT_SCENARIO: &str = "fenced-observed-100km";
const MAX_RUNS: usize = 2_000;
/// Work units (cells, and twenty for each mine event) one request may ask
/// for: the never-fenced 100 km field is about 10,000 a replicate.
const MAX_WORK: f64 = 1.0e8;

/// One simulation at a time: each uses every core, so queueing is fairer
/// than sharing them. The permit belongs to the job, not to the request: a
/// client that hangs up does not free it while its simulation still runs.
static SIMULATIONS: LazyLock<Arc<tokio::sync::Semaphore>> =
    LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(1)));
/// Requests waiting for the permit; past [`MAX_WAITING`] a request is
/// answered 503 with `Retry-After` at once.
static WAITING: AtomicUsize = AtomicUsize::new(0);
/// How many requests may wait for a simulation.
pub(crate) const MAX_WAITING: usize = 4;

/// Simulations running now, the most ever running at once, and how many
/// were started: the limit's own gauge, logged and tested.
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// The simulator's load, as this process has seen it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimLoad {
    /// Simulations running now.
    pub running: usize,
    /// Requests waiting for the simulator.
    pub waiting: usize,
    /// The most simulations that ever ran at once (1 unless the limit broke).
    pub peak: usize,
    /// Simulations started since the process began.
    pub started: usize,
}

/// The simulator's load now.
pub fn simulator_load() -> SimLoad {
    SimLoad {
        running: RUNNING.load(Ordering::SeqCst),
        waiting: WAITING.load(Ordering::SeqCst),
        peak: PEAK.load(Ordering::SeqCst),
        started: STARTED.load(Ordering::SeqCst),
    }
}

/// Counts a running job for as long as it lives.
struct Running;

impl Running {
    fn start() -> Running {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        STARTED.fetch_add(1, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a request among those waiting for as long as it lives.
struct Waiting;

impl Waiting {
    fn join() -> Option<Waiting> {
        let before = WAITING.fetch_add(1, Ordering::SeqCst);
        if before >= MAX_WAITING {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            None
        } else {
            Some(Waiting)
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Sets the job's flag when the request is dropped (the client hung up, or
/// the deadline passed), so the simulation stops at its next replicate.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A scenario with the query's changes, and the run options.
struct Request {
    id: String,
    scenario: Scenario,
    options: Options,
}

fn bad(field: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_parameter", message).field(field)
}

fn number(
    raw: Option<&String>,
    field: &'static str,
    low: f64,
    high: f64,
) -> Result<Option<f64>, ApiError> {
    let Some(text) = raw.map(|s| s.trim()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let x: f64 = text
        .parse()
        .map_err(|_| bad(field, format!("{field}: `{text}` is not a number")))?;
    if !x.is_finite() || x < low || x > high {
        return Err(bad(
            field,
            format!("{field}: {x} is out of range [{low}, {high}]"),
        ));
    }
    Ok(Some(x))
}

/// A number that must be whole (a count, a year, a seed).
fn whole(
    raw: Option<&String>,
    field: &'static str,
    low: f64,
    high: f64,
) -> Result<Option<f64>, ApiError> {
    match number(raw, field, low, high)? {
        Some(x) if x.fract() != 0.0 => {
            Err(bad(field, format!("{field}: {x} is not a whole number")))
        }
        x => Ok(x),
    }
}

fn read(q: &SimQuery) -> Result<Request, ApiError> {
    let id = q.scenario.as_deref().unwrap_or(DEFAULT_SCENARIO);
    let Some((file, text)) = minewatch_sim::example(id) else {
        let known: Vec<&str> = EXAMPLES.iter().map(|(i, _, _)| *i).collect();
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_scenario",
            format!(
                "no scenario `{id}`; the built-in ones are {}",
                known.join(", ")
            ),
        )
        .field("scenario"));
    };
    let mut s = Scenario::parse(file, text, Parameters::embedded())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "scenario", e.to_string()))?;
    if let Some(x) = number(q.frontage_km.as_ref(), "frontage_km", 0.1, 5_000.0)? {
        s.frontage_km = x;
    }
    if let Some(x) = number(q.density_per_m.as_ref(), "density_per_m", 0.0, 10.0)? {
        s.values.insert(
            "density_per_m".into(),
            Value {
                value: x,
                origin: "set on the web page".into(),
                range: None,
            },
        );
        s.ap_mines = x > 0.0;
    }
    if let Some(x) = number(
        q.maintenance_years.as_ref(),
        "maintenance_years",
        0.0,
        200.0,
    )? {
        s.maintenance_years = x;
    }
    if let Some(x) = number(
        q.crossing_pressure.as_ref(),
        "crossing_pressure",
        0.0,
        1_000.0,
    )? {
        s.crossing_pressure = x;
    }
    let start = whole(
        q.clearance_start.as_ref(),
        "clearance_start",
        0.0,
        f64::from(s.horizon_years),
    )?;
    let deminers = number(q.deminers.as_ref(), "deminers", 0.0, 100_000.0)?;
    if let Some(c) = s.clearance.as_mut() {
        if let Some(x) = start {
            c.start_year = x as u32;
        }
        if let Some(x) = deminers.filter(|_| c.budget_per_year.is_none()) {
            c.deminers = x;
        }
    }
    let changed = q.set.is_some()
        || [
            &q.frontage_km,
            &q.density_per_m,
            &q.maintenance_years,
            &q.crossing_pressure,
            &q.clearance_start,
            &q.deminers,
        ]
        .iter()
        .any(|f| f.is_some());
    if changed {
        // The plots carry the name: say it is no longer the file's scenario.
        s.name = format!("{} (as set on the page)", s.name);
    }
    if q.set.is_some() {
        s.fenced = q.fenced.is_some();
        s.marked = q.marked.is_some();
        s.observed = q.observed.is_some();
        s.observed_years = if s.observed { s.military_years } else { 0 };
    }
    let seed = whole(q.seed.as_ref(), "seed", 0.0, 9.0e15)?.map_or(1, |x| x as u64);
    // The work of one replicate: filling the cells, and a tree step for each
    // mine that goes off or crossing attempted (an upper estimate). One
    // request stays within what a page can wait for; the default number of
    // replicates is as many as fit, at most 1,000.
    let cells = (s.frontage_km * 1000.0 / s.cell_m).ceil();
    let mines = if s.ap_mines {
        s.value("density_per_m").unwrap_or(0.0) * s.frontage_km * 1000.0
    } else {
        0.0
    };
    let hazard = s.value("hazard_incidental_unfenced").unwrap_or(0.0)
        + s.value("hazard_intentional").unwrap_or(0.0) * s.crossing_pressure;
    let events = mines * (hazard * f64::from(s.horizon_years)).min(1.0)
        + s.attempts_per_km_year * s.frontage_km * f64::from(s.military_years);
    let per_run = cells + 20.0 * events;
    let runs = match whole(q.runs.as_ref(), "runs", 1.0, MAX_RUNS as f64)? {
        Some(x) => x as usize,
        None => ((MAX_WORK / per_run).floor() as usize).clamp(1, 1_000),
    };
    if runs as f64 * per_run > MAX_WORK {
        let fit = (MAX_WORK / per_run).floor();
        let advice = if fit < 1.0 {
            "even one replicate is more than a page may ask for: use a smaller field, or run it with `minewatch simulate`".to_string()
        } else if fit < 2.0 {
            "use 1 replicate or a smaller field".to_string()
        } else {
            format!("use at most {fit:.0} replicates or a smaller field")
        };
        return Err(bad(
            "runs",
            format!(
                "{runs} replicates of this field ({cells:.0} cells, about {events:.0} mine events each) are more than a page may ask for: {advice}"
            ),
        ));
    }
    Ok(Request {
        id: id.to_string(),
        scenario: s,
        options: Options {
            runs,
            seed,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            parameter_uncertainty: q.uncertainty.is_some(),
        },
    })
}

/// The query as axum gives it (an unknown or malformed parameter is a 400
/// with serde's words) read into a request.
fn parse(q: Result<Query<SimQuery>, QueryRejection>) -> Result<Request, ApiError> {
    let Query(q) =
        q.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?;
    read(&q)
}

impl Request {
    /// The entity tag of the answer, known before it is made: a seeded run
    /// is a function of its scenario and options (not of the thread count)
    /// and of this build's parameters.
    fn tag(&self, kind: &str) -> u64 {
        let o = &self.options;
        fnv(format!(
            "{kind} {} {:?} {} {} {}",
            env!("CARGO_PKG_VERSION"),
            self.scenario,
            o.runs,
            o.seed,
            o.parameter_uncertainty
        )
        .as_bytes())
    }
}

/// Answers without simulating when it can: a 304 for a client that holds
/// the answer, the headers alone for HEAD.
fn without_running(
    method: &Method,
    headers: &HeaderMap,
    tag: u64,
    content_type: &'static str,
) -> Option<Response> {
    if let Some(not_modified) = fresh(headers, tag) {
        return Some(not_modified);
    }
    (*method == Method::HEAD)
        .then(|| Cached::tagged(content_type, String::new(), tag, Policy::Public).respond(headers))
}

async fn simulate(request: &Request) -> Result<Summary, ApiError> {
    let waiting = Waiting::join().ok_or_else(|| {
        ApiError::busy(
            format!("{MAX_WAITING} simulations are already waiting; try again shortly"),
            10,
        )
    })?;
    let permit = SIMULATIONS
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::busy("the simulator is stopping", 10))?;
    drop(waiting);
    let scenario = request.scenario.clone();
    let options = request.options;
    let cancel = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(cancel.clone());
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _running = Running::start();
        let result = minewatch_sim::run_cancellable(&scenario, options, &|_| {}, &cancel);
        if result.is_none() {
            tracing::info!("a simulation was cancelled: its client left");
        }
        result
    });
    match job.await {
        Ok(Some((summary, _))) => Ok(summary),
        Ok(None) => Err(ApiError::busy("the simulation was cancelled", 1)),
        Err(e) => {
            tracing::error!("simulation: {e}");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "simulation",
                "the simulation failed",
            ))
        }
    }
}

/// `GET /api/v1/simulate`: the summary as JSON.
pub(crate) async fn api(
    method: Method,
    headers: HeaderMap,
    q: Result<Query<SimQuery>, QueryRejection>,
) -> Response {
    let request = match parse(q) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let tag = request.tag("api");
    if let Some(answer) = without_running(&method, &headers, tag, "application/json") {
        return answer;
    }
    match simulate(&request).await {
        Ok(summary) => Cached::tagged(
            "application/json",
            serde_json::to_string(&summary).unwrap_or_else(|_| "{}".into()),
            tag,
            Policy::Public,
        )
        .respond(&headers),
        Err(e) => e.into_response(),
    }
}

fn band(b: &Band) -> Html {
    html!(
        "{} <span class=\"muted\">[{}–{}]</span>",
        format!("{:.1}", b.median),
        format!("{:.1}", b.p5),
        format!("{:.1}", b.p95)
    )
}

fn share(b: Option<&Band>) -> Html {
    b.map_or(Html::raw("—"), |b| {
        html!(
            "{}% <span class=\"muted\">[{}–{}%]</span>",
            format!("{:.0}", b.median * 100.0),
            format!("{:.0}", b.p5 * 100.0),
            format!("{:.0}", b.p95 * 100.0)
        )
    })
}

fn form(r: &Request) -> Html {
    let s = &r.scenario;
    let options: Html = EXAMPLES
        .iter()
        .map(|(id, file, _)| {
            html!(
                "<option value=\"{}\"{}>{}</option>",
                id,
                Html::raw(if *id == r.id { " selected" } else { "" }),
                file.trim_start_matches("examples/scenarios/")
            )
        })
        .collect();
    let field = |name: &str, label: &str, value: String| {
        html!(
            "<div><label for=\"{}\">{}</label><input type=\"number\" step=\"any\" id=\"{}\" name=\"{}\" value=\"{}\"></div>",
            name,
            label,
            name,
            name,
            value
        )
    };
    let check = |name: &str, label: &str, on: bool| {
        html!(
            "<div><label><input type=\"checkbox\" name=\"{}\"{}> {}</label></div>",
            name,
            Html::raw(if on { " checked" } else { "" }),
            label
        )
    };
    let clearance = s.clearance.as_ref();
    let fields: Html = [
        field("frontage_km", "Frontage (km)", s.frontage_km.to_string()),
        field(
            "density_per_m",
            "AP mines per metre of front",
            s.value("density_per_m").unwrap_or(0.0).to_string(),
        ),
        field(
            "maintenance_years",
            "Fence maintained (years)",
            s.maintenance_years.to_string(),
        ),
        field(
            "crossing_pressure",
            "Crossing pressure (× Turkey 2012)",
            s.crossing_pressure.to_string(),
        ),
        field(
            "clearance_start",
            "Clearance starts (year)",
            clearance.map_or(String::new(), |c| c.start_year.to_string()),
        ),
        match clearance.and_then(|c| c.budget_per_year) {
            Some(budget) => html!(
                "<div class=\"muted\">Clearance budget<br>{} a year</div>",
                format!("{budget:.0}")
            ),
            None => field(
                "deminers",
                "Deminers",
                clearance.map_or(String::new(), |c| c.deminers.to_string()),
            ),
        },
        field("runs", "Replicates (≤ 2,000)", r.options.runs.to_string()),
        field("seed", "Seed", r.options.seed.to_string()),
    ]
    .into_iter()
    .collect();
    let checks: Html = [
        check("fenced", "fenced", s.fenced),
        check("marked", "marked", s.marked),
        check(
            "observed",
            "observed and covered by fire in the conflict",
            s.observed,
        ),
        check(
            "uncertainty",
            "draw parameters from their uncertainty",
            r.options.parameter_uncertainty,
        ),
    ]
    .into_iter()
    .collect();
    html!(
        "<form class=\"inline\" method=\"get\" action=\"/simulate\">\
         <div><label for=\"scenario\">Scenario</label><select id=\"scenario\" name=\"scenario\">{}</select></div>\
         <button type=\"submit\" id=\"load\">Load</button></form>\
         <form class=\"inline sim\" method=\"get\" action=\"/simulate#results\"><input type=\"hidden\" name=\"set\" value=\"1\">\
         <input type=\"hidden\" name=\"scenario\" value=\"{}\">\
         {}<fieldset class=\"checks\"><legend>Field and conflict</legend>{}</fieldset>\
         <button type=\"submit\" id=\"run\">Run</button></form>\
         <p class=\"muted\">Load a scenario to start from its values; change them and run. <a href=\"/simulate?scenario={}\">Reset</a>.</p>",
        options,
        r.id,
        fields,
        checks,
        r.id
    )
}

fn results(r: &Request, s: &Summary) -> Html {
    let mut rows: Vec<(String, Html)> = vec![
        ("Mines laid".to_string(), html!("{}", s.mines_laid)),
        (
            "Own-force deaths while laying".into(),
            band(&s.laying_deaths),
        ),
        (
            "Crossing attempts (military phase)".into(),
            band(&s.crossing_attempts),
        ),
        (
            "Crossings that succeed while observed".into(),
            share(s.crossing_success_observed.as_ref()),
        ),
        (
            "Crossings that succeed while unobserved".into(),
            share(s.crossing_success_unobserved.as_ref()),
        ),
        ("Attackers hurt by mines".into(), band(&s.enemy_casualties)),
        (
            format!("Civilian casualties over {} years", s.years.len()),
            band(&s.civilian_total),
        ),
        (
            "Land denied (km²·years)".into(),
            band(&s.land_denied_km2_years),
        ),
    ];
    if s.mines_laid > 0 && r.scenario.clearance.is_some() && s.clearance_finished_share == 0.0 {
        rows.push((
            "Clearance".into(),
            Html::raw("never finished within the horizon"),
        ));
    } else if s.mines_laid > 0 && r.scenario.clearance.is_some() {
        rows.push((
            "Clearance, years from start".into(),
            html!(
                "{} <span class=\"muted\">(finished in {}% of replicates)</span>",
                band(&s.clearance_years),
                format!("{:.0}", s.clearance_finished_share * 100.0)
            ),
        ));
        if let Some(cost) = &s.clearance_cost_eur {
            rows.push((
                "Clearance cost (EUR million)".into(),
                html!(
                    "{} <span class=\"muted\">[{}–{}]</span>",
                    format!("{:.1}", cost.median / 1e6),
                    format!("{:.1}", cost.p5 / 1e6),
                    format!("{:.1}", cost.p95 / 1e6)
                ),
            ));
        }
        rows.push(("Deminer casualties".into(), band(&s.deminer_casualties)));
    }
    if let Some(d) = s.decline_per_year {
        rows.push((
            "Decline of casualties, first 15 years of clearance".into(),
            html!(
                "{} a year <span class=\"muted\">(record: about 0.21–0.27)</span>",
                format!("{d:.2}")
            ),
        ));
    }
    let mut html = html!(
        "<h2 id=\"results\">Results: {} replicates, seed {}{}</h2><table class=\"figures\"><thead><tr><th scope=\"col\">What</th><th scope=\"col\">Median [5–95%]</th></tr></thead><tbody>",
        s.runs,
        s.seed,
        if s.parameter_uncertainty {
            ", parameters drawn from their uncertainty"
        } else {
            ""
        }
    );
    for (what, value) in rows {
        html.push(html!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            what,
            value
        ));
    }
    html.push_raw("</tbody></table>");
    html.push(html!(
        "<h2>Plots</h2><figure class=\"plot\">{}<figcaption>Civilian casualties per year by channel, median with the 5–95% band.</figcaption></figure>\
         <figure class=\"plot\">{}<figcaption>Clearance progress: functional mines left and land still denied.</figcaption></figure>",
        Html::from_renderer(minewatch_sim::casualties_svg(s)),
        Html::from_renderer(minewatch_sim::clearance_svg(s))
    ));
    html.push_raw("<h2>Parameters in use</h2><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Value</th><th scope=\"col\">Where it comes from</th></tr></thead><tbody>");
    for (name, value, origin) in &s.parameters {
        html.push(html!(
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"muted\">{}</td></tr>",
            name,
            if *value != 0.0 && value.abs() < 1e-3 {
                format!("{value:.3e}")
            } else {
                format!("{value}")
            },
            origin
        ));
    }
    html.push_raw("</tbody></table></div>");
    if !s.unmodelled.is_empty() {
        html.push(html!(
            "<p>Not modelled, for want of a sourced or fitted value: {}.</p>",
            s.unmodelled.join(", ")
        ));
    }
    html
}

/// `GET /simulate`: the form, and the run it describes.
pub(crate) async fn page_handler(
    method: Method,
    headers: HeaderMap,
    q: Result<Query<SimQuery>, QueryRejection>,
) -> Response {
    let request = match parse(q) {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let tag = request.tag("page");
    if let Some(answer) = without_running(&method, &headers, tag, "text/html; charset=utf-8") {
        return answer;
    }
    let summary = match simulate(&request).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let body = html!(
        "<h1>What a minefield costs: the impact simulator</h1>\
         <p>A seeded Monte Carlo model of a defensive anti-personnel minefield: the military phase while it is defended, \
         then decades of civilian exposure and clearance. Parameters come from <code>data/sim_parameters.csv</code> and the \
         fits of <code>minewatch simulate calibrate</code>; the same address always gives the same numbers. \
         <span class=\"muted\">{}</span></p>{}{}",
        &request.scenario.description,
        form(&request),
        results(&request, &summary)
    );
    let page = layout("Impact simulator", body).into_string();
    Cached::tagged("text/html; charset=utf-8", page, tag, Policy::Public).respond(&headers)
}
