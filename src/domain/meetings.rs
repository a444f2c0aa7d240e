//! Meetings: listing, the iCalendar file, cancelling (which frees the slot).

use jiff::Timestamp;

use super::pagination;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Meeting, MeetingStatus, Page, TenantId};
use crate::scheduling::{Slot, ics};
use crate::store;

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

/// Cancels a booked meeting; its slot is free again at once.
pub async fn cancel(app: &App, tenant: &TenantId, id: &str) -> Result<()> {
    let (tenant, id, now) = (
        tenant.clone(),
        id.to_owned(),
        app.clock.now().as_millisecond(),
    );
    app.store
        .write(move |conn| {
            store::meetings::get(conn, &tenant, &id)?.ok_or(Error::NotFound("meeting"))?;
            if !store::meetings::cancel(conn, &tenant, &id, now)? {
                return Err(Error::Conflict {
                    message: "the meeting is already cancelled".into(),
                    existing: None,
                });
            }
            Ok(())
        })
        .await
}
