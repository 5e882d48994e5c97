//! The commands on a database: `serve`, `editor add`, `export`.

use std::path::Path;
use std::process::ExitCode;

use super::Out;
use crate::CliError;

/// The server's limits, as the options of `minewatch serve` give them.
pub(crate) struct ServeOptions<'a> {
    pub(crate) addr: &'a str,
    pub(crate) database: &'a str,
    pub(crate) header_timeout: u64,
    pub(crate) idle_timeout: u64,
    pub(crate) shutdown_deadline: u64,
    pub(crate) max_connections: u64,
    pub(crate) public_url: Option<String>,
    pub(crate) webhook_timeout: u64,
    pub(crate) webhook_ca: Option<std::path::PathBuf>,
    pub(crate) today: Option<jiff::civil::Date>,
}

/// `minewatch serve`: until Ctrl-C or SIGTERM.
pub(crate) fn serve(o: &ServeOptions<'_>) -> Result<(), CliError> {
    init_logging();
    let secs = std::time::Duration::from_secs;
    let limits = minewatch_web::Limits {
        header_timeout: secs(o.header_timeout),
        idle_timeout: secs(o.idle_timeout),
        shutdown_deadline: secs(o.shutdown_deadline),
        max_connections: usize::try_from(o.max_connections).unwrap_or(usize::MAX),
    };
    let options = minewatch_web::Options {
        today: o.today,
        public_url: o.public_url.clone(),
        webhook_timeout: secs(o.webhook_timeout),
        webhook_ca: o.webhook_ca.clone(),
    };
    runtime()?.block_on(minewatch_web::serve(o.addr, o.database, limits, options))?;
    Ok(())
}

/// `minewatch editor add NAME`: prints the token once.
pub(crate) fn add_editor(
    name: &str,
    role: minewatch_web::Role,
    database: &str,
    out: Out<'_>,
) -> Result<(), CliError> {
    let token = runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        store.add_editor_as(name, role).await
    })?;
    writeln!(
        out,
        "editor {name} added as {}; the token (shown once, stored only as a hash):\n{token}",
        role.as_str()
    )?;
    Ok(())
}

/// `minewatch editor list`: names, roles, when created and revoked.
pub(crate) fn list_editors(
    database: &str,
    format: crate::cli::Format,
    out: Out<'_>,
) -> Result<(), CliError> {
    let editors = runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        store.editors().await
    })?;
    match format {
        crate::cli::Format::Json => super::json(out, &editors)?,
        crate::cli::Format::Text => {
            writeln!(out, "{} editors", editors.len())?;
            for e in &editors {
                writeln!(
                    out,
                    "  {:<24} {:<10} created {}{}",
                    e.name,
                    e.role.as_str(),
                    e.created,
                    e.revoked
                        .as_deref()
                        .map(|r| format!(", revoked {r}"))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    Ok(())
}

/// `minewatch editor revoke NAME`: the token stops working now.
pub(crate) fn revoke_editor(name: &str, database: &str, out: Out<'_>) -> Result<(), CliError> {
    runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        store.revoke_editor(name).await
    })?;
    writeln!(out, "editor {name} revoked; its token no longer works")?;
    Ok(())
}

/// `minewatch editor approvals [N]`: how many approvals apply a proposal.
pub(crate) fn approvals(count: Option<i64>, database: &str, out: Out<'_>) -> Result<(), CliError> {
    let n = runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        if let Some(n) = count {
            store.set_approvals_needed(n).await?;
        }
        store.approvals_needed().await
    })?;
    writeln!(
        out,
        "a proposal applies with {n} approval{} of reviewers other than its proposer",
        if n == 1 { "" } else { "s" }
    )?;
    Ok(())
}

/// `minewatch export DIR`: the database in the `data/` format.
pub(crate) fn export(dir: &Path, database: &str, out: Out<'_>) -> Result<(), CliError> {
    let (n, edits, audit) = runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        let n = store.export(dir).await?;
        let edits = store.export_log(dir).await?;
        Ok::<_, minewatch_web::StoreError>((n, edits, store.export_history(dir).await?))
    })?;
    writeln!(
        out,
        "wrote {n} files to {}, the edit log ({edits} edits) to edit-log.jsonl, the audit trail ({audit} records) to audit.jsonl and the release's bookkeeping to meta.json",
        dir.display()
    )?;
    Ok(())
}

