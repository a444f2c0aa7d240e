//! Issue #10's backup figure: `synaptiq backup PATH` (SQLite's online backup API) of a
//! database grown to about 1 GB, run beside the serving server while chat turns are timed,
//! against the same turns idle just before. The database grows through
//! `synaptiq import leads` of generated leads with enrichment metadata into tenants of their
//! own, as the CRM imports of many customers would grow it.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags};

use crate::client::Api;
use crate::kb::{self, MB, Probe};
use crate::leads_csv::{self, Metadata};
use crate::load::Outcome;
use crate::phases::{self, Measured, Seqs, observe};
use crate::report::{self, Figure, Row, Unit};
use crate::server::{Launcher, Ran};
use crate::stats::ms;
use crate::summary::cpu_note;
use crate::{data, ops};

/// Growth file i goes to tenant `bench-bulk-i`.
pub const BULK_TENANT: &str = "bench-bulk";
/// The growth leads' numbers start here, apart from the seeded and the imported ones.
const BULK_FIRST: u64 = 2_000_000_000;
/// Rows per growth file, each into a tenant of its own: many mid-size tenants are as
/// plausible as one huge one, and keep the growth's time bounded whatever one import costs
/// as its tenant grows (with each row's savepoint nested in the batch's, the release walked
/// SQLite's in-memory sub-journal from its start, and imports slowed from about 3,000 rows/s
/// to under 1,000/s past 50,000 leads in one tenant).
const CHUNK_ROWS: u64 = 20_000;
const MIN_CHUNK_ROWS: u64 = 1_000;
/// A first guess at what one lead of `Metadata::Large` adds to the database, measured at
/// 8.7 KB: its row and its lead.created event each hold the metadata and each fills most of
/// a 4 KiB page, plus the change-log row and index entries. Each file imported corrects it
/// with the growth it caused.
const GUESS_BYTES_PER_ROW: f64 = 9_000.0;
/// More files than any sane size needs: a bound on the growth loop.
const MAX_CHUNKS: u32 = 200;
/// The server's database file in its data dir.
const DATABASE: &str = "synaptiq.db";

/// How the database grew before the backup.
#[derive(Default)]
pub struct Growth {
    pub rows: u64,
    pub csv_bytes: u64,
    pub files: u32,
    pub importing: Duration,
}

/// The backup run twice: once with no load (its time is the idle chat window), once while
/// chat turns run.
pub struct Backup {
    /// The database (pages × page size) before growing it, and when backed up.
    pub seeded_bytes: u64,
    pub target_bytes: u64,
    pub bytes: u64,
    pub growth: Growth,
    pub idle: Run,
    pub loaded: Run,
    /// `None` when the server has no chat endpoint: then the second backup ran unloaded too.
    pub chat: Option<Chat>,
}

/// One `synaptiq backup`: the command, and the size of the file it wrote.
pub struct Run {
    pub ran: Ran,
    pub bytes: u64,
}

impl Run {
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / MB / self.ran.elapsed.as_secs_f64().max(1e-6)
    }
}

pub struct Chat {
    pub idle: Measured<Outcome>,
    pub during: Measured<Outcome>,
}

impl Backup {
    /// Whether the database had to grow to reach the size asked for.
    fn grew(&self) -> bool {
        self.growth.files > 0
    }
}

pub async fn measure(
    launcher: &Launcher,
    api: &Api,
    seqs: &Seqs,
    pid: u32,
    target_bytes: u64,
) -> Result<Backup> {
    let db = launcher.data_dir.join(DATABASE);
    let seeded_bytes = database_bytes(&db)?;
    eprintln!(
        "bench: growing the database from {:.0} MB to {:.0} MB with synaptiq import leads…",
        seeded_bytes as f64 / MB,
        target_bytes as f64 / MB
    );
    let growth = grow(launcher, &db, target_bytes).await?;
    // The backups should not share the CPU with the server indexing the growth, nor with
    // the checkpoints of its WAL.
    api.create_searchable(&data::lead(seqs.next()))
        .await
        .context("waiting for the index to take the growth")?;
    tokio::time::sleep(phases::SETTLE).await;
    let bytes = database_bytes(&db)?;
    eprintln!(
        "bench: synaptiq backup of {:.0} MB, idle…",
        bytes as f64 / MB
    );
    let (idle, loaded, chat) = back_up(launcher, api, pid).await?;
    Ok(Backup {
        seeded_bytes,
        target_bytes,
        bytes,
        growth,
        idle,
        loaded,
        chat,
    })
}

