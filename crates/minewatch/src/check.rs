//! `minewatch check`: claims checked against the record, one from the
//! command line or a file of them.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use minewatch_claims::{Checker, ClaimLine, Outcome, Verdict, read_claims_file};
use minewatch_registry::Loaded;
use serde::Serialize;

use crate::CliError;
use crate::cli::Format;
use crate::output::Citations;

/// One counter-example.
#[derive(Serialize)]
struct CounterexampleJson {
    iso3: String,
    name: String,
    reason: String,
}

/// One piece of evidence.
#[derive(Serialize)]
struct EvidenceJson {
    text: String,
    date: Option<String>,
    articles: Vec<&'static str>,
    sources: Vec<String>,
}

/// A source cited by a verdict.
#[derive(Serialize)]
struct SourceJson {
    id: String,
    publisher: String,
    title: String,
    url: String,
}

/// A checked claim, as `--format json` prints it (a contract: fields may
/// be added, never renamed or removed).
#[derive(Serialize)]
struct VerdictJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    claim: String,
    on: String,
    verdict: &'static str,
    summary: String,
    counterexamples: Vec<CounterexampleJson>,
    /// Why the record cannot decide, for an `unknown` verdict.
    reasons: Vec<String>,
    evidence: Vec<EvidenceJson>,
    /// Every source the evidence cites, in full.
    sources: Vec<SourceJson>,
}

impl VerdictJson {
    fn new(loaded: &Loaded, id: Option<&str>, claim: &str, verdict: &Verdict) -> VerdictJson {
        let mut cited: Vec<String> = verdict
            .evidence
            .iter()
            .flat_map(|e| e.sources.iter().map(|s| s.to_string()))
            .collect();
        cited.sort();
        cited.dedup();
        VerdictJson {
            id: id.map(String::from),
            claim: claim.to_string(),
            on: verdict.on.to_string(),
            verdict: verdict.outcome.as_str(),
            summary: verdict.summary.clone(),
            counterexamples: verdict
                .counterexamples
                .iter()
                .map(|c| CounterexampleJson {
                    iso3: c.state.to_string(),
                    name: c.name.clone(),
                    reason: c.reason.clone(),
                })
                .collect(),
            reasons: verdict.reasons.clone(),
            evidence: verdict
                .evidence
                .iter()
                .map(|e| EvidenceJson {
                    text: e.text.clone(),
                    date: e.date.map(|d| d.to_string()),
                    articles: e.articles.clone(),
                    sources: e.sources.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            sources: cited
                .iter()
                .filter_map(|id| loaded.source(id))
                .map(|s| SourceJson {
                    id: s.id.clone(),
                    publisher: s.publisher.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
        }
    }
}

/// A verdict as text, citing sources into `citations`.
fn verdict_text(
    id: Option<&str>,
    claim: &str,
    verdict: &Verdict,
    citations: &mut Citations,
) -> String {
    let mut out = String::new();
    match id {
        Some(id) => out.push_str(&format!("{id}: {claim}\n")),
        None => out.push_str(&format!("{claim}\n")),
    }
    out.push_str(&format!(
        "  on {}: {}\n  {}\n",
        verdict.on,
        verdict.outcome.as_str().to_uppercase(),
        verdict.summary
    ));
    if !verdict.counterexamples.is_empty() {
        out.push_str(&format!(
            "  Counter-examples ({}):\n",
            verdict.counterexamples.len()
        ));
        for c in &verdict.counterexamples {
            out.push_str(&format!("    {} ({}): {}\n", c.name, c.state, c.reason));
        }
    }
    if !verdict.reasons.is_empty() {
        out.push_str("  Unknown because:\n");
        for reason in &verdict.reasons {
            out.push_str(&format!("    {reason}\n"));
        }
    }
    if !verdict.evidence.is_empty() {
        out.push_str("  Evidence:\n");
        for e in &verdict.evidence {
            let articles = if e.articles.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.articles.join(", "))
            };
            let line = format!("    {}{articles} {}", e.text, citations.cite(&e.sources));
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// The exit code for a file: 1 if any claim does not hold, else 3 if any is
/// unknown, else 0.
fn file_exit(outcomes: &[Outcome]) -> u8 {
    if outcomes.contains(&Outcome::DoesNotHold) {
        1
    } else if outcomes.contains(&Outcome::Unknown) {
        3
    } else {
        0
    }
}

/// Runs `minewatch check`.
pub(crate) fn run(
    loaded: &Loaded,
    claim: &[String],
    file: Option<&Path>,
    on: Date,
    format: Format,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let checker = Checker::new(&loaded.registry, &loaded.context);
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let origin = path.display().to_string();
            let lines = read_claims_file(&text).map_err(|e| e.render(&origin, &text))?;
            let mut checked: Vec<(&ClaimLine, Verdict)> = Vec::new();
            for line in &lines {
                let verdict = checker
                    .check(&line.text, on)
                    .map_err(|e| e.shifted(line.line, line.column).render(&origin, &text))?;
                checked.push((line, verdict));
            }
            match format {
                Format::Json => {
                    let list: Vec<VerdictJson> = checked
                        .iter()
                        .map(|(l, v)| VerdictJson::new(loaded, Some(&l.id), &l.text, v))
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &list)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    let mut citations = Citations::default();
                    let mut text = String::new();
                    for (line, verdict) in &checked {
                        text.push_str(&verdict_text(
                            Some(&line.id),
                            &line.text,
                            verdict,
                            &mut citations,
                        ));
                        text.push('\n');
                    }
                    let tally = |o: Outcome| checked.iter().filter(|(_, v)| v.outcome == o).count();
                    text.push_str(&format!(
                        "{} claims: {} hold, {} do not hold, {} unknown\n",
                        checked.len(),
                        tally(Outcome::Holds),
                        tally(Outcome::DoesNotHold),
                        tally(Outcome::Unknown)
                    ));
                    text.push_str(&citations.list(loaded));
                    write!(out, "{text}")?;
                }
            }
            let outcomes: Vec<Outcome> = checked.iter().map(|(_, v)| v.outcome).collect();
            Ok(ExitCode::from(file_exit(&outcomes)))
        }
        None => {
            let text = claim.join(" ");
            let verdict = checker
                .check(&text, on)
                .map_err(|e| e.render("claim", &text))?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(
                        &mut *out,
                        &VerdictJson::new(loaded, None, &text, &verdict),
                    )?;
                    writeln!(out)?;
                }
                Format::Text => {
                    let mut citations = Citations::default();
                    let mut body = verdict_text(None, &text, &verdict, &mut citations);
                    body.push_str(&citations.list(loaded));
                    write!(out, "{body}")?;
                }
            }
            Ok(ExitCode::from(verdict.outcome.exit_code()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_fails_on_any_failure_before_any_unknown() {
        use Outcome::*;
        assert_eq!(file_exit(&[Holds, Holds]), 0);
        assert_eq!(file_exit(&[Holds, Unknown]), 3);
        assert_eq!(file_exit(&[Unknown, DoesNotHold, Holds]), 1);
        assert_eq!(file_exit(&[]), 0);
    }
}
