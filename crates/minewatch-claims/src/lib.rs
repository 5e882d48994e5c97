//! Claims: a small language for the sentences people write about the
//! Convention — "all NATO members except USA are parties", "the only
//! governments currently using AP mines are IRN, MMR, PRK, RUS" — checked
//! against the record on a date.
//!
//! A claim is read in two steps that share one pass: the tokens, then the
//! grammar of `docs/claims.md`, with the names of states, groups and
//! Landmine Monitor reports taken from the record (so "Bosnia and
//! Herzegovina" is one state, and a group exists because the data has it).
//! A claim that cannot be read gets a [`ClaimError`] pointing at the word.
//!
//! A claim read is checked on a date (the one it names, or the caller's):
//! the [`Verdict`] says `holds`, `does not hold` or `unknown` — the last
//! when the record lacks what is needed, never as a guess — with the
//! counter-examples (every state that breaks it) and the evidence (facts,
//! sources, articles). Only facts that count on or before the date are used.
//!
//! # Example
//! ```
//! use jiff::civil::date;
//! use minewatch_claims::{Checker, Outcome};
//!
//! let loaded = minewatch_registry::load_embedded().expect("the project's data");
//! let checker = Checker::new(&loaded.registry, &loaded.context);
//! let verdict = checker
//!     .check("all NATO members except USA are parties", date(2026, 11, 28))
//!     .expect("a claim");
//! assert_eq!(verdict.outcome, Outcome::DoesNotHold);
//! let names: Vec<&str> = verdict.counterexamples.iter().map(|c| c.name.as_str()).collect();
//! assert_eq!(names, ["Estonia", "Finland", "Latvia", "Lithuania", "Poland"]);
//! ```

mod ast;
mod error;
mod eval;
mod eval_obligations;
mod file;
mod lexicon;
mod parse;
mod token;

use jiff::civil::Date;
use minewatch_core::{Context, Registry};

pub use ast::{
    Claim, Comparison, Delay, Predicate, ReportRef, Selection, StateEvent, StateSet, Statement,
    TreatyFact, When,
};
pub use error::ClaimError;
pub use eval::{Counterexample, Evidence, Outcome, Verdict};
pub use file::{ClaimLine, read_claims_file};

/// Reads and checks claims against one record. Build it once: it indexes
/// the names of the record.
#[derive(Debug)]
pub struct Checker<'a> {
    registry: &'a Registry,
    context: &'a Context,
    lexicon: lexicon::Lexicon,
}

impl<'a> Checker<'a> {
    /// A checker for this record.
    pub fn new(registry: &'a Registry, context: &'a Context) -> Checker<'a> {
        Checker {
            registry,
            context,
            lexicon: lexicon::Lexicon::new(registry, context),
        }
    }

    /// Reads a claim.
    ///
    /// # Errors
    /// Where the claim stops making sense: the word, its line and column,
    /// what was expected, and close matches for an unknown state.
    pub fn parse(&self, text: &str) -> Result<Claim, ClaimError> {
        parse::parse(text, &self.lexicon, self.registry)
    }

    /// Checks a claim read by [`Checker::parse`] on its own date, or on
    /// `on` when it names none: the verdict with all its evidence.
    pub fn evaluate(&self, claim: &Claim, on: Date) -> Verdict {
        self.run(claim, on, true)
    }

    /// The verdict alone: the outcome, the summary, every counter-example
    /// and every reason, but no evidence for the states that fit the claim.
    /// Several times faster for claims over many states; the same outcome,
    /// counter-examples and reasons as [`Checker::evaluate`] (a property
    /// test checks it).
    pub fn verdict(&self, claim: &Claim, on: Date) -> Verdict {
        self.run(claim, on, false)
    }

    fn run(&self, claim: &Claim, on: Date, explain: bool) -> Verdict {
        let evaluator = eval::Evaluator {
            registry: self.registry,
            context: self.context,
            on: claim.on.unwrap_or(on),
            explain,
        };
        evaluator.check(claim)
    }

    /// Reads and checks a claim.
    ///
    /// # Errors
    /// As [`Checker::parse`].
    pub fn check(&self, text: &str, on: Date) -> Result<Verdict, ClaimError> {
        let claim = self.parse(text)?;
        Ok(self.evaluate(&claim, on))
    }
}
