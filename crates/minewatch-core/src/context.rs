//! The record around participation: the groups states belong to, what the
//! Landmine Monitor found about the use of anti-personnel mines, national
//! policy on mines, and the dated facts of the Convention itself.
//!
//! Claims are checked against these facts together with the [`Registry`]
//! (crate::Registry). Every fact carries its sources and a date from which
//! it counts ([`Context::cut`] keeps only those that count on a date), so a
//! claim about a date can be checked with nothing that came later.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::obligation_facts::{
    CasualtyYear, ClearanceEvent, ClearanceEventKind, ContaminationEstimate, CountryCasualties,
    Meeting, ReportFact, ReportingRate, RetainedFigure, StatedFigure, StockpileEvent,
};
use crate::{Iso3, SourceId};

/// A group of states, such as NATO or the European Union.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Group {
    /// The short name used in the data and in claims (`NATO`, `EU`).
    pub id: String,
    /// The full name.
    pub name: String,
    /// Other names a person may use.
    pub aliases: Vec<String>,
    /// Where the group's definition comes from.
    pub sources: Vec<SourceId>,
}

/// A state's membership of a group over a span of days.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Membership {
    /// The group's id.
    pub group: String,
    /// The member.
    pub state: Iso3,
    /// The first day of membership.
    pub joined: Date,
    /// The last day of membership, if it ended (the United Kingdom's last day
    /// in the European Union was 2020-01-31).
    pub left: Option<Date>,
    /// Where the dates come from.
    pub sources: Vec<SourceId>,
    /// Anything a reader should know (a source giving another date, ...).
    pub note: String,
}

impl Membership {
    /// Whether the state is a member on `on`.
    pub fn covers(&self, on: Date) -> bool {
        self.joined <= on && self.left.is_none_or(|left| on <= left)
    }
}

/// An annual report of the Landmine Monitor.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MonitorReport {
    /// The short name used in the data and in claims (`LM2024`).
    pub id: String,
    /// The title (`Landmine Monitor 2024`).
    pub title: String,
    /// The day it was launched; its findings count from this day.
    pub published: Date,
    /// The first calendar year its reporting period touches.
    pub period_from: i16,
    /// The last calendar year its reporting period touches.
    pub period_to: i16,
    /// The reporting period in the report's own words ("mid-2023 to October 2024").
    pub period: String,
    /// Where the report's dates come from.
    pub sources: Vec<SourceId>,
}

/// How firm a finding of use is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Firmness {
    /// The Monitor (or the state itself) confirms the use.
    Confirmed,
    /// Reported or alleged, but not confirmed.
    Alleged,
    /// Alleged by others and denied by the government concerned, unconfirmed.
    Denied,
}

impl Firmness {
    /// Every firmness, firmest first.
    pub const ALL: [Firmness; 3] = [Firmness::Confirmed, Firmness::Alleged, Firmness::Denied];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Firmness::Confirmed => "confirmed",
            Firmness::Alleged => "alleged",
            Firmness::Denied => "denied",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<Firmness> {
        Firmness::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// A finding that a state's government forces used anti-personnel mines.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UseFinding {
    /// The state whose forces are concerned.
    pub state: Iso3,
    /// The Monitor report that made the finding, if one did.
    pub report: Option<String>,
    /// The first calendar year of the use.
    pub from_year: i16,
    /// The last calendar year of the use.
    pub to_year: i16,
    /// How firm the finding is.
    pub firmness: Firmness,
    /// The day from which the finding counts: the report's launch, or for a
    /// finding outside the reports the last day of its last year.
    pub counts_from: Date,
    /// Where the finding comes from.
    pub sources: Vec<SourceId>,
    /// What was used, where, and what the state said.
    pub note: String,
}

/// A dated statement of a state's policy on one topic (use, transfer, ...).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PolicyEvent {
    /// The state.
    pub state: Iso3,
    /// The day the policy was announced or signed.
    pub date: Date,
    /// The topic (`use`, `transfer`, ...).
    pub topic: String,
    /// The position taken, a short name (`korea_only`, ...).
    pub position: String,
    /// What the policy says, in a sentence.
    pub summary: String,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
}

