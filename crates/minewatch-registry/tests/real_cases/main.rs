//! Real cases from the record, checked against the embedded data/ (see README.md).

use jiff::civil::{Date, date};
use minewatch_core::{FindingKind, Iso3, Registry, Status};

fn registry() -> Registry {
    match minewatch_registry::load_embedded() {
        Ok(loaded) => loaded.registry,
        Err(e) => panic!("data/ does not load:\n{e}"),
    }
}

fn code(text: &str) -> Iso3 {
    Iso3::parse(text).expect("a code")
}

fn status(r: &Registry, state: &str, on: Date) -> Status {
    r.status_on(code(state), on).expect("a known state")
}

#[test]
fn the_data_holds_every_state() {
    let r = registry();
    assert_eq!(r.current_states().count(), 197);
    assert!(
        r.state(code("SCG")).is_some(),
        "Serbia and Montenegro is kept as a former state"
    );
}

#[test]
fn convention_enters_into_force_on_1999_03_01_with_45_states() {
    let r = registry();
    let fortieth = r.fortieth_instrument().expect("forty instruments");
    assert_eq!(fortieth.date, date(1998, 9, 16));
    assert_eq!(r.treaty_entry_into_force(), Some(date(1999, 3, 1)));
    assert_eq!(r.counts_on(date(1999, 2, 28)).bound(), 0);
    assert_eq!(r.counts_on(date(1999, 3, 1)).bound(), 45);
    // Before the fortieth deposit nobody can know the date of entry into force.
    let early = r.assess(code("CAN"), date(1998, 9, 15)).expect("Canada");
    assert_eq!(early.status, Status::Consented);
    assert_eq!(early.entry_into_force, None);
    let later = r.assess(code("CAN"), date(1998, 9, 16)).expect("Canada");
    assert_eq!(later.entry_into_force, Some(date(1999, 3, 1)));
    assert!(later.steps.iter().any(|s| s.article == "Art. 17(1)"));
}

#[test]
fn lithuania_life_cycle() {
    let r = registry();
    assert_eq!(status(&r, "LTU", date(1999, 2, 25)), Status::NonSignatory);
    assert_eq!(status(&r, "LTU", date(1999, 2, 26)), Status::Signatory);
    assert_eq!(status(&r, "LTU", date(2003, 5, 11)), Status::Signatory);
    assert_eq!(status(&r, "LTU", date(2003, 5, 12)), Status::Consented);
    assert_eq!(status(&r, "LTU", date(2003, 10, 31)), Status::Consented);
    assert_eq!(status(&r, "LTU", date(2003, 11, 1)), Status::Party);
    assert_eq!(status(&r, "LTU", date(2025, 6, 26)), Status::Party);
    assert_eq!(status(&r, "LTU", date(2025, 6, 27)), Status::Withdrawing);
    assert_eq!(status(&r, "LTU", date(2025, 12, 26)), Status::Withdrawing);
    assert_eq!(status(&r, "LTU", date(2025, 12, 27)), Status::Withdrawn);
    let a = r.assess(code("LTU"), date(2026, 1, 1)).expect("Lithuania");
    assert_eq!(a.entry_into_force, Some(date(2003, 11, 1)));
    assert_eq!(
        a.withdrawal.and_then(|w| w.effective),
        Some(date(2025, 12, 27))
    );
}

#[test]
fn united_states_never_signed() {
    let r = registry();
    let mut day = date(1997, 1, 1);
    while day <= date(2035, 12, 31) {
        assert_eq!(status(&r, "USA", day), Status::NonSignatory, "{day}");
        day = day
            .checked_add(jiff::Span::new().days(29))
            .expect("in range");
    }
    let a = r.assess(code("USA"), date(2026, 11, 28)).expect("USA");
    assert!(a.steps.is_empty());
}

#[test]
fn the_counts_of_2025_and_2026() {
    let r = registry();
    assert_eq!(r.counts_on(date(2025, 1, 17)).bound(), 164);
    assert_eq!(r.counts_on(date(2025, 12, 1)).bound(), 166);
    assert_eq!(r.counts_on(date(2025, 12, 27)).bound(), 163);
    assert_eq!(r.counts_on(date(2026, 1, 10)).bound(), 162);
    assert_eq!(r.counts_on(date(2026, 2, 19)).bound(), 162);
    assert_eq!(r.counts_on(date(2026, 2, 20)).bound(), 161);
    assert_eq!(r.counts_on(date(2026, 11, 28)).bound(), 161);
    assert_eq!(status(&r, "FIN", date(2026, 1, 10)), Status::Withdrawn);
    assert_eq!(status(&r, "POL", date(2026, 2, 19)), Status::Withdrawing);
    assert_eq!(status(&r, "POL", date(2026, 2, 20)), Status::Withdrawn);
    assert_eq!(status(&r, "MHL", date(2025, 8, 31)), Status::Consented);
    assert_eq!(status(&r, "MHL", date(2025, 9, 1)), Status::Party);
    assert_eq!(status(&r, "TON", date(2025, 12, 1)), Status::Party);
}

#[test]
fn ukraine_remains_bound_despite_its_suspension() {
    let r = registry();
    let a = r.assess(code("UKR"), date(2026, 11, 28)).expect("Ukraine");
    assert_eq!(a.status, Status::Party);
    assert!(
        a.findings
            .iter()
            .any(|f| f.kind == FindingKind::PurportedSuspension)
    );
    // Before the notice there is nothing to report.
    let before = r.assess(code("UKR"), date(2025, 7, 17)).expect("Ukraine");
    assert!(
        !before
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::PurportedSuspension)
    );

    let what_if = r
        .what_if_withdraw(code("UKR"), date(2025, 7, 18), date(2026, 11, 28))
        .expect("possible");
    let w = what_if.withdrawal.expect("a withdrawal");
    assert_eq!(w.six_months_after, date(2026, 1, 18));
    assert!(w.deferred_by_armed_conflict);
    assert_eq!(w.effective, None);
    assert_eq!(what_if.status, Status::WithdrawalDeferred);
    // Seen on a day inside the six months, it is withdrawing.
    let early = r
        .what_if_withdraw(code("UKR"), date(2025, 7, 18), date(2025, 9, 1))
        .expect("possible");
    assert_eq!(early.status, Status::Withdrawing);
}

