//! The registry: every fact in memory, checked against the articles, indexed
//! for the questions the rest of Minewatch asks.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::articles::Citation;

use crate::articles::art17_entry_into_force::INSTRUMENTS_FOR_ENTRY_INTO_FORCE;
use crate::engine::{self, Fact};
use crate::explain::{Assessment, Finding, FindingKind, Severity, Status, Step};
use crate::fact::{
    ActionKind, AlternativeValue, ArmedConflict, DisputedField, Relation, SourceConflict, State,
    StateCategory, TreatyAction,
};
use crate::legal_date::first_day_of_sixth_month_after;
use crate::{Iso3, SourceId};

/// What a violation is about: an index into the slice given to [`Registry::new`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Subject {
    /// A state.
    State(usize),
    /// A treaty action.
    Action(usize),
    /// An armed conflict.
    Conflict(usize),
    /// A source conflict.
    SourceConflict(usize),
    /// A hypothetical action (a what-if), not in the registry.
    Hypothetical,
}

/// A fact that breaks a rule badly enough that the registry refuses it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Violation {
    /// The offending fact.
    pub subject: Subject,
    /// The field (column) at fault.
    pub field: &'static str,
    /// The article broken, if the rule is an article's.
    pub article: Option<Citation>,
    /// What is wrong, in lower case, naming the offending value.
    pub message: String,
}

/// How many states had each status on a date.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct StatusCounts {
    /// Indexed like [`Status::ALL`].
    pub by_status: [usize; 7],
}

impl StatusCounts {
    /// The number of states with `status`.
    pub fn get(&self, status: Status) -> usize {
        self.by_status[status as usize]
    }

    /// The number of states bound (`party`, `withdrawing`, `withdrawal_deferred`).
    pub fn bound(&self) -> usize {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_bound())
            .map(|s| self.get(s))
            .sum()
    }
}

/// The record, checked and indexed.
#[derive(Debug)]
pub struct Registry {
    states: Vec<State>,
    actions: Vec<TreatyAction>,
    conflicts: Vec<ArmedConflict>,
    source_conflicts: Vec<SourceConflict>,
    by_code: BTreeMap<Iso3, usize>,
    /// For each state, its facts (its own and a continued predecessor's),
    /// sorted by the date they count from.
    facts: Vec<Vec<usize>>,
    fortieth: Option<usize>,
    transitions: Vec<Vec<(Date, Status)>>,
}

