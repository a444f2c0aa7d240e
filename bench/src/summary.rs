//! What the run found, as the printed report: a header naming the machine, one row per
//! figure, and notes with the evidence needed to read a miss (CPU use, memory split, errors).

use hdrhistogram::Histogram;

use crate::conversations::{self, Conversations};
use crate::kb::{self, Corpus, Ingested, MB};
use crate::load::Outcome;
use crate::phases;
use crate::report::{self, Row, Unit};
use crate::stats::{self, CpuUse, ms};
use crate::webhooks;
use crate::{Baselines, Budget, Ours, RawIngest};

pub fn render(budget: &Budget, ours: &Ours, base: &Baselines, corpus: &Corpus) -> String {
    report::render(
        &header(budget, ours.leads_at_restart),
        &rows(ours, base, corpus),
        &notes(ours, base, budget, corpus),
    )
}

fn rows(ours: &Ours, base: &Baselines, corpus: &Corpus) -> Vec<Row> {
    let mut rows = create_rows(ours, base);
    rows.extend(read_rows(ours, base));
    rows.extend(kb_rows(&ours.kb, base, corpus));
    if let Some(conv) = &ours.conversations {
        rows.extend(conversation_rows(conv));
    }
    rows.extend(webhook_rows(&ours.webhooks.value));
    rows.extend([
        Row::new("idle RSS", ours.memory.rss, Unit::MiB).target(40.0),
        Row::new("peak RSS (VmHWM)", ours.memory.peak, Unit::MiB),
        Row::new(
            "ready time after restart",
            ours.ready_in.as_secs_f64() * 1000.0,
            Unit::Ms,
        )
        .target(300.0),
    ]);
    rows
}

/// Issue #5: the built-in agent under 50 concurrent conversations. The latency targets are
/// read at the target throughput (paced); the closed-loop rows show the saturated server, whose
/// latency is queueing behind the other conversations' turns, and its throughput.
fn conversation_rows(conv: &Conversations) -> Vec<Row> {
    let n = conversations::CLIENTS;
    let paced = format!(
        "{n} conversations, {} turns/s",
        report::thousands(conversations::PACED_RATE)
    );
    let saturated = format!("{n} conversations, saturated, closed loop");
    let p99 = |run: &conversations::Run| ms(&run.turns.value.latency, 0.99);
    vec![
        Row::new(
            &format!("chat full turn p99 ({paced})"),
            p99(&conv.paced_json),
            Unit::Ms,
        )
        .target(20.0),
        Row::new(
            &format!("chat first SSE byte p99 ({paced})"),
            p99(&conv.paced_sse),
            Unit::Ms,
        )
        .target(10.0),
        Row::new(
            &format!("chat full turn p99 ({saturated})"),
            p99(&conv.saturated_json),
            Unit::Ms,
        ),
        Row::new(
            &format!("chat first SSE byte p99 ({saturated})"),
            p99(&conv.saturated_sse),
            Unit::Ms,
        ),
        Row::new(
            &format!("chat turns/s ({saturated})"),
            conv.saturated_json.turns.value.per_second(),
            Unit::PerSecond,
        )
        .target(1_500.0),
    ]
}

/// Issue #6: a fast receiver on loopback, run by the bench.
fn webhook_rows(w: &webhooks::Webhooks) -> Vec<Row> {
    let paced = format!("{} creates/s", report::thousands(webhooks::PACED_RATE));
    vec![
        Row::new(
            &format!("webhook commit → receiver p50 ({paced})"),
            ms(&w.latency, 0.5),
            Unit::Ms,
        ),
        Row::new(
            &format!("webhook commit → receiver p99 ({paced})"),
            ms(&w.latency, 0.99),
            Unit::Ms,
        )
        .target(200.0),
        Row::new(
            "webhook deliveries/s (backlog, fast loopback receiver)",
            w.throughput,
            Unit::PerSecond,
        )
        .target(1_000.0),
    ]
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

fn create_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let creates = &ours.creates.value;
    let fresh = &ours.freshness.value.latency;
    let per_row = &base.per_row.commit_latency;
    vec![
        Row::new(
            "preload creates (64 clients)",
            ours.preload.per_second(),
            Unit::PerSecond,
        ),
        Row::new(
            "create throughput (32 clients)",
            creates.per_second(),
            Unit::PerSecond,
        )
        .target(4_000.0)
        .baseline(base.grouped.per_second, "SQLite, 32 rows/commit"),
        Row::new(
            "create throughput vs one commit per row",
            creates.per_second(),
            Unit::PerSecond,
        )
        .baseline(base.per_row.per_second, "SQLite, 1 row/commit"),
        Row::new("create latency p50", ms(&creates.latency, 0.5), Unit::Ms)
            .baseline(ms(per_row, 0.5), "SQLite 1-row commit"),
        Row::new("create latency p99", ms(&creates.latency, 0.99), Unit::Ms)
            .target(25.0)
            .baseline(ms(per_row, 0.99), "SQLite 1-row commit"),
        Row::new(
            "search freshness p50 (4,000 creates/s)",
            ms(fresh, 0.5),
            Unit::Ms,
        ),
        Row::new(
            "search freshness p99 (4,000 creates/s)",
            ms(fresh, 0.99),
            Unit::Ms,
        )
        .target(100.0),
    ]
}

