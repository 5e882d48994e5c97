//! The command-line grammar. Names, options and values here are a contract.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The Anti-Personnel Mine Ban Convention, computed: where every state stands
/// on any date, and why.
#[derive(Parser, Debug)]
#[command(name = "minewatch", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Read the registry from this data folder instead of the one built in.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,

    /// Answer from the record as it stood after an edit of a deployment's
    /// edit log: an edit id or an RFC 3339 time. The database is
    /// `DATABASE_URL` (default sqlite://minewatch.db).
    #[arg(long, global = true, value_name = "EDIT_OR_TIME")]
    pub(crate) as_of: Option<String>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Serve the web monitor and the JSON API (stops cleanly on Ctrl-C).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Database URL (sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE); filled from the built-in data/ on first start.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
        /// Seconds a client has to send a request's headers.
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_timeout: u64,
        /// Seconds a connection may stay idle before it is closed.
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        idle_timeout: u64,
        /// Seconds the requests in flight have to finish after Ctrl-C or SIGTERM.
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
        shutdown_deadline: u64,
        /// Connections served at once (lowered to what the open-files limit allows).
        #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=65536))]
        max_connections: u64,
        /// The URL readers reach the server at (http:// or https://, behind
        /// a proxy): the base of the links in webhook messages; no
        /// subscriber may point at it. Default http:// and --addr.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// Seconds a webhook attempt may take, from connecting to the
        /// answer's status line.
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
        webhook_timeout: u64,
        /// Certificates (PEM) that https:// webhook receivers may be signed
        /// by, beside the Mozilla roots built in (a team's own authority).
        #[arg(long, value_name = "FILE")]
        webhook_ca: Option<PathBuf>,
        /// Answer as if today were DATE (YYYY-MM-DD), for a rehearsal or a
        /// test: the feeds and webhooks reach that day's consequences.
        /// Default the UTC date, day by day.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Manage the webhooks that receive the change feeds' entries.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Manage the editors who may add treaty actions through the API.
    #[command(subcommand)]
    Editor(EditorCommand),
    /// Write the database back to the data/ format in DIR, with its edit
    /// log, audit trail and release bookkeeping (what `minewatch import`
    /// reads).
    Export {
        /// The folder to write.
        dir: PathBuf,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
    /// Fill a new database from what `minewatch export` wrote to DIR: the
    /// data files, the edit log, the audit trail and the release's
    /// bookkeeping, checked whole first, in one transaction.
    Import {
        /// The folder `minewatch export` wrote.
        dir: PathBuf,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
    /// A state's status on a date, with the explanation and findings.
    Status {
        /// An ISO 3166-1 alpha-3 code or a name, in any case.
        state: String,
        #[command(flatten)]
        on: OnDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The states bound on a date (party, withdrawing, withdrawal_deferred).
    Parties {
        #[command(flatten)]
        on: OnDate,
        /// Also list states whose consent is deposited but not yet in force.
        #[arg(long)]
        consented: bool,
        /// Print the number of states alone.
        #[arg(long)]
        count: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// The treaty-status figures on a date (States Parties, stockpiles,
    /// retention, clearance, reporting, casualties), each with its states and
    /// sources.
    Figures {
        #[command(flatten)]
        on: OnDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FiguresFormat::Text)]
        format: FiguresFormat,
    },
    /// Every change between two dates: statuses (with the article that made
    /// each), obligations, findings, findings of use, and the figures' net
    /// change.
    Changes {
        /// The first day, excluded (YYYY-MM-DD): a change on it belongs to
        /// the range before.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The last day, included (YYYY-MM-DD); default today (UTC).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only this state (an ISO3 code or a name); repeat for more.
        #[arg(long, value_name = "STATE")]
        state: Vec<String>,
        /// Only the states that were members of this group (an id of
        /// data/groups.csv) on any day of the range.
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Only these kinds: status, obligation, finding, use_finding,
        /// figure (comma-separated).
        #[arg(long, value_name = "KINDS")]
        kind: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FiguresFormat::Text)]
        format: FiguresFormat,
    },
    /// The figures computed on each Landmine Monitor edition's cut-off date
    /// beside the figures the edition states (docs/monitor-figures.md).
    MonitorFigures {
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Md)]
        format: CheckFormat,
    },
    /// Every dated act of a state and every change of its status, explained.
    Timeline {
        /// An ISO 3166-1 alpha-3 code or a name, in any case.
        state: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Counts of signatories, consented and bound states over time.
    History {
        /// First date (YYYY-MM-DD); default 1997-12-03, the opening for signature.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last date (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Distance between rows.
        #[arg(long, value_enum, default_value_t = Step::Year)]
        step: Step,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Check a claim (or a file of them) against the record: exit 0 holds,
    /// 1 does not hold, 3 unknown, 2 error. The language: docs/claims.md.
    #[command(group(clap::ArgGroup::new("input").required(true).args(["claim", "file"])))]
    Check {
        /// The claim, such as "all NATO members except USA are parties".
        #[arg(num_args = 1.., value_name = "CLAIM")]
        claim: Vec<String>,
        /// A file of `ID: claim` lines (`#` starts a comment).
        #[arg(long, value_name = "FILE", conflicts_with = "claim")]
        file: Option<PathBuf>,
        #[command(flatten)]
        on: OnDate,
        /// Check on this date too (repeatable); claims that name a date keep it.
        #[arg(long, value_name = "DATE")]
        also_on: Vec<String>,
        /// Output format; `md` writes a fact-check document.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// A state's obligations (Arts. 3, 4, 5, 7) on a date: deadlines and where each stands.
    Obligations {
        /// An ISO 3166-1 alpha-3 code or a name, in any case.
        state: String,
        #[command(flatten)]
        on: OnDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Every State Party's open deadlines on a date, soonest first.
    Deadlines {
        #[command(flatten)]
        on: OnDate,
        /// Only deadlines within this many days of the date (overdue ones included).
        #[arg(long, value_name = "DAYS")]
        within: Option<u32>,
        /// Only deadlines already missed.
        #[arg(long)]
        overdue: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Recorded casualties of mines and explosive remnants of war by year.
    Casualties {
        /// One country's figures instead of the world's.
        #[arg(long, value_name = "STATE")]
        country: Option<String>,
        /// First year.
        #[arg(long, value_name = "YEAR")]
        from: Option<i16>,
        /// Last year.
        #[arg(long, value_name = "YEAR")]
        to: Option<i16>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// A printable fact sheet on a state: status, withdrawal, alliances, peers,
    /// key facts checked, use of mines, obligations, casualties; every fact sourced.
    Brief {
        /// An ISO 3166-1 alpha-3 code or a name, in any case.
        state: String,
        #[command(flatten)]
        on: OnDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = BriefFormat::Md)]
        format: BriefFormat,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Peers to compare with, comma-separated codes or names (`LVA,EST,POL`).
        #[arg(long, value_name = "STATES", value_delimiter = ',')]
        peers: Vec<String>,
        /// Also show what has changed since this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Run the impact simulator on a scenario file (TOML; see examples/scenarios/),
    /// or calibrate it, or back-test it on historical cases.
    Simulate(SimulateArgs),
    /// What an act that has not happened would change.
    #[command(name = "what-if", subcommand)]
    WhatIf(WhatIf),
    /// Work with a data folder.
    #[command(subcommand)]
    Data(DataCommand),
}

/// `minewatch simulate`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SimulateArgs {
    #[command(subcommand)]
    pub(crate) action: Option<SimAction>,
    /// The scenario file.
    #[arg(required = true)]
    pub(crate) scenario: Option<PathBuf>,
    /// Replicates (1 to 1,000,000).
    #[arg(long, default_value_t = 1000, value_parser = runs_arg)]
    pub(crate) runs: usize,
    /// Seed: the same seed gives the same numbers whatever the thread count.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Threads; default all cores.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::commands::simulate::SimFormat::Text)]
    pub(crate) format: crate::commands::simulate::SimFormat,
    /// Write SVG plots (casualties per year with bands; clearance progress) to this folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) plots: Option<PathBuf>,
    /// Draw each replicate's parameters from their 5–95% uncertainty, so the
    /// bands carry what is not known about them as well as chance.
    #[arg(long)]
    pub(crate) uncertainty: bool,
}

/// What `simulate` can do besides running a scenario.
#[derive(Subcommand, Debug)]
pub(crate) enum SimAction {
    /// Fit the parameters no source states on the historical cases
    /// (data/sim_cases.csv) and print what was fitted, from which cases, with
    /// 5–95% intervals.
    Calibrate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::commands::simulate::CalFormat::Text)]
        format: crate::commands::simulate::CalFormat,
        /// Also write the fitted values in the data/ format (data/sim_calibration.csv).
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
    },
    /// Predict historical cases the model was not fitted on and print the
    /// prediction bands against the record (default: the built-in Chile and
    /// Uzbek–Tajik cases).
    Backtest {
        /// Scenario files with a [backtest] record; default the built-in cases.
        scenarios: Vec<PathBuf>,
        /// Replicates per case (1 to 1,000,000).
        #[arg(long, default_value_t = 2000, value_parser = runs_arg)]
        runs: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Threads; default all cores.
        #[arg(long)]
        threads: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::commands::simulate::CalFormat::Text)]
        format: crate::commands::simulate::CalFormat,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum WhatIf {
    /// A notification of withdrawal received by the depositary on a date (Art. 20).
    Withdraw {
        /// An ISO 3166-1 alpha-3 code or a name, in any case.
        state: String,
        /// The date the depositary would receive the notification (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        deposited: String,
        #[command(flatten)]
        on: OnDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum EditorCommand {
    /// Create an editor and print its token once (only a hash is stored).
    Add {
        /// The editor's name.
        name: String,
        /// The role: `editor` (proposes), `reviewer` (approves), `maintainer`
        /// (may also apply edits directly, as `POST /api/v1/actions` does).
        #[arg(long, value_enum, default_value_t = RoleArg::Maintainer)]
        role: RoleArg,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
    /// List the editors with their roles (never their tokens).
    List {
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// How many approvals of distinct reviewers apply a proposal: print it,
    /// or set it (at least 1; audited).
    Approvals {
        /// The number to set; without it, the current number is printed.
        #[arg(value_parser = clap::value_parser!(i64).range(1..=20))]
        count: Option<i64>,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
    /// Revoke an editor's token from now on (audited).
    Revoke {
        /// The editor's name.
        name: String,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum WebhookCommand {
    /// Subscribe an http:// or https:// URL to the feeds' entries (audited): each entry it
    /// follows is POSTed as JSON signed per Standard Webhooks. Prints the
    /// webhook's id and its secret (shown once).
    Add {
        /// Where to POST (http[s]://host[:port]/path).
        url: String,
        /// Only entries about these states (codes or names; repeat, or
        /// separate with commas).
        #[arg(long, value_name = "STATE")]
        state: Vec<String>,
        /// Only entries about the members of this group (e.g. NATO, EU).
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Only entries of these kinds: recorded, took_effect (repeat, or
        /// separate with commas).
        #[arg(long, value_name = "KIND")]
        kind: Vec<String>,
        /// The first day of its took_effect entries (YYYY-MM-DD); default
        /// today (UTC). Its recorded entries are of the edits made after
        /// it was added.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
    /// List the webhooks (never their secrets).
    List {
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The newest deliveries (of one webhook, or all), with where each
    /// stands: pending, delivered, failed or cancelled.
    Deliveries {
        /// The webhook's id; default every webhook.
        id: Option<i64>,
        /// How many, newest first.
        #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10000))]
        limit: i64,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Remove a webhook (audited): nothing more is sent to it; its pending
    /// deliveries are cancelled.
    Remove {
        /// The webhook's id.
        id: i64,
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoleArg {
    Editor,
    Reviewer,
    Maintainer,
}

impl RoleArg {
    pub(crate) fn role(self) -> minewatch_web::Role {
        match self {
            RoleArg::Editor => minewatch_web::Role::Editor,
            RoleArg::Reviewer => minewatch_web::Role::Reviewer,
            RoleArg::Maintainer => minewatch_web::Role::Maintainer,
        }
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum DataCommand {
    /// Validate a data folder and report every problem at once.
    Check {
        /// The folder; default `data` in the current directory.
        dir: Option<PathBuf>,
    },
    /// Bring this release's built-in data into a database an earlier release
    /// filled: add what it lacks, replace or remove what earlier releases
    /// shipped, never overwrite a row the team wrote. One audited edit.
    Sync {
        /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true, default_value = minewatch_web::DEFAULT_DATABASE)]
        database: String,
        /// Print what would change; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args, Debug)]
pub(crate) struct OnDate {
    /// The date to answer for (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "DATE")]
    pub(crate) on: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BriefFormat {
    Md,
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CheckFormat {
    Text,
    Json,
    Md,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FiguresFormat {
    Text,
    Json,
    Csv,
    Md,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableFormat {
    Text,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Day,
    Month,
    Year,
}

/// The most replicates one command may ask for: a million of the largest
/// example take minutes and a few hundred megabytes, more would exhaust the
/// machine before printing anything.
pub(crate) const MAX_RUNS: usize = 1_000_000;

fn runs_arg(text: &str) -> Result<usize, String> {
    let runs: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of replicates"))?;
    if runs == 0 || runs > MAX_RUNS {
        return Err(format!("{runs} replicates: give 1 to {MAX_RUNS}"));
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn contract_spellings_parse() {
        for line in [
            "minewatch status LTU --on 2025-01-17 --format json",
            "minewatch parties --on 2025-01-17 --consented --count --format csv",
            "minewatch timeline lithuania",
            "minewatch history --from 1999-01-01 --to 2000-01-01 --step month --format json",
            "minewatch what-if withdraw UKR --deposited 2025-07-18 --on 2026-11-28 --format json",
            "minewatch data check data",
            "minewatch --data data status USA",
            "minewatch check USA is not a party --on 2025-01-17 --format json",
            "minewatch check --file examples/letter-2025-01-17.claims --on 2026-11-28 --format json",
            "minewatch check --file f.claims --on 2025-01-17 --also-on 2026-11-28 --format md",
            "minewatch obligations GRC --on 2026-11-28 --format json",
            "minewatch serve --addr 127.0.0.1:8080 --database sqlite://minewatch.db",
            "minewatch simulate examples/scenarios/unfenced-100km.toml --runs 100 --seed 7 --threads 2 --format json --plots out",
            "minewatch editor add alice --database sqlite:///tmp/m.db",
            "minewatch export out --database sqlite:///tmp/m.db",
            "minewatch brief LTU --on 2025-01-17 --peers LVA,EST,POL,FIN,SWE --format html --out b.html",
            "minewatch brief lithuania --since 2025-01-17",
            "minewatch deadlines --on 2026-11-28 --within 365 --overdue --format csv",
            "minewatch casualties --country UKR --from 2020 --to 2024 --format json",
        ] {
            let args: Vec<&str> = line.split(' ').collect();
            assert!(Cli::try_parse_from(&args).is_ok(), "{line}");
        }
    }
}
