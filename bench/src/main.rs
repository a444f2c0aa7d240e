//! `synaptiq-bench`: measures the release server from outside, as a separate process on
//! loopback, against the targets of the issues, beside raw rusqlite, raw tantivy and a poem
//! hello-world server doing the same work in this same run; prints a Markdown table and
//! writes the same figures as JSON under `bench/results/`.
//!
//! Run from the repository root with `bench/run` (it builds the release server itself):
//!
//! ```text
//! bench/run [--quick] [--leads 100000] [--backup-mb 1024] [--mixed [MINUTES]] [--growth]
//! ```
//!
//! `--quick` shortens every phase (and seeds 10,000 leads unless `--leads` is given, builds a
//! 5,000-chunk knowledge base instead of 50,000, uploads smaller files, imports 10,000 CSV
//! rows instead of 100,000 and backs up 250 MB instead of 1 GB), for a smoke run.
//! `--mixed` adds the mixed load (10 minutes unless given); `--growth` runs only the growth
//! series; `--llm` only the LLM turns. A missed target is reported, not an error: the exit code is 0 unless the bench
//! itself failed.

mod args;
mod backup;
mod client;
mod conversations;
mod data;
mod docs;
mod growth;
mod kb;
mod leads_csv;
mod llm;
mod load;
mod mixed;
mod ops;
mod phases;
mod proposals;
mod raw_csv;
mod raw_kb;
mod raw_sqlite;
mod raw_tantivy;
mod report;
mod results;
mod seed;
mod server;
mod stats;
mod summary;
mod webhooks;
mod widget;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use hdrhistogram::Histogram;

use crate::args::Budget;
use crate::load::Outcome;
use crate::phases::{Measured, Seqs, observe};
use crate::server::{Binaries, Launcher};

#[tokio::main]
async fn main() -> ExitCode {
    let budget = match args::parse() {
        Ok(budget) => budget,
        Err(err) => {
            eprintln!("{err:#}");
            return ExitCode::from(2);
        }
    };
    // Dropping `run` on Ctrl-C or SIGTERM drops the server handles, which kills the servers
    // (and removes the temp dirs) rather than leaving them running.
    let result = tokio::select! {
        result = run(&budget) => result,
        signal = interrupted() => Err(anyhow!("interrupted ({signal})")),
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

/// Resolves with the signal's name on SIGINT or SIGTERM.
async fn interrupted() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return "SIGINT";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}

async fn run(budget: &Budget) -> Result<String> {
    if budget.growth {
        let work = tempfile::tempdir().context("creating the bench's temp dir")?;
        let binaries = tokio::task::block_in_place(|| server::build(work.path()))?;
        let stages = growth::run(&launcher(&binaries, work.path(), "growth"), budget).await?;
        let machine = results::Machine::read();
        let out = growth::render(&stages, &machine);
        results::write(budget, &machine, &growth::json(&stages))?;
        return Ok(out);
    }
    eprintln!("bench: generating the knowledge-base documents…");
    let corpus = tokio::task::block_in_place(|| kb::Corpus::generate(&budget.kb))?;
    if let Some(dir) = &budget.write_corpus {
        return corpus.write(dir);
    }
    let work = tempfile::tempdir().context("creating the bench's temp dir")?;
    let binaries = tokio::task::block_in_place(|| server::build(work.path()))?;
    if budget.llm_only {
        let llm = llm::measure(&binaries.server, work.path(), &corpus, budget.llm_for).await?;
        return Ok(summary::llm_note(&llm));
    }
    let import =
        tokio::task::block_in_place(|| ops::ImportFile::generate(work.path(), budget.import_rows))?;
    let baselines = tokio::task::block_in_place(|| measure_baselines(budget, &corpus, &import))?;
    let ours = measure_server(&binaries, work.path(), budget, &corpus, &import).await?;
    eprintln!("bench: LLM turns against a fake provider…");
    let llm = llm::measure(&binaries.server, work.path(), &corpus, budget.llm_for).await?;
    let machine = results::Machine::read();
    let report = summary::report(budget, &machine, &ours, &baselines, &corpus, &llm);
    results::write(budget, &machine, &report.json())?;
    Ok(report.render())
}

/// How to start the server on a fresh data dir named `name` under `work`.
fn launcher(binaries: &Binaries, work: &std::path::Path, name: &str) -> Launcher {
    Launcher {
        binary: binaries.server.clone(),
        data_dir: work.join(name),
        log: work.join(format!("{name}.log")),
        env: Vec::new(),
    }
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
    /// The import's CSV file read and inserted, then exported, with csv + rusqlite.
    csv: raw_csv::Csv,
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

fn measure_baselines(
    budget: &Budget,
    corpus: &kb::Corpus,
    import: &ops::ImportFile,
) -> Result<Baselines> {
    eprintln!("bench: baselines (raw rusqlite, raw tantivy, pdf-extract, zip + quick-xml, csv)…");
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
    let csv_dir = tempfile::tempdir()?;
    let csv = raw_csv::measure(csv_dir.path(), &import.path)?;
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
        csv,
        cpu: cpu.finish()?,
    })
}

