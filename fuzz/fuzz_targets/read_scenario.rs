//! Fuzzes the scenario reader: any text read as a scenario file gives a
//! scenario or an error naming the file, never a panic.
//!
//! Run: `cargo +nightly fuzz run read_scenario -- -max_total_time=300`

#![no_main]

use libfuzzer_sys::fuzz_target;
use minewatch_sim::{Parameters, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = Scenario::parse("fuzz.toml", text, Parameters::embedded()) {
        assert!(e.to_string().contains("fuzz.toml"));
    }
});
