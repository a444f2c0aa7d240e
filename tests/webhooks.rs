//! Webhooks end to end over real HTTP (issue 6): every event in its envelope, signatures
//! checked by independent code (HMAC in this file, the documented `verifyWebhook` under Node,
//! the official `standardwebhooks` Python library), the retry schedule, manual retry and
//! replay, secret rotation, 410 Gone, redirects and timeouts, a `kill -9` of the real binary
//! with deliveries pending and in flight, the SSRF policy at creation and at delivery, and the
//! management API (validation, 404s, tenant isolation, secrets, pagination, auth).
//!
//! Receivers are tiny HTTP/1.1 servers in the test that record every request (headers, raw
//! body, arrival time) and answer from a script.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::process::Serving;
use common::{Client, Reply, TestServer};
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use sha2::Sha256;
use synaptiq::clock::{Clock, ManualClock};
use synaptiq::config::{AllowedHosts, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The retry schedule of these tests: attempt 1 at once, then after each of these.
const DELAYS_MS: [u64; 3] = [50, 100, 150];
/// How long any wait for a delivery may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);

const ALL_EVENTS: [&str; 9] = [
    "lead.created",
    "lead.updated",
    "lead.qualified",
    "meeting.booked",
    "meeting.rescheduled",
    "meeting.cancelled",
    "lead.deleted",
    "conversation.started",
    "conversation.completed",
];

// ---------------------------------------------------------------------------------------------
// A scripted receiver

/// How the receiver answers one request.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    /// Held this long before answering.
    hold: Duration,
    retry_after: Option<u64>,
    location: Option<String>,
    body: String,
}

impl Answer {
    fn status(status: u16) -> Self {
        Self {
            status,
            hold: Duration::ZERO,
            retry_after: None,
            location: None,
            body: format!("answer {status}"),
        }
    }

    fn ok() -> Self {
        Self::status(200)
    }

    fn held(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }

    fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    fn location(mut self, to: &str) -> Self {
        self.location = Some(to.to_owned());
        self
    }

    fn body(mut self, body: &str) -> Self {
        body.clone_into(&mut self.body);
        self
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
struct Received {
    /// Lowercased names, in arrival order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: Instant,
}

impl Received {
    fn try_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> &str {
        self.try_header(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn event(&self) -> &str {
        self.header("x-synaptiq-event")
    }

    fn delivery(&self) -> &str {
        self.header("x-synaptiq-delivery")
    }

    /// The headers as a JSON object (for the Python verifier).
    fn headers_json(&self) -> Value {
        Value::Object(
            self.headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect(),
        )
    }
}

/// Decides an answer from the request and everything received before it.
type Rule = Arc<dyn Fn(&Received, &[Received]) -> Answer + Send + Sync>;

struct Script {
    queue: VecDeque<Answer>,
    otherwise: Answer,
    rule: Option<Rule>,
    received: Vec<Received>,
}

#[derive(Clone)]
struct Receiver {
    url: String,
    port: u16,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    /// Answers `queue` in order, then `otherwise` to every later request.
    async fn start(queue: Vec<Answer>, otherwise: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let script = Arc::new(Mutex::new(Script {
            queue: queue.into(),
            otherwise,
            rule: None,
            received: Vec::new(),
        }));
        let shared = Arc::clone(&script);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            port,
            script,
        }
    }

    async fn ok() -> Self {
        Self::start(Vec::new(), Answer::ok()).await
    }

    /// Replaces the script (and drops any rule).
    fn answer(&self, queue: Vec<Answer>, otherwise: Answer) {
        let mut script = self.script.lock().unwrap();
        script.queue = queue.into();
        script.otherwise = otherwise;
        script.rule = None;
    }

    fn rule(&self, rule: Rule) {
        self.script.lock().unwrap().rule = Some(rule);
    }

    fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    /// Waits until `done` holds for what was received; returns it.
    async fn wait_until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "receiver {}: waited {DEADLINE:?} for {what}; got {} request(s): {:?}",
                self.url,
                received.len(),
                received
                    .iter()
                    .map(|r| (
                        r.try_header("x-synaptiq-event").unwrap_or("?").to_owned(),
                        String::from_utf8_lossy(&r.body).chars().take(120).collect()
                    ))
                    .collect::<Vec<(String, String)>>()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn wait_for(&self, n: usize) -> Vec<Received> {
        self.wait_until(&format!("{n} request(s)"), |r| r.len() >= n)
            .await
    }
}

/// One connection: read one request, record it, answer as scripted, close.
async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let headers: Vec<(String, String)> = head
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    let request = Received {
        headers,
        body,
        at: Instant::now(),
    };
    let answer = {
        let mut script = script.lock().unwrap();
        let answer = match &script.rule {
            Some(rule) => rule(&request, &script.received),
            None => match script.queue.pop_front() {
                Some(answer) => answer,
                None => script.otherwise.clone(),
            },
        };
        script.received.push(request);
        answer
    };
    if !answer.hold.is_zero() {
        tokio::time::sleep(answer.hold).await;
    }
    let mut response = format!(
        "HTTP/1.1 {} Scripted\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n",
        answer.status,
        answer.body.len()
    );
    if let Some(seconds) = answer.retry_after {
        response.push_str(&format!("retry-after: {seconds}\r\n"));
    }
    if let Some(location) = &answer.location {
        response.push_str(&format!("location: {location}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&answer.body);
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Servers, the API and polling

/// Loopback receivers allowed, a millisecond retry schedule, no chat rate limit in the way.
fn fast(config: &mut Config) {
    config.webhooks.allowed_hosts.loopback = true;
    config.webhooks.retry_delays = DELAYS_MS.map(Duration::from_millis).to_vec();
    config.webhooks.timeout = Duration::from_secs(5);
    config.rate_limits.public = NonZeroU32::new(100_000).unwrap();
}

async fn start() -> TestServer {
    TestServer::start_with(fast).await
}

async fn ok(reply: Reply, status: u16, what: &str) -> Value {
    assert_eq!(reply.status, status, "{what}: {}", reply.text);
    reply.body
}

/// Creates a webhook; returns (id, secret).
async fn create_webhook(api: &Client<'_>, url: &str, events: Option<&[&str]>) -> (String, String) {
    let mut body = json!({"url": url, "description": "test receiver"});
    if let Some(events) = events {
        body["events"] = json!(events);
    }
    let reply = api.post("/api/admin/webhooks", &body).await;
    let body = ok(reply, 201, "create webhook").await;
    let webhook = &body["webhook"];
    let secret = webhook["secret"].as_str().expect("secret on creation");
    assert!(secret.starts_with("whsec_"), "{secret}");
    (
        webhook["id"].as_str().unwrap().to_owned(),
        secret.to_owned(),
    )
}

async fn get_webhook(api: &Client<'_>, id: &str) -> Value {
    let reply = api.get(&format!("/api/admin/webhooks/{id}")).await;
    ok(reply, 200, "get webhook").await["webhook"].clone()
}

async fn create_lead(api: &Client<'_>, name: &str, email: &str) -> Value {
    let reply = api
        .post(
            "/api/leads",
            &json!({"name": name, "email": email, "company": "Acme Corp"}),
        )
        .await;
    ok(reply, 201, "create lead").await["lead"].clone()
}

async fn get_lead(api: &Client<'_>, id: &str) -> Value {
    ok(api.get(&format!("/api/leads/{id}")).await, 200, "get lead").await["lead"].clone()
}

/// A webhook's deliveries (one page), newest first.
async fn deliveries(api: &Client<'_>, webhook: &str, query: &str) -> Reply {
    api.get(&format!("/api/admin/webhooks/{webhook}/deliveries?{query}"))
        .await
}

async fn delivery(api: &Client<'_>, id: &str) -> Value {
    let reply = api
        .get(&format!("/api/admin/webhook-deliveries/{id}"))
        .await;
    ok(reply, 200, "get delivery").await["delivery"].clone()
}

/// Polls a delivery until `done` holds; returns it.
async fn wait_delivery(
    api: &Client<'_>,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let d = delivery(api, id).await;
        if done(&d) {
            return d;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "delivery {id}: waited {DEADLINE:?} for {what}: {d}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_status(api: &Client<'_>, id: &str, status: &str) -> Value {
    wait_delivery(api, id, status, |d| d["status"] == status).await
}

/// The single delivery of `webhook` (waits for it to exist).
async fn only_delivery(api: &Client<'_>, webhook: &str) -> String {
    let start = Instant::now();
    loop {
        let list = ok(deliveries(api, webhook, "").await, 200, "deliveries").await;
        let list = list["deliveries"].as_array().unwrap().clone();
        if let [one] = list.as_slice() {
            return one["id"].as_str().unwrap().to_owned();
        }
        assert!(list.len() < 2, "one delivery expected: {list:?}");
        assert!(start.elapsed() < DEADLINE, "no delivery for {webhook}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn ms(a: Instant, b: Instant) -> u128 {
    b.duration_since(a).as_millis()
}

// ---------------------------------------------------------------------------------------------
// Signatures, computed independently of the crate's signing module

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The documented signature: hex HMAC-SHA256 of the raw body keyed with the secret string as shown.
fn seed_signature(secret: &str, body: &[u8]) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), body))
}

/// Standard Webhooks: `v1,` + base64 HMAC of `{id}.{timestamp}.{body}` keyed with the
/// base64-decoded secret after `whsec_`.
fn standard_signature(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ secret"))
        .expect("base64 secret");
    assert_eq!(key.len(), 32, "32 random bytes");
    let mut signed = format!("{id}.{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &signed)))
}

fn script(name: &str) -> PathBuf {
    Path::new("tests/webhooks").join(name)
}

/// Runs the documented `verifyWebhook` under Node on a raw body; true when it verifies.
fn seed_code_verifies(body: &[u8], signature: &str, secret: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body");
    std::fs::write(&file, body).unwrap();
    let out = Command::new("node")
        .arg(script("verify_seed.mjs"))
        .arg(&file)
        .env("SIGNATURE", signature)
        .env("SECRET", secret)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `node` ({e}): install Node.js (e.g. apt-get install nodejs) — this \
                 test runs the documented verifyWebhook"
            )
        });
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!(
            "verify_seed.mjs failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Runs the official `standardwebhooks` Python library; true when it verifies.
fn standard_library_verifies(body: &[u8], headers: &Value, secret: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let (body_file, headers_file) = (dir.path().join("body"), dir.path().join("headers.json"));
    std::fs::write(&body_file, body).unwrap();
    std::fs::write(&headers_file, headers.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(script("verify_standard.py"))
        .arg(&body_file)
        .arg(&headers_file)
        .env("SECRET", secret)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `python3` ({e}): install Python 3 and `pip install standardwebhooks`"
            )
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        Some(3) => panic!("the Standard Webhooks library is missing: {stderr}"),
        _ => panic!("verify_standard.py failed ({}): {stderr}", out.status),
    }
}

/// Every header a delivery must carry, consistent with each other and with the body.
fn check_headers(r: &Received) {
    let body = r.json();
    assert_eq!(
        r.event(),
        body["event"],
        "X-Synaptiq-Event is the envelope's event"
    );
    assert_eq!(
        r.header("webhook-id"),
        r.delivery(),
        "webhook-id = delivery id"
    );
    uuid::Uuid::parse_str(r.delivery()).expect("the delivery id is a UUID");
    assert_eq!(
        r.header("webhook-timestamp"),
        r.header("x-synaptiq-timestamp")
    );
    let sent: i64 = r
        .header("x-synaptiq-timestamp")
        .parse()
        .expect("unix seconds");
    let now = Timestamp::now().as_second();
    assert!((now - sent).abs() < 300, "timestamp {sent} vs now {now}");
    assert!(
        r.header("content-type").starts_with("application/json"),
        "{}",
        r.header("content-type")
    );
    let signature = r.header("x-synaptiq-signature");
    assert_eq!(signature.len(), 64, "hex HMAC-SHA256: {signature}");
    assert!(
        signature
            .chars()
            .all(|c| matches!(c, '0'..='9' | 'a'..='f')),
        "lowercase hex: {signature}"
    );
}

/// The envelope, exactly: `{"event", "timestamp", "data"}`.
fn check_envelope(r: &Received) -> Value {
    let body = r.json();
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {body}"))
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["event", "timestamp", "data"]),
        "envelope: {body}"
    );
    let timestamp = body["timestamp"].as_str().unwrap();
    assert!(
        timestamp.len() == 24 && timestamp.ends_with('Z'),
        "timestamp like 2026-04-01T14:30:00.000Z: {timestamp}"
    );
    timestamp.parse::<Timestamp>().expect("RFC 3339 timestamp");
    check_headers(r);
    body
}

/// The first request about `event` whose data matches `about`.
fn find<'r>(
    received: &'r [Received],
    event: &str,
    about: impl Fn(&Value) -> bool,
) -> Option<&'r Received> {
    received
        .iter()
        .find(|r| r.event() == event && about(&r.json()["data"]))
}

