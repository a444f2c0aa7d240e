//! The few API calls the bench makes, as the holder of one enterprise key.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::Value;

use crate::data::Lead;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A 25 MiB upload is extracted, chunked and indexed before its answer.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(5);
/// The tenant every install has, which the bench's main key belongs to.
pub const DEFAULT_TENANT: &str = "default";

/// A created knowledge-base document.
pub struct Uploaded {
    pub id: String,
    pub chunks: u64,
}

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    auth: String,
}

/// A plain loopback client: no proxy from the environment, enough idle connections for every
/// concurrent bench client to keep its own.
pub fn http() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(256)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("building the HTTP client")
}

impl Api {
    pub fn new(http: reqwest::Client, base: &str, key: &str) -> Self {
        Self {
            http,
            base: base.to_owned(),
            auth: format!("Bearer {key}"),
        }
    }

    /// The same key at another address (the server restarted on another port).
    pub fn at(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            base: base.to_owned(),
            auth: self.auth.clone(),
        }
    }

    /// Creates a lead and returns its id.
    pub async fn create(&self, lead: &Lead) -> Result<String> {
        self.post_lead("/api/leads", lead).await
    }

    /// Creates a lead and returns once it is searchable (and so is every earlier change,
    /// since the index follows changes in order).
    pub async fn create_searchable(&self, lead: &Lead) -> Result<String> {
        self.post_lead("/api/leads?refresh=wait_for", lead).await
    }

    async fn post_lead(&self, path: &str, lead: &Lead) -> Result<String> {
        let reply = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Authorization", &self.auth)
            .json(&lead.json())
            .send()
            .await?;
        let status = reply.status();
        let body: Value = reply.json().await?;
        if status != StatusCode::CREATED {
            bail!("POST {path} answered {status}: {body}");
        }
        let id = body["lead"]["id"]
            .as_str()
            .context("created lead has no id")?;
        Ok(id.to_owned())
    }

    /// GETs `path` and checks for 200, reading but not parsing the body (the load generator
    /// shares the CPU with the server, so it does no more work than it must).
    pub async fn get(&self, path: &str) -> Result<()> {
        let reply = self.send_get(path).await?;
        let status = reply.status();
        let body = reply.bytes().await?;
        if status != StatusCode::OK {
            bail!(
                "GET {path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        Ok(())
    }

    /// Whether a search for `q` lists the lead `id`.
    pub async fn search_finds(&self, q: &str, id: &str) -> Result<bool> {
        let path = search_path(q);
        let reply = self.send_get(&path).await?;
        let status = reply.status();
        let body: Value = reply.json().await?;
        if status != StatusCode::OK {
            bail!("GET {path} answered {status}: {body}");
        }
        let leads = body["leads"]
            .as_array()
            .context("search reply has no leads")?;
        Ok(leads.iter().any(|lead| lead["id"] == id))
    }

    /// Polls a search every 5 ms until it lists `id`; `None` if it never did within `limit`.
    pub async fn time_until_found(
        &self,
        q: &str,
        id: &str,
        limit: Duration,
    ) -> Result<Option<Duration>> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.search_finds(q, id).await? {
                return Ok(Some(started.elapsed()));
            }
            tokio::time::sleep(POLL).await;
        }
        Ok(None)
    }

    /// Uploads a file as `multipart/form-data`, as the admin UI does; answers once the
    /// document is extracted, chunked and indexed (201).
    pub async fn upload_file(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Result<Uploaded> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let request = self.http.post(self.kb_url()).multipart(form);
        self.upload(request).await
    }

    /// Uploads text through the JSON API.
    pub async fn upload_json(
        &self,
        title: &str,
        content: &str,
        doc_type: &str,
    ) -> Result<Uploaded> {
        let body = serde_json::json!({ "title": title, "content": content, "type": doc_type });
        let request = self.http.post(self.kb_url()).json(&body);
        self.upload(request).await
    }

    fn kb_url(&self) -> String {
        format!("{}/api/admin/knowledge-base", self.base)
    }

    async fn upload(&self, request: reqwest::RequestBuilder) -> Result<Uploaded> {
        let reply = request
            .header("Authorization", &self.auth)
            .timeout(UPLOAD_TIMEOUT)
            .send()
            .await?;
        let status = reply.status();
        let body: Value = reply.json().await?;
        if status != StatusCode::CREATED {
            bail!("POST /api/admin/knowledge-base answered {status}: {body}");
        }
        let document = &body["document"];
        Ok(Uploaded {
            id: document["id"]
                .as_str()
                .context("uploaded document has no id")?
                .to_owned(),
            chunks: document["chunkCount"]
                .as_u64()
                .context("uploaded document has no chunkCount")?,
        })
    }

    /// The document ids of a knowledge-base search's results, best first.
    pub async fn kb_search(&self, q: &str) -> Result<Vec<String>> {
        let path = kb_search_path(q);
        let reply = self.send_get(&path).await?;
        let status = reply.status();
        let body: Value = reply.json().await?;
        if status != StatusCode::OK {
            bail!("GET {path} answered {status}: {body}");
        }
        let results = body["results"]
            .as_array()
            .context("search reply has no results")?;
        Ok(results
            .iter()
            .filter_map(|r| r["documentId"].as_str().map(str::to_owned))
            .collect())
    }

    /// A visitor's chat message to the default tenant's widget endpoint (public: no key).
    pub async fn chat(&self, visitor: &str, message: &str) -> Result<()> {
        let (status, _) = self
            .send_chat(DEFAULT_TENANT, visitor, message, None)
            .await?;
        if status != StatusCode::OK {
            bail!("POST /api/chat answered {status}");
        }
        Ok(())
    }

    /// One turn of a conversation in `tenant` (a new one without `conversation`); answers
    /// the conversation's id.
    pub async fn chat_turn(
        &self,
        tenant: &str,
        visitor: &str,
        message: &str,
        conversation: Option<&str>,
    ) -> Result<String> {
        let (status, text) = self
            .send_chat(tenant, visitor, message, conversation)
            .await?;
        if status != StatusCode::OK {
            bail!("POST /api/chat answered {status}: {text}");
        }
        crate::conversations::conversation_id(&text).context("chat answer has no conversationId")
    }

    /// Whether the server has a chat endpoint: one turn answers 200, or 404 without one.
    pub async fn chat_available(&self) -> Result<bool> {
        let (status, _) = self
            .send_chat(DEFAULT_TENANT, "bench-probe", "Hello", None)
            .await?;
        match status {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => Ok(false),
            status => bail!("POST /api/chat answered {status}"),
        }
    }

    async fn send_chat(
        &self,
        tenant: &str,
        visitor: &str,
        message: &str,
        conversation: Option<&str>,
    ) -> Result<(StatusCode, String)> {
        let mut body = serde_json::json!({
            "tenantId": tenant,
            "visitorId": visitor,
            "message": message,
        });
        if let Some(id) = conversation {
            body["conversationId"] = Value::from(id);
        }
        let reply = self
            .http
            .post(format!("{}/api/chat", self.base))
            .json(&body)
            .send()
            .await?;
        let status = reply.status();
        // Read the answer whole, as the widget does, without parsing it.
        Ok((status, reply.text().await?))
    }

    /// Sends `method path` with a JSON body; answers the JSON reply of a 2xx, else an error.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("Authorization", &self.auth);
        if let Some(body) = body {
            request = request.json(body);
        }
        let reply = request.send().await?;
        let status = reply.status();
        let text = reply.text().await?;
        if !status.is_success() {
            bail!("{method} {path} answered {status}: {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn send_get(&self, path: &str) -> Result<reqwest::Response> {
        let url = format!("{}{path}", self.base);
        Ok(self
            .http
            .get(url)
            .header("Authorization", &self.auth)
            .send()
            .await?)
    }
}

/// The list path searching for `q`, percent-encoded (searches hold spaces).
pub fn search_path(q: &str) -> String {
    format!("/api/leads?q={}", encode(q))
}

/// The knowledge-base search path for `q`.
pub fn kb_search_path(q: &str) -> String {
    format!("/api/admin/knowledge-base/search?q={}", encode(q))
}

fn encode(q: &str) -> String {
    let mut out = String::new();
    for byte in q.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
