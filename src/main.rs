//! The `synaptiq` executable: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc returns freed memory to the OS and keeps per-thread heaps small, where glibc's
/// malloc keeps a large idle arena per thread that was once busy.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3); the Rust bindings do not name it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Allocations from this size up get their own mapping, given back to the OS when freed.
const GLIBC_MMAP_THRESHOLD: i32 = 128 * 1024;

fn main() -> ExitCode {
    return_freed_memory_at_once();
    keep_glibc_thresholds_fixed();
    let cli = synaptiq::cli::Cli::parse();
    synaptiq::cli::run(cli)
}

/// mimalloc returns freed pages only when the freeing thread allocates again, so purging at
/// once keeps an idle server's memory at what is live, for a little speed under load.
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set stores an integer option; it is called before any other thread
    // exists, with an option id and value that mimalloc documents.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// SQLite allocates with glibc's malloc, which raises its mmap and trim thresholds after each
/// large block freed, so after one large document the heap never shrank again; fixed
/// thresholds turn that adaptation off (mallopt(3)).
#[allow(unsafe_code)]
fn keep_glibc_thresholds_fixed() {
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread
    // exists, with parameters and values glibc documents.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, GLIBC_MMAP_THRESHOLD);
    }
}
