//! SQL for lead matches: pairs of leads that may be one person, kept for the team to merge.

use rusqlite::{Connection, params};

use crate::clock::from_millis;
use crate::error::Result;
use crate::model::TenantId;

/// Why two leads may be one person.
pub const SAME_EMAIL: &str = "same_email";

/// One lead's possible match: the other lead, why, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub lead_id: String,
    pub reason: String,
    pub since: jiff::Timestamp,
}

/// Records that `lead_id` may be the person `match_id` already is (once per pair).
pub fn link(
    conn: &Connection,
    tenant: &TenantId,
    lead_id: &str,
    match_id: &str,
    at_ms: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO lead_matches (tenant_id, lead_id, match_id, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        tenant.as_str(),
        lead_id,
        match_id,
        SAME_EMAIL,
        at_ms
    ])?;
    Ok(())
}

/// The leads linked to `id` either way, oldest link first.
pub fn for_lead(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Vec<Match>> {
    let mut stmt = conn.prepare_cached(
        "SELECT match_id, reason, created_at FROM lead_matches WHERE tenant_id = ?1 AND lead_id = ?2
         UNION ALL
         SELECT lead_id, reason, created_at FROM lead_matches WHERE tenant_id = ?1 AND match_id = ?2
         ORDER BY 3, 1",
    )?;
    let rows = stmt.query_map(params![tenant.as_str(), id], |r| {
        Ok(Match {
            lead_id: r.get(0)?,
            reason: r.get(1)?,
            since: from_millis(r.get(2)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves `from`'s links to `into` (a merge), dropping the pair they formed together.
pub fn move_links(conn: &Connection, tenant: &TenantId, from: &str, into: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO lead_matches (tenant_id, lead_id, match_id, reason, created_at)
         SELECT tenant_id, ?3, match_id, reason, created_at FROM lead_matches
          WHERE tenant_id = ?1 AND lead_id = ?2 AND match_id <> ?3
         UNION ALL
         SELECT tenant_id, lead_id, ?3, reason, created_at FROM lead_matches
          WHERE tenant_id = ?1 AND match_id = ?2 AND lead_id <> ?3
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![tenant.as_str(), from, into])?;
    Ok(())
}
