//! Webhooks over HTTP: endpoints, their secrets, and the delivery log.
//!
//! | method | path                                           | operation              |
//! |--------|------------------------------------------------|------------------------|
//! | POST   | /api/admin/webhooks                            | createWebhook          |
//! | GET    | /api/admin/webhooks                            | listWebhooks           |
//! | GET    | /api/admin/webhooks/{id}                       | getWebhook             |
//! | PATCH  | /api/admin/webhooks/{id}                       | updateWebhook          |
//! | DELETE | /api/admin/webhooks/{id}                       | deleteWebhook          |
//! | POST   | /api/admin/webhooks/{id}/test                  | testWebhook            |
//! | POST   | /api/admin/webhooks/{id}/rotate-secret         | rotateWebhookSecret    |
//! | GET    | /api/admin/webhooks/{id}/deliveries            | listWebhookDeliveries  |
//! | POST   | /api/admin/webhooks/{id}/replay                | replayWebhookDeliveries|
//! | GET    | /api/admin/webhook-deliveries/{id}             | getWebhookDelivery     |
//! | POST   | /api/admin/webhook-deliveries/{id}/retry       | retryWebhookDelivery   |

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::ApiTags;
use super::auth::Caller;
use super::body::JsonBody;
use super::error::ApiError;
use super::formats::{DateTime, Uri};
use crate::app::App;
use crate::domain::leads::Patch;
use crate::domain::webhooks::{self as domain, DeliveryQuery, NewWebhook, WebhookPatch};
use crate::error::Error;
use crate::model::{Attempt, Delivery, DeliveryStatus, Webhook};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct WebhooksApi;

