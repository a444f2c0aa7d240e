//! Health, the served OpenAPI spec and the API reference page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::TestServer;
use serde_json::Value;
use synaptiq::config::LlmProvider;

#[tokio::test]
async fn health_reports_every_dependency_ok_without_credentials() {
    let server = TestServer::start().await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(reply.body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(reply.body["database"], "ok");
    assert_eq!(reply.body["search"], "ok");
    assert_eq!(reply.body["llm"], "builtin");
}

#[tokio::test]
async fn health_says_the_llm_is_not_configured_when_anthropic_has_no_key() {
    let server = TestServer::start_with(|config| {
        config.llm.provider = LlmProvider::Anthropic;
        config.llm.api_key = None;
    })
    .await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(
        reply.status, 200,
        "the LLM does not make the service degraded: {}",
        reply.text
    );
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(reply.body["llm"], "not_configured");
}

#[tokio::test]
async fn health_says_the_llm_is_not_configured_when_openai_has_neither_key_nor_base_url() {
    let server = TestServer::start_with(|config| {
        config.llm.provider = LlmProvider::OpenAi;
        config.llm.api_key = None;
        config.llm.base_url = None;
    })
    .await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["llm"], "not_configured");
}

#[tokio::test]
async fn health_says_a_local_openai_compatible_server_is_ok_when_it_answers() {
    let base_url = fake_llm_server();
    let server = TestServer::start_with(|config| {
        config.llm.provider = LlmProvider::OpenAi;
        config.llm.api_key = None;
        config.llm.base_url = Some(url::Url::parse(&base_url).unwrap());
    })
    .await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["llm"], "ok");
}

#[tokio::test]
async fn health_says_the_llm_is_unreachable_when_its_server_is_down() {
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TestServer::start_with(|config| {
        config.llm.provider = LlmProvider::OpenAi;
        config.llm.api_key = None;
        config.llm.base_url =
            Some(url::Url::parse(&format!("http://127.0.0.1:{closed_port}/v1")).unwrap());
    })
    .await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(
        reply.status, 200,
        "a down LLM does not make the service degraded: {}",
        reply.text
    );
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(reply.body["llm"], "unreachable");
}

#[tokio::test]
async fn the_openapi_spec_describes_leads_admin_auth_and_both_credentials() {
    let server = TestServer::start().await;

    let reply = server.anon().get("/api/openapi.json").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply
            .header("content-type")
            .unwrap_or_default()
            .contains("json"),
        "{:?}",
        reply.header("content-type")
    );
    let spec = &reply.body;
    assert!(
        spec["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with('3'),
        "an OpenAPI 3 document"
    );
    assert!(spec["paths"]["/api/leads"].is_object());
    assert!(spec["paths"]["/api/admin/auth"]["post"].is_object());
    let schemes = &spec["components"]["securitySchemes"];
    assert!(schemes["apiKey"].is_object(), "{schemes}");
    assert!(schemes["adminSession"].is_object(), "{schemes}");
    assert_eq!(schemes["adminSession"]["in"], "cookie");
    assert_eq!(schemes["adminSession"]["name"], "synaptiq_session");
    let operation_ids: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_object)
        .flat_map(|methods| methods.values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    for id in [
        "listLeads",
        "createLead",
        "getLead",
        "updateLead",
        "deleteLead",
    ] {
        assert!(
            operation_ids.contains(&id),
            "operationId {id} in {operation_ids:?}"
        );
    }
    let list_leads = &spec["paths"]["/api/leads"]["get"];
    let security = list_leads["security"].to_string();
    assert!(
        security.contains("apiKey") && security.contains("adminSession"),
        "listLeads accepts both: {security}"
    );
}

#[tokio::test]
async fn the_api_reference_page_is_html() {
    let server = TestServer::start().await;

    let reply = server.anon().get("/api/docs").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{:?}",
        reply.header("content-type")
    );
    assert!(
        reply.text.to_ascii_lowercase().contains("<html"),
        "{}",
        &reply.text[..reply.text.len().min(200)]
    );
}

/// An OpenAI-compatible server on loopback that answers every request with an empty model
/// list; returns its base URL (`http://127.0.0.1:PORT/v1`).
fn fake_llm_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf);
                let body = r#"{"object":"list","data":[{"id":"fake-model","object":"model"}]}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            });
        }
    });
    format!("http://127.0.0.1:{port}/v1")
}
