//! A State Party's obligations on a date — Articles 3, 4, 5 and 7 — with
//! where each stands and why.
//!
//! Obligations exist only while a state is bound. Before the Convention
//! enters into force for a state that has consented they are `not_yet_due`;
//! when its withdrawal takes effect they end (Art. 20(3)), and the
//! explanation says when, adding that its duties under other rules of
//! international law remain (Art. 20(4)). Where the record has nothing, the
//! answer is `unknown`: never `met`, never `missed`.

use std::fmt;

use jiff::civil::Date;

use crate::articles::art4_stockpile_destruction::Standing;
use crate::articles::art5_clearance::{Reading, Standing as Clearance, extensions::Applied};
use crate::articles::art7_transparency::{self as art7, ReportStanding};
use crate::articles::{
    Citation, art3_retention, art4_stockpile_destruction as art4, art5_clearance as art5,
    art17_entry_into_force, art20_withdrawal,
};
use crate::{ClearanceEventKind, Context, FactDate, Iso3, Registry, SourceId, Status, Step};

/// Where an obligation stands. The names are part of the command-line and
/// API contract.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ObligationState {
    /// It will arise when the Convention enters into force for the state.
    NotYetDue,
    /// Open, with its deadline ahead.
    Due,
    /// Fulfilled (possibly late: the detail says).
    Met,
    /// The deadline passed without it being fulfilled.
    Missed,
    /// Open, with a deadline extended under Art. 5(3)-(6).
    Extended,
    /// The state's withdrawal has taken effect; the obligation ended.
    Ended,
    /// The record cannot tell.
    Unknown,
}

impl ObligationState {
    /// Every state, in order.
    pub const ALL: [ObligationState; 7] = [
        ObligationState::NotYetDue,
        ObligationState::Due,
        ObligationState::Met,
        ObligationState::Missed,
        ObligationState::Extended,
        ObligationState::Ended,
        ObligationState::Unknown,
    ];

    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationState::NotYetDue => "not_yet_due",
            ObligationState::Due => "due",
            ObligationState::Met => "met",
            ObligationState::Missed => "missed",
            ObligationState::Extended => "extended",
            ObligationState::Ended => "ended",
            ObligationState::Unknown => "unknown",
        }
    }

    /// Whether a deadline is still to be met: `due`, `extended` or `missed`.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ObligationState::Due | ObligationState::Extended | ObligationState::Missed
        )
    }
}

impl fmt::Display for ObligationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One obligation of one state on one date.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Obligation {
    /// The article (`Art. 4`).
    pub article: Citation,
    /// What it is: `stockpile_destruction`, `mine_clearance`,
    /// `initial_report`, `annual_report`, `retained_mines`.
    pub kind: &'static str,
    /// The deadline, when it has one.
    pub deadline: Option<Date>,
    /// Where it stands.
    pub state: ObligationState,
    /// One sentence: what is known.
    pub detail: String,
    /// The steps that led there, oldest first.
    pub explanation: Vec<Step>,
    /// Every source used.
    pub sources: Vec<SourceId>,
}

/// When a state was bound: from entry into force, until its withdrawal took effect.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Bound {
    entry_into_force: Date,
    withdrawn: Option<Date>,
}

fn step(article: Citation, date: Date, text: String, sources: Vec<SourceId>) -> Step {
    Step {
        article,
        date,
        text,
        sources: dedup(sources),
        status: None,
    }
}

/// A whole number with thousands separators: 1,566,532.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// " (in 2009)" for a fact known only to its year, else nothing; written
/// straight into the sentence, without a string of its own.
fn year_only(date: FactDate) -> YearOnly {
    YearOnly(date)
}

struct YearOnly(FactDate);

/// ": 1,566,532 mines" when a number is given, else nothing.
struct Amount(Option<u64>);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(q) => write!(f, ": {} mines", thousands(q)),
            None => Ok(()),
        }
    }
}

impl fmt::Display for YearOnly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.year_only {
            write!(f, " (in {})", self.0)
        } else {
            Ok(())
        }
    }
}

