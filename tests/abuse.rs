//! Hostile callers: guessing API keys, deeply nested JSON, huge headers, bodies trickled in
//! byte by byte, thousands of connections and event streams at once, absurd page sizes and
//! forged cursors. Each gets a clear answer, and the server stays up, responsive and small.
//! (Admin-login brute force, expired and revoked credentials, and oversized bodies have their
//! tests in auth.rs and errors.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use common::process::Serving;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends raw bytes on a fresh connection and reads the answer's head (status line first).
async fn raw_request(url: &str, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .unwrap();
    // The server may answer and close before reading everything; that is its right.
    let _ = stream.write_all(bytes).await;
    let mut answer = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut answer))
        .await
        .expect("an answer within 30 s")
        .unwrap_or(0);
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

async fn assert_up(server: &TestServer) {
    let health = server.anon().get("/api/health").await;
    assert_eq!(health.status, 200, "{}", health.text);
}

#[tokio::test]
async fn guessing_api_keys_locks_the_address_out() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let mut refused = None;
    for i in 0..40 {
        let reply = server
            .as_key(&format!("sq_guess{i:040}"))
            .get("/api/leads")
            .await;
        if reply.status == 429 {
            refused = Some((i, reply));
            break;
        }
        assert_eq!(reply.status, 401, "{}", reply.text);
    }
    let (attempt, reply) = refused.expect("guessing is rate limited");
    assert_eq!(attempt, 20, "the 21st wrong key in a minute is refused");
    assert!(
        reply.error().contains("too many invalid API keys"),
        "{}",
        reply.text
    );
    let wait: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // The lock-out holds for that key prefix: a valid key of another prefix from the same
    // address still works, so a client retrying one stale key does not lock out its
    // neighbours.
    assert_eq!(server.as_key(&key).get("/api/leads").await.status, 200);
    // Guessing with a new prefix each time meets the address's own limit (5 x 20 a minute,
    // 21 of them spent), and then even a real key from it waits: guesses learn nothing.
    let mut locked = None;
    for i in 0..200 {
        let reply = server
            .as_key(&format!("sq_{i:08}guess{i:030}"))
            .get("/api/leads")
            .await;
        if reply.status == 429 {
            locked = Some(i);
            break;
        }
        assert_eq!(reply.status, 401, "{}", reply.text);
    }
    let locked = locked.expect("guessing with new prefixes is limited too");
    assert!((79..=90).contains(&locked), "locked after {locked} more");
    assert_eq!(server.as_key(&key).get("/api/leads").await.status, 429);
    // Admin sign-in has its own allowance, and public endpoints stay open.
    assert_eq!(server.as_admin().await.get("/api/leads").await.status, 200);
    assert_up(&server).await;
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_refused_clearly() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let depth = 10_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let body = format!(
        r#"{{"name": "Deep", "email": "deep@example.com", "metadata": {{"x": {nested}}}}}"#
    );
    let reply = server
        .as_key(&key)
        .raw(
            reqwest::Method::POST,
            "/api/leads",
            "application/json",
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("recursion limit"), "{}", reply.text);
    let reply = server
        .as_key(&key)
        .raw(
            reqwest::Method::PATCH,
            "/api/admin/settings",
            "application/json",
            format!(r#"{{"scoring": {nested}}}"#).into_bytes(),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_up(&server).await;
}

#[tokio::test]
async fn a_ten_megabyte_header_is_refused() {
    let server = TestServer::start().await;
    let mut request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    request.extend(b"\r\n\r\n");
    let answer = raw_request(&server.url, &request).await;
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "an oversized header is 431 Request Header Fields Too Large: {answer}"
    );
    assert_up(&server).await;
}

