//! Deeply nested input (issue 25 item 3): HTML (as .html and as .txt, since the format is
//! told from the content), Markdown, DOCX and JSON bodies nested 20,000 and 100,000 deep are
//! each answered, with a 201 or a clear 400, and the server is up afterwards. The server is
//! the real executable in a child process, so a stack overflow shows as a dead server (and
//! a failed test), not as a dead test binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use common::process::{Serving, create_key};
use serde_json::{Value, json};
use tempfile::TempDir;

const KB: &str = "/api/admin/knowledge-base";
const BOUNDARY: &str = "synaptiq-nesting-boundary-7d2e9a";
const DEPTHS: [usize; 2] = [20_000, 100_000];

struct Api {
    server: Serving,
    key: String,
    http: reqwest::Client,
    checks: usize,
    _dir: TempDir,
}

struct Answer {
    status: u16,
    body: Value,
    text: String,
}

async fn start() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::start(dir.path(), &[]);
    let key = create_key(dir.path());
    Api {
        server,
        key,
        http: reqwest::Client::new(),
        checks: 0,
        _dir: dir,
    }
}

impl Api {
    /// One request; a server that died on the way fails the test with what it last logged.
    async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let sent = self
            .http
            .request(method, format!("{}{path}", self.server.url))
            .bearer_auth(&self.key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => panic!("{path}: no answer ({err}); {}", self.death()),
        };
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, text }
    }

    async fn json(&mut self, method: reqwest::Method, path: &str, body: String) -> Answer {
        self.send(method, path, "application/json", body.into_bytes())
            .await
    }

    async fn upload(&mut self, filename: &str, bytes: &[u8]) -> Answer {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.send(reqwest::Method::POST, KB, &content_type, body)
            .await
    }

    /// How the server process ended, with its last log lines.
    fn death(&mut self) -> String {
        let status = self.server.child.try_wait().ok().flatten();
        let log = self.server.stderr.lock().unwrap().clone();
        let tail: Vec<&str> = log.lines().rev().take(10).collect();
        format!("server exit status {status:?}, last log lines (newest first): {tail:?}")
    }

    /// Health answers 200 and a small upload still works.
    async fn assert_up(&mut self, after: &str) {
        assert!(
            self.server.child.try_wait().unwrap().is_none(),
            "the server died after {after}: {}",
            self.death()
        );
        let health = self
            .http
            .get(format!("{}/api/health", self.server.url))
            .send()
            .await;
        let health = health.unwrap_or_else(|e| panic!("after {after}: {e}; {}", self.death()));
        assert_eq!(health.status(), 200, "health after {after}");
        // Each one different: an upload of known content is a 409.
        self.checks += 1;
        let text = format!("Still serving uploads, check {}.", self.checks);
        let small = self.upload("after.txt", text.as_bytes()).await;
        assert_eq!(small.status, 201, "an upload after {after}: {}", small.text);
    }
}

/// A 201 with a document, or a 400 that says what is wrong.
fn assert_answered(what: &str, answer: &Answer) {
    match answer.status {
        201 => assert!(
            answer.body["document"]["id"].is_string(),
            "{what}: {}",
            answer.text
        ),
        400 => assert!(
            answer.body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{what}: a 400 names the problem: {}",
            answer.text
        ),
        other => panic!("{what}: {other} {}", answer.text),
    }
}

fn deep_html(depth: usize, closed: bool) -> Vec<u8> {
    let mut html = String::from("<!DOCTYPE html><html><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<h1>Deep heading</h1><p>Deep paragraph.</p>");
    if closed {
        html.push_str(&"</div>".repeat(depth));
    }
    html.push_str("</body></html>");
    html.into_bytes()
}

