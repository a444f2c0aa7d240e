//! Meetings: listing, the free slots, the iCalendar file, moving and cancelling (each frees
//! the old slot at once and tells the webhooks).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde_json::json;

use super::leads::{Refresh, record_change, searchable};
use super::{events, pagination};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{EventKind, Lead, LeadStatus, Meeting, MeetingStatus, Page, TenantId};
use crate::scheduling::{self, Availability, Slot, ics};
use crate::store;

/// A meeting moved or cancelled, with its lead as it stands after the change.
#[derive(Debug, Clone)]
pub struct MeetingChange {
    pub meeting: Meeting,
    pub lead: Lead,
    /// Where a moved meeting started before; None for a cancellation, or a move to the time
    /// the meeting already had (which changes nothing).
    pub previous_starts_at: Option<Timestamp>,
    /// The lead's search-index change when its status changed: the caller tells the index
    /// once the transaction commits (the chat turn through its `reindex`).
    pub search_change: Option<u64>,
}

/// The free slots from a time on, and the tenant's zone they are shown in.
#[derive(Debug, Clone)]
pub struct FreeSlots {
    pub slots: Vec<Slot>,
    pub timezone: TimeZone,
}

/// Meetings by start time, optionally within `[from, to)` or for one lead.
pub async fn list(
    app: &App,
    tenant: &TenantId,
    lead_id: Option<String>,
    range: (Option<Timestamp>, Option<Timestamp>),
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Meeting>> {
    let limit = pagination::limit(limit)?;
    if let (Some(from), Some(to)) = range
        && from >= to
    {
        return Err(Error::invalid("to", "must be after from"));
    }
    let after = pagination::after(cursor)?;
    let tenant = tenant.clone();
    let items = app
        .store
        .read(move |conn| {
            // The cursor is the last meeting's id; its start time is read back for the keyset.
            let position = match &after {
                Some(id) => Some((
                    store::meetings::get(conn, &tenant, id)?
                        .ok_or_else(|| Error::invalid("cursor", "not a cursor for this list"))?
                        .starts_at
                        .as_millisecond(),
                    id.as_str(),
                )),
                None => None,
            };
            let range = (
                range.0.map(Timestamp::as_millisecond),
                range.1.map(Timestamp::as_millisecond),
            );
            store::meetings::list(
                conn,
                &tenant,
                lead_id.as_deref(),
                range,
                position,
                limit + 1,
            )
        })
        .await?;
    Ok(pagination::keyset_page(items, limit, |m| &m.id))
}

pub async fn for_lead(
    app: &App,
    tenant: &TenantId,
    lead_id: &str,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Meeting>> {
    super::leads::get(app, tenant, lead_id).await?;
    list(
        app,
        tenant,
        Some(lead_id.to_owned()),
        (None, None),
        cursor,
        limit,
    )
    .await
}

pub async fn get(app: &App, tenant: &TenantId, id: &str) -> Result<Meeting> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| store::meetings::get(conn, &tenant, &id))
        .await?
        .ok_or(Error::NotFound("meeting"))
}

/// The meeting as an iCalendar file calendar apps import.
pub async fn calendar(app: &App, tenant: &TenantId, id: &str) -> Result<String> {
    let meeting = get(app, tenant, id).await?;
    let lead = super::leads::get(app, tenant, &meeting.lead_id).await?;
    let settings = super::settings::get(app, tenant).await?;
    let host = app.public_url.host_str().unwrap_or("localhost").to_owned();
    let organizer_email = format!("meetings@{host}");
    let uid = format!("{}@{host}", meeting.id);
    let summary = format!("{} × {}", settings.company_name, lead.name);
    let description = format!(
        "Call with {} ({}), booked through the {} chat.",
        lead.name, lead.email, settings.company_name
    );
    Ok(ics::calendar(&ics::CalendarEvent {
        uid: &uid,
        stamp: meeting.created_at,
        slot: Slot {
            starts_at: meeting.starts_at,
            ends_at: meeting.ends_at,
        },
        summary: &summary,
        description: &description,
        organizer_name: &settings.company_name,
        organizer_email: &organizer_email,
        attendee_name: &lead.name,
        attendee_email: &lead.email,
        cancelled: meeting.status == MeetingStatus::Cancelled,
    }))
}

