//! Baselines for the knowledge base: the bare libraries doing the server's work on the same
//! bytes, in this process, with no HTTP, no SQLite and no chunking by structure.
//!
//! - Ingest: extraction (pdf-extract over lopdf for PDF; zip + quick-xml for DOCX; nothing
//!   for plain text) and then tantivy indexing of the text, cut into 300-word chunks, with the
//!   server's English analyzer and one commit.
//! - Search: tantivy alone over the same FAQ chunks with the server's schema, analyzer and
//!   query shape (every query term in heading^2, body, title^0.5, BM25; tenant filter; top 10;
//!   a highlighted snippet from the body; fields read back from the stored document).

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use hdrhistogram::Histogram;
use quick_xml::Reader;
use quick_xml::events::Event;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use crate::stats;

const ANALYZER: &str = "english";
const TENANT: &str = "default";
const WRITER_MEMORY: usize = 50_000_000;
const HEADING_BOOST: f32 = 2.0;
const TITLE_BOOST: f32 = 0.5;
const SNIPPET_CHARS: usize = 240;
const RESULTS: usize = 10;
const CHUNK_WORDS: usize = 300;

/// The server's stop words (src/search/chunks.rs), copied so both analyze text alike.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "how", "what", "when", "where", "which", "who",
    "why", "do", "does", "did", "can", "could", "would", "should", "i", "me", "my", "you", "your",
    "we", "our", "us", "am", "have", "has", "any", "there", "about", "from", "so", "just",
];

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

#[derive(Clone, Copy)]
struct Fields {
    document: Field,
    tenant: Field,
    position: Field,
    title: Field,
    heading: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        document: builder.add_text_field("document", STRING | STORED),
        tenant: builder.add_text_field("tenant", STRING),
        position: builder.add_u64_field("position", STORED),
        title: builder.add_text_field("title", text.clone()),
        heading: builder.add_text_field("heading", text.clone()),
        body: builder.add_text_field("body", text),
    };
    (builder.build(), fields)
}

/// One chunk as the server would store it.
pub struct Chunk<'a> {
    pub document: &'a str,
    pub position: u64,
    pub title: &'a str,
    pub heading: &'a str,
    pub body: &'a str,
}

fn index_chunks<'a>(dir: &Path, chunks: impl Iterator<Item = Chunk<'a>>) -> Result<ChunkIndex> {
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema).context("creating the baseline chunk index")?;
    index.tokenizers().register(ANALYZER, analyzer());
    let mut writer = index.writer::<TantivyDocument>(WRITER_MEMORY)?;
    for chunk in chunks {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.document, chunk.document);
        doc.add_text(fields.tenant, TENANT);
        doc.add_u64(fields.position, chunk.position);
        doc.add_text(fields.title, chunk.title);
        doc.add_text(fields.heading, chunk.heading);
        doc.add_text(fields.body, chunk.body);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let reader = index.reader()?;
    reader.reload()?;
    Ok(ChunkIndex { reader, fields })
}

pub struct ChunkIndex {
    reader: IndexReader,
    fields: Fields,
}

/// The FAQ chunks of Markdown `doc` as the server cuts them: one per `## Question?` section,
/// headed by the title heading and the question, the body `Q: …\nA: …`.
pub fn faq_chunks(markdown: &str) -> Vec<(String, String)> {
    let mut title = "";
    let mut out = Vec::new();
    for section in markdown.split("\n## ") {
        if let Some(h1) = section.strip_prefix("# ") {
            title = h1.lines().next().unwrap_or_default();
            continue;
        }
        let (question, answer) = section.split_once('\n').unwrap_or((section, ""));
        out.push((
            format!("{title} › {}", question.trim()),
            format!("Q: {}\nA: {}", question.trim(), answer.trim()),
        ));
    }
    out
}

/// Indexes the FAQ documents' chunks (`titles[i]` is document i's title).
pub fn build_faq_index(dir: &Path, docs: &[(String, String)]) -> Result<(ChunkIndex, usize)> {
    let ids: Vec<String> = (0..docs.len())
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let chunks: Vec<(usize, Vec<(String, String)>)> = docs
        .iter()
        .enumerate()
        .map(|(i, (_, markdown))| (i, faq_chunks(markdown)))
        .collect();
    let count = chunks.iter().map(|(_, c)| c.len()).sum();
    let all = chunks.iter().flat_map(|(i, doc)| {
        doc.iter()
            .enumerate()
            .map(|(position, (heading, body))| Chunk {
                document: &ids[*i],
                position: position as u64,
                title: &docs[*i].0,
                heading,
                body,
            })
    });
    Ok((index_chunks(dir, all)?, count))
}

