//! Invariants of the participation rules, over random but lawful records.
//!
//! Each generated record has 45 states with random signatures, consents,
//! withdrawals and armed conflicts, built so that the registry accepts it (a
//! withdrawal only by a State Party). The properties are the ones a reader
//! of the Convention would state.

use jiff::Span;
use jiff::civil::{Date, date};
use minewatch_core::articles::art17_entry_into_force::{EntryIntoForce, entry_into_force};
use minewatch_core::legal_date::six_months_after;
use minewatch_core::{
    ActionKind, ArmedConflict, Iso3, Registry, SourceId, State, StateCategory, Status, TreatyAction,
};
use proptest::prelude::*;

const OPEN: Date = date(1997, 12, 3);

fn day(offset: i64) -> Date {
    OPEN.checked_add(Span::new().days(offset))
        .expect("in range")
}

fn code(i: usize) -> Iso3 {
    let letters = [b'A' + (i / 26) as u8, b'A' + (i % 26) as u8, b'Q'];
    Iso3::parse(std::str::from_utf8(&letters).expect("ascii")).expect("a code")
}

/// One state's plan: days after opening for signature, consent and notice.
#[derive(Clone, Debug)]
struct Plan {
    signature: Option<i64>,
    consent: Option<i64>,
    withdrawal_after_entry: Option<i64>,
    conflict: Option<(i64, Option<i64>)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        proptest::option::of(0i64..450),
        proptest::option::weighted(0.9, 0i64..12000),
        proptest::option::weighted(0.3, 0i64..6000),
        proptest::option::weighted(0.3, (0i64..14000, proptest::option::of(1i64..4000))),
    )
        .prop_map(
            |(signature, consent, withdrawal_after_entry, conflict)| Plan {
                signature,
                consent,
                withdrawal_after_entry,
                conflict,
            },
        )
}

fn build(plans: &[Plan]) -> (Vec<State>, Vec<TreatyAction>, Vec<ArmedConflict>) {
    let source = vec![SourceId::new("test")];
    let states: Vec<State> = (0..plans.len())
        .map(|i| State {
            iso3: code(i),
            name: format!("State {i}"),
            category: StateCategory::UnMember,
            aliases: vec![],
            predecessor: None,
            sources: source.clone(),
        })
        .collect();
    let act = |i: usize, kind, date| TreatyAction {
        state: code(i),
        kind,
        date,
        bound_from: None,
        sources: source.clone(),
        note: String::new(),
    };
    let mut actions = Vec::new();
    let mut consents = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let signed = p.signature.map(day).filter(|s| *s < date(1999, 3, 1));
        if let Some(s) = signed {
            actions.push(act(i, ActionKind::Signature, s));
        }
        if let Some(c) = p.consent {
            let deposit = day(c).max(signed.unwrap_or(OPEN));
            let kind = if signed.is_some() {
                ActionKind::Ratification
            } else {
                ActionKind::Accession
            };
            actions.push(act(i, kind, deposit));
            consents.push((deposit, i));
        }
    }
    consents.sort();
    let fortieth = consents.get(39).map(|c| c.0);
    for (i, p) in plans.iter().enumerate() {
        let deposit = consents.iter().find(|c| c.1 == i).map(|c| c.0);
        if let (Some(deposit), Some(after)) = (deposit, p.withdrawal_after_entry) {
            if let EntryIntoForce::On { date: in_force, .. } = entry_into_force(deposit, fortieth) {
                let notice = in_force
                    .checked_add(Span::new().days(after))
                    .expect("in range");
                actions.push(act(i, ActionKind::Withdrawal, notice));
            }
        }
    }
    let conflicts = plans
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.conflict.map(|(start, length)| ArmedConflict {
                id: format!("c{i}"),
                states: vec![code(i)],
                name: format!("conflict {i}"),
                start: day(start),
                end: length.map(|l| day(start + l)),
                sources: source.clone(),
            })
        })
        .collect();
    (states, actions, conflicts)
}

fn registry(plans: &[Plan]) -> Registry {
    let (states, actions, conflicts) = build(plans);
    match Registry::new(states, actions, conflicts, vec![]) {
        Ok(r) => r,
        Err(v) => panic!("a lawful record was refused: {v:?}"),
    }
}

fn plans() -> impl Strategy<Value = Vec<Plan>> {
    proptest::collection::vec(plan(), 45)
}

