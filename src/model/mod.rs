//! The product's plain data types, shared by every layer. It imports nothing of the crate
//! but the error type and the time format.

pub mod context;
pub mod qualification;
pub mod settings;
pub mod vocabulary;

use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use crate::error::{Error, Result};

/// A tenant id: `[a-z0-9-]{1,64}`. Every row belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self> {
        let valid = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Error::invalid(
                field,
                "must be 1-64 characters of a-z, 0-9 and -",
            ))
        }
    }

    /// An id read back from the database, where only validated ids are ever written.
    pub(crate) fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn default_tenant() -> Self {
        Self("default".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    #[serde(with = "crate::clock::wire")]
    pub created_at: Timestamp,
    #[serde(with = "crate::clock::wire")]
    pub updated_at: Timestamp,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(field: &'static str, raw: &str) -> Result<Self> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::invalid(field, format!(
                        "unknown value {raw:?} (expected one of: {})",
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}

string_enum!(
    /// Where a lead is in the funnel; exactly these six, which clients and webhooks rely on.
    LeadStatus {
        New = "new",
        Qualifying = "qualifying",
        Qualified = "qualified",
        Booked = "booked",
        Disqualified = "disqualified",
        Nurturing = "nurturing",
    }
);

string_enum!(
    /// What an event says happened: its `event` name in the outbox, webhooks and the widget.
    EventKind {
        LeadCreated = "lead.created",
        LeadUpdated = "lead.updated",
        LeadQualified = "lead.qualified",
        MeetingBooked = "meeting.booked",
        MeetingRescheduled = "meeting.rescheduled",
        MeetingCancelled = "meeting.cancelled",
        LeadDeleted = "lead.deleted",
        ConversationStarted = "conversation.started",
        ConversationCompleted = "conversation.completed",
        ConversationHandoffRequested = "conversation.handoff_requested",
    }
);

string_enum!(
    /// How a lead entered the system.
    LeadSource { Widget = "widget", Api = "api", Import = "import" }
);

string_enum!(
    /// An API key's plan tier; it sets the key's rate limit.
    Tier { Free = "free", Pro = "pro", Enterprise = "enterprise" }
);

/// The agent's assessment: a score and the reasons that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Qualification {
    pub score: u8,
    pub reasons: Vec<String>,
}

/// A lead exactly as the API returns it; webhooks carry this same JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    pub id: String,
    #[serde(skip)]
    pub tenant: TenantId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub status: LeadStatus,
    pub qualification_score: u8,
    pub qualification: Option<Qualification>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub source: LeadSource,
    #[serde(with = "crate::clock::wire")]
    pub created_at: Timestamp,
    #[serde(with = "crate::clock::wire")]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub tenant: TenantId,
    pub name: String,
    pub tier: Tier,
    /// The first characters of the key, shown so people can tell keys apart.
    pub prefix: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// An outbox row: the envelope exactly as it will be delivered.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub tenant: TenantId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
}

/// A page of results and the cursor for the next one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

string_enum!(
    /// What a knowledge-base document is; FAQs are chunked one question per chunk.
    DocType {
        Faq = "faq",
        Article = "article",
        Product = "product",
        Policy = "policy",
        Other = "other",
    }
);

/// A knowledge-base document; `text` is loaded only when a caller asks for one document.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub tenant: TenantId,
    pub title: String,
    pub doc_type: DocType,
    pub format: Format,
    pub size_bytes: u64,
    /// SHA-256 of the uploaded bytes, lowercase hex.
    pub content_hash: String,
    pub chunk_count: u32,
    pub text: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A chunk that matched a search, with its document's title.
#[derive(Debug, Clone)]
pub struct ChunkHit {
    pub document_id: String,
    pub title: String,
    pub position: u32,
    pub heading: String,
    pub text: String,
    pub answer: Option<String>,
    pub score: f32,
    /// The matching passage with `<mark>` around matched terms, HTML-escaped otherwise.
    pub snippet: String,
}

/// A knowledge-base document a reply was drawn from, shown beside the reply (never in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub document_id: String,
    pub title: String,
}

