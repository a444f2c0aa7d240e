//! SQL for model usage: one row per model-answered turn (migration 006), and reads of the
//! per-quarter-hour counters a trigger keeps beside it.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::model::{LlmTurn, LlmUsage, TenantId};

pub fn record_turn(conn: &Connection, turn: &LlmTurn) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO llm_turns (id, tenant_id, conversation_id, provider, model, tokens_in,
           tokens_out, requests, outcome, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        turn.tenant.as_str(),
        turn.conversation_id,
        turn.provider,
        turn.model,
        i64::try_from(turn.tokens_in).unwrap_or(i64::MAX),
        i64::try_from(turn.tokens_out).unwrap_or(i64::MAX),
        turn.requests,
        turn.outcome.as_str(),
        turn.created_at.as_millisecond(),
    ])?;
    Ok(())
}

/// How many turns of this conversation the model was asked to answer.
pub fn turns_in_conversation(conn: &Connection, conversation_id: &str) -> Result<u32> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM llm_turns WHERE conversation_id = ?1")?
        .query_row([conversation_id], |r| r.get(0))?)
}

/// Usage in each of `periods` consecutive periods of `period_slots` slots from `first_slot`,
/// as (period index, (model, usage)); periods without turns are absent.
pub fn usage_per_period(
    conn: &Connection,
    tenant: &TenantId,
    first_slot: i64,
    period_slots: i64,
    periods: i64,
) -> Result<Vec<(i64, (String, LlmUsage))>> {
    let mut stmt = conn.prepare_cached(
        "SELECT (slot - ?2) / ?3, model, sum(turns), sum(failed_turns), sum(tokens_in),
                sum(tokens_out)
           FROM llm_usage
          WHERE tenant_id = ?1 AND slot >= ?2 AND slot < ?2 + ?3 * ?4
          GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let count = |r: &rusqlite::Row<'_>, i| -> rusqlite::Result<u64> {
        Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
    };
    let rows = stmt.query_map(
        params![tenant.as_str(), first_slot, period_slots, periods],
        |r| {
            let usage = LlmUsage {
                turns: count(r, 2)?,
                failed_turns: count(r, 3)?,
                tokens_in: count(r, 4)?,
                tokens_out: count(r, 5)?,
            };
            Ok((r.get(0)?, (r.get(1)?, usage)))
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
