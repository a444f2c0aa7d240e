//! SQL for tenants.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::{Error, Result};
use crate::model::{Tenant, TenantId};

pub fn insert(conn: &Connection, tenant: &Tenant) -> Result<()> {
    let inserted = conn.execute(
        "INSERT INTO tenants (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            tenant.id.as_str(),
            tenant.name,
            tenant.created_at.as_millisecond(),
            tenant.updated_at.as_millisecond()
        ],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Err(Error::Conflict {
                message: format!("tenant {} already exists", tenant.id),
                existing: None,
            })
        }
        Err(err) => Err(err.into()),
    }
}

/// Creates the tenant unless it exists; true when it was created.
pub fn ensure(conn: &Connection, tenant: &Tenant) -> Result<bool> {
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO tenants (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            tenant.id.as_str(),
            tenant.name,
            tenant.created_at.as_millisecond(),
            tenant.updated_at.as_millisecond()
        ],
    )?;
    Ok(inserted > 0)
}

pub fn update(conn: &Connection, tenant: &Tenant) -> Result<()> {
    let updated = conn.execute(
        "UPDATE tenants SET name = ?2, updated_at = ?3 WHERE id = ?1",
        params![
            tenant.id.as_str(),
            tenant.name,
            tenant.updated_at.as_millisecond()
        ],
    )?;
    if updated == 0 {
        return Err(Error::NotFound("tenant"));
    }
    Ok(())
}

pub fn get(conn: &Connection, id: &TenantId) -> Result<Option<Tenant>> {
    Ok(conn
        .prepare_cached("SELECT id, name, created_at, updated_at FROM tenants WHERE id = ?1")?
        .query_row([id.as_str()], from_row)
        .optional()?)
}

pub fn exists(conn: &Connection, id: &TenantId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tenants WHERE id = ?1")?
        .exists([id.as_str()])?)
}

pub fn list(conn: &Connection) -> Result<Vec<Tenant>> {
    let mut stmt =
        conn.prepare("SELECT id, name, created_at, updated_at FROM tenants ORDER BY id")?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Tenant> {
    let id: String = r.get(0)?;
    Ok(Tenant {
        id: TenantId::from_stored(id),
        name: r.get(1)?,
        created_at: from_millis(r.get(2)?),
        updated_at: from_millis(r.get(3)?),
    })
}

/// The `default` tenant exists from the first start on: a widget without `data-tenant`
/// and a fresh install's admin act on it.
pub fn ensure_default(conn: &Connection, now_ms: i64) -> Result<bool> {
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO tenants (id, name, created_at, updated_at)
         VALUES ('default', 'Default', ?1, ?1)",
        params![now_ms],
    )?;
    Ok(inserted > 0)
}

/// How many tenants exist (the health check's real read).
pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
