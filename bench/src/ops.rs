//! Issue #10's CSV figures, measured as an operator runs the commands beside the serving
//! server: `synaptiq import leads FILE --tenant T` of a generated file into a fresh tenant,
//! then `synaptiq export leads --tenant T` of what it imported into a file, each timed from
//! spawn to exit, beside raw csv + rusqlite doing the same work (`raw_csv.rs`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::client::Api;
use crate::leads_csv::{self, Metadata, Written};
use crate::phases::{self, Measured, Seqs, observe};
use crate::raw_csv;
use crate::report::{self, Figure, Row, Unit};
use crate::server::{Launcher, Ran};
use crate::{data, kb};

/// A tenant of its own, so the export holds exactly the imported leads.
pub const IMPORT_TENANT: &str = "bench-import";
/// The imported leads' numbers start here, so their emails never repeat a seeded lead's.
const IMPORT_FIRST: u64 = 1_000_000_000;
/// Issue #10's targets, rows a second from spawn to exit.
const IMPORT_TARGET: f64 = 20_000.0;
const EXPORT_TARGET: f64 = 50_000.0;

/// The generated file the import reads, made before the baselines so both read the same bytes.
pub struct ImportFile {
    pub path: PathBuf,
    pub written: Written,
}

impl ImportFile {
    pub fn generate(dir: &Path, rows: u64) -> Result<Self> {
        let path = dir.join("import.csv");
        let written = leads_csv::write(&path, IMPORT_FIRST, rows, Metadata::Small)?;
        Ok(Self { path, written })
    }
}

/// The import and the export, with what each command said of itself.
pub struct Csv {
    /// The file imported.
    pub file: Written,
    pub import: Measured<Ran>,
    pub imported: u64,
    /// From the import's exit until a create sent then was searchable: the server indexing
    /// the imported leads behind it.
    pub indexed_after: Duration,
    pub export: Measured<Ran>,
    /// Data rows in the exported file.
    pub exported: u64,
    pub export_bytes: u64,
}

pub async fn measure(
    launcher: &Launcher,
    api: &Api,
    seqs: &Seqs,
    pid: u32,
    file: &ImportFile,
) -> Result<Csv> {
    launcher.create_tenant(IMPORT_TENANT).await?;
    let path = file
        .path
        .to_str()
        .context("the import file's path is not UTF-8")?;
    eprintln!(
        "bench: synaptiq import leads ({} rows) beside the server…",
        file.written.rows
    );
    let args = ["import", "leads", path, "--tenant", IMPORT_TENANT];
    let import = observe(pid, launcher.run(&args, None)).await?;
    let exited = Instant::now();
    let imported = said(&import.value, "Imported ")?;
    if imported != file.written.rows {
        bail!(
            "the import created {imported} of {} leads: {}",
            file.written.rows,
            import.value.stderr
        );
    }
    // The export should not share the CPU with the server still indexing the import.
    api.create_searchable(&data::lead(seqs.next()))
        .await
        .context("waiting for the index to take the imported leads")?;
    let indexed_after = exited.elapsed();
    tokio::time::sleep(phases::SETTLE).await;
    eprintln!("bench: synaptiq export leads…");
    let out = file.path.with_file_name("export.csv");
    let args = ["export", "leads", "--tenant", IMPORT_TENANT];
    let export = observe(pid, launcher.run(&args, Some(&out))).await?;
    let exported = tokio::task::block_in_place(|| leads_csv::count_exported(&out))?;
    let export_bytes = std::fs::metadata(&out).map_or(0, |m| m.len());
    let _ = std::fs::remove_file(&out);
    Ok(Csv {
        file: file.written,
        import,
        imported,
        indexed_after,
        export,
        exported,
        export_bytes,
    })
}

/// The count a command's summary line gives right after `prefix` ("Imported 10000 new …").
pub fn said(ran: &Ran, prefix: &str) -> Result<u64> {
    number_after(&ran.stderr, prefix)
        .map(|n| n as u64)
        .with_context(|| {
            format!(
                "no {prefix:?} count in the command's output: {}",
                ran.stderr
            )
        })
}

/// The number right after the first `prefix` in `text`.
pub fn number_after(text: &str, prefix: &str) -> Option<f64> {
    let (_, rest) = text.split_once(prefix)?;
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number.parse().ok()
}

/// The CPU a phase took, the command's apart from the other processes': it is one of them
/// on /proc/stat, and the only one the bench started.
pub fn command_cpu_note(phase: &str, run: &Measured<Ran>) -> String {
    let cpu = &run.cpu;
    let command = run.value.cpu_percent();
    let cores = phases::read_clients();
    format!(
        "CPU during {phase}: the command {command:.0}%, server {:.0}%, bench {:.0}%, other processes {:.0}% (of {}% on {cores} cores).",
        cpu.server,
        cpu.bench,
        (cpu.others - command).max(0.0),
        cores * 100
    )
}

