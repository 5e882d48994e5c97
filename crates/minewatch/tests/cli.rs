//! The command line as a user sees it: stdout, stderr and exit code of each
//! command, pinned as snapshots. Every command is given `--on`, so no test
//! depends on today's date.

use std::process::Command;

fn run(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(args)
        .output()
        .expect("the binary runs");
    format!(
        "$ minewatch {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        output
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

macro_rules! snapshot {
    ($name:ident, $($arg:expr),+) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), run(&[$($arg),+]));
        }
    };
}

snapshot!(
    status_lithuania_withdrawn,
    "status",
    "LTU",
    "--on",
    "2026-01-01"
);
snapshot!(
    status_lithuania_json,
    "status",
    "lithuania",
    "--on",
    "2026-01-01",
    "--format",
    "json"
);
snapshot!(
    status_united_states,
    "status",
    "United States",
    "--on",
    "2025-01-17"
);
snapshot!(
    status_ukraine_suspension,
    "status",
    "UKR",
    "--on",
    "2026-11-28"
);
snapshot!(
    status_chile_provisional,
    "status",
    "Chile",
    "--on",
    "2001-12-01"
);
snapshot!(
    parties_count_letter_day,
    "parties",
    "--on",
    "2025-01-17",
    "--count"
);
snapshot!(
    parties_entry_into_force_csv,
    "parties",
    "--on",
    "1999-03-01",
    "--format",
    "csv"
);
snapshot!(
    parties_consented_text,
    "parties",
    "--on",
    "2025-10-01",
    "--consented",
    "--count"
);
snapshot!(timeline_south_sudan, "timeline", "SSD");
snapshot!(timeline_serbia, "timeline", "serbia");
snapshot!(
    history_2025_monthly,
    "history",
    "--from",
    "2025-01-01",
    "--to",
    "2026-03-01",
    "--step",
    "month",
    "--format",
    "csv"
);
snapshot!(
    history_first_years,
    "history",
    "--from",
    "1997-12-03",
    "--to",
    "2001-12-03"
);
snapshot!(
    what_if_ukraine_json,
    "what-if",
    "withdraw",
    "UKR",
    "--deposited",
    "2025-07-18",
    "--on",
    "2026-11-28",
    "--format",
    "json"
);
snapshot!(
    what_if_sweden,
    "what-if",
    "withdraw",
    "SWE",
    "--deposited",
    "2027-01-15",
    "--on",
    "2027-08-01"
);
snapshot!(
    error_what_if_non_party,
    "what-if",
    "withdraw",
    "USA",
    "--deposited",
    "2025-07-18",
    "--on",
    "2026-11-28"
);
snapshot!(
    error_unknown_state,
    "status",
    "Lituania",
    "--on",
    "2025-01-17"
);
snapshot!(error_unknown_code, "status", "XYZ", "--on", "2025-01-17");
snapshot!(error_bad_date, "status", "LTU", "--on", "2025-02-30");
snapshot!(error_bad_date_shape, "parties", "--on", "17/01/2025");
snapshot!(
    error_bad_format,
    "status",
    "LTU",
    "--on",
    "2025-01-17",
    "--format",
    "xml"
);
snapshot!(
    error_history_backwards,
    "history",
    "--from",
    "2020-01-01",
    "--to",
    "2019-01-01"
);
snapshot!(
    error_data_check_bad,
    "data",
    "check",
    "../minewatch-registry/tests/bad/bad-date"
);
snapshot!(data_check_project, "data", "check", "../../data");

#[test]
fn status_json_has_the_contract_fields() {
    let v = json(&["status", "LTU", "--on", "2026-01-01", "--format", "json"]);
    assert_eq!(v["state"], "LTU");
    assert_eq!(v["name"], "Lithuania");
    assert_eq!(v["on"], "2026-01-01");
    assert_eq!(v["status"], "withdrawn");
    assert_eq!(v["entry_into_force"], "2003-11-01");
    assert_eq!(v["withdrawal_effective"], "2025-12-27");
    let steps = v["explanation"].as_array().expect("an array");
    assert!(steps.iter().all(|s| s["article"].is_string()
        && s["date"].is_string()
        && s["text"].is_string()
        && s.get("source").is_some()));
    assert!(v["findings"].is_array());
}

