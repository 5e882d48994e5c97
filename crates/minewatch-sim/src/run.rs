//! Many replicates, in parallel, summarised as medians and 5–95% bands.
//! Replicate `r` always draws from the stream of (seed, r), so the numbers
//! are the same whatever the thread count.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::Serialize;

use crate::model::{MODEL_PARAMETERS, Rates, Replicate, replicate};
use crate::rng::Rng;
use crate::scenario::Scenario;

/// A median and a 5–95% band.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct Band {
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub median: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
}

impl Band {
    /// The band of some numbers (all zero when there are none).
    pub fn of(mut xs: Vec<f64>) -> Band {
        if xs.is_empty() {
            return Band {
                p5: 0.0,
                median: 0.0,
                p95: 0.0,
                mean: 0.0,
            };
        }
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let mut at = |q: f64| {
            let i = ((xs.len() - 1) as f64 * q).round() as usize;
            *xs.select_nth_unstable_by(i, f64::total_cmp).1
        };
        Band {
            p5: at(0.05),
            median: at(0.5),
            p95: at(0.95),
            mean,
        }
    }
}

/// One year of the summary.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct YearSummary {
    /// Year after laying (1-based).
    pub year: u32,
    /// Civilian casualties, incidental channel.
    pub incidental: Band,
    /// Civilian casualties, intentional channel.
    pub intentional: Band,
    /// Civilians killed.
    pub killed: Band,
    /// Functional mines left.
    pub mines_left: Band,
    /// Area still denied, km².
    pub denied_km2: Band,
    /// Mines removed by clearance so far (cumulative).
    pub removed_cumulative: Band,
}

/// What a run found.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// Replicates run.
    pub runs: usize,
    /// The seed.
    pub seed: u64,
    /// Mines laid.
    pub mines_laid: u64,
    /// Area of the field, km².
    pub field_km2: f64,
    /// Own-force deaths while laying.
    pub laying_deaths: Band,
    /// Military phase: crossing attempts.
    pub crossing_attempts: Band,
    /// Share of crossing attempts that succeeded while the field was
    /// observed and covered by fire (replicates with attempts then).
    pub crossing_success_observed: Option<Band>,
    /// The same while it was not.
    pub crossing_success_unobserved: Option<Band>,
    /// Attackers or infiltrators hurt by mines.
    pub enemy_casualties: Band,
    /// Whether each replicate drew its parameters from their uncertainty.
    pub parameter_uncertainty: bool,
    /// Civilian casualties over the horizon.
    pub civilian_total: Band,
    /// Per year.
    pub years: Vec<YearSummary>,
    /// Whether the scenario clears the field at all.
    pub has_clearance: bool,
    /// Years from the start of clearance to completion (replicates that finished).
    pub clearance_years: Band,
    /// Share of replicates whose clearance finished within the horizon.
    pub clearance_finished_share: f64,
    /// Cost of clearance, euros (when a cost per m² is known).
    pub clearance_cost_eur: Option<Band>,
    /// Deminer casualties.
    pub deminer_casualties: Band,
    /// Land denied over the horizon, km²·years.
    pub land_denied_km2_years: Band,
    /// The yearly decline rate of mean civilian casualties over the first
    /// 15 years from the start of clearance (the slope of a log-linear fit,
    /// over the years with casualties, as the record's rates are), when there
    /// is clearance and enough years to fit: an output to compare with the
    /// 0.21–0.27 a year the record shows, never an input.
    pub decline_per_year: Option<f64>,
    /// Parameters the model uses, with their value and origin.
    pub parameters: Vec<(String, f64, String)>,
    /// Processes not modelled for want of a sourced value.
    pub unmodelled: Vec<String>,
}

/// How to run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Options {
    /// Replicates.
    pub runs: usize,
    /// The seed.
    pub seed: u64,
    /// Threads (the results do not depend on it).
    pub threads: usize,
    /// Whether each replicate draws the parameters the scenario does not
    /// set from their 5–95% uncertainty (a split log-normal through the
    /// value and the ends of its interval or range), so that the bands
    /// carry what is not known about the parameters as well as chance.
    pub parameter_uncertainty: bool,
}

