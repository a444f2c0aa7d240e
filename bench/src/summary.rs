//! What the run found, as the printed report: a header naming the machine, one row per
//! operation, and notes with the evidence needed to read a miss (CPU use, memory split,
//! errors); and the same as JSON for `bench/results/`.

use hdrhistogram::Histogram;
use serde_json::{Value, json};

use crate::args::Budget;
use crate::conversations::{self, Conversations};
use crate::kb::{self, Corpus, Ingested, MB};
use crate::llm::{self, Llm};
use crate::load::Outcome;
use crate::mixed::{self, Mixed};
use crate::phases;
use crate::report::{self, Figure, Row, Unit};
use crate::results::Machine;
use crate::stats::{self, CpuUse, ms};
use crate::webhooks;
use crate::{Baselines, Ours, RawIngest};

/// The mixed load's heap trend target: within ±1 MiB a minute (a leak of 1 MiB a minute
/// would be 1.4 GiB a day).
const FLAT: f64 = 1.0;

pub struct Report {
    header: String,
    rows: Vec<Row>,
    notes: Vec<String>,
    /// The mixed load's memory samples, for the results file.
    memory: Option<Vec<(f64, f64, f64)>>,
}

impl Report {
    pub fn render(&self) -> String {
        report::render(&self.header, &self.rows, &self.notes)
    }

    pub fn json(&self) -> Value {
        json!({
            "header": self.header,
            "rows": self.rows.iter().map(Row::json).collect::<Vec<_>>(),
            "notes": self.notes,
            "mixed_memory": self.memory.as_ref().map(|samples| samples
                .iter()
                .map(|(t, rss, anon)| json!({ "seconds": t, "rss_mib": rss, "anon_mib": anon }))
                .collect::<Vec<_>>()),
        })
    }
}

pub fn report(
    budget: &Budget,
    machine: &Machine,
    ours: &Ours,
    base: &Baselines,
    corpus: &Corpus,
    llm: &Llm,
) -> Report {
    Report {
        header: header(budget, machine, ours),
        rows: rows(ours, base, corpus, llm),
        notes: notes(ours, base, budget, corpus, llm),
        memory: ours.mixed.as_ref().map(|m| m.memory.clone()),
    }
}

fn rows(ours: &Ours, base: &Baselines, corpus: &Corpus, llm: &Llm) -> Vec<Row> {
    let mut rows = seed_rows(ours);
    rows.extend(create_rows(ours, base));
    rows.extend(read_rows(ours, base));
    rows.extend(kb_rows(&ours.kb, base, corpus));
    if let Some(conv) = &ours.conversations {
        rows.extend(conversation_rows(conv));
    }
    rows.extend(ours.proposals.as_ref().map(proposal_row));
    rows.extend(webhook_rows(&ours.webhooks));
    rows.extend(crate::ops::rows(&ours.csv, &base.csv));
    rows.extend(crate::backup::rows(&ours.backup));
    rows.extend(llm_rows(llm));
    if let Some(mixed) = &ours.mixed {
        rows.extend(mixed_rows(mixed));
    }
    rows.extend([
        Row::new(&format!(
            "idle RSS ({} s without requests)",
            phases::IDLE.as_secs()
        ))
        .rss(ours.idle_memory.rss)
        .target(Figure::Rss, 40.0),
        Row::new(&format!(
            "RSS {} s after the lead phases",
            phases::SETTLE.as_secs()
        ))
        .rss(ours.memory.rss),
        Row::new("peak RSS (VmHWM) before the knowledge-base phases").rss(ours.memory.peak),
        Row::new("widget.js + chat panel, gzipped")
            .value(ours.widget.kib(), Unit::KiB)
            .target(Figure::Value, 20.0),
        Row::new(&format!(
            "ready after restart, median of {} ({} leads, all tenants)",
            crate::server::RESTARTS,
            thousands(ours.leads_at_restart)
        ))
        .value(ours.ready_in.as_secs_f64() * 1000.0, Unit::Ms)
        .target(Figure::Value, 300.0),
    ]);
    rows
}

fn seed_rows(ours: &Ours) -> Vec<Row> {
    vec![
        Row::new(&format!(
            "seed: POST /api/leads, 3 tenants ({} in the measured one)",
            thousands(ours.seeded_leads)
        ))
        .clients(seed_clients())
        .outcome(&ours.preload),
        Row::new(&format!(
            "seed: conversations of 2 POST /api/chat turns, 3 tenants ({} in all)",
            thousands(ours.seeded_conversations.ok)
        ))
        .clients(seed_clients())
        .outcome(&ours.seeded_conversations),
    ]
}

fn seed_clients() -> usize {
    crate::seed::CLIENTS
}

/// Issue #5: the built-in agent under 50 concurrent conversations. The latency targets are
/// read at the target throughput (paced); the closed-loop rows show the saturated server, whose
/// latency is queueing behind the other conversations' turns, and its throughput.
fn conversation_rows(conv: &Conversations) -> Vec<Row> {
    let clients = format!("{} conversations", conversations::CLIENTS);
    let paced = format!("{} turns/s", report::thousands(conversations::PACED_RATE));
    let row = |what: &str, run: &conversations::Run| {
        Row::new(what)
            .concurrency(&clients)
            .outcome(&run.turns.value)
            .watched(&run.turns)
    };
    vec![
        row(
            &format!("chat full turn, paced at {paced}"),
            &conv.paced_json,
        )
        .target(Figure::P99, 20.0),
        row(
            &format!("chat first SSE byte, paced at {paced}"),
            &conv.paced_sse,
        )
        .target(Figure::P99, 10.0),
        row(
            "chat full turn, saturated (closed loop)",
            &conv.saturated_json,
        )
        .target(Figure::Throughput, 1_500.0),
        row(
            "chat first SSE byte, saturated (closed loop)",
            &conv.saturated_sse,
        ),
    ]
}