/// " (the note)" when there is a note, else nothing.
fn note(text: &str) -> Note<'_> {
    Note(text)
}

struct Note<'a>(&'a str);

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, " ({})", self.0)
        }
    }
}

fn dedup(mut sources: Vec<SourceId>) -> Vec<SourceId> {
    if sources.len() > 1 {
        sources.sort_unstable();
        sources.dedup();
    }
    sources
}

/// Computes obligations for one record.
pub struct Obligations<'a> {
    registry: &'a Registry,
    context: &'a Context,
}

impl<'a> Obligations<'a> {
    /// Obligations over this record.
    pub fn new(registry: &'a Registry, context: &'a Context) -> Obligations<'a> {
        Obligations { registry, context }
    }

    /// When the state is (or will be) bound, as the record stands on `on`:
    /// `None` if it has not consented by then.
    fn bound(&self, state: Iso3, on: Date) -> Option<Bound> {
        let changes = self.registry.status_changes(state);
        let consented = changes
            .iter()
            .any(|(d, s)| *d <= on && *s >= Status::Consented);
        if !consented {
            return None;
        }
        let entry_into_force = changes
            .iter()
            .find(|(_, s)| *s == Status::Party)
            .map(|(d, _)| *d)?;
        let withdrawn = changes
            .iter()
            .find(|(d, s)| *s == Status::Withdrawn && *d <= on)
            .map(|(d, _)| *d);
        Some(Bound {
            entry_into_force,
            withdrawn,
        })
    }

    /// The sources of the acts that made the state bound.
    fn binding_sources(&self, state: Iso3, until: Date) -> Vec<SourceId> {
        dedup(
            self.registry
                .actions_of(state)
                .filter(|a| a.effective_date() <= until && a.kind != crate::ActionKind::Withdrawal)
                .flat_map(|a| a.sources.iter().cloned())
                .collect(),
        )
    }

    /// Every obligation of `state` on `on`, or none if it had not consented
    /// to be bound by then.
    pub fn of(&self, state: Iso3, on: Date) -> Vec<Obligation> {
        let Some(bound) = self.bound(state, on) else {
            return Vec::new();
        };
        let eif = bound.entry_into_force;
        let name = self.registry.name_of(state);
        let eif_step = step(
            art17_entry_into_force::ARTICLE,
            eif,
            format!("The Convention enters into force for {name}"),
            self.binding_sources(state, eif),
        );
        // A withdrawn state's obligations are told as they stood on its last
        // day as a party, then ended.
        let as_of = match bound.withdrawn {
            Some(w) => w.yesterday().unwrap_or(w).min(on),
            None => on,
        };
        let withdrawal_sources = if bound.withdrawn.is_some() {
            dedup(
                self.registry
                    .actions_of(state)
                    .filter(|a| a.kind == crate::ActionKind::Withdrawal)
                    .flat_map(|a| a.sources.iter().cloned())
                    .collect(),
            )
        } else {
            Vec::new()
        };
        let mut list = vec![
            self.stockpile(state, eif, as_of),
            self.clearance(state, eif, as_of),
            self.initial_report(state, eif, as_of),
            self.annual_report(state, eif, as_of),
            self.retention(state, as_of),
        ];
        for obligation in &mut list {
            obligation.explanation.insert(0, eif_step.clone());
            if eif > on {
                obligation.state = ObligationState::NotYetDue;
                obligation.detail = format!(
                    "arises when the Convention enters into force for {name} on {eif}; {}",
                    obligation.detail
                );
            }
            obligation.explanation.sort_by_key(|s| s.date);
            if let Some(ended) = bound.withdrawn {
                let sources = withdrawal_sources.clone();
                obligation.explanation.push(step(
                    art20_withdrawal::EFFECT,
                    ended,
                    format!(
                        "{name}'s withdrawal takes effect: this obligation under the Convention ends on {ended} \
                         (Art. 20(4): its duties under other rules of international law remain)"
                    ),
                    sources.clone(),
                ));
                obligation.detail = format!(
                    "ended on {ended}, when {name}'s withdrawal took effect; before that: {}",
                    obligation.detail
                );
                obligation.state = ObligationState::Ended;
                obligation.sources.extend(sources);
            }
            let mut all: Vec<SourceId> = obligation
                .explanation
                .iter()
                .flat_map(|s| s.sources.iter().cloned())
                .collect();
            all.append(&mut obligation.sources);
            obligation.sources = dedup(all);
        }
        list
    }

    fn stockpile(&self, state: Iso3, eif: Date, on: Date) -> Obligation {
        let events: Vec<_> = self
            .context
            .obligations()
            .stockpiles_of(state)
            .iter()
            .collect();
        let deadline = art4::deadline(eif);
        let mut explanation = Vec::new();
        if let Some(d) = deadline {
            explanation.push(step(
                art4::ARTICLE,
                d,
                format!(
                    "Deadline to destroy its stockpile: four years after entry into force, {d}"
                ),
                vec![],
            ));
        }
        for e in events.iter().filter(|e| e.date.date <= on) {
            let amount = Amount(e.quantity);
            let label = match e.kind {
                crate::StockpileEventKind::Declared => "Stockpile declared",
                crate::StockpileEventKind::Completed => "Stockpile destruction completed",
                crate::StockpileEventKind::Remaining => "Still held",
                crate::StockpileEventKind::NoStockpile => "Declares no stockpile",
                crate::StockpileEventKind::Destroyed => "Destroyed so far",
                crate::StockpileEventKind::CompletionReported => "Completion reported",
                crate::StockpileEventKind::StatusUnknown => "Stockpile status noted as not known",
            };
            explanation.push(step(
                art4::ARTICLE,
                e.date.date,
                format!("{label}{amount}{}{}", year_only(e.date), note(&e.note)),
                e.sources.clone(),
            ));
        }
        let d = deadline.unwrap_or(Date::MAX);
        let (state_now, detail) = match art4::standing(&events, d, on) {
            Standing::NoStockpile(e) => (
                ObligationState::Met,
                format!("declared no stockpile ({})", e.date),
            ),
            Standing::Completed(e) => {
                let count = e
                    .quantity
                    .map(|q| format!(" ({} mines)", thousands(q)))
                    .unwrap_or_default();
                let late = if e.date.date > d {
                    format!(", after the {d} deadline")
                } else {
                    String::new()
                };
                (
                    ObligationState::Met,
                    format!("destruction completed {}{count}{late}", e.date),
                )
            }
            Standing::CompletionReported(e) => (
                ObligationState::Met,
                if e.date.date > d {
                    format!(
                        "completion reported by {}; whether it came before the {d} deadline is not on record",
                        e.date
                    )
                } else {
                    format!("completion reported by {}", e.date)
                },
            ),
            Standing::InProgress => (
                ObligationState::Due,
                format!("stockpile on record; destruction due by {d}"),
            ),
            Standing::Missed(left) => (
                ObligationState::Missed,
                format!(
                    "deadline {d} passed; {} mines still held as of {}",
                    left.quantity.map_or("some".to_string(), thousands),
                    left.date
                ),
            ),
            Standing::Lapsed => (
                ObligationState::Unknown,
                format!(
                    "deadline {d} passed; the record has neither a completion nor a figure of mines still held after it"
                ),
            ),
            Standing::StatusUnknown(e) => (
                ObligationState::Unknown,
                format!(
                    "its stockpile status is not known ({}{}); the deadline is {d}",
                    e.date,
                    note_tail(&e.note)
                ),
            ),
            Standing::NoRecord => (
                ObligationState::Unknown,
                format!(
                    "the record has no stockpile declaration or destruction; the deadline is {d}"
                ),
            ),
        };
        Obligation {
            article: art4::ARTICLE,
            kind: "stockpile_destruction",
            deadline,
            state: state_now,
            detail,
            explanation,
            sources: vec![],
        }
    }

    fn clearance(&self, state: Iso3, eif: Date, on: Date) -> Obligation {
        let record = self.context.obligations();
        let events: Vec<_> = record.clearance_of(state).iter().collect();
        let (base, set_for_it) = art5::base_for(&events, eif, on);
        let (standing, readings) = art5::standing(&events, base, on);
        let mut explanation = Vec::new();
        let has_areas = standing.is_ongoing()
            || readings
                .iter()
                .any(|r| !matches!(r, Reading::NoMinedAreas(_)));
        if has_areas {
            let how = if set_for_it {
                "as set for it"
            } else {
                "ten years after entry into force"
            };
            explanation.push(step(
                art5::DEADLINE,
                base,
                format!("Deadline to clear its mined areas: {how}, {base}"),
                vec![],
            ));
        }
        let meeting_name = |e: &crate::ClearanceEvent| {
            e.meeting
                .as_deref()
                .and_then(|id| record.meeting(id))
                .map(|m| format!("{} ({})", m.name, m.held))
        };
        let meeting_sources = |e: &crate::ClearanceEvent| {
            let mut sources = e.sources.clone();
            if let Some(m) = e.meeting.as_deref().and_then(|id| record.meeting(id)) {
                sources.extend(m.sources.iter().cloned());
            }
            sources
        };
        for reading in &readings {
            let (article, e, text) = match *reading {
                Reading::Grant(e, applied) => {
                    let who = meeting_name(e)
                        .unwrap_or_else(|| format!("A meeting of States Parties ({})", e.date));
                    let new = e.deadline.unwrap_or(base);
                    let interim = if e.note.to_ascii_lowercase().contains("interim") {
                        "an interim extension"
                    } else {
                        "an extension"
                    };
                    let text = match applied {
                        Applied::Replaced { from } => format!(
                            "{who} grants {interim}: the deadline moves from {from} to {new}"
                        ),
                        Applied::Refused { current } => format!(
                            "{who} records a deadline of {new}, not later than {current}: not an extension, not applied"
                        ),
                    };
                    (art5::EXTENSION, e, text)
                }
                Reading::Completed(e) => {
                    let at = meeting_name(e)
                        .map(|m| format!(" at the {m}"))
                        .unwrap_or_default();
                    (
                        art5::DEADLINE,
                        e,
                        format!(
                            "Declares its mined areas cleared{at}{}{}",
                            year_only(e.date),
                            note(&e.note)
                        ),
                    )
                }
                Reading::NewlyFound {
                    event,
                    reopened,
                    deadline,
                } => {
                    let then = match (reopened, deadline) {
                        (true, Some(d)) => {
                            format!(": the obligation reopens; the deadline set for them is {d}")
                        }
                        (true, None) => {
                            ": the obligation reopens; the record has no deadline for them"
                                .to_string()
                        }
                        (false, Some(d)) => format!("; the deadline is {d}"),
                        (false, None) => String::new(),
                    };
                    let what = if event.kind == ClearanceEventKind::NewlyFound {
                        "Reports newly found mined areas"
                    } else {
                        "Reports mined areas under its jurisdiction or control"
                    };
                    (
                        art5::DEADLINE,
                        event,
                        format!("{what}{}{then}{}", year_only(event.date), note(&event.note)),
                    )
                }
                Reading::Requested(e) => (
                    art5::REQUEST,
                    e,
                    format!(
                        "Requests an extension{}{}; the outcome is not on record",
                        year_only(e.date),
                        e.deadline.map(|d| format!(" to {d}")).unwrap_or_default()
                    ),
                ),
                Reading::NoMinedAreas(e) => (
                    art5::ARTICLE,
                    e,
                    format!(
                        "No known mined areas under its jurisdiction or control{}{}",
                        year_only(e.date),
                        note(&e.note)
                    ),
                ),
            };
            explanation.push(step(article, e.date.date, text, meeting_sources(e)));
        }
        let reopened_by = |found: Option<&crate::ClearanceEvent>| {
            found
                .map(|f| format!("reopened by mined areas newly found ({}); ", f.date))
                .unwrap_or_default()
        };
        let (state_now, detail) = match standing {
            Clearance::NoMinedAreas(e) => (
                ObligationState::Met,
                format!("no known mined areas ({})", e.date),
            ),
            Clearance::Completed(e) => (
                ObligationState::Met,
                format!("declared its mined areas cleared ({})", e.date),
            ),
            Clearance::Open {
                deadline,
                extended,
                reopened,
            } => (
                if extended {
                    ObligationState::Extended
                } else {
                    ObligationState::Due
                },
                format!(
                    "{}clearance due by {deadline}{}",
                    reopened_by(reopened),
                    if extended { ", as extended" } else { "" }
                ),
            ),
            Clearance::Pending {
                deadline,
                request,
                reopened,
            } => (
                ObligationState::Unknown,
                format!(
                    "{}deadline {deadline} passed; an extension was requested ({}) and its outcome is not on record",
                    reopened_by(reopened),
                    request.date
                ),
            ),
            Clearance::Lapsed { deadline, reopened } => (
                ObligationState::Unknown,
                format!(
                    "{}deadline {deadline} passed; the record has neither a completion nor a further extension",
                    reopened_by(reopened)
                ),
            ),
            Clearance::ReopenedWithoutDeadline(found) => (
                ObligationState::Unknown,
                format!(
                    "reopened by mined areas newly found ({}); the record has no deadline for them",
                    found.date
                ),
            ),
            Clearance::NoRecord => (
                ObligationState::Unknown,
                "the record has no clearance data: whether it has mined areas is not recorded"
                    .to_string(),
            ),
        };
        Obligation {
            article: art5::ARTICLE,
            kind: "mine_clearance",
            deadline: standing.deadline().or_else(|| {
                // Met or unknown: the last deadline that was in force.
                has_areas.then(|| {
                    readings.iter().fold(base, |d, r| match *r {
                        Reading::Grant(e, Applied::Replaced { .. }) => e.deadline.unwrap_or(d),
                        Reading::NewlyFound {
                            deadline: Some(n), ..
                        } => n,
                        _ => d,
                    })
                })
            }),
            state: state_now,
            detail,
            explanation,
            sources: vec![],
        }
    }

    fn report_facts(
        &self,
        state: Iso3,
        on: Date,
        initial: bool,
        covering: Option<i16>,
    ) -> Vec<&crate::ReportFact> {
        self.context
            .obligations()
            .reports_of(state)
            .iter()
            .filter(|r| r.date.date <= on && r.initial == initial && r.covering == covering)
            .collect()
    }

    fn report_step(article: Citation, what: &str, f: &crate::ReportFact) -> Step {
        let how = match (f.submitted, f.date_known) {
            (true, true) => "submitted",
            (true, false) => "noted as submitted by this date",
            (false, _) => "noted as not submitted",
        };
        step(
            article,
            f.date.date,
            format!("{what} {how}{}{}", year_only(f.date), note(&f.note)),
            f.sources.clone(),
        )
    }

    fn initial_report(&self, state: Iso3, eif: Date, on: Date) -> Obligation {
        let due = art7::initial_report_due(eif);
        let d = due.unwrap_or(Date::MAX);
        let facts = self.report_facts(state, on, true, None);
        let mut explanation = vec![step(
            art7::INITIAL,
            d,
            format!("Initial transparency report due 180 days after entry into force, {d}"),
            vec![],
        )];
        for f in &facts {
            explanation.push(Self::report_step(art7::INITIAL, "Initial report", f));
        }
        let (state_now, detail) = match art7::standing(&facts, d, on) {
            ReportStanding::Submitted {
                fact,
                late: Some(true),
            } => (
                ObligationState::Met,
                format!("submitted {}, after the {d} deadline", fact.date),
            ),
            ReportStanding::Submitted {
                fact,
                late: Some(false),
            } if fact.date_known => (ObligationState::Met, format!("submitted {}", fact.date)),
            ReportStanding::Submitted { fact, late } => (
                ObligationState::Met,
                format!(
                    "submitted by {}{}",
                    fact.date,
                    if late.is_none() {
                        "; when, and whether by the deadline, is not on record"
                    } else {
                        ""
                    }
                ),
            ),
            ReportStanding::Missing(f) => (
                ObligationState::Missed,
                format!("due {d}; still not submitted as of {}", f.date),
            ),
            ReportStanding::Due => (ObligationState::Due, format!("due {d}")),
            ReportStanding::Unknown => (
                ObligationState::Unknown,
                format!("due {d}; the record does not say whether it was submitted"),
            ),
        };
        Obligation {
            article: art7::INITIAL,
            kind: "initial_report",
            deadline: due,
            state: state_now,
            detail,
            explanation,
            sources: vec![],
        }
    }

    /// The next annual update: covering the current (or just ended) calendar
    /// year, due on the next 30 April.
    fn annual_report(&self, state: Iso3, eif: Date, on: Date) -> Obligation {
        let year = art7::next_covering_year(on.max(eif));
        let due = art7::annual_update_due(year);
        let d = due.unwrap_or(Date::MAX);
        let facts = self.report_facts(state, on, false, Some(year));
        let previous = self.report_facts(state, on, false, Some(year - 1));
        let mut explanation = vec![step(
            art7::ANNUAL,
            d,
            format!("Annual update covering {year} due by 30 April, {d}"),
            vec![],
        )];
        // The previous update, when the record says anything of it.
        for f in previous.iter().chain(facts.iter()) {
            let what = format!("Annual update covering {}", f.covering.unwrap_or_default());
            explanation.push(Self::report_step(art7::ANNUAL, &what, f));
        }
        let (state_now, detail) = match art7::standing(&facts, d, on) {
            ReportStanding::Submitted { fact, .. } => (
                ObligationState::Met,
                format!("covering {year}: submitted {}", fact.date),
            ),
            // The next update is never past due on the day asked about.
            _ => {
                let last = art7::annual_update_due(year - 1).unwrap_or(Date::MIN);
                let before = match art7::standing(&previous, last, on) {
                    ReportStanding::Submitted { fact, .. } => {
                        format!(
                            "; the update covering {} was submitted {}",
                            year - 1,
                            fact.date
                        )
                    }
                    ReportStanding::Missing(f) => format!(
                        "; the update covering {} was noted as not submitted ({})",
                        year - 1,
                        f.date
                    ),
                    _ => String::new(),
                };
                (
                    ObligationState::Due,
                    format!("covering {year}: due {d}{before}"),
                )
            }
        };
        Obligation {
            article: art7::ANNUAL,
            kind: "annual_report",
            deadline: due,
            state: state_now,
            detail,
            explanation,
            sources: vec![],
        }
    }

    fn retention(&self, state: Iso3, on: Date) -> Obligation {
        let figures: Vec<_> = self
            .context
            .obligations()
            .retained_of(state)
            .iter()
            .collect();
        let latest = art3_retention::latest(&figures, on);
        let mut explanation = Vec::new();
        for f in figures.iter().filter(|f| f.date.date <= on) {
            let text = if f.quantity == 0 {
                format!(
                    "Retains no mines for training{}{}",
                    year_only(f.date),
                    note(&f.note)
                )
            } else {
                format!(
                    "{} mines retained for training{}{}",
                    thousands(f.quantity),
                    year_only(f.date),
                    note(&f.note)
                )
            };
            explanation.push(step(
                art3_retention::ARTICLE,
                f.date.date,
                text,
                f.sources.clone(),
            ));
        }
        let (state_now, detail) = match latest {
            Some(f) if f.quantity == 0 => (
                ObligationState::Met,
                format!("retains no mines ({})", f.date),
            ),
            Some(f) => (
                ObligationState::Unknown,
                format!(
                    "retains {} mines ({}); whether that is the minimum absolutely necessary is a judgement the record cannot make",
                    thousands(f.quantity),
                    f.date
                ),
            ),
            None => (
                ObligationState::Unknown,
                "the record has no figure of mines retained".to_string(),
            ),
        };
        Obligation {
            article: art3_retention::ARTICLE,
            kind: "retained_mines",
            deadline: None,
            state: state_now,
            detail,
            explanation,
            sources: vec![],
        }
    }
}

fn note_tail(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}
