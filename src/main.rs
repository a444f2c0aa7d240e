//! The `synaptiq` executable: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc returns freed memory to the OS and keeps per-thread heaps small; glibc's malloc
/// held ~250 MB of idle arenas after a load test (one 64 MB arena per busy thread).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3); the Rust bindings do not name it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// Milliseconds freed memory stays mapped before it goes back to the OS: longer than the
/// search indexes' commit interval (50 ms), so each new segment's tables (5 MB and more,
/// zeroed) reuse the last segment's pages. Returned at once, they were faulted in again
/// page by page, and the server's CPU under the mixed load went from 58 % to 68 % of a core.
/// The memory job (`jobs::memory`) returns what is left once the server is quiet.
const PURGE_DELAY_MS: std::ffi::c_long = 200;

/// Allocations from this size up get their own mapping, given back to the OS when freed.
const GLIBC_MMAP_THRESHOLD: i32 = 128 * 1024;

fn main() -> ExitCode {
    set_purge_delay();
    keep_glibc_thresholds_fixed();
    let cli = synaptiq::cli::Cli::parse();
    synaptiq::cli::run(cli)
}

#[allow(unsafe_code)]
fn set_purge_delay() {
    // SAFETY: mi_option_set stores an integer option; it is called before any other thread
    // exists, with an option id and value that mimalloc documents.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// SQLite allocates with glibc's malloc, not Rust's allocator. glibc raises its mmap
/// threshold to the size of each large block freed (up to 32 MiB), and its trim threshold to
/// twice that: once SQLite had bound an 8 MB document text, the next large blocks came from
/// a heap that never shrank, and an idle server kept 16 MB it no longer used. Setting the
/// thresholds turns that adaptation off (mallopt(3)).
#[allow(unsafe_code)]
fn keep_glibc_thresholds_fixed() {
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread
    // exists, with parameters and values glibc documents.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, GLIBC_MMAP_THRESHOLD);
    }
}
