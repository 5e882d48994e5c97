//! Article 5: destruction of anti-personnel mines in mined areas.
//!
//! Paraphrase: each State Party destroys, or ensures the destruction of, all
//! anti-personnel mines in mined areas under its jurisdiction or control as
//! soon as possible and at the latest ten years after the Convention enters
//! into force for it (5(1)). A State Party that believes it cannot do so in
//! time may ask a Meeting of States Parties or a Review Conference for an
//! extension of up to ten years (5(3)); the meeting decides by majority of
//! those present and voting (5(5)); an extension may be renewed by a new
//! request (5(6)).
//!
//! The base rule is [`base_deadline`]. An extension is an exception to it,
//! kept in [`extensions`]: each granted extension replaces the deadline then
//! in force, from the day it is granted, and only ever moves it later.

use jiff::Span;
use jiff::civil::Date;

/// The years a State Party has to clear its mined areas.
pub const YEARS_TO_CLEAR: i64 = 10;

/// The deadline of Art. 5(1) for a state for which the Convention entered
/// into force on `entry_into_force`.
pub fn base_deadline(entry_into_force: Date) -> Option<Date> {
    entry_into_force
        .checked_add(Span::new().years(YEARS_TO_CLEAR))
        .ok()
}

/// Extensions of the Art. 5(1) deadline (Art. 5(3)-(6)).
pub mod extensions {
    use jiff::civil::Date;

    /// A granted extension: the day it counts from, and the new deadline.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub struct Grant {
        /// When the meeting granted it.
        pub granted: Date,
        /// The deadline it sets.
        pub deadline: Date,
    }

    /// What happened to each grant, in order.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Applied {
        /// It replaced the deadline `from` by its own.
        Replaced {
            /// The deadline before.
            from: Date,
        },
        /// It would have moved the deadline earlier (or not at all); an
        /// extension gives more time, so it is not applied.
        Refused {
            /// The deadline it would have replaced.
            current: Date,
        },
    }

    /// The deadline in force on `on`: `base`, replaced in turn by each grant
    /// made on or before `on` that moves it later. Grants are taken in the
    /// order they were granted.
    pub fn deadline_on(base: Date, grants: &[Grant], on: Date) -> (Date, Vec<(Grant, Applied)>) {
        let mut ordered: Vec<Grant> = grants.iter().copied().filter(|g| g.granted <= on).collect();
        ordered.sort_by_key(|g| g.granted);
        let mut current = base;
        let mut history = Vec::with_capacity(ordered.len());
        for grant in ordered {
            if grant.deadline > current {
                history.push((grant, Applied::Replaced { from: current }));
                current = grant.deadline;
            } else {
                history.push((grant, Applied::Refused { current }));
            }
        }
        (current, history)
    }
}

#[cfg(test)]
mod tests {
    use super::extensions::{Applied, Grant, deadline_on};
    use super::*;
    use jiff::civil::date;

    #[test]
    fn ten_years_after_entry_into_force() {
        assert_eq!(base_deadline(date(2003, 3, 1)), Some(date(2013, 3, 1)));
        assert_eq!(base_deadline(date(2011, 7, 9)), Some(date(2021, 7, 9)));
    }

    #[test]
    fn afghanistan_moved_by_each_grant_from_its_day() {
        let base = date(2013, 3, 1);
        let grants = [
            Grant {
                granted: date(2024, 11, 29),
                deadline: date(2030, 3, 1),
            },
            Grant {
                granted: date(2012, 12, 7),
                deadline: date(2023, 3, 1),
            },
            Grant {
                granted: date(2022, 11, 25),
                deadline: date(2025, 3, 1),
            },
        ];
        assert_eq!(deadline_on(base, &grants, date(2012, 1, 1)).0, base);
        assert_eq!(
            deadline_on(base, &grants, date(2013, 1, 1)).0,
            date(2023, 3, 1)
        );
        assert_eq!(
            deadline_on(base, &grants, date(2023, 1, 1)).0,
            date(2025, 3, 1)
        );
        let (now, history) = deadline_on(base, &grants, date(2026, 11, 28));
        assert_eq!(now, date(2030, 3, 1));
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].1, Applied::Replaced { from: base });
    }

    #[test]
    fn an_extension_never_moves_the_deadline_earlier() {
        let base = date(2013, 3, 1);
        let grants = [Grant {
            granted: date(2012, 12, 7),
            deadline: date(2012, 12, 31),
        }];
        let (now, history) = deadline_on(base, &grants, date(2020, 1, 1));
        assert_eq!(now, base);
        assert_eq!(history[0].1, Applied::Refused { current: base });
    }
}
