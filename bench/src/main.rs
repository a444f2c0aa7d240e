//! `synaptiq-bench`: measures the release server from outside, as a separate process on
//! loopback, against the targets in DESIGN.md, beside raw rusqlite and raw tantivy doing the
//! same work in this same run, and prints a Markdown table.
//!
//! Run from the repository root (it builds the release server itself):
//!
//! ```text
//! cargo run --release -p synaptiq-bench -- [--leads 100000] [--quick]
//! ```
//!
//! `--quick` shortens every phase (and preloads 10,000 leads unless `--leads` is given, builds
//! a 5,000-chunk knowledge base instead of 50,000 and uploads smaller files), for a smoke run.
//! A missed target is reported, not an error: the exit code is 0 unless the bench itself
//! failed.

mod client;
mod conversations;
mod data;
mod docs;
mod kb;
mod load;
mod phases;
mod raw_kb;
mod raw_sqlite;
mod raw_tantivy;
mod report;
mod server;
mod stats;
mod summary;
mod webhooks;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use hdrhistogram::Histogram;

use crate::load::Outcome;
use crate::phases::{Measured, Seqs, with_cpu};
use crate::server::Launcher;

const USAGE: &str = "usage: synaptiq-bench [--leads N] [--quick] [--write-corpus DIR]";

/// How long each phase runs: the full run, or a quick smoke run.
struct Budget {
    leads: u64,
    creates_for: Duration,
    baseline_for: Duration,
    reads: u64,
    probes: u64,
    kb: kb::Sizes,
    /// The concurrent conversations: paced JSON and SSE runs, then saturated ones.
    conversations: conversations::Durations,
    webhooks: webhooks::Sizes,
    quick: bool,
    /// Only write the generated documents here (for profiling an upload by hand).
    write_corpus: Option<std::path::PathBuf>,
}

