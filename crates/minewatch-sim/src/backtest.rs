//! Back-testing: a scenario that describes a historical case carries the
//! case's record (`[backtest]`); the model's replicates are set against
//! each recorded figure as a prediction band. Held-out figures were not
//! used to set the scenario up: they are predictions; the others are shown
//! for comparison only.

use serde::Serialize;

use crate::model::Replicate;
use crate::run::Band;
use crate::scenario::{Measure, Recorded, Scenario};

/// One recorded figure against the model.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Comparison {
    /// The figure.
    pub record: Recorded,
    /// The model's band for it (over the replicates where it is defined).
    pub model: Option<Band>,
    /// Whether the record lies within the model's 5–95% band.
    pub within: bool,
}

/// Sum of a yearly series over the calendar window [from, to): whole years
/// count whole, the years at the ends in proportion.
fn window_sum(series: &[u64], origin: f64, from: f64, to: f64) -> f64 {
    series
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let start = origin + i as f64;
            let overlap = (to.min(start + 1.0) - from.max(start)).clamp(0.0, 1.0);
            overlap * *n as f64
        })
        .sum()
}

/// The model's value of a recorded figure in one replicate.
fn measure(s: &Scenario, origin: f64, r: &Recorded, rep: &Replicate) -> Option<f64> {
    match r.what {
        Measure::MinesRemoved => Some(window_sum(&rep.removed, origin, origin, r.at)),
        Measure::Casualties => {
            let both: Vec<u64> = rep
                .incidental
                .iter()
                .zip(&rep.intentional)
                .map(|(a, b)| a + b)
                .collect();
            Some(window_sum(&both, origin, r.from.unwrap_or(origin), r.at))
        }
        // A replicate that never finishes counts at the horizon's end (it
        // finishes no earlier), so unfinished runs are never dropped.
        Measure::ClearanceEnd => {
            let start = s.clearance.as_ref()?.start_year;
            Some(
                rep.clearance_years
                    .map_or(origin + f64::from(s.horizon_years), |y| {
                        origin + f64::from(start + y)
                    }),
            )
        }
    }
}

/// Every recorded figure of the scenario against the replicates; empty when
/// the scenario describes no historical case.
pub fn compare(s: &Scenario, replicates: &[Replicate]) -> Vec<Comparison> {
    let Some(b) = &s.backtest else {
        return Vec::new();
    };
    b.record
        .iter()
        .map(|r| {
            let xs: Vec<f64> = replicates
                .iter()
                .filter_map(|rep| measure(s, b.origin_year, r, rep))
                .collect();
            let model = (!xs.is_empty()).then(|| Band::of(xs));
            let within = model.is_some_and(|m| m.p5 <= r.value && r.value <= m.p95);
            Comparison {
                record: r.clone(),
                model,
                within,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::window_sum;

    #[test]
    fn windows_take_whole_and_partial_years() {
        let series = [10, 20, 30];
        assert_eq!(window_sum(&series, 2000.0, 2000.0, 2003.0), 60.0);
        assert_eq!(window_sum(&series, 2000.0, 2000.5, 2001.5), 15.0);
        assert_eq!(window_sum(&series, 2000.0, 2010.0, 2011.0), 0.0);
    }
}
