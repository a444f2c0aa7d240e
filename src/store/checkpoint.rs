//! Keeping the WAL small: a checkpoint thread copies it into the database file, and the
//! writer starts it over itself once it passes its limit.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::{BUSY_TIMEOUT, configure};
use crate::error::Result;

/// How often the WAL is copied into the database file, off the writer's thread.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL size (bytes) past which the writer checkpoints it itself, between two transactions,
/// so that the next one starts it over; also the size SQLite truncates it to then.
pub(super) const WAL_LIMIT: u64 = 64 << 20;
/// How long the writer waits for readers when it starts the WAL over.
const RESTART_WAIT: Duration = Duration::from_millis(20);

/// The thread that copies the WAL back into the database file, and the way to stop it.
pub(super) struct Checkpointer {
    pub(super) stop: crossbeam_channel::Sender<()>,
    pub(super) thread: JoinHandle<()>,
}

/// Checkpoints the WAL every `CHECKPOINT_EVERY` on a connection of its own. PASSIVE never
/// waits for the writer or readers: what it cannot copy now, it copies next time.
pub(super) fn start_checkpointer(path: &Path) -> Result<Checkpointer> {
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

/// Keeps the WAL near its limit. SQLite starts the WAL over when a write transaction begins
/// with every frame copied into the database and no reader using one; the passive
/// checkpoints, on their own thread, never found that moment under sustained writes (the
/// next group was always under way), and the WAL grew by every byte written. So once it is
/// past the limit, the writer checkpoints it itself between two transactions and waits
/// briefly for readers (RESTART), and tries again after each further eighth of the limit if
/// a reader kept it from finishing.
pub(super) struct WalBound {
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
    pub(super) fn new(conn: &Connection, limit_bytes: u64) -> rusqlite::Result<Self> {
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

    pub(super) fn check(&mut self, conn: &Connection) {
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
