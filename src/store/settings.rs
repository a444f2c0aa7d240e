//! SQL for tenant settings (one JSON document per tenant).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::model::TenantId;

pub fn get(conn: &Connection, tenant: &TenantId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT settings FROM tenant_settings WHERE tenant_id = ?1")?
        .query_row([tenant.as_str()], |r| r.get(0))
        .optional()?)
}

pub fn put(conn: &Connection, tenant: &TenantId, settings: &str, at_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO tenant_settings (tenant_id, settings, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
        params![tenant.as_str(), settings, at_ms],
    )?;
    Ok(())
}
