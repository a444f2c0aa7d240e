//! The knowledge base over HTTP (issue #4): real files uploaded over multipart (PDF, DOCX,
//! HTML, Markdown, text) and JSON uploads, extracted, chunked and found by search; bad
//! inputs refused with their status and nothing stored; replace, delete, pagination, tenant
//! isolation, and `synaptiq reindex` with and without a running server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Client, Reply, TestServer, create_lead};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use synaptiq::domain::model::Tier;

const KB: &str = "/api/admin/knowledge-base";
const BOUNDARY: &str = "synaptiq-test-boundary-4f1c2a9e7b3d";
const BIN: &str = env!("CARGO_BIN_EXE_synaptiq");
const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("tests/fixtures/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Collapses runs of whitespace, so sentences compare whatever the extractor's line breaks.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn encode(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// A `multipart/form-data` body: an optional `file` part, then text parts; returns the
/// Content-Type (with the boundary) and the body.
fn multipart(file: Option<(&str, &[u8])>, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

async fn send_file(
    api: &Client<'_>,
    method: reqwest::Method,
    path: &str,
    filename: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> Reply {
    let (content_type, body) = multipart(Some((filename, bytes)), fields);
    api.raw(method, path, &content_type, body).await
}

/// Uploads a file over multipart.
async fn upload(api: &Client<'_>, filename: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Reply {
    send_file(api, reqwest::Method::POST, KB, filename, bytes, fields).await
}

/// Uploads a fixture file and insists on a 201; returns the document.
async fn upload_fixture(api: &Client<'_>, name: &str, fields: &[(&str, &str)]) -> Value {
    let reply = upload(api, name, &fixture(name), fields).await;
    assert_eq!(reply.status, 201, "upload {name}: {}", reply.text);
    reply.body["document"].clone()
}

fn id(doc: &Value) -> String {
    doc["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {doc}"))
        .to_owned()
}

/// The search results for `q` (status 200 insisted on).
async fn search(api: &Client<'_>, q: &str) -> Vec<Value> {
    let reply = api.get(&format!("{KB}/search?q={}", encode(q))).await;
    assert_eq!(reply.status, 200, "search {q:?}: {}", reply.text);
    reply.body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results array: {}", reply.text))
        .clone()
}

/// The ids of the documents `q` finds, best first (with repeats when several chunks match).
async fn found_ids(api: &Client<'_>, q: &str) -> Vec<String> {
    search(api, q)
        .await
        .iter()
        .map(|r| r["documentId"].as_str().unwrap().to_owned())
        .collect()
}

/// Every document of the caller's tenant, following the cursor.
async fn all_documents(api: &Client<'_>) -> Vec<Value> {
    let mut docs = Vec::new();
    let mut path = format!("{KB}?limit=500");
    loop {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 200, "list: {}", reply.text);
        docs.extend(reply.body["documents"].as_array().unwrap().iter().cloned());
        match reply.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("{KB}?limit=500&cursor={}", encode(cursor)),
            None => return docs,
        }
    }
}

async fn document_count(api: &Client<'_>) -> usize {
    all_documents(api).await.len()
}

async fn get_document(api: &Client<'_>, id: &str) -> Value {
    let reply = api.get(&format!("{KB}/{id}")).await;
    assert_eq!(reply.status, 200, "get {id}: {}", reply.text);
    reply.body["document"].clone()
}

/// The extracted text of a document, whitespace squashed.
async fn text_of(api: &Client<'_>, id: &str) -> String {
    let doc = get_document(api, id).await;
    squash(
        doc["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text in {doc}")),
    )
}

fn sorted_keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort_unstable();
    keys
}

fn timestamp(value: &Value) -> jiff::Timestamp {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .parse()
        .unwrap()
}

/// What a refused upload must leave alone: the list, the index and what searches find.
#[derive(Debug, PartialEq)]
struct Snapshot {
    documents: Vec<String>,
    index_docs: u64,
    probes: Vec<Vec<String>>,
}

async fn snapshot(server: &TestServer, api: &Client<'_>, probes: &[&str]) -> Snapshot {
    let documents = all_documents(api).await.iter().map(id).collect();
    let mut found = Vec::new();
    for q in probes {
        found.push(found_ids(api, q).await);
    }
    Snapshot {
        documents,
        index_docs: server.app().chunks_index.num_docs(),
        probes: found,
    }
}

