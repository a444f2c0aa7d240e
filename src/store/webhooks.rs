//! SQL for webhooks, their deliveries and each delivery's attempts.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::Result;
use crate::model::{Attempt, Delivery, DeliveryStatus, TenantId, Webhook};

const WEBHOOK_COLUMNS: &str = "w.id, w.tenant_id, w.url, w.events, w.description, w.enabled,
     w.disabled_reason, w.secret, w.previous_secret, w.previous_secret_expires_at,
     w.failing_since, w.created_at, w.updated_at";

const DELIVERY_COLUMNS: &str = "d.id, d.tenant_id, d.webhook_id, d.event_id, d.event, d.status,
     d.attempts, d.step, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at,
     d.updated_at";

/// A pending delivery with what its attempt needs: the webhook and the exact body to sign.
pub struct Due {
    pub delivery: Delivery,
    pub webhook: Webhook,
    pub body: String,
}

/// Inserts the webhook, or updates every field of an existing one (its tenant never changes).
pub fn save(conn: &Connection, w: &Webhook) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO webhooks (id, tenant_id, url, events, description, enabled, disabled_reason,
           secret, previous_secret, previous_secret_expires_at, failing_since, created_at,
           updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events,
           description = excluded.description, enabled = excluded.enabled,
           disabled_reason = excluded.disabled_reason, secret = excluded.secret,
           previous_secret = excluded.previous_secret,
           previous_secret_expires_at = excluded.previous_secret_expires_at,
           failing_since = excluded.failing_since, updated_at = excluded.updated_at
         WHERE tenant_id = excluded.tenant_id",
    )?
    .execute(params![
        w.id,
        w.tenant.as_str(),
        w.url,
        serde_json::to_string(&w.events)?,
        w.description,
        w.enabled,
        w.disabled_reason,
        w.secret,
        w.previous_secret.as_ref().map(|(s, _)| s),
        w.previous_secret.as_ref().map(|(_, t)| t.as_millisecond()),
        w.failing_since.map(jiff::Timestamp::as_millisecond),
        w.created_at.as_millisecond(),
        w.updated_at.as_millisecond(),
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Option<Webhook>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.tenant_id = ?1 AND w.id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], |r| webhook(r, 0))
        .optional()?)
}

/// Newest first, keyset-paginated on the time-ordered id.
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Webhook>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks w
         WHERE w.tenant_id = ?1 AND (?2 IS NULL OR w.id < ?2) ORDER BY w.id DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![tenant.as_str(), before, limit as i64], |r| {
        webhook(r, 0)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes the webhook with its deliveries and their attempts.
pub fn delete(conn: &Connection, tenant: &TenantId, id: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM webhooks WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![tenant.as_str(), id])?;
    Ok(n > 0)
}

/// The tenant's enabled webhooks subscribed to `kind`, by name or `*`.
pub fn subscribers(conn: &Connection, tenant: &TenantId, kind: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id FROM webhooks w
         WHERE w.tenant_id = ?1 AND w.enabled = 1
           AND EXISTS (SELECT 1 FROM json_each(w.events) e WHERE e.value IN (?2, '*'))
         ORDER BY w.id",
    )?;
    let rows = stmt.query_map(params![tenant.as_str(), kind], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts the delivery, or updates where an existing one stands (what it carries never
/// changes).
pub fn save_delivery(conn: &Connection, d: &Delivery) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event, status,
           attempts, step, next_attempt_at, last_status_code, last_error, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
           step = excluded.step, next_attempt_at = excluded.next_attempt_at,
           last_status_code = excluded.last_status_code, last_error = excluded.last_error,
           updated_at = excluded.updated_at",
    )?
    .execute(params![
        d.id,
        d.tenant.as_str(),
        d.webhook_id,
        d.event_id,
        d.event,
        d.status.as_str(),
        d.attempts,
        d.step,
        d.next_attempt_at.map(jiff::Timestamp::as_millisecond),
        d.last_status_code,
        d.last_error,
        d.created_at.as_millisecond(),
        d.updated_at.as_millisecond(),
    ])?;
    Ok(())
}

pub fn get_delivery(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Option<Delivery>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
             WHERE d.tenant_id = ?1 AND d.id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], |r| delivery(r, 0))
        .optional()?)
}

