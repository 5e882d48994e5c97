//! The impact simulator: a transparent, seeded Monte Carlo cohort model of
//! a defensive anti-personnel minefield (impact_model.md §7) — the military
//! phase while it is observed and covered by fire, then the decades of
//! legacy: mine survival, migration, fence decay, incidental and intentional
//! civilian exposure, and clearance with its cost, quality and casualties.
//!
//! Every parameter has a default, a range and a basis in
//! `data/sim_parameters.csv`; a parameter with no sourced value is never
//! guessed: its process does not run until a scenario gives it with a
//! source (or calibration fits it). Scenarios are TOML files (`examples/`).

mod backtest;
mod calibrate;
mod examples;
mod model;
mod params;
mod plot;
mod rng;
mod run;
mod scenario;
mod stats;

pub use backtest::{Comparison, compare};
pub use calibrate::{Calibration, CaseRow, Cases, Check, Fit, calibrate, calibrate_embedded};
pub use examples::{EXAMPLES, example};
pub use model::Replicate;
pub use params::{Basis, Parameter, Parameters};
pub use plot::{casualties_svg, clearance_svg};
pub use rng::Rng;
pub use run::{Band, Options, Summary, YearSummary, run, run_cancellable, run_with};
pub use scenario::{
    Backtest, Clearance, Measure, MineKind, Recorded, Scenario, ScenarioError, Value,
};
