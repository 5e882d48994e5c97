//! Loads Minewatch's `data/` folder into the core's [`Registry`].
//!
//! The folder holds plain CSV files, one record a line, each with a `sources`
//! column naming rows of `sources.csv` (see `data/README.md`). Loading is two
//! stages: each file is read and every cell checked on its own (a date is a
//! date, a code is a known state, a source exists); then the facts go to
//! [`Registry::new`], which checks them against the articles. Every problem of
//! either stage comes back at once, each with its file, line and column.
//!
//! The binary embeds the project's `data/` ([`load_embedded`]), so it answers
//! from anywhere; [`load_dir`] reads another folder.

mod csv;
mod embedded;
mod error;
mod load;
mod load_context;
mod load_obligations;
mod reader;

use std::path::Path;

pub use csv::{read_rows, write_rows};
pub use embedded::{EMBEDDED_FILES, load_embedded};
pub use error::{LoadError, LoadErrors};
pub use load::{COLUMNS, FILES, Loaded, SourceRecord, load_files, parse_date};
pub use load_context::CONTEXT_FILES;
pub use minewatch_core::Registry;

/// Reads and validates the data folder `dir`: the five files of [`FILES`],
/// and those of [`CONTEXT_FILES`] that are there.
///
/// # Errors
/// Every problem found, each with file, line and column; a missing file is
/// one of them.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let required = FILES.into_iter().map(|name| (name, true));
    let optional = CONTEXT_FILES.into_iter().map(|name| (name, false));
    for (name, needed) in required.chain(optional) {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((name, path.display().to_string(), text)),
            Err(e) if !needed && e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => errors.push(LoadError {
                file: path.display().to_string(),
                line: 0,
                column: 0,
                field: None,
                token: None,
                message: format!("cannot read the file: {e}"),
                source_line: None,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors));
    }
    let borrowed: Vec<(&str, &str, &str)> = files
        .iter()
        .map(|(n, p, t)| (*n, p.as_str(), t.as_str()))
        .collect();
    load_files(&borrowed)
}
