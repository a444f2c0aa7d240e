//! SQLite, the source of truth: a pool of readers and one writer thread that commits in groups.
//!
//! Each write runs in its own SAVEPOINT inside a transaction shared with whatever else was
//! queued, so a failing request rolls back alone; the batch commits once with
//! `synchronous=FULL` and only then is every caller answered. An acknowledged write therefore
//! survives power loss, at a fraction of the cost of one fsync per request.

pub mod analytics;
pub mod api_keys;
pub mod backup;
pub mod conversations;
pub mod documents;
pub mod events;
pub mod key_cache;
pub mod lead_matches;
pub mod leads;
pub mod llm;
pub mod meetings;
pub mod migrate;
pub mod search_changes;
pub mod sessions;
pub mod settings;
pub mod tenants;
pub mod webhooks;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use rusqlite::config::DbConfig;
use tokio::sync::{oneshot, watch};

use crate::error::{Error, Result};

pub use rusqlite::Connection as Conn;

/// Most writes queued behind one commit; bounds the latency a large batch adds.
const MAX_BATCH: usize = 512;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the WAL is copied into the database file, off the writer's thread.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL size (bytes) past which the writer checkpoints it itself, between two transactions,
/// so that the next one starts it over; also the size SQLite truncates it to then.
const WAL_LIMIT: u64 = 64 << 20;
/// How long the writer waits for readers when it starts the WAL over.
const RESTART_WAIT: Duration = Duration::from_millis(20);
/// Pooled read connections; also bounds the blocking threads the runtime keeps.
pub const READERS: u32 = 4;
/// Prepared statements each connection keeps: more than the store has (about 70).
const STATEMENT_CACHE: usize = 128;
/// A writer with nothing queued this long gives its unused page cache back.
const WRITER_QUIET: Duration = Duration::from_secs(5);
/// How long a transaction holding only lingering writes ([`Store::write_lingering`]) stays
/// open for the write that will settle them, because a commit after idle costs a full fsync
/// and a chat turn's commits one after the other would be most of its time; against a real
/// model, which takes far longer, the wait runs out and the commit happens long before the
/// reply is written.
pub const LINGER: Duration = Duration::from_millis(10);

/// What the writer does with a queued write: run it in the open transaction, or refuse it.
trait Job: Send {
    /// Runs inside the job's savepoint. `Some` holds the answer to send once the batch's
    /// commit is known; `None` means it failed and has answered already.
    fn run(self: Box<Self>, conn: &Connection) -> Option<Reply>;
    fn fail(self: Box<Self>, err: Error);
    /// Whether its commit may wait for the next write (see [`LINGER`]).
    fn lingers(&self) -> bool {
        false
    }
}

type Reply = Box<dyn FnOnce(Result<()>) + Send>;

struct Write<F, T> {
    f: F,
    tx: oneshot::Sender<Result<T>>,
}

impl<F, T> Job for Write<F, T>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(self: Box<Self>, conn: &Connection) -> Option<Reply> {
        let Write { f, tx } = *self;
        match guarded(f, conn)? {
            Ok(value) => Some(Box::new(move |committed: Result<()>| {
                let _ = tx.send(committed.map(|()| value));
            })),
            Err(err) => {
                let _ = tx.send(Err(err));
                None
            }
        }
    }

    fn fail(self: Box<Self>, err: Error) {
        let _ = self.tx.send(Err(err));
    }
}

/// A write whose caller is answered as soon as it has run, and told separately when its
/// commit is durable (see [`Store::write_pipelined`]).
struct Pipelined<F, T> {
    f: F,
    ran: oneshot::Sender<Result<T>>,
    committed: oneshot::Sender<Result<()>>,
    lingers: bool,
}

impl<F, T> Job for Pipelined<F, T>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(self: Box<Self>, conn: &Connection) -> Option<Reply> {
        let Pipelined {
            f, ran, committed, ..
        } = *self;
        let outcome = guarded(f, conn)?;
        let succeeded = outcome.is_ok();
        let _ = ran.send(outcome);
        succeeded.then(|| -> Reply {
            Box::new(move |commit: Result<()>| {
                let _ = committed.send(commit);
            })
        })
    }

    fn fail(self: Box<Self>, err: Error) {
        let _ = self.ran.send(Err(err));
    }

    fn lingers(&self) -> bool {
        self.lingers
    }
}

