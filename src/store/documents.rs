//! SQL for knowledge-base documents and their chunks.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_millis;
use crate::error::{Error, Existing, Result};
use crate::ingest::Format;
use crate::ingest::chunk::Chunk;
use crate::model::{DocType, Document, TenantId};

const COLUMNS: &str = "id, tenant_id, title, type, format, size_bytes, content_hash, chunk_count, created_at, updated_at";

/// Inserts or replaces a document with its chunks (replacing drops the old chunks).
pub fn save(conn: &Connection, doc: &Document, text: &str, chunks: &[Chunk]) -> Result<()> {
    if let Some(existing) = find_by_hash(conn, &doc.tenant, &doc.content_hash)?
        && existing != doc.id
    {
        return Err(Error::Conflict {
            message: "a document with exactly this content already exists".into(),
            existing: Some(Existing::Document(existing)),
        });
    }
    conn.prepare_cached(&format!(
        "INSERT INTO documents ({COLUMNS}, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, type = excluded.type,
           format = excluded.format, size_bytes = excluded.size_bytes,
           content_hash = excluded.content_hash, chunk_count = excluded.chunk_count,
           updated_at = excluded.updated_at, text = excluded.text"
    ))?
    .execute(params![
        doc.id,
        doc.tenant.as_str(),
        doc.title,
        doc.doc_type.as_str(),
        doc.format.as_str(),
        doc.size_bytes as i64,
        doc.content_hash,
        doc.chunk_count,
        doc.created_at.as_millisecond(),
        doc.updated_at.as_millisecond(),
        text,
    ])?;
    conn.prepare_cached("DELETE FROM chunks WHERE document_id = ?1")?
        .execute([&doc.id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO chunks (document_id, position, tenant_id, heading, text, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for chunk in chunks {
        insert.execute(params![
            doc.id,
            chunk.position,
            doc.tenant.as_str(),
            chunk.heading,
            chunk.text,
            chunk.answer
        ])?;
    }
    Ok(())
}

pub fn find_by_hash(conn: &Connection, tenant: &TenantId, hash: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM documents WHERE tenant_id = ?1 AND content_hash = ?2")?
        .query_row(params![tenant.as_str(), hash], |r| r.get(0))
        .optional()?)
}

/// One document; with its text when `with_text`.
pub fn get(
    conn: &Connection,
    tenant: &TenantId,
    id: &str,
    with_text: bool,
) -> Result<Option<Document>> {
    let text_column = if with_text { "text" } else { "NULL" };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS}, {text_column} FROM documents WHERE tenant_id = ?1 AND id = ?2"
        ))?
        .query_row(params![tenant.as_str(), id], from_row)
        .optional()?)
}

/// Newest first, keyset-paginated on the time-ordered id, without the text.
pub fn list(
    conn: &Connection,
    tenant: &TenantId,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Document>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, NULL FROM documents WHERE tenant_id = ?1 AND (?2 IS NULL OR id < ?2)
         ORDER BY id DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![tenant.as_str(), before, limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete(conn: &Connection, tenant: &TenantId, id: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM documents WHERE tenant_id = ?1 AND id = ?2",
        params![tenant.as_str(), id],
    )? > 0)
}

pub fn count(conn: &Connection, tenant: &TenantId) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM documents WHERE tenant_id = ?1",
        [tenant.as_str()],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Chunks of every tenant (progress of an index rebuild).
pub fn count_chunks(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM chunks", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A stored chunk with its document's title.
pub struct StoredChunk {
    pub tenant: TenantId,
    pub document_id: String,
    pub title: String,
    pub position: u32,
    pub heading: String,
    pub text: String,
    pub answer: Option<String>,
}

const CHUNK_COLUMNS: &str =
    "c.tenant_id, c.document_id, d.title, c.position, c.heading, c.text, c.answer";

/// The document's chunks in order (what the index holds for it).
pub fn chunks_of(
    conn: &Connection,
    tenant: &TenantId,
    document_id: &str,
) -> Result<Vec<StoredChunk>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHUNK_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.tenant_id = ?1 AND c.document_id = ?2 ORDER BY c.position"
    ))?;
    let rows = stmt.query_map(params![tenant.as_str(), document_id], chunk_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn chunk(
    conn: &Connection,
    tenant: &TenantId,
    document_id: &str,
    position: u32,
) -> Result<Option<StoredChunk>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CHUNK_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.tenant_id = ?1 AND c.document_id = ?2 AND c.position = ?3"
        ))?
        .query_row(
            params![tenant.as_str(), document_id, position],
            chunk_from_row,
        )
        .optional()?)
}

/// Every chunk of every tenant (index rebuilds).
pub fn for_each_chunk(
    conn: &Connection,
    mut each: impl FnMut(StoredChunk) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CHUNK_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.document_id, c.position"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(chunk_from_row(row)?)?;
    }
    Ok(())
}

fn chunk_from_row(r: &Row<'_>) -> rusqlite::Result<StoredChunk> {
    Ok(StoredChunk {
        tenant: TenantId::from_stored(r.get(0)?),
        document_id: r.get(1)?,
        title: r.get(2)?,
        position: r.get(3)?,
        heading: r.get(4)?,
        text: r.get(5)?,
        answer: r.get(6)?,
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    let doc_type: String = r.get(3)?;
    let format: String = r.get(4)?;
    Ok(Document {
        id: r.get(0)?,
        tenant: TenantId::from_stored(r.get(1)?),
        title: r.get(2)?,
        doc_type: DocType::parse("type", &doc_type).unwrap_or(DocType::Other),
        format: Format::parse(&format).unwrap_or(Format::Text),
        size_bytes: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
        content_hash: r.get(6)?,
        chunk_count: r.get(7)?,
        created_at: from_millis(r.get(8)?),
        updated_at: from_millis(r.get(9)?),
        text: r.get(10)?,
    })
}
