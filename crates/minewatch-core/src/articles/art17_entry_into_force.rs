//! Article 17: entry into force.
//!
//! Paraphrase: the Convention enters into force on the first day of the sixth
//! month after the month in which the fortieth instrument of ratification,
//! acceptance, approval or accession was deposited (17(1)). For a state that
//! deposits its instrument after that fortieth deposit, it enters into force
//! on the first day of the sixth month after the date of its own deposit (17(2)).
//!
//! The fortieth instrument was deposited on 16 September 1998 (Burkina Faso;
//! Equatorial Guinea deposited the same day), so the Convention entered into
//! force on 1 March 1999. Deposits later in September 1998 fall under 17(2)
//! and, by the same arithmetic, also reach 1 March 1999. Notifications of
//! succession are not among the instruments counted.

use jiff::civil::Date;

use crate::legal_date::first_day_of_sixth_month_after;

/// The article, for explanations.
pub const ARTICLE: super::Citation = super::Citation::article(17);

/// How many instruments bring the Convention into force (Art. 17(1)).
pub const INSTRUMENTS_FOR_ENTRY_INTO_FORCE: usize = 40;

/// When the Convention enters into force for a state that deposited on
/// `deposit`, given the date of the fortieth deposit if it is known yet.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EntryIntoForce {
    /// Known, by the paragraph named.
    On {
        /// The date.
        date: Date,
        /// "Art. 17(1)" or "Art. 17(2)".
        article: super::Citation,
    },
    /// The deposit is among the first forty and the fortieth has not been
    /// deposited yet: no date can be known.
    AwaitingFortiethInstrument,
}

/// Applies Art. 17(1) or (2) to a deposit.
///
/// # Example
/// ```
/// use jiff::civil::date;
/// use minewatch_core::articles::Citation;
/// use minewatch_core::articles::art17_entry_into_force::{entry_into_force, EntryIntoForce};
/// let fortieth = Some(date(1998, 9, 16));
/// // Lithuania, 12 May 2003: Art. 17(2).
/// assert_eq!(
///     entry_into_force(date(2003, 5, 12), fortieth),
///     EntryIntoForce::On { date: date(2003, 11, 1), article: Citation::paragraph(17, 2) },
/// );
/// // Canada, 3 December 1997: Art. 17(1).
/// assert_eq!(
///     entry_into_force(date(1997, 12, 3), fortieth),
///     EntryIntoForce::On { date: date(1999, 3, 1), article: Citation::paragraph(17, 1) },
/// );
/// ```
pub fn entry_into_force(deposit: Date, fortieth_deposit: Option<Date>) -> EntryIntoForce {
    match fortieth_deposit {
        Some(fortieth) if deposit <= fortieth => match first_day_of_sixth_month_after(fortieth) {
            Some(date) => EntryIntoForce::On {
                date,
                article: super::Citation::paragraph(17, 1),
            },
            None => EntryIntoForce::AwaitingFortiethInstrument,
        },
        Some(_) => match first_day_of_sixth_month_after(deposit) {
            Some(date) => EntryIntoForce::On {
                date,
                article: super::Citation::paragraph(17, 2),
            },
            None => EntryIntoForce::AwaitingFortiethInstrument,
        },
        None => EntryIntoForce::AwaitingFortiethInstrument,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    const FORTIETH: Option<Date> = Some(date(1998, 9, 16));

    #[test]
    fn real_cases() {
        // Equatorial Guinea deposited the same day as the fortieth: 17(1).
        assert_eq!(
            entry_into_force(date(1998, 9, 16), FORTIETH),
            EntryIntoForce::On {
                date: date(1999, 3, 1),
                article: super::super::Citation::paragraph(17, 1)
            }
        );
        // Namibia, 21 September 1998: after the fortieth, 17(2), same date.
        assert_eq!(
            entry_into_force(date(1998, 9, 21), FORTIETH),
            EntryIntoForce::On {
                date: date(1999, 3, 1),
                article: super::super::Citation::paragraph(17, 2)
            }
        );
        // Marshall Islands, 12 March 2025: 1 September 2025.
        assert_eq!(
            entry_into_force(date(2025, 3, 12), FORTIETH),
            EntryIntoForce::On {
                date: date(2025, 9, 1),
                article: super::super::Citation::paragraph(17, 2)
            }
        );
        // Before the fortieth instrument existed, nobody could know the date.
        assert_eq!(
            entry_into_force(date(1998, 5, 20), None),
            EntryIntoForce::AwaitingFortiethInstrument
        );
    }

    proptest! {
        #[test]
        fn never_before_1999_and_always_a_first(days in 0i64..15000) {
            let deposit = date(1997, 12, 3).checked_add(jiff::Span::new().days(days)).unwrap();
            match entry_into_force(deposit, FORTIETH) {
                EntryIntoForce::On { date: eif, .. } => {
                    prop_assert_eq!(eif.day(), 1);
                    prop_assert!(eif >= date(1999, 3, 1));
                    prop_assert!(eif > deposit);
                }
                EntryIntoForce::AwaitingFortiethInstrument => prop_assert!(false),
            }
        }
    }
}
