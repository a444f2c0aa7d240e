//! Leads: validation, the status rules, and the events each change emits.

mod changes;
pub mod columns;
pub mod csv;
pub mod import;
pub mod merge;

pub use crate::store::leads::Filter;
pub(crate) use changes::{record_change, record_claimant, record_claiming_change, record_new};

use email_address::EmailAddress;
use serde_json::{Map, Value};

use super::events;
use super::pagination::{self, Cursor};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{
    Conversation, Delivery, EventKind, Lead, LeadSource, LeadStatus, Meeting, Message, Page,
    TenantId,
};
use crate::search::leads::MAX_RESULTS;
use crate::store;
use crate::store::search_changes::Kind;

const MAX_METADATA_BYTES: usize = 16 * 1024;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_PHONE_CHARS: usize = 50;
pub const MAX_COMPANY_CHARS: usize = 200;

/// A lead as a caller submits it.
#[derive(Debug, Clone, Default)]
pub struct NewLead {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub metadata: Option<Value>,
}

/// A change to one field: leave it, clear it, or set it.
#[derive(Debug, Clone, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Patch<String>,
    pub company: Patch<String>,
    pub status: Option<LeadStatus>,
    pub qualification_score: Option<i64>,
    pub metadata: Patch<Value>,
}

/// Whether a write answers at once or only once its change is searchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Refresh {
    #[default]
    Immediate,
    WaitFor,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

pub async fn create(
    app: &App,
    tenant: &TenantId,
    input: NewLead,
    source: LeadSource,
    refresh: Refresh,
) -> Result<Lead> {
    let now = app.clock.now();
    let lead = Lead {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        name: valid_name(&input.name)?,
        email: valid_email(&input.email)?,
        phone: optional_text("phone", input.phone, MAX_PHONE_CHARS)?,
        company: optional_text("company", input.company, MAX_COMPANY_CHARS)?,
        status: LeadStatus::New,
        qualification_score: 0,
        qualification: None,
        metadata: valid_metadata(input.metadata)?,
        source,
        created_at: now,
        updated_at: now,
    };
    let (lead, seq) = app
        .store
        .write(move |conn| {
            ensure_tenant(conn, &lead.tenant)?;
            let seq = record_new(conn, &lead, now)?;
            Ok((lead, seq))
        })
        .await?;
    searchable(app, seq, refresh).await?;
    Ok(lead)
}

pub async fn get(app: &App, tenant: &TenantId, id: &str) -> Result<Lead> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| store::leads::get(conn, &tenant, &id))
        .await?
        .ok_or(Error::NotFound("lead"))
}

pub async fn update(
    app: &App,
    tenant: &TenantId,
    id: &str,
    patch: LeadPatch,
    refresh: Refresh,
) -> Result<Lead> {
    let now = app.clock.now();
    let changes = validate_patch(patch)?;
    let (tenant, id) = (tenant.clone(), id.to_owned());
    let (lead, seq) = app
        .store
        .write(move |conn| {
            let before = store::leads::get(conn, &tenant, &id)?.ok_or(Error::NotFound("lead"))?;
            let mut lead = before.clone();
            changes.apply(&mut lead);
            if lead == before {
                return Ok((lead, None));
            }
            lead.updated_at = now;
            let seq = record_change(conn, &before, &lead, now)?;
            Ok((lead, seq))
        })
        .await?;
    if let Some(seq) = seq {
        searchable(app, seq, refresh).await?;
    }
    Ok(lead)
}

/// Erases the lead and everything that hangs off it (GDPR erasure).
pub async fn delete(app: &App, tenant: &TenantId, id: &str, refresh: Refresh) -> Result<()> {
    let now = app.clock.now();
    let (tenant, id) = (tenant.clone(), id.to_owned());
    let seq = app
        .store
        .write(move |conn| {
            let lead = store::leads::get(conn, &tenant, &id)?.ok_or(Error::NotFound("lead"))?;
            store::leads::delete(conn, &tenant, &id)?;
            // Earlier events carry copies of the lead; with them go their deliveries, pending
            // or not. Its `lead.deleted` event is what tells the receivers to erase it too.
            store::events::delete_for_lead(conn, &tenant, &id)?;
            events::record(conn, &tenant, EventKind::LeadDeleted, &lead, now)?;
            store::search_changes::record(conn, Kind::Lead, &tenant, &id)
        })
        .await?;
    searchable(app, seq, refresh).await
}

