//! `minewatch simulate SCENARIO`: the impact simulator from the command line.

use std::io::Write;
use std::path::Path;

use minewatch_sim::{Parameters, Scenario, Summary, run};

use crate::CliError;

/// Output formats of `simulate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SimFormat {
    Text,
    Json,
    Csv,
}

fn band(b: &minewatch_sim::Band) -> String {
    format!("{:.1} [{:.1}–{:.1}]", b.median, b.p5, b.p95)
}

fn text(s: &Summary) -> String {
    let mut out = format!(
        "{}: {} replicates, seed {}\n  mines laid: {}\n  own-force deaths while laying: {}\n  civilian casualties over the horizon (median [5–95%]): {}\n",
        s.scenario,
        s.runs,
        s.seed,
        s.mines_laid,
        band(&s.laying_deaths),
        band(&s.civilian_total)
    );
    out.push_str("  civilian casualties per year, incidental + intentional (median [5–95%]):\n");
    for y in s.years.iter().filter(|y| y.year == 1 || y.year % 5 == 0) {
        out.push_str(&format!(
            "    year {:>3}: incidental {}  intentional {}  killed {}  mines left {:.0}\n",
            y.year,
            band(&y.incidental),
            band(&y.intentional),
            band(&y.killed),
            y.mines_left.median
        ));
    }
    out.push_str(&format!(
        "  land denied: {} km²·years\n  clearance: finished in {:.0}% of replicates; years from start {}; deminer casualties {}\n",
        band(&s.land_denied_km2_years),
        s.clearance_finished_share * 100.0,
        band(&s.clearance_years),
        band(&s.deminer_casualties)
    ));
    if let Some(d) = s.decline_per_year {
        out.push_str(&format!(
            "  decline of casualties from the start of clearance: {:.0}% a year (the record shows about 21–27%)\n",
            d * 100.0
        ));
    }
    if let Some(cost) = &s.clearance_cost_eur {
        out.push_str(&format!("  clearance cost: EUR {}\n", band(cost)));
    }
    out.push_str("  parameters in use:\n");
    for (name, value, origin) in &s.parameters {
        out.push_str(&format!("    {name} = {value} — {origin}\n"));
    }
    if !s.unmodelled.is_empty() {
        out.push_str(&format!(
            "  not modelled (no sourced value; to be calibrated or set by the scenario with a source): {}\n",
            s.unmodelled.join(", ")
        ));
    }
    out
}

fn csv(s: &Summary) -> String {
    let mut out = String::from(
        "year,incidental_median,incidental_p5,incidental_p95,intentional_median,intentional_p5,intentional_p95,killed_median,mines_left_median,denied_km2_median\n",
    );
    for y in &s.years {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            y.year,
            y.incidental.median,
            y.incidental.p5,
            y.incidental.p95,
            y.intentional.median,
            y.intentional.p5,
            y.intentional.p95,
            y.killed.median,
            y.mines_left.median,
            y.denied_km2.median
        ));
    }
    out
}

/// Runs `minewatch simulate`.
pub(crate) fn simulate(
    path: &Path,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    format: SimFormat,
    plots: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let text_in = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let scenario = Scenario::parse(
        &path.display().to_string(),
        &text_in,
        &Parameters::embedded(),
    )
    .map_err(|e| e.to_string())?;
    if runs == 0 {
        return Err(CliError("--runs must be at least 1".into()));
    }
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let show = runs >= 1000 && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = move |done: usize| {
        if show {
            let width = 30;
            let filled = done * width / runs;
            eprint!(
                "\r  [{}{}] {done}/{runs}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == runs {
                eprintln!();
            }
        }
    };
    let (summary, _) = run(&scenario, runs, seed, threads, &progress);
    if let Some(dir) = plots {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for (name, svg) in [
            ("casualties.svg", minewatch_sim::casualties_svg(&summary)),
            ("clearance.svg", minewatch_sim::clearance_svg(&summary)),
        ] {
            std::fs::write(dir.join(name), svg)
                .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))?;
        }
    }
    match format {
        SimFormat::Text => write!(out, "{}", text(&summary))?,
        SimFormat::Json => crate::commands::json(out, &summary)?,
        SimFormat::Csv => write!(out, "{}", csv(&summary))?,
    }
    Ok(())
}