/// A dated fact of the Convention's own history.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum TreatyEventKind {
    /// The text was adopted by the diplomatic conference.
    Adopted,
    /// The Convention was opened for signature (Art. 15).
    OpenedForSignature,
}

impl TreatyEventKind {
    /// Every kind.
    pub const ALL: [TreatyEventKind; 2] = [
        TreatyEventKind::Adopted,
        TreatyEventKind::OpenedForSignature,
    ];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            TreatyEventKind::Adopted => "adopted",
            TreatyEventKind::OpenedForSignature => "opened_for_signature",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<TreatyEventKind> {
        TreatyEventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A dated fact of the Convention's history.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TreatyEvent {
    /// What happened.
    pub kind: TreatyEventKind,
    /// When.
    pub date: Date,
    /// Where.
    pub place: String,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
}

/// A problem found when the context's facts are checked against each other.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ContextViolation {
    /// Which fact: the file's kind and the index of the fact in its list.
    pub subject: ContextSubject,
    /// The column at fault.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The fact a [`ContextViolation`] is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ContextSubject {
    /// A group, by index.
    Group(usize),
    /// A membership, by index.
    Membership(usize),
    /// A Monitor report, by index.
    Report(usize),
    /// A finding of use, by index.
    Use(usize),
    /// A policy event, by index.
    Policy(usize),
    /// A treaty event, by index.
    TreatyEvent(usize),
    /// A meeting, by index.
    Meeting(usize),
    /// A stockpile fact, by index.
    Stockpile(usize),
    /// A clearance fact, by index.
    Clearance(usize),
    /// An Article 7 report fact, by index.
    Report7(usize),
    /// A retained-mines figure, by index.
    Retained(usize),
    /// A year of global casualties, by index.
    Casualties(usize),
    /// A country's casualties in a year, by index.
    CountryCasualties(usize),
    /// An Article 7 reporting rate, by index.
    ReportingRate(usize),
    /// A figure stated by a Monitor edition, by index.
    StatedFigure(usize),
    /// A contamination estimate, by index.
    Contamination(usize),
}

/// The facts around participation, checked.
#[derive(Clone, Default, Debug)]
pub struct Context {
    groups: Vec<Group>,
    memberships: Vec<Membership>,
    reports: Vec<MonitorReport>,
    uses: Vec<UseFinding>,
    policies: Vec<PolicyEvent>,
    treaty_events: Vec<TreatyEvent>,
    /// Whether the record holds the Convention's own dates at all (kept by
    /// [`Context::cut`]): then a date not yet reached is "not yet", not unknown.
    treaty_events_recorded: bool,
    obligations: ObligationRecord,
}

/// The facts behind Articles 3, 4, 5 and 7 and the humanitarian record.
#[derive(Clone, Default, Debug)]
pub struct ObligationRecord {
    /// Meetings of States Parties and Review Conferences.
    pub meetings: Vec<Meeting>,
    /// Stockpile facts (Art. 4).
    pub stockpiles: Vec<StockpileEvent>,
    /// Clearance facts (Art. 5).
    pub clearance: Vec<ClearanceEvent>,
    /// Article 7 report facts.
    pub reports: Vec<ReportFact>,
    /// Retained mines (Art. 3).
    pub retained: Vec<RetainedFigure>,
    /// Global casualties by year.
    pub casualties: Vec<CasualtyYear>,
    /// Casualties by country and year.
    pub country_casualties: Vec<CountryCasualties>,
    /// Contamination estimates.
    pub contamination: Vec<ContaminationEstimate>,
    /// Annual Article 7 reporting, as sources count it.
    pub reporting_rates: Vec<ReportingRate>,
    /// Treaty-status figures as the Landmine Monitor states them.
    pub stated_figures: Vec<StatedFigure>,
}

