//! The knowledge-base index: one tantivy document per chunk, BM25 with English stemming.

use std::sync::LazyLock;

use rusqlite::Connection;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::index::{LiveIndex, Source};
use crate::error::Result;
use crate::model::{TenantId, vocabulary};
use crate::store::documents::{self, StoredChunk};
use crate::store::search_changes::Kind;

const ANALYZER: &str = "english";
/// A question heading says more about a chunk than any sentence in its body.
const HEADING_BOOST: f32 = 2.0;
const TITLE_BOOST: f32 = 0.5;
const SNIPPET_CHARS: usize = 240;
/// A synonym of a query's word ("cost" for "pricing") counts less than the word itself.
const SYNONYM_BOOST: f32 = 0.4;

#[derive(Clone, Copy)]
pub struct Fields {
    document: Field,
    tenant: Field,
    position: Field,
    title: Field,
    heading: Field,
    body: Field,
}

/// Lucene's English stop words plus the question words every FAQ question and visitor
/// question share ("how do I…", "can you…"), which would otherwise drown the content words.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "how", "what", "when", "where", "which", "who",
    "why", "do", "does", "did", "can", "could", "would", "should", "i", "me", "my", "you", "your",
    "we", "our", "us", "am", "have", "has", "any", "there", "about", "from", "so", "just",
];

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(super::stem::CachedStemmer)
        .build()
}

pub struct Chunks;

impl Source for Chunks {
    const KIND: Kind = Kind::Document;
    /// A large upload is acknowledged only once indexed: two threads halve that wait, and
    /// the writer (with its second term table) is closed again when uploads stop.
    const INDEXING_THREADS: usize = 2;
    type Fields = Fields;

    fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        // The text is SQLite's: results and their snippets are read from there, so the index
        // stores ids only (storing each upload's text again was a tenth of indexing it).
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            document: builder.add_text_field("document", STRING | STORED),
            tenant: builder.add_text_field("tenant", STRING),
            position: builder.add_u64_field("position", STORED),
            title: builder.add_text_field("title", text.clone()),
            heading: builder.add_text_field("heading", text.clone()),
            body: builder.add_text_field("body", text),
        };
        (builder.build(), fields)
    }

    fn register_tokenizers(index: &Index) {
        index.tokenizers().register(ANALYZER, analyzer());
    }

    fn item_term(fields: Fields, id: &str) -> Term {
        Term::from_field_text(fields.document, id)
    }

    fn add_item(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Fields,
        tenant: &TenantId,
        id: &str,
    ) -> Result<()> {
        for chunk in documents::chunks_of(conn, tenant, id)? {
            writer.add_document(stored(fields, &chunk))?;
        }
        Ok(())
    }

    fn count(conn: &Connection) -> Result<u64> {
        documents::count_chunks(conn)
    }

    fn add_all(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Fields,
        added: &mut dyn FnMut(),
    ) -> Result<u64> {
        let mut count = 0;
        documents::for_each_chunk(conn, |chunk| {
            writer.add_document(stored(fields, &chunk))?;
            count += 1;
            added();
            Ok(())
        })?;
        Ok(count)
    }
}

/// One chunk of a document, as the index holds it.
pub struct Indexed<'a> {
    pub tenant: &'a TenantId,
    pub document_id: &'a str,
    pub title: &'a str,
    pub position: u32,
    pub heading: &'a str,
    pub text: &'a str,
}

fn document(fields: Fields, chunk: &Indexed<'_>) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.document, chunk.document_id);
    doc.add_text(fields.tenant, chunk.tenant.as_str());
    doc.add_u64(fields.position, u64::from(chunk.position));
    doc.add_text(fields.title, chunk.title);
    doc.add_text(fields.heading, chunk.heading);
    doc.add_text(fields.body, chunk.text);
    doc
}

fn stored(fields: Fields, chunk: &StoredChunk) -> TantivyDocument {
    document(
        fields,
        &Indexed {
            tenant: &chunk.tenant,
            document_id: &chunk.document_id,
            title: &chunk.title,
            position: chunk.position,
            heading: &chunk.heading,
            text: &chunk.text,
        },
    )
}

pub type ChunkSearch = LiveIndex<Chunks>;

/// Where a matching chunk is, how well it matched, and the passage that matched.
pub struct Hit {
    pub document_id: String,
    pub position: u32,
    pub score: f32,
}

/// Highlights a search's terms in a chunk's text.
pub struct Snippets(SnippetGenerator);

impl Snippets {
    /// HTML: the text escaped, the terms in `<mark>`.
    pub fn of(&self, text: &str) -> String {
        let mut snippet = self.0.snippet(text);
        snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        snippet.to_html()
    }
}

