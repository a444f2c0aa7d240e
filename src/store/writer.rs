//! The writer thread: one connection, group commits with a savepoint per write, and the
//! lingering and alone modes; the `Store` methods that hand it work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use rusqlite::Connection;
use tokio::sync::{oneshot, watch};

use super::checkpoint::WalBound;
use super::{Durable, Store, release_cache};
use crate::error::{Error, Result};

/// Most writes queued behind one commit; bounds the latency a large batch adds.
const MAX_BATCH: usize = 512;
/// A writer with nothing queued this long gives its unused page cache back.
const WRITER_QUIET: Duration = Duration::from_secs(5);

/// What the writer does with a queued write: run it in the open transaction, or refuse it.
pub(super) trait Job: Send {
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

pub(super) enum Message {
    Write(Box<dyn Job>),
    /// A large write in a transaction of its own (see [`Store::write_alone_queued`]).
    WriteAlone(Box<dyn Job>),
    /// Commit what is queued before this, then stop.
    Close,
}

impl Store {
    pub(super) async fn pipelined<T, F>(&self, f: F, lingers: bool) -> Result<(T, Durable)>
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

    pub(super) fn submit<T, F>(&self, f: F, tx: oneshot::Sender<Result<T>>) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.send(Message::Write(Box::new(Write { f, tx })))
    }

    /// Queues `f` to run in a transaction of its own (see [`Store::write_alone_queued`]).
    pub(super) fn submit_alone<T, F>(&self, f: F, tx: oneshot::Sender<Result<T>>) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.send(Message::WriteAlone(Box::new(Write { f, tx })))
    }

    pub(super) fn send(&self, message: Message) -> Result<()> {
        self.jobs.send(message).map_err(|_| writer_stopped())
    }
}

/// Raised by SQLite on the writer connection whenever a row of `webhook_deliveries` is
/// inserted or updated; the writer lowers it at each commit.
pub(super) fn watch_deliveries(conn: &Connection) -> Result<Arc<AtomicBool>> {
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
pub(super) fn write_loop(
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

/// Runs a statement prepared once per connection: these run around every queued write.
pub(super) fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
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

pub(super) fn writer_stopped() -> Error {
    Error::Unavailable("database writer stopped".into())
}
