//! What changed between two dates (valid time): every change of a state's
//! status with the article that made it, every change in the standing of
//! its obligations, the findings dated in the range (a purported
//! suspension, a withdrawal deferred by an armed conflict, an act that does
//! not fit the articles), the findings of use that came to count, and the
//! net change of each treaty-status figure.
//!
//! Nothing here is a rule of its own: statuses and their steps come from
//! the registry (Arts. 15–20), obligations from [`crate::Obligations`]
//! (Arts. 3, 4, 5, 7), figures from [`crate::figures`]. This module only
//! asks them on the right days and lists what differs.
//!
//! The range is half-open: a change dated `from` belongs to the range that
//! ends on `from`; one dated `to` belongs to this one. An obligation's
//! standing is asked on `from` and on every day inside the range where
//! something about it is dated (a step of its explanation, its deadline,
//! the day after its deadline, a change of the state's status), so a
//! deadline that passes and is then extended shows as two changes. A
//! figure's change is its net change over the range, dated `to`.

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::articles::Citation;
use crate::figures::Figures;
use crate::{Context, FindingKind, Iso3, Obligation, Obligations, Registry, SourceId, Status};

/// What kind of change.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum ChangeKind {
    /// A state's status (signature, consent, entry into force, withdrawal
    /// notified, deferred or taking effect).
    Status,
    /// The standing of one of a state's obligations.
    Obligation,
    /// A finding dated in the range.
    Finding,
    /// A finding that a state's forces used anti-personnel mines came to
    /// count (the launch of the report that made it).
    UseFinding,
    /// A treaty-status figure (net over the range).
    Figure,
}

impl ChangeKind {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Status => "status",
            ChangeKind::Obligation => "obligation",
            ChangeKind::Finding => "finding",
            ChangeKind::UseFinding => "use_finding",
            ChangeKind::Figure => "figure",
        }
    }

    /// Every kind.
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::Status,
        ChangeKind::Obligation,
        ChangeKind::Finding,
        ChangeKind::UseFinding,
        ChangeKind::Figure,
    ];

    /// Parses a contract name.
    pub fn parse(text: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One change.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Change {
    /// The day it took effect.
    pub date: Date,
    /// The state, or `None` for a figure.
    pub state: Option<Iso3>,
    /// What kind of change.
    pub kind: ChangeKind,
    /// What changed within the kind: the obligation (`stockpile_destruction`),
    /// the finding (`purported_suspension`), the figure (`states_parties`);
    /// `None` for a status.
    pub name: Option<&'static str>,
    /// Before (a status, a standing, a number), if there was one.
    pub before: Option<String>,
    /// After, if there is one.
    pub after: Option<String>,
    /// The article that made it, when one did.
    pub article: Option<Citation>,
    /// The sources of the facts behind it.
    pub sources: Vec<SourceId>,
    /// One sentence for a reader.
    pub text: String,
}

/// Which states a question is about.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only these states; `None`: every state. Figures are listed only
    /// for every state.
    pub states: Option<BTreeSet<Iso3>>,
}

impl Scope {
    /// The states that were members of a group on any day of `[from, to]`;
    /// `None` when the record has no such group.
    pub fn group(context: &Context, group: &str, from: Date, to: Date) -> Option<Scope> {
        context.group(group)?;
        let members = context
            .memberships()
            .iter()
            .filter(|m| m.group == group && m.joined <= to && m.left.is_none_or(|l| l >= from))
            .map(|m| m.state)
            .collect();
        Some(Scope {
            states: Some(members),
        })
    }

    /// Only the states both scopes cover.
    pub fn and(self, other: Scope) -> Scope {
        match (self.states, other.states) {
            (Some(a), Some(b)) => Scope {
                states: Some(a.intersection(&b).copied().collect()),
            },
            (a, b) => Scope { states: a.or(b) },
        }
    }

    fn covers(&self, state: Iso3) -> bool {
        self.states.as_ref().is_none_or(|s| s.contains(&state))
    }
}

/// Every change in `(from, to]`, by date, then state, then kind.
pub fn changes(
    registry: &Registry,
    context: &Context,
    from: Date,
    to: Date,
    scope: &Scope,
) -> Vec<Change> {
    let mut out = Vec::new();
    if to <= from {
        return out;
    }
    let inside = |d: Date| d > from && d <= to;
    let obligations = Obligations::new(registry, context);
    for state in registry.states().iter().map(|s| s.iso3) {
        if !scope.covers(state) {
            continue;
        }
        let status_days = status_changes(registry, state, from, to, &mut out);
        obligation_changes(&obligations, state, from, to, &status_days, &mut out);
        if let Some(assessment) = registry.assess(state, to) {
            for f in assessment.findings {
                let dated = f.date.filter(|d| inside(*d));
                let noted = matches!(
                    f.kind,
                    FindingKind::PurportedSuspension
                        | FindingKind::ArmedConflict
                        | FindingKind::RuleBreach
                );
                if let (Some(date), true) = (dated, noted) {
                    out.push(Change {
                        date,
                        state: Some(state),
                        kind: ChangeKind::Finding,
                        name: Some(f.kind.as_str()),
                        before: None,
                        after: Some(f.severity.as_str().to_string()),
                        article: f.article,
                        sources: f.sources,
                        text: f.text,
                    });
                }
            }
        }
    }
    for u in context.uses() {
        if inside(u.counts_from) && scope.covers(u.state) {
            let years = if u.from_year == u.to_year {
                u.from_year.to_string()
            } else {
                format!("{}–{}", u.from_year, u.to_year)
            };
            out.push(Change {
                date: u.counts_from,
                state: Some(u.state),
                kind: ChangeKind::UseFinding,
                name: Some(u.firmness.as_str()),
                before: None,
                after: Some(format!("use in {years}")),
                article: Some(Citation::point(1, 1, 'a')),
                sources: u.sources.clone(),
                text: format!(
                    "{} ({}): {}",
                    u.report
                        .as_deref()
                        .unwrap_or("a finding outside the Monitor reports"),
                    u.firmness.as_str(),
                    u.note
                ),
            });
        }
    }
    if scope.states.is_none() {
        figure_changes(registry, context, from, to, &mut out);
    }
    out.sort_by(|a, b| (a.date, a.state, a.kind, a.name).cmp(&(b.date, b.state, b.kind, b.name)));
    out
}

