//! SQL for API keys: only a SHA-256 hash of each key is stored.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::Result;
use crate::model::{ApiKey, TenantId, Tier};

const COLUMNS: &str = "id, tenant_id, name, tier, prefix, created_at, last_used_at, revoked_at";

pub fn insert(conn: &Connection, key: &ApiKey, hash: &[u8]) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO api_keys ({COLUMNS}, key_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            key.id,
            key.tenant.as_str(),
            key.name,
            key.tier.as_str(),
            key.prefix,
            key.created_at.as_millisecond(),
            key.last_used_at.map(jiff::Timestamp::as_millisecond),
            key.revoked_at.map(jiff::Timestamp::as_millisecond),
            hash,
        ],
    )?;
    Ok(())
}

/// The live (not revoked) key with this hash. The lookup is by an index on the hash; the
/// hash of a random 32-byte secret cannot be probed byte by byte through timing.
pub fn find_active_by_hash(conn: &Connection, hash: &[u8]) -> Result<Option<ApiKey>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL"
        ))?
        .query_row([hash], from_row)
        .optional()?)
}

/// All keys, or one tenant's, oldest first.
pub fn list(conn: &Connection, tenant: Option<&TenantId>) -> Result<Vec<ApiKey>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE ?1 IS NULL OR tenant_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([tenant.map(TenantId::as_str)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<ApiKey>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Marks the key revoked; false when there is no such live key.
pub fn revoke(conn: &Connection, id: &str, at_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, at_ms],
    )?;
    Ok(changed > 0)
}

pub fn touch(conn: &Connection, id: &str, at_ms: i64) -> Result<()> {
    conn.prepare_cached("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1")?
        .execute(params![id, at_ms])?;
    Ok(())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<ApiKey> {
    let tenant: String = r.get(1)?;
    let tier: String = r.get(3)?;
    Ok(ApiKey {
        id: r.get(0)?,
        tenant: TenantId::from_stored(tenant),
        name: r.get(2)?,
        tier: Tier::parse("tier", &tier).unwrap_or(Tier::Free),
        prefix: r.get(4)?,
        created_at: from_millis(r.get(5)?),
        last_used_at: r.get::<_, Option<i64>>(6)?.map(from_millis),
        revoked_at: r.get::<_, Option<i64>>(7)?.map(from_millis),
    })
}
