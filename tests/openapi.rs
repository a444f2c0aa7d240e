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

fn spec() -> serde_json::Value {
    serde_json::from_str(&synaptiq::http::spec_json()).unwrap()
}

/// Generated SDKs parse a `format: date-time` string into their language's time type.
#[test]
fn every_time_field_is_a_date_time() {
    let spec = spec();
    let mut times = 0;
    for (schema, body) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(properties) = body["properties"].as_object() else {
            continue;
        };
        for (name, property) in properties {
            if name.ends_with("At") && property["type"] == "string" {
                assert_eq!(
                    property["format"], "date-time",
                    "{schema}.{name}: {property}"
                );
                times += 1;
            }
        }
    }
    assert!(times >= 25, "{times} time fields");
}

/// The `/api/admin/leads` twins are served, but an SDK generated from the spec has each lead
/// operation once (one `create_lead`, not an `admin_create_lead` beside it).
#[test]
fn each_lead_operation_is_in_the_spec_once() {
    let spec = spec();
    let mut seen = std::collections::BTreeSet::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        if !path.contains("/leads") {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            let operation = (method.clone(), path.replace("/api/admin/", "/api/"));
            assert!(seen.insert(operation), "{method} {path} twice in the spec");
        }
    }
    assert!(seen.contains(&("post".to_owned(), "/api/leads".to_owned())));
}