fn read_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let reads = &ours.reads;
    let searched = merged(reads.search.value.iter().map(|(_, o)| &o.latency));
    let loaded = merged(
        reads
            .search_under_load
            .value
            .iter()
            .map(|(_, o)| &o.latency),
    );
    let baseline = merged(base.search.iter().map(|b| &b.latency));
    let n = phases::read_clients();
    let under = phases::UNDER_LOAD_CLIENTS;
    vec![
        Row::new(
            &format!("GET /api/leads/{{id}} p99 ({n} clients)"),
            ms(&reads.by_id.value.latency, 0.99),
            Unit::Ms,
        )
        .target(5.0),
        Row::new(
            &format!("GET /api/leads (limit 50) p99 ({n} clients)"),
            ms(&reads.list.value.latency, 0.99),
            Unit::Ms,
        )
        .target(10.0),
        Row::new(
            &format!("GET /api/leads?q= p50 ({n} clients)"),
            ms(&searched, 0.5),
            Unit::Ms,
        )
        .baseline(ms(&baseline, 0.5), "tantivy"),
        Row::new(
            &format!("GET /api/leads?q= p99 ({n} clients)"),
            ms(&searched, 0.99),
            Unit::Ms,
        )
        .target(15.0)
        .baseline(ms(&baseline, 0.99), "tantivy"),
        Row::new(
            &format!("analytics p99, slowest endpoint ({n} clients)"),
            reads
                .analytics
                .value
                .iter()
                .map(|(_, o)| ms(&o.latency, 0.99))
                .fold(0.0, f64::max),
            Unit::Ms,
        )
        .target(20.0),
        Row::new(
            &format!("GET /api/leads?q= p99 under load ({under} clients)"),
            ms(&loaded, 0.99),
            Unit::Ms,
        )
        .baseline(
            ms(&base.search_under_load, 0.99),
            &format!("tantivy, {under} threads"),
        ),
    ]
}

