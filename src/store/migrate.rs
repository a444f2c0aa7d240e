//! Forward-only migrations keyed by `PRAGMA user_version`, each in its own transaction.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_foundation.sql"),
    include_str!("migrations/002_knowledge.sql"),
    include_str!("migrations/003_conversations.sql"),
    include_str!("migrations/004_analytics.sql"),
    include_str!("migrations/005_webhooks.sql"),
    include_str!("migrations/006_llm.sql"),
    include_str!("migrations/007_lead_events.sql"),
    include_str!("migrations/008_lead_matches.sql"),
    include_str!("migrations/009_conversation_context.sql"),
];

pub fn run(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(Error::Unavailable(format!(
            "database schema version {current} is newer than this synaptiq ({}); upgrade synaptiq",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "database migrated");
    }
    Ok(())
}

/// The schema as SQLite reports it, one statement per entry, in a stable order.
pub fn dump_schema(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(statements: Vec<String>) -> Vec<String> {
        statements
            .into_iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// `schema.sql` is the documented whole schema; the migrations must produce exactly it.
    #[test]
    fn migrations_produce_schema_sql() {
        let mut migrated = Connection::open_in_memory().unwrap();
        run(&mut migrated).unwrap();
        let declared = Connection::open_in_memory().unwrap();
        declared
            .execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        assert_eq!(
            normalize(dump_schema(&migrated).unwrap()),
            normalize(dump_schema(&declared).unwrap())
        );
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        run(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }
}
