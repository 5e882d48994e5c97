//! Claims on real cases, checked against the project's data: every form of
//! the language, the verdicts the January 2025 letter's claims get, and the
//! errors malformed claims get. Verdicts and errors are pinned as snapshots
//! (tests/snapshots) so a change in wording or outcome is seen in review.

use jiff::civil::{Date, date};
use minewatch_claims::{Checker, Outcome, Verdict};
use minewatch_registry::{Loaded, load_embedded};
use std::sync::OnceLock;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_embedded().expect("the project's data loads"))
}

fn checker() -> Checker<'static> {
    let loaded = loaded();
    Checker::new(&loaded.registry, &loaded.context)
}

const LETTER: Date = date(2025, 1, 17);
const TODAY: Date = date(2026, 11, 28);

fn check(claim: &str, on: Date) -> Verdict {
    checker()
        .check(claim, on)
        .unwrap_or_else(|e| panic!("{claim}: {}", e.render("claim", claim)))
}

fn outcome(claim: &str, on: Date) -> Outcome {
    check(claim, on).outcome
}

fn names(verdict: &Verdict) -> Vec<&str> {
    verdict
        .counterexamples
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

/// A verdict as a reader sees it, for snapshots.
fn render(claim: &str, on: Date) -> String {
    let v = check(claim, on);
    let mut out = format!("{claim}\non {}: {}\n{}\n", v.on, v.outcome, v.summary);
    for c in &v.counterexamples {
        out.push_str(&format!(
            "  counter-example {} ({}): {}\n",
            c.name, c.state, c.reason
        ));
    }
    for r in &v.reasons {
        out.push_str(&format!("  unknown because {r}\n"));
    }
    for e in v.evidence.iter().take(6) {
        let sources: Vec<&str> = e.sources.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!(
            "  evidence: {} [{}] [{}]\n",
            e.text,
            minewatch_core::articles::join(&e.articles),
            sources.join(", ")
        ));
    }
    if v.evidence.len() > 6 {
        out.push_str(&format!("  ... {} more facts\n", v.evidence.len() - 6));
    }
    out
}

#[test]
fn nato_except_the_united_states_on_both_dates() {
    let claim = "all NATO members except USA are parties";
    assert_eq!(outcome(claim, LETTER), Outcome::Holds);
    let today = check(claim, TODAY);
    assert_eq!(today.outcome, Outcome::DoesNotHold);
    assert_eq!(
        names(&today),
        ["Estonia", "Finland", "Latvia", "Lithuania", "Poland"]
    );
    insta::assert_snapshot!(render(claim, TODAY));
}

