//! One replicate of the cohort model (impact_model.md §7): the frontage is
//! split into cells holding counts of functional mines; each year every
//! process thins or moves those counts with binomial and Poisson draws, so
//! the cost does not grow with the number of mines.
//!
//! Processes, in order each year: (1) degradation of mines; (2) migration
//! by floods out of the fenced belt; (3) fence decay once maintenance stops;
//! (4) civilian exposure, incidental (reduced by fence and marking) and
//! intentional (not reduced by fencing); each detonation destroys its mine
//! and hurts one person (a blast mine) or several (a bounding mine), some
//! killed; (5) clearance, cell by cell, removing mines with a quality below
//! one and exposing deminers. A process whose parameter has no sourced
//! value and is not given by the scenario does not run.

use crate::rng::Rng;
use crate::scenario::{MineKind, Scenario};

/// What one replicate produced.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Replicate {
    /// Mines laid.
    pub mines_laid: u64,
    /// Own-force deaths while laying.
    pub laying_deaths: u64,
    /// Civilian casualties (killed + injured) per year, incidental channel.
    pub incidental: Vec<u64>,
    /// Civilian casualties per year, intentional-crossing channel.
    pub intentional: Vec<u64>,
    /// Civilians killed per year (both channels).
    pub killed: Vec<u64>,
    /// Functional mines left at the end of each year (in the belt and moved out).
    pub mines_left: Vec<u64>,
    /// Square kilometres still denied at the end of each year.
    pub denied_km2: Vec<f64>,
    /// Years from the start of clearance to the last cell cleared, if it finished.
    pub clearance_years: Option<u32>,
    /// Square metres cleared.
    pub cleared_m2: f64,
    /// Mines removed by clearance.
    pub mines_removed: u64,
    /// Deminer casualties.
    pub deminer_casualties: u64,
    /// Cost of clearance in euros, when a cost per m² is known.
    pub clearance_cost_eur: Option<f64>,
    /// Mines removed by clearance in each year.
    pub removed: Vec<u64>,
    /// Crossing attempts in the military phase while observed, and how many succeeded.
    pub crossings_observed: (u64, u64),
    /// Crossing attempts in the military phase while unobserved, and how many succeeded.
    pub crossings_unobserved: (u64, u64),
    /// Attackers or infiltrators hurt by mines in the military phase.
    pub enemy_casualties: u64,
}

/// Mine counts per cell with a Fenwick tree over them, so that a mine can be
/// picked uniformly among all of them in O(log cells): the year's events cost
/// in proportion to how many happen, not to the number of cells.
#[derive(Clone, Debug)]
struct Cells {
    count: Vec<u64>,
    tree: Vec<u64>,
    total: u64,
}

impl Cells {
    fn filled(cells: usize, each: u64) -> Cells {
        let mut c = Cells {
            count: vec![0; cells],
            tree: vec![0; cells + 1],
            total: 0,
        };
        if each > 0 {
            // Linear-time construction: each node passes its sum to its parent.
            c.count.fill(each);
            c.total = each * cells as u64;
            for j in 1..=cells {
                c.tree[j] += each;
                let parent = j + (j & j.wrapping_neg());
                if parent <= cells {
                    c.tree[parent] += c.tree[j];
                }
            }
        }
        c
    }

    fn add(&mut self, i: usize, delta: i64) {
        self.count[i] = self.count[i].saturating_add_signed(delta);
        self.total = self.total.saturating_add_signed(delta);
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] = self.tree[j].saturating_add_signed(delta);
            j += j & j.wrapping_neg();
        }
    }

    /// The cell of the `k`-th mine (0-based, in cell order).
    fn find(&self, mut k: u64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0usize;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= k {
                pos = next;
                k -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n.saturating_sub(1))
    }

    /// Clears the cells of `block`: each mine is found with probability
    /// `quality`, independently, so each cell keeps a binomial residual.
    /// Returns how many were found. The work is one draw per cell cleared.
    fn clear_block(&mut self, rng: &mut Rng, block: std::ops::Range<usize>, quality: f64) -> u64 {
        let mut found = 0;
        for i in block {
            let here = rng.binomial(self.count[i], quality);
            if here > 0 {
                self.add(i, -(here as i64));
                found += here;
            }
        }
        found
    }

    /// Removes `n` mines chosen uniformly at random, without replacement.
    fn remove_random(&mut self, rng: &mut Rng, n: u64) {
        for _ in 0..n.min(self.total) {
            let k = ((rng.uniform() * self.total as f64) as u64).min(self.total - 1);
            let i = self.find(k);
            self.add(i, -1);
        }
    }
}

