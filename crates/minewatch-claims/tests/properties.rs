//! Invariants of the claim language, over claims generated from its grammar
//! and checked against the project's data on random dates:
//!
//! - a universal claim holds exactly when it has no counter-example and no
//!   state left undecided, and does not hold exactly when it has a
//!   counter-example;
//! - a verdict depends only on facts dated on or before its date: the record
//!   cut at that date gives the same verdict;
//! - reading never panics, whatever the text.

use std::sync::OnceLock;

use jiff::civil::{Date, date};
use minewatch_claims::{Checker, Outcome, Verdict};
use minewatch_core::{ArmedConflict, Context, Registry, TreatyAction};
use minewatch_registry::{Loaded, load_embedded};
use proptest::prelude::*;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_embedded().expect("the project's data loads"))
}

fn codes() -> Vec<String> {
    loaded()
        .registry
        .current_states()
        .map(|s| s.iso3.to_string())
        .collect()
}

/// The record as it stood on `on`: only the facts that count from that day
/// or earlier.
fn cut(on: Date) -> (Registry, Context) {
    let r = &loaded().registry;
    let actions: Vec<TreatyAction> = r
        .actions()
        .iter()
        .filter(|a| a.effective_date() <= on)
        .cloned()
        .collect();
    let conflicts: Vec<ArmedConflict> = r
        .conflicts()
        .iter()
        .filter(|c| c.start <= on)
        .map(|c| ArmedConflict {
            end: c.end.filter(|e| *e <= on),
            ..c.clone()
        })
        .collect();
    let registry = Registry::new(r.states().to_vec(), actions, conflicts, vec![])
        .expect("a cut record is lawful");
    (registry, loaded().context.cut(on))
}

fn any_day() -> impl Strategy<Value = Date> {
    (0i32..11_300).prop_map(|n| date(1997, 1, 1) + jiff::Span::new().days(i64::from(n)))
}

fn state() -> impl Strategy<Value = String> {
    let all = codes();
    (0..all.len()).prop_map(move |i| all[i].clone())
}

fn state_list() -> impl Strategy<Value = String> {
    prop::collection::vec(state(), 1..6).prop_map(|v| v.join(", "))
}

fn selection() -> impl Strategy<Value = String> {
    let set = prop_oneof![
        Just("NATO members".to_string()),
        Just("EU members".to_string()),
        Just("members of the EU".to_string()),
        Just("parties".to_string()),
        Just("states".to_string()),
        Just("signatories".to_string()),
        state_list().prop_map(|l| format!("of {l}")),
    ];
    (set, prop::option::of(state_list())).prop_map(|(set, except)| match except {
        Some(except) if !set.starts_with("of ") => format!("{set} except {except}"),
        _ => set,
    })
}

fn predicate() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("parties".to_string()),
        Just("signatories".to_string()),
        Just("withdrawn".to_string()),
        Just("withdrawing".to_string()),
        Just("members of NATO".to_string()),
        Just("members of the EU".to_string()),
        Just("prohibited from using AP mines".to_string()),
        Just("in status consented".to_string()),
        Just("in status non_signatory".to_string()),
    ]
}

fn universal() -> impl Strategy<Value = String> {
    (selection(), predicate(), 0..3).prop_map(|(set, predicate, form)| match form {
        0 => format!("all {set} are {predicate}"),
        1 => format!("all {set} are not {predicate}"),
        _ => match set.strip_prefix("of ") {
            Some(list) => format!("none of {list} is {predicate}"),
            None => format!("no {set} is {predicate}"),
        },
    })
}

