//! Errors from every layer are `{"error": "..."}` with the right status; authentication and
//! rate limits, with their headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;

use common::{Reply, TestServer, create_lead};
use serde_json::{Value, json};
use synaptiq::domain::auth;
use synaptiq::domain::model::{TenantId, Tier};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A JSON error body: exactly an `error` string (and `leadId` on a duplicate), JSON typed.
fn assert_json_error(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text);
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "content-type {content_type:?}: {}",
        reply.text
    );
    let error = reply.body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error string: {}", reply.text));
    assert!(!error.trim().is_empty(), "empty error message");
    let extra: Vec<&String> = reply
        .body
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "error" && *k != "leadId")
        .collect();
    assert!(
        extra.is_empty(),
        "unexpected fields {extra:?}: {}",
        reply.text
    );
}

fn rate_limit_headers(reply: &Reply) -> (u64, u64, u64) {
    let number = |name: &str| -> u64 {
        let value = reply
            .header(name)
            .unwrap_or_else(|| panic!("no {name} on {} {}", reply.status, reply.text));
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {value:?} is not a whole number"))
    };
    (
        number("x-ratelimit-limit"),
        number("x-ratelimit-remaining"),
        number("x-ratelimit-reset"),
    )
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------------------------------------
// Routing

#[tokio::test]
async fn an_unknown_route_is_404_json() {
    let server = TestServer::start().await;
    let key = server.key().await;

    let reply = server.as_key(&key).get("/api/no-such-thing").await;

    assert_json_error(&reply, 404);
    assert_json_error(
        &server
            .anon()
            .get("/api/leads/123e4567-e89b-12d3-a456-426614174000/nope")
            .await,
        404,
    );
    assert_json_error(&server.anon().get("/nothing-here").await, 404);
}

#[tokio::test]
async fn a_wrong_method_is_405_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .put(
            "/api/leads",
            &json!({"name": "Jane", "email": "jane@example.com"}),
        )
        .await;

    assert_json_error(&reply, 405);
    assert_json_error(
        &api.send(reqwest::Method::POST, "/api/health", None).await,
        405,
    );
    assert_json_error(&api.delete("/api/leads").await, 405);
}

/// Sends `request` as raw bytes, reading the answer while writing (the server may refuse and
/// close before reading it all); returns the status, the JSON body and the raw answer.
async fn send_raw(server: &TestServer, request: Vec<u8>) -> (u16, Value, String) {
    let addr = server.url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move { write.write_all(&request).await });
    let mut raw = Vec::new();
    let _ = read.read_to_end(&mut raw).await;
    let _ = writer.await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (
        status,
        serde_json::from_str(body).unwrap_or(Value::Null),
        text,
    )
}

/// hyper refuses these before any handler runs; they are JSON errors like every other.
#[tokio::test]
async fn a_huge_url_huge_headers_or_a_broken_request_line_are_json_errors() {
    let server = TestServer::start().await;
    let huge_url = format!(
        "GET /api/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let huge_header = format!(
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(500_000)
    );
    let large_header = format!(
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(100_000)
    );
    let many_headers = format!(
        "GET /api/health HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..120)
            .map(|i| format!("X-H{i}: a\r\n"))
            .collect::<String>()
    );
    let cases = [
        (huge_url.into_bytes(), 414, "URL is too long"),
        (huge_header.into_bytes(), 431, "headers are too large"),
        (large_header.into_bytes(), 431, "headers are too large"),
        (many_headers.into_bytes(), 431, "headers are too large"),
        (b"BAD\x01 / HTTP/1.1\r\n\r\n".to_vec(), 400, "malformed"),
    ];
    for (request, status, says) in cases {
        let (got, body, raw) = send_raw(&server, request).await;
        assert_eq!(got, status, "{says}: {raw}");
        assert!(
            raw.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{raw}"
        );
        let error = body["error"].as_str().unwrap_or_else(|| panic!("{raw}"));
        assert!(error.contains(says), "{raw}");
    }
    // A refusal after an answered request on the same connection is JSON too.
    let mut pipelined = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
    pipelined.extend(format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "b".repeat(70_000)).bytes());
    let (got, _, raw) = send_raw(&server, pipelined).await;
    assert_eq!(got, 200, "{raw}");
    let second = raw
        .split("HTTP/1.1 414")
        .nth(1)
        .unwrap_or_else(|| panic!("{raw}"));
    assert!(second.contains("\"error\""), "{raw}");
    // The server still answers.
    assert_eq!(server.anon().get("/api/health").await.status, 200);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

