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

use crate::rng::{Rng, Thinning};
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
}

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
}

impl Rates {
    pub(crate) fn of(s: &Scenario) -> Rates {
        let v = |name: &str| s.value(name);
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
        }
    }
}

/// Runs one replicate.
pub(crate) fn replicate(s: &Scenario, rates: &Rates, rng: &mut Rng) -> Replicate {
    let cells = ((s.frontage_km * 1000.0) / s.cell_m).ceil().max(1.0) as usize;
    let per_cell = (rates.density * s.cell_m).round() as u64;
    let cell_area_m2 = s.cell_m * s.depth_m;
    let mut belt: Vec<u64> = vec![per_cell; cells];
    // Mines moved out of the belt by floods: unfenced, unmarked.
    let mut outside: Vec<u64> = vec![0; cells];
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
        ..Replicate::default()
    };
    out.laying_deaths = rng.binomial(out.mines_laid, rates.p_lay);
    let mut cleared_cells = 0usize;
    let mut capacity_carry = 0.0f64;
    for year in 0..years {
        // (3) fence decay after maintenance stops.
        if (year as f64) >= s.maintenance_years {
            fence *= 1.0 - rates.fence_decay;
        }
        let protection = fence * marking;
        let incidental_hazard =
            protection * rates.fenced_hazard + (1.0 - protection) * rates.unfenced_hazard;
        let mut detonations_incidental = 0u64;
        let mut detonations_intentional = 0u64;
        let mut decay = Thinning::new(rates.decay);
        let mut in_belt = Thinning::new(incidental_hazard);
        let mut moved_out = Thinning::new(rates.unfenced_hazard);
        let mut crossing = Thinning::new(rates.intentional_hazard);
        for i in 0..cells {
            if belt[i] == 0 && outside[i] == 0 {
                continue;
            }
            // (1) degradation.
            if rates.decay > 0.0 {
                belt[i] -= decay.draw(rng, belt[i]);
                outside[i] -= decay.draw(rng, outside[i]);
            }
            // (2) migration by floods.
            if rates.flood > 0.0 && belt[i] > 0 {
                let events = rng.poisson(rates.flood);
                for _ in 0..events {
                    let moved = rng.binomial(belt[i], rates.f_mig);
                    belt[i] -= moved;
                    outside[i] += moved;
                }
            }
            // (4) civilian exposure: each mine triggers at most once.
            let inc = in_belt.draw(rng, belt[i]);
            belt[i] -= inc;
            let inc_out = moved_out.draw(rng, outside[i]);
            outside[i] -= inc_out;
            let int = crossing.draw(rng, belt[i]);
            belt[i] -= int;
            detonations_incidental += inc + inc_out;
            detonations_intentional += int;
        }
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
        // (5) clearance, cell by cell along the frontage.
        if let (Some(c), Some(productivity)) = (&s.clearance, rates.productivity) {
            if year as u32 >= c.start_year && cleared_cells < cells {
                capacity_carry += c.deminers * c.working_days * productivity;
                while cleared_cells < cells && capacity_carry >= cell_area_m2 {
                    capacity_carry -= cell_area_m2;
                    let i = cleared_cells;
                    let found = rng.binomial(belt[i], rates.quality);
                    belt[i] -= found;
                    out.mines_removed += found;
                    out.deminer_casualties += rng.binomial(found, rates.p_deminer);
                    out.cleared_m2 += cell_area_m2;
                    cleared_cells += 1;
                }
                if cleared_cells == cells && out.clearance_years.is_none() {
                    out.clearance_years = Some(year as u32 + 1 - c.start_year);
                }
            }
        }
        out.mines_left[year] = belt.iter().sum::<u64>() + outside.iter().sum::<u64>();
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
