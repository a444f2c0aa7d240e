//! The indexer thread: follows the change log, applies changes and early documents to the
//! writer, commits at most once per refresh interval, and prunes what the index absorbed.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::IndexWriter;

use super::{EVERYTHING, Inner, Source, commit, committed_seq, lock, open_writer, rebuild};
use crate::error::{Error, Result};
use crate::search::directory;
use crate::store::Store;
use crate::store::search_changes;

/// Changes applied per commit at most, so catching up after an import stays responsive.
const CATCH_UP_BATCH: usize = 10_000;
/// How often the indexer looks for changes written by other processes (CLI import, restore).
const POLL: Duration = Duration::from_secs(1);
/// An index writer idle this long is closed: it holds ~15 MB of buffers and three threads,
/// and reopening one when the next change arrives takes a few milliseconds.
const WRITER_IDLE: Duration = Duration::from_secs(10);
/// How often indexed changes are pruned from the log (a write, so not every commit).
const PRUNE_EVERY: Duration = Duration::from_secs(10);

/// Starts the indexer thread of `inner`, woken through `woken`.
pub(super) fn start<S: Source>(
    inner: Arc<Inner<S>>,
    store: &Store,
    refresh: Duration,
    woken: crossbeam_channel::Receiver<()>,
) -> Result<JoinHandle<()>> {
    let worker = Indexer::<S> {
        inner,
        store: store.clone(),
        writer: None,
        refresh,
        last_prune: Instant::now(),
        last_change: Instant::now(),
    };
    Ok(std::thread::Builder::new()
        .name(format!("{}-indexer", S::KIND.as_str()))
        .spawn(move || worker.run(&woken))?)
}

struct Indexer<S: Source> {
    inner: Arc<Inner<S>>,
    store: Store,
    /// Open while changes keep arriving; closed after `WRITER_IDLE`.
    writer: Option<IndexWriter>,
    refresh: Duration,
    last_prune: Instant,
    last_change: Instant,
}

impl<S: Source> Indexer<S> {
    fn run(mut self, woken: &crossbeam_channel::Receiver<()>) {
        // A commit is a burst of CPU on up to three threads (tantivy's, which inherit this)
        // that a lower niceness still lets delay a woken request, so indexing runs only on
        // idle CPU; under load it falls behind until the load lets up, searches show the last
        // commit meanwhile, and `wait_for` gives up after 30 s.
        crate::idle_priority::run_only_when_idle();
        let mut last_cycle = Instant::now()
            .checked_sub(self.refresh)
            .unwrap_or_else(Instant::now);
        loop {
            let _ = woken.recv_timeout(POLL);
            let stopping = self.inner.stop.load(Ordering::SeqCst);
            if let Err(err) = self.add_early() {
                tracing::error!(%err, index = S::KIND.as_str(), "indexing failed; retrying");
                self.drop_writer();
            }
            if stopping {
                lock(&self.inner.early).abandon_running();
            } else if lock(&self.inner.early).writing() {
                continue;
            }
            if !stopping {
                // At most one commit per refresh interval, counted from the start of the last
                // cycle: under load a change waits at most one interval plus one cycle.
                std::thread::sleep(self.refresh.saturating_sub(last_cycle.elapsed()));
            }
            last_cycle = Instant::now();
            match self.catch_up() {
                Ok(()) => self.inner.healthy.store(true, Ordering::Relaxed),
                Err(err) => {
                    self.inner.healthy.store(false, Ordering::Relaxed);
                    tracing::error!(%err, index = S::KIND.as_str(), "indexing failed; retrying");
                    // A writer whose commit failed (a full disk) may have lost what it held:
                    // the next cycle starts a fresh one from the last commit, and SQLite's
                    // change log brings everything since.
                    self.drop_writer();
                }
            }
            if stopping {
                break;
            }
        }
    }

    /// Adds the documents handed over early to the writer.
    fn add_early(&mut self) -> Result<()> {
        let queued = lock(&self.inner.early).take_queued();
        if queued.is_empty() {
            return Ok(());
        }
        self.last_change = Instant::now();
        let (fields, inner) = (self.inner.fields, Arc::clone(&self.inner));
        let writer = self.writer()?;
        for item in queued {
            writer.delete_term(S::item_term(fields, &item.item));
            for document in item.documents {
                writer.add_document(document)?;
            }
            lock(&inner.early).in_writer(&item.item);
        }
        Ok(())
    }

