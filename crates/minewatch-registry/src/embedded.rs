//! The project's own `data/`, compiled into the program.

use crate::{LoadErrors, Loaded, load_files};

/// The files of `data/` as they were when the program was built.
pub const EMBEDDED_FILES: [(&str, &str); 21] = [
    ("sources.csv", include_str!("../../../data/sources.csv")),
    ("states.csv", include_str!("../../../data/states.csv")),
    (
        "treaty_actions.csv",
        include_str!("../../../data/treaty_actions.csv"),
    ),
    (
        "armed_conflicts.csv",
        include_str!("../../../data/armed_conflicts.csv"),
    ),
    (
        "source_conflicts.csv",
        include_str!("../../../data/source_conflicts.csv"),
    ),
    ("groups.csv", include_str!("../../../data/groups.csv")),
    (
        "memberships.csv",
        include_str!("../../../data/memberships.csv"),
    ),
    (
        "monitor_reports.csv",
        include_str!("../../../data/monitor_reports.csv"),
    ),
    ("mine_use.csv", include_str!("../../../data/mine_use.csv")),
    (
        "policy_events.csv",
        include_str!("../../../data/policy_events.csv"),
    ),
    (
        "treaty_events.csv",
        include_str!("../../../data/treaty_events.csv"),
    ),
    ("meetings.csv", include_str!("../../../data/meetings.csv")),
    (
        "stockpiles.csv",
        include_str!("../../../data/stockpiles.csv"),
    ),
    ("clearance.csv", include_str!("../../../data/clearance.csv")),
    (
        "article7_reports.csv",
        include_str!("../../../data/article7_reports.csv"),
    ),
    ("retained.csv", include_str!("../../../data/retained.csv")),
    (
        "casualties.csv",
        include_str!("../../../data/casualties.csv"),
    ),
    (
        "casualties_by_country.csv",
        include_str!("../../../data/casualties_by_country.csv"),
    ),
    (
        "contamination.csv",
        include_str!("../../../data/contamination.csv"),
    ),
    (
        "article7_compliance.csv",
        include_str!("../../../data/article7_compliance.csv"),
    ),
    (
        "monitor_figures.csv",
        include_str!("../../../data/monitor_figures.csv"),
    ),
];

/// Loads the embedded `data/`.
///
/// # Errors
/// Only if the program was built from a broken `data/`; the test suite loads
/// it, so a release never is.
pub fn load_embedded() -> Result<Loaded, LoadErrors> {
    let files: Vec<(&str, String, &str)> = EMBEDDED_FILES
        .iter()
        .map(|(name, text)| (*name, format!("data/{name}"), *text))
        .collect();
    let borrowed: Vec<(&str, &str, &str)> =
        files.iter().map(|(n, p, t)| (*n, p.as_str(), *t)).collect();
    load_files(&borrowed)
}