/// Runs `runs` replicates on `threads` threads with the parameters at their
/// values; `progress` is called with the number done so far.
pub fn run(
    scenario: &Scenario,
    runs: usize,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> (Summary, Vec<Replicate>) {
    let options = Options {
        runs,
        seed,
        threads,
        parameter_uncertainty: false,
    };
    run_with(scenario, options, progress)
}

/// The parameter values of one replicate: each value with a known interval
/// drawn from a split log-normal whose 5th and 95th percentiles are the
/// ends of the interval and whose median is the value; shares stay at most 1.
fn draw_values(scenario: &Scenario, rng: &mut Rng) -> BTreeMap<String, f64> {
    let z95 = 1.644_853_626_951_472_2;
    scenario
        .values
        .iter()
        .map(|(name, v)| {
            // The density laid is the scenario's design, not an unknown.
            let drawn = match v.range.filter(|_| !DESIGN.contains(&name.as_str())) {
                Some((low, high))
                    if low > 0.0 && v.value > 0.0 && low <= v.value && v.value <= high =>
                {
                    let z = rng.normal();
                    let sigma = if z < 0.0 {
                        (v.value / low).ln()
                    } else {
                        (high / v.value).ln()
                    } / z95;
                    let x = v.value * (z * sigma).exp();
                    if high <= 1.0 { x.min(1.0) } else { x }
                }
                _ => v.value,
            };
            (name.clone(), drawn)
        })
        .collect()
}

/// Runs replicates as `options` say. Replicate `r` draws its events from
/// the stream (seed, r) and, with parameter uncertainty, its parameters
/// from a second stream of its own, so the numbers never depend on the
/// thread count.
pub fn run_with(
    scenario: &Scenario,
    options: Options,
    progress: &(dyn Fn(usize) + Sync),
) -> (Summary, Vec<Replicate>) {
    let never = AtomicBool::new(false);
    match run_cancellable(scenario, options, progress, &never) {
        Some(done) => done,
        // `never` is never set.
        None => unreachable!("an uncancelled run finishes"),
    }
}

/// [`run_with`], stopping between replicates once `cancel` is set: then
/// `None`. A server sets it when the client that asked has gone.
pub fn run_cancellable(
    scenario: &Scenario,
    options: Options,
    progress: &(dyn Fn(usize) + Sync),
    cancel: &AtomicBool,
) -> Option<(Summary, Vec<Replicate>)> {
    let Options {
        runs,
        seed,
        threads,
        parameter_uncertainty,
    } = options;
    let rates = Rates::of(scenario);
    let threads = threads.max(1).min(runs.max(1));
    let done = AtomicUsize::new(0);
    let mut results: Vec<Option<Replicate>> = vec![None; runs];
    let chunk = runs.div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (t, slots) in results.chunks_mut(chunk).enumerate() {
            let rates = &rates;
            let done = &done;
            scope.spawn(move || {
                for (k, slot) in slots.iter_mut().enumerate() {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let r = (t * chunk + k) as u64;
                    let mut rng = Rng::for_replicate(seed, r);
                    *slot = Some(if parameter_uncertainty {
                        let mut draws = Rng::for_replicate(seed ^ PARAMETER_STREAM, r);
                        let values = draw_values(scenario, &mut draws);
                        let drawn = Rates::with(scenario, &|name| values.get(name).copied());
                        replicate(scenario, &drawn, &mut rng)
                    } else {
                        replicate(scenario, rates, &mut rng)
                    });
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % 64 == 0 || n == runs {
                        progress(n);
                    }
                }
            });
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let replicates: Vec<Replicate> = results.into_iter().flatten().collect();
    let mut summary = summarise(scenario, seed, &replicates);
    summary.parameter_uncertainty = parameter_uncertainty;
    Some((summary, replicates))
}

/// Parameters that describe what is laid, never drawn.
const DESIGN: [&str; 1] = ["density_per_m"];

/// Mixed into the seed for the parameter draws, so they never share a
/// stream with the events.
const PARAMETER_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;

fn summarise(s: &Scenario, seed: u64, reps: &[Replicate]) -> Summary {
    let band = |f: &dyn Fn(&Replicate) -> f64| Band::of(reps.iter().map(f).collect());
    let years = (0..s.horizon_years as usize)
        .map(|y| YearSummary {
            year: y as u32 + 1,
            incidental: band(&|r| r.incidental[y] as f64),
            intentional: band(&|r| r.intentional[y] as f64),
            killed: band(&|r| r.killed[y] as f64),
            mines_left: band(&|r| r.mines_left[y] as f64),
            denied_km2: band(&|r| r.denied_km2[y]),
            removed_cumulative: band(&|r| r.removed[..=y].iter().sum::<u64>() as f64),
        })
        .collect();
    let finished: Vec<f64> = reps
        .iter()
        .filter_map(|r| r.clearance_years.map(f64::from))
        .collect();
    let finished_share = if reps.is_empty() {
        0.0
    } else {
        finished.len() as f64 / reps.len() as f64
    };
    let mean_total: Vec<f64> = (0..s.horizon_years as usize)
        .map(|y| {
            reps.iter()
                .map(|r| (r.incidental[y] + r.intentional[y]) as f64)
                .sum::<f64>()
                / reps.len().max(1) as f64
        })
        .collect();
    let decline_per_year = s.clearance.as_ref().and_then(|c| {
        let start = c.start_year as usize;
        // A fit needs casualties to fall from: at least one a year at the
        // start, or the "decline" would be of noise.
        if mean_total.get(start).copied().unwrap_or(0.0) < 1.0 {
            return None;
        }
        decline(
            &mean_total[..mean_total.len().min(start + DECLINE_WINDOW)],
            start,
        )
    });
    let share = |f: &dyn Fn(&Replicate) -> (u64, u64)| -> Option<Band> {
        let xs: Vec<f64> = reps
            .iter()
            .map(f)
            .filter(|(attempts, _)| *attempts > 0)
            .map(|(attempts, ok)| ok as f64 / attempts as f64)
            .collect();
        (!xs.is_empty()).then(|| Band::of(xs))
    };
    Summary {
        decline_per_year,
        scenario: s.name.clone(),
        runs: reps.len(),
        seed,
        mines_laid: reps.first().map_or(0, |r| r.mines_laid),
        field_km2: ((s.frontage_km * 1000.0) / s.cell_m).ceil().max(1.0) * s.cell_m * s.depth_m
            / 1e6,
        laying_deaths: band(&|r| r.laying_deaths as f64),
        crossing_attempts: band(&|r| (r.crossings_observed.0 + r.crossings_unobserved.0) as f64),
        crossing_success_observed: share(&|r| r.crossings_observed),
        crossing_success_unobserved: share(&|r| r.crossings_unobserved),
        enemy_casualties: band(&|r| r.enemy_casualties as f64),
        parameter_uncertainty: false,
        civilian_total: band(&|r| {
            (r.incidental.iter().sum::<u64>() + r.intentional.iter().sum::<u64>()) as f64
        }),
        years,
        clearance_years: Band::of(finished),
        clearance_finished_share: finished_share,
        has_clearance: s.clearance.is_some(),
        clearance_cost_eur: reps
            .first()
            .and_then(|r| r.clearance_cost_eur)
            .map(|_| band(&|r| r.clearance_cost_eur.unwrap_or(0.0))),
        deminer_casualties: band(&|r| r.deminer_casualties as f64),
        land_denied_km2_years: band(&|r| r.denied_km2.iter().sum()),
        parameters: s
            .values
            .iter()
            .filter(|(k, _)| MODEL_PARAMETERS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.value, v.origin.clone()))
            .collect(),
        unmodelled: s
            .unmodelled
            .iter()
            .filter(|k| MODEL_PARAMETERS.contains(&k.as_str()))
            .cloned()
            .collect(),
    }
}

/// Years from the start of clearance over which the decline is fitted, like
/// the record's windows (7 to 16 years, impact_model.md §5.2).
const DECLINE_WINDOW: usize = 15;

/// The decline rate −slope of a least-squares line through ln(mean
/// casualties) from `start` on, over the years with casualties; `None` with
/// fewer than three.
fn decline(mean: &[f64], start: usize) -> Option<f64> {
    let points: Vec<(f64, f64)> = mean
        .iter()
        .enumerate()
        .skip(start)
        .filter(|(_, m)| **m > 0.0)
        .map(|(i, m)| (i as f64, m.ln()))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    if den == 0.0 {
        return None;
    }
    Some(-num / den)
}

#[cfg(test)]
mod tests {
    use super::decline;

    #[test]
    fn a_steady_fall_of_a_quarter_a_year_is_found() {
        let series: Vec<f64> = (0..20)
            .map(|i| 100.0 * (-0.25 * f64::from(i)).exp())
            .collect();
        let d = decline(&series, 0).expect("a fit");
        assert!((d - 0.25).abs() < 1e-9, "{d}");
        assert_eq!(decline(&[0.0, 0.0, 1.0], 0), None);
    }
}