/// The lists a [`Context`] is made of.
#[derive(Clone, Default, Debug)]
pub struct ContextFacts {
    /// Groups of states.
    pub groups: Vec<Group>,
    /// Memberships of those groups.
    pub memberships: Vec<Membership>,
    /// Landmine Monitor reports.
    pub reports: Vec<MonitorReport>,
    /// Findings of use.
    pub uses: Vec<UseFinding>,
    /// Policy events.
    pub policies: Vec<PolicyEvent>,
    /// Treaty events.
    pub treaty_events: Vec<TreatyEvent>,
    /// Obligation facts and the humanitarian record.
    pub obligations: ObligationRecord,
}

impl Context {
    /// Checks the facts against each other and builds the context. `states`
    /// is the set of known state codes.
    ///
    /// # Errors
    /// Every violation found: a duplicate id, a membership of an unknown
    /// group or state, one that ends before it starts or overlaps another of
    /// the same state, a finding naming an unknown report or dated outside
    /// it, a period that ends before it starts, a treaty event given twice.
    pub fn new(
        facts: ContextFacts,
        states: &BTreeSet<Iso3>,
    ) -> Result<Context, Vec<ContextViolation>> {
        let ContextFacts {
            groups,
            mut memberships,
            mut reports,
            mut uses,
            mut policies,
            mut treaty_events,
            mut obligations,
        } = facts;
        let mut violations = Vec::new();
        let mut push = |subject, field, message: String| {
            violations.push(ContextViolation {
                subject,
                field,
                message,
            });
        };
        let mut group_ids = BTreeSet::new();
        for (i, group) in groups.iter().enumerate() {
            if !group_ids.insert(group.id.as_str()) {
                push(
                    ContextSubject::Group(i),
                    "id",
                    format!("duplicate group {}", group.id),
                );
            }
        }
        for (i, m) in memberships.iter().enumerate() {
            let subject = ContextSubject::Membership(i);
            if !group_ids.contains(m.group.as_str()) {
                push(subject, "group", "no such group in groups.csv".into());
            }
            if !states.contains(&m.state) {
                push(subject, "state", "no such state in states.csv".into());
            }
            if m.left.is_some_and(|left| left < m.joined) {
                push(subject, "left", "membership ends before it starts".into());
            }
            let overlapping = memberships[..i].iter().any(|o| {
                o.group == m.group
                    && o.state == m.state
                    && o.joined <= m.left.unwrap_or(Date::MAX)
                    && m.joined <= o.left.unwrap_or(Date::MAX)
            });
            if overlapping {
                push(
                    subject,
                    "joined",
                    format!("{} is already a member of {} then", m.state, m.group),
                );
            }
        }
        let mut report_ids = BTreeMap::new();
        for (i, r) in reports.iter().enumerate() {
            let subject = ContextSubject::Report(i);
            if report_ids.insert(r.id.clone(), i).is_some() {
                push(subject, "id", format!("duplicate report {}", r.id));
            }
            if r.period_to < r.period_from {
                push(
                    subject,
                    "period_to",
                    "the period ends before it starts".into(),
                );
            }
            if i16::try_from(i32::from(r.published.year())).is_ok_and(|y| y < r.period_from) {
                push(
                    subject,
                    "published",
                    "published before its reporting period began".into(),
                );
            }
        }
        for (i, u) in uses.iter().enumerate() {
            let subject = ContextSubject::Use(i);
            if !states.contains(&u.state) {
                push(subject, "state", "no such state in states.csv".into());
            }
            if u.to_year < u.from_year {
                push(subject, "to", "the period ends before it starts".into());
            }
            if let Some(id) = &u.report {
                match report_ids.get(id) {
                    None => push(
                        subject,
                        "report",
                        "no such report in monitor_reports.csv".into(),
                    ),
                    Some(&r) => {
                        let r = &reports[r];
                        if u.from_year < r.period_from || u.to_year > r.period_to {
                            push(
                                subject,
                                "from",
                                format!(
                                    "outside {}'s reporting period {}-{}",
                                    r.id, r.period_from, r.period_to
                                ),
                            );
                        }
                        if u.counts_from != r.published {
                            push(
                                subject,
                                "report",
                                "a report's finding counts from the report's launch".into(),
                            );
                        }
                    }
                }
                let twice = uses[..i]
                    .iter()
                    .any(|o| o.state == u.state && o.report == u.report);
                if twice {
                    push(
                        subject,
                        "state",
                        format!("{} has two findings in {id}", u.state),
                    );
                }
            }
        }
        for (i, p) in policies.iter().enumerate() {
            if !states.contains(&p.state) {
                push(
                    ContextSubject::Policy(i),
                    "state",
                    "no such state in states.csv".into(),
                );
            }
            let twice = policies[..i]
                .iter()
                .any(|o| o.state == p.state && o.topic == p.topic && o.date == p.date);
            if twice {
                push(
                    ContextSubject::Policy(i),
                    "date",
                    format!("{} already has a {} policy on this day", p.state, p.topic),
                );
            }
        }
        for (i, e) in treaty_events.iter().enumerate() {
            if treaty_events[..i].iter().any(|o| o.kind == e.kind) {
                push(
                    ContextSubject::TreatyEvent(i),
                    "event",
                    format!("{} is given twice", e.kind.as_str()),
                );
            }
        }
        check_obligations(&obligations, states, &mut push);
        for (i, f) in obligations.stated_figures.iter().enumerate() {
            let subject = ContextSubject::StatedFigure(i);
            if !reports.iter().any(|r| r.id == f.report) {
                push(
                    subject,
                    "report",
                    "no such report in monitor_reports.csv".into(),
                );
            }
            if crate::figures::FigureName::parse(&f.figure).is_none() {
                let names: Vec<&str> = crate::figures::FigureName::ALL
                    .iter()
                    .map(|n| n.as_str())
                    .collect();
                push(
                    subject,
                    "figure",
                    format!("expected one of {}", names.join(", ")),
                );
            }
        }
        for (i, r) in obligations.reporting_rates.iter().enumerate() {
            let subject = ContextSubject::ReportingRate(i);
            if r.rate.is_some_and(|p| p > 100) {
                push(subject, "rate", "a share is at most 100 percent".into());
            }
            if let (Some(due), Some(submitted)) = (r.due, r.submitted)
                && submitted > due
            {
                push(
                    subject,
                    "submitted",
                    format!("more States Parties submitted ({submitted}) than were due ({due})"),
                );
            }
            if r.due.is_none() && r.submitted.is_none() && r.rate.is_none() {
                push(subject, "rate", "give due, submitted or rate".into());
            }
            if r.as_of.date.year() <= r.covering {
                push(
                    subject,
                    "as_of",
                    "updates covering a year are counted after it ends".into(),
                );
            }
        }
        if !violations.is_empty() {
            return Err(violations);
        }
        obligations.stockpiles.sort_by_key(|e| (e.state, e.date));
        obligations.clearance.sort_by_key(|e| (e.state, e.date));
        obligations.reports.sort_by_key(|e| (e.state, e.date));
        obligations.retained.sort_by_key(|e| (e.state, e.date));
        obligations.casualties.sort_by_key(|c| c.year);
        obligations
            .country_casualties
            .sort_by_key(|c| (c.state, c.year));
        obligations.contamination.sort_by_key(|c| (c.state, c.date));
        memberships
            .sort_by(|a, b| (&a.group, a.state, a.joined).cmp(&(&b.group, b.state, b.joined)));
        reports.sort_by_key(|r| r.published);
        uses.sort_by(|a, b| {
            (a.state, a.from_year, a.counts_from).cmp(&(b.state, b.from_year, b.counts_from))
        });
        policies.sort_by(|a, b| (a.state, &a.topic, a.date).cmp(&(b.state, &b.topic, b.date)));
        treaty_events.sort_by_key(|e| e.kind);
        Ok(Context {
            groups,
            memberships,
            reports,
            uses,
            policies,
            treaty_events_recorded: !treaty_events.is_empty(),
            treaty_events,
            obligations,
        })
    }