impl Registry {
    /// Checks the facts against each other and against the articles, and
    /// builds the registry.
    ///
    /// # Errors
    /// Every violation found, at once: unknown or duplicate codes, a succession
    /// without its date, a withdrawal by a state that is not bound, a signature
    /// before the Convention opened, and the like.
    pub fn new(
        states: Vec<State>,
        actions: Vec<TreatyAction>,
        conflicts: Vec<ArmedConflict>,
        source_conflicts: Vec<SourceConflict>,
    ) -> Result<Registry, Vec<Violation>> {
        let mut violations = Vec::new();
        let mut by_code = BTreeMap::new();
        for (i, state) in states.iter().enumerate() {
            if by_code.insert(state.iso3, i).is_some() {
                violations.push(violation(
                    Subject::State(i),
                    "iso3",
                    format!("duplicate state {}", state.iso3),
                ));
            }
            if state.sources.is_empty() {
                violations.push(violation(
                    Subject::State(i),
                    "sources",
                    "a state needs a source".into(),
                ));
            }
        }
        for (i, state) in states.iter().enumerate() {
            if let Some(p) = &state.predecessor {
                if !by_code.contains_key(&p.state) {
                    let message = format!("unknown predecessor {}", p.state);
                    violations.push(violation(Subject::State(i), "predecessor", message));
                } else if p.state == state.iso3 {
                    violations.push(violation(
                        Subject::State(i),
                        "predecessor",
                        "a state cannot be its own predecessor".into(),
                    ));
                }
            }
        }
        for (i, action) in actions.iter().enumerate() {
            let subject = Subject::Action(i);
            if !by_code.contains_key(&action.state) {
                violations.push(violation(
                    subject,
                    "state",
                    format!("unknown state {}", action.state),
                ));
            }
            if action.sources.is_empty() {
                violations.push(violation(
                    subject,
                    "sources",
                    "every action needs a source".into(),
                ));
            }
            match (action.kind, action.bound_from) {
                (ActionKind::Succession, None) => violations.push(violation(
                    subject,
                    "bound_from",
                    "a succession needs the date from which the successor is bound".into(),
                )),
                (ActionKind::Succession, Some(from)) if from > action.date => {
                    let message = format!(
                        "bound_from {from} is after the notification of {}",
                        action.date
                    );
                    violations.push(violation(subject, "bound_from", message));
                }
                (kind, Some(_)) if kind != ActionKind::Succession => violations.push(violation(
                    subject,
                    "bound_from",
                    format!(
                        "bound_from is only for a succession, not a {}",
                        kind.as_str()
                    ),
                )),
                _ => {}
            }
        }
        for (i, conflict) in conflicts.iter().enumerate() {
            let subject = Subject::Conflict(i);
            if let Some(unknown) = conflict.states.iter().find(|s| !by_code.contains_key(s)) {
                violations.push(violation(
                    subject,
                    "states",
                    format!("unknown state {unknown}"),
                ));
            }
            if conflict.end.is_some_and(|end| end < conflict.start) {
                violations.push(violation(
                    subject,
                    "end",
                    "the conflict ends before it starts".into(),
                ));
            }
            if conflict.sources.is_empty() {
                violations.push(violation(
                    subject,
                    "sources",
                    "every conflict needs a source".into(),
                ));
            }
        }
        for (i, conflict) in source_conflicts.iter().enumerate() {
            if conflict.action >= actions.len() {
                violations.push(violation(
                    Subject::SourceConflict(i),
                    "action",
                    "no such action".into(),
                ));
            }
        }
        if !violations.is_empty() {
            return Err(violations);
        }

        let mut facts = vec![Vec::new(); states.len()];
        for (i, action) in actions.iter().enumerate() {
            let owner = by_code[&action.state];
            facts[owner].push(i);
            for (j, state) in states.iter().enumerate() {
                let continues = state.predecessor.as_ref().is_some_and(|p| {
                    p.relation == Relation::Continuation && p.state == action.state
                });
                if continues {
                    facts[j].push(i);
                }
            }
        }
        for list in &mut facts {
            list.sort_by_key(|&i| (actions[i].effective_date(), actions[i].kind, i));
        }
        let mut consents: Vec<usize> = (0..actions.len())
            .filter(|&i| actions[i].kind.is_consent())
            .collect();
        consents.sort_by_key(|&i| (actions[i].date, i));
        let fortieth = consents.get(INSTRUMENTS_FOR_ENTRY_INTO_FORCE - 1).copied();

        let mut registry = Registry {
            transitions: vec![Vec::new(); states.len()],
            states,
            actions,
            conflicts,
            source_conflicts,
            by_code,
            facts,
            fortieth,
        };
        // Successors last: the rule for a succession looks at the predecessor.
        let mut order: Vec<usize> = (0..registry.states.len()).collect();
        order.sort_by_key(|&i| {
            registry.states[i]
                .predecessor
                .as_ref()
                .is_some_and(|p| p.relation == Relation::Succession)
        });
        for i in order {
            let run = registry.run_index(i, Date::MAX, &[]);
            for breach in run.breaches {
                let subject = breach.action.map_or(Subject::Hypothetical, Subject::Action);
                // A continuing state runs its predecessor's acts too: one
                // act's breach is reported once.
                let seen = violations
                    .iter()
                    .any(|v| v.subject == subject && v.field == breach.field);
                if !seen {
                    violations.push(Violation {
                        subject,
                        field: breach.field,
                        article: breach.article,
                        message: breach.message,
                    });
                }
            }
            registry.transitions[i] = run.transitions;
        }
        for (i, conflict) in registry.source_conflicts.iter().enumerate() {
            let action = &registry.actions[conflict.action];
            let fits = matches!(
                (conflict.field, &conflict.alternative),
                (DisputedField::Date, AlternativeValue::Date(_))
                    | (DisputedField::Kind, AlternativeValue::Kind(_))
                    | (DisputedField::BoundFrom, AlternativeValue::Date(_))
            ) && (conflict.field != DisputedField::BoundFrom
                || action.kind == ActionKind::Succession);
            if !fits {
                let message = format!(
                    "the alternative does not fit the field {}",
                    conflict.field.as_str()
                );
                violations.push(violation(
                    Subject::SourceConflict(i),
                    "alternative",
                    message,
                ));
            }
        }
        if violations.is_empty() {
            Ok(registry)
        } else {
            Err(violations)
        }
    }