// ---------------------------------------------------------------------------------------------
// A visitor chatting (the messages of tests/chat.rs)

async fn say(server: &TestServer, conversation: &mut Option<String>, message: &str) -> Value {
    let mut body = json!({"tenantId": "default", "visitorId": "visitor-hooks", "message": message});
    if let Some(id) = conversation {
        body["conversationId"] = id.as_str().into();
    }
    let reply = server.anon().post("/api/chat", &body).await;
    let body = ok(reply, 200, message).await;
    *conversation = Some(body["conversationId"].as_str().unwrap().to_owned());
    body
}

/// Drives a conversation to a booked meeting; returns (conversation id, lead id).
async fn book_a_meeting(server: &TestServer) -> (String, String) {
    let mut conversation = None;
    for message in [
        "Hi, I'm Jane Smith from Acme Corp",
        "jane.smith@acme.com",
        "We need to qualify inbound leads faster",
        "about 120 people",
        "I'm the Head of Marketing",
        "around $5,000",
    ] {
        say(server, &mut conversation, message).await;
    }
    let body = say(server, &mut conversation, "next quarter").await;
    assert_eq!(body["lead"]["status"], "qualified", "{body}");
    let lead = body["lead"]["id"].as_str().unwrap().to_owned();
    let body = say(server, &mut conversation, "2").await;
    assert_eq!(body["lead"]["status"], "booked", "{body}");
    (conversation.unwrap(), lead)
}

// =============================================================================================
// 1. Every event, in its envelope

