//! Reading conversations: lists for the dashboard and integrations, one with its messages.

use super::pagination;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Conversation, ConversationStatus, Message, Page, TenantId};
use crate::store;
use crate::store::conversations::Filter;

pub async fn list(
    app: &App,
    tenant: &TenantId,
    status: Option<ConversationStatus>,
    lead_id: Option<String>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Conversation>> {
    let limit = pagination::limit(limit)?;
    let before = pagination::after(cursor)?;
    let (tenant, filter) = (tenant.clone(), Filter { status, lead_id });
    let items = app
        .store
        .read(move |conn| {
            store::conversations::list(conn, &tenant, &filter, before.as_deref(), limit + 1)
        })
        .await?;
    Ok(pagination::keyset_page(items, limit, |c| &c.id))
}

/// A lead's conversations, newest first; 404 when the lead is not the tenant's.
pub async fn for_lead(
    app: &App,
    tenant: &TenantId,
    lead_id: &str,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Conversation>> {
    super::leads::get(app, tenant, lead_id).await?;
    list(app, tenant, None, Some(lead_id.to_owned()), cursor, limit).await
}

/// The conversation with its messages, oldest first.
pub async fn get(app: &App, tenant: &TenantId, id: &str) -> Result<(Conversation, Vec<Message>)> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| {
            let conversation = store::conversations::get(conn, &tenant, &id)?
                .ok_or(Error::NotFound("conversation"))?;
            let messages = store::conversations::messages(conn, &id)?;
            Ok((conversation, messages))
        })
        .await
}

/// Retention: deletes the conversations (with their messages) of every tenant that have had
/// no message for `days` days; returns how many.
pub async fn delete_older_than(app: &App, days: u32) -> Result<usize> {
    let cutoff = app
        .clock
        .now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))
        .map_err(Error::internal)?
        .as_millisecond();
    app.store
        .write(move |conn| store::conversations::delete_idle_since(conn, cutoff))
        .await
}
