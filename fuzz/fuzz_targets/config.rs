//! The configuration parser, fed `SYNAPTIQ_*` variables as `KEY=value` lines.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synaptiq::config::{Config, Flags};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| {
            (
                format!("SYNAPTIQ_{}", k.trim().to_uppercase()),
                v.to_owned(),
            )
        })
        .collect();
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let _ = Config::load_with(&Flags::default(), lookup);
});
