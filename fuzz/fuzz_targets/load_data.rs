//! Fuzzes the data loader: the input replaces one file of the project's
//! data (its first byte picks which of the nineteen), and the folder must
//! load or be refused with positioned errors, never panic.
//!
//! Run: `cargo +nightly fuzz run load_data -- -max_total_time=300`

#![no_main]

use libfuzzer_sys::fuzz_target;
use minewatch_registry::{EMBEDDED_FILES, load_files};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let target = usize::from(pick) % EMBEDDED_FILES.len();
    let files: Vec<(&str, &str, &str)> = EMBEDDED_FILES
        .iter()
        .enumerate()
        .map(|(i, (name, body))| {
            if i == target {
                (*name, "fuzz", text.as_ref())
            } else {
                (*name, *name, *body)
            }
        })
        .collect();
    if let Err(errors) = load_files(&files) {
        for e in &errors.0 {
            assert!(!e.message.is_empty());
        }
    }
});
