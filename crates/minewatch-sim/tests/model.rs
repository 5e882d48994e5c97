//! The simulator's invariants and its scenario errors.

mod common;
use common::example;
use minewatch_sim::{Parameters, Scenario, run};
use proptest::prelude::*;

fn scenario(extra: &str, fenced: bool, density: Option<f64>) -> Scenario {
    let parameters = match density {
        Some(d) => format!("[parameters]\ndensity_per_m = {{ value = {d}, source = \"test\" }}\n"),
        None => String::new(),
    };
    let text = format!(
        "name = \"t\"\nhorizon_years = 20\n{extra}\n[field]\nfrontage_km = 5.0\ndepth_m = 50.0\nfenced = {fenced}\nmarked = {fenced}\nmaintenance_years = 5\n\n[military]\nyears = 1\nobserved = true\n\n[clearance]\nstart_year = 5\ndeminers = 10\nworking_days = 200\n\n{parameters}"
    );
    Scenario::parse("test.toml", &text, Parameters::embedded()).unwrap_or_else(|e| panic!("{e}"))
}

fn total(s: &minewatch_sim::Summary) -> f64 {
    s.civilian_total.mean
}

#[test]
fn the_same_seed_gives_the_same_numbers_whatever_the_threads() {
    let s = scenario("", false, None);
    let (a, _) = run(&s, 200, 42, 1, &|_| {});
    let (b, _) = run(&s, 200, 42, 2, &|_| {});
    let (c, _) = run(&s, 200, 42, 7, &|_| {});
    assert_eq!(a, b);
    assert_eq!(a, c);
    let (d, _) = run(&s, 200, 43, 2, &|_| {});
    assert_ne!(a, d);
}

#[test]
fn a_fenced_maintained_field_hurts_far_fewer_civilians_than_an_unfenced_one() {
    let (fenced, _) = run(&scenario("", true, None), 500, 1, 2, &|_| {});
    let (open, _) = run(&scenario("", false, None), 500, 1, 2, &|_| {});
    assert!(
        total(&fenced) * 3.0 < total(&open),
        "{} vs {}",
        total(&fenced),
        total(&open)
    );
}

#[test]
fn no_mines_no_casualties_no_land_denied() {
    let (s, _) = run(&scenario("", false, Some(0.0)), 50, 1, 2, &|_| {});
    assert_eq!(s.mines_laid, 0);
    assert_eq!(s.civilian_total.p95, 0.0);
    assert_eq!(s.land_denied_km2_years.p95, 0.0);
}

#[test]
fn scenario_errors_name_the_file_line_and_key() {
    let p = Parameters::embedded();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/scenarios/unfenced-100km.toml"
    ))
    .expect("the example");
    assert!(Scenario::parse("ok.toml", &good, p).is_ok());
    let unknown = good.replace("fenced = false", "fenced = false\ncolour = \"red\"");
    let e = Scenario::parse("s.toml", &unknown, p).expect_err("unknown key");
    assert_eq!((e.file.as_str(), e.key.as_str()), ("s.toml", "colour"));
    assert!(e.line > 1, "{e}");
    let range = good.replace("frontage_km = 100.0", "frontage_km = -3.0");
    let e = Scenario::parse("s.toml", &range, p).expect_err("out of range");
    assert_eq!(e.key, "field.frontage_km");
    assert_eq!(
        e.line,
        good.lines()
            .position(|l| l.starts_with("frontage_km"))
            .expect("a line")
            + 1
    );
    let sourceless = format!("{good}\n[parameters]\np_kill = {{ value = 0.4 }}\n");
    let e = Scenario::parse("s.toml", &sourceless, p).expect_err("no source");
    assert_eq!(e.key, "parameters.p_kill");
    assert!(e.message.contains("source"), "{e}");
    let nonsense = format!("{good}\n[parameters]\nluck = {{ value = 1.0, source = \"x\" }}\n");
    let e = Scenario::parse("s.toml", &nonsense, p).expect_err("no such parameter");
    assert_eq!(e.key, "parameters.luck");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// More mines never lower expected casualties, all else equal (the same
    /// seeds, a denser field).
    #[test]
    fn more_mines_never_lower_expected_casualties(density in 0.2f64..3.0, extra in 0.5f64..3.0, seed in 0u64..1000) {
        let (low, _) = run(&scenario("", false, Some(density)), 300, seed, 2, &|_| {});
        let (high, _) = run(&scenario("", false, Some(density + extra)), 300, seed, 2, &|_| {});
        // Allow for Monte Carlo noise of a few percent.
        prop_assert!(total(&high) >= total(&low) * 0.97, "{} then {}", total(&low), total(&high));
    }

    /// Clearance never creates mines: the mines left never grow year on year;
    /// and nothing is negative.
    #[test]
    fn clearance_never_creates_mines(density in 0.0f64..4.0, fenced in any::<bool>(), seed in 0u64..1000) {
        let (_, reps) = run(&scenario("", fenced, Some(density)), 20, seed, 2, &|_| {});
        for r in &reps {
            prop_assert!(r.mines_left.windows(2).all(|w| w[1] <= w[0]));
            prop_assert!(r.mines_left.first().copied().unwrap_or(0) <= r.mines_laid);
            prop_assert!(r.cleared_m2 >= 0.0 && r.denied_km2.iter().all(|d| *d >= 0.0));
        }
    }
}

/// The two sanity bounds of impact_model.md §7.6, as statistics over 2,000
/// replicates on a fixed seed: a fenced, maintained field gives near-zero
/// incidental civilian casualties (Falklands), an unfenced one tens a year
/// for decades (Zimbabwe). The defaults are derived from these very cases,
/// so this checks the model gives its inputs back; the hold-outs come with
/// calibration.
#[test]
fn falklands_near_zero_and_zimbabwe_tens_a_year() {
    let (falklands, _) = run(&example("falklands-like.toml"), 2_000, 2026, 2, &|_| {});
    let per_year = falklands.civilian_total.mean / 38.0;
    assert!(per_year < 0.2, "Falklands-like: {per_year} a year");
    assert!(
        falklands.civilian_total.median <= 5.0,
        "{:?}",
        falklands.civilian_total
    );
    let (zimbabwe, _) = run(&example("zimbabwe-like.toml"), 2_000, 2026, 2, &|_| {});
    for y in zimbabwe.years.iter().filter(|y| y.year <= 30) {
        let mean = y.incidental.mean;
        assert!(
            (10.0..100.0).contains(&mean),
            "Zimbabwe-like year {}: {mean}",
            y.year
        );
    }
}
