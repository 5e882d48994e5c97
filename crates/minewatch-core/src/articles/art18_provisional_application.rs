//! Article 18: provisional application.
//!
//! Paraphrase: when it ratifies, accepts, approves or accedes, a state may
//! declare that it will apply the prohibitions of Article 1(1) provisionally,
//! until the Convention enters into force for it. Such a state is not yet a
//! State Party; it is bound by its own declaration to the core prohibitions in
//! the meantime. Chile is the one state whose Article 18 declaration the
//! record holds (2001).

/// The article label used in explanations.
pub const ARTICLE: super::Citation = super::Citation::article(18);