impl ChunkIndex {
    /// Answers `total` searches, cycling through `searches`, from `clients` threads at once.
    pub fn search_latency(
        &self,
        searches: &[&str],
        clients: usize,
        total: usize,
    ) -> Result<Histogram<u64>> {
        let merged = Mutex::new(stats::histogram());
        let shared = &merged;
        std::thread::scope(|scope| -> Result<()> {
            let workers: Vec<_> = (0..clients)
                .map(|client| {
                    scope.spawn(move || -> Result<()> {
                        let mut latency = stats::histogram();
                        for i in (client..total).step_by(clients) {
                            let started = Instant::now();
                            let found = self.search(searches[i % searches.len()])?;
                            stats::record(&mut latency, started.elapsed());
                            if found == 0 {
                                bail!(
                                    "baseline search {:?} found nothing",
                                    searches[i % searches.len()]
                                );
                            }
                        }
                        shared
                            .lock()
                            .map_err(|_| anyhow!("histogram lock poisoned"))?
                            .add(&latency)
                            .context("merging latency histograms")
                    })
                })
                .collect();
            for worker in workers {
                worker
                    .join()
                    .map_err(|_| anyhow!("search thread panicked"))??;
            }
            Ok(())
        })?;
        merged
            .into_inner()
            .map_err(|_| anyhow!("histogram lock poisoned"))
    }

    /// The top chunks for `q` with their snippets and stored fields; returns how many.
    pub fn search(&self, q: &str) -> Result<usize> {
        let f = self.fields;
        let Some(query) = query(f, q) else {
            return Ok(0);
        };
        let searcher = self.reader.searcher();
        let hits = searcher.search(&query, &TopDocs::with_limit(RESULTS).order_by_score())?;
        let mut snippets = SnippetGenerator::create(&searcher, &query, f.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut found = 0;
        for (_, address) in hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            let mut snippet = snippets.snippet_from_doc(&doc);
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            let html = snippet.to_html();
            let id = doc.get_first(f.document).and_then(|v| v.as_str());
            let position = doc.get_first(f.position).and_then(|v| v.as_u64());
            let text = doc.get_first(f.body).and_then(|v| v.as_str());
            if id.is_some() && position.is_some() && text.is_some() && !html.is_empty() {
                found += 1;
            }
        }
        Ok(found)
    }
}

fn query(f: Fields, q: &str) -> Option<BooleanQuery> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(q);
    let mut terms: Vec<String> = Vec::new();
    while let Some(token) = stream.next() {
        if !terms.contains(&token.text) {
            terms.push(token.text.clone());
        }
    }
    if terms.is_empty() {
        return None;
    }
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &terms {
        for (field, boost) in [
            (f.heading, HEADING_BOOST),
            (f.body, 1.0),
            (f.title, TITLE_BOOST),
        ] {
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)),
            ));
        }
    }
    let tenant = TermQuery::new(
        Term::from_field_text(f.tenant, TENANT),
        IndexRecordOption::Basic,
    );
    Some(BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(BoostQuery::new(Box::new(tenant), 0.0)),
        ),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ]))
}

/// What a document is, for the ingest baseline.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    Pdf,
    Docx,
}

/// The bare libraries ingesting `bytes`: extraction, then tantivy indexing of 300-word
/// chunks into a fresh index in `dir`, one commit. Returns the time and the text's size.
pub fn ingest(dir: &Path, kind: Kind, bytes: &[u8]) -> Result<(Duration, usize)> {
    let started = Instant::now();
    let text = match kind {
        Kind::Text => std::str::from_utf8(bytes)
            .context("generated text is UTF-8")?
            .to_owned(),
        Kind::Pdf => pdf_text(bytes)?,
        Kind::Docx => docx_text(bytes)?,
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let pieces: Vec<String> = words.chunks(CHUNK_WORDS).map(|w| w.join(" ")).collect();
    let chunks = pieces.iter().enumerate().map(|(position, body)| Chunk {
        document: "baseline",
        position: position as u64,
        title: "Baseline document",
        heading: "",
        body,
    });
    index_chunks(dir, chunks)?;
    Ok((started.elapsed(), text.len()))
}

/// pdf-extract's plain text, as the server calls it (lopdf parses, pdf-extract lays out).
pub fn pdf_text(bytes: &[u8]) -> Result<String> {
    let document = lopdf::Document::load_mem(bytes).context("parsing the PDF")?;
    let mut text = String::new();
    pdf_extract::output_doc(&document, &mut pdf_extract::PlainTextOutput::new(&mut text))
        .map_err(|e| anyhow!("extracting the PDF's text: {e}"))?;
    Ok(text)
}

/// Every `w:t` of `word/document.xml`, a paragraph per line.
fn docx_text(bytes: &[u8]) -> Result<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).context("opening the DOCX")?;
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .context("DOCX without word/document.xml")?
        .read_to_end(&mut xml)?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let (mut text, mut in_text, mut buf) = (String::new(), false, Vec::new());
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().into_inner() == "t" => in_text = true,
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "p" => text.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => text.push_str(&t.xml10_content()),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(text)
}
