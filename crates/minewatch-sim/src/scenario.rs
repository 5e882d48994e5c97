//! Scenarios: TOML files that describe a minefield and its history (frontage,
//! density, fence, observation, crossing pressure, clearance). A parameter a
//! scenario sets in `[parameters]` must say where its value comes from. Any
//! error names the file, the line and the key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::params::{Basis, Parameters};

/// A scenario error: where and what.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioError {
    /// The file, as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The key at fault, if known.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldIn {
    frontage_km: Spanned<f64>,
    depth_m: Spanned<f64>,
    cell_m: Option<Spanned<f64>>,
    ap_mines: Option<bool>,
    mine: Option<Spanned<String>>,
    fenced: bool,
    marked: bool,
    maintenance_years: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilitaryIn {
    years: Spanned<f64>,
    observed: bool,
    observed_years: Option<Spanned<f64>>,
    attempts_per_km_year: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CivilianIn {
    crossing_pressure: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearanceIn {
    start_year: Spanned<f64>,
    deminers: Option<Spanned<f64>>,
    working_days: Option<Spanned<f64>>,
    budget_per_year: Option<Spanned<f64>>,
    mine_action: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    value: Spanned<f64>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioIn {
    name: String,
    description: Option<String>,
    horizon_years: Spanned<f64>,
    field: FieldIn,
    military: MilitaryIn,
    civilian: Option<CivilianIn>,
    clearance: Option<ClearanceIn>,
    parameters: Option<BTreeMap<String, Spanned<Override>>>,
    backtest: Option<BacktestIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BacktestIn {
    origin_year: Spanned<f64>,
    record: Vec<Spanned<RecordIn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordIn {
    what: Spanned<String>,
    from: Option<f64>,
    at: f64,
    value: f64,
    source: Option<String>,
    held_out: bool,
    note: Option<String>,
}

/// What a recorded figure counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Mines removed by clearance, cumulative at `at`.
    MinesRemoved,
    /// Civilian casualties (both channels) between `from` and `at`.
    Casualties,
    /// The calendar year clearance ended.
    ClearanceEnd,
}

/// A recorded figure of a historical case, to compare with the model.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Recorded {
    /// What it counts.
    pub what: Measure,
    /// Start of the window (calendar year, fractional), for casualties.
    pub from: Option<f64>,
    /// When (calendar year, fractional).
    pub at: f64,
    /// The recorded number.
    pub value: f64,
    /// Its source id.
    pub source: String,
    /// Whether the scenario was set up without it (a prediction), or from
    /// it (a fit, shown for comparison).
    pub held_out: bool,
    /// A remark.
    pub note: String,
}

/// The record of a historical case.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Backtest {
    /// The calendar year of scenario year 0.
    pub origin_year: f64,
    /// The recorded figures.
    pub record: Vec<Recorded>,
}

/// The kind of mine laid.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MineKind {
    /// A blast mine: one casualty per detonation.
    Blast,
    /// A bounding fragmentation mine: several.
    Bounding,
}

/// Clearance as a scenario gives it.
#[derive(Clone, PartialEq, Debug)]
pub struct Clearance {
    /// The year (after laying) clearance starts.
    pub start_year: u32,
    /// Deminers at work.
    pub deminers: f64,
    /// Working days a year.
    pub working_days: f64,
    /// A yearly budget (in the currency of `cost_per_m2_eur`) in place of a
    /// team: the area cleared a year is the budget over the cost per m².
    pub budget_per_year: Option<f64>,
    /// Whether marking, risk education and survey run alongside clearance,
    /// so that exposure per mine falls (default: yes).
    pub mine_action: bool,
}

/// A parameter value in use, with where it comes from.
#[derive(Clone, PartialEq, Debug)]
pub struct Value {
    /// The number.
    pub value: f64,
    /// "default (sourced: ids)", "fitted (cases; sources)" or "scenario (source)".
    pub origin: String,
    /// Its 5–95% uncertainty (the fitted interval, or the parameter's
    /// plausible range), when known; a value the scenario sets has none.
    pub range: Option<(f64, f64)>,
}

/// A checked scenario.
#[derive(Clone, PartialEq, Debug)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// What it describes.
    pub description: String,
    /// Years simulated after laying.
    pub horizon_years: u32,
    /// Frontage in km.
    pub frontage_km: f64,
    /// Depth of the belt in metres.
    pub depth_m: f64,
    /// Cell length along the frontage in metres.
    pub cell_m: f64,
    /// Whether anti-personnel mines are laid at all.
    pub ap_mines: bool,
    /// The kind of mine.
    pub mine: MineKind,
    /// Whether the field is fenced.
    pub fenced: bool,
    /// Whether it is marked.
    pub marked: bool,
    /// Years the fence is maintained after laying.
    pub maintenance_years: f64,
    /// Years of the military phase.
    pub military_years: u32,
    /// Whether the field is observed and covered by fire during the military phase.
    pub observed: bool,
    /// Years of the military phase the field is observed (from the start).
    pub observed_years: u32,
    /// Crossing attempts per km-year during the military phase.
    pub attempts_per_km_year: f64,
    /// Intentional crossing pressure after the conflict (a multiple of the calibrated hazard).
    pub crossing_pressure: f64,
    /// Clearance, if any.
    pub clearance: Option<Clearance>,
    /// Every parameter in use, by name; a parameter with no sourced value
    /// and not given by the scenario is absent (its process is not modelled).
    pub values: BTreeMap<String, Value>,
    /// Parameters left unmodelled for want of a sourced value.
    pub unmodelled: Vec<String>,
    /// The record of the historical case it describes, if any.
    pub backtest: Option<Backtest>,
}