    /// Every state, current and former, in the order given.
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// The states that exist today (all but the former ones), in code order.
    pub fn current_states(&self) -> impl Iterator<Item = &State> {
        self.by_code
            .values()
            .map(|&i| &self.states[i])
            .filter(|s| s.category != StateCategory::Former)
    }

    /// The state with this code.
    pub fn state(&self, iso3: Iso3) -> Option<&State> {
        self.by_code.get(&iso3).map(|&i| &self.states[i])
    }

    /// The state's name, or `"an unknown state"` when the code is not in the registry.
    pub fn name_of(&self, iso3: Iso3) -> &str {
        self.state(iso3)
            .map_or("an unknown state", |s| s.name.as_str())
    }

    /// Every treaty action, in the order given.
    pub fn actions(&self) -> &[TreatyAction] {
        &self.actions
    }

    /// The treaty actions that count for `iso3` (its own and those of a
    /// predecessor it continues), by the date they count from.
    pub fn actions_of(&self, iso3: Iso3) -> impl Iterator<Item = &TreatyAction> {
        let list = self
            .by_code
            .get(&iso3)
            .map_or(&[][..], |&i| self.facts[i].as_slice());
        list.iter().map(|&i| &self.actions[i])
    }

    /// Every armed conflict recorded.
    pub fn conflicts(&self) -> &[ArmedConflict] {
        &self.conflicts
    }

    /// Every disagreement between sources recorded.
    pub fn source_conflicts(&self) -> &[SourceConflict] {
        &self.source_conflicts
    }

    /// The fortieth instrument of consent deposited (Art. 17(1)).
    pub fn fortieth_instrument(&self) -> Option<&TreatyAction> {
        self.fortieth.map(|i| &self.actions[i])
    }

    /// The date the Convention entered into force (Art. 17(1)).
    pub fn treaty_entry_into_force(&self) -> Option<Date> {
        self.fortieth_instrument()
            .and_then(|a| first_day_of_sixth_month_after(a.date))
    }

    /// The status of `iso3` on `on`, without the explanation. Fast: a look-up
    /// among the few changes of status computed when the registry was built.
    pub fn status_on(&self, iso3: Iso3, on: Date) -> Option<Status> {
        self.by_code
            .get(&iso3)
            .map(|&i| self.status_of_index(i, on))
    }

    /// The status of the state at `index` of [`Registry::states`] on `on`.
    pub fn status_of_index(&self, index: usize, on: Date) -> Status {
        let changes = &self.transitions[index];
        let after = changes.partition_point(|(date, _)| *date <= on);
        if after == 0 {
            Status::NonSignatory
        } else {
            changes[after - 1].1
        }
    }

    /// Every change of status of `iso3`, oldest first, as computed from the
    /// whole record.
    pub fn status_changes(&self, iso3: Iso3) -> &[(Date, Status)] {
        self.by_code
            .get(&iso3)
            .map_or(&[], |&i| self.transitions[i].as_slice())
    }

    /// The current states with their status on `on`, in code order.
    pub fn statuses_on(&self, on: Date) -> impl Iterator<Item = (&State, Status)> {
        self.by_code
            .values()
            .filter(|&&i| self.states[i].category != StateCategory::Former)
            .map(move |&i| (&self.states[i], self.status_of_index(i, on)))
    }

