//! The facts of the record: states, treaty actions, armed conflicts, and the
//! places where sources disagree.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;

use crate::Iso3;

/// The id of a row of `data/sources.csv`; every fact carries at least one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct SourceId(Arc<str>);

impl SourceId {
    /// Wraps a source id.
    pub fn new(id: &str) -> SourceId {
        SourceId(Arc::from(id))
    }

    /// The id as written in the data.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of participant in the international system a state is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StateCategory {
    /// A member of the United Nations.
    UnMember,
    /// A non-member observer state of the UN General Assembly (Holy See, State of Palestine).
    Observer,
    /// A state that is not a UN member and takes part in treaties through the
    /// Secretary-General's "all states" practice (Cook Islands, Niue).
    NonMember,
    /// A state that no longer exists; its acts count for its continuator.
    Former,
}

impl StateCategory {
    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            StateCategory::UnMember => "un_member",
            StateCategory::Observer => "observer",
            StateCategory::NonMember => "non_member",
            StateCategory::Former => "former",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<StateCategory> {
        Some(match text {
            "un_member" => StateCategory::UnMember,
            "observer" => StateCategory::Observer,
            "non_member" => StateCategory::NonMember,
            "former" => StateCategory::Former,
            _ => return None,
        })
    }
}

/// How a state relates to the state it came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Relation {
    /// The same international person under a new name or shape: the
    /// predecessor's acts are this state's acts (Serbia for Serbia and Montenegro).
    Continuation,
    /// A new state; it becomes bound only by its own notification of succession
    /// (Montenegro, South Sudan).
    Succession,
}

impl Relation {
    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Continuation => "continuation",
            Relation::Succession => "succession",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<Relation> {
        match text {
            "continuation" => Some(Relation::Continuation),
            "succession" => Some(Relation::Succession),
            _ => None,
        }
    }
}

/// A link from a state to the state it came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Predecessor {
    /// The predecessor's code.
    pub state: Iso3,
    /// Continuation or succession.
    pub relation: Relation,
    /// The date of the change (independence, dissolution).
    pub since: Date,
}

/// A state of the registry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct State {
    /// Its ISO 3166-1 alpha-3 code.
    pub iso3: Iso3,
    /// Its name as the UN depositary writes it.
    pub name: String,
    /// UN member, observer, non-member or former state.
    pub category: StateCategory,
    /// Other names people use for it.
    pub aliases: Vec<String>,
    /// The state it came from, if any.
    pub predecessor: Option<Predecessor>,
    /// Where the row comes from.
    pub sources: Vec<SourceId>,
}

/// The kinds of treaty action the depositary records.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ActionKind {
    /// Signature (Art. 15).
    Signature,
    /// Ratification by a signatory (Art. 16(1)).
    Ratification,
    /// Acceptance by a signatory (Art. 16(1)).
    Acceptance,
    /// Approval by a signatory (Art. 16(1)).
    Approval,
    /// Accession by a state that did not sign (Art. 16(2)).
    Accession,
    /// Notification of succession by a new state.
    Succession,
    /// Declaration that Art. 1(1) is applied provisionally (Art. 18).
    ProvisionalApplication,
    /// Notification of withdrawal (Art. 20(2)).
    Withdrawal,
    /// A notice that a state "suspends" the Convention. The Convention has no
    /// such clause: the act is recorded and has no legal effect on status.
    Suspension,
}

impl ActionKind {
    /// Every kind, in the order the data documents them.
    pub const ALL: [ActionKind; 9] = [
        ActionKind::Signature,
        ActionKind::Ratification,
        ActionKind::Acceptance,
        ActionKind::Approval,
        ActionKind::Accession,
        ActionKind::Succession,
        ActionKind::ProvisionalApplication,
        ActionKind::Withdrawal,
        ActionKind::Suspension,
    ];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Signature => "signature",
            ActionKind::Ratification => "ratification",
            ActionKind::Acceptance => "acceptance",
            ActionKind::Approval => "approval",
            ActionKind::Accession => "accession",
            ActionKind::Succession => "succession",
            ActionKind::ProvisionalApplication => "provisional_application",
            ActionKind::Withdrawal => "withdrawal",
            ActionKind::Suspension => "suspension",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether this is an instrument of consent to be bound under Art. 16
    /// (ratification, acceptance, approval or accession). Succession is not:
    /// it does not count towards the forty instruments of Art. 17(1).
    pub fn is_consent(self) -> bool {
        matches!(
            self,
            ActionKind::Ratification
                | ActionKind::Acceptance
                | ActionKind::Approval
                | ActionKind::Accession
        )
    }
}

/// One act of a state recorded by the depositary.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TreatyAction {
    /// The acting state.
    pub state: Iso3,
    /// What it did.
    pub kind: ActionKind,
    /// The date of signature, of deposit, or of receipt of the notification.
    pub date: Date,
    /// For a succession only: the date from which the successor is bound
    /// (usually its independence), which precedes the notification.
    pub bound_from: Option<Date>,
    /// Where the fact comes from (at least one).
    pub sources: Vec<SourceId>,
    /// A short note for a reader.
    pub note: String,
}

impl TreatyAction {
    /// The date from which the act counts: `bound_from` for a succession,
    /// else its own date.
    pub fn effective_date(&self) -> Date {
        self.bound_from.unwrap_or(self.date)
    }
}

/// An armed conflict, recorded for Art. 20(3).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ArmedConflict {
    /// A short stable id.
    pub id: String,
    /// The states engaged in it.
    pub states: Vec<Iso3>,
    /// A name a reader recognises.
    pub name: String,
    /// When it began.
    pub start: Date,
    /// When it ended, if it has.
    pub end: Option<Date>,
    /// Where the fact comes from.
    pub sources: Vec<SourceId>,
}

impl ArmedConflict {
    /// Whether `state` is engaged in this conflict on `on`, given only what
    /// was known on `known_on` (an end after `known_on` is not yet known).
    pub fn engages(&self, state: Iso3, on: Date, known_on: Date) -> bool {
        let ended = self.end.is_some_and(|end| end <= on && end <= known_on);
        self.states.contains(&state) && self.start <= on && !ended
    }
}

/// Which field of a treaty action two sources disagree on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DisputedField {
    /// The date of the act.
    Date,
    /// The kind of instrument (ratification or acceptance, say).
    Kind,
    /// For a succession, the date from which the successor is bound.
    BoundFrom,
}

impl DisputedField {
    /// The column name used in the data.
    pub fn as_str(self) -> &'static str {
        match self {
            DisputedField::Date => "date",
            DisputedField::Kind => "action",
            DisputedField::BoundFrom => "bound_from",
        }
    }
}

/// The alternative value a source gives for a field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AlternativeValue {
    /// Another date.
    Date(Date),
    /// Another kind of instrument.
    Kind(ActionKind),
}

impl fmt::Display for AlternativeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlternativeValue::Date(d) => write!(f, "{d}"),
            AlternativeValue::Kind(k) => f.write_str(k.as_str()),
        }
    }
}

/// Two sources disagree about one treaty action: the registry keeps the
/// value of its main source in the action, and the other here.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SourceConflict {
    /// Index of the disputed action in [`crate::Registry::actions`].
    pub action: usize,
    /// The disputed field.
    pub field: DisputedField,
    /// The other source's value.
    pub alternative: AlternativeValue,
    /// The sources that give the alternative.
    pub sources: Vec<SourceId>,
    /// What the disagreement is.
    pub note: String,
}
