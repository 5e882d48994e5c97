//! Calibration, the military phase, parameter uncertainty and back-tests.

mod common;
use common::example;
use minewatch_sim::{
    Cases, Measure, Options, Parameters, Scenario, calibrate, calibrate_embedded, compare, run,
    run_with,
};
use proptest::prelude::*;

fn fit(name: &str) -> minewatch_sim::Fit {
    calibrate_embedded()
        .expect("calibration")
        .fits
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fit for {name}"))
}

/// data/sim_calibration.csv is what calibration computes from
/// data/sim_cases.csv today; if this fails, run
/// `minewatch simulate calibrate --write data/sim_calibration.csv`.
#[test]
fn the_stored_calibration_is_not_stale() {
    let stored = include_str!("../../../data/sim_calibration.csv");
    let now = calibrate_embedded().expect("calibration").to_csv();
    assert_eq!(stored, now);
}

/// The fits on real cases: the Falklands' zero bounds the fenced hazard,
/// Zimbabwe's count gives the unfenced one, the ZIMAC count only widens it.
#[test]
fn the_fits_give_back_the_cases() {
    let fenced = fit("hazard_incidental_fenced");
    // Jeffreys 95% end for zero deaths in 650,000 mine-years, 1.92 / 650,000,
    // in casualties over the killed share 0.35.
    assert!(
        (fenced.high - 1.9207 / 650_000.0 / 0.35).abs() < 1e-9,
        "{fenced:?}"
    );
    assert!(fenced.value < fenced.high && fenced.low < fenced.value);
    let unfenced = fit("hazard_incidental_unfenced");
    assert!(
        (unfenced.value - 1615.0 / 37e6).abs() < 1e-6,
        "{unfenced:?}"
    );
    assert!((unfenced.high - 3550.0 / 37e6).abs() < 1e-9);
    let intentional = fit("hazard_intentional");
    assert!((6e-5..8e-5).contains(&intentional.value), "{intentional:?}");
    let engaged = fit("p_obs_engaged");
    assert!((engaged.value - 18.5 / 104.0).abs() < 1e-9, "{engaged:?}");
    // Fence decay has no sourced rate: it is not fitted.
    assert!(
        !calibrate_embedded()
            .expect("calibration")
            .fits
            .iter()
            .any(|f| f.name == "fence_decay_per_year")
    );
    // A calibration on other numbers gives other fits: the same cases with
    // a killed share of one half move the fenced hazard accordingly.
    let half = calibrate(&Cases::embedded(), 0.5).expect("calibration");
    assert!((half.fits[0].value * 0.5 - fenced.value * 0.35).abs() < 1e-15);
    for f in calibrate_embedded().expect("calibration").fits {
        assert!(f.low <= f.value && f.value <= f.high, "{f:?}");
        assert!(!f.cases.is_empty() && !f.sources.is_empty(), "{f:?}");
        assert!(
            !f.cases.iter().any(|c| c == "chile" || c == "uzbek_tajik"),
            "{} uses a hold-out",
            f.name
        );
    }
}

/// The decline with mine action is fitted on Cambodia and Bosnia; Croatia
/// is kept out and compared: the record's 0.21-0.27 overlaps the interval.
#[test]
fn the_decline_fit_agrees_with_croatia_kept_out() {
    let cal = calibrate_embedded().expect("calibration");
    let decline = fit("exposure_decline_with_mine_action");
    assert!((0.12..0.25).contains(&decline.value), "{decline:?}");
    assert_eq!(decline.cases, ["cambodia", "bosnia"]);
    let croatia = &cal.checks[0];
    assert!(croatia.what.contains("Croatia"));
    assert!((croatia.record.0 - (88.0f64 / 20.0).ln() / 7.0).abs() < 1e-12);
    assert!((croatia.record.1 - (88.0f64 / 13.0).ln() / 7.0).abs() < 1e-12);
    assert!(croatia.agrees);
}

