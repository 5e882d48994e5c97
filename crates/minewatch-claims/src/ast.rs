//! What a claim says, once read: the statement and the date it is about.

use jiff::civil::Date;
use minewatch_core::{Iso3, Status};

/// A claim, read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Claim {
    /// The date written in the claim (`on 2025-01-17, ...`), which overrides
    /// the date the claim is checked on.
    pub on: Option<Date>,
    /// What it says.
    pub statement: Statement,
}

/// A set of states a claim quantifies over.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StateSet {
    /// The members of a group on the date (`NATO members`).
    Group(String),
    /// The states named (`all of LTU, LVA`).
    List(Vec<Iso3>),
    /// Every state that exists.
    AllStates,
    /// The states bound on the date (`parties`).
    Parties,
    /// The states that have signed by the date (`signatories`).
    Signatories,
}

/// A set with the states it leaves out (`NATO members except USA`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Selection {
    /// The set.
    pub set: StateSet,
    /// The states left out.
    pub except: Vec<Iso3>,
}

/// What a claim says of a state.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Predicate {
    /// Bound by the Convention: `party`, `withdrawing` or `withdrawal_deferred`.
    Party,
    /// Has signed (Art. 15).
    Signed,
    /// Has exactly this status.
    Status(Status),
    /// Has notified a withdrawal that has not yet taken effect.
    Withdrawing,
    /// A member of a group.
    MemberOf(String),
    /// Bound by the prohibitions of Art. 1; the verbs the claim named.
    Prohibited(Vec<String>),
}

/// A comparison in a counting claim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Comparison {
    /// `is N`, `is exactly N`.
    Equal,
    /// `is at least N`.
    AtLeast,
    /// `is at most N`.
    AtMost,
    /// `is more than N`.
    MoreThan,
    /// `is fewer than N`.
    FewerThan,
}

impl Comparison {
    /// Whether `count` compares so with `n`.
    pub fn holds(self, count: usize, n: u32) -> bool {
        let n = n as usize;
        match self {
            Comparison::Equal => count == n,
            Comparison::AtLeast => count >= n,
            Comparison::AtMost => count <= n,
            Comparison::MoreThan => count > n,
            Comparison::FewerThan => count < n,
        }
    }

    /// The words for it.
    pub fn words(self) -> &'static str {
        match self {
            Comparison::Equal => "exactly",
            Comparison::AtLeast => "at least",
            Comparison::AtMost => "at most",
            Comparison::MoreThan => "more than",
            Comparison::FewerThan => "fewer than",
        }
    }
}

/// When an event is said to have happened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum When {
    /// `in 2003`.
    InYear(i16),
    /// `on 2003-11-01`.
    On(Date),
    /// `before 2004`, `before 2004-01-01`: strictly earlier.
    Before(Date),
    /// `after 2002`, `after 2002-12-31`: strictly later.
    After(Date),
    /// `by 2003`, `by 2003-12-31`: on or before.
    By(Date),
    /// At any time up to the claim's date ("withdrew from the Convention").
    Ever,
}

/// A dated event in a state's life under the Convention.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StateEvent {
    /// The Convention entered into force for it (Art. 17).
    BecameParty,
    /// It signed (Art. 15).
    Signed,
    /// It deposited an instrument of consent or notified succession (Art. 16).
    Consented,
    /// It deposited a notification of withdrawal (Art. 20(2)).
    NotifiedWithdrawal,
    /// Its withdrawal took effect (Art. 20(3)).
    Withdrew,
}

/// Which Landmine Monitor report a use claim is about.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ReportRef {
    /// The latest report launched on or before the claim's date.
    Current,
    /// A named report.
    Named(String),
}

/// A dated fact of the Convention's own history.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TreatyFact {
    /// Adopted by the diplomatic conference.
    Adopted,
    /// Opened for signature (Art. 15).
    OpenedForSignature,
    /// Entered into force (Art. 17(1)), as computed from the record.
    EnteredIntoForce,
}

/// How a claim says a withdrawal takes effect.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Delay {
    /// "would not take effect until six months after its notice": no earlier.
    NoEarlierThanSixMonths,
    /// "takes effect six months after notice": on that day exactly.
    ExactlySixMonths,
}