#[tokio::test]
async fn every_event_arrives_in_the_seed_envelope_with_its_event_header() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let all = Receiver::ok().await;
    let only_created = Receiver::ok().await;
    let (all_id, _) = create_webhook(&api, &all.url, None).await;
    let (created_id, _) = create_webhook(&api, &only_created.url, Some(&["lead.created"])).await;
    assert_eq!(get_webhook(&api, &all_id).await["events"], json!(["*"]));

    // Through the leads API: data is the lead exactly as GET /api/leads/{id} shows it.
    let lead = create_lead(&api, "Ada Lovelace", "ada@example.com").await;
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    let as_created = get_lead(&api, &lead_id).await;
    let reply = api
        .patch(
            &format!("/api/leads/{lead_id}"),
            &json!({"company": "Analytical Engines"}),
        )
        .await;
    ok(reply, 200, "update lead").await;
    let as_updated = get_lead(&api, &lead_id).await;
    let reply = api.delete(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(reply.status, 204, "delete lead: {}", reply.text);

    let is_lead = |d: &Value| d["id"] == lead_id.as_str();
    let received = all
        .wait_until("lead.created, lead.updated and lead.deleted", |r| {
            ["lead.created", "lead.updated", "lead.deleted"]
                .iter()
                .all(|e| find(r, e, is_lead).is_some())
        })
        .await;
    for (event, expected) in [
        ("lead.created", &as_created),
        ("lead.updated", &as_updated),
        ("lead.deleted", &as_updated),
    ] {
        let r = find(&received, event, is_lead).unwrap();
        let body = check_envelope(r);
        assert_eq!(body["event"], event);
        assert_eq!(
            &body["data"], expected,
            "{event}: data is the lead as the API returns it"
        );
    }

    // Through a conversation: started, lead created, qualified, booked, completed.
    let (conversation, lead2) = book_a_meeting(&server).await;
    let is_conversation = |d: &Value| d["id"] == conversation.as_str();
    let is_lead2 = |d: &Value| d["id"] == lead2.as_str();
    let is_booking = |d: &Value| d["lead"]["id"] == lead2.as_str();
    let received = all
        .wait_until("the conversation's five events", |r| {
            find(r, "conversation.started", is_conversation).is_some()
                && find(r, "lead.created", is_lead2).is_some()
                && find(r, "lead.qualified", is_lead2).is_some()
                && find(r, "meeting.booked", is_booking).is_some()
                && find(r, "conversation.completed", is_conversation).is_some()
        })
        .await;
    let started = check_envelope(find(&received, "conversation.started", is_conversation).unwrap());
    assert_eq!(started["data"]["leadId"], Value::Null, "{started}");
    let created = check_envelope(find(&received, "lead.created", is_lead2).unwrap());
    assert_eq!(created["data"]["email"], "jane.smith@acme.com");
    let qualified = check_envelope(find(&received, "lead.qualified", is_lead2).unwrap());
    assert_eq!(qualified["data"]["status"], "qualified");
    assert_eq!(qualified["data"]["qualificationScore"], 80);
    let booked = check_envelope(find(&received, "meeting.booked", is_booking).unwrap());
    assert_eq!(booked["data"]["meeting"]["leadId"], lead2.as_str());
    assert_eq!(booked["data"]["lead"]["status"], "booked");
    let completed =
        check_envelope(find(&received, "conversation.completed", is_conversation).unwrap());
    assert_eq!(completed["data"]["status"], "completed");
    assert_eq!(completed["data"]["leadId"], lead2.as_str());
    let api_conversation = ok(
        api.get(&format!("/api/conversations/{conversation}")).await,
        200,
        "get conversation",
    )
    .await["conversation"]
        .clone();
    for field in ["id", "status", "leadId", "channel", "summary"] {
        assert_eq!(
            completed["data"][field], api_conversation[field],
            "conversation.completed data.{field} as the API shows it"
        );
    }
    // Every request, whatever its event, has the envelope and consistent headers.
    for r in &all.received() {
        let body = check_envelope(r);
        assert!(ALL_EVENTS.contains(&r.event()), "{}", r.event());
        assert_eq!(r.event(), body["event"]);
    }

    // The filtered webhook gets exactly the two lead.created, nothing else.
    let filtered = only_created.wait_for(2).await;
    let mut ids: Vec<String> = filtered
        .iter()
        .map(|r| {
            assert_eq!(r.event(), "lead.created", "filtered to lead.created");
            check_envelope(r)["data"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    let mut expected = vec![lead_id.clone(), lead2.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    let listed = ok(deliveries(&api, &created_id, "").await, 200, "deliveries").await;
    let events: Vec<&str> = listed["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event"].as_str().unwrap())
        .collect();
    // The deleted lead's lead.created was erased with it (GDPR), its delivery record too.
    assert_eq!(events, vec!["lead.created"], "{listed}");
    assert_eq!(only_created.received().len(), 2);
}

#[tokio::test]
async fn a_moved_and_a_cancelled_meeting_arrive_as_their_events() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let receiver = Receiver::ok().await;
    create_webhook(
        &api,
        &receiver.url,
        Some(&["meeting.rescheduled", "meeting.cancelled"]),
    )
    .await;
    let (_, lead) = book_a_meeting(&server).await;
    let meetings = ok(
        api.get(&format!("/api/leads/{lead}/meetings")).await,
        200,
        "meetings",
    )
    .await;
    let meeting = meetings["meetings"][0]["id"].as_str().unwrap().to_owned();
    let old = meetings["meetings"][0]["startsAt"].clone();
    let slots = ok(api.get("/api/meetings/slots").await, 200, "slots").await;
    let to = slots["slots"][0]["startsAt"].as_str().unwrap().to_owned();
    let moved = ok(
        api.post(
            &format!("/api/meetings/{meeting}/reschedule"),
            &json!({ "startsAt": to }),
        )
        .await,
        200,
        "reschedule",
    )
    .await;
    let reply = api.delete(&format!("/api/meetings/{meeting}")).await;
    assert_eq!(reply.status, 204, "{}", reply.text);

    // Deliveries run concurrently: they may arrive in either order.
    let received = receiver.wait_for(2).await;
    let mut events: Vec<&str> = received.iter().map(Received::event).collect();
    events.sort_unstable();
    assert_eq!(events, ["meeting.cancelled", "meeting.rescheduled"]);
    let about = |d: &Value| d["meeting"]["id"] == meeting.as_str();
    let rescheduled = check_envelope(find(&received, "meeting.rescheduled", about).unwrap());
    assert_eq!(rescheduled["data"]["meeting"], moved["meeting"]);
    assert_eq!(rescheduled["data"]["previousStartsAt"], old);
    assert_eq!(rescheduled["data"]["lead"]["status"], "booked");
    let cancelled = check_envelope(find(&received, "meeting.cancelled", about).unwrap());
    assert_eq!(cancelled["data"]["meeting"]["id"], meeting.as_str());
    assert_eq!(cancelled["data"]["meeting"]["startsAt"], to.as_str());
    assert_eq!(cancelled["data"]["meeting"]["status"], "cancelled");
    assert_eq!(
        cancelled["data"]["lead"],
        get_lead(&api, &lead).await,
        "the lead as it is after the cancellation"
    );
    assert_eq!(cancelled["data"]["lead"]["status"], "qualified");
}

// =============================================================================================
// 2. Signatures, three independent ways

#[tokio::test]
async fn signatures_verify_in_rust_with_the_seed_code_and_with_standard_webhooks() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::ok().await;
    let (_, secret) = create_webhook(&api, &receiver.url, None).await;
    create_lead(&api, "Grace Hopper", "grace@example.com").await;
    // Non-ASCII in the body: the signature covers the raw bytes, not a re-encoding.
    create_lead(&api, "Zoë Ünïcødé 🚀", "zoe@example.com").await;
    let received = receiver.wait_for(2).await;
    for r in &received {
        check_headers(r);
        let (id, timestamp) = (r.header("webhook-id"), r.header("webhook-timestamp"));
        // Rust, straight from hmac/sha2.
        assert_eq!(
            r.header("x-synaptiq-signature"),
            seed_signature(&secret, &r.body),
            "X-Synaptiq-Signature"
        );
        assert_eq!(
            r.header("webhook-signature"),
            standard_signature(&secret, id, timestamp, &r.body),
            "webhook-signature (one v1 entry before any rotation)"
        );
        // The documented verifyWebhook, under Node.
        let signature = r.header("x-synaptiq-signature");
        assert!(
            seed_code_verifies(&r.body, signature, &secret),
            "the documented verifyWebhook rejects a real delivery: {}",
            String::from_utf8_lossy(&r.body)
        );
        // The official Standard Webhooks library.
        assert!(
            standard_library_verifies(&r.body, &r.headers_json(), &secret),
            "standardwebhooks rejects a real delivery"
        );
    }
    // Both reject a tampered body, a wrong secret and a tampered header.
    let r = &received[0];
    let mut tampered = r.body.clone();
    let at = tampered.iter().position(|b| *b == b'@').unwrap();
    tampered[at + 1] ^= 0x01;
    let signature = r.header("x-synaptiq-signature");
    assert!(!seed_code_verifies(&tampered, signature, &secret));
    assert!(!seed_code_verifies(
        &r.body,
        signature,
        "whsec_not-the-secret"
    ));
    assert!(!standard_library_verifies(
        &tampered,
        &r.headers_json(),
        &secret
    ));
    let other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assert!(!standard_library_verifies(
        &r.body,
        &r.headers_json(),
        other
    ));
    let mut headers = r.headers_json();
    headers["webhook-id"] = json!("a-different-id");
    assert!(!standard_library_verifies(&r.body, &headers, &secret));
}

// =============================================================================================
// 3. Retries, drop, manual retry, replay

#[tokio::test]
async fn a_failing_receiver_is_retried_on_schedule_under_one_delivery_id() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::start(
        vec![
            Answer::status(500).body("boom one"),
            Answer::status(500).body("boom two"),
        ],
        Answer::ok().body("thanks"),
    )
    .await;
    let (webhook, _) = create_webhook(&api, &receiver.url, Some(&["lead.created"])).await;
    create_lead(&api, "Retry Me", "retry@example.com").await;
    let received = receiver.wait_for(3).await;
    let id = received[0].delivery().to_owned();
    for r in &received {
        assert_eq!(
            r.delivery(),
            id,
            "the same X-Synaptiq-Delivery on every attempt"
        );
        assert_eq!(r.body, received[0].body, "the same body on every attempt");
        check_headers(r);
    }
    let gaps = [
        ms(received[0].at, received[1].at),
        ms(received[1].at, received[2].at),
    ];
    assert!(
        gaps[0] >= u128::from(DELAYS_MS[0]) && gaps[1] >= u128::from(DELAYS_MS[1]),
        "gaps {gaps:?} ms follow the schedule {DELAYS_MS:?}"
    );
    assert_eq!(only_delivery(&api, &webhook).await, id);
    let d = wait_status(&api, &id, "delivered").await;
    assert_eq!(d["attemptCount"], 3, "{d}");
    assert_eq!(d["lastStatusCode"], 200, "{d}");
    assert_eq!(d["nextAttemptAt"], Value::Null, "{d}");
    assert_eq!(d["event"], "lead.created");
    assert_eq!(d["webhookId"], webhook.as_str());
    assert_eq!(d["payload"], received[0].json(), "the payload it sends");
    let attempts = d["attempts"].as_array().unwrap();
    let summary: Vec<(Value, Value, Value, Value)> = attempts
        .iter()
        .map(|a| {
            (
                a["number"].clone(),
                a["statusCode"].clone(),
                a["error"].clone(),
                a["responseBody"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!(1), json!(500), json!("HTTP 500"), json!("boom one")),
            (json!(2), json!(500), json!("HTTP 500"), json!("boom two")),
            (json!(3), json!(200), Value::Null, json!("thanks")),
        ],
        "{d}"
    );
    for a in attempts {
        a["startedAt"]
            .as_str()
            .unwrap()
            .parse::<Timestamp>()
            .unwrap();
        assert!(a["durationMs"].as_u64().is_some(), "{a}");
    }
    assert_eq!(receiver.received().len(), 3, "nothing after the success");
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_the_longest_delay() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    // Asks for 1 s: more than the planned 50 ms, capped at the schedule's longest (150 ms).
    let receiver = Receiver::start(
        vec![
            Answer::status(503).retry_after(1),
            Answer::status(429).retry_after(1),
        ],
        Answer::ok(),
    )
    .await;
    create_webhook(&api, &receiver.url, Some(&["lead.created"])).await;
    create_lead(&api, "Later Please", "later@example.com").await;
    let received = receiver.wait_for(3).await;
    let longest = u128::from(*DELAYS_MS.iter().max().unwrap());
    for (status, pair) in [503, 429].iter().zip(received.windows(2)) {
        let gap = ms(pair[0].at, pair[1].at);
        assert!(
            gap >= longest && gap < 900,
            "after a {status} with Retry-After: 1, the wait is the longest delay ({longest} ms), \
             not the planned one nor 1 s: {gap} ms"
        );
        assert_eq!(pair[0].delivery(), pair[1].delivery());
    }
}

#[tokio::test]
async fn an_always_failing_delivery_is_dropped_then_retried_and_replayed() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::start(Vec::new(), Answer::status(500)).await;
    let (webhook, _) = create_webhook(&api, &receiver.url, Some(&["lead.created"])).await;
    let since = Timestamp::now() - SignedDuration::from_secs(1);
    create_lead(&api, "Never Home", "never@example.com").await;
    let id = only_delivery(&api, &webhook).await;
    let d = wait_status(&api, &id, "dropped").await;
    let attempts = 1 + DELAYS_MS.len();
    assert_eq!(d["attemptCount"], attempts, "1 + one per delay: {d}");
    assert_eq!(d["attempts"].as_array().unwrap().len(), attempts);
    assert_eq!(d["lastStatusCode"], 500);
    assert_eq!(d["nextAttemptAt"], Value::Null);
    let received = receiver.received();
    assert_eq!(received.len(), attempts, "no attempt after the drop");
    assert!(received.iter().all(|r| r.delivery() == id));
    let dropped = ok(
        deliveries(&api, &webhook, "status=dropped").await,
        200,
        "dropped",
    )
    .await;
    assert_eq!(
        dropped["deliveries"].as_array().unwrap().len(),
        1,
        "stays in the log"
    );

    // Manual retry, the receiver fixed: delivered under the same id.
    receiver.answer(Vec::new(), Answer::ok());
    let reply = api
        .post(
            &format!("/api/admin/webhook-deliveries/{id}/retry"),
            &json!({}),
        )
        .await;
    let body = ok(reply, 202, "retry").await;
    assert_eq!(body["delivery"]["id"], id.as_str());
    assert_eq!(body["delivery"]["status"], "pending");
    let d = wait_status(&api, &id, "delivered").await;
    assert_eq!(d["attemptCount"], attempts + 1, "{d}");
    let numbers: Vec<u64> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=attempts as u64 + 1).collect::<Vec<_>>());
    let received = receiver.wait_for(attempts + 1).await;
    assert_eq!(received.last().unwrap().delivery(), id);

    // Two more dropped, then a replay since before all three re-queues only the dropped.
    receiver.answer(Vec::new(), Answer::status(500));
    create_lead(&api, "Drop One", "drop1@example.com").await;
    create_lead(&api, "Drop Two", "drop2@example.com").await;
    let start = Instant::now();
    let ids: Vec<String> = loop {
        let listed = ok(
            deliveries(&api, &webhook, "status=dropped").await,
            200,
            "list",
        )
        .await;
        let list = listed["deliveries"].as_array().unwrap();
        if list.len() == 2 {
            break list
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned())
                .collect();
        }
        assert!(start.elapsed() < DEADLINE, "two dropped: {listed}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let before = receiver.received().len();
    assert_eq!(before, attempts + 1 + 2 * attempts);
    receiver.answer(Vec::new(), Answer::ok());
    let reply = api
        .post(
            &format!("/api/admin/webhooks/{webhook}/replay"),
            &json!({"since": since.to_string()}),
        )
        .await;
    assert_eq!(ok(reply, 202, "replay").await, json!({"replayed": 2}));
    let received = receiver.wait_for(before + 2).await;
    let replayed: BTreeSet<&str> = received[before..].iter().map(Received::delivery).collect();
    assert_eq!(
        replayed,
        ids.iter().map(String::as_str).collect(),
        "replayed under their original delivery ids"
    );
    for id in &ids {
        wait_status(&api, id, "delivered").await;
    }
    // status=delivered takes the three delivered ones; a later `since` none.
    let reply = api
        .post(
            &format!("/api/admin/webhooks/{webhook}/replay"),
            &json!({"since": since.to_string(), "status": "delivered"}),
        )
        .await;
    assert_eq!(
        ok(reply, 202, "replay delivered").await,
        json!({"replayed": 3})
    );
    let received = receiver.wait_for(before + 5).await;
    let again: BTreeSet<&str> = received[before + 2..]
        .iter()
        .map(Received::delivery)
        .collect();
    assert_eq!(again.len(), 3, "each of the three once more");
    assert!(again.contains(id.as_str()));
    let future = Timestamp::now() + SignedDuration::from_hours(1);
    let reply = api
        .post(
            &format!("/api/admin/webhooks/{webhook}/replay"),
            &json!({"since": future.to_string(), "status": "all"}),
        )
        .await;
    assert_eq!(
        ok(reply, 202, "replay nothing").await,
        json!({"replayed": 0})
    );
}