/// `minewatch import DIR`: a new database from an export.
pub(crate) fn import(dir: &Path, database: &str, out: Out<'_>) -> Result<(), CliError> {
    let done = runtime()?.block_on(async {
        let store = minewatch_web::Store::open_empty(database).await?;
        store.import_dir(dir).await
    })?;
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    writeln!(
        out,
        "imported {}, {} and {} from {}; the record is at version {}",
        n(done.files, "file", "files"),
        n(done.edits, "edit", "edits"),
        n(done.audit, "audit record", "audit records"),
        dir.display(),
        done.version
    )?;
    Ok(())
}

/// `minewatch data sync [--dry-run]`: this release's data into the database.
/// Exit 0 when applied or nothing to do (or, dry, when it would apply), 1
/// when the result would fail the record's checks.
pub(crate) fn sync(database: &str, dry_run: bool, out: Out<'_>) -> Result<ExitCode, CliError> {
    let outcome = runtime()?.block_on(async {
        let store = minewatch_web::Store::open(database).await?;
        store.sync(dry_run).await
    })?;
    let print = |out: Out<'_>, plan: &minewatch_web::sync::SyncPlan| -> Result<(), CliError> {
        for t in &plan.tables {
            let cell = |row: &[String]| row.join(",");
            for r in &t.added {
                writeln!(out, "  {}: add {}", t.file, cell(r))?;
            }
            for (old, new) in &t.replaced {
                writeln!(
                    out,
                    "  {}: replace {}\n      with {}",
                    t.file,
                    cell(old),
                    cell(new)
                )?;
            }
            for r in &t.removed {
                writeln!(out, "  {}: remove {}", t.file, cell(r))?;
            }
            for (team, shipped) in &t.kept {
                writeln!(
                    out,
                    "  {}: keep the team's {}\n      (the release ships {}; proposed for review)",
                    t.file,
                    cell(team),
                    cell(shipped)
                )?;
            }
        }
        for f in &plan.files {
            writeln!(out, "  {f}: replace with the release's text")?;
        }
        Ok(())
    };
    match outcome {
        minewatch_web::SyncOutcome::Unchanged => {
            writeln!(out, "the database holds this release's data; nothing to do")?;
            Ok(ExitCode::SUCCESS)
        }
        minewatch_web::SyncOutcome::Newer { database, this } => {
            writeln!(
                out,
                "nothing to do: the database follows data release {database}, newer than this program's {this}; upgrade this program"
            )?;
            Ok(ExitCode::SUCCESS)
        }
        minewatch_web::SyncOutcome::Planned(plan) => {
            writeln!(
                out,
                "{} would change (dry run): {}",
                minewatch_web::release_name(),
                plan.summary()
            )?;
            print(out, &plan)?;
            Ok(ExitCode::SUCCESS)
        }
        minewatch_web::SyncOutcome::Applied {
            plan,
            audit,
            proposals,
            ..
        } => {
            writeln!(
                out,
                "{} applied as audit record {audit}: {}",
                minewatch_web::release_name(),
                plan.summary()
            )?;
            for id in proposals {
                writeln!(out, "  proposal {id}: a shipped row for review")?;
            }
            print(out, &plan)?;
            Ok(ExitCode::SUCCESS)
        }
        minewatch_web::SyncOutcome::Refused { plan, errors } => {
            writeln!(
                out,
                "not applied: the record after this release would fail its checks ({}):\n{errors}",
                plan.summary()
            )?;
            print(out, &plan)?;
            Ok(ExitCode::from(1))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::from(format!("cannot start the runtime: {e}")))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `minewatch webhook …`.
pub(crate) fn webhook(command: crate::cli::WebhookCommand, out: Out<'_>) -> Result<(), CliError> {
    use crate::cli::{Format, WebhookCommand};
    let rt = runtime()?;
    match command {
        WebhookCommand::Add {
            url,
            state,
            group,
            kind,
            since,
            database,
        } => {
            let hook = rt.block_on(async {
                let store = minewatch_web::Store::open(&database).await?;
                let loaded = store.load().await?;
                let today = jiff::Timestamp::now()
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date();
                let asked = minewatch_web::webhooks::Asked {
                    url: &url,
                    states: &state,
                    group: group.as_deref(),
                    kinds: &kind,
                    since: since.as_deref(),
                };
                let new = minewatch_web::webhooks::check(&loaded, &asked, today, None)
                    .await
                    .map_err(|r| CliError::from(format!("webhook refused: {r}")))?;
                Ok::<_, CliError>(store.add_webhook(&minewatch_web::operator(), &new).await?)
            })?;
            writeln!(
                out,
                "webhook {} added: {} ({}); the signing secret (shown once):\n{}",
                hook.id,
                hook.url,
                follows(&hook),
                hook.secret.as_deref().unwrap_or("")
            )?;
        }
        WebhookCommand::List { database, format } => {
            let hooks = rt.block_on(async {
                minewatch_web::Store::open(&database)
                    .await?
                    .webhooks()
                    .await
            })?;
            match format {
                Format::Json => super::json(out, &hooks)?,
                Format::Text => {
                    writeln!(out, "{} webhooks", hooks.len())?;
                    for h in &hooks {
                        writeln!(
                            out,
                            "  {:>4}  {}  {}; added {} by {}{}",
                            h.id,
                            h.url,
                            follows(h),
                            h.created,
                            h.created_by,
                            h.revoked
                                .as_deref()
                                .map(|r| format!(", removed {r}"))
                                .unwrap_or_default()
                        )?;
                    }
                }
            }
        }
        WebhookCommand::Deliveries {
            id,
            limit,
            database,
            format,
        } => {
            let list = rt.block_on(async {
                let store = minewatch_web::Store::open(&database).await?;
                if let Some(id) = id
                    && !store.webhooks().await?.iter().any(|w| w.id == id)
                {
                    return Err(CliError::from(format!("no webhook has the id {id}")));
                }
                Ok(store.deliveries(id, limit).await?)
            })?;
            match format {
                Format::Json => super::json(out, &list)?,
                Format::Text => {
                    writeln!(out, "{} deliveries, newest first", list.len())?;
                    for d in &list {
                        let when = match d.status.as_str() {
                            "delivered" => {
                                format!(" at {}", d.delivered_at.as_deref().unwrap_or(""))
                            }
                            "pending" => format!(", next attempt {}", d.due),
                            _ => String::new(),
                        };
                        let error = if d.last_error.is_empty() {
                            String::new()
                        } else {
                            format!("; last: {}", d.last_error)
                        };
                        writeln!(
                            out,
                            "  {:>6}  webhook {}  {}  {}  {}, {} attempt{}{when}{error}",
                            d.id,
                            d.webhook,
                            d.message,
                            d.entry,
                            d.status,
                            d.attempts,
                            if d.attempts == 1 { "" } else { "s" }
                        )?;
                    }
                }
            }
        }
        WebhookCommand::Remove { id, database } => {
            let removed = rt.block_on(async {
                minewatch_web::Store::open(&database)
                    .await?
                    .revoke_webhook(&minewatch_web::operator(), id)
                    .await
            })?;
            if !removed {
                return Err(CliError::from(format!(
                    "no webhook has the id {id} (or it was removed before)"
                )));
            }
            writeln!(
                out,
                "webhook {id} removed; its pending deliveries are cancelled"
            )?;
        }
    }
    Ok(())
}

/// What a webhook follows, in words.
fn follows(h: &minewatch_web::Webhook) -> String {
    let mut parts = Vec::new();
    parts.push(if h.kinds.is_empty() {
        "every kind".to_string()
    } else {
        h.kinds.join(" and ")
    });
    if !h.states.is_empty() {
        parts.push(format!("states {}", h.states.join(", ")));
    }
    if let Some(g) = &h.group {
        parts.push(format!("group {g}"));
    }
    parts.push(format!("took_effect from {}", h.since));
    parts.join("; ")
}