fn any_claim() -> impl Strategy<Value = String> {
    prop_oneof![
        universal(),
        (state(), predicate()).prop_map(|(s, p)| format!("{s} is {p}")),
        (selection(), 0u32..200).prop_map(|(s, n)| {
            let s = if s.starts_with("of ") {
                "parties".to_string()
            } else {
                s
            };
            format!("the number of {s} is at least {n}")
        }),
        (state(), 1997i16..2027).prop_map(|(s, y)| format!("{s} became a party in {y}")),
        (state(), 1997i16..2027).prop_map(|(s, y)| format!("{s} signed before {y}")),
        (state(), 1997i16..2027).prop_map(|(s, y)| format!("{s} withdrew by {y}")),
        state().prop_map(|s| format!("{s} uses AP mines")),
        (state(), 1990i16..2027).prop_map(|(s, y)| format!("{s} has not used AP mines since {y}")),
        (state(), 2020i16..2027).prop_map(|(s, y)| format!("{s} used AP mines in {y}")),
        state_list().prop_map(|l| format!("the only governments currently using AP mines are {l}")),
        selection().prop_map(|s| match s.strip_prefix("of ") {
            Some(list) => format!("none of {list} uses AP mines"),
            None => format!("no {s} uses AP mines"),
        }),
        state()
            .prop_map(|s| format!("current {s} policy forbids use outside the Korean peninsula")),
        state().prop_map(|s| format!("a withdrawal by {s} takes effect six months after notice")),
        state().prop_map(|s| format!("{s} has not destroyed its stockpile")),
        (state(), 1999i16..2027)
            .prop_map(|(s, y)| format!("{s} completed stockpile destruction in {y}")),
        state().prop_map(|s| format!("{s} has mined areas")),
        state().prop_map(|s| format!("{s} has not submitted its initial report")),
        state().prop_map(|s| format!("{s} retains mines")),
        state().prop_map(|s| format!("{s} left the Convention")),
        (state(), 2010i16..2032)
            .prop_map(|(s, y)| format!("{s}'s clearance deadline is {y}-12-31")),
        (0u32..200).prop_map(|n| format!(
            "more than {n} States Parties have completed stockpile destruction"
        )),
        (0u32..200).prop_map(|n| format!("at least {n} states retain AP mines")),
        (0u32..200).prop_map(|n| format!("fewer than {n} states are parties")),
        state().prop_map(|s| format!(
            "a withdrawal by {s} would not take effect until six months after its notice"
        )),
        (1996i16..2000).prop_map(|y| format!("the Convention was adopted in {y}")),
        (1998i16..2001).prop_map(|y| format!("the Convention entered into force in {y}")),
    ]
}

fn essentials(v: &Verdict) -> (Outcome, Vec<String>, Vec<String>) {
    (
        v.outcome,
        v.counterexamples
            .iter()
            .map(|c| format!("{}: {}", c.state, c.reason))
            .collect(),
        v.reasons.clone(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A universal claim holds exactly when its counter-example list is
    /// empty and no state is undecided.
    #[test]
    fn a_universal_claim_holds_exactly_when_nothing_breaks_it(claim in universal(), on in any_day()) {
        let l = loaded();
        let checker = Checker::new(&l.registry, &l.context);
        let v = checker.check(&claim, on).map_err(|e| TestCaseError::fail(e.render("claim", &claim)))?;
        prop_assert_eq!(
            v.outcome == Outcome::Holds,
            v.counterexamples.is_empty() && v.reasons.is_empty(),
            "{}", claim
        );
        prop_assert_eq!(v.outcome == Outcome::DoesNotHold, !v.counterexamples.is_empty(), "{}", claim);
    }

    /// A claim's verdict depends only on facts dated on or before its date.
    #[test]
    fn a_verdict_depends_only_on_the_past(claim in any_claim(), on in any_day()) {
        let l = loaded();
        let full = Checker::new(&l.registry, &l.context)
            .check(&claim, on)
            .map_err(|e| TestCaseError::fail(e.render("claim", &claim)))?;
        let (registry, context) = cut(on);
        let past = Checker::new(&registry, &context).check(&claim, on).expect("parses");
        prop_assert_eq!(essentials(&full), essentials(&past), "{}", claim);
    }

    /// The fast verdict and the explained one agree on everything but the
    /// evidence.
    #[test]
    fn the_fast_verdict_is_the_explained_verdict(claim in any_claim(), on in any_day()) {
        let l = loaded();
        let checker = Checker::new(&l.registry, &l.context);
        let read = checker.parse(&claim).map_err(|e| TestCaseError::fail(e.render("claim", &claim)))?;
        let full = checker.evaluate(&read, on);
        let fast = checker.verdict(&read, on);
        prop_assert_eq!(essentials(&full), essentials(&fast), "{}", claim);
        prop_assert_eq!(&full.summary, &fast.summary, "{}", claim);
    }

    /// Reading never panics: any text gets a claim or an error with a place.
    #[test]
    fn reading_never_panics(text in "\\PC{0,80}") {
        let l = loaded();
        let checker = Checker::new(&l.registry, &l.context);
        if let Err(e) = checker.parse(&text) {
            prop_assert!(e.line >= 1 && e.column >= 1);
        }
    }

    /// Nor does a text made of the language's own words in any order.
    #[test]
    fn word_salad_never_panics(words in prop::collection::vec(prop::sample::select(vec![
        "all", "of", "no", "the", "number", "is", "are", "not", "a", "party", "parties",
        "NATO", "EU", "members", "except", "LTU", "USA", ",", "and", "on", "2025-01-17",
        "in", "2003", "became", "uses", "AP", "mines", "since", "policy", "withdrawal",
        "by", "six", "months", "after", "notice", "Convention", "adopted", "only",
        "governments", "using", "currently", "LM2024", "prohibited", "from", ".",
    ]), 0..14), on in any_day()) {
        let l = loaded();
        let checker = Checker::new(&l.registry, &l.context);
        let text = words.join(" ");
        if let Ok(claim) = checker.parse(&text) {
            let _ = checker.evaluate(&claim, on);
        }
    }
}
