//! Calibration: the parameters no source states, fitted on the historical
//! cases of impact_model.md §2 and §5 (`data/sim_cases.csv`), each with a
//! 5–95% interval, the cases it rests on and the method. The fitted values
//! are kept in `data/sim_calibration.csv` (written by `minewatch simulate
//! calibrate --write`, checked by a test to be what this module computes)
//! and become the defaults of the parameters they fit.
//!
//! Hold-out cases (Chile, the Uzbek–Tajik border) are never read here: they
//! belong to the back-test. Croatia's casualty series is kept out of the
//! decline fit and compared with it instead.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::params::csv_records;
use crate::stats::{binomial_share, normal_quantile, poisson_rate, poisson_trend, pool};

/// One row of `data/sim_cases.csv`.
#[derive(Clone, PartialEq, Debug)]
pub struct CaseRow {
    /// The case (`falklands`, `zimbabwe`, ...).
    pub case: String,
    /// What is counted.
    pub series: String,
    /// When (a year, a fractional year or a span, as text).
    pub at: String,
    /// The number.
    pub value: f64,
    /// `calibrate`, `check` or `holdout`.
    pub role: String,
    /// Source quality (A, B or C).
    pub quality: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// The historical cases.
#[derive(Clone, Debug, Default)]
pub struct Cases {
    rows: Vec<CaseRow>,
}

impl Cases {
    /// Reads `sim_cases.csv` (`case,series,at,value,unit,role,quality,sources,note`).
    ///
    /// # Errors
    /// `line N: ...` for a malformed row.
    pub fn parse(text: &str) -> Result<Cases, String> {
        let mut rows = Vec::new();
        for (i, f) in csv_records(text, 9)? {
            let value = f[3]
                .parse::<f64>()
                .map_err(|_| format!("line {}: value is not a number (found `{}`)", i + 1, f[3]))?;
            if !["calibrate", "check", "holdout"].contains(&f[5].as_str()) {
                return Err(format!("line {}: unknown role `{}`", i + 1, f[5]));
            }
            if !["A", "B", "C"].contains(&f[6].as_str()) {
                return Err(format!("line {}: unknown quality `{}`", i + 1, f[6]));
            }
            if f[5] == "calibrate" && f[6] == "C" {
                return Err(format!(
                    "line {}: a weak [C] source is never a calibration target",
                    i + 1
                ));
            }
            rows.push(CaseRow {
                case: f[0].clone(),
                series: f[1].clone(),
                at: f[2].clone(),
                value,
                role: f[5].clone(),
                quality: f[6].clone(),
                sources: f[7]
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            });
        }
        Ok(Cases { rows })
    }

    /// The project's cases, as built in.
    pub fn embedded() -> Cases {
        Cases::parse(include_str!("../../../data/sim_cases.csv")).unwrap_or_default()
    }

    /// Every row.
    pub fn rows(&self) -> &[CaseRow] {
        &self.rows
    }

    /// The rows of one case and series, in file order.
    pub fn series<'a>(
        &'a self,
        case: &'a str,
        series: &'a str,
    ) -> impl Iterator<Item = &'a CaseRow> + 'a {
        self.rows
            .iter()
            .filter(move |r| r.case == case && r.series == series)
    }

    fn one(&self, case: &str, series: &str) -> Result<&CaseRow, String> {
        self.rows
            .iter()
            .find(|r| r.case == case && r.series == series)
            .ok_or_else(|| format!("data/sim_cases.csv has no row for {case} {series}"))
    }

    fn value(&self, case: &str, series: &str) -> Result<f64, String> {
        self.one(case, series).map(|r| r.value)
    }

    fn positive(&self, case: &str, series: &str) -> Result<f64, String> {
        let v = self.value(case, series)?;
        if v > 0.0 {
            Ok(v)
        } else {
            Err(format!(
                "data/sim_cases.csv: {case} {series} must be positive (found {v})"
            ))
        }
    }

    fn sources(&self, case: &str, series: &[&str]) -> Vec<String> {
        let mut ids: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.case == case && series.contains(&r.series.as_str()))
            .flat_map(|r| r.sources.iter().cloned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// One fitted parameter.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Fit {
    /// The parameter (a row of `sim_parameters.csv`).
    pub name: String,
    /// The fitted value (posterior median or pooled estimate).
    pub value: f64,
    /// 5th percentile.
    pub low: f64,
    /// 95th percentile.
    pub high: f64,
    /// The cases it rests on.
    pub cases: Vec<String>,
    /// Their sources.
    pub sources: Vec<String>,
    /// How it was fitted.
    pub method: String,
}

/// A comparison of a fit with a case kept out of it.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Check {
    /// What is compared.
    pub what: String,
    /// The fitted value and its 5–95% interval.
    pub predicted: (f64, f64, f64),
    /// The record's value or range.
    pub record: (f64, f64),
    /// Whether the interval and the record's range overlap.
    pub agrees: bool,
}