/// Words that only the refused inputs contain; none may ever be found.
const PROBES: &[&str] = &[
    "Lyon board memo",
    "delivery note 2024-0117",
    "founded 2014 employs Boston",
    "overflowing zzqqx sentinel",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Starts a server with one good document in the default tenant (so "unchanged" is not just
/// "still empty").
async fn server_with_one_document() -> (TestServer, String) {
    let server = TestServer::start().await;
    let key = server.key().await;
    {
        let api = server.as_key(&key);
        upload_fixture(&api, "faq.txt", &[]).await;
    }
    (server, key)
}

/// Sends a refused request, checks its status and message, and that nothing changed.
async fn assert_refused(
    server: &TestServer,
    api: &Client<'_>,
    what: &str,
    reply: impl std::future::Future<Output = Reply>,
    status: u16,
    message: &str,
) {
    let before = snapshot(server, api, PROBES).await;
    let reply = reply.await;
    assert_eq!(reply.status, status, "{what}: {}", reply.text);
    let error = reply.error().to_owned();
    assert!(
        error.contains(message),
        "{what}: the error {error:?} should contain {message:?}"
    );
    let after = snapshot(server, api, PROBES).await;
    assert_eq!(before, after, "{what}: a refused upload changed the state");
    for (q, found) in PROBES.iter().zip(&after.probes) {
        assert!(found.is_empty(), "{what}: {q:?} found {found:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON upload

#[tokio::test]
async fn the_seed_json_upload_works_as_written() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let content = "Q: What is Synaptiq?\nA: An AI-powered SDR agent...";

    let reply = api
        .post(
            KB,
            &json!({"title": "Product FAQ", "content": content, "type": "faq"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(sorted_keys(&reply.body), vec!["document"]);
    let doc = &reply.body["document"];
    assert_eq!(
        sorted_keys(doc),
        vec![
            "chunkCount",
            "contentHash",
            "createdAt",
            "format",
            "id",
            "sizeBytes",
            "title",
            "type",
            "updatedAt"
        ],
        "{doc}"
    );
    uuid::Uuid::parse_str(&id(doc)).expect("id is a UUID");
    assert_eq!(doc["title"], "Product FAQ");
    assert_eq!(doc["type"], "faq");
    assert_eq!(doc["format"], "json");
    assert_eq!(doc["sizeBytes"], content.len());
    assert_eq!(doc["contentHash"], sha256_hex(content.as_bytes()));
    assert!(doc["chunkCount"].as_u64().unwrap() >= 1, "{doc}");
    assert_eq!(doc["createdAt"], doc["updatedAt"]);
    let now = jiff::Timestamp::now();
    assert!(now.duration_since(timestamp(&doc["createdAt"])).as_secs() < 60);

    let results = search(&api, "What is Synaptiq?").await;
    assert!(!results.is_empty(), "the JSON FAQ is searchable at once");
    let top = &results[0];
    assert_eq!(top["documentId"], doc["id"]);
    assert_eq!(top["title"], "Product FAQ");
    assert_eq!(top["answer"], "An AI-powered SDR agent...");
    assert!(
        top["text"].as_str().unwrap().contains("What is Synaptiq?"),
        "{top}"
    );
    assert!(top["snippet"].as_str().unwrap().contains("<mark>"), "{top}");
    assert!(top["score"].as_f64().unwrap() > 0.0, "{top}");

    let got = get_document(&api, &id(doc)).await;
    assert!(
        got["text"]
            .as_str()
            .unwrap()
            .contains("An AI-powered SDR agent..."),
        "{got}"
    );
}

#[tokio::test]
async fn json_uploads_take_every_type_and_refuse_others() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    for (i, doc_type) in ["faq", "article", "product", "policy", "other"]
        .iter()
        .enumerate()
    {
        let reply = api
            .post(
                KB,
                &json!({"title": format!("Doc {i}"), "content": format!("Paragraph number {i} about {doc_type} things."), "type": doc_type}),
            )
            .await;
        assert_eq!(reply.status, 201, "{doc_type}: {}", reply.text);
        assert_eq!(reply.body["document"]["type"], *doc_type);
    }
    let untyped = api
        .post(
            KB,
            &json!({"title": "No type", "content": "Some untyped words."}),
        )
        .await;
    assert_eq!(untyped.status, 201, "{}", untyped.text);
    assert_eq!(untyped.body["document"]["type"], "other");

    let count = document_count(&api).await;
    for (what, body, status) in [
        (
            "unknown type",
            json!({"title": "T", "content": "brochure words", "type": "brochure"}),
            400,
        ),
        (
            "empty content",
            json!({"title": "T", "content": "", "type": "faq"}),
            400,
        ),
        (
            "blank content",
            json!({"title": "T", "content": "  \n\t ", "type": "faq"}),
            400,
        ),
        ("missing content", json!({"title": "T"}), 400),
        ("missing title", json!({"content": "words"}), 400),
        (
            "title over 200 characters",
            json!({"title": "t".repeat(201), "content": "brochure words"}),
            400,
        ),
        ("empty title", json!({"title": "", "content": "words"}), 400),
    ] {
        let reply = api.post(KB, &body).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.text);
        reply.error();
    }
    assert_eq!(document_count(&api).await, count, "nothing was stored");
    assert!(found_ids(&api, "brochure").await.is_empty());

    let exactly_200 = api
        .post(
            KB,
            &json!({"title": "é".repeat(200), "content": "Title length edge."}),
        )
        .await;
    assert_eq!(exactly_200.status, 201, "{}", exactly_200.text);
}

// ---------------------------------------------------------------------------------------------
// Real files

#[tokio::test]
async fn a_multi_page_pdf_is_extracted_chunked_and_found() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let bytes = fixture("handbook.pdf");

    let doc = upload_fixture(&api, "handbook.pdf", &[("title", "Northwind Handbook")]).await;

    assert_eq!(doc["format"], "pdf");
    assert_eq!(doc["type"], "other");
    assert_eq!(doc["title"], "Northwind Handbook");
    assert_eq!(doc["sizeBytes"], bytes.len());
    assert_eq!(doc["contentHash"], sha256_hex(&bytes));
    assert!(doc["chunkCount"].as_u64().unwrap() >= 1, "{doc}");
    let text = text_of(&api, &id(&doc)).await;
    for sentence in [
        "Northwind Robotics was founded in 2014 in Rotterdam.",
        "The company employs 180 people across offices in Rotterdam and Boston.",
        "The Starter plan costs $49 per month.",
        "The Growth plan costs $199 per month.",
        "All data is encrypted at rest with AES-256.",
    ] {
        assert!(text.contains(sentence), "{sentence:?} missing from {text}");
    }

    for (q, sentence) in [
        ("when was northwind founded", "founded in 2014 in Rotterdam"),
        ("growth plan price", "The Growth plan costs $199 per month."),
        ("encrypted at rest", "encrypted at rest with AES-256"),
    ] {
        let results = search(&api, q).await;
        assert!(!results.is_empty(), "{q:?} found nothing");
        let top = &results[0];
        assert_eq!(top["documentId"], doc["id"], "{q:?}: {top}");
        assert_eq!(top["title"], "Northwind Handbook");
        assert!(
            squash(top["text"].as_str().unwrap()).contains(sentence),
            "{q:?}: {sentence:?} not in the best chunk {top}"
        );
        assert!(
            top["snippet"].as_str().unwrap().contains("<mark>"),
            "{q:?}: {top}"
        );
        assert_eq!(top["answer"], Value::Null, "prose has no answer: {top}");
        assert!(top["heading"].is_string(), "{top}");
    }
}

/// Issue 25 item 5: a document without a `title` is called by its first heading, in every
/// format that has headings, and by its file name when it has none.
#[tokio::test]
async fn the_default_title_is_the_first_heading_else_the_file_name() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let long = "Long ".repeat(60);
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "product.html",
            fixture("product.html"),
            "Northwind Picker 3000".into(),
        ),
        (
            "page.txt",
            b"<!DOCTYPE html><p>Intro first.</p><h2>Returns &amp; refunds</h2><p>Thirty days.</p>"
                .to_vec(),
            "Returns & refunds".into(),
        ),
        (
            "faq.md",
            fixture("faq.md"),
            "Northwind Robotics - Frequently Asked Questions".into(),
        ),
        (
            "onboarding.docx",
            fixture("onboarding.docx"),
            "Customer Onboarding Guide".into(),
        ),
        (
            "long.md",
            format!("Intro.\n\n## {long}\n\nBody.").into_bytes(),
            long.chars().take(200).collect::<String>().trim_end().into(),
        ),
        (
            "no-heading.html",
            b"<html><body><p>Only a paragraph.</p></body></html>".to_vec(),
            "no-heading".into(),
        ),
        (
            "Plain Notes.txt",
            b"# Not a heading in plain text\n\nWords.".to_vec(),
            "Plain Notes".into(),
        ),
    ];
    for (name, bytes, expected) in cases {
        let reply = upload(&api, name, &bytes, &[]).await;
        assert_eq!(reply.status, 201, "{name}: {}", reply.text);
        assert_eq!(reply.body["document"]["title"], expected.as_str(), "{name}");
        let stored = get_document(&api, &id(&reply.body["document"])).await;
        assert_eq!(stored["title"], expected.as_str(), "{name}: {stored}");
    }
    // A title given wins over the heading.
    let reply = upload(
        &api,
        "given.md",
        b"# Heading\n\nText.",
        &[("title", "Given title")],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["document"]["title"], "Given title");
}

#[tokio::test]
async fn a_docx_keeps_its_headings_and_table() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let bytes = fixture("onboarding.docx");

    let doc = upload_fixture(&api, "onboarding.docx", &[("type", "article")]).await;

    assert_eq!(doc["format"], "docx");
    assert_eq!(doc["type"], "article");
    assert_eq!(doc["sizeBytes"], bytes.len());
    assert_eq!(doc["contentHash"], sha256_hex(&bytes));
    assert_eq!(
        doc["title"], "Customer Onboarding Guide",
        "the title defaults to the first heading: {doc}"
    );
    let text = text_of(&api, &id(&doc)).await;
    for sentence in [
        "Customer Onboarding Guide",
        "Every new customer gets a dedicated onboarding specialist.",
        "The site survey takes place two weeks before delivery.",
        "Weekdays | 9am-6pm CET",
        "Saturday | 10am-2pm CET",
    ] {
        assert!(text.contains(sentence), "{sentence:?} missing from {text}");
    }

    let results = search(&api, "dedicated onboarding specialist").await;
    assert!(!results.is_empty());
    assert_eq!(results[0]["documentId"], doc["id"]);
    assert!(
        squash(results[0]["text"].as_str().unwrap())
            .contains("Every new customer gets a dedicated onboarding specialist."),
        "{}",
        results[0]
    );

    let results = search(&api, "support open on saturday").await;
    assert!(!results.is_empty());
    let top = &results[0];
    assert_eq!(top["documentId"], doc["id"]);
    assert!(
        top["heading"].as_str().unwrap().contains("Support hours"),
        "the table chunk sits under its heading: {top}"
    );
    assert!(
        squash(top["text"].as_str().unwrap()).contains("Saturday | 10am-2pm CET"),
        "{top}"
    );

    let results = search(&api, "site survey").await;
    assert!(!results.is_empty());
    assert!(
        results[0]["heading"]
            .as_str()
            .unwrap()
            .contains("Before the robots arrive"),
        "{}",
        results[0]
    );
}

