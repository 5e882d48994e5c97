//! One helper per legal time phrase of the Convention.
//!
//! Article modules call these and never add spans by hand, so that the
//! calendar policy lives in one place:
//!
//! - "the first day of the sixth month after the month in which ... deposited"
//!   (Art. 17(1)) and "the first day of the sixth month after the date on which
//!   that State has deposited" (Art. 17(2)) both land on the first day of the
//!   month six months after the month of the deposit: a deposit on 12 May 2003
//!   gives 1 November 2003, one on 16 September 1998 gives 1 March 1999.
//!   The day of the month never matters.
//! - "six months after the date of the receipt" (Art. 20(3)) is the same day
//!   of the month six months later (27 June 2025 gives 27 December 2025).
//!   When that month is shorter, the date is clamped to its last day
//!   (31 August gives the last day of February). The treaty does not say; this
//!   is the ordinary reading of a period counted in months, and it is the one
//!   choice made here.

use jiff::civil::Date;

/// Reads a date written strictly as `YYYY-MM-DD`, and only a day the
/// calendar has: the one spelling of a date in the data, on the command
/// line and in claims.
///
/// # Errors
/// A lower-case message saying what is wrong.
pub fn parse_iso_date(text: &str) -> Result<Date, &'static str> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return Err("expected a date as YYYY-MM-DD");
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().unwrap_or(0);
    let month = i8::try_from(number(5..7)).map_err(|_| "no such month")?;
    let day = i8::try_from(number(8..10)).map_err(|_| "no such day")?;
    if !(1..=12).contains(&month) {
        return Err("no such month");
    }
    Date::new(number(0..4), month, day).map_err(|_| "no such day in the calendar")
}

/// The last day on which an act can be recorded: its six months (Art. 17's
/// entry into force, Art. 20(3)'s withdrawal) must end on a day the
/// calendar has, and the calendar ends on 9999-12-31.
pub const LAST_DAY_WITH_CONSEQUENCES: Date = jiff::civil::date(9999, 6, 30);

/// Why an act dated `date` cannot be computed, if it cannot: its legal
/// consequence falls past the calendar. Such a date is refused, never
/// clamped (clamping would make six months last no time at all).
pub fn beyond_the_calendar(date: Date) -> Option<String> {
    (date > LAST_DAY_WITH_CONSEQUENCES).then(|| {
        format!(
            "{date} is too late to compute: six months after it fall past {}, the last day of the calendar (the latest date an act may have is {LAST_DAY_WITH_CONSEQUENCES})",
            Date::MAX
        )
    })
}

/// The first day of the sixth month after the month of `deposit`
/// (Art. 17(1) and (2)).
///
/// Returns `None` only for dates within six months of the end of jiff's range.
pub fn first_day_of_sixth_month_after(deposit: Date) -> Option<Date> {
    let first_of_month = deposit.first_of_month();
    first_of_month.checked_add(jiff::Span::new().months(6)).ok()
}

/// The same day of the month six months after `receipt`, clamped to the end
/// of a shorter month (Art. 20(3)).
pub fn six_months_after(receipt: Date) -> Option<Date> {
    receipt.checked_add(jiff::Span::new().months(6)).ok()
}

/// The anniversary `years` years after `start`: "ten years after the entry
/// into force" (Art. 5(1)), "four years after" (Art. 4). A 29 February start
/// lands on 28 February in a common year, the same clamping as
/// [`six_months_after`].
pub fn years_after(start: Date, years: i16) -> Option<Date> {
    start.checked_add(jiff::Span::new().years(years)).ok()
}

/// The day `days` days after `start`: "not later than 180 days after the
/// entry into force" (Art. 7(1)).
pub fn days_after(start: Date, days: i32) -> Option<Date> {
    start.checked_add(jiff::Span::new().days(days)).ok()
}

/// 30 April of the year after `year`: "annually, covering the last calendar
/// year, ... not later than 30 April of each year" (Art. 7(2)).
pub fn thirtieth_april_after(year: i16) -> Option<Date> {
    Date::new(year.checked_add(1)?, 4, 30).ok()
}