/// Runs a write's closure. A panic must not take the writer thread down with it: it is
/// `None`, the caller gets an error (its channel is dropped) and the savepoint rolls back.
fn guarded<T>(f: impl FnOnce(&Connection) -> Result<T>, conn: &Connection) -> Option<Result<T>> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn)));
    if outcome.is_err() {
        tracing::error!("a database write panicked; rolled back");
    }
    outcome.ok()
}

/// Resolves once a pipelined write's commit is durable, or with why it failed. Clones
/// share the one commit.
#[derive(Clone)]
pub struct Durable(Shared<BoxFuture<'static, Result<()>>>);

impl Durable {
    pub async fn wait(self) -> Result<()> {
        self.0.await
    }
}

enum Message {
    Write(Box<dyn Job>),
    /// A large write in a transaction of its own (see [`Store::write_alone_queued`]).
    WriteAlone(Box<dyn Job>),
    /// Commit what is queued before this, then stop.
    Close,
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

/// The thread that copies the WAL back into the database file, and the way to stop it.
struct Checkpointer {
    stop: crossbeam_channel::Sender<()>,
    thread: JoinHandle<()>,
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
        let manager = SqliteConnectionManager::file(path).with_init(|c| configure(c));
        let readers = r2d2::Pool::builder()
            .max_size(READERS)
            // Connections open on demand; with a minimum kept idle, taking every idle one in
            // `release_idle_caches` would open another.
            .min_idle(Some(0))
            .connection_timeout(BUSY_TIMEOUT)
            .build(manager)?;
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

    /// Runs `f` on a pooled read connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || f(&*pool.get()?))
            .await
            .map_err(Error::internal)?
    }

    /// Like [`Store::read`], but on the calling thread when a reader is idle: for reads
    /// bounded by a small constant (counter tables), which take less time than the hand-off
    /// to a blocking thread and back, since under load each hand-off waits for a thread to be
    /// scheduled.
    pub async fn read_quick<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        match self.readers.try_get() {
            Some(conn) => f(&conn),
            None => self.read(f).await,
        }
    }

    /// Gives the unused page cache of every reader idle in the pool back to the allocator
    /// (each holds up to 1 MiB); the writer does the same once it is quiet.
    pub fn release_idle_caches(&self) {
        let idle = self.readers.state().idle_connections;
        let held: Vec<_> = (0..idle).map_while(|_| self.readers.try_get()).collect();
        for conn in &held {
            release_cache(conn);
        }
    }

    /// Runs `f` synchronously on a pooled read connection (for blocking contexts).
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&*self.readers.get()?)
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

    async fn pipelined<T, F>(&self, f: F, lingers: bool) -> Result<(T, Durable)>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (ran, value) = oneshot::channel::<Result<T>>();
        let (committed, commit) = oneshot::channel::<Result<()>>();
        let job = Pipelined {
            f,
            ran,
            committed,
            lingers,
        };
        self.send(Message::Write(Box::new(job)))?;
        let value = value.await.map_err(|_| writer_stopped())??;
        let durable = async move { commit.await.map_err(|_| writer_stopped())? };
        Ok((value, Durable(durable.boxed().shared())))
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
        self.send(Message::WriteAlone(Box::new(Write { f, tx })))?;
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
        self.send(Message::WriteAlone(Box::new(Write { f, tx })))?;
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

    fn submit<T, F>(&self, f: F, tx: oneshot::Sender<Result<T>>) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.send(Message::Write(Box::new(Write { f, tx })))
    }

    fn send(&self, message: Message) -> Result<()> {
        self.jobs.send(message).map_err(|_| writer_stopped())
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
fn configure(conn: &Connection) -> rusqlite::Result<()> {
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
fn release_cache(conn: &Connection) {
    if let Err(err) = conn.release_memory() {
        tracing::warn!(%err, "releasing SQLite's page cache failed");
    }
}

/// Checkpoints the WAL every `CHECKPOINT_EVERY` on a connection of its own. PASSIVE never
/// waits for the writer or readers: what it cannot copy now, it copies next time.
fn start_checkpointer(path: &Path) -> Result<Checkpointer> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    let wal = path.with_extension("db-wal");
    let (stop, stopped) = crossbeam_channel::bounded::<()>(1);
    let thread = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let mut disk_full = false;
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(CHECKPOINT_EVERY)
            {
                let result = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);");
                disk_full = report_checkpoint(result, disk_full, &wal);
            }
        })?;
    Ok(Checkpointer { stop, thread })
}