fn kb_rows(kb: &kb::Kb, base: &Baselines, corpus: &Corpus) -> Vec<Row> {
    let n = phases::read_clients();
    let searched = merged(kb.search.value.iter().map(|(_, o)| &o.latency));
    let baseline = merged(base.kb_search.iter().map(|b| &b.latency));
    let chunks = thousands(kb.corpus_chunks);
    let build = &kb.build.value;
    let mut rows = vec![
        Row::new(
            &format!(
                "knowledge-base build, chunks/s (JSON FAQ uploads, {} clients)",
                kb::BUILD_CLIENTS
            ),
            kb.corpus_chunks as f64 / build.elapsed.as_secs_f64().max(1e-6),
            Unit::PerSecond,
        ),
        Row::new(
            &format!("KB search p50 ({chunks} chunks, {n} clients)"),
            ms(&searched, 0.5),
            Unit::Ms,
        )
        .baseline(ms(&baseline, 0.5), "tantivy"),
        Row::new(
            &format!("KB search p99 ({chunks} chunks, {n} clients)"),
            ms(&searched, 0.99),
            Unit::Ms,
        )
        .target(20.0)
        .baseline(ms(&baseline, 0.99), "tantivy"),
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
    let pdf = &kb.pdf.value;
    rows.push(ingest_row(
        (
            "PDF",
            &format!(", {} pages", thousands(corpus.pdf_pages as u64)),
        ),
        pdf,
        &base.pdf,
        5.0,
        "pdf-extract + tantivy",
    ));
    let size = pdf.bytes as f64 / MB;
    let mut searchable = Row::new(
        &format!("{size:.1} MB PDF searchable after upload start"),
        pdf.elapsed.as_secs_f64(),
        Unit::Seconds,
    )
    .baseline(base.pdf.elapsed.as_secs_f64(), "pdf-extract + tantivy");
    // The target is for a 10 MB file; a --quick run uploads a smaller one.
    if pdf.bytes >= 10_000_000 {
        searchable = searchable.target(5.0);
    }
    rows.push(searchable);
    let idle = ms(&kb.reads_idle.value.latency, 0.99);
    rows.push(
        Row::new(
            &format!(
                "GET /api/leads/{{id}} p99 during the PDF upload (stand-in for chat, {n} clients)"
            ),
            ms(&kb.reads_during.value.latency, 0.99),
            Unit::Ms,
        )
        .target(2.0 * idle)
        .baseline(idle, "idle, just before"),
    );
    if let Some(chat) = &kb.chat {
        let idle = ms(&chat.idle.value.latency, 0.99);
        rows.push(
            Row::new(
                &format!("POST /api/chat p99 during the PDF upload ({n} clients)"),
                ms(&chat.during.value.latency, 0.99),
                Unit::Ms,
            )
            .target(2.0 * idle)
            .baseline(idle, "idle, just before"),
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
    Row::new(
        &format!(
            "{what} ingest ({:.1} MB file{detail} → 201)",
            run.bytes as f64 / MB
        ),
        run.mb_per_s(),
        Unit::MBps,
    )
    .target(target)
    .baseline(
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

fn notes(ours: &Ours, base: &Baselines, budget: &Budget, corpus: &Corpus) -> Vec<String> {
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
            "Idle RSS {:.1} MiB = {:.1} MiB anonymous (heap, stacks) + {:.1} MiB file-backed (mapped index segments, the binary), measured 2 s after the lead phases; after the knowledge-base phases it is {:.1} MiB ({:.1} MiB anonymous), peak {:.1} MiB.",
            ours.memory.rss,
            ours.memory.anon,
            ours.memory.file,
            ours.memory_after_kb.rss,
            ours.memory_after_kb.anon,
            ours.memory_after_kb.peak
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
    notes.push(webhook_note(&ours.webhooks.value));
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
            "Baselines: raw rusqlite inserts the lead row alone (the server also writes its search change-log and outbox rows) into a fresh database with the server's schema, WAL and synchronous=FULL, for {:.1} s each; raw tantivy indexes the same leads in one commit and answers the same searches with the server's query shape (every word prefix indexed in a `prefix` field; the last typed word one TermQuery on it, every word an exact TermQuery on name, email or company; tenant filter; best first, then newest), reading ids from stored fields, without HTTP or SQLite.",
            budget.baseline_for.as_secs_f64()
        ),
        "Knowledge-base baselines, in process on the same bytes: KB search is tantivy alone over the same FAQ chunks with the server's schema, English analyzer (stop words, stemming) and query (every term in heading^2, body, title^0.5, BM25, tenant filter, top 10, a highlighted body snippet, stored fields read back). Ingest is the bare libraries: pdf-extract over lopdf for the PDF, zip + quick-xml reading every `w:t` for the DOCX, nothing for text; then tantivy indexing the text in 300-word pieces with the same analyzer and one commit. The server also detects the format, keeps headings, chunks by structure, stores the text and chunks in SQLite and receives the file over HTTP.".to_owned(),
        format!(
            "Ready time: the server restarted on the same data dir, then holding about {} leads (every lead the bench created) and {} knowledge-base documents.",
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
        ("preload".to_owned(), &ours.preload),
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

fn cpu_note(phase: &str, cpu: &CpuUse) -> String {
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

fn header(budget: &Budget, leads_at_end: u64) -> String {
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "date unknown".to_owned(), |d| d.trim().to_owned());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            let line = info
                .lines()
                .find(|l| l.starts_with("model name"))?
                .to_owned();
            Some(line.split_once(':')?.1.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mode = if budget.quick { ", --quick" } else { "" };
    format!(
        "**Synaptiq bench** — {date} — nproc {} ({cpu}), load average {} at the end — {} leads preloaded, {leads_at_end} at the end{mode}",
        cores(),
        load.join(" "),
        budget.leads
    )
}
