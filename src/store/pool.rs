//! The pool of read connections, and the `Store` methods that read.

use std::path::Path;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

use super::{BUSY_TIMEOUT, READERS, Store, configure, release_cache};
use crate::error::{Error, Result};

/// Opens the pool of readers on `path`; connections open on demand.
pub(super) fn open(path: &Path) -> Result<r2d2::Pool<SqliteConnectionManager>> {
    let manager = SqliteConnectionManager::file(path).with_init(|c| configure(c));
    Ok(r2d2::Pool::builder()
        .max_size(READERS)
        // Connections open on demand; with a minimum kept idle, taking every idle one in
        // `release_idle_caches` would open another.
        .min_idle(Some(0))
        .connection_timeout(BUSY_TIMEOUT)
        .build(manager)?)
}

impl Store {
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
}
