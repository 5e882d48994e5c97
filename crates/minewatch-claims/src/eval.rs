//! Checking a claim against the record on a date.
//!
//! Every state-level question has three answers: yes, no, or unknown (the
//! record lacks the data). A claim about many states does not hold when one
//! of them breaks it (a counter-example); otherwise it is unknown when one
//! of them cannot be told; otherwise it holds. Nothing is guessed: a
//! Monitor finding that is only alleged, a year no report covers, a group
//! with no membership on record, a policy never recorded — each makes the
//! answer `unknown`, with the reason.

use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::Date;
use minewatch_core::articles::Citation;
use minewatch_core::{
    ActionKind, AlternativeValue, Context, DisputedField, Firmness, Iso3, MonitorReport, Registry,
    SourceId, Status, TreatyAction, TreatyEventKind, UseFinding,
};

use crate::ast::{
    Claim, Comparison, Delay, Predicate, ReportRef, Selection, StateEvent, StateSet, Statement,
    TreatyFact, When,
};

/// The verdict on a claim.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Outcome {
    /// The record shows the claim true on the date.
    Holds,
    /// The record shows it false; the counter-examples say where.
    DoesNotHold,
    /// The record lacks what deciding it needs; the reasons say what.
    Unknown,
}

impl Outcome {
    /// The contract spelling: `holds`, `does not hold`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Holds => "holds",
            Outcome::DoesNotHold => "does not hold",
            Outcome::Unknown => "unknown",
        }
    }

    /// The exit code the command line gives for it: 0, 1 or 3.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Holds => 0,
            Outcome::DoesNotHold => 1,
            Outcome::Unknown => 3,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state that breaks a claim, and how.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Counterexample {
    /// The state.
    pub state: Iso3,
    /// Its name.
    pub name: String,
    /// How it breaks the claim.
    pub reason: String,
}

/// A fact used in reaching a verdict.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Evidence {
    /// The fact, in a sentence.
    pub text: String,
    /// The date of the fact, if it has one.
    pub date: Option<Date>,
    /// The articles applied.
    pub articles: Vec<Citation>,
    /// Where the fact comes from.
    pub sources: Vec<SourceId>,
}

/// A claim checked: the verdict and everything behind it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Verdict {
    /// Holds, does not hold, or unknown.
    pub outcome: Outcome,
    /// The date the claim was checked for.
    pub on: Date,
    /// One sentence saying what was found.
    pub summary: String,
    /// The states that break the claim, by name.
    pub counterexamples: Vec<Counterexample>,
    /// Why the record cannot decide, when it cannot.
    pub reasons: Vec<String>,
    /// The facts used, with sources and articles.
    pub evidence: Vec<Evidence>,
}

/// The states of a set with their status on the date, and the fact that
/// makes them the set (a group's membership), when explaining.
type Members = (Vec<(Iso3, Status)>, Option<Evidence>);

/// A yes, no or unknown about one state.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Truth {
    Yes,
    No,
    Unknown,
}

/// One state judged: the answer, a phrase saying why, and the fact behind it.
struct Judged {
    truth: Truth,
    detail: String,
    evidence: Evidence,
}

pub(crate) struct Evaluator<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) context: &'a Context,
    pub(crate) on: Date,
    /// Whether to collect the evidence; without it only the states that
    /// break the claim or cannot be judged are looked at closely.
    pub(crate) explain: bool,
}

fn dedup(mut sources: Vec<SourceId>) -> Vec<SourceId> {
    sources.sort();
    sources.dedup();
    sources
}

fn year_start(year: i16) -> Date {
    Date::new(year, 1, 1).unwrap_or(Date::MIN)
}

fn year_end(year: i16) -> Date {
    Date::new(year, 12, 31).unwrap_or(Date::MAX)
}

pub(crate) fn when_holds(when: When, date: Date) -> bool {
    match when {
        When::InYear(year) => date.year() == year,
        When::On(day) => date == day,
        When::Before(day) => date < day,
        When::After(day) => date > day,
        When::By(day) => date <= day,
        When::Ever => true,
    }
}

pub(crate) fn when_words(when: When) -> String {
    match when {
        When::InYear(year) => format!("in {year}"),
        When::On(day) => format!("on {day}"),
        When::Before(day) => format!("before {day}"),
        When::After(day) => format!("after {day}"),
        When::By(day) => format!("by {day}"),
        When::Ever => "at some time up to the date".to_string(),
    }
}

/// What a predicate says, for a summary: "parties", "members of NATO".
fn predicate_words(predicate: &Predicate) -> String {
    match predicate {
        Predicate::Party => "parties".into(),
        Predicate::Signed => "signatories".into(),
        Predicate::Status(status) => format!("in status {status}"),
        Predicate::Withdrawing => "withdrawing".into(),
        Predicate::MemberOf(group) => format!("members of {group}"),
        Predicate::Prohibited(verbs) => format!("prohibited from {}", verbs.join(", ")),
    }
}

/// The articles behind a status.
fn status_articles(status: Status) -> Vec<Citation> {
    match status {
        Status::NonSignatory => vec![],
        Status::Signatory => vec![Citation::article(15)],
        Status::Consented => vec![Citation::article(16), Citation::article(17)],
        Status::Party => vec![Citation::article(17)],
        Status::Withdrawing => vec![Citation::paragraph(20, 2), Citation::paragraph(20, 3)],
        Status::WithdrawalDeferred | Status::Withdrawn => vec![Citation::paragraph(20, 3)],
    }
}

