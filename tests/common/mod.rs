//! The test harness: the real server, in-process, on a free loopback port with a temp data
//! dir, and a small client that speaks to it as anonymous, an API key or the admin.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod binary;
pub mod process;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde_json::Value;
use synaptiq::clock::{Clock, ManualClock, SystemClock};
use synaptiq::config::{Config, Secret};
use synaptiq::domain::auth;
use synaptiq::domain::model::{TenantId, Tier};
use synaptiq::server::RunningServer;
use tempfile::TempDir;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestServer {
    pub url: String,
    pub server: Option<RunningServer>,
    dir: DataDir,
    http: reqwest::Client,
}

/// A temp dir owned by the server, or a path someone else owns (restarts, CLI tests).
enum DataDir {
    Owned(TempDir),
    Borrowed(PathBuf),
}

/// A response: status, headers and the body as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error` message, failing the test if there is none.
    pub fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error in {}: {}", self.status, self.text))
    }
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the default test configuration, adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(DataDir::Owned(dir), adjust).await
    }

    /// Starts on an existing data dir (which the caller keeps).
    pub async fn start_at(path: &Path) -> Self {
        Self::start_in(DataDir::Borrowed(path.to_path_buf()), |_| {}).await
    }

    /// Like `start_with`, reading time from `clock` (a `ManualClock` lets a test move it).
    pub async fn start_with_clock(clock: Arc<dyn Clock>, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in_clocked(DataDir::Owned(dir), clock, adjust).await
    }

    /// Starts with a clock that reads `now` until the test moves it (`clock.advance(..)`).
    pub async fn start_at_time(now: jiff::Timestamp) -> (Self, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(now));
        let server = Self::start_with_clock(clock.clone(), |_| {}).await;
        (server, clock)
    }

    async fn start_in(dir: DataDir, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_in_clocked(dir, Arc::new(SystemClock), adjust).await
    }

    async fn start_in_clocked(
        dir: DataDir,
        clock: Arc<dyn Clock>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::for_data_dir(dir.path());
        config.bind = "127.0.0.1:0".parse().unwrap();
        config.admin_token = Some(Secret::new(ADMIN_TOKEN));
        // Uploads are read by the real executable's `extract` command, as `serve` does.
        config.extractor = Some(binary::BIN.into());
        adjust(&mut config);
        let server = synaptiq::server::start(config, clock).await.unwrap();
        let url = format!("http://{}", server.addr);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            url,
            server: Some(server),
            dir,
            http,
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn app(&self) -> &synaptiq::app::App {
        &self.server.as_ref().unwrap().app
    }

    /// Stops gracefully and starts again on the same data dir.
    pub async fn restart(mut self) -> Self {
        self.server.take().unwrap().stop().await.unwrap();
        let dir = std::mem::replace(&mut self.dir, DataDir::Borrowed(PathBuf::new()));
        Self::start_in(dir, |_| {}).await
    }

    /// Stops gracefully and starts again on the same data dir with the default test
    /// configuration adjusted by `adjust` (e.g. a stricter webhook policy).
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Config)) -> Self {
        self.server.take().unwrap().stop().await.unwrap();
        let dir = std::mem::replace(&mut self.dir, DataDir::Borrowed(PathBuf::new()));
        Self::start_in(dir, adjust).await
    }

    /// Stops gracefully; the data dir stays while the returned guard lives.
    pub async fn stop(mut self) -> Option<TempDir> {
        self.server.take().unwrap().stop().await.unwrap();
        match std::mem::replace(&mut self.dir, DataDir::Borrowed(PathBuf::new())) {
            DataDir::Owned(dir) => Some(dir),
            DataDir::Borrowed(_) => None,
        }
    }

    /// A new API key for `tenant` (created directly, as the CLI does).
    pub async fn key_for(&self, tenant: &str, tier: Tier) -> String {
        let app = self.app();
        let tenant = TenantId::parse("tenant", tenant).unwrap();
        let (_, secret) = auth::create_key(&app.store, app.clock.as_ref(), tenant, "test", tier)
            .await
            .unwrap();
        secret
    }

    /// A key for the `default` tenant, enterprise tier (so tests do not hit the limit).
    pub async fn key(&self) -> String {
        self.key_for("default", Tier::Enterprise).await
    }

    /// Creates a tenant directly.
    pub async fn tenant(&self, id: &str) {
        let app = self.app();
        synaptiq::domain::tenants::create(app, id, None)
            .await
            .unwrap();
    }

    pub fn anon(&self) -> Client<'_> {
        Client {
            server: self,
            headers: Vec::new(),
        }
    }

    pub fn as_key(&self, key: &str) -> Client<'_> {
        Client {
            server: self,
            headers: vec![("authorization".into(), format!("Bearer {key}"))],
        }
    }

    /// Logs in with the admin token; requests carry the cookie and a same-origin Origin.
    pub async fn as_admin(&self) -> Client<'_> {
        let reply = self
            .anon()
            .post(
                "/api/admin/auth",
                &serde_json::json!({"token": ADMIN_TOKEN}),
            )
            .await;
        assert_eq!(reply.status, 200, "login: {}", reply.text);
        let cookie = reply
            .header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Client {
            server: self,
            headers: vec![
                ("cookie".into(), cookie),
                ("origin".into(), self.url.clone()),
            ],
        }
    }
}