    /// Every group.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Every membership, by group, state and start.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// The memberships of `group` that cover `on`, by state code.
    pub fn members_on<'a>(
        &'a self,
        group: &'a str,
        on: Date,
    ) -> impl Iterator<Item = &'a Membership> + 'a {
        self.memberships
            .iter()
            .filter(move |m| m.group == group && m.covers(on))
    }

    /// The groups `state` is a member of on `on`.
    pub fn groups_of(&self, state: Iso3, on: Date) -> impl Iterator<Item = &Group> {
        self.groups
            .iter()
            .filter(move |g| self.members_on(&g.id, on).any(|m| m.state == state))
    }

    /// Whether the record holds any membership of `group` that started on or
    /// before `on`: with none, membership on that date cannot be told.
    pub fn has_members_by(&self, group: &str, on: Date) -> bool {
        self.memberships
            .iter()
            .any(|m| m.group == group && m.joined <= on)
    }

    /// Every Monitor report, by launch date.
    pub fn reports(&self) -> &[MonitorReport] {
        &self.reports
    }

    /// The report with this id.
    pub fn report(&self, id: &str) -> Option<&MonitorReport> {
        self.reports.iter().find(|r| r.id == id)
    }

    /// The latest report launched on or before `on`: what was "current" then.
    pub fn latest_report(&self, on: Date) -> Option<&MonitorReport> {
        self.reports.iter().rev().find(|r| r.published <= on)
    }

    /// Every finding of use, by state and year.
    pub fn uses(&self) -> &[UseFinding] {
        &self.uses
    }

    /// The findings of `report`.
    pub fn uses_in<'a>(&'a self, report: &'a str) -> impl Iterator<Item = &'a UseFinding> + 'a {
        self.uses
            .iter()
            .filter(move |u| u.report.as_deref() == Some(report))
    }

    /// The findings about `state` that count on `on`.
    pub fn uses_by(&self, state: Iso3, on: Date) -> impl Iterator<Item = &UseFinding> {
        self.uses
            .iter()
            .filter(move |u| u.state == state && u.counts_from <= on)
    }

    /// Every policy event, by state, topic and date.
    pub fn policies(&self) -> &[PolicyEvent] {
        &self.policies
    }

    /// The policy of `state` on `topic` in force on `on`: the latest event on
    /// or before that day.
    pub fn policy_on(&self, state: Iso3, topic: &str, on: Date) -> Option<&PolicyEvent> {
        self.policies
            .iter()
            .rfind(|p| p.state == state && p.topic == topic && p.date <= on)
    }

    /// Every treaty event.
    pub fn treaty_events(&self) -> &[TreatyEvent] {
        &self.treaty_events
    }

    /// Whether the record holds the Convention's own dates (adoption,
    /// opening for signature), even if none has come yet on a cut date.
    pub fn has_treaty_events(&self) -> bool {
        self.treaty_events_recorded
    }

    /// The treaty event of this kind.
    pub fn treaty_event(&self, kind: TreatyEventKind) -> Option<&TreatyEvent> {
        self.treaty_events.iter().find(|e| e.kind == kind)
    }

    /// The context as it stood on `on`: only the facts that count from that
    /// day or earlier; a membership that ended later is open-ended again.
    pub fn cut(&self, on: Date) -> Context {
        Context {
            groups: self.groups.clone(),
            memberships: self
                .memberships
                .iter()
                .filter(|m| m.joined <= on)
                .map(|m| Membership {
                    left: m.left.filter(|left| *left < on),
                    ..m.clone()
                })
                .collect(),
            reports: self
                .reports
                .iter()
                .filter(|r| r.published <= on)
                .cloned()
                .collect(),
            uses: self
                .uses
                .iter()
                .filter(|u| u.counts_from <= on)
                .cloned()
                .collect(),
            policies: self
                .policies
                .iter()
                .filter(|p| p.date <= on)
                .cloned()
                .collect(),
            treaty_events: self
                .treaty_events
                .iter()
                .filter(|e| e.date <= on)
                .cloned()
                .collect(),
            treaty_events_recorded: self.treaty_events_recorded,
            obligations: self.obligations_on(on),
        }
    }

    /// Whether a year's world casualties count on `on`: from the launch of
    /// the Monitor edition that reported them, when that edition is on
    /// record; otherwise from the end of the following year (see
    /// [`crate::casualty_year_counts`]).
    pub fn casualties_count(&self, year: i16, report: &str, on: Date) -> bool {
        match self.report(report) {
            Some(r) => r.published <= on,
            None => crate::obligation_facts::casualty_year_counts(year, on),
        }
    }

    /// The obligation facts as they stood on `on`, casualties counted from
    /// the launch of the edition that reported them.
    pub fn obligations_on(&self, on: Date) -> ObligationRecord {
        let mut record = self.obligations.cut(on);
        record.casualties = self
            .obligations
            .casualties
            .iter()
            .filter(|c| self.casualties_count(c.year, &c.report, on))
            .cloned()
            .collect();
        // A country's figures for a year count when the world figures of
        // that year do (the same edition gives both).
        let counted: Vec<i16> = record.casualties.iter().map(|c| c.year).collect();
        record.country_casualties = self
            .obligations
            .country_casualties
            .iter()
            .filter(|c| {
                counted.contains(&c.year)
                    || crate::obligation_facts::casualty_year_counts(c.year, on)
            })
            .cloned()
            .collect();
        record
    }

    /// The facts behind the obligations and the humanitarian record.
    pub fn obligations(&self) -> &ObligationRecord {
        &self.obligations
    }
}

