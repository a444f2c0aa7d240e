//! The event outbox: each change writes its event in the same transaction, so no committed
//! change can lose its event and a restart loses no pending delivery.

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use super::pagination;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Event, EventKind, Page, TenantId};
use crate::store;

/// Every event name, in the order they are documented.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    EventKind::ALL.iter().map(|k| k.as_str())
}

/// `a, b, c`: the event names, for error messages.
pub fn kinds_listed() -> String {
    kinds().collect::<Vec<_>>().join(", ")
}

/// Writes `{"event", "timestamp", "data"}` — the envelope webhooks deliver — to the outbox.
pub fn record(
    conn: &Connection,
    tenant: &TenantId,
    kind: EventKind,
    data: &impl Serialize,
    now: Timestamp,
) -> Result<()> {
    let payload = serde_json::json!({
        "event": kind.as_str(),
        "timestamp": crate::clock::format(now),
        "data": data,
    });
    let event = Event {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        kind: kind.as_str().to_owned(),
        payload,
        created_at: now,
    };
    store::events::insert(conn, &event)?;
    super::webhooks::enqueue(conn, &event)
}

pub async fn list(
    app: &App,
    tenant: &TenantId,
    kind: Option<String>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Event>> {
    if let Some(kind) = &kind
        && !kinds().any(|k| k == kind.as_str())
    {
        return Err(Error::invalid(
            "type",
            format!("unknown event type (expected one of: {})", kinds_listed()),
        ));
    }
    let limit = pagination::limit(limit)?;
    let before = pagination::after(cursor)?;
    let tenant = tenant.clone();
    let items = app
        .store
        .read(move |conn| {
            store::events::list(conn, &tenant, kind.as_deref(), before.as_deref(), limit + 1)
        })
        .await?;
    Ok(pagination::keyset_page(items, limit, |e| &e.id))
}
