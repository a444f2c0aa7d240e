//! The lead index: name, email and company, searched with prefix matching on the last term.

use rusqlite::Connection;
use tantivy::collector::TopDocs;
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexWriter, Score, SegmentReader, TantivyDocument, Term};

use super::index::{LiveIndex, Source};
use crate::error::{Error, Result};
use crate::model::{Lead, LeadStatus, TenantId};
use crate::store;
use crate::store::search_changes::Kind;

const ANALYZER: &str = "folded";
/// Prefixes are indexed up to this many characters; longer words match on their first ones.
const MAX_PREFIX_CHARS: usize = 20;
/// Search results beyond this are not offered: refine the query instead.
pub const MAX_RESULTS: usize = 1_000;

#[derive(Clone, Copy)]
pub struct Fields {
    id: Field,
    tenant: Field,
    status: Field,
    name: Field,
    email: Field,
    company: Field,
    /// Every prefix of every word: the word being typed is one term lookup, not a scan.
    prefix: Field,
    created: Field,
}

impl Fields {
    fn text(self) -> [Field; 3] {
        [self.name, self.email, self.company]
    }
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub struct Leads;

impl Source for Leads {
    const KIND: Kind = Kind::Lead;
    /// Leads are small: one thread keeps up with thousands of creates a second.
    const INDEXING_THREADS: usize = 1;
    type Fields = Fields;

    fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            // Read back from a column, not the document store, which decompresses a whole
            // block per hit.
            id: builder.add_text_field("id", STRING | FAST),
            tenant: builder.add_text_field("tenant", STRING),
            status: builder.add_text_field("status", STRING),
            name: builder.add_text_field("name", text.clone()),
            email: builder.add_text_field("email", text.clone()),
            company: builder.add_text_field("company", text),
            prefix: builder.add_text_field("prefix", STRING),
            created: builder.add_i64_field("created", INDEXED | FAST),
        };
        (builder.build(), fields)
    }

    fn register_tokenizers(index: &Index) {
        index.tokenizers().register(ANALYZER, analyzer());
    }

    fn item_term(fields: Fields, id: &str) -> Term {
        Term::from_field_text(fields.id, id)
    }

    fn add_item(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Fields,
        tenant: &TenantId,
        id: &str,
    ) -> Result<()> {
        if let Some(lead) = store::leads::get(conn, tenant, id)? {
            writer.add_document(document(fields, &lead))?;
        }
        Ok(())
    }

    fn count(conn: &Connection) -> Result<u64> {
        store::leads::count_all(conn)
    }

    fn add_all(
        conn: &Connection,
        writer: &IndexWriter,
        fields: Fields,
        added: &mut dyn FnMut(),
    ) -> Result<u64> {
        let mut count = 0;
        store::leads::for_each(conn, |lead| {
            writer.add_document(document(fields, &lead))?;
            count += 1;
            added();
            Ok(())
        })?;
        Ok(count)
    }
}

pub type LeadSearch = LiveIndex<Leads>;

impl LiveIndex<Leads> {
    /// Ids of matching leads, best first, then newest first; empty when `q` has no terms.
    pub fn search(
        &self,
        tenant: &TenantId,
        q: &str,
        status: Option<LeadStatus>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<String>> {
        let fields = self.fields();
        let Some(query) = query(fields, tenant, q, status) else {
            return Ok(Vec::new());
        };
        let searcher = self.searcher();
        let collector =
            TopDocs::with_limit(limit)
                .and_offset(offset)
                .tweak_score(|segment: &SegmentReader| {
                    let created = segment.fast_fields().i64("created").ok();
                    move |doc, score: Score| {
                        (
                            score,
                            created.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
                        )
                    }
                });
        let hits: Vec<((Score, i64), DocAddress)> = searcher.search(&query, &collector)?;
        let mut columns: Vec<Option<StrColumn>> = vec![None; searcher.segment_readers().len()];
        let mut ids = Vec::with_capacity(hits.len());
        for (_, address) in hits {
            let slot = &mut columns[address.segment_ord as usize];
            let column = match slot {
                Some(column) => column,
                None => slot.insert(id_column(searcher.segment_reader(address.segment_ord))?),
            };
            let mut id = String::new();
            if let Some(ord) = column.term_ords(address.doc_id).next() {
                column.ord_to_str(ord, &mut id)?;
            }
            ids.push(id);
        }
        Ok(ids)
    }
}

fn id_column(segment: &SegmentReader) -> Result<StrColumn> {
    segment
        .fast_fields()
        .str("id")?
        .ok_or_else(|| Error::internal("the lead index has no id column"))
}

fn query(
    fields: Fields,
    tenant: &TenantId,
    q: &str,
    status: Option<LeadStatus>,
) -> Option<BooleanQuery> {
    let terms = tokens(q);
    let (last, rest) = terms.split_last()?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, filter(fields.tenant, tenant.as_str()))];
    if let Some(status) = status {
        clauses.push((Occur::Must, filter(fields.status, status.as_str())));
    }
    for term in rest {
        clauses.push((Occur::Must, Box::new(any_field(fields, term, false))));
    }
    clauses.push((Occur::Must, Box::new(any_field(fields, last, true))));
    Some(BooleanQuery::new(clauses))
}