string_enum!(
    /// A conversation is active until the agent reaches an outcome or it goes idle.
    ConversationStatus { Active = "active", Completed = "completed" }
);

string_enum!(
    /// Who wrote a message.
    Role { User = "user", Assistant = "assistant" }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub tenant: TenantId,
    pub visitor_id: String,
    pub lead_id: Option<String>,
    pub status: ConversationStatus,
    pub summary: Option<String>,
    pub message_count: u32,
    /// The agent's memory of the conversation (its own JSON).
    pub state: serde_json::Value,
    pub context: context::VisitorContext,
    pub handoff: Option<context::Handoff>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub role: Role,
    pub content: String,
    #[serde(with = "crate::clock::wire")]
    pub created_at: Timestamp,
    /// The model's stream was cut: this is the reply as far as it arrived.
    pub incomplete: bool,
}

string_enum!(
    /// How a model-answered turn ended: complete; incomplete (the stream was cut, the reply
    /// is stored as far as it arrived); failed (no reply: the provider failed or was out of
    /// reach).
    LlmOutcome {
        Complete = "complete",
        Incomplete = "incomplete",
        Failed = "failed",
    }
);

/// What one model-answered turn cost.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmTurn {
    pub tenant: TenantId,
    pub conversation_id: String,
    /// `openai` or `anthropic`.
    pub provider: &'static str,
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Requests sent to the model: one per step of the tool loop.
    pub requests: u32,
    pub outcome: LlmOutcome,
    pub created_at: Timestamp,
}

/// Model usage summed over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LlmUsage {
    pub turns: u64,
    /// Turns whose reply was cut off or never came.
    pub failed_turns: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

string_enum!(
    /// A meeting holds its slot while booked.
    MeetingStatus { Booked = "booked", Cancelled = "cancelled" }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meeting {
    pub id: String,
    #[serde(skip)]
    pub tenant: TenantId,
    pub lead_id: String,
    pub conversation_id: Option<String>,
    #[serde(with = "crate::clock::wire")]
    pub starts_at: Timestamp,
    #[serde(with = "crate::clock::wire")]
    pub ends_at: Timestamp,
    pub status: MeetingStatus,
    #[serde(with = "crate::clock::wire")]
    pub created_at: Timestamp,
}

string_enum!(
    /// Where a webhook delivery stands: waiting for its next attempt, done, or given up.
    DeliveryStatus {
        Pending = "pending",
        Delivered = "delivered",
        Dropped = "dropped",
    }
);

/// An endpoint that receives the tenant's events, signed with its secret.
#[derive(Clone)]
pub struct Webhook {
    pub id: String,
    pub tenant: TenantId,
    pub url: String,
    /// Event names, or `*` for all.
    pub events: Vec<String>,
    pub description: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secret: String,
    /// The secret before the last rotation, still signing until it expires.
    pub previous_secret: Option<(String, Timestamp)>,
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Never prints the secrets, so a logged webhook cannot leak them.
impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("tenant", &self.tenant)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("enabled", &self.enabled)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// The secrets that sign a delivery now: the current one first.
    pub fn signing_secrets(&self, now: Timestamp) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let Some((previous, expires)) = &self.previous_secret
            && *expires > now
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// One event on its way to one webhook.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub tenant: TenantId,
    pub webhook_id: String,
    pub event_id: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub step: u32,
    pub next_attempt_at: Option<Timestamp>,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One try at a delivery, as the receiver answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub number: u32,
    pub started_at: Timestamp,
    pub duration_ms: u64,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    /// The first 4 KiB of the response body.
    pub response_body: Option<String>,
}

/// What an upload's content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Html,
    Markdown,
    Text,
    /// Text sent in the JSON API's `content` field.
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Html => "html",
            Self::Markdown => "markdown",
            Self::Text => "text",
            Self::Json => "json",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Pdf,
            Self::Docx,
            Self::Html,
            Self::Markdown,
            Self::Text,
            Self::Json,
        ]
        .into_iter()
        .find(|f| f.as_str() == raw)
    }
}
