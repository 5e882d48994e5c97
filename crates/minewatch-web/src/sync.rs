//! A data release reaching a running deployment: what the built-in `data/`
//! changes in a database filled by an earlier release.
//!
//! The plan is computed here, as a pure function of the rows the database
//! holds, the rows the team wrote, and the rows the release ships:
//!
//! - a shipped row the database lacks is added;
//! - a row an earlier release shipped and this one changes (same key, other
//!   cells) is replaced, unless the team wrote that row: then the team's row
//!   stays and the difference is reported, never applied silently;
//! - a row an earlier release shipped and this one no longer ships (a
//!   correction that changed its key, a retraction) is removed, unless the
//!   team wrote it;
//! - the files kept whole (the team cannot edit them) take the shipped text.
//!
//! Keys: a source by its id, a state by its code, a treaty action by state,
//! kind and date. The store applies a plan in one transaction, checks the
//! resulting record with the loader before committing, and audits it.

use std::collections::{BTreeMap, BTreeSet};

/// One table's rows, in order, and the rows of it the team wrote.
pub struct Table<'a> {
    /// The file the table holds (`treaty_actions.csv`).
    pub file: &'a str,
    /// The rows the database holds, in order (no header).
    pub stored: Vec<Vec<String>>,
    /// Which stored rows the team wrote (by index into `stored`).
    pub team: BTreeSet<usize>,
    /// The rows the release ships, in order (no header).
    pub shipped: Vec<Vec<String>>,
    /// The rows the release before it shipped, when the database knows
    /// them: a team's row where this release ships what the last one did
    /// is the team's correction, and stays without question.
    pub baseline: Option<Vec<Vec<String>>>,
    /// The rows the team retracted: a shipped row of the same key is not
    /// brought back.
    pub retracted: Vec<Vec<String>>,
}

/// What a release changes in one table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableChanges {
    /// The file.
    pub file: String,
    /// Rows added (shipped, not stored).
    pub added: Vec<Vec<String>>,
    /// Rows replaced: (stored, shipped).
    pub replaced: Vec<(Vec<String>, Vec<String>)>,
    /// Rows removed (stored from an earlier release, no longer shipped).
    pub removed: Vec<Vec<String>>,
    /// Rows the team wrote that this release changes (or, when the last
    /// release's rows are not known, ships otherwise): (team's, shipped).
    /// The team's row is kept, and the shipped one is proposed for review.
    pub kept: Vec<(Vec<String>, Vec<String>)>,
    /// Shipped rows of the key of a row the team retracted, that differ
    /// from it: not added, but proposed for review (the same row again is
    /// simply left out).
    pub withheld: Vec<Vec<String>>,
    /// The table's rows after the release, in order: the shipped rows (the
    /// team's where it wrote them), then the team's other rows.
    pub rows: Vec<Vec<String>>,
}

impl TableChanges {
    /// Whether the release changes the table.
    pub fn changes(&self) -> bool {
        !(self.added.is_empty() && self.replaced.is_empty() && self.removed.is_empty())
    }
}

/// What a release changes in the whole database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncPlan {
    /// The row-by-row tables.
    pub tables: Vec<TableChanges>,
    /// The files kept whole whose text the release changes.
    pub files: Vec<String>,
    /// How many shipped rows that differ from the team's go to review as
    /// proposals (those not already waiting there).
    pub proposed: usize,
}

impl SyncPlan {
    /// Whether anything changes.
    pub fn changes(&self) -> bool {
        !self.files.is_empty() || self.tables.iter().any(TableChanges::changes)
    }

    /// One line: "12 rows added, 3 replaced, 1 removed, 2 files, 1 kept".
    pub fn summary(&self) -> String {
        let sum = |f: fn(&TableChanges) -> usize| self.tables.iter().map(f).sum::<usize>();
        format!(
            "{} rows added, {} replaced, {} removed; {} files replaced; {} rows the team wrote kept where the release differs ({} new proposals for review)",
            sum(|t| t.added.len()),
            sum(|t| t.replaced.len()),
            sum(|t| t.removed.len()),
            self.files.len(),
            sum(|t| t.kept.len()),
            self.proposed
        )
    }
}

/// A row's key in its file.
fn key(file: &str, row: &[String]) -> Vec<String> {
    let cells = match file {
        "treaty_actions.csv" => 3,
        _ => 1,
    };
    row.iter().take(cells).cloned().collect()
}