impl LiveIndex<Chunks> {
    /// The index documents of one document's chunks, for `stage` once they are committed.
    pub fn documents<'a>(
        &self,
        chunks: impl IntoIterator<Item = Indexed<'a>>,
    ) -> Vec<TantivyDocument> {
        let fields = self.fields();
        chunks.into_iter().map(|c| document(fields, &c)).collect()
    }

    /// The best `limit` chunks of the tenant for `q`, best first (empty when `q` has no
    /// terms), and the snippet maker for their texts.
    pub fn search(&self, tenant: &TenantId, q: &str, limit: usize) -> Result<(Vec<Hit>, Snippets)> {
        let fields = self.fields();
        let searcher = self.searcher();
        let Some(query) = query(fields, tenant, q) else {
            let none = BooleanQuery::new(Vec::new());
            return Ok((Vec::new(), snippets(&searcher, &none, fields)?));
        };
        let hits = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let hits = hits
            .into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(Hit {
                    document_id: doc
                        .get_first(fields.document)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    position: doc
                        .get_first(fields.position)
                        .and_then(|v| v.as_u64())
                        .and_then(|p| u32::try_from(p).ok())
                        .unwrap_or(0),
                    score,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((hits, snippets(&searcher, &query, fields)?))
    }
}

fn snippets(searcher: &tantivy::Searcher, query: &dyn Query, fields: Fields) -> Result<Snippets> {
    let mut generator = SnippetGenerator::create(searcher, query, fields.body)?;
    generator.set_max_num_chars(SNIPPET_CHARS);
    Ok(Snippets(generator))
}

fn query(fields: Fields, tenant: &TenantId, q: &str) -> Option<BooleanQuery> {
    let terms = tokens(q);
    if terms.is_empty() {
        return None;
    }
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let synonyms = synonyms(q, &terms);
    let weighted = terms
        .iter()
        .map(|t| (t, 1.0))
        .chain(synonyms.iter().map(|t| (t, SYNONYM_BOOST)));
    for (term, weight) in weighted {
        for (field, boost) in [
            (fields.heading, HEADING_BOOST),
            (fields.body, 1.0),
            (fields.title, TITLE_BOOST),
        ] {
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost * weight)),
            ));
        }
    }
    let tenant = TermQuery::new(
        Term::from_field_text(fields.tenant, tenant.as_str()),
        IndexRecordOption::Basic,
    );
    Some(BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(BoostQuery::new(Box::new(tenant), 0.0)),
        ),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ]))
}

/// Each synonym group's terms: its words' and the phrases read as them ("soc2" → "soc",
/// "2"), analyzed as indexed text is.
static SYNONYM_TERMS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    vocabulary::SYNONYMS
        .iter()
        .map(|group| {
            let mut terms: Vec<String> = Vec::new();
            let phrases = vocabulary::PHRASES
                .iter()
                .chain(vocabulary::SEARCH_PHRASES)
                .filter(|(_, word)| group.contains(word))
                .map(|(phrase, _)| *phrase);
            for text in group.iter().copied().chain(phrases) {
                for term in tokens(text) {
                    if !terms.contains(&term) {
                        terms.push(term);
                    }
                }
            }
            terms
        })
        .collect()
});

/// The terms a short or differently worded query means too ("pricing?" → cost, fee…;
/// "soc2" → soc, 2), other than its own `terms`.
fn synonyms(q: &str, terms: &[String]) -> Vec<String> {
    let words = tokens(&vocabulary::with_phrases_as_words(q));
    let mut extra: Vec<String> = Vec::new();
    for group in SYNONYM_TERMS.iter() {
        if !group.iter().any(|t| words.contains(t)) {
            continue;
        }
        for term in group {
            if !terms.contains(term) && !extra.contains(term) {
                extra.push(term.clone());
            }
        }
    }
    extra
}

