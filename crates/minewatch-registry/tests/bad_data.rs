//! Malformed data folders: each case under `bad/` replaces one or two files
//! of the small valid folder `good/`, and must be refused with every problem
//! named by file, line and column. The messages are pinned as snapshots.

use std::fs;
use std::path::Path;

use minewatch_registry::{CONTEXT_FILES, FILES, load_files};

fn load_case(case: &Path) -> Result<minewatch_registry::Loaded, minewatch_registry::LoadErrors> {
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/good");
    let mut files = Vec::new();
    for name in FILES.into_iter().chain(CONTEXT_FILES) {
        let override_path = case.join(name);
        let (shown, text) = if override_path.exists() {
            (
                format!(
                    "bad/{}/{name}",
                    case.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                ),
                fs::read_to_string(&override_path),
            )
        } else if good.join(name).exists() || FILES.contains(&name) {
            (format!("good/{name}"), fs::read_to_string(good.join(name)))
        } else {
            continue;
        };
        files.push((name, shown, text.expect("readable fixture")));
    }
    let borrowed: Vec<(&str, &str, &str)> = files
        .iter()
        .map(|(n, s, t)| (*n, s.as_str(), t.as_str()))
        .collect();
    load_files(&borrowed)
}

#[test]
fn the_small_valid_folder_loads() {
    let loaded = load_case(Path::new("no-such-case")).expect("good/ loads");
    assert_eq!(loaded.registry.states().len(), 5);
    assert_eq!(loaded.sources.len(), 2);
    let context = &loaded.context;
    assert_eq!(context.groups().len(), 1);
    assert_eq!(context.memberships().len(), 2);
    assert_eq!(context.reports().len(), 1);
    assert_eq!(context.uses().len(), 2);
    // A year alone counts from its last day; a report's finding from its launch.
    let dates: Vec<String> = context
        .uses()
        .iter()
        .map(|u| u.counts_from.to_string())
        .collect();
    assert_eq!(dates, ["2024-11-20", "2014-12-31"]);
    assert_eq!(context.policies().len(), 1);
    assert_eq!(context.treaty_events().len(), 1);
}

#[test]
fn every_bad_case_is_refused_with_positions() {
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut cases: Vec<_> = fs::read_dir(&bad)
        .expect("bad/")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 22, "{} cases", cases.len());
    for case in cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let errors = match load_case(&case) {
            Ok(_) => panic!("{name} loaded but should not"),
            Err(e) => e,
        };
        assert!(!errors.0.is_empty());
        for e in &errors.0 {
            assert!(e.line > 0 && e.column > 0, "{name}: no position in {e}");
            assert!(
                e.file.starts_with("bad/"),
                "{name}: an error blamed a good file: {e}"
            );
        }
        let rendered: Vec<String> = errors.0.iter().map(|e| e.render()).collect();
        insta::assert_snapshot!(name, rendered.join("\n"));
    }
}

#[test]
fn a_missing_folder_says_which_files() {
    let errors = minewatch_registry::load_dir(Path::new("/nonexistent/minewatch-data"))
        .expect_err("no folder");
    assert_eq!(errors.0.len(), 5);
    assert!(
        errors.0[0]
            .to_string()
            .starts_with("/nonexistent/minewatch-data/sources.csv: cannot read the file")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever a file holds, loading answers with a value or errors, never a panic,
    /// and every error names a position.
    #[test]
    fn any_treaty_actions_file_is_answered_without_panic(
        rows in proptest::collection::vec(
            "(LTU|USA|MNE|SCG|XX|)[,](signature|ratification|withdrawal|succession|suspension|x)[,](2003-05-12|1997-01-01|2025-06-27|2006-10-23|2003-02-30|)[,](2006-06-03|)[,](untc|monitor|nope|)[,](\"q\"\"\"|note|)",
            0..8,
        )
    ) {
        let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/good");
        let mut text = String::from("state,action,date,bound_from,sources,note\n");
        for row in &rows {
            text.push_str(row);
            text.push('\n');
        }
        let mut files = Vec::new();
        for name in FILES {
            let content = if name == "treaty_actions.csv" {
                text.clone()
            } else {
                fs::read_to_string(good.join(name)).expect("fixture")
            };
            files.push((name, name.to_string(), content));
        }
        let borrowed: Vec<(&str, &str, &str)> = files.iter().map(|(n, s, t)| (*n, s.as_str(), t.as_str())).collect();
        if let Err(errors) = load_files(&borrowed) {
            for e in errors.0 {
                proptest::prop_assert!(e.line > 0 && e.column > 0, "{e}");
            }
        }
    }

    /// Any text typed as a state name is answered without a panic.
    #[test]
    fn any_query_is_answered(query in "\\PC{0,30}") {
        let loaded = minewatch_registry::load_embedded().expect("data/ loads");
        let _ = loaded.registry.find_state(&query);
    }
}
