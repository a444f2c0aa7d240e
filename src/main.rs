//! The `synaptiq` executable: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc returns freed memory to the OS and keeps per-thread heaps small; glibc's malloc
/// held ~250 MB of idle arenas after a load test (one 64 MB arena per busy thread).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = synaptiq::cli::Cli::parse();
    synaptiq::cli::run(cli)
}
