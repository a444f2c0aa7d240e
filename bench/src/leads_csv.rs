//! The CSV files of the import phases, generated deterministically: leads as a CRM export
//! lists them (name, email, phone, company, status, score, a metadata object), and the count
//! of the rows `synaptiq export leads` wrote back.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::data;

/// The generated files' columns: a CRM's export has no id of ours and no timestamps, so the
/// import gives each lead a new id and the time of the import.
pub const COLUMNS: [&str; 7] = [
    "name",
    "email",
    "phone",
    "company",
    "status",
    "qualificationScore",
    "metadata",
];

/// What `synaptiq export leads` writes (src/domain/leads/csv.rs), in order.
pub const EXPORT_HEADER: [&str; 12] = [
    "id",
    "name",
    "email",
    "phone",
    "company",
    "status",
    "qualificationScore",
    "qualification",
    "metadata",
    "source",
    "createdAt",
    "updatedAt",
];

/// Most imported leads are new; the rest are spread over the later stages.
const STATUSES: [&str; 9] = [
    "new",
    "new",
    "new",
    "new",
    "qualifying",
    "qualified",
    "nurturing",
    "disqualified",
    "booked",
];
const SOURCES: [&str; 6] = [
    "google",
    "linkedin",
    "newsletter",
    "webinar",
    "referral",
    "direct",
];
const CAMPAIGNS: [&str; 5] = [
    "spring-launch",
    "pricing-page",
    "q3-webinar",
    "partner-promo",
    "retargeting",
];
const COUNTRIES: [&str; 8] = ["US", "DE", "GB", "FR", "IN", "BR", "JP", "NP"];
const PAGES: [&str; 10] = [
    "/",
    "/pricing",
    "/features/lead-qualification",
    "/features/chat-widget",
    "/docs/getting-started",
    "/docs/webhooks",
    "/blog/inbound-leads-playbook",
    "/customers",
    "/security",
    "/contact",
];
const NOTES: [&str; 8] = [
    "Asked about the enterprise plan and whether the widget can match their brand colours.",
    "Currently answers inbound chats by hand; response times are several hours at peak.",
    "Wants webhooks into their CRM and a weekly export for the sales team's reporting.",
    "Evaluating two other vendors; decision expected before the end of the quarter.",
    "Security review needed: asked for data residency details and the backup procedure.",
    "Budget approved for this year; the champion is the head of revenue operations.",
    "Interested in booking demos straight from the chat, across three time zones.",
    "Runs a small team of four SDRs and handles about two thousand inbound leads a month.",
];
const ROLES: [&str; 5] = ["founder", "head of sales", "marketing ops", "sdr", "cto"];

/// How much metadata each generated lead carries.
#[derive(Clone, Copy)]
pub enum Metadata {
    /// A few attribution fields, about 130 bytes: what a form or a CRM adds to most leads.
    Small,
    /// Those plus enrichment (notes, pages visited, form answers), about 2.5 KB: grows the
    /// database towards the backup phase's size with fewer, still plausible rows.
    Large,
}

/// What a generated file holds.
#[derive(Clone, Copy)]
pub struct Written {
    pub rows: u64,
    pub bytes: u64,
}

/// Writes leads numbered `first..first + rows` to `path`, with a header row. The numbers make
/// the emails unique (`data::lead`).
pub fn write(path: &Path, first: u64, rows: u64, metadata: Metadata) -> Result<Written> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
    out.write_record(COLUMNS)?;
    for seq in first..first + rows {
        out.write_record(record(seq, metadata))?;
    }
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    let bytes = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    Ok(Written { rows, bytes })
}

/// One lead's cells, in `COLUMNS` order.
fn record(seq: u64, metadata: Metadata) -> [String; 7] {
    let lead = data::lead(seq);
    let h = data::mix(seq ^ 0x5EED);
    [
        lead.name,
        lead.email,
        format!("+1 555 {:03} {:04}", h % 1000, (h >> 10) % 10_000),
        lead.company,
        data::pick(&STATUSES, h >> 24).to_owned(),
        ((h >> 32) % 101).to_string(),
        match metadata {
            Metadata::Small => small(h),
            Metadata::Large => large(h),
        }
        .to_string(),
    ]
}

fn small(h: u64) -> Value {
    json!({
        "utm_source": data::pick(&SOURCES, h),
        "utm_campaign": data::pick(&CAMPAIGNS, h >> 4),
        "country": data::pick(&COUNTRIES, h >> 8),
        "employees": 10 * (1 + (h >> 12) % 500),
    })
}

fn large(h: u64) -> Value {
    let mut value = small(h);
    let notes: Vec<&str> = (0..18).map(|i| data::pick(&NOTES, h >> (i * 3))).collect();
    let pages: Vec<String> = (0..30)
        .map(|i| format!("{}?ref={}", data::pick(&PAGES, h >> (i * 2)), i))
        .collect();
    value["notes"] = json!(notes.join(" "));
    value["pages_visited"] = json!(pages);
    value["form"] = json!({
        "role": data::pick(&ROLES, h >> 20),
        "team_size": 1 + (h >> 24) % 40,
        "timeline": "this quarter",
        "use_case": data::pick(&NOTES, h >> 28),
    });
    value
}

/// The data rows of an export file, after checking its header is the export's.
pub fn count_exported(path: &Path) -> Result<u64> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let header = reader.headers().context("reading the export's header")?;
    if !header.iter().eq(EXPORT_HEADER) {
        bail!("the export's header is {header:?}, not {EXPORT_HEADER:?}");
    }
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader
        .read_byte_record(&mut record)
        .with_context(|| format!("reading {}", path.display()))?
    {
        rows += 1;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_sizes_are_as_documented() {
        let small = record(7, Metadata::Small)[6].len();
        let large = record(7, Metadata::Large)[6].len();
        assert!((80..200).contains(&small), "{small}");
        assert!((2_200..2_800).contains(&large), "{large}");
    }

    #[test]
    fn a_written_file_reads_back_with_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        let written = write(&path, 0, 50, Metadata::Large).unwrap();
        assert_eq!(written.rows, 50);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        assert!(reader.headers().unwrap().iter().eq(COLUMNS));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 50);
        let metadata: Value = serde_json::from_str(&rows[3][6]).unwrap();
        assert!(metadata["notes"].is_string());
    }
}