/// The query's terms, analyzed as indexed text is (stop words dropped, stemmed).
pub fn tokens(q: &str) -> Vec<String> {
    super::index::terms(&mut analyzer(), q, 32)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::ingest::Format;
    use crate::ingest::chunk::Chunk;
    use crate::model::{DocType, Document};
    use crate::store::{Store, search_changes};

    fn tenant() -> TenantId {
        TenantId::parse("tenantId", "acme").unwrap()
    }

    /// Stores a one-chunk document saying `text` and records its change; its sequence.
    async fn save(store: &Store, id: &str, text: &str) -> u64 {
        let (id, text) = (id.to_owned(), text.to_owned());
        store
            .write(move |conn| {
                let document = Document {
                    id: id.clone(),
                    tenant: tenant(),
                    title: "Doc".into(),
                    doc_type: DocType::Other,
                    format: Format::Text,
                    size_bytes: text.len() as u64,
                    content_hash: id.clone(),
                    chunk_count: 1,
                    text: None,
                    created_at: jiff::Timestamp::UNIX_EPOCH,
                    updated_at: jiff::Timestamp::UNIX_EPOCH,
                };
                let chunk = Chunk {
                    position: 0,
                    heading: String::new(),
                    text: text.clone(),
                    answer: None,
                };
                documents::save(conn, &document, &text, &[chunk])?;
                search_changes::record(conn, Kind::Document, &tenant(), &id)
            })
            .await
            .unwrap()
    }

    fn found(index: &LiveIndex<Chunks>, q: &str) -> Vec<String> {
        let (hits, _) = index.search(&tenant(), q, 10).unwrap();
        hits.into_iter().map(|h| h.document_id).collect()
    }

    async fn open(dir: &std::path::Path) -> (Store, LiveIndex<Chunks>) {
        let store = Store::open(&dir.join("synaptiq.db")).unwrap();
        store
            .write(|conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO tenants VALUES ('acme', 'Acme', 0, 0)",
                    [],
                )?;
                Ok(())
            })
            .await
            .unwrap();
        let refresh = Duration::from_millis(5);
        let index = LiveIndex::<Chunks>::open(&dir.join("chunks"), &store, refresh).unwrap();
        (store, index)
    }

    /// Hands over `text` as `id`'s documents early and waits until they are in the writer.
    async fn index_early(
        index: &LiveIndex<Chunks>,
        id: &str,
        text: &str,
    ) -> crate::search::index::EarlyTicket<Chunks> {
        let documents = index.documents([Indexed {
            tenant: &tenant(),
            document_id: id,
            title: "Doc",
            position: 0,
            heading: "",
            text,
        }]);
        let ticket = index.index_early(&tenant(), id, documents);
        let started = Instant::now();
        while !index.early_in_writer(id) {
            assert!(started.elapsed() < Duration::from_secs(10), "never added");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        ticket
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn nothing_is_committed_while_an_early_write_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (store, index) = open(dir.path()).await;
        let ticket = index_early(&index, "doc-x", "Zebra crossings ahead.").await;
        let seq = save(&store, "doc-y", "Yaks graze here.").await;
        index.notify();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(index.committed_seq() < seq, "committed during the write");
        assert!(found(&index, "zebra").is_empty());

        let written = save(&store, "doc-x", "Zebra crossings ahead.").await;
        ticket.written(written);
        index.wait_for(written).await.unwrap();
        assert_eq!(found(&index, "zebra"), ["doc-x"]);
        assert_eq!(found(&index, "yaks"), ["doc-y"]);
        index.close();
        store.close();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn documents_indexed_early_for_a_write_that_failed_are_undone() {
        let dir = tempfile::tempdir().unwrap();
        let (store, index) = open(dir.path()).await;
        let seq = save(&store, "doc-a", "Refunds are paid within fourteen days.").await;
        index.notify();
        index.wait_for(seq).await.unwrap();
        assert_eq!(found(&index, "refunds"), ["doc-a"]);

        // A replacement of doc-a is indexed early; its write then fails (the ticket is
        // dropped untold) once its documents are in the writer.
        drop(index_early(&index, "doc-a", "Forklifts charge overnight.").await);

        // The next commit holds doc-a as SQLite has it.
        let seq = save(&store, "doc-b", "Batteries last eight hours.").await;
        index.notify();
        index.wait_for(seq).await.unwrap();
        assert_eq!(found(&index, "batteries"), ["doc-b"]);
        assert_eq!(found(&index, "refunds"), ["doc-a"]);
        assert!(found(&index, "forklifts").is_empty());
        index.close();
        store.close();
    }

    /// A database put back to an older copy under a newer index hands out the sequences of
    /// changes the index already holds again.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_index_ahead_of_sqlite_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let (store, index) = open(dir.path()).await;
        save(&store, "doc-a", "Refunds are paid within fourteen days.").await;
        let lost = save(&store, "doc-b", "Batteries last eight hours.").await;
        index.notify();
        index.wait_for(lost).await.unwrap();
        index.close();
        store.close();

        let conn = rusqlite::Connection::open(dir.path().join("synaptiq.db")).unwrap();
        conn.execute_batch(&format!(
            "DELETE FROM documents WHERE id = 'doc-b';
             DELETE FROM search_changes WHERE seq = {lost};
             UPDATE sqlite_sequence SET seq = {} WHERE name = 'search_changes';",
            lost - 1
        ))
        .unwrap();
        drop(conn);

        let (store, index) = open(dir.path()).await;
        assert_eq!(index.committed_seq(), lost - 1);
        let seq = save(&store, "doc-c", "Forklifts charge overnight.").await;
        assert_eq!(seq, lost);
        index.notify();
        index.wait_for(seq).await.unwrap();
        assert_eq!(found(&index, "forklifts"), ["doc-c"]);
        assert_eq!(found(&index, "refunds"), ["doc-a"]);
        index.close();
        store.close();
    }

    #[test]
    fn short_queries_bring_their_synonyms() {
        let of = |q: &str| synonyms(q, &tokens(q));
        assert!(of("soc2").contains(&"soc".to_owned()));
        assert!(of("soc2").contains(&"2".to_owned()));
        assert!(of("pricing?").contains(&"cost".to_owned()));
        assert!(of("SSO?").contains(&"saml".to_owned()));
        assert!(of("SSO?").contains(&"singl".to_owned()));
        assert!(of("trial?").contains(&"free".to_owned()));
        assert!(of("do you have a mobile app").contains(&"android".to_owned()));
        assert!(!of("do you sign a BAA?").contains(&"gdpr".to_owned()));
        assert!(of("what is the weather like").is_empty());
    }

    #[test]
    fn queries_are_stemmed_without_stop_words() {
        assert_eq!(
            tokens("How long does shipping take?"),
            vec!["long", "ship", "take"]
        );
    }
}
