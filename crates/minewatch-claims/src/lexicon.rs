//! The names a claim may use, taken from the record: states by code, name
//! or alias; groups by id, name or alias; Landmine Monitor reports by id or
//! title. Names are matched word by word, longest first, so "Bosnia and
//! Herzegovina" is one state and not two.

use std::collections::HashMap;

use minewatch_core::{Context, Iso3, Registry};

use crate::token::{Kind, Token, tokenize};

/// Multi-word names, indexed by their first word.
#[derive(Debug)]
pub(crate) struct Names<T> {
    by_first: HashMap<String, Vec<(Vec<String>, T)>>,
}

impl<T: Clone> Names<T> {
    fn new() -> Names<T> {
        Names {
            by_first: HashMap::new(),
        }
    }

    fn add(&mut self, name: &str, value: T) {
        let Ok(tokens) = tokenize(name) else {
            return;
        };
        let words: Vec<String> = tokens.into_iter().map(|t| t.norm).collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        let list = self.by_first.entry(first).or_default();
        if !list.iter().any(|(w, _)| *w == words) {
            list.push((words, value));
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
    }

    /// The longest name starting at `tokens[0]`: how many tokens it takes,
    /// and what it names.
    pub(crate) fn longest(&self, tokens: &[Token]) -> Option<(usize, T)> {
        let first = tokens.first()?;
        let candidates = self.by_first.get(&first.norm)?;
        candidates.iter().find_map(|(words, value)| {
            let matches = words.len() <= tokens.len()
                && words
                    .iter()
                    .zip(tokens)
                    .all(|(w, t)| *w == t.norm && !(t.kind == Kind::Period && words.len() == 1));
            matches.then(|| (words.len(), value.clone()))
        })
    }
}

/// Every name a claim may use.
#[derive(Debug)]
pub(crate) struct Lexicon {
    pub(crate) states: Names<Iso3>,
    pub(crate) groups: Names<String>,
    pub(crate) reports: Names<String>,
    /// The ids of the groups, for suggestions.
    pub(crate) group_ids: Vec<String>,
    /// The ids of the reports, for suggestions.
    pub(crate) report_ids: Vec<String>,
}

/// Lower-case words that are grammar, even where a state has them as its
/// code (Andorra is `AND`, the United Arab Emirates `ARE`): written in
/// capitals they are codes.
pub(crate) const RESERVED_CODES: [&str; 2] = ["and", "are"];

impl Lexicon {
    pub(crate) fn new(registry: &Registry, context: &Context) -> Lexicon {
        let mut states = Names::new();
        for state in registry.states() {
            states.add(state.iso3.as_str(), state.iso3);
            states.add(&state.name, state.iso3);
            for alias in &state.aliases {
                states.add(alias, state.iso3);
            }
        }
        let mut groups = Names::new();
        for group in context.groups() {
            groups.add(&group.id, group.id.clone());
            groups.add(&group.name, group.id.clone());
            for alias in &group.aliases {
                groups.add(alias, group.id.clone());
            }
        }
        let mut reports = Names::new();
        for report in context.reports() {
            reports.add(&report.id, report.id.clone());
            reports.add(&report.title, report.id.clone());
        }
        Lexicon {
            states,
            groups,
            reports,
            group_ids: context.groups().iter().map(|g| g.id.clone()).collect(),
            report_ids: context.reports().iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// The state named at the start of `tokens`.
    pub(crate) fn state(&self, tokens: &[Token]) -> Option<(usize, Iso3)> {
        let first = tokens.first()?;
        if RESERVED_CODES.contains(&first.text.as_str()) {
            return None;
        }
        self.states.longest(tokens)
    }
}
