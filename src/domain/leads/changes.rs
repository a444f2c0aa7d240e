//! The lead-change rule, in one place for every caller (API, import, chat, merge): a lead is
//! written with its events, and the search index is told when what it holds changed.

use jiff::Timestamp;
use rusqlite::Connection;

use super::super::events;
use crate::error::Result;
use crate::model::{EventKind, Lead, LeadStatus};
use crate::search;
use crate::store;
use crate::store::search_changes::Kind;

/// Inserts a validated lead with its `lead.created` event; returns the search change.
pub(crate) fn record_new(conn: &Connection, lead: &Lead, now: Timestamp) -> Result<u64> {
    store::leads::insert(conn, lead)?;
    announce_new(conn, lead, now)
}

/// [`record_new`] for a lead whose email lead `holder` already has: a chat visitor's claim,
/// linked to the holder as a possible match and never merged on its own.
pub(crate) fn record_claimant(
    conn: &Connection,
    lead: &Lead,
    holder: &str,
    now: Timestamp,
) -> Result<u64> {
    store::leads::insert_claiming(conn, lead)?;
    store::lead_matches::link(conn, &lead.tenant, &lead.id, holder, now.as_millisecond())?;
    announce_new(conn, lead, now)
}

fn announce_new(conn: &Connection, lead: &Lead, now: Timestamp) -> Result<u64> {
    events::record(conn, &lead.tenant, EventKind::LeadCreated, lead, now)?;
    store::search_changes::record(conn, Kind::Lead, &lead.tenant, &lead.id)
}

/// Stores a changed lead with `lead.updated` (and `lead.qualified` when it just qualified);
/// the search change when the index must follow.
pub(crate) fn record_change(
    conn: &Connection,
    before: &Lead,
    lead: &Lead,
    now: Timestamp,
) -> Result<Option<u64>> {
    store::leads::update(conn, lead)?;
    events::record(conn, &lead.tenant, EventKind::LeadUpdated, lead, now)?;
    if lead.status == LeadStatus::Qualified && before.status != LeadStatus::Qualified {
        events::record(conn, &lead.tenant, EventKind::LeadQualified, lead, now)?;
    }
    if !search::leads::indexed_differently(before, lead) {
        return Ok(None);
    }
    store::search_changes::record(conn, Kind::Lead, &lead.tenant, &lead.id).map(Some)
}

/// [`record_change`] for a lead whose new email lead `holder` already has (a chat visitor's
/// correction): taken as a claim and linked, like [`record_claimant`].
pub(crate) fn record_claiming_change(
    conn: &Connection,
    before: &Lead,
    lead: &Lead,
    holder: &str,
    now: Timestamp,
) -> Result<Option<u64>> {
    store::leads::claim_email(conn, lead)?;
    store::lead_matches::link(conn, &lead.tenant, &lead.id, holder, now.as_millisecond())?;
    record_change(conn, before, lead, now)
}
