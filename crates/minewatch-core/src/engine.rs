//! The engine: runs a state's acts through the articles, in date order, and
//! records each change of status with its reason.
//!
//! It is one state machine for every question. A full run (up to the end of
//! time) gives the transitions the fast [`crate::Registry::status_on`] looks
//! up; a run cut at a date gives the explained [`crate::Assessment`]. A run
//! cut at date `d` sees only facts that count from `d` or earlier, and a
//! transition on date `t` depends only on facts that count from `t` or
//! earlier, so both give the same status for every date (a property test
//! checks it).

use jiff::civil::Date;

use crate::articles::Citation;
use crate::articles::art17_entry_into_force::{EntryIntoForce, entry_into_force};
use crate::articles::{
    art15_signature, art16_consent, art18_provisional_application, art19_reservations,
    art20_withdrawal, succession,
};
use crate::legal_date;
use crate::{
    ActionKind, Finding, FindingKind, Iso3, Registry, Severity, SourceId, Status, Step,
    TreatyAction, WithdrawalOutcome,
};

/// A fact handed to the engine: the action and, when it is in the registry,
/// its index there (a hypothetical one has none).
pub(crate) type Fact<'a> = (Option<usize>, &'a TreatyAction);

/// A rule of the articles that a recorded act breaks so badly that no status
/// can be computed from it (a withdrawal by a state that is not bound, say).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Breach {
    pub(crate) action: Option<usize>,
    pub(crate) field: &'static str,
    pub(crate) article: Option<Citation>,
    pub(crate) message: String,
}

/// The result of a run.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) status: Status,
    pub(crate) transitions: Vec<(Date, Status)>,
    pub(crate) steps: Vec<Step>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) breaches: Vec<Breach>,
    pub(crate) entry_into_force: Option<Date>,
    pub(crate) withdrawal: Option<WithdrawalOutcome>,
    pub(crate) provisional_application: bool,
}

struct Machine<'r> {
    registry: &'r Registry,
    state: Iso3,
    name: &'r str,
    on: Date,
    signed: Option<Date>,
    consent: Option<(Date, Vec<SourceId>)>,
    awaiting_fortieth: bool,
    run: Run,
}

