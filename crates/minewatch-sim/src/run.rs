//! Many replicates, in parallel, summarised as medians and 5–95% bands.
//! Replicate `r` always draws from the stream of (seed, r), so the numbers
//! are the same whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::model::{Rates, Replicate, replicate};
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
    /// Own-force deaths while laying.
    pub laying_deaths: Band,
    /// Civilian casualties over the horizon.
    pub civilian_total: Band,
    /// Per year.
    pub years: Vec<YearSummary>,
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
    /// The yearly decline of mean civilian casualties from the start of
    /// clearance (a log-linear fit over the years with casualties), when
    /// there is clearance and enough years to fit: an output to compare with
    /// the 21–27% a year the record shows, never an input.
    pub decline_per_year: Option<f64>,
    /// Parameters in use with their origin.
    pub parameters: Vec<(String, f64, String)>,
    /// Processes not modelled for want of a sourced value.
    pub unmodelled: Vec<String>,
}

/// Runs `runs` replicates on `threads` threads; `progress` is called with
/// the number done so far.
pub fn run(
    scenario: &Scenario,
    runs: usize,
    seed: u64,
    threads: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> (Summary, Vec<Replicate>) {
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
                    let r = (t * chunk + k) as u64;
                    let mut rng = Rng::for_replicate(seed, r);
                    *slot = Some(replicate(scenario, rates, &mut rng));
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % 64 == 0 || n == runs {
                        progress(n);
                    }
                }
            });
        }
    });
    let replicates: Vec<Replicate> = results.into_iter().flatten().collect();
    (summarise(scenario, seed, &replicates), replicates)
}

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
    let decline_per_year = s
        .clearance
        .as_ref()
        .and_then(|c| decline(&mean_total, c.start_year as usize));
    Summary {
        decline_per_year,
        scenario: s.name.clone(),
        runs: reps.len(),
        seed,
        mines_laid: reps.first().map_or(0, |r| r.mines_laid),
        laying_deaths: band(&|r| r.laying_deaths as f64),
        civilian_total: band(&|r| {
            (r.incidental.iter().sum::<u64>() + r.intentional.iter().sum::<u64>()) as f64
        }),
        years,
        clearance_years: Band::of(finished),
        clearance_finished_share: finished_share,
        clearance_cost_eur: reps
            .first()
            .and_then(|r| r.clearance_cost_eur)
            .map(|_| band(&|r| r.clearance_cost_eur.unwrap_or(0.0))),
        deminer_casualties: band(&|r| r.deminer_casualties as f64),
        land_denied_km2_years: band(&|r| r.denied_km2.iter().sum()),
        parameters: s
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.value, v.origin.clone()))
            .collect(),
        unmodelled: s.unmodelled.clone(),
    }
}

/// 1 − exp(slope) of a least-squares line through ln(mean casualties) from
/// `start` on, over the years with casualties; `None` with fewer than three.
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
    Some(1.0 - (num / den).exp())
}

#[cfg(test)]
mod tests {
    use super::decline;

    #[test]
    fn a_steady_fall_of_a_quarter_a_year_is_found() {
        let series: Vec<f64> = (0..20).map(|i| 100.0 * 0.75f64.powi(i)).collect();
        let d = decline(&series, 0).expect("a fit");
        assert!((d - 0.25).abs() < 1e-9, "{d}");
        assert_eq!(decline(&[0.0, 0.0, 1.0], 0), None);
    }
}
