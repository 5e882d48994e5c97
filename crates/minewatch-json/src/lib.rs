//! The JSON shapes of Minewatch's answers: one per concept (a status, a
//! party row, a history row, a step of an explanation, a finding, a
//! withdrawal), printed by the command line's `--format json` and served by
//! the web API alike. A contract: fields may be added, never renamed or
//! removed; a field that was renamed keeps its old name beside the new.

use jiff::civil::Date;
use minewatch_core::{ActionKind, Assessment, Finding, Registry, State, Status, Step};
use serde::Serialize;

/// One step of an explanation.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct StepJson {
    article: String,
    date: String,
    text: String,
    /// The first source, for scripts that want one.
    source: Option<String>,
    sources: Vec<String>,
    /// The status from this date on, when the step changes it.
    status: Option<&'static str>,
}

impl From<&Step> for StepJson {
    fn from(step: &Step) -> StepJson {
        let sources: Vec<String> = step.sources.iter().map(|s| s.to_string()).collect();
        StepJson {
            article: step.article.to_string(),
            date: step.date.to_string(),
            text: step.text.clone(),
            source: sources.first().cloned(),
            sources,
            status: step.status.map(Status::as_str),
        }
    }
}

/// One finding.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct FindingJson {
    kind: &'static str,
    severity: &'static str,
    date: Option<String>,
    article: Option<String>,
    text: String,
    sources: Vec<String>,
}

impl From<&Finding> for FindingJson {
    fn from(finding: &Finding) -> FindingJson {
        FindingJson {
            kind: finding.kind.as_str(),
            severity: finding.severity.as_str(),
            date: finding.date.map(|d| d.to_string()),
            article: finding.article.map(|a| a.to_string()),
            text: finding.text.clone(),
            sources: finding.sources.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A notified (or hypothetical) withdrawal.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct WithdrawalJson {
    received: String,
    /// The day Art. 20(3)'s six months end (the foundation's name).
    six_months_after_receipt: String,
    /// The same day, under the name it had first.
    six_months_after: String,
    deferred_by_armed_conflict: bool,
    effective: Option<String>,
}

/// `minewatch status --format json`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct StatusJson {
    state: String,
    name: String,
    on: String,
    status: &'static str,
    entry_into_force: Option<String>,
    withdrawal_effective: Option<String>,
    provisional_application: bool,
    withdrawal: Option<WithdrawalJson>,
    explanation: Vec<StepJson>,
    findings: Vec<FindingJson>,
    /// The groups (alliances) the state belongs to on the date.
    groups: Vec<String>,
}

impl StatusJson {
    /// The status of an assessment, with the groups the state is in then.
    pub fn new(registry: &Registry, assessment: &Assessment, groups: Vec<String>) -> StatusJson {
        StatusJson {
            state: assessment.state.to_string(),
            name: registry.name_of(assessment.state).to_string(),
            on: assessment.on.to_string(),
            status: assessment.status.as_str(),
            entry_into_force: assessment.entry_into_force.map(|d| d.to_string()),
            withdrawal_effective: assessment
                .withdrawal
                .as_ref()
                .and_then(|w| w.effective)
                .map(|d| d.to_string()),
            provisional_application: assessment.provisional_application,
            withdrawal: assessment.withdrawal.as_ref().map(|w| WithdrawalJson {
                received: w.received.to_string(),
                six_months_after_receipt: w.six_months_after.to_string(),
                six_months_after: w.six_months_after.to_string(),
                deferred_by_armed_conflict: w.deferred_by_armed_conflict,
                effective: w.effective.map(|d| d.to_string()),
            }),
            explanation: assessment.steps.iter().map(StepJson::from).collect(),
            findings: assessment.findings.iter().map(FindingJson::from).collect(),
            groups,
        }
    }
}

/// `minewatch what-if withdraw --format json`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct WhatIfJson {
    state: String,
    name: String,
    deposited: String,
    on: String,
    /// The day Art. 20(3)'s six months end (the foundation's name).
    six_months_after_receipt: String,
    /// The same day, under the name it had first.
    six_months_after: String,
    effective: Option<String>,
    deferred_by_armed_conflict: bool,
    status_on: &'static str,
    explanation: Vec<StepJson>,
    findings: Vec<FindingJson>,
}

impl WhatIfJson {
    /// A hypothetical withdrawal deposited on `deposited`, assessed.
    pub fn new(registry: &Registry, deposited: Date, assessment: &Assessment) -> WhatIfJson {
        let withdrawal = assessment.withdrawal.as_ref();
        WhatIfJson {
            state: assessment.state.to_string(),
            name: registry.name_of(assessment.state).to_string(),
            deposited: deposited.to_string(),
            on: assessment.on.to_string(),
            six_months_after_receipt: withdrawal
                .map(|w| w.six_months_after.to_string())
                .unwrap_or_default(),
            six_months_after: withdrawal
                .map(|w| w.six_months_after.to_string())
                .unwrap_or_default(),
            effective: withdrawal.and_then(|w| w.effective).map(|d| d.to_string()),
            deferred_by_armed_conflict: withdrawal.is_some_and(|w| w.deferred_by_armed_conflict),
            status_on: assessment.status.as_str(),
            explanation: assessment.steps.iter().map(StepJson::from).collect(),
            findings: assessment.findings.iter().map(FindingJson::from).collect(),
        }
    }
}

/// One bound (or, when asked, consented) state on a date: a row of
/// `minewatch parties` and of `GET /api/v1/parties`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct PartyJson {
    /// ISO 3166-1 alpha-3 code.
    pub state: String,
    /// The same code, under the API's first name for it.
    pub iso3: String,
    /// The state's name.
    pub name: String,
    /// Its status on the date.
    pub status: &'static str,
    /// The day the Convention entered (or will enter) into force for it in
    /// its current participation.
    pub entry_into_force: Option<String>,
    /// The day its current status began.
    pub since: Option<String>,
}

