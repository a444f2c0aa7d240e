//! Copies of the database: a consistent one taken while the server writes (SQLite's online
//! backup API), its verification, and putting one back in place of the live file.
//!
//! The copy reads one snapshot: its steps share one read transaction, which in WAL mode
//! never blocks the writer, and so are not restarted by the writes that commit meanwhile (a
//! stepwise backup that opens a read transaction per step restarts on every foreign write,
//! and under steady load never finishes).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::migrate::MIGRATIONS;
use crate::error::{Error, Result};

/// How long a step may wait on a lock held by another connection before trying again.
const BUSY_PAUSE: Duration = Duration::from_millis(50);
const BUSY_TRIES: u32 = 200;

/// What a backup wrote.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    pub pages: u64,
    pub bytes: u64,
}

/// Writes a consistent copy of the database at `db` to `dest`, replacing `dest` only once
/// the copy is complete and verified. The copy is a single file (no WAL beside it).
pub fn backup(db: &Path, dest: &Path) -> Result<Copied> {
    if !db.is_file() {
        return Err(Error::invalid(
            "--data-dir",
            format!("there is no database at {}", db.display()),
        ));
    }
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    source.busy_timeout(Duration::from_secs(5))?;
    let temp = sibling(dest, "partial")?;
    let copied = copy_into(&source, &temp).and_then(|copied| {
        verify_file(&temp)?;
        Ok(copied)
    });
    match copied {
        Ok(copied) => {
            std::fs::rename(&temp, dest).map_err(|e| io_error("cannot write", dest, &e))?;
            sync_parent(dest)?;
            Ok(copied)
        }
        Err(err) => {
            let _ = std::fs::remove_file(&temp);
            Err(err)
        }
    }
}

/// Checks that `path` is an intact Synaptiq database this build can open (perhaps after
/// migrating it forward).
pub fn verify_file(path: &Path) -> Result<()> {
    let invalid = |reason: String| Error::invalid("backup", reason);
    if !path.is_file() {
        return Err(invalid(format!("no such file: {}", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(format!("{} cannot be opened: {e}", path.display())))?;
    let not_sqlite =
        |e: rusqlite::Error| invalid(format!("{} is not a SQLite database ({e})", path.display()));
    let check: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(not_sqlite)?;
    if check != "ok" {
        return Err(invalid(format!(
            "{} failed SQLite's integrity check: {check}",
            path.display()
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_sqlite)?;
    let has_leads: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'leads'",
            [],
            |r| r.get(0),
        )
        .map_err(not_sqlite)?;
    if version < 1 || !has_leads {
        return Err(invalid(format!(
            "{} is not a Synaptiq database",
            path.display()
        )));
    }
    if usize::try_from(version).unwrap_or(usize::MAX) > MIGRATIONS.len() {
        return Err(invalid(format!(
            "{} has schema version {version}, newer than this synaptiq ({}); upgrade synaptiq",
            path.display(),
            MIGRATIONS.len()
        )));
    }
    Ok(())
}

/// Puts a verified copy of `backup` in place of the database at `db`, atomically: the
/// database file is replaced by a rename, so it is the old one or the new one, never a mix.
/// The replaced database stays beside it as `synaptiq.db.before-restore`. The caller holds
/// the data directory's server lock: nothing else may have `db` open for writing.
pub fn restore(backup: &Path, db: &Path) -> Result<Copied> {
    verify_file(backup)?;
    let source = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let temp = sibling(db, "restoring")?;
    let copied = copy_into(&source, &temp).and_then(|copied| {
        verify_file(&temp)?;
        Ok(copied)
    });
    drop(source);
    let copied = match copied {
        Ok(copied) => copied,
        Err(err) => {
            let _ = std::fs::remove_file(&temp);
            return Err(err);
        }
    };
    if db.exists() {
        fold_wal(db)?;
        let kept = db.with_extension("db.before-restore");
        let _ = std::fs::remove_file(&kept);
        std::fs::hard_link(db, &kept).map_err(|e| io_error("cannot keep", db, &e))?;
    }
    std::fs::rename(&temp, db).map_err(|e| io_error("cannot replace", db, &e))?;
    sync_parent(db)?;
    Ok(copied)
}

/// Copies every page of `source` into a new database at `dest`, flushing the copy to disk as
/// it is written.
fn copy_into(source: &Connection, dest: &Path) -> Result<Copied> {
    let _ = std::fs::remove_file(dest);
    create_private(dest)?;
    let mut target = Connection::open(dest)?;
    // Pages go to the file as they are copied, not all at the commit.
    target.execute_batch("PRAGMA cache_size = 64;")?;
    let file = std::fs::File::open(dest).map_err(|e| io_error("cannot open", dest, &e))?;
    // One read transaction across every step: the copy is of one snapshot, and writes that
    // other connections commit meanwhile do not restart it (SQLite restarts a backup when a
    // step's new read transaction finds the database changed).
    source.execute_batch("BEGIN")?;
    source.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    let copied = copy_pages(source, &mut target, &file);
    let _ = source.execute_batch("COMMIT");
    copied?;
    // The copy carries the source's WAL flag; a backup file stands alone.
    target.execute_batch("PRAGMA journal_mode = DELETE;")?;
    let pages: i64 = target.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let page_size: i64 = target.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    drop(target);
    let pages = u64::try_from(pages).unwrap_or(0);
    Ok(Copied {
        pages,
        bytes: pages * u64::try_from(page_size).unwrap_or(0),
    })
}

/// Creates `path` empty and readable by this user only, like the data directory: SQLite
/// opens the file as it is (an empty file is an empty database) and gives its journal the
/// same mode, where a file it created itself would be readable by everyone (0644).
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| io_error("cannot create", path, &e))
}

/// Pages copied per backup step (1 MiB of 4 KiB pages); the copy is flushed after each.
const STEP_PAGES: i32 = 256;

/// Runs the backup step by step, flushing what each step wrote, so the server's commits
/// (each waiting for its own fsync) take turns with the copy instead of queueing behind one
/// burst of a gigabyte of dirty pages.
fn copy_pages(source: &Connection, target: &mut Connection, file: &std::fs::File) -> Result<()> {
    let backup = Backup::new(source, target)?;
    let mut tries = 0;
    loop {
        match backup.step(STEP_PAGES)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {
                // Only a head start for the final sync, which SQLite still makes.
                let _ = file.sync_data();
            }
            StepResult::Busy | StepResult::Locked if tries < BUSY_TRIES => {
                tries += 1;
                std::thread::sleep(BUSY_PAUSE);
            }
            _ => {
                return Err(Error::Unavailable(
                    "the database stayed locked; the backup gave up after 10 s".into(),
                ));
            }
        }
    }
}

/// Copies the WAL into the database file and removes it, so the file alone is the whole
/// database: a WAL left beside a replaced database file would be replayed into it.
fn fold_wal(db: &Path) -> Result<()> {
    let conn = Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
    Ok(())
}

/// `PATH.{what}` beside `path`, where a rename into place is atomic (same directory).
fn sibling(path: &Path, what: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("PATH", format!("{} is not a file", path.display())))?;
    let mut name = name.to_os_string();
    name.push(format!(".{what}"));
    Ok(path.with_file_name(name))
}

/// Makes a rename in the directory durable.
fn sync_parent(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error("cannot sync", dir, &e))
}

