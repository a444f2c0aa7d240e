//! The data directory's server lock, a warning when the directory is open to others, and
//! what to say when its disk is too full to start on.
//!
//! `serve` holds an exclusive advisory lock on
//! `synaptiq.lock` for as long as it runs, so `restore` can refuse to swap the database
//! under it and a second server on the same directory stops at start-up. The other commands
//! share the directory with a running server (SQLite WAL) and never take the lock.
//!
//! The lock is `flock(2)` on an open file: the kernel releases it when the process exits,
//! however it exits, so a crash never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Error, Result};

const LOCK_FILE: &str = "synaptiq.lock";
const WAL_FILE: &str = "synaptiq.db-wal";
/// Room a start needs beyond the write-ahead log: SQLite's shared-memory index (32 KiB), the
/// search indexes' marks, and a first few writes.
const START_MARGIN: u64 = 1 << 20;

/// Held while a server runs on the directory; dropping it releases the lock.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

impl ServerLock {
    /// Takes the lock, or says which process holds it. `doing` names what needs it
    /// ("serve", "restore") for the message.
    pub fn acquire(data_dir: &Path, doing: &str) -> Result<Self> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let by = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (process {holder})")
                };
                return Err(Error::Unavailable(format!(
                    "a synaptiq server is running on {}{by}; stop it before {doing}",
                    data_dir.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Unavailable(format!(
                    "cannot lock {}: {e}",
                    path.display()
                )));
            }
        }
        // The holder's pid, for the message above; advisory only.
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        Ok(Self { _file: file })
    }
}

/// What to tell the operator when `data_dir` lets its group or other users in (it was made
/// by hand, or its mode changed): it holds every lead and the webhook signing secrets, and
/// is created 0700.
pub fn exposure(data_dir: &Path) -> Option<String> {
    let mode = std::fs::metadata(data_dir).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "the data directory {dir} is open to other users (mode {mode:04o}); it holds every \
             lead and the webhook secrets: run `chmod 700 {dir}`",
            dir = data_dir.display()
        )
    })
}

/// What to tell the operator when the disk holding `data_dir` has less free space than
/// the write-ahead log plus a margin. Before anything else is written, SQLite copies the log
/// into the database file, which grows by up to the log's size: a little space freed is used
/// up by that copy, and writes fail again.
pub fn space_shortage(data_dir: &Path) -> Option<String> {
    let free = free_bytes(data_dir)?;
    let wal = std::fs::metadata(data_dir.join(WAL_FILE)).map_or(0, |m| m.len());
    let needed = wal.saturating_add(START_MARGIN);
    (free < needed).then(|| {
        format!(
            "the disk holding {dir} is full: {free} free, and the server needs {needed} \
             ({wal} to copy the write-ahead log {WAL_FILE} into the database, then \
             {margin} to write in); free at least {short} more. Until then reads work and \
             writes are refused",
            dir = data_dir.display(),
            free = size(free),
            needed = size(needed),
            wal = size(wal),
            margin = size(START_MARGIN),
            short = size(needed - free),
        )
    })
}

/// Free space on the file system holding `path`, for an unprivileged writer.
#[allow(unsafe_code)]
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is NUL-terminated and `stat` is a buffer of the type statvfs fills.
    if unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let bytes = bytes as f64;
    if bytes < f64::from(1u32 << 20) {
        format!("{:.0} KiB", bytes / 1024.0)
    } else {
        format!("{:.1} MiB", bytes / f64::from(1u32 << 20))
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            Error::Unavailable(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServerLock::acquire(dir.path(), "starting another").unwrap();
        let err = ServerLock::acquire(dir.path(), "restoring").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("a synaptiq server is running"), "{text}");
        assert!(text.contains(&std::process::id().to_string()), "{text}");
        assert!(text.contains("stop it before restoring"), "{text}");
        drop(first);
        ServerLock::acquire(dir.path(), "restoring").unwrap();
    }

    #[test]
    fn a_disk_with_room_for_the_log_and_the_margin_is_not_short() {
        let dir = tempfile::tempdir().unwrap();
        // The test machine's temp dir has more than a megabyte free.
        assert_eq!(space_shortage(dir.path()), None);
        assert!(free_bytes(dir.path()).unwrap() > START_MARGIN);
        assert_eq!(size(3 << 19), "1.5 MiB");
        assert_eq!(size(32 << 10), "32 KiB");
    }

    #[test]
    fn a_data_dir_open_to_others_is_named_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(exposure(dir.path()), None);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o750)).unwrap();
        let text = exposure(dir.path()).unwrap();
        assert!(text.contains("mode 0750"), "{text}");
        assert!(text.contains("chmod 700"), "{text}");
    }
}
