//! SQL for analytics: reads of the counter tables that triggers keep exact (migration 004).
//!
//! Nothing here reads `leads` or `conversations`: every query touches at most a tenant's
//! counter rows (≤ 180 lead cells, one conversation row, ≤ 96 creation slots a day).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::{Error, Result};
use crate::model::{LeadSource, LeadStatus, TenantId};

/// Width of a `lead_creations` slot: a UTC quarter hour, in milliseconds. Migration 004
/// hard-codes the same number.
pub const SLOT_MS: i64 = 15 * 60 * 1000;

/// Score buckets: `qualification_score / 10`, with 100 in the last one.
pub const SCORE_BUCKETS: u8 = 10;

/// One counter cell: how many of the tenant's leads have this status, source and score bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadCount {
    pub status: LeadStatus,
    pub source: LeadSource,
    /// `0..SCORE_BUCKETS`
    pub score_bucket: u8,
    pub n: u64,
}

/// The tenant's non-empty lead counter cells.
pub fn lead_counts(conn: &Connection, tenant: &TenantId) -> Result<Vec<LeadCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, source, score_bucket, n FROM lead_counts WHERE tenant_id = ?1 AND n > 0",
    )?;
    let mut rows = stmt.query([tenant.as_str()])?;
    let mut counts = Vec::new();
    while let Some(row) = rows.next()? {
        let status: String = row.get(0)?;
        let source: String = row.get(1)?;
        counts.push(LeadCount {
            status: LeadStatus::parse("status", &status).map_err(|e| corrupt(&e))?,
            source: LeadSource::parse("source", &source).map_err(|e| corrupt(&e))?,
            score_bucket: row.get(2)?,
            n: count(row, 3)?,
        });
    }
    Ok(counts)
}

/// The tenant's number of conversations and the sum of their message counts.
pub fn conversation_totals(conn: &Connection, tenant: &TenantId) -> Result<(u64, u64)> {
    let totals = conn
        .prepare_cached(
            "SELECT conversations, messages FROM conversation_counts WHERE tenant_id = ?1",
        )?
        .query_row([tenant.as_str()], |r| Ok((count(r, 0)?, count(r, 1)?)))
        .optional()?;
    Ok(totals.unwrap_or((0, 0)))
}