/// Every parameter the model reads; the other rows of the parameter file
/// (land-release shares, laying rate, self-destruction limits, wooden-mine
/// decay, recovery ratio) are evidence the model does not use yet.
pub(crate) const MODEL_PARAMETERS: [&str; 20] = [
    "casualties_per_detonation_blast",
    "casualties_per_detonation_bounding",
    "clearance_quality",
    "cost_per_m2_eur",
    "density_per_m",
    "exposure_decline_with_mine_action",
    "f_mig_per_event",
    "fence_decay_per_year",
    "h_dec_blast",
    "hazard_incidental_fenced",
    "hazard_incidental_unfenced",
    "hazard_intentional",
    "lambda_flood_per_cell_year",
    "p_deminer_per_mine_found",
    "p_kill",
    "p_lay_death_per_mine",
    "p_lift_unobserved",
    "p_obs_engaged",
    "productivity_m2_per_deminer_day",
    "trigger_width_m",
];

/// The parameters one run uses, looked up once.
#[derive(Clone, Debug)]
pub(crate) struct Rates {
    density: f64,
    p_lay: f64,
    per_detonation_extra: f64,
    p_kill: f64,
    decay: f64,
    flood: f64,
    f_mig: f64,
    fenced_hazard: f64,
    unfenced_hazard: f64,
    intentional_hazard: f64,
    fence_decay: f64,
    productivity: Option<f64>,
    cost_per_m2: Option<f64>,
    quality: f64,
    p_deminer: f64,
    p_engaged: Option<f64>,
    p_lift: Option<f64>,
    trigger_width: Option<f64>,
    exposure_decline: f64,
}

impl Rates {
    /// The rates of a scenario at its parameter values.
    pub(crate) fn of(s: &Scenario) -> Rates {
        Rates::with(s, &|name| s.value(name))
    }

    /// The rates with the parameter values `v` gives (a draw from their
    /// uncertainty, for one replicate).
    pub(crate) fn with(s: &Scenario, lookup: &dyn Fn(&str) -> Option<f64>) -> Rates {
        let v = |name: &str| {
            debug_assert!(MODEL_PARAMETERS.contains(&name), "{name} is not listed");
            lookup(name)
        };
        let bounding = s.mine == MineKind::Bounding;
        let per_detonation = if bounding {
            v("casualties_per_detonation_bounding")
        } else {
            v("casualties_per_detonation_blast")
        }
        .unwrap_or(1.0);
        Rates {
            density: if s.ap_mines {
                v("density_per_m").unwrap_or(0.0)
            } else {
                0.0
            },
            p_lay: v("p_lay_death_per_mine").unwrap_or(0.0),
            per_detonation_extra: (per_detonation - 1.0).max(0.0),
            p_kill: v("p_kill").unwrap_or(0.0),
            decay: v("h_dec_blast").unwrap_or(0.0),
            flood: v("lambda_flood_per_cell_year").unwrap_or(0.0),
            f_mig: v("f_mig_per_event").unwrap_or(0.0),
            fenced_hazard: v("hazard_incidental_fenced").unwrap_or(0.0),
            unfenced_hazard: v("hazard_incidental_unfenced").unwrap_or(0.0),
            intentional_hazard: v("hazard_intentional").unwrap_or(0.0) * s.crossing_pressure,
            fence_decay: v("fence_decay_per_year").unwrap_or(0.0),
            productivity: v("productivity_m2_per_deminer_day"),
            cost_per_m2: v("cost_per_m2_eur"),
            quality: v("clearance_quality").unwrap_or(1.0),
            p_deminer: v("p_deminer_per_mine_found").unwrap_or(0.0),
            p_engaged: v("p_obs_engaged"),
            p_lift: v("p_lift_unobserved"),
            trigger_width: v("trigger_width_m"),
            exposure_decline: if s.clearance.as_ref().is_some_and(|c| c.mine_action) {
                v("exposure_decline_with_mine_action").unwrap_or(0.0)
            } else {
                0.0
            },
        }
    }
}

