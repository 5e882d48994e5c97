//! Helpers shared by the simulator's test files.

use minewatch_sim::{Parameters, Scenario};

/// An example scenario of `examples/scenarios/`, by its path there.
pub(crate) fn example(name: &str) -> Scenario {
    let path = format!(
        "{}/../../examples/scenarios/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("an example scenario");
    Scenario::parse(&path, &text, Parameters::embedded()).unwrap_or_else(|e| panic!("{e}"))
}
