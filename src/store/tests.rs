//! The store's writer, checkpoints and pool under real SQLite.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::error::Error;

fn tenants(store: &Store) -> i64 {
    store
        .read_blocking(|conn| Ok(conn.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?))
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