#[tokio::test]
async fn a_body_trickled_in_times_out_with_408() {
    let server = TestServer::start_with(|c| c.request_timeout = Duration::from_secs(1)).await;
    let key = server.key().await;
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // One byte every 200 ms: never idle, never done.
    loop {
        tokio::select! {
            read = stream.read(&mut buf) => {
                let n = read.unwrap_or(0);
                answer.extend_from_slice(&buf[..n]);
                if n == 0 || answer.windows(4).any(|w| w == b"\r\n\r\n") { break; }
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                let _ = stream.write_all(b" ").await;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never cut off");
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert_up(&server).await;
}

#[tokio::test]
async fn huge_limits_and_forged_cursors_are_clear_400s() {
    let server = TestServer::start().await;
    let api = server.as_key(&server.key().await);
    for (path, names) in [
        ("/api/leads?limit=1000000000000", "limit"),
        ("/api/leads?limit=99999999999999999999999", "limit"),
        ("/api/leads?limit=-1", "limit"),
        ("/api/conversations?limit=501", "limit"),
        ("/api/admin/knowledge-base/search?q=x&limit=51", "limit"),
        ("/api/leads?cursor=AAAA", "cursor"),
        ("/api/leads?cursor=%00%FF", "cursor"),
        (
            "/api/leads?q=jane&cursor=azpmZmZmZmZmZi1mZmZmLTdmZmYtYmZmZi1mZmZmZmZmZmZmZmY",
            "cursor",
        ),
        ("/api/meetings?cursor=bzoxMA", "cursor"),
        ("/api/admin/events?cursor=", "cursor"),
    ] {
        let reply = api.get(path).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert!(reply.error().starts_with(names), "{path}: {}", reply.text);
    }
    let long_cursor = "A".repeat(20_000);
    let reply = api.get(&format!("/api/leads?cursor={long_cursor}")).await;
    assert_eq!(reply.status, 400);
    assert!(reply.error().starts_with("cursor"));
    assert_up(&server).await;
}

/// Ten thousand connections at once, each asking for a streamed chat reply; the real binary,
/// so its file descriptors and memory are its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_event_streams_at_once_are_bounded_and_the_server_stays_responsive() {
    const CONNECTIONS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::start(dir.path(), &[("SYNAPTIQ_RATE_LIMIT_PUBLIC", "100")]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let rss_before = server.rss_kib();
    let body = json!({"tenantId": "default", "visitorId": "v", "message": "Hi there"}).to_string();
    let request = format!(
        "POST /api/chat HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // Open them all first (idle), then send every request, then read every status line.
    let mut streams = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        streams.push(TcpStream::connect(&address).await.unwrap());
    }
    let health = reqwest::get(format!("{}/api/health", server.url))
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        200,
        "answers with {CONNECTIONS} idle connections open"
    );
    let sending = Instant::now();
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let request = request.clone();
            tokio::spawn(async move {
                stream.write_all(request.as_bytes()).await.ok()?;
                let mut head = [0u8; 12];
                tokio::time::timeout(Duration::from_secs(120), stream.read_exact(&mut head))
                    .await
                    .ok()?
                    .ok()?;
                Some((String::from_utf8_lossy(&head[9..12]).into_owned(), stream))
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    let mut open = Vec::new();
    for task in tasks {
        let (status, stream) = task.await.unwrap().expect("every connection is answered");
        *statuses.entry(status).or_default() += 1;
        open.push(stream);
    }
    // One address: at most its chat allowance (100 a minute here, refilling as it goes)
    // streams; the rest are told to retry (429), or 503 at the server-wide bound.
    let refilled = usize::try_from(sending.elapsed().as_secs() * 100 / 60).unwrap() + 2;
    let streamed = statuses.get("200").copied().unwrap_or(0);
    assert!((1..=100 + refilled).contains(&streamed), "{statuses:?}");
    let refused =
        statuses.get("429").copied().unwrap_or(0) + statuses.get("503").copied().unwrap_or(0);
    assert_eq!(streamed + refused, CONNECTIONS, "{statuses:?}");
    let health = reqwest::get(format!("{}/api/health", server.url))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let rss_after = server.rss_kib();
    assert!(
        rss_after < rss_before + 512 * 1024,
        "memory bounded: {rss_before} KiB before, {rss_after} KiB with {CONNECTIONS} connections"
    );
    drop(open);
}

#[tokio::test]
async fn a_session_is_refused_the_moment_it_expires() {
    let now: jiff::Timestamp = "2026-04-01T12:00:00Z".parse().unwrap();
    let (server, clock) = TestServer::start_at_time(now).await;
    let admin = server.as_admin().await;
    clock.advance(jiff::SignedDuration::from_hours(7 * 24) - jiff::SignedDuration::from_secs(1));
    assert_eq!(
        admin.get("/api/leads").await.status,
        200,
        "valid for 7 days"
    );
    clock.advance(jiff::SignedDuration::from_secs(1));
    let refused = admin.get("/api/leads").await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    assert!(refused.error().contains("expired"), "{}", refused.text);
}
