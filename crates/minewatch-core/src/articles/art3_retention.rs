//! Article 3: exceptions.
//!
//! Paraphrase: despite the general obligations of Article 1, a State Party may
//! keep or transfer a number of anti-personnel mines for the development of
//! and training in mine detection, clearance or destruction techniques; the
//! amount must not exceed the minimum number absolutely necessary for those
//! purposes (3(1)). Transfer for the purpose of destruction is permitted (3(2)).
//!
//! The record holds retention "as reported". Whether a number is the minimum
//! absolutely necessary is a judgement the record cannot make: a state that
//! retains none plainly keeps within the exception; for any other number the
//! answer is the figure, with its date and source, and no verdict.

use crate::RetainedFigure;
use crate::articles::Citation;

/// The article, for explanations.
pub const ARTICLE: Citation = Citation::article(3);
use jiff::civil::Date;

/// The latest figure reported on or before `on`.
pub fn latest<'a>(figures: &[&'a RetainedFigure], on: Date) -> Option<&'a RetainedFigure> {
    figures
        .iter()
        .copied()
        .filter(|f| f.date.date <= on)
        .max_by_key(|f| f.date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FactDate, Iso3, SourceId};
    use jiff::civil::date;

    #[test]
    fn the_latest_figure_counts() {
        let figure = |year, quantity| RetainedFigure {
            state: Iso3::parse("GRC").expect("code"),
            date: FactDate::year(year).expect("year"),
            quantity,
            sources: vec![SourceId::new("s")],
            note: String::new(),
        };
        let (a, b) = (figure(2004, 7_224), figure(2009, 6_158));
        assert_eq!(latest(&[&b, &a], date(2010, 1, 1)), Some(&b));
        assert_eq!(latest(&[&b, &a], date(2005, 1, 1)), Some(&a));
        assert_eq!(latest(&[&b, &a], date(2004, 6, 1)), None);
    }
}