/// A DOCX whose `word/document.xml` nests `depth` elements (content controls or tables)
/// around a heading and a paragraph.
fn deep_docx(depth: usize, open: &str, close: &str) -> Vec<u8> {
    let mut xml = String::from(r#"<w:document xmlns:w="x"><w:body>"#);
    xml.push_str(&open.repeat(depth));
    xml.push_str(
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Deep heading</w:t></w:r></w:p><w:p><w:r><w:t>Deep paragraph.</w:t></w:r></w:p>"#,
    );
    xml.push_str(&close.repeat(depth));
    xml.push_str("</w:body></w:document>");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn deeply_nested_html_is_answered_and_the_server_stays_up() {
    let mut api = start().await;
    for depth in DEPTHS {
        for (name, closed) in [("deep.html", true), ("deep.txt", true), ("open.txt", false)] {
            let what = format!("{name} nested {depth} deep");
            let answer = api.upload(name, &deep_html(depth, closed)).await;
            assert_answered(&what, &answer);
            api.assert_up(&what).await;
        }
    }
}

#[tokio::test]
async fn deeply_nested_markdown_is_answered_and_the_server_stays_up() {
    let mut api = start().await;
    for depth in DEPTHS {
        let inputs = [
            (
                "blockquotes",
                format!("{} Deep quote.\n", ">".repeat(depth)),
            ),
            ("lists", format!("{}Deep item.\n", "- ".repeat(depth))),
            (
                "ordered lists",
                format!("{}Deep item.\n", "1. ".repeat(depth)),
            ),
            (
                "links",
                format!("{}Deep link.{}", "[".repeat(depth), "](x)".repeat(depth)),
            ),
            (
                "emphasis",
                format!("{}Deep words.{}", "*_".repeat(depth), "_*".repeat(depth)),
            ),
            (
                "inline html",
                format!("# Deep\n\n{}Deep text.", "<div>".repeat(depth)),
            ),
        ];
        for (kind, markdown) in inputs {
            let what = format!("Markdown {kind} nested {depth} deep");
            let answer = api.upload("deep.md", markdown.as_bytes()).await;
            assert_answered(&what, &answer);
            api.assert_up(&what).await;
            let what = format!("JSON content of {kind} nested {depth} deep");
            let content = format!("{markdown}\n\nSent as JSON.");
            let body = json!({"title": "Deep", "content": content}).to_string();
            let answer = api.json(reqwest::Method::POST, KB, body).await;
            assert_answered(&what, &answer);
            api.assert_up(&what).await;
        }
    }
}

#[tokio::test]
async fn deeply_nested_docx_is_answered_and_the_server_stays_up() {
    let mut api = start().await;
    for depth in DEPTHS {
        for (kind, open, close) in [
            (
                "content controls",
                "<w:sdt><w:sdtContent>",
                "</w:sdtContent></w:sdt>",
            ),
            ("tables", "<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>"),
        ] {
            let what = format!("DOCX {kind} nested {depth} deep");
            let answer = api
                .upload("deep.docx", &deep_docx(depth, open, close))
                .await;
            assert_answered(&what, &answer);
            api.assert_up(&what).await;
        }
    }
}

#[tokio::test]
async fn deeply_nested_json_bodies_are_a_clear_400_and_the_server_stays_up() {
    let mut api = start().await;
    let created = api
        .json(
            reqwest::Method::POST,
            "/api/leads",
            json!({"name": "Shallow", "email": "shallow@example.com"}).to_string(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let lead = created.body["lead"]["id"].as_str().unwrap().to_owned();
    for depth in DEPTHS {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        for nested in [&arrays, &objects] {
            let requests = [
                (
                    reqwest::Method::POST,
                    "/api/leads".to_owned(),
                    format!(
                        r#"{{"name": "Deep", "email": "deep@example.com", "metadata": {{"x": {nested}}}}}"#
                    ),
                ),
                (
                    reqwest::Method::PATCH,
                    format!("/api/leads/{lead}"),
                    format!(r#"{{"metadata": {{"x": {nested}}}}}"#),
                ),
                (
                    reqwest::Method::PATCH,
                    "/api/admin/settings".to_owned(),
                    format!(r#"{{"scoring": {nested}}}"#),
                ),
                (
                    reqwest::Method::POST,
                    KB.to_owned(),
                    format!(r#"{{"title": "Deep", "content": "x", "tags": {nested}}}"#),
                ),
                (
                    reqwest::Method::POST,
                    "/api/leads".to_owned(),
                    nested.clone(),
                ),
            ];
            for (method, path, body) in requests {
                let what = format!("{method} {path} with JSON nested {depth} deep");
                let answer = api.json(method, &path, body).await;
                assert_eq!(answer.status, 400, "{what}: {}", answer.text);
                assert!(
                    answer.body["error"].as_str().is_some_and(|e| !e.is_empty()),
                    "{what}: {}",
                    answer.text
                );
                api.assert_up(&what).await;
            }
        }
    }
    let stored = api
        .send(
            reqwest::Method::GET,
            &format!("/api/leads/{lead}"),
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert_eq!(
        stored.body["lead"]["metadata"],
        json!({}),
        "{}",
        stored.text
    );
}

/// The fuzz targets' nested seeds (fuzz/corpus/extract_*/nested*) through extraction as the
/// targets feed them, so `cargo test` keeps them answered between fuzzing runs.
#[test]
fn the_nested_fuzz_seeds_are_answered() {
    let mut seen = 0;
    for (target, name) in [
        ("extract_html", "upload.html"),
        ("extract_markdown", "upload.md"),
        ("extract_docx", "upload.docx"),
    ] {
        for entry in std::fs::read_dir(format!("fuzz/corpus/{target}")).unwrap() {
            let path = entry.unwrap().path();
            if !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("nested")
            {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                bytes.len() < 100 * 1024,
                "{}: keep seeds small",
                path.display()
            );
            match synaptiq::ingest::extract_file(&bytes, Some(name)) {
                Ok(extracted) => assert!(
                    extracted.text().contains("Deep"),
                    "{}: {}",
                    path.display(),
                    extracted.text()
                ),
                Err(err) => assert!(
                    err.to_string().contains("deep"),
                    "{}: {err}",
                    path.display()
                ),
            }
            seen += 1;
        }
    }
    assert!(seen >= 6, "{seen} nested seeds");
}
