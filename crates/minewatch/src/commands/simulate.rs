//! `minewatch simulate SCENARIO`: the impact simulator from the command line.

use std::io::Write;
use std::path::Path;

use minewatch_sim::{Comparison, Measure, Options, Parameters, Scenario, Summary, run_with};

use crate::CliError;
use crate::cli::{SimAction, SimulateArgs};

/// Output formats of `simulate calibrate` and `simulate backtest`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CalFormat {
    Text,
    Json,
}

/// Runs `minewatch simulate ...`.
pub(crate) fn dispatch(args: &SimulateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.action {
        Some(SimAction::Calibrate { format, write }) => calibrate(*format, write.as_deref(), out),
        Some(SimAction::Backtest {
            scenarios,
            runs,
            seed,
            threads,
            format,
        }) => backtest(scenarios, *runs, *seed, *threads, *format, out),
        None => {
            let Some(path) = &args.scenario else {
                return Err(CliError::Message(
                    "give a scenario file, or calibrate, or backtest".into(),
                ));
            };
            simulate(
                path,
                Options {
                    runs: args.runs,
                    seed: args.seed,
                    threads: threads(args.threads),
                    parameter_uncertainty: args.uncertainty,
                },
                args.format,
                args.plots.as_deref(),
                out,
            )
        }
    }
}

fn threads(asked: Option<usize>) -> usize {
    asked
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

fn sci(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-2 || x.abs() >= 1e5) {
        format!("{x:.2e}")
    } else {
        format!("{x:.3}")
    }
}

