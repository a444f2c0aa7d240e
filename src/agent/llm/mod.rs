//! The model-backed agent: a chat turn answered by an OpenAI-compatible or Anthropic model
//! that acts through tools. This module runs the tool loop within its budgets and forwards
//! the reply's text as it streams; `openai` and `anthropic` only know their wire formats,
//! `prompt` builds what the model is told, `tools` what it may call.

pub mod anthropic;
pub mod openai;
pub mod prompt;
pub mod tools;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use backon::{ConstantBuilder, Retryable};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use url::Url;

use crate::outbound::dns::Resolver;

use crate::config::{LlmConfig, LlmProvider, Secret};
use crate::error::Error;
use crate::model::LlmOutcome;

/// Model requests per turn: each tool-calling step is one.
const MAX_STEPS: u32 = 8;
/// Output tokens per turn, all steps together: replies in a chat are a few sentences.
const MAX_OUTPUT_TOKENS: u64 = 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The pause before the one retry of a request that failed before anything streamed.
const RETRY_DELAY: Duration = Duration::from_millis(500);
/// How long a real call's outcome speaks for the provider's health, before the probe does.
const OUTCOME_FRESH_FOR: Duration = Duration::from_secs(60);

/// Where the reply's text goes as it streams (the visitor's open response).
pub type Deltas = UnboundedSender<String>;

/// One of the two wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
        }
    }
}

/// A configured model provider: where to send requests, and what the last ones did.
pub struct LlmAgent {
    pub provider: Provider,
    pub model: String,
    /// The API root (probed by `/api/health`).
    pub base_url: Url,
    endpoint: Url,
    api_key: Option<Secret>,
    http: reqwest::Client,
    timeout: Duration,
    /// The last real call: when, and whether it worked.
    last_outcome: Mutex<Option<(Instant, bool)>>,
}

/// A turn's conversation, provider-neutral.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    User(String),
    Assistant { text: String, calls: Vec<ToolCall> },
    ToolResults(Vec<ToolResult>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them (JSON text, possibly invalid).
    pub arguments: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub id: String,
    /// JSON text.
    pub content: String,
    pub is_error: bool,
}

/// Carries out the model's tool calls; bound to one conversation by whoever implements it.
pub trait Toolbox {
    /// Runs one call; a bad argument is an `Err` with a message for the model.
    fn call(
        &mut self,
        name: &str,
        arguments: &str,
    ) -> impl Future<Output = Result<Value, String>> + Send;
}

/// What a turn produced and cost.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutput {
    /// The reply as far as it arrived (steps joined by a blank line).
    pub text: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub requests: u32,
    pub outcome: LlmOutcome,
    /// Why the reply is incomplete or missing.
    pub failure: Option<String>,
}

/// One model response as it is read from the stream.
#[derive(Debug, Default)]
pub struct Step {
    pub text: String,
    pub calls: Vec<ToolCall>,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// The provider said the response is over (a stop reason); otherwise it was cut.
    pub finished: bool,
}

/// A request that failed; `retryable` when sending it again may work and cannot do harm.
#[derive(Debug)]
struct Failure {
    reason: String,
    retryable: bool,
}

impl Failure {
    fn new(reason: impl Into<String>, retryable: bool) -> Self {
        Self {
            reason: reason.into(),
            retryable,
        }
    }
}