#[test]
fn parties_json_lists_164_on_the_letter_day() {
    let v = json(&["parties", "--on", "2025-01-17", "--format", "json"]);
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 164);
    assert!(rows.iter().all(|r| r["state"].is_string()
        && r["name"].is_string()
        && r["status"] == "party"
        && r["entry_into_force"].is_string()));
    let with_consented = json(&[
        "parties",
        "--on",
        "2025-07-01",
        "--consented",
        "--format",
        "json",
    ]);
    let consented: Vec<&str> = with_consented
        .as_array()
        .expect("an array")
        .iter()
        .filter(|r| r["status"] == "consented")
        .filter_map(|r| r["state"].as_str())
        .collect();
    assert_eq!(consented, ["MHL", "TON"]);
}

#[test]
fn what_if_json_has_the_contract_fields() {
    let v = json(&[
        "what-if",
        "withdraw",
        "UKR",
        "--deposited",
        "2025-07-18",
        "--on",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(v["six_months_after"], "2026-01-18");
    assert_eq!(v["effective"], serde_json::Value::Null);
    assert_eq!(v["deferred_by_armed_conflict"], true);
    assert_eq!(v["status_on"], "withdrawal_deferred");
    assert!(v["explanation"].is_array());
}

#[test]
fn the_data_flag_reads_another_folder() {
    let out = run(&[
        "--data",
        "../../data",
        "parties",
        "--on",
        "2026-02-20",
        "--count",
    ]);
    assert!(out.contains("exit: 0\n--- stdout\n161\n"), "{out}");
    let bad = run(&[
        "--data",
        "../minewatch-registry/tests/bad/bad-date",
        "status",
        "LTU",
    ]);
    assert!(bad.contains("exit: 2"), "{bad}");
}

snapshot!(
    check_nato_today,
    "check",
    "all NATO members except USA are parties",
    "--on",
    "2026-11-28"
);
snapshot!(
    check_unknown_json,
    "check",
    "UKR uses AP mines",
    "--on",
    "2026-11-28",
    "--format",
    "json"
);
snapshot!(
    check_parse_error,
    "check",
    "all of Lituania, LVA are parties",
    "--on",
    "2025-01-17"
);
snapshot!(
    check_bad_date_option,
    "check",
    "USA is a party",
    "--on",
    "2025-13-01"
);

snapshot!(
    obligations_greece_json,
    "obligations",
    "GRC",
    "--on",
    "2026-11-28",
    "--format",
    "json"
);
snapshot!(
    obligations_lithuania_ended,
    "obligations",
    "LTU",
    "--on",
    "2026-11-28"
);
snapshot!(
    obligations_afghanistan,
    "obligations",
    "AFG",
    "--on",
    "2026-11-28"
);
snapshot!(
    deadlines_within_a_year,
    "deadlines",
    "--on",
    "2026-11-28",
    "--within",
    "365",
    "--format",
    "csv"
);
snapshot!(
    deadlines_overdue,
    "deadlines",
    "--on",
    "2026-11-28",
    "--overdue"
);
snapshot!(casualties_world, "casualties", "--from", "2019");
snapshot!(
    casualties_ukraine_json,
    "casualties",
    "--country",
    "Ukraine",
    "--format",
    "json"
);
snapshot!(
    brief_lithuania_letter_md,
    "brief",
    "LTU",
    "--on",
    "2025-01-17",
    "--peers",
    "LVA,EST,POL,FIN,SWE"
);
snapshot!(
    brief_lithuania_today_html,
    "brief",
    "LTU",
    "--on",
    "2026-11-28",
    "--peers",
    "LVA,EST,POL,FIN,SWE",
    "--since",
    "2025-01-17",
    "--format",
    "html"
);
snapshot!(brief_unknown_peer, "brief", "LTU", "--peers", "LVA,Narnia");

snapshot!(simulate_calibrate, "simulate", "calibrate");
snapshot!(
    simulate_backtest,
    "simulate",
    "backtest",
    "--runs",
    "200",
    "--threads",
    "2"
);
snapshot!(
    simulate_fenced_observed,
    "simulate",
    "../../examples/scenarios/fenced-observed-100km.toml",
    "--runs",
    "200",
    "--threads",
    "2"
);

#[test]
fn simulate_json_carries_every_output_the_issue_names() {
    let v = json(&[
        "simulate",
        "../../examples/scenarios/unobserved-100km.toml",
        "--runs",
        "100",
        "--format",
        "json",
        "--uncertainty",
    ]);
    for key in [
        "crossing_success_observed",
        "crossing_success_unobserved",
        "enemy_casualties",
        "laying_deaths",
        "civilian_total",
        "land_denied_km2_years",
        "clearance_years",
        "clearance_cost_eur",
        "deminer_casualties",
        "decline_per_year",
        "years",
    ] {
        assert!(v.get(key).is_some(), "no {key}");
    }
    assert_eq!(v["parameter_uncertainty"], true);
    assert!(v["crossing_success_observed"].is_null());
    let unobserved = v["crossing_success_unobserved"]["median"]
        .as_f64()
        .expect("a share");
    assert!((0.0..=1.0).contains(&unobserved));
    assert_eq!(v["years"].as_array().map(Vec::len), Some(50));
    let year = &v["years"][0];
    for key in [
        "incidental",
        "intentional",
        "killed",
        "mines_left",
        "denied_km2",
        "removed_cumulative",
    ] {
        assert!(year[key]["p95"].is_number(), "year has no {key}");
    }
    let fits = json(&["simulate", "calibrate", "--format", "json"]);
    assert!(fits["fits"].as_array().is_some_and(|f| f.len() == 6));
}

#[test]
fn a_bad_scenario_names_the_file_line_and_key_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("minewatch-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("bad.toml");
    let good = std::fs::read_to_string("../../examples/scenarios/unfenced-100km.toml")
        .expect("the example");
    std::fs::write(
        &file,
        good.replace("depth_m = 100.0", "depth_m = 100.0\nwidth_m = 3"),
    )
    .expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(["simulate", file.to_str().expect("a path"), "--runs", "10"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml:9: width_m:"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args([
            "simulate",
            "backtest",
            "../../examples/scenarios/unfenced-100km.toml",
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no [backtest] section"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The hardening review's command-line defects: each an exit 2 with a
/// message that says what is wrong, never a panic or an abort.
#[test]
fn bad_arguments_and_inputs_exit_2_with_a_reason() {
    let dir = std::env::temp_dir().join(format!("minewatch-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let bom = write("bom.txt", "\u{feff}L1: USA is not a party\n");
    let empty = write("empty.txt", "");
    let cr_only = write("cr.txt", "\r\r\r");
    let db = format!("sqlite://{}", dir.join("e.db").display());
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["deadlines", "--on", "2026-11-28", "--within", "7304485"],
            2,
            "past the last day of the calendar",
        ),
        (
            vec![
                "simulate",
                "../../examples/scenarios/falklands-like.toml",
                "--runs",
                "5000000000",
            ],
            2,
            "give 1 to 1000000",
        ),
        (
            vec!["check", "--file", &empty, "--on", "2025-01-17"],
            2,
            "no claims",
        ),
        (
            vec!["check", "--file", &cr_only, "--on", "2025-01-17"],
            2,
            "no claims",
        ),
        (
            vec![
                "what-if",
                "withdraw",
                "FRA",
                "--deposited",
                "9999-12-31",
                "--on",
                "9999-12-31",
            ],
            2,
            "last day of the calendar",
        ),
        (vec!["editor", "add", "", "--database", &db], 2, "empty"),
        (
            vec!["editor", "add", "=HYPERLINK(\"x\")", "--database", &db],
            2,
            "refused",
        ),
        (
            vec!["editor", "add", "a\nb", "--database", &db],
            2,
            "control",
        ),
    ];
    for (args, code, says) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
            .args(&args)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // A byte-order mark does not stop a claims file.
    let verdicts = json(&[
        "check",
        "--file",
        &bom,
        "--on",
        "2025-01-17",
        "--format",
        "json",
    ]);
    assert!(
        verdicts.to_string().contains("USA is not a party"),
        "{verdicts}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_if_json_names_six_months_after_receipt() {
    let v = json(&[
        "what-if",
        "withdraw",
        "FRA",
        "--deposited",
        "2026-01-15",
        "--on",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(v["six_months_after_receipt"], "2026-07-15");
    assert_eq!(v["six_months_after"], v["six_months_after_receipt"]);
}

/// A withdrawal whose six months would end past the calendar is not
/// clamped to a day: the claim cannot be told, and says why.
#[test]
fn a_withdrawal_past_the_calendar_is_unknown_not_clamped() {
    let output = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args([
            "check",
            "a withdrawal by France would take effect six months after its notification",
            "--on",
            "9999-12-31",
        ])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("UNKNOWN"), "{stdout}");
    assert!(stdout.contains("the last day of the calendar"), "{stdout}");
}

snapshot!(figures_today, "figures", "--on", "2026-12-01");
snapshot!(
    figures_lm2021_json,
    "figures",
    "--on",
    "2021-10-01",
    "--format",
    "json"
);
snapshot!(
    figures_letter_csv,
    "figures",
    "--on",
    "2025-01-17",
    "--format",
    "csv"
);
snapshot!(
    figures_md,
    "figures",
    "--on",
    "2024-11-20",
    "--format",
    "md"
);
snapshot!(figures_bad_date, "figures", "--on", "2026-02-30");
snapshot!(figures_bad_format, "figures", "--format", "xml");

snapshot!(
    changes_since_the_letter_status_and_figures,
    "changes",
    "--from",
    "2025-01-17",
    "--to",
    "2026-11-28",
    "--kind",
    "status,finding,figure"
);
snapshot!(
    changes_of_lithuania_as_markdown,
    "changes",
    "--from",
    "2025-01-17",
    "--to",
    "2026-11-28",
    "--state",
    "Lithuania",
    "--format",
    "md"
);
snapshot!(
    changes_with_a_bad_kind,
    "changes",
    "--from",
    "2025-01-17",
    "--kind",
    "weather"
);
snapshot!(
    changes_with_an_empty_range,
    "changes",
    "--from",
    "2025-01-17",
    "--to",
    "2025-01-17"
);

#[test]
fn changes_with_commas_for_kinds_are_all_kinds() {
    let range = ["changes", "--from", "2025-01-17", "--to", "2026-11-28"];
    let all = run(&range);
    let mut commas = range.to_vec();
    commas.extend(["--kind", ","]);
    let with_commas = run(&commas);
    // The same answer, but for the command line echoed first.
    let body = |s: &str| {
        s.split_once('\n')
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    };
    assert_eq!(body(&all), body(&with_commas));
    assert!(all.contains("exit: 0") && all.contains("LTU"), "{all}");
}

#[test]
fn import_names_what_is_missing_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("minewatch-import-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("export")).expect("a folder");
    let url = format!("sqlite://{}", dir.join("new.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(["import"])
        .arg(dir.join("export"))
        .args(["--database", &url])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("export/") && stderr.contains("missing"),
        "{stderr}"
    );
    // The database holds no record: an export imports into it afterwards.
    let source = format!("sqlite://{}", dir.join("source.db").display());
    let exported = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(["export"])
        .arg(dir.join("export"))
        .args(["--database", &source])
        .output()
        .expect("the binary runs");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let imported = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .args(["import"])
        .arg(dir.join("export"))
        .args(["--database", &url])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(
        stdout.starts_with("imported 21 files, 1 edit and "),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