pub async fn list(app: &App, tenant: &TenantId, query: ListQuery) -> Result<Page<Lead>> {
    let limit = pagination::limit(query.limit)?;
    match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => search(app, tenant, q, query.status, query.cursor.as_deref(), limit).await,
        None => {
            let before = pagination::after(query.cursor.as_deref())?;
            let tenant = tenant.clone();
            let filter = store::leads::Filter {
                status: query.status,
                created_since: None,
            };
            let leads = app
                .store
                .read(move |conn| {
                    store::leads::list(conn, &tenant, filter, before.as_deref(), limit + 1)
                })
                .await?;
            Ok(pagination::keyset_page(leads, limit, |l| &l.id))
        }
    }
}

/// Ranked full-text search; the rows are read back from SQLite, so they are always current.
async fn search(
    app: &App,
    tenant: &TenantId,
    q: &str,
    status: Option<LeadStatus>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Lead>> {
    if q.chars().count() > 200 {
        return Err(Error::invalid("q", "must be at most 200 characters"));
    }
    let offset = match cursor.map(Cursor::decode).transpose()? {
        Some(Cursor::Offset(n)) => n,
        Some(Cursor::After(_)) => {
            return Err(Error::invalid("cursor", "not a cursor for this search"));
        }
        None => 0,
    };
    let fetch = (limit + 1).min(MAX_RESULTS.saturating_sub(offset));
    let (index, tenant, q) = (app.leads_index.clone(), tenant.clone(), q.to_owned());
    let store = app.store.clone();
    let (leads, more) = tokio::task::spawn_blocking(move || {
        let ids = index.search(&tenant, &q, status, offset, fetch)?;
        let more = ids.len() > limit;
        let page = &ids[..ids.len().min(limit)];
        let mut leads = store.read_blocking(|conn| store::leads::get_many(conn, &tenant, page))?;
        // The index may lag the truth by one refresh: filter on the status as stored.
        leads.retain(|lead| status.is_none_or(|s| lead.status == s));
        Ok::<_, Error>((leads, more))
    })
    .await
    .map_err(Error::internal)??;
    let next_cursor = more.then(|| Cursor::Offset(offset + limit).encode());
    Ok(Page {
        items: leads,
        next_cursor,
    })
}

/// Everything held about one lead, for a GDPR access request.
pub struct LeadExport {
    pub lead: Lead,
    /// Its conversations, each with its messages, oldest first.
    pub conversations: Vec<(Conversation, Vec<Message>)>,
    pub meetings: Vec<Meeting>,
    /// Every event about the lead, as delivered, oldest first.
    pub events: Vec<Value>,
    /// Every webhook delivery that carried one of those events, oldest first.
    pub deliveries: Vec<Delivery>,
    pub exported_at: jiff::Timestamp,
}

pub async fn export(app: &App, tenant: &TenantId, id: &str) -> Result<LeadExport> {
    let lead = get(app, tenant, id).await?;
    let (tenant, id) = (tenant.clone(), id.to_owned());
    let (conversations, meetings, events, deliveries) = app
        .store
        .read(move |conn| {
            let filter = store::conversations::Filter {
                status: None,
                lead_id: Some(id.clone()),
            };
            let mut conversations = Vec::new();
            for conversation in
                store::conversations::list(conn, &tenant, &filter, None, usize::MAX >> 1)?
                    .into_iter()
                    .rev()
            {
                let messages = store::conversations::messages(conn, &conversation.id)?;
                conversations.push((conversation, messages));
            }
            let meetings = store::meetings::list(
                conn,
                &tenant,
                Some(&id),
                (None, None),
                None,
                usize::MAX >> 1,
            )?;
            let events = store::events::for_lead(conn, &tenant, &id)?;
            let deliveries = store::webhooks::deliveries_for_lead(conn, &tenant, &id)?;
            Ok((conversations, meetings, events, deliveries))
        })
        .await?;
    Ok(LeadExport {
        lead,
        conversations,
        meetings,
        events: events.into_iter().map(|e| e.payload).collect(),
        deliveries,
        exported_at: app.clock.now(),
    })
}

/// An export's `since`: an RFC 3339 time, or a date (its start, UTC).
pub fn parse_since(raw: &str) -> Result<jiff::Timestamp> {
    let raw = raw.trim();
    raw.parse::<jiff::Timestamp>()
        .or_else(|_| {
            raw.parse::<jiff::civil::Date>().and_then(|d| {
                jiff::tz::TimeZone::UTC.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            })
        })
        .map_err(|_| {
            Error::invalid(
                "since",
                format!("{raw:?} is not a date (2026-04-01) or an RFC 3339 time"),
            )
        })
}

pub(super) async fn searchable(app: &App, seq: u64, refresh: Refresh) -> Result<()> {
    app.leads_index.notify();
    if refresh == Refresh::WaitFor {
        app.leads_index.wait_for(seq).await?;
    }
    Ok(())
}

fn ensure_tenant(conn: &rusqlite::Connection, tenant: &TenantId) -> Result<()> {
    if store::tenants::exists(conn, tenant)? {
        Ok(())
    } else {
        Err(Error::NotFound("tenant"))
    }
}

/// A validated patch, ready to apply inside the write transaction.
struct Changes(LeadPatch);

impl Changes {
    fn apply(self, lead: &mut Lead) {
        let p = self.0;
        if let Some(name) = p.name {
            lead.name = name;
        }
        if let Some(email) = p.email {
            lead.email = email;
        }
        apply_patch(&mut lead.phone, p.phone);
        apply_patch(&mut lead.company, p.company);
        if let Some(status) = p.status {
            lead.status = status;
        }
        if let Some(score) = p.qualification_score {
            lead.qualification_score = u8::try_from(score).unwrap_or(100);
        }
        match p.metadata {
            Patch::Keep => {}
            Patch::Clear => lead.metadata = Map::new(),
            Patch::Set(Value::Object(map)) => lead.metadata = map,
            Patch::Set(_) => {}
        }
    }
}

fn apply_patch(field: &mut Option<String>, patch: Patch<String>) {
    match patch {
        Patch::Keep => {}
        Patch::Clear => *field = None,
        Patch::Set(value) => *field = Some(value),
    }
}

fn validate_patch(patch: LeadPatch) -> Result<Changes> {
    let text_patch = |field, value: Patch<String>, max| -> Result<Patch<String>> {
        Ok(match value {
            Patch::Set(v) => match optional_text(field, Some(v), max)? {
                Some(v) => Patch::Set(v),
                None => Patch::Clear,
            },
            other => other,
        })
    };
    if let Some(score) = patch.qualification_score
        && !(0..=100).contains(&score)
    {
        return Err(Error::invalid(
            "qualificationScore",
            "must be an integer from 0 to 100",
        ));
    }
    Ok(Changes(LeadPatch {
        name: patch.name.as_deref().map(valid_name).transpose()?,
        email: patch.email.as_deref().map(valid_email).transpose()?,
        phone: text_patch("phone", patch.phone, MAX_PHONE_CHARS)?,
        company: text_patch("company", patch.company, MAX_COMPANY_CHARS)?,
        status: patch.status,
        qualification_score: patch.qualification_score,
        metadata: match patch.metadata {
            Patch::Set(v) => Patch::Set(Value::Object(valid_metadata(Some(v))?)),
            other => other,
        },
    }))
}

pub fn valid_name(name: &str) -> Result<String> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(Error::invalid(
            "name",
            format!("must be 1-{MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

pub fn valid_email(email: &str) -> Result<String> {
    let email = email.trim();
    if email.len() > 254 || !EmailAddress::is_valid(email) || !email.contains('.') {
        return Err(Error::invalid("email", "must be a valid email address"));
    }
    Ok(email.to_owned())
}

/// Trims; an empty value means "none".
pub fn optional_text(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>> {
    let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(value))
}

fn valid_metadata(metadata: Option<Value>) -> Result<Map<String, Value>> {
    match metadata {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => {
            if serde_json::to_vec(&map)?.len() > MAX_METADATA_BYTES {
                return Err(Error::invalid("metadata", "must be at most 16 KiB of JSON"));
            }
            Ok(map)
        }
        Some(_) => Err(Error::invalid("metadata", "must be a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_trimmed() {
        assert_eq!(
            valid_email("  jane@example.com ").unwrap(),
            "jane@example.com"
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "a b@example.com",
        ] {
            assert!(valid_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_1_to_200_characters() {
        assert!(valid_name("   ").is_err());
        assert!(valid_name(&"é".repeat(200)).is_ok());
        assert!(valid_name(&"é".repeat(201)).is_err());
    }

    #[test]
    fn metadata_must_be_a_small_object() {
        assert!(valid_metadata(Some(serde_json::json!([1]))).is_err());
        assert!(valid_metadata(Some(serde_json::json!({"k": "x".repeat(17_000)}))).is_err());
        assert_eq!(valid_metadata(None).unwrap(), Map::new());
    }
}
