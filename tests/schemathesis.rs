//! Spec-driven API testing: schemathesis generates requests from `openapi.json` (valid ones,
//! invalid ones, boundary values, unsupported methods, call sequences) against the real server,
//! authenticated, with every check on: no 5xx, status codes, content types, headers and bodies
//! as the spec says, invalid data refused, valid data accepted, auth enforced, deleted
//! resources gone. Any failure fails the test with schemathesis' report.
//!
//! A few operations take values whose validity no schema can state; for those alone the
//! "valid data accepted" check also accepts a 400 (or a 415), each with its reason below.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;
use std::time::Duration;

use common::TestServer;
use serde_json::json;

/// Test cases per operation and phase: enough to cover every parameter, small enough that
/// the run takes about a minute on two cores.
const MAX_EXAMPLES: u32 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_behaves_as_its_spec_says() {
    let Some(schemathesis) = common::tool("schemathesis", "pip install schemathesis") else {
        return;
    };
    let plenty = NonZeroU32::new(1_000_000).unwrap();
    let server = TestServer::start_with(|config| {
        config.rate_limits.free = plenty;
        config.rate_limits.pro = plenty;
        config.rate_limits.enterprise = plenty;
        config.rate_limits.public = plenty;
        // schemathesis checks that invalid keys are refused, many times over.
        config.rate_limits.invalid_keys = plenty;
    })
    .await;
    let key = server.key().await;
    let api = server.as_key(&key);
    // Some data to find, and a real cursor (a cursor is valid only when the API made it).
    for i in 0..3 {
        common::create_lead(
            &api,
            &format!("Lead {i}"),
            &format!("lead{i}@example.com"),
            None,
        )
        .await;
    }
    let page = api.get("/api/leads?limit=1").await;
    let cursor = page.body["nextCursor"].as_str().unwrap().to_owned();
    let reply = api
        .post(
            "/api/admin/knowledge-base",
            &json!({"title": "Pricing", "content": "Q: How much?\nA: 49 euros a month.", "type": "faq"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        config_text(&server, &key, &session(&server).await, &cursor),
    )
    .unwrap();
    // `cargo test` runs in the package root; schemathesis runs in its scratch dir.
    let spec = std::path::absolute("openapi.json").unwrap();
    let run = tokio::process::Command::new(schemathesis)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(spec)
        .args(["--checks", "all", "--no-shrink", "--workers", "2"])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(900), run)
        .await
        .expect("schemathesis finished within 15 minutes")
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures ({}):\n{report}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("Tested: "), "{report}");
}

/// The admin session cookie's value.
async fn session(server: &TestServer) -> String {
    let reply = server
        .anon()
        .post("/api/admin/auth", &json!({"token": common::ADMIN_TOKEN}))
        .await;
    let cookie = reply.header("set-cookie").unwrap();
    let pair = cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

fn config_text(server: &TestServer, key: &str, session: &str, cursor: &str) -> String {
    let url = &server.url;
    // Each exception widens "valid data is accepted" for its operations only, for a reason a
    // schema cannot state.
    let also_400 = r#"["2xx", "401", "403", "404", "409", "429", "400"]"#;
    format!(
        r#"
base-url = "{url}"
seed = 1
# Cookie-authenticated changes must come from the server's own origin (CSRF check).
headers = {{ Origin = "{url}" }}

[generation]
max-examples = {MAX_EXAMPLES}
database = "none"

[auth.openapi]
apiKey = {{ bearer = "{key}" }}
adminSession = {{ api_key = "{session}" }}

# An opaque cursor is valid only when the API made it; a time zone must exist.
[parameters]
"query.cursor" = "{cursor}"
"query.tz" = "Europe/Amsterdam"

# Links inferred by dependency analysis put a conversation's null `leadId` into `{{id}}`
# paths (as "None"): not valid data, so this check runs in the other phases only.
[phases.stateful.checks]
positive_data_acceptance.enabled = false

# A lead search's cursor belongs to its `q`; meetings need `from` before `to`, and a cursor
# from the same list.
[[operations]]
include-operation-id = ["listLeads", "adminListLeads", "listMeetings", "listLeadMeetings"]
checks.positive_data_acceptance.expected-statuses = {also_400}

# `since` is a calendar date or an RFC 3339 time; a pattern cannot say which dates exist.
[[operations]]
include-operation-id = ["exportLeadsCsv", "adminExportLeadsCsv"]
checks.positive_data_acceptance.expected-statuses = {also_400}

# A webhook URL must resolve (DNS) to an allowed address.
[[operations]]
include-operation-id = ["createWebhook", "updateWebhook"]
checks.positive_data_acceptance.expected-statuses = {also_400}

# A meeting moves only to a start of a free slot of the tenant's availability.
[[operations]]
include-operation-id = ["rescheduleMeeting"]
checks.positive_data_acceptance.expected-statuses = {also_400}

# Settings are checked as a whole: start before end, a real time zone, well-formed origins.
[[operations]]
include-operation-id = ["updateSettings"]
checks.positive_data_acceptance.expected-statuses = {also_400}

# A file must hold text in a supported format.
[[operations]]
include-operation-id = ["uploadDocument", "replaceDocument"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "429", "400", "415"]
"#
    )
}
