//! What the command line prints: the JSON shapes (a contract: fields may be
//! added, never renamed or removed) and the text renderings.

use jiff::civil::Date;
use minewatch_core::{Assessment, Finding, Registry, State, Status, Step};
use minewatch_registry::Loaded;
use serde::Serialize;

/// One step of an explanation.
#[derive(Serialize)]
pub(crate) struct StepJson {
    article: &'static str,
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
            article: step.article,
            date: step.date.to_string(),
            text: step.text.clone(),
            source: sources.first().cloned(),
            sources,
            status: step.status.map(Status::as_str),
        }
    }
}

/// One finding.
#[derive(Serialize)]
pub(crate) struct FindingJson {
    kind: &'static str,
    severity: &'static str,
    date: Option<String>,
    article: Option<&'static str>,
    text: String,
    sources: Vec<String>,
}

impl From<&Finding> for FindingJson {
    fn from(finding: &Finding) -> FindingJson {
        FindingJson {
            kind: finding.kind.as_str(),
            severity: finding.severity.as_str(),
            date: finding.date.map(|d| d.to_string()),
            article: finding.article,
            text: finding.text.clone(),
            sources: finding.sources.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A notified (or hypothetical) withdrawal.
#[derive(Serialize)]
pub(crate) struct WithdrawalJson {
    received: String,
    six_months_after: String,
    deferred_by_armed_conflict: bool,
    effective: Option<String>,
}

/// `minewatch status --format json`.
#[derive(Serialize)]
pub(crate) struct StatusJson {
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
}

impl StatusJson {
    pub(crate) fn new(registry: &Registry, assessment: &Assessment) -> StatusJson {
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
                six_months_after: w.six_months_after.to_string(),
                deferred_by_armed_conflict: w.deferred_by_armed_conflict,
                effective: w.effective.map(|d| d.to_string()),
            }),
            explanation: assessment.steps.iter().map(StepJson::from).collect(),
            findings: assessment.findings.iter().map(FindingJson::from).collect(),
        }
    }
}

/// `minewatch what-if withdraw --format json`.
#[derive(Serialize)]
pub(crate) struct WhatIfJson {
    state: String,
    name: String,
    deposited: String,
    on: String,
    six_months_after: String,
    effective: Option<String>,
    deferred_by_armed_conflict: bool,
    status_on: &'static str,
    explanation: Vec<StepJson>,
    findings: Vec<FindingJson>,
}

impl WhatIfJson {
    pub(crate) fn new(registry: &Registry, deposited: Date, assessment: &Assessment) -> WhatIfJson {
        let withdrawal = assessment.withdrawal.as_ref();
        WhatIfJson {
            state: assessment.state.to_string(),
            name: registry.name_of(assessment.state).to_string(),
            deposited: deposited.to_string(),
            on: assessment.on.to_string(),
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

/// One row of `minewatch parties`.
#[derive(Serialize)]
pub(crate) struct PartyJson {
    pub(crate) state: String,
    pub(crate) name: String,
    pub(crate) status: &'static str,
    pub(crate) entry_into_force: Option<String>,
}

impl PartyJson {
    pub(crate) fn new(registry: &Registry, state: &State, status: Status, on: Date) -> PartyJson {
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
        PartyJson {
            state: state.iso3.to_string(),
            name: state.name.clone(),
            status: status.as_str(),
            entry_into_force: entry_into_force.map(|d| d.to_string()),
        }
    }
}

/// One row of `minewatch history`.
#[derive(Serialize)]
pub(crate) struct HistoryJson {
    pub(crate) date: String,
    pub(crate) signatories: usize,
    pub(crate) consented: usize,
    pub(crate) bound: usize,
    pub(crate) party: usize,
    pub(crate) withdrawing: usize,
    pub(crate) withdrawal_deferred: usize,
    pub(crate) withdrawn: usize,
    pub(crate) non_signatories: usize,
}

/// Quotes a CSV field when it needs it.
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Numbered source footnotes: `[1]` marks in the text, a list at the end.
#[derive(Default)]
pub(crate) struct Citations {
    cited: Vec<String>,
}

impl Citations {
    /// The marks for these sources, numbering the new ones.
    pub(crate) fn cite(&mut self, ids: &[minewatch_core::SourceId]) -> String {
        let marks: Vec<String> = ids
            .iter()
            .map(|id| {
                let n = match self.cited.iter().position(|c| c == id.as_str()) {
                    Some(i) => i + 1,
                    None => {
                        self.cited.push(id.to_string());
                        self.cited.len()
                    }
                };
                format!("[{n}]")
            })
            .collect();
        marks.join("")
    }

    /// The list of the sources cited, numbered, or nothing when none was.
    pub(crate) fn list(&self, loaded: &Loaded) -> String {
        let mut out = String::new();
        if self.cited.is_empty() {
            return out;
        }
        out.push_str("\nSources:\n");
        for (i, id) in self.cited.iter().enumerate() {
            match loaded.source(id) {
                Some(s) => out.push_str(&format!(
                    "  [{}] {} — {}, {}. {}\n",
                    i + 1,
                    id,
                    s.publisher,
                    s.title,
                    s.url
                )),
                None if id == "hypothetical" => {
                    out.push_str(&format!("  [{}] hypothetical — the assumption of this what-if, not a recorded fact\n", i + 1));
                }
                None => out.push_str(&format!("  [{}] {id}\n", i + 1)),
            }
        }
        out
    }
}

/// The steps and findings of an answer, with numbered source footnotes.
pub(crate) fn explanation_text(loaded: &Loaded, steps: &[Step], findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut citations = Citations::default();
    if !steps.is_empty() {
        out.push_str("\nWhy:\n");
        for step in steps {
            let change = step.status.map(|s| format!(" -> {s}")).unwrap_or_default();
            let marks = citations.cite(&step.sources);
            let line = format!(
                "  {}  {:<11} {}{change} {marks}",
                step.date, step.article, step.text
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if !findings.is_empty() {
        out.push_str("\nFindings:\n");
        for finding in findings {
            out.push_str(&format!(
                "  {} ({}): {} {}\n",
                finding.severity.as_str(),
                finding.kind.as_str(),
                finding.text,
                citations.cite(&finding.sources)
            ));
        }
    }
    out.push_str(&citations.list(loaded));
    out
}
