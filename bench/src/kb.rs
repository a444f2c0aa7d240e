//! The knowledge-base measurements of issue #4 against the running server: a corpus of FAQ
//! chunks built through the JSON API and searched, plain-text, DOCX and PDF uploads timed
//! from the first byte sent to the 201 (which the server sends only once the document is
//! extracted, chunked and indexed), and read latency while a large PDF is being ingested.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::client::{self, Api};
use crate::docs;
use crate::load::{self, Outcome, Plan};
use crate::phases::{self, Measured, observe};

/// JSON FAQ uploads in flight at once while the corpus is built.
pub const BUILD_CLIENTS: usize = 4;
/// `## Question?` sections per generated FAQ document, so one document is 100 chunks.
pub const FAQ_SECTIONS: usize = 100;
/// The pause before the idle reads, after the idle PDF upload.
const SETTLE: Duration = Duration::from_secs(2);
/// 1 MB, as the MB/s figures count it.
pub const MB: f64 = 1_000_000.0;

/// How big the generated documents are and how often each is uploaded.
pub struct Sizes {
    pub text: usize,
    pub docx: usize,
    pub pdf: usize,
    pub faq_docs: usize,
    /// Uploads of the text and the DOCX file (the PDF is uploaded once idle, once under reads).
    pub repeats: usize,
}

/// The generated documents, shared by the server phases and the in-process baselines. The
/// server refuses a second upload of identical bytes (409), so every upload has its own
/// copy, differing in one line: `text` and `docx` hold `Sizes::repeats` copies, `pdf` three
/// (the idle upload, the one under lead reads, the one under chat turns).
pub struct Corpus {
    pub text: Vec<Vec<u8>>,
    pub docx: Vec<Vec<u8>>,
    pub docx_xml: usize,
    pub pdf: [Vec<u8>; 3],
    pub pdf_pages: usize,
    /// (title, Markdown) of each FAQ document.
    pub faqs: Vec<(String, String)>,
}

impl Corpus {
    pub fn generate(sizes: &Sizes) -> Result<Self> {
        let (pdf, pdf_pages) = docs::pdf(sizes.pdf, 0)?;
        let (pdf_under_reads, _) = docs::pdf(sizes.pdf, 1)?;
        let (pdf_under_chat, _) = docs::pdf(sizes.pdf, 2)?;
        let mut docx = Vec::with_capacity(sizes.repeats);
        let mut docx_xml = 0;
        for copy in 0..sizes.repeats {
            let (file, xml) = docs::docx(sizes.docx, copy)?;
            docx.push(file);
            docx_xml = xml;
        }
        let faqs = (0..sizes.faq_docs)
            .map(|i| (format!("Product FAQ {i}"), docs::faq(i, FAQ_SECTIONS)))
            .collect();
        Ok(Self {
            text: (0..sizes.repeats)
                .map(|copy| docs::text(sizes.text, copy).into_bytes())
                .collect(),
            docx,
            docx_xml,
            pdf: [pdf, pdf_under_reads, pdf_under_chat],
            pdf_pages,
            faqs,
        })
    }
}

impl Corpus {
    /// Writes the first copy of each uploaded file to `dir`; returns what was written.
    pub fn write(&self, dir: &std::path::Path) -> Result<String> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let files = [
            ("handbook.txt", self.text.first()),
            ("handbook.docx", self.docx.first()),
            ("handbook.pdf", self.pdf.first()),
        ];
        let mut written = Vec::new();
        for (name, bytes) in files {
            let Some(bytes) = bytes else { continue };
            let path = dir.join(name);
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            written.push(format!("{} ({} bytes)", path.display(), bytes.len()));
        }
        Ok(written.join("\n"))
    }
}

/// One upload: the file's size, the time from sending it to its 201, and its chunks.
pub struct Ingested {
    pub bytes: usize,
    pub elapsed: Duration,
    pub chunks: u64,
}

impl Ingested {
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / MB / self.elapsed.as_secs_f64().max(1e-6)
    }
}

/// The upload with the median rate.
pub fn median(runs: &[Ingested]) -> Option<&Ingested> {
    let mut sorted: Vec<&Ingested> = runs.iter().collect();
    sorted.sort_by(|a, b| a.mb_per_s().total_cmp(&b.mb_per_s()));
    sorted.get(sorted.len() / 2).copied()
}