/// A fact of a State Party's obligations (Arts. 3, 4, 5, 7) that a claim
/// asserts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ObligationFact {
    /// "has destroyed its stockpile" (Art. 4).
    StockpileDestroyed,
    /// "completed stockpile destruction in 2008" (Art. 4).
    StockpileDestroyedWhen(When),
    /// "'s clearance deadline is 2030-12-31" (Art. 5).
    ClearanceDeadline(Date),
    /// "has mined areas" (Art. 5).
    HasMinedAreas,
    /// "has submitted its initial report" (Art. 7(1)).
    InitialReportSubmitted,
    /// "retains mines" (Art. 3).
    RetainsMines,
}

/// What a claim says.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Statement {
    /// `all S are P` (or `are not P` when `negated`).
    Every {
        /// The states.
        set: Selection,
        /// What is said of each.
        predicate: Predicate,
        /// Whether the claim says they are not.
        negated: bool,
    },
    /// `no S is P`.
    NoneIs {
        /// The states.
        set: Selection,
        /// What none of them is said to be.
        predicate: Predicate,
    },
    /// `X is P`, `X is not P`.
    Is {
        /// The state.
        state: Iso3,
        /// What is said of it.
        predicate: Predicate,
        /// Whether the claim says it is not.
        negated: bool,
    },
    /// `the number of S [that are P] is N`.
    Count {
        /// The states counted.
        set: Selection,
        /// The condition on them, if any.
        predicate: Option<Predicate>,
        /// How the number compares.
        comparison: Comparison,
        /// The number.
        number: u32,
    },
    /// `X became a party in 2003`.
    Event {
        /// The state.
        state: Iso3,
        /// What happened.
        event: StateEvent,
        /// When it is said to have happened.
        when: When,
    },
    /// `the only governments using AP mines are A, B` (exactly these).
    UsersAre {
        /// Which report.
        report: ReportRef,
        /// The states said to use them, and no others.
        states: Vec<Iso3>,
    },
    /// `X uses AP mines`, `X used AP mines in LM2023`.
    Uses {
        /// The state.
        state: Iso3,
        /// Which report.
        report: ReportRef,
        /// Whether the claim says it does not.
        negated: bool,
    },
    /// `X used AP mines in 2023`.
    UsedInYear {
        /// The state.
        state: Iso3,
        /// The calendar year.
        year: i16,
        /// Whether the claim says it did not.
        negated: bool,
    },
    /// `X has not used AP mines since 1991` (or `has used` when not `negated`).
    UsedSince {
        /// The state.
        state: Iso3,
        /// The last year before the span the claim is about.
        year: i16,
        /// Whether the claim says it has not.
        negated: bool,
    },
    /// `no S uses AP mines`.
    NoneUses {
        /// The states.
        set: Selection,
        /// Which report.
        report: ReportRef,
    },
    /// `X policy on use is korea_only`, `X policy forbids use outside the Korean peninsula`.
    Policy {
        /// The state.
        state: Iso3,
        /// The topic (`use`, `transfer`).
        topic: String,
        /// The position said to be in force.
        position: String,
    },
    /// `the Convention was adopted in 1997`.
    Treaty {
        /// Which fact.
        fact: TreatyFact,
        /// When it is said to have happened.
        when: When,
    },
    /// `a withdrawal by X would not take effect until six months after its notice`.
    Withdrawal {
        /// The state.
        state: Iso3,
        /// What is said of the delay.
        delay: Delay,
    },
    /// A fact of one state's obligations, or its negation.
    Obligation {
        /// The state.
        state: Iso3,
        /// The fact.
        fact: ObligationFact,
        /// Whether the claim denies it.
        negated: bool,
    },
    /// A treaty-status figure compared with a number: "more than 90 States
    /// Parties have completed stockpile destruction".
    Figure {
        /// The figure.
        figure: minewatch_core::figures::FigureName,
        /// How it is compared.
        comparison: Comparison,
        /// With what.
        number: u32,
    },
}