/// The backup with no load; then chat turns idle for as long as it took, then the backup
/// again while the same turns run. Without a chat endpoint the second backup runs alone.
async fn back_up(launcher: &Launcher, api: &Api, pid: u32) -> Result<(Run, Run, Option<Chat>)> {
    let dest = launcher.data_dir.with_file_name("backup.db");
    let idle = copy(launcher, &dest).await?;
    if !api.chat_available().await? {
        eprintln!("bench: POST /api/chat answered 404: the backup runs without chat turns");
        let loaded = copy(launcher, &dest).await?;
        return Ok((idle, loaded, None));
    }
    eprintln!("bench: chat turns idle, then during synaptiq backup…");
    let clients = phases::read_clients();
    tokio::time::sleep(phases::SETTLE).await;
    // As long as the idle backup took, so both windows hold about as many turns.
    let window = idle.ran.elapsed;
    let chat_idle = kb::probe_for(api, Probe::Chat("backup-idle"), clients, window);
    let chat_idle = observe(pid, chat_idle).await?;
    tokio::time::sleep(phases::SETTLE).await;
    let backup = copy(launcher, &dest);
    let during = kb::probe_during(api, Probe::Chat("backup"), clients, backup);
    let during = observe(pid, during).await?;
    let (turns, loaded) = during.value;
    let chat = Chat {
        idle: chat_idle,
        during: Measured {
            value: turns,
            cpu: during.cpu,
            rss: during.rss,
        },
    };
    Ok((idle, loaded, Some(chat)))
}

/// Imports files of large-metadata leads, each into a bulk tenant of its own, until the
/// database holds `target` bytes.
async fn grow(launcher: &Launcher, db: &Path, target: u64) -> Result<Growth> {
    let file = launcher.data_dir.with_file_name("bulk.csv");
    let path = file
        .to_str()
        .context("the growth file's path is not UTF-8")?;
    let mut growth = Growth::default();
    let mut per_row = GUESS_BYTES_PER_ROW;
    for _ in 0..MAX_CHUNKS {
        let before = database_bytes(db)?;
        if before >= target {
            let _ = std::fs::remove_file(&file);
            return Ok(growth);
        }
        // A little over the estimate, so the last file rarely falls just short.
        let wanted = ((target - before) as f64 / per_row * 1.02).ceil() as u64;
        let rows = wanted.clamp(MIN_CHUNK_ROWS, CHUNK_ROWS);
        let first = BULK_FIRST + growth.rows;
        let written =
            tokio::task::block_in_place(|| leads_csv::write(&file, first, rows, Metadata::Large))?;
        let tenant = launcher
            .create_tenant(&format!("{BULK_TENANT}-{}", growth.files))
            .await?;
        let args = ["import", "leads", path, "--tenant", tenant.as_str()];
        let ran = launcher.run(&args, None).await?;
        let created = ops::said(&ran, "Imported ")?;
        if created != rows {
            bail!(
                "the growth import created {created} of {rows} leads: {}",
                ran.stderr
            );
        }
        growth.rows += rows;
        growth.csv_bytes += written.bytes;
        growth.files += 1;
        growth.importing += ran.elapsed;
        let after = database_bytes(db)?;
        if after > before {
            per_row = (after - before) as f64 / rows as f64;
        }
    }
    bail!("the database did not reach {target} bytes after {MAX_CHUNKS} imports")
}

/// Runs `synaptiq backup` to `dest`; answers the run and the copy's size, and removes it.
async fn copy(launcher: &Launcher, dest: &Path) -> Result<Run> {
    let path = dest.to_str().context("the backup path is not UTF-8")?;
    let ran = launcher.run(&["backup", path], None).await?;
    let bytes = std::fs::metadata(dest)
        .with_context(|| format!("the backup wrote no {}", dest.display()))?
        .len();
    std::fs::remove_file(dest).with_context(|| format!("removing {}", dest.display()))?;
    Ok(Run { ran, bytes })
}

/// The database's size as SQLite sees it (pages × page size, the WAL's committed pages
/// included), which is what a backup copies; read beside the server, as the CLI reads it.
fn database_bytes(db: &Path) -> Result<u64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", db.display()))?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(u64::try_from(pages * page_size)?)
}

