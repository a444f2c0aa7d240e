//! SQL for the event outbox.

use rusqlite::{Connection, Row, params};

use crate::clock::from_millis;
use crate::error::Result;
use crate::model::{Event, TenantId};

pub fn insert(conn: &Connection, event: &Event) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (id, tenant_id, type, payload, created_at, lead_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        event.id,
        event.tenant.as_str(),
        event.kind,
        serde_json::to_string(&event.payload)?,
        event.created_at.as_millisecond(),
        lead_of(event),
    ])?;
    Ok(())
}

/// The lead an event is about: its data is the lead, a conversation of the lead, or a
/// meeting with the lead beside it.
fn lead_of(event: &Event) -> Option<&str> {
    let data = &event.payload["data"];
    data["lead"]["id"]
        .as_str()
        .or_else(|| data["leadId"].as_str())
        .or_else(|| {
            event
                .kind
                .starts_with("lead.")
                .then(|| data["id"].as_str())
                .flatten()
        })
}

/// Newest first, keyset-paginated on the time-ordered id.
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    kind: Option<&str>,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, tenant_id, type, payload, created_at FROM events
         WHERE tenant_id = ?1 AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![tenant.as_str(), kind, before, limit as i64],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Event> {
    let tenant: String = r.get(1)?;
    let payload: String = r.get(3)?;
    Ok(Event {
        id: r.get(0)?,
        tenant: TenantId::from_stored(tenant),
        kind: r.get(2)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        created_at: from_millis(r.get(4)?),
    })
}

/// Every event about the given lead, oldest first.
pub fn for_lead(conn: &Connection, tenant: &TenantId, lead_id: &str) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, tenant_id, type, payload, created_at FROM events
         WHERE tenant_id = ?1 AND lead_id = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![tenant.as_str(), lead_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Files lead `from`'s events under lead `into` (a merge), so an export or an erasure of
/// the merged lead covers them.
pub fn move_to_lead(conn: &Connection, tenant: &TenantId, from: &str, into: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE events SET lead_id = ?3 WHERE tenant_id = ?1 AND lead_id = ?2")?
        .execute(params![tenant.as_str(), from, into])?)
}

/// Erases every event about the lead, with their webhook deliveries (cascade).
pub fn delete_for_lead(conn: &Connection, tenant: &TenantId, lead_id: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("DELETE FROM events WHERE tenant_id = ?1 AND lead_id = ?2")?
        .execute(params![tenant.as_str(), lead_id])?)
}
