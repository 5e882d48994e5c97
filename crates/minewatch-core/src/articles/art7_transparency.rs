//! Article 7: transparency measures.
//!
//! Paraphrase: each State Party reports to the UN Secretary-General, as soon
//! as practicable and at the latest 180 days after the Convention enters into
//! force for it, on its implementation measures, stockpiles, mined areas,
//! retained mines, destruction programmes and more (7(1)). It updates the
//! information every year, covering the last calendar year, by 30 April
//! (7(2)).

use jiff::civil::Date;

use crate::articles::Citation;
use crate::{ReportFact, legal_date};

/// The initial report.
pub const INITIAL: Citation = Citation::paragraph(7, 1);
/// The annual update.
pub const ANNUAL: Citation = Citation::paragraph(7, 2);

/// Days after entry into force by which the initial report is due (Art. 7(1)).
pub const DAYS_FOR_INITIAL_REPORT: i32 = 180;

/// The day the initial report is due.
pub fn initial_report_due(entry_into_force: Date) -> Option<Date> {
    legal_date::days_after(entry_into_force, DAYS_FOR_INITIAL_REPORT)
}

/// The day the annual update covering `year` is due: 30 April of the next year.
pub fn annual_update_due(year: i16) -> Option<Date> {
    legal_date::thirtieth_april_after(year)
}

/// The latest calendar year whose annual update was due on or before `on`.
pub fn last_year_due(on: Date) -> i16 {
    if annual_update_due(on.year() - 1).is_some_and(|d| d <= on) {
        on.year() - 1
    } else {
        on.year() - 2
    }
}

/// Whether a State Party owes the annual update covering `year`: the
/// Convention was in force for it before that year ended, and it was still
/// bound when the update fell due. `bound_on_due` is whether it was bound on
/// the due day.
pub fn annual_update_owed(entry_into_force: Date, year: i16, bound_on_due: bool) -> bool {
    bound_on_due && entry_into_force.year() <= year
}

/// Where a report stands on a date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReportStanding<'a> {
    /// Submitted (the earliest submission on record); `late` if after the
    /// due day, `None` when only a date it had been submitted by is known
    /// and that date is after the due day.
    Submitted {
        /// The fact.
        fact: &'a ReportFact,
        /// Whether it came after the due day, if the record can tell.
        late: Option<bool>,
    },
    /// Not yet due.
    Due,
    /// Past due, and a source notes it as not submitted.
    Missing(&'a ReportFact),
    /// Past due, and the record does not say.
    Unknown,
}

impl ReportStanding<'_> {
    /// Whether the report is on record as submitted.
    pub fn submitted(&self) -> bool {
        matches!(self, ReportStanding::Submitted { .. })
    }
}

/// A report's standing on `on` from the facts about that report (the
/// initial report, or the update covering one year), due on `due`.
pub fn standing<'a>(facts: &[&'a ReportFact], due: Date, on: Date) -> ReportStanding<'a> {
    let known = facts.iter().copied().filter(|f| f.date.date <= on);
    let submitted = known.clone().filter(|f| f.submitted).min_by_key(|f| f.date);
    if let Some(fact) = submitted {
        let after = fact.date.date > due;
        return ReportStanding::Submitted {
            fact,
            late: if fact.date_known || !after {
                Some(after)
            } else {
                None
            },
        };
    }
    if on <= due {
        return ReportStanding::Due;
    }
    match known.filter(|f| !f.submitted).max_by_key(|f| f.date) {
        Some(f) => ReportStanding::Missing(f),
        None => ReportStanding::Unknown,
    }
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
    fn the_last_year_due() {
        assert_eq!(last_year_due(date(2026, 12, 1)), 2025);
        assert_eq!(last_year_due(date(2026, 4, 30)), 2025);
        assert_eq!(last_year_due(date(2026, 4, 29)), 2024);
        assert!(annual_update_owed(date(2012, 3, 1), 2012, true));
        assert!(!annual_update_owed(date(2025, 12, 1), 2024, true));
        assert!(!annual_update_owed(date(2004, 3, 1), 2025, false));
    }

    #[test]
    fn tuvalu_initial_report_missing() {
        let fact = |submitted: bool, on| ReportFact {
            state: crate::Iso3::parse("TUV").expect("code"),
            initial: true,
            covering: None,
            submitted,
            date_known: true,
            date: crate::FactDate::day(on),
            sources: vec![crate::SourceId::new("s")],
            note: String::new(),
        };
        let due = date(2012, 8, 28);
        let noted = fact(false, date(2015, 6, 18));
        assert_eq!(
            standing(&[&noted], due, date(2012, 1, 1)),
            ReportStanding::Due
        );
        assert_eq!(
            standing(&[&noted], due, date(2013, 1, 1)),
            ReportStanding::Unknown
        );
        assert_eq!(
            standing(&[&noted], due, date(2016, 1, 1)),
            ReportStanding::Missing(&noted)
        );
        let sent = fact(true, date(2027, 1, 5));
        assert_eq!(
            standing(&[&noted, &sent], due, date(2027, 2, 1)),
            ReportStanding::Submitted {
                fact: &sent,
                late: Some(true)
            }
        );
        // "Submitted by" a date after the deadline: late or not is unknown.
        let by = ReportFact {
            date_known: false,
            ..fact(true, date(2015, 6, 18))
        };
        assert_eq!(
            standing(&[&by], due, date(2016, 1, 1)),
            ReportStanding::Submitted {
                fact: &by,
                late: None
            }
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