pub fn rows(backup: &Backup) -> Vec<Row> {
    let mb = backup.loaded.bytes as f64 / MB;
    let growth = &backup.growth;
    let mut rows = Vec::new();
    // A seeded database already past the size (a small --backup-mb) needs no growth.
    if backup.grew() {
        rows.push(
            Row::new(&format!(
                "database growth: synaptiq import leads, {} leads with ≈ 2.5 KB metadata ({})",
                report::thousands(growth.rows as f64),
                files(growth.files)
            ))
            .concurrency("1 process")
            .throughput(
                growth.rows as f64 / growth.importing.as_secs_f64().max(1e-6),
                Unit::PerSecond,
            ),
        );
    }
    let under = if backup.chat.is_some() {
        ", during chat turns"
    } else {
        ""
    };
    rows.push(
        Row::new(&format!(
            "synaptiq backup, {mb:.0} MB database{under} (throughput: MB/s; result: seconds)"
        ))
        .concurrency("1 process")
        .throughput(backup.loaded.mb_per_s(), Unit::MBps)
        .value(backup.loaded.ran.elapsed.as_secs_f64(), Unit::Seconds)
        .baseline(
            Figure::Throughput,
            backup.idle.mb_per_s(),
            "the same backup, no load",
        ),
    );
    if let Some(chat) = &backup.chat {
        let idle = ms(&chat.idle.value.latency, 0.99);
        rows.push(
            Row::new(&format!(
                "POST /api/chat during synaptiq backup ({mb:.0} MB)"
            ))
            .clients(phases::read_clients())
            .outcome(&chat.during.value)
            .watched(&chat.during)
            .target(Figure::P99, 2.0 * idle)
            .baseline(Figure::P99, idle, "idle, just before"),
        );
    }
    rows
}

fn files(n: u32) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}

pub fn notes(backup: &Backup) -> Vec<String> {
    let growth = &backup.growth;
    let (idle, loaded) = (&backup.idle, &backup.loaded);
    let grown = if backup.grew() {
        format!(
            "was grown to {:.0} MB by importing {} generated leads with about 2.5 KB of metadata each (notes, pages visited, form answers) with `synaptiq import leads`, each file of at most {} leads into a tenant of its own: {}, {:.1} MB of CSV in {:.1} s of import",
            backup.bytes as f64 / MB,
            growth.rows,
            report::thousands(CHUNK_ROWS as f64),
            files(growth.files),
            growth.csv_bytes as f64 / MB,
            growth.importing.as_secs_f64(),
        )
    } else {
        format!(
            "already held the {:.0} MB asked for, so it was not grown",
            backup.target_bytes as f64 / MB
        )
    };
    let mut notes = vec![format!(
        "Backup (issue #10): the database ({:.0} MB after the phases above, pages × page size) {grown}; then `synaptiq backup PATH` (SQLite's online backup of one snapshot in 1 MiB steps, each flushed to disk, then `PRAGMA integrity_check` of the copy, then a rename) ran as a child process beside the server, twice: with no load ({:.2} s, {:.1} MB/s, CPU {:.0}%), and while chat turns ran ({:.2} s, {:.1} MB/s, CPU {:.0}%). Both wrote {:.0} MB; the files were removed.",
        backup.seeded_bytes as f64 / MB,
        idle.ran.elapsed.as_secs_f64(),
        idle.mb_per_s(),
        idle.ran.cpu_percent(),
        loaded.ran.elapsed.as_secs_f64(),
        loaded.mb_per_s(),
        loaded.ran.cpu_percent(),
        loaded.bytes as f64 / MB,
    )];
    if let Some(chat) = &backup.chat {
        let (quiet, during) = (&chat.idle.value, &chat.during.value);
        notes.push(format!(
            "Chat during the backup: POST /api/chat (JSON), each request a new visitor's first message, from {} clients while the backup ran ({} turns, p50 {:.2} ms, {} errors), against the same turns idle just before for as long as the idle backup took ({} turns, p50 {:.2} ms, p99 {:.2} ms, {} errors); the target is 2× the idle p99.{}",
            phases::read_clients(),
            during.ok,
            ms(&during.latency, 0.5),
            during.errors,
            quiet.ok,
            ms(&quiet.latency, 0.5),
            ms(&quiet.latency, 0.99),
            quiet.errors,
            during
                .first_error
                .as_ref()
                .or(quiet.first_error.as_ref())
                .map(|e| format!(" First error: {e}."))
                .unwrap_or_default(),
        ));
        notes.push(cpu_note(
            "POST /api/chat idle before the backup",
            &chat.idle.cpu,
        ));
        let during = &chat.during;
        let mut cpu = during.cpu.clone();
        // The backup is one of the other processes on /proc/stat; it has a figure of its own.
        cpu.others = (cpu.others - loaded.ran.cpu_percent()).max(0.0);
        notes.push(cpu_note(
            &format!(
                "POST /api/chat during the backup (the backup itself: {:.0}%)",
                loaded.ran.cpu_percent()
            ),
            &cpu,
        ));
    }
    notes
}
