//! A live index derived from SQLite: opened (or rebuilt when missing, corrupt or of another
//! shape), kept current by an indexer thread that follows the change log, and committed
//! together with the change sequence it reached.
//!
//! A write never waits for tantivy: it appends to `search_changes` in its own SQLite
//! transaction and wakes the indexer, which commits whatever is pending at most once per
//! refresh interval and then reloads the reader. A change for the item `*` asks for a full
//! rebuild (`synaptiq reindex`), so even that request travels through the log.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use tokio::sync::watch;

mod indexer;

use super::directory::{self, UnsyncedDirectory};
use super::early::Early;
use crate::error::{Error, Result};
use crate::model::TenantId;
use crate::store::Store;
use crate::store::search_changes::{self, Kind};

const WRITER_MEMORY: usize = 15_000_000;

/// Segments below this many documents count as this size when merges are chosen. With
/// tantivy's default (10,000) and a commit every refresh interval under steady changes,
/// every 8 new segments were merged with the one growing segment, rewriting it each time
/// until it held 17,000 documents: merges took a quarter of the server's CPU under the
/// mixed load. Now the growing segment leaves the smallest layer at 1,700 documents, and
/// each larger layer merges only when 8 of its own size have gathered.
const MERGE_MIN_LAYER: u32 = 1_000;

/// A writer with `S::INDEXING_THREADS` indexing threads and one merge thread: every extra
/// thread keeps its own stack, term table and allocator cache resident while it is open.
fn open_writer<S: Source>(index: &Index) -> tantivy::Result<IndexWriter> {
    let options = tantivy::indexer::IndexWriterOptions::builder()
        .memory_budget_per_thread(WRITER_MEMORY)
        .num_worker_threads(S::INDEXING_THREADS)
        .num_merge_threads(1)
        .build();
    let writer = index.writer_with_options(options)?;
    let mut merges = tantivy::indexer::LogMergePolicy::default();
    merges.set_min_layer_size(MERGE_MIN_LAYER);
    writer.set_merge_policy(Box::new(merges));
    Ok(writer)
}
/// The item id of a change that asks for a full rebuild.
pub const EVERYTHING: &str = "*";

/// What an index holds and how to fill it from SQLite.
pub trait Source: Send + Sync + 'static {
    const KIND: Kind;
    /// Threads tokenizing and inverting documents while the writer is open.
    const INDEXING_THREADS: usize;
    type Fields: Copy + Send + Sync + 'static;

    fn schema() -> (Schema, Self::Fields);
    fn register_tokenizers(index: &Index);
    /// The term every document of one item carries, to delete them all at once.
    fn item_term(fields: Self::Fields, id: &str) -> Term;
    /// Adds the documents of the item as it is now (nothing if it no longer exists).
    fn add_item(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Self::Fields,
        tenant: &TenantId,
        id: &str,
    ) -> Result<()>;
    /// How many items `add_all` will add (for progress).
    fn count(conn: &Connection) -> Result<u64>;
    /// Adds the documents of every item, calling `added` after each; returns how many.
    fn add_all(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Self::Fields,
        added: &mut dyn FnMut(),
    ) -> Result<u64>;
}

pub struct LiveIndex<S: Source> {
    inner: Arc<Inner<S>>,
}

impl<S: Source> Clone for LiveIndex<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<S: Source> {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: S::Fields,
    committed: watch::Sender<u64>,
    wake: crossbeam_channel::Sender<()>,
    stop: AtomicBool,
    healthy: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// Documents of committed changes, by change sequence, handed over by the writer of
    /// the change so the indexer need not read them back from SQLite.
    staged: Mutex<HashMap<u64, Vec<TantivyDocument>>>,
    early: Mutex<Early>,
}

