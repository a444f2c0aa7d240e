//! Chunking extracted text, as articles and as FAQs: no chunk is empty.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: common::quiet_caught_panics(), |data: &[u8]| {
    let Some((&faq, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(extracted) = synaptiq::ingest::extract_content(text) else {
        return;
    };
    for chunk in synaptiq::ingest::chunk::chunk(&extracted.blocks, faq % 2 == 0) {
        assert!(!chunk.text.trim().is_empty(), "an empty chunk from {text:?}");
    }
});