// =============================================================================================
// 4. Secret rotation

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_for_24_hours() {
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let server = TestServer::start_with_clock(clock.clone(), fast).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::ok().await;
    let (webhook, old) = create_webhook(&api, &receiver.url, None).await;
    assert_eq!(
        get_webhook(&api, &webhook).await["previousSecretExpiresAt"],
        Value::Null
    );

    let rotated_at = clock.now();
    let reply = api
        .post(
            &format!("/api/admin/webhooks/{webhook}/rotate-secret"),
            &json!({}),
        )
        .await;
    let body = ok(reply, 200, "rotate").await;
    let new = body["webhook"]["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_") && new != old, "{new}");
    let expires: Timestamp = body["webhook"]["previousSecretExpiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        expires.duration_since(rotated_at),
        SignedDuration::from_hours(24),
        "the old secret signs for 24 hours"
    );
    let shown = get_webhook(&api, &webhook).await;
    assert_eq!(
        shown["previousSecretExpiresAt"],
        body["webhook"]["previousSecretExpiresAt"]
    );
    assert_eq!(shown.get("secret"), None, "no secret on GET: {shown}");

    create_lead(&api, "Rotated", "rotated@example.com").await;
    let r = receiver.wait_for(1).await.remove(0);
    let (id, ts) = (r.header("webhook-id"), r.header("webhook-timestamp"));
    let entries: Vec<&str> = r.header("webhook-signature").split(' ').collect();
    assert_eq!(
        entries,
        vec![
            standard_signature(&new, id, ts, &r.body),
            standard_signature(&old, id, ts, &r.body)
        ],
        "two v1 entries: the new secret's first, the old one's second"
    );
    assert_eq!(
        r.header("x-synaptiq-signature"),
        seed_signature(&new, &r.body)
    );
    assert!(seed_code_verifies(
        &r.body,
        r.header("x-synaptiq-signature"),
        &new
    ));
    assert!(!seed_code_verifies(
        &r.body,
        r.header("x-synaptiq-signature"),
        &old
    ));
    assert!(standard_library_verifies(&r.body, &r.headers_json(), &new));
    assert!(
        standard_library_verifies(&r.body, &r.headers_json(), &old),
        "a receiver still on the old secret keeps verifying"
    );

    // Just before the 24 hours end both still sign; just after, only the new one.
    clock.advance(SignedDuration::from_hours(24) - SignedDuration::from_secs(1));
    create_lead(&api, "Almost", "almost@example.com").await;
    let r = receiver.wait_for(2).await.remove(1);
    assert_eq!(r.header("webhook-signature").split(' ').count(), 2);
    clock.advance(SignedDuration::from_secs(2));
    create_lead(&api, "Expired", "expired@example.com").await;
    let r = receiver.wait_for(3).await.remove(2);
    let (id, ts) = (r.header("webhook-id"), r.header("webhook-timestamp"));
    assert_eq!(
        r.header("webhook-signature"),
        standard_signature(&new, id, ts, &r.body),
        "after 24 hours the old secret no longer signs"
    );
    assert_eq!(
        r.header("x-synaptiq-signature"),
        seed_signature(&new, &r.body)
    );
}