impl LlmAgent {
    /// The agent for a configured provider; `Err` names the setting that is missing.
    pub fn new(config: &LlmConfig, resolver: &Resolver) -> Result<Self, String> {
        let (provider, env_key, default_url, default_model) = match config.provider {
            LlmProvider::Builtin => return Err("the built-in agent needs no model".to_owned()),
            LlmProvider::OpenAi => (
                Provider::OpenAi,
                "OPENAI_API_KEY",
                "https://api.openai.com/v1",
                "gpt-4.1-mini",
            ),
            LlmProvider::Anthropic => (
                Provider::Anthropic,
                "ANTHROPIC_API_KEY",
                "https://api.anthropic.com",
                "claude-haiku-4-5",
            ),
        };
        // Local OpenAI-compatible servers (Ollama, llama.cpp, vLLM) need no key, only their URL.
        let keyless_ok = provider == Provider::OpenAi && config.base_url.is_some();
        if config.api_key.is_none() && !keyless_ok {
            let local = if provider == Provider::OpenAi {
                " (or SYNAPTIQ_LLM_BASE_URL for a local server such as Ollama)"
            } else {
                ""
            };
            return Err(format!(
                "the language model is not configured: SYNAPTIQ_LLM_PROVIDER is {} but no API key is set; set SYNAPTIQ_LLM_API_KEY or {env_key}{local}",
                provider.as_str()
            ));
        }
        let base_url = match &config.base_url {
            Some(url) => url.clone(),
            None => Url::parse(default_url).map_err(|e| e.to_string())?,
        };
        let endpoint = endpoint(provider, &base_url)?;
        // The base URL is the operator's own setting, so it is trusted (no webhook URL guard);
        // every request is still bounded by the connect timeout and the turn's deadline.
        let http = crate::outbound::client("LLM provider", |builder| {
            builder
                .connect_timeout(CONNECT_TIMEOUT)
                .dns_resolver(resolver.clone())
        })
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            provider,
            model: config
                .model
                .clone()
                .unwrap_or_else(|| default_model.to_owned()),
            base_url,
            endpoint,
            api_key: config.api_key.clone(),
            http,
            timeout: config.timeout,
            last_outcome: Mutex::new(None),
        })
    }

    /// Whether the last real call worked, if it is recent enough to say.
    pub fn recent_outcome(&self) -> Option<bool> {
        let last = *self
            .last_outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        last.filter(|(at, _)| at.elapsed() < OUTCOME_FRESH_FOR)
            .map(|(_, ok)| ok)
    }

    fn note_outcome(&self, ok: bool) {
        *self
            .last_outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), ok));
    }

    /// Runs the tool loop: ask the model, carry out its tool calls, ask again with the
    /// results, until it answers in text or a budget (steps, tokens, time) is spent.
    pub async fn run<T: Toolbox + Send>(
        &self,
        system: &str,
        mut items: Vec<Item>,
        toolbox: &mut T,
        deltas: Option<&Deltas>,
    ) -> TurnOutput {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut out = TurnOutput {
            text: String::new(),
            tokens_in: 0,
            tokens_out: 0,
            requests: 0,
            outcome: LlmOutcome::Complete,
            failure: None,
        };
        loop {
            let remaining = MAX_OUTPUT_TOKENS.saturating_sub(out.tokens_out);
            // The last step may not call tools: the model has to answer with what it has.
            let allow_tools = out.requests + 1 < MAX_STEPS;
            let request = Request {
                model: &self.model,
                system,
                items: &items,
                max_tokens: remaining.max(1),
                allow_tools,
            };
            out.requests += 1;
            let mut step = Step::default();
            // A step that speaks after an earlier one's text starts on a new paragraph.
            let mut separate = !out.text.is_empty();
            let mut on_text = |piece: &str| {
                if std::mem::take(&mut separate) {
                    out.text.push_str("\n\n");
                    send(deltas, "\n\n");
                }
                out.text.push_str(piece);
                send(deltas, piece);
            };
            let result = self.step(&request, deadline, &mut step, &mut on_text).await;
            out.tokens_in += step.tokens_in;
            out.tokens_out += step.tokens_out;
            if let Err(failure) = result {
                self.note_outcome(false);
                out.outcome = if out.text.is_empty() {
                    LlmOutcome::Failed
                } else {
                    LlmOutcome::Incomplete
                };
                out.failure = Some(failure.reason);
                return out;
            }
            self.note_outcome(true);
            if step.calls.is_empty() || !allow_tools || out.tokens_out >= MAX_OUTPUT_TOKENS {
                break;
            }
            let mut results = Vec::with_capacity(step.calls.len());
            for call in &step.calls {
                let (content, is_error) = match toolbox.call(&call.name, &call.arguments).await {
                    Ok(value) => (value.to_string(), false),
                    Err(message) => (serde_json::json!({ "error": message }).to_string(), true),
                };
                results.push(ToolResult {
                    id: call.id.clone(),
                    content,
                    is_error,
                });
            }
            items.push(Item::Assistant {
                text: step.text,
                calls: step.calls,
            });
            items.push(Item::ToolResults(results));
        }
        if out.text.trim().is_empty() {
            out.outcome = LlmOutcome::Failed;
            out.failure = Some("the model gave no answer".to_owned());
        }
        out
    }

    /// One model request: sent (retried once if it failed before anything streamed), then
    /// read to its end, text forwarded as it arrives.
    async fn step(
        &self,
        request: &Request<'_>,
        deadline: tokio::time::Instant,
        step: &mut Step,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), Failure> {
        let body = match self.provider {
            Provider::OpenAi => openai::body(request),
            Provider::Anthropic => anthropic::body(request),
        };
        let body = serde_json::to_vec(&body).map_err(|e| Failure::new(e.to_string(), false))?;
        let send = || self.send(body.clone(), deadline);
        let response = send
            .retry(
                ConstantBuilder::default()
                    .with_delay(RETRY_DELAY)
                    .with_max_times(1),
            )
            .when(|failure: &Failure| failure.retryable)
            .notify(|failure: &Failure, _| {
                tracing::warn!(reason = %failure.reason, "model request failed; retrying once");
            })
            .await?;
        let mut events = sse_stream::SseStream::new(reqwest::Body::from(response));
        let mut decoder = Decoder::new(self.provider);
        loop {
            let next = tokio::time::timeout_at(deadline, events.next()).await;
            let event = match next {
                Err(_) => return Err(Failure::new("the model took too long to answer", false)),
                Ok(None) => break,
                Ok(Some(Err(err))) => {
                    return Err(Failure::new(
                        format!("the model's stream broke off: {err}"),
                        false,
                    ));
                }
                Ok(Some(Ok(event))) => event,
            };
            let Some(data) = event.data.as_deref() else {
                continue;
            };
            let done = decoder
                .feed(data, step, on_text)
                .map_err(|reason| Failure::new(reason, false))?;
            if done {
                break;
            }
        }
        if step.finished {
            Ok(())
        } else {
            Err(Failure::new("the model's answer was cut off", false))
        }
    }

    /// Sends the request and checks the status; the body is left to stream.
    async fn send(
        &self,
        body: Vec<u8>,
        deadline: tokio::time::Instant,
    ) -> Result<reqwest::Response, Failure> {
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .header("content-type", "application/json")
            .header("accept", "text/event-stream")
            .body(body);
        if let Some(key) = &self.api_key {
            request = match self.provider {
                Provider::OpenAi => request.bearer_auth(key.expose()),
                Provider::Anthropic => request.header("x-api-key", key.expose()),
            };
        }
        if self.provider == Provider::Anthropic {
            request = request.header("anthropic-version", anthropic::API_VERSION);
        }
        let response = match tokio::time::timeout_at(deadline, request.send()).await {
            Err(_) => return Err(Failure::new("the model took too long to answer", false)),
            Ok(Err(err)) => {
                let retryable = err.is_connect() || err.is_timeout();
                return Err(Failure::new(
                    format!("cannot reach the model provider: {}", root_cause(&err)),
                    retryable,
                ));
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        // 429 and 5xx are the provider's passing trouble; other statuses (a wrong key, an
        // unknown model) will not change on a retry.
        let retryable = status.as_u16() == 429 || status.is_server_error();
        Err(Failure::new(
            format!("the model provider answered {status}"),
            retryable,
        ))
    }
}

/// What one model request asks, provider-neutral.
pub struct Request<'a> {
    pub model: &'a str,
    pub system: &'a str,
    pub items: &'a [Item],
    pub max_tokens: u64,
    pub allow_tools: bool,
}