/// Rows of the parameter file that are outputs to check, never inputs.
const VALIDATION_TARGETS: [&str; 1] = ["decline_with_clearance"];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Scenario {
    /// Reads and checks a scenario.
    ///
    /// # Errors
    /// A TOML syntax error, an unknown key, a value out of range, a
    /// parameter without a source: each with the file, line and key.
    pub fn parse(
        file: &str,
        text: &str,
        parameters: &Parameters,
    ) -> Result<Scenario, ScenarioError> {
        let error = |offset: usize, key: &str, message: String| ScenarioError {
            file: file.to_string(),
            line: line_of(text, offset),
            key: key.to_string(),
            message,
        };
        let raw: ScenarioIn = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().to_string();
            let key = message
                .split('`')
                .nth(1)
                .filter(|_| {
                    message.starts_with("unknown field") || message.starts_with("missing field")
                })
                .unwrap_or("")
                .to_string();
            error(offset, &key, message)
        })?;
        let check =
            |v: &Spanned<f64>, key: &str, low: f64, high: f64| -> Result<f64, ScenarioError> {
                let x = *v.get_ref();
                if x.is_finite() && (low..=high).contains(&x) {
                    Ok(x)
                } else {
                    Err(error(
                        v.span().start,
                        key,
                        format!("{x} is out of range [{low}, {high}]"),
                    ))
                }
            };
        let horizon = check(&raw.horizon_years, "horizon_years", 1.0, 200.0)?;
        let frontage_km = check(&raw.field.frontage_km, "field.frontage_km", 0.1, 5_000.0)?;
        let depth_m = check(&raw.field.depth_m, "field.depth_m", 1.0, 10_000.0)?;
        let cell_m = match &raw.field.cell_m {
            Some(v) => check(v, "field.cell_m", 10.0, 10_000.0)?,
            None => 100.0,
        };
        let mine = match &raw.field.mine {
            None => MineKind::Blast,
            Some(v) => match v.get_ref().as_str() {
                "blast" => MineKind::Blast,
                "bounding" => MineKind::Bounding,
                other => {
                    return Err(error(
                        v.span().start,
                        "field.mine",
                        format!("expected blast or bounding (found `{other}`)"),
                    ));
                }
            },
        };
        let maintenance_years = match &raw.field.maintenance_years {
            Some(v) => check(v, "field.maintenance_years", 0.0, 200.0)?,
            None => 0.0,
        };
        let military_years = check(&raw.military.years, "military.years", 0.0, 100.0)?;
        let attempts = match &raw.military.attempts_per_km_year {
            Some(v) => check(v, "military.attempts_per_km_year", 0.0, 1e4)?,
            None => 0.0,
        };
        let crossing_pressure = match raw
            .civilian
            .as_ref()
            .and_then(|c| c.crossing_pressure.as_ref())
        {
            Some(v) => check(v, "civilian.crossing_pressure", 0.0, 1e3)?,
            None => 0.0,
        };
        let observed_years = match &raw.military.observed_years {
            Some(v) => check(v, "military.observed_years", 0.0, military_years)?,
            None if raw.military.observed => military_years,
            None => 0.0,
        };
        let clearance = match &raw.clearance {
            None => None,
            Some(c) => {
                let start_year = check(&c.start_year, "clearance.start_year", 0.0, 200.0)? as u32;
                let budget_per_year = match &c.budget_per_year {
                    Some(v) => Some(check(v, "clearance.budget_per_year", 0.0, 1e12)?),
                    None => None,
                };
                let (deminers, working_days) = match (&c.deminers, &c.working_days) {
                    (Some(d), Some(w)) => (
                        check(d, "clearance.deminers", 0.0, 1e5)?,
                        check(w, "clearance.working_days", 1.0, 366.0)?,
                    ),
                    (None, None) if budget_per_year.is_some() => (0.0, 0.0),
                    (Some(d), None) => {
                        return Err(error(
                            d.span().start,
                            "clearance.working_days",
                            "deminers need working_days".into(),
                        ));
                    }
                    (None, _) => {
                        return Err(error(
                            c.start_year.span().start,
                            "clearance.deminers",
                            "give deminers and working_days, or budget_per_year".into(),
                        ));
                    }
                };
                if let (Some(b), Some(_)) = (&c.budget_per_year, &c.deminers) {
                    return Err(error(
                        b.span().start,
                        "clearance.budget_per_year",
                        "give either a budget or deminers, not both".into(),
                    ));
                }
                Some(Clearance {
                    start_year,
                    deminers,
                    working_days,
                    budget_per_year,
                    mine_action: c.mine_action.unwrap_or(true),
                })
            }
        };
        let mut values = BTreeMap::new();
        for p in parameters
            .all()
            .filter(|p| !VALIDATION_TARGETS.contains(&p.name.as_str()))
        {
            if let Some(fit) = &p.fitted {
                values.insert(
                    p.name.clone(),
                    Value {
                        value: fit.value,
                        origin: format!(
                            "fitted on {} ({})",
                            fit.cases.join(", "),
                            fit.sources.join(", ")
                        ),
                        // The fit's interval, widened to the plausible range
                        // the parameter file gives, so that counting error
                        // alone never narrows what is known.
                        range: Some((
                            p.low.map_or(fit.low, |l| l.min(fit.low)),
                            p.high.map_or(fit.high, |h| h.max(fit.high)),
                        )),
                    },
                );
            } else if let Some(d) = p.default.filter(|_| p.basis != Basis::Calibrate) {
                values.insert(
                    p.name.clone(),
                    Value {
                        value: d,
                        origin: format!("default ({}: {})", p.basis.as_str(), p.sources.join(", ")),
                        range: p.low.zip(p.high),
                    },
                );
            }
        }
        for (key, o) in raw.parameters.iter().flatten() {
            let at = o.span().start;
            let qualified = format!("parameters.{key}");
            let Some(p) = parameters.get(key) else {
                return Err(error(
                    at,
                    &qualified,
                    "no such parameter in data/sim_parameters.csv".into(),
                ));
            };
            let o = o.get_ref();
            let Some(source) = o.source.as_deref().filter(|s| !s.trim().is_empty()) else {
                return Err(error(
                    at,
                    &qualified,
                    "a value set by a scenario needs a `source`; without one, leave the default"
                        .into(),
                ));
            };
            // Every parameter is a non-negative quantity; a probability or
            // a share is at most 1; others may go to ten times their range.
            let low = 0.0;
            let bounded = p.unit.contains("probability")
                || p.unit.contains("share")
                || p.name.starts_with("p_");
            let high = if bounded {
                1.0
            } else {
                p.high.map_or(f64::INFINITY, |h| h * 10.0)
            };
            let value = check(&o.value, &qualified, low, high)?;
            values.insert(
                key.clone(),
                Value {
                    value,
                    origin: format!("scenario ({source})"),
                    range: None,
                },
            );
        }
        let backtest = match &raw.backtest {
            None => None,
            Some(b) => {
                let origin_year = check(&b.origin_year, "backtest.origin_year", 1800.0, 2200.0)?;
                let mut record = Vec::new();
                for r in &b.record {
                    let at = r.span().start;
                    let r = r.get_ref();
                    let what = match r.what.get_ref().as_str() {
                        "mines_removed" => Measure::MinesRemoved,
                        "casualties" => Measure::Casualties,
                        "clearance_end" => Measure::ClearanceEnd,
                        other => {
                            return Err(error(
                                r.what.span().start,
                                "backtest.record.what",
                                format!(
                                    "expected mines_removed, casualties or clearance_end (found `{other}`)"
                                ),
                            ));
                        }
                    };
                    let Some(source) = r.source.clone().filter(|s| !s.trim().is_empty()) else {
                        return Err(error(
                            at,
                            "backtest.record.source",
                            "a recorded figure needs a `source`".into(),
                        ));
                    };
                    if what == Measure::Casualties && r.from.is_none() {
                        return Err(error(
                            at,
                            "backtest.record.from",
                            "casualties are counted over a window: give `from`".into(),
                        ));
                    }
                    if r.at < origin_year || r.from.is_some_and(|f| f > r.at || f < origin_year) {
                        return Err(error(
                            at,
                            "backtest.record.at",
                            "the window must fall after origin_year and end after it starts".into(),
                        ));
                    }
                    record.push(Recorded {
                        what,
                        from: r.from,
                        at: r.at,
                        value: r.value,
                        source,
                        held_out: r.held_out,
                        note: r.note.clone().unwrap_or_default(),
                    });
                }
                Some(Backtest {
                    origin_year,
                    record,
                })
            }
        };
        if let Some(c) = raw
            .clearance
            .as_ref()
            .filter(|c| c.budget_per_year.is_some())
        {
            if !values.get("cost_per_m2_eur").is_some_and(|v| v.value > 0.0) {
                return Err(error(
                    c.start_year.span().start,
                    "clearance.budget_per_year",
                    "a budget needs a cost per m² (cost_per_m2_eur) above zero".into(),
                ));
            }
        }
        let unmodelled = parameters
            .all()
            .filter(|p| !values.contains_key(&p.name))
            .filter(|p| !VALIDATION_TARGETS.contains(&p.name.as_str()))
            .map(|p| p.name.clone())
            .collect();
        Ok(Scenario {
            name: raw.name,
            description: raw.description.unwrap_or_default(),
            horizon_years: horizon as u32,
            frontage_km,
            depth_m,
            cell_m,
            ap_mines: raw.field.ap_mines.unwrap_or(true),
            mine,
            fenced: raw.field.fenced,
            marked: raw.field.marked,
            maintenance_years,
            military_years: military_years as u32,
            observed: raw.military.observed,
            observed_years: observed_years as u32,
            attempts_per_km_year: attempts,
            crossing_pressure,
            clearance,
            values,
            unmodelled,
            backtest,
        })
    }

    /// A parameter's value, or `None` when it is not modelled.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.values.get(name).map(|v| v.value)
    }
}
