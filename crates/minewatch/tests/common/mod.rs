//! What the process tests share: a PostgreSQL database of their own on the
//! server `MINEWATCH_TEST_POSTGRES` names (`.ci/run` starts Debian's
//! PostgreSQL and sets it), made with `psql` and dropped afterwards.

#![allow(dead_code, unreachable_pub)]

use std::process::Command;

/// A new database on the test server, dropped when the guard is.
pub struct Database {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl Database {
    /// A new database for `case`, or `None` (with a note) when no server
    /// is configured, which CI does not allow.
    pub fn create(case: &str) -> Option<Database> {
        let Ok(admin) = std::env::var("MINEWATCH_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run {case} on PostgreSQL: set MINEWATCH_TEST_POSTGRES"
            );
            eprintln!("{case}: PostgreSQL skipped (MINEWATCH_TEST_POSTGRES is not set)");
            return None;
        };
        let name = format!(
            "mw_{case}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        psql(&admin, &format!("CREATE DATABASE {name}"));
        let (base, _) = admin.rsplit_once('/').expect("a database URL");
        Some(Database {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &self.admin,
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

/// Runs one statement with `psql`.
pub fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
