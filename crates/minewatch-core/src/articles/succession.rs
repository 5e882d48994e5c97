//! Succession of states.
//!
//! The Convention has no article on succession; the depositary's practice
//! and the law of treaties supply the rule. A new state that notifies the
//! depositary that it succeeds to the Convention is bound from the date of
//! succession (usually its independence), not from the notification and not
//! by Art. 17(2) timing: South Sudan notified on 11 November 2011 and is bound
//! from its independence on 9 July 2011. Sources may read a case differently
//! (the Landmine Monitor dates Montenegro by Art. 17(2) from its 2006
//! notification); the registry keeps both readings and reports the conflict.
//!
//! A state that continues the legal personality of another (Serbia for Serbia
//! and Montenegro) needs no notification: its predecessor's acts are its own.

/// The label used in explanations in place of an article number.
pub const ARTICLE: super::Citation = super::Citation::Succession;
