//! The Convention's articles, one module each: participation (15-20 and
//! succession) and the obligations of a State Party (3, 4, 5, 7).
//!
//! Every module opens with a paraphrase of its article (never the text) and
//! holds the rules that article makes, as pure functions of dates and facts.
//! The engine in [`crate::engine`] calls them in the order a state's acts
//! happened.

pub mod art15_signature;
pub mod art16_consent;
pub mod art17_entry_into_force;
pub mod art18_provisional_application;
pub mod art19_reservations;
pub mod art20_withdrawal;
pub mod art3_retention;
pub mod art4_stockpile_destruction;
pub mod art5_clearance;
pub mod art7_transparency;
pub mod succession;

use std::fmt;

/// What a step of reasoning applies: an article of the Convention,
/// optionally a paragraph or a range of paragraphs (printed `Art. 20`,
/// `Art. 20(3)`, `Art. 5(3)-(6)`), or the law of succession of states, which
/// the Convention does not govern (printed `succession`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Citation {
    /// An article of the Convention.
    Convention {
        /// The article number.
        article: u8,
        /// The paragraph, if one is cited.
        paragraph: Option<u8>,
        /// The last paragraph of a range, if a range is cited.
        through: Option<u8>,
        /// The lettered sub-paragraph, if one is cited: (a) of Art. 1(1)(a).
        point: Option<char>,
    },
    /// A notification of succession (the law of treaties, not the Convention).
    Succession,
}

impl Citation {
    /// A whole article.
    pub const fn article(article: u8) -> Citation {
        Citation::Convention {
            article,
            paragraph: None,
            through: None,
            point: None,
        }
    }

    /// One paragraph of an article.
    pub const fn paragraph(article: u8, paragraph: u8) -> Citation {
        Citation::Convention {
            article,
            paragraph: Some(paragraph),
            through: None,
            point: None,
        }
    }

    /// A range of paragraphs of an article.
    pub const fn paragraphs(article: u8, first: u8, last: u8) -> Citation {
        Citation::Convention {
            article,
            paragraph: Some(first),
            through: Some(last),
            point: None,
        }
    }

    /// A lettered sub-paragraph: `Citation::point(1, 1, 'a')` is Art. 1(1)(a).
    pub const fn point(article: u8, paragraph: u8, point: char) -> Citation {
        Citation::Convention {
            article,
            paragraph: Some(paragraph),
            through: None,
            point: Some(point),
        }
    }

    /// The article number, for a citation of the Convention.
    pub fn article_number(self) -> Option<u8> {
        match self {
            Citation::Convention { article, .. } => Some(article),
            Citation::Succession => None,
        }
    }
}

impl Citation {
    fn write(&self, out: &mut String) {
        use fmt::Write as _;
        match *self {
            Citation::Convention {
                article,
                paragraph,
                through,
                point,
            } => {
                let _ = write!(out, "Art. {article}");
                if let Some(p) = paragraph {
                    let _ = write!(out, "({p})");
                }
                if let Some(p) = point {
                    let _ = write!(out, "({p})");
                }
                if let Some(t) = through {
                    let _ = write!(out, "-({t})");
                }
            }
            Citation::Succession => out.push_str("succession"),
        }
    }
}

/// Honours width and alignment (`{:<13}`), so columns of citations line up.
impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(16);
        self.write(&mut out);
        f.pad(&out)
    }
}

/// Citations printed and joined: `Art. 15, Art. 17`.
pub fn join(citations: &[Citation]) -> String {
    citations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares with the printed form: `citation == "Art. 20(3)"`.
impl PartialEq<&str> for Citation {
    fn eq(&self, other: &&str) -> bool {
        let mut out = String::with_capacity(16);
        self.write(&mut out);
        out == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Citation;

    #[test]
    fn citations_print_as_a_reader_writes_them() {
        assert_eq!(Citation::article(4).to_string(), "Art. 4");
        assert_eq!(Citation::paragraph(20, 3).to_string(), "Art. 20(3)");
        assert_eq!(Citation::paragraphs(5, 3, 6).to_string(), "Art. 5(3)-(6)");
        assert_eq!(Citation::Succession.to_string(), "succession");
        assert_eq!(Citation::point(1, 1, 'c').to_string(), "Art. 1(1)(c)");
        assert!(Citation::paragraph(17, 2) == "Art. 17(2)");
        assert_eq!(format!("{:<8}|", Citation::article(4)), "Art. 4  |");
    }
}
