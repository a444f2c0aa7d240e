//! Document extraction: a DOCX upload (a ZIP of XML parts).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: common::quiet_caught_panics(), |data: &[u8]| {
    common::extract(data, "upload.docx");
});