#[OpenApi(prefix_path = "/api/admin", tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// Create a webhook
    ///
    /// The answer holds the signing `secret`; it is shown only here and on rotation. The URL
    /// must be http(s) and reach a public address unless `SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS`
    /// allows loopback or private ones.
    #[oai(path = "/webhooks", method = "post", operation_id = "createWebhook")]
    async fn create(
        &self,
        app: Data<&App>,
        caller: Caller,
        body: JsonBody<CreateWebhook>,
    ) -> Result<CreatedWebhook> {
        let body = body.0;
        let input = NewWebhook {
            url: body.url.0,
            events: body.events,
            description: body.description,
            enabled: body.enabled,
        };
        let webhook = domain::create(&app, caller.tenant(), input).await?;
        Ok(CreatedWebhook::Created(Json(WebhookEnvelope {
            webhook: WebhookBody::with_secret(webhook),
        })))
    }

    /// List webhooks
    ///
    /// Newest first.
    #[oai(path = "/webhooks", method = "get", operation_id = "listWebhooks")]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<WebhookList>> {
        let page = domain::list(&app, caller.tenant(), cursor.0.as_deref(), limit.0).await?;
        Ok(Json(WebhookList {
            webhooks: page.items.into_iter().map(WebhookBody::from).collect(),
            next_cursor: page.next_cursor,
        }))
    }

    /// Get a webhook
    #[oai(path = "/webhooks/:id", method = "get", operation_id = "getWebhook")]
    async fn get(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<WebhookEnvelope>> {
        let webhook = domain::get(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(envelope(webhook))
    }

    /// Update a webhook
    ///
    /// Only the fields present change. Disabling drops its pending deliveries (they stay in
    /// the log and can be replayed); enabling clears the reason it was disabled.
    #[oai(
        path = "/webhooks/:id",
        method = "patch",
        operation_id = "updateWebhook"
    )]
    async fn update(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: JsonBody<UpdateWebhook>,
    ) -> Result<Json<WebhookEnvelope>> {
        let body = body.0;
        let patch = WebhookPatch {
            url: body.url.map(|url| url.0),
            events: body.events,
            description: match body.description {
                MaybeUndefined::Undefined => Patch::Keep,
                MaybeUndefined::Null => Patch::Clear,
                MaybeUndefined::Value(d) => Patch::Set(d),
            },
            enabled: body.enabled,
        };
        let webhook = domain::update(&app, caller.tenant(), &id.0.to_string(), patch).await?;
        Ok(envelope(webhook))
    }

    /// Delete a webhook
    ///
    /// With its delivery log.
    #[oai(
        path = "/webhooks/:id",
        method = "delete",
        operation_id = "deleteWebhook"
    )]
    async fn delete(&self, app: Data<&App>, caller: Caller, id: Path<Uuid>) -> Result<Deleted> {
        domain::delete(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Deleted::Webhook)
    }

    /// Send a test event
    ///
    /// Sends a `ping` event now (also to a disabled webhook) and answers with the delivery
    /// and its attempt: status code, error, duration and the start of the response body.
    /// A ping is not retried.
    #[oai(
        path = "/webhooks/:id/test",
        method = "post",
        operation_id = "testWebhook"
    )]
    async fn test(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<DeliveryEnvelope>> {
        let (delivery, attempts) = domain::test(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Json(DeliveryEnvelope {
            delivery: DeliveryDetailBody::new(delivery, None, attempts),
        }))
    }

    /// Rotate the signing secret
    ///
    /// Answers with the new `secret`. For 24 hours both secrets sign: `webhook-signature`
    /// carries two `v1,` entries and `X-Synaptiq-Signature` uses the new secret.
    #[oai(
        path = "/webhooks/:id/rotate-secret",
        method = "post",
        operation_id = "rotateWebhookSecret"
    )]
    async fn rotate(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<WebhookEnvelope>> {
        let webhook = domain::rotate_secret(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Json(WebhookEnvelope {
            webhook: WebhookBody::with_secret(webhook),
        }))
    }

    /// List a webhook's deliveries
    ///
    /// Newest first; filter by `status` and `event`.
    #[oai(
        path = "/webhooks/:id/deliveries",
        method = "get",
        operation_id = "listWebhookDeliveries"
    )]
    // poem-openapi documents each query parameter from its own argument.
    #[allow(clippy::too_many_arguments)]
    async fn deliveries(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        status: Query<Option<DeliveryStatusName>>,
        #[oai(validator(
            pattern = r"^(lead\.created|lead\.updated|lead\.qualified|meeting\.booked|lead\.deleted|conversation\.started|conversation\.completed|ping)$"
        ))]
        event: Query<Option<String>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<DeliveryList>> {
        let query = DeliveryQuery {
            status: status.0.map(DeliveryStatusName::into_domain),
            event: event.0,
            cursor: cursor.0,
            limit: limit.0,
        };
        let page = domain::deliveries(&app, caller.tenant(), &id.0.to_string(), query).await?;
        Ok(Json(DeliveryList {
            deliveries: page.items.into_iter().map(DeliveryBody::from).collect(),
            next_cursor: page.next_cursor,
        }))
    }

    /// Redeliver many
    ///
    /// Queues again, with a fresh retry schedule, every delivery of this webhook created
    /// since `since` — only those with `status` (default `dropped`). Receivers see the same
    /// delivery ids as before.
    #[oai(
        path = "/webhooks/:id/replay",
        method = "post",
        operation_id = "replayWebhookDeliveries"
    )]
    async fn replay(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: JsonBody<Replay>,
    ) -> Result<Replayed> {
        let body = body.0;
        let since: jiff::Timestamp = body
            .since
            .0
            .trim()
            .parse()
            .map_err(|_| Error::invalid("since", "must be an RFC 3339 time"))?;
        let status = match body.status {
            Some(StatusOrAll::All) => None,
            Some(StatusOrAll::Dropped) | None => Some(DeliveryStatus::Dropped),
            Some(StatusOrAll::Delivered) => Some(DeliveryStatus::Delivered),
        };
        let replayed =
            domain::replay(&app, caller.tenant(), &id.0.to_string(), since, status).await?;
        Ok(Replayed::Accepted(Json(ReplayCount {
            replayed: replayed as u64,
        })))
    }

    /// Get a delivery
    ///
    /// With the payload it sends and every attempt.
    #[oai(
        path = "/webhook-deliveries/:id",
        method = "get",
        operation_id = "getWebhookDelivery"
    )]
    async fn delivery(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<DeliveryEnvelope>> {
        let detail = domain::delivery(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Json(DeliveryEnvelope {
            delivery: DeliveryDetailBody::new(
                detail.delivery,
                Some(detail.payload),
                detail.attempts,
            ),
        }))
    }

    /// Retry a delivery
    ///
    /// Queues it again now with a fresh retry schedule, under the same delivery id.
    #[oai(
        path = "/webhook-deliveries/:id/retry",
        method = "post",
        operation_id = "retryWebhookDelivery"
    )]
    async fn retry(&self, app: Data<&App>, caller: Caller, id: Path<Uuid>) -> Result<Retried> {
        let delivery = domain::retry(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Retried::Accepted(Json(DeliverySummaryEnvelope {
            delivery: delivery.into(),
        })))
    }
}