#[test]
fn the_required_forms_parse_and_check() {
    let cases = [
        (
            "all NATO members except USA are parties",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
        (
            "all EU members are parties",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
        (
            "all of LTU, LVA, EST, POL, FIN, SWE are parties",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
        ("USA is not a party", Outcome::Holds, Outcome::Holds),
        (
            "the number of parties is 164",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
        ("LTU became a party in 2003", Outcome::Holds, Outcome::Holds),
        (
            "no EU member is withdrawn",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
        // Case does not matter.
        (
            "ALL nato MEMBERS except usa ARE Parties",
            Outcome::Holds,
            Outcome::DoesNotHold,
        ),
    ];
    for (claim, on_letter, on_today) in cases {
        assert_eq!(outcome(claim, LETTER), on_letter, "{claim} on {LETTER}");
        assert_eq!(outcome(claim, TODAY), on_today, "{claim} on {TODAY}");
    }
}

#[test]
fn a_date_in_the_claim_overrides_the_date_given() {
    let v = check(
        "on 2025-01-17, all NATO members except USA are parties",
        TODAY,
    );
    assert_eq!((v.on, v.outcome), (LETTER, Outcome::Holds));
    let v = check("On 2026-11-28 the number of parties is 161.", LETTER);
    assert_eq!((v.on, v.outcome), (TODAY, Outcome::Holds));
}

#[test]
fn states_by_name_alias_or_code() {
    for claim in [
        "Lithuania became a party in 2003",
        "the United States is not a party",
        "United States of America is not a party",
        "all of Bosnia and Herzegovina, Trinidad and Tobago and Côte d'Ivoire are parties",
        "all of Lithuania, Latvia, and Estonia are members of NATO",
    ] {
        assert_eq!(outcome(claim, LETTER), Outcome::Holds, "{claim}");
    }
    // Andorra's code is AND and the United Arab Emirates' ARE: in capitals
    // they are codes, in lower case they are words.
    assert_eq!(
        outcome("all of AND and ARE are signatories", LETTER),
        Outcome::DoesNotHold
    );
    assert_eq!(outcome("AND is a party", LETTER), Outcome::Holds);
}

#[test]
fn membership_follows_its_dates() {
    // The United Kingdom's last day in the EU was 2020-01-31.
    assert_eq!(
        outcome("GBR is a member of EU", date(2020, 1, 31)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("GBR is not a member of the EU", date(2020, 2, 1)),
        Outcome::Holds
    );
    // Sweden joined NATO on 2024-03-07.
    assert_eq!(
        outcome("SWE is a member of NATO", date(2024, 3, 6)),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("SWE is a member of NATO", date(2024, 3, 7)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the number of NATO members is 32", LETTER),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the number of NATO members is 30", date(2023, 1, 1)),
        Outcome::Holds
    );
    // Before any membership on record, membership cannot be told.
    let v = check("all EU members are parties", date(1950, 1, 1));
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(
        v.reasons[0].contains("no membership of EU"),
        "{:?}",
        v.reasons
    );
}

#[test]
fn statuses_and_counts() {
    assert_eq!(
        outcome("LTU is withdrawing", date(2025, 7, 1)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("LTU is withdrawn", date(2025, 12, 27)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("LTU is withdrawn", date(2025, 12, 26)),
        Outcome::DoesNotHold
    );
    assert_eq!(outcome("UKR is a party", TODAY), Outcome::Holds);
    assert_eq!(outcome("UKR is in status party", TODAY), Outcome::Holds);
    assert_eq!(outcome("LTU is a signatory", TODAY), Outcome::Holds);
    assert_eq!(outcome("USA is a non-signatory", TODAY), Outcome::Holds);
    assert_eq!(
        outcome("the number of parties is at least 160", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the number of parties is more than 161", TODAY),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("the number of parties is fewer than 162", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the number of EU members that are parties is 22", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the number of parties is 45", date(1999, 3, 1)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("all states are parties", TODAY),
        Outcome::DoesNotHold
    );
    assert_eq!(outcome("no parties are withdrawn", TODAY), Outcome::Holds);
}

#[test]
fn events_in_a_state_life() {
    assert_eq!(outcome("LTU signed in 1999", TODAY), Outcome::Holds);
    assert_eq!(outcome("LTU ratified on 2003-05-12", TODAY), Outcome::Holds);
    assert_eq!(outcome("LTU joined in 2003", TODAY), Outcome::Holds);
    assert_eq!(
        outcome("LTU notified its withdrawal on 2025-06-27", TODAY),
        Outcome::Holds
    );
    assert_eq!(outcome("LTU withdrew on 2025-12-27", TODAY), Outcome::Holds);
    assert_eq!(
        outcome("FIN withdrew before 2026", TODAY),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("POL became a party after 2012", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("POL became a party by 2012", TODAY),
        Outcome::DoesNotHold
    );
    // Not yet on the date: the state breaks the claim.
    let v = check("LTU withdrew in 2025", date(2025, 6, 1));
    assert_eq!(v.outcome, Outcome::DoesNotHold);
    assert!(
        v.counterexamples[0]
            .reason
            .contains("had no withdrawal in effect")
    );
    // Lithuania's signature is dated 1999-02-26 by the UN and 1999-02-22 by
    // the Monitor: the verdict follows the UN's date and says the other
    // reading would change it.
    let v = check("LTU signed on 1999-02-26", TODAY);
    assert_eq!(v.outcome, Outcome::Holds);
    assert!(
        v.evidence.iter().any(|e| e
            .text
            .contains("1999-02-22, which would change the verdict")),
        "{:?}",
        v.evidence
    );
}

#[test]
fn use_of_mines_by_report_and_year() {
    assert_eq!(outcome("RUS uses AP mines", LETTER), Outcome::Holds);
    assert_eq!(
        outcome("UKR used AP mines in LM2023", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("UKR used AP mines in Landmine Monitor 2024", TODAY),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("UKR used anti-personnel mines in 2022", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("no NATO member uses AP mines", LETTER),
        Outcome::Holds
    );
    assert_eq!(
        outcome("no EU member uses landmines", TODAY),
        Outcome::Holds
    );
    assert_eq!(outcome("FRA does not use AP mines", TODAY), Outcome::Holds);
    assert_eq!(outcome("FRA is not using AP mines", TODAY), Outcome::Holds);
    assert_eq!(
        outcome("RUS is not using AP mines", TODAY),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome(
            "the governments using AP mines in LM2023 are exactly MMR, RUS and UKR",
            TODAY
        ),
        Outcome::Holds
    );
    // Alleged use is neither yes nor no.
    let v = check("UKR uses AP mines", TODAY);
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(v.reasons[0].contains("alleged"));
    // A report not yet launched cannot be current.
    let v = check("RUS used AP mines in LM2025", LETTER);
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(v.reasons[0].contains("launched on 2025-12-01"));
    // Landmine Monitor 2019 (launched 2019-11-21) found Myanmar's forces
    // using them; before Landmine Monitor 2015 no report is in the record.
    assert_eq!(
        outcome("MMR uses AP mines", date(2020, 1, 1)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("MMR uses AP mines", date(2014, 1, 1)),
        Outcome::Unknown
    );
}

#[test]
fn a_claim_the_record_cannot_decide_says_unknown_and_why() {
    // France's use after 1991: no finding, but no report in the record covers
    // the years 1992-2013, so no answer.
    let v = check("FRA has not used AP mines since 1991", TODAY);
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(v.counterexamples.is_empty());
    assert!(v.reasons[0].contains("1992-2013"), "{:?}", v.reasons);
    insta::assert_snapshot!(render("FRA has not used AP mines since 1991", TODAY));
    // No policy of France's is recorded.
    let v = check("FRA policy on use is korea_only", TODAY);
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(v.reasons[0].contains("no France policy on use"));
    // Nor any US policy before 2014-09-23.
    assert_eq!(
        outcome(
            "USA policy forbids use outside the Korean peninsula",
            date(2014, 1, 1)
        ),
        Outcome::Unknown
    );
    // A span the reports cover without a finding is a no; 2026 is covered
    // by no report yet.
    assert_eq!(
        outcome("FRA has not used AP mines since 2021", date(2025, 12, 15)),
        Outcome::Holds
    );
    let v = check("FRA has not used AP mines since 2021", TODAY);
    assert_eq!(v.outcome, Outcome::Unknown);
    assert!(v.reasons[0].contains("covers 2026"), "{:?}", v.reasons);
}

#[test]
fn policy_and_treaty_facts() {
    let claim = "current US policy forbids use outside the Korean peninsula";
    assert_eq!(outcome(claim, date(2015, 1, 1)), Outcome::Holds);
    assert_eq!(outcome(claim, date(2021, 1, 1)), Outcome::DoesNotHold);
    assert_eq!(outcome(claim, LETTER), Outcome::Holds);
    assert_eq!(outcome(claim, TODAY), Outcome::DoesNotHold);
    assert_eq!(
        outcome("USA policy on transfer is demining_only", date(2023, 1, 1)),
        Outcome::Holds
    );
    assert_eq!(
        outcome("USA policy on transfer is demining_only", LETTER),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("the Convention was adopted on 1997-09-18", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the Convention was adopted in 1997", date(1997, 6, 1)),
        Outcome::DoesNotHold
    );
    assert_eq!(
        outcome("the treaty opened for signature on 1997-12-03", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the Convention entered into force on 1999-03-01", TODAY),
        Outcome::Holds
    );
    assert_eq!(
        outcome("the Convention entered into force in 1998", TODAY),
        Outcome::DoesNotHold
    );
}

#[test]
fn article_1_and_withdrawal_rules() {
    assert_eq!(
        outcome("LTU is prohibited from using AP mines", LETTER),
        Outcome::Holds
    );
    let v = check("LTU is prohibited from using AP mines", TODAY);
    assert_eq!(v.outcome, Outcome::DoesNotHold);
    assert!(v.counterexamples[0].reason.contains("no longer binds"));
    assert_eq!(
        outcome(
            "all parties are prohibited from assisting, encouraging or inducing anyone",
            TODAY
        ),
        Outcome::Holds
    );
    let claim = "a withdrawal by LTU would not take effect until six months after its notice";
    assert_eq!(outcome(claim, LETTER), Outcome::Holds);
    assert_eq!(outcome(claim, TODAY), Outcome::Holds);
    // Ukraine is engaged in an armed conflict: a withdrawal would wait for its end.
    assert_eq!(
        outcome(
            "a withdrawal by UKR would not take effect until 6 months after notice",
            TODAY
        ),
        Outcome::Holds
    );
    assert_eq!(
        outcome(
            "a withdrawal by UKR takes effect six months after notice",
            TODAY
        ),
        Outcome::DoesNotHold
    );
    // A state that is not bound has nothing to withdraw from.
    assert_eq!(
        outcome(
            "a withdrawal by USA takes effect six months after notice",
            TODAY
        ),
        Outcome::DoesNotHold
    );
}

#[test]
fn letter_claims_snapshot() {
    let text = include_str!("../../../examples/letter-2025-01-17.claims");
    let lines = minewatch_claims::read_claims_file(text).expect("the letter's claims file");
    let mut out = String::new();
    for on in [LETTER, TODAY] {
        for line in &lines {
            out.push_str(&format!("{}: {}", line.id, render(&line.text, on)));
            out.push('\n');
        }
    }
    insta::assert_snapshot!(out);
}

/// Every malformed claim gets an error that names the word and its place.
#[test]
fn malformed_claims_are_refused_with_the_word_and_its_place() {
    let cases = [
        "",
        "   ",
        "all XYZ members are parties",
        "all of Lituania, LVA are parties",
        "Narnia is a party",
        "on 2025-02-30, USA is a party",
        "on 17/01/2025, USA is a party",
        "USA is not a party today",
        "all NATO members except USA are",
        "all NATO members except USA are friends",
        "the number of parties is many",
        "LTU became a party in the spring",
        "the only governments using AP mines are",
        "RUS used AP mines in LM1999",
        "USA policy forbids use outside Europe",
        "a withdrawal by LTU would not take effect six months after notice",
        "all of LTU, are parties",
        "LTU is prohibited from dancing",
        "USA is in status happy",
        "USA!",
        "Cambodia's clearance deadline is soon",
        "Cambodia's deadline",
        "Tuvalu has not submitted its report",
        "Greece has destroyed its mines",
        "more than 90 States Parties have eaten",
        "more than many states are parties",
    ];
    let mut out = String::new();
    for claim in cases {
        let error = checker().check(claim, LETTER).expect_err(claim);
        assert!(error.line >= 1 && error.column >= 1, "{claim}");
        out.push_str(&format!("{}\n\n", error.render("claim", claim)));
    }
    insta::assert_snapshot!(out);
}

/// The claims about obligations and figures named in issue 12, on real
/// cases of the record, with the verdict each must get.
#[test]
fn claims_about_obligations_and_figures() {
    let on = date(2026, 12, 1);
    for (claim, expected) in [
        ("Greece has not destroyed its stockpile", Outcome::Holds),
        ("Greece has destroyed its stockpile", Outcome::DoesNotHold),
        (
            "GRC completed stockpile destruction in 2008",
            Outcome::DoesNotHold,
        ),
        (
            "Belarus completed stockpile destruction in 2017",
            Outcome::Holds,
        ),
        (
            "Lithuania completed stockpile destruction in 2004",
            Outcome::Holds,
        ),
        (
            "Lithuania completed stockpile destruction before 2004",
            Outcome::DoesNotHold,
        ),
        (
            "Cambodia's clearance deadline is 2030-12-31",
            Outcome::Holds,
        ),
        (
            "Cambodia’s clearance deadline is 2025-12-31",
            Outcome::DoesNotHold,
        ),
        ("Lithuania has mined areas", Outcome::DoesNotHold),
        ("Lithuania has no known mined areas", Outcome::Holds),
        ("Nigeria has mined areas", Outcome::Holds),
        (
            "Tuvalu has not submitted its initial report",
            Outcome::Holds,
        ),
        (
            "Tuvalu has submitted its initial Article 7 report",
            Outcome::DoesNotHold,
        ),
        (
            "more than 80 States Parties have completed stockpile destruction",
            Outcome::Holds,
        ),
        (
            "fewer than 80 States Parties have completed stockpile destruction",
            Outcome::DoesNotHold,
        ),
        ("at least 60 states retain AP mines", Outcome::Holds),
        ("more than 160 states are parties", Outcome::Holds),
        ("at least 161 states are parties", Outcome::Holds),
        ("fewer than 161 states are parties", Outcome::DoesNotHold),
        ("164 states are parties", Outcome::DoesNotHold),
        ("161 States Parties are parties", Outcome::Holds),
        ("Lithuania left the Convention", Outcome::Holds),
        ("Lithuania withdrew from the Convention", Outcome::Holds),
        ("Sweden withdrew from the Convention", Outcome::DoesNotHold),
        ("Ukraine is a State Party", Outcome::Holds),
        ("5 states have withdrawn", Outcome::Holds),
        ("Afghanistan retains mines", Outcome::Holds),
        ("Lithuania retains no mines", Outcome::Holds),
        // The record does not decide these: each is unknown, with why.
        (
            "the number of states that retain mines is 68",
            Outcome::Unknown,
        ),
        ("China has destroyed its stockpile", Outcome::Unknown),
        ("Tuvalu has destroyed its stockpile", Outcome::Unknown),
        (
            "Angola's clearance deadline is 2025-12-31",
            Outcome::Unknown,
        ),
        ("Australia has mined areas", Outcome::Unknown),
        ("Guinea-Bissau retains mines", Outcome::Unknown),
        (
            "Marshall Islands has submitted its initial report",
            Outcome::Unknown,
        ),
    ] {
        let v = check(claim, on);
        assert_eq!(v.outcome, expected, "{claim}: {}", v.summary);
        if v.outcome == Outcome::Unknown {
            assert!(!v.reasons.is_empty(), "{claim} says why it is unknown");
        }
        assert!(!v.summary.contains(" is had "), "{}", v.summary);
    }
    // Guinea-Bissau before and after its newly found areas (2021).
    assert_eq!(
        check("Guinea-Bissau has mined areas", date(2015, 1, 1)).outcome,
        Outcome::DoesNotHold
    );
    assert_eq!(
        check("Guinea-Bissau has mined areas", on).outcome,
        Outcome::Holds
    );
    let mut out = String::new();
    for claim in [
        "Greece has not destroyed its stockpile",
        "GRC completed stockpile destruction in 2008",
        "Cambodia's clearance deadline is 2030-12-31",
        "Lithuania has mined areas",
        "Tuvalu has not submitted its initial report",
        "more than 90 States Parties have completed stockpile destruction",
        "the number of states that retain mines is 68",
        "more than 160 states are parties",
        "Lithuania left the Convention",
        "China is a signatory",
    ] {
        out.push_str(&render(claim, on));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}
