//! SQL for conversations and their messages.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::{Error, Result};
use crate::model::context::{Handoff, HandoffReason, VisitorContext};
use crate::model::{Conversation, ConversationStatus, Message, Role, TenantId};

const COLUMNS: &str = "id, tenant_id, visitor_id, lead_id, status, summary, message_count, state, created_at, updated_at, context, handoff";

pub fn insert(conn: &Connection, c: &Conversation) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO conversations ({COLUMNS}, channel) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'web_chat')"
    ))?
    .execute(params![
        c.id,
        c.tenant.as_str(),
        c.visitor_id,
        c.lead_id,
        c.status.as_str(),
        c.summary,
        c.message_count,
        c.state.to_string(),
        c.created_at.as_millisecond(),
        c.updated_at.as_millisecond(),
        context_json(&c.context),
        c.handoff.as_ref().map(handoff_json),
    ])?;
    Ok(())
}

pub fn update(conn: &Connection, c: &Conversation) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE conversations SET lead_id = ?3, status = ?4, summary = ?5, message_count = ?6,
               state = ?7, updated_at = ?8, context = ?9, handoff = ?10
             WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![
            c.tenant.as_str(),
            c.id,
            c.lead_id,
            c.status.as_str(),
            c.summary,
            c.message_count,
            c.state.to_string(),
            c.updated_at.as_millisecond(),
            context_json(&c.context),
            c.handoff.as_ref().map(handoff_json),
        ])?;
    if changed == 0 {
        return Err(Error::NotFound("conversation"));
    }
    Ok(())
}

pub fn get(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Option<Conversation>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE tenant_id = ?1 AND id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], from_row)
        .optional()?)
}

/// Filters for listing conversations.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<ConversationStatus>,
    pub lead_id: Option<String>,
}

/// Newest first, keyset-paginated on the time-ordered id.
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    filter: &Filter,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Conversation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM conversations
         WHERE tenant_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR lead_id = ?3)
           AND (?4 IS NULL OR id < ?4)
         ORDER BY id DESC LIMIT ?5"
    ))?;
    let rows = stmt.query_map(
        params![
            tenant.as_str(),
            filter.status.map(ConversationStatus::as_str),
            filter.lead_id,
            before,
            limit as i64
        ],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Active conversations with no message since `idle_before_ms`, oldest first.
pub fn idle(conn: &Connection, idle_before_ms: i64, limit: usize) -> Result<Vec<Conversation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE status = 'active' AND updated_at < ?1
         ORDER BY updated_at LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![idle_before_ms, limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn add_message(conn: &Connection, conversation_id: &str, message: &Message) -> Result<()> {
    conn.prepare_cached("INSERT INTO messages (id, conversation_id, role, content, created_at, incomplete) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![
            uuid::Uuid::now_v7().to_string(),
            conversation_id,
            message.role.as_str(),
            message.content,
            message.created_at.as_millisecond(),
            message.incomplete,
        ])?;
    Ok(())
}

/// The conversation's messages, oldest first.
pub fn messages(conn: &Connection, conversation_id: &str) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT role, content, created_at, incomplete FROM messages WHERE conversation_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([conversation_id], |r| {
        let role: String = r.get(0)?;
        Ok(Message {
            role: Role::parse("role", &role).unwrap_or(Role::Assistant),
            content: r.get(1)?,
            created_at: from_millis(r.get(2)?),
            incomplete: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
    let status: String = r.get(4)?;
    let state: String = r.get(7)?;
    Ok(Conversation {
        id: r.get(0)?,
        tenant: TenantId::from_stored(r.get(1)?),
        visitor_id: r.get(2)?,
        lead_id: r.get(3)?,
        status: ConversationStatus::parse("status", &status).unwrap_or(ConversationStatus::Active),
        summary: r.get(5)?,
        message_count: r.get(6)?,
        state: serde_json::from_str(&state).unwrap_or_default(),
        created_at: from_millis(r.get(8)?),
        updated_at: from_millis(r.get(9)?),
        context: r
            .get::<_, Option<String>>(10)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        handoff: r
            .get::<_, Option<String>>(11)?
            .and_then(|json| handoff_from(&json)),
    })
}

/// NULL for a visitor the widget told nothing about.
fn context_json(context: &VisitorContext) -> Option<String> {
    (*context != VisitorContext::default())
        .then(|| serde_json::to_string(context).ok())
        .flatten()
}

fn handoff_json(handoff: &Handoff) -> String {
    serde_json::json!({
        "reason": handoff.reason.as_str(),
        "requestedAt": handoff.requested_at.as_millisecond(),
    })
    .to_string()
}

fn handoff_from(json: &str) -> Option<Handoff> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(Handoff {
        reason: HandoffReason::parse(value["reason"].as_str()?)?,
        requested_at: from_millis(value["requestedAt"].as_i64()?),
    })
}

/// A conversation by id, if it belongs to this visitor (the public widget API).
pub fn get_for_visitor(conn: &Connection, id: &str, visitor: &str) -> Result<Option<Conversation>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE id = ?1 AND visitor_id = ?2"
        ))?
        .query_row(params![id, visitor], from_row)
        .optional()?)
}

/// The lead the visitor was identified as in an earlier conversation, if any.
pub fn visitor_lead(conn: &Connection, tenant: &TenantId, visitor: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT lead_id FROM conversations WHERE tenant_id = ?1 AND visitor_id = ?2 AND lead_id IS NOT NULL
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![tenant.as_str(), visitor], |r| r.get(0))
        .optional()?)
}

/// Deletes every conversation (of every tenant) with no message since `before_ms`, with its
/// messages; returns how many.
pub fn delete_idle_since(conn: &Connection, before_ms: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached("DELETE FROM conversations WHERE updated_at < ?1")?
        .execute(rusqlite::params![before_ms])?)
}

/// Moves every conversation of lead `from` to lead `into` (a merge); returns how many.
pub fn move_to_lead(conn: &Connection, tenant: &TenantId, from: &str, into: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE conversations SET lead_id = ?3 WHERE tenant_id = ?1 AND lead_id = ?2",
        )?
        .execute(rusqlite::params![tenant.as_str(), from, into])?)
}