impl PartyJson {
    /// The row of `state`, whose status on `on` is `status`.
    pub fn new(registry: &Registry, state: &State, status: Status, on: Date) -> PartyJson {
        // The latest change into `party` or `consented` tells when the
        // current participation began or will begin.
        let changes = registry.status_changes(state.iso3);
        let entry_into_force = match status {
            Status::Consented => registry
                .assess(state.iso3, on)
                .and_then(|a| a.entry_into_force),
            _ => changes
                .iter()
                .rev()
                .find(|(d, s)| *d <= on && *s == Status::Party)
                .map(|(d, _)| *d),
        };
        let since = changes
            .iter()
            .rev()
            .find(|(d, _)| *d <= on)
            .map(|(d, _)| d.to_string());
        PartyJson {
            state: state.iso3.to_string(),
            iso3: state.iso3.to_string(),
            name: state.name.clone(),
            status: status.as_str(),
            entry_into_force: entry_into_force.map(|d| d.to_string()),
            since,
        }
    }
}

/// The counts of one day: a row of `minewatch history` and of
/// `GET /api/v1/history`. Each status count is of the states *in* that
/// status on the day; `ever_signed` and `consented_or_bound` are the
/// cumulative lines of the history page.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct HistoryJson {
    /// The day.
    pub date: String,
    /// States in status `signatory` (signed, no consent yet).
    pub signatories: usize,
    /// States in status `consented` (consent deposited, not yet in force).
    pub consented: usize,
    /// States bound: party, withdrawing and withdrawal deferred.
    pub bound: usize,
    /// States in status `party`.
    pub party: usize,
    /// States in status `withdrawing`.
    pub withdrawing: usize,
    /// States in status `withdrawal_deferred`.
    pub withdrawal_deferred: usize,
    /// States in status `withdrawn`.
    pub withdrawn: usize,
    /// States in status `non_signatory`.
    pub non_signatories: usize,
    /// States that had signed by the day, whatever their status now.
    pub ever_signed: usize,
    /// States consented or bound (`consented` + `bound`).
    pub consented_or_bound: usize,
}

impl HistoryJson {
    /// The columns of the counts, in the order of [`HistoryJson::counts`]
    /// (a CSV has `date` before them).
    pub const COUNTS: [&'static str; 10] = [
        "signatories",
        "consented",
        "bound",
        "party",
        "withdrawing",
        "withdrawal_deferred",
        "withdrawn",
        "non_signatories",
        "ever_signed",
        "consented_or_bound",
    ];

    /// The counts, in the order of [`HistoryJson::COUNTS`].
    pub fn counts(&self) -> [usize; 10] {
        [
            self.signatories,
            self.consented,
            self.bound,
            self.party,
            self.withdrawing,
            self.withdrawal_deferred,
            self.withdrawn,
            self.non_signatories,
            self.ever_signed,
            self.consented_or_bound,
        ]
    }

