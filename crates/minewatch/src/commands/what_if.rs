//! `minewatch what-if withdraw`: a notification of withdrawal that has not
//! happened, run through Art. 20.

use minewatch_registry::Loaded;

use super::{Out, date_arg, find, json, on_date};
use crate::CliError;
use crate::cli::{Format, OnDate};
use crate::output::{WhatIfJson, explanation_text};

/// `minewatch what-if withdraw STATE --deposited DATE [--on] [--format]`.
pub(crate) fn withdraw(
    loaded: &Loaded,
    state: &str,
    deposited: &str,
    on: &OnDate,
    format: Format,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let deposited = date_arg("--deposited", deposited)?;
    let on = on_date(on)?;
    let state = find(registry, state)?;
    let assessment = registry
        .what_if_withdraw(state.iso3, deposited, on)
        .map_err(|v| {
            format!(
                "{} cannot withdraw on {deposited}: {}",
                state.name, v.message
            )
        })?;
    match format {
        Format::Json => json(out, &WhatIfJson::new(registry, deposited, &assessment))?,
        Format::Text => {
            let w = assessment
                .withdrawal
                .as_ref()
                .ok_or("no withdrawal computed")?;
            let mut text = format!(
                "If the depositary received a notification of withdrawal from {} ({}) on {deposited}:\n  six months after receipt: {}\n",
                state.name, state.iso3, w.six_months_after
            );
            if w.deferred_by_armed_conflict {
                text.push_str(
                    "  deferred: engaged in an armed conflict on that date (Art. 20(3))\n",
                );
            }
            match w.effective {
                Some(d) => text.push_str(&format!("  takes effect: {d}\n")),
                None => text.push_str(
                    "  takes effect: not before the armed conflict ends; no end is known\n",
                ),
            }
            text.push_str(&format!(
                "  status on {}: {}\n",
                assessment.on, assessment.status
            ));
            text.push_str(&explanation_text(
                loaded,
                &assessment.steps,
                &assessment.findings,
            ));
            write!(out, "{text}")?;
        }
    }
    Ok(())
}
