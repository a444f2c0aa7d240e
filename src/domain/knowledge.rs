//! The knowledge base: documents the agent answers from. An upload is extracted, chunked
//! and indexed before it is acknowledged, so a 201 means the agent can use it.

use sha2::{Digest, Sha256};

use super::pagination;
use crate::agent::builtin::answer;
use crate::app::App;
use crate::error::{Error, Result};
use crate::ingest::{self, Extracted, chunk};
use crate::model::{ChunkHit, DocType, Document, Page, TenantId};
use crate::search::chunks::Indexed;
use crate::store;
use crate::store::search_changes::Kind;

/// Uploads larger than this are refused with 413, the limit the API documents.
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;
const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SEARCH_RESULTS: usize = 50;
/// Passages the built-in agent chooses its answer from: enough that a question worded
/// unlike the documents, or asking two things, still finds each passage.
const AGENT_HITS: i64 = 8;
/// The questions of one message searched for; more are rare and would slow the reply.
const MAX_QUESTIONS: usize = 4;
/// A query longer than this is cut, as the search refuses longer ones.
const MAX_QUERY_CHARS: usize = 500;

/// What was uploaded: text from the JSON API, or a file.
pub enum Content {
    Text(String),
    File {
        bytes: Vec<u8>,
        name: Option<String>,
    },
}

pub struct Upload {
    pub title: Option<String>,
    pub doc_type: Option<DocType>,
    pub content: Content,
}

pub async fn create(app: &App, tenant: &TenantId, upload: Upload) -> Result<Document> {
    save(app, tenant, None, upload).await
}

/// Replaces a document's content (and title/type when given) under the same id.
pub async fn replace(app: &App, tenant: &TenantId, id: &str, upload: Upload) -> Result<Document> {
    let current = get(app, tenant, id).await?;
    let upload = Upload {
        title: upload.title.or(Some(current.title)),
        doc_type: upload.doc_type.or(Some(current.doc_type)),
        content: upload.content,
    };
    save(app, tenant, Some(id.to_owned()), upload).await
}

/// A document ready to store: extracted, chunked and hashed, off the async runtime.
struct Prepared {
    title: String,
    doc_type: DocType,
    extracted: Extracted,
    chunks: Vec<chunk::Chunk>,
    size_bytes: u64,
    content_hash: String,
}

