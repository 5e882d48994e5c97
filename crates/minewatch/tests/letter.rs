//! The fact-check of the January 2025 letter, end to end through the binary:
//! `minewatch check --file examples/letter-2025-01-17.claims` on the letter's
//! date and on 2026-11-28, the JSON contract, the exit codes, and the
//! generated `docs/letter-fact-check.md` being current.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn minewatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("the binary runs")
}

fn letter(on: &str) -> (i32, Vec<serde_json::Value>) {
    let output = minewatch(&[
        "check",
        "--file",
        "examples/letter-2025-01-17.claims",
        "--on",
        on,
        "--format",
        "json",
    ]);
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("a JSON array");
    (output.status.code().unwrap_or(-1), list)
}

fn verdicts(list: &[serde_json::Value]) -> BTreeMap<String, String> {
    list.iter()
        .map(|v| {
            (
                v["id"].as_str().expect("id").to_string(),
                v["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect()
}

const HOLDS: &str = "holds";
const FAILS: &str = "does not hold";
const UNKNOWN: &str = "unknown";

#[test]
fn the_letter_on_its_own_date() {
    let (code, list) = letter("2025-01-17");
    let expected = [
        ("L1", HOLDS),
        ("L2", HOLDS),
        ("L3", HOLDS),
        ("L4", HOLDS),
        ("L5", HOLDS),
        ("L6", HOLDS),
        ("L7", HOLDS),
        ("L8", FAILS),
        ("L9", HOLDS),
        ("L10", HOLDS),
        ("L11", HOLDS),
        ("L12", HOLDS),
    ];
    let got = verdicts(&list);
    for (id, verdict) in expected {
        assert_eq!(got[id], verdict, "{id} on 2025-01-17");
    }
    assert_eq!(got.len(), 12);
    // L8 does not hold: any claim failing makes the file exit 1.
    assert_eq!(code, 1);
}

#[test]
fn the_letter_on_2026_11_28() {
    let (code, list) = letter("2026-11-28");
    let expected = [
        ("L1", HOLDS),
        ("L2", FAILS),
        ("L3", FAILS),
        ("L4", FAILS),
        ("L5", FAILS),
        ("L6", HOLDS),
        ("L7", UNKNOWN),
        ("L8", FAILS),
        ("L9", FAILS),
        ("L10", HOLDS),
        ("L11", HOLDS),
        ("L12", HOLDS),
    ];
    let got = verdicts(&list);
    for (id, verdict) in expected {
        assert_eq!(got[id], verdict, "{id} on 2026-11-28");
    }
    assert_eq!(code, 1);
    let l5 = list.iter().find(|v| v["id"] == "L5").expect("L5");
    let names: Vec<&str> = l5["counterexamples"]
        .as_array()
        .expect("counterexamples")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Estonia", "Finland", "Latvia", "Lithuania", "Poland"]
    );
    // L7 says why it is unknown: Ukraine's use is alleged, Cambodia denies.
    let l7 = list.iter().find(|v| v["id"] == "L7").expect("L7");
    let reasons = l7["reasons"].to_string();
    assert!(
        reasons.contains("Ukraine") && reasons.contains("alleged"),
        "{reasons}"
    );
    assert!(reasons.contains("Cambodia"), "{reasons}");
}

#[test]
fn every_verdict_has_the_contract_fields_and_sourced_evidence() {
    let (_, list) = letter("2026-11-28");
    for v in &list {
        for field in ["id", "claim", "verdict", "counterexamples", "evidence"] {
            assert!(v.get(field).is_some(), "{field} missing in {v}");
        }
        let evidence = v["evidence"].as_array().expect("evidence");
        assert!(!evidence.is_empty(), "no evidence for {}", v["id"]);
        // Every source cited is listed in full.
        let listed: Vec<&str> = v["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("id"))
            .collect();
        for e in evidence {
            for s in e["sources"].as_array().expect("sources") {
                let id = s.as_str().expect("id");
                assert!(
                    id == "hypothetical" || listed.contains(&id),
                    "{id} not listed"
                );
            }
        }
    }
}

#[test]
fn exit_codes_follow_the_verdict() {
    let code = |args: &[&str]| minewatch(args).status.code();
    assert_eq!(
        code(&["check", "USA is not a party", "--on", "2025-01-17"]),
        Some(0)
    );
    assert_eq!(
        code(&["check", "USA is a party", "--on", "2025-01-17"]),
        Some(1)
    );
    assert_eq!(
        code(&["check", "UKR uses AP mines", "--on", "2026-11-28"]),
        Some(3)
    );
    assert_eq!(code(&["check", "all XYZ members are parties"]), Some(2));
    // A file: 3 when none fails but some are unknown.
    let dir = std::env::temp_dir().join(format!("minewatch-claims-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("some.claims");
    std::fs::write(&file, "A: USA is not a party\nB: UKR uses AP mines\n").expect("written");
    let path = file.display().to_string();
    assert_eq!(
        code(&["check", "--file", &path, "--on", "2026-11-28"]),
        Some(3)
    );
    std::fs::write(&file, "A: USA is not a party\nB: LTU is a party\n").expect("written");
    assert_eq!(
        code(&["check", "--file", &path, "--on", "2025-01-17"]),
        Some(0)
    );
    std::fs::write(
        &file,
        "A: USA is not a party\nB: all of LTU, Narnia are parties\n",
    )
    .expect("written");
    let output = minewatch(&["check", "--file", &path, "--on", "2025-01-17"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":2:16: unknown state (found `Narnia`)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `docs/letter-fact-check.md` is generated, never written by hand: it must
/// equal what the documented command prints.
#[test]
fn the_fact_check_document_is_current() {
    let output = minewatch(&[
        "check",
        "--file",
        "examples/letter-2025-01-17.claims",
        "--on",
        "2025-01-17",
        "--also-on",
        "2026-11-28",
        "--format",
        "md",
    ]);
    let generated = String::from_utf8(output.stdout).expect("UTF-8");
    let committed = std::fs::read_to_string(root().join("docs/letter-fact-check.md"))
        .expect("docs/letter-fact-check.md");
    assert!(
        generated == committed,
        "docs/letter-fact-check.md is stale; regenerate it with the command at its top"
    );
}

fn brief(args: &[&str]) -> String {
    let output = minewatch(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The brief for Lithuania on the letter's date holds every fact the letter
/// relies on, each checked and sourced.
#[test]
fn the_lithuania_brief_of_the_letter_date_has_every_fact_of_the_letter() {
    let md = brief(&[
        "brief",
        "LTU",
        "--on",
        "2025-01-17",
        "--peers",
        "LVA,EST,POL,FIN,SWE",
    ]);
    for fact in [
        "The Convention has been in force for it since 2003-11-01", // L1
        "| the number of parties is 164 | **holds**",               // L2
        "| Latvia (LVA) | party since 2006-01-01",                  // L3
        "| Sweden (SWE) | party since 1999-05-01",                  // L3
        "| all EU members are parties | **holds**",                 // L4
        "| all NATO members except USA are parties | **holds**",    // L5
        "| USA is not a party | **holds**",                         // L6
        "Use by government forces confirmed**: Iran (Islamic Republic of), Myanmar, Democratic People's Republic of Korea, Russian Federation", // L7
        "| USA has not used AP mines since 1991 | **does not hold**", // L8
        "| current USA policy forbids use outside the Korean peninsula | **holds**", // L9
        "the Convention was adopted on 1997-09-18",                   // L10
        "| LTU is prohibited from using, assisting, encouraging or inducing anyone | **holds**", // L11
        "it would take effect on 2025-07-17, six months later (Art. 20(3))", // L12
    ] {
        assert!(md.contains(fact), "missing: {fact}");
    }
    assert!(md.contains("## Sources"));
}

/// The same brief today shows what changed.
#[test]
fn the_lithuania_brief_of_today_shows_what_changed() {
    let md = brief(&[
        "brief",
        "LTU",
        "--on",
        "2026-11-28",
        "--peers",
        "LVA,EST,POL,FIN,SWE",
        "--since",
        "2025-01-17",
    ]);
    for fact in [
        "## What has changed since 2025-01-17",
        "States Parties: 164 on 2025-01-17, 161 on 2026-11-28.",
        "Lithuania: party since 2003-11-01 → withdrawn since 2025-12-27.",
        "Poland: party since 2013-06-01 → withdrawn since 2026-02-20.",
        "“all NATO members except USA are parties”: holds → does not hold",
        "Lithuania has no open obligations under the Convention on 2026-11-28",
    ] {
        assert!(md.contains(fact), "missing: {fact}");
    }
}

/// Every source the simulator's parameters cite is in data/sources.csv, and
/// every parameter with a sourced, derived or treaty basis cites one.
#[test]
fn the_simulator_parameters_cite_known_sources() {
    let loaded = minewatch_registry::load_embedded().expect("the data");
    let parameters = minewatch_sim::Parameters::embedded();
    assert_eq!(parameters.all().count(), 29);
    for p in parameters.all() {
        if p.basis != minewatch_sim::Basis::Calibrate {
            assert!(!p.sources.is_empty(), "{} has no source", p.name);
        }
        for id in &p.sources {
            assert!(
                loaded.source(id).is_some(),
                "{}: unknown source {id}",
                p.name
            );
        }
    }
}

/// Every source the calibration cases, the fitted values and the back-test
/// records cite is in data/sources.csv.
#[test]
fn the_calibration_cases_and_backtests_cite_known_sources() {
    let loaded = minewatch_registry::load_embedded().expect("the data");
    let cases = minewatch_sim::Cases::embedded();
    assert!(cases.rows().len() > 40);
    for row in cases.rows() {
        assert!(
            !row.sources.is_empty(),
            "{} {} has no source",
            row.case,
            row.series
        );
        for id in &row.sources {
            assert!(
                loaded.source(id).is_some(),
                "{} {}: unknown source {id}",
                row.case,
                row.series
            );
        }
    }
    for p in minewatch_sim::Parameters::embedded().all() {
        for id in p.fitted.iter().flat_map(|f| &f.sources) {
            assert!(
                loaded.source(id).is_some(),
                "fit {}: unknown source {id}",
                p.name
            );
        }
    }
    for name in ["chile.toml", "uzbek-tajik.toml"] {
        let path = format!(
            "{}/../../examples/scenarios/backtest/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("a back-test case");
        let s = minewatch_sim::Scenario::parse(&path, &text, minewatch_sim::Parameters::embedded())
            .unwrap_or_else(|e| panic!("{e}"));
        for r in &s.backtest.expect("a record").record {
            assert!(
                loaded.source(&r.source).is_some(),
                "{name}: unknown source {}",
                r.source
            );
        }
    }
}

/// `docs/monitor-figures.md` is generated by `minewatch monitor-figures
/// --format md`; it must equal what the command prints, and every
/// difference from the Monitor must be explained.
#[test]
fn the_monitor_figures_document_is_current_and_explained() {
    let output = minewatch(&["monitor-figures", "--format", "md"]);
    let generated = String::from_utf8(output.stdout).expect("UTF-8");
    let committed = std::fs::read_to_string(root().join("docs/monitor-figures.md"))
        .expect("docs/monitor-figures.md");
    assert!(
        generated == committed,
        "docs/monitor-figures.md is stale; regenerate it with `minewatch monitor-figures --format md > docs/monitor-figures.md`"
    );
    assert!(
        !generated.contains("**unexplained**"),
        "a difference from the Monitor has no explanation in data/monitor_figures.csv"
    );
    assert!(generated.contains("## Landmine Monitor 2025"));
}