/// The changes a release makes to one table.
pub fn plan_table(table: Table<'_>) -> TableChanges {
    let mut stored_by_key: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for (i, row) in table.stored.iter().enumerate() {
        stored_by_key.entry(key(table.file, row)).or_insert(i);
    }
    let mut out = TableChanges {
        file: table.file.to_string(),
        ..TableChanges::default()
    };
    let baseline: Option<BTreeMap<Vec<String>, &Vec<String>>> = table
        .baseline
        .as_ref()
        .map(|rows| rows.iter().map(|r| (key(table.file, r), r)).collect());
    let mut matched = BTreeSet::new();
    for shipped in &table.shipped {
        match stored_by_key.get(&key(table.file, shipped)) {
            Some(&i) if !matched.contains(&i) => {
                matched.insert(i);
                let stored = &table.stored[i];
                if stored == shipped {
                    out.rows.push(stored.clone());
                } else if table.team.contains(&i) {
                    let unchanged_by_release = baseline
                        .as_ref()
                        .and_then(|b| b.get(&key(table.file, shipped)))
                        .is_some_and(|last| *last == shipped);
                    if !unchanged_by_release {
                        out.kept.push((stored.clone(), shipped.clone()));
                    }
                    out.rows.push(stored.clone());
                } else {
                    out.replaced.push((stored.clone(), shipped.clone()));
                    out.rows.push(shipped.clone());
                }
            }
            _ => match table
                .retracted
                .iter()
                .find(|r| key(table.file, r) == key(table.file, shipped))
            {
                Some(gone) if gone == shipped => {}
                // The release ships what the last one did: the team's
                // retraction (or correction) stands, unquestioned.
                Some(_)
                    if baseline
                        .as_ref()
                        .and_then(|b| b.get(&key(table.file, shipped)))
                        .is_some_and(|last| *last == shipped) => {}
                Some(_) => out.withheld.push(shipped.clone()),
                None => {
                    out.added.push(shipped.clone());
                    out.rows.push(shipped.clone());
                }
            },
        }
    }
    for (i, stored) in table.stored.iter().enumerate() {
        if matched.contains(&i) {
            continue;
        }
        if table.team.contains(&i) {
            out.rows.push(stored.clone());
        } else {
            out.removed.push(stored.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn a_release_adds_replaces_and_removes_but_keeps_the_teams_rows() {
        let file = "treaty_actions.csv";
        let old_signature = row(&["LTU", "signature", "1999-02-26", "", "untc", ""]);
        let team = row(&[
            "MHL",
            "ratification",
            "2025-03-12",
            "",
            "icbl",
            "entered by the team",
        ]);
        let team_note = row(&["TON", "accession", "2025-06-25", "", "icbl", "team's note"]);
        let stored = vec![
            old_signature.clone(),
            row(&["LTU", "ratification", "2003-05-12", "", "untc", ""]),
            team.clone(),
            team_note.clone(),
        ];
        let new_signature = row(&["LTU", "signature", "1999-02-22", "", "lm", "Monitor date"]);
        let corrected = row(&["LTU", "ratification", "2003-05-12", "", "untc;lm", ""]);
        let shipped_ton = row(&["TON", "accession", "2025-06-25", "", "icbl", "shipped note"]);
        let shipped = vec![
            new_signature.clone(),
            corrected.clone(),
            shipped_ton.clone(),
        ];
        let plan = plan_table(Table {
            file,
            stored,
            team: [2, 3].into_iter().collect(),
            shipped: shipped.clone(),
            baseline: None,
            retracted: Vec::new(),
        });
        assert_eq!(plan.added, vec![new_signature.clone()]);
        assert_eq!(
            plan.replaced,
            vec![(
                row(&["LTU", "ratification", "2003-05-12", "", "untc", ""]),
                corrected.clone()
            )]
        );
        assert_eq!(plan.removed, vec![old_signature]);
        assert_eq!(plan.kept, vec![(team_note.clone(), shipped_ton)]);
        assert_eq!(plan.rows, vec![new_signature, corrected, team_note, team]);
        assert!(plan.changes());
    }

    #[test]
    fn a_team_correction_of_a_row_the_release_did_not_change_stays_unquestioned() {
        let file = "treaty_actions.csv";
        let shipped = vec![row(&[
            "TON",
            "accession",
            "2025-06-25",
            "",
            "icbl",
            "shipped note",
        ])];
        let team = row(&[
            "TON",
            "accession",
            "2025-06-25",
            "",
            "icbl",
            "the team's note",
        ]);
        let plan = |baseline: Option<Vec<Vec<String>>>| {
            plan_table(Table {
                file,
                stored: vec![team.clone()],
                team: [0].into_iter().collect(),
                shipped: shipped.clone(),
                baseline,
                retracted: Vec::new(),
            })
        };
        // The last release shipped the same row: the team's correction stands.
        let same = plan(Some(shipped.clone()));
        assert!(same.kept.is_empty() && !same.changes());
        assert_eq!(same.rows, vec![team.clone()]);
        // The release changed it (or the last release is not known): the
        // team's row stays and the shipped one goes to review.
        let older = vec![row(&[
            "TON",
            "accession",
            "2025-06-25",
            "",
            "icbl",
            "older note",
        ])];
        for changed in [plan(Some(older)), plan(None)] {
            assert_eq!(changed.kept, vec![(team.clone(), shipped[0].clone())]);
            assert_eq!(changed.rows, vec![team.clone()]);
        }
    }

    #[test]
    fn a_row_the_team_retracted_is_not_brought_back() {
        let gone = row(&["MHL", "accession", "2025-03-12", "", "untc", ""]);
        let plan = |shipped: Vec<String>| {
            plan_table(Table {
                file: "treaty_actions.csv",
                stored: Vec::new(),
                team: BTreeSet::new(),
                shipped: vec![shipped],
                baseline: None,
                retracted: vec![gone.clone()],
            })
        };
        let same = plan(gone.clone());
        assert!(!same.changes() && same.withheld.is_empty() && same.rows.is_empty());
        let mut other = gone.clone();
        other[5] = "a new note".into();
        let changed = plan(other.clone());
        assert!(!changed.changes());
        assert_eq!(changed.withheld, vec![other]);
    }

    #[test]
    fn the_same_release_changes_nothing() {
        let rows = vec![row(&["untc", "UN", "Treaty Collection", "https://x"])];
        let plan = plan_table(Table {
            file: "sources.csv",
            stored: rows.clone(),
            team: BTreeSet::new(),
            shipped: rows.clone(),
            baseline: None,
            retracted: Vec::new(),
        });
        assert!(!plan.changes());
        assert_eq!(plan.rows, rows);
    }

    /// A small table of sources: ids from a few letters, titles from a few
    /// words, so that keys and rows collide often.
    fn rows() -> impl proptest::strategy::Strategy<Value = Vec<Vec<String>>> {
        use proptest::prelude::*;
        proptest::collection::vec(("[a-e]", "[x-z]"), 0..8).prop_map(|cells| {
            let mut seen = BTreeSet::new();
            cells
                .into_iter()
                .filter(|(id, _)| seen.insert(id.clone()))
                .map(|(id, title)| vec![id, "UN".into(), title, "https://x".into()])
                .collect()
        })
    }

    proptest::proptest! {
        /// Whatever the rows held, shipped, written or retracted by the
        /// team: every row the team wrote stays as it wrote it; no row the
        /// team retracted comes back; every row after the plan is shipped
        /// or the team's; and every shipped row of a key the team never
        /// touched is there.
        #[test]
        fn nothing_the_team_wrote_is_overwritten(
            stored in rows(),
            shipped in rows(),
            retracted in rows(),
            team_mask in proptest::collection::vec(proptest::bool::ANY, 8),
        ) {
            let team: BTreeSet<usize> = (0..stored.len()).filter(|&i| team_mask[i]).collect();
            let retracted: Vec<Vec<String>> = retracted
                .into_iter()
                .filter(|r| !stored.iter().any(|s| s[0] == r[0]))
                .collect();
            let plan = plan_table(Table {
                file: "sources.csv",
                stored: stored.clone(),
                team: team.clone(),
                shipped: shipped.clone(),
                baseline: None,
                retracted: retracted.clone(),
            });
            for &i in &team {
                proptest::prop_assert!(plan.rows.contains(&stored[i]), "team row {:?} lost", stored[i]);
            }
            for r in &retracted {
                proptest::prop_assert!(!plan.rows.iter().any(|p| p[0] == r[0]), "retracted {:?} back", r);
            }
            for r in &plan.rows {
                let own = team.iter().any(|&i| &stored[i] == r);
                proptest::prop_assert!(own || shipped.contains(r), "{:?} from nowhere", r);
            }
            for s in &shipped {
                let touched = team.iter().any(|&i| stored[i][0] == s[0])
                    || retracted.iter().any(|r| r[0] == s[0]);
                if !touched {
                    proptest::prop_assert!(plan.rows.contains(s), "shipped {:?} missing", s);
                }
            }
            // The plan's lists account for every change it makes.
            let kept: BTreeSet<&Vec<String>> = plan.kept.iter().map(|(t, _)| t).collect();
            for (team_row, shipped_row) in &plan.kept {
                proptest::prop_assert!(team_row != shipped_row);
                proptest::prop_assert!(plan.rows.contains(team_row));
            }
            proptest::prop_assert!(kept.len() <= team.len());
            // Applying the release twice changes nothing the second time.
            let again = plan_table(Table {
                file: "sources.csv",
                stored: plan.rows.clone(),
                team: plan
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| team.iter().any(|&i| &stored[i] == *r))
                    .map(|(i, _)| i)
                    .collect(),
                shipped,
                baseline: None,
                retracted,
            });
            proptest::prop_assert!(!again.changes(), "{:?}", again);
        }
    }
}
