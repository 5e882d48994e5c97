//! `minewatch brief`: the printable fact sheet on a state.

use std::path::PathBuf;

use minewatch_registry::Loaded;

use super::{Out, date_arg, find, on_date};
use crate::CliError;
use crate::cli::{BriefFormat, OnDate};

/// What `minewatch brief` was asked.
pub(crate) struct BriefArgs {
    pub(crate) state: String,
    pub(crate) on: OnDate,
    pub(crate) format: BriefFormat,
    pub(crate) file: Option<PathBuf>,
    pub(crate) peers: Vec<String>,
    pub(crate) since: Option<String>,
}

/// `minewatch brief STATE [--on] [--peers] [--since] [--format] [--out]`.
pub(crate) fn brief(loaded: &Loaded, args: BriefArgs, out: Out<'_>) -> Result<(), CliError> {
    let BriefArgs {
        state,
        on,
        format,
        file,
        peers,
        since,
    } = args;
    let (state, on) = (state.as_str(), &on);
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
