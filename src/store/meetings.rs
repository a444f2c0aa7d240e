//! SQL for meetings. A partial unique index makes a slot bookable at most once.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::{Error, Result};
use crate::model::{Meeting, MeetingStatus, TenantId};

const COLUMNS: &str =
    "id, tenant_id, lead_id, conversation_id, starts_at, ends_at, status, created_at";

/// Books the meeting; a slot already booked is a conflict, settled by the database.
pub fn insert(conn: &Connection, m: &Meeting) -> Result<()> {
    let inserted = conn
        .prepare_cached(&format!(
            "INSERT INTO meetings ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ))?
        .execute(params![
            m.id,
            m.tenant.as_str(),
            m.lead_id,
            m.conversation_id,
            m.starts_at.as_millisecond(),
            m.ends_at.as_millisecond(),
            m.status.as_str(),
            m.created_at.as_millisecond(),
        ]);
    match inserted {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Err(Error::Conflict {
                message: "that time slot has just been booked".into(),
                existing: None,
            })
        }
        Err(err) => Err(err.into()),
    }
}

pub fn get(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Option<Meeting>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM meetings WHERE tenant_id = ?1 AND id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], from_row)
        .optional()?)
}

pub fn cancel(conn: &Connection, tenant: &TenantId, id: &str, at_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE meetings SET status = 'cancelled', cancelled_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND status = 'booked'",
        params![tenant.as_str(), id, at_ms],
    )?;
    Ok(changed > 0)
}

/// Moves a booked meeting to `[starts_ms, ends_ms)`; false when no booked meeting has that id.
/// A time another meeting holds is a conflict, settled by the one-per-slot index.
pub fn reschedule(
    conn: &Connection,
    tenant: &TenantId,
    id: &str,
    starts_ms: i64,
    ends_ms: i64,
) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE meetings SET starts_at = ?3, ends_at = ?4 WHERE tenant_id = ?1 AND id = ?2 AND status = 'booked'",
        )?
        .execute(params![tenant.as_str(), id, starts_ms, ends_ms]);
    match changed {
        Ok(n) => Ok(n > 0),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Err(Error::Conflict {
                message: "startsAt: another meeting is booked at that time".into(),
                existing: None,
            })
        }
        Err(err) => Err(err.into()),
    }
}

/// How many meetings of the lead hold a slot (status `booked`), past or future.
pub fn booked_for_lead(conn: &Connection, tenant: &TenantId, lead_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM meetings WHERE tenant_id = ?1 AND lead_id = ?2 AND status = 'booked'",
        )?
        .query_row(params![tenant.as_str(), lead_id], |r| r.get(0))?)
}

/// Booked slot starts from `from_ms` on (what the scheduler must skip).
pub fn booked_starts(conn: &Connection, tenant: &TenantId, from_ms: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT starts_at FROM meetings WHERE tenant_id = ?1 AND status = 'booked' AND starts_at >= ?2 ORDER BY starts_at",
    )?;
    let rows = stmt.query_map(params![tenant.as_str(), from_ms], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Meetings by start time within `[from, to)`, keyset-paginated on (starts_at, id).
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    lead_id: Option<&str>,
    range: (Option<i64>, Option<i64>),
    after: Option<(i64, &str)>,
    limit: usize,
) -> Result<Vec<Meeting>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM meetings
         WHERE tenant_id = ?1 AND (?2 IS NULL OR lead_id = ?2)
           AND (?3 IS NULL OR starts_at >= ?3) AND (?4 IS NULL OR starts_at < ?4)
           AND (?5 IS NULL OR (starts_at, id) > (?5, ?6))
         ORDER BY starts_at, id LIMIT ?7"
    ))?;
    let (after_start, after_id) = after.map_or((None, None), |(s, id)| (Some(s), Some(id)));
    let rows = stmt.query_map(
        params![
            tenant.as_str(),
            lead_id,
            range.0,
            range.1,
            after_start,
            after_id,
            limit as i64
        ],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Meeting> {
    let status: String = r.get(6)?;
    Ok(Meeting {
        id: r.get(0)?,
        tenant: TenantId::from_stored(r.get(1)?),
        lead_id: r.get(2)?,
        conversation_id: r.get(3)?,
        starts_at: from_millis(r.get(4)?),
        ends_at: from_millis(r.get(5)?),
        status: MeetingStatus::parse("status", &status).unwrap_or(MeetingStatus::Cancelled),
        created_at: from_millis(r.get(7)?),
    })
}

/// Moves every meeting of lead `from` to lead `into` (a merge); returns how many.
pub fn move_to_lead(conn: &Connection, tenant: &TenantId, from: &str, into: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE meetings SET lead_id = ?3 WHERE tenant_id = ?1 AND lead_id = ?2")?
        .execute(params![tenant.as_str(), from, into])?)
}
