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
