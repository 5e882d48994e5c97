//! The treaty-status figures with which every annual Landmine Monitor report
//! opens, computed from the record for any date, each with the states behind
//! it and its sources.
//!
//! Every figure is a count or a sum the articles make of the record:
//!
//! - participation (Arts. 15-17, 20): States Parties (bound on the date:
//!   `party`, `withdrawing`, `withdrawal_deferred`), signatories, states that
//!   consented but are not yet bound, states whose withdrawal took effect, and
//!   the rest, which neither signed nor joined. The five add up to every
//!   current state on record.
//! - stockpiles (Art. 4): each State Party is in exactly one of completed,
//!   never held, still held or unknown; the mines destroyed and still held are
//!   sums of the figures on record.
//! - retention (Art. 3): each State Party's latest declared figure.
//! - clearance (Art. 5): ongoing, completed (and not reopened), no known mined
//!   areas, or unknown; deadlines falling in the next twelve months.
//! - reporting (Art. 7): initial reports overdue; annual updates due and
//!   submitted for the latest year whose updates fell due.
//! - casualties: the latest year the Monitor had published by the date.
//!
//! A figure the record cannot compute has no value and says why; a sum that
//! lacks some states' numbers is given as a lower bound ("at least") and
//! names them. Nothing is estimated.

use std::collections::HashMap;
use std::fmt;

use jiff::civil::Date;

use crate::articles::art4_stockpile_destruction::{self as art4, Standing as Stockpile};
use crate::articles::art5_clearance::{self as art5, Standing as Clearance};
use crate::articles::art7_transparency::{self as art7, ReportStanding};
use crate::articles::{Citation, art3_retention};
use crate::{
    ClearanceEvent, Context, Iso3, Registry, ReportFact, RetainedFigure, SourceId, StateCategory,
    Status, StockpileEvent, StockpileEventKind, legal_date,
};

macro_rules! figure_names {
    ($($variant:ident => $name:literal, $what:literal;)*) => {
        /// A figure's name. The names are part of the command-line and API
        /// contract.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum FigureName {
            $(#[doc = $what] $variant,)*
        }

        impl FigureName {
            /// Every figure, in the order they are given.
            pub const ALL: &[FigureName] = &[$(FigureName::$variant,)*];

            /// The contract name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FigureName::$variant => $name,)*
                }
            }

            /// What it counts, in a few words.
            pub fn describe(self) -> &'static str {
                match self {
                    $(FigureName::$variant => $what,)*
                }
            }

            /// Parses a contract name.
            pub fn parse(text: &str) -> Option<FigureName> {
                FigureName::ALL.iter().copied().find(|n| n.as_str() == text)
            }
        }
    };
}

figure_names! {
    StatesParties => "states_parties", "States Parties: the Convention is in force for them";
    Signatories => "signatories", "Signatories that have not deposited an instrument of consent";
    ConsentedNotInForce => "consented_not_in_force", "States whose instrument is deposited but not yet in force";
    Withdrawn => "withdrawn", "States whose withdrawal has taken effect";
    NonSignatories => "non_signatories", "States that have neither signed nor joined";
    StatesNotParty => "states_not_party", "States on record that are not States Parties (as the Monitor counts countries outside)";
    StockpileDestructionCompleted => "stockpile_destruction_completed", "States Parties that completed the destruction of their stockpiles";
    StockpileNeverHeld => "stockpile_never_held", "States Parties that declared they held no stockpile";
    StockpileStillHeld => "stockpile_still_held", "States Parties still holding stockpiled mines to destroy";
    StockpileUnknown => "stockpile_unknown", "States Parties whose stockpile status the record cannot tell";
    StockpiledMinesDestroyed => "stockpiled_mines_destroyed", "Stockpiled mines destroyed by the States Parties on record";
    StockpiledMinesRemaining => "stockpiled_mines_remaining", "Stockpiled mines still held by States Parties";
    RetainingStates => "retaining_states", "States Parties whose latest declaration retains mines under Art. 3";
    RetainedMines => "retained_mines", "Mines retained under Art. 3, by the latest declaration of each";
    RetainingNone => "retaining_none", "States Parties whose latest declaration retains none";
    RetentionUnknown => "retention_unknown", "States Parties with no declaration of mines retained on record";
    ClearanceOngoing => "clearance_ongoing", "States Parties with mined areas still to clear";
    ClearanceCompleted => "clearance_completed", "States Parties that declared their mined areas cleared, none found since";
    ClearanceNoMinedAreas => "clearance_no_known_mined_areas", "States Parties with no known mined areas";
    ClearanceUnknown => "clearance_unknown", "States Parties whose mined areas the record cannot tell";
    ClearanceDeadlinesNext12Months => "clearance_deadlines_next_12_months", "Ongoing clearance deadlines in the next twelve months";
    InitialReportOverdue => "initial_report_overdue", "States Parties whose initial report is past due and noted as not submitted";
    AnnualReportSubmitted => "annual_report_submitted", "States Parties that submitted the annual update for the latest year due";
    AnnualReportDue => "annual_report_due", "States Parties that owed the annual update for the latest year due";
    CasualtiesLatestYear => "casualties_latest_year", "Recorded mine and ERW casualties in the latest year published";
}

