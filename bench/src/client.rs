//! The few API calls the bench makes, as the holder of one enterprise key.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::Value;

use crate::data::Lead;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(5);

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
    let mut path = String::from("/api/leads?q=");
    for byte in q.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    path
}
