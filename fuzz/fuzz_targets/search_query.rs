//! Search query parsing for leads (prefix matching) and knowledge-base chunks: a bounded
//! number of terms, none empty.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else {
        return;
    };
    let leads = synaptiq::search::leads::tokens(q);
    let chunks = synaptiq::search::chunks::tokens(q);
    assert!(
        leads.len() <= 16 && chunks.len() <= 32,
        "too many terms from {q:?}"
    );
    assert!(
        leads.iter().chain(&chunks).all(|t| !t.is_empty()),
        "an empty term from {q:?}"
    );
});
