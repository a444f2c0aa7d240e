//! `synaptiq import leads FILE.csv` and `synaptiq export leads`: CSV in and out, through
//! the same validation, events and search changes as the API.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::{StatusArg, close, count, open};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::leads::import::{self, ImportOptions, ImportReport, OnDuplicate};
use crate::domain::leads::parse_since;
use crate::domain::leads::{columns, csv};
use crate::error::{Error, Result};
use crate::model::TenantId;
use crate::store::leads::Filter;

/// The import's page cache: a batch's rows, their events and every index they touch.
const IMPORT_CACHE_MIB: u32 = 64;

#[derive(Args, Debug)]
pub struct ImportLeads {
    /// The CSV file (`-` reads standard input). Its header row names the columns: name (or
    /// first and last name) and email are required; phone, company, status, score (or
    /// qualificationScore), qualification, metadata, source, id, createdAt and updatedAt are
    /// optional. The column names of HubSpot, Salesforce, Pipedrive and Google Contacts
    /// exports are known (First Name, Email Address, E-mail 1 - Value, Phone Number, Mobile,
    /// Company Name, Account Name, Organization 1 - Name…); other columns are ignored and
    /// named on stderr
    pub file: PathBuf,
    /// Map a column to a lead field by hand, over the names above (repeatable): e.g.
    /// --map "Work Email=email" --map "Organisation=company"; fields: name, firstName,
    /// lastName, email, phone, company, status, score, qualification, metadata, source, id,
    /// createdAt, updatedAt, or skip to ignore the column
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// The tenant the leads are imported into
    #[arg(long, default_value = "default")]
    pub tenant: String,
    /// What to do with a row whose lead exists (same email or id): leave the lead alone, or
    /// replace its values with the row's
    #[arg(long, value_enum, default_value_t = OnDuplicateArg::Skip)]
    pub on_duplicate: OnDuplicateArg,
    /// Import every row or none: a rejected row stops the import before anything is written
    #[arg(long)]
    pub atomic: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum OnDuplicateArg {
    Skip,
    Update,
}

#[derive(Args, Debug)]
pub struct ExportLeads {
    /// The tenant whose leads are exported
    #[arg(long, default_value = "default")]
    pub tenant: String,
    /// Only leads with this status
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only leads created at or after this date (2026-04-01, UTC) or RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

pub(super) async fn import(config: &Config, args: ImportLeads) -> Result<()> {
    let options = ImportOptions {
        tenant: TenantId::parse("--tenant", &args.tenant)?,
        on_duplicate: match args.on_duplicate {
            OnDuplicateArg::Skip => OnDuplicate::Skip,
            OnDuplicateArg::Update => OnDuplicate::Update,
        },
        atomic: args.atomic,
        map: args
            .map
            .iter()
            .map(|pair| columns::parse_map(pair))
            .collect::<Result<_>>()?,
    };
    let (input, size) = input(&args.file)?;
    let store = open(config, &SystemClock).await?;
    let started = Instant::now();
    let for_task = store.clone();
    let report = tokio::task::spawn_blocking(move || {
        for_task.enlarge_write_cache(IMPORT_CACHE_MIB)?;
        let bar = progress_bar(size);
        let report = import::import(&for_task, &SystemClock, input, &options, &mut |bytes| {
            bar.set_position(bytes);
        });
        bar.finish_and_clear();
        report
    })
    .await
    .map_err(Error::internal)?;
    close(store).await?;
    summarize(&report?, args.atomic, started)
}

/// The file, or standard input for `-`, with its size when known (for progress).
fn input(file: &PathBuf) -> Result<(Box<dyn std::io::Read + Send>, Option<u64>)> {
    if file.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let opened = std::fs::File::open(file)
        .map_err(|e| Error::invalid("FILE", format!("cannot open {}: {e}", file.display())))?;
    let size = opened.metadata().ok().map(|m| m.len());
    Ok((Box::new(std::io::BufReader::new(opened)), size))
}

fn progress_bar(size: Option<u64>) -> indicatif::ProgressBar {
    match size {
        Some(size) if std::io::stderr().is_terminal() => {
            let bar = indicatif::ProgressBar::new(size);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "importing [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        }
        _ => indicatif::ProgressBar::hidden(),
    }
}

/// One line per rejected row, then the totals; rejected rows make the command fail.
fn summarize(report: &ImportReport, atomic: bool, started: Instant) -> Result<()> {
    if !report.ignored_columns.is_empty() {
        eprintln!(
            "Ignored {} no lead field takes: {} (map one with --map COLUMN=FIELD).",
            count(report.ignored_columns.len() as u64, "column", "columns"),
            report.ignored_columns.join(", ")
        );
    }
    for rejected in &report.rejected {
        eprintln!("{rejected}");
    }
    let seconds = started.elapsed().as_secs_f64();
    let written = report.created + report.updated;
    eprintln!(
        "Imported {} and updated {} in {:.2} s ({:.0} rows/s); {} skipped, {} unchanged, {} \
         rejected.",
        count(report.created, "new lead", "new leads"),
        report.updated,
        seconds,
        (written + report.skipped + report.unchanged) as f64 / seconds.max(1e-6),
        count(report.skipped, "duplicate", "duplicates"),
        report.unchanged,
        count(report.rejected.len() as u64, "row", "rows"),
    );
    match report.rejected.len() {
        0 => Ok(()),
        n if atomic => Err(Error::invalid(
            "CSV",
            format!(
                "{} rejected; nothing was imported (--atomic)",
                count(n as u64, "row", "rows")
            ),
        )),
        n => Err(Error::invalid(
            "CSV",
            format!(
                "{} rejected (listed above); every other row was imported",
                count(n as u64, "row", "rows")
            ),
        )),
    }
}

pub(super) async fn export(config: &Config, args: ExportLeads) -> Result<()> {
    let tenant = TenantId::parse("--tenant", &args.tenant)?;
    let filter = Filter {
        status: args.status.map(Into::into),
        created_since: args.since.as_deref().map(parse_since).transpose()?,
    };
    let store = open(config, &SystemClock).await?;
    let started = Instant::now();
    let for_task = store.clone();
    let written = tokio::task::spawn_blocking(move || {
        let stdout = std::io::stdout().lock();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
        let written = for_task.read_blocking(|conn| csv::write(conn, &tenant, filter, &mut out))?;
        out.flush()?;
        Ok::<_, Error>(written)
    })
    .await
    .map_err(Error::internal)??;
    close(store).await?;
    eprintln!(
        "Exported {} in {} ms.",
        count(written, "lead", "leads"),
        started.elapsed().as_millis()
    );
    Ok(())
}
