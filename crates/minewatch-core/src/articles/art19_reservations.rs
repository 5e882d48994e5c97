//! Article 19: no reservations.
//!
//! Paraphrase: the articles of the Convention are not subject to reservations.
//! A state cannot join on terms of its own. That is why a unilateral
//! "suspension" (as Ukraine notified on 18 July 2025) cannot change what binds
//! it: the only way out is withdrawal under Article 20, with its six months and
//! its armed-conflict rule.

/// The article label used in explanations.
pub const ARTICLE: super::Citation = super::Citation::article(19);
