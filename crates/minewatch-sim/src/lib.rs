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

mod model;
mod params;
mod plot;
mod rng;
mod run;
mod scenario;

pub use model::Replicate;
pub use params::{Basis, Parameter, Parameters};
pub use plot::{casualties_svg, clearance_svg};
pub use rng::Rng;
pub use run::{Band, Summary, YearSummary, run};
pub use scenario::{Clearance, MineKind, Scenario, ScenarioError, Value};