    /// How many current states had each status on `on`.
    pub fn counts_on(&self, on: Date) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for (_, status) in self.statuses_on(on) {
            counts.by_status[status as usize] += 1;
        }
        counts
    }

    /// The status of `iso3` on `on` with its explanation and findings, from
    /// the facts that count from `on` or earlier only.
    pub fn assess(&self, iso3: Iso3, on: Date) -> Option<Assessment> {
        let index = *self.by_code.get(&iso3)?;
        Some(self.assess_index(index, on, &[]))
    }

    /// Every dated act of `iso3` and every change of status, explained, from
    /// the whole record.
    pub fn timeline(&self, iso3: Iso3) -> Option<Vec<Step>> {
        self.assess(iso3, Date::MAX).map(|a| a.steps)
    }

    /// What a withdrawal by `iso3` received on `deposited` would do, seen on `on`.
    ///
    /// # Errors
    /// A violation when the state could not withdraw then (it is not a State
    /// Party on that date, or has already notified a withdrawal).
    pub fn what_if_withdraw(
        &self,
        iso3: Iso3,
        deposited: Date,
        on: Date,
    ) -> Result<Assessment, Violation> {
        let Some(&index) = self.by_code.get(&iso3) else {
            return Err(violation(
                Subject::Hypothetical,
                "state",
                format!("unknown state {iso3}"),
            ));
        };
        let notice = TreatyAction {
            state: iso3,
            kind: ActionKind::Withdrawal,
            date: deposited,
            bound_from: None,
            sources: vec![SourceId::new("hypothetical")],
            note: "hypothetical notification of withdrawal".into(),
        };
        let on = on.max(deposited);
        let run = self.run_index(index, on, std::slice::from_ref(&notice));
        if let Some(breach) = run.breaches.into_iter().find(|b| b.action.is_none()) {
            return Err(Violation {
                subject: Subject::Hypothetical,
                field: breach.field,
                article: breach.article,
                message: breach.message,
            });
        }
        Ok(self.assess_index(index, on, std::slice::from_ref(&notice)))
    }

    fn run_index(&self, index: usize, on: Date, extra: &[TreatyAction]) -> engine::Run {
        let mut facts: Vec<Fact<'_>> = self.facts[index]
            .iter()
            .map(|&i| (Some(i), &self.actions[i]))
            .collect();
        facts.extend(extra.iter().map(|a| (None, a)));
        facts.sort_by_key(|(i, a)| (a.effective_date(), a.kind, i.unwrap_or(usize::MAX)));
        engine::run(self, self.states[index].iso3, &facts, on)
    }

    fn assess_index(&self, index: usize, on: Date, extra: &[TreatyAction]) -> Assessment {
        let state = &self.states[index];
        let run = self.run_index(index, on, extra);
        let mut steps = run.steps;
        let mut findings = run.findings;
        if let Some(p) = state
            .predecessor
            .as_ref()
            .filter(|p| p.relation == Relation::Continuation)
        {
            if p.since <= on {
                steps.push(Step {
                    article: crate::articles::succession::ARTICLE,
                    date: p.since,
                    text: format!(
                        "{} continues the international legal personality of {}: the acts of {} above are its own",
                        state.name,
                        self.name_of(p.state),
                        self.name_of(p.state)
                    ),
                    sources: state.sources.clone(),
                    status: None,
                });
                steps.sort_by_key(|s| s.date);
            }
        }
        if state.category == StateCategory::Former {
            if let Some(heir) = self.states.iter().find(|s| {
                s.predecessor.as_ref().is_some_and(|p| {
                    p.state == state.iso3 && p.relation == Relation::Continuation && p.since <= on
                })
            }) {
                let since = heir.predecessor.as_ref().map_or(on, |p| p.since);
                findings.push(Finding {
                    kind: FindingKind::FormerState,
                    severity: Severity::Info,
                    date: Some(since),
                    article: None,
                    text: format!(
                        "{} ceased to exist on {since}; {} continues it",
                        state.name, heir.name
                    ),
                    sources: heir.sources.clone(),
                });
            }
        }
        findings.extend(self.source_conflict_findings(
            index,
            on,
            extra,
            run.status,
            run.entry_into_force,
        ));
        Assessment {
            state: state.iso3,
            on,
            status: run.status,
            entry_into_force: run.entry_into_force,
            withdrawal: run.withdrawal,
            provisional_application: run.provisional_application,
            steps,
            findings,
        }
    }

    /// A finding for each disagreement between sources about a fact of this
    /// state that counts by `on`, saying whether the other reading would
    /// change the answer.
    fn source_conflict_findings(
        &self,
        index: usize,
        on: Date,
        extra: &[TreatyAction],
        status: Status,
        entry_into_force: Option<Date>,
    ) -> Vec<Finding> {
        let facts = &self.facts[index];
        let mut findings = Vec::new();
        for conflict in &self.source_conflicts {
            if !facts.contains(&conflict.action) {
                continue;
            }
            let action = &self.actions[conflict.action];
            if action.effective_date() > on {
                continue;
            }
            let mut altered = action.clone();
            let recorded = match (conflict.field, &conflict.alternative) {
                (DisputedField::Date, AlternativeValue::Date(d)) => {
                    altered.date = *d;
                    action.date.to_string()
                }
                (DisputedField::BoundFrom, AlternativeValue::Date(d)) => {
                    if *d > action.date {
                        // A reading that dates the successor after its own
                        // notification treats the notification as an ordinary
                        // deposit with Art. 17(2) timing (the Monitor's reading
                        // of Montenegro): consented on notification, bound later.
                        altered.kind = ActionKind::Accession;
                        altered.bound_from = None;
                    } else {
                        altered.bound_from = Some(*d);
                    }
                    action.bound_from.map(|d| d.to_string()).unwrap_or_default()
                }
                (DisputedField::Kind, AlternativeValue::Kind(k)) => {
                    altered.kind = *k;
                    action.kind.as_str().to_string()
                }
                _ => continue,
            };
            let alternative_run =
                self.run_with_replacement(index, conflict.action, &altered, extra, on);
            let mut effect = Vec::new();
            if alternative_run.status != status {
                effect.push(format!(
                    "on {on} that reading gives {} instead of {status}",
                    alternative_run.status
                ));
            }
            if alternative_run.entry_into_force != entry_into_force {
                let show = |d: Option<Date>| d.map_or("none".to_string(), |d| d.to_string());
                effect.push(format!(
                    "it moves the date from which the state is bound from {} to {}",
                    show(entry_into_force),
                    show(alternative_run.entry_into_force)
                ));
            }
            let effect = if effect.is_empty() {
                "it changes neither the status nor the date of entry into force".to_string()
            } else {
                effect.join("; ")
            };
            let mut sources = action.sources.clone();
            sources.extend(conflict.sources.iter().cloned());
            findings.push(Finding {
                kind: FindingKind::ConflictingSources,
                severity: if alternative_run.status != status || alternative_run.entry_into_force != entry_into_force {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                date: Some(action.date),
                article: None,
                text: format!(
                    "Sources disagree on the {} of the {} of {}: the registry records {recorded} ({}), another source gives {} ({}). {}; {effect}",
                    conflict.field.as_str(),
                    action.kind.as_str(),
                    self.name_of(action.state),
                    join_ids(&action.sources),
                    conflict.alternative,
                    join_ids(&conflict.sources),
                    conflict.note.trim_end_matches('.'),
                ),
                sources,
            });
        }
        findings
    }

    fn run_with_replacement(
        &self,
        index: usize,
        replaced: usize,
        with: &TreatyAction,
        extra: &[TreatyAction],
        on: Date,
    ) -> engine::Run {
        let mut facts: Vec<Fact<'_>> = self.facts[index]
            .iter()
            .map(|&i| {
                if i == replaced {
                    (Some(i), with)
                } else {
                    (Some(i), &self.actions[i])
                }
            })
            .collect();
        facts.extend(extra.iter().map(|a| (None, a)));
        facts.sort_by_key(|(i, a)| (a.effective_date(), a.kind, i.unwrap_or(usize::MAX)));
        engine::run(self, self.states[index].iso3, &facts, on)
    }
}

fn join_ids(ids: &[SourceId]) -> String {
    ids.iter()
        .map(SourceId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn violation(subject: Subject, field: &'static str, message: String) -> Violation {
    Violation {
        subject,
        field,
        article: None,
        message,
    }
}