    /// Items whose early documents are in the writer but whose write failed: indexed again
    /// as SQLite has them, before anything is committed.
    fn undo_failed_early(&mut self) -> Result<()> {
        let failed = lock(&self.inner.early).take_failed();
        if failed.is_empty() {
            return Ok(());
        }
        let (fields, store) = (self.inner.fields, self.store.clone());
        let writer: &IndexWriter = self.writer()?;
        store.read_blocking(|conn| {
            for (tenant, item) in &failed {
                writer.delete_term(S::item_term(fields, item));
                S::add_item(conn, writer, fields, tenant, item)?;
            }
            Ok(())
        })
    }

    fn drop_writer(&mut self) {
        self.writer = None;
        lock(&self.inner.early).writer_lost();
    }

    /// Applies every change after the committed sequence, committing once per batch.
    fn catch_up(&mut self) -> Result<()> {
        self.follow_other_writers()?;
        self.undo_failed_early()?;
        // Items changed in this catch-up: their delete reached any early documents too.
        let mut touched: HashSet<String> = HashSet::new();
        loop {
            let after = *self.inner.committed.borrow();
            let changes = self.store.read_blocking(|conn| {
                search_changes::after(conn, S::KIND, after, CATCH_UP_BATCH)
            })?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                self.close_idle_writer();
                return Ok(());
            };
            self.last_change = Instant::now();
            let (fields, store, inner) = (
                self.inner.fields,
                self.store.clone(),
                Arc::clone(&self.inner),
            );
            let writer = self.writer()?;
            let reached = if changes.iter().any(|c| c.item_id == EVERYTHING) {
                lock(&inner.early).writer_lost();
                rebuild::<S>(&store, writer, fields)?.max(last)
            } else {
                let shared: &IndexWriter = writer;
                store.read_blocking(|conn| {
                    for change in &changes {
                        let fresh = touched.insert(change.item_id.clone());
                        if fresh && lock(&inner.early).has(&change.item_id, change.seq) {
                            continue;
                        }
                        shared.delete_term(S::item_term(fields, &change.item_id));
                        match lock(&inner.staged).remove(&change.seq) {
                            Some(documents) => {
                                for document in documents {
                                    shared.add_document(document)?;
                                }
                            }
                            None => {
                                S::add_item(conn, shared, fields, &change.tenant, &change.item_id)?;
                            }
                        }
                    }
                    Ok(())
                })?;
                commit(writer, last)?;
                last
            };
            self.inner.reader.reload()?;
            self.inner.committed.send_replace(reached);
            lock(&self.inner.early).committed(reached);
            // Staged by a writer that lost the race with this catch-up (or with a rebuild).
            lock(&self.inner.staged).retain(|seq, _| *seq > reached);
            self.prune(reached);
            if changes.len() < CATCH_UP_BATCH {
                return Ok(());
            }
        }
    }

    /// The writer, opened on demand.
    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            self.writer = Some(open_writer::<S>(&self.inner.index)?);
            // Someone else (`synaptiq reindex`) may have committed while we held no writer.
            self.follow_other_writers()?;
        }
        self.writer
            .as_mut()
            .ok_or_else(|| Error::internal("index writer missing"))
    }

    fn close_idle_writer(&mut self) {
        if self.writer.is_some() && self.last_change.elapsed() >= WRITER_IDLE {
            self.drop_writer();
        }
    }

    /// Picks up a commit made by another process (an offline `synaptiq reindex`).
    fn follow_other_writers(&mut self) -> Result<()> {
        let on_disk = committed_seq(&self.inner.index)?;
        if on_disk > *self.inner.committed.borrow() {
            self.inner.reader.reload()?;
            self.inner.committed.send_replace(on_disk);
        }
        Ok(())
    }

    /// Drops changes the index has absorbed, now and then, once they are durable in it: its
    /// commits are not synced, and after a crash the index resumes from what reached the
    /// disk, reading the changes since from this log.
    fn prune(&mut self, seq: u64) {
        if self.last_prune.elapsed() < PRUNE_EVERY {
            return;
        }
        self.last_prune = Instant::now();
        if let Err(err) = directory::sync(&self.inner.dir) {
            tracing::warn!(%err, "could not sync the search index; the change log is kept");
            return;
        }
        let pruned = self
            .store
            .write_blocking(move |conn| search_changes::prune(conn, S::KIND, seq));
        if let Err(err) = pruned {
            tracing::warn!(%err, "could not prune the search change log");
        }
    }
}
