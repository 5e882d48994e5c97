//! Obligations (Arts. 3, 4, 5, 7) on real cases of the project's data, and
//! their invariants over every state and random dates.

use jiff::civil::{Date, date};
use minewatch_core::{Iso3, Obligation, ObligationState, Obligations};
use minewatch_registry::{Loaded, load_embedded};
use proptest::prelude::*;
use std::sync::OnceLock;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_embedded().expect("the project's data loads"))
}

fn code(s: &str) -> Iso3 {
    Iso3::parse(s).expect("a code")
}

fn of(state: &str, on: Date) -> Vec<Obligation> {
    let l = loaded();
    Obligations::new(&l.registry, &l.context).of(code(state), on)
}

fn find<'a>(list: &'a [Obligation], kind: &str) -> &'a Obligation {
    list.iter()
        .find(|o| o.kind == kind)
        .expect("the obligation")
}

const TODAY: Date = date(2026, 11, 28);

#[test]
fn greece_missed_its_stockpile_deadline_with_mines_remaining() {
    let list = of("GRC", TODAY);
    let art4 = find(&list, "stockpile_destruction");
    assert_eq!(art4.deadline, Some(date(2008, 3, 1)));
    assert_eq!(art4.state, ObligationState::Missed);
    assert!(art4.detail.contains("325,413"), "{}", art4.detail);
    assert!(!art4.sources.is_empty());
    // The remaining figure is cited in the explanation with its own source.
    let step = art4
        .explanation
        .iter()
        .find(|s| s.text.contains("325,413"))
        .expect("the remaining figure");
    assert!(!step.sources.is_empty());
    // Before the deadline it was due.
    assert_eq!(
        find(&of("GRC", date(2006, 1, 1)), "stockpile_destruction").state,
        ObligationState::Due
    );
}

#[test]
fn ukraine_missed_its_stockpile_deadline() {
    let art4 = find(&of("UKR", TODAY), "stockpile_destruction").clone();
    assert_eq!(art4.deadline, Some(date(2010, 6, 1)));
    assert_eq!(art4.state, ObligationState::Missed);
}

#[test]
fn afghanistan_clearance_deadline_moved_by_each_grant() {
    let on = |d| find(&of("AFG", d), "mine_clearance").clone();
    // Before the first fact of its mined areas is on record (the 2012
    // grant, known by its year), the record cannot tell.
    let before = on(date(2012, 6, 1));
    assert_eq!(
        (before.deadline, before.state),
        (None, ObligationState::Unknown)
    );
    let after_first = on(date(2013, 6, 1));
    assert_eq!(after_first.deadline, Some(date(2023, 3, 1)));
    assert_eq!(after_first.state, ObligationState::Extended);
    let today = on(TODAY);
    assert_eq!(today.deadline, Some(date(2030, 3, 1)));
    assert_eq!(today.state, ObligationState::Extended);
    let grants: Vec<&str> = today
        .explanation
        .iter()
        .filter(|s| {
            s.text.contains("grants an extension") || s.text.contains("grants an interim extension")
        })
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(grants.len(), 3, "{grants:?}");
    assert!(grants[0].contains("Twelfth Meeting") && grants[0].contains("to 2023-03-01"));
    assert!(grants[1].contains("Twentieth Meeting") && grants[1].contains("to 2025-03-01"));
    assert!(grants[2].contains("Fifth Review Conference") && grants[2].contains("to 2030-03-01"));
}

#[test]
fn every_bound_state_owes_an_annual_report_on_2027_04_30() {
    let l = loaded();
    let computer = Obligations::new(&l.registry, &l.context);
    let mut bound = 0;
    for (state, status) in l.registry.statuses_on(TODAY) {
        if !status.is_bound() {
            continue;
        }
        bound += 1;
        let list = computer.of(state.iso3, TODAY);
        let annual = find(&list, "annual_report");
        assert_eq!(annual.deadline, Some(date(2027, 4, 30)), "{}", state.iso3);
        assert_eq!(annual.state, ObligationState::Due, "{}", state.iso3);
    }
    assert_eq!(bound, 161);
}

#[test]
fn lithuania_has_no_open_obligations_after_its_withdrawal() {
    let list = of("LTU", TODAY);
    assert!(!list.is_empty());
    for o in &list {
        assert_eq!(o.state, ObligationState::Ended, "{}", o.kind);
        assert!(o.detail.contains("ended on 2025-12-27"), "{}", o.detail);
        let last = o.explanation.last().expect("steps");
        assert_eq!(last.article, "Art. 20(3)");
        assert!(last.text.contains("Art. 20(4)"));
    }
    // The day before, it still owed them.
    let before = of("LTU", date(2025, 12, 26));
    assert!(before.iter().all(|o| o.state != ObligationState::Ended));
}

