//! Scenarios: TOML files that describe a minefield and its history (frontage,
//! density, fence, observation, crossing pressure, clearance). A parameter a
//! scenario sets in `[parameters]` must say where its value comes from. Any
//! error names the file, the line and the key.

use std::collections::BTreeMap;

use serde::Deserialize;
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
    deminers: Spanned<f64>,
    working_days: Spanned<f64>,
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
}

/// A parameter value in use, with where it comes from.
#[derive(Clone, PartialEq, Debug)]
pub struct Value {
    /// The number.
    pub value: f64,
    /// "default (sourced: ids)" or "scenario (source)".
    pub origin: String,
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
            Some(v) => check(v, "military.attempts_per_km_year", 0.0, 1e6)?,
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
        let clearance = match &raw.clearance {
            None => None,
            Some(c) => Some(Clearance {
                start_year: check(&c.start_year, "clearance.start_year", 0.0, 200.0)? as u32,
                deminers: check(&c.deminers, "clearance.deminers", 0.0, 1e5)?,
                working_days: check(&c.working_days, "clearance.working_days", 1.0, 366.0)?,
            }),
        };
        let mut values = BTreeMap::new();
        for p in parameters
            .all()
            .filter(|p| !VALIDATION_TARGETS.contains(&p.name.as_str()))
        {
            if let Some(d) = p.default.filter(|_| p.basis != Basis::Calibrate) {
                values.insert(
                    p.name.clone(),
                    Value {
                        value: d,
                        origin: format!("default ({}: {})", p.basis.as_str(), p.sources.join(", ")),
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
            let low = p.low.unwrap_or(f64::NEG_INFINITY).min(0.0);
            let high = p.high.map_or(f64::INFINITY, |h| h * 10.0);
            let value = check(&o.value, &qualified, low, high)?;
            values.insert(
                key.clone(),
                Value {
                    value,
                    origin: format!("scenario ({source})"),
                },
            );
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
            attempts_per_km_year: attempts,
            crossing_pressure,
            clearance,
            values,
            unmodelled,
        })
    }

    /// A parameter's value, or `None` when it is not modelled.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.values.get(name).map(|v| v.value)
    }
}