#[tokio::test]
async fn malformed_json_is_400_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            br#"{"name": "Jane", "email": "#.to_vec(),
        )
        .await;

    assert_json_error(&reply, 400);
    assert_json_error(
        &api.raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            b"[1, 2]".to_vec(),
        )
        .await,
        400,
    );
    assert_json_error(
        &api.raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            Vec::new(),
        )
        .await,
        400,
    );
    assert_eq!(
        api.get("/api/leads").await.body["leads"],
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let body = br#"{"name": "Jane", "email": "jane@example.com"}"#.to_vec();

    let reply = api
        .raw(
            reqwest::Method::POST,
            "/api/leads",
            "text/plain",
            body.clone(),
        )
        .await;

    assert_json_error(&reply, 415);
    assert_json_error(
        &api.raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/x-www-form-urlencoded",
            b"name=Jane".to_vec(),
        )
        .await,
        415,
    );
    let id = create_lead(&api, "Jane Smith", "jane2@example.com", None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_json_error(
        &api.raw(
            reqwest::Method::PATCH,
            &format!("/api/leads/{id}"),
            "text/xml",
            b"<lead/>".to_vec(),
        )
        .await,
        415,
    );
    assert_eq!(
        api.get("/api/leads").await.body["leads"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing else was stored"
    );
}

#[tokio::test]
async fn an_unknown_body_field_is_400_naming_it() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Jane", "email": "jane@example.com", "favouriteColour": "teal"}),
        )
        .await;

    assert_json_error(&reply, 400);
    assert!(reply.error().contains("favouriteColour"), "{}", reply.text);
    let login = server
        .anon()
        .post("/api/admin/auth", &json!({"token": "x", "remember": true}))
        .await;
    assert_json_error(&login, 400);
    assert!(login.error().contains("remember"), "{}", login.text);
}

/// A JSON body of `size` bytes: a lead whose metadata pads it out.
fn lead_body_of(size: usize) -> Vec<u8> {
    let frame =
        json!({"name": "Jane", "email": "jane@example.com", "metadata": {"pad": ""}}).to_string();
    let pad = "x".repeat(size - frame.len());
    let body = json!({"name": "Jane", "email": "jane@example.com", "metadata": {"pad": pad}})
        .to_string()
        .into_bytes();
    assert_eq!(body.len(), size);
    body
}

#[tokio::test]
async fn a_body_over_1_mib_is_413_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            lead_body_of(1024 * 1024 + 1),
        )
        .await;

    assert_json_error(&reply, 413);
    assert_eq!(
        api.get("/api/leads").await.body["leads"],
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_body_of_exactly_1_mib_is_read_and_judged_on_its_content() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            lead_body_of(1024 * 1024),
        )
        .await;

    assert_json_error(&reply, 400);
    assert!(
        reply.error().contains("metadata"),
        "over the 16 KiB metadata limit, not too large: {}",
        reply.text
    );
}

