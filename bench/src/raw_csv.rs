//! Baseline for the CSV phases: the import's file read with the csv crate and its rows
//! inserted with rusqlite alone, 2,000 to a transaction as the import commits them, into a
//! fresh database with the server's schema and pragmas (WAL, synchronous=FULL); then those
//! rows read back newest first and written to a CSV file with the export's columns.
//!
//! It stores the metadata text as it is and writes the lead rows alone; the import also
//! validates every row as the API does, parses and re-serialises the metadata, looks the
//! email up among the tenant's leads, and writes each lead's `lead.created` event and search
//! change; the export parses each lead back into the domain type and formats its times.
//! That difference is the overhead reported.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::leads_csv::{COLUMNS, EXPORT_HEADER};
use crate::raw_sqlite;

/// Rows per transaction: the import's batch (`BATCH` in src/domain/leads/csv.rs).
const BATCH: u64 = 2_000;

/// How long each half took, and the rows they moved.
pub struct Csv {
    pub rows: u64,
    pub import: Duration,
    pub export: Duration,
}

impl Csv {
    pub fn import_per_second(&self) -> f64 {
        self.rows as f64 / self.import.as_secs_f64().max(1e-6)
    }

    pub fn export_per_second(&self) -> f64 {
        self.rows as f64 / self.export.as_secs_f64().max(1e-6)
    }
}

/// Imports `file` into a database in `dir`, then exports it to a file beside it.
pub fn measure(dir: &Path, file: &Path) -> Result<Csv> {
    let conn = raw_sqlite::open(&dir.join("baseline.db"))?;
    let started = Instant::now();
    let rows = import(&conn, file)?;
    let import = started.elapsed();
    let started = Instant::now();
    let exported = export(&conn, &dir.join("export.csv"))?;
    let export = started.elapsed();
    if exported != rows {
        bail!("the raw export wrote {exported} rows of the {rows} imported");
    }
    Ok(Csv {
        rows,
        import,
        export,
    })
}

fn import(conn: &Connection, file: &Path) -> Result<u64> {
    let mut reader =
        csv::Reader::from_path(file).with_context(|| format!("opening {}", file.display()))?;
    if !reader.headers()?.iter().eq(COLUMNS) {
        bail!("{} does not have the generated columns", file.display());
    }
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    while reader.read_record(&mut record)? {
        insert(conn, &record, rows)?;
        rows += 1;
        if rows % BATCH == 0 {
            conn.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(rows)
}

/// One record of `COLUMNS` as a lead row; `seq` stands in for the import's clock.
fn insert(conn: &Connection, record: &csv::StringRecord, seq: u64) -> Result<()> {
    let cell = |i: usize| record.get(i).unwrap_or_default();
    let score: i64 = cell(5)
        .parse()
        .with_context(|| format!("score {:?}", cell(5)))?;
    let now = i64::try_from(seq).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO leads (id, tenant_id, name, email, email_key, phone, company, status,
           qualification_score, qualification, metadata, source, created_at, updated_at)
         VALUES (?1, 'default', ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, 'import', ?10, ?10)",
    )?
    .execute(rusqlite::params![
        uuid::Uuid::now_v7().to_string(),
        cell(0),
        cell(1),
        cell(1).to_lowercase(),
        cell(2),
        cell(3),
        cell(4),
        score,
        cell(6),
        now
    ])?;
    Ok(())
}

/// Every lead newest first, as the export's columns, to `out`.
fn export(conn: &Connection, out: &Path) -> Result<u64> {
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
    writer.write_record(EXPORT_HEADER)?;
    let mut query = conn.prepare(
        "SELECT id, name, email, phone, company, status, qualification_score, qualification,
                metadata, source, created_at, updated_at
         FROM leads WHERE tenant_id = 'default' ORDER BY id DESC",
    )?;
    let mut rows = query.query([])?;
    let mut written = 0;
    while let Some(row) = rows.next()? {
        for i in 0..EXPORT_HEADER.len() {
            match row.get_ref(i)? {
                ValueRef::Text(text) | ValueRef::Blob(text) => writer.write_field(text)?,
                ValueRef::Integer(n) => writer.write_field(n.to_string())?,
                ValueRef::Real(x) => writer.write_field(x.to_string())?,
                ValueRef::Null => writer.write_field("")?,
            }
        }
        writer.write_record(None::<&[u8]>)?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}
