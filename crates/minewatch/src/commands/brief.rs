//! `minewatch brief`: the printable fact sheet on a state.

use std::path::PathBuf;

use minewatch_registry::Loaded;

use super::{Out, date_arg, find, on_date};
use crate::CliError;
use crate::cli::{BriefFormat, OnDate};

/// `minewatch brief STATE [--on] [--peers] [--since] [--format] [--out]`.
pub(crate) fn brief(
    loaded: &Loaded,
    state: &str,
    on: &OnDate,
    format: BriefFormat,
    file: Option<PathBuf>,
    peers: &[String],
    since: Option<String>,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let on = on_date(on)?;
    let state = find(registry, state)?;
    let mut codes = Vec::new();
    for peer in peers.iter().filter(|p| !p.trim().is_empty()) {
        codes.push(find(registry, peer)?.iso3);
    }
    let since = match &since {
        Some(text) => Some(date_arg("--since", text)?),
        None => None,
    };
    let request = minewatch_brief::BriefRequest {
        state: state.iso3,
        on,
        peers: codes,
        since,
    };
    let brief = minewatch_brief::build(loaded, &request);
    let text = match format {
        BriefFormat::Md => brief.markdown(),
        BriefFormat::Html => brief.html(),
    };
    match file {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => write!(out, "{text}")?,
    }
    Ok(())
}
