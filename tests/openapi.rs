//! The checked-in `openapi.json` is what SDKs are generated from: it must equal the spec
//! the code produces (regenerate with `cargo run -q -- openapi > openapi.json`).

#![allow(clippy::unwrap_used)]

#[test]
fn checked_in_spec_equals_the_generated_one() {
    let generated: serde_json::Value = serde_json::from_str(&synaptiq::http::spec_json()).unwrap();
    let path = "openapi.json";
    let checked_in: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        generated == checked_in,
        "openapi.json is stale: run `cargo run -q -- openapi > openapi.json`"
    );
}