/// The date `months` calendar months after `start`, clamped to the end of a
/// shorter month: "in the next twelve months".
pub fn months_after(start: Date, months: i32) -> Option<Date> {
    start.checked_add(jiff::Span::new().months(months)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn the_last_computable_day() {
        assert_eq!(beyond_the_calendar(date(9999, 6, 30)), None);
        assert!(beyond_the_calendar(date(9999, 7, 1)).is_some());
        assert!(beyond_the_calendar(Date::MAX).is_some());
        // On the last day, both six-month rules still have their day.
        assert_eq!(
            six_months_after(LAST_DAY_WITH_CONSEQUENCES),
            Some(date(9999, 12, 30))
        );
        assert_eq!(
            first_day_of_sixth_month_after(LAST_DAY_WITH_CONSEQUENCES),
            Some(date(9999, 12, 1))
        );
    }

    proptest! {
        #[test]
        fn every_computable_day_has_its_six_months(days in 0i32..3_000_000) {
            let d = date(1997, 12, 3).checked_add(jiff::Span::new().days(days)).unwrap_or(Date::MAX);
            prop_assert_eq!(beyond_the_calendar(d).is_none(), d <= LAST_DAY_WITH_CONSEQUENCES);
            if beyond_the_calendar(d).is_none() {
                let six = six_months_after(d);
                prop_assert!(six.is_some());
                prop_assert!(six.is_some_and(|s| s > d));
                prop_assert!(first_day_of_sixth_month_after(d).is_some_and(|s| s > d));
            }
        }
    }

    #[test]
    fn entry_into_force_cases_from_the_record() {
        // The 40th instrument (Burkina Faso, 16 September 1998) gives 1 March 1999.
        assert_eq!(
            first_day_of_sixth_month_after(date(1998, 9, 16)),
            Some(date(1999, 3, 1))
        );
        // Lithuania deposited on 12 May 2003 and was bound from 1 November 2003.
        assert_eq!(
            first_day_of_sixth_month_after(date(2003, 5, 12)),
            Some(date(2003, 11, 1))
        );
        // A deposit on the first of a month still waits six whole months.
        assert_eq!(
            first_day_of_sixth_month_after(date(2005, 7, 1)),
            Some(date(2006, 1, 1))
        );
        // Poland, 27 December 2012: 1 June 2013.
        assert_eq!(
            first_day_of_sixth_month_after(date(2012, 12, 27)),
            Some(date(2013, 6, 1))
        );
    }

    #[test]
    fn withdrawal_cases_from_the_record() {
        assert_eq!(
            six_months_after(date(2025, 6, 27)),
            Some(date(2025, 12, 27))
        );
        assert_eq!(six_months_after(date(2025, 7, 10)), Some(date(2026, 1, 10)));
        assert_eq!(six_months_after(date(2025, 8, 20)), Some(date(2026, 2, 20)));
        // Clamping: 31 August has no 31 February.
        assert_eq!(six_months_after(date(2025, 8, 31)), Some(date(2026, 2, 28)));
        assert_eq!(six_months_after(date(2023, 8, 31)), Some(date(2024, 2, 29)));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1990i16..2100, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
            let first = date(y, m, 1);
            first
                .checked_add(jiff::Span::new().days(i64::from(d) - 1))
                .unwrap_or(first)
        })
    }

    proptest! {
        #[test]
        fn entry_into_force_is_a_first_of_month_at_least_five_months_on(d in any_date()) {
            let eif = first_day_of_sixth_month_after(d).unwrap();
            prop_assert_eq!(eif.day(), 1);
            prop_assert!(eif > d);
            // Never sooner than five months and a day, never later than six months.
            prop_assert!(eif > six_months_after(d).unwrap().checked_sub(jiff::Span::new().months(1)).unwrap());
            prop_assert!(eif <= six_months_after(d).unwrap());
        }

        #[test]
        fn helpers_are_monotone(a in any_date(), b in any_date()) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(first_day_of_sixth_month_after(a) <= first_day_of_sixth_month_after(b));
            prop_assert!(six_months_after(a) <= six_months_after(b));
        }

        #[test]
        fn six_months_is_never_less_than_181_days(d in any_date()) {
            let later = six_months_after(d).unwrap();
            // Subtracting civil dates gives a span in days.
            prop_assert!((later - d).get_days() >= 181, "{d} -> {later}");
        }
    }
}
