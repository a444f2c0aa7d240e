//! What the extraction targets share (each uses part of it).

#![allow(dead_code)]

/// The server answers an extractor's panic on a malformed file with a 400 (`ingest`
/// catches it), so a caught panic is not a crash here either; libFuzzer's panic hook would
/// abort on it. A panic nothing catches still aborts the run.
pub fn quiet_caught_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Extracts `data` as an upload named `name`; any text it yields is non-empty.
pub fn extract(data: &[u8], name: &str) {
    if let Ok(extracted) = synaptiq::ingest::extract_file(data, Some(name)) {
        assert!(
            !extracted.text().trim().is_empty(),
            "{name}: extracted only empty text"
        );
    }
}
