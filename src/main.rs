//! The `synaptiq` executable: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = synaptiq::cli::Cli::parse();
    synaptiq::cli::run(cli)
}
