//! SQL for leads.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::{Error, Existing, Result};
use crate::model::{Lead, LeadSource, LeadStatus, TenantId};

const COLUMNS: &str = "id, tenant_id, name, email, phone, company, status, qualification_score,
     qualification, metadata, source, created_at, updated_at";

/// The key duplicates are detected on: one lead per address per tenant.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn insert(conn: &Connection, lead: &Lead) -> Result<()> {
    insert_keyed(conn, lead, &email_key(&lead.email))
}

/// Inserts a lead whose email another lead already holds: a chat visitor's claim, keyed on
/// the lead's own id so the address stays with the lead that had it.
pub fn insert_claiming(conn: &Connection, lead: &Lead) -> Result<()> {
    insert_keyed(conn, lead, &lead.id)
}

fn insert_keyed(conn: &Connection, lead: &Lead, key: &str) -> Result<()> {
    let inserted = conn
        .prepare_cached(&format!(
            "INSERT INTO leads ({COLUMNS}, email_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ))?
        .execute(params![
            lead.id,
            lead.tenant.as_str(),
            lead.name,
            lead.email,
            lead.phone,
            lead.company,
            lead.status.as_str(),
            lead.qualification_score,
            qualification_json(lead)?,
            serde_json::to_string(&lead.metadata)?,
            lead.source.as_str(),
            lead.created_at.as_millisecond(),
            lead.updated_at.as_millisecond(),
            key,
        ]);
    inserted
        .map(drop)
        .map_err(|err| duplicate_email(conn, lead, err))
}

/// Writes the lead's fields. A claimed email (keyed on the lead's id) stays claimed while the
/// address is unchanged; a new address is keyed on itself.
pub fn update(conn: &Connection, lead: &Lead) -> Result<()> {
    let updated = conn
        .prepare_cached(
            "UPDATE leads SET name = ?3, email = ?4, phone = ?6, company = ?7,
               email_key = CASE WHEN email_key = id AND email = ?4 THEN id ELSE ?5 END,
               status = ?8, qualification_score = ?9, qualification = ?10, metadata = ?11,
               updated_at = ?12
             WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![
            lead.tenant.as_str(),
            lead.id,
            lead.name,
            lead.email,
            email_key(&lead.email),
            lead.phone,
            lead.company,
            lead.status.as_str(),
            lead.qualification_score,
            qualification_json(lead)?,
            serde_json::to_string(&lead.metadata)?,
            lead.updated_at.as_millisecond(),
        ]);
    match updated {
        Ok(0) => Err(Error::NotFound("lead")),
        Ok(_) => Ok(()),
        Err(err) => Err(duplicate_email(conn, lead, err)),
    }
}

/// Gives the lead its new email as a claim on an address another lead holds (keyed on the
/// lead's own id); the rest of its fields are written by [`update`].
pub fn claim_email(conn: &Connection, lead: &Lead) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE leads SET email = ?3, email_key = id WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![lead.tenant.as_str(), lead.id, lead.email])?;
    if changed == 0 {
        return Err(Error::NotFound("lead"));
    }
    Ok(())
}

/// Turns a UNIQUE violation on the email into a 409 naming the lead that holds it.
fn duplicate_email(conn: &Connection, lead: &Lead, err: rusqlite::Error) -> Error {
    let is_unique = matches!(
        &err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    );
    if !is_unique {
        return err.into();
    }
    match find_by_email(conn, &lead.tenant, &lead.email) {
        Ok(Some(existing)) => Error::Conflict {
            message: format!("a lead with email {} already exists", lead.email.trim()),
            existing: Some(Existing::Lead(existing)),
        },
        Ok(None) => err.into(),
        Err(other) => other,
    }
}

pub fn find_by_email(conn: &Connection, tenant: &TenantId, email: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND email_key = ?2")?
        .query_row(params![tenant.as_str(), email_key(email)], |r| r.get(0))
        .optional()?)
}

/// Makes a claimed email the lead's own again once no other lead holds the address (after a
/// merge took the holder away); false when it was not claimed or is still held.
pub fn settle_claim(conn: &Connection, lead: &Lead) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE leads SET email_key = ?3
             WHERE tenant_id = ?1 AND id = ?2 AND email_key = id
               AND NOT EXISTS (SELECT 1 FROM leads WHERE tenant_id = ?1 AND email_key = ?3)",
        )?
        .execute(params![
            lead.tenant.as_str(),
            lead.id,
            email_key(&lead.email)
        ])?;
    Ok(changed > 0)
}

/// The tenant a lead id belongs to, whichever tenant that is (ids are unique across all).
pub fn tenant_of(conn: &Connection, id: &str) -> Result<Option<TenantId>> {
    Ok(conn
        .prepare_cached("SELECT tenant_id FROM leads WHERE id = ?1")?
        .query_row(params![id], |r| r.get(0).map(TenantId::from_stored))
        .optional()?)
}

pub fn get(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Option<Lead>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM leads WHERE tenant_id = ?1 AND id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], from_row)
        .optional()?)
}

/// Reads the given leads in the order of `ids`, skipping any that no longer exist.
pub fn get_many(conn: &Connection, tenant: &TenantId, ids: &[String]) -> Result<Vec<Lead>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM leads WHERE tenant_id = ?1 AND id = ?2"
    ))?;
    let mut leads = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(lead) = stmt
            .query_row(params![tenant.as_str(), id], from_row)
            .optional()?
        {
            leads.push(lead);
        }
    }
    Ok(leads)
}

pub fn delete(conn: &Connection, tenant: &TenantId, id: &str) -> Result<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM leads WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![tenant.as_str(), id])?;
    Ok(deleted > 0)
}

/// Which leads a list holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub status: Option<LeadStatus>,
    /// Created at or after this instant.
    pub created_since: Option<jiff::Timestamp>,
}

/// Newest first, keyset-paginated on the time-ordered id: `before` is the last id seen.
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    filter: Filter,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Lead>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM leads
         WHERE tenant_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR id < ?3)
           AND (?5 IS NULL OR created_at >= ?5)
         ORDER BY id DESC LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        params![
            tenant.as_str(),
            filter.status.map(LeadStatus::as_str),
            before,
            limit as i64,
            filter.created_since.map(jiff::Timestamp::as_millisecond),
        ],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every lead of every tenant, in id order, handed to `each` (index rebuilds, exports).
pub fn for_each(conn: &Connection, mut each: impl FnMut(Lead) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM leads ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(from_row(row)?)?;
    }
    Ok(())
}

fn qualification_json(lead: &Lead) -> Result<Option<String>> {
    Ok(lead
        .qualification
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
    let status: String = r.get(6)?;
    let source: String = r.get(10)?;
    let qualification: Option<String> = r.get(8)?;
    let metadata: String = r.get(9)?;
    Ok(Lead {
        id: r.get(0)?,
        tenant: TenantId::from_stored(r.get(1)?),
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        company: r.get(5)?,
        status: LeadStatus::parse("status", &status).unwrap_or(LeadStatus::New),
        qualification_score: r.get(7)?,
        qualification: qualification.and_then(|q| serde_json::from_str(&q).ok()),
        metadata: serde_json::from_str(&metadata).unwrap_or_default(),
        source: LeadSource::parse("source", &source).unwrap_or(LeadSource::Api),
        created_at: from_millis(r.get(11)?),
        updated_at: from_millis(r.get(12)?),
    })
}

/// Leads of every tenant (progress of an index rebuild).
pub fn count_all(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM leads", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