#[tokio::test]
async fn an_html_page_keeps_its_main_text_only() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let bytes = fixture("product.html");

    let doc = upload_fixture(&api, "product.html", &[("type", "product")]).await;

    assert_eq!(doc["format"], "html");
    assert_eq!(doc["type"], "product");
    assert_eq!(doc["contentHash"], sha256_hex(&bytes));
    let text = text_of(&api, &id(&doc)).await;
    for sentence in [
        "The Picker 3000 lifts up to 25 kilograms.",
        "A fully charged Picker 3000 runs for 10 hours on a single charge.",
        "The robot stops within 30 centimetres when a person steps into its path.",
        "Specifications",
        "Safety",
        "Availability",
    ] {
        assert!(text.contains(sentence), "{sentence:?} missing from {text}");
    }
    for hidden in [
        "TRACKING_SECRET_TOKEN",
        "analyticsConfig",
        "STYLE_ONLY_CLASS",
        "NAV_ONLY_LINK",
        "Careers",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked into {text}");
        assert!(
            found_ids(&api, hidden).await.is_empty(),
            "{hidden} is searchable"
        );
    }

    let results = search(&api, "how heavy a load can the picker lift").await;
    assert!(!results.is_empty());
    assert_eq!(results[0]["documentId"], doc["id"]);
    assert!(
        squash(results[0]["text"].as_str().unwrap())
            .contains("The Picker 3000 lifts up to 25 kilograms."),
        "{}",
        results[0]
    );
    let results = search(&api, "person steps into path").await;
    assert!(!results.is_empty());
    assert!(
        results[0]["heading"].as_str().unwrap().contains("Safety"),
        "{}",
        results[0]
    );
}

