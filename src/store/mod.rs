//! SQLite, the source of truth: a pool of readers and one writer thread that commits in groups.
//!
//! Each write runs in its own SAVEPOINT inside a transaction shared with whatever else was
//! queued, so a failing request rolls back alone; the batch commits once with
//! `synchronous=FULL` and only then is every caller answered. An acknowledged write therefore
//! survives power loss, at a fraction of the cost of one fsync per request.

pub mod analytics;
pub mod api_keys;
pub mod backup;
mod checkpoint;
pub mod conversations;
pub mod documents;
pub mod events;
pub mod key_cache;
pub mod lead_matches;
pub mod leads;
pub mod llm;
pub mod meetings;
pub mod migrate;
mod pool;
pub mod search_changes;
pub mod sessions;
pub mod settings;
pub mod tenants;
pub mod webhooks;
mod writer;

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use futures_util::future::{BoxFuture, Shared};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use rusqlite::config::DbConfig;
use tokio::sync::{oneshot, watch};

use crate::error::Result;
use checkpoint::{Checkpointer, WAL_LIMIT, WalBound, start_checkpointer};
use writer::{Message, run_cached, watch_deliveries, write_loop, writer_stopped};

pub use rusqlite::Connection as Conn;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Pooled read connections; also bounds the blocking threads the runtime keeps.
pub const READERS: u32 = 4;
/// Prepared statements each connection keeps: more than the store has (about 70).
const STATEMENT_CACHE: usize = 128;
/// How long a transaction holding only lingering writes ([`Store::write_lingering`]) stays
/// open for the write that will settle them, because a commit after idle costs a full fsync
/// and a chat turn's commits one after the other would be most of its time; against a real
/// model, which takes far longer, the wait runs out and the commit happens long before the
/// reply is written.
pub const LINGER: Duration = Duration::from_millis(10);

