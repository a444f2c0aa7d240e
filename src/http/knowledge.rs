//! The knowledge base over HTTP.
//!
//! | method | path                                  | operation           |
//! |--------|---------------------------------------|---------------------|
//! | POST   | /api/admin/knowledge-base             | uploadDocument      |
//! | GET    | /api/admin/knowledge-base             | listDocuments       |
//! | GET    | /api/admin/knowledge-base/search      | searchKnowledgeBase |
//! | GET    | /api/admin/knowledge-base/{id}        | getDocument         |
//! | PUT    | /api/admin/knowledge-base/{id}        | replaceDocument     |
//! | DELETE | /api/admin/knowledge-base/{id}        | deleteDocument      |

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiRequest, ApiResponse, Enum, Multipart, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::auth::Caller;
use super::body::{FilePart, JsonBody};
use super::error::ApiError;
use super::formats::DateTime;
use crate::app::App;
use crate::domain::knowledge::{self, Content, Upload};
use crate::error::Error;
use crate::model::{ChunkHit, DocType, Document};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct KnowledgeApi;

#[OpenApi(prefix_path = "/api/admin", tag = "ApiTags::KnowledgeBase")]
impl KnowledgeApi {
    /// Upload a document
    ///
    /// JSON (`title`, `content`, `type`) or `multipart/form-data` with a `file` (PDF, DOCX,
    /// HTML, Markdown or text, at most 25 MiB) and optional `title` and `type`. The text is
    /// extracted, chunked and indexed before the response: a 201 means the agent can use it.
    #[oai(
        path = "/knowledge-base",
        method = "post",
        operation_id = "uploadDocument"
    )]
    async fn upload(
        &self,
        app: Data<&App>,
        caller: Caller,
        body: DocumentUpload,
    ) -> Result<Uploaded> {
        let document = knowledge::create(&app, caller.tenant(), body.into_upload().await?).await?;
        Ok(Uploaded::Created(Json(DocumentEnvelope {
            document: document.into(),
        })))
    }

    /// List documents
    ///
    /// Newest first, without their text.
    #[oai(
        path = "/knowledge-base",
        method = "get",
        operation_id = "listDocuments"
    )]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<DocumentList>> {
        let page = knowledge::list(&app, caller.tenant(), cursor.0.as_deref(), limit.0).await?;
        Ok(Json(DocumentList {
            documents: page.items.into_iter().map(DocumentBody::from).collect(),
            next_cursor: page.next_cursor,
        }))
    }

    /// Search the knowledge base
    ///
    /// The chunks the agent would use to answer `q`, best first, with a highlighted snippet.
    #[oai(
        path = "/knowledge-base/search",
        method = "get",
        operation_id = "searchKnowledgeBase"
    )]
    async fn search(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(min_length = 1, max_length = 500, pattern = r"\S"))] q: Query<String>,
        #[oai(validator(minimum(value = "1"), maximum(value = "50")))] limit: Query<Option<i64>>,
    ) -> Result<Json<SearchResults>> {
        let hits = knowledge::search(&app, caller.tenant(), &q.0, limit.0).await?;
        Ok(Json(SearchResults {
            results: hits.into_iter().map(ChunkBody::from).collect(),
        }))
    }

    /// Get a document
    ///
    /// Includes the extracted text.
    #[oai(
        path = "/knowledge-base/:id",
        method = "get",
        operation_id = "getDocument"
    )]
    async fn get(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<DocumentEnvelope>> {
        let document = knowledge::get(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Json(DocumentEnvelope {
            document: document.into(),
        }))
    }

    /// Replace a document's content
    ///
    /// Same bodies as the upload; the document keeps its id and is re-extracted and re-indexed.
    #[oai(
        path = "/knowledge-base/:id",
        method = "put",
        operation_id = "replaceDocument"
    )]
    async fn replace(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: DocumentUpload,
    ) -> Result<Json<DocumentEnvelope>> {
        let document = knowledge::replace(
            &app,
            caller.tenant(),
            &id.0.to_string(),
            body.into_upload().await?,
        )
        .await?;
        Ok(Json(DocumentEnvelope {
            document: document.into(),
        }))
    }

    /// Delete a document
    ///
    /// The agent stops using it at once.
    #[oai(
        path = "/knowledge-base/:id",
        method = "delete",
        operation_id = "deleteDocument"
    )]
    async fn delete(&self, app: Data<&App>, caller: Caller, id: Path<Uuid>) -> Result<Deleted> {
        knowledge::delete(&app, caller.tenant(), &id.0.to_string()).await?;
        Ok(Deleted::Document)
    }
}

