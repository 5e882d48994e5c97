//! Fuzzes the claim reader and checker: any bytes, read as a claim (and as a
//! claims file), must give a claim or an error with a place, and a claim
//! read must check without panicking on a date taken from the input.
//!
//! Run: `cargo +nightly fuzz run parse_claim -- -max_total_time=300`
//! (from the repository root; see README).

#![no_main]

use std::sync::OnceLock;

use jiff::civil::date;
use libfuzzer_sys::fuzz_target;
use minewatch_claims::{Checker, read_claims_file};
use minewatch_registry::{Loaded, load_embedded};

fn checker() -> &'static Checker<'static> {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    static CHECKER: OnceLock<Checker<'static>> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let loaded = LOADED.get_or_init(|| load_embedded().expect("the project's data"));
        Checker::new(&loaded.registry, &loaded.context)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let checker = checker();
    // A day between 1997-01-01 and about 2030, from the input's length.
    let on = date(1997, 1, 1) + jiff::Span::new().days((text.len() as i64 * 97) % 12_000);
    match checker.parse(text) {
        Ok(claim) => {
            let _ = checker.evaluate(&claim, on);
        }
        Err(error) => assert!(error.line >= 1 && error.column >= 1),
    }
    if let Ok(lines) = read_claims_file(text) {
        for line in lines {
            let _ = checker.check(&line.text, on);
        }
    }
});