    /// The counts on `date`.
    pub fn on(registry: &Registry, date: Date) -> HistoryJson {
        let c = registry.counts_on(date);
        let ever_signed = registry
            .current_states()
            .filter(|s| {
                registry
                    .actions_of(s.iso3)
                    .any(|a| a.kind == ActionKind::Signature && a.date <= date)
            })
            .count();
        HistoryJson {
            date: date.to_string(),
            signatories: c.get(Status::Signatory),
            consented: c.get(Status::Consented),
            bound: c.bound(),
            party: c.get(Status::Party),
            withdrawing: c.get(Status::Withdrawing),
            withdrawal_deferred: c.get(Status::WithdrawalDeferred),
            withdrawn: c.get(Status::Withdrawn),
            non_signatories: c.get(Status::NonSignatory),
            ever_signed,
            consented_or_bound: c.get(Status::Consented) + c.bound(),
        }
    }
}

/// One treaty-status figure on a date: an element of `minewatch figures
/// --format json` and of `GET /api/v1/figures`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct FigureJson {
    /// The figure's contract name (`states_parties`).
    pub figure: &'static str,
    /// The number; `null` when the record cannot compute it (`reason` says
    /// why).
    pub value: Option<u64>,
    /// `exact`, or `at_least` when some states' numbers are not on record.
    pub bound: &'static str,
    /// The date, `YYYY-MM-DD`.
    pub on: String,
    /// What it counts.
    pub description: &'static str,
    /// The states counted (ISO3 codes), where the figure counts states.
    pub states: Option<Vec<String>>,
    /// The calendar year a yearly figure is for.
    pub year: Option<i16>,
    /// The article it applies, as "Art. 4".
    pub article: Option<String>,
    /// Why the value is null or a lower bound.
    pub reason: Option<String>,
    /// The ids of every source behind it.
    pub sources: Vec<String>,
}

impl FigureJson {
    /// The JSON of one computed figure.
    pub fn new(figure: &minewatch_core::figures::Figure) -> FigureJson {
        FigureJson {
            figure: figure.name.as_str(),
            value: figure.value,
            bound: figure.bound.as_str(),
            on: figure.on.to_string(),
            description: figure.name.describe(),
            states: figure
                .states
                .as_ref()
                .map(|s| s.iter().map(|c| c.as_str().to_string()).collect()),
            year: figure.year,
            article: figure.article.map(|a| a.to_string()),
            reason: figure.reason.clone(),
            sources: figure
                .sources
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        }
    }

    /// The CSV header of [`FigureJson::csv_cells`].
    pub const CSV_HEADER: [&'static str; 9] = [
        "figure", "value", "bound", "on", "year", "article", "states", "reason", "sources",
    ];

    /// The row's cells, unquoted: states and sources joined by `;`.
    pub fn csv_cells(&self) -> Vec<String> {
        vec![
            self.figure.to_string(),
            self.value.map(|v| v.to_string()).unwrap_or_default(),
            self.bound.to_string(),
            self.on.clone(),
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            self.article.clone().unwrap_or_default(),
            self.states
                .as_ref()
                .map(|s| s.join(";"))
                .unwrap_or_default(),
            self.reason.clone().unwrap_or_default(),
            self.sources.join(";"),
        ]
    }
}

/// A CSV cell: quoted when it holds a comma, quote or line break; a cell
/// starting with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
/// does not run it as a formula.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One change between two dates: an element of `minewatch changes --format
/// json` and of `GET /api/v1/changes`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct ChangeJson {
    /// The day it took effect, `YYYY-MM-DD`.
    pub date: String,
    /// The state (ISO3), or `null` for a figure.
    pub state: Option<String>,
    /// `status`, `obligation`, `finding`, `use_finding` or `figure`.
    pub kind: &'static str,
    /// What changed within the kind: the obligation, the finding, the
    /// figure's name; `null` for a status.
    pub name: Option<&'static str>,
    /// Before: a status, a standing, a number; `null` when there was none.
    pub before: Option<String>,
    /// After; `null` when there is none.
    pub after: Option<String>,
    /// The article that made it, as "Art. 20(2)".
    pub article: Option<String>,
    /// The ids of the sources behind it.
    pub sources: Vec<String>,
    /// One sentence.
    pub text: String,
}

