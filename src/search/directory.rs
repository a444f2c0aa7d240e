//! Where tantivy keeps an index: tantivy's own mmap directory, minus its fsyncs.
//!
//! An index is derived from SQLite and rebuilt from it when damaged, so its commits need not
//! be durable. Each commit fsynced a dozen files, up to twenty times a second under load,
//! and those flushes queued on the disk with SQLite's: they made the tail of every durable
//! write longer. What a crash can leave behind is found instead of prevented: a process marks
//! the directory while it writes and syncs every file before removing its mark at a clean
//! close. A mark left by a process that is gone means a crash; the index is then checked
//! file by file against tantivy's checksums before use, and rebuilt if anything is missing
//! or damaged. An intact index may still be older than its last commit, so the change log
//! in SQLite is pruned only up to what a [`sync`] made durable (see `Indexer::prune`).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::error::{Error, Result};

/// A writing process's mark: `writing.<pid>`.
const MARK: &str = "writing.";

#[derive(Clone, Debug)]
pub struct UnsyncedDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
}

impl UnsyncedDirectory {
    pub fn open(root: &Path) -> Result<Self> {
        Ok(Self {
            mmap: MmapDirectory::open(root).map_err(Error::internal)?,
            root: root.to_owned(),
        })
    }
}

impl Directory for UnsyncedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let file = self.mmap.get_file_handle(path)?;
        super::mapped::opened(&file);
        Ok(file)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)?;
        // MmapDirectory keeps an entry for every file it ever mapped (the path and a weak
        // reference) and drops the dead ones only when asked for its cache info. Segment
        // files are never opened again under the same name, so without this the map grows by
        // every file of every segment under sustained writes. Tantivy deletes the files of
        // merged segments a few at a time.
        let _ = self.mmap.get_cache_info();
        Ok(())
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|err| match err.kind() {
                io::ErrorKind::AlreadyExists => OpenWriteError::FileAlreadyExists(path.into()),
                _ => OpenWriteError::wrap_io_error(err, path.into()),
            })?;
        Ok(BufWriter::new(Box::new(Unsynced(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    /// Readers see the old content or the new, never a mix: a rename replaces the file.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .root
            .join(format!(".atomic.{}.{n}.tmp", std::process::id()));
        std::fs::write(&temp, data)?;
        std::fs::rename(&temp, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(callback)
    }
}

/// A new index file, handed to the page cache and never fsynced.
struct Unsynced(File);

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

/// Marks `dir` as written by this process, and answers whether a process that is gone left
/// its mark (it crashed, and what it wrote may not have reached the disk). Call before
/// opening the index; then [`check`] it if this says so, then [`forget_crashed`].
pub fn mark(dir: &Path) -> Result<bool> {
    let crashed = !crashed_marks(dir)?.is_empty();
    let mark = dir.join(format!("{MARK}{}", std::process::id()));
    File::create(&mark)?.sync_all()?;
    sync_dir(dir)?;
    Ok(crashed)
}

/// Whether every file of the index's segments is there (each segment opens) and matches
/// its checksum.
pub fn intact(index: &Index) -> bool {
    let damaged = index.validate_checksum();
    let opens = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map(|_: IndexReader| ());
    match (damaged, opens) {
        (Ok(damaged), Ok(())) if damaged.is_empty() => true,
        (damaged, opens) => {
            tracing::warn!(?damaged, ?opens, "search index files missing or damaged");
            false
        }
    }
}

/// Removes the marks of processes that are gone, once the index they wrote was checked.
pub fn forget_crashed(dir: &Path) -> Result<()> {
    for mark in crashed_marks(dir)? {
        std::fs::remove_file(mark)?;
    }
    Ok(())
}

/// Makes everything in `dir` durable: every file, then the directory itself.
pub fn sync(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        // A merge may delete a file between the listing and here.
        match File::open(entry.path()) {
            Ok(file) => file.sync_all()?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err.into()),
        }
    }
    sync_dir(dir)
}

/// Makes everything in `dir` durable, then removes this process's mark: a clean close.
pub fn sync_and_unmark(dir: &Path) -> Result<()> {
    sync(dir)?;
    let mark = dir.join(format!("{MARK}{}", std::process::id()));
    match std::fs::remove_file(mark) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err.into()),
        _ => {}
    }
    sync_dir(dir)
}

/// Marks in `dir` whose process no longer runs.
fn crashed_marks(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut crashed = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(crashed),
        Err(err) => return Err(err.into()),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(MARK)) else {
            continue;
        };
        let ours = pid == std::process::id().to_string();
        if !ours && !Path::new("/proc").join(pid).exists() {
            crashed.push(entry.path());
        }
    }
    Ok(crashed)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)?.sync_all()?;
    Ok(())
}
