//! A checked claim as JSON: the one shape `minewatch check --format json`
//! and `POST /api/v1/claims` both give (a contract: fields may be added,
//! never renamed or removed).

use minewatch_claims::Verdict;
use minewatch_registry::Loaded;
use serde::Serialize;

/// One counter-example: a state that breaks the claim, and why.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct CounterexampleReport {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// The state's name.
    pub name: String,
    /// Why it breaks the claim.
    pub reason: String,
}

/// One piece of evidence.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct EvidenceReport {
    /// The fact, in words.
    pub text: String,
    /// When it counts from, if dated.
    pub date: Option<String>,
    /// The Convention's articles it bears on.
    pub articles: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// A source cited by the evidence, in full.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct SourceReport {
    /// Its id in `data/sources.csv`.
    pub id: String,
    /// Who published it.
    pub publisher: String,
    /// Its title.
    pub title: String,
    /// Where it is.
    pub url: String,
}

/// A checked claim.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct VerdictReport {
    /// The claim's id in a claims file, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The claim as written.
    pub claim: String,
    /// The date it was checked on.
    pub on: String,
    /// `holds`, `does not hold` or `unknown`.
    pub verdict: &'static str,
    /// One sentence saying why.
    pub summary: String,
    /// The states that break it.
    pub counterexamples: Vec<CounterexampleReport>,
    /// Why the record cannot decide, for an `unknown` verdict.
    pub reasons: Vec<String>,
    /// The facts it rests on.
    pub evidence: Vec<EvidenceReport>,
    /// Every source the evidence cites, in full.
    pub sources: Vec<SourceReport>,
}

impl VerdictReport {
    /// The report of `verdict` on `claim`, its sources looked up in the record.
    pub fn new(loaded: &Loaded, id: Option<&str>, claim: &str, verdict: &Verdict) -> VerdictReport {
        let mut cited: Vec<String> = verdict
            .evidence
            .iter()
            .flat_map(|e| e.sources.iter().map(|s| s.to_string()))
            .collect();
        cited.sort();
        cited.dedup();
        VerdictReport {
            id: id.map(String::from),
            claim: claim.to_string(),
            on: verdict.on.to_string(),
            verdict: verdict.outcome.as_str(),
            summary: verdict.summary.clone(),
            counterexamples: verdict
                .counterexamples
                .iter()
                .map(|c| CounterexampleReport {
                    iso3: c.state.to_string(),
                    name: c.name.clone(),
                    reason: c.reason.clone(),
                })
                .collect(),
            reasons: verdict.reasons.clone(),
            evidence: verdict
                .evidence
                .iter()
                .map(|e| EvidenceReport {
                    text: e.text.clone(),
                    date: e.date.map(|d| d.to_string()),
                    articles: e.articles.iter().map(ToString::to_string).collect(),
                    sources: e.sources.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            sources: cited
                .iter()
                .filter_map(|id| loaded.source(id))
                .map(|s| SourceReport {
                    id: s.id.clone(),
                    publisher: s.publisher.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
        }
    }
}
