//! The command line: which runs to do, and how long each phase lasts (a full run, or a quick
//! smoke run).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{conversations, kb, webhooks};

pub const USAGE: &str = "usage: synaptiq-bench [--quick] [--leads N] [--backup-mb MB] [--mixed [MINUTES]] [--growth] [--llm] [--write-corpus DIR]";

/// The longest mixed run accepted, so a typo cannot keep the machine busy for a day.
const MIXED_LIMIT_MINUTES: f64 = 60.0;
const MIXED_DEFAULT_MINUTES: f64 = 10.0;
/// The largest database the backup phase grows, so a typo cannot fill the disk (it needs
/// about three times the size free: the database, its WAL and the copy).
const BACKUP_LIMIT_MB: u64 = 20_000;

pub struct Budget {
    pub leads: u64,
    /// Conversations started through `POST /api/chat` before the reads.
    pub conversations_seeded: u64,
    pub creates_for: Duration,
    pub baseline_for: Duration,
    pub reads: u64,
    pub probes: u64,
    pub kb: kb::Sizes,
    /// The concurrent conversations: paced JSON and SSE runs, then saturated ones.
    pub conversations: conversations::Durations,
    pub webhooks: webhooks::Sizes,
    /// Each of the two LLM runs (JSON, SSE).
    pub llm_for: Duration,
    /// Minutes of mixed load, after each class alone for `mixed_solo`; `None` skips it.
    pub mixed: Option<f64>,
    pub mixed_solo: Duration,
    /// Rows of the generated CSV that `synaptiq import leads` reads and the export writes back.
    pub import_rows: u64,
    /// The database size the backup phase grows the data dir to, in MB (10^6 bytes).
    pub backup_mb: u64,
    /// Only the growth series: the lead figures at 10k, 100k and 1M leads.
    pub growth: bool,
    /// Only the LLM turns (issue #9's figures), for iterating on them.
    pub llm_only: bool,
    pub quick: bool,
    /// Only write the generated documents here (for profiling an upload by hand).
    pub write_corpus: Option<PathBuf>,
    /// The arguments as given, for the results file.
    pub args: Vec<String>,
}

pub fn parse() -> Result<Budget> {
    let given: Vec<String> = std::env::args().skip(1).collect();
    let mut leads = None;
    let mut quick = false;
    let mut mixed = None;
    let mut growth = false;
    let mut llm_only = false;
    let mut write_corpus = None;
    let mut backup_mb = None;
    let mut args = given.iter().peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--growth" => growth = true,
            "--llm" => llm_only = true,
            "--leads" => {
                let value = args.next().context("--leads needs a number")?;
                let n: u64 = value
                    .parse()
                    .with_context(|| format!("--leads {value:?}"))?;
                if n == 0 {
                    bail!("--leads must be at least 1");
                }
                leads = Some(n);
            }
            "--mixed" => {
                let minutes = match args.peek().map(|next| next.parse::<f64>()) {
                    Some(Ok(minutes)) => {
                        args.next();
                        minutes
                    }
                    _ => MIXED_DEFAULT_MINUTES,
                };
                if !(minutes > 0.0 && minutes <= MIXED_LIMIT_MINUTES) {
                    bail!("--mixed takes 0 to {MIXED_LIMIT_MINUTES} minutes, not {minutes}");
                }
                mixed = Some(minutes);
            }
            "--backup-mb" => {
                let value = args.next().context("--backup-mb needs a size in MB")?;
                let mb: u64 = value
                    .parse()
                    .with_context(|| format!("--backup-mb {value:?}"))?;
                if !(1..=BACKUP_LIMIT_MB).contains(&mb) {
                    bail!("--backup-mb takes 1 to {BACKUP_LIMIT_MB} MB, not {mb}");
                }
                backup_mb = Some(mb);
            }
            "--write-corpus" => {
                write_corpus = Some(
                    args.next()
                        .context("--write-corpus needs a directory")?
                        .into(),
                );
            }
            "-h" | "--help" => bail!("{USAGE}"),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if growth && mixed.is_some() {
        bail!("--growth is a run of its own; run --mixed separately\n{USAGE}");
    }
    if llm_only && (growth || mixed.is_some()) {
        bail!("--llm is a run of its own\n{USAGE}");
    }
    let pick = |quick_value: u64, full: u64| if quick { quick_value } else { full };
    let secs = |quick_value: f64, full: f64| {
        Duration::from_secs_f64(if quick { quick_value } else { full })
    };
    Ok(Budget {
        leads: leads.unwrap_or(pick(10_000, 100_000)),
        conversations_seeded: pick(2_000, 20_000),
        creates_for: secs(1.5, 10.0),
        baseline_for: secs(0.5, 3.0),
        // Per read phase, split over its queries: enough for a p99.9 of GET by id and list.
        reads: pick(2_000, 20_000),
        probes: pick(50, 200),
        kb: kb::Sizes {
            text: if quick { 2_000_000 } else { 8_000_000 },
            docx: if quick { 1_000_000 } else { 4_000_000 },
            pdf: if quick { 2_000_000 } else { 10_000_000 },
            faq_docs: if quick { 50 } else { 500 },
            repeats: if quick { 1 } else { 3 },
        },
        conversations: conversations::Durations {
            paced_json: secs(2.0, 6.0),
            paced_sse: secs(1.0, 3.0),
            saturated_json: secs(2.0, 8.0),
            saturated_sse: secs(1.0, 3.0),
        },
        webhooks: webhooks::Sizes {
            paced_for: secs(2.0, 6.0),
            backlog: pick(3_000, 20_000),
        },
        llm_for: secs(3.0, 15.0),
        mixed,
        // Long enough for a steady p99 of the slowest class (analytics, 50/s): 3,000
        // requests. From 20 s, 1,000 requests, its p99 was the 10th slowest of them and
        // came out between 0.8 and 1.5 ms from run to run.
        mixed_solo: secs(5.0, 60.0),
        import_rows: pick(10_000, 100_000),
        // The quick seed alone holds about 150 MB, so a quick run still grows the database.
        backup_mb: backup_mb.unwrap_or(pick(250, 1024)),
        growth,
        llm_only,
        quick,
        write_corpus,
        args: given,
    })
}
