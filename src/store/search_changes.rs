//! SQL for the change log the search indexes follow: one row per changed item, written in
//! the same transaction as the change.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::model::TenantId;

/// Which index a change is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lead,
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Document => "document",
        }
    }
}

/// A change an index has not seen yet.
pub struct Change {
    pub seq: u64,
    pub tenant: TenantId,
    pub item_id: String,
}

/// Appends to the log; returns the change's sequence number.
pub fn record(conn: &Connection, kind: Kind, tenant: &TenantId, item_id: &str) -> Result<u64> {
    conn.prepare_cached(
        "INSERT INTO search_changes (kind, tenant_id, item_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![kind.as_str(), tenant.as_str(), item_id])?;
    Ok(u64::try_from(conn.last_insert_rowid()).unwrap_or(0))
}

pub fn after(conn: &Connection, kind: Kind, seq: u64, limit: usize) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, tenant_id, item_id FROM search_changes WHERE kind = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![kind.as_str(), seq as i64, limit as i64], |r| {
        Ok(Change {
            seq: r.get::<_, i64>(0)?.try_into().unwrap_or(0),
            tenant: TenantId::from_stored(r.get(1)?),
            item_id: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest sequence ever assigned (survives pruning: AUTOINCREMENT).
pub fn last_seq(conn: &Connection) -> Result<u64> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(seq.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
}

/// Forgets changes of `kind` its index has durably committed.
pub fn prune(conn: &Connection, kind: Kind, through: u64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM search_changes WHERE kind = ?1 AND seq <= ?2",
        params![kind.as_str(), through as i64],
    )?)
}
