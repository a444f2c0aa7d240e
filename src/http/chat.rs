//! The public chat API the widget talks to, and the widget's settings.
//!
//! | method | path                        | operation          |
//! |--------|-----------------------------|--------------------|
//! | POST   | /api/chat                   | sendChatMessage    |
//! | GET    | /api/chat/{conversationId}  | getChatHistory     |
//! | GET    | /api/widget                 | getWidgetSettings  |

use futures_util::stream::{self, BoxStream, StreamExt};
use poem::web::Data;
use poem::web::sse::Event;
use poem::{IntoResponse, Request};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::registry::{MetaResponses, Registry};
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::ApiTags;
use super::body::JsonBody;
use super::conversations::MessageBody;
use super::error::ApiError;
use super::formats::DateTime;
use crate::app::App;
use crate::domain::chat::{self, ChatInput, ChatOutput};
use crate::domain::settings;
use crate::model::TenantId;
use crate::model::context::ContextUpdate;

type Result<T> = std::result::Result<T, ApiError>;

/// Words per `delta` event: small enough to read as typing, large enough to stay cheap.
const WORDS_PER_DELTA: usize = 3;

#[derive(Default)]
pub struct ChatApi;

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Chat")]
impl ChatApi {
    /// Send a chat message
    ///
    /// Public: the widget's endpoint. Starts a conversation when `conversationId` is absent.
    /// With `Accept: text/event-stream` the answer arrives as Server-Sent Events: `start`
    /// (`{"conversationId"}`) as soon as the message is stored, `delta` events
    /// (`{"content"}`) while the reply is produced, one event per entry of `events` (named by
    /// its type), then `done` with the full JSON response. A failure after `start` arrives as
    /// an `error` event (`{"error"}`); the visitor's message is kept either way.
    #[oai(path = "/chat", method = "post", operation_id = "sendChatMessage")]
    async fn send(
        &self,
        app: Data<&App>,
        req: &Request,
        body: JsonBody<ChatRequest>,
    ) -> Result<ChatAnswer> {
        let body = body.0;
        let origin = req.header("origin").map(str::to_owned);
        check_origin(&app, &body.tenant_id, origin.as_deref()).await?;
        let input = ChatInput {
            tenant_id: body.tenant_id,
            visitor_id: body.visitor_id,
            conversation_id: body.conversation_id,
            message: body.message,
            context: body.context.map(ContextUpdate::from),
        };
        let wants_stream = req
            .header("accept")
            .is_some_and(|a| a.contains("text/event-stream"));
        if wants_stream {
            let started = chat::begin(&app, input).await?;
            return Ok(ChatAnswer::Stream(stream_turn(app.clone(), started)));
        }
        let output = chat::turn(&app, input).await?;
        Ok(ChatAnswer::Json(Json(ChatResponse::from(output))))
    }

    /// Restore a conversation
    ///
    /// The visible history of the visitor's conversation, so the widget can restore it after
    /// a page reload. 404 unless `visitorId` is the conversation's visitor.
    #[oai(
        path = "/chat/:conversationId",
        method = "get",
        operation_id = "getChatHistory"
    )]
    async fn history(
        &self,
        app: Data<&App>,
        #[oai(name = "conversationId")] conversation_id: Path<Uuid>,
        #[oai(
            name = "visitorId",
            validator(min_length = 1, max_length = 128, pattern = r"\S")
        )]
        visitor_id: Query<String>,
    ) -> Result<Json<ChatHistory>> {
        let (conversation, messages) =
            chat::history(&app, &conversation_id.0.to_string(), &visitor_id.0).await?;
        Ok(Json(ChatHistory {
            conversation_id: conversation.id,
            status: conversation.status.as_str().to_owned(),
            messages: messages.into_iter().map(MessageBody::from).collect(),
        }))
    }

    /// Get the widget's settings
    ///
    /// Public: what the widget needs to render for the tenant named by `tenant`.
    #[oai(path = "/widget", method = "get", operation_id = "getWidgetSettings")]
    async fn widget(
        &self,
        app: Data<&App>,
        req: &Request,
        #[oai(validator(pattern = "^[a-z0-9-]{1,64}$"))] tenant: Query<String>,
    ) -> Result<Json<WidgetSettings>> {
        check_origin(&app, &tenant.0, req.header("origin")).await?;
        let id = TenantId::parse("tenant", tenant.0.trim())?;
        let s = settings::get(&app, &id).await?;
        Ok(Json(WidgetSettings {
            tenant_id: id.to_string(),
            name: s.company_name,
            agent_name: s.agent_name,
            greeting: s.greeting,
            accent_color: s.accent_color,
            position: serde_json::to_value(s.position)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        }))
    }
}

