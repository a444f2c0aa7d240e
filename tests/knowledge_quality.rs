//! Retrieval quality (issue #4): the fixture FAQ (35 questions) is uploaded, then 25
//! paraphrased visitor questions are searched; the right question must rank first for at
//! least 22 of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use serde_json::Value;

const KB: &str = "/api/admin/knowledge-base";
const BOUNDARY: &str = "synaptiq-quality-boundary-93b1e0c7";
const REQUIRED: usize = 22;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("tests/fixtures/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn multipart(filename: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/markdown\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
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

/// The question a chunk answers: the last part of its heading path.
fn question_of(heading: &str) -> &str {
    heading.rsplit(" › ").next().unwrap_or(heading).trim()
}

#[tokio::test]
async fn paraphrased_questions_find_the_right_faq_answer_first() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let faq = fixture("faq.md");
    let questions: Vec<String> = String::from_utf8(faq.clone())
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|q| q.trim().to_owned())
        .collect();
    assert!(
        questions.len() >= 25,
        "the FAQ has {} questions",
        questions.len()
    );
    let paraphrases: Vec<Value> = serde_json::from_slice(&fixture("faq_paraphrases.json")).unwrap();
    assert_eq!(paraphrases.len(), 25);

    let (content_type, body) = multipart(
        "faq.md",
        &faq,
        &[("title", "Northwind FAQ"), ("type", "faq")],
    );
    let reply = api
        .raw(reqwest::Method::POST, KB, &content_type, body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let doc_id = reply.body["document"]["id"].as_str().unwrap().to_owned();

    let mut first = 0;
    let mut misses = Vec::new();
    for case in &paraphrases {
        let question = case["question"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        assert!(
            questions.iter().any(|q| q == expected),
            "{expected:?} is not a question of faq.md"
        );
        let q: String = url::form_urlencoded::byte_serialize(question.as_bytes()).collect();
        let reply = api.get(&format!("{KB}/search?q={q}&limit=5")).await;
        assert_eq!(reply.status, 200, "{question:?}: {}", reply.text);
        let results = reply.body["results"].as_array().unwrap();
        let ranked: Vec<&str> = results
            .iter()
            .map(|r| question_of(r["heading"].as_str().unwrap_or_default()))
            .collect();
        let top = results.first();
        let hit = top.is_some_and(|r| {
            r["documentId"] == doc_id.as_str()
                && question_of(r["heading"].as_str().unwrap_or_default()) == expected
                && r["answer"].as_str().is_some_and(|a| !a.is_empty())
        });
        if hit {
            first += 1;
        } else {
            let rank = ranked.iter().position(|h| *h == expected);
            misses.push(format!(
                "  {question:?}: expected {expected:?}, rank {}, got {:?}",
                rank.map_or_else(|| "not in top 5".to_owned(), |r| (r + 1).to_string()),
                ranked
            ));
        }
    }

    println!("retrieval: {first}/{} first", paraphrases.len());
    for miss in &misses {
        println!("{miss}");
    }
    assert!(
        first >= REQUIRED,
        "retrieval: {first}/{} first (need {REQUIRED}); misses:\n{}",
        paraphrases.len(),
        misses.join("\n")
    );
}