/// Issue #27: a time proposed in the visitor's words, closed loop.
fn proposal_row(run: &phases::Measured<crate::load::Outcome>) -> Row {
    Row::new(&format!(
        "chat turn proposing a time in words (14 days open, {} meetings booked), closed loop",
        crate::proposals::BOOKED
    ))
    .concurrency(&format!("{} conversations", crate::proposals::CLIENTS))
    .outcome(&run.value)
    .watched(run)
}

/// Issue #6: a fast receiver on loopback, run by the bench.
fn webhook_rows(w: &phases::Measured<webhooks::Webhooks>) -> Vec<Row> {
    let v = &w.value;
    vec![
        Row::new(&format!(
            "webhook commit → receiver, {} creates/s",
            report::thousands(webhooks::PACED_RATE)
        ))
        .concurrency("1 webhook")
        .latency(&v.latency)
        .target(Figure::P99, 200.0),
        Row::new("webhook deliveries, backlog (fast loopback receiver)")
            .concurrency("1 webhook")
            .throughput(v.throughput, Unit::PerSecond)
            .watched(w)
            .target(Figure::Throughput, 1_000.0),
    ]
}

/// Issue #9's benchmark: the server's own time in a model-backed turn.
fn llm_rows(llm: &Llm) -> Vec<Row> {
    let clients = format!(
        "{} conversations, {} turns/s",
        llm::VISITORS,
        report::thousands(llm::RATE)
    );
    let row = |what: &str, run: &phases::Measured<llm::Run>, h: &Histogram<u64>| {
        Row::new(what)
            .concurrency(&clients)
            .throughput(run.value.turns.per_second(), Unit::PerSecond)
            .latency(h)
            .watched(run)
    };
    vec![
        row(
            "LLM turn, server overhead (JSON; turn minus fake provider time)",
            &llm.json,
            &llm.json.value.overhead,
        )
        .target(Figure::P99, 5.0),
        row(
            "LLM turn, server overhead (SSE; turn minus fake provider time)",
            &llm.sse,
            &llm.sse.value.overhead,
        )
        .target(Figure::P99, 5.0),
        row(
            "LLM first delta: provider wrote it → client read it (SSE)",
            &llm.sse,
            &llm.sse.value.first_delta,
        )
        .target(Figure::P99, 2.0),
    ]
}

/// Issue #11's mixed load: each class beside its solo figure, then the whole.
fn mixed_rows(m: &Mixed) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, class) in mixed::CLASSES.iter().enumerate() {
        let (Some(together), Some(alone)) = (m.mixed.value.get(i), m.solo.get(i)) else {
            continue;
        };
        let solo = ms(&alone.value.latency, 0.99);
        rows.push(
            Row::new(&format!(
                "mixed: {} at {}/s",
                class.name(),
                report::thousands(class.rate())
            ))
            .clients(class.clients())
            .outcome(together)
            .target(Figure::P99, 2.0 * solo)
            .baseline(Figure::P99, solo, "alone at the same rate"),
        );
    }
    let (rss_trend, anon_trend) = m.trends();
    let window = m.trend_window() / 60.0;
    if let Ok(total) = m.total() {
        rows.push(
            Row::new(&format!(
                "mixed: all classes, {}/s",
                report::thousands(mixed::RATE)
            ))
            .outcome(&total)
            .watched(&m.mixed)
            .target(Figure::Rss, 250.0),
        );
    }
    rows.extend([
        Row::new("mixed: error rate")
            .value(m.error_rate(), Unit::Percent)
            .target(Figure::Value, 0.0),
        Row::new(&format!(
            "mixed: heap (anonymous) memory trend, last {window:.1} min"
        ))
        .value(anon_trend, Unit::MiBPerMin)
        .target(Figure::Value, FLAT),
        Row::new(&format!("mixed: RSS trend, last {window:.1} min"))
            .value(rss_trend, Unit::MiBPerMin),
        Row::new("mixed: webhook deliveries (lead events; result: created leads' events missing)")
            .concurrency("1 webhook")
            .throughput(
                m.deliveries as f64
                    / m.mixed
                        .value
                        .first()
                        .map_or(1.0, |o| o.elapsed.as_secs_f64().max(1e-6)),
                Unit::PerSecond,
            )
            .value(m.missing as f64, Unit::Count)
            .target(Figure::Value, 0.0),
    ]);
    rows
}

fn create_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let creates = &ours.creates;
    let fresh = &ours.freshness;
    vec![
        Row::new("POST /api/leads, sustained")
            .clients(phases::CREATE_CLIENTS)
            .outcome(&creates.value)
            .watched(creates)
            .target(Figure::Throughput, 4_000.0)
            .target(Figure::P99, 25.0)
            .baseline(
                Figure::Throughput,
                base.grouped.per_second,
                "raw SQLite, 32 rows/commit",
            ),
        Row::new("POST /api/leads, sustained, vs one row per commit")
            .clients(phases::CREATE_CLIENTS)
            .outcome(&creates.value)
            .baseline(
                Figure::P99,
                ms(&base.per_row.commit_latency, 0.99),
                &format!(
                    "raw SQLite 1-row commit, {}/s",
                    report::thousands(base.per_row.per_second)
                ),
            ),
        Row::new(&format!(
            "search freshness: create → found, under {} creates/s",
            report::thousands(phases::BACKGROUND_RATE)
        ))
        .concurrency(&format!("{} probes", phases::PROBERS))
        .latency(&fresh.value.latency)
        .watched(fresh)
        .target(Figure::P99, 100.0),
    ]
}