/// The next `limit` free slots (from `from` on, if given) of the tenant's availability.
pub async fn free_slots(
    app: &App,
    tenant: &TenantId,
    from: Option<Timestamp>,
    limit: usize,
) -> Result<FreeSlots> {
    let availability = super::settings::get(app, tenant)
        .await?
        .scheduling_availability()?;
    let now = app.clock.now();
    let tenant = tenant.clone();
    let booked = app
        .store
        .read(move |conn| store::meetings::booked_starts(conn, &tenant, now.as_millisecond()))
        .await?;
    let booked: Vec<Timestamp> = booked.into_iter().map(crate::clock::from_millis).collect();
    // The horizon (at most 90 days) bounds the walk when slots before `from` are skipped.
    let slots = match from {
        Some(from) => scheduling::free_slots(&availability, now, &booked, usize::MAX)
            .into_iter()
            .filter(|s| s.starts_at >= from)
            .take(limit)
            .collect(),
        None => scheduling::free_slots(&availability, now, &booked, limit),
    };
    Ok(FreeSlots {
        slots,
        timezone: availability.timezone,
    })
}

/// Moves a meeting to the free slot starting at `starts_at` (see [`reschedule_in`]).
pub async fn reschedule(
    app: &App,
    tenant: &TenantId,
    id: &str,
    starts_at: Timestamp,
) -> Result<Meeting> {
    let availability = super::settings::get(app, tenant)
        .await?
        .scheduling_availability()?;
    let (tenant, id, now) = (tenant.clone(), id.to_owned(), app.clock.now());
    let change = app
        .store
        .write(move |conn| reschedule_in(conn, &tenant, &id, starts_at, &availability, now))
        .await?;
    Ok(change.meeting)
}

/// Cancels a booked meeting (see [`cancel_in`]).
pub async fn cancel(app: &App, tenant: &TenantId, id: &str) -> Result<Meeting> {
    let (tenant, id, now) = (tenant.clone(), id.to_owned(), app.clock.now());
    let change = app
        .store
        .write(move |conn| cancel_in(conn, &tenant, &id, now))
        .await?;
    if let Some(seq) = change.search_change {
        searchable(app, seq, Refresh::Immediate).await?;
    }
    Ok(change.meeting)
}

/// Moves the tenant's booked meeting `id` to the slot of `availability` that starts at
/// `starts_at`, keeping its id (and so its iCalendar UID), and records
/// `meeting.rescheduled` (`{meeting, lead, previousStartsAt}`). The old slot is free as
/// soon as the transaction commits; the lead's status is not changed.
///
/// Runs inside the caller's transaction: the HTTP handler wraps it in `store.write`, and a
/// chat turn calls it among its other effects, so a failure rolls back the whole turn's
/// change. Errors: `NotFound("meeting")` for an unknown id (or another tenant's);
/// `Conflict` when the meeting is cancelled or another meeting holds `starts_at`;
/// `Invalid("startsAt")` when `starts_at` is not a slot start of `availability` (not aligned,
/// outside the hours or weekdays, sooner than the minimum notice after `now`, beyond the
/// horizon). A move to the time the meeting already has changes nothing and records nothing.
pub fn reschedule_in(
    conn: &Connection,
    tenant: &TenantId,
    id: &str,
    starts_at: Timestamp,
    availability: &Availability,
    now: Timestamp,
) -> Result<MeetingChange> {
    let mut meeting = booked(conn, tenant, id, "the meeting is cancelled: book a new one")?;
    let lead = lead_of(conn, &meeting)?;
    if meeting.starts_at == starts_at {
        return Ok(MeetingChange {
            meeting,
            lead,
            previous_starts_at: None,
            search_change: None,
        });
    }
    let slot = slot_at(availability, now, starts_at)?;
    let (from, to) = (
        slot.starts_at.as_millisecond(),
        slot.ends_at.as_millisecond(),
    );
    store::meetings::reschedule(conn, tenant, id, from, to)?;
    let previous = meeting.starts_at;
    meeting.starts_at = slot.starts_at;
    meeting.ends_at = slot.ends_at;
    let data = json!({
        "meeting": meeting,
        "lead": lead,
        "previousStartsAt": crate::clock::format(previous),
    });
    events::record(conn, tenant, EventKind::MeetingRescheduled, &data, now)?;
    Ok(MeetingChange {
        meeting,
        lead,
        previous_starts_at: Some(previous),
        search_change: None,
    })
}

