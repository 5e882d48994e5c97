//! What changed between two dates, on the project's data: the story since
//! the ICBL's letter of 17 January 2025, and the invariants of changes on
//! random ranges.

use jiff::civil::{Date, date};
use minewatch_core::Iso3;
use minewatch_core::changes::{Change, ChangeKind, Scope, changes};
use minewatch_registry::{Loaded, load_embedded};
use proptest::prelude::*;
use std::sync::OnceLock;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_embedded().expect("the project's data loads"))
}

fn between(from: Date, to: Date) -> Vec<Change> {
    let l = loaded();
    changes(&l.registry, &l.context, from, to, &Scope::default())
}

fn code(text: &str) -> Iso3 {
    Iso3::parse(text).expect("a code")
}

fn status_change<'c>(all: &'c [Change], state: &str, after: &str) -> Option<&'c Change> {
    all.iter().find(|c| {
        c.kind == ChangeKind::Status
            && c.state == Some(code(state))
            && c.after.as_deref() == Some(after)
    })
}

#[test]
fn since_the_letter_of_17_january_2025() {
    let all = between(date(2025, 1, 17), date(2026, 11, 28));
    // The five withdrawals: notified (Art. 20(2)) and taking effect (Art. 20(3)).
    for (state, notified, effective) in [
        ("LTU", date(2025, 6, 27), date(2025, 12, 27)),
        ("LVA", date(2025, 6, 27), date(2025, 12, 27)),
        ("EST", date(2025, 6, 27), date(2025, 12, 27)),
        ("FIN", date(2025, 7, 10), date(2026, 1, 10)),
        ("POL", date(2025, 8, 20), date(2026, 2, 20)),
    ] {
        let n = status_change(&all, state, "withdrawing").expect("notified");
        assert_eq!(
            (n.date, n.before.as_deref()),
            (notified, Some("party")),
            "{state}"
        );
        assert_eq!(
            n.article.map(|a| a.to_string()).as_deref(),
            Some("Art. 20(2)")
        );
        assert!(!n.sources.is_empty());
        let e = status_change(&all, state, "withdrawn").expect("effective");
        assert_eq!(e.date, effective, "{state}");
        assert_eq!(
            e.article.map(|a| a.to_string()).as_deref(),
            Some("Art. 20(3)")
        );
    }
    // Ukraine's purported suspension is a finding, not a change of status.
    let ukr = all
        .iter()
        .find(|c| c.state == Some(code("UKR")) && c.kind == ChangeKind::Finding)
        .expect("the suspension");
    assert_eq!(ukr.name, Some("purported_suspension"));
    assert!(status_change(&all, "UKR", "withdrawing").is_none());
    assert!(
        !all.iter()
            .any(|c| c.kind == ChangeKind::Status && c.state == Some(code("UKR")))
    );
    // The Marshall Islands and Tonga become parties (Art. 17(2)).
    for (state, day) in [("MHL", date(2025, 9, 1)), ("TON", date(2025, 12, 1))] {
        let p = status_change(&all, state, "party").expect("party");
        assert_eq!(p.date, day);
        assert_eq!(
            p.article.map(|a| a.to_string()).as_deref(),
            Some("Art. 17(2)")
        );
    }
    // The count of States Parties, net over the range, with no state.
    let parties = all
        .iter()
        .find(|c| c.kind == ChangeKind::Figure && c.name == Some("states_parties"))
        .expect("the figure");
    assert_eq!(parties.state, None);
    assert_eq!(
        (
            parties.before.as_deref(),
            parties.after.as_deref(),
            parties.date
        ),
        (Some("164"), Some("161"), date(2026, 11, 28))
    );
    // The obligations of the two new parties arose on their entries into force.
    assert!(all.iter().any(|c| c.kind == ChangeKind::Obligation
        && c.state == Some(code("MHL"))
        && c.date == date(2025, 9, 1)
        && c.before.as_deref() == Some("not_yet_due")));
    // The Monitor of 2025 counts its findings of use from its launch.
    assert!(
        all.iter()
            .any(|c| c.kind == ChangeKind::UseFinding && c.state == Some(code("RUS")))
    );
}

#[test]
fn a_scope_keeps_to_its_states_and_an_empty_range_has_nothing() {
    let l = loaded();
    let baltic = Scope {
        states: Some(
            [code("LTU"), code("LVA"), code("EST")]
                .into_iter()
                .collect(),
        ),
    };
    let some = changes(
        &l.registry,
        &l.context,
        date(2025, 1, 17),
        date(2026, 11, 28),
        &baltic,
    );
    assert!(!some.is_empty());
    assert!(some.iter().all(|c| {
        c.state
            .is_some_and(|s| ["LTU", "LVA", "EST"].contains(&s.as_str()))
    }));
    let nato =
        Scope::group(&l.context, "NATO", date(2025, 1, 17), date(2026, 11, 28)).expect("NATO");
    let members = changes(
        &l.registry,
        &l.context,
        date(2025, 1, 17),
        date(2026, 11, 28),
        &nato,
    );
    assert!(members.iter().any(|c| c.state == Some(code("POL"))));
    assert!(!members.iter().any(|c| c.state == Some(code("MHL"))));
    assert!(between(date(2025, 1, 17), date(2025, 1, 17)).is_empty());
    assert!(between(date(2026, 1, 1), date(2025, 1, 1)).is_empty());
}

fn any_day() -> impl Strategy<Value = Date> {
    (0i32..14_000).prop_map(|n| {
        date(1997, 12, 1)
            .checked_add(jiff::Span::new().days(i64::from(n)))
            .expect("a day")
    })
}

fn of_kinds(all: Vec<Change>, kinds: &[ChangeKind]) -> Vec<Change> {
    all.into_iter()
        .filter(|c| kinds.contains(&c.kind))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Every change lies in its range, and a status change says what the
    /// registry says the day before and on the day.
    #[test]
    fn changes_lie_in_the_range_and_agree_with_the_registry(a in any_day(), b in any_day()) {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        let l = loaded();
        for c in between(from, to) {
            prop_assert!(c.date > from && c.date <= to, "{:?}", c);
            if c.kind == ChangeKind::Status {
                let s = c.state.expect("a state");
                let yesterday = c.date.yesterday().expect("a day");
                prop_assert_eq!(
                    c.before.as_deref(),
                    Some(l.registry.status_on(s, yesterday).map_or("non_signatory", |x| x.as_str()))
                );
                prop_assert_eq!(
                    c.after.as_deref(),
                    l.registry.status_on(s, c.date).map(|x| x.as_str())
                );
            }
        }
    }

    /// Dated changes add up: the changes of status, findings and findings of
    /// use over a range are those of its two halves, split on any day.
    #[test]
    fn ranges_add_up(a in any_day(), b in any_day(), c in any_day()) {
        let mut days = [a, b, c];
        days.sort();
        let [from, middle, to] = days;
        let kinds = [ChangeKind::Status, ChangeKind::Finding, ChangeKind::UseFinding];
        let whole = of_kinds(between(from, to), &kinds);
        let mut halves = of_kinds(between(from, middle), &kinds);
        halves.extend(of_kinds(between(middle, to), &kinds));
        halves.sort_by(|x, y| (x.date, x.state, x.kind, x.name).cmp(&(y.date, y.state, y.kind, y.name)));
        prop_assert_eq!(whole, halves);
    }
}