async fn save(
    app: &App,
    tenant: &TenantId,
    id: Option<String>,
    upload: Upload,
) -> Result<Document> {
    let title = upload.title.map(|t| valid_title(&t)).transpose()?;
    let size = match &upload.content {
        Content::Text(text) => text.len(),
        Content::File { bytes, .. } => bytes.len(),
    };
    if size > MAX_UPLOAD_BYTES {
        return Err(Error::TooLarge(format!(
            "the document is larger than {} MiB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )));
    }
    let doc_type = upload.doc_type;
    let content = upload.content;
    let is_new = id.is_none();
    let id = id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let (index, tenant) = (app.chunks_index.clone(), tenant.clone());
    let reader = app.config.extractor.clone();
    let (id2, tenant2) = (id.clone(), tenant.clone());
    // The index documents are built here too, so the indexer need not read them back.
    let (prepared, indexed) = tokio::task::spawn_blocking(move || {
        let prepared = prepare(reader.as_deref(), title, doc_type, &content)?;
        let indexed = index.documents(prepared.chunks.iter().map(|c| Indexed {
            tenant: &tenant2,
            document_id: &id2,
            title: &prepared.title,
            position: c.position,
            heading: &c.heading,
            text: &c.text,
        }));
        Ok::<_, Error>((prepared, indexed))
    })
    .await
    .map_err(Error::internal)??;
    let now = app.clock.now();
    // Indexed while SQLite writes; dropped by a failed write, which undoes it.
    let early = app.chunks_index.index_early(&tenant, &id, indexed);
    // Thousands of chunk rows: in a transaction of their own, not a grouped write's savepoint.
    let (document, seq) = app
        .store
        .write_alone(move |conn| {
            let created_at = if is_new {
                now
            } else {
                store::documents::get(conn, &tenant, &id, false)?
                    .ok_or(Error::NotFound("document"))?
                    .created_at
            };
            let document = Document {
                id,
                tenant: tenant.clone(),
                title: prepared.title,
                doc_type: prepared.doc_type,
                format: prepared.extracted.format,
                size_bytes: prepared.size_bytes,
                content_hash: prepared.content_hash,
                chunk_count: u32::try_from(prepared.chunks.len()).unwrap_or(u32::MAX),
                text: None,
                created_at,
                updated_at: now,
            };
            store::documents::save(
                conn,
                &document,
                &prepared.extracted.text(),
                &prepared.chunks,
            )?;
            let seq = store::search_changes::record(conn, Kind::Document, &tenant, &document.id)?;
            Ok((document, seq))
        })
        .await?;
    early.written(seq);
    // SQLite holds it now, so the index will get it; say so, since a 201 is not possible.
    app.chunks_index.wait_for(seq).await.map_err(|_| {
        Error::Unavailable(format!(
            "document {} is stored but not yet searchable: the search index is not catching up \
             (is the disk full, or has no core been idle for 30 s?); it becomes searchable \
             when the index catches up, and sending it again answers 409 with its id",
            document.id
        ))
    })?;
    Ok(document)
}

fn prepare(
    reader: Option<&std::path::Path>,
    title: Option<String>,
    doc_type: Option<DocType>,
    content: &Content,
) -> Result<Prepared> {
    let (raw, name) = match content {
        Content::Text(text) => (text.as_bytes(), None),
        Content::File { bytes, name } => (bytes.as_slice(), name.as_deref()),
    };
    // The upload is hashed on the other core while its text is extracted.
    let (content_hash, extracted) = std::thread::scope(|scope| {
        let hash = scope.spawn(|| hex::encode(Sha256::digest(raw)));
        let extracted = match content {
            Content::Text(text) => ingest::child::extract_content(reader, text),
            Content::File { bytes, name } => {
                ingest::child::extract_file(reader, bytes, name.as_deref())
            }
        };
        (hash.join(), extracted)
    });
    let content_hash = content_hash.map_err(|_| Error::internal("hashing an upload panicked"))?;
    let extracted = extracted?;
    let doc_type = doc_type.unwrap_or(DocType::Other);
    let chunks = chunk::chunk(&extracted.blocks, doc_type == DocType::Faq);
    let title = title
        .or_else(|| default_title(&extracted, name))
        .unwrap_or_else(|| "Untitled document".to_owned());
    Ok(Prepared {
        title,
        doc_type,
        chunks,
        size_bytes: raw.len() as u64,
        content_hash,
        extracted,
    })
}

/// The document's first heading (what a reader would call it), else the file name.
fn default_title(extracted: &Extracted, name: Option<&str>) -> Option<String> {
    extracted
        .first_heading()
        .map(|h| {
            let cut: String = h.chars().take(MAX_TITLE_CHARS).collect();
            cut.trim_end().to_owned()
        })
        .or_else(|| name.map(file_stem).filter(|s| !s.is_empty()))
}

fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.')
        .map_or(base, |(stem, _)| stem)
        .trim()
        .chars()
        .take(MAX_TITLE_CHARS)
        .collect()
}

fn valid_title(title: &str) -> Result<String> {
    let title = title.trim();
    let chars = title.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS {
        return Err(Error::invalid(
            "title",
            format!("must be 1-{MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title.to_owned())
}

pub async fn get(app: &App, tenant: &TenantId, id: &str) -> Result<Document> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| store::documents::get(conn, &tenant, &id, true))
        .await?
        .ok_or(Error::NotFound("document"))
}

pub async fn list(
    app: &App,
    tenant: &TenantId,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Document>> {
    let limit = pagination::limit(limit)?;
    let before = pagination::after(cursor)?;
    let tenant = tenant.clone();
    let documents = app
        .store
        .read(move |conn| store::documents::list(conn, &tenant, before.as_deref(), limit + 1))
        .await?;
    Ok(pagination::keyset_page(documents, limit, |d| &d.id))
}

/// Deletes the document; searches stop returning it at once (results are read back from
/// SQLite), and the index drops it within one refresh.
pub async fn delete(app: &App, tenant: &TenantId, id: &str) -> Result<()> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .write(move |conn| {
            if !store::documents::delete(conn, &tenant, &id)? {
                return Err(Error::NotFound("document"));
            }
            store::search_changes::record(conn, Kind::Document, &tenant, &id)
        })
        .await?;
    app.chunks_index.notify();
    Ok(())
}

/// The chunks that best answer `q`, best first, read back from SQLite so they are current.
/// The passages the built-in agent answers `message` from: the best for each question it
/// asks, so a long message, or one asking two things, finds each question's passage.
pub async fn search_for_answer(
    app: &App,
    tenant: &TenantId,
    message: &str,
) -> Result<Vec<ChunkHit>> {
    let mut found: Vec<ChunkHit> = Vec::new();
    for question in answer::questions(message).into_iter().take(MAX_QUESTIONS) {
        let q: String = question.chars().take(MAX_QUERY_CHARS).collect();
        if q.trim().is_empty() {
            continue;
        }
        for hit in search(app, tenant, &q, Some(AGENT_HITS)).await? {
            let seen = found
                .iter()
                .any(|h| h.document_id == hit.document_id && h.position == hit.position);
            if !seen {
                found.push(hit);
            }
        }
    }
    Ok(found)
}

pub async fn search(
    app: &App,
    tenant: &TenantId,
    q: &str,
    limit: Option<i64>,
) -> Result<Vec<ChunkHit>> {
    let q = q.trim();
    if q.is_empty() || q.chars().count() > 500 {
        return Err(Error::invalid("q", "must be 1-500 characters"));
    }
    let limit = match limit {
        None => 10,
        Some(n) if (1..=MAX_SEARCH_RESULTS as i64).contains(&n) => n as usize,
        Some(_) => {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_SEARCH_RESULTS}"),
            ));
        }
    };
    let (index, store, tenant, q) = (
        app.chunks_index.clone(),
        app.store.clone(),
        tenant.clone(),
        q.to_owned(),
    );
    tokio::task::spawn_blocking(move || {
        let (hits, snippets) = index.search(&tenant, &q, limit)?;
        store.read_blocking(|conn| {
            let mut found = Vec::with_capacity(hits.len());
            for hit in hits {
                if let Some(chunk) =
                    store::documents::chunk(conn, &tenant, &hit.document_id, hit.position)?
                {
                    let snippet = snippets.of(&chunk.text);
                    found.push(ChunkHit {
                        document_id: chunk.document_id,
                        title: chunk.title,
                        position: chunk.position,
                        heading: chunk.heading,
                        text: chunk.text,
                        answer: chunk.answer,
                        score: hit.score,
                        snippet,
                    });
                }
            }
            Ok(found)
        })
    })
    .await
    .map_err(Error::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Block;

    #[test]
    fn the_default_title_is_the_first_heading_else_the_file_name() {
        let extracted = |blocks| Extracted {
            format: ingest::Format::Html,
            blocks,
        };
        let headed = extracted(vec![
            Block::Paragraph("Intro".into()),
            Block::Heading {
                level: 2,
                text: "Pricing".into(),
            },
        ]);
        assert_eq!(
            default_title(&headed, Some("p.html")).as_deref(),
            Some("Pricing")
        );
        let plain = extracted(vec![Block::Paragraph("Intro".into())]);
        assert_eq!(default_title(&plain, Some("a/b.txt")).as_deref(), Some("b"));
        assert_eq!(default_title(&plain, None), None);
    }

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(file_stem("docs/Pricing Guide.pdf"), "Pricing Guide");
        assert_eq!(file_stem("notes"), "notes");
        assert!(valid_title(&"x".repeat(201)).is_err());
        assert!(valid_title("  ").is_err());
    }
}