fn envelope(webhook: Webhook) -> Json<WebhookEnvelope> {
    Json(WebhookEnvelope {
        webhook: webhook.into(),
    })
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhook {
    /// http(s) URL, at most 2048 characters.
    #[oai(validator(max_length = 2048))]
    pub url: Uri,
    /// Event names (`lead.created`, `lead.updated`, `lead.qualified`, `meeting.booked`,
    /// `meeting.rescheduled`, `meeting.cancelled`, `lead.deleted`, `conversation.started`,
    /// `conversation.completed`, `conversation.handoff_requested`) or `*` (default).
    #[oai(nullable)]
    pub events: Option<Vec<String>>,
    /// At most 500 characters.
    #[oai(nullable, validator(max_length = 500))]
    pub description: Option<String>,
    /// Default true.
    #[oai(nullable)]
    pub enabled: Option<bool>,
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateWebhook {
    #[oai(nullable, validator(max_length = 2048))]
    pub url: Option<Uri>,
    #[oai(nullable)]
    pub events: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default)]
    #[oai(nullable, validator(max_length = 500))]
    pub description: MaybeUndefined<String>,
    #[oai(nullable)]
    pub enabled: Option<bool>,
}

#[derive(Object)]
#[oai(rename = "Webhook", rename_all = "camelCase")]
pub struct WebhookBody {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    #[oai(nullable)]
    pub description: Option<String>,
    pub enabled: bool,
    /// Why it was disabled: by a user, a 410 Gone, or five days of failures.
    #[oai(nullable)]
    pub disabled_reason: Option<String>,
    /// `whsec_…`: only in the answers to creation and rotation.
    #[oai(skip_serializing_if_is_none)]
    pub secret: Option<String>,
    /// Until when the secret before the last rotation also signs.
    #[oai(nullable)]
    pub previous_secret_expires_at: Option<DateTime>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl WebhookBody {
    fn with_secret(w: Webhook) -> Self {
        let secret = w.secret.clone();
        Self {
            secret: Some(secret),
            ..w.into()
        }
    }
}

impl From<Webhook> for WebhookBody {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id,
            url: w.url,
            events: w.events,
            description: w.description,
            enabled: w.enabled,
            disabled_reason: w.disabled_reason,
            secret: None,
            previous_secret_expires_at: w.previous_secret.map(|(_, at)| DateTime::from(at)),
            created_at: DateTime::from(w.created_at),
            updated_at: DateTime::from(w.updated_at),
        }
    }
}

#[derive(Object)]
#[oai(rename = "WebhookEnvelope")]
pub struct WebhookEnvelope {
    pub webhook: WebhookBody,
}

#[derive(Object)]
#[oai(rename = "WebhookList", rename_all = "camelCase")]
pub struct WebhookList {
    pub webhooks: Vec<WebhookBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A delivery's status.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename = "DeliveryStatus", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatusName {
    /// Waiting for its first attempt or a retry.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Given up: the last attempt failed, the receiver answered 410, or the webhook was
    /// disabled. Kept in the log; retry or replay it.
    Dropped,
}