fn per_second(rows: u64, ran: &Ran) -> f64 {
    rows as f64 / ran.elapsed.as_secs_f64().max(1e-6)
}

pub fn rows(csv: &Csv, raw: &raw_csv::Csv) -> Vec<Row> {
    let file = &csv.file;
    let missing = csv.imported.saturating_sub(csv.exported) as f64;
    vec![
        Row::new(&format!(
            "synaptiq import leads, {} rows ({:.1} MB CSV) beside the server, spawn → exit",
            report::thousands(file.rows as f64),
            file.bytes as f64 / kb::MB
        ))
        .concurrency("1 process")
        .throughput(per_second(csv.imported, &csv.import.value), Unit::PerSecond)
        .watched(&csv.import)
        .target(Figure::Throughput, IMPORT_TARGET)
        .baseline(
            Figure::Throughput,
            raw.import_per_second(),
            "raw csv + rusqlite, 2,000 rows/commit",
        ),
        Row::new(&format!(
            "synaptiq export leads, {} leads → file, spawn → exit (result: rows missing)",
            report::thousands(csv.imported as f64)
        ))
        .concurrency("1 process")
        .throughput(per_second(csv.exported, &csv.export.value), Unit::PerSecond)
        .watched(&csv.export)
        .value(missing, Unit::Count)
        .target(Figure::Throughput, EXPORT_TARGET)
        .target(Figure::Value, 0.0)
        .baseline(
            Figure::Throughput,
            raw.export_per_second(),
            "raw rusqlite + csv",
        ),
    ]
}

pub fn notes(csv: &Csv, raw: &raw_csv::Csv) -> Vec<String> {
    let (file, import, export) = (&csv.file, &csv.import.value, &csv.export.value);
    let own = |ran: &Ran| number_after(&ran.stderr, " in ").unwrap_or(f64::NAN);
    vec![
        format!(
            "CSV (issue #10): `synaptiq import leads FILE --tenant {IMPORT_TENANT}` (a tenant made for it with `synaptiq tenants create`) of a generated file of {} leads, {:.1} MB, columns {} (a CRM's export: no id, no timestamps; metadata a small attribution object of about 130 bytes), run as a child process on the server's data dir while the server runs; timed from spawn to exit, so process start and opening the store count. The command's own figure: {} leads in {:.2} s ({:.0}/s). The server indexed the imported leads meanwhile; a create sent right after the command exited was searchable {:.2} s later. Then `synaptiq export leads --tenant {IMPORT_TENANT} > file`: {} rows ({:.1} MB) of the {} imported, in {:.0} ms by its own count.",
            file.rows,
            file.bytes as f64 / kb::MB,
            leads_csv::COLUMNS.join(","),
            csv.imported,
            own(import),
            csv.imported as f64 / own(import),
            csv.indexed_after.as_secs_f64(),
            csv.exported,
            csv.export_bytes as f64 / kb::MB,
            csv.imported,
            own(export),
        ),
        format!(
            "CSV baselines, in process before the server started: the same file read with the csv crate and inserted with rusqlite alone, 2,000 rows a transaction, into a fresh database with the server's schema, WAL and synchronous=FULL ({} rows in {:.2} s), then read back newest first and written as CSV with the export's 12 columns ({:.0} ms). They store the metadata text as it is and write the lead row alone; the import also validates each row as the API does, parses and re-serialises the metadata, looks up the email among the tenant's leads, and writes each lead's lead.created event and search change; the export reads leads back into the domain type and formats times as RFC 3339.",
            raw.rows,
            raw.import.as_secs_f64(),
            raw.export.as_secs_f64() * 1000.0,
        ),
        command_cpu_note("the import", &csv.import),
        command_cpu_note("the export", &csv.export),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_give_their_numbers() {
        let import = "Imported 10000 new leads and updated 0 in 0.41 s (24390 rows/s); 0 duplicates skipped, 0 unchanged, 0 rows rejected.";
        assert_eq!(number_after(import, "Imported "), Some(10_000.0));
        assert_eq!(number_after(import, " in "), Some(0.41));
        let export = "Exported 12 leads in 34 ms.";
        assert_eq!(number_after(export, "Exported "), Some(12.0));
        assert_eq!(number_after(export, " in "), Some(34.0));
        assert_eq!(number_after(export, "Imported "), None);
    }
}
