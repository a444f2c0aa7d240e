//! The event outbox, readable so integrations and tests can see what will be delivered.
//!
//! | method | path              | operation  |
//! |--------|-------------------|------------|
//! | GET    | /api/admin/events | listEvents |

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use serde_json::Value;

use super::ApiTags;
use super::auth::Caller;
use super::error::ApiError;
use super::formats::DateTime;
use crate::app::App;
use crate::domain::events;

#[derive(Default)]
pub struct EventsApi;

#[OpenApi(prefix_path = "/api/admin", tag = "ApiTags::Events")]
impl EventsApi {
    /// List events
    ///
    /// Newest first. Each event's `payload` is the envelope exactly as webhooks deliver it.
    #[oai(path = "/events", method = "get", operation_id = "listEvents")]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(
            name = "type",
            validator(
                pattern = r"^(lead\.created|lead\.updated|lead\.qualified|meeting\.booked|meeting\.rescheduled|meeting\.cancelled|lead\.deleted|conversation\.started|conversation\.completed|conversation\.handoff_requested)$"
            )
        )]
        kind: Query<Option<String>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<EventList>, ApiError> {
        let page =
            events::list(&app, caller.tenant(), kind.0, cursor.0.as_deref(), limit.0).await?;
        let events = page
            .items
            .into_iter()
            .map(|e| EventBody {
                id: e.id,
                kind: e.kind,
                payload: e.payload,
                created_at: DateTime::from(e.created_at),
            })
            .collect();
        Ok(Json(EventList {
            events,
            next_cursor: page.next_cursor,
        }))
    }
}

#[derive(Object)]
#[oai(rename = "Event", rename_all = "camelCase")]
pub struct EventBody {
    pub id: String,
    #[oai(rename = "type")]
    pub kind: String,
    /// `{"event", "timestamp", "data"}`.
    pub payload: Value,
    pub created_at: DateTime,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct EventList {
    pub events: Vec<EventBody>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}