/// The query's terms, analyzed exactly as indexed text is.
pub fn tokens(q: &str) -> Vec<String> {
    super::index::terms(&mut analyzer(), q, 16)
}

/// An exact term that filters without changing the score.
fn filter(field: Field, value: &str) -> Box<dyn Query> {
    let term = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    Box::new(BoostQuery::new(Box::new(term), 0.0))
}

/// The term in any text field; as a prefix too when `prefix` (the word being typed).
fn any_field(fields: Fields, term: &str, prefix: bool) -> BooleanQuery {
    let mut options: Vec<(Occur, Box<dyn Query>)> = fields
        .text()
        .into_iter()
        .map(|field| {
            let exact = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            (Occur::Should, Box::new(exact) as Box<dyn Query>)
        })
        .collect();
    if prefix {
        let start: String = term.chars().take(MAX_PREFIX_CHARS).collect();
        let typed = TermQuery::new(
            Term::from_field_text(fields.prefix, &start),
            IndexRecordOption::Basic,
        );
        options.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(typed), 0.5)),
        ));
    }
    BooleanQuery::new(options)
}

/// Every prefix of every word of the lead's name, email and company, once each.
fn prefixes(lead: &Lead) -> std::collections::BTreeSet<String> {
    let mut analyzer = analyzer();
    let mut out = std::collections::BTreeSet::new();
    for text in [
        Some(lead.name.as_str()),
        Some(lead.email.as_str()),
        lead.company.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let mut prefix = String::new();
            for c in token.text.chars().take(MAX_PREFIX_CHARS) {
                prefix.push(c);
                out.insert(prefix.clone());
            }
        }
    }
    out
}

/// Whether the index holds anything different for these two versions of a lead: a change to
/// only what is not indexed (score, phone, qualification, metadata) needs no re-indexing.
pub fn indexed_differently(before: &Lead, after: &Lead) -> bool {
    before.id != after.id
        || before.tenant != after.tenant
        || before.status != after.status
        || before.name != after.name
        || before.email != after.email
        || before.company != after.company
        || before.created_at != after.created_at
}

fn document(fields: Fields, lead: &Lead) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &lead.id);
    doc.add_text(fields.tenant, lead.tenant.as_str());
    doc.add_text(fields.status, lead.status.as_str());
    doc.add_text(fields.name, &lead.name);
    doc.add_text(fields.email, &lead.email);
    if let Some(company) = &lead.company {
        doc.add_text(fields.company, company);
    }
    for prefix in prefixes(lead) {
        doc.add_text(fields.prefix, prefix);
    }
    doc.add_i64(fields.created, lead.created_at.as_millisecond());
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead() -> Lead {
        Lead {
            id: "x".into(),
            tenant: TenantId::default_tenant(),
            name: "Jo Ng".into(),
            email: "jo@x.io".into(),
            phone: None,
            company: None,
            status: LeadStatus::New,
            qualification_score: 0,
            qualification: None,
            metadata: serde_json::Map::new(),
            source: crate::model::LeadSource::Api,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn every_word_prefix_is_indexed() {
        let all: Vec<String> = prefixes(&lead()).into_iter().collect();
        assert_eq!(all, vec!["i", "io", "j", "jo", "n", "ng", "x"]);
    }

    #[test]
    fn only_indexed_fields_call_for_reindexing() {
        let before = lead();
        let mut scored = before.clone();
        scored.qualification_score = 80;
        scored.phone = Some("+31 6 1234".into());
        scored.updated_at = jiff::Timestamp::MAX;
        assert!(!indexed_differently(&before, &scored));
        let mut renamed = before.clone();
        renamed.company = Some("Acme".into());
        assert!(indexed_differently(&before, &renamed));
        let mut qualified = before.clone();
        qualified.status = LeadStatus::Qualified;
        assert!(indexed_differently(&before, &qualified));
    }

    #[test]
    fn query_terms_are_folded_and_split() {
        assert_eq!(
            tokens("  José@Acme-Corp.io "),
            vec!["jose", "acme", "corp", "io"]
        );
        assert!(tokens("@@ --").is_empty());
    }
}