/// Runs `facts` (sorted by the date they count from) for `state` up to `on`.
pub(crate) fn run(registry: &Registry, state: Iso3, facts: &[Fact<'_>], on: Date) -> Run {
    let mut machine = Machine {
        registry,
        state,
        name: registry.name_of(state),
        on,
        signed: None,
        consent: None,
        awaiting_fortieth: false,
        run: Run {
            status: Status::NonSignatory,
            transitions: Vec::new(),
            steps: Vec::new(),
            findings: Vec::new(),
            breaches: Vec::new(),
            entry_into_force: None,
            withdrawal: None,
            provisional_application: false,
        },
    };
    for &(index, action) in facts {
        let counts_from = action.effective_date();
        if counts_from > on {
            break;
        }
        machine.advance(counts_from);
        machine.apply(index, action);
    }
    machine.advance(on);
    machine.run
}

impl Machine<'_> {
    fn step(&mut self, article: Citation, date: Date, text: String, sources: &[SourceId]) {
        self.run.steps.push(Step {
            article,
            date,
            text,
            sources: sources.to_vec(),
            status: None,
        });
    }

    fn change(
        &mut self,
        status: Status,
        article: Citation,
        date: Date,
        text: String,
        sources: &[SourceId],
    ) {
        self.run.status = status;
        if let Some(last) = self.run.transitions.last_mut().filter(|(d, _)| *d == date) {
            last.1 = status;
        } else {
            self.run.transitions.push((date, status));
        }
        self.run.steps.push(Step {
            article,
            date,
            text,
            sources: sources.to_vec(),
            status: Some(status),
        });
    }

    fn breach(
        &mut self,
        index: Option<usize>,
        field: &'static str,
        article: Citation,
        message: String,
    ) {
        self.run.breaches.push(Breach {
            action: index,
            field,
            article: Some(article),
            message,
        });
    }

    fn finding(
        &mut self,
        kind: FindingKind,
        date: Date,
        article: Citation,
        text: String,
        sources: &[SourceId],
    ) {
        self.run.findings.push(Finding {
            kind,
            severity: Severity::Warning,
            date: Some(date),
            article: Some(article),
            text,
            sources: sources.to_vec(),
        });
    }

    /// Applies the rules that fire with the passing of time, up to and
    /// including `to`: entry into force, the end of the six months, the end of
    /// a deferring conflict.
    fn advance(&mut self, to: Date) {
        loop {
            match self.run.status {
                Status::Consented if self.awaiting_fortieth => {
                    let Some(fortieth) = self.registry.fortieth_instrument() else {
                        return;
                    };
                    if fortieth.date > to || fortieth.date > self.on {
                        return;
                    }
                    self.awaiting_fortieth = false;
                    let deposit = self.consent.as_ref().map_or(fortieth.date, |c| c.0);
                    if let EntryIntoForce::On { date, .. } =
                        entry_into_force(deposit, Some(fortieth.date))
                    {
                        self.run.entry_into_force = Some(date);
                        let text = format!(
                            "The fortieth instrument of consent was deposited on {} ({}); the Convention enters into force on {date} for every state that had deposited by then",
                            fortieth.date,
                            self.registry.name_of(fortieth.state),
                        );
                        self.step(
                            Citation::paragraph(17, 1),
                            fortieth.date,
                            text,
                            &fortieth.sources.clone(),
                        );
                    }
                }
                Status::Consented => {
                    let Some(in_force) = self.run.entry_into_force.filter(|d| *d <= to) else {
                        return;
                    };
                    let sources = self
                        .consent
                        .as_ref()
                        .map(|c| c.1.clone())
                        .unwrap_or_default();
                    let article = self.entry_into_force_article();
                    let text = format!(
                        "The Convention enters into force for {}: it is a State Party",
                        self.name
                    );
                    self.change(Status::Party, article, in_force, text, &sources);
                    self.run.provisional_application = false;
                }
                Status::Withdrawing => {
                    let Some(outcome) = self.run.withdrawal.clone() else {
                        return;
                    };
                    if outcome.six_months_after > to {
                        return;
                    }
                    let six = outcome.six_months_after;
                    let (settled, deferring) = art20_withdrawal::outcome(
                        self.state,
                        outcome.received,
                        self.registry.conflicts(),
                        self.on,
                    );
                    self.run.withdrawal = Some(settled.clone());
                    if settled.deferred_by_armed_conflict {
                        let names: Vec<&str> = deferring.iter().map(|c| c.name.as_str()).collect();
                        let sources: Vec<SourceId> =
                            deferring.iter().flat_map(|c| c.sources.clone()).collect();
                        let text = format!(
                            "Six months after receipt, {} is engaged in an armed conflict ({}): the withdrawal does not take effect before that conflict ends, and it remains bound",
                            self.name,
                            names.join("; ")
                        );
                        self.change(
                            Status::WithdrawalDeferred,
                            art20_withdrawal::EFFECT,
                            six,
                            text,
                            &sources,
                        );
                    } else {
                        let text = format!(
                            "Six months after the depositary received the notification, the withdrawal takes effect: {} is no longer bound (duties under other international law remain, Art. 20(4))",
                            self.name
                        );
                        self.change(Status::Withdrawn, art20_withdrawal::EFFECT, six, text, &[]);
                    }
                }
                Status::WithdrawalDeferred => {
                    let Some(end) = self.run.withdrawal.as_ref().and_then(|w| w.effective) else {
                        return;
                    };
                    if end > to {
                        return;
                    }
                    let text = format!(
                        "The armed conflict that deferred the withdrawal has ended: the withdrawal takes effect and {} is no longer bound (Art. 20(4) still applies)",
                        self.name
                    );
                    self.change(Status::Withdrawn, art20_withdrawal::EFFECT, end, text, &[]);
                }
                _ => return,
            }
        }
    }

    fn entry_into_force_article(&self) -> Citation {
        let fortieth = self.registry.fortieth_instrument().map(|a| a.date);
        match (self.consent.as_ref(), self.run.entry_into_force) {
            (Some((deposit, _)), Some(_)) => match entry_into_force(*deposit, fortieth) {
                EntryIntoForce::On { article, .. } => article,
                EntryIntoForce::AwaitingFortiethInstrument => Citation::article(17),
            },
            _ => Citation::article(17),
        }
    }

    fn treaty_in_force_from(&self) -> Option<Date> {
        self.registry.treaty_entry_into_force().filter(|_| {
            self.registry
                .fortieth_instrument()
                .is_some_and(|f| f.date <= self.on)
        })
    }

    fn apply(&mut self, index: Option<usize>, action: &TreatyAction) {
        let date = action.date;
        let sources = action.sources.as_slice();
        if let Some(problem) = legal_date::beyond_the_calendar(date) {
            let article = match action.kind {
                ActionKind::Withdrawal | ActionKind::Suspension => art20_withdrawal::EFFECT,
                _ => Citation::article(17),
            };
            self.breach(index, "date", article, problem);
            return;
        }
        match action.kind {
            ActionKind::Signature => self.sign(index, action),
            kind if kind.is_consent() => self.consent(index, action),
            ActionKind::Succession => self.succeed(index, action),
            ActionKind::ProvisionalApplication => {
                if self.run.status == Status::Consented {
                    self.run.provisional_application = true;
                    let text = format!(
                        "{} declares that it applies the prohibitions of Art. 1(1) provisionally until the Convention enters into force for it",
                        self.name
                    );
                    self.step(art18_provisional_application::ARTICLE, date, text, sources);
                } else {
                    let message = format!(
                        "an Art. 18 declaration is made with an instrument of consent, but {} is {} on {date}",
                        self.name, self.run.status
                    );
                    self.breach(
                        index,
                        "action",
                        art18_provisional_application::ARTICLE,
                        message,
                    );
                }
            }
            ActionKind::Withdrawal => self.withdraw(index, action),
            ActionKind::Suspension if !self.run.status.is_bound() => {
                let message = format!(
                    "only a State Party can purport to suspend the Convention, and {} is {} on {date}",
                    self.name, self.run.status
                );
                self.breach(index, "date", art19_reservations::ARTICLE, message);
            }
            ActionKind::Suspension => {
                let text = format!(
                    "{} notified the depositary that it \"suspends\" the Convention. The Convention has no suspension clause and admits no reservations (Art. 19); only a withdrawal under Art. 20 ends its obligations. The notice changes nothing: {} remains {}",
                    self.name, self.name, self.run.status
                );
                self.step(art19_reservations::ARTICLE, date, text.clone(), sources);
                self.finding(
                    FindingKind::PurportedSuspension,
                    date,
                    art20_withdrawal::NOTICE,
                    text,
                    sources,
                );
            }
            _ => {}
        }
    }

    fn sign(&mut self, index: Option<usize>, action: &TreatyAction) {
        let date = action.date;
        if let Some(problem) = art15_signature::signature_problem(date, None) {
            self.breach(index, "date", art15_signature::ARTICLE, problem);
            return;
        }
        if let Some(problem) = art15_signature::signature_problem(date, self.treaty_in_force_from())
        {
            self.finding(
                FindingKind::RuleBreach,
                date,
                art15_signature::ARTICLE,
                problem,
                &action.sources,
            );
        }
        if self.signed.is_some() {
            let message = format!("{} is recorded as signing twice", self.name);
            self.breach(index, "action", art15_signature::ARTICLE, message);
            return;
        }
        self.signed = Some(date);
        let text = format!("{} signs the Convention", self.name);
        if self.run.status == Status::NonSignatory {
            self.change(
                Status::Signatory,
                art15_signature::ARTICLE,
                date,
                text,
                &action.sources,
            );
        } else {
            self.step(art15_signature::ARTICLE, date, text, &action.sources);
        }
    }

    fn consent(&mut self, index: Option<usize>, action: &TreatyAction) {
        let date = action.date;
        let article = art16_consent::article(action.kind);
        if date < art15_signature::OPENED_FOR_SIGNATURE {
            let message = format!(
                "instrument dated {date}, before the Convention was opened on {}",
                art15_signature::OPENED_FOR_SIGNATURE
            );
            self.breach(index, "date", article, message);
            return;
        }
        if !matches!(
            self.run.status,
            Status::NonSignatory | Status::Signatory | Status::Withdrawn
        ) {
            let message = format!(
                "{} deposits an instrument of {} on {date} while it is already {}",
                self.name,
                action.kind.as_str(),
                self.run.status
            );
            self.breach(index, "action", article, message);
            return;
        }
        if let Some(problem) = art16_consent::consent_problem(action.kind, self.signed) {
            self.finding(
                FindingKind::RuleBreach,
                date,
                article,
                problem,
                &action.sources,
            );
        }
        self.consent = Some((date, action.sources.clone()));
        self.run.withdrawal = None;
        // What was known on the day of the deposit: the fortieth instrument may come later.
        let fortieth = self
            .registry
            .fortieth_instrument()
            .map(|a| a.date)
            .filter(|d| *d <= date);
        let when = match entry_into_force(date, fortieth) {
            EntryIntoForce::On {
                date: in_force,
                article,
            } => {
                self.awaiting_fortieth = false;
                self.run.entry_into_force = Some(in_force);
                format!("it enters into force for it on {in_force} ({article})")
            }
            EntryIntoForce::AwaitingFortiethInstrument => {
                self.awaiting_fortieth = true;
                self.run.entry_into_force = None;
                "it will enter into force on the first day of the sixth month after the month of the fortieth instrument, not yet deposited (Art. 17(1))".to_string()
            }
        };
        let text = format!(
            "{} deposits its instrument of {} with the depositary; {when}",
            self.name,
            action.kind.as_str()
        );
        self.change(Status::Consented, article, date, text, &action.sources);
    }

    fn succeed(&mut self, index: Option<usize>, action: &TreatyAction) {
        let bound_from = action.effective_date();
        let predecessor = self
            .registry
            .state(self.state)
            .and_then(|s| s.predecessor.clone());
        let Some(predecessor) = predecessor else {
            let message = format!(
                "{} notifies succession but has no predecessor in states.csv",
                self.name
            );
            self.breach(index, "action", succession::ARTICLE, message);
            return;
        };
        if self.run.status != Status::NonSignatory {
            let message = format!(
                "{} notifies succession while it is already {}",
                self.name, self.run.status
            );
            self.breach(index, "action", succession::ARTICLE, message);
            return;
        }
        let predecessor_name = self.registry.name_of(predecessor.state);
        let predecessor_status = self.registry.status_on(
            predecessor.state,
            bound_from.yesterday().unwrap_or(bound_from),
        );
        if !predecessor_status.is_some_and(Status::is_bound) {
            let text = format!(
                "{} succeeds to the Convention from {bound_from}, but its predecessor {predecessor_name} was not bound then",
                self.name
            );
            self.finding(
                FindingKind::RuleBreach,
                bound_from,
                succession::ARTICLE,
                text,
                &action.sources,
            );
        }
        self.run.entry_into_force = Some(bound_from);
        self.consent = Some((action.date, action.sources.clone()));
        let text = format!(
            "{} notifies the depositary on {} that it succeeds {predecessor_name} as a party; it is bound from the date of succession, {bound_from}, not by Art. 17(2) timing",
            self.name, action.date
        );
        self.change(
            Status::Party,
            succession::ARTICLE,
            bound_from,
            text,
            &action.sources,
        );
    }

    fn withdraw(&mut self, index: Option<usize>, action: &TreatyAction) {
        let date = action.date;
        if self.run.status != Status::Party {
            let message = match self.run.status {
                Status::Withdrawing | Status::WithdrawalDeferred => {
                    format!(
                        "{} notifies withdrawal on {date} but has already done so",
                        self.name
                    )
                }
                status => format!(
                    "only a State Party may withdraw, and {} is {status} on {date}",
                    self.name
                ),
            };
            self.breach(index, "date", art20_withdrawal::NOTICE, message);
            return;
        }
        let (outcome, deferring) =
            art20_withdrawal::outcome(self.state, date, self.registry.conflicts(), self.on);
        let six = outcome.six_months_after;
        let mut text = format!(
            "The depositary receives {}'s notification of withdrawal; it remains bound for six months, until {six}",
            self.name
        );
        if six > self.on && !deferring.is_empty() {
            text.push_str(&format!(
                ", and longer if it is still engaged in an armed conflict then ({})",
                deferring
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            let note = format!(
                "{} is engaged in an armed conflict on {}; if it still is on {six}, the withdrawal will not take effect before the conflict ends",
                self.name, self.on
            );
            let sources: Vec<SourceId> = deferring.iter().flat_map(|c| c.sources.clone()).collect();
            self.run.findings.push(Finding {
                kind: FindingKind::ArmedConflict,
                severity: Severity::Info,
                date: Some(self.on),
                article: Some(art20_withdrawal::EFFECT),
                text: note,
                sources,
            });
        }
        let outcome = if six > self.on && !deferring.is_empty() {
            WithdrawalOutcome {
                effective: None,
                deferred_by_armed_conflict: false,
                ..outcome
            }
        } else {
            WithdrawalOutcome {
                effective: Some(six),
                deferred_by_armed_conflict: false,
                ..outcome
            }
        };
        self.run.withdrawal = Some(outcome);
        self.change(
            Status::Withdrawing,
            art20_withdrawal::NOTICE,
            date,
            text,
            &action.sources,
        );
    }
}
