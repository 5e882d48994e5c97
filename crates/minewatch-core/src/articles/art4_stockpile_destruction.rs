//! Article 4: destruction of stockpiled anti-personnel mines.
//!
//! Paraphrase: each State Party destroys, or ensures the destruction of, all
//! the stockpiled anti-personnel mines it owns or possesses, or that are under
//! its jurisdiction or control, as soon as possible and at the latest four
//! years after the Convention enters into force for it. (Mines kept under
//! Art. 3 for training are the one exception.)
//!
//! The deadline is the anniversary: entry into force on 1 March 2004 gives
//! 1 March 2008 (Greece). Whether it was met is a matter of record:
//!
//! - a completed destruction meets it (even late); so does a declaration of
//!   no stockpile, unless a destruction is also on record, which then counts;
//! - mines still held on or after the deadline (a figure dated then) miss it;
//! - a stockpile on record with nothing after the deadline, a source saying
//!   the status is not known, or no record at all: unknown, never met and
//!   never missed.

use jiff::civil::Date;

use crate::articles::Citation;
use crate::{StockpileEvent, StockpileEventKind, legal_date};

/// The article, for explanations.
pub const ARTICLE: Citation = Citation::article(4);

/// The years a State Party has to destroy its stockpile.
pub const YEARS_TO_DESTROY: i16 = 4;

/// The deadline for a state for which the Convention entered into force on
/// `entry_into_force`.
pub fn deadline(entry_into_force: Date) -> Option<Date> {
    legal_date::years_after(entry_into_force, YEARS_TO_DESTROY)
}