impl<S: Source> LiveIndex<S> {
    /// Opens the index in `dir` (rebuilding it from SQLite if needed) and starts the indexer
    /// thread, which catches up on changes the index has not seen.
    pub fn open(dir: &Path, store: &Store, refresh: Duration) -> Result<Self> {
        let (schema, fields) = S::schema();
        let (index, fresh) = open_or_create(dir, &schema)?;
        S::register_tokenizers(&index);
        if fresh || ahead_of_store(&index, store)? {
            rebuild::<S>(store, &mut open_writer::<S>(&index)?, fields)?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // Results are read back from SQLite; stored fields are read only for ids and
            // snippets, so a small block cache is enough.
            .doc_store_cache_num_blocks(10)
            .try_into()?;
        let (wake, woken) = crossbeam_channel::bounded(1);
        let inner = Arc::new(Inner {
            dir: dir.to_owned(),
            committed: watch::channel(committed_seq(&index)?).0,
            index,
            reader,
            fields,
            wake,
            stop: AtomicBool::new(false),
            healthy: AtomicBool::new(true),
            thread: Mutex::new(None),
            staged: Mutex::new(HashMap::new()),
            early: Mutex::new(Early::default()),
        });
        let thread = indexer::start(Arc::clone(&inner), store, refresh, woken)?;
        *lock(&inner.thread) = Some(thread);
        Ok(Self { inner })
    }

    /// Tells the indexer a change is waiting; cheap, never blocks.
    pub fn notify(&self) {
        let _ = self.inner.wake.try_send(());
    }

    /// Hands over the documents the committed change `seq` left its item with, exactly as
    /// `Source::add_item` would read them back; the indexer then uses these instead.
    pub fn stage(&self, seq: u64, documents: Vec<TantivyDocument>) {
        let mut staged = lock(&self.inner.staged);
        // Already indexed (from SQLite): nothing to hand over, and nobody would clear it.
        if seq > self.committed_seq() {
            staged.insert(seq, documents);
        }
    }

    /// Hands over the documents `item` will have once a write still to come commits, so
    /// they are indexed while it runs (see `early.rs`). Tell the ticket how the write went.
    pub fn index_early(
        &self,
        tenant: &TenantId,
        item: &str,
        documents: Vec<TantivyDocument>,
    ) -> EarlyTicket<S> {
        let handed = lock(&self.inner.early).hand_over(tenant, item, documents);
        self.notify();
        EarlyTicket {
            index: self.clone(),
            item: item.to_owned(),
            // Another early write of the item is under way: these wait for their change.
            kept: handed.err(),
            told: false,
        }
    }

    /// Whether `item`'s early documents are in the writer (tests).
    #[cfg(test)]
    pub fn early_in_writer(&self, item: &str) -> bool {
        lock(&self.inner.early).is_in_writer(item)
    }

    /// Resolves once every change up to `seq` is searchable.
    pub async fn wait_for(&self, seq: u64) -> Result<()> {
        self.notify();
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

    /// A searcher for a query (counted: the memory job leaves the index mapped meanwhile).
    pub fn searcher(&self) -> Searcher {
        super::mapped::searched();
        self.inner.reader.searcher()
    }

    /// Documents in the index (diagnostics and tests).
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub fn fields(&self) -> S::Fields {
        self.inner.fields
    }

    pub fn index(&self) -> &Index {
        &self.inner.index
    }

    /// Health: the indexer is running and the reader can open a searcher.
    pub fn check(&self) -> Result<()> {
        if !self.inner.healthy.load(Ordering::Relaxed) {
            return Err(Error::Unavailable(format!(
                "{} indexer failed",
                S::KIND.as_str()
            )));
        }
        // Not counted as a search: a monitor polling health must not keep the pages mapped.
        let _ = self.inner.reader.searcher().num_docs();
        Ok(())
    }

    /// Commits what is pending, stops the indexer thread and makes the index durable.
    pub fn close(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.notify();
        if let Some(handle) = lock(&self.inner.thread).take() {
            let _ = handle.join();
            if let Err(err) = directory::sync_and_unmark(&self.inner.dir) {
                tracing::warn!(%err, index = S::KIND.as_str(), "syncing the search index failed");
            }
        }
    }
}

/// The outcome of a write whose documents went to the index early. Dropped untold, the
/// write counts as failed (the request gave up on it) and the item is read back from SQLite.
pub struct EarlyTicket<S: Source> {
    index: LiveIndex<S>,
    item: String,
    kept: Option<Vec<TantivyDocument>>,
    told: bool,
}

impl<S: Source> EarlyTicket<S> {
    /// The write committed as change `seq`.
    pub fn written(mut self, seq: u64) {
        self.told = true;
        match self.kept.take() {
            Some(documents) => self.index.stage(seq, documents),
            None => lock(&self.index.inner.early).written(&self.item, seq),
        }
        self.index.notify();
    }
}

impl<S: Source> Drop for EarlyTicket<S> {
    fn drop(&mut self) {
        if !self.told && self.kept.is_none() {
            lock(&self.index.inner.early).failed(&self.item);
            self.index.notify();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens the index in `dir`; a missing, corrupt or differently-shaped one, or one a crash
/// left damaged, is recreated empty (`true`), to be filled from SQLite.
fn open_or_create(dir: &Path, schema: &Schema) -> Result<(Index, bool)> {
    clear_the_way(dir)?;
    std::fs::create_dir_all(dir)?;
    let crashed = directory::mark(dir)?;
    if dir.join("meta.json").exists() {
        match Index::open(UnsyncedDirectory::open(dir)?) {
            Ok(index) if index.schema() == *schema && index.load_metas().is_ok() => {
                if !crashed || directory::intact(&index) {
                    directory::forget_crashed(dir)?;
                    return Ok((index, false));
                }
                tracing::warn!(dir = %dir.display(), "search index damaged by a crash; rebuilding");
            }
            Ok(_) => {
                tracing::warn!(dir = %dir.display(), "search index has another schema; rebuilding");
            }
            Err(err) => {
                tracing::warn!(dir = %dir.display(), %err, "search index unreadable; rebuilding");
            }
        }
        std::fs::remove_dir_all(dir)?;
        std::fs::create_dir_all(dir)?;
        directory::mark(dir)?;
    }
    directory::forget_crashed(dir)?;
    let index = Index::create(
        UnsyncedDirectory::open(dir)?,
        schema.clone(),
        tantivy::IndexSettings::default(),
    )?;
    Ok((index, true))
}

/// Removes a file standing where the index directory or its parent (`index/`) belongs: the
/// index is derived data, so it is rebuilt rather than the server refusing to start.
fn clear_the_way(dir: &Path) -> Result<()> {
    for path in [dir.parent(), Some(dir)].into_iter().flatten() {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            continue;
        };
        if !meta.is_dir() {
            tracing::warn!(path = %path.display(), "a file stands where the search index belongs; removing it and rebuilding the index");
            std::fs::remove_file(path).map_err(|e| {
                Error::Unavailable(format!(
                    "{} should be the search index's directory and cannot be removed: {e}",
                    path.display()
                ))
            })?;
        }
    }
    Ok(())
}

/// Whether the index took in changes SQLite does not have: the database was put back to an
/// older copy under a newer index (restored by hand, or from a snapshot of the disk). The
/// sequences SQLite hands out next would then look indexed, and their changes never would be.
fn ahead_of_store(index: &Index, store: &Store) -> Result<bool> {
    let indexed = committed_seq(index)?;
    let stored = store.read_blocking(search_changes::last_seq)?;
    if indexed > stored {
        tracing::warn!(
            indexed,
            stored,
            "search index is ahead of the database; rebuilding"
        );
    }
    Ok(indexed > stored)
}

/// The change sequence stored with an index's last commit (0 for a new index).
pub fn committed_seq(index: &Index) -> Result<u64> {
    let metas = index.load_metas()?;
    Ok(metas.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
}

/// Commits pending documents, recording `seq` in the same commit so they never disagree.
fn commit(writer: &mut IndexWriter, seq: u64) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&seq.to_string());
    prepared.commit()?;
    Ok(())
}

/// Replaces the index's content with every item in SQLite. The sequence is read first:
/// changes racing with the rebuild are applied again afterwards, which is harmless.
fn rebuild<S: Source>(store: &Store, writer: &mut IndexWriter, fields: S::Fields) -> Result<u64> {
    rebuild_with::<S>(store, writer, fields, &mut || {})
}

fn rebuild_with<S: Source>(
    store: &Store,
    writer: &mut IndexWriter,
    fields: S::Fields,
    added: &mut dyn FnMut(),
) -> Result<u64> {
    let started = Instant::now();
    writer.delete_all_documents()?;
    let (seq, count) = store.read_blocking(|conn| {
        let seq = search_changes::last_seq(conn)?;
        Ok((seq, S::add_all(conn, writer, fields, added)?))
    })?;
    commit(writer, seq)?;
    tracing::info!(
        index = S::KIND.as_str(),
        items = count,
        ms = started.elapsed().as_millis() as u64,
        "search index rebuilt"
    );
    Ok(seq)
}

/// The distinct terms of `text` as `analyzer` indexes them, at most `max` (query parsing).
pub fn terms(
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    text: &str,
    max: usize,
) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<String> = Vec::new();
    while let Some(token) = stream.next() {
        if out.len() == max {
            break;
        }
        if !out.contains(&token.text) {
            out.push(token.text.clone());
        }
    }
    out
}

/// How `synaptiq reindex` rebuilt an index.
pub enum Reindexed {
    /// No server had the index open: rebuilt here; this many items.
    Here(u64),
    /// A running server holds the index: it was asked to rebuild and has done so.
    ByServer,
}

/// Rebuilds the index in `dir` from SQLite, safely beside a running server: if a server
/// holds the index, the rebuild is requested through the change log and awaited.
/// `progress` is told the total first, then called once per item added here.
pub fn reindex<S: Source>(
    dir: &Path,
    store: &Store,
    progress: &mut dyn FnMut(Progress),
) -> Result<Reindexed> {
    let (schema, fields) = S::schema();
    let (index, _) = open_or_create(dir, &schema)?;
    S::register_tokenizers(&index);
    match open_writer::<S>(&index) {
        Ok(mut writer) => {
            let total = store.read_blocking(|conn| S::count(conn))?;
            progress(Progress::Total(total));
            let count = std::cell::Cell::new(0u64);
            rebuild_with::<S>(store, &mut writer, fields, &mut || {
                count.set(count.get() + 1);
                progress(Progress::Added(count.get()));
            })?;
            Ok(Reindexed::Here(count.get()))
        }
        Err(tantivy::TantivyError::LockFailure(..)) => {
            let seq = store.write_blocking(|conn| {
                search_changes::record(conn, S::KIND, &TenantId::default_tenant(), EVERYTHING)
            })?;
            progress(Progress::Waiting);
            let deadline = Instant::now() + Duration::from_secs(600);
            while committed_seq(&index)? < seq {
                if Instant::now() > deadline {
                    return Err(Error::Unavailable(
                        "the running server did not rebuild its index within 10 minutes".into(),
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(Reindexed::ByServer)
        }
        Err(err) => Err(err.into()),
    }
}

/// What a reindex reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    Total(u64),
    Added(u64),
    /// Waiting for a running server to rebuild.
    Waiting,
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tantivy::doc;
    use tantivy::schema::{STORED, STRING};

    use super::*;

    fn schema() -> Schema {
        let mut builder = Schema::builder();
        builder.add_text_field("id", STRING | STORED);
        builder.build()
    }

    #[test]
    fn new_small_segments_merge_among_themselves_not_into_a_bigger_one() {
        let index = Index::create_in_ram(schema());
        let writer = open_writer::<crate::search::leads::Leads>(&index).unwrap();
        let segment =
            |docs| index.new_segment_meta(tantivy::index::SegmentId::generate_random(), docs);
        let small: Vec<_> = (0..8).map(|_| segment(20)).collect();
        let mut all = vec![segment(2_000)];
        all.extend(small.iter().cloned());
        let merges = writer.get_merge_policy().compute_merge_candidates(&all);
        let merged: Vec<HashSet<_>> = merges
            .iter()
            .map(|m| m.0.iter().copied().collect())
            .collect();
        let expected: HashSet<_> = small.iter().map(tantivy::SegmentMeta::id).collect();
        assert_eq!(merged, vec![expected]);
    }

    /// An index of two documents, written and left as a crash would leave it: this process's
    /// mark renamed to one of a process that is gone.
    fn crashed_index(dir: &Path) {
        let (index, fresh) = open_or_create(dir, &schema()).unwrap();
        assert!(fresh);
        let id = index.schema().get_field("id").unwrap();
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        writer.add_document(doc!(id => "a")).unwrap();
        writer.add_document(doc!(id => "b")).unwrap();
        commit(&mut writer, 2).unwrap();
        drop(writer);
        let ours = dir.join(format!("writing.{}", std::process::id()));
        std::fs::rename(ours, dir.join("writing.4000000000")).unwrap();
    }

    fn marks(dir: &Path) -> Vec<String> {
        let mut marks: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("writing."))
            .collect();
        marks.sort();
        marks
    }

    #[test]
    fn an_intact_index_left_by_a_crash_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        crashed_index(dir.path());
        let (index, fresh) = open_or_create(dir.path(), &schema()).unwrap();
        assert!(!fresh);
        assert_eq!(committed_seq(&index).unwrap(), 2);
        assert_eq!(
            marks(dir.path()),
            [format!("writing.{}", std::process::id())]
        );
        directory::sync_and_unmark(dir.path()).unwrap();
        assert!(marks(dir.path()).is_empty());
    }

    #[test]
    fn a_damaged_or_missing_file_after_a_crash_rebuilds_the_index() {
        for damage in ["flip a byte", "delete"] {
            let dir = tempfile::tempdir().unwrap();
            crashed_index(dir.path());
            let segment_file = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|e| e == "idx"))
                .unwrap();
            if damage == "delete" {
                std::fs::remove_file(&segment_file).unwrap();
            } else {
                let mut bytes = std::fs::read(&segment_file).unwrap();
                bytes[0] ^= 0xff;
                std::fs::write(&segment_file, bytes).unwrap();
            }
            let (index, fresh) = open_or_create(dir.path(), &schema()).unwrap();
            assert!(fresh, "{damage}: the damaged index was kept");
            assert_eq!(committed_seq(&index).unwrap(), 0);
            assert_eq!(
                marks(dir.path()),
                [format!("writing.{}", std::process::id())]
            );
        }
    }
}