/// Logs a failed checkpoint; one that fails for lack of space is said once, with what it
/// needs, until one succeeds again. Returns whether the disk is full.
fn report_checkpoint(result: rusqlite::Result<()>, disk_full: bool, wal: &Path) -> bool {
    match result {
        Ok(()) => {
            if disk_full {
                tracing::info!(
                    "the disk has room again: the write-ahead log is copied into the database"
                );
            }
            false
        }
        Err(err) if err.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => {
            if !disk_full {
                let size = std::fs::metadata(wal).map_or(0, |m| m.len());
                tracing::warn!(
                    "the disk is full: the write-ahead log {} ({} KiB) cannot be copied into the \
                     database, which grows by up to that much; space freed goes to that copy \
                     first, so free at least that much and 1 MiB more. Writes are refused \
                     meanwhile; reads go on",
                    wal.display(),
                    size.div_ceil(1024)
                );
            }
            true
        }
        Err(err) => {
            tracing::warn!(%err, "WAL checkpoint failed");
            disk_full
        }
    }
}

/// Raised by SQLite on the writer connection whenever a row of `webhook_deliveries` is
/// inserted or updated; the writer lowers it at each commit.
fn watch_deliveries(conn: &Connection) -> Result<Arc<AtomicBool>> {
    let touched = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&touched);
    conn.update_hook(Some(move |action, _: &str, table: &str, _| {
        if table == "webhook_deliveries" && action != rusqlite::hooks::Action::SQLITE_DELETE {
            flag.store(true, Ordering::Relaxed);
        }
    }))?;
    Ok(touched)
}

/// The writer thread: take what is queued, run each job in a savepoint, commit once, answer.
fn write_loop(
    conn: &Connection,
    queue: &crossbeam_channel::Receiver<Message>,
    touched: &AtomicBool,
    queued: &watch::Sender<u64>,
    mut bound: WalBound,
    linger: Duration,
) {
    let mut closing = false;
    // A message that ended a lingering transaction, handled next.
    let mut held = None;
    while !closing {
        let first = match held
            .take()
            .map_or_else(|| queue.recv_timeout(WRITER_QUIET), Ok)
        {
            Ok(message) => message,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                release_cache(conn);
                let Ok(message) = queue.recv() else { break };
                message
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        };
        let mut batch: Vec<Box<dyn Job>> = Vec::new();
        let mut alone = None;
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Write(job) => batch.push(job),
                Message::WriteAlone(job) => alone = Some(job),
                Message::Close => closing = true,
            }
            if !closing && alone.is_none() && batch.len() < MAX_BATCH {
                next = queue.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            let more = (alone.is_none() && !closing).then_some((queue, linger));
            let (committed, next) = run_batch(conn, batch, more);
            held = next;
            announce_deliveries(committed, touched, queued);
        }
        if let Some(job) = alone {
            let committed = run_alone(conn, job);
            announce_deliveries(committed, touched, queued);
        }
        bound.check(conn);
    }
    if let Err(err) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        tracing::warn!(%err, "WAL checkpoint at close failed");
    }
}

/// Keeps the WAL near its limit. SQLite starts the WAL over when a write transaction begins
/// with every frame copied into the database and no reader using one; the passive
/// checkpoints, on their own thread, never found that moment under sustained writes (the
/// next group was always under way), and the WAL grew by every byte written. So once it is
/// past the limit, the writer checkpoints it itself between two transactions and waits
/// briefly for readers (RESTART), and tries again after each further eighth of the limit if
/// a reader kept it from finishing.
struct WalBound {
    limit: u32,
    /// WAL size, in frames, at which the writer checkpoints next.
    next: u32,
}

