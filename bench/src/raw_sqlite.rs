//! Baseline: the same lead rows inserted with rusqlite alone, into a fresh database with the
//! server's schema and pragmas (WAL, synchronous=FULL), so every commit is durable as ours.
//!
//! It writes only the lead row; the server also appends the change-log and outbox rows,
//! parses JSON and speaks HTTP, and that difference is exactly the overhead reported.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use rusqlite::{Connection, params};

use crate::{data, stats};

const SCHEMA: &str = include_str!("../../schema.sql");

/// Rows per second, and the time each transaction took from BEGIN to durable COMMIT.
pub struct Inserts {
    pub per_second: f64,
    pub commit_latency: Histogram<u64>,
}

/// Inserts rows `per_commit` at a time for `time_limit` (or `max_rows`), into `dir`.
pub fn insert_leads(
    dir: &Path,
    per_commit: usize,
    time_limit: Duration,
    max_rows: u64,
) -> Result<Inserts> {
    let conn = open(&dir.join("baseline.db"))?;
    let mut commit_latency = stats::histogram();
    let started = Instant::now();
    let mut rows = 0u64;
    while rows < max_rows && started.elapsed() < time_limit {
        let began = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for _ in 0..per_commit {
            insert(&conn, rows)?;
            rows += 1;
        }
        conn.execute_batch("COMMIT")?;
        stats::record(&mut commit_latency, began.elapsed());
    }
    let per_second = rows as f64 / started.elapsed().as_secs_f64().max(1e-6);
    Ok(Inserts {
        per_second,
        commit_latency,
    })
}

/// A fresh database at `path` with the server's schema and pragmas, and its `default` tenant.
pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )?;
    conn.execute_batch(SCHEMA).context("creating the schema")?;
    conn.execute(
        "INSERT INTO tenants (id, name, created_at, updated_at) VALUES ('default', 'Default', 0, 0)",
        [],
    )?;
    Ok(conn)
}

fn insert(conn: &Connection, seq: u64) -> Result<()> {
    let lead = data::lead(seq);
    let now = i64::try_from(seq).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO leads (id, tenant_id, name, email, email_key, phone, company, status,
           qualification_score, qualification, metadata, source, created_at, updated_at)
         VALUES (?1, 'default', ?2, ?3, ?4, NULL, ?5, 'new', 0, NULL, '{}', 'api', ?6, ?6)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        lead.name,
        lead.email,
        lead.email.to_lowercase(),
        lead.company,
        now
    ])?;
    Ok(())
}
