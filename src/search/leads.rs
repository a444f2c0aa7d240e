//! The lead index: name, email and company, searched with prefix matching on the last term.
//!
//! A write never waits for tantivy: it appends to `lead_changes` in its SQLite transaction
//! and wakes the indexer thread, which commits whatever is pending at most once per refresh
//! interval, stores the sequence it reached in the commit, and reloads the reader.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
};
use tokio::sync::watch;

use super::index;
use crate::domain::model::{Lead, LeadStatus, TenantId};
use crate::error::{Error, Result};
use crate::store::{self, Store};

const ANALYZER: &str = "folded";
/// Changes applied per commit at most, so catching up after an import stays responsive.
const CATCH_UP_BATCH: usize = 10_000;
/// How often the indexer looks for changes written by other processes (CLI import, restore).
const POLL: Duration = Duration::from_secs(1);
const WRITER_MEMORY: usize = 15_000_000;
/// How often indexed changes are pruned from `lead_changes` (a write, so not every commit).
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Search results beyond this are not offered: refine the query instead.
pub const MAX_RESULTS: usize = 1_000;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    status: Field,
    name: Field,
    email: Field,
    company: Field,
    created: Field,
}

impl Fields {
    fn text(self) -> [Field; 3] {
        [self.name, self.email, self.company]
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        tenant: builder.add_text_field("tenant", STRING),
        status: builder.add_text_field("status", STRING),
        name: builder.add_text_field("name", text.clone()),
        email: builder.add_text_field("email", text.clone()),
        company: builder.add_text_field("company", text),
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

#[derive(Clone)]
pub struct LeadSearch {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    committed: watch::Sender<u64>,
    wake: crossbeam_channel::Sender<()>,
    stop: AtomicBool,
    healthy: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl LeadSearch {
    /// Opens the index under `dir` (rebuilding it from SQLite if needed) and starts the
    /// indexer thread, which catches up on changes the index has not seen.
    pub fn open(dir: &Path, store: &Store, refresh: Duration) -> Result<Self> {
        let (schema, fields) = schema();
        let opened = index::open_or_create(dir, &schema)?;
        let index = opened.index;
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        if opened.fresh {
            rebuild(store, &mut writer, fields)?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let (wake, woken) = crossbeam_channel::bounded(1);
        let inner = Arc::new(Inner {
            committed: watch::channel(index::committed_seq(&index)?).0,
            index,
            reader,
            fields,
            wake,
            stop: AtomicBool::new(false),
            healthy: AtomicBool::new(true),
            thread: Mutex::new(None),
        });
        let worker = Indexer {
            inner: Arc::clone(&inner),
            store: store.clone(),
            writer,
            refresh,
            last_prune: Instant::now(),
        };
        let thread = std::thread::Builder::new()
            .name("lead-indexer".into())
            .spawn(move || worker.run(&woken))?;
        *inner
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(thread);
        Ok(Self { inner })
    }

    /// Tells the indexer a change is waiting; cheap, never blocks.
    pub fn notify(&self) {
        let _ = self.inner.wake.try_send(());
    }

    /// Resolves once every change up to `seq` is searchable.
    pub async fn wait_for(&self, seq: u64) -> Result<()> {
        let mut committed = self.inner.committed.subscribe();
        let reached = committed.wait_for(|c| *c >= seq);
        match tokio::time::timeout(Duration::from_secs(30), reached).await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(Error::Unavailable("search index is not catching up".into())),
        }
    }

    /// The last change sequence that is searchable.
    pub fn committed_seq(&self) -> u64 {
        *self.inner.committed.borrow()
    }

    /// Ids of matching leads, best first, then newest first; `None` when `q` has no terms.
    pub fn search(
        &self,
        tenant: &TenantId,
        q: &str,
        status: Option<LeadStatus>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<String>> {
        let Some(query) = self.query(tenant, q, status) else {
            return Ok(Vec::new());
        };
        let searcher = self.inner.reader.searcher();
        let collector =
            TopDocs::with_limit(limit)
                .and_offset(offset)
                .tweak_score(|segment: &SegmentReader| {
                    let created = segment.fast_fields().i64("created").ok();
                    move |doc, score: Score| {
                        let at = created.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                        (score, at)
                    }
                });
        let hits: Vec<((Score, i64), DocAddress)> = searcher.search(&query, &collector)?;
        hits.into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(doc
                    .get_first(self.inner.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned())
            })
            .collect()
    }

    fn query(
        &self,
        tenant: &TenantId,
        q: &str,
        status: Option<LeadStatus>,
    ) -> Option<BooleanQuery> {
        let fields = self.inner.fields;
        let terms = tokens(q);
        let (last, rest) = terms.split_last()?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, filter(fields.tenant, tenant.as_str()))];
        if let Some(status) = status {
            clauses.push((Occur::Must, filter(fields.status, status.as_str())));
        }
        for term in rest {
            clauses.push((Occur::Must, Box::new(any_field(fields, term, false))));
        }
        clauses.push((Occur::Must, Box::new(any_field(fields, last, true))));
        Some(BooleanQuery::new(clauses))
    }

    /// Health: the indexer is running and the reader can open a searcher.
    pub fn check(&self) -> Result<()> {
        if !self.inner.healthy.load(Ordering::Relaxed) {
            return Err(Error::Unavailable("search indexer failed".into()));
        }
        let _ = self.inner.reader.searcher().num_docs();
        Ok(())
    }

    /// Commits what is pending and stops the indexer thread.
    pub fn close(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.notify();
        let handle = self
            .inner
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }

    /// Number of documents in the index (tests and diagnostics).
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    #[doc(hidden)]
    pub fn index(&self) -> &Index {
        &self.inner.index
    }
}

/// The query's terms, analyzed exactly as indexed text is.
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

/// An exact term that filters without changing the score.
fn filter(field: Field, value: &str) -> Box<dyn Query> {
    let term = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    Box::new(BoostQuery::new(Box::new(term), 0.0))
}

/// The term in any text field; as a prefix too when `prefix` (the word being typed).
fn any_field(fields: Fields, term: &str, prefix: bool) -> BooleanQuery {
    let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for field in fields.text() {
        let exact = TermQuery::new(
            Term::from_field_text(field, term),
            IndexRecordOption::WithFreqs,
        );
        options.push((Occur::Should, Box::new(exact)));
        // Tokens are alphanumeric only (SimpleTokenizer), so they need no regex escaping.
        if prefix && let Ok(regex) = RegexQuery::from_pattern(&format!("{term}.+"), field) {
            options.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(regex), 0.5)),
            ));
        }
    }
    BooleanQuery::new(options)
}

