//! The sales agent: the built-in one, or a language model acting through tools, chosen
//! from the configuration at start-up.

pub mod builtin;
pub mod llm;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::Url;

use crate::outbound::dns::Resolver;

use crate::config::{LlmConfig, LlmProvider};

/// How long a health probe may wait for the provider's server.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a probe's answer is reused, so a monitor polling `/api/health` costs the provider
/// one connection per interval, and a down provider does not make every health check slow.
const PROBE_FRESH_FOR: Duration = Duration::from_secs(10);

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

/// Who answers the visitor.
pub enum Agent {
    Builtin,
    /// A provider is selected but cannot be used; the message names the missing setting.
    NotConfigured(String),
    Llm(Box<Model>),
}

/// A model provider and what is known of its health.
pub struct Model {
    pub agent: llm::LlmAgent,
    resolver: Resolver,
    /// The last probe: when, and whether the server accepted a connection.
    probed: Mutex<Option<(Instant, bool)>>,
}

impl Agent {
    pub fn from_config(config: &LlmConfig, resolver: &Resolver) -> Self {
        if config.provider == LlmProvider::Builtin {
            return Self::Builtin;
        }
        match llm::LlmAgent::new(config, resolver) {
            Ok(agent) => Self::Llm(Box::new(Model {
                agent,
                resolver: resolver.clone(),
                probed: Mutex::new(None),
            })),
            Err(missing) => Self::NotConfigured(missing),
        }
    }

    /// What `/api/health` reports. A model's health is the outcome of the last real turn
    /// while it is recent; otherwise whether its server accepts a connection (probed at most
    /// every few seconds).
    pub async fn status(&self) -> LlmStatus {
        let model = match self {
            Self::Builtin => return LlmStatus::Builtin,
            Self::NotConfigured(_) => return LlmStatus::NotConfigured,
            Self::Llm(model) => model,
        };
        let ok = match model.agent.recent_outcome() {
            Some(ok) => ok,
            None => model.probe().await,
        };
        if ok {
            LlmStatus::Ok
        } else {
            LlmStatus::Unreachable
        }
    }
}

impl Model {
    async fn probe(&self) -> bool {
        let cached = *self
            .probed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, ok)) = cached.filter(|(at, _)| at.elapsed() < PROBE_FRESH_FOR) {
            return ok;
        }
        let ok = reachable(&self.agent.base_url, &self.resolver).await;
        *self
            .probed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), ok));
        ok
    }
}

/// Whether the provider's server accepts a connection (names resolved as requests resolve
/// them, never through `getaddrinfo`).
async fn reachable(url: &Url, resolver: &Resolver) -> bool {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let connect = async {
        let addresses = resolver.lookup(host).await.ok()?;
        let address = addresses.first()?;
        tokio::net::TcpStream::connect((*address, port)).await.ok()
    };
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, connect).await,
        Ok(Some(_))
    )
}

/// The agent's memory of one conversation, stored with it as JSON.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgentState {
    pub contact: ContactState,
    pub facts: crate::model::qualification::Facts,
    /// What the agent asked last, so a short reply ("200", "cto", "2") is read as its answer.
    pub asking: Option<Asking>,
    /// Questions asked whose answer was not understood; not asked again.
    pub skipped: Vec<crate::model::settings::Field>,
    /// Questions answered with something else; asked once more after the others.
    pub deferred: Vec<crate::model::settings::Field>,
    /// The slots offered last, in the order they were listed (unix milliseconds).
    pub offered: Vec<(i64, i64)>,
    pub outcome: Option<Outcome>,
    /// Visitor messages answered so far; varies the wording.
    pub turns: u32,
    /// A time zone the visitor named in the chat (IANA); it wins over the browser's.
    pub zone: Option<String>,
    /// The visitor is not a buyer and was pointed elsewhere: no sales questions.
    pub route: Option<Route>,
    /// Qualification ended with the lead qualified: times may be proposed and booked.
    pub qualified: bool,
    /// The meeting this conversation booked, so it can be moved or cancelled.
    pub meeting: Option<MeetingRef>,
    /// A time the visitor proposed before qualifying, tried first when times are offered.
    pub proposal: Option<String>,
    /// The visitor declined to give an email, at this turn; asked once more at most.
    pub email_refused_at: Option<u32>,
    pub email_reasked: bool,
    /// The company read from a business email domain, waiting for the visitor's yes.
    pub company_guess: Option<String>,
    /// The visitor was asked whether the guess is right (once only).
    pub company_asked: bool,
    /// The visitor asked for a person and the team was told.
    pub handed_off: bool,
    /// A team size the visitor gave ("a team of 40 reps"), kept apart from the company's.
    pub team_size: Option<u32>,
}

/// Where a visitor who is not a buyer was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    Careers,
    Support,
    Other,
}

/// A booked meeting as the conversation remembers it (unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingRef {
    pub id: String,
    pub starts_at: i64,
    pub ends_at: i64,
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
    /// Whether the company read from the email domain is right.
    Company,
    Field(crate::model::settings::Field),
    Meeting,
    /// New times for the booked meeting were offered.
    Reschedule,
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
