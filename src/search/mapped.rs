//! The index files tantivy maps into memory, and their pages given back once searches stop.
//! A search reads the pages of the terms, postings and columns it needs from the mapped
//! files, and those pages stay in the process's resident set long after, a large part of
//! an idle server's memory. When no search has run for a whole round of the memory job,
//! the pages leave the process; they stay in the kernel's page cache, and the next search
//! maps those it reads again with minor faults (no disk read while the page cache keeps
//! them).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tantivy::directory::FileHandle;

/// Searchers handed out since start.
static SEARCHES: AtomicU64 = AtomicU64::new(0);
/// The value of [`SEARCHES`] at the memory job's last round.
static SEEN: AtomicU64 = AtomicU64::new(0);
/// Every mapped index file still open somewhere.
static MAPPED: Mutex<Vec<Weak<dyn FileHandle>>> = Mutex::new(Vec::new());

/// Records a file tantivy opened through `MmapDirectory`, whose handles are the file's
/// read-only shared mapping, or empty for an empty file (nothing to record).
pub fn opened(handle: &Arc<dyn FileHandle>) {
    if handle.len() == 0 {
        return;
    }
    let mut mapped = MAPPED.lock().unwrap_or_else(PoisonError::into_inner);
    mapped.retain(|file| file.strong_count() > 0);
    mapped.push(Arc::downgrade(handle));
}

/// Counts a search (a searcher taken from a reader).
pub fn searched() {
    SEARCHES.fetch_add(1, Ordering::Relaxed);
}

/// The memory job's round: if no search ran since the last round, every mapped page of the
/// indexes leaves the process.
pub fn release_if_quiet() {
    let searches = SEARCHES.load(Ordering::Relaxed);
    if SEEN.swap(searches, Ordering::Relaxed) == searches {
        release();
    }
}

/// Drops the resident pages of every mapped index file from the process.
fn release() {
    let files: Vec<Arc<dyn FileHandle>> = MAPPED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for file in &files {
        if let Ok(bytes) = file.read_bytes(0..file.len()) {
            drop_pages(bytes.as_slice());
        }
    }
}

#[allow(unsafe_code)]
fn drop_pages(mapping: &[u8]) {
    // SAFETY: `mapping` is a whole file's read-only shared mapping (`memmap2::Mmap::map`,
    // how tantivy 0.27's MmapDirectory opens every non-empty file, the only handles
    // `opened` records), kept mapped by the caller's handle for the call. MADV_DONTNEED on
    // a shared file mapping only removes its pages from this process's page tables; the
    // bytes stay in the file and the page cache, and a read during or after the call
    // faults the same bytes back in. A start off a page boundary would not be a mapping's,
    // so it is left alone.
    unsafe {
        let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).unwrap_or(usize::MAX);
        if (mapping.as_ptr() as usize).is_multiple_of(page) {
            libc::madvise(
                mapping.as_ptr().cast_mut().cast(),
                mapping.len(),
                libc::MADV_DONTNEED,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tantivy::directory::Directory;

    use super::*;
    use crate::search::directory::UnsyncedDirectory;

    /// This process's resident KiB in mappings of `path` (from /proc/self/smaps).
    fn resident_kib(path: &Path) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let path = path.to_str().unwrap();
        let mut ours = false;
        let mut kib = 0;
        for line in smaps.lines() {
            if line.contains('-') && line.split_whitespace().count() >= 5 {
                ours = line.ends_with(path);
            } else if ours && let Some(rss) = line.strip_prefix("Rss:") {
                kib += rss.trim().trim_end_matches(" kB").parse::<u64>().unwrap();
            }
        }
        kib
    }

    #[test]
    fn mapped_index_pages_leave_the_process_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let content: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("segment.idx"), &content).unwrap();
        let directory = UnsyncedDirectory::open(dir.path()).unwrap();
        let file = directory.get_file_handle(Path::new("segment.idx")).unwrap();
        let path = dir.path().join("segment.idx").canonicalize().unwrap();
        let read = file.read_bytes(0..file.len()).unwrap();
        assert_eq!(read.as_slice(), content.as_slice());
        assert!(resident_kib(&path) >= 4 << 10, "{}", resident_kib(&path));
        release();
        assert_eq!(resident_kib(&path), 0);
        assert_eq!(
            read.as_slice(),
            content.as_slice(),
            "read back after release"
        );
        assert!(resident_kib(&path) >= 4 << 10);
    }
}