fn read_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let reads = &ours.reads;
    let baseline = merged(base.search.iter().map(|b| &b.latency));
    let n = phases::read_clients();
    let under = phases::UNDER_LOAD_CLIENTS;
    let hello = &ours.hello;
    let slowest = reads
        .analytics
        .value
        .iter()
        .map(|(_, o)| ms(&o.latency, 0.99))
        .fold(0.0, f64::max);
    vec![
        Row::new("GET /api/leads/{id}")
            .clients(n)
            .outcome(&reads.by_id.value)
            .watched(&reads.by_id)
            .target(Figure::P99, 5.0)
            .baseline(
                Figure::P99,
                ms(&hello.value.latency, 0.99),
                "poem hello-world",
            ),
        Row::new("GET /hello, poem hello-world JSON (baseline; its own process)")
            .clients(n)
            .outcome(&hello.value)
            .watched(hello),
        Row::new("GET /api/leads (limit 50)")
            .clients(n)
            .outcome(&reads.list.value)
            .watched(&reads.list)
            .target(Figure::P99, 10.0),
        Row::new("GET /api/leads?q=")
            .clients(n)
            .outcome(&merged_runs(&reads.search.value))
            .watched(&reads.search)
            .target(Figure::P99, 15.0)
            .baseline(Figure::P99, ms(&baseline, 0.99), "tantivy"),
        Row::new("GET /api/leads?q=, under load")
            .clients(under)
            .outcome(&merged_runs(&reads.search_under_load.value))
            .watched(&reads.search_under_load)
            .baseline(
                Figure::P99,
                ms(&base.search_under_load, 0.99),
                &format!("tantivy, {under} threads"),
            ),
        Row::new("analytics, 6 endpoints (result: the slowest one's p99)")
            .clients(n)
            .outcome(&merged_runs(&reads.analytics.value))
            .watched(&reads.analytics)
            .value(slowest, Unit::Ms)
            .target(Figure::Value, 20.0),
    ]
}

fn kb_rows(kb: &kb::Kb, base: &Baselines, corpus: &Corpus) -> Vec<Row> {
    let n = phases::read_clients();
    let baseline = merged(base.kb_search.iter().map(|b| &b.latency));
    let chunks = thousands(kb.corpus_chunks);
    let build = &kb.build;
    let mut rows = vec![
        Row::new(&format!(
            "knowledge-base build, JSON FAQ uploads (throughput: chunks/s; latency: per document of {} chunks)",
            kb::FAQ_SECTIONS
        ))
        .clients(kb::BUILD_CLIENTS)
        .latency(&build.value.latency)
        .throughput(
            kb.corpus_chunks as f64 / build.value.elapsed.as_secs_f64().max(1e-6),
            Unit::PerSecond,
        )
        .watched(build),
        Row::new(&format!("KB search ({chunks} chunks)"))
            .clients(n)
            .outcome(&merged_runs(&kb.search.value))
            .watched(&kb.search)
            .target(Figure::P99, 20.0)
            .baseline(Figure::P99, ms(&baseline, 0.99), "tantivy"),
    ];
    let ingest = [
        ("plain text", &kb.text, &base.text, 30.0, "tantivy"),
        (
            "DOCX",
            &kb.docx,
            &base.docx,
            5.0,
            "zip + quick-xml + tantivy",
        ),
    ];
    for (what, runs, raw, target, how) in ingest {
        if let Some(run) = kb::median(runs) {
            rows.push(ingest_row((what, ""), run, raw, target, how));
        }
    }
    let pdf = &kb.pdf;
    rows.push(
        ingest_row(
            (
                "PDF",
                &format!(", {} pages", thousands(corpus.pdf_pages as u64)),
            ),
            &pdf.value,
            &base.pdf,
            5.0,
            "pdf-extract + tantivy",
        )
        .watched(pdf),
    );
    let size = pdf.value.bytes as f64 / MB;
    let mut searchable = Row::new(&format!("{size:.1} MB PDF searchable after upload start"))
        .concurrency("1")
        .value(pdf.value.elapsed.as_secs_f64(), Unit::Seconds)
        .baseline(
            Figure::Value,
            base.pdf.elapsed.as_secs_f64(),
            "pdf-extract + tantivy",
        );
    // The target is for a 10 MB file; a --quick run uploads a smaller one.
    if pdf.value.bytes >= 10_000_000 {
        searchable = searchable.target(Figure::Value, 5.0);
    }
    rows.push(searchable);
    let idle = ms(&kb.reads_idle.value.latency, 0.99);
    rows.push(
        Row::new("GET /api/leads/{id} during the PDF upload")
            .clients(n)
            .outcome(&kb.reads_during.value)
            .watched(&kb.reads_during)
            .target(Figure::P99, 2.0 * idle)
            .baseline(Figure::P99, idle, "idle, just before"),
    );
    if let Some(chat) = &kb.chat {
        let idle = ms(&chat.idle.value.latency, 0.99);
        rows.push(
            Row::new("POST /api/chat during the PDF upload")
                .clients(n)
                .outcome(&chat.during.value)
                .watched(&chat.during)
                .target(Figure::P99, 2.0 * idle)
                .baseline(Figure::P99, idle, "idle, just before"),
        );
    }
    rows
}

