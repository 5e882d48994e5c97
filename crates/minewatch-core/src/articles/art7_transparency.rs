//! Article 7: transparency measures.
//!
//! Paraphrase: each State Party reports to the UN Secretary-General, as soon
//! as practicable and at the latest 180 days after the Convention enters into
//! force for it, on its implementation measures, stockpiles, mined areas,
//! retained mines, destruction programmes and more (7(1)). It updates the
//! information every year, covering the last calendar year, by 30 April
//! (7(2)).

use jiff::Span;
use jiff::civil::Date;

/// Days after entry into force by which the initial report is due (Art. 7(1)).
pub const DAYS_FOR_INITIAL_REPORT: i64 = 180;

/// The day the initial report is due.
pub fn initial_report_due(entry_into_force: Date) -> Option<Date> {
    entry_into_force
        .checked_add(Span::new().days(DAYS_FOR_INITIAL_REPORT))
        .ok()
}

/// The day the annual update covering `year` is due: 30 April of the next year.
pub fn annual_update_due(year: i16) -> Option<Date> {
    Date::new(year.checked_add(1)?, 4, 30).ok()
}

/// The calendar year covered by the next annual update due on or after `on`.
pub fn next_covering_year(on: Date) -> i16 {
    let this_year_due = Date::new(on.year(), 4, 30).unwrap_or(Date::MAX);
    if on <= this_year_due {
        on.year() - 1
    } else {
        on.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn initial_report_180_days_after_entry_into_force() {
        // Tuvalu: in force 2012-03-01, initial report due 2012-08-28.
        assert_eq!(
            initial_report_due(date(2012, 3, 1)),
            Some(date(2012, 8, 28))
        );
        // The first forty: in force 1999-03-01, due 1999-08-28.
        assert_eq!(
            initial_report_due(date(1999, 3, 1)),
            Some(date(1999, 8, 28))
        );
    }

    #[test]
    fn the_annual_update_is_due_on_30_april() {
        assert_eq!(annual_update_due(2026), Some(date(2027, 4, 30)));
        assert_eq!(next_covering_year(date(2026, 11, 28)), 2026);
        assert_eq!(next_covering_year(date(2027, 4, 30)), 2026);
        assert_eq!(next_covering_year(date(2027, 5, 1)), 2027);
        assert_eq!(next_covering_year(date(2027, 1, 1)), 2026);
    }
}