/// The military phase of one year (§7.3 item 2): attempts fall on random
/// cells; while the field is observed and covered by fire an attempt is
/// stopped with the engagement probability; while unobserved a crosser may
/// lift a mine and pass; otherwise the crossing sets off a mine with
/// probability 1 − exp(−width × mines per metre of the cell), which hurts
/// the crosser (and those near) and stops the crossing. A step whose
/// parameter is not modelled is skipped.
fn military_year(
    s: &Scenario,
    rates: &Rates,
    rng: &mut Rng,
    belt: &mut Cells,
    observed: bool,
    out: &mut Replicate,
) {
    let cells = belt.count.len();
    let attempts = rng.poisson(s.attempts_per_km_year * s.frontage_km);
    let mut succeeded = 0u64;
    for _ in 0..attempts {
        let i = (rng.uniform() * cells as f64) as usize % cells;
        if observed && rates.p_engaged.is_some_and(|p| rng.uniform() < p) {
            continue;
        }
        if !observed && rates.p_lift.is_some_and(|p| rng.uniform() < p) {
            // A lifted mine leaves the field (and may be used elsewhere).
            if belt.count[i] > 0 {
                belt.add(i, -1);
            }
            succeeded += 1;
            continue;
        }
        let per_metre = belt.count[i] as f64 / s.cell_m;
        let p_det = rates
            .trigger_width
            .map_or(0.0, |w| 1.0 - (-w * per_metre).exp());
        if rng.uniform() < p_det {
            belt.add(i, -1);
            out.enemy_casualties += 1 + rng.poisson(rates.per_detonation_extra);
        } else {
            succeeded += 1;
        }
    }
    let tally = if observed {
        &mut out.crossings_observed
    } else {
        &mut out.crossings_unobserved
    };
    tally.0 += attempts;
    tally.1 += succeeded;
}