fn any_day() -> impl Strategy<Value = Date> {
    (-100i64..16000).prop_map(day)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Nothing binds a state before it consents: a bound state has a consent
    /// deposited on or before the date, and a consented one too.
    #[test]
    fn nothing_before_consent(plans in plans(), on in any_day()) {
        let r = registry(&plans);
        for (i, _) in plans.iter().enumerate() {
            let status = r.status_on(code(i), on).expect("known");
            if status >= Status::Consented {
                let consented = r.actions_of(code(i)).any(|a| a.kind.is_consent() && a.date <= on);
                prop_assert!(consented, "{status} on {on} without consent");
            }
        }
    }

    /// Entry into force is always the first day of a month, never before
    /// 1999-03-01 (no succession is generated here).
    #[test]
    fn entry_into_force_is_a_first_of_month(plans in plans(), on in any_day()) {
        let r = registry(&plans);
        for (i, _) in plans.iter().enumerate() {
            let a = r.assess(code(i), on).expect("known");
            if let Some(eif) = a.entry_into_force {
                prop_assert_eq!(eif.day(), 1);
                prop_assert!(eif >= date(1999, 3, 1));
            }
            for (d, s) in r.status_changes(code(i)) {
                if *s == Status::Party {
                    prop_assert_eq!(d.day(), 1);
                }
            }
        }
    }

    /// A withdrawal never takes effect before six months after receipt.
    #[test]
    fn withdrawal_never_before_six_months(plans in plans(), on in any_day()) {
        let r = registry(&plans);
        for (i, _) in plans.iter().enumerate() {
            if r.status_on(code(i), on) == Some(Status::Withdrawn) {
                let notice = r.actions_of(code(i)).find(|a| a.kind == ActionKind::Withdrawal).expect("a notice");
                prop_assert!(six_months_after(notice.date).expect("in range") <= on);
            }
        }
    }

    /// The answer for a date depends only on facts that count from that date
    /// or earlier: a registry cut at the date gives the same answer.
    #[test]
    fn answers_depend_only_on_the_past(plans in plans(), on in any_day()) {
        let full = registry(&plans);
        let (states, actions, conflicts) = build(&plans);
        let actions: Vec<TreatyAction> = actions.into_iter().filter(|a| a.effective_date() <= on).collect();
        let conflicts: Vec<ArmedConflict> = conflicts
            .into_iter()
            .filter(|c| c.start <= on)
            .map(|c| ArmedConflict { end: c.end.filter(|e| *e <= on), ..c })
            .collect();
        let cut = Registry::new(states, actions, conflicts, vec![]).expect("a cut record is lawful");
        for (i, _) in plans.iter().enumerate() {
            let a = full.assess(code(i), on).expect("known");
            let b = cut.assess(code(i), on).expect("known");
            prop_assert_eq!(a.status, b.status);
            prop_assert_eq!(a.entry_into_force, b.entry_into_force);
            prop_assert_eq!(a.withdrawal, b.withdrawal);
            prop_assert_eq!(full.status_on(code(i), on), cut.status_on(code(i), on));
        }
    }

    /// The fast look-up and the explained answer always agree, and the last
    /// step that changes the status names the status returned.
    #[test]
    fn fast_and_explained_agree(plans in plans(), on in any_day()) {
        let r = registry(&plans);
        for (i, _) in plans.iter().enumerate() {
            let a = r.assess(code(i), on).expect("known");
            prop_assert_eq!(r.status_on(code(i), on), Some(a.status));
            let last = a.steps.iter().rev().find_map(|s| s.status).unwrap_or(Status::NonSignatory);
            prop_assert_eq!(last, a.status);
            prop_assert!(a.steps.iter().all(|s| s.date <= on));
        }
    }

    /// The status never goes backwards in a state's life, except that a
    /// withdrawn state could join again (not generated here).
    #[test]
    fn status_only_moves_forward(plans in plans()) {
        let r = registry(&plans);
        for (i, _) in plans.iter().enumerate() {
            let changes = r.status_changes(code(i));
            prop_assert!(changes.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{changes:?}");
        }
    }
}

#[test]
fn a_withdrawal_before_consent_is_refused_with_its_article() {
    let mut plans = vec![
        Plan {
            signature: None,
            consent: Some(10),
            withdrawal_after_entry: None,
            conflict: None
        };
        40
    ];
    plans.push(Plan {
        signature: None,
        consent: None,
        withdrawal_after_entry: None,
        conflict: None,
    });
    let (states, mut actions, conflicts) = build(&plans);
    actions.push(TreatyAction {
        state: code(40),
        kind: ActionKind::Withdrawal,
        date: date(2020, 1, 1),
        bound_from: None,
        sources: vec![SourceId::new("test")],
        note: String::new(),
    });
    let violations = Registry::new(states, actions, conflicts, vec![]).expect_err("refused");
    assert_eq!(violations.len(), 1);
    assert_eq!(
        violations[0].article.map(|a| a.to_string()).as_deref(),
        Some("Art. 20(2)")
    );
    assert!(
        violations[0]
            .message
            .contains("only a State Party may withdraw"),
        "{}",
        violations[0].message
    );
}

mod clearance_extensions {
    use jiff::civil::{Date, date};
    use minewatch_core::articles::art5_clearance::extensions::{Grant, deadline_on};
    use minewatch_core::articles::{art4_stockpile_destruction, art5_clearance, art7_transparency};
    use proptest::prelude::*;

    fn day() -> impl Strategy<Value = Date> {
        (0i32..20_000).prop_map(|n| date(1999, 3, 1) + jiff::Span::new().days(i64::from(n)))
    }

    proptest! {
        /// Whatever grants are recorded, in whatever order, the deadline in
        /// force never moves earlier as time passes, never precedes the base
        /// deadline, and is always one of the dates on record.
        #[test]
        fn extensions_only_move_deadlines_later(
            eif in day(),
            grants in prop::collection::vec((day(), day()), 0..6),
            a in day(),
            b in day(),
        ) {
            let base = art5_clearance::base_deadline(eif).expect("in range");
            let grants: Vec<Grant> = grants.into_iter().map(|(granted, deadline)| Grant { granted, deadline }).collect();
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            let (d1, _) = deadline_on(base, &grants, early);
            let (d2, history) = deadline_on(base, &grants, late);
            prop_assert!(d1 <= d2);
            prop_assert!(d2 >= base);
            prop_assert!(d2 == base || grants.iter().any(|g| g.deadline == d2));
            prop_assert!(history.iter().all(|(g, _)| g.granted <= late));
        }

        /// No deadline precedes entry into force.
        #[test]
        fn deadlines_follow_entry_into_force(eif in day(), covering in 1999i16..2060) {
            prop_assert!(art4_stockpile_destruction::deadline(eif).expect("in range") > eif);
            prop_assert!(art5_clearance::base_deadline(eif).expect("in range") > eif);
            prop_assert!(art7_transparency::initial_report_due(eif).expect("in range") > eif);
            let due = art7_transparency::annual_update_due(covering).expect("in range");
            prop_assert!(i32::from(due.year()) == i32::from(covering) + 1);
        }
    }
}