fn parse_args() -> Result<Budget> {
    let mut leads = None;
    let mut quick = false;
    let mut write_corpus = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
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
    Ok(Budget {
        leads: leads.unwrap_or(if quick { 10_000 } else { 100_000 }),
        creates_for: Duration::from_secs_f64(if quick { 1.5 } else { 10.0 }),
        baseline_for: Duration::from_secs_f64(if quick { 0.5 } else { 3.0 }),
        reads: if quick { 500 } else { 2_000 },
        probes: if quick { 50 } else { 200 },
        kb: kb::Sizes {
            text: if quick { 2_000_000 } else { 8_000_000 },
            docx: if quick { 1_000_000 } else { 4_000_000 },
            pdf: if quick { 2_000_000 } else { 10_000_000 },
            faq_docs: if quick { 50 } else { 500 },
            repeats: if quick { 1 } else { 3 },
        },
        conversations: conversations::Durations {
            paced_json: Duration::from_secs(if quick { 2 } else { 6 }),
            paced_sse: Duration::from_secs(if quick { 1 } else { 3 }),
            saturated_json: Duration::from_secs(if quick { 2 } else { 8 }),
            saturated_sse: Duration::from_secs(if quick { 1 } else { 3 }),
        },
        webhooks: webhooks::Sizes {
            paced_for: Duration::from_secs(if quick { 2 } else { 6 }),
            backlog: if quick { 3_000 } else { 20_000 },
        },
        quick,
        write_corpus,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let budget = match parse_args() {
        Ok(budget) => budget,
        Err(err) => {
            eprintln!("{err:#}");
            return ExitCode::from(2);
        }
    };
    // Dropping `run` on Ctrl-C drops the server handle, which kills the server.
    let result = tokio::select! {
        result = run(&budget) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    };
    match result {
        Ok(table) => {
            println!("{table}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("bench: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(budget: &Budget) -> Result<String> {
    eprintln!("bench: generating the knowledge-base documents…");
    let corpus = tokio::task::block_in_place(|| kb::Corpus::generate(&budget.kb))?;
    if let Some(dir) = &budget.write_corpus {
        return corpus.write(dir);
    }
    let binary = tokio::task::block_in_place(server::build)?;
    let baselines = tokio::task::block_in_place(|| measure_baselines(budget, &corpus))?;
    let work = tempfile::tempdir().context("creating the bench's temp dir")?;
    let launcher = Launcher {
        binary,
        data_dir: work.path().join("data"),
        log: work.path().join("server.log"),
    };
    let ours = measure_server(&launcher, budget, &corpus).await?;
    Ok(summary::render(budget, &ours, &baselines, &corpus))
}

/// The bare libraries doing the same work, measured before the server starts so nothing
/// competes with them.
struct Baselines {
    per_row: raw_sqlite::Inserts,
    grouped: raw_sqlite::Inserts,
    /// One per search in `data::SEARCHES`, from as many threads as the read clients.
    search: Vec<SearchBaseline>,
    /// The same searches from `phases::UNDER_LOAD_CLIENTS` threads.
    search_under_load: Histogram<u64>,
    /// One per search in `docs::KB_SEARCHES`.
    kb_search: Vec<SearchBaseline>,
    kb_chunks: usize,
    text: RawIngest,
    docx: RawIngest,
    pdf: RawIngest,
    /// The bench's and other processes' CPU while the baselines ran.
    cpu: stats::CpuUse,
}

pub struct SearchBaseline {
    pub hits: usize,
    pub latency: Histogram<u64>,
}

/// The bare libraries ingesting one file: how long, and how much text came out of it.
pub struct RawIngest {
    pub elapsed: Duration,
    pub text_bytes: usize,
}

impl RawIngest {
    fn measure(kind: raw_kb::Kind, bytes: &[u8]) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let (elapsed, text_bytes) = raw_kb::ingest(dir.path(), kind, bytes)?;
        Ok(Self {
            elapsed,
            text_bytes,
        })
    }
}

/// Rows per commit in the grouped SQLite baseline, as many as the create clients.
const GROUP: usize = 32;

fn measure_baselines(budget: &Budget, corpus: &kb::Corpus) -> Result<Baselines> {
    eprintln!("bench: baselines (raw rusqlite, raw tantivy, pdf-extract, zip + quick-xml)…");
    let cpu = stats::CpuWatch::start(None)?;
    let (time, rows) = (budget.baseline_for, budget.leads);
    let per_row_dir = tempfile::tempdir()?;
    let per_row = raw_sqlite::insert_leads(per_row_dir.path(), 1, time, rows)?;
    let grouped_dir = tempfile::tempdir()?;
    let grouped = raw_sqlite::insert_leads(grouped_dir.path(), GROUP, time, rows)?;
    let index_dir = tempfile::tempdir()?;
    let index = raw_tantivy::build(index_dir.path(), budget.leads)?;
    let reads = usize::try_from(budget.reads)?;
    let each = reads / data::SEARCHES.len();
    let search = data::SEARCHES
        .iter()
        .map(|q| {
            let latency = index.search_latency(&[q], phases::read_clients(), each)?;
            Ok(SearchBaseline {
                hits: index.hits(q)?,
                latency,
            })
        })
        .collect::<Result<_>>()?;
    let search_under_load =
        index.search_latency(&data::SEARCHES, phases::UNDER_LOAD_CLIENTS, reads)?;
    drop(index);
    let kb_dir = tempfile::tempdir()?;
    let (chunks, kb_chunks) = raw_kb::build_faq_index(kb_dir.path(), &corpus.faqs)?;
    let each = reads / docs::KB_SEARCHES.len();
    let kb_search = docs::KB_SEARCHES
        .iter()
        .map(|q| {
            Ok(SearchBaseline {
                hits: chunks.search(q)?,
                latency: chunks.search_latency(&[q], phases::read_clients(), each)?,
            })
        })
        .collect::<Result<_>>()?;
    drop(chunks);
    Ok(Baselines {
        per_row,
        grouped,
        search,
        search_under_load,
        kb_search,
        kb_chunks,
        text: RawIngest::measure(raw_kb::Kind::Text, &corpus.text[0])?,
        docx: RawIngest::measure(raw_kb::Kind::Docx, &corpus.docx[0])?,
        pdf: RawIngest::measure(raw_kb::Kind::Pdf, &corpus.pdf[0])?,
        cpu: cpu.finish()?,
    })
}

/// Everything measured against the running server.
struct Ours {
    preload: Outcome,
    reads: Reads,
    creates: Measured<Outcome>,
    freshness: Measured<phases::Freshness>,
    memory: server::Memory,
    kb: kb::Kb,
    /// Resident memory once the knowledge-base phases are over.
    memory_after_kb: server::Memory,
    /// `None` when the server has no chat endpoint.
    conversations: Option<conversations::Conversations>,
    webhooks: Measured<webhooks::Webhooks>,
    ready_in: Duration,
    leads_at_restart: u64,
}

struct Reads {
    by_id: Measured<Outcome>,
    list: Measured<Outcome>,
    /// One outcome per search in `data::SEARCHES`, in that order.
    search: Measured<Vec<(&'static str, Outcome)>>,
    /// The same searches from `phases::UNDER_LOAD_CLIENTS` clients.
    search_under_load: Measured<Vec<(&'static str, Outcome)>>,
    /// One outcome per path in `ANALYTICS`, in that order.
    analytics: Measured<Vec<(&'static str, Outcome)>>,
}

/// Issue #6's analytics endpoints; the year of activity in a quarter-hour zone is the most
/// counter rows one request reads.
const ANALYTICS: [&str; 6] = [
    "/api/analytics/overview",
    "/api/analytics/funnel",
    "/api/analytics/activity",
    "/api/analytics/activity?days=365&tz=Asia%2FKathmandu",
    "/api/analytics/sources",
    "/api/analytics/scores",
];

async fn measure_server(launcher: &Launcher, budget: &Budget, corpus: &kb::Corpus) -> Result<Ours> {
    let http = client::http()?;
    let server = launcher.start(&http).await?;
    let key = launcher.create_key().await?;
    let api = client::Api::new(http.clone(), &server.url, &key);
    let seqs = Seqs::default();
    eprintln!(
        "bench: server at {}; preloading {} leads…",
        server.url, budget.leads
    );
    let (preload, ids) = phases::preload(&api, &seqs, budget.leads).await?;
    eprintln!("bench: reads…");
    let reads = measure_reads(&api, server.pid, &ids, budget.reads).await?;
    eprintln!("bench: sustained creates…");
    let creates = phases::sustained_creates(&api, &seqs, budget.creates_for);
    let creates = with_cpu(server.pid, creates).await?;
    eprintln!("bench: search freshness under load…");
    let freshness = phases::freshness(&api, &seqs, budget.probes);
    let freshness = with_cpu(server.pid, freshness).await?;
    // Idle memory is what the server keeps once the load is over, not what it peaked at.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let memory = server.memory()?;
    let kb = kb::measure(
        &api,
        server.pid,
        corpus,
        phases::lead_paths(&ids, 1_000),
        budget.reads,
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let memory_after_kb = server.memory()?;
    let conversations = if kb.chat.is_some() {
        let durations = &budget.conversations;
        Some(conversations::measure(&http, &server.url, server.pid, durations).await?)
    } else {
        None
    };
    let webhooks = with_cpu(server.pid, webhooks::measure(&api, &seqs, &budget.webhooks)).await?;
    eprintln!("bench: restart…");
    server.stop().await?;
    let restarted = launcher.start(&http).await?;
    let ready_in = restarted.ready_in;
    restarted.stop().await?;
    let leads_at_restart = seqs.used();
    Ok(Ours {
        preload,
        reads,
        creates,
        freshness,
        memory,
        kb,
        memory_after_kb,
        conversations,
        webhooks,
        ready_in,
        leads_at_restart,
    })
}

/// Read latencies on the settled preloaded data, before the create phases add more.
async fn measure_reads(api: &client::Api, pid: u32, ids: &[String], total: u64) -> Result<Reads> {
    let lead_paths = phases::lead_paths(ids, 1_000);
    let list_path = vec!["/api/leads?limit=50".to_owned()];
    let clients = phases::read_clients();
    let search =
        |clients| phases::search_latency(api, &data::SEARCHES, client::search_path, total, clients);
    Ok(Reads {
        by_id: with_cpu(pid, phases::read_latency(api, lead_paths, total, clients)).await?,
        list: with_cpu(pid, phases::read_latency(api, list_path, total, clients)).await?,
        search: with_cpu(pid, search(clients)).await?,
        search_under_load: with_cpu(pid, search(phases::UNDER_LOAD_CLIENTS)).await?,
        analytics: with_cpu(pid, async {
            let mut outcomes = Vec::with_capacity(ANALYTICS.len());
            for path in ANALYTICS {
                let each = total / ANALYTICS.len() as u64;
                let paths = vec![path.to_owned()];
                outcomes.push((path, phases::read_latency(api, paths, each, clients).await?));
            }
            Ok(outcomes)
        })
        .await?,
    })
}