// =============================================================================================
// 5. 410 Gone

#[tokio::test]
async fn gone_disables_the_webhook_and_drops_the_delivery() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let gone = Receiver::start(Vec::new(), Answer::status(410)).await;
    let witness = Receiver::ok().await;
    let (webhook, _) = create_webhook(&api, &gone.url, Some(&["lead.created"])).await;
    let (witness_id, _) = create_webhook(&api, &witness.url, Some(&["lead.created"])).await;
    create_lead(&api, "Gone Girl", "gone@example.com").await;
    let id = only_delivery(&api, &webhook).await;
    let d = wait_status(&api, &id, "dropped").await;
    assert_eq!(d["attemptCount"], 1, "410 drops at once: {d}");
    assert_eq!(d["lastStatusCode"], 410);
    let shown = get_webhook(&api, &webhook).await;
    assert_eq!(shown["enabled"], false, "{shown}");
    let reason = shown["disabledReason"].as_str().expect("a reason");
    assert!(reason.contains("410"), "{reason}");

    // Disabled: a new event is not even queued for it (the witness gets it).
    create_lead(&api, "Still Gone", "still@example.com").await;
    witness.wait_for(2).await;
    let listed = ok(deliveries(&api, &webhook, "").await, 200, "list").await;
    assert_eq!(
        listed["deliveries"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
    assert_eq!(gone.received().len(), 1, "nothing more while disabled");
    let reply = api
        .post(
            &format!("/api/admin/webhook-deliveries/{id}/retry"),
            &json!({}),
        )
        .await;
    assert_eq!(
        reply.status, 409,
        "retry on a disabled webhook: {}",
        reply.text
    );
    assert!(reply.error().contains("enable"), "{}", reply.text);

    // Enabled again: the reason clears and events flow.
    gone.answer(Vec::new(), Answer::ok());
    let reply = api
        .patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"enabled": true}),
        )
        .await;
    let body = ok(reply, 200, "enable").await;
    assert_eq!(body["webhook"]["enabled"], true);
    assert_eq!(body["webhook"]["disabledReason"], Value::Null);
    let lead = create_lead(&api, "Back Again", "back@example.com").await;
    let received = gone.wait_for(2).await;
    assert_eq!(received[1].json()["data"]["id"], lead["id"]);
    let _ = witness_id;
}

#[tokio::test]
async fn disabling_drops_pending_deliveries_and_sends_nothing_until_enabled() {
    // A long retry schedule: after one failure the delivery stays pending.
    let server = TestServer::start_with(|c| {
        fast(c);
        c.webhooks.retry_delays = vec![Duration::from_secs(3600)];
    })
    .await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::start(vec![Answer::status(500)], Answer::ok()).await;
    let (webhook, _) = create_webhook(&api, &receiver.url, Some(&["lead.created"])).await;
    let since = Timestamp::now() - SignedDuration::from_secs(1);
    create_lead(&api, "Pending Pat", "pat@example.com").await;
    let id = only_delivery(&api, &webhook).await;
    let d = wait_delivery(&api, &id, "a failed first attempt", |d| {
        d["attemptCount"] == 1
    })
    .await;
    assert_eq!(d["status"], "pending", "{d}");
    let next: Timestamp = d["nextAttemptAt"].as_str().unwrap().parse().unwrap();
    assert!(
        next > Timestamp::now() + SignedDuration::from_secs(3000),
        "{d}"
    );

    let reply = api
        .patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"enabled": false}),
        )
        .await;
    let body = ok(reply, 200, "disable").await;
    assert_eq!(body["webhook"]["enabled"], false);
    assert!(body["webhook"]["disabledReason"].is_string(), "{body}");
    let d = delivery(&api, &id).await;
    assert_eq!(
        d["status"], "dropped",
        "disabling drops what was pending: {d}"
    );
    assert_eq!(d["nextAttemptAt"], Value::Null);
    assert!(
        d["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{d}"
    );
    // Disabled: nothing queued, retry and replay refused.
    create_lead(&api, "While Off", "off@example.com").await;
    let listed = ok(deliveries(&api, &webhook, "").await, 200, "list").await;
    assert_eq!(
        listed["deliveries"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
    let reply = api
        .post(
            &format!("/api/admin/webhook-deliveries/{id}/retry"),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    let replay = json!({"since": since.to_string()});
    let path = format!("/api/admin/webhooks/{webhook}/replay");
    assert_eq!(api.post(&path, &replay).await.status, 409);
    assert_eq!(receiver.received().len(), 1);

    // Enabled again, a replay sends the dropped one under its own id.
    let reply = api
        .patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"enabled": true}),
        )
        .await;
    ok(reply, 200, "enable").await;
    assert_eq!(
        ok(api.post(&path, &replay).await, 202, "replay").await,
        json!({"replayed": 1})
    );
    let received = receiver.wait_for(2).await;
    assert_eq!(received[1].delivery(), id);
    wait_status(&api, &id, "delivered").await;
}

