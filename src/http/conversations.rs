//! Conversations over HTTP.
//!
//! | method | path                              | operation             |
//! |--------|-----------------------------------|-----------------------|
//! | GET    | /api/conversations                | listConversations     |
//! | GET    | /api/conversations/{id}           | getConversation       |
//! | GET    | /api/leads/{id}/conversations     | listLeadConversations |

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use super::auth::Caller;
use super::error::ApiError;
use super::formats::DateTime;
use crate::app::App;
use crate::domain::conversations;
use crate::model::context::{Handoff, VisitorContext};
use crate::model::{Conversation, ConversationStatus, Message, Page};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct ConversationsApi;

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Conversations")]
impl ConversationsApi {
    /// List conversations
    ///
    /// Newest first; filter by `status` and `leadId`.
    #[oai(
        path = "/conversations",
        method = "get",
        operation_id = "listConversations"
    )]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        status: Query<Option<StatusName>>,
        #[oai(name = "leadId")] lead_id: Query<Option<Uuid>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<ConversationList>> {
        let status = status.0.map(StatusName::into_domain);
        let page = conversations::list(
            &app,
            caller.tenant(),
            status,
            lead_id.0.map(|id| id.to_string()),
            cursor.0.as_deref(),
            limit.0,
        )
        .await?;
        Ok(Json(page.into()))
    }

    /// Get a conversation
    ///
    /// With its full message history, oldest first.
    #[oai(
        path = "/conversations/:id",
        method = "get",
        operation_id = "getConversation"
    )]
    async fn get(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<ConversationEnvelope>> {
        let (conversation, messages) =
            conversations::get(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Json(ConversationEnvelope {
            conversation: ConversationBody::with_messages(conversation, messages),
        }))
    }

    /// List a lead's conversations
    ///
    /// Most recent first.
    #[oai(
        path = "/leads/:id/conversations",
        method = "get",
        operation_id = "listLeadConversations"
    )]
    async fn for_lead(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<ConversationList>> {
        let page = conversations::for_lead(
            &app,
            caller.tenant(),
            &id.0.to_string(),
            cursor.0.as_deref(),
            limit.0,
        )
        .await?;
        Ok(Json(page.into()))
    }
}

#[derive(Enum, Debug, Clone, Copy)]
#[oai(rename = "ConversationStatus", rename_all = "lowercase")]
pub enum StatusName {
    Active,
    Completed,
}

impl StatusName {
    fn into_domain(self) -> ConversationStatus {
        match self {
            Self::Active => ConversationStatus::Active,
            Self::Completed => ConversationStatus::Completed,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "Conversation", rename_all = "camelCase")]
pub struct ConversationBody {
    pub id: String,
    /// Null until the visitor is identified.
    #[oai(nullable)]
    pub lead_id: Option<String>,
    /// Always `web_chat`.
    pub channel: String,
    /// `active` or `completed`.
    pub status: String,
    /// Written when the conversation completes.
    #[oai(nullable)]
    pub summary: Option<String>,
    pub message_count: u32,
    /// Where the visitor is, as their browser reported it; null when the widget sent none.
    #[oai(nullable)]
    pub context: Option<ContextBody>,
    /// Null unless the visitor asked for a person (or the bot handed over).
    #[oai(nullable)]
    pub handoff: Option<HandoffBody>,
    /// Only when one conversation is fetched: oldest first.
    #[oai(skip_serializing_if_is_none)]
    pub messages: Option<Vec<MessageBody>>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl ConversationBody {
    pub fn with_messages(c: Conversation, messages: Vec<Message>) -> Self {
        Self {
            messages: Some(messages.into_iter().map(MessageBody::from).collect()),
            ..Self::from(c)
        }
    }
}

impl From<Conversation> for ConversationBody {
    fn from(c: Conversation) -> Self {
        Self {
            id: c.id,
            lead_id: c.lead_id,
            channel: "web_chat".to_owned(),
            status: c.status.as_str().to_owned(),
            summary: c.summary,
            message_count: c.message_count,
            context: (c.context != VisitorContext::default()).then(|| ContextBody::from(c.context)),
            handoff: c.handoff.map(HandoffBody::from),
            messages: None,
            created_at: DateTime::from(c.created_at),
            updated_at: DateTime::from(c.updated_at),
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "ConversationContext", rename_all = "camelCase")]
pub struct ContextBody {
    /// IANA time zone.
    #[oai(nullable)]
    pub timezone: Option<String>,
    /// BCP 47 language tag.
    #[oai(nullable)]
    pub locale: Option<String>,
    /// The latest page.
    #[oai(nullable)]
    pub page_url: Option<String>,
    #[oai(nullable)]
    pub page_title: Option<String>,
    #[oai(nullable)]
    pub referrer: Option<String>,
    /// Up to 50 pages, oldest first.
    pub pages_seen: Vec<String>,
    /// The `utm_*` parameters of the latest page that had any, without the prefix.
    pub utm: std::collections::BTreeMap<String, String>,
}

impl From<VisitorContext> for ContextBody {
    fn from(c: VisitorContext) -> Self {
        Self {
            timezone: c.timezone,
            locale: c.locale,
            page_url: c.page_url,
            page_title: c.page_title,
            referrer: c.referrer,
            pages_seen: c.pages_seen,
            utm: c.utm,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "Handoff", rename_all = "camelCase")]
pub struct HandoffBody {
    pub requested_at: DateTime,
    /// `visitor_asked`, `qualified`, `agent_stuck` or `manual`.
    pub reason: String,
}

impl From<Handoff> for HandoffBody {
    fn from(h: Handoff) -> Self {
        Self {
            requested_at: DateTime::from(h.requested_at),
            reason: h.reason.as_str().to_owned(),
        }
    }
}

#[derive(Object, Debug, Clone)]
#[oai(rename = "Message", rename_all = "camelCase")]
pub struct MessageBody {
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    pub created_at: DateTime,
    /// True when the model's answer was cut off: the content is what arrived.
    pub incomplete: bool,
}

impl From<Message> for MessageBody {
    fn from(m: Message) -> Self {
        Self {
            role: m.role.as_str().to_owned(),
            content: m.content,
            created_at: DateTime::from(m.created_at),
            incomplete: m.incomplete,
        }
    }
}

#[derive(Object, Debug)]
pub struct ConversationEnvelope {
    pub conversation: ConversationBody,
}

#[derive(Object, Debug)]
#[oai(rename_all = "camelCase")]
pub struct ConversationList {
    pub conversations: Vec<ConversationBody>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<Page<Conversation>> for ConversationList {
    fn from(page: Page<Conversation>) -> Self {
        Self {
            conversations: page.items.into_iter().map(ConversationBody::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}