#[tokio::test]
async fn a_markdown_faq_is_one_chunk_per_question() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let bytes = fixture("faq.md");
    let questions = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("## "))
        .count();
    assert_eq!(questions, 35);

    let doc = upload_fixture(
        &api,
        "faq.md",
        &[("title", "Northwind FAQ"), ("type", "faq")],
    )
    .await;

    assert_eq!(doc["format"], "markdown");
    assert_eq!(doc["type"], "faq");
    assert_eq!(doc["sizeBytes"], bytes.len());
    assert_eq!(doc["contentHash"], sha256_hex(&bytes));
    assert!(
        doc["chunkCount"].as_u64().unwrap() >= questions as u64,
        "one chunk per question: {doc}"
    );
    let text = text_of(&api, &id(&doc)).await;
    for sentence in [
        "Yes, every new account starts with a 14-day free trial of the Growth plan, and no credit card is required.",
        "All customer data is hosted in data centres in Frankfurt, Germany, and never leaves the European Union.",
        "A fully charged Picker 3000 runs for 10 hours, and a full recharge takes 90 minutes.",
    ] {
        assert!(text.contains(sentence), "{sentence:?} missing from {text}");
    }

    let results = search(&api, "free trial").await;
    assert!(!results.is_empty());
    let top = &results[0];
    assert_eq!(top["documentId"], doc["id"]);
    assert_eq!(top["title"], "Northwind FAQ");
    assert!(
        top["heading"]
            .as_str()
            .unwrap()
            .ends_with("Is there a free trial?"),
        "{top}"
    );
    assert_eq!(
        squash(top["answer"].as_str().unwrap()),
        "Yes, every new account starts with a 14-day free trial of the Growth plan, and no credit card is required.",
        "{top}"
    );
    assert!(
        top["text"].as_str().unwrap().contains("free trial"),
        "{top}"
    );
    let snippet = top["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>"), "{top}");
    assert!(!snippet.contains("<script"), "{top}");
    assert!(top["score"].as_f64().unwrap() > 0.0);
    assert_eq!(
        sorted_keys(top),
        vec![
            "answer",
            "documentId",
            "heading",
            "position",
            "score",
            "snippet",
            "text",
            "title"
        ]
    );
}

#[tokio::test]
async fn a_text_faq_and_a_latin1_file_are_read() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let faq = upload_fixture(&api, "faq.txt", &[("type", "faq")]).await;
    assert_eq!(faq["format"], "text");
    assert!(faq["chunkCount"].as_u64().unwrap() >= 6, "{faq}");
    let results = search(&api, "how wide do aisles need to be").await;
    assert!(!results.is_empty());
    assert_eq!(results[0]["documentId"], faq["id"]);
    assert_eq!(
        results[0]["answer"],
        "The robot needs aisles at least 80 centimetres wide to turn safely."
    );

    let latin1 = upload_fixture(&api, "latin1.txt", &[]).await;
    assert_eq!(latin1["format"], "text");
    assert_eq!(latin1["sizeBytes"], 175);
    assert_eq!(latin1["contentHash"], sha256_hex(&fixture("latin1.txt")));
    let text = text_of(&api, &id(&latin1)).await;
    assert!(
        text.starts_with("Café crème à Zürich - prix spécial"),
        "{text}"
    );
    for word in ["crème fraîche", "gâteau", "Größe: groß", "señor"] {
        assert!(text.contains(word), "{word:?} missing from {text}");
    }
    assert_eq!(found_ids(&api, "zurich").await, vec![id(&latin1)]);
}

// ---------------------------------------------------------------------------------------------
// Bad inputs: refused, and nothing stored

#[tokio::test]
async fn broken_pdfs_are_refused_and_nothing_is_stored() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);

    for (name, message) in [
        ("corrupt.pdf", "corrupt"),
        ("truncated.pdf", "truncated"),
        ("encrypted.pdf", "encrypted"),
        (
            "scanned.pdf",
            "no extractable text — scanned PDF? OCR is not supported",
        ),
    ] {
        let bytes = fixture(name);
        assert_refused(
            &server,
            &api,
            name,
            upload(&api, name, &bytes, &[("title", "Confidential Board Memo")]),
            400,
            message,
        )
        .await;
    }
    // Not a PDF at all, though named one.
    assert_refused(
        &server,
        &api,
        "fake.pdf",
        upload(&api, "fake.pdf", b"overflowing zzqqx sentinel words", &[]),
        400,
        "pdf",
    )
    .await;
}

#[tokio::test]
async fn a_docx_zip_bomb_is_refused_quickly() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);
    let bytes = fixture("zipbomb.docx");

    let started = Instant::now();
    assert_refused(
        &server,
        &api,
        "zipbomb.docx",
        upload(&api, "zipbomb.docx", &bytes, &[]),
        400,
        "zip bomb",
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the bomb took {:?}",
        started.elapsed()
    );
    let health = server.anon().get("/api/health").await;
    assert_eq!(health.status, 200, "{}", health.text);
}

#[tokio::test]
async fn empty_documents_are_refused() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);

    for name in ["empty.txt", "whitespace.txt"] {
        let bytes = fixture(name);
        assert_refused(
            &server,
            &api,
            name,
            upload(&api, name, &bytes, &[]),
            400,
            "empty",
        )
        .await;
    }
    assert_refused(
        &server,
        &api,
        "empty markdown",
        upload(&api, "notes.md", b"\n\n   \n", &[]),
        400,
        "empty",
    )
    .await;
    assert_refused(
        &server,
        &api,
        "html without text",
        upload(
            &api,
            "blank.html",
            b"<html><head><script>var aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1</script></head><body><nav>Home</nav></body></html>",
            &[],
        ),
        400,
        "empty",
    )
    .await;
}

#[tokio::test]
async fn an_unsupported_format_is_415() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);
    let png = fixture("image.png");

    assert_refused(
        &server,
        &api,
        "image.png",
        upload(&api, "image.png", &png, &[]),
        415,
        "PNG",
    )
    .await;
    assert_refused(
        &server,
        &api,
        "a PNG named .txt",
        upload(&api, "notes.txt", &png, &[]),
        415,
        "PNG",
    )
    .await;
    assert_refused(
        &server,
        &api,
        "a binary .exe",
        upload(&api, "tool.exe", b"MZ\x00\x00\x90\x00\x03\x00binary", &[]),
        415,
        "not supported",
    )
    .await;
}