/// A tenant that lists allowed origins only serves the widget on those sites.
async fn check_origin(
    app: &App,
    tenant: &str,
    origin: Option<&str>,
) -> std::result::Result<(), crate::error::Error> {
    let (Some(origin), Ok(id)) = (origin, TenantId::parse("tenantId", tenant.trim())) else {
        return Ok(());
    };
    let allowed = match settings::get(app, &id).await {
        Ok(s) => s.allowed_origins,
        Err(_) => return Ok(()), // an unknown tenant is reported by the operation itself
    };
    if allowed.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        Ok(())
    } else {
        Err(crate::error::Error::Forbidden(format!(
            "origin {origin} is not allowed to use this tenant's widget"
        )))
    }
}

/// The stream opens as soon as the visitor's message is stored: `start` tells the widget the
/// conversation id at once, then the agent's answer follows: a model's text as each piece
/// arrives, the built-in agent's in a few deltas at the end. The turn runs in its own task
/// so a visitor who closes the page mid-answer still gets a complete, stored turn.
fn stream_turn(app: App, started: chat::Started) -> EventStream<BoxStream<'static, StreamEvent>> {
    let start = StreamEvent {
        event: "start".into(),
        data: json!({ "conversationId": started.conversation_id() }),
    };
    let (deltas, mut pieces) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stored = started.stored();
    let turn = tokio::spawn(async move { chat::finish(&app, started, Some(&deltas)).await });
    // Ends when the turn drops its sender, that is when the turn is over.
    let live = stream::poll_fn(move |cx| pieces.poll_recv(cx)).map(|content| StreamEvent {
        event: "delta".into(),
        data: json!({ "content": content }),
    });
    let rest = stream::once(async move {
        let events = match turn.await {
            Ok(Ok(output)) => {
                let streamed = output.streamed;
                answer_events(&ChatResponse::from(output), streamed)
            }
            Ok(Err(err)) => vec![error_event(err)],
            Err(join) => vec![error_event(crate::error::Error::Internal(join.to_string()))],
        };
        stream::iter(events)
    })
    .flatten();
    // `start` waits for the message's commit; the agent is already at work meanwhile.
    let events = stream::once(async move {
        match stored.wait().await {
            Ok(()) => stream::once(async { start })
                .chain(live)
                .chain(rest)
                .boxed(),
            Err(err) => stream::once(async { error_event(err) }).boxed(),
        }
    })
    .flatten();
    EventStream::new(events.boxed())
        .to_event(|e| Event::message(e.data.to_string()).event_type(e.event))
}

/// `delta` events with the reply's words (unless they were streamed already), one event per
/// widget event, then `done`.
fn answer_events(response: &ChatResponse, streamed: bool) -> Vec<StreamEvent> {
    let words: Vec<&str> = if streamed {
        Vec::new()
    } else {
        response
            .reply
            .content
            .split_inclusive(char::is_whitespace)
            .collect()
    };
    let mut events: Vec<StreamEvent> = words
        .chunks(WORDS_PER_DELTA)
        .map(|chunk| StreamEvent {
            event: "delta".into(),
            data: json!({ "content": chunk.concat() }),
        })
        .collect();
    events.extend(response.events.iter().map(|e| StreamEvent {
        event: e.kind.clone(),
        data: e.detail.clone(),
    }));
    events.push(StreamEvent {
        event: "done".into(),
        data: serde_json::to_value(response).unwrap_or(Value::Null),
    });
    events
}

fn error_event(err: crate::error::Error) -> StreamEvent {
    let body = ApiError::from(err).into_body();
    StreamEvent {
        event: "error".into(),
        data: json!({ "error": body.error }),
    }
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatRequest {
    /// The tenant named by the widget's `data-tenant`.
    #[oai(validator(pattern = "^[a-z0-9-]{1,64}$"))]
    pub tenant_id: String,
    /// A stable id for the browser (the widget keeps it in localStorage), 1-128 characters.
    #[oai(validator(min_length = 1, max_length = 128, pattern = r"\S"))]
    pub visitor_id: String,
    /// Continue this conversation; omit to start one.
    #[oai(
        nullable,
        validator(
            pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
        )
    )]
    pub conversation_id: Option<String>,
    /// 1-4000 characters.
    #[oai(validator(min_length = 1, max_length = 4000, pattern = r"\S"))]
    pub message: String,
    /// Where the visitor is, as the browser tells (the widget sends it with every message).
    /// Stored on the conversation for the team; the agent speaks times in `timezone`.
    pub context: Option<ChatContext>,
}