/// A fitted parameter is used as the default, with its cases as its origin;
/// a parameter with neither a fit nor a source stays unmodelled.
#[test]
fn scenarios_take_the_fitted_values() {
    let s = example("unfenced-100km.toml");
    let v = &s.values["p_obs_engaged"];
    assert!(v.origin.starts_with("fitted on gdr"), "{}", v.origin);
    assert!(v.range.is_some());
    assert!(s.unmodelled.iter().any(|p| p == "p_lift_unobserved"));
    assert!(!s.unmodelled.iter().any(|p| p == "hazard_intentional"));
}

/// The post-conflict decline with active clearance is an output: with a
/// clearance pace like the national programmes behind the record (about 3%
/// of the field a year), it lands in about the record's 0.21-0.27 a year;
/// with a fast programme it is steeper. Statistics over 2,000 replicates on
/// a fixed seed.
#[test]
fn the_decline_with_clearance_lands_in_the_record_range() {
    let (s, _) = run(&example("unfenced-100km.toml"), 2_000, 2026, 2, &|_| {});
    let d = s.decline_per_year.expect("a decline");
    assert!((0.19..=0.29).contains(&d), "decline {d}");
    let fast = example("unfenced-100km.toml");
    let mut fast = fast;
    if let Some(c) = fast.clearance.as_mut() {
        c.deminers = 100.0;
    }
    let (f, _) = run(&fast, 2_000, 2026, 2, &|_| {});
    assert!(f.decline_per_year.expect("a decline") > d + 0.1);
}

/// The military phase: a field observed and covered by fire stops more
/// crossers than the same field unobserved; the same border observed with
/// no mines stops fewer than with them; no mines hurt no attacker.
#[test]
fn observation_and_mines_each_stop_crossers() {
    let share = |name: &str, observed: bool| {
        let (s, _) = run(&example(name), 1_000, 7, 2, &|_| {});
        let b = if observed {
            s.crossing_success_observed
        } else {
            s.crossing_success_unobserved
        };
        (b.expect("attempts").mean, s.enemy_casualties.mean)
    };
    let (observed, hurt_observed) = share("fenced-observed-100km.toml", true);
    let (unobserved, _) = share("unobserved-100km.toml", false);
    let (no_mines, hurt_none) = share("no-ap-mines-100km.toml", true);
    assert!(observed + 0.1 < unobserved, "{observed} vs {unobserved}");
    assert!(observed < no_mines, "{observed} vs {no_mines}");
    assert!(hurt_observed > 0.0);
    assert_eq!(hurt_none, 0.0);
}

/// Drawing the parameters from their uncertainty keeps the numbers
/// reproducible from the seed whatever the threads, and widens the bands.
#[test]
fn parameter_uncertainty_is_reproducible_and_wider() {
    let s = example("unfenced-100km.toml");
    let options = |threads| Options {
        runs: 300,
        seed: 5,
        threads,
        parameter_uncertainty: true,
    };
    let (a, _) = run_with(&s, options(1), &|_| {});
    let (b, _) = run_with(&s, options(3), &|_| {});
    assert_eq!(a, b);
    assert!(a.parameter_uncertainty);
    let (fixed, _) = run(&s, 300, 5, 2, &|_| {});
    let width = |x: &minewatch_sim::Band| x.p95 - x.p5;
    assert!(width(&a.civilian_total) > width(&fixed.civilian_total));
}

