//! The Anti-Personnel Mine Ban Convention's participation rules as pure
//! functions over a sourced record.
//!
//! This crate is the core of Minewatch. It holds the domain types (states,
//! treaty actions, armed conflicts, sources), one module per article in
//! [`articles`], and the [`Registry`] that answers, for any state and date,
//! where the state stands ([`Status`]) and why ([`Assessment`]).
//!
//! It does no I/O: no files, no clock, no environment. Loading `data/` is the
//! `minewatch-registry` crate's job; today's date is the caller's.
//!
//! # Example
//! ```
//! use jiff::civil::date;
//! use minewatch_core::{ActionKind, Iso3, Registry, SourceId, State, StateCategory, Status, TreatyAction};
//!
//! let ltu = Iso3::parse("LTU").unwrap();
//! let source = vec![SourceId::new("untc-2014")];
//! let state = State {
//!     iso3: ltu, name: "Lithuania".into(), category: StateCategory::UnMember,
//!     aliases: vec![], predecessor: None, sources: source.clone(),
//! };
//! let act = |kind, date| TreatyAction { state: ltu, kind, date, bound_from: None, sources: source.clone(), note: String::new() };
//! let registry = Registry::new(
//!     vec![state],
//!     vec![act(ActionKind::Signature, date(1999, 2, 26)), act(ActionKind::Ratification, date(2003, 5, 12))],
//!     vec![],
//!     vec![],
//! ).unwrap();
//! // With fewer than forty instruments on record the Convention never enters into force.
//! assert_eq!(registry.status_on(ltu, date(2010, 1, 1)), Some(Status::Consented));
//! ```

pub mod articles;
pub mod changes;
mod context;
mod engine;
mod explain;
mod fact;
pub mod figures;
mod iso3;
pub mod legal_date;
mod lookup;
mod obligation_facts;
mod obligations;
mod registry;

pub use context::{
    Context, ContextFacts, ContextSubject, ContextViolation, Firmness, Group, Membership,
    MonitorReport, ObligationRecord, PolicyEvent, TreatyEvent, TreatyEventKind, UseFinding,
};
pub use explain::{Assessment, Finding, FindingKind, Severity, Status, Step, WithdrawalOutcome};
pub use fact::{
    ActionKind, AlternativeValue, ArmedConflict, DisputedField, Predecessor, Relation,
    SourceConflict, SourceId, State, StateCategory, TreatyAction,
};
pub use iso3::Iso3;
pub use lookup::NotFound;
pub use obligation_facts::{
    CasualtyYear, ClearanceEvent, ClearanceEventKind, ContaminationEstimate, CountryCasualties,
    FactDate, Meeting, Qualifier, ReportFact, ReportingRate, RetainedFigure, StatedFigure,
    StockpileEvent, StockpileEventKind, casualty_year_counts,
};
pub use obligations::{Obligation, ObligationState, Obligations, thousands};
pub use registry::{Registry, StatusCounts, Subject, Violation};