impl ChangeJson {
    /// The JSON of one change.
    pub fn new(change: &minewatch_core::changes::Change) -> ChangeJson {
        ChangeJson {
            date: change.date.to_string(),
            state: change.state.map(|s| s.as_str().to_string()),
            kind: change.kind.as_str(),
            name: change.name,
            before: change.before.clone(),
            after: change.after.clone(),
            article: change.article.map(|a| a.to_string()),
            sources: change
                .sources
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            text: change.text.clone(),
        }
    }

    /// The CSV columns.
    pub const CSV_HEADER: [&'static str; 9] = [
        "date", "state", "kind", "name", "before", "after", "article", "sources", "text",
    ];

    /// The row's cells, unquoted: sources joined by `;`.
    pub fn csv_cells(&self) -> Vec<String> {
        vec![
            self.date.clone(),
            self.state.clone().unwrap_or_default(),
            self.kind.to_string(),
            self.name.unwrap_or_default().to_string(),
            self.before.clone().unwrap_or_default(),
            self.after.clone().unwrap_or_default(),
            self.article.clone().unwrap_or_default(),
            self.sources.join(";"),
            self.text.clone(),
        ]
    }
}

/// A question for the changes between two dates, as typed at the command
/// line or in a URL: the same reading for both.
#[derive(Clone, Debug, Default)]
pub struct ChangesQuery<'a> {
    /// The first day, excluded.
    pub from: Option<Date>,
    /// The last day, included.
    pub to: Option<Date>,
    /// States, as codes or names.
    pub states: Vec<&'a str>,
    /// A group id.
    pub group: Option<&'a str>,
    /// Kinds, comma-separated.
    pub kinds: Option<&'a str>,
}

/// Why a changes question cannot be answered: which part, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangesError {
    /// The parameter at fault: `from`, `to`, `state`, `group` or `kind`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The changes a question asks for, in the shape the CLI and the API share.
///
/// # Errors
/// A range that is empty, an unknown state, group or kind.
pub fn changes_rows(
    registry: &Registry,
    context: &minewatch_core::Context,
    query: &ChangesQuery<'_>,
) -> Result<Vec<ChangeJson>, ChangesError> {
    use minewatch_core::changes::{ChangeKind, Scope, changes};
    let bad = |field, message: String| ChangesError { field, message };
    let from = query
        .from
        .ok_or_else(|| bad("from", "`from` is required (YYYY-MM-DD)".into()))?;
    let to = query
        .to
        .ok_or_else(|| bad("to", "`to` is required (YYYY-MM-DD)".into()))?;
    if to <= from {
        return Err(bad(
            "to",
            format!(
                "`to` {to} is not after `from` {from}: the range is the days after `from` up to `to`"
            ),
        ));
    }
    let mut scope = Scope::default();
    if !query.states.is_empty() {
        let mut states = std::collections::BTreeSet::new();
        for s in &query.states {
            let found = registry
                .find_state(s)
                .map_err(|nf| bad("state", nf.to_string()))?;
            states.insert(found.iso3);
        }
        scope.states = Some(states);
    }
    if let Some(group) = query.group {
        let id = context
            .groups()
            .iter()
            .find(|g| g.id.eq_ignore_ascii_case(group))
            .map_or(group, |g| g.id.as_str());
        let members = Scope::group(context, id, from, to).ok_or_else(|| {
            let known: Vec<&str> = context.groups().iter().map(|g| g.id.as_str()).collect();
            bad(
                "group",
                format!(
                    "unknown group {group:?}; the record's groups are {}",
                    known.join(", ")
                ),
            )
        })?;
        scope = scope.and(members);
    }
    // No kind named (the parameter absent, empty or commas alone): all.
    let mut kinds: Vec<ChangeKind> = match query.kinds {
        None => Vec::new(),
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                ChangeKind::parse(k).ok_or_else(|| {
                    bad(
                        "kind",
                        format!("unknown kind {k:?}: one of status, obligation, finding, use_finding, figure"),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
    };
    if kinds.is_empty() {
        kinds = ChangeKind::ALL.to_vec();
    }
    Ok(changes(registry, context, from, to, &scope)
        .iter()
        .filter(|c| kinds.contains(&c.kind))
        .map(ChangeJson::new)
        .collect())
}