/// A webhook's deliveries, newest first, optionally only one status or event.
pub fn list_deliveries(
    conn: &Connection,
    webhook_id: &str,
    status: Option<DeliveryStatus>,
    event: Option<&str>,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Delivery>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
         WHERE d.webhook_id = ?1 AND (?2 IS NULL OR d.status = ?2) AND (?3 IS NULL OR d.event = ?3)
           AND (?4 IS NULL OR d.id < ?4)
         ORDER BY d.id DESC LIMIT ?5"
    ))?;
    let rows = stmt.query_map(
        params![
            webhook_id,
            status.map(DeliveryStatus::as_str),
            event,
            before,
            limit as i64
        ],
        |r| delivery(r, 0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every delivery of an event about the lead, oldest first (its data export).
pub fn deliveries_for_lead(
    conn: &Connection,
    tenant: &TenantId,
    lead_id: &str,
) -> Result<Vec<Delivery>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM events e
         JOIN webhook_deliveries d ON d.event_id = e.id
         WHERE e.tenant_id = ?1 AND e.lead_id = ?2 ORDER BY d.id"
    ))?;
    let rows = stmt.query_map(params![tenant.as_str(), lead_id], |r| delivery(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The exact JSON body a delivery sends: the event as the outbox stored it.
pub fn body(conn: &Connection, event_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT payload FROM events WHERE id = ?1")?
        .query_row(params![event_id], |r| r.get(0))
        .optional()?)
}

/// Pending deliveries whose time has come, oldest due first.
pub fn due(conn: &Connection, now_ms: i64, limit: usize) -> Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS}, {WEBHOOK_COLUMNS}, e.payload
         FROM webhook_deliveries d
         JOIN webhooks w ON w.id = d.webhook_id
         JOIN events e ON e.id = d.event_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
         ORDER BY d.next_attempt_at LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![now_ms, limit as i64], |r| {
        Ok(Due {
            delivery: delivery(r, 0)?,
            webhook: webhook(r, 13)?,
            body: r.get(26)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the earliest pending delivery not yet due at `now_ms` is due, if any is.
pub fn next_due_after(conn: &Connection, now_ms: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT min(next_attempt_at) FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at > ?1",
        )?
        .query_row(params![now_ms], |r| r.get(0))?)
}

pub fn insert_attempt(conn: &Connection, delivery_id: &str, a: &Attempt) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO webhook_attempts (delivery_id, number, started_at, duration_ms, status_code,
           error, response_body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        delivery_id,
        a.number,
        a.started_at.as_millisecond(),
        i64::try_from(a.duration_ms).unwrap_or(i64::MAX),
        a.status_code,
        a.error,
        a.response_body,
    ])?;
    Ok(())
}

/// A delivery's attempts, first first.
pub fn attempts(conn: &Connection, delivery_id: &str) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, started_at, duration_ms, status_code, error, response_body
         FROM webhook_attempts WHERE delivery_id = ?1 ORDER BY number",
    )?;
    let rows = stmt.query_map(params![delivery_id], |r| {
        Ok(Attempt {
            number: r.get(0)?,
            started_at: from_millis(r.get(1)?),
            duration_ms: r.get::<_, i64>(2)?.try_into().unwrap_or(0),
            status_code: r.get(3)?,
            error: r.get(4)?,
            response_body: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Gives up a webhook's pending deliveries (it was disabled); they stay in the log.
pub fn drop_pending(conn: &Connection, webhook_id: &str, reason: &str, now_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET status = 'dropped', next_attempt_at = NULL,
           last_error = ?2, updated_at = ?3
         WHERE webhook_id = ?1 AND status = 'pending'",
    )?
    .execute(params![webhook_id, reason, now_ms])?;
    Ok(())
}

/// Queues a webhook's deliveries created since `since_ms` (optionally one status) again, with
/// a fresh retry schedule; returns how many.
pub fn replay(
    conn: &Connection,
    webhook_id: &str,
    since_ms: i64,
    status: Option<DeliveryStatus>,
    now_ms: i64,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE webhook_deliveries SET status = 'pending', step = 0, next_attempt_at = ?4,
               updated_at = ?4
             WHERE webhook_id = ?1 AND created_at >= ?2 AND (?3 IS NULL OR status = ?3)
               AND status != 'pending'",
        )?
        .execute(params![
            webhook_id,
            since_ms,
            status.map(DeliveryStatus::as_str),
            now_ms
        ])?)
}

fn webhook(r: &Row<'_>, at: usize) -> rusqlite::Result<Webhook> {
    let tenant: String = r.get(at + 1)?;
    let events: String = r.get(at + 3)?;
    let previous: Option<String> = r.get(at + 8)?;
    let expires: Option<i64> = r.get(at + 9)?;
    Ok(Webhook {
        id: r.get(at)?,
        tenant: TenantId::from_stored(tenant),
        url: r.get(at + 2)?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        description: r.get(at + 4)?,
        enabled: r.get(at + 5)?,
        disabled_reason: r.get(at + 6)?,
        secret: r.get(at + 7)?,
        previous_secret: previous.zip(expires.map(from_millis)),
        failing_since: r.get::<_, Option<i64>>(at + 10)?.map(from_millis),
        created_at: from_millis(r.get(at + 11)?),
        updated_at: from_millis(r.get(at + 12)?),
    })
}

fn delivery(r: &Row<'_>, at: usize) -> rusqlite::Result<Delivery> {
    let tenant: String = r.get(at + 1)?;
    let status: String = r.get(at + 5)?;
    Ok(Delivery {
        id: r.get(at)?,
        tenant: TenantId::from_stored(tenant),
        webhook_id: r.get(at + 2)?,
        event_id: r.get(at + 3)?,
        event: r.get(at + 4)?,
        status: DeliveryStatus::parse("status", &status).unwrap_or(DeliveryStatus::Dropped),
        attempts: r.get(at + 6)?,
        step: r.get(at + 7)?,
        next_attempt_at: r.get::<_, Option<i64>>(at + 8)?.map(from_millis),
        last_status_code: r.get(at + 9)?,
        last_error: r.get(at + 10)?,
        created_at: from_millis(r.get(at + 11)?),
        updated_at: from_millis(r.get(at + 12)?),
    })
}