// =============================================================================================
// 6. Redirects and timeouts

#[tokio::test]
async fn a_redirect_is_a_failure_and_a_timeout_is_logged_as_one() {
    let server = TestServer::start_with(|c| {
        fast(c);
        c.webhooks.timeout = Duration::from_millis(200);
        c.webhooks.retry_delays = vec![Duration::from_millis(50)];
    })
    .await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let target = Receiver::ok().await;
    let redirecting = Receiver::start(Vec::new(), Answer::status(302).location(&target.url)).await;
    let slow = Receiver::start(Vec::new(), Answer::ok().held(Duration::from_secs(1))).await;
    let (to_redirect, _) = create_webhook(&api, &redirecting.url, Some(&["lead.created"])).await;
    let (to_slow, _) = create_webhook(&api, &slow.url, Some(&["lead.created"])).await;
    create_lead(&api, "Moved Away", "moved@example.com").await;

    let id = only_delivery(&api, &to_redirect).await;
    let d = wait_status(&api, &id, "dropped").await;
    assert_eq!(d["attemptCount"], 2, "{d}");
    for a in d["attempts"].as_array().unwrap() {
        assert_eq!(a["statusCode"], 302, "{a}");
        let error = a["error"].as_str().expect("an error");
        assert!(error.contains("redirect"), "{error}");
    }
    assert_eq!(redirecting.received().len(), 2);
    assert!(target.received().is_empty(), "the redirect is not followed");

    let id = only_delivery(&api, &to_slow).await;
    let d = wait_status(&api, &id, "dropped").await;
    assert_eq!(d["attemptCount"], 2, "{d}");
    for a in d["attempts"].as_array().unwrap() {
        assert_eq!(a["statusCode"], Value::Null, "{a}");
        let error = a["error"].as_str().expect("an error");
        assert!(error.contains("timed out"), "{error}");
        let took = a["durationMs"].as_u64().unwrap();
        assert!(
            (200..1000).contains(&took),
            "cut at the 200 ms timeout: {took} ms"
        );
    }
    assert_eq!(d["lastError"], d["attempts"][1]["error"]);
}

// =============================================================================================
// 7. kill -9 with deliveries pending and in flight

/// What these tests need of the real binary: loopback receivers, quick retries.
const BIN_ENV: [(&str, &str); 2] = [
    ("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS", "loopback"),
    ("SYNAPTIQ_WEBHOOK_RETRY_DELAYS", "100ms,200ms"),
];

/// The API of a `Serving` process, with an API key.
struct Remote {
    url: String,
    key: String,
    http: reqwest::Client,
}