/// Everything measured against the running server.
struct Ours {
    /// Leads in the measured tenant, and the seeding of all tenants.
    seeded_leads: u64,
    preload: Outcome,
    /// From the last create of the seeding until its leads were searchable.
    index_caught_up: Duration,
    seeded_conversations: Outcome,
    reads: Reads,
    /// The poem hello-world server loaded like GET /api/leads/{id}.
    hello: Measured<Outcome>,
    creates: Measured<Outcome>,
    freshness: Measured<phases::Freshness>,
    /// 2 s after the lead phases, and once idle for `phases::IDLE` (index writers closed).
    memory: stats::Memory,
    idle_memory: stats::Memory,
    widget: widget::Size,
    kb: kb::Kb,
    /// Resident memory once the knowledge-base phases are over.
    memory_after_kb: stats::Memory,
    /// `None` when the server has no chat endpoint.
    conversations: Option<conversations::Conversations>,
    proposals: Option<Measured<Outcome>>,
    webhooks: Measured<webhooks::Webhooks>,
    mixed: Option<mixed::Mixed>,
    ready_in: Duration,
    leads_at_restart: u64,
    /// The CLI beside the restarted server: CSV import and export, then the backup.
    csv: ops::Csv,
    backup: backup::Backup,
}

pub struct Reads {
    pub by_id: Measured<Outcome>,
    pub list: Measured<Outcome>,
    /// One outcome per search in `data::SEARCHES`, in that order.
    pub search: Measured<Vec<(&'static str, Outcome)>>,
    /// The same searches from `phases::UNDER_LOAD_CLIENTS` clients.
    pub search_under_load: Measured<Vec<(&'static str, Outcome)>>,
    /// One outcome per path in `phases::ANALYTICS`, in that order.
    pub analytics: Measured<Vec<(&'static str, Outcome)>>,
}

async fn measure_server(
    binaries: &Binaries,
    work: &std::path::Path,
    budget: &Budget,
    corpus: &kb::Corpus,
    import: &ops::ImportFile,
) -> Result<Ours> {
    let launcher = launcher(binaries, work, "data");
    let http = client::http()?;
    let server = launcher.start(&http).await?;
    let tenants = seed::Tenants::create(&launcher, &http, &server.url).await?;
    let api = tenants.main();
    let seqs = Seqs::default();
    eprintln!(
        "bench: server at {}; seeding {} leads in the measured tenant and a tenth as many in each of {} others…",
        server.url,
        budget.leads,
        seed::OTHER_TENANTS.len()
    );
    let seed::Seeded {
        outcome: preload,
        ids,
        index_caught_up,
    } = seed::leads(&tenants, &seqs, budget.leads).await?;
    eprintln!(
        "bench: seeding {} conversations…",
        budget.conversations_seeded
    );
    let seeded_conversations = seed::conversations(&tenants, budget.conversations_seeded).await?;
    eprintln!("bench: reads…");
    let reads = measure_reads(api, server.pid, &ids, budget.reads).await?;
    eprintln!("bench: the poem hello-world baseline…");
    let hello = measure_hello(&binaries.hello, &http, budget.reads).await?;
    eprintln!("bench: sustained creates…");
    let creates = phases::sustained_creates(api, &seqs, budget.creates_for);
    let creates = observe(server.pid, creates).await?;
    eprintln!("bench: search freshness under load…");
    let freshness = phases::freshness(api, &seqs, budget.probes);
    let freshness = observe(server.pid, freshness).await?;
    // Idle memory is what the server keeps once the load is over, not what it peaked at:
    // soon after it, and once the index writers have closed.
    tokio::time::sleep(phases::SETTLE).await;
    let memory = server.memory()?;
    eprintln!("bench: idle memory…");
    tokio::time::sleep(phases::IDLE - phases::SETTLE).await;
    let idle_memory = server.memory()?;
    let widget = widget::size(&http, &server.url).await?;
    let kb = kb::measure(
        api,
        server.pid,
        corpus,
        phases::lead_paths(&ids, 1_000),
        budget.reads,
    )
    .await?;
    tokio::time::sleep(phases::SETTLE).await;
    let memory_after_kb = server.memory()?;
    let conversations = if kb.chat.is_some() {
        let durations = &budget.conversations;
        Some(conversations::measure(&http, &server.url, server.pid, durations).await?)
    } else {
        None
    };
    let proposals = match (kb.chat.is_some(), tenants.of(proposals::TENANT)) {
        (true, Some(other)) => {
            let duration = budget.conversations.saturated_json;
            Some(proposals::measure(other, server.pid, duration).await?)
        }
        _ => None,
    };
    let webhooks = observe(server.pid, webhooks::measure(api, &seqs, &budget.webhooks)).await?;
    let mixed = match budget.mixed {
        Some(minutes) => {
            let target = mixed::Target {
                http: http.clone(),
                url: server.url.clone(),
                api: api.clone(),
                seqs: seqs.clone(),
                lead_paths: phases::lead_paths(&ids, 1_000),
            };
            Some(mixed::measure(&target, server.pid, budget.mixed_solo, minutes).await?)
        }
        None => None,
    };
    eprintln!("bench: restart…");
    server.stop().await?;
    let (ready_in, restarted) = launcher.restart(&http).await?;
    let leads_at_restart = seqs.used();
    // The CLI phases come last, on the restarted server, so the leads they add and the
    // gigabyte the backup needs change no figure above (the restart's included).
    let tenants = tenants.at(&restarted.url);
    let api = tenants.main();
    let csv = ops::measure(&launcher, api, &seqs, restarted.pid, import).await?;
    let backup_bytes = budget.backup_mb * 1_000_000;
    let backup = backup::measure(&launcher, api, &seqs, restarted.pid, backup_bytes).await?;
    restarted.stop().await?;
    Ok(Ours {
        seeded_leads: ids.len() as u64,
        preload,
        index_caught_up,
        seeded_conversations,
        reads,
        hello,
        creates,
        freshness,
        memory,
        idle_memory,
        widget,
        kb,
        memory_after_kb,
        conversations,
        proposals,
        webhooks,
        mixed,
        ready_in,
        leads_at_restart,
        csv,
        backup,
    })
}

/// The hello-world server answering as many GETs from as many clients as GET /api/leads/{id}.
async fn measure_hello(
    binary: &std::path::Path,
    http: &reqwest::Client,
    total: u64,
) -> Result<Measured<Outcome>> {
    let hello = server::Hello::start(binary, http).await?;
    let api = client::Api::new(http.clone(), &hello.url, "none");
    let paths = vec!["/hello".to_owned()];
    let clients = phases::read_clients();
    observe(hello.pid, phases::read_latency(&api, paths, total, clients)).await
}

/// Read latencies on the settled seeded data, before the create phases add more.
pub async fn measure_reads(
    api: &client::Api,
    pid: u32,
    ids: &[String],
    total: u64,
) -> Result<Reads> {
    let lead_paths = phases::lead_paths(ids, 1_000);
    let list_path = vec!["/api/leads?limit=50".to_owned()];
    let clients = phases::read_clients();
    let search =
        |clients| phases::search_latency(api, &data::SEARCHES, client::search_path, total, clients);
    Ok(Reads {
        by_id: observe(pid, phases::read_latency(api, lead_paths, total, clients)).await?,
        list: observe(pid, phases::read_latency(api, list_path, total, clients)).await?,
        search: observe(pid, search(clients)).await?,
        search_under_load: observe(pid, search(phases::UNDER_LOAD_CLIENTS)).await?,
        analytics: observe(pid, async {
            let mut outcomes = Vec::with_capacity(phases::ANALYTICS.len());
            for path in phases::ANALYTICS {
                let each = total / phases::ANALYTICS.len() as u64;
                let paths = vec![path.to_owned()];
                outcomes.push((path, phases::read_latency(api, paths, each, clients).await?));
            }
            Ok(outcomes)
        })
        .await?,
    })
}
