//! `minewatch data check`: a data folder validated, every problem at once.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use minewatch_registry::{Loaded, load_dir};

use super::Out;
use crate::CliError;

/// `minewatch data check [DIR]`.
pub(crate) fn data_check(dir: &Path, out: Out<'_>) -> Result<ExitCode, CliError> {
    match load_dir(dir) {
        Ok(loaded) => {
            print_summary(&loaded, dir, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{}", e.render());
            }
            let n = errors.0.len();
            Err(format!(
                "{} problem{} in {}",
                n,
                if n == 1 { "" } else { "s" },
                dir.display()
            )
            .into())
        }
    }
}

fn print_summary(loaded: &Loaded, dir: &Path, out: Out<'_>) -> Result<(), CliError> {
    let r = &loaded.registry;
    let findings: usize = r
        .current_states()
        .filter_map(|s| r.assess(s.iso3, Date::MAX))
        .map(|a| a.findings.len())
        .sum();
    writeln!(
        out,
        "{}: ok: {} states ({} former), {} treaty actions, {} armed conflicts, {} source conflicts, {} sources; {} findings to review (see `minewatch status`)",
        dir.display(),
        r.current_states().count(),
        r.states().len() - r.current_states().count(),
        r.actions().len(),
        r.conflicts().len(),
        r.source_conflicts().len(),
        loaded.sources.len(),
        findings
    )?;
    let c = &loaded.context;
    writeln!(
        out,
        "{}: also {} groups with {} memberships, {} Monitor reports with {} findings of use, {} policy events, {} treaty events",
        dir.display(),
        c.groups().len(),
        c.memberships().len(),
        c.reports().len(),
        c.uses().len(),
        c.policies().len(),
        c.treaty_events().len()
    )?;
    let o = c.obligations();
    writeln!(
        out,
        "{}: obligations: {} meetings, {} stockpile facts, {} clearance facts, {} Article 7 report facts, {} retained figures, {} years of casualties, {} country-years, {} contamination estimates, {} reporting counts, {} figures stated by the Monitor",
        dir.display(),
        o.meetings.len(),
        o.stockpiles.len(),
        o.clearance.len(),
        o.reports.len(),
        o.retained.len(),
        o.casualties.len(),
        o.country_casualties.len(),
        o.contamination.len(),
        o.reporting_rates.len(),
        o.stated_figures.len()
    )?;
    Ok(())
}