/// Sorts by name and finishes a verdict from its parts.
fn conclude(
    on: Date,
    summary: String,
    mut counterexamples: Vec<Counterexample>,
    reasons: Vec<String>,
    evidence: Vec<Evidence>,
) -> Verdict {
    counterexamples.sort_by(|a, b| a.name.cmp(&b.name));
    let outcome = if !counterexamples.is_empty() {
        Outcome::DoesNotHold
    } else if !reasons.is_empty() {
        Outcome::Unknown
    } else {
        Outcome::Holds
    };
    Verdict {
        outcome,
        on,
        summary,
        counterexamples,
        reasons,
        evidence,
    }
}

impl Evaluator<'_> {
    fn name(&self, state: Iso3) -> String {
        self.registry.name_of(state).to_string()
    }

    fn counterexample(&self, state: Iso3, reason: String) -> Counterexample {
        Counterexample {
            state,
            name: self.name(state),
            reason,
        }
    }

    /// The state's status on the date and the day it took that status.
    pub(crate) fn status_of(&self, state: Iso3) -> (Status, Option<Date>) {
        // The last change on or before the date gives both (as
        // `Registry::status_on` does).
        self.registry
            .status_changes(state)
            .iter()
            .rev()
            .find(|(date, _)| *date <= self.on)
            .map_or((Status::NonSignatory, None), |&(date, status)| {
                (status, Some(date))
            })
    }

    /// The sources of the state's acts up to the date (or of its row, when
    /// it has none).
    fn participation_sources(&self, state: Iso3) -> Vec<SourceId> {
        let mut sources: Vec<SourceId> = self
            .registry
            .actions_of(state)
            .filter(|a| a.date <= self.on)
            .flat_map(|a| a.sources.iter().cloned())
            .collect();
        if sources.is_empty() {
            if let Some(row) = self.registry.state(state) {
                sources.extend(row.sources.iter().cloned());
            }
        }
        dedup(sources)
    }

    fn status_phrase(&self, status: Status, since: Option<Date>) -> String {
        match since {
            Some(since) if status != Status::NonSignatory => format!("{status} since {since}"),
            _ => status.to_string(),
        }
    }

    fn status_evidence(&self, state: Iso3) -> (Status, String, Evidence) {
        let (status, since) = self.status_of(state);
        let phrase = self.status_phrase(status, since);
        // Without explanation, only the phrase is wanted (for a
        // counter-example's reason); the fact behind it is left out.
        let evidence = if self.explain {
            Evidence {
                text: format!("{} ({state}): {phrase}", self.name(state)),
                date: since,
                articles: status_articles(status),
                sources: self.participation_sources(state),
            }
        } else {
            Evidence {
                text: String::new(),
                date: since,
                articles: Vec::new(),
                sources: Vec::new(),
            }
        };
        (status, phrase, evidence)
    }

    fn first_action(
        &self,
        state: Iso3,
        wanted: impl Fn(ActionKind) -> bool,
    ) -> Option<&TreatyAction> {
        self.registry
            .actions_of(state)
            .filter(|a| wanted(a.kind) && a.date <= self.on)
            .min_by_key(|a| a.date)
    }

    /// The answer alone, without the words and facts behind it: the fast
    /// path for the many states a claim is true of.
    fn truth(&self, (state, status): (Iso3, Status), predicate: &Predicate) -> Truth {
        let yes = match predicate {
            Predicate::Party | Predicate::Prohibited(_) => status.is_bound(),
            Predicate::Status(wanted) => status == *wanted,
            Predicate::Withdrawing => {
                matches!(status, Status::Withdrawing | Status::WithdrawalDeferred)
            }
            Predicate::Signed => self
                .first_action(state, |k| k == ActionKind::Signature)
                .is_some(),
            Predicate::MemberOf(group) => {
                if !self.context.has_members_by(group, self.on) {
                    return Truth::Unknown;
                }
                self.context
                    .members_on(group, self.on)
                    .any(|m| m.state == state)
            }
        };
        if yes { Truth::Yes } else { Truth::No }
    }

    fn judge(&self, state: Iso3, predicate: &Predicate) -> Judged {
        match predicate {
            Predicate::Party | Predicate::Status(_) | Predicate::Withdrawing => {
                let (status, phrase, evidence) = self.status_evidence(state);
                let yes = match predicate {
                    Predicate::Party => status.is_bound(),
                    Predicate::Status(wanted) => status == *wanted,
                    _ => matches!(status, Status::Withdrawing | Status::WithdrawalDeferred),
                };
                Judged {
                    truth: if yes { Truth::Yes } else { Truth::No },
                    detail: phrase,
                    evidence,
                }
            }
            Predicate::Signed => match self.first_action(state, |k| k == ActionKind::Signature) {
                Some(signature) => Judged {
                    truth: Truth::Yes,
                    detail: format!("a signatory (signed on {})", signature.date),
                    evidence: Evidence {
                        text: format!(
                            "{} ({state}) signed on {}",
                            self.name(state),
                            signature.date
                        ),
                        date: Some(signature.date),
                        articles: vec![Citation::article(15)],
                        sources: signature.sources.clone(),
                    },
                },
                None => Judged {
                    truth: Truth::No,
                    detail: format!("not a signatory (no signature on record by {})", self.on),
                    evidence: Evidence {
                        text: format!(
                            "{} ({state}) has no signature on record by {}",
                            self.name(state),
                            self.on
                        ),
                        date: None,
                        articles: vec![Citation::article(15)],
                        sources: self.participation_sources(state),
                    },
                },
            },
            Predicate::MemberOf(group) => self.judge_membership(state, group),
            Predicate::Prohibited(verbs) => {
                let (status, phrase, mut evidence) = self.status_evidence(state);
                let mut articles: Vec<Citation> = Vec::new();
                for verb in verbs {
                    let article = match verb.as_str() {
                        "using" => Citation::point(1, 1, 'a'),
                        "assisting" | "encouraging" | "inducing" => Citation::point(1, 1, 'c'),
                        _ => Citation::point(1, 1, 'b'),
                    };
                    if !articles.contains(&article) {
                        articles.push(article);
                    }
                }
                articles.sort_unstable();
                let bound = status.is_bound();
                let detail = if bound {
                    format!("{phrase}: Art. 1 binds it")
                } else if status == Status::Withdrawn {
                    format!(
                        "{phrase}: its withdrawal has taken effect and Art. 1 no longer binds it"
                    )
                } else {
                    format!("{phrase}: not bound, so Art. 1 does not bind it")
                };
                articles.extend(status_articles(status));
                evidence.articles = articles;
                evidence.text = format!("{} ({state}): {detail}", self.name(state));
                Judged {
                    truth: if bound { Truth::Yes } else { Truth::No },
                    detail,
                    evidence,
                }
            }
        }
    }

    fn judge_membership(&self, state: Iso3, group: &str) -> Judged {
        let group_sources = self
            .context
            .group(group)
            .map(|g| g.sources.clone())
            .unwrap_or_default();
        if !self.context.has_members_by(group, self.on) {
            return Judged {
                truth: Truth::Unknown,
                detail: format!("the record has no membership of {group} by {}", self.on),
                evidence: Evidence {
                    text: format!("no membership of {group} is recorded by {}", self.on),
                    date: None,
                    articles: vec![],
                    sources: group_sources,
                },
            };
        }
        match self
            .context
            .members_on(group, self.on)
            .find(|m| m.state == state)
        {
            Some(m) => Judged {
                truth: Truth::Yes,
                detail: format!("a member of {group} since {}", m.joined),
                evidence: Evidence {
                    text: format!(
                        "{} ({state}) is a member of {group} since {}",
                        self.name(state),
                        m.joined
                    ),
                    date: Some(m.joined),
                    articles: vec![],
                    sources: m.sources.clone(),
                },
            },
            None => {
                let left = self
                    .context
                    .memberships()
                    .iter()
                    .filter(|m| m.group == group && m.state == state)
                    .filter_map(|m| m.left.filter(|l| *l < self.on))
                    .max();
                let detail = match left {
                    Some(left) => format!("no longer a member of {group} (last day {left})"),
                    None => format!("not a member of {group}"),
                };
                Judged {
                    truth: Truth::No,
                    detail: detail.clone(),
                    evidence: Evidence {
                        text: format!("{} ({state}) is {detail} on {}", self.name(state), self.on),
                        date: left,
                        articles: vec![],
                        sources: group_sources,
                    },
                }
            }
        }
    }

    /// The states of a selection on the date, or why they cannot be told.
    fn members(&self, selection: &Selection) -> Result<Members, String> {
        let (states, evidence): (Vec<Iso3>, Option<Evidence>) = match &selection.set {
            // Every state's status in one pass, without a look-up each.
            StateSet::AllStates | StateSet::Parties => {
                let mut states: Vec<(Iso3, Status)> = self
                    .registry
                    .statuses_on(self.on)
                    .filter(|(_, status)| selection.set == StateSet::AllStates || status.is_bound())
                    .map(|(s, status)| (s.iso3, status))
                    .filter(|(s, _)| !selection.except.contains(s))
                    .collect();
                states.dedup();
                return Ok((states, None));
            }
            StateSet::List(list) => (list.clone(), None),
            StateSet::Signatories => (
                self.registry
                    .current_states()
                    .map(|s| s.iso3)
                    .filter(|&s| {
                        self.first_action(s, |k| k == ActionKind::Signature)
                            .is_some()
                    })
                    .collect(),
                None,
            ),
            StateSet::Group(group) => {
                if !self.context.has_members_by(group, self.on) {
                    return Err(format!(
                        "the record has no membership of {group} on or before {}",
                        self.on
                    ));
                }
                let members: Vec<_> = self.context.members_on(group, self.on).collect();
                let evidence = self.explain.then(|| Evidence {
                    text: format!(
                        "{group} has {} members on {}: {}",
                        members.len(),
                        self.on,
                        members
                            .iter()
                            .map(|m| m.state.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    date: None,
                    articles: vec![],
                    sources: dedup(
                        members
                            .iter()
                            .flat_map(|m| m.sources.iter().cloned())
                            .collect(),
                    ),
                });
                (members.iter().map(|m| m.state).collect(), evidence)
            }
        };
        let mut seen = BTreeSet::new();
        let states = states
            .into_iter()
            .filter(|s| !selection.except.contains(s) && seen.insert(*s))
            .map(|s| {
                let status = self.registry.status_on(s, self.on);
                (s, status.unwrap_or(Status::NonSignatory))
            })
            .collect();
        Ok((states, evidence))
    }

    fn describe(&self, selection: &Selection) -> String {
        let set = match &selection.set {
            StateSet::Group(group) => format!("{group} members"),
            StateSet::List(list) => format!(
                "states named ({})",
                list.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StateSet::AllStates => "states".into(),
            StateSet::Parties => "States Parties".into(),
            StateSet::Signatories => "signatories".into(),
        };
        if selection.except.is_empty() {
            set
        } else {
            let except: Vec<&str> = selection.except.iter().map(|s| s.as_str()).collect();
            format!("{set} other than {}", except.join(", "))
        }
    }

    pub(crate) fn check(&self, claim: &Claim) -> Verdict {
        match &claim.statement {
            Statement::Every {
                set,
                predicate,
                negated,
            } => self.every(set, predicate, *negated),
            Statement::NoneIs { set, predicate } => self.none_is(set, predicate),
            Statement::Is {
                state,
                predicate,
                negated,
            } => self.is(*state, predicate, *negated),
            Statement::Count {
                set,
                predicate,
                comparison,
                number,
            } => self.count(set, predicate.as_ref(), *comparison, *number),
            Statement::Event { state, event, when } => self.event(*state, *event, *when),
            Statement::UsersAre { report, states } => self.users_are(report, states),
            Statement::Uses {
                state,
                report,
                negated,
            } => self.uses(*state, report, *negated),
            Statement::UsedInYear {
                state,
                year,
                negated,
            } => self.used_in_year(*state, *year, *negated),
            Statement::UsedSince {
                state,
                year,
                negated,
            } => self.used_since(*state, *year, *negated),
            Statement::NoneUses { set, report } => self.none_uses(set, report),
            Statement::Policy {
                state,
                topic,
                position,
            } => self.policy(*state, topic, position),
            Statement::Treaty { fact, when } => self.treaty(*fact, *when),
            Statement::Withdrawal { state, delay } => self.withdrawal(*state, *delay),
            Statement::Obligation {
                state,
                fact,
                negated,
            } => self.obligation(*state, *fact, *negated),
            Statement::Figure {
                figure,
                comparison,
                number,
            } => self.figure(*figure, *comparison, *number),
        }
    }

    fn unknown_set(&self, reason: String) -> Verdict {
        conclude(
            self.on,
            format!("cannot be told on {}: {reason}", self.on),
            vec![],
            vec![reason],
            vec![],
        )
    }

    fn every(&self, set: &Selection, predicate: &Predicate, negated: bool) -> Verdict {
        let (states, set_evidence) = match self.members(set) {
            Ok(found) => found,
            Err(reason) => return self.unknown_set(reason),
        };
        let mut counterexamples = Vec::new();
        let mut reasons = Vec::new();
        let mut evidence: Vec<Evidence> = set_evidence.into_iter().collect();
        for &(state, status) in &states {
            let fine = matches!(
                (self.truth((state, status), predicate), negated),
                (Truth::Yes, false) | (Truth::No, true)
            );
            if fine && !self.explain {
                continue;
            }
            let judged = self.judge(state, predicate);
            match (judged.truth, negated) {
                (Truth::Yes, false) | (Truth::No, true) => {}
                (Truth::Unknown, _) => {
                    reasons.push(format!("{}: {}", self.name(state), judged.detail));
                }
                _ => counterexamples.push(self.counterexample(state, judged.detail)),
            }
            if self.explain {
                evidence.push(judged.evidence);
            }
        }
        let summary = format!(
            "{} of the {} {} {} {}",
            states.len() - counterexamples.len() - reasons.len(),
            states.len(),
            self.describe(set),
            if negated { "are not" } else { "are" },
            predicate_words(predicate)
        );
        conclude(self.on, summary, counterexamples, reasons, evidence)
    }

    fn none_is(&self, set: &Selection, predicate: &Predicate) -> Verdict {
        let mut verdict = self.every(set, predicate, true);
        let broken = verdict.counterexamples.len();
        verdict.summary = format!(
            "{broken} of the {} {} {}",
            self.describe(set),
            if broken == 1 { "is" } else { "are" },
            predicate_words(predicate)
        );
        verdict
    }

    fn is(&self, state: Iso3, predicate: &Predicate, negated: bool) -> Verdict {
        let judged = self.judge(state, predicate);
        let summary = format!("{} on {}: {}", self.name(state), self.on, judged.detail);
        let mut counterexamples = Vec::new();
        let mut reasons = Vec::new();
        match (judged.truth, negated) {
            (Truth::Yes, false) | (Truth::No, true) => {}
            (Truth::Unknown, _) => reasons.push(judged.detail),
            _ => counterexamples.push(self.counterexample(state, judged.detail)),
        }
        conclude(
            self.on,
            summary,
            counterexamples,
            reasons,
            vec![judged.evidence],
        )
    }

    fn count(
        &self,
        set: &Selection,
        predicate: Option<&Predicate>,
        comparison: Comparison,
        number: u32,
    ) -> Verdict {
        let (states, set_evidence) = match self.members(set) {
            Ok(found) => found,
            Err(reason) => return self.unknown_set(reason),
        };
        let mut counted = Vec::new();
        let mut reasons = Vec::new();
        for &(state, status) in &states {
            match predicate.map(|p| (p, self.truth((state, status), p))) {
                None | Some((_, Truth::Yes)) => counted.push(state),
                Some((_, Truth::No)) => {}
                Some((p, Truth::Unknown)) => {
                    let detail = self.judge(state, p).detail;
                    reasons.push(format!("{}: {detail}", self.name(state)));
                }
            }
        }
        let what = match predicate {
            None => self.describe(set),
            Some(p) => format!("{} that are {}", self.describe(set), predicate_words(p)),
        };
        let holds = comparison.holds(counted.len(), number);
        let mut evidence: Vec<Evidence> = set_evidence.into_iter().collect();
        let counts_parties =
            matches!(set.set, StateSet::Parties) || matches!(predicate, Some(Predicate::Party));
        evidence.extend(self.explain.then(|| {
            Evidence {
                text: format!(
                    "{} {what} on {}: {}",
                    counted.len(),
                    self.on,
                    counted
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                date: None,
                articles: if counts_parties {
                    vec![Citation::article(17)]
                } else {
                    vec![]
                },
                sources: dedup(
                    counted
                        .iter()
                        .flat_map(|&s| self.participation_sources(s))
                        .collect(),
                ),
            }
        }));
        let summary = format!(
            "{} {what} on {}; the claim says {} {number}",
            counted.len(),
            self.on,
            comparison.words()
        );
        // A count is broken by the number, not by a state; the unknowns matter
        // only when they could change the comparison.
        let mut counterexamples = Vec::new();
        if !holds {
            let could_hold =
                (0..=reasons.len()).any(|extra| comparison.holds(counted.len() + extra, number));
            if !could_hold {
                return Verdict {
                    outcome: Outcome::DoesNotHold,
                    on: self.on,
                    summary,
                    counterexamples,
                    reasons: vec![],
                    evidence,
                };
            }
        } else if (0..=reasons.len()).all(|extra| comparison.holds(counted.len() + extra, number)) {
            reasons.clear();
        }
        counterexamples.clear();
        conclude(self.on, summary, counterexamples, reasons, evidence)
    }

    /// The date of an event of the state's, on or before the claim's date.
    fn event_date(&self, state: Iso3, event: StateEvent) -> Option<(Date, Option<&TreatyAction>)> {
        let transition = |wanted: Status| {
            self.registry
                .status_changes(state)
                .iter()
                .find(|(date, status)| *status == wanted && *date <= self.on)
                .map(|(date, _)| (*date, None))
        };
        match event {
            StateEvent::BecameParty => transition(Status::Party),
            StateEvent::Withdrew => transition(Status::Withdrawn),
            StateEvent::Signed => self
                .first_action(state, |k| k == ActionKind::Signature)
                .map(|a| (a.date, Some(a))),
            StateEvent::Consented => self
                .first_action(state, ActionKind::is_consent)
                .map(|a| (a.date, Some(a))),
            StateEvent::NotifiedWithdrawal => self
                .first_action(state, |k| k == ActionKind::Withdrawal)
                .map(|a| (a.date, Some(a))),
        }
    }

    fn event(&self, state: Iso3, event: StateEvent, when: When) -> Verdict {
        let (verb, not_yet, articles): (&str, &str, Vec<Citation>) = match event {
            StateEvent::BecameParty => (
                "became a party",
                "had not become a party",
                vec![Citation::article(17)],
            ),
            StateEvent::Signed => ("signed", "had not signed", vec![Citation::article(15)]),
            StateEvent::Consented => (
                "deposited its consent to be bound",
                "had not deposited its consent to be bound",
                vec![Citation::article(16)],
            ),
            StateEvent::NotifiedWithdrawal => (
                "notified its withdrawal",
                "had not notified a withdrawal",
                vec![Citation::paragraph(20, 2)],
            ),
            StateEvent::Withdrew => (
                "saw its withdrawal take effect",
                "had no withdrawal in effect",
                vec![Citation::paragraph(20, 3)],
            ),
        };
        let name = self.name(state);
        let Some((date, action)) = self.event_date(state, event) else {
            let reason = format!("{not_yet} by {}", self.on);
            let (_, phrase, evidence) = self.status_evidence(state);
            return conclude(
                self.on,
                format!("{name} {reason} ({phrase})"),
                vec![self.counterexample(state, reason)],
                vec![],
                vec![evidence],
            );
        };
        let sources = match action {
            Some(a) => a.sources.clone(),
            // A change of status follows from the acts up to it.
            None => dedup(
                self.registry
                    .actions_of(state)
                    .filter(|a| a.date <= date)
                    .flat_map(|a| a.sources.iter().cloned())
                    .collect(),
            ),
        };
        let mut evidence = vec![Evidence {
            text: format!("{name} ({state}) {verb} on {date}"),
            date: Some(date),
            articles,
            sources,
        }];
        let holds = when_holds(when, date);
        // Where sources disagree on the date, say whether the other reading
        // would change the verdict.
        if let Some(action) = action {
            for dispute in self.registry.source_conflicts() {
                let same_action = std::ptr::eq(&self.registry.actions()[dispute.action], action);
                if let (true, DisputedField::Date, AlternativeValue::Date(other)) =
                    (same_action, dispute.field, &dispute.alternative)
                {
                    let changes = when_holds(when, *other) != holds;
                    evidence.push(Evidence {
                        text: format!(
                            "other sources give {other}{}",
                            if changes {
                                ", which would change the verdict"
                            } else {
                                ", which would not change the verdict"
                            }
                        ),
                        date: Some(*other),
                        articles: vec![],
                        sources: dispute.sources.clone(),
                    });
                }
            }
        }
        let summary = format!(
            "{name} {verb} on {date}; the claim says {}",
            when_words(when)
        );
        let counterexamples = if holds {
            vec![]
        } else {
            vec![self.counterexample(state, format!("{verb} on {date}"))]
        };
        conclude(self.on, summary, counterexamples, vec![], evidence)
    }

    // ---- use of mines ------------------------------------------------------

    /// The report a use claim is about, or why there is none.
    fn report(&self, report: &ReportRef) -> Result<&MonitorReport, String> {
        match report {
            ReportRef::Current => self.context.latest_report(self.on).ok_or_else(|| {
                format!(
                    "no Landmine Monitor report in the record was launched on or before {}",
                    self.on
                )
            }),
            ReportRef::Named(id) => match self.context.report(id) {
                Some(r) if r.published <= self.on => Ok(r),
                Some(r) => Err(format!(
                    "{} was launched on {}, after {}",
                    r.title, r.published, self.on
                )),
                None => Err(format!("no report {id} in the record")),
            },
        }
    }

    fn report_evidence(&self, report: &MonitorReport) -> Evidence {
        Evidence {
            text: format!(
                "{}, launched {}; reporting period: {}",
                report.title, report.published, report.period
            ),
            date: Some(report.published),
            articles: vec![],
            sources: report.sources.clone(),
        }
    }

    fn finding_evidence(&self, finding: &UseFinding) -> Evidence {
        let span = if finding.from_year == finding.to_year {
            finding.from_year.to_string()
        } else {
            format!("{}-{}", finding.from_year, finding.to_year)
        };
        let by = finding
            .report
            .as_deref()
            .map_or(String::new(), |r| format!(" in {r}"));
        Evidence {
            text: format!(
                "use by {} ({}) {}{by} ({span}): {}",
                self.name(finding.state),
                finding.state,
                finding.firmness.as_str(),
                finding.note
            ),
            date: Some(finding.counts_from),
            articles: vec![],
            sources: finding.sources.clone(),
        }
    }

    /// Whether the report finds use by the state: confirmed is yes; alleged
    /// or denied is unknown; no finding is no (a report lists every
    /// government it found using mines).
    fn judge_use<'r>(
        &'r self,
        report: &'r MonitorReport,
        state: Iso3,
    ) -> (Truth, Option<&'r UseFinding>) {
        match self.context.uses_in(&report.id).find(|u| u.state == state) {
            Some(f) if f.firmness == Firmness::Confirmed => (Truth::Yes, Some(f)),
            Some(f) => (Truth::Unknown, Some(f)),
            None => (Truth::No, None),
        }
    }

    fn use_detail(&self, report: &MonitorReport, finding: Option<&UseFinding>) -> String {
        match finding {
            Some(f) if f.firmness == Firmness::Confirmed => {
                format!("{} confirms use ({})", report.id, f.note)
            }
            Some(f) => format!(
                "{} reports use as {} ({})",
                report.id,
                f.firmness.as_str(),
                f.note
            ),
            None => format!("{} reports no use by its forces", report.id),
        }
    }

    fn users_are(&self, report: &ReportRef, named: &[Iso3]) -> Verdict {
        let report = match self.report(report) {
            Ok(r) => r,
            Err(reason) => return self.unknown_set(reason),
        };
        let mut evidence: Vec<Evidence> = self
            .explain
            .then(|| self.report_evidence(report))
            .into_iter()
            .collect();
        let mut counterexamples = Vec::new();
        let mut reasons = Vec::new();
        // States with no finding and not named are the many that fit the
        // claim; only the others need a look.
        let mut looked_at: BTreeSet<Iso3> = named.iter().copied().collect();
        looked_at.extend(self.context.uses_in(&report.id).map(|u| u.state));
        for state in looked_at {
            let (truth, finding) = self.judge_use(report, state);
            let in_claim = named.contains(&state);
            if self.explain {
                evidence.extend(finding.map(|f| self.finding_evidence(f)));
            } else if matches!((&truth, in_claim), (Truth::Yes, true) | (Truth::No, false)) {
                continue;
            }
            let detail = self.use_detail(report, finding);
            match (truth, in_claim) {
                (Truth::Yes, true) | (Truth::No, false) => {}
                (Truth::Unknown, _) => reasons.push(format!("{}: {detail}", self.name(state))),
                (Truth::No, true) => {
                    counterexamples
                        .push(self.counterexample(state, format!("named, but {detail}")));
                }
                (Truth::Yes, false) => {
                    counterexamples
                        .push(self.counterexample(state, format!("not named, but {detail}")));
                }
            }
        }
        let confirmed: Vec<&str> = self
            .context
            .uses_in(&report.id)
            .filter(|u| u.firmness == Firmness::Confirmed)
            .map(|u| u.state.as_str())
            .collect();
        let summary = format!(
            "{} ({}) confirms use by government forces of {}",
            report.title,
            report.period,
            if confirmed.is_empty() {
                "no state".to_string()
            } else {
                confirmed.join(", ")
            }
        );
        conclude(self.on, summary, counterexamples, reasons, evidence)
    }

    fn uses(&self, state: Iso3, report: &ReportRef, negated: bool) -> Verdict {
        let report = match self.report(report) {
            Ok(r) => r,
            Err(reason) => return self.unknown_set(reason),
        };
        let (truth, finding) = self.judge_use(report, state);
        let detail = self.use_detail(report, finding);
        let mut evidence = vec![self.report_evidence(report)];
        evidence.extend(finding.map(|f| self.finding_evidence(f)));
        self.use_verdict(state, truth, detail, evidence, negated)
    }

    /// The years from `from` to `to` that no report launched by the date covers.
    fn uncovered_years(&self, from: i16, to: i16) -> Vec<i16> {
        (from..=to)
            .filter(|&year| {
                !self
                    .context
                    .reports()
                    .iter()
                    .any(|r| r.published <= self.on && r.period_from <= year && year <= r.period_to)
            })
            .collect()
    }

    fn spans(years: &[i16]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < years.len() {
            let start = years[i];
            let mut end = start;
            while i + 1 < years.len() && years[i + 1] == end + 1 {
                i += 1;
                end = years[i];
            }
            parts.push(if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            });
            i += 1;
        }
        parts.join(", ")
    }

    /// Use by the state in the years `from..=to`, as far as the record tells.
    fn use_between(&self, state: Iso3, from: i16, to: i16) -> (Truth, String, Vec<Evidence>) {
        let findings: Vec<&UseFinding> = self
            .context
            .uses_by(state, self.on)
            .filter(|u| u.from_year <= to && from <= u.to_year)
            .collect();
        let evidence: Vec<Evidence> = findings.iter().map(|f| self.finding_evidence(f)).collect();
        let span = if from == to {
            from.to_string()
        } else {
            format!("{from}-{to}")
        };
        if let Some(f) = findings.iter().find(|f| f.firmness == Firmness::Confirmed) {
            let years = if f.from_year == f.to_year {
                f.from_year.to_string()
            } else {
                format!("{}-{}", f.from_year, f.to_year)
            };
            return (Truth::Yes, format!("used in {years}: {}", f.note), evidence);
        }
        if let Some(f) = findings.first() {
            return (
                Truth::Unknown,
                format!(
                    "use in {span} is {} but not confirmed: {}",
                    f.firmness.as_str(),
                    f.note
                ),
                evidence,
            );
        }
        let uncovered = self.uncovered_years(from, to);
        if uncovered.is_empty() {
            (
                Truth::No,
                format!(
                    "no use recorded in {span}, and the Monitor's reports cover every year of it"
                ),
                evidence,
            )
        } else {
            (
                Truth::Unknown,
                format!(
                    "no use is recorded in {span}, but no Landmine Monitor report in the record covers {}",
                    Self::spans(&uncovered)
                ),
                evidence,
            )
        }
    }

    fn used_in_year(&self, state: Iso3, year: i16, negated: bool) -> Verdict {
        if year_start(year) > self.on {
            let reason = format!("{year} had not begun on {}", self.on);
            return self.unknown_set(reason);
        }
        let to = year.min(self.on.year());
        let (truth, detail, evidence) = self.use_between(state, year, to);
        self.use_verdict(state, truth, detail, evidence, negated)
    }

    fn used_since(&self, state: Iso3, year: i16, negated: bool) -> Verdict {
        let from = year.saturating_add(1);
        if year_end(year) >= self.on {
            let (truth, detail) = (
                Truth::No,
                format!("no time has passed since {year} on {}", self.on),
            );
            return self.use_verdict(state, truth, detail, vec![], negated);
        }
        let (truth, detail, evidence) = self.use_between(state, from, self.on.year());
        self.use_verdict(state, truth, detail, evidence, negated)
    }

    fn use_verdict(
        &self,
        state: Iso3,
        truth: Truth,
        detail: String,
        evidence: Vec<Evidence>,
        negated: bool,
    ) -> Verdict {
        let mut counterexamples = Vec::new();
        let mut reasons = Vec::new();
        match (truth, negated) {
            (Truth::Yes, false) | (Truth::No, true) => {}
            (Truth::Unknown, _) => reasons.push(detail.clone()),
            _ => counterexamples.push(self.counterexample(state, detail.clone())),
        }
        let summary = format!("{}: {detail}", self.name(state));
        conclude(self.on, summary, counterexamples, reasons, evidence)
    }

    fn none_uses(&self, set: &Selection, report: &ReportRef) -> Verdict {
        let report = match self.report(report) {
            Ok(r) => r,
            Err(reason) => return self.unknown_set(reason),
        };
        let (states, set_evidence) = match self.members(set) {
            Ok(found) => found,
            Err(reason) => return self.unknown_set(reason),
        };
        let mut evidence: Vec<Evidence> = set_evidence.into_iter().collect();
        evidence.extend(self.explain.then(|| self.report_evidence(report)));
        let mut counterexamples = Vec::new();
        let mut reasons = Vec::new();
        for (state, _) in states {
            let (truth, finding) = self.judge_use(report, state);
            if truth == Truth::No {
                continue;
            }
            let detail = self.use_detail(report, finding);
            if self.explain {
                evidence.extend(finding.map(|f| self.finding_evidence(f)));
            }
            match truth {
                Truth::No => {}
                Truth::Yes => counterexamples.push(self.counterexample(state, detail)),
                Truth::Unknown => reasons.push(format!("{}: {detail}", self.name(state))),
            }
        }
        let summary = format!(
            "{} of the {} used anti-personnel mines according to {}",
            counterexamples.len(),
            self.describe(set),
            report.id
        );
        conclude(self.on, summary, counterexamples, reasons, evidence)
    }

    // ---- policy, treaty, withdrawal ------------------------------------------

    fn policy(&self, state: Iso3, topic: &str, position: &str) -> Verdict {
        let name = self.name(state);
        let Some(policy) = self.context.policy_on(state, topic, self.on) else {
            let reason = format!("the record has no {name} policy on {topic} by {}", self.on);
            return self.unknown_set(reason);
        };
        let evidence = vec![Evidence {
            text: format!(
                "{name} policy on {topic} from {}: {} ({})",
                policy.date, policy.position, policy.summary
            ),
            date: Some(policy.date),
            articles: vec![],
            sources: policy.sources.clone(),
        }];
        let summary = format!(
            "{name} policy on {topic} in force on {} is {} (since {})",
            self.on, policy.position, policy.date
        );
        let counterexamples = if policy.position == position {
            vec![]
        } else {
            vec![self.counterexample(
                state,
                format!(
                    "its policy on {topic} is {} since {}: {}",
                    policy.position, policy.date, policy.summary
                ),
            )]
        };
        conclude(self.on, summary, counterexamples, vec![], evidence)
    }

    fn treaty(&self, fact: TreatyFact, when: When) -> Verdict {
        type Found = Option<(Date, Vec<SourceId>, Vec<Citation>)>;
        let (what, not_yet, found): (&str, &str, Found) = match fact {
            TreatyFact::Adopted => (
                "was adopted",
                "had not yet been adopted",
                self.context
                    .treaty_event(TreatyEventKind::Adopted)
                    .map(|e| (e.date, e.sources.clone(), vec![])),
            ),
            TreatyFact::OpenedForSignature => (
                "was opened for signature",
                "had not yet been opened for signature",
                self.context
                    .treaty_event(TreatyEventKind::OpenedForSignature)
                    .map(|e| (e.date, e.sources.clone(), vec![Citation::article(15)])),
            ),
            TreatyFact::EnteredIntoForce => (
                "entered into force",
                "had not yet entered into force",
                self.registry.treaty_entry_into_force().and_then(|date| {
                    let fortieth = self.registry.fortieth_instrument()?;
                    Some((
                        date,
                        fortieth.sources.clone(),
                        vec![Citation::paragraph(17, 1)],
                    ))
                }),
            ),
        };
        // The Convention's own dates are either recorded or not at all; when
        // they are, one not reached on the date is "not yet", not unknown.
        let recorded = match fact {
            TreatyFact::EnteredIntoForce => true,
            _ => self.context.has_treaty_events(),
        };
        let Some((date, sources, articles)) = found.filter(|(date, _, _)| *date <= self.on) else {
            if !recorded {
                return self.unknown_set(format!(
                    "the record has no date on which the Convention {what}"
                ));
            }
            let summary = format!("on {} the Convention {not_yet}", self.on);
            return conclude(self.on, summary, vec![], vec![], vec![])
                .with_outcome(Outcome::DoesNotHold);
        };
        let evidence = vec![Evidence {
            text: format!("the Convention {what} on {date}"),
            date: Some(date),
            articles,
            sources,
        }];
        let holds = when_holds(when, date);
        let summary = format!(
            "the Convention {what} on {date}; the claim says {}",
            when_words(when)
        );
        let verdict = conclude(self.on, summary, vec![], vec![], evidence);
        if holds {
            verdict
        } else {
            verdict.with_outcome(Outcome::DoesNotHold)
        }
    }

    fn withdrawal(&self, state: Iso3, delay: Delay) -> Verdict {
        let name = self.name(state);
        let actual = self
            .registry
            .assess(state, self.on)
            .and_then(|a| a.withdrawal.map(|w| (w, a.steps)));
        let (outcome, hypothetical, steps) = match actual {
            Some((w, steps)) => (w, false, steps),
            None if minewatch_core::legal_date::beyond_the_calendar(self.on).is_some() => {
                let reason =
                    minewatch_core::legal_date::beyond_the_calendar(self.on).unwrap_or_default();
                return self.unknown_set(format!(
                    "a withdrawal by {name} notified on {}: {reason}",
                    self.on
                ));
            }
            None => match self.registry.what_if_withdraw(state, self.on, self.on) {
                Ok(assessment) => match assessment.withdrawal {
                    Some(w) => (w, true, assessment.steps),
                    None => {
                        return self.unknown_set(format!("no withdrawal outcome for {name}"));
                    }
                },
                Err(_) => {
                    let (_, phrase, evidence) = self.status_evidence(state);
                    let reason = format!(
                        "{phrase} on {}: not bound, so it has no withdrawal to make",
                        self.on
                    );
                    return conclude(
                        self.on,
                        format!("{name} is {reason}"),
                        vec![self.counterexample(state, reason)],
                        vec![],
                        vec![evidence],
                    );
                }
            },
        };
        let mut evidence: Vec<Evidence> = steps
            .iter()
            .filter(|s| s.article.article_number() == Some(20))
            .map(|s| Evidence {
                text: s.text.clone(),
                date: Some(s.date),
                articles: vec![s.article],
                sources: s.sources.clone(),
            })
            .collect();
        let notice = if hypothetical {
            format!("a notice received on {} (hypothetical)", outcome.received)
        } else {
            format!("its notice received on {}", outcome.received)
        };
        let effect = match outcome.effective {
            Some(date) if date == outcome.six_months_after => {
                format!("takes effect on {date}, six months later")
            }
            Some(date) => format!(
                "takes effect on {date}, after the six months ended on {}",
                outcome.six_months_after
            ),
            None => format!(
                "does not take effect on {}: it is deferred until the armed conflict ends",
                outcome.six_months_after
            ),
        };
        evidence.push(Evidence {
            text: format!("for {name}, {notice} {effect}"),
            date: Some(outcome.received),
            articles: vec![Citation::paragraph(20, 3)],
            sources: vec![],
        });
        evidence.retain(|e| !e.sources.is_empty() || e.text.starts_with("for "));
        let holds = match delay {
            Delay::NoEarlierThanSixMonths => outcome
                .effective
                .is_none_or(|d| d >= outcome.six_months_after),
            Delay::ExactlySixMonths => outcome.effective == Some(outcome.six_months_after),
        };
        let summary = format!("for {name}, {notice} {effect} (Art. 20(3))");
        let counterexamples = if holds {
            vec![]
        } else {
            vec![self.counterexample(state, format!("{notice} {effect}"))]
        };
        conclude(self.on, summary, counterexamples, vec![], evidence)
    }
}

impl Verdict {
    /// The same verdict with another outcome: for claims broken by a date or
    /// a number rather than by a state.
    fn with_outcome(mut self, outcome: Outcome) -> Verdict {
        self.outcome = outcome;
        self
    }
}
