//! `synaptiq backup PATH` and `synaptiq restore PATH`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::reindex_one;
use crate::config::Config;
use crate::data_dir::ServerLock;
use crate::error::{Error, Result};
use crate::search::chunks::Chunks;
use crate::search::leads::Leads;
use crate::store::backup::{self, Copied};

const DATABASE: &str = "synaptiq.db";

/// A consistent copy of the database, taken beside a running server without stopping it.
pub(super) async fn backup(config: &Config, dest: PathBuf) -> Result<()> {
    let db = config.data_dir.join(DATABASE);
    let started = Instant::now();
    let to = dest.clone();
    let copied = blocking(move || backup::backup(&db, &to)).await?;
    eprintln!(
        "Backed up {} to {} in {} ms (verified).",
        size(copied),
        dest.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Puts a backup in place of the database and rebuilds the search indexes from it. Refused
/// while a server runs on the data directory; the lock is held until the indexes are
/// rebuilt, so no server starts on a half-restored directory.
pub(super) async fn restore(config: &Config, from: PathBuf) -> Result<()> {
    let data_dir = config.data_dir.clone();
    blocking(move || restore_blocking(&data_dir, &from)).await
}

fn restore_blocking(data_dir: &Path, from: &Path) -> Result<()> {
    let _lock = ServerLock::acquire(data_dir, "restoring")?;
    let started = Instant::now();
    let db = data_dir.join(DATABASE);
    // An empty data directory has no database to keep.
    let replaced = db.exists();
    let copied = backup::restore(from, &db)?;
    let kept = if replaced {
        format!("; the previous database is kept as {DATABASE}.before-restore")
    } else {
        String::new()
    };
    eprintln!(
        "Restored {} from {} in {} ms{kept}.",
        size(copied),
        from.display(),
        started.elapsed().as_millis()
    );
    // The indexes describe the replaced database: rebuild them from the restored one.
    let index_dir = data_dir.join("index");
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).map_err(|e| {
            Error::Unavailable(format!("cannot remove {}: {e}", index_dir.display()))
        })?;
    }
    let store = crate::app::open_store(data_dir)?;
    let rebuilt = reindex_one::<Leads>(&index_dir.join("leads"), &store, "leads").and_then(|()| {
        reindex_one::<Chunks>(&index_dir.join("chunks"), &store, "knowledge-base chunks")
    });
    store.close();
    rebuilt
}

fn size(copied: Copied) -> String {
    format!(
        "{:.1} MB ({} pages)",
        copied.bytes as f64 / 1_000_000.0,
        copied.pages
    )
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Error::internal)?
}