thread_local! {
    /// Frames in the WAL after the writer thread's last commit.
    static WAL_FRAMES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl WalBound {
    /// Follows the WAL's size on `conn`, the writer's connection. Replaces SQLite's own
    /// automatic checkpoints, which are off.
    fn new(conn: &Connection, limit_bytes: u64) -> rusqlite::Result<Self> {
        fn note_frames(_: &rusqlite::hooks::Wal, frames: std::ffi::c_int) -> rusqlite::Result<()> {
            WAL_FRAMES.set(u32::try_from(frames).unwrap_or(0));
            Ok(())
        }
        conn.wal_hook(Some(note_frames));
        let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let page = u64::try_from(page).unwrap_or(4096).max(512);
        let limit = u32::try_from(limit_bytes / page).unwrap_or(u32::MAX);
        Ok(Self { limit, next: limit })
    }

    fn check(&mut self, conn: &Connection) {
        let frames = WAL_FRAMES.get();
        if frames <= self.limit {
            self.next = self.limit;
            return;
        }
        if frames < self.next {
            return;
        }
        self.next = frames.saturating_add(self.limit / 8);
        // RESTART waits for readers of older snapshots, which take milliseconds; one that
        // holds its snapshot longer (a backup) holds up writes at most this long.
        let _ = conn.busy_timeout(RESTART_WAIT);
        if let Err(err) = conn.execute_batch("PRAGMA wal_checkpoint(RESTART);") {
            tracing::warn!(%err, "WAL checkpoint by the writer failed");
        }
        let _ = conn.busy_timeout(BUSY_TIMEOUT);
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

/// Runs a statement prepared once per connection: these run around every queued write.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// Tells the delivery worker about a commit that queued deliveries. A rolled-back write may
/// leave the flag up: the worker then looks once for nothing.
fn announce_deliveries(committed: bool, touched: &AtomicBool, queued: &watch::Sender<u64>) {
    if committed && touched.swap(false, Ordering::Relaxed) {
        queued.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Runs one job in a transaction of its own; true when it committed.
fn run_alone(conn: &Connection, job: Box<dyn Job>) -> bool {
    if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
        job.fail(Error::Unavailable(format!("database is busy: {err}")));
        return false;
    }
    match job.run(conn) {
        Some(reply) => finish(conn, vec![reply]),
        None => {
            let _ = conn.execute_batch("ROLLBACK");
            false
        }
    }
}

/// Runs one group commit: whether it committed, and a message that ended its wait. When
/// every write in it lingers and
/// `more` is given, the transaction first takes in what arrives from its queue for its
/// time, until a write that does not linger; a message of another kind ends the wait and is
/// handed back.
fn run_batch(
    conn: &Connection,
    batch: Vec<Box<dyn Job>>,
    more: Option<(&crossbeam_channel::Receiver<Message>, Duration)>,
) -> (bool, Option<Message>) {
    if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
        let err = Error::Unavailable(format!("database is busy: {err}"));
        batch.into_iter().for_each(|job| job.fail(err.clone()));
        return (false, None);
    }
    let lingering = batch.iter().all(|job| job.lingers());
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        run_job(conn, job, &mut replies);
    }
    let held = match more {
        Some((queue, wait)) if lingering => linger(conn, queue, wait, &mut replies),
        _ => None,
    };
    (finish(conn, replies), held)
}

/// Runs the writes that arrive within `wait` in the open transaction, until one that does
/// not linger or the batch is full; answers a message of another kind, which ends the wait
/// unhandled.
fn linger(
    conn: &Connection,
    queue: &crossbeam_channel::Receiver<Message>,
    wait: Duration,
    replies: &mut Vec<Reply>,
) -> Option<Message> {
    let deadline = std::time::Instant::now() + wait;
    while replies.len() < MAX_BATCH {
        match queue.recv_deadline(deadline) {
            Ok(Message::Write(job)) => {
                let lingers = job.lingers();
                run_job(conn, job, replies);
                if !lingers {
                    return None;
                }
            }
            Ok(other) => return Some(other),
            Err(_) => return None,
        }
    }
    None
}

/// Runs one write in a savepoint of its own, so that its failure rolls back only its work.
fn run_job(conn: &Connection, job: Box<dyn Job>, replies: &mut Vec<Reply>) {
    if let Err(err) = run_cached(conn, "SAVEPOINT request") {
        job.fail(err.into());
        return;
    }
    match job.run(conn) {
        Some(reply) => {
            let _ = run_cached(conn, "RELEASE request");
            replies.push(reply);
        }
        None => {
            let _ = conn.execute_batch("ROLLBACK TO request; RELEASE request");
        }
    }
}

/// Commits the open transaction and answers every write in it; true when it committed.
fn finish(conn: &Connection, replies: Vec<Reply>) -> bool {
    let committed = conn.execute_batch("COMMIT");
    if committed.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for reply in replies {
        reply(match &committed {
            Ok(()) => Ok(()),
            Err(err) => Err(Error::Unavailable(format!("commit failed: {err}"))),
        });
    }
    committed.is_ok()
}

fn writer_stopped() -> Error {
    Error::Unavailable("database writer stopped".into())
}

#[cfg(test)]
mod tests {
    use super::*;

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