impl DataDir {
    fn path(&self) -> &Path {
        match self {
            Self::Owned(dir) => dir.path(),
            Self::Borrowed(path) => path,
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.app.close();
        }
    }
}

pub struct Client<'a> {
    server: &'a TestServer,
    headers: Vec<(String, String)>,
}

impl Client<'_> {
    /// Adds (or replaces) a header on every request this client sends.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .server
            .http
            .request(method, format!("{}{path}", self.server.url));
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        reply(request.send().await.unwrap()).await
    }

    /// Sends a raw body with the given content type.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self
            .server
            .http
            .request(method, format!("{}{path}", self.server.url));
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request.header("content-type", content_type).body(body);
        reply(request.send().await.unwrap()).await
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// Creates a lead through the API and returns its JSON (waits until it is searchable).
pub async fn create_lead(
    client: &Client<'_>,
    name: &str,
    email: &str,
    company: Option<&str>,
) -> Value {
    let mut body = serde_json::json!({"name": name, "email": email});
    if let Some(company) = company {
        body["company"] = company.into();
    }
    let reply = client.post("/api/leads?refresh=wait_for", &body).await;
    assert_eq!(reply.status, 201, "create lead: {}", reply.text);
    reply.body["lead"].clone()
}

/// The path of an external program the test needs, or None after saying loudly that the
/// test did not run. In CI (`CI=true`) a missing program fails the test instead: there,
/// skipping would hide it (`.ci/run` installs every program the tests use).
pub fn tool(name: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "`{name}` is required in CI ({install})"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "!!!!! A TEST DID NOT RUN: `{name}` not found ({install}) !!!!!"
        );
    }
    found
}

/// Opens every day, all day, so the agent has slots to offer whenever the test runs.
pub async fn open_calendar(api: &Client<'_>) {
    let reply = api
        .patch(
            "/api/admin/settings",
            &serde_json::json!({"availability": {
                "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "startTime": "00:00",
                "endTime": "23:30",
                "minimumNoticeMinutes": 0
            }}),
        )
        .await;
    assert_eq!(reply.status, 200, "open the calendar: {}", reply.text);
}

/// A visitor of `tenant` chats through qualification to a booked meeting (the tenant's
/// calendar must be open); returns (conversation id, lead id, meeting id).
pub async fn book_meeting(
    server: &TestServer,
    tenant: &str,
    visitor: &str,
    email: &str,
) -> (String, String, String) {
    let mut conversation: Option<String> = None;
    let mut last = Value::Null;
    for message in [
        "Hi, I'm Jane Smith from Acme Corp",
        email,
        "We need to qualify inbound leads faster",
        "about 120 people",
        "I'm the Head of Marketing",
        "around $5,000",
        "next quarter",
        "2",
    ] {
        let mut body =
            serde_json::json!({"tenantId": tenant, "visitorId": visitor, "message": message});
        if let Some(id) = &conversation {
            body["conversationId"] = id.as_str().into();
        }
        let reply = server.anon().post("/api/chat", &body).await;
        assert_eq!(reply.status, 200, "{message}: {}", reply.text);
        conversation = Some(reply.body["conversationId"].as_str().unwrap().to_owned());
        last = reply.body;
    }
    assert_eq!(last["lead"]["status"], "booked", "{last}");
    let meeting = last["events"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["type"] == "meeting.booked"))
        .map(|e| e["detail"]["meeting"]["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no meeting.booked event: {last}"));
    let lead = last["lead"]["id"].as_str().unwrap().to_owned();
    (conversation.unwrap(), lead, meeting)
}