/// `minewatch simulate calibrate`.
fn calibrate(format: CalFormat, write: Option<&Path>, out: &mut dyn Write) -> Result<(), CliError> {
    let cal = minewatch_sim::calibrate_embedded().map_err(CliError::Message)?;
    if let Some(file) = write {
        std::fs::write(file, cal.to_csv())
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    match format {
        CalFormat::Json => crate::commands::json(out, &cal)?,
        CalFormat::Text => {
            writeln!(
                out,
                "Calibration on the historical cases of data/sim_cases.csv (hold-outs Chile and the Uzbek–Tajik border are not used):"
            )?;
            for f in &cal.fits {
                writeln!(
                    out,
                    "  {} = {} [5–95%: {} – {}]
    from: {}
    how: {}
    sources: {}",
                    f.name,
                    sci(f.value),
                    sci(f.low),
                    sci(f.high),
                    f.cases.join(", "),
                    f.method,
                    f.sources.join(", ")
                )?;
            }
            writeln!(out, "Checks on cases kept out of the fits:")?;
            for c in &cal.checks {
                writeln!(
                    out,
                    "  {}: fitted {} [{} – {}], record {} – {}: {}",
                    c.what,
                    sci(c.predicted.0),
                    sci(c.predicted.1),
                    sci(c.predicted.2),
                    sci(c.record.0),
                    sci(c.record.1),
                    if c.agrees { "agrees" } else { "does not agree" }
                )?;
            }
            if let Some(file) = write {
                writeln!(out, "wrote {}", file.display())?;
            }
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct CaseResult {
    file: String,
    scenario: String,
    runs: usize,
    seed: u64,
    comparisons: Vec<Comparison>,
}

/// A scenario file, read and checked; errors name the file.
fn read_scenario(path: &Path) -> Result<Scenario, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(
        Scenario::parse(&path.display().to_string(), &text, Parameters::embedded())
            .map_err(|e| e.to_string())?,
    )
}

/// `minewatch simulate backtest`.
fn backtest(
    files: &[std::path::PathBuf],
    runs: usize,
    seed: u64,
    asked_threads: Option<usize>,
    format: CalFormat,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if runs == 0 {
        return Err(CliError::Message("--runs must be at least 1".into()));
    }
    let mut scenarios: Vec<(String, Scenario)> = Vec::new();
    if files.is_empty() {
        for (_, file, text) in minewatch_sim::EXAMPLES {
            if file.contains("/backtest/") {
                let scenario = Scenario::parse(file, text, Parameters::embedded())
                    .map_err(|e| e.to_string())?;
                scenarios.push((file.to_string(), scenario));
            }
        }
    }
    for f in files {
        scenarios.push((f.display().to_string(), read_scenario(f)?));
    }
    let mut results = Vec::new();
    for (file, scenario) in &scenarios {
        if scenario.backtest.is_none() {
            return Err(CliError::Message(format!(
                "{file}: no [backtest] section: nothing recorded to compare with"
            )));
        }
        let options = Options {
            runs,
            seed,
            threads: threads(asked_threads),
            parameter_uncertainty: true,
        };
        let (_, replicates) = run_with(scenario, options, &|_| {});
        results.push(CaseResult {
            file: file.clone(),
            scenario: scenario.name.clone(),
            runs,
            seed,
            comparisons: minewatch_sim::compare(scenario, &replicates),
        });
    }
    match format {
        CalFormat::Json => crate::commands::json(out, &results)?,
        CalFormat::Text => {
            for r in &results {
                writeln!(
                    out,
                    "{} ({}; {} replicates, seed {}, parameters drawn from their uncertainty):",
                    r.scenario, r.file, r.runs, r.seed
                )?;
                for c in &r.comparisons {
                    let rec = &c.record;
                    let what = match rec.what {
                        Measure::MinesRemoved => format!("mines removed by {:.2}", rec.at),
                        Measure::Casualties => {
                            format!("casualties {:.2}–{:.2}", rec.from.unwrap_or(rec.at), rec.at)
                        }
                        Measure::ClearanceEnd => "clearance ends (year)".to_string(),
                    };
                    let model = c.model.map_or("never in the horizon".to_string(), |m| {
                        format!("{:.0} [5–95%: {:.0} – {:.0}]", m.median, m.p5, m.p95)
                    });
                    writeln!(
                        out,
                        "  {}{what}: record {} ({}), model {model}: {}",
                        if rec.held_out {
                            "predicted "
                        } else {
                            "fitted    "
                        },
                        rec.value,
                        rec.source,
                        if c.within {
                            "within the band"
                        } else {
                            "OUTSIDE the band"
                        }
                    )?;
                }
                let held: Vec<&Comparison> =
                    r.comparisons.iter().filter(|c| c.record.held_out).collect();
                writeln!(
                    out,
                    "  held-out figures within the 5–95% band: {} of {}",
                    held.iter().filter(|c| c.within).count(),
                    held.len()
                )?;
            }
        }
    }
    Ok(())
}

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
        "{}: {} replicates, seed {}{}\n  mines laid: {}\n  own-force casualties (deaths while laying): {}\n  civilian casualties over the horizon (median [5–95%]): {}\n",
        s.scenario,
        s.runs,
        s.seed,
        if s.parameter_uncertainty {
            ", parameters drawn from their uncertainty"
        } else {
            ""
        },
        s.mines_laid,
        band(&s.laying_deaths),
        band(&s.civilian_total)
    );
    if s.crossing_attempts.mean > 0.0 {
        let share = |b: &Option<minewatch_sim::Band>| {
            b.as_ref().map_or("no attempts then".to_string(), |b| {
                format!(
                    "{:.0}% [{:.0}–{:.0}%]",
                    b.median * 100.0,
                    b.p5 * 100.0,
                    b.p95 * 100.0
                )
            })
        };
        out.push_str(&format!(
            "  military phase: {} crossing attempts; success while observed {}, while unobserved {}; attackers hurt by mines {}\n",
            band(&s.crossing_attempts),
            share(&s.crossing_success_observed),
            share(&s.crossing_success_unobserved),
            band(&s.enemy_casualties)
        ));
    }
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
        "  land denied: {} km²·years\n",
        band(&s.land_denied_km2_years)
    ));
    if s.mines_laid == 0 {
        out.push_str("  clearance: nothing to clear\n");
    } else if !s.has_clearance {
        out.push_str("  clearance: none in this scenario\n");
    } else if s.clearance_finished_share == 0.0 {
        out.push_str(&format!(
            "  clearance: never finished within the horizon; deminer casualties {}\n",
            band(&s.deminer_casualties)
        ));
    } else {
        out.push_str(&format!(
            "  clearance: finished in {:.0}% of replicates; years from start {}; deminer casualties {}\n",
            s.clearance_finished_share * 100.0,
            band(&s.clearance_years),
            band(&s.deminer_casualties)
        ));
    }
    if let Some(d) = s.decline_per_year {
        out.push_str(&format!(
            "  decline of casualties over the first 15 years of clearance: {d:.2} a year (log rate; the record shows about 0.21–0.27)\n"
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

/// Runs `minewatch simulate SCENARIO`.
fn simulate(
    path: &Path,
    options: Options,
    format: SimFormat,
    plots: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let scenario = read_scenario(path)?;
    let runs = options.runs;
    if runs == 0 {
        return Err(CliError::Message("--runs must be at least 1".into()));
    }
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
    let (summary, _) = run_with(&scenario, options, &progress);
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
