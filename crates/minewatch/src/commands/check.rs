//! `minewatch check`: claims checked against the record, one from the
//! command line or a file of them.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use minewatch_brief::VerdictReport;
use minewatch_claims::{Checker, ClaimLine, Outcome, Verdict, read_claims_file};
use minewatch_registry::Loaded;

use crate::CliError;
use crate::cli::CheckFormat;
use crate::output::Citations;

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
                format!(" ({})", minewatch_core::articles::join(&e.articles))
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

/// What to check: one claim, or a claims file.
pub(crate) enum Input<'a> {
    /// A claim from the command line.
    Claim(String),
    /// A file of `ID: claim` lines.
    File(&'a Path),
}

/// One claim to check: its id (for a file), text, and where it starts.
struct Item {
    id: Option<String>,
    text: String,
    comment: String,
    line: usize,
    column: usize,
}

/// Runs `minewatch check` on every date of `dates`, in order.
pub(crate) fn run(
    loaded: &Loaded,
    input: &Input<'_>,
    dates: &[Date],
    format: CheckFormat,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let checker = Checker::new(&loaded.registry, &loaded.context);
    let (origin, source, items) = match input {
        Input::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let origin = path.display().to_string();
            let lines = read_claims_file(&text).map_err(|e| e.render(&origin, &text))?;
            let items = lines
                .into_iter()
                .map(|l: ClaimLine| Item {
                    id: Some(l.id),
                    text: l.text,
                    comment: l.comment,
                    line: l.line,
                    column: l.column,
                })
                .collect::<Vec<_>>();
            (origin, text, items)
        }
        Input::Claim(text) => {
            let item = Item {
                id: None,
                text: text.clone(),
                comment: String::new(),
                line: 1,
                column: 1,
            };
            ("claim".to_string(), text.clone(), vec![item])
        }
    };
    // Read every claim first: a file with one bad claim checks none.
    let mut claims = Vec::new();
    for item in &items {
        let claim = checker
            .parse(&item.text)
            .map_err(|e| e.shifted(item.line, item.column).render(&origin, &source))?;
        claims.push(claim);
    }
    let checked: Vec<Vec<Verdict>> = items
        .iter()
        .zip(&claims)
        .map(|(_, claim)| {
            dates
                .iter()
                .map(|&on| checker.evaluate(claim, on))
                .collect()
        })
        .collect();
    let single = matches!(input, Input::Claim(_)) && dates.len() == 1;
    match format {
        CheckFormat::Json => {
            let mut list = Vec::new();
            for (d, _) in dates.iter().enumerate() {
                for (item, verdicts) in items.iter().zip(&checked) {
                    list.push(VerdictReport::new(
                        loaded,
                        item.id.as_deref(),
                        &item.text,
                        &verdicts[d],
                    ));
                }
            }
            if single {
                crate::commands::json(out, &list[0])?;
            } else {
                crate::commands::json(out, &list)?;
            }
        }
        CheckFormat::Text => {
            let mut citations = Citations::default();
            let mut text = String::new();
            for (d, _) in dates.iter().enumerate() {
                for (item, verdicts) in items.iter().zip(&checked) {
                    text.push_str(&verdict_text(
                        item.id.as_deref(),
                        &item.text,
                        &verdicts[d],
                        &mut citations,
                    ));
                    if !single {
                        text.push('\n');
                    }
                }
            }
            if !single {
                let all: Vec<&Verdict> = checked.iter().flatten().collect();
                let tally = |o: Outcome| all.iter().filter(|v| v.outcome == o).count();
                text.push_str(&format!(
                    "{} verdicts: {} hold, {} do not hold, {} unknown\n",
                    all.len(),
                    tally(Outcome::Holds),
                    tally(Outcome::DoesNotHold),
                    tally(Outcome::Unknown)
                ));
            }
            text.push_str(&citations.list(loaded));
            write!(out, "{text}")?;
        }
        CheckFormat::Md => {
            let command = match input {
                Input::File(path) => {
                    let mut words = format!("minewatch check --file {}", path.display());
                    for (i, d) in dates.iter().enumerate() {
                        let flag = if i == 0 { "--on" } else { "--also-on" };
                        words.push_str(&format!(" {flag} {d}"));
                    }
                    words.push_str(" --format md");
                    words
                }
                Input::Claim(_) => "minewatch check ... --format md".to_string(),
            };
            let rows: Vec<(&Item, &Vec<Verdict>)> = items.iter().zip(&checked).collect();
            write!(
                out,
                "{}",
                fact_check_markdown(loaded, &origin, &command, dates, &rows)
            )?;
        }
    }
    let outcomes: Vec<Outcome> = checked.iter().flatten().map(|v| v.outcome).collect();
    let code = if single {
        outcomes[0].exit_code()
    } else {
        file_exit(&outcomes)
    };
    Ok(ExitCode::from(code))
}

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The fact-check document: a table of verdicts by date, then each claim
/// with what the file's comments say, its verdicts, counter-examples and
/// evidence, and the sources cited.
fn fact_check_markdown(
    loaded: &Loaded,
    origin: &str,
    command: &str,
    dates: &[Date],
    rows: &[(&Item, &Vec<Verdict>)],
) -> String {
    let mut citations = Citations::default();
    let mut md = format!("# Fact-check: `{origin}`\n\n");
    md.push_str(&format!(
        "Generated by `{command}` from the sourced record in `data/`; do not edit by hand. \
         Each verdict is `holds`, `does not hold`, or `unknown` (the record lacks what deciding it needs). \
         The claim language is described in `docs/claims.md`.\n\n"
    ));
    md.push_str("| id | claim |");
    for d in dates {
        md.push_str(&format!(" {d} |"));
    }
    md.push_str("\n|---|---|");
    for _ in dates {
        md.push_str("---|");
    }
    md.push('\n');
    for (item, verdicts) in rows {
        md.push_str(&format!(
            "| {} | {} |",
            cell(item.id.as_deref().unwrap_or("")),
            cell(&item.text)
        ));
        for v in verdicts.iter() {
            md.push_str(&format!(" {} |", v.outcome.as_str()));
        }
        md.push('\n');
    }
    for (item, verdicts) in rows {
        md.push_str(&format!(
            "\n## {}{}\n\n",
            item.id
                .as_deref()
                .map_or(String::new(), |id| format!("{id}: ")),
            item.text
        ));
        if !item.comment.is_empty() {
            md.push_str(&format!("> {}\n\n", item.comment));
        }
        for v in verdicts.iter() {
            md.push_str(&format!(
                "**On {}: {}.** {}.\n\n",
                v.on,
                v.outcome.as_str(),
                v.summary
            ));
            if !v.counterexamples.is_empty() {
                md.push_str("Counter-examples:\n\n");
                for c in &v.counterexamples {
                    md.push_str(&format!("- {} ({}): {}\n", c.name, c.state, c.reason));
                }
                md.push('\n');
            }
            if !v.reasons.is_empty() {
                md.push_str("Unknown because:\n\n");
                for r in &v.reasons {
                    md.push_str(&format!("- {r}\n"));
                }
                md.push('\n');
            }
            if !v.evidence.is_empty() {
                let long = v.evidence.len() > 8;
                if long {
                    md.push_str(&format!(
                        "<details><summary>Evidence ({} facts)</summary>\n\n",
                        v.evidence.len()
                    ));
                } else {
                    md.push_str("Evidence:\n\n");
                }
                for e in &v.evidence {
                    let articles = if e.articles.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", minewatch_core::articles::join(&e.articles))
                    };
                    let line = format!("- {}{articles} {}", e.text, citations.cite(&e.sources));
                    md.push_str(line.trim_end());
                    md.push('\n');
                }
                md.push('\n');
                if long {
                    md.push_str("</details>\n\n");
                }
            }
        }
    }
    let list = citations.list(loaded);
    if !list.is_empty() {
        md.push_str("## Sources\n\n");
        for line in list.lines().skip(2) {
            md.push_str(&format!("- {}\n", line.trim_start()));
        }
    }
    md
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