/// Checks the obligation facts on their own: known states and meetings,
/// deadlines where a kind needs one, and extensions that only move a
/// deadline later.
fn check_obligations(
    record: &ObligationRecord,
    states: &BTreeSet<Iso3>,
    push: &mut impl FnMut(ContextSubject, &'static str, String),
) {
    let unknown = || "no such state in states.csv".to_string();
    let mut meeting_ids = BTreeSet::new();
    for (i, m) in record.meetings.iter().enumerate() {
        if !meeting_ids.insert(m.id.as_str()) {
            push(
                ContextSubject::Meeting(i),
                "id",
                format!("duplicate meeting {}", m.id),
            );
        }
    }
    for (i, e) in record.stockpiles.iter().enumerate() {
        if !states.contains(&e.state) {
            push(ContextSubject::Stockpile(i), "state", unknown());
        }
    }
    for (i, e) in record.clearance.iter().enumerate() {
        let subject = ContextSubject::Clearance(i);
        if !states.contains(&e.state) {
            push(subject, "state", unknown());
        }
        match (&e.meeting, e.kind) {
            (Some(id), _) if !meeting_ids.contains(id.as_str()) => {
                push(subject, "meeting", "no such meeting in meetings.csv".into());
            }
            _ => {}
        }
        let needs_deadline = matches!(
            e.kind,
            ClearanceEventKind::ExtensionGranted | ClearanceEventKind::OriginalDeadline
        );
        if e.kind == ClearanceEventKind::NoMinedAreas && e.deadline.is_some() {
            push(
                subject,
                "deadline",
                "a state with no known mined areas has no clearance deadline".into(),
            );
        }
        if needs_deadline && e.deadline.is_none() {
            push(subject, "deadline", "required for this event".into());
        }
        if e.kind == ClearanceEventKind::ExtensionGranted && e.deadline.is_some() {
            // The rule is Art. 5's: an extension gives more time, never less.
            let not_later = record.clearance[..i].iter().any(|o| {
                o.state == e.state
                    && o.kind == ClearanceEventKind::ExtensionGranted
                    && o.date <= e.date
                    && match (o.deadline, e.deadline) {
                        (Some(before), Some(now)) => {
                            !crate::articles::art5_clearance::extensions::extends(before, now)
                        }
                        _ => false,
                    }
            });
            if not_later {
                push(
                    subject,
                    "deadline",
                    "an extension must move the deadline later than the one granted before".into(),
                );
            }
        }
    }
    for (i, e) in record.reports.iter().enumerate() {
        if !states.contains(&e.state) {
            push(ContextSubject::Report7(i), "state", unknown());
        }
        if e.initial && e.covering.is_some() {
            push(
                ContextSubject::Report7(i),
                "covering",
                "an initial report covers no calendar year".into(),
            );
        }
    }
    for (i, e) in record.retained.iter().enumerate() {
        if !states.contains(&e.state) {
            push(ContextSubject::Retained(i), "state", unknown());
        }
    }
    for (i, e) in record.country_casualties.iter().enumerate() {
        if !states.contains(&e.state) {
            push(ContextSubject::CountryCasualties(i), "state", unknown());
        }
    }
    for (i, e) in record.contamination.iter().enumerate() {
        if !states.contains(&e.state) {
            push(ContextSubject::Contamination(i), "state", unknown());
        }
        if !(e.area_km2.is_finite() && e.area_km2 >= 0.0) {
            push(
                ContextSubject::Contamination(i),
                "area_km2",
                "not an area".into(),
            );
        }
    }
}

/// The run of `list`, sorted by state as [`Context::new`] leaves every
/// per-state list, that belongs to `state`.
fn of_state<T>(list: &[T], state: Iso3, key: impl Fn(&T) -> Iso3) -> &[T] {
    let start = list.partition_point(|x| key(x) < state);
    let end = start + list[start..].partition_point(|x| key(x) == state);
    &list[start..end]
}

impl ObligationRecord {
    /// The record as it stood on `on`. A year's casualties count from the
    /// end of the next year: the Landmine Monitor publishes them late that
    /// year (Landmine Monitor 2024, launched in November 2024, gives 2023).
    pub fn cut(&self, on: Date) -> ObligationRecord {
        fn keep<T: Clone>(list: &[T], counts: impl Fn(&T) -> bool) -> Vec<T> {
            list.iter().filter(|x| counts(x)).cloned().collect()
        }
        let over = |year: i16| crate::obligation_facts::casualty_year_counts(year, on);
        ObligationRecord {
            meetings: keep(&self.meetings, |m| m.held.date <= on),
            stockpiles: keep(&self.stockpiles, |e| e.date.date <= on),
            clearance: keep(&self.clearance, |e| e.date.date <= on),
            reports: keep(&self.reports, |e| e.date.date <= on),
            retained: keep(&self.retained, |e| e.date.date <= on),
            casualties: keep(&self.casualties, |c| over(c.year)),
            country_casualties: keep(&self.country_casualties, |c| over(c.year)),
            contamination: keep(&self.contamination, |c| c.date.date <= on),
            reporting_rates: keep(&self.reporting_rates, |r| r.as_of.date <= on),
            stated_figures: keep(&self.stated_figures, |f| f.as_of.date <= on),
        }
    }

    /// The stockpile facts of one state. Like every per-state list of a
    /// record built by [`Context::new`], they are sorted by state, so this is
    /// a search, not a scan.
    pub fn stockpiles_of(&self, state: Iso3) -> &[StockpileEvent] {
        of_state(&self.stockpiles, state, |e| e.state)
    }

    /// The clearance facts of one state.
    pub fn clearance_of(&self, state: Iso3) -> &[ClearanceEvent] {
        of_state(&self.clearance, state, |e| e.state)
    }

    /// The Article 7 report facts of one state.
    pub fn reports_of(&self, state: Iso3) -> &[ReportFact] {
        of_state(&self.reports, state, |e| e.state)
    }

    /// The retained-mines figures of one state.
    pub fn retained_of(&self, state: Iso3) -> &[RetainedFigure] {
        of_state(&self.retained, state, |e| e.state)
    }

    /// The meeting with this id.
    pub fn meeting(&self, id: &str) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn iso(code: &str) -> Iso3 {
        Iso3::parse(code).expect("a code")
    }

    fn membership(group: &str, state: &str, joined: Date, left: Option<Date>) -> Membership {
        Membership {
            group: group.into(),
            state: iso(state),
            joined,
            left,
            sources: vec![SourceId::new("s")],
            note: String::new(),
        }
    }

    fn group(id: &str) -> Group {
        Group {
            id: id.into(),
            name: id.into(),
            aliases: vec![],
            sources: vec![SourceId::new("s")],
        }
    }

    fn states() -> BTreeSet<Iso3> {
        ["GBR", "FRA"].into_iter().map(iso).collect()
    }

    #[test]
    fn the_united_kingdom_was_in_the_eu_until_its_last_day() {
        let facts = ContextFacts {
            groups: vec![group("EU")],
            memberships: vec![membership(
                "EU",
                "GBR",
                date(1973, 1, 1),
                Some(date(2020, 1, 31)),
            )],
            ..ContextFacts::default()
        };
        let context = Context::new(facts, &states()).expect("valid");
        assert_eq!(context.members_on("EU", date(2020, 1, 31)).count(), 1);
        assert_eq!(context.members_on("EU", date(2020, 2, 1)).count(), 0);
        assert_eq!(context.members_on("EU", date(1972, 12, 31)).count(), 0);
        // Cut on a day before the exit, the exit is not yet known.
        let cut = context.cut(date(2019, 6, 1));
        assert_eq!(cut.memberships()[0].left, None);
    }

    #[test]
    fn overlapping_memberships_and_unknown_groups_are_refused() {
        let facts = ContextFacts {
            groups: vec![group("EU")],
            memberships: vec![
                membership("EU", "FRA", date(1958, 1, 1), None),
                membership("EU", "FRA", date(1990, 1, 1), None),
                membership("NATO", "FRA", date(1949, 8, 24), None),
                membership("EU", "GBR", date(2020, 1, 1), Some(date(2019, 1, 1))),
            ],
            ..ContextFacts::default()
        };
        let violations = Context::new(facts, &states()).expect_err("invalid");
        let fields: Vec<&str> = violations.iter().map(|v| v.field).collect();
        assert_eq!(fields, ["joined", "group", "left"]);
    }

    #[test]
    fn the_current_report_is_the_latest_launched() {
        let report = |id: &str, published| MonitorReport {
            id: id.into(),
            title: id.into(),
            published,
            period_from: 2023,
            period_to: 2024,
            period: String::new(),
            sources: vec![SourceId::new("s")],
        };
        let facts = ContextFacts {
            reports: vec![
                report("LM2025", date(2025, 12, 1)),
                report("LM2024", date(2024, 11, 20)),
            ],
            ..ContextFacts::default()
        };
        let context = Context::new(facts, &states()).expect("valid");
        let id = |on| context.latest_report(on).map(|r| r.id.as_str());
        assert_eq!(id(date(2024, 11, 19)), None);
        assert_eq!(id(date(2024, 11, 20)), Some("LM2024"));
        assert_eq!(id(date(2025, 1, 17)), Some("LM2024"));
        assert_eq!(id(date(2026, 11, 28)), Some("LM2025"));
    }
}