impl Remote {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(body);
        }
        common::reply(request.send().await.unwrap()).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_with_deliveries_in_flight_loses_nothing_and_keeps_delivery_ids() {
    const LEADS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let mut first = Serving::start(dir.path(), &BIN_ENV);
    let key = common::process::create_key(dir.path());

    // Even-numbered leads are held 2 s (in flight at the kill); odd-numbered ones fail once
    // fast (pending a retry at the kill), then are held too.
    let receiver = Receiver::ok().await;
    receiver.rule(Arc::new(|request: &Received, before: &[Received]| {
        let body = request.json();
        let email = body["data"]["email"].as_str().unwrap_or_default();
        let n: usize = email
            .trim_start_matches("lead")
            .split('@')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let seen = before.iter().any(|r| r.delivery() == request.delivery());
        if n % 2 == 1 && !seen {
            Answer::status(500)
        } else {
            Answer::ok().held(Duration::from_secs(2))
        }
    }));
    let api = Remote {
        url: first.url.clone(),
        key,
        http: reqwest::Client::new(),
    };
    let reply = api
        .send(
            reqwest::Method::POST,
            "/api/admin/webhooks",
            Some(&json!({"url": receiver.url, "events": ["lead.created"]})),
        )
        .await;
    let webhook = ok(reply, 201, "create webhook").await["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let creations = (0..LEADS).map(|n| {
        let body = json!({"name": format!("Lead {n}"), "email": format!("lead{n}@example.com")});
        let api = &api;
        async move {
            api.send(reqwest::Method::POST, "/api/leads", Some(&body))
                .await
        }
    });
    let created: BTreeSet<String> = futures_util::future::join_all(creations)
        .await
        .into_iter()
        .map(|reply| {
            assert_eq!(reply.status, 201, "create lead: {}", reply.text);
            reply.body["lead"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(created.len(), LEADS);
    receiver
        .wait_until("deliveries in flight", |r| r.len() >= LEADS / 2)
        .await;
    first.kill();
    let before_kill = receiver.received().len();

    // The receiver is fast now; the restarted server must finish every delivery.
    receiver.answer(Vec::new(), Answer::ok());
    let second = Serving::start(dir.path(), &BIN_ENV);
    let api = Remote {
        url: second.url.clone(),
        ..api
    };
    let start = Instant::now();
    loop {
        let reply = api
            .send(
                reqwest::Method::GET,
                &format!("/api/admin/webhooks/{webhook}/deliveries?event=lead.created&limit=500"),
                None,
            )
            .await;
        let body = ok(reply, 200, "deliveries").await;
        let list = body["deliveries"].as_array().unwrap();
        assert_eq!(list.len(), LEADS, "one delivery per lead.created: {body}");
        if list.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "not all delivered after the restart: {body}\nstderr: {}",
            second.stderr.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let received = receiver.received();
    assert!(
        received.len() > LEADS,
        "the kill must catch deliveries in flight (sent again after the restart): {} requests",
        received.len()
    );
    let mut ids_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &received {
        assert_eq!(r.event(), "lead.created");
        let lead = r.json()["data"]["id"].as_str().unwrap().to_owned();
        ids_of
            .entry(lead)
            .or_default()
            .insert(r.delivery().to_owned());
    }
    let received_leads: BTreeSet<String> = ids_of.keys().cloned().collect();
    assert_eq!(
        received_leads, created,
        "every lead.created arrived, and only those"
    );
    for (lead, ids) in &ids_of {
        assert_eq!(
            ids.len(),
            1,
            "lead {lead} arrived under two delivery ids: {ids:?}"
        );
    }
    let distinct: BTreeSet<&String> = ids_of.values().flatten().collect();
    assert_eq!(distinct.len(), LEADS, "one delivery id per event");
    eprintln!(
        "kill -9: {before_kill} request(s) before the kill, {} in all for {LEADS} events",
        received.len()
    );
}

// =============================================================================================
// 8. SSRF

#[tokio::test]
async fn private_and_special_destinations_are_refused_at_creation() {
    // The default policy: public addresses only.
    let server = TestServer::start().await;
    assert_eq!(
        server.app().config.webhooks.allowed_hosts,
        AllowedHosts::default()
    );
    let key = server.key().await;
    let api = server.as_key(&key);
    for url in [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://[::1]/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://192.0.2.1/",
    ] {
        let reply = api.post("/api/admin/webhooks", &json!({"url": url})).await;
        assert_eq!(reply.status, 400, "{url} must be refused: {}", reply.text);
        let error = reply.error();
        assert!(error.contains("url"), "{url}: the error names url: {error}");
        assert!(
            error.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS"),
            "{url}: the error says how to allow it: {error}"
        );
    }
    let reply = api
        .post("/api/admin/webhooks", &json!({"url": "ftp://example.com/"}))
        .await;
    assert_eq!(reply.status, 400, "ftp: {}", reply.text);
    assert!(
        reply.error().contains("url") && reply.error().contains("http"),
        "{}",
        reply.text
    );
    let listed = ok(api.get("/api/admin/webhooks").await, 200, "list").await;
    assert_eq!(listed["webhooks"], json!([]), "nothing was created");
}

#[tokio::test]
async fn a_destination_no_longer_allowed_is_refused_at_delivery() {
    let server = start().await;
    let key = server.key().await;
    let receiver = Receiver::ok().await;
    let url = format!("http://localhost:{}/hook", receiver.port);
    let webhook = create_webhook(&server.as_key(&key), &url, Some(&["lead.created"]))
        .await
        .0;
    // Same data, default policy (as after DNS now pointing somewhere private).
    let server = server
        .restart_with(|c| c.webhooks.retry_delays = vec![Duration::from_millis(50)])
        .await;
    assert_eq!(
        server.app().config.webhooks.allowed_hosts,
        AllowedHosts::default()
    );
    let api = server.as_key(&key);
    create_lead(&api, "Rebound", "rebound@example.com").await;
    let id = only_delivery(&api, &webhook).await;
    let d = wait_delivery(&api, &id, "an attempt", |d| {
        d["attemptCount"].as_u64() >= Some(1)
    })
    .await;
    let error = d["attempts"][0]["error"].as_str().unwrap_or_else(|| {
        panic!("the attempt must be refused by the address policy, it was not: {d}")
    });
    assert!(
        error.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS"),
        "the attempt's error names the refusal: {error}"
    );
    assert_eq!(d["attempts"][0]["statusCode"], Value::Null, "{d}");
    assert!(receiver.received().is_empty(), "the receiver got nothing");
}

// =============================================================================================
// 9. The management API

#[tokio::test]
async fn the_management_api_validates_and_answers_404_for_unknown_ids() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::ok().await;

    let cases = [
        (
            json!({"url": receiver.url, "events": ["lead.exploded"]}),
            "events",
        ),
        (json!({"url": receiver.url, "events": []}), "events"),
        (json!({"url": "not a url"}), "url"),
        (json!({"url": ""}), "url"),
        (
            json!({"url": receiver.url, "description": "x".repeat(501)}),
            "description",
        ),
    ];
    for (body, field) in cases {
        let reply = api.post("/api/admin/webhooks", &body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert!(
            reply.error().contains(field),
            "{body}: names {field}: {}",
            reply.text
        );
    }
    let reply = api
        .post("/api/admin/webhooks", &json!({"events": ["*"]}))
        .await;
    assert_eq!(reply.status, 400, "url is required: {}", reply.text);

    let (webhook, _) =
        create_webhook(&api, &receiver.url, Some(&["lead.created", "lead.created"])).await;
    let shown = get_webhook(&api, &webhook).await;
    assert_eq!(shown["events"], json!(["lead.created"]), "{shown}");
    assert_eq!(shown["enabled"], true);
    assert_eq!(shown["description"], "test receiver");
    let reply = api
        .patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"events": ["nope"]}),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.error().contains("events"), "{}", reply.text);
    let reply = api
        .patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"events": ["lead.updated", "lead.deleted"], "description": null}),
        )
        .await;
    let body = ok(reply, 200, "patch").await;
    assert_eq!(
        body["webhook"]["events"],
        json!(["lead.updated", "lead.deleted"])
    );
    assert_eq!(body["webhook"]["description"], Value::Null);

    for since in ["yesterday", "", "2026-13-01T00:00:00Z"] {
        let reply = api
            .post(
                &format!("/api/admin/webhooks/{webhook}/replay"),
                &json!({"since": since}),
            )
            .await;
        assert_eq!(reply.status, 400, "since {since:?}: {}", reply.text);
        assert!(reply.error().contains("since"), "{}", reply.text);
    }
    let reply = deliveries(&api, &webhook, "event=lead.exploded").await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("event"), "{}", reply.text);
    let reply = deliveries(&api, &webhook, "status=lost").await;
    assert_eq!(reply.status, 400, "{}", reply.text);

    // The test button sends a ping, once, and answers with its attempt.
    let reply = api
        .post(&format!("/api/admin/webhooks/{webhook}/test"), &json!({}))
        .await;
    let body = ok(reply, 200, "test").await;
    let d = &body["delivery"];
    assert_eq!(d["event"], "ping");
    assert_eq!(d["status"], "delivered");
    assert_eq!(d["attempts"][0]["statusCode"], 200, "{d}");
    let ping = receiver.wait_for(1).await.remove(0);
    assert_eq!(ping.event(), "ping");
    check_envelope(&ping);
    assert_eq!(ping.delivery(), d["id"].as_str().unwrap());

    let unknown = uuid::Uuid::new_v4();
    let paths = [
        (
            reqwest::Method::GET,
            format!("/api/admin/webhooks/{unknown}"),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/admin/webhooks/{unknown}"),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/admin/webhooks/{unknown}"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/admin/webhooks/{unknown}/test"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/admin/webhooks/{unknown}/rotate-secret"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/admin/webhooks/{unknown}/deliveries"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/admin/webhooks/{unknown}/replay"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/admin/webhook-deliveries/{unknown}"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/admin/webhook-deliveries/{unknown}/retry"),
        ),
    ];
    for (method, path) in &paths {
        let body = body_for(method, path);
        let reply = api.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text);
        reply.error();
    }

    // Without credentials: 401 everywhere.
    let anon = server.anon();
    for (method, path) in paths.iter().chain(
        [
            (reqwest::Method::GET, "/api/admin/webhooks".to_owned()),
            (reqwest::Method::POST, "/api/admin/webhooks".to_owned()),
        ]
        .iter(),
    ) {
        let body = body_for(method, path)
            .or_else(|| (*method == reqwest::Method::POST).then(|| json!({"url": receiver.url})));
        let reply = anon.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(reply.status, 401, "{method} {path}: {}", reply.text);
    }

    // DELETE: 204, then 404 for the webhook and its deliveries.
    let reply = api.delete(&format!("/api/admin/webhooks/{webhook}")).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(
        api.get(&format!("/api/admin/webhooks/{webhook}"))
            .await
            .status,
        404
    );
    assert_eq!(deliveries(&api, &webhook, "").await.status, 404);
    let reply = api
        .get(&format!(
            "/api/admin/webhook-deliveries/{}",
            ping.delivery()
        ))
        .await;
    assert_eq!(reply.status, 404, "the log goes with it: {}", reply.text);
    assert_eq!(
        api.delete(&format!("/api/admin/webhooks/{webhook}"))
            .await
            .status,
        404
    );
}

/// A valid body for the endpoints that need one.
fn body_for(method: &reqwest::Method, path: &str) -> Option<Value> {
    if path.ends_with("/replay") {
        return Some(json!({"since": "2020-01-01T00:00:00Z"}));
    }
    (*method == reqwest::Method::PATCH).then(|| json!({"enabled": true}))
}

