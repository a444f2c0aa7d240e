//! Baseline: the same leads indexed by tantivy alone, in a temp dir, and the same searches
//! answered directly, with the server's schema, analyzer and query shape (src/search/leads.rs):
//! every prefix of every word indexed in the STRING field `prefix`; each typed word an exact
//! TermQuery on name, email or company, the last one also one TermQuery on `prefix` (boost
//! 0.5); a tenant filter; best first, then newest by the `created` fast field. Ids are read
//! from the `id` column (a fast field). No HTTP, no auth, no SQLite row reads.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexReader, Score, SegmentReader, TantivyDocument, Term};

use crate::{data, stats};

const ANALYZER: &str = "folded";
const TENANT: &str = "default";
const WRITER_MEMORY: usize = 50_000_000;
/// One page plus one, as the server fetches to know whether there is a next page.
const FETCH: usize = 51;
/// Prefixes are indexed up to this many characters, as the server does.
const MAX_PREFIX_CHARS: usize = 20;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    status: Field,
    name: Field,
    email: Field,
    company: Field,
    prefix: Field,
    created: Field,
}

pub struct LeadIndex {
    reader: IndexReader,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | FAST),
        tenant: builder.add_text_field("tenant", STRING),
        status: builder.add_text_field("status", STRING),
        name: builder.add_text_field("name", text.clone()),
        email: builder.add_text_field("email", text.clone()),
        company: builder.add_text_field("company", text),
        prefix: builder.add_text_field("prefix", STRING),
        created: builder.add_i64_field("created", INDEXED | FAST),
    };
    (builder.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Indexes leads 0..count in `dir` with one commit.
pub fn build(dir: &Path, count: u64) -> Result<LeadIndex> {
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema).context("creating the baseline index")?;
    index.tokenizers().register(ANALYZER, analyzer());
    let mut writer = index.writer::<TantivyDocument>(WRITER_MEMORY)?;
    let mut analyzer = analyzer();
    for seq in 0..count {
        let lead = data::lead(seq);
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.id, uuid::Uuid::now_v7().to_string());
        doc.add_text(fields.tenant, TENANT);
        doc.add_text(fields.status, "new");
        doc.add_text(fields.name, &lead.name);
        doc.add_text(fields.email, &lead.email);
        doc.add_text(fields.company, &lead.company);
        for prefix in prefixes(&mut analyzer, &[&lead.name, &lead.email, &lead.company]) {
            doc.add_text(fields.prefix, prefix);
        }
        doc.add_i64(fields.created, i64::try_from(seq).unwrap_or(i64::MAX));
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let reader = index.reader()?;
    reader.reload()?;
    Ok(LeadIndex { reader, fields })
}

impl LeadIndex {
    /// Answers `total` searches, cycling through `searches`, from `clients` threads at once
    /// (as many as the HTTP clients, so both see the same contention).
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
                    scope.spawn(move || self.client(searches, client, clients, total, shared))
                })
                .collect();
            for worker in workers {
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("search thread panicked"))??;
            }
            Ok(())
        })?;
        merged
            .into_inner()
            .map_err(|_| anyhow::anyhow!("histogram lock poisoned"))
    }

    fn client(
        &self,
        searches: &[&str],
        client: usize,
        clients: usize,
        total: usize,
        merged: &Mutex<Histogram<u64>>,
    ) -> Result<()> {
        let mut latency = stats::histogram();
        for i in (client..total).step_by(clients) {
            let started = Instant::now();
            self.search(searches[i % searches.len()])?;
            stats::record(&mut latency, started.elapsed());
        }
        let mut merged = merged
            .lock()
            .map_err(|_| anyhow::anyhow!("histogram lock poisoned"))?;
        merged.add(&latency).context("merging latency histograms")
    }

    /// How many leads match `q` (for the notes: a search's cost grows with its hits).
    pub fn hits(&self, q: &str) -> Result<usize> {
        Ok(self.reader.searcher().search(&self.query(q), &Count)?)
    }

    /// The ids of the first page of hits, best first, then newest.
    fn search(&self, q: &str) -> Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let collector = TopDocs::with_limit(FETCH).tweak_score(|segment: &SegmentReader| {
            let created = segment.fast_fields().i64("created").ok();
            move |doc, score: Score| {
                let at = created.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                (score, at)
            }
        });
        let hits: Vec<((Score, i64), DocAddress)> = searcher.search(&self.query(q), &collector)?;
        let mut columns: Vec<Option<StrColumn>> = vec![None; searcher.segment_readers().len()];
        let mut ids = Vec::with_capacity(hits.len());
        for (_, address) in hits {
            let slot = &mut columns[address.segment_ord as usize];
            let column = match slot {
                Some(column) => column,
                None => {
                    let segment = searcher.segment_reader(address.segment_ord);
                    slot.insert(segment.fast_fields().str("id")?.context("no id column")?)
                }
            };
            let mut id = String::new();
            if let Some(ord) = column.term_ords(address.doc_id).next() {
                column.ord_to_str(ord, &mut id)?;
            }
            ids.push(id);
        }
        Ok(ids)
    }

    fn query(&self, q: &str) -> BooleanQuery {
        let f = self.fields;
        let words = tokens(q);
        let tenant = TermQuery::new(
            Term::from_field_text(f.tenant, TENANT),
            IndexRecordOption::Basic,
        );
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BoostQuery::new(Box::new(tenant), 0.0)),
        )];
        for (i, word) in words.iter().enumerate() {
            let prefix = i + 1 == words.len();
            clauses.push((Occur::Must, Box::new(any_field(f, word, prefix))));
        }
        BooleanQuery::new(clauses)
    }
}

fn tokens(q: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(q);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out.truncate(16);
    out
}

/// The word exactly in any text field; the word being typed also as one prefix term.
fn any_field(f: Fields, word: &str, prefix: bool) -> BooleanQuery {
    let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for field in [f.name, f.email, f.company] {
        let exact = TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        );
        options.push((Occur::Should, Box::new(exact)));
    }
    if prefix {
        let start: String = word.chars().take(MAX_PREFIX_CHARS).collect();
        let typed = TermQuery::new(
            Term::from_field_text(f.prefix, &start),
            IndexRecordOption::Basic,
        );
        options.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(typed), 0.5)),
        ));
    }
    BooleanQuery::new(options)
}

/// Every prefix of every word of `texts`, once each.
fn prefixes(analyzer: &mut TextAnalyzer, texts: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let mut prefix = String::new();
            for c in token.text.chars().take(MAX_PREFIX_CHARS) {
                prefix.push(c);
                out.insert(prefix.clone());
            }
        }
    }
    out
}