/// Everything calibration fitted.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Calibration {
    /// Fitted parameters.
    pub fits: Vec<Fit>,
    /// Checks on cases kept out of the fits.
    pub checks: Vec<Check>,
}

fn names(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| (*s).to_string()).collect()
}

/// The fits, from the `calibrate` rows of the cases; `killed_share` turns a
/// bound on deaths into one on casualties (the `p_kill` default).
///
/// # Errors
/// A row the fits need is missing, or an exposure is not positive.
pub fn calibrate(cases: &Cases, killed_share: f64) -> Result<Calibration, String> {
    let mut fits = Vec::new();

    // Incidental hazard behind a maintained fence: the Falklands, no death
    // in about 650,000 mine-years, in casualties through the killed share.
    // Zero events give a posterior led by the prior: the median is the
    // value, and the 95% end is what the record cannot rule out.
    let exposure = cases.positive("falklands", "mine_years")?;
    let deaths = cases.value("falklands", "civilian_deaths")?;
    let (m, lo, hi) = poisson_rate(deaths, exposure);
    fits.push(Fit {
        name: "hazard_incidental_fenced".into(),
        value: m / killed_share,
        low: lo / killed_share,
        high: hi / killed_share,
        cases: names(&["falklands"]),
        sources: cases.sources("falklands", &["civilian_deaths", "mine_years"]),
        method: format!(
            "Poisson rate of deaths per mine-year, Jeffreys prior (zero deaths: the median is led by the prior, the 95% end is what the record cannot rule out), over the killed share {killed_share}"
        ),
    });

    // Incidental hazard once fences and signs are gone: Zimbabwe, the
    // Monitor's count, with the ZIMAC count as the upper end.
    let exposure = cases.positive("zimbabwe", "mine_years")?;
    let (m, lo, hi) = poisson_rate(cases.value("zimbabwe", "civilian_casualties")?, exposure);
    let zimac = cases.value("zimbabwe", "civilian_casualties_high")? / exposure;
    fits.push(Fit {
        name: "hazard_incidental_unfenced".into(),
        value: m,
        low: lo,
        high: hi.max(zimac),
        cases: names(&["zimbabwe"]),
        sources: cases.sources("zimbabwe", &["civilian_casualties", "civilian_casualties_high", "mine_years"]),
        method: "Poisson rate per mine-year on the Monitor count, Jeffreys prior; upper end widened to the ZIMAC count".into(),
    });

    // Intentional crossing: Turkey's border fields in 2012, behind wire and
    // signs (so the incidental channel takes only the fenced hazard); this
    // defines crossing pressure 1.
    let mines = cases.positive("turkey", "mines")?;
    let (m, lo, hi) = poisson_rate(cases.value("turkey", "civilian_casualties")?, mines);
    let fenced = fits[0].value;
    fits.push(Fit {
        name: "hazard_intentional".into(),
        value: (m - fenced).max(0.0),
        low: (lo - fenced).max(0.0),
        high: (hi - fenced).max(0.0),
        cases: names(&["turkey"]),
        sources: cases.sources("turkey", &["civilian_casualties", "mines"]),
        method: "Poisson rate per mine-year less the fenced incidental hazard; crossing pressure 1 is Turkey's border in 2012 (all-cause national count, so an upper end)".into(),
    });

    // Observation and fire: the inner German border in 1979.
    let crossed = cases.value("gdr", "crossed")?;
    let hurt = cases.value("gdr", "hurt")?;
    let detained = cases.value("gdr", "detained")?;
    let (m, lo, hi) = binomial_share(detained, crossed + hurt + detained);
    let gdr_sources = cases.sources("gdr", &["crossed", "hurt", "detained", "density_per_m"]);
    fits.push(Fit {
        name: "p_obs_engaged".into(),
        value: m,
        low: lo,
        high: hi,
        cases: names(&["gdr"]),
        sources: gdr_sources.clone(),
        method: "share of known attempts stopped (detained), Jeffreys prior, normal approximation"
            .into(),
    });
    // Of those not stopped, the share hurt, read through 1 - exp(-w·ρ).
    let density = cases.positive("gdr", "density_per_m")?;
    let (m, lo, hi) = binomial_share(hurt, crossed + hurt);
    let width = |p: f64| -(1.0 - p.min(0.999)).ln() / density;
    fits.push(Fit {
        name: "trigger_width_m".into(),
        value: width(m),
        low: width(lo),
        high: width(hi),
        cases: names(&["gdr"]),
        sources: gdr_sources,
        method: "share of unstopped crossers hurt (Jeffreys), p = 1 - exp(-width x mines per metre); biased both ways: not all were hurt by mines (too wide), the density counts replaced mines (too narrow)".into(),
    });

    // Exposure decline with mine action: Poisson trends of the Cambodian
    // and Bosnian series, net of the share of mines removed where the
    // record gives it, pooled with the between-case variance.
    let trend = |case: &str| -> Result<(f64, f64), String> {
        let points: Vec<(f64, f64)> = cases
            .series(case, "casualties")
            .filter(|r| r.role == "calibrate")
            .map(|r| r.at.parse::<f64>().map(|y| (y, r.value)))
            .collect::<Result<_, _>>()
            .map_err(|_| format!("data/sim_cases.csv: {case} casualties need a year in `at`"))?;
        poisson_trend(&points)
            .ok_or_else(|| format!("{case}: the casualty series cannot be fitted"))
    };
    let cambodia = trend("cambodia")?;
    let bosnia = trend("bosnia")?;
    let found = cases.value("bosnia", "mines_found")?;
    let left = cases.value("bosnia", "mines_left")?;
    let bosnia_removal = -(1.0 - found / (found + left)).ln() / 20.0;
    let (a, se) = pool(&[cambodia, (bosnia.0 - bosnia_removal, bosnia.1)]);
    let z = normal_quantile(0.95);
    let mut sources = cases.sources("cambodia", &["casualties"]);
    sources.extend(cases.sources("bosnia", &["casualties", "mines_found", "mines_left"]));
    sources.sort();
    sources.dedup();
    fits.push(Fit {
        name: "exposure_decline_with_mine_action".into(),
        value: a,
        low: a - z * se,
        high: a + z * se,
        cases: names(&["cambodia", "bosnia"]),
        sources,
        method: format!(
            "Poisson trends (Cambodia 2005-2016: {:.3} ± {:.3}, gross: its mines removed are not on record; Bosnia 1999-2016: {:.3} ± {:.3} less {:.3} a year, the share of mines found 1996-2016), overdispersion-scaled, pooled with the DerSimonian-Laird between-case variance",
            cambodia.0, cambodia.1, bosnia.0, bosnia.1, bosnia_removal
        ),
    });

    // Croatia, kept out: its 1998-2005 decline against the fitted rate.
    let croatia: Vec<&CaseRow> = cases.rows.iter().filter(|r| r.case == "croatia").collect();
    let at = |series: &str, year: &str| {
        croatia
            .iter()
            .find(|r| r.series == series && r.at == year)
            .map(|r| r.value)
            .ok_or_else(|| format!("data/sim_cases.csv has no Croatia {series} for {year}"))
    };
    let start = at("casualties", "1998")?;
    let r1 = (start / at("casualties", "2005")?).ln() / 7.0;
    let r2 = (start / at("casualties_alt", "2005")?).ln() / 7.0;
    let (rlo, rhi) = (r1.min(r2), r1.max(r2));
    let fit = &fits[fits.len() - 1];
    let checks = vec![Check {
        what: "Croatia 1998-2005 casualty decline (held out of the fit; gross, with clearance of a small share a year)".into(),
        predicted: (fit.value, fit.low, fit.high),
        record: (rlo, rhi),
        agrees: fit.low <= rhi && rlo <= fit.high,
    }];
    Ok(Calibration { fits, checks })
}

