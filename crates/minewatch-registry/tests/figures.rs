//! The treaty-status figures on real dates of the project's data, and their
//! invariants on random dates.

use jiff::civil::{Date, date};
use minewatch_core::figures::{Bound, Figure, FigureName, Figures};
use minewatch_core::{Iso3, Status};
use minewatch_registry::{Loaded, load_embedded};
use proptest::prelude::*;
use std::sync::OnceLock;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_embedded().expect("the project's data loads"))
}

fn all(on: Date) -> Vec<Figure> {
    let l = loaded();
    Figures::new(&l.registry, &l.context).on(on)
}

fn get(figures: &[Figure], name: FigureName) -> &Figure {
    figures
        .iter()
        .find(|f| f.name == name)
        .expect("every figure is given")
}

fn value(figures: &[Figure], name: FigureName) -> u64 {
    get(figures, name).value.expect("a value")
}

fn states(figures: &[Figure], name: FigureName) -> Vec<String> {
    get(figures, name)
        .states
        .as_ref()
        .expect("a list of states")
        .iter()
        .map(|s| s.as_str().to_string())
        .collect()
}

fn has(list: &[String], code: &str) -> bool {
    list.iter().any(|s| s == code)
}

#[test]
fn every_figure_once_in_contract_order() {
    let figures = all(date(2026, 12, 1));
    let names: Vec<FigureName> = figures.iter().map(|f| f.name).collect();
    assert_eq!(names, FigureName::ALL);
    for name in [
        "states_parties",
        "signatories",
        "non_signatories",
        "withdrawn",
        "stockpile_destruction_completed",
        "stockpile_never_held",
        "stockpile_still_held",
        "stockpiled_mines_destroyed",
        "stockpiled_mines_remaining",
        "retaining_states",
        "retained_mines",
        "retaining_none",
        "clearance_ongoing",
        "clearance_completed",
        "clearance_deadlines_next_12_months",
        "initial_report_overdue",
        "annual_report_submitted",
        "annual_report_due",
        "casualties_latest_year",
    ] {
        assert!(FigureName::parse(name).is_some(), "{name} is a figure");
    }
}

#[test]
fn the_parties_on_the_letters_day_and_today() {
    // 17 January 2025: 164 States Parties, the Marshall Islands a signatory.
    let letter = all(date(2025, 1, 17));
    assert_eq!(value(&letter, FigureName::StatesParties), 164);
    assert_eq!(states(&letter, FigureName::Signatories), vec!["MHL"]);
    assert_eq!(value(&letter, FigureName::Withdrawn), 0);
    // 1 December 2026: the five withdrawals have taken effect; the Marshall
    // Islands and Tonga have joined.
    let today = all(date(2026, 12, 1));
    assert_eq!(value(&today, FigureName::StatesParties), 161);
    assert_eq!(
        states(&today, FigureName::Withdrawn),
        vec!["EST", "FIN", "LTU", "LVA", "POL"]
    );
    assert_eq!(value(&today, FigureName::Signatories), 0);
}

#[test]
fn greece_and_ukraine_still_hold_stockpiles() {
    // Landmine Monitor 2021: two States Parties, Greece and Ukraine, still
    // held stockpiles, about 3.6 million mines between them.
    let figures = all(date(2021, 10, 1));
    assert_eq!(
        states(&figures, FigureName::StockpileStillHeld),
        vec!["GRC", "UKR"]
    );
    let remaining = get(&figures, FigureName::StockpiledMinesRemaining);
    assert_eq!(remaining.bound, Bound::Exact);
    let mines = remaining.value.expect("a sum");
    assert!((3_500_000..3_800_000).contains(&mines), "{mines}");
    // Lithuania completed destruction in 2004 and counts among them.
    assert!(has(
        &states(&figures, FigureName::StockpileDestructionCompleted),
        "LTU"
    ));
}

#[test]
fn reopened_clearance_is_ongoing_not_completed() {
    let figures = all(date(2026, 12, 1));
    let ongoing = states(&figures, FigureName::ClearanceOngoing);
    let completed = states(&figures, FigureName::ClearanceCompleted);
    for reopened in ["GNB", "NGA", "MRT"] {
        assert!(has(&ongoing, reopened), "{reopened} is ongoing");
        assert!(!has(&completed, reopened), "{reopened} is not completed");
    }
    // Guinea-Bissau counted as completed in 2015, before the new areas.
    assert!(has(
        &states(&all(date(2015, 1, 1)), FigureName::ClearanceCompleted),
        "GNB"
    ));
}

#[test]
fn a_figure_the_record_cannot_compute_says_why() {
    // No per-state record of the updates covering 2025, and no count.
    let figures = all(date(2026, 12, 1));
    let submitted = get(&figures, FigureName::AnnualReportSubmitted);
    assert_eq!(submitted.value, None);
    assert!(
        submitted
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("2025"))
    );
    assert_eq!(submitted.year, Some(2025));
    // Casualties before any published year.
    let early = all(date(2000, 1, 1));
    let casualties = get(&early, FigureName::CasualtiesLatestYear);
    assert_eq!(casualties.value, None);
    assert!(casualties.reason.is_some());
    // The 2024 casualties count from the launch of Landmine Monitor 2025
    // (2025-12-01), which reported them; the day before, the latest is 2023.
    assert_eq!(
        get(&all(date(2025, 11, 30)), FigureName::CasualtiesLatestYear).year,
        Some(2023)
    );
    assert_eq!(
        get(&all(date(2025, 12, 1)), FigureName::CasualtiesLatestYear).year,
        Some(2024)
    );
}

