//! Article 20: duration and withdrawal.
//!
//! Paraphrase: the Convention has no end date (20(1)). A State Party may
//! withdraw by notifying all other States Parties, the depositary and the
//! Security Council, giving its reasons (20(2)). The withdrawal takes effect
//! six months after the depositary receives the instrument; but if on that
//! date the withdrawing state is engaged in an armed conflict, it does not
//! take effect before that conflict ends (20(3)). Withdrawing does not release
//! a state from duties it has under other rules of international law (20(4)).
//!
//! Until it takes effect the state remains bound: `withdrawing` during the six
//! months, `withdrawal_deferred` after them while the conflict lasts.

use jiff::civil::Date;

use crate::legal_date::six_months_after;
use crate::{ArmedConflict, Iso3, WithdrawalOutcome};

/// The article label for the notification.
pub const NOTICE: super::Citation = super::Citation::paragraph(20, 2);
/// The article label for the six months and the armed-conflict rule.
pub const EFFECT: super::Citation = super::Citation::paragraph(20, 3);
/// The article label for duties under other international law.
pub const OTHER_LAW: super::Citation = super::Citation::paragraph(20, 4);

/// What a notification received on `received` by `state` leads to, knowing
/// the armed conflicts recorded up to `known_on`.
///
/// The withdrawal is deferred when the state is engaged in a recorded armed
/// conflict on the day the six months end; it then takes effect when the last
/// such conflict ends, or never as far as is known if one has no known end.
/// The conflicts that defer it are returned too.
pub fn outcome(
    state: Iso3,
    received: Date,
    conflicts: &[ArmedConflict],
    known_on: Date,
) -> (WithdrawalOutcome, Vec<&ArmedConflict>) {
    let six = six_months_after(received).unwrap_or(Date::MAX);
    let deferring: Vec<&ArmedConflict> = conflicts
        .iter()
        .filter(|c| c.start <= known_on && c.engages(state, six, known_on))
        .collect();
    let effective = if deferring.is_empty() {
        Some(six)
    } else {
        deferring
            .iter()
            .map(|c| c.end.filter(|end| *end <= known_on))
            .try_fold(six, |latest, end| end.map(|end| latest.max(end)))
    };
    let outcome = WithdrawalOutcome {
        received,
        six_months_after: six,
        deferred_by_armed_conflict: !deferring.is_empty(),
        effective,
    };
    (outcome, deferring)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ukr() -> Iso3 {
        Iso3::parse("UKR").unwrap()
    }

    fn war(end: Option<Date>) -> ArmedConflict {
        ArmedConflict {
            id: "w".into(),
            states: vec![ukr()],
            name: "war".into(),
            start: date(2022, 2, 24),
            end,
            sources: vec![],
        }
    }

    #[test]
    fn lithuania_takes_effect_after_six_months() {
        let wars = [war(None)];
        let (o, by) = outcome(
            Iso3::parse("LTU").unwrap(),
            date(2025, 6, 27),
            &wars,
            Date::MAX,
        );
        assert_eq!(o.six_months_after, date(2025, 12, 27));
        assert_eq!(o.effective, Some(date(2025, 12, 27)));
        assert!(!o.deferred_by_armed_conflict);
        assert!(by.is_empty());
    }

    #[test]
    fn ukraine_would_be_deferred_with_no_known_end() {
        let wars = [war(None)];
        let (o, by) = outcome(ukr(), date(2025, 7, 18), &wars, Date::MAX);
        assert_eq!(o.six_months_after, date(2026, 1, 18));
        assert!(o.deferred_by_armed_conflict);
        assert_eq!(o.effective, None);
        assert_eq!(by.len(), 1);
    }

    #[test]
    fn a_conflict_end_sets_the_date_once_known() {
        let ended = war(Some(date(2027, 5, 9)));
        let (o, _) = outcome(
            ukr(),
            date(2025, 7, 18),
            std::slice::from_ref(&ended),
            Date::MAX,
        );
        assert_eq!(o.effective, Some(date(2027, 5, 9)));
        // On a date before the end was known, the end is not used.
        let (o, _) = outcome(ukr(), date(2025, 7, 18), &[ended], date(2026, 6, 1));
        assert_eq!(o.effective, None);
    }

    #[test]
    fn a_conflict_over_before_the_six_months_does_not_defer() {
        let (o, _) = outcome(
            ukr(),
            date(2025, 7, 18),
            &[war(Some(date(2025, 10, 1)))],
            Date::MAX,
        );
        assert!(!o.deferred_by_armed_conflict);
        assert_eq!(o.effective, Some(date(2026, 1, 18)));
    }
}
