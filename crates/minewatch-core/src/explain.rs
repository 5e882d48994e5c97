//! What an answer is made of: the status, the steps that produced it ("why?"),
//! and the findings a reader should know about.

use std::fmt;

use jiff::civil::Date;

use crate::articles::Citation;
use crate::{Iso3, SourceId};

/// Where a state stands towards the Convention on a date. These names are
/// part of the command-line and API contract.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Status {
    /// Neither signed nor consented to be bound.
    NonSignatory,
    /// Signed (Art. 15), no instrument of consent deposited.
    Signatory,
    /// Instrument of consent deposited (Art. 16), not yet in force for it (Art. 17).
    Consented,
    /// The Convention is in force for it (a State Party).
    Party,
    /// A notification of withdrawal was received; it is still bound until
    /// six months have passed (Art. 20(3)).
    Withdrawing,
    /// Six months have passed but it is engaged in an armed conflict, so the
    /// withdrawal waits for the end of that conflict (Art. 20(3)); still bound.
    WithdrawalDeferred,
    /// The withdrawal has taken effect; no longer bound.
    Withdrawn,
}

impl Status {
    /// Every status, in the order of a state's life.
    pub const ALL: [Status; 7] = [
        Status::NonSignatory,
        Status::Signatory,
        Status::Consented,
        Status::Party,
        Status::Withdrawing,
        Status::WithdrawalDeferred,
        Status::Withdrawn,
    ];

    /// The contract name (`non_signatory`, `party`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NonSignatory => "non_signatory",
            Status::Signatory => "signatory",
            Status::Consented => "consented",
            Status::Party => "party",
            Status::Withdrawing => "withdrawing",
            Status::WithdrawalDeferred => "withdrawal_deferred",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// Parses a contract name.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the Convention binds the state: `party`, `withdrawing` or
    /// `withdrawal_deferred`.
    pub fn is_bound(self) -> bool {
        matches!(
            self,
            Status::Party | Status::Withdrawing | Status::WithdrawalDeferred
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of an explanation: a rule of an article applied to a dated fact.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Step {
    /// The article and paragraph applied, as "Art. 17(2)", or "succession".
    pub article: Citation,
    /// The date the step is about.
    pub date: Date,
    /// A sentence for a reader.
    pub text: String,
    /// The sources of the facts used.
    pub sources: Vec<SourceId>,
    /// The status from this date on, when the step changes it.
    pub status: Option<Status>,
}

/// What a finding is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FindingKind {
    /// Two sources give different values for a fact.
    ConflictingSources,
    /// A state notified a "suspension", which the Convention does not provide for.
    PurportedSuspension,
    /// A recorded act does not fit the articles (a ratification without
    /// signature, a signature after the Convention closed for signature, ...).
    RuleBreach,
    /// A withdrawal would be, or is, deferred by an armed conflict (Art. 20(3)).
    ArmedConflict,
    /// The state no longer exists.
    FormerState,
}

impl FindingKind {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::ConflictingSources => "conflicting_sources",
            FindingKind::PurportedSuspension => "purported_suspension",
            FindingKind::RuleBreach => "rule_breach",
            FindingKind::ArmedConflict => "armed_conflict",
            FindingKind::FormerState => "former_state",
        }
    }
}

/// How much a finding matters to the answer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Severity {
    /// Worth knowing; the answer stands.
    Info,
    /// The answer stands, but a reader should check the point.
    Warning,
}

impl Severity {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
        }
    }
}

/// Something about the record that a reader of an answer should know.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// The date of the fact concerned.
    pub date: Option<Date>,
    /// The article concerned, if one is.
    pub article: Option<Citation>,
    /// A sentence for a reader.
    pub text: String,
    /// The sources concerned.
    pub sources: Vec<SourceId>,
}

/// A notification of withdrawal and what follows from it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WithdrawalOutcome {
    /// The date the depositary received the notification.
    pub received: Date,
    /// Six months after receipt (Art. 20(3)).
    pub six_months_after: Date,
    /// Whether the state was engaged in an armed conflict on that date, so that
    /// the withdrawal waits for the conflict's end.
    pub deferred_by_armed_conflict: bool,
    /// The date it takes effect, or `None` while deferred with no known end.
    pub effective: Option<Date>,
}

/// The answer for a state on a date, with its reasons.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Assessment {
    /// The state asked about.
    pub state: Iso3,
    /// The date asked about.
    pub on: Date,
    /// Where it stands.
    pub status: Status,
    /// When the Convention entered (or will enter) into force for it, as far
    /// as is known on `on`.
    pub entry_into_force: Option<Date>,
    /// Its withdrawal, if one was notified by `on`.
    pub withdrawal: Option<WithdrawalOutcome>,
    /// Whether it applies Art. 1(1) provisionally on `on` (Art. 18).
    pub provisional_application: bool,
    /// The steps, oldest first, that led to the status.
    pub steps: Vec<Step>,
    /// What a reader should know.
    pub findings: Vec<Finding>,
}