#[tokio::test]
async fn the_secret_is_shown_only_on_creation_and_rotation() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (webhook, secret) = create_webhook(&api, "http://127.0.0.1:9/hook", None).await;
    let raw = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert_eq!(raw.len(), 32, "whsec_ + base64 of 32 random bytes");
    let (_, other) = create_webhook(&api, "http://127.0.0.1:9/other", None).await;
    assert_ne!(secret, other);

    let shown = get_webhook(&api, &webhook).await;
    let listed = ok(api.get("/api/admin/webhooks").await, 200, "list").await;
    let patched = ok(
        api.patch(
            &format!("/api/admin/webhooks/{webhook}"),
            &json!({"description": "x"}),
        )
        .await,
        200,
        "patch",
    )
    .await["webhook"]
        .clone();
    for (what, body) in [("GET", &shown), ("PATCH", &patched)] {
        assert_eq!(body.get("secret"), None, "{what}: {body}");
    }
    let list = listed["webhooks"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|w| w.get("secret").is_none()), "{listed}");
    for text in [shown.to_string(), listed.to_string(), patched.to_string()] {
        assert!(
            !text.contains(&secret) && !text.contains("whsec_"),
            "{text}"
        );
    }
    let keys: BTreeSet<&str> = shown
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "url",
            "events",
            "description",
            "enabled",
            "disabledReason",
            "previousSecretExpiresAt",
            "createdAt",
            "updatedAt"
        ]),
        "{shown}"
    );
    let rotated = ok(
        api.post(
            &format!("/api/admin/webhooks/{webhook}/rotate-secret"),
            &json!({}),
        )
        .await,
        200,
        "rotate",
    )
    .await;
    let new = rotated["webhook"]["secret"].as_str().unwrap();
    assert!(new.starts_with("whsec_") && new != secret);
    assert_eq!(get_webhook(&api, &webhook).await.get("secret"), None);
}

#[tokio::test]
async fn deliveries_paginate_and_filter_by_status_and_event() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let receiver = Receiver::ok().await;
    let (webhook, _) = create_webhook(&api, &receiver.url, None).await;
    let mut leads = Vec::new();
    for n in 0..3 {
        leads.push(create_lead(&api, &format!("Page {n}"), &format!("page{n}@example.com")).await);
    }
    let first = leads[0]["id"].as_str().unwrap();
    let reply = api
        .patch(&format!("/api/leads/{first}"), &json!({"company": "Paged"}))
        .await;
    ok(reply, 200, "update").await;
    receiver.wait_for(4).await;

    let start = Instant::now();
    while ok(
        deliveries(&api, &webhook, "status=delivered").await,
        200,
        "list",
    )
    .await["deliveries"]
        .as_array()
        .unwrap()
        .len()
        < 4
    {
        assert!(start.elapsed() < DEADLINE, "four delivered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Pages of 3 walk all four, newest first, with no repeat.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=3&cursor={c}"),
            None => "limit=3".to_owned(),
        };
        let page = ok(deliveries(&api, &webhook, &query).await, 200, "page").await;
        let items = page["deliveries"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|d| d["id"].as_str().unwrap().to_owned()));
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(seen, sorted, "newest first, no repeat");

    let only = |query: &'static str| {
        let api = &api;
        let webhook = &webhook;
        async move {
            let body = ok(deliveries(api, webhook, query).await, 200, query).await;
            body["deliveries"].as_array().unwrap().clone()
        }
    };
    let created = only("event=lead.created").await;
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|d| d["event"] == "lead.created"));
    let updated = only("event=lead.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["status"], "delivered");
    assert_eq!(updated[0]["attemptCount"], 1);
    assert_eq!(only("status=dropped").await.len(), 0);
    assert_eq!(only("status=pending").await.len(), 0);
    assert_eq!(only("status=delivered&event=lead.updated").await.len(), 1);
    let page = ok(
        deliveries(&api, &webhook, "event=lead.created&limit=2").await,
        200,
        "filtered page",
    )
    .await;
    assert_eq!(page["deliveries"].as_array().unwrap().len(), 2);
    let cursor = page["nextCursor"].as_str().expect("a next page").to_owned();
    let rest = ok(
        deliveries(
            &api,
            &webhook,
            &format!("event=lead.created&limit=2&cursor={cursor}"),
        )
        .await,
        200,
        "second page",
    )
    .await;
    assert_eq!(rest["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(rest["nextCursor"], Value::Null);
    let d = &created[0];
    let keys: BTreeSet<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "webhookId",
            "event",
            "eventId",
            "status",
            "attemptCount",
            "nextAttemptAt",
            "lastStatusCode",
            "lastError",
            "createdAt",
            "updatedAt"
        ]),
        "{d}"
    );
}

#[tokio::test]
async fn webhooks_and_deliveries_are_isolated_by_tenant() {
    let server = start().await;
    server.tenant("acme").await;
    let mine = server.key().await;
    let theirs = server
        .key_for("acme", synaptiq::domain::model::Tier::Enterprise)
        .await;
    let (api, other) = (server.as_key(&mine), server.as_key(&theirs));
    let my_receiver = Receiver::ok().await;
    let their_receiver = Receiver::ok().await;
    let (my_hook, _) = create_webhook(&api, &my_receiver.url, None).await;
    let (their_hook, _) = create_webhook(&other, &their_receiver.url, None).await;

    // Their event goes to their webhook only.
    let theirs_lead = create_lead(&other, "Their Lead", "their@example.com").await;
    let received = their_receiver.wait_for(1).await;
    assert_eq!(received[0].json()["data"]["id"], theirs_lead["id"]);
    let their_delivery = only_delivery(&other, &their_hook).await;
    wait_status(&other, &their_delivery, "delivered").await;
    let mine_lead = create_lead(&api, "My Lead", "mine@example.com").await;
    let received = my_receiver.wait_for(1).await;
    assert_eq!(received[0].json()["data"]["id"], mine_lead["id"]);
    let my_delivery = only_delivery(&api, &my_hook).await;
    assert_eq!(
        my_receiver.received().len(),
        1,
        "never the other tenant's events"
    );
    assert_eq!(their_receiver.received().len(), 1);

    // Their ids are 404 on every endpoint, for me (and mine for them).
    for (client, hook, delivery) in [
        (&api, &their_hook, &their_delivery),
        (&other, &my_hook, &my_delivery),
    ] {
        let calls = [
            (reqwest::Method::GET, format!("/api/admin/webhooks/{hook}")),
            (
                reqwest::Method::PATCH,
                format!("/api/admin/webhooks/{hook}"),
            ),
            (
                reqwest::Method::POST,
                format!("/api/admin/webhooks/{hook}/test"),
            ),
            (
                reqwest::Method::POST,
                format!("/api/admin/webhooks/{hook}/rotate-secret"),
            ),
            (
                reqwest::Method::GET,
                format!("/api/admin/webhooks/{hook}/deliveries"),
            ),
            (
                reqwest::Method::POST,
                format!("/api/admin/webhooks/{hook}/replay"),
            ),
            (
                reqwest::Method::GET,
                format!("/api/admin/webhook-deliveries/{delivery}"),
            ),
            (
                reqwest::Method::POST,
                format!("/api/admin/webhook-deliveries/{delivery}/retry"),
            ),
            (
                reqwest::Method::DELETE,
                format!("/api/admin/webhooks/{hook}"),
            ),
        ];
        for (method, path) in &calls {
            let body = body_for(method, path);
            let reply = client.send(method.clone(), path, body.as_ref()).await;
            assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text);
        }
        let listed = ok(client.get("/api/admin/webhooks").await, 200, "list").await;
        let ids: Vec<&str> = listed["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_str().unwrap())
            .collect();
        assert!(!ids.contains(&hook.as_str()), "{listed}");
        assert_eq!(ids.len(), 1);
    }
    // Nothing above touched them: still there, unrotated, nothing more sent.
    let theirs_now = get_webhook(&other, &their_hook).await;
    assert_eq!(theirs_now["previousSecretExpiresAt"], Value::Null);
    assert_eq!(
        get_webhook(&api, &my_hook).await["previousSecretExpiresAt"],
        Value::Null
    );
    assert_eq!(their_receiver.received().len(), 1);
    assert_eq!(my_receiver.received().len(), 1);
}