/// Sends a request by hand with a chunked body (no Content-Length) and reads the answer.
async fn send_chunked(
    server: &TestServer,
    key: &str,
    path: &str,
    body: Vec<u8>,
) -> (u16, Value, String) {
    let addr = server.url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    // Write while reading: the server may answer (and close) before taking the whole body.
    let writer = tokio::spawn(async move {
        write.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            write
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            write.write_all(chunk).await?;
            write.write_all(b"\r\n").await?;
        }
        write.write_all(b"0\r\n\r\n").await?;
        write.flush().await
    });
    let mut raw = Vec::new();
    let _ = read.read_to_end(&mut raw).await;
    let _ = writer.await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::Null),
        text,
    )
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

#[tokio::test]
async fn a_chunked_body_over_1_mib_is_413_json() {
    let server = TestServer::start().await;
    let key = server.key().await;

    let (status, body, raw) = send_chunked(
        &server,
        &key,
        "/api/leads",
        lead_body_of(1024 * 1024 + 1024),
    )
    .await;

    assert_eq!(status, 413, "{raw}");
    assert!(body["error"].is_string(), "{raw}");
    assert_eq!(
        server.as_key(&key).get("/api/leads").await.body["leads"],
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_small_chunked_body_is_accepted() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let body = json!({"name": "Jane Smith", "email": "jane@example.com"})
        .to_string()
        .into_bytes();

    let (status, body, raw) = send_chunked(&server, &key, "/api/leads", body).await;

    assert_eq!(status, 201, "{raw}");
    assert_eq!(body["lead"]["name"], "Jane Smith");
}

// ---------------------------------------------------------------------------------------------
// Paths and resources

#[tokio::test]
async fn a_malformed_uuid_in_the_path_is_400_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api.get("/api/leads/not-a-uuid").await;

    assert_json_error(&reply, 400);
    assert!(reply.error().contains("id"), "{}", reply.text);
    assert_json_error(
        &api.patch("/api/leads/123", &json!({"name": "X"})).await,
        400,
    );
    assert_json_error(&api.delete("/api/admin/leads/zzzz").await, 400);
    assert_json_error(&api.get("/api/leads/not-a-uuid/export").await, 400);
}

#[tokio::test]
async fn a_missing_resource_is_404_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let missing = uuid::Uuid::now_v7();

    let reply = api.get(&format!("/api/leads/{missing}")).await;

    assert_json_error(&reply, 404);
    assert!(reply.error().contains("lead"), "{}", reply.text);
    assert_json_error(&api.get(&format!("/api/leads/{missing}/export")).await, 404);
    assert_json_error(
        &api.delete(&format!("/api/admin/leads/{missing}")).await,
        404,
    );
}

#[tokio::test]
async fn a_duplicate_is_409_json_with_the_lead_id() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let first = create_lead(&api, "Jane Smith", "jane@example.com", None).await;

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com"}),
        )
        .await;

    assert_json_error(&reply, 409);
    assert_eq!(reply.body["leadId"], first["id"]);
}

// ---------------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn a_request_without_credentials_is_401_json() {
    let server = TestServer::start().await;

    let reply = server.anon().get("/api/leads").await;

    assert_json_error(&reply, 401);
    assert_json_error(
        &server
            .anon()
            .post(
                "/api/leads",
                &json!({"name": "Jane", "email": "jane@example.com"}),
            )
            .await,
        401,
    );
    assert_json_error(&server.anon().get("/api/admin/events").await, 401);
    assert_json_error(&server.anon().get("/api/leads/export.csv").await, 401);
}

#[tokio::test]
async fn an_invalid_key_is_401_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let cases = [
        ("authorization", "Bearer sq_not-a-real-key".to_owned()),
        ("authorization", "Bearer something-else".to_owned()),
        ("authorization", format!("Basic {key}")),
        ("authorization", key.clone()),
        ("authorization", "Bearer ".to_owned()),
        ("authorization", format!("Bearer {key}x")),
    ];
    for (name, value) in cases {
        let reply = server
            .anon()
            .with_header(name, &value)
            .get("/api/leads")
            .await;

        assert_json_error(&reply, 401);
        assert!(
            reply.header("x-ratelimit-limit").is_none(),
            "unauthenticated: no rate-limit headers"
        );
    }
}