#[tokio::test]
async fn a_file_over_25_mib_is_413() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);
    let mut big = b"overflowing zzqqx sentinel\n".repeat(25 * MIB / 27 + 1);
    big.resize(25 * MIB + 1, b'x');
    assert_eq!(big.len(), 25 * MIB + 1);

    assert_refused(
        &server,
        &api,
        "25 MiB + 1 byte",
        upload(&api, "big.txt", &big, &[]),
        413,
        "25 MiB",
    )
    .await;
}

#[tokio::test]
async fn bad_titles_and_types_in_a_form_are_400() {
    let (server, key) = server_with_one_document().await;
    let api = server.as_key(&key);
    let body = b"overflowing zzqqx sentinel in a good file";
    let long = "t".repeat(201);

    assert_refused(
        &server,
        &api,
        "title over 200 characters",
        upload(&api, "ok.txt", body, &[("title", &long)]),
        400,
        "title",
    )
    .await;
    assert_refused(
        &server,
        &api,
        "unknown type",
        upload(&api, "ok.txt", body, &[("type", "brochure")]),
        400,
        "type",
    )
    .await;
    let (content_type, no_file) = multipart(None, &[("title", "No file")]);
    assert_refused(
        &server,
        &api,
        "no file part",
        api.raw(reqwest::Method::POST, KB, &content_type, no_file),
        400,
        "file",
    )
    .await;

    let exactly_200 = "é".repeat(200);
    let reply = upload(&api, "ok.txt", body, &[("title", &exactly_200)]).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["document"]["title"], exactly_200.as_str());
}

// ---------------------------------------------------------------------------------------------
// Duplicates, listing, replacing, deleting

#[tokio::test]
async fn a_byte_identical_upload_is_409_with_the_document_id() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let doc = upload_fixture(&api, "handbook.pdf", &[]).await;

    let again = upload(
        &api,
        "renamed.pdf",
        &fixture("handbook.pdf"),
        &[("title", "Another title"), ("type", "policy")],
    )
    .await;

    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["documentId"], doc["id"], "{}", again.text);
    again.error();
    assert_eq!(document_count(&api).await, 1);

    // One byte more is another document.
    let mut changed = fixture("faq.txt");
    let first = upload(&api, "faq.txt", &changed, &[]).await;
    assert_eq!(first.status, 201, "{}", first.text);
    changed.push(b'\n');
    let second = upload(&api, "faq.txt", &changed, &[]).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(document_count(&api).await, 3);
}

