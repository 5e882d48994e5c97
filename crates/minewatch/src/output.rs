//! What the command line prints: the text renderings. The JSON shapes are
//! `minewatch-json`'s, the same as the web API's.

use minewatch_core::{Finding, Step};
pub(crate) use minewatch_json::{HistoryJson, PartyJson, StatusJson, StepJson, WhatIfJson};
use minewatch_registry::Loaded;

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
    /// The marks for sources given by id, or, past `most` of them, how many
    /// there are (`--format json` lists them).
    pub(crate) fn cite_at_most(&mut self, sources: &[String], most: usize) -> String {
        if sources.len() > most {
            return format!("{} sources (--format json lists them)", sources.len());
        }
        let ids: Vec<minewatch_core::SourceId> = sources
            .iter()
            .map(|s| minewatch_core::SourceId::new(s))
            .collect();
        self.cite(&ids)
    }

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