/// Leads created in each of `periods` consecutive periods of `period_slots` slots starting
/// at `first_slot`, as (period index, count); empty periods are absent. SQLite sums the slots
/// itself, so a year of quarter hours comes back as at most 366 rows.
pub fn creations_per_period(
    conn: &Connection,
    tenant: &TenantId,
    first_slot: i64,
    period_slots: i64,
    periods: i64,
) -> Result<Vec<(i64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT (slot - ?2) / ?3, sum(n) FROM lead_creations
         WHERE tenant_id = ?1 AND slot >= ?2 AND slot < ?2 + ?3 * ?4
         GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1",
    )?;
    let rows = stmt.query_map(
        params![tenant.as_str(), first_slot, period_slots, periods],
        |r| Ok((r.get(0)?, count(r, 1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The slot an instant (milliseconds since the epoch) falls in, as migration 004 computes it
/// (SQLite's division truncates, so the two agree from 1970 on: no lead is older).
pub fn slot_of(ms: i64) -> i64 {
    ms.div_euclid(SLOT_MS)
}

/// A counter column; SQLite integers are signed, counters never go below zero.
fn count(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

fn corrupt(err: &Error) -> Error {
    Error::internal(format!("lead_counts holds an unknown value: {err}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::from_stored(id.to_owned())
    }

    fn migrated(up_to: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for sql in &super::super::migrate::MIGRATIONS[..up_to] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", up_to as i64)
            .unwrap();
        conn
    }

    fn add_tenant(conn: &Connection, id: &str) {
        conn.execute(
            "INSERT INTO tenants (id, name, created_at, updated_at) VALUES (?1, ?1, 0, 0)",
            [id],
        )
        .unwrap();
    }

    fn add_lead(
        conn: &Connection,
        tenant: &str,
        id: &str,
        status: &str,
        source: &str,
        score: i64,
        at: i64,
    ) {
        conn.execute(
            "INSERT INTO leads (id, tenant_id, name, email, email_key, status, qualification_score,
               metadata, source, created_at, updated_at)
             VALUES (?1, ?2, ?1, ?1, ?1, ?3, ?4, '{}', ?5, ?6, ?6)",
            params![id, tenant, status, score, source, at],
        )
        .unwrap();
    }

    fn add_conversation(
        conn: &Connection,
        tenant: &str,
        id: &str,
        lead: Option<&str>,
        messages: i64,
    ) {
        conn.execute(
            "INSERT INTO conversations (id, tenant_id, visitor_id, lead_id, channel, status,
               message_count, state, created_at, updated_at)
             VALUES (?1, ?2, 'v', ?3, 'web_chat', 'active', ?4, '{}', 0, 0)",
            params![id, tenant, lead, messages],
        )
        .unwrap();
    }

    /// Lead cells, creation slots, and (conversations, messages).
    type Counters = (Vec<LeadCount>, Vec<(i64, u64)>, (u64, u64));

    /// What the counters should say, by scanning the base tables.
    fn recount(conn: &Connection, t: &TenantId) -> Counters {
        let mut stmt = conn
            .prepare(
                "SELECT status, source, min(qualification_score / 10, 9), count(*) FROM leads
                 WHERE tenant_id = ?1 GROUP BY 1, 2, 3",
            )
            .unwrap();
        let cells = stmt
            .query_map([t.as_str()], |r| {
                Ok(LeadCount {
                    status: LeadStatus::parse("status", &r.get::<_, String>(0)?).unwrap(),
                    source: LeadSource::parse("source", &r.get::<_, String>(1)?).unwrap(),
                    score_bucket: r.get(2)?,
                    n: count(r, 3)?,
                })
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT created_at / 900000, count(*) FROM leads WHERE tenant_id = ?1
                 GROUP BY 1 ORDER BY 1",
            )
            .unwrap();
        let slots = stmt
            .query_map([t.as_str()], |r| Ok((r.get(0)?, count(r, 1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        let conversations = conn
            .query_row(
                "SELECT count(*), coalesce(sum(message_count), 0) FROM conversations
                 WHERE tenant_id = ?1",
                [t.as_str()],
                |r| Ok((count(r, 0)?, count(r, 1)?)),
            )
            .unwrap();
        (cells, slots, conversations)
    }

    fn counted(conn: &Connection, t: &TenantId) -> Counters {
        let mut cells = lead_counts(conn, t).unwrap();
        cells.sort_by_key(|c| (c.status.as_str(), c.source.as_str(), c.score_bucket));
        let mut stmt = conn
            .prepare(
                "SELECT slot, n FROM lead_creations WHERE tenant_id = ?1 AND n > 0 ORDER BY slot",
            )
            .unwrap();
        let slots = stmt
            .query_map([t.as_str()], |r| Ok((r.get(0)?, count(r, 1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        (cells, slots, conversation_totals(conn, t).unwrap())
    }

    fn assert_exact(conn: &Connection, t: &TenantId) {
        let (mut cells, slots, conversations) = recount(conn, t);
        cells.sort_by_key(|c| (c.status.as_str(), c.source.as_str(), c.score_bucket));
        assert_eq!(counted(conn, t), (cells, slots, conversations));
    }

    #[test]
    fn migration_backfills_counters_from_existing_rows() {
        let mut conn = migrated(3);
        add_tenant(&conn, "a");
        add_tenant(&conn, "b");
        add_lead(&conn, "a", "l1", "new", "api", 0, 1_000);
        add_lead(&conn, "a", "l2", "booked", "widget", 100, 1_000 + SLOT_MS);
        add_lead(&conn, "a", "l3", "booked", "widget", 95, 2_000 + SLOT_MS);
        add_lead(&conn, "b", "l4", "qualified", "import", 55, 5);
        add_conversation(&conn, "a", "c1", Some("l1"), 3);
        add_conversation(&conn, "a", "c2", None, 5);

        super::super::migrate::run(&mut conn).unwrap();

        let a = tenant("a");
        assert_exact(&conn, &a);
        let (cells, slots, conversations) = counted(&conn, &a);
        assert_eq!(cells.len(), 2, "{cells:?}");
        assert!(cells.contains(&LeadCount {
            status: LeadStatus::Booked,
            source: LeadSource::Widget,
            score_bucket: 9,
            n: 2
        }));
        assert_eq!(slots, vec![(0, 1), (1, 2)]);
        assert_eq!(conversations, (2, 8));
        assert_exact(&conn, &tenant("b"));
    }

    #[test]
    fn triggers_keep_counters_exact_through_updates_and_cascading_deletes() {
        let mut conn = migrated(3);
        super::super::migrate::run(&mut conn).unwrap();
        add_tenant(&conn, "a");
        add_tenant(&conn, "b");
        let a = tenant("a");
        add_lead(&conn, "a", "l1", "new", "api", 0, 10);
        add_lead(&conn, "a", "l2", "new", "widget", 42, 10 + 3 * SLOT_MS);
        add_lead(&conn, "b", "l3", "new", "widget", 42, 10);
        add_conversation(&conn, "a", "c1", Some("l1"), 1);
        add_conversation(&conn, "a", "c2", Some("l1"), 3);
        add_conversation(&conn, "a", "c3", None, 2);
        assert_exact(&conn, &a);

        conn.execute_batch(
            "UPDATE leads SET status = 'qualified', qualification_score = 100 WHERE id = 'l1';
             UPDATE leads SET status = status, qualification_score = 49 WHERE id = 'l2';
             UPDATE leads SET created_at = created_at + 900000 WHERE id = 'l2';
             UPDATE conversations SET message_count = message_count + 2 WHERE id = 'c3';",
        )
        .unwrap();
        assert_exact(&conn, &a);
        assert_eq!(conversation_totals(&conn, &a).unwrap(), (3, 8));

        // Erasing a lead erases its conversations by cascade; the counters follow both.
        conn.execute("DELETE FROM leads WHERE id = 'l1'", [])
            .unwrap();
        assert_exact(&conn, &a);
        assert_eq!(conversation_totals(&conn, &a).unwrap(), (1, 4));
        let total: u64 = lead_counts(&conn, &a).unwrap().iter().map(|c| c.n).sum();
        assert_eq!(total, 1);
        assert_exact(&conn, &tenant("b"));
    }

    #[test]
    fn creations_are_summed_per_period_within_the_range_only() {
        let mut conn = migrated(3);
        super::super::migrate::run(&mut conn).unwrap();
        add_tenant(&conn, "a");
        add_tenant(&conn, "b");
        let created = [
            (3, "early"),
            (4, "p0"),
            (4, "p0b"),
            (7, "p0c"),
            (12, "p2"),
            (16, "late"),
        ];
        for (slot, id) in created {
            add_lead(&conn, "a", id, "new", "api", 0, slot * SLOT_MS + 7);
        }
        add_lead(&conn, "b", "other", "new", "api", 0, 7);
        // Three periods of four slots: [4, 8), [8, 12), [12, 16).
        assert_eq!(
            creations_per_period(&conn, &tenant("a"), 4, 4, 3).unwrap(),
            vec![(0, 3), (2, 1)]
        );
    }

    #[test]
    fn slots_are_quarter_hours_from_the_epoch() {
        assert_eq!(slot_of(0), 0);
        assert_eq!(slot_of(SLOT_MS - 1), 0);
        assert_eq!(slot_of(SLOT_MS), 1);
        assert_eq!(slot_of(-1), -1);
    }
}