/// The back-test cases: Chile's clearance life-cycle and the Uzbek-Tajik
/// collapse are predicted, every figure compared, the predictions held out.
#[test]
fn the_backtests_compare_every_recorded_figure() {
    for (name, held_out) in [("backtest/chile.toml", 4), ("backtest/uzbek-tajik.toml", 3)] {
        let s = example(name);
        let record = s.backtest.as_ref().expect("a record").record.clone();
        assert_eq!(record.iter().filter(|r| r.held_out).count(), held_out);
        let options = Options {
            runs: 300,
            seed: 1,
            threads: 2,
            parameter_uncertainty: true,
        };
        let (_, reps) = run_with(&s, options, &|_| {});
        let comparisons = compare(&s, &reps);
        assert_eq!(comparisons.len(), record.len());
        for c in &comparisons {
            let m = c.model.expect("a band");
            assert!(m.p5 <= m.median && m.median <= m.p95);
            assert_eq!(c.within, m.p5 <= c.record.value && c.record.value <= m.p95);
        }
    }
    // What the model predicts and the record shows, on a fixed seed with
    // the parameters drawn: Chile's total by December 2019 and its end
    // year, and the Uzbek-Tajik floor after 2008, fall within the bands.
    for (name, at) in [
        ("backtest/chile.toml", 2019.95),
        ("backtest/chile.toml", 2020.16),
        ("backtest/uzbek-tajik.toml", 2012.66),
    ] {
        let s = example(name);
        let options = Options {
            runs: 1_000,
            seed: 2026,
            threads: 2,
            parameter_uncertainty: true,
        };
        let (_, reps) = run_with(&s, options, &|_| {});
        let c = compare(&s, &reps);
        let figure = c
            .iter()
            .find(|c| (c.record.at - at).abs() < 1e-9)
            .expect("the figure");
        assert!(figure.within, "{name} {at}: {figure:?}");
    }
    // Chile: the model's mines removed by the end approach the stock.
    let s = example("backtest/chile.toml");
    let (_, reps) = run(&s, 200, 1, 2, &|_| {});
    let c = compare(&s, &reps);
    let last = c
        .iter()
        .rfind(|c| c.record.what == Measure::MinesRemoved)
        .expect("a figure");
    assert!(last.model.expect("a band").median > 150_000.0);
}

#[test]
fn backtest_and_clearance_errors_name_the_key() {
    let p = Parameters::embedded();
    let good = std::fs::read_to_string(format!(
        "{}/../../examples/scenarios/backtest/chile.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the example");
    let both = good.replace(
        "budget_per_year = 9000000",
        "budget_per_year = 9000000\ndeminers = 5\nworking_days = 200",
    );
    let e = Scenario::parse("c.toml", &both, p).expect_err("both");
    assert_eq!(e.key, "clearance.budget_per_year");
    let unsourced = good.replace("source = \"dialogo-2017-chile-reprint\"\n", "");
    let e = Scenario::parse("c.toml", &unsourced, p).expect_err("no source");
    assert_eq!(e.key, "backtest.record.source");
    assert!(e.line > 40, "{e}");
    let what = good.replace("what = \"clearance_end\"", "what = \"victory\"");
    let e = Scenario::parse("c.toml", &what, p).expect_err("bad measure");
    assert_eq!(e.key, "backtest.record.what");
    assert!(e.message.contains("victory"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Crossing shares are shares, attackers hurt never exceed what the
    /// detonations allow, and an attempt stopped by fire never succeeds:
    /// with engagement certain, nothing crosses while observed.
    #[test]
    fn crossing_shares_are_shares(attempts in 0.5f64..20.0, observed in any::<bool>(), seed in 0u64..500) {
        let text = format!(
            "name = \"m\"\nhorizon_years = 3\n[field]\nfrontage_km = 5.0\ndepth_m = 50.0\nfenced = true\nmarked = true\n\n[military]\nyears = 2\nobserved = {observed}\nattempts_per_km_year = {attempts}\n\n[parameters]\np_obs_engaged = {{ value = 1.0, source = \"test\" }}\n"
        );
        let s = Scenario::parse("m.toml", &text, Parameters::embedded()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (summary, reps) = run(&s, 40, seed, 2, &|_| {});
        for r in &reps {
            prop_assert!(r.crossings_observed.1 <= r.crossings_observed.0);
            prop_assert!(r.crossings_unobserved.1 <= r.crossings_unobserved.0);
            prop_assert_eq!(r.crossings_observed.1, 0);
            prop_assert!(r.mines_left.iter().all(|m| *m <= r.mines_laid));
        }
        if let Some(b) = summary.crossing_success_unobserved {
            prop_assert!((0.0..=1.0).contains(&b.p5) && (0.0..=1.0).contains(&b.p95));
        }
    }
}