impl fmt::Display for FigureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a value is the number itself or a lower bound.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bound {
    /// The number.
    Exact,
    /// At least the number: some states' numbers are not on record.
    AtLeast,
}

impl Bound {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Exact => "exact",
            Bound::AtLeast => "at_least",
        }
    }
}

/// One figure on one date.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Figure {
    /// Which.
    pub name: FigureName,
    /// The number, or `None` when the record cannot compute it.
    pub value: Option<u64>,
    /// Exact or a lower bound.
    pub bound: Bound,
    /// The date.
    pub on: Date,
    /// The states counted (or whose numbers are summed), in code order;
    /// `None` for a figure that counts no states.
    pub states: Option<Vec<Iso3>>,
    /// The calendar year a yearly figure is for.
    pub year: Option<i16>,
    /// The article it applies.
    pub article: Option<Citation>,
    /// Why there is no value, or why it is a lower bound.
    pub reason: Option<String>,
    /// Every source behind it.
    pub sources: Vec<SourceId>,
}

impl Figure {
    /// A figure that counts states: exactly as many as it lists.
    fn count(
        name: FigureName,
        on: Date,
        article: Citation,
        states: Vec<Iso3>,
        sources: Vec<SourceId>,
    ) -> Figure {
        Figure {
            name,
            value: Some(states.len() as u64),
            bound: Bound::Exact,
            on,
            states: Some(states),
            year: None,
            article: Some(article),
            reason: None,
            sources,
        }
    }
}

/// A State Party's facts, gathered once.
#[derive(Default)]
struct StateFacts<'a> {
    /// The state's treaty actions: the day each counts from and its sources.
    actions: Vec<(Date, Vec<u32>)>,
    stockpile: Vec<&'a StockpileEvent>,
    clearance: Vec<&'a ClearanceEvent>,
    /// Facts of the initial report.
    initial: Vec<&'a ReportFact>,
    /// Facts of annual updates.
    annual: Vec<&'a ReportFact>,
    retained: Vec<&'a RetainedFigure>,
}

/// Computes the figures over one record. Build once, ask for many dates.
pub struct Figures<'a> {
    registry: &'a Registry,
    context: &'a Context,
    /// Current states (not former ones), with their facts.
    states: Vec<(Iso3, StateFacts<'a>)>,
    interner: Interner,
}

/// Where one State Party stands on a date, as the figures need it.
struct Standing<'a> {
    state: Iso3,
    entry_into_force: Date,
    stockpile: Stockpile<'a>,
    clearance: Clearance<'a>,
    initial: ReportStanding<'a>,
    retained: Option<&'a RetainedFigure>,
}

/// Every source id the figures can cite, in order, numbered once per
/// record: a figure's sources are gathered as a bit set over these numbers
/// and read back in id order.
struct Interner {
    ids: Vec<SourceId>,
    index: HashMap<SourceId, u32>,
}

impl Interner {
    fn new<'s>(all: impl Iterator<Item = &'s SourceId>) -> Interner {
        let mut ids: Vec<SourceId> = all.cloned().collect();
        ids.sort();
        ids.dedup();
        let index = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as u32))
            .collect();
        Interner { ids, index }
    }
}

/// Sources gathered for one figure.
struct Sources<'s> {
    interner: &'s Interner,
    bits: Vec<u64>,
}