#[test]
fn a_stated_figure_is_compared_by_its_qualifier() {
    use minewatch_core::figures::{Agreement, compare};
    use minewatch_core::{FactDate, Qualifier, StatedFigure};
    let on = date(2021, 10, 1);
    let figures = all(on);
    let stated = |figure: &str, value: u64, qualifier| StatedFigure {
        report: "LM2021".into(),
        figure: figure.into(),
        value,
        qualifier,
        as_of: FactDate::day(on),
        sources: vec![],
        note: String::new(),
        difference: String::new(),
    };
    let parties = get(&figures, FigureName::StatesParties);
    assert_eq!(
        compare(&stated("states_parties", 164, Qualifier::Exact), parties),
        Agreement::Agrees
    );
    assert_eq!(
        compare(&stated("states_parties", 165, Qualifier::Exact), parties),
        Agreement::Differs
    );
    assert_eq!(
        compare(&stated("states_parties", 160, Qualifier::MoreThan), parties),
        Agreement::Agrees
    );
    assert_eq!(
        compare(&stated("states_parties", 170, Qualifier::About), parties),
        Agreement::Agrees
    );
    assert_eq!(
        compare(&stated("states_parties", 180, Qualifier::About), parties),
        Agreement::Differs
    );
    // A lower bound below "more than 55 million" does not contradict it.
    let destroyed = get(&figures, FigureName::StockpiledMinesDestroyed);
    assert_eq!(destroyed.bound, Bound::AtLeast);
    assert_eq!(
        compare(
            &stated(
                "stockpiled_mines_destroyed",
                55_000_000,
                Qualifier::MoreThan
            ),
            destroyed
        ),
        Agreement::NotContradicted
    );
}

fn any_day() -> impl Strategy<Value = Date> {
    (0i32..11_000).prop_map(|n| date(1997, 12, 1) + jiff::Span::new().days(i64::from(n)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The figures partition what they count: every State Party is in exactly
    /// one stockpile, retention and clearance class, and every current state
    /// in exactly one participation class.
    #[test]
    fn figures_are_consistent(on in any_day()) {
        let l = loaded();
        let f = all(on);
        let parties = value(&f, FigureName::StatesParties);
        let sum = |names: &[FigureName]| names.iter().map(|n| value(&f, *n)).sum::<u64>();
        prop_assert_eq!(sum(&[
            FigureName::StockpileDestructionCompleted,
            FigureName::StockpileNeverHeld,
            FigureName::StockpileStillHeld,
            FigureName::StockpileUnknown,
        ]), parties);
        prop_assert_eq!(sum(&[
            FigureName::RetainingStates,
            FigureName::RetainingNone,
            FigureName::RetentionUnknown,
        ]), parties);
        prop_assert_eq!(sum(&[
            FigureName::ClearanceOngoing,
            FigureName::ClearanceCompleted,
            FigureName::ClearanceNoMinedAreas,
            FigureName::ClearanceUnknown,
        ]), parties);
        let current = l.registry.current_states().count() as u64;
        prop_assert_eq!(sum(&[
            FigureName::StatesParties,
            FigureName::Signatories,
            FigureName::ConsentedNotInForce,
            FigureName::Withdrawn,
            FigureName::NonSignatories,
        ]), current);
        prop_assert_eq!(value(&f, FigureName::StatesNotParty), current - parties);
        // A count is the length of its list; every party figure lists bound
        // states only; lists are in code order without repeats.
        for figure in &f {
            if let (Some(states), Some(v)) = (&figure.states, figure.value) {
                let sorted: Vec<Iso3> = {
                    let mut s = states.clone();
                    s.sort();
                    s.dedup();
                    s
                };
                prop_assert_eq!(&sorted, states);
                let counts_states = !matches!(
                    figure.name,
                    FigureName::StockpiledMinesDestroyed
                        | FigureName::StockpiledMinesRemaining
                        | FigureName::RetainedMines
                );
                if figure.name == FigureName::AnnualReportSubmitted {
                    // A source's count may exceed the states the record names.
                    prop_assert!(v >= states.len() as u64);
                } else if counts_states {
                    prop_assert_eq!(v, states.len() as u64, "{}", figure.name);
                }
            }
            prop_assert!(figure.value.is_some() || figure.reason.is_some(), "{} has neither", figure.name);
            prop_assert_eq!(figure.on, on);
        }
        for name in [FigureName::StockpileStillHeld, FigureName::ClearanceOngoing, FigureName::RetainingStates] {
            for s in get(&f, name).states.as_ref().into_iter().flatten() {
                prop_assert!(l.registry.status_on(*s, on).is_some_and(Status::is_bound));
            }
        }
        // Only the past counts: the record cut at the date gives the same figures.
        let cut = l.context.cut(on);
        prop_assert_eq!(&Figures::new(&l.registry, &cut).on(on), &f);
        // The deadlines of the next twelve months are of ongoing clearance.
        let ongoing = states(&f, FigureName::ClearanceOngoing);
        for s in states(&f, FigureName::ClearanceDeadlinesNext12Months) {
            prop_assert!(has(&ongoing, &s));
        }
    }
}