fn document(fields: Fields, lead: &Lead) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &lead.id);
    doc.add_text(fields.tenant, lead.tenant.as_str());
    doc.add_text(fields.status, lead.status.as_str());
    doc.add_text(fields.name, &lead.name);
    doc.add_text(fields.email, &lead.email);
    if let Some(company) = &lead.company {
        doc.add_text(fields.company, company);
    }
    doc.add_i64(fields.created, lead.created_at.as_millisecond());
    doc
}

/// Fills an empty index from SQLite. The sequence is read first: changes racing with the
/// rebuild are applied again afterwards, which is harmless (applying a change is idempotent).
fn rebuild(store: &Store, writer: &mut IndexWriter, fields: Fields) -> Result<()> {
    let started = Instant::now();
    let (seq, count) = store.read_blocking(|conn| {
        let seq = store::leads::last_change_seq(conn)?;
        let mut count = 0u64;
        store::leads::for_each(conn, |lead| {
            writer.add_document(document(fields, &lead))?;
            count += 1;
            Ok(())
        })?;
        Ok((seq, count))
    })?;
    index::commit(writer, seq)?;
    tracing::info!(
        leads = count,
        ms = started.elapsed().as_millis() as u64,
        "lead index rebuilt"
    );
    Ok(())
}

struct Indexer {
    inner: Arc<Inner>,
    store: Store,
    writer: IndexWriter,
    refresh: Duration,
    last_prune: Instant,
}

impl Indexer {
    fn run(mut self, woken: &crossbeam_channel::Receiver<()>) {
        let mut last_commit = Instant::now() - self.refresh;
        loop {
            let _ = woken.recv_timeout(POLL);
            let stopping = self.inner.stop.load(Ordering::SeqCst);
            if !stopping {
                // Group whatever arrives within one refresh interval into one commit.
                let wait = self.refresh.saturating_sub(last_commit.elapsed());
                std::thread::sleep(wait);
            }
            match self.catch_up() {
                Ok(()) => self.inner.healthy.store(true, Ordering::Relaxed),
                Err(err) => {
                    self.inner.healthy.store(false, Ordering::Relaxed);
                    tracing::error!(%err, "lead indexing failed; retrying");
                }
            }
            last_commit = Instant::now();
            if stopping {
                break;
            }
        }
    }

    /// Applies every change after the committed sequence, committing once per batch.
    fn catch_up(&mut self) -> Result<()> {
        loop {
            let after = *self.inner.committed.borrow();
            let fields = self.inner.fields;
            let writer = &self.writer;
            let applied = self.store.read_blocking(|conn| {
                let changes = store::leads::changes_after(conn, after, CATCH_UP_BATCH)?;
                let Some(last) = changes.last().map(|c| c.seq) else {
                    return Ok(None);
                };
                for change in &changes {
                    writer.delete_term(Term::from_field_text(fields.id, &change.lead_id));
                    if let Some(lead) = store::leads::get(conn, &change.tenant, &change.lead_id)? {
                        writer.add_document(document(fields, &lead))?;
                    }
                }
                Ok(Some((last, changes.len())))
            })?;
            let Some((seq, count)) = applied else {
                return Ok(());
            };
            index::commit(&mut self.writer, seq)?;
            self.inner.reader.reload()?;
            self.inner.committed.send_replace(seq);
            if self.last_prune.elapsed() >= PRUNE_EVERY {
                self.prune(seq);
                self.last_prune = Instant::now();
            }
            if count < CATCH_UP_BATCH {
                return Ok(());
            }
        }
    }

    /// Drops changes the index has durably absorbed.
    fn prune(&self, seq: u64) {
        let store = self.store.clone();
        let pruned = store.write_blocking(move |conn| store::leads::prune_changes(conn, seq));
        if let Err(err) = pruned {
            tracing::warn!(%err, "could not prune the lead change log");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_are_folded_and_split() {
        assert_eq!(
            tokens("  José@Acme-Corp.io "),
            vec!["jose", "acme", "corp", "io"]
        );
        assert!(tokens("@@ --").is_empty());
    }
}