/// `detail` follows the file's size in the label.
fn ingest_row(
    (what, detail): (&str, &str),
    run: &Ingested,
    raw: &RawIngest,
    target: f64,
    how: &str,
) -> Row {
    Row::new(&format!(
        "{what} ingest ({:.1} MB file{detail} → 201)",
        run.bytes as f64 / MB
    ))
    .concurrency("1")
    .throughput(run.mb_per_s(), Unit::MBps)
    .target(Figure::Throughput, target)
    .baseline(
        Figure::Throughput,
        run.bytes as f64 / MB / raw.elapsed.as_secs_f64().max(1e-6),
        how,
    )
}

fn merged<'a>(parts: impl Iterator<Item = &'a Histogram<u64>>) -> Histogram<u64> {
    let mut all = stats::histogram();
    for part in parts {
        // Same bounds everywhere (stats::histogram), so adding cannot fail.
        let _ = all.add(part);
    }
    all
}

/// Runs made one after another, as one: their requests, over their summed time.
fn merged_runs(runs: &[(&'static str, Outcome)]) -> Outcome {
    let mut all = Outcome::empty();
    for (_, run) in runs {
        // Same histogram bounds everywhere, so absorbing cannot fail.
        let _ = all.absorb(run.clone());
        all.elapsed += run.elapsed;
    }
    all
}

fn notes(
    ours: &Ours,
    base: &Baselines,
    budget: &Budget,
    corpus: &Corpus,
    llm: &Llm,
) -> Vec<String> {
    let fresh = &ours.freshness.value;
    let n = phases::read_clients();
    let mut notes = vec![
        format!(
            "Search freshness: {} probes, {} not found within 2 s (counted as 2 s); the paced background load achieved {:.0} creates/s.",
            fresh.latency.len(),
            fresh.misses,
            fresh.background.per_second()
        ),
        format!(
            "Read latencies (GET by id, list, lead search, KB search) come from {n} concurrent clients, as many as the machine's cores, so a request's p99 is its own work and not queueing behind more in-flight requests than there are cores; the raw tantivy baselines search from as many threads. The \"under load\" row repeats the lead searches from {} clients (raw tantivy: {} threads).",
            phases::UNDER_LOAD_CLIENTS,
            phases::UNDER_LOAD_CLIENTS
        ),
        format!(
            "Lead search p99 by query, ours / raw tantivy ({n} clients; hits of {} leads): {}.",
            budget.leads,
            by_query(
                &ours.reads.search.value,
                &base.search,
                &base
                    .search
                    .iter()
                    .map(|b| thousands(b.hits as u64))
                    .collect::<Vec<_>>(),
                "hits"
            )
        ),
        format!(
            "Memory: idle RSS {:.1} MiB = {:.1} MiB anonymous (heap, stacks) + {:.1} MiB file-backed (mapped index segments, the binary), read after {} s without requests (the index writers close after 10 s idle); {} s after the lead phases it was {:.1} MiB ({:.1} MiB anonymous, {:.1} MiB file-backed); after the knowledge-base phases it is {:.1} MiB ({:.1} MiB anonymous), peak {:.1} MiB. The server CPU and RSS columns are the server's CPU (percent of one core) and its largest resident memory, sampled every 100 ms, while the row's load ran.",
            ours.idle_memory.rss,
            ours.idle_memory.anon,
            ours.idle_memory.file,
            phases::IDLE.as_secs(),
            phases::SETTLE.as_secs(),
            ours.memory.rss,
            ours.memory.anon,
            ours.memory.file,
            ours.memory_after_kb.rss,
            ours.memory_after_kb.anon,
            ours.memory_after_kb.peak
        ),
        seed_note(ours),
        hello_note(ours),
        format!(
            "Widget: {} bytes of /widget.js and {} bytes of the chat panel it loads on first open, each as sent with Accept-Encoding: gzip; KiB = 1,024 bytes.",
            ours.widget.loader, ours.widget.panel
        ),
    ];
    notes.push(format!(
        "Analytics p50 / p99 by endpoint ({n} clients, {} leads): {}.",
        budget.leads,
        ours.reads
            .analytics
            .value
            .iter()
            .map(|(path, o)| format!(
                "`{path}` {:.2} / {:.2} ms",
                ms(&o.latency, 0.5),
                ms(&o.latency, 0.99)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    notes.extend(kb_notes(&ours.kb, base, corpus));
    notes.extend(ours.conversations.as_ref().map(conversation_note));
    if ours.proposals.is_some() {
        notes.push(format!(
            "Proposed times (issue #27): tenant `{}` is open around the clock for 14 days in 15-minute slots, and {} conversations each qualify and book the first time offered. Then {} visitors, each with a qualified conversation, send in a closed loop one of: {}. Each names a window holding several free slots, so the answer offers them and books nothing.",
            crate::proposals::TENANT,
            crate::proposals::BOOKED,
            crate::proposals::CLIENTS,
            crate::proposals::PROPOSALS.join(" / ")
        ));
    }
    notes.push(webhook_note(&ours.webhooks.value));
    notes.extend(crate::ops::notes(&ours.csv, &base.csv));
    notes.extend(crate::backup::notes(&ours.backup));
    notes.push(llm_note(llm));
    notes.extend(ours.mixed.as_ref().map(mixed_note));
    notes.extend([
        format!(
            "CPU during the baselines (before the server starts): bench {:.0}%, other processes {:.0}% (of {}% on {} cores).",
            base.cpu.bench,
            base.cpu.others,
            cores() * 100,
            cores()
        ),
        cpu_note("sustained creates", &ours.creates.cpu),
        cpu_note("search freshness", &ours.freshness.cpu),
        cpu_note("GET /api/leads/{id}", &ours.reads.by_id.cpu),
        cpu_note("GET /api/leads", &ours.reads.list.cpu),
        cpu_note("GET /api/leads?q=", &ours.reads.search.cpu),
        cpu_note(
            "GET /api/leads?q= under load",
            &ours.reads.search_under_load.cpu,
        ),
        cpu_note("the analytics reads", &ours.reads.analytics.cpu),
        cpu_note("the knowledge-base build", &ours.kb.build.cpu),
        cpu_note("KB search", &ours.kb.search.cpu),
        cpu_note("the PDF upload (idle)", &ours.kb.pdf.cpu),
        cpu_note("GET /api/leads/{id} idle before the PDF upload", &ours.kb.reads_idle.cpu),
        cpu_note("GET /api/leads/{id} during the PDF upload", &ours.kb.reads_during.cpu),
    ]);
    if let Some(chat) = &ours.kb.chat {
        notes.extend([
            cpu_note("POST /api/chat idle before the PDF upload", &chat.idle.cpu),
            cpu_note("POST /api/chat during the PDF upload", &chat.during.cpu),
        ]);
    }
    if let Some(conv) = &ours.conversations {
        notes.extend([
            cpu_note("the paced conversations (JSON)", &conv.paced_json.turns.cpu),
            cpu_note("the paced conversations (SSE)", &conv.paced_sse.turns.cpu),
            cpu_note(
                "the saturated conversations (JSON)",
                &conv.saturated_json.turns.cpu,
            ),
            cpu_note(
                "the saturated conversations (SSE)",
                &conv.saturated_sse.turns.cpu,
            ),
        ]);
    }
    notes.push(cpu_note("the webhook phases", &ours.webhooks.cpu));
    notes.extend([
        format!(
            "Baselines: raw rusqlite inserts the lead row alone (the server also writes its search change-log and outbox rows) into a fresh database with the server's schema, WAL and synchronous=FULL, for {:.1} s each; raw tantivy indexes the same leads in one commit and answers the same searches with the server's query shape (every word prefix indexed in a `prefix` field; the last typed word one TermQuery on it, every word an exact TermQuery on name, email or company; tenant filter; best first, then newest), reading ids from the `id` column (a fast field), without HTTP or SQLite.",
            budget.baseline_for.as_secs_f64()
        ),
        "Knowledge-base baselines, in process on the same bytes: KB search is tantivy alone over the same FAQ chunks with the server's schema, English analyzer (stop words, stemming) and query (every term in heading^2, body, title^0.5, BM25, tenant filter, top 10, a highlighted body snippet, stored fields read back). Ingest is the bare libraries: pdf-extract over lopdf for the PDF, zip + quick-xml reading every `w:t` for the DOCX, nothing for text; then tantivy indexing the text in 300-word pieces with the same analyzer and one commit. The server also detects the format, keeps headings, chunks by structure, stores the text and chunks in SQLite and receives the file over HTTP.".to_owned(),
        format!(
            "Ready time: from spawn until /api/health answers 200, the median of 3 starts on the same data dir, then holding about {} leads (every lead the bench created) and {} knowledge-base documents.",
            ours.leads_at_restart,
            corpus.faqs.len()
                + ours.kb.text.len()
                + ours.kb.docx.len()
                + 2
                + usize::from(ours.kb.chat.is_some())
        ),
    ]);
    notes.extend(errors(ours));
    notes
}

fn webhook_note(v: &webhooks::Webhooks) -> String {
    format!(
        "Webhooks (issue #6): one webhook subscribed to `lead.created`, pointing at a receiver in the bench process on loopback that answers 204 at once. Latency: {} leads created at {} creates/s, timed from each create's 201 until the receiver had its event (0 when the event arrived before the 201 was read; the server commits before both): p50 {:.2} ms, p99 {:.2} ms. Throughput: {} leads created by 64 clients as fast as the server answers, so deliveries queue up behind the creates; {} deliveries from the first arrival to the last in {:.2} s. Events never received: {}; received twice: {}.",
        v.paced_creates,
        report::thousands(webhooks::PACED_RATE),
        ms(&v.latency, 0.5),
        ms(&v.latency, 0.99),
        v.backlog,
        v.backlog,
        v.backlog_elapsed.as_secs_f64(),
        v.missing,
        v.duplicates,
    )
}

fn conversation_note(conv: &Conversations) -> String {
    let run = |name: &str, what: &str, run: &conversations::Run| {
        let o = &run.turns.value;
        format!(
            "{name}: {} turns in {} conversations over {:.1} s ({:.0} turns/s), {what} p50 {:.2} ms, p99 {:.2} ms.",
            o.ok,
            run.conversations,
            o.elapsed.as_secs_f64(),
            o.per_second(),
            ms(&o.latency, 0.5),
            ms(&o.latency, 0.99),
        )
    };
    let (whole, first) = ("the whole answer read", "time to the first body chunk");
    format!(
        "Concurrent conversations (issue #5): {} visitors (own visitorId, tenant `default`) each send a {}-message lead-qualification script over POST /api/chat (greeting, name/company/unique email, team size, role, budget, timeline; stopped before a meeting slot is picked) and then start a new conversation; JSON answers are timed until read whole, SSE (`Accept: text/event-stream`) ones to the first body chunk. Paced: the visitors together send {} turns/s (each its share on a staggered tick; a late answer delays only its own conversation's next turn, and the missed ticks follow at once), so a turn's latency is its own work, timed from when it is sent. Saturated: a closed loop, each visitor's next turn as soon as the last is answered, so its latency is mostly queueing behind the other visitors' turns. The paced runs come first, then the saturated ones, a second apart. {} {} {} {} The bench's clients share the cores with the server.",
        conversations::CLIENTS,
        conversations::SCRIPT_LEN,
        report::thousands(conversations::PACED_RATE),
        run("Paced JSON", whole, &conv.paced_json),
        run("Paced SSE", first, &conv.paced_sse),
        run("Saturated JSON", whole, &conv.saturated_json),
        run("Saturated SSE", first, &conv.saturated_sse),
    )
}

fn kb_notes(kb: &kb::Kb, base: &Baselines, corpus: &Corpus) -> Vec<String> {
    let build = &kb.build.value;
    let text_per_byte = |raw: &RawIngest, bytes: usize| raw.text_bytes as f64 / bytes as f64;
    let (confirm, found) = kb.pdf_confirmed;
    let during = &kb.reads_during.value;
    vec![
        format!(
            "Knowledge base: {} generated Markdown FAQs of {} `## Question?` sections each, uploaded through the JSON API (`type: faq`) from {} clients in {:.1} s; the server reported {} chunks (raw tantivy indexed {} from the same Markdown). The searches run on this corpus only, before the file uploads.",
            corpus.faqs.len(),
            kb::FAQ_SECTIONS,
            kb::BUILD_CLIENTS,
            build.elapsed.as_secs_f64(),
            kb.corpus_chunks,
            base.kb_chunks
        ),
        format!(
            "KB search p99 by query, ours / raw tantivy (results, ours / raw tantivy, of at most 10): {}.",
            by_query(
                &kb.search.value,
                &base.kb_search,
                &kb.results
                    .iter()
                    .zip(&base.kb_search)
                    .map(|(ours, raw)| format!("{ours} / {}", raw.hits))
                    .collect::<Vec<_>>(),
                "results"
            )
        ),
        format!(
            "Uploads are multipart files timed from the first byte sent to the 201, which the server sends only once the document is extracted, chunked and indexed; MB = 10^6 bytes. Plain text: {:.1} MB of generated prose with headings. DOCX: {:.1} MB ZIP whose word/document.xml inflates to {:.1} MB ({:.1} MB of text, {:.1} bytes of text per byte of file). PDF: {} A4 pages of Helvetica text in Flate-compressed content streams, {:.1} MB of text ({:.1} bytes per byte of file); a PDF this size with images would hold far less text. Text and DOCX were uploaded {} each, the median is shown ({}; {}); chunks per upload: text {}, DOCX {}, PDF {}.",
            corpus.text[0].len() as f64 / MB,
            corpus.docx[0].len() as f64 / MB,
            corpus.docx_xml as f64 / MB,
            base.docx.text_bytes as f64 / MB,
            text_per_byte(&base.docx, corpus.docx[0].len()),
            corpus.pdf_pages,
            base.pdf.text_bytes as f64 / MB,
            text_per_byte(&base.pdf, corpus.pdf[0].len()),
            times(kb.text.len()),
            rates("text", &kb.text),
            rates("DOCX", &kb.docx),
            kb.text.first().map_or(0, |r| r.chunks),
            kb.docx.first().map_or(0, |r| r.chunks),
            kb.pdf.value.chunks
        ),
        format!(
            "PDF searchable: the upload's wall time (the 201 means indexed); a search for the word on its last page, sent right after the 201, took {:.1} ms and {} the document.",
            confirm.as_secs_f64() * 1000.0,
            if found { "found" } else { "did NOT find" }
        ),
        format!(
            "Latency during a large upload, stand-in (planned before the chat endpoint existed): GET /api/leads/{{id}} from {} clients while a second copy of the PDF is uploaded ({} requests over the {:.1} s upload, p50 {:.2} ms), against the same GETs idle just before, for as long as the idle upload took ({} requests, p50 {:.2} ms, p99 {:.2} ms); the target is 2× the idle p99.",
            phases::read_clients(),
            during.ok,
            kb.upload_during.elapsed.as_secs_f64(),
            ms(&during.latency, 0.5),
            kb.reads_idle.value.ok,
            ms(&kb.reads_idle.value.latency, 0.5),
            ms(&kb.reads_idle.value.latency, 0.99)
        ),
        chat_note(kb),
    ]
}

fn chat_note(kb: &kb::Kb) -> String {
    let Some(chat) = &kb.chat else {
        return "Chat latency: POST /api/chat answered 404 (no chat endpoint in this build), so only the GET /api/leads/{id} stand-in was measured.".to_owned();
    };
    let (idle, during) = (&chat.idle.value, &chat.during.value);
    format!(
        "Chat latency during a large upload: POST /api/chat (JSON, no streaming) from {} clients, each request a new visitor's first message (a new conversation) cycling through {} product questions, while a third copy of the PDF is uploaded ({} turns over the {:.1} s upload, p50 {:.2} ms), against the same turns idle just before, for as long as the idle upload took ({} turns, p50 {:.2} ms, p99 {:.2} ms); the target is 2× the idle p99.",
        phases::read_clients(),
        crate::docs::CHAT_MESSAGES.len(),
        during.ok,
        chat.upload.elapsed.as_secs_f64(),
        ms(&during.latency, 0.5),
        idle.ok,
        ms(&idle.latency, 0.5),
        ms(&idle.latency, 0.99)
    )
}

fn rates(what: &str, runs: &[Ingested]) -> String {
    let all: Vec<String> = runs
        .iter()
        .map(|r| format!("{:.1}", r.mb_per_s()))
        .collect();
    format!("{what} {} MB/s", all.join(", "))
}

fn times(n: usize) -> String {
    match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

fn thousands(n: u64) -> String {
    report::thousands(n as f64)
}

/// Each query's p99, ours / the baseline's, with `counts[i]` of what it found.
fn by_query(
    ours: &[(&'static str, Outcome)],
    base: &[crate::SearchBaseline],
    counts: &[String],
    counted: &str,
) -> String {
    let parts = ours
        .iter()
        .zip(base)
        .zip(counts)
        .map(|(((q, outcome), baseline), count)| {
            format!(
                "`{q}` {:.1} / {:.1} ms ({count} {counted})",
                ms(&outcome.latency, 0.99),
                ms(&baseline.latency, 0.99),
            )
        });
    parts.collect::<Vec<_>>().join(", ")
}

/// One line per phase that saw failed requests, with the first failure.
fn errors(ours: &Ours) -> Vec<String> {
    let fresh = &ours.freshness.value;
    let mut phases: Vec<(String, &Outcome)> = vec![
        ("seeding leads".to_owned(), &ours.preload),
        (
            "seeding conversations".to_owned(),
            &ours.seeded_conversations,
        ),
        ("hello-world baseline".to_owned(), &ours.hello.value),
        ("sustained creates".to_owned(), &ours.creates.value),
        ("GET by id".to_owned(), &ours.reads.by_id.value),
        ("list".to_owned(), &ours.reads.list.value),
        ("background load".to_owned(), &fresh.background),
    ];
    phases.extend(
        ours.reads
            .search
            .value
            .iter()
            .chain(&ours.reads.search_under_load.value)
            .map(|(q, o)| (format!("search `{q}`"), o)),
    );
    phases.extend(
        ours.kb
            .search
            .value
            .iter()
            .map(|(q, o)| (format!("KB search `{q}`"), o)),
    );
    phases.extend([
        ("knowledge-base build".to_owned(), &ours.kb.build.value),
        ("GET by id idle".to_owned(), &ours.kb.reads_idle.value),
        (
            "GET by id during the upload".to_owned(),
            &ours.kb.reads_during.value,
        ),
    ]);
    if let Some(chat) = &ours.kb.chat {
        phases.extend([
            ("chat idle".to_owned(), &chat.idle.value),
            ("chat during the upload".to_owned(), &chat.during.value),
        ]);
    }
    if let Some(conv) = &ours.conversations {
        phases.extend([
            (
                "paced conversations (JSON)".to_owned(),
                &conv.paced_json.turns.value,
            ),
            (
                "paced conversations (SSE)".to_owned(),
                &conv.paced_sse.turns.value,
            ),
            (
                "saturated conversations (JSON)".to_owned(),
                &conv.saturated_json.turns.value,
            ),
            (
                "saturated conversations (SSE)".to_owned(),
                &conv.saturated_sse.turns.value,
            ),
        ]);
    }
    let mut lines: Vec<String> = phases
        .into_iter()
        .filter_map(|(name, o)| {
            o.first_error
                .as_ref()
                .map(|err| format!("{name}: {} errors; first: {err}", o.errors))
        })
        .collect();
    if let Some(err) = &fresh.first_error {
        lines.push(format!("search freshness: first miss or error: {err}"));
    }
    lines
}

pub fn cpu_note(phase: &str, cpu: &CpuUse) -> String {
    let cores = cores();
    format!(
        "CPU during {phase}: server {:.0}%, bench {:.0}%, other processes {:.0}% (of {}% on {cores} cores).",
        cpu.server,
        cpu.bench,
        cpu.others,
        cores * 100
    )
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn header(budget: &Budget, machine: &Machine, ours: &Ours) -> String {
    let mode = if budget.quick { ", --quick" } else { "" };
    format!(
        "**Synaptiq bench** — {} — {} — {} leads seeded in the measured tenant, {} in all tenants at the restart{mode}",
        machine.date,
        machine.describe(),
        thousands(ours.seeded_leads),
        thousands(ours.leads_at_restart)
    )
}

fn seed_note(ours: &Ours) -> String {
    format!(
        "Seed, through the HTTP API: {} leads in the measured tenant (`default`, the bench's key) and a tenth as many in each of {} other tenants created with `synaptiq tenants create` (each with its own key from `synaptiq keys create --tenant`), interleaved, so searches and analytics filter a shared index and shared tables; then {} conversations of two visitor messages (no email, so no lead) spread the same way. The seed's leads were all searchable {} ms after its last create: its 64 clients in a closed loop leave the cores little idle time, and the indexers run only on CPU time requests leave idle (`SCHED_IDLE`), so the index catches up once the load lets up. The knowledge base (below) is built by the bench as a measured phase.",
        thousands(ours.seeded_leads),
        crate::seed::OTHER_TENANTS.len(),
        thousands(ours.seeded_conversations.ok),
        ours.index_caught_up.as_millis()
    )
}

fn hello_note(ours: &Ours) -> String {
    let hello = &ours.hello;
    format!(
        "Hello-world baseline: a poem server (bench/src/bin/bench-hello.rs, its own process on loopback, tokio's default runtime) answering GET /hello with `{{\"message\":\"Hello, world!\"}}`, loaded by the same load tool with the same clients and request count as GET /api/leads/{{id}}, right after it: {} requests, p50 {:.2} ms, p99 {:.2} ms, its CPU {:.0}%. The GET-by-id row's ratio is our p99 over its p99: what auth, the rate limiter, SQLite and the lead's JSON add to a bare poem GET.",
        hello.value.ok,
        ms(&hello.value.latency, 0.5),
        ms(&hello.value.latency, 0.99),
        hello.cpu.server
    )
}

pub fn llm_note(llm: &Llm) -> String {
    let run = |name: &str, r: &llm::Run| {
        format!(
            "{name}: {} turns ({} with a tool call), {} model requests, turn p50 {:.2} ms / p99 {:.2} ms, provider time p99 {:.2} ms, overhead p50 {:.2} ms / p99 {:.2} ms / p99.9 {:.2} ms.",
            r.turns.ok,
            r.tool_turns,
            r.requests,
            ms(&r.turns.latency, 0.5),
            ms(&r.turns.latency, 0.99),
            ms(&r.provider, 0.99),
            ms(&r.overhead, 0.5),
            ms(&r.overhead, 0.99),
            ms(&r.overhead, 0.999),
        )
    };
    format!(
        "LLM turns (issue #9): a second server (fresh data dir, {} KB chunks) runs with SYNAPTIQ_LLM_PROVIDER=openai and SYNAPTIQ_LLM_BASE_URL pointing at a fake OpenAI-compatible provider inside the bench process on loopback, which answers at once in the streaming wire format ({} text deltas, a usage chunk, [DONE]); when the visitor's message holds an email it first streams an update_lead tool call (arguments split mid-JSON) and answers after the tool result, so one turn in four is two model requests with a lead write between them. {} visitors hold 4-message conversations at {} turns/s together. Overhead is each turn's latency (sent → answer read whole, or SSE stream ended) minus the time the provider spent on that turn's requests (request arrived → last byte written); the first-delta gap is from the provider writing its first text delta to the client reading the first `delta` event, both on the bench's clock. {} {} First delta p50 {:.2} ms, p99 {:.2} ms. Errors: JSON {}, SSE {}{}.",
        llm.kb_chunks,
        llm::REPLY_DELTAS,
        llm::VISITORS,
        report::thousands(llm::RATE),
        run("JSON", &llm.json.value),
        run("SSE", &llm.sse.value),
        ms(&llm.sse.value.first_delta, 0.5),
        ms(&llm.sse.value.first_delta, 0.99),
        llm.json.value.turns.errors,
        llm.sse.value.turns.errors,
        llm.json
            .value
            .turns
            .first_error
            .as_ref()
            .or(llm.sse.value.turns.first_error.as_ref())
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default(),
    )
}

fn mixed_note(m: &Mixed) -> String {
    let classes: Vec<String> = mixed::CLASSES
        .iter()
        .zip(m.mixed.value.iter().zip(&m.solo))
        .map(|(class, (together, alone))| {
            format!(
                "{} {:.0}/s: p99 {:.2} ms mixed, {:.2} ms alone ({} requests, {} errors{})",
                class.name(),
                together.per_second(),
                ms(&together.latency, 0.99),
                ms(&alone.value.latency, 0.99),
                together.ok,
                together.errors,
                together
                    .first_error
                    .as_ref()
                    .map(|e| format!("; first: {e}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    let (rss, anon) = m.trends();
    let first = m.memory.first().map_or(0.0, |s| s.1);
    let last = m.memory.last().map_or(0.0, |s| s.1);
    format!(
        "Mixed load (issue #11): {}/s in all, chat {:.0} %, lead reads and searches {:.0} % (of every 10: 7 GETs by id, a list page, 2 searches), writes {:.0} % (half creates, half PATCHes of score and status), analytics {:.0} % (the 6 endpoints in turn), each class paced at its share by its own clients; each class first ran alone at its rate for its solo figure. A webhook subscribed to lead.created and lead.updated delivered to a receiver in the bench on loopback: {} deliveries; of the {} leads the writes class created, {} events never arrived. {}. Memory sampled every {} s: RSS {:.1} MiB at the start, {:.1} MiB at the end; over the last {:.1} min RSS {:+.2} MiB/min, anonymous {:+.2} MiB/min (\"flat\" is within ±{FLAT} MiB/min; file-backed pages grow with the index, so the heap carries the target).",
        report::thousands(mixed::RATE),
        mixed::Class::Chat.share() * 100.0,
        mixed::Class::Reads.share() * 100.0,
        mixed::Class::Writes.share() * 100.0,
        mixed::Class::Analytics.share() * 100.0,
        m.deliveries,
        m.created,
        m.missing,
        classes.join("; "),
        mixed::MEMORY_EVERY.as_secs(),
        first,
        last,
        m.trend_window() / 60.0,
        rss,
        anon
    )
}