/// Everything measured on the knowledge base.
pub struct Kb {
    pub build: Measured<Outcome>,
    pub corpus_chunks: u64,
    /// One outcome per search in `docs::KB_SEARCHES`, with how many results it returned.
    pub search: Measured<Vec<(&'static str, Outcome)>>,
    pub results: Vec<usize>,
    pub text: Vec<Ingested>,
    pub docx: Vec<Ingested>,
    pub pdf: Measured<Ingested>,
    /// The search for the PDF's last-page word right after its 201: time, and whether the
    /// uploaded document was among the results.
    pub pdf_confirmed: (Duration, bool),
    pub reads_idle: Measured<Outcome>,
    pub reads_during: Measured<Outcome>,
    pub upload_during: Ingested,
    /// `None` when the server has no chat endpoint (POST /api/chat answers 404).
    pub chat: Option<ChatLatency>,
}

/// Chat turns from the read clients, idle and while a third copy of the PDF uploads.
pub struct ChatLatency {
    pub idle: Measured<Outcome>,
    pub during: Measured<Outcome>,
    pub upload: Ingested,
}

pub async fn measure(
    api: &Api,
    pid: u32,
    corpus: &Corpus,
    lead_paths: Vec<String>,
    searches: u64,
) -> Result<Kb> {
    eprintln!(
        "bench: knowledge base: {} FAQ documents ({} chunks) through the JSON API…",
        corpus.faqs.len(),
        corpus.faqs.len() * FAQ_SECTIONS
    );
    let chunks = Arc::new(AtomicU64::new(0));
    let build = build_corpus(api, corpus, &chunks);
    let build = observe(pid, build).await?;
    let corpus_chunks = chunks.load(Ordering::Relaxed);
    eprintln!("bench: knowledge-base searches…");
    let clients = phases::read_clients();
    let mut results = Vec::with_capacity(docs::KB_SEARCHES.len());
    for q in docs::KB_SEARCHES {
        results.push(api.kb_search(q).await?.len());
    }
    let search = phases::search_latency(
        api,
        &docs::KB_SEARCHES,
        client::kb_search_path,
        searches,
        clients,
    );
    let search = observe(pid, search).await?;
    eprintln!("bench: knowledge-base uploads…");
    let text = ingest(api, "handbook.txt", "text/plain", &corpus.text).await?;
    let docx = ingest(
        api,
        "handbook.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &corpus.docx,
    )
    .await?;
    let pdf = observe(pid, upload_pdf(api, &corpus.pdf[0])).await?;
    let started = Instant::now();
    let found = api.kb_search(docs::PDF_MARKER).await?;
    let pdf_confirmed = (started.elapsed(), found.contains(&pdf.value.1));
    eprintln!("bench: lead reads idle, then during a PDF upload…");
    // Lets the index work that follows the large commit (segment merges) settle first.
    tokio::time::sleep(SETTLE).await;
    // The idle window is as long as the idle PDF upload took, so both samples are alike.
    let window = pdf.value.0.elapsed;
    let leads = Probe::Leads(Arc::new(lead_paths));
    let idle = probe_for(api, leads.clone(), clients, window);
    let reads_idle = observe(pid, idle).await?;
    let during = probe_during_upload(api, leads, clients, &corpus.pdf[1]);
    let during = observe(pid, during).await?;
    let chat = measure_chat(api, pid, clients, window, &corpus.pdf[2]).await?;
    Ok(Kb {
        build,
        corpus_chunks,
        search,
        results,
        text,
        docx,
        pdf: Measured {
            value: pdf.value.0,
            cpu: pdf.cpu,
            rss: pdf.rss,
        },
        pdf_confirmed,
        reads_idle,
        reads_during: Measured {
            value: during.value.0,
            cpu: during.cpu,
            rss: during.rss,
        },
        upload_during: during.value.1,
        chat,
    })
}

/// Chat turns idle for `window`, then during an upload of `pdf`; `None` without a chat
/// endpoint.
async fn measure_chat(
    api: &Api,
    pid: u32,
    clients: usize,
    window: Duration,
    pdf: &[u8],
) -> Result<Option<ChatLatency>> {
    if !api.chat_available().await? {
        eprintln!("bench: POST /api/chat answered 404: no chat measurement");
        return Ok(None);
    }
    eprintln!("bench: chat turns idle, then during a PDF upload…");
    tokio::time::sleep(SETTLE).await;
    let idle = probe_for(api, Probe::Chat("idle"), clients, window);
    let idle = observe(pid, idle).await?;
    tokio::time::sleep(SETTLE).await;
    let during = probe_during_upload(api, Probe::Chat("upload"), clients, pdf);
    let during = observe(pid, during).await?;
    Ok(Some(ChatLatency {
        idle,
        during: Measured {
            value: during.value.0,
            cpu: during.cpu,
            rss: during.rss,
        },
        upload: during.value.1,
    }))
}

/// Uploads every FAQ document as JSON (`type: faq`) from a few clients at once.
async fn build_corpus(api: &Api, corpus: &Corpus, chunks: &Arc<AtomicU64>) -> Result<Outcome> {
    let faqs = Arc::new(corpus.faqs.clone());
    let plan = Plan {
        clients: BUILD_CLIENTS,
        requests: faqs.len() as u64,
        time_limit: phases::PHASE_LIMIT * 3,
        rate: None,
    };
    let (api2, chunks2) = (api.clone(), Arc::clone(chunks));
    let outcome = load::drive(&plan, &phases::stop_flag(), move |i| {
        let (api, faqs, chunks) = (api2.clone(), Arc::clone(&faqs), Arc::clone(&chunks2));
        async move {
            let (title, markdown) = &faqs[usize::try_from(i)?];
            let uploaded = api.upload_json(title, markdown, "faq").await?;
            chunks.fetch_add(uploaded.chunks, Ordering::Relaxed);
            Ok(())
        }
    })
    .await?;
    if outcome.errors > 0 || outcome.ok < plan.requests {
        bail!(
            "uploaded {} of {} FAQ documents; first error: {}",
            outcome.ok,
            plan.requests,
            outcome
                .first_error
                .as_deref()
                .unwrap_or("none (time limit)")
        );
    }
    Ok(outcome)
}

/// Uploads each copy of a file, one after the other.
async fn ingest(api: &Api, name: &str, mime: &str, copies: &[Vec<u8>]) -> Result<Vec<Ingested>> {
    let mut runs = Vec::with_capacity(copies.len());
    for bytes in copies {
        let started = Instant::now();
        let uploaded = api
            .upload_file(name, mime, bytes.to_vec())
            .await
            .with_context(|| format!("uploading {name}"))?;
        runs.push(Ingested {
            bytes: bytes.len(),
            elapsed: started.elapsed(),
            chunks: uploaded.chunks,
        });
    }
    Ok(runs)
}

/// Uploads the large PDF; returns the upload and the new document's id.
async fn upload_pdf(api: &Api, pdf: &[u8]) -> Result<(Ingested, String)> {
    let started = Instant::now();
    let uploaded = api
        .upload_file("handbook.pdf", "application/pdf", pdf.to_vec())
        .await
        .context("uploading the PDF")?;
    Ok((
        Ingested {
            bytes: pdf.len(),
            elapsed: started.elapsed(),
            chunks: uploaded.chunks,
        },
        uploaded.id,
    ))
}

/// What is timed idle and while a PDF uploads (or a backup runs): GETs of leads by id, or
/// chat turns.
#[derive(Clone)]
pub enum Probe {
    Leads(Arc<Vec<String>>),
    /// Each request a visitor's first message (a new conversation); the tag keeps the
    /// visitor ids of the idle and the loaded windows apart.
    Chat(&'static str),
}

/// Sends `probe` requests from `clients` clients until `stop` (owned, so it can be spawned).
async fn probe_until(
    api: Api,
    probe: Probe,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Result<Outcome> {
    let plan = Plan {
        clients,
        requests: u64::MAX,
        time_limit: phases::PHASE_LIMIT * 3,
        rate: None,
    };
    load::drive(&plan, &stop, move |i| {
        let (api, probe) = (api.clone(), probe.clone());
        async move {
            let i = usize::try_from(i)?;
            match probe {
                Probe::Leads(paths) => api.get(&paths[i % paths.len().max(1)]).await,
                Probe::Chat(tag) => {
                    let message = docs::CHAT_MESSAGES[i % docs::CHAT_MESSAGES.len()];
                    api.chat(&format!("bench-{tag}-{i}"), message).await
                }
            }
        }
    })
    .await
}

/// `probe` from `clients` clients for `window`.
pub async fn probe_for(
    api: &Api,
    probe: Probe,
    clients: usize,
    window: Duration,
) -> Result<Outcome> {
    let stop = phases::stop_flag();
    let load = tokio::spawn(probe_until(api.clone(), probe, clients, Arc::clone(&stop)));
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    load.await.context("probe load panicked")?
}

/// `probe` from `clients` clients for exactly as long as an upload of `pdf` takes.
async fn probe_during_upload(
    api: &Api,
    probe: Probe,
    clients: usize,
    pdf: &[u8],
) -> Result<(Outcome, Ingested)> {
    let (outcome, (uploaded, _)) = probe_during(api, probe, clients, upload_pdf(api, pdf)).await?;
    Ok((outcome, uploaded))
}

/// `probe` from `clients` clients for exactly as long as `work` takes (an upload, a backup).
pub async fn probe_during<T>(
    api: &Api,
    probe: Probe,
    clients: usize,
    work: impl Future<Output = Result<T>>,
) -> Result<(Outcome, T)> {
    let stop = phases::stop_flag();
    let load = tokio::spawn(probe_until(api.clone(), probe, clients, Arc::clone(&stop)));
    let done = work.await;
    stop.store(true, Ordering::Relaxed);
    let outcome = load.await.context("probe load panicked")??;
    Ok((outcome, done?))
}