impl DeliveryStatusName {
    fn into_domain(self) -> DeliveryStatus {
        match self {
            Self::Pending => DeliveryStatus::Pending,
            Self::Delivered => DeliveryStatus::Delivered,
            Self::Dropped => DeliveryStatus::Dropped,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "WebhookDelivery", rename_all = "camelCase")]
pub struct DeliveryBody {
    /// Also `X-Synaptiq-Delivery` and `webhook-id`: the same on every attempt.
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub event_id: String,
    /// `pending`, `delivered` or `dropped`.
    pub status: String,
    pub attempt_count: u32,
    #[oai(nullable)]
    pub next_attempt_at: Option<DateTime>,
    #[oai(nullable)]
    pub last_status_code: Option<u16>,
    #[oai(nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl From<Delivery> for DeliveryBody {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event: d.event,
            event_id: d.event_id,
            status: d.status.as_str().to_owned(),
            attempt_count: d.attempts,
            next_attempt_at: d.next_attempt_at.map(DateTime::from),
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            created_at: DateTime::from(d.created_at),
            updated_at: DateTime::from(d.updated_at),
        }
    }
}

#[derive(Object)]
#[oai(rename = "WebhookAttempt", rename_all = "camelCase")]
pub struct AttemptBody {
    /// 1 for the first attempt.
    pub number: u32,
    pub started_at: DateTime,
    pub duration_ms: u64,
    /// The receiver's status; null when no answer came (connection error, timeout).
    #[oai(nullable)]
    pub status_code: Option<u16>,
    #[oai(nullable)]
    pub error: Option<String>,
    /// The first 4 KiB of the receiver's answer.
    #[oai(nullable)]
    pub response_body: Option<String>,
}

impl From<Attempt> for AttemptBody {
    fn from(a: Attempt) -> Self {
        Self {
            number: a.number,
            started_at: DateTime::from(a.started_at),
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error,
            response_body: a.response_body,
        }
    }
}

#[derive(Object)]
#[oai(rename = "WebhookDeliveryDetail", rename_all = "camelCase")]
pub struct DeliveryDetailBody {
    #[oai(flatten)]
    pub delivery: DeliveryBody,
    /// The envelope it sends, `{"event", "timestamp", "data"}`.
    #[oai(skip_serializing_if_is_none)]
    pub payload: Option<Value>,
    /// Every attempt, first first.
    pub attempts: Vec<AttemptBody>,
}

impl DeliveryDetailBody {
    fn new(delivery: Delivery, payload: Option<Value>, attempts: Vec<Attempt>) -> Self {
        Self {
            delivery: delivery.into(),
            payload,
            attempts: attempts.into_iter().map(AttemptBody::from).collect(),
        }
    }
}

#[derive(Object)]
#[oai(rename = "WebhookDeliveryEnvelope")]
pub struct DeliveryEnvelope {
    pub delivery: DeliveryDetailBody,
}

#[derive(Object)]
#[oai(rename = "WebhookDeliverySummaryEnvelope")]
pub struct DeliverySummaryEnvelope {
    pub delivery: DeliveryBody,
}

#[derive(Object)]
#[oai(rename = "WebhookDeliveryList", rename_all = "camelCase")]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// Which deliveries a replay takes.
#[derive(Enum, Deserialize, Debug, Clone, Copy)]
#[oai(rename = "ReplayStatus", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum StatusOrAll {
    Dropped,
    Delivered,
    /// Dropped and delivered alike.
    All,
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replay {
    /// RFC 3339: deliveries created at or after this time.
    pub since: DateTime,
    /// Default `dropped`.
    #[oai(nullable)]
    pub status: Option<StatusOrAll>,
}

#[derive(Object)]
pub struct ReplayCount {
    /// How many deliveries were queued again.
    pub replayed: u64,
}

#[derive(ApiResponse)]
pub enum CreatedWebhook {
    /// The webhook, with its secret (shown only now and on rotation).
    #[oai(status = 201)]
    Created(Json<WebhookEnvelope>),
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// The webhook and its delivery log are gone.
    #[oai(status = 204)]
    Webhook,
}

#[derive(ApiResponse)]
pub enum Retried {
    /// Queued; the worker attempts it at once.
    #[oai(status = 202)]
    Accepted(Json<DeliverySummaryEnvelope>),
}

#[derive(ApiResponse)]
pub enum Replayed {
    /// Queued; the worker attempts them at once.
    #[oai(status = 202)]
    Accepted(Json<ReplayCount>),
}