/// The stream decoder of either provider.
enum Decoder {
    OpenAi(openai::Decoder),
    Anthropic(anthropic::Decoder),
}

impl Decoder {
    fn new(provider: Provider) -> Self {
        match provider {
            Provider::OpenAi => Self::OpenAi(openai::Decoder),
            Provider::Anthropic => Self::Anthropic(anthropic::Decoder::default()),
        }
    }

    /// Takes one event; true once the response is over.
    fn feed(
        &mut self,
        data: &str,
        step: &mut Step,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<bool, String> {
        match self {
            Self::OpenAi(d) => d.feed(data, step, on_text),
            Self::Anthropic(d) => d.feed(data, step, on_text),
        }
    }
}

/// The URL requests go to: `{base}/chat/completions` or `{base}/v1/messages`.
fn endpoint(provider: Provider, base: &Url) -> Result<Url, String> {
    let root = base.as_str().trim_end_matches('/');
    let url = match provider {
        Provider::OpenAi => format!("{root}/chat/completions"),
        Provider::Anthropic if root.ends_with("/v1") => format!("{root}/messages"),
        Provider::Anthropic => format!("{root}/v1/messages"),
    };
    Url::parse(&url).map_err(|e| format!("SYNAPTIQ_LLM_BASE_URL: {e}"))
}

fn send(deltas: Option<&Deltas>, piece: &str) {
    if let Some(deltas) = deltas
        && !piece.is_empty()
    {
        // The receiver is gone when the visitor closed the page; the turn still completes.
        let _ = deltas.send(piece.to_owned());
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A provider failure as the chat API reports it.
pub fn unavailable(provider: Provider, reason: &str) -> Error {
    Error::Unavailable(format!(
        "the language model ({}) is unavailable: {reason}; the message is stored",
        provider.as_str()
    ))
}