/// Cancels the tenant's booked meeting `id`: its slot is free as soon as the transaction
/// commits, and `meeting.cancelled` (`{meeting, lead}`) is recorded. A `booked` lead left
/// with no booked meeting goes back to `qualified` through the lead-change rule
/// ([`record_change`]: `lead.updated`, and `lead.qualified` as for any change to that
/// status); a lead with another booked meeting stays `booked`.
///
/// Runs inside the caller's transaction (the HTTP handler's `store.write`, or a chat turn's
/// effects); the caller tells the search index about `search_change` after the commit.
/// Errors: `NotFound("meeting")` for an unknown id (or another tenant's); `Conflict` when it
/// is already cancelled.
pub fn cancel_in(
    conn: &Connection,
    tenant: &TenantId,
    id: &str,
    now: Timestamp,
) -> Result<MeetingChange> {
    let mut meeting = booked(conn, tenant, id, "the meeting is already cancelled")?;
    store::meetings::cancel(conn, tenant, id, now.as_millisecond())?;
    meeting.status = MeetingStatus::Cancelled;
    let before = lead_of(conn, &meeting)?;
    let mut lead = before.clone();
    let mut search_change = None;
    if lead.status == LeadStatus::Booked
        && store::meetings::booked_for_lead(conn, tenant, &lead.id)? == 0
    {
        lead.status = LeadStatus::Qualified;
        lead.updated_at = now;
        search_change = record_change(conn, &before, &lead, now)?;
    }
    let data = json!({ "meeting": meeting, "lead": lead });
    events::record(conn, tenant, EventKind::MeetingCancelled, &data, now)?;
    Ok(MeetingChange {
        meeting,
        lead,
        previous_starts_at: None,
        search_change,
    })
}

/// The tenant's meeting `id`, which must still hold its slot (`cancelled` says why not).
fn booked(conn: &Connection, tenant: &TenantId, id: &str, cancelled: &str) -> Result<Meeting> {
    let meeting = store::meetings::get(conn, tenant, id)?.ok_or(Error::NotFound("meeting"))?;
    if meeting.status == MeetingStatus::Cancelled {
        return Err(Error::Conflict {
            message: cancelled.to_owned(),
            existing: None,
        });
    }
    Ok(meeting)
}

fn lead_of(conn: &Connection, meeting: &Meeting) -> Result<Lead> {
    // A lead's meetings are deleted with it, so a meeting always has its lead.
    store::leads::get(conn, &meeting.tenant, &meeting.lead_id)?
        .ok_or_else(|| Error::internal(format!("meeting {} has no lead", meeting.id)))
}

/// The slot of `availability` that starts exactly at `starts_at`, bookable at `now`.
fn slot_at(availability: &Availability, now: Timestamp, starts_at: Timestamp) -> Result<Slot> {
    // With no notice and the walk starting at `starts_at`, the first slot is `starts_at`'s
    // own exactly when it is aligned, on a weekday and within the hours (DST included).
    let from_there = Availability {
        minimum_notice_minutes: 0,
        ..availability.clone()
    };
    let slot = scheduling::free_slots(&from_there, starts_at, &[], 1)
        .into_iter()
        .find(|s| s.starts_at == starts_at)
        .ok_or_else(|| Error::invalid("startsAt", not_a_slot(availability)))?;
    let notice = jiff::SignedDuration::from_mins(i64::from(availability.minimum_notice_minutes));
    if now
        .checked_add(notice)
        .is_ok_and(|earliest| starts_at < earliest)
    {
        return Err(Error::invalid(
            "startsAt",
            format!(
                "is sooner than the minimum notice of {} minutes",
                availability.minimum_notice_minutes
            ),
        ));
    }
    let horizon = jiff::SignedDuration::from_hours(24 * i64::from(availability.horizon_days));
    if now
        .checked_add(horizon)
        .is_ok_and(|latest| starts_at > latest)
    {
        return Err(Error::invalid(
            "startsAt",
            format!(
                "is beyond the booking horizon of {} days",
                availability.horizon_days
            ),
        ));
    }
    Ok(slot)
}

/// "is not a meeting slot: slots of 30 minutes start from 09:00, ending by 17:00
/// (Europe/Amsterdam), on Mon, Tue".
fn not_a_slot(a: &Availability) -> String {
    let days: Vec<String> = a
        .weekdays
        .iter()
        .map(|d| format!("{d:?}")[..3].to_owned())
        .collect();
    format!(
        "is not a meeting slot: slots of {} minutes start from {}, ending by {} ({}), on {}",
        a.slot_minutes,
        a.start.strftime("%H:%M"),
        a.end.strftime("%H:%M"),
        a.timezone.iana_name().unwrap_or("UTC"),
        days.join(", ")
    )
}

#[cfg(test)]
mod tests;