#[test]
fn a_what_if_for_a_state_that_cannot_withdraw_is_refused() {
    let r = registry();
    let refused = r.what_if_withdraw(code("USA"), date(2025, 1, 1), date(2026, 1, 1));
    assert!(refused.is_err_and(|v| v.message.contains("only a State Party may withdraw")));
    let twice = r.what_if_withdraw(code("LTU"), date(2025, 9, 1), date(2026, 1, 1));
    assert!(twice.is_err_and(|v| v.message.contains("already")));
    // Sweden, a party with no conflict: six months, then withdrawn.
    let swe = r
        .what_if_withdraw(code("SWE"), date(2025, 8, 31), date(2026, 3, 1))
        .expect("possible");
    assert_eq!(
        swe.withdrawal.and_then(|w| w.effective),
        Some(date(2026, 2, 28))
    );
    assert_eq!(swe.status, Status::Withdrawn);
}

#[test]
fn south_sudan_is_bound_from_independence() {
    let r = registry();
    assert_eq!(status(&r, "SSD", date(2011, 7, 8)), Status::NonSignatory);
    assert_eq!(status(&r, "SSD", date(2011, 7, 9)), Status::Party);
    let a = r
        .assess(code("SSD"), date(2011, 8, 1))
        .expect("South Sudan");
    assert_eq!(a.entry_into_force, Some(date(2011, 7, 9)));
    assert_eq!(a.steps[0].article, "succession");
}

#[test]
fn montenegro_conflicting_dates_are_a_finding() {
    let r = registry();
    assert_eq!(status(&r, "MNE", date(2006, 6, 3)), Status::Party);
    let a = r.assess(code("MNE"), date(2006, 8, 1)).expect("Montenegro");
    let finding = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ConflictingSources)
        .expect("a conflict");
    assert!(finding.text.contains("2007-04-01"), "{}", finding.text);
    assert!(
        finding
            .text
            .contains("gives non_signatory instead of party"),
        "{}",
        finding.text
    );
    // After the notification, the Monitor's reading is a deposit with Art. 17(2) timing.
    let later = r.assess(code("MNE"), date(2007, 1, 1)).expect("Montenegro");
    let text = &later
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ConflictingSources)
        .expect("a conflict")
        .text;
    assert!(text.contains("gives consented instead of party"), "{text}");
    assert!(text.contains("from 2006-06-03 to 2007-04-01"), "{text}");
}

#[test]
fn serbia_continues_serbia_and_montenegro() {
    let r = registry();
    assert_eq!(status(&r, "SRB", date(2004, 2, 29)), Status::Consented);
    assert_eq!(status(&r, "SRB", date(2004, 3, 1)), Status::Party);
    let a = r.assess(code("SRB"), date(2010, 1, 1)).expect("Serbia");
    assert!(a.steps.iter().any(|s| s.text.contains("continues")));
    let scg = r
        .assess(code("SCG"), date(2010, 1, 1))
        .expect("Serbia and Montenegro");
    assert!(
        scg.findings
            .iter()
            .any(|f| f.kind == FindingKind::FormerState)
    );
}

#[test]
fn chile_applied_article_1_provisionally() {
    let r = registry();
    let a = r.assess(code("CHL"), date(2001, 12, 1)).expect("Chile");
    assert_eq!(a.status, Status::Consented);
    assert!(a.provisional_application);
    assert!(a.steps.iter().any(|s| s.article == "Art. 18"));
    let later = r.assess(code("CHL"), date(2002, 3, 1)).expect("Chile");
    assert_eq!(later.status, Status::Party);
    assert!(!later.provisional_application);
}

#[test]
fn the_fast_answer_equals_the_explained_one() {
    let r = registry();
    let mut day = date(1997, 11, 1);
    while day <= date(2027, 1, 1) {
        for state in r.states() {
            let explained = r.assess(state.iso3, day).expect("known").status;
            assert_eq!(
                r.status_on(state.iso3, day),
                Some(explained),
                "{} on {day}",
                state.iso3
            );
        }
        day = day
            .checked_add(jiff::Span::new().days(61))
            .expect("in range");
    }
}

#[test]
fn names_and_codes_find_states() {
    let r = registry();
    for query in ["LTU", "ltu", "Lithuania", "LITHUANIA", " lithuania "] {
        assert_eq!(
            r.find_state(query).map(|s| s.iso3),
            Ok(code("LTU")),
            "{query}"
        );
    }
    assert_eq!(r.find_state("Türkiye").map(|s| s.iso3), Ok(code("TUR")));
    assert_eq!(r.find_state("turkey").map(|s| s.iso3), Ok(code("TUR")));
    assert_eq!(
        r.find_state("united states").map(|s| s.iso3),
        Ok(code("USA"))
    );
    assert_eq!(
        r.find_state("Cote d'Ivoire").map(|s| s.iso3),
        Ok(code("CIV"))
    );
    let miss = r.find_state("Lituania").expect_err("no such name");
    assert_eq!(miss.suggestions.first().map(|s| s.0), Some(code("LTU")));
    assert!(r.find_state("").is_err());
    assert!(r.find_state("XYZ").is_err());
}
