//! Gives memory freed under load back to the OS once the server is quiet. Both allocators
//! keep freed pages for a while: glibc's (SQLite's) in each thread's arena until something
//! trims it, mimalloc's in the heap of the thread that freed them until that thread
//! allocates again. On a busy server that reuse is what makes them fast; on a quiet one the
//! pages just stay resident. SQLite's idle read connections give their page caches up first
//! (they hold much of SQLite's memory), and the search indexes' mapped pages leave the
//! process once no search ran for a round (`search::mapped`).

use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

/// How often the allocators are asked to give back what they hold unused.
const EVERY: Duration = Duration::from_secs(5);

pub async fn run(store: Store, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(EVERY) => {}
            _ = stopped.changed() => return,
        }
        // A few milliseconds of page-table work at most: off the async workers.
        let store = store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            store.release_idle_caches();
            crate::search::mapped::release_if_quiet();
            give_back_unused();
        })
        .await;
    }
}

#[allow(unsafe_code)]
fn give_back_unused() {
    // SAFETY: malloc_trim(3) and mi_collect only release free memory of their allocator;
    // both are thread-safe and take no pointers.
    unsafe {
        libc::malloc_trim(0);
        libmimalloc_sys::mi_collect(true);
    }
}
