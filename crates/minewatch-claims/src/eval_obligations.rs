//! Claims about a State Party's obligations (Arts. 3, 4, 5, 7) and about the
//! treaty-status figures. The rules are the articles' (in
//! `minewatch_core::articles`) and the figures' (`minewatch_core::figures`);
//! this module only reads a verdict off them.

use jiff::civil::Date;
use minewatch_core::articles::art4_stockpile_destruction::{self as art4, Standing as Stockpile};
use minewatch_core::articles::art5_clearance::{self as art5, Standing as Clearance};
use minewatch_core::articles::art7_transparency::{self as art7, ReportStanding};
use minewatch_core::articles::{Citation, art3_retention};
use minewatch_core::figures::{Bound, FigureName, Figures};
use minewatch_core::{Iso3, SourceId, Status, thousands};

use crate::ast::{Comparison, ObligationFact, When};
use crate::eval::{Evaluator, Evidence, Outcome, Verdict, when_holds, when_words};

/// What the record says of one fact: yes, no or cannot tell, in a phrase.
enum Found {
    Yes(String),
    No(String),
    Unknown(String),
}

impl Evaluator<'_> {
    fn entry_into_force(&self, state: Iso3) -> Option<Date> {
        self.registry
            .status_changes(state)
            .iter()
            .find(|(d, s)| *s == Status::Party && *d <= self.on)
            .map(|(d, _)| *d)
    }

    /// A claim about one fact of a state's obligations.
    pub(crate) fn obligation(&self, state: Iso3, fact: ObligationFact, negated: bool) -> Verdict {
        let name = self.registry.name_of(state).to_string();
        let record = self.context.obligations();
        let Some(eif) = self.entry_into_force(state) else {
            let (status, _) = self.status_of(state);
            let reason = format!(
                "{name} is not bound by the Convention on {} (status {status}); the record holds no facts of its obligations",
                self.on
            );
            return self.verdict_of(
                Found::Unknown(reason.clone()),
                negated,
                reason,
                Vec::new(),
                Vec::new(),
            );
        };
        let mut sources: Vec<SourceId> = Vec::new();
        let (found, article, fact_words) = match fact {
            ObligationFact::StockpileDestroyed | ObligationFact::StockpileDestroyedWhen(_) => {
                let events: Vec<_> = record.stockpiles_of(state).iter().collect();
                let deadline = art4::deadline(eif).unwrap_or(Date::MAX);
                let standing = art4::standing(&events, deadline, self.on);
                for e in events.iter().filter(|e| e.date.date <= self.on) {
                    sources.extend(e.sources.iter().cloned());
                }
                let when = match fact {
                    ObligationFact::StockpileDestroyedWhen(when) => Some(when),
                    _ => None,
                };
                (
                    stockpile_found(&standing, when),
                    art4::ARTICLE,
                    match when {
                        Some(w) => (
                            format!(
                                "it completed the destruction of its stockpile {}",
                                when_words(w)
                            ),
                            String::new(),
                        ),
                        None => (
                            "it has destroyed its stockpile".to_string(),
                            "it has not destroyed its stockpile".to_string(),
                        ),
                    },
                )
            }
            ObligationFact::ClearanceDeadline(date) => {
                let events: Vec<_> = record.clearance_of(state).iter().collect();
                let (base, _) = art5::base_for(&events, eif, self.on);
                let (standing, _) = art5::standing(&events, base, self.on);
                for e in events.iter().filter(|e| e.date.date <= self.on) {
                    sources.extend(e.sources.iter().cloned());
                }
                (
                    deadline_found(&standing, date),
                    art5::ARTICLE,
                    (format!("its clearance deadline is {date}"), String::new()),
                )
            }
            ObligationFact::HasMinedAreas => {
                let events: Vec<_> = record.clearance_of(state).iter().collect();
                let (base, _) = art5::base_for(&events, eif, self.on);
                let (standing, _) = art5::standing(&events, base, self.on);
                for e in events.iter().filter(|e| e.date.date <= self.on) {
                    sources.extend(e.sources.iter().cloned());
                }
                let found = match standing {
                    Clearance::NoMinedAreas(e) => Found::No(format!(
                        "the record says it has no known mined areas ({})",
                        e.date
                    )),
                    Clearance::Completed(e) => Found::No(format!(
                        "it declared its mined areas cleared ({}), and none is recorded as found since",
                        e.date
                    )),
                    Clearance::NoRecord => {
                        Found::Unknown("the record has no clearance facts for it".to_string())
                    }
                    s => Found::Yes(match s.deadline() {
                        Some(d) if d < self.on => {
                            format!("it has mined areas to clear (its deadline, {d}, has passed)")
                        }
                        Some(d) => format!("it has mined areas to clear (deadline {d})"),
                        None => "it has mined areas to clear (no deadline on record)".to_string(),
                    }),
                };
                (
                    found,
                    art5::ARTICLE,
                    (
                        "it has mined areas".to_string(),
                        "it has no known mined areas".to_string(),
                    ),
                )
            }
            ObligationFact::InitialReportSubmitted => {
                let facts: Vec<_> = record
                    .reports_of(state)
                    .iter()
                    .filter(|r| r.initial)
                    .collect();
                let due = art7::initial_report_due(eif).unwrap_or(Date::MAX);
                for f in facts.iter().filter(|f| f.date.date <= self.on) {
                    sources.extend(f.sources.iter().cloned());
                }
                let found = match art7::standing(&facts, due, self.on) {
                    ReportStanding::Submitted { fact, .. } if fact.date_known => {
                        Found::Yes(format!("it submitted its initial report on {}", fact.date))
                    }
                    ReportStanding::Submitted { fact, .. } => Found::Yes(format!(
                        "it had submitted its initial report by {}",
                        fact.date
                    )),
                    ReportStanding::Missing(f) => Found::No(format!(
                        "its initial report, due {due}, was noted as not submitted as of {}",
                        f.date
                    )),
                    ReportStanding::Due => Found::Unknown(format!(
                        "its initial report is due {due}; the record has no submission"
                    )),
                    ReportStanding::Unknown => Found::Unknown(format!(
                        "its initial report was due {due}; the record does not say whether it was submitted"
                    )),
                };
                (
                    found,
                    art7::INITIAL,
                    (
                        "it has submitted its initial report".to_string(),
                        "it has not submitted its initial report".to_string(),
                    ),
                )
            }
            ObligationFact::RetainsMines => {
                let figures: Vec<_> = record.retained_of(state).iter().collect();
                let found = match art3_retention::latest(&figures, self.on) {
                    Some(f) => {
                        sources.extend(f.sources.iter().cloned());
                        if f.quantity > 0 {
                            Found::Yes(format!(
                                "it declared {} mines retained ({})",
                                thousands(f.quantity),
                                f.date
                            ))
                        } else {
                            Found::No(format!("it declared it retains none ({})", f.date))
                        }
                    }
                    None => Found::Unknown(
                        "the record has no declaration of mines it retains".to_string(),
                    ),
                };
                (
                    found,
                    art3_retention::ARTICLE,
                    (
                        "it retains mines".to_string(),
                        "it retains no mines".to_string(),
                    ),
                )
            }
        };
        sources.sort();
        sources.dedup();
        let detail = match &found {
            Found::Yes(d) | Found::No(d) | Found::Unknown(d) => d.clone(),
        };
        let claim = if negated { fact_words.1 } else { fact_words.0 };
        let summary = format!("{name} on {}: {detail}; the claim says {claim}", self.on);
        let evidence = vec![Evidence {
            text: format!("{name} ({state}): {detail}"),
            date: None,
            articles: vec![article],
            sources,
        }];
        self.verdict_of(found, negated, summary, evidence, vec![article])
    }

    fn verdict_of(
        &self,
        found: Found,
        negated: bool,
        summary: String,
        evidence: Vec<Evidence>,
        _articles: Vec<Citation>,
    ) -> Verdict {
        let (outcome, reasons) = match (found, negated) {
            (Found::Yes(_), false) | (Found::No(_), true) => (Outcome::Holds, vec![]),
            (Found::Yes(_), true) | (Found::No(_), false) => (Outcome::DoesNotHold, vec![]),
            (Found::Unknown(reason), _) => (Outcome::Unknown, vec![reason]),
        };
        Verdict {
            outcome,
            on: self.on,
            summary,
            counterexamples: Vec::new(),
            reasons,
            evidence,
        }
    }

    /// A claim comparing a treaty-status figure with a number.
    pub(crate) fn figure(&self, name: FigureName, comparison: Comparison, number: u32) -> Verdict {
        let figures = Figures::new(self.registry, self.context).on(self.on);
        let Some(figure) = figures.into_iter().find(|f| f.name == name) else {
            return self.verdict_of(
                Found::Unknown(format!("no figure {name}")),
                false,
                format!("no figure {name}"),
                vec![],
                vec![],
            );
        };
        let what = in_sentence(name.describe());
        let claim = format!("the claim says {} {number}", comparison.words());
        let n = u64::from(number);
        let holds = |value: u64| match comparison {
            Comparison::Equal => value == n,
            Comparison::AtLeast => value >= n,
            Comparison::AtMost => value <= n,
            Comparison::MoreThan => value > n,
            Comparison::FewerThan => value < n,
        };
        let evidence = vec![Evidence {
            text: format!(
                "{}{} {what} on {}{}",
                if figure.bound == Bound::AtLeast {
                    "at least "
                } else {
                    ""
                },
                figure
                    .value
                    .map_or("an unknown number of".to_string(), thousands),
                self.on,
                figure
                    .states
                    .as_ref()
                    .filter(|s| !s.is_empty())
                    .map(|s| format!(
                        ": {}",
                        s.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                    .unwrap_or_default()
            ),
            date: None,
            articles: figure.article.into_iter().collect(),
            sources: figure.sources.clone(),
        }];
        let (found, summary) = match (figure.value, figure.bound) {
            (None, _) => {
                let reason = figure
                    .reason
                    .clone()
                    .unwrap_or_else(|| "the record cannot compute it".to_string());
                (
                    Found::Unknown(reason.clone()),
                    format!("{what}: not known on {} ({reason}); {claim}", self.on),
                )
            }
            (Some(value), Bound::Exact) => {
                let summary = format!("{} {what} on {}; {claim}", thousands(value), self.on);
                if holds(value) {
                    (Found::Yes(summary.clone()), summary)
                } else {
                    (Found::No(summary.clone()), summary)
                }
            }
            (Some(value), Bound::AtLeast) => {
                // A lower bound decides only what every larger value decides
                // the same way.
                let summary = format!(
                    "at least {} {what} on {}; {claim}",
                    thousands(value),
                    self.on
                );
                let reason = figure.reason.clone().unwrap_or_default();
                let decided = match comparison {
                    Comparison::AtLeast | Comparison::MoreThan => holds(value).then_some(true),
                    Comparison::AtMost | Comparison::FewerThan | Comparison::Equal => {
                        (!holds(value) && value > n).then_some(false)
                    }
                };
                match decided {
                    Some(true) => (Found::Yes(summary.clone()), summary),
                    Some(false) => (Found::No(summary.clone()), summary),
                    None => (
                        Found::Unknown(format!("the figure is a lower bound: {reason}")),
                        summary,
                    ),
                }
            }
        };
        self.verdict_of(found, false, summary, evidence, vec![])
    }
}

/// A figure's description inside a sentence: "signatories that ...", but
/// "States Parties that ..." keeps its capitals.
fn in_sentence(description: &str) -> String {
    if description.starts_with("States Parties") {
        return description.to_string();
    }
    let mut chars = description.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Art. 4's standing read for "has destroyed its stockpile" (and, with a
/// time, "completed stockpile destruction in ...").
fn stockpile_found(standing: &Stockpile<'_>, when: Option<When>) -> Found {
    match (standing, when) {
        (Stockpile::Completed(e), None) => {
            Found::Yes(format!("it completed the destruction of its stockpile ({})", e.date))
        }
        (Stockpile::Completed(e), Some(w)) => {
            let date = e.date.date;
            if e.date.year_only {
                // Only the year is known: decide what the year decides.
                let first = Date::new(date.year(), 1, 1).unwrap_or(date);
                if when_holds(w, first) == when_holds(w, date) {
                    let text = format!("it completed the destruction of its stockpile in {}", date.year());
                    if when_holds(w, date) { Found::Yes(text) } else { Found::No(text) }
                } else {
                    Found::Unknown(format!(
                        "it completed the destruction of its stockpile in {}; the day is not on record",
                        date.year()
                    ))
                }
            } else if when_holds(w, date) {
                Found::Yes(format!("it completed the destruction of its stockpile on {date}"))
            } else {
                Found::No(format!("it completed the destruction of its stockpile on {date}"))
            }
        }
        (Stockpile::CompletionReported(e), None) => Found::Yes(format!(
            "its completed destruction was reported by {}",
            e.date
        )),
        (Stockpile::CompletionReported(e), Some(_)) => Found::Unknown(format!(
            "its completed destruction was reported by {}; when it was completed is not on record",
            e.date
        )),
        (Stockpile::NoStockpile(e), _) => Found::No(format!(
            "it declared it held no stockpile ({}): there was none to destroy",
            e.date
        )),
        (Stockpile::InProgress, _) => {
            Found::No("a stockpile is on record and its destruction is not complete".to_string())
        }
        (Stockpile::Missed(left), _) => Found::No(format!(
            "it still held {} mines as of {}, after its deadline",
            left.quantity.map_or("some".to_string(), thousands),
            left.date
        )),
        (Stockpile::Lapsed, _) => Found::Unknown(
            "a stockpile is on record, but neither its completed destruction nor mines held after the deadline"
                .to_string(),
        ),
        (Stockpile::StatusUnknown(e), _) => Found::Unknown(format!(
            "a source says its stockpile status is not known ({})",
            e.date
        )),
        (Stockpile::NoRecord, _) => {
            Found::Unknown("the record has no stockpile facts for it".to_string())
        }
    }
}

/// Art. 5's standing read for "its clearance deadline is DATE".
fn deadline_found(standing: &Clearance<'_>, claimed: Date) -> Found {
    match standing {
        Clearance::Open { deadline, .. } if *deadline == claimed => {
            Found::Yes(format!("its clearance deadline is {deadline}"))
        }
        Clearance::Open { deadline, .. } => {
            Found::No(format!("its clearance deadline is {deadline}"))
        }
        Clearance::Pending {
            deadline, request, ..
        } => Found::Unknown(format!(
            "its deadline {deadline} has passed and an extension requested ({}) has no outcome on record",
            request.date
        )),
        Clearance::Lapsed { deadline, .. } => Found::Unknown(format!(
            "its deadline {deadline} has passed; the record has neither a completion nor a further extension"
        )),
        Clearance::ReopenedWithoutDeadline(found) => Found::Unknown(format!(
            "mined areas were newly found ({}); the record has no deadline for them",
            found.date
        )),
        Clearance::Completed(e) => Found::No(format!(
            "it declared its mined areas cleared ({}): no deadline runs",
            e.date
        )),
        Clearance::NoMinedAreas(e) => Found::No(format!(
            "the record says it has no known mined areas ({}): no deadline runs",
            e.date
        )),
        Clearance::NoRecord => {
            Found::Unknown("the record has no clearance facts for it".to_string())
        }
    }
}