impl<'s> Sources<'s> {
    fn new(interner: &'s Interner) -> Sources<'s> {
        Sources {
            interner,
            bits: vec![0; interner.ids.len().div_ceil(64)],
        }
    }

    fn add(&mut self, sources: &[SourceId]) {
        for id in sources {
            if let Some(&i) = self.interner.index.get(id) {
                self.bits[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
    }

    fn add_indices(&mut self, indices: &[u32]) {
        for &i in indices {
            self.bits[(i / 64) as usize] |= 1 << (i % 64);
        }
    }

    fn into_vec(self) -> Vec<SourceId> {
        let mut out = Vec::new();
        for (w, &word) in self.bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let bit = word.trailing_zeros() as usize;
                out.push(self.interner.ids[w * 64 + bit].clone());
                word &= word - 1;
            }
        }
        out
    }
}

impl<'a> Figures<'a> {
    /// The figures over this record.
    pub fn new(registry: &'a Registry, context: &'a Context) -> Figures<'a> {
        let record = context.obligations();
        let mut states: Vec<(Iso3, StateFacts<'a>)> = registry
            .states()
            .iter()
            .filter(|s| s.category != StateCategory::Former)
            .map(|s| (s.iso3, StateFacts::default()))
            .collect();
        states.sort_by_key(|(code, _)| *code);
        let index = |code: Iso3, states: &[(Iso3, StateFacts<'a>)]| {
            states.binary_search_by_key(&code, |(c, _)| *c).ok()
        };
        for e in &record.stockpiles {
            if let Some(i) = index(e.state, &states) {
                states[i].1.stockpile.push(e);
            }
        }
        for e in &record.clearance {
            if let Some(i) = index(e.state, &states) {
                states[i].1.clearance.push(e);
            }
        }
        for e in &record.reports {
            if let Some(i) = index(e.state, &states) {
                if e.initial {
                    states[i].1.initial.push(e);
                } else {
                    states[i].1.annual.push(e);
                }
            }
        }
        for e in &record.retained {
            if let Some(i) = index(e.state, &states) {
                states[i].1.retained.push(e);
            }
        }
        let interner = Interner::new(
            registry
                .actions()
                .iter()
                .flat_map(|a| a.sources.iter())
                .chain(record.stockpiles.iter().flat_map(|e| e.sources.iter()))
                .chain(record.clearance.iter().flat_map(|e| e.sources.iter()))
                .chain(record.reports.iter().flat_map(|e| e.sources.iter()))
                .chain(record.retained.iter().flat_map(|e| e.sources.iter()))
                .chain(record.casualties.iter().flat_map(|e| e.sources.iter()))
                .chain(record.reporting_rates.iter().flat_map(|e| e.sources.iter())),
        );
        for (code, facts) in &mut states {
            facts.actions = registry
                .actions_of(*code)
                .map(|a| {
                    let indices = a
                        .sources
                        .iter()
                        .filter_map(|id| interner.index.get(id).copied())
                        .collect();
                    (a.effective_date(), indices)
                })
                .collect();
        }
        Figures {
            registry,
            context,
            states,
            interner,
        }
    }

    fn entry_into_force(&self, state: Iso3) -> Option<Date> {
        self.registry
            .status_changes(state)
            .iter()
            .find(|(_, s)| *s == Status::Party)
            .map(|(d, _)| *d)
    }

    fn standing(&self, state: Iso3, facts: &StateFacts<'a>, on: Date) -> Option<Standing<'a>> {
        let eif = self.entry_into_force(state)?;
        let deadline = art4::deadline(eif).unwrap_or(Date::MAX);
        let (base, _) = art5::base_for(&facts.clearance, eif, on);
        let due = art7::initial_report_due(eif).unwrap_or(Date::MAX);
        Some(Standing {
            state,
            entry_into_force: eif,
            stockpile: art4::standing(&facts.stockpile, deadline, on),
            clearance: art5::standing(&facts.clearance, base, on).0,
            initial: art7::standing(&facts.initial, due, on),
            retained: art3_retention::latest(&facts.retained, on),
        })
    }

    /// Every figure on `on`, in [`FigureName::ALL`] order.
    pub fn on(&self, on: Date) -> Vec<Figure> {
        let mut parties: Vec<Standing<'a>> = Vec::with_capacity(self.states.len());
        let mut by_status: [Vec<Iso3>; 7] = Default::default();
        let mut participation = Sources::new(&self.interner);
        let mut party_facts: Vec<&StateFacts<'a>> = Vec::with_capacity(self.states.len());
        for (code, facts) in &self.states {
            let status = self
                .registry
                .status_on(*code, on)
                .unwrap_or(Status::NonSignatory);
            by_status[status as usize].push(*code);
            if status != Status::NonSignatory {
                for (counts_from, indices) in &facts.actions {
                    if *counts_from <= on {
                        participation.add_indices(indices);
                    }
                }
            }
            if status.is_bound()
                && let Some(standing) = self.standing(*code, facts, on)
            {
                parties.push(standing);
                party_facts.push(facts);
            }
        }
        let participation = participation.into_vec();
        let count =
            |name, states, article, sources| Figure::count(name, on, article, states, sources);
        let bound: Vec<Iso3> = parties.iter().map(|p| p.state).collect();
        let mut out = vec![
            count(
                FigureName::StatesParties,
                bound,
                Citation::article(17),
                participation.clone(),
            ),
            count(
                FigureName::Signatories,
                by_status[Status::Signatory as usize].clone(),
                Citation::article(15),
                participation.clone(),
            ),
            count(
                FigureName::ConsentedNotInForce,
                by_status[Status::Consented as usize].clone(),
                Citation::article(16),
                participation.clone(),
            ),
            count(
                FigureName::Withdrawn,
                by_status[Status::Withdrawn as usize].clone(),
                Citation::paragraph(20, 3),
                participation.clone(),
            ),
            count(
                FigureName::NonSignatories,
                by_status[Status::NonSignatory as usize].clone(),
                Citation::article(15),
                participation.clone(),
            ),
            count(
                FigureName::StatesNotParty,
                {
                    // Both lists are in code order: a merge, not a search.
                    let mut bound = parties.iter().map(|p| p.state).peekable();
                    self.states
                        .iter()
                        .map(|(code, _)| *code)
                        .filter(|code| {
                            while bound.peek().is_some_and(|b| b < code) {
                                bound.next();
                            }
                            bound.peek() != Some(code)
                        })
                        .collect()
                },
                Citation::article(17),
                participation,
            ),
        ];
        out.extend(self.stockpile_figures(&parties, on));
        out.extend(self.retention_figures(&parties, on));
        out.extend(self.clearance_figures(&parties, on));
        out.extend(self.report_figures(&parties, &party_facts, on));
        out.push(self.casualties(on));
        out
    }

    fn stockpile_figures(&self, parties: &[Standing<'a>], on: Date) -> Vec<Figure> {
        let article = art4::ARTICLE;
        let mut groups: [(Vec<Iso3>, Sources<'_>); 4] =
            std::array::from_fn(|_| (Vec::new(), Sources::new(&self.interner)));
        let mut destroyed = (0u64, Vec::new(), Sources::new(&self.interner), Vec::new());
        let mut remaining = (0u64, Vec::new(), Sources::new(&self.interner), Vec::new());
        for p in parties {
            let (slot, fact): (usize, Option<&StockpileEvent>) = match &p.stockpile {
                Stockpile::Completed(e) | Stockpile::CompletionReported(e) => (0, Some(*e)),
                Stockpile::NoStockpile(e) => (1, Some(*e)),
                Stockpile::InProgress => (2, None),
                Stockpile::Missed(e) => (2, Some(*e)),
                Stockpile::StatusUnknown(e) => (3, Some(*e)),
                Stockpile::Lapsed | Stockpile::NoRecord => (3, None),
            };
            groups[slot].0.push(p.state);
            if let Some(e) = fact {
                groups[slot].1.add(&e.sources);
            }
            match &p.stockpile {
                Stockpile::Completed(e) | Stockpile::CompletionReported(e) => match e.quantity {
                    Some(q) => {
                        destroyed.0 += q;
                        destroyed.1.push(p.state);
                        destroyed.2.add(&e.sources);
                    }
                    None => destroyed.3.push(p.state),
                },
                Stockpile::InProgress | Stockpile::Missed(_) => {
                    let facts = self.facts(p.state);
                    let latest = |kind| {
                        facts
                            .stockpile
                            .iter()
                            .copied()
                            .filter(|e| e.kind == kind && e.date.date <= on && e.quantity.is_some())
                            .max_by_key(|e| e.date)
                    };
                    match latest(StockpileEventKind::Destroyed) {
                        Some(e) => {
                            destroyed.0 += e.quantity.unwrap_or(0);
                            destroyed.1.push(p.state);
                            destroyed.2.add(&e.sources);
                        }
                        None => destroyed.3.push(p.state),
                    }
                    // Still held: the latest figure remaining (for a missed
                    // deadline, the one the rule found), else the declaration.
                    let held = match &p.stockpile {
                        Stockpile::Missed(left) => Some(*left),
                        _ => latest(StockpileEventKind::Remaining)
                            .or_else(|| latest(StockpileEventKind::Declared)),
                    };
                    groups[2].1.add(held.map_or(&[][..], |e| &e.sources[..]));
                    match held {
                        Some(e) => {
                            remaining.0 += e.quantity.unwrap_or(0);
                            remaining.1.push(p.state);
                            remaining.2.add(&e.sources);
                        }
                        None => remaining.3.push(p.state),
                    }
                }
                _ => {}
            }
        }
        let [completed, never, still, unknown] = groups;
        let group = |name, (states, sources): (Vec<Iso3>, Sources<'_>)| {
            Figure::count(name, on, article, states, sources.into_vec())
        };
        let unknown_reason = (!unknown.0.is_empty()).then(|| {
            format!(
                "the record cannot tell the stockpile status of {}",
                codes(&unknown.0)
            )
        });
        let mut figures = vec![
            group(FigureName::StockpileDestructionCompleted, completed),
            group(FigureName::StockpileNeverHeld, never),
            group(FigureName::StockpileStillHeld, still),
            Figure {
                reason: unknown_reason,
                ..group(FigureName::StockpileUnknown, unknown)
            },
        ];
        for (name, (sum, states, sources, missing), what) in [
            (FigureName::StockpiledMinesDestroyed, destroyed, "destroyed"),
            (
                FigureName::StockpiledMinesRemaining,
                remaining,
                "still held",
            ),
        ] {
            let complete = missing.is_empty();
            figures.push(Figure {
                name,
                value: Some(sum),
                bound: if complete {
                    Bound::Exact
                } else {
                    Bound::AtLeast
                },
                on,
                states: Some(states),
                year: None,
                article: Some(article),
                reason: (!complete).then(|| {
                    format!(
                        "the record has no number of mines {what} for {}",
                        codes(&missing)
                    )
                }),
                sources: sources.into_vec(),
            });
        }
        figures
    }

    fn facts(&self, state: Iso3) -> &StateFacts<'a> {
        match self.states.binary_search_by_key(&state, |(c, _)| *c) {
            Ok(i) => &self.states[i].1,
            // Every party comes from `self.states`.
            Err(_) => &self.states[0].1,
        }
    }

    fn retention_figures(&self, parties: &[Standing<'a>], on: Date) -> Vec<Figure> {
        let article = art3_retention::ARTICLE;
        let (mut retaining, mut none, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
        let (mut retaining_sources, mut none_sources) =
            (Sources::new(&self.interner), Sources::new(&self.interner));
        let mut total = 0u64;
        for p in parties {
            match p.retained {
                Some(f) if f.quantity > 0 => {
                    retaining.push(p.state);
                    retaining_sources.add(&f.sources);
                    total += f.quantity;
                }
                Some(f) => {
                    none.push(p.state);
                    none_sources.add(&f.sources);
                }
                None => unknown.push(p.state),
            }
        }
        let missing = (!unknown.is_empty()).then(|| {
            format!(
                "no declaration of mines retained is on record for {}",
                codes(&unknown)
            )
        });
        let base = |name, states, sources| Figure::count(name, on, article, states, sources);
        let retaining_sources = retaining_sources.into_vec();
        vec![
            Figure {
                bound: if unknown.is_empty() {
                    Bound::Exact
                } else {
                    Bound::AtLeast
                },
                reason: missing.clone(),
                ..base(
                    FigureName::RetainingStates,
                    retaining.clone(),
                    retaining_sources.clone(),
                )
            },
            Figure {
                value: Some(total),
                bound: if unknown.is_empty() {
                    Bound::Exact
                } else {
                    Bound::AtLeast
                },
                reason: missing.clone(),
                ..base(FigureName::RetainedMines, retaining, retaining_sources)
            },
            base(FigureName::RetainingNone, none, none_sources.into_vec()),
            Figure {
                reason: missing,
                ..base(FigureName::RetentionUnknown, unknown, Vec::new())
            },
        ]
    }

    fn clearance_figures(&self, parties: &[Standing<'a>], on: Date) -> Vec<Figure> {
        let article = art5::ARTICLE;
        let window_end = legal_date::months_after(on, 12).unwrap_or(Date::MAX);
        let mut groups: [(Vec<Iso3>, Sources<'_>); 4] =
            std::array::from_fn(|_| (Vec::new(), Sources::new(&self.interner)));
        let mut soon = (Vec::new(), Sources::new(&self.interner));
        for p in parties {
            let slot = match p.clearance {
                Clearance::Completed(_) => 1,
                Clearance::NoMinedAreas(_) => 2,
                Clearance::NoRecord => 3,
                _ => 0,
            };
            groups[slot].0.push(p.state);
            let facts = self.facts(p.state);
            for e in facts.clearance.iter().filter(|e| e.date.date <= on) {
                groups[slot].1.add(&e.sources);
            }
            if let Clearance::Open { deadline, .. } = p.clearance
                && deadline > on
                && deadline <= window_end
            {
                soon.0.push(p.state);
                for e in facts.clearance.iter().filter(|e| e.date.date <= on) {
                    soon.1.add(&e.sources);
                }
            }
        }
        let [ongoing, completed, none, unknown] = groups;
        let figure = |name, (states, sources): (Vec<Iso3>, Sources<'_>)| {
            Figure::count(name, on, article, states, sources.into_vec())
        };
        let unknown_reason = (!unknown.0.is_empty())
            .then(|| format!("the record has no clearance fact for {}", codes(&unknown.0)));
        vec![
            figure(FigureName::ClearanceOngoing, ongoing),
            figure(FigureName::ClearanceCompleted, completed),
            figure(FigureName::ClearanceNoMinedAreas, none),
            Figure {
                reason: unknown_reason,
                ..figure(FigureName::ClearanceUnknown, unknown)
            },
            figure(FigureName::ClearanceDeadlinesNext12Months, soon),
        ]
    }

    fn report_figures(
        &self,
        parties: &[Standing<'a>],
        facts: &[&StateFacts<'a>],
        on: Date,
    ) -> Vec<Figure> {
        let mut overdue = (Vec::new(), Sources::new(&self.interner));
        let mut unknown_initial = Vec::new();
        for p in parties {
            match p.initial {
                ReportStanding::Missing(f) => {
                    overdue.0.push(p.state);
                    overdue.1.add(&f.sources);
                }
                ReportStanding::Unknown => unknown_initial.push(p.state),
                _ => {}
            }
        }
        let initial = Figure {
            name: FigureName::InitialReportOverdue,
            value: Some(overdue.0.len() as u64),
            bound: if unknown_initial.is_empty() {
                Bound::Exact
            } else {
                Bound::AtLeast
            },
            on,
            states: Some(overdue.0),
            year: None,
            article: Some(art7::INITIAL),
            reason: (!unknown_initial.is_empty()).then(|| {
                format!(
                    "the record does not say whether {} submitted an initial report due before {on}",
                    codes(&unknown_initial)
                )
            }),
            sources: overdue.1.into_vec(),
        };
        // The latest year whose annual updates fell due on or before `on`.
        let year = art7::last_year_due(on);
        let due_day = art7::annual_update_due(year).unwrap_or(Date::MAX);
        let mut owed = Vec::new();
        let mut submitted = (Vec::new(), Sources::new(&self.interner));
        let mut undecided = Vec::new();
        for (p, f) in parties.iter().zip(facts) {
            let eif = p.entry_into_force;
            let bound_then = self
                .registry
                .status_on(p.state, due_day)
                .is_some_and(Status::is_bound);
            if !art7::annual_update_owed(eif, year, bound_then) {
                continue;
            }
            owed.push(p.state);
            let those: Vec<&ReportFact> = f
                .annual
                .iter()
                .copied()
                .filter(|r| r.covering == Some(year))
                .collect();
            match art7::standing(&those, due_day, on) {
                ReportStanding::Submitted { fact, .. } => {
                    submitted.0.push(p.state);
                    submitted.1.add(&fact.sources);
                }
                ReportStanding::Missing(_) => {}
                _ => undecided.push(p.state),
            }
        }
        let due = Figure {
            name: FigureName::AnnualReportDue,
            value: Some(owed.len() as u64),
            bound: Bound::Exact,
            on,
            states: Some(owed),
            year: Some(year),
            article: Some(art7::ANNUAL),
            reason: None,
            sources: Vec::new(),
        };
        let rate = self
            .context
            .obligations()
            .reporting_rates
            .iter()
            .filter(|r| r.covering == year && r.as_of.date <= on && r.submitted.is_some())
            .max_by_key(|r| r.as_of);
        let submitted = if undecided.is_empty() {
            Figure {
                name: FigureName::AnnualReportSubmitted,
                value: Some(submitted.0.len() as u64),
                bound: Bound::Exact,
                on,
                states: Some(submitted.0),
                year: Some(year),
                article: Some(art7::ANNUAL),
                reason: None,
                sources: submitted.1.into_vec(),
            }
        } else if let Some(r) = rate {
            let named = submitted.0.len();
            Figure {
                name: FigureName::AnnualReportSubmitted,
                value: r.submitted.map(u64::from),
                bound: Bound::Exact,
                on,
                states: Some(submitted.0),
                year: Some(year),
                article: Some(art7::ANNUAL),
                reason: Some(format!(
                    "as counted by the source on {}; the record names {named} of the states that submitted",
                    r.as_of
                )),
                sources: r.sources.clone(),
            }
        } else {
            Figure {
                name: FigureName::AnnualReportSubmitted,
                value: None,
                bound: Bound::Exact,
                on,
                states: Some(submitted.0),
                year: Some(year),
                article: Some(art7::ANNUAL),
                reason: Some(format!(
                    "the record does not say whether {} of the {} States Parties due submitted the update covering {year}, and no count of submissions for {year} is on record",
                    undecided.len(),
                    due.value.unwrap_or(0)
                )),
                sources: submitted.1.into_vec(),
            }
        };
        vec![initial, submitted, due]
    }

    fn casualties(&self, on: Date) -> Figure {
        let latest = self
            .context
            .obligations()
            .casualties
            .iter()
            .filter(|c| self.context.casualties_count(c.year, &c.report, on))
            .max_by_key(|c| c.year);
        match latest {
            Some(c) => Figure {
                name: FigureName::CasualtiesLatestYear,
                value: Some(c.total),
                bound: Bound::Exact,
                on,
                states: None,
                year: Some(c.year),
                article: None,
                reason: None,
                sources: c.sources.clone(),
            },
            None => Figure {
                name: FigureName::CasualtiesLatestYear,
                value: None,
                bound: Bound::Exact,
                on,
                states: None,
                year: None,
                article: None,
                reason: Some(format!(
                    "no year of casualties published by {on} is on record"
                )),
                sources: Vec::new(),
            },
        }
    }
}

/// Codes joined for a reason: "GNB, TUV".
fn codes(states: &[Iso3]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a figure computed from the record stands beside one a Monitor
/// edition states.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Agreement {
    /// The computed figure satisfies the stated one (equal; more than; at
    /// least; within 5% of "about").
    Agrees,
    /// The computed figure is a lower bound that does not contradict the
    /// stated one.
    NotContradicted,
    /// They differ.
    Differs,
    /// The record cannot compute the figure.
    NotComputed,
}

impl Agreement {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Agreement::Agrees => "agrees",
            Agreement::NotContradicted => "not_contradicted",
            Agreement::Differs => "differs",
            Agreement::NotComputed => "not_computed",
        }
    }
}

/// Compares a computed figure with a stated one.
pub fn compare(stated: &crate::StatedFigure, computed: &Figure) -> Agreement {
    use crate::Qualifier;
    let Some(ours) = computed.value else {
        return Agreement::NotComputed;
    };
    let theirs = stated.value;
    let satisfied = match stated.qualifier {
        Qualifier::Exact => ours == theirs,
        Qualifier::MoreThan => ours > theirs,
        Qualifier::AtLeast => ours >= theirs,
        // Within 5 percent, in whole numbers.
        Qualifier::About => ours.abs_diff(theirs).saturating_mul(20) <= theirs,
    };
    match (satisfied, computed.bound) {
        (true, _) => Agreement::Agrees,
        // A lower bound below the stated figure may still reach it.
        (false, Bound::AtLeast) if ours <= theirs => Agreement::NotContradicted,
        (false, _) => Agreement::Differs,
    }
}