#[tokio::test]
async fn the_list_is_paginated_newest_first_without_text() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for name in [
        "faq.txt",
        "product.html",
        "faq.md",
        "onboarding.docx",
        "handbook.pdf",
    ] {
        created.push(id(&upload_fixture(&api, name, &[]).await));
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    created.reverse();

    let mut seen = Vec::new();
    let mut path = format!("{KB}?limit=2");
    let mut pages = 0;
    loop {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        pages += 1;
        let docs = reply.body["documents"].as_array().unwrap();
        assert!(docs.len() <= 2);
        for doc in docs {
            assert!(doc.get("text").is_none(), "the list carries no text: {doc}");
            assert_eq!(
                sorted_keys(doc),
                vec![
                    "chunkCount",
                    "contentHash",
                    "createdAt",
                    "format",
                    "id",
                    "sizeBytes",
                    "title",
                    "type",
                    "updatedAt"
                ]
            );
            seen.push(id(doc));
        }
        match reply.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("{KB}?limit=2&cursor={}", encode(cursor)),
            None => break,
        }
        assert!(pages < 10, "the cursor does not end");
    }
    assert_eq!(seen, created, "newest first, each once");
    assert_eq!(pages, 3);

    let all = api.get(KB).await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["documents"].as_array().unwrap().len(), 5);
    assert_eq!(all.body["nextCursor"], Value::Null);
    for bad in ["limit=0", "limit=501", "limit=x", "cursor=not-a-cursor"] {
        let reply = api.get(&format!("{KB}?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }

    let one = get_document(&api, &created[0]).await;
    assert!(one["text"].as_str().unwrap().contains("Northwind Robotics"));
    let unknown = api.get(&format!("{KB}/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    let not_uuid = api.get(&format!("{KB}/not-a-uuid")).await;
    assert_eq!(not_uuid.status, 400, "{}", not_uuid.text);
}

#[tokio::test]
async fn put_replaces_the_content_under_the_same_id() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let doc = upload_fixture(
        &api,
        "product.html",
        &[("title", "Picker page"), ("type", "product")],
    )
    .await;
    let doc_id = id(&doc);
    assert_eq!(found_ids(&api, "kilograms").await, vec![doc_id.clone()]);
    tokio::time::sleep(Duration::from_millis(5)).await;

    // A file replaces it: the new text is found, the old is not, the id and createdAt stay.
    let new_text = b"Picker 4000\n\nThe Picker 4000 climbs warehouse stairs without help.\n";
    let reply = send_file(
        &api,
        reqwest::Method::PUT,
        &format!("{KB}/{doc_id}"),
        "picker4000.txt",
        new_text,
        &[],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let replaced = &reply.body["document"];
    assert_eq!(replaced["id"], doc["id"]);
    assert_eq!(replaced["createdAt"], doc["createdAt"]);
    assert!(
        timestamp(&replaced["updatedAt"]) > timestamp(&doc["updatedAt"]),
        "updatedAt moves: {replaced} after {doc}"
    );
    assert_eq!(replaced["title"], "Picker page", "the title is kept");
    assert_eq!(replaced["type"], "product", "the type is kept");
    assert_eq!(replaced["format"], "text");
    assert_eq!(replaced["sizeBytes"], new_text.len());
    assert_eq!(replaced["contentHash"], sha256_hex(new_text));
    assert!(
        !found_ids(&api, "kilograms").await.contains(&doc_id),
        "the old sentences are no longer found"
    );
    assert!(found_ids(&api, "stairs").await.contains(&doc_id));
    let text = text_of(&api, &doc_id).await;
    assert!(text.contains("climbs warehouse stairs"), "{text}");
    assert!(!text.contains("25 kilograms"), "{text}");
    assert_eq!(document_count(&api).await, 1);
    let got = get_document(&api, &doc_id).await;
    assert_eq!(got["updatedAt"], replaced["updatedAt"]);
    assert_eq!(got["createdAt"], doc["createdAt"]);

    // JSON replaces it too, with a new title and type.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let reply = api
        .put(
            &format!("{KB}/{doc_id}"),
            &json!({"title": "Refund policy", "content": "Refunds are paid within fourteen days.", "type": "policy"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let again = &reply.body["document"];
    assert_eq!(again["id"], doc["id"]);
    assert_eq!(again["title"], "Refund policy");
    assert_eq!(again["type"], "policy");
    assert_eq!(again["format"], "json");
    assert_eq!(again["createdAt"], doc["createdAt"]);
    assert!(timestamp(&again["updatedAt"]) > timestamp(&replaced["updatedAt"]));
    assert!(!found_ids(&api, "stairs").await.contains(&doc_id));
    assert_eq!(
        found_ids(&api, "refunds fourteen").await,
        vec![doc_id.clone()]
    );

    // A bad replacement changes nothing.
    let reply = send_file(
        &api,
        reqwest::Method::PUT,
        &format!("{KB}/{doc_id}"),
        "scanned.pdf",
        &fixture("scanned.pdf"),
        &[],
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(
        found_ids(&api, "refunds fourteen").await,
        vec![doc_id.clone()]
    );
    assert_eq!(
        get_document(&api, &doc_id).await["updatedAt"],
        again["updatedAt"]
    );

    // Content identical to another document is a 409 naming it; an unknown id is a 404.
    let other = upload_fixture(&api, "faq.txt", &[]).await;
    let reply = send_file(
        &api,
        reqwest::Method::PUT,
        &format!("{KB}/{doc_id}"),
        "copy.txt",
        &fixture("faq.txt"),
        &[],
    )
    .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.body["documentId"], other["id"]);
    // The refused replacement was indexed while its write ran. Once the index commits
    // again, the document is found by its own text and never by the refused one.
    let later = upload(
        &api,
        "later.txt",
        b"Forklift batteries last eight hours.\n",
        &[],
    )
    .await;
    assert_eq!(later.status, 201, "{}", later.text);
    assert_eq!(
        found_ids(&api, "refunds fourteen").await,
        vec![doc_id.clone()]
    );
    assert!(
        !found_ids(&api, "aisles centimetres")
            .await
            .contains(&doc_id)
    );
    let reply = api
        .put(
            &format!("{KB}/{}", uuid::Uuid::new_v4()),
            &json!({"title": "Nope", "content": "Nothing here."}),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    assert_eq!(document_count(&api).await, 3);
}

#[tokio::test]
async fn delete_removes_a_document_from_search_at_once() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let faq = upload_fixture(&api, "faq.md", &[("type", "faq")]).await;
    let handbook = upload_fixture(&api, "handbook.pdf", &[]).await;
    let faq_id = id(&faq);
    assert!(found_ids(&api, "free trial").await.contains(&faq_id));

    let reply = api.delete(&format!("{KB}/{faq_id}")).await;

    assert_eq!(reply.status, 204, "{}", reply.text);
    assert!(reply.text.is_empty());
    assert!(
        !found_ids(&api, "free trial").await.contains(&faq_id),
        "found right after the delete"
    );
    assert!(
        !found_ids(&api, "Frankfurt data centres")
            .await
            .contains(&faq_id),
        "found right after the delete"
    );
    assert_eq!(api.get(&format!("{KB}/{faq_id}")).await.status, 404);
    assert_eq!(api.delete(&format!("{KB}/{faq_id}")).await.status, 404);
    let left: Vec<String> = all_documents(&api).await.iter().map(id).collect();
    assert_eq!(left, vec![id(&handbook)]);
    assert!(
        found_ids(&api, "AES-256 encrypted")
            .await
            .contains(&id(&handbook))
    );

    // The same bytes can be uploaded again once the first copy is gone.
    let again = upload(&api, "faq.md", &fixture("faq.md"), &[]).await;
    assert_eq!(again.status, 201, "{}", again.text);
}

// ---------------------------------------------------------------------------------------------
// Search parameters

#[tokio::test]
async fn search_validates_q_and_limit() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    upload_fixture(&api, "faq.md", &[("type", "faq")]).await;

    for bad in [
        "q=",
        "q=%20%20",
        "",
        "q=trial&limit=0",
        "q=trial&limit=51",
        "q=trial&limit=-1",
        "q=trial&limit=ten",
    ] {
        let reply = api.get(&format!("{KB}/search?{bad}")).await;
        assert_eq!(reply.status, 400, "?{bad}: {}", reply.text);
        reply.error();
    }
    let too_long = "w".repeat(501);
    let reply = api.get(&format!("{KB}/search?q={too_long}")).await;
    assert_eq!(reply.status, 400, "{}", reply.text);

    let reply = api.get(&format!("{KB}/search?q=plan&limit=2")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["results"].as_array().unwrap().len(), 2);
    let reply = api.get(&format!("{KB}/search?q=plan&limit=50")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let results = reply.body["results"].as_array().unwrap();
    assert!(results.len() > 2 && results.len() <= 50);
    let scores: Vec<f64> = results
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let reply = api.get(&format!("{KB}/search?q=plan")).await;
    assert!(reply.body["results"].as_array().unwrap().len() <= 10);

    assert!(found_ids(&api, "xylophone").await.is_empty());
    assert!(
        found_ids(&api, "the and of").await.is_empty(),
        "stop words only"
    );
}

#[tokio::test]
async fn snippets_are_html_escaped() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let reply = api
        .post(
            KB,
            &json!({"title": "Escaping", "content": "The <b>widget</b> & its <script>alert(1)</script> tag."}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    let results = search(&api, "widget").await;
    assert!(!results.is_empty());
    let snippet = results[0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>widget</mark>"), "{snippet}");
    assert!(!snippet.contains("<script>"), "{snippet}");
    assert!(!snippet.contains("<b>"), "{snippet}");
}

// ---------------------------------------------------------------------------------------------
// Authentication and tenant isolation

#[tokio::test]
async fn every_endpoint_needs_credentials() {
    let server = TestServer::start().await;
    let anon = server.anon();
    let some_id = uuid::Uuid::new_v4();
    let (content_type, body) = multipart(Some(("a.txt", b"words")), &[]);

    let replies = [
        anon.get(KB).await,
        anon.get(&format!("{KB}/search?q=words")).await,
        anon.get(&format!("{KB}/{some_id}")).await,
        anon.delete(&format!("{KB}/{some_id}")).await,
        anon.put(
            &format!("{KB}/{some_id}"),
            &json!({"title": "t", "content": "c"}),
        )
        .await,
        anon.post(KB, &json!({"title": "t", "content": "c"})).await,
        anon.raw(reqwest::Method::POST, KB, &content_type, body)
            .await,
    ];
    for reply in replies {
        assert_eq!(reply.status, 401, "{}", reply.text);
    }
}

#[tokio::test]
async fn tenants_never_see_each_others_documents() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let key_default = server.key().await;
    let key_acme = server.key_for("acme", Tier::Enterprise).await;
    let ours = server.as_key(&key_default);
    let theirs = server.as_key(&key_acme);
    let doc = upload_fixture(&ours, "handbook.pdf", &[]).await;
    let doc_id = id(&doc);

    // List, get, search.
    assert!(all_documents(&theirs).await.is_empty());
    assert_eq!(theirs.get(&format!("{KB}/{doc_id}")).await.status, 404);
    assert!(found_ids(&theirs, "Rotterdam founded").await.is_empty());

    // Replace and delete another tenant's document: 404, and it is untouched.
    let reply = theirs
        .put(
            &format!("{KB}/{doc_id}"),
            &json!({"title": "Hijacked", "content": "Hijacked words."}),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    let reply = send_file(
        &theirs,
        reqwest::Method::PUT,
        &format!("{KB}/{doc_id}"),
        "x.txt",
        b"Hijacked words.",
        &[],
    )
    .await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    assert_eq!(theirs.delete(&format!("{KB}/{doc_id}")).await.status, 404);
    let got = get_document(&ours, &doc_id).await;
    assert_eq!(got["title"], doc["title"]);
    assert_eq!(got["updatedAt"], doc["updatedAt"]);
    assert!(found_ids(&ours, "hijacked").await.is_empty());
    assert_eq!(found_ids(&ours, "Rotterdam founded").await[0], doc_id);

    // The same bytes in another tenant are not a duplicate (and reveal no id).
    let reply = upload(&theirs, "handbook.pdf", &fixture("handbook.pdf"), &[]).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let their_doc = id(&reply.body["document"]);
    assert_ne!(their_doc, doc_id);
    // Several chunks of the one document may match (the handbook has a section per heading).
    let documents = |mut ids: Vec<String>| {
        ids.dedup();
        ids
    };
    assert_eq!(
        documents(found_ids(&theirs, "Rotterdam founded").await),
        vec![their_doc.clone()]
    );
    assert_eq!(
        documents(found_ids(&ours, "Rotterdam founded").await),
        vec![doc_id.clone()]
    );
    theirs
        .post(
            KB,
            &json!({"title": "Acme only", "content": "Quokka logistics notes."}),
        )
        .await;
    assert!(found_ids(&ours, "quokka").await.is_empty());
    assert_eq!(found_ids(&theirs, "quokka").await.len(), 1);

    // The admin session acts on the tenant it names.
    let admin = server.as_admin().await;
    let listed: Vec<String> = all_documents(&admin).await.iter().map(id).collect();
    assert_eq!(listed, vec![doc_id.clone()]);
    let admin_acme = admin.with_header("x-synaptiq-tenant", "acme");
    let listed: BTreeSet<String> = all_documents(&admin_acme).await.iter().map(id).collect();
    assert!(listed.contains(&their_doc) && !listed.contains(&doc_id));
    assert!(
        documents(found_ids(&admin_acme, "Rotterdam founded").await) == vec![their_doc.clone()]
    );
    assert_eq!(admin_acme.get(&format!("{KB}/{doc_id}")).await.status, 404);

    // Deleting ours leaves theirs.
    assert_eq!(ours.delete(&format!("{KB}/{doc_id}")).await.status, 204);
    assert_eq!(
        documents(found_ids(&theirs, "Rotterdam founded").await),
        vec![their_doc]
    );
    assert!(found_ids(&ours, "Rotterdam founded").await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Durability and `synaptiq reindex`

struct Run {
    success: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary on `dir` (off the async runtime, so an in-process server keeps serving).
async fn synaptiq(dir: &Path, args: &[&str]) -> Run {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(BIN)
            .env_clear()
            .env("SYNAPTIQ_LOG", "warn")
            .arg("--data-dir")
            .arg(&dir)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn documents_survive_a_restart() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let doc = {
        let api = server.as_key(&key);
        upload_fixture(&api, "onboarding.docx", &[]).await
    };
    let server = server.restart().await;
    let api = server.as_key(&key);
    assert_eq!(found_ids(&api, "onboarding specialist").await[0], id(&doc));
    let got = get_document(&api, &id(&doc)).await;
    assert_eq!(got["chunkCount"], doc["chunkCount"]);
    assert_eq!(got["contentHash"], doc["contentHash"]);
}

#[tokio::test]
async fn reindex_rebuilds_both_indexes_after_index_is_deleted() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let (doc, gone, lead) = {
        let api = server.as_key(&key);
        let doc = upload_fixture(&api, "faq.md", &[("type", "faq")]).await;
        let gone = upload_fixture(&api, "product.html", &[]).await;
        assert_eq!(api.delete(&format!("{KB}/{}", id(&gone))).await.status, 204);
        let lead = create_lead(
            &api,
            "Quentin Zebulon",
            "quentin@zebulon.io",
            Some("Zebulon Freight"),
        )
        .await;
        (doc, gone, lead)
    };
    let chunks_expected: u64 = {
        let api = server.as_key(&key);
        all_documents(&api)
            .await
            .iter()
            .map(|d| d["chunkCount"].as_u64().unwrap())
            .sum()
    };
    let guard = server.stop().await.expect("the test owns the data dir");
    let dir = guard.path().to_path_buf();
    std::fs::remove_dir_all(dir.join("index")).unwrap();

    let run = synaptiq(&dir, &["reindex"]).await;
    println!("reindex (no server): {}", run.stderr.trim());

    assert!(
        run.success,
        "reindex exited {:?}\nstdout: {}\nstderr: {}",
        run.code, run.stdout, run.stderr
    );
    assert!(
        dir.join("index").join("leads").join("meta.json").is_file()
            && dir.join("index").join("chunks").join("meta.json").is_file(),
        "reindex itself rebuilt both indexes (not just the server at its next start); stderr: {}",
        run.stderr
    );
    let server = TestServer::start_at(&dir).await;
    let api = server.as_key(&key);
    let leads = api.get("/api/leads?q=zebulon").await;
    assert_eq!(leads.status, 200, "{}", leads.text);
    let lead_ids: Vec<&str> = leads.body["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(lead_ids, vec![lead["id"].as_str().unwrap()]);
    let results = search(&api, "free trial").await;
    assert!(!results.is_empty(), "the FAQ is searchable after reindex");
    assert_eq!(results[0]["documentId"], doc["id"]);
    assert!(
        results[0]["heading"]
            .as_str()
            .unwrap()
            .ends_with("Is there a free trial?")
    );
    assert!(
        !found_ids(&api, "kilograms").await.contains(&id(&gone)),
        "a deleted document is not rebuilt"
    );
    assert_eq!(
        server.app().chunks_index.num_docs(),
        chunks_expected,
        "the rebuilt index holds the chunks of the documents that exist"
    );
    drop(guard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_beside_a_running_server_keeps_search_working() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let doc = upload_fixture(&api, "handbook.pdf", &[]).await;
    let lead = create_lead(&api, "Quentin Zebulon", "quentin@zebulon.io", None).await;
    let chunks_before = server.app().chunks_index.num_docs();
    let dir = server.data_dir().to_path_buf();

    // Search all through the reindex: it must never come back empty.
    let run = {
        let reindex = synaptiq(&dir, &["reindex"]);
        tokio::pin!(reindex);
        loop {
            tokio::select! {
                run = &mut reindex => break run,
                () = tokio::time::sleep(Duration::from_millis(50)) => {
                    assert_eq!(
                        found_ids(&api, "Rotterdam founded").await.first(),
                        Some(&id(&doc)),
                        "search broke during the reindex"
                    );
                }
            }
        }
    };

    println!("reindex (beside a server): {}", run.stderr.trim());
    assert!(
        run.success,
        "reindex beside a server exited {:?}\nstdout: {}\nstderr: {}",
        run.code, run.stdout, run.stderr
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        assert_eq!(
            found_ids(&api, "Rotterdam founded").await.first(),
            Some(&id(&doc))
        );
        let leads = api.get("/api/leads?q=zebulon").await;
        assert_eq!(leads.status, 200);
        assert_eq!(leads.body["leads"][0]["id"], lead["id"], "{}", leads.text);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        server.app().chunks_index.num_docs(),
        chunks_before,
        "the rebuild did not duplicate or lose chunks"
    );
    let later = upload_fixture(&api, "faq.txt", &[]).await;
    assert_eq!(
        found_ids(&api, "aisles wide").await.first(),
        Some(&id(&later))
    );
}

/// A visitor's one-word questions find their passage ("pricing?", "soc2", "SSO?"): the
/// query side reads the same words for the same thing (issue 27).
#[tokio::test]
async fn short_questions_find_their_passage() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    for (name, kind) in [
        ("company", "article"),
        ("faq", "faq"),
        ("pricing", "product"),
        ("product", "product"),
        ("security", "policy"),
    ] {
        let content =
            std::fs::read_to_string(format!("tests/fixtures/brightline/{name}.md")).unwrap();
        let title = content.lines().next().unwrap().trim_start_matches("# ");
        let reply = api
            .post(
                KB,
                &json!({"title": title, "content": content, "type": kind}),
            )
            .await;
        assert_eq!(reply.status, 201, "{name}: {}", reply.text);
    }
    for (q, heading) in [
        ("pricing?", "How much does Brightline cost?"),
        ("price", "How much does Brightline cost?"),
        ("SOC 2?", "SOC 2"),
        ("soc2", "SOC 2"),
        ("trial?", "Is there a free trial?"),
        ("SSO?", "Do you support single sign-on (SSO)?"),
        ("gdpr", "GDPR and data processing agreement"),
        ("do you have a mobile app?", "Do you have a mobile app?"),
    ] {
        let results = search(&api, q).await;
        let first = results
            .first()
            .unwrap_or_else(|| panic!("{q:?} found nothing"))["heading"]
            .as_str()
            .unwrap();
        assert!(first.contains(heading), "{q:?} found {first:?} first");
    }
    // The agent weighs the first three passages: the one that answers is among them.
    let results = search(&api, "do you sign a BAA?").await;
    assert!(
        results[..3].iter().any(|r| r["heading"]
            .as_str()
            .unwrap()
            .ends_with("HIPAA and health information")),
        "{results:?}"
    );
}