#[test]
fn states_not_bound_owe_nothing_and_future_parties_not_yet() {
    assert!(of("USA", TODAY).is_empty());
    // Tonga deposited on 2025-06-25; in force 2025-12-01.
    let tonga = of("TON", date(2025, 8, 1));
    assert!(!tonga.is_empty());
    assert!(tonga.iter().all(|o| o.state == ObligationState::NotYetDue));
    assert_eq!(
        find(&tonga, "initial_report").deadline,
        Some(date(2026, 5, 30))
    );
}

#[test]
fn a_late_completion_is_met_and_says_it_was_late() {
    let art4 = find(&of("BLR", TODAY), "stockpile_destruction").clone();
    assert_eq!(art4.state, ObligationState::Met);
    assert!(
        art4.detail.contains("after the 2008-03-01 deadline"),
        "{}",
        art4.detail
    );
}

#[test]
fn no_data_is_unknown_never_met_nor_missed() {
    // France before any fact of its stockpile was on record (its 1999
    // country report came later that year): unknown, not met, not missed.
    let list = of("FRA", date(1999, 3, 2));
    assert_eq!(
        find(&list, "stockpile_destruction").state,
        ObligationState::Unknown
    );
    // Guinea-Bissau: no figure of mines retained on record.
    let list = of("GNB", TODAY);
    assert_eq!(
        find(&list, "retained_mines").state,
        ObligationState::Unknown
    );
    // Tuvalu: a source says its stockpile status is not known.
    let tuvalu = find(&of("TUV", TODAY), "stockpile_destruction").clone();
    assert_eq!(tuvalu.state, ObligationState::Unknown);
    assert!(tuvalu.detail.contains("not known"), "{}", tuvalu.detail);
}

#[test]
fn guinea_bissau_and_nigeria_reopened_by_newly_found_areas() {
    // Guinea-Bissau declared completion in 2012; areas found in 2021 reopen it.
    let gnb = |d| find(&of("GNB", d), "mine_clearance").clone();
    assert_eq!(gnb(date(2015, 1, 1)).state, ObligationState::Met);
    let reopened = gnb(TODAY);
    assert_ne!(reopened.state, ObligationState::Met);
    assert!(reopened.detail.contains("reopened"), "{}", reopened.detail);
    // Nigeria declared completion in 2011; improvised mines reported in 2019.
    let nga = |d| find(&of("NGA", d), "mine_clearance").clone();
    assert_eq!(nga(date(2015, 1, 1)).state, ObligationState::Met);
    assert_ne!(nga(TODAY).state, ObligationState::Met);
    assert!(
        nga(TODAY)
            .explanation
            .iter()
            .any(|s| s.text.contains("newly found"))
    );
}

#[test]
fn lithuania_destroyed_its_stockpile_in_2004() {
    let ltu = find(&of("LTU", date(2025, 1, 17)), "stockpile_destruction").clone();
    assert_eq!(ltu.state, ObligationState::Met);
    assert!(
        ltu.detail.contains("2004-06-07") && ltu.detail.contains("4,104"),
        "{}",
        ltu.detail
    );
}

fn any_day() -> impl Strategy<Value = Date> {
    (0i32..11_000).prop_map(|n| date(1998, 1, 1) + jiff::Span::new().days(i64::from(n)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No deadline precedes entry into force; no obligation is open for a
    /// state that is not bound; a withdrawn state's obligations have ended.
    #[test]
    fn obligation_invariants_hold_for_every_state(on in any_day()) {
        let l = loaded();
        let computer = Obligations::new(&l.registry, &l.context);
        for (state, status) in l.registry.statuses_on(on) {
            let list = computer.of(state.iso3, on);
            let eif = l.registry.status_changes(state.iso3).iter()
                .find(|(_, s)| *s == minewatch_core::Status::Party).map(|(d, _)| *d);
            for o in &list {
                if let (Some(deadline), Some(eif)) = (o.deadline, eif) {
                    prop_assert!(deadline >= eif, "{} {} {}", state.iso3, o.kind, deadline);
                }
                if !status.is_bound() {
                    prop_assert!(!o.state.is_open(), "{} {} open while {}", state.iso3, o.kind, status);
                }
                if status == minewatch_core::Status::Withdrawn {
                    prop_assert_eq!(o.state, ObligationState::Ended);
                }
            }
        }
    }

    /// An extension never moves a clearance deadline earlier: as time passes
    /// the deadline in force only moves later.
    #[test]
    fn clearance_deadlines_only_move_later(a in any_day(), b in any_day()) {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        let l = loaded();
        let computer = Obligations::new(&l.registry, &l.context);
        for state in l.registry.current_states() {
            if !l.context.obligations().clearance.iter().any(|e| e.state == state.iso3) {
                continue;
            }
            let d1 = computer.of(state.iso3, early).into_iter().find(|o| o.kind == "mine_clearance").and_then(|o| o.deadline);
            let d2 = computer.of(state.iso3, late).into_iter().find(|o| o.kind == "mine_clearance").and_then(|o| o.deadline);
            if let (Some(d1), Some(d2)) = (d1, d2) {
                prop_assert!(d2 >= d1, "{}: {} then {}", state.iso3, d1, d2);
            }
        }
    }
}