/// The visitor's browser: each field optional, at most 2,000 characters.
#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatContext {
    /// IANA time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`).
    pub timezone: Option<String>,
    /// BCP 47 language tag (`navigator.language`).
    pub locale: Option<String>,
    /// The page the widget is on; its `utm_*` parameters are kept.
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
}

impl From<ChatContext> for ContextUpdate {
    fn from(c: ChatContext) -> Self {
        Self {
            timezone: c.timezone,
            locale: c.locale,
            page_url: c.page_url,
            page_title: c.page_title,
            referrer: c.referrer,
        }
    }
}

#[derive(Object, serde::Serialize, Clone)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct ChatReply {
    /// Always `assistant`.
    pub role: String,
    pub content: String,
    pub created_at: DateTime,
}

#[derive(Object, serde::Serialize, Clone)]
#[oai(rename = "ChatLead", rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct LeadSummary {
    pub id: String,
    pub status: String,
    pub qualification_score: u8,
}

#[derive(Object, serde::Serialize, Clone)]
#[oai(rename = "ChatEvent")]
pub struct ChatEvent {
    /// `lead.created`, `lead.qualified`, `meeting.booked`, `meeting.rescheduled`,
    /// `meeting.cancelled` or `conversation.completed`.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// The lead, meeting (with its lead) or conversation.
    pub detail: Value,
}

#[derive(Object, serde::Serialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct ChatResponse {
    pub conversation_id: String,
    pub reply: ChatReply,
    /// Null until the visitor has given an email.
    #[oai(nullable)]
    pub lead: Option<LeadSummary>,
    pub events: Vec<ChatEvent>,
    /// The knowledge-base documents the reply's answer came from (empty when none); the
    /// widget shows them as a small "Source" line under the reply.
    pub sources: Vec<ChatSource>,
}

#[derive(Object, serde::Serialize, Clone)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct ChatSource {
    pub document_id: String,
    pub title: String,
}

impl From<ChatOutput> for ChatResponse {
    fn from(o: ChatOutput) -> Self {
        Self {
            conversation_id: o.conversation_id,
            reply: ChatReply {
                role: o.reply.role.as_str().to_owned(),
                content: o.reply.content,
                created_at: DateTime::from(o.reply.created_at),
            },
            lead: o.lead.map(|l| LeadSummary {
                id: l.id,
                status: l.status.as_str().to_owned(),
                qualification_score: l.qualification_score,
            }),
            events: o
                .events
                .into_iter()
                .map(|e| ChatEvent {
                    kind: e.kind.as_str().to_owned(),
                    detail: e.detail,
                })
                .collect(),
            sources: o
                .sources
                .into_iter()
                .map(|s| ChatSource {
                    document_id: s.document_id,
                    title: s.title,
                })
                .collect(),
        }
    }
}

/// One Server-Sent Event: its name and JSON data.
#[derive(Object)]
pub struct StreamEvent {
    /// `start`, `delta`, an event type, `done`, or `error`.
    pub event: String,
    pub data: Value,
}

type Events = EventStream<BoxStream<'static, StreamEvent>>;

/// The agent's reply: JSON, or Server-Sent Events with `Accept: text/event-stream`.
pub enum ChatAnswer {
    Json(Json<ChatResponse>),
    Stream(Events),
}

/// One 200 with both content types: the derive documents only the last of two variants
/// that share a status.
impl ApiResponse for ChatAnswer {
    fn meta() -> MetaResponses {
        let mut responses = <Json<ChatResponse> as ApiResponse>::meta().responses;
        let streamed = <Events as ApiResponse>::meta().responses;
        if let Some(ok) = responses.first_mut() {
            ok.description =
                "The agent's reply: JSON, or Server-Sent Events with `Accept: text/event-stream`.";
            ok.content
                .extend(streamed.into_iter().flat_map(|r| r.content));
        }
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        <Json<ChatResponse> as ApiResponse>::register(registry);
        <Events as ApiResponse>::register(registry);
    }
}

impl IntoResponse for ChatAnswer {
    fn into_response(self) -> poem::Response {
        match self {
            Self::Json(json) => json.into_response(),
            Self::Stream(events) => events.into_response(),
        }
    }
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct ChatHistory {
    pub conversation_id: String,
    /// `active` or `completed`.
    pub status: String,
    /// Oldest first.
    pub messages: Vec<MessageBody>,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct WidgetSettings {
    pub tenant_id: String,
    /// The company shown in the widget.
    pub name: String,
    pub agent_name: String,
    pub greeting: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// `bottom-right` or `bottom-left`.
    pub position: String,
}
