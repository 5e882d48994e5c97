//! The model's parameters: a default, a plausible range and the basis of
//! each (sourced, derived, a treaty maximum, or "calibrate" when no source
//! gives a number), read from `data/sim_parameters.csv`.

use std::collections::BTreeMap;

use crate::calibrate::{Calibration, Fit};

/// How a parameter's default is known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Basis {
    /// A source states the number.
    Sourced,
    /// Computed from sourced facts.
    Derived,
    /// A legal maximum (CCW Amended Protocol II).
    Treaty,
    /// No source gives a number: to be calibrated or given by a scenario.
    Calibrate,
}

impl Basis {
    /// The data file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Sourced => "sourced",
            Basis::Derived => "derived",
            Basis::Treaty => "treaty",
            Basis::Calibrate => "calibrate",
        }
    }

    fn parse(text: &str) -> Option<Basis> {
        Some(match text {
            "sourced" => Basis::Sourced,
            "derived" => Basis::Derived,
            "treaty" => Basis::Treaty,
            "calibrate" => Basis::Calibrate,
            _ => return None,
        })
    }
}

/// One parameter.
#[derive(Clone, PartialEq, Debug)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// The default, when one is sourced or derived.
    pub default: Option<f64>,
    /// The low end of the plausible range.
    pub low: Option<f64>,
    /// The high end of the plausible range.
    pub high: Option<f64>,
    /// The unit.
    pub unit: String,
    /// How the default is known.
    pub basis: Basis,
    /// Source ids.
    pub sources: Vec<String>,
    /// Where the number comes from.
    pub note: String,
    /// The value calibration fitted, if it fits this parameter
    /// (`data/sim_calibration.csv`); it takes the place of the default.
    pub fitted: Option<Fit>,
}

/// Every parameter, by name.
#[derive(Clone, Debug, Default)]
pub struct Parameters {
    by_name: BTreeMap<String, Parameter>,
}

/// The data lines of a CSV text (the header and blank lines skipped) as
/// (0-based line index, fields), each with exactly `width` fields.
///
/// # Errors
/// `line N: expected W fields, found M`.
pub(crate) fn csv_records(text: &str, width: usize) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f = split_csv_line(line);
        if f.len() != width {
            return Err(format!(
                "line {}: expected {width} fields, found {}",
                i + 1,
                f.len()
            ));
        }
        records.push((i, f));
    }
    Ok(records)
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

impl Parameters {
    /// Reads `sim_parameters.csv` (`name,default,low,high,unit,basis,sources,note`).
    ///
    /// # Errors
    /// `line N: ...` for a malformed row.
    pub fn parse(text: &str) -> Result<Parameters, String> {
        let mut by_name = BTreeMap::new();
        for (i, f) in csv_records(text, 8)? {
            let number = |s: &str, what: &str| -> Result<Option<f64>, String> {
                if s.is_empty() {
                    Ok(None)
                } else {
                    s.parse::<f64>().map(Some).map_err(|_| {
                        format!("line {}: {what} is not a number (found `{s}`)", i + 1)
                    })
                }
            };
            let basis = Basis::parse(&f[5])
                .ok_or_else(|| format!("line {}: unknown basis `{}`", i + 1, f[5]))?;
            let parameter = Parameter {
                name: f[0].clone(),
                default: number(&f[1], "default")?,
                low: number(&f[2], "low")?,
                high: number(&f[3], "high")?,
                unit: f[4].clone(),
                basis,
                sources: f[6]
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                note: f[7].clone(),
                fitted: None,
            };
            by_name.insert(parameter.name.clone(), parameter);
        }
        Ok(Parameters { by_name })
    }

    /// The project's parameters, as built in, with the fitted values of
    /// `data/sim_calibration.csv`.
    /// Read once, on first use.
    pub fn embedded() -> &'static Parameters {
        static EMBEDDED: std::sync::OnceLock<Parameters> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let mut p = Parameters::parse(include_str!("../../../data/sim_parameters.csv"))
                .unwrap_or_default();
            let fits = Calibration::parse(include_str!("../../../data/sim_calibration.csv"))
                .unwrap_or_default();
            p.set_fits(fits.into_values());
            p
        })
    }

    /// Takes these fitted values in place of the defaults (a fit for a
    /// parameter the file does not have is ignored).
    pub fn set_fits(&mut self, fits: impl IntoIterator<Item = Fit>) {
        for fit in fits {
            if let Some(p) = self.by_name.get_mut(&fit.name) {
                p.fitted = Some(fit);
            }
        }
    }

    /// The parameter with this name.
    pub fn get(&self, name: &str) -> Option<&Parameter> {
        self.by_name.get(name)
    }

    /// Every parameter, by name.
    pub fn all(&self) -> impl Iterator<Item = &Parameter> {
        self.by_name.values()
    }
}
