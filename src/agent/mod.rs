//! The sales agent. For now: which model provider is configured and whether it answers.

pub mod builtin;

use std::time::Duration;

use url::Url;

use crate::config::{LlmConfig, LlmProvider};

/// How long a health probe may wait for the provider's server.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmStatus {
    /// The built-in agent: nothing to reach.
    Builtin,
    Ok,
    /// A provider is selected but the key (or, for local servers, the base URL) is missing.
    NotConfigured,
    Unreachable,
}

impl LlmStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Builtin => "builtin",
            Self::Ok => "ok",
            Self::NotConfigured => "not_configured",
            Self::Unreachable => "unreachable",
        }
    }
}

/// The provider's API root: the configured base URL or the provider's public one.
pub fn base_url(config: &LlmConfig) -> Option<Url> {
    let default = match config.provider {
        LlmProvider::Builtin => return None,
        LlmProvider::OpenAi => "https://api.openai.com/v1",
        LlmProvider::Anthropic => "https://api.anthropic.com",
    };
    config.base_url.clone().or_else(|| Url::parse(default).ok())
}

/// Configuration first, then whether the provider's server accepts a connection.
pub async fn status(config: &LlmConfig) -> LlmStatus {
    let configured = match config.provider {
        LlmProvider::Builtin => return LlmStatus::Builtin,
        // Local OpenAI-compatible servers (Ollama, llama.cpp) need no key, only a base URL.
        LlmProvider::OpenAi => config.api_key.is_some() || config.base_url.is_some(),
        LlmProvider::Anthropic => config.api_key.is_some(),
    };
    if !configured {
        return LlmStatus::NotConfigured;
    }
    match base_url(config) {
        Some(url) if reachable(&url).await => LlmStatus::Ok,
        _ => LlmStatus::Unreachable,
    }
}

async fn reachable(url: &Url) -> bool {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let connect = tokio::net::TcpStream::connect((host, port));
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, connect).await,
        Ok(Ok(_))
    )
}

/// The agent's memory of one conversation, stored with it as JSON.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgentState {
    pub contact: ContactState,
    pub facts: crate::domain::qualification::Facts,
    /// What the agent asked last, so a short reply ("200", "cto", "2") is read as its answer.
    pub asking: Option<Asking>,
    /// Questions asked whose answer was not understood; not asked again.
    pub skipped: Vec<crate::domain::settings::Field>,
    /// The slots offered last, in the order they were listed (unix milliseconds).
    pub offered: Vec<(i64, i64)>,
    pub outcome: Option<Outcome>,
}

/// Contact details gathered so far (the lead is created once an email is known).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContactState {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Asking {
    Contact,
    Field(crate::domain::settings::Field),
    Meeting,
}

/// Where a conversation ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Booked,
    Declined,
    Nurturing,
    Disqualified,
}
