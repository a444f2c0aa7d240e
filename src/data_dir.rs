//! The data directory's server lock, and a warning when the directory is open to others.
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

/// Held while a server runs on the directory; dropping it releases the lock.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

impl ServerLock {
    /// Takes the lock, or says which process holds it. `doing` names what needs it
    /// ("serve", "restore") for the message.
    pub fn acquire(data_dir: &Path, doing: &str) -> Result<Self> {
        crate::app::create_private_dir(data_dir)?;
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