#[tokio::test]
async fn an_invalid_key_is_401_even_when_a_session_cookie_is_valid() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let reply = admin
        .with_header("authorization", "Bearer sq_wrong")
        .get("/api/leads")
        .await;

    assert_json_error(&reply, 401);
}

#[tokio::test]
async fn a_revoked_key_is_401_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let other = server.key().await;
    let api = server.as_key(&key);
    assert_eq!(
        api.get("/api/leads").await.status,
        200,
        "the key works before it is revoked"
    );
    let app = server.app();
    let keys = auth::list_keys(
        &app.store,
        Some(TenantId::parse("tenant", "default").unwrap()),
    )
    .await
    .unwrap();
    let target = keys
        .iter()
        .find(|k| key.starts_with(&k.prefix))
        .expect("the key is listed");

    auth::revoke_key(
        &app.store,
        &app.api_keys,
        app.clock.as_ref(),
        None,
        &target.id,
    )
    .await
    .unwrap();

    let reply = api.get("/api/leads").await;
    assert_json_error(&reply, 401);
    assert!(
        reply.error().contains("revoked") || reply.error().contains("invalid"),
        "{}",
        reply.text
    );
    assert_json_error(
        &api.post(
            "/api/leads",
            &json!({"name": "Jane", "email": "jane@example.com"}),
        )
        .await,
        401,
    );
    assert_eq!(
        server.as_key(&other).get("/api/leads").await.status,
        200,
        "other keys still work"
    );
}

#[tokio::test]
async fn an_expired_or_forged_session_is_401_json() {
    let server = TestServer::start().await;

    let reply = server
        .anon()
        .with_header("cookie", "synaptiq_session=forged")
        .get("/api/leads")
        .await;

    assert_json_error(&reply, 401);
}

#[tokio::test]
async fn a_wrong_admin_token_is_401_json() {
    let server = TestServer::start().await;

    let reply = server
        .anon()
        .post("/api/admin/auth", &json!({"token": "wrong"}))
        .await;

    assert_json_error(&reply, 401);
    assert!(reply.header("set-cookie").is_none());
}

#[tokio::test]
async fn an_api_key_cannot_manage_keys() {
    let server = TestServer::start().await;
    let key = server.key().await;

    let reply = server.as_key(&key).get("/api/admin/api-keys").await;

    assert_json_error(&reply, 403);
}

// ---------------------------------------------------------------------------------------------
// Rate limits

#[tokio::test]
async fn authenticated_responses_carry_rate_limit_headers() {
    let server = TestServer::start().await;
    let key = server.key_for("default", Tier::Pro).await;
    let api = server.as_key(&key);

    let first = api.get("/api/leads").await;
    let second = api.get("/api/leads").await;

    assert_eq!(first.status, 200, "{}", first.text);
    let (limit, remaining, reset) = rate_limit_headers(&first);
    assert_eq!(limit, 600, "the pro tier's default");
    assert!(remaining < limit, "this request counted: {remaining}");
    let now = unix_now();
    assert!(
        reset >= now && reset <= now + 61,
        "reset {reset} is a unix time within the window (now {now})"
    );
    let (_, remaining_after, _) = rate_limit_headers(&second);
    assert_eq!(remaining_after, remaining - 1, "each request counts");
}

