//! Document extraction: a PDF upload.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: common::quiet_caught_panics(), |data: &[u8]| {
    common::extract(data, "upload.pdf");
});