/// Where the obligation stands on a date, from the stockpile facts known then.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Standing<'a> {
    /// The state declared it holds no stockpile.
    NoStockpile(&'a StockpileEvent),
    /// Destruction completed (possibly after the deadline).
    Completed(&'a StockpileEvent),
    /// Completion reported by a date; when it happened is not on record.
    CompletionReported(&'a StockpileEvent),
    /// A stockpile is on record and the deadline is still ahead.
    InProgress,
    /// The deadline passed and mines were still held after it: the latest
    /// figure of mines remaining, dated on or after the deadline.
    Missed(&'a StockpileEvent),
    /// The deadline passed with a stockpile on record, but the record has
    /// neither a completion nor a figure of mines held after the deadline:
    /// a gap in the record as often as a breach, so not called missed.
    Lapsed,
    /// A source says the stockpile status is not known.
    StatusUnknown(&'a StockpileEvent),
    /// Nothing is recorded about the stockpile.
    NoRecord,
}

impl Standing<'_> {
    /// Whether the obligation is fulfilled: no stockpile, or destruction
    /// completed (or reported complete).
    pub fn is_met(&self) -> bool {
        matches!(
            self,
            Standing::NoStockpile(_) | Standing::Completed(_) | Standing::CompletionReported(_)
        )
    }

    /// Whether a stockpile is on record and known to be still held.
    pub fn still_held(&self) -> bool {
        matches!(self, Standing::InProgress | Standing::Missed(_))
    }
}

/// Applies Art. 4 on `on` to the state's stockpile facts (any order; only
/// those dated on or before `on` count).
pub fn standing<'a>(events: &[&'a StockpileEvent], deadline: Date, on: Date) -> Standing<'a> {
    let known: Vec<&StockpileEvent> = events
        .iter()
        .copied()
        .filter(|e| e.date.date <= on)
        .collect();
    // The latest completion: a stockpile found after a first completion and
    // destroyed in turn (Bosnia and Herzegovina, 1999 and 2007) is complete
    // again, and the later figure counts what was destroyed in all.
    if let Some(e) = known
        .iter()
        .copied()
        .filter(|e| e.kind == StockpileEventKind::Completed)
        .max_by_key(|e| e.date)
    {
        return Standing::Completed(e);
    }
    if let Some(e) = known
        .iter()
        .find(|e| e.kind == StockpileEventKind::CompletionReported)
    {
        return Standing::CompletionReported(e);
    }
    // A declaration of no stockpile, unless a destruction is on record: a
    // state that declared none and later reported destroying a stockpile
    // (Nigeria) is read by its destruction.
    if let Some(e) = known
        .iter()
        .find(|e| e.kind == StockpileEventKind::NoStockpile)
    {
        return Standing::NoStockpile(e);
    }
    if known.is_empty() {
        return Standing::NoRecord;
    }
    let holds = known.iter().any(|e| {
        matches!(
            e.kind,
            StockpileEventKind::Declared
                | StockpileEventKind::Remaining
                | StockpileEventKind::Destroyed
        )
    });
    if !holds {
        // Only a note that the status is not known.
        if let Some(e) = known
            .iter()
            .copied()
            .filter(|e| e.kind == StockpileEventKind::StatusUnknown)
            .max_by_key(|e| e.date)
        {
            return Standing::StatusUnknown(e);
        }
    }
    if on <= deadline {
        return Standing::InProgress;
    }
    let remaining = known
        .iter()
        .copied()
        .filter(|e| e.kind == StockpileEventKind::Remaining)
        .max_by_key(|e| e.date);
    match remaining {
        Some(left) if left.date.date >= deadline => Standing::Missed(left),
        _ => Standing::Lapsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FactDate, Iso3, SourceId};
    use jiff::civil::date;

    fn event(kind: StockpileEventKind, on: Date, quantity: Option<u64>) -> StockpileEvent {
        StockpileEvent {
            state: Iso3::parse("GRC").expect("code"),
            kind,
            date: FactDate::day(on),
            quantity,
            sources: vec![SourceId::new("s")],
            note: String::new(),
        }
    }

    #[test]
    fn greece_four_years_after_2004_03_01() {
        assert_eq!(deadline(date(2004, 3, 1)), Some(date(2008, 3, 1)));
        assert_eq!(deadline(date(2006, 6, 1)), Some(date(2010, 6, 1)));
        // A leap day keeps to the end of February.
        assert_eq!(deadline(date(2004, 2, 29)), Some(date(2008, 2, 29)));
        assert_eq!(deadline(date(2008, 2, 29)), Some(date(2012, 2, 29)));
    }

    #[test]
    fn missed_with_the_latest_figure_remaining() {
        let declared = event(
            StockpileEventKind::Declared,
            date(2004, 6, 1),
            Some(1_566_532),
        );
        let left_2014 = event(
            StockpileEventKind::Remaining,
            date(2014, 6, 1),
            Some(729_184),
        );
        let left_2021 = event(
            StockpileEventKind::Remaining,
            date(2021, 12, 31),
            Some(343_413),
        );
        let events = [&declared, &left_2021, &left_2014];
        let d = date(2008, 3, 1);
        assert_eq!(standing(&events, d, date(2007, 1, 1)), Standing::InProgress);
        assert_eq!(
            standing(&events, d, date(2015, 1, 1)),
            Standing::Missed(&left_2014)
        );
        assert_eq!(
            standing(&events, d, date(2026, 1, 1)),
            Standing::Missed(&left_2021)
        );
        // Declared, then nothing after the deadline: a gap, not a breach.
        assert_eq!(
            standing(&[&declared], d, date(2015, 1, 1)),
            Standing::Lapsed
        );
        // Before anything is on record, nothing is known.
        assert_eq!(standing(&events, d, date(2004, 1, 1)), Standing::NoRecord);
    }

    #[test]
    fn tuvalu_with_no_declaration_is_unknown_not_missed() {
        let note = event(StockpileEventKind::StatusUnknown, date(2024, 6, 18), None);
        let now = standing(&[&note], date(2016, 3, 1), date(2026, 12, 1));
        assert_eq!(now, Standing::StatusUnknown(&note));
        assert!(!now.is_met() && !now.still_held());
    }

    #[test]
    fn a_reported_destruction_outweighs_an_earlier_declaration_of_none() {
        let none = event(StockpileEventKind::NoStockpile, date(2004, 6, 22), None);
        let done = StockpileEvent {
            date: FactDate::year(2005).expect("year"),
            ..event(StockpileEventKind::Completed, date(2005, 1, 1), Some(9_786))
        };
        let on = date(2026, 12, 1);
        assert_eq!(
            standing(&[&none, &done], date(2005, 6, 1), on),
            Standing::Completed(&done)
        );
        assert_eq!(
            standing(&[&none], date(2005, 6, 1), on),
            Standing::NoStockpile(&none)
        );
    }

    #[test]
    fn the_latest_completion_counts() {
        let first = event(
            StockpileEventKind::Completed,
            date(1999, 11, 1),
            Some(460_727),
        );
        let again = event(
            StockpileEventKind::Completed,
            date(2007, 4, 30),
            Some(475_707),
        );
        let d = date(2003, 3, 1);
        assert_eq!(
            standing(&[&again, &first], d, date(2005, 1, 1)),
            Standing::Completed(&first)
        );
        assert_eq!(
            standing(&[&first, &again], d, date(2008, 1, 1)),
            Standing::Completed(&again)
        );
    }

    #[test]
    fn completion_meets_it_even_late() {
        let done = event(StockpileEventKind::Completed, date(2017, 4, 5), None);
        assert_eq!(
            standing(&[&done], date(2008, 3, 1), date(2020, 1, 1)),
            Standing::Completed(&done)
        );
    }
}