#[tokio::test]
async fn error_responses_carry_rate_limit_headers_too() {
    let server = TestServer::start().await;
    let key = server.key_for("default", Tier::Free).await;
    let api = server.as_key(&key);
    let missing = uuid::Uuid::now_v7();

    let replies = [
        api.get(&format!("/api/leads/{missing}")).await,
        api.post("/api/leads", &json!({"name": ""})).await,
        api.get("/api/leads/not-a-uuid").await,
        api.raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            b"{".to_vec(),
        )
        .await,
        api.raw(
            reqwest::Method::POST,
            "/api/leads",
            "text/plain",
            b"hi".to_vec(),
        )
        .await,
        api.get("/api/no-such-thing").await,
        api.put("/api/leads", &json!({})).await,
        api.get("/api/admin/api-keys").await,
    ];

    let mut previous = u64::MAX;
    for reply in &replies {
        assert!(reply.status >= 400, "{}", reply.text);
        let (limit, remaining, _) = rate_limit_headers(reply);
        assert_eq!(limit, 60, "the free tier's default");
        assert!(remaining < previous, "every request counts, errors too");
        previous = remaining;
    }
}

#[tokio::test]
async fn a_key_over_its_limit_gets_429_with_retry_after() {
    let server = TestServer::start_with(|c| c.rate_limits.free = NonZeroU32::new(3).unwrap()).await;
    let key = server.key_for("default", Tier::Free).await;
    let other = server.key_for("default", Tier::Free).await;
    let api = server.as_key(&key);

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let reply = api.get("/api/leads").await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let (limit, left, _) = rate_limit_headers(&reply);
        assert_eq!(limit, 3);
        remaining.push(left);
    }
    let refused = api.get("/api/leads").await;

    assert_eq!(remaining, vec![2, 1, 0]);
    assert_json_error(&refused, 429);
    let retry_after: u64 = refused
        .header("retry-after")
        .expect("Retry-After on a 429")
        .parse()
        .expect("whole seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "retry after {retry_after}s"
    );
    let (limit, left, reset) = rate_limit_headers(&refused);
    assert_eq!((limit, left), (3, 0));
    assert!(reset > unix_now().saturating_sub(1));
    let write = api
        .post(
            "/api/leads",
            &json!({"name": "Jane", "email": "jane@example.com"}),
        )
        .await;
    assert_json_error(&write, 429);
    assert_eq!(
        server.as_key(&other).get("/api/leads").await.status,
        200,
        "each key has its own allowance"
    );
    assert_eq!(
        server.as_key(&other).get("/api/leads").await.body["leads"],
        json!([]),
        "the refused write did nothing"
    );
}

#[tokio::test]
async fn the_health_endpoint_is_public_and_unlimited() {
    let server = TestServer::start_with(|c| c.rate_limits.free = NonZeroU32::new(1).unwrap()).await;

    let reply = server.anon().get("/api/health").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "ok");
    assert!(reply.header("x-ratelimit-limit").is_none());
}

// ---------------------------------------------------------------------------------------------
// Internal errors

/// A 500 tells the client a request id, never the cause (here: a missing table).
#[tokio::test]
async fn an_internal_error_is_500_without_internals() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    server
        .app()
        .store
        .write(|conn| {
            conn.execute_batch("DROP TABLE events")?;
            Ok(())
        })
        .await
        .unwrap();

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Bob Jones", "email": "bob@example.com"}),
        )
        .await;

    assert_json_error(&reply, 500);
    let error = reply.error().to_lowercase();
    for secret in [
        "events", "table", "sqlite", "database", "rusqlite", "src/", ".rs", "panicked",
    ] {
        assert!(
            !error.contains(secret),
            "500 shows internals ({secret}): {}",
            reply.text
        );
    }
    assert!(error.contains("internal error"), "{}", reply.text);
    let emails: Vec<Value> = api.get("/api/leads").await.body["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["email"].clone())
        .collect();
    assert_eq!(
        emails,
        vec![json!("jane@example.com")],
        "the failed write left no lead behind"
    );
}

#[tokio::test]
async fn a_json_body_without_a_content_type_is_415_json() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let request = reqwest::Client::new()
        .post(format!("{}/api/leads", server.url))
        .bearer_auth(&key)
        .body(r#"{"name": "Jane", "email": "jane@example.com"}"#);

    let reply = common::reply(request.send().await.unwrap()).await;

    assert_json_error(&reply, 415);
}
