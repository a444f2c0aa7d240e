//! Meetings over HTTP.
//!
//! | method | path                       | operation          |
//! |--------|----------------------------|--------------------|
//! | GET    | /api/meetings                 | listMeetings       |
//! | GET    | /api/meetings/slots           | listMeetingSlots   |
//! | GET    | /api/meetings/{id}.ics        | getMeetingCalendar |
//! | POST   | /api/meetings/{id}/reschedule | rescheduleMeeting  |
//! | DELETE | /api/meetings/{id}            | cancelMeeting      |
//! | GET    | /api/leads/{id}/meetings      | listLeadMeetings   |

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use super::auth::Caller;
use super::error::ApiError;
use super::formats::DateTime;
use crate::app::App;
use crate::domain::meetings;
use crate::error::Error;
use crate::model::{Meeting, Page};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct MeetingsApi;

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Meetings")]
impl MeetingsApi {
    /// List meetings
    ///
    /// By start time, earliest first; `from` and `to` (RFC 3339) bound the start.
    #[oai(path = "/meetings", method = "get", operation_id = "listMeetings")]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        from: Query<Option<DateTime>>,
        to: Query<Option<DateTime>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<MeetingList>> {
        let range = (
            instant("from", from.0.as_ref().map(AsRef::as_ref))?,
            instant("to", to.0.as_ref().map(AsRef::as_ref))?,
        );
        let page = meetings::list(
            &app,
            caller.tenant(),
            None,
            range,
            cursor.0.as_deref(),
            limit.0,
        )
        .await?;
        Ok(Json(page.into()))
    }

    /// List free meeting slots
    ///
    /// The next free slots of the tenant's availability (what a meeting can be booked or
    /// moved to), earliest first, from `from` (RFC 3339) on if given; `timezone` is the
    /// tenant's zone, which the availability's hours are in.
    #[oai(
        path = "/meetings/slots",
        method = "get",
        operation_id = "listMeetingSlots"
    )]
    async fn slots(
        &self,
        app: Data<&App>,
        caller: Caller,
        from: Query<Option<DateTime>>,
        /// 1-100, default 10.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<usize>>,
    ) -> Result<Json<SlotList>> {
        let from = instant("from", from.0.as_ref().map(AsRef::as_ref))?;
        let free = meetings::free_slots(&app, caller.tenant(), from, limit.0.unwrap_or(10)).await?;
        Ok(Json(SlotList {
            timezone: free.timezone.iana_name().unwrap_or("UTC").to_owned(),
            slots: free
                .slots
                .into_iter()
                .map(|s| SlotBody {
                    starts_at: DateTime::from(s.starts_at),
                    ends_at: DateTime::from(s.ends_at),
                })
                .collect(),
        }))
    }

    /// Download a meeting as iCalendar
    ///
    /// A `.ics` file calendar apps import: `id` is the meeting's id followed by `.ics`.
    #[oai(
        path = "/meetings/:id",
        method = "get",
        operation_id = "getMeetingCalendar"
    )]
    async fn calendar(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(pattern = r"^[0-9a-fA-F-]{36}\.ics$"))] id: Path<String>,
    ) -> Result<Calendar> {
        let id =
            id.0.strip_suffix(".ics")
                .and_then(|id| Uuid::parse_str(id).ok())
                .ok_or(Error::NotFound("meeting"))?;
        let ics = meetings::calendar(&app, caller.tenant(), &id.to_string()).await?;
        Ok(Calendar::Ok(
            PlainText(ics),
            format!("attachment; filename=\"meeting-{id}.ics\""),
        ))
    }

    /// Move a meeting
    ///
    /// To the free slot starting at `startsAt` (one of `listMeetingSlots`). The meeting keeps
    /// its id and calendar UID; its old slot is free again at once; `meeting.rescheduled`
    /// fires. 409 when the meeting is cancelled or another meeting holds that time; 400 when
    /// `startsAt` is not a slot start of the tenant's availability.
    #[oai(
        path = "/meetings/:id/reschedule",
        method = "post",
        operation_id = "rescheduleMeeting"
    )]
    async fn reschedule(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: Json<Reschedule>,
    ) -> Result<Json<MeetingEnvelope>> {
        let starts_at = instant("startsAt", Some(body.0.starts_at.as_ref()))?
            .ok_or_else(|| Error::invalid("startsAt", "is required"))?;
        let meeting =
            meetings::reschedule(&app, caller.tenant(), &id.0.to_string(), starts_at).await?;
        Ok(Json(MeetingEnvelope {
            meeting: meeting.into(),
        }))
    }

    /// Cancel a meeting
    ///
    /// The slot is free again at once; `meeting.cancelled` fires, and a `booked` lead with
    /// no other booked meeting goes back to `qualified`.
    #[oai(
        path = "/meetings/:id",
        method = "delete",
        operation_id = "cancelMeeting"
    )]
    async fn cancel(&self, app: Data<&App>, caller: Caller, id: Path<Uuid>) -> Result<Cancelled> {
        meetings::cancel(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Cancelled::Ok)
    }

    /// List a lead's meetings
    #[oai(
        path = "/leads/:id/meetings",
        method = "get",
        operation_id = "listLeadMeetings"
    )]
    async fn for_lead(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<MeetingList>> {
        let page = meetings::for_lead(
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

fn instant(
    field: &'static str,
    raw: Option<&str>,
) -> std::result::Result<Option<jiff::Timestamp>, Error> {
    raw.map(|r| {
        r.parse::<jiff::Timestamp>().map_err(|_| {
            Error::invalid(field, "must be an RFC 3339 time like 2026-04-01T14:30:00Z")
        })
    })
    .transpose()
}

#[derive(Object, Debug)]
#[oai(rename = "Meeting", rename_all = "camelCase")]
pub struct MeetingBody {
    pub id: String,
    pub lead_id: String,
    #[oai(nullable)]
    pub conversation_id: Option<String>,
    pub starts_at: DateTime,
    pub ends_at: DateTime,
    /// `booked` or `cancelled`.
    pub status: String,
    pub created_at: DateTime,
}

impl From<Meeting> for MeetingBody {
    fn from(m: Meeting) -> Self {
        Self {
            id: m.id,
            lead_id: m.lead_id,
            conversation_id: m.conversation_id,
            starts_at: DateTime::from(m.starts_at),
            ends_at: DateTime::from(m.ends_at),
            status: m.status.as_str().to_owned(),
            created_at: DateTime::from(m.created_at),
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reschedule {
    /// The new start, RFC 3339: a free slot of the tenant's availability.
    pub starts_at: DateTime,
}

#[derive(Object)]
pub struct MeetingEnvelope {
    pub meeting: MeetingBody,
}

#[derive(Object)]
#[oai(rename = "MeetingSlot", rename_all = "camelCase")]
pub struct SlotBody {
    pub starts_at: DateTime,
    pub ends_at: DateTime,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct SlotList {
    pub slots: Vec<SlotBody>,
    /// The tenant's IANA time zone, e.g. `Europe/Amsterdam`.
    pub timezone: String,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct MeetingList {
    pub meetings: Vec<MeetingBody>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<Page<Meeting>> for MeetingList {
    fn from(page: Page<Meeting>) -> Self {
        Self {
            meetings: page.items.into_iter().map(MeetingBody::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

#[derive(ApiResponse)]
pub enum Calendar {
    /// An RFC 5545 calendar with the meeting.
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ok(
        PlainText<String>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[derive(ApiResponse)]
pub enum Cancelled {
    /// Cancelled; the slot is free.
    #[oai(status = 204)]
    Ok,
}