/// Calibration on the built-in cases, with the built-in killed share.
///
/// # Errors
/// As [`calibrate`].
pub fn calibrate_embedded() -> Result<Calibration, String> {
    let killed_share = crate::params::Parameters::embedded()
        .get("p_kill")
        .and_then(|p| p.default)
        .ok_or("data/sim_parameters.csv has no p_kill default")?;
    calibrate(&Cases::embedded(), killed_share)
}

impl Calibration {
    /// The file `data/sim_calibration.csv`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("name,value,low,high,cases,sources,method\n");
        for f in &self.fits {
            out.push_str(&format!(
                "{},{:.4e},{:.4e},{:.4e},{},{},\"{}\"\n",
                f.name,
                f.value,
                f.low,
                f.high,
                f.cases.join(";"),
                f.sources.join(";"),
                f.method.replace('"', "'")
            ));
        }
        out
    }

    /// Reads `data/sim_calibration.csv` back (checks are not stored).
    ///
    /// # Errors
    /// `line N: ...` for a malformed row.
    pub fn parse(text: &str) -> Result<BTreeMap<String, Fit>, String> {
        let mut fits = BTreeMap::new();
        for (i, f) in csv_records(text, 7)? {
            let number = |s: &str| {
                s.parse::<f64>()
                    .map_err(|_| format!("line {}: not a number (found `{s}`)", i + 1))
            };
            let list = |s: &str| {
                s.split(';')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect()
            };
            fits.insert(
                f[0].clone(),
                Fit {
                    name: f[0].clone(),
                    value: number(&f[1])?,
                    low: number(&f[2])?,
                    high: number(&f[3])?,
                    cases: list(&f[4]),
                    sources: list(&f[5]),
                    method: f[6].clone(),
                },
            );
        }
        Ok(fits)
    }
}
