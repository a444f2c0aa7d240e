//! SQL for the admin token and admin sessions; both are stored as SHA-256 hashes.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

pub fn admin_token_hash(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT token_hash FROM admin_token WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_admin_token_hash(conn: &Connection, hash: &[u8], at_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO admin_token (id, token_hash, created_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        params![hash, at_ms],
    )?;
    Ok(())
}

pub fn insert(conn: &Connection, hash: &[u8], created_ms: i64, expires_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
        params![hash, created_ms, expires_ms],
    )?;
    Ok(())
}

/// True when a session with this hash exists and has not expired at `now_ms`.
pub fn is_live(conn: &Connection, hash: &[u8], now_ms: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")?
        .exists(params![hash, now_ms])?)
}

pub fn delete(conn: &Connection, hash: &[u8]) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash])?;
    Ok(())
}

/// Ends every session: a new admin token must log everyone out.
pub fn delete_all(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM sessions", [])?;
    Ok(())
}

pub fn delete_expired(conn: &Connection, now_ms: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now_ms])?)
}