fn io_error(what: &str, path: &Path, err: &std::io::Error) -> Error {
    Error::Unavailable(format!("{what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path, leads: usize) -> PathBuf {
        let path = dir.join("synaptiq.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        super::super::migrate::run(&mut conn).unwrap();
        conn.execute_batch("INSERT INTO tenants VALUES ('default', 'Default', 0, 0);")
            .unwrap();
        for i in 0..leads {
            conn.execute(
                "INSERT INTO leads (id, tenant_id, name, email, email_key, status,
                   qualification_score, metadata, source, created_at, updated_at)
                 VALUES (?1, 'default', 'n', ?2, ?2, 'new', 0, '{}', 'api', 0, 0)",
                rusqlite::params![format!("id-{i}"), format!("p{i}@example.com")],
            )
            .unwrap();
        }
        path
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn count(path: &Path) -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_backup_is_one_verified_file_and_a_restore_swaps_it_in() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path(), 3);
        let copy = dir.path().join("copy.db");
        let copied = backup(&db, &copy).unwrap();
        assert!(copied.pages > 0 && copied.bytes > 0);
        assert!(!dir.path().join("copy.db-wal").exists());
        assert_eq!(count(&copy), 3);
        assert_eq!(mode(&copy), 0o600, "a backup is as private as the data dir");

        let other = tempfile::tempdir().unwrap();
        let live = database(other.path(), 7);
        restore(&copy, &live).unwrap();
        assert_eq!(count(&live), 3);
        assert_eq!(mode(&live), 0o600);
        assert_eq!(count(&live.with_extension("db.before-restore")), 7);
        assert!(!other.path().join("synaptiq.db.restoring").exists());
    }

    #[test]
    fn files_that_are_not_intact_synaptiq_databases_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database at all, just some text").unwrap();
        let err = verify_file(&text).unwrap_err().to_string();
        assert!(err.contains("not a SQLite database"), "{err}");

        let empty = dir.path().join("empty.db");
        Connection::open(&empty)
            .unwrap()
            .execute_batch("CREATE TABLE t (x);")
            .unwrap();
        let err = verify_file(&empty).unwrap_err().to_string();
        assert!(err.contains("is not a Synaptiq database"), "{err}");

        let missing = dir.path().join("missing.db");
        let err = verify_file(&missing).unwrap_err().to_string();
        assert!(err.contains("no such file"), "{err}");
    }

    #[test]
    fn a_failed_restore_leaves_the_live_database_alone() {
        let dir = tempfile::tempdir().unwrap();
        let live = database(dir.path(), 2);
        let bogus = dir.path().join("bogus.db");
        std::fs::write(&bogus, vec![7u8; 4096]).unwrap();
        assert!(restore(&bogus, &live).is_err());
        assert_eq!(count(&live), 2);
    }
}