/// Runs one replicate.
pub(crate) fn replicate(s: &Scenario, rates: &Rates, rng: &mut Rng) -> Replicate {
    let cells = ((s.frontage_km * 1000.0) / s.cell_m).ceil().max(1.0) as usize;
    let per_cell = (rates.density * s.cell_m).round() as u64;
    let cell_area_m2 = s.cell_m * s.depth_m;
    let mut belt = Cells::filled(cells, per_cell);
    // Mines moved out of the belt by floods: unfenced, unmarked.
    let mut outside = Cells::filled(cells, 0);
    let mut fence = if s.fenced { 1.0f64 } else { 0.0 };
    let marking = if s.marked { 1.0 } else { 0.0 };
    let years = s.horizon_years as usize;
    let mut out = Replicate {
        mines_laid: per_cell * cells as u64,
        incidental: vec![0; years],
        intentional: vec![0; years],
        killed: vec![0; years],
        mines_left: vec![0; years],
        denied_km2: vec![0.0; years],
        removed: vec![0; years],
        ..Replicate::default()
    };
    out.laying_deaths = rng.binomial(out.mines_laid, rates.p_lay);
    let mut cleared_cells = 0usize;
    let mut capacity_carry = 0.0f64;
    for year in 0..years {
        // The military phase: crossings while the field is defended.
        if year < s.military_years as usize && s.attempts_per_km_year > 0.0 {
            let observed = year < s.observed_years as usize;
            military_year(s, rates, rng, &mut belt, observed, &mut out);
        }
        // (3) fence decay after maintenance stops.
        if (year as f64) >= s.maintenance_years {
            fence *= 1.0 - rates.fence_decay;
        }
        let protection = fence * marking;
        // Exposure per mine falls once mine action (marking, risk
        // education, survey) runs alongside clearance.
        let exposure = match &s.clearance {
            Some(c) if year as u32 >= c.start_year => {
                (-rates.exposure_decline * f64::from(year as u32 - c.start_year)).exp()
            }
            _ => 1.0,
        };
        let incidental_hazard = exposure
            * (protection * rates.fenced_hazard + (1.0 - protection) * rates.unfenced_hazard);
        // (1) degradation: each functional mine fails with the yearly hazard.
        if rates.decay > 0.0 {
            let failed = rng.binomial(belt.total, rates.decay);
            belt.remove_random(rng, failed);
            let failed = rng.binomial(outside.total, rates.decay);
            outside.remove_random(rng, failed);
        }
        // (2) migration: flood events fall on random cells and move a share
        // of that cell's mines out of the belt.
        if rates.flood > 0.0 && rates.f_mig > 0.0 && belt.total > 0 {
            let events = rng.poisson(rates.flood * cells as f64);
            for _ in 0..events {
                let i = (rng.uniform() * cells as f64) as usize % cells;
                let moved = rng.binomial(belt.count[i], rates.f_mig);
                belt.add(i, -(moved as i64));
                outside.add(i, moved as i64);
            }
        }
        // (4) civilian exposure: every mine triggers with the hazard, at most
        // once; how many do is binomial, and which they are is uniform.
        let inc = rng.binomial(belt.total, incidental_hazard.min(1.0));
        belt.remove_random(rng, inc);
        let inc_out = rng.binomial(outside.total, (exposure * rates.unfenced_hazard).min(1.0));
        outside.remove_random(rng, inc_out);
        let int = rng.binomial(belt.total, (exposure * rates.intentional_hazard).min(1.0));
        belt.remove_random(rng, int);
        let detonations_incidental = inc + inc_out;
        let detonations_intentional = int;
        let hurt = |rng: &mut Rng, detonations: u64| -> u64 {
            if detonations == 0 {
                0
            } else {
                detonations + rng.poisson(detonations as f64 * rates.per_detonation_extra)
            }
        };
        let inc_casualties = hurt(rng, detonations_incidental);
        let int_casualties = hurt(rng, detonations_intentional);
        out.incidental[year] = inc_casualties;
        out.intentional[year] = int_casualties;
        out.killed[year] = rng.binomial(inc_casualties + int_casualties, rates.p_kill);
        // (5) clearance, cell by cell along the frontage, with the area a
        // team (deminers × days × productivity) or a budget (÷ cost per m²)
        // covers in a year.
        if let Some(c) = s.clearance.as_ref().filter(|_| out.mines_laid > 0) {
            let area = match (c.budget_per_year, rates.productivity, rates.cost_per_m2) {
                (Some(budget), _, Some(cost)) if cost > 0.0 => Some(budget / cost),
                (None, Some(productivity), _) => Some(c.deminers * c.working_days * productivity),
                _ => None,
            };
            if let Some(area) =
                area.filter(|_| year as u32 >= c.start_year && cleared_cells < cells)
            {
                capacity_carry += area;
                // The cells cleared this year, in order along the frontage.
                let first = cleared_cells;
                while cleared_cells < cells && capacity_carry >= cell_area_m2 {
                    capacity_carry -= cell_area_m2;
                    out.cleared_m2 += cell_area_m2;
                    cleared_cells += 1;
                }
                if cleared_cells > first {
                    let found = belt.clear_block(rng, first..cleared_cells, rates.quality);
                    out.mines_removed += found;
                    out.removed[year] = found;
                    out.deminer_casualties += rng.binomial(found, rates.p_deminer);
                }
                if cleared_cells == cells && out.clearance_years.is_none() {
                    out.clearance_years = Some(year as u32 + 1 - c.start_year);
                }
            }
        }
        out.mines_left[year] = belt.total + outside.total;
        let denied_cells = if rates.density > 0.0 {
            cells - cleared_cells
        } else {
            0
        };
        out.denied_km2[year] = denied_cells as f64 * cell_area_m2 / 1e6;
    }
    out.clearance_cost_eur = rates.cost_per_m2.map(|c| c * out.cleared_m2);
    out
}

#[cfg(test)]
mod tests {
    use super::Cells;
    use crate::rng::Rng;

    #[test]
    fn the_tree_finds_each_mine_in_its_cell() {
        let mut c = Cells::filled(10, 3);
        assert_eq!(c.total, 30);
        assert_eq!(c.find(0), 0);
        assert_eq!(c.find(2), 0);
        assert_eq!(c.find(3), 1);
        assert_eq!(c.find(29), 9);
        c.add(0, -3);
        assert_eq!(c.find(0), 1);
        let mut rng = Rng::for_replicate(1, 1);
        let found = c.clear_block(&mut rng, 1..5, 1.0);
        assert_eq!((found, c.total), (12, 15));
        let found = c.clear_block(&mut rng, 5..10, 0.0);
        assert_eq!((found, c.total), (0, 15));
        c.remove_random(&mut rng, 15);
        assert_eq!(c.total, 0);
        assert!(c.count.iter().all(|n| *n == 0));
    }
}
