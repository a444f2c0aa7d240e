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
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::error::Error;

    fn tenants(store: &Store) -> i64 {
        store
            .read_blocking(|conn| {
                Ok(conn.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?)
            })
            .unwrap()
    }

    fn add_tenant(conn: &Connection, id: &str) -> Result<()> {
        conn.execute(
            "INSERT INTO tenants VALUES (?1, 'Acme', 0, 0)",
            rusqlite::params![id],
        )?;
        Ok(())
    }

    /// Bytes of page cache `conn` holds (SQLITE_DBSTATUS_CACHE_USED).
    #[allow(unsafe_code)]
    fn cache_used(conn: &Connection) -> i32 {
        let (mut current, mut highest) = (0, 0);
        // SAFETY: the handle is open for the borrow's length; the outputs are plain integers.
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                &mut current,
                &mut highest,
                0,
            )
        };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        current
    }

    #[test]
    fn a_statement_with_a_bound_limit_is_not_prepared_again_for_each_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        store
            .read_blocking(|conn| {
                let mut stmt = conn.prepare_cached("SELECT id FROM tenants LIMIT ?1")?;
                for limit in 1..4 {
                    stmt.query_map([limit], |r| r.get::<_, String>(0))?
                        .for_each(drop);
                }
                assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
                Ok(())
            })
            .unwrap();
    }

    /// Statements prepared on `conn` and not yet finalized: those its cache holds.
    #[allow(unsafe_code)]
    fn live_statements(conn: &Connection) -> usize {
        let mut count = 0;
        // SAFETY: the handle is open for the borrow's length, and no statement is finalized
        // while the list is walked.
        unsafe {
            let mut stmt = rusqlite::ffi::sqlite3_next_stmt(conn.handle(), std::ptr::null_mut());
            while !stmt.is_null() {
                count += 1;
                stmt = rusqlite::ffi::sqlite3_next_stmt(conn.handle(), stmt);
            }
        }
        count
    }

    #[test]
    fn the_statement_cache_holds_more_statements_than_the_store_has() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let kept = store
            .read_blocking(|conn| {
                for n in 0..STATEMENT_CACHE {
                    conn.prepare_cached(&format!("SELECT {n}"))?;
                }
                Ok(live_statements(conn))
            })
            .unwrap();
        assert_eq!(kept, STATEMENT_CACHE);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        let sites: usize = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
            .map(|source| source.matches("prepare_cached(").count())
            .sum();
        assert!(
            sites < STATEMENT_CACHE,
            "{sites} cached statements in the store"
        );
    }

    #[tokio::test]
    async fn idle_readers_give_their_page_cache_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        store
            .write(|conn| {
                for n in 0..3000 {
                    add_tenant(conn, &format!("tenant-{n}"))?;
                }
                Ok(())
            })
            .await
            .unwrap();
        let read_all = |conn: &Connection| {
            let names: i64 =
                conn.query_row("SELECT sum(length(name)) FROM tenants", [], |r| r.get(0))?;
            Ok((names, cache_used(conn)))
        };
        let (_, filled) = store.read_blocking(read_all).unwrap();
        assert!(filled > 64 * 1024, "a full scan caches pages: {filled}");
        store.release_idle_caches();
        let left = store.read_blocking(|conn| Ok(cache_used(conn))).unwrap();
        assert!(left < filled / 4, "{left} of {filled} bytes still cached");
    }

    #[tokio::test]
    async fn a_quick_read_runs_on_the_calling_thread_only_when_a_reader_is_idle() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let here = std::thread::current().id();
        let on_thread = |store: &Store| {
            let store = store.clone();
            async move {
                store
                    .read_quick(|_| Ok(std::thread::current().id()))
                    .await
                    .unwrap()
            }
        };
        // The pool opens readers on demand: the first read has none idle and hands off.
        assert_ne!(on_thread(&store).await, here);
        assert_eq!(on_thread(&store).await, here);
        let held = store.readers.try_get().unwrap();
        assert_ne!(on_thread(&store).await, here);
        drop(held);
        store.close();
    }

    #[tokio::test]
    async fn a_pipelined_write_answers_with_its_value_then_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let before = tenants(&store);
        let (value, durable) = store
            .write_pipelined(|conn| add_tenant(conn, "acme").map(|()| 7))
            .await
            .unwrap();
        assert_eq!(value, 7);
        durable.clone().wait().await.unwrap();
        durable.wait().await.unwrap();
        assert_eq!(tenants(&store), before + 1);
        store.close();
    }

    #[tokio::test]
    async fn a_part_kept_apart_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let before = tenants(&store);
        let outcome = store
            .write(|conn| {
                add_tenant(conn, "kept")?;
                savepoint(conn, |conn| {
                    add_tenant(conn, "undone")?;
                    Err::<(), _>(Error::invalid("agent", "failed"))
                })
            })
            .await
            .unwrap();
        assert!(matches!(outcome, Err(Error::Invalid { .. })));
        let done = store
            .write(|conn| savepoint(conn, |conn| add_tenant(conn, "done")))
            .await
            .unwrap();
        assert!(done.is_ok());
        let ids: Vec<String> = store
            .read_blocking(|conn| {
                let mut stmt = conn.prepare("SELECT id FROM tenants ORDER BY id")?;
                let ids = stmt.query_map([], |r| r.get(0))?;
                Ok(ids.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        assert_eq!(tenants(&store), before + 2);
        assert!(ids.contains(&"kept".to_owned()) && ids.contains(&"done".to_owned()));
        assert!(!ids.contains(&"undone".to_owned()));
    }

    /// Writes back to back, and short reads all the while: without the writer's own
    /// checkpoint, the WAL grew by every byte written.
    #[test]
    fn the_wal_stays_bounded_under_sustained_writes_and_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synaptiq.db");
        let limit = 1 << 20;
        let store = Store::open_with(&path, limit, LINGER).unwrap();
        store
            .write_blocking(|c| Ok(c.execute_batch("CREATE TABLE blobs (b BLOB)")?))
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (store, stop) = (store.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let rows: i64 = store
                        .read_blocking(|c| {
                            Ok(c.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?)
                        })
                        .unwrap();
                    assert!(rows >= 0);
                }
            })
        };
        let mut largest = 0;
        for _ in 0..40 {
            let queued: Vec<_> = (0..100)
                .map(|_| {
                    store
                        .write_queued(|c| {
                            c.execute("INSERT INTO blobs VALUES (zeroblob(4000))", [])?;
                            Ok(())
                        })
                        .unwrap()
                })
                .collect();
            queued.into_iter().for_each(|w| w.wait().unwrap());
            largest = largest.max(
                std::fs::metadata(dir.path().join("synaptiq.db-wal"))
                    .unwrap()
                    .len(),
            );
        }
        stop.store(true, Ordering::Relaxed);
        reader.join().unwrap();
        // 16 MB were written; the WAL may pass the limit by what one group commit adds.
        assert!(largest < 2 * limit, "the WAL grew to {largest} bytes");
        store.close();
    }

    /// A store whose lingering writes wait `linger` for the next write.
    fn lingering_store(dir: &Path, linger: Duration) -> Store {
        Store::open_with(&dir.join("synaptiq.db"), WAL_LIMIT, linger).unwrap()
    }

    /// Adds tenant `id` in a lingering write; answers its commit.
    async fn add_lingering(store: &Store, id: &'static str) -> Durable {
        let ((), durable) = store
            .write_lingering(move |conn| add_tenant(conn, id))
            .await
            .unwrap();
        durable
    }

    /// `future`'s output; the test fails if it takes 10 s (a wait that never ends).
    async fn soon<T>(future: impl std::future::Future<Output = T>, what: &str) -> T {
        tokio::time::timeout(Duration::from_secs(10), future)
            .await
            .unwrap_or_else(|_| panic!("{what} never came"))
    }

    async fn settled(durable: Durable) -> Result<()> {
        soon(durable.wait(), "the lingering write's commit").await
    }

    #[tokio::test]
    async fn lingering_writes_commit_with_the_next_write_that_does_not_linger() {
        let dir = tempfile::tempdir().unwrap();
        let store = lingering_store(dir.path(), Duration::from_secs(600));
        let before = tenants(&store);
        let first = add_lingering(&store, "first").await;
        let second = add_lingering(&store, "second").await;
        assert_eq!(
            tenants(&store),
            before,
            "readers see nothing before the commit"
        );
        let third = store.write(|conn| add_tenant(conn, "third"));
        soon(third, "the write that does not linger").await.unwrap();
        settled(first).await.unwrap();
        settled(second).await.unwrap();
        assert_eq!(tenants(&store), before + 3);
        store.close();
    }

    #[tokio::test]
    async fn a_lingering_write_commits_alone_once_its_wait_is_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = lingering_store(dir.path(), Duration::from_millis(20));
        let before = tenants(&store);
        let durable = add_lingering(&store, "alone").await;
        settled(durable).await.unwrap();
        assert_eq!(tenants(&store), before + 1);
        store.close();
    }

    #[tokio::test]
    async fn a_write_alone_a_flush_or_closing_ends_the_wait_and_keeps_the_lingering_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = lingering_store(dir.path(), Duration::from_secs(600));
        let before = tenants(&store);
        let durable = add_lingering(&store, "lingering").await;
        let alone = store.write_alone(|conn| add_tenant(conn, "alone"));
        soon(alone, "the write alone").await.unwrap();
        settled(durable).await.unwrap();
        assert_eq!(tenants(&store), before + 2);
        let durable = add_lingering(&store, "flushed").await;
        soon(store.flush(), "the flush").await.unwrap();
        settled(durable).await.unwrap();
        assert_eq!(tenants(&store), before + 3);
        let durable = add_lingering(&store, "at close").await;
        let closing = tokio::task::spawn_blocking({
            let store = store.clone();
            move || store.close()
        });
        soon(closing, "the close").await.unwrap();
        settled(durable).await.unwrap();
        let reopened = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        assert_eq!(tenants(&reopened), before + 4);
        reopened.close();
    }

    #[tokio::test]
    async fn a_failing_pipelined_write_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let before = tenants(&store);
        let failed = store
            .write_pipelined(|conn| {
                add_tenant(conn, "first")?;
                add_tenant(conn, "first")
            })
            .await;
        assert!(failed.is_err());
        let ((), durable) = store
            .write_pipelined(|conn| add_tenant(conn, "second"))
            .await
            .unwrap();
        durable.wait().await.unwrap();
        assert_eq!(tenants(&store), before + 1);
        store.close();
    }
}