#[derive(ApiRequest)]
pub enum DocumentUpload {
    /// A JSON upload: title, content and type.
    Json(JsonBody<NewDocument>),
    /// A file upload.
    Form(DocumentForm),
}

impl DocumentUpload {
    async fn into_upload(self) -> std::result::Result<Upload, Error> {
        match self {
            Self::Json(JsonBody(doc)) => Ok(Upload {
                title: Some(doc.title),
                doc_type: doc.doc_type.map(DocTypeName::into_domain),
                content: Content::Text(doc.content),
            }),
            Self::Form(form) => {
                let doc_type = form
                    .doc_type
                    .as_deref()
                    .map(|t| DocType::parse("type", t))
                    .transpose()?;
                let FilePart { name, bytes } = form.file;
                Ok(Upload {
                    title: form.title,
                    doc_type,
                    content: Content::File { bytes, name },
                })
            }
        }
    }
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDocument {
    /// 1-200 characters.
    #[oai(validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub title: String,
    /// The text; Markdown headings and `Q:`/`A:` pairs are understood.
    #[oai(validator(min_length = 1))]
    pub content: String,
    /// Default `other`; `faq` chunks one question per chunk.
    #[oai(nullable, rename = "type")]
    #[serde(rename = "type")]
    pub doc_type: Option<DocTypeName>,
}

#[derive(Multipart)]
pub struct DocumentForm {
    /// PDF, DOCX, HTML, Markdown or plain text; at most 25 MiB.
    pub file: FilePart,
    /// 1-200 characters; defaults to the file name.
    pub title: Option<String>,
    /// faq, article, product, policy or other (default).
    #[oai(rename = "type")]
    pub doc_type: Option<String>,
}

#[derive(Enum, Deserialize, Debug, Clone, Copy)]
#[oai(rename = "DocumentType", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum DocTypeName {
    Faq,
    Article,
    Product,
    Policy,
    Other,
}

impl DocTypeName {
    fn into_domain(self) -> DocType {
        match self {
            Self::Faq => DocType::Faq,
            Self::Article => DocType::Article,
            Self::Product => DocType::Product,
            Self::Policy => DocType::Policy,
            Self::Other => DocType::Other,
        }
    }
}

#[derive(Object)]
#[oai(rename = "Document", rename_all = "camelCase")]
pub struct DocumentBody {
    pub id: String,
    pub title: String,
    /// faq, article, product, policy or other.
    #[oai(rename = "type")]
    pub doc_type: String,
    /// pdf, docx, html, markdown, text or json.
    pub format: String,
    pub size_bytes: u64,
    pub chunk_count: u32,
    /// SHA-256 of the uploaded bytes, hex.
    pub content_hash: String,
    /// The extracted text (only when one document is fetched).
    #[oai(skip_serializing_if_is_none)]
    pub text: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl From<Document> for DocumentBody {
    fn from(d: Document) -> Self {
        Self {
            id: d.id,
            title: d.title,
            doc_type: d.doc_type.as_str().to_owned(),
            format: d.format.as_str().to_owned(),
            size_bytes: d.size_bytes,
            chunk_count: d.chunk_count,
            content_hash: d.content_hash,
            text: d.text,
            created_at: DateTime::from(d.created_at),
            updated_at: DateTime::from(d.updated_at),
        }
    }
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct DocumentEnvelope {
    pub document: DocumentBody,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct DocumentList {
    pub documents: Vec<DocumentBody>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

#[derive(Object)]
#[oai(rename = "KnowledgeChunk", rename_all = "camelCase")]
pub struct ChunkBody {
    pub document_id: String,
    pub title: String,
    /// The chunk's place in its document, from 0.
    pub position: u32,
    /// The headings above the chunk (for an FAQ: the question).
    pub heading: String,
    pub text: String,
    /// For a question/answer chunk: the answer alone.
    #[oai(nullable)]
    pub answer: Option<String>,
    /// BM25 relevance; higher is better.
    pub score: f32,
    /// The matching passage, HTML-escaped, with `<mark>` around matched words.
    pub snippet: String,
}

impl From<ChunkHit> for ChunkBody {
    fn from(h: ChunkHit) -> Self {
        Self {
            document_id: h.document_id,
            title: h.title,
            position: h.position,
            heading: h.heading,
            text: h.text,
            answer: h.answer,
            score: h.score,
            snippet: h.snippet,
        }
    }
}

#[derive(Object)]
pub struct SearchResults {
    pub results: Vec<ChunkBody>,
}

#[derive(ApiResponse)]
pub enum Uploaded {
    /// Extracted, chunked and indexed.
    #[oai(status = 201)]
    Created(Json<DocumentEnvelope>),
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// The document and its chunks are gone.
    #[oai(status = 204)]
    Document,
}