/// Resolves once a pipelined write's commit is durable, or with why it failed. Clones
/// share the one commit.
#[derive(Clone)]
pub struct Durable(Shared<BoxFuture<'static, Result<()>>>);

impl Durable {
    pub async fn wait(self) -> Result<()> {
        self.0.await
    }
}

#[derive(Clone)]
pub struct Store {
    readers: r2d2::Pool<SqliteConnectionManager>,
    jobs: crossbeam_channel::Sender<Message>,
    writer: std::sync::Arc<WriterHandle>,
    /// Counts durable commits that queued or rescheduled webhook deliveries, so the delivery
    /// worker wakes for new work and not for every commit.
    deliveries: watch::Receiver<u64>,
}

struct WriterHandle {
    thread: std::sync::Mutex<Option<JoinHandle<()>>>,
    checkpointer: std::sync::Mutex<Option<Checkpointer>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, WAL_LIMIT, LINGER)
    }

    fn open_with(path: &Path, wal_limit: u64, linger: Duration) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrate::run(&mut conn)?;
        // Checkpoints run on their own thread: inside a commit they held up every queued write
        // for the time it takes to copy a thousand pages and fsync the database file.
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {wal_limit};"
        ))?;
        let bound = WalBound::new(&conn, wal_limit)?;
        let checkpointer = start_checkpointer(path)?;
        let readers = pool::open(path)?;
        let (jobs, queue) = crossbeam_channel::unbounded::<Message>();
        let (queued, deliveries) = watch::channel(0u64);
        let touched = watch_deliveries(&conn)?;
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(&conn, &queue, &touched, &queued, bound, linger))?;
        Ok(Self {
            readers,
            jobs,
            deliveries,
            writer: std::sync::Arc::new(WriterHandle {
                thread: std::sync::Mutex::new(Some(thread)),
                checkpointer: std::sync::Mutex::new(Some(checkpointer)),
            }),
        })
    }

    /// Changes after every durable commit that inserted or updated a webhook delivery.
    pub fn delivery_changes(&self) -> watch::Receiver<u64> {
        self.deliveries.clone()
    }

    /// Runs `f` in the writer's next group commit; answers once the commit is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        self.submit(f, tx)?;
        rx.await.map_err(|_| writer_stopped())?
    }

    /// Runs `f` in the writer's next group commit and answers as soon as `f` has run, with
    /// its value and a [`Durable`] for the commit, which may still be under way: a caller
    /// with slow work ahead (asking a language model) overlaps it with the fsync. The commit
    /// can still fail, so nothing built on the value may reach a client before
    /// [`Durable::wait`] succeeds. Pool readers do not see the write until it commits.
    pub async fn write_pipelined<T, F>(&self, f: F) -> Result<(T, Durable)>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.pipelined(f, false).await
    }

    /// Like [`Store::write_pipelined`], but the commit may wait up to [`LINGER`] for the
    /// caller's next write and share its fsync: for a write whose durability nobody awaits
    /// before that next write is durable too (a chat turn's visitor message and tool calls,
    /// answered with the reply). Another lingering write joins the wait; any other write,
    /// [`Store::write_alone`] or [`Store::close`] ends it, and [`Store::flush`] ends it
    /// with nothing of its own.
    pub async fn write_lingering<T, F>(&self, f: F) -> Result<(T, Durable)>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.pipelined(f, true).await
    }

    /// Commits whatever lingers (see [`Store::write_lingering`]); answers once durable.
    pub async fn flush(&self) -> Result<()> {
        self.write(|_| Ok(())).await
    }

    /// The blocking twin of [`Store::write`], for CLI commands and blocking threads.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.write_queued(f)?.wait()
    }

    /// Queues `f` for the writer's next group commit and returns at once, so a blocking
    /// caller can prepare its next write while this one commits.
    pub fn write_queued<T, F>(&self, f: F) -> Result<QueuedWrite<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        self.submit(f, tx)?;
        Ok(QueuedWrite(rx))
    }

    /// Like [`Store::write_queued`], but `f` runs in a transaction of its own, outside the
    /// savepoint that isolates grouped writes: for a write of thousands of rows (a CSV
    /// import batch). Under an open savepoint, SQLite keeps each changed page's original in
    /// an in-memory sub-journal and walks that journal from its start whenever a statement
    /// ends, so a large write inside one grew quadratically (80 % of an import's CPU).
    /// Savepoints that `f` opens itself are outermost here, and stay cheap.
    pub fn write_alone_queued<T, F>(&self, f: F) -> Result<QueuedWrite<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        self.submit_alone(f, tx)?;
        Ok(QueuedWrite(rx))
    }

    /// The async twin of [`Store::write_alone_queued`], for one large write a request makes
    /// (a document's thousands of chunks); answers once its commit is durable.
    pub async fn write_alone<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        self.submit_alone(f, tx)?;
        rx.await.map_err(|_| writer_stopped())?
    }

    /// Gives the writer's connection a page cache of `mib` MiB (1 by default), for a
    /// command that writes a lot in few transactions: with the default, each import batch
    /// spilled pages to the WAL mid-transaction and read index pages back from the OS.
    pub fn enlarge_write_cache(&self, mib: u32) -> Result<()> {
        self.write_blocking(move |conn| {
            conn.execute_batch(&format!("PRAGMA cache_size = -{}", u64::from(mib) * 1024))?;
            Ok(())
        })
    }

    /// Stops the writer after it has committed everything queued, and checkpoints the WAL.
    pub fn close(&self) {
        let checkpointer = self
            .writer
            .checkpointer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(Checkpointer { stop, thread }) = checkpointer {
            let _ = stop.send(());
            let _ = thread.join();
        }
        let _ = self.jobs.send(Message::Close);
        let handle = self
            .writer
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

/// A write handed to the writer; [`QueuedWrite::wait`] blocks until its commit is durable.
pub struct QueuedWrite<T>(oneshot::Receiver<Result<T>>);

impl<T> QueuedWrite<T> {
    pub fn wait(self) -> Result<T> {
        self.0.blocking_recv().map_err(|_| writer_stopped())?
    }
}

/// Every connection: WAL, durable commits, enforced foreign keys, and a 1 MiB page cache
/// (five connections; the OS page cache holds the rest of the file). Temporary storage in
/// memory keeps each write's savepoint journal off the disk: spilled to a temp file, it cost
/// a file creation per group commit.
///
/// Two settings keep statements from being compiled again on every use, which a profile of
/// the mixed load found taking 12 % of the server's CPU: the statement cache holds every
/// statement the store has (rusqlite keeps 16 by default, fewer than one chat turn and its
/// webhook delivery use, so each turn evicted and re-parsed statements), and the query
/// planner stability guarantee (QPSG) stops SQLite from planning with bound values: it
/// folds a bound `LIMIT ?` into the plan and then re-prepares the statement each time the
/// limit is bound again, as the webhook worker's due query was hundreds of times a second.
/// No partial index here depends on a bound value to be used.
pub(super) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -1024;
         PRAGMA temp_store = MEMORY;",
    )
}

/// Frees the pages of `conn`'s cache that no statement holds; they are read again from the
/// OS's page cache when next needed.
pub(super) fn release_cache(conn: &Connection) {
    if let Err(err) = conn.release_memory() {
        tracing::warn!(%err, "releasing SQLite's page cache failed");
    }
}

/// Runs `f` in a savepoint of its own inside the current write: if it fails, what it wrote
/// is rolled back alone and the rest of the write still commits. The outer error is the
/// savepoint's own (the whole write fails); the inner one is `f`'s.
pub fn savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T>,
) -> Result<Result<T>> {
    run_cached(conn, "SAVEPOINT part")?;
    match f(conn) {
        Ok(value) => {
            run_cached(conn, "RELEASE part")?;
            Ok(Ok(value))
        }
        Err(err) => {
            conn.execute_batch("ROLLBACK TO part; RELEASE part")?;
            Ok(Err(err))
        }
    }
}

#[cfg(test)]
mod tests;