/// The state's status changes in the range, with the step that made each;
/// the days they happened.
fn status_changes(
    registry: &Registry,
    state: Iso3,
    from: Date,
    to: Date,
    out: &mut Vec<Change>,
) -> Vec<Date> {
    let mut days = Vec::new();
    let transitions = registry.status_changes(state);
    if !transitions.iter().any(|(d, _)| *d > from && *d <= to) {
        return days;
    }
    let steps = registry.timeline(state).unwrap_or_default();
    let mut before = registry
        .status_on(state, from)
        .unwrap_or(Status::NonSignatory);
    for &(date, after) in transitions {
        if date <= from || date > to {
            continue;
        }
        let step = steps
            .iter()
            .rev()
            .find(|s| s.date == date && s.status == Some(after));
        // A change that follows from an earlier act (a withdrawal taking
        // effect six months after its notification) cites that act's
        // sources.
        let sources = match step {
            Some(s) if !s.sources.is_empty() => s.sources.clone(),
            // The act it follows from: the latest earlier step that changed
            // the status.
            _ => steps
                .iter()
                .rev()
                .find(|s| s.date < date && s.status.is_some() && !s.sources.is_empty())
                .map(|s| s.sources.clone())
                .unwrap_or_default(),
        };
        out.push(Change {
            date,
            state: Some(state),
            kind: ChangeKind::Status,
            name: None,
            before: Some(before.as_str().to_string()),
            after: Some(after.as_str().to_string()),
            article: step.map(|s| s.article),
            sources,
            text: step.map(|s| s.text.clone()).unwrap_or_default(),
        });
        days.push(date);
        before = after;
    }
    days
}

/// The state's obligations whose standing changed in the range.
fn obligation_changes(
    obligations: &Obligations<'_>,
    state: Iso3,
    from: Date,
    to: Date,
    status_days: &[Date],
    out: &mut Vec<Change>,
) {
    let first = obligations.of(state, from);
    let last = obligations.of(state, to);
    if first.is_empty() && last.is_empty() {
        return;
    }
    // The days inside the range where something about an obligation is
    // dated; the standing can change only on such a day.
    let mut days: BTreeSet<Date> = status_days.iter().copied().collect();
    for o in first.iter().chain(&last) {
        days.extend(o.explanation.iter().map(|s| s.date));
        if let Some(d) = o.deadline {
            days.insert(d);
            if let Ok(next) = d.tomorrow() {
                days.insert(next);
            }
        }
    }
    days.insert(to);
    let mut previous = first;
    for day in days.into_iter().filter(|d| *d > from && *d <= to) {
        let current = if day == to {
            last.clone()
        } else {
            obligations.of(state, day)
        };
        for o in &current {
            let was = previous.iter().find(|p| p.kind == o.kind);
            if was.map(|p| p.state) != Some(o.state) {
                out.push(obligation_change(state, day, was, Some(o)));
            }
        }
        for p in previous
            .iter()
            .filter(|p| !current.iter().any(|o| o.kind == p.kind))
        {
            out.push(obligation_change(state, day, Some(p), None));
        }
        previous = current;
    }
}

fn obligation_change(
    state: Iso3,
    date: Date,
    before: Option<&Obligation>,
    after: Option<&Obligation>,
) -> Change {
    let either = after.or(before);
    Change {
        date,
        state: Some(state),
        kind: ChangeKind::Obligation,
        name: either.map(|o| o.kind),
        before: before.map(|o| o.state.as_str().to_string()),
        after: after.map(|o| o.state.as_str().to_string()),
        article: either.map(|o| o.article),
        sources: after
            .or(before)
            .map(|o| o.sources.clone())
            .unwrap_or_default(),
        text: match after {
            Some(o) => o.detail.clone(),
            None => "the obligation no longer applies (the state is no longer bound)".to_string(),
        },
    }
}

/// The figures whose value differs between `from` and `to`.
fn figure_changes(
    registry: &Registry,
    context: &Context,
    from: Date,
    to: Date,
    out: &mut Vec<Change>,
) {
    let figures = Figures::new(registry, context);
    let (before, after) = (figures.on(from), figures.on(to));
    for a in &after {
        let Some(b) = before.iter().find(|b| b.name == a.name) else {
            continue;
        };
        if a.value == b.value && a.bound == b.bound {
            continue;
        }
        // A yearly figure of another year is another figure, not a change.
        if a.year != b.year {
            continue;
        }
        let shown = |f: &crate::figures::Figure| {
            f.value.map(|v| match f.bound {
                crate::figures::Bound::AtLeast => format!("at least {v}"),
                crate::figures::Bound::Exact => v.to_string(),
            })
        };
        out.push(Change {
            date: to,
            state: None,
            kind: ChangeKind::Figure,
            name: Some(a.name.as_str()),
            before: shown(b),
            after: shown(a),
            article: a.article,
            sources: a.sources.clone(),
            text: format!(
                "{}: {} on {from}, {} on {to}",
                a.name.describe(),
                shown(b).unwrap_or_else(|| "unknown".into()),
                shown(a).unwrap_or_else(|| "unknown".into())
            ),
        });
    }
}
