//! Document extraction: a Markdown upload and JSON `content`.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: common::quiet_caught_panics(), |data: &[u8]| {
    common::extract(data, "upload.md");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = synaptiq::ingest::extract_content(text);
    }
});
