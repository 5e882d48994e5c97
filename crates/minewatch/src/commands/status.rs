//! `minewatch status` and `minewatch timeline`: a state's status on a date
//! with the explanation, and every recorded act.

use jiff::civil::Date;
use minewatch_registry::Loaded;

use super::{Out, find, json, on_date};
use crate::CliError;
use crate::cli::{Format, OnDate};
use crate::output::{StatusJson, explanation_text};

/// `minewatch status STATE [--on] [--format]`.
pub(crate) fn status(
    loaded: &Loaded,
    state: &str,
    on: &OnDate,
    format: Format,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let on = on_date(on)?;
    let state = find(registry, state)?;
    let assessment = registry.assess(state.iso3, on).ok_or("no such state")?;
    match format {
        Format::Json => {
            let groups = loaded
                .context
                .groups_of(assessment.state, assessment.on)
                .map(|g| g.id.clone())
                .collect();
            json(out, &StatusJson::new(registry, &assessment, groups))?
        }
        Format::Text => {
            let mut text = format!(
                "{} ({}) on {on}: {}\n",
                state.name, state.iso3, assessment.status
            );
            if let Some(d) = assessment.entry_into_force {
                let verb = if d <= on {
                    "in force for it from"
                } else {
                    "enters into force for it on"
                };
                text.push_str(&format!("  {verb} {d}\n"));
            }
            if assessment.provisional_application {
                text.push_str("  applies Art. 1(1) provisionally (Art. 18)\n");
            }
            if let Some(w) = &assessment.withdrawal {
                text.push_str(&format!(
                    "  withdrawal notified {}; six months after: {}\n",
                    w.received, w.six_months_after
                ));
                match w.effective {
                    Some(d) => text.push_str(&format!("  withdrawal effective {d}\n")),
                    None => text.push_str("  withdrawal effective: not before the end of the armed conflict (Art. 20(3)); no end is known\n"),
                }
            }
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

/// `minewatch timeline STATE [--format]`.
pub(crate) fn timeline(
    loaded: &Loaded,
    state: &str,
    format: Format,
    out: Out<'_>,
) -> Result<(), CliError> {
    let registry = &loaded.registry;
    let state = find(registry, state)?;
    let assessment = registry
        .assess(state.iso3, Date::MAX)
        .ok_or("no such state")?;
    match format {
        Format::Json => {
            let steps: Vec<crate::output::StepJson> =
                assessment.steps.iter().map(Into::into).collect();
            json(out, &steps)?;
        }
        Format::Text => {
            let mut text = format!(
                "{} ({}): every recorded act and change of status\n",
                state.name, state.iso3
            );
            if assessment.steps.is_empty() {
                text.push_str("  no act recorded: non_signatory on every date\n");
            }
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
