//! `synaptiq import leads`: CSV rows validated as the API validates a create and written
//! with the same events and search change, in transactions of `BATCH` rows: one group commit
//! (one fsync) each, not one per row, and the next batch is read while one commits.

use std::io::Read;

use serde_json::Value;

use super::columns::{Column, Columns};
use super::csv::{BATCH, Numbered, csv_error, unescape};
use super::{
    ensure_tenant, optional_text, record_change, record_new, valid_email, valid_metadata,
    valid_name,
};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{Lead, LeadSource, LeadStatus, Qualification, TenantId};
use crate::store::leads as rows;
use crate::store::{self, QueuedWrite, Store};

/// What an import does with a row whose lead exists (same email, or same id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDuplicate {
    #[default]
    Skip,
    /// The file's columns replace the stored values.
    Update,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub tenant: TenantId,
    pub on_duplicate: OnDuplicate,
    /// All rows or none: any rejected row stops the import before anything is written.
    pub atomic: bool,
    /// (column, field) pairs that map columns by hand, over the names the import knows.
    pub map: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    /// Duplicates whose stored lead already had the file's values.
    pub unchanged: u64,
    /// Duplicates left alone (`OnDuplicate::Skip`).
    pub skipped: u64,
    pub rejected: Vec<Rejected>,
    /// Header columns no lead field takes, as the file names them.
    pub ignored_columns: Vec<String>,
}

/// A row that was not imported, by the line it starts on (the header is line 1).
#[derive(Debug, Clone)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Imports the CSV from `input` into the tenant. `progress` is told how many bytes of the
/// input have been read, after each batch. Blocking: call it off the async runtime.
pub fn import(
    store: &Store,
    clock: &dyn Clock,
    input: impl Read,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().from_reader(Numbered::new(input));
    let columns = Columns::new(reader.headers().map_err(|e| bad_file(&e))?, &options.map)?;
    let mut report = ImportReport {
        ignored_columns: columns.ignored.clone(),
        ..ImportReport::default()
    };
    let mut pending: Vec<Row> = Vec::new();
    // One batch commits while the next is read and validated.
    let mut committing: Option<QueuedWrite<Vec<Outcome>>> = None;
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte();
        let read = reader.read_record(&mut record);
        let line = reader.get_mut().line_at(start);
        match read {
            Ok(false) => break,
            Ok(true) => match parse(&record, &columns, &options.tenant, clock) {
                Ok((lead, given_id)) => pending.push(Row {
                    line,
                    lead,
                    given_id,
                }),
                Err(err) => report.rejected.push(Rejected {
                    line,
                    reason: err.to_string(),
                }),
            },
            Err(err) if err.is_io_error() => return Err(csv_error(err)),
            Err(err) => report.rejected.push(Rejected {
                line,
                reason: format!("not valid CSV: {}", describe(&err)),
            }),
        }
        if !options.atomic && pending.len() >= BATCH {
            tally(committing.take(), &mut report)?;
            committing = Some(write_batch(store, clock, &columns, options, &mut pending)?);
            progress(reader.position().byte());
        }
    }
    tally(committing.take(), &mut report)?;
    if options.atomic && !report.rejected.is_empty() {
        return Ok(report);
    }
    if !pending.is_empty() {
        let last = write_batch(store, clock, &columns, options, &mut pending)?;
        tally(Some(last), &mut report)?;
    }
    progress(reader.position().byte());
    Ok(report)
}

/// A validated row, ready to write.
struct Row {
    line: u64,
    lead: Lead,
    /// The file named the id (an export); otherwise it is new and cannot clash.
    given_id: bool,
}

/// What a row became.
enum Outcome {
    Created,
    Updated,
    Unchanged,
    Skipped,
    Rejected(Rejected),
}

/// Hands the pending rows to the writer as one transaction.
fn write_batch(
    store: &Store,
    clock: &dyn Clock,
    columns: &Columns,
    options: &ImportOptions,
    pending: &mut Vec<Row>,
) -> Result<QueuedWrite<Vec<Outcome>>> {
    let rows = std::mem::take(pending);
    let (columns, options, now) = (columns.clone(), options.clone(), clock.now());
    store.write_alone_queued(move |conn| {
        ensure_tenant(conn, &options.tenant)?;
        let mut outcomes = Vec::with_capacity(rows.len());
        for row in rows {
            let outcome = write_row(conn, row, &columns, options.on_duplicate, now);
            if let (true, Outcome::Rejected(rejected)) = (options.atomic, &outcome) {
                return Err(Error::invalid(
                    "CSV",
                    format!("{rejected}; nothing was imported (--atomic)"),
                ));
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    })
}

/// Waits for a batch's commit and counts what its rows became.
fn tally(batch: Option<QueuedWrite<Vec<Outcome>>>, report: &mut ImportReport) -> Result<()> {
    let Some(batch) = batch else {
        return Ok(());
    };
    for outcome in batch.wait()? {
        match outcome {
            Outcome::Created => report.created += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Skipped => report.skipped += 1,
            Outcome::Rejected(rejected) => report.rejected.push(rejected),
        }
    }
    Ok(())
}

/// Writes one row in its own savepoint, so a row that clashes is rejected alone.
fn write_row(
    conn: &rusqlite::Connection,
    row: Row,
    columns: &Columns,
    on_duplicate: OnDuplicate,
    now: jiff::Timestamp,
) -> Outcome {
    let line = row.line;
    match store::savepoint(conn, |conn| upsert(conn, row, columns, on_duplicate, now)) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(err)) | Err(err) => rejected(line, &err),
    }
}

fn rejected(line: u64, err: &Error) -> Outcome {
    Outcome::Rejected(Rejected {
        line,
        reason: err.to_string(),
    })
}

fn upsert(
    conn: &rusqlite::Connection,
    mut row: Row,
    columns: &Columns,
    on_duplicate: OnDuplicate,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let tenant = row.lead.tenant.clone();
    // An id from another tenant (a file exported elsewhere on this server) cannot be reused.
    let owner = if row.given_id {
        rows::tenant_of(conn, &row.lead.id)?
    } else {
        None
    };
    let same_id = match owner {
        Some(owner) if owner == tenant => rows::get(conn, &tenant, &row.lead.id)?,
        Some(_) => {
            row.lead.id = uuid::Uuid::now_v7().to_string();
            None
        }
        None => None,
    };
    let existing = match same_id {
        Some(lead) => Some(lead),
        None => match rows::find_by_email(conn, &tenant, &row.lead.email)? {
            Some(id) => rows::get(conn, &tenant, &id)?,
            None => None,
        },
    };
    let Some(before) = existing else {
        record_new(conn, &row.lead, now)?;
        return Ok(Outcome::Created);
    };
    if on_duplicate == OnDuplicate::Skip {
        return Ok(Outcome::Skipped);
    }
    let mut lead = before.clone();
    merge(&mut lead, &row.lead, columns);
    if lead == before {
        return Ok(Outcome::Unchanged);
    }
    if !columns.has(Column::UpdatedAt) {
        lead.updated_at = now;
    }
    record_change(conn, &before, &lead, now)?;
    Ok(Outcome::Updated)
}

/// Copies the file's columns onto the stored lead (its id, source and creation stay).
fn merge(lead: &mut Lead, from: &Lead, columns: &Columns) {
    for column in columns.fields() {
        match column {
            Column::Name | Column::FirstName | Column::LastName => {
                lead.name.clone_from(&from.name);
            }
            Column::Email => lead.email.clone_from(&from.email),
            Column::Phone => lead.phone.clone_from(&from.phone),
            Column::Company => lead.company.clone_from(&from.company),
            Column::Status => lead.status = from.status,
            Column::Score => lead.qualification_score = from.qualification_score,
            Column::Qualification => lead.qualification.clone_from(&from.qualification),
            Column::Metadata => lead.metadata.clone_from(&from.metadata),
            Column::UpdatedAt => lead.updated_at = from.updated_at,
            Column::Id | Column::Source | Column::CreatedAt => {}
        }
    }
}

/// Validates one record into the lead it describes, as a create through the API would, and
/// says whether the record named the lead's id.
fn parse(
    record: &csv::StringRecord,
    columns: &Columns,
    tenant: &TenantId,
    clock: &dyn Clock,
) -> Result<(Lead, bool)> {
    let cell = |wanted: Column| columns.cell(record, wanted);
    let text = |wanted| cell(wanted).map(|v| unescape(v).to_owned());
    let now = clock.now();
    let created_at = cell(Column::CreatedAt)
        .map(|v| timestamp("createdAt", v))
        .transpose()?
        .unwrap_or(now);
    let lead = Lead {
        id: match cell(Column::Id) {
            Some(id) => uuid::Uuid::parse_str(id)
                .map_err(|_| Error::invalid("id", format!("{id:?} is not a UUID")))?
                .hyphenated()
                .to_string(),
            None => uuid::Uuid::now_v7().to_string(),
        },
        tenant: tenant.clone(),
        name: valid_name(&name(
            text(Column::Name),
            text(Column::FirstName),
            text(Column::LastName),
        ))?,
        email: valid_email(&text(Column::Email).unwrap_or_default())?,
        phone: optional_text("phone", text(Column::Phone), 50)?,
        company: optional_text("company", text(Column::Company), 200)?,
        status: cell(Column::Status)
            .map(|v| LeadStatus::parse("status", v))
            .transpose()?
            .unwrap_or(LeadStatus::New),
        qualification_score: cell(Column::Score).map(score).transpose()?.unwrap_or(0),
        qualification: cell(Column::Qualification).map(qualification).transpose()?,
        metadata: valid_metadata(cell(Column::Metadata).map(json("metadata")).transpose()?)?,
        source: cell(Column::Source)
            .map(|v| LeadSource::parse("source", v))
            .transpose()?
            .unwrap_or(LeadSource::Import),
        created_at,
        updated_at: cell(Column::UpdatedAt)
            .map(|v| timestamp("updatedAt", v))
            .transpose()?
            .unwrap_or(created_at),
    };
    Ok((lead, cell(Column::Id).is_some()))
}

/// The name column, or the first and last names joined (HubSpot, Salesforce, Google).
fn name(full: Option<String>, first: Option<String>, last: Option<String>) -> String {
    full.unwrap_or_else(|| {
        [first, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn score(raw: &str) -> Result<u8> {
    raw.parse::<u8>().ok().filter(|s| *s <= 100).ok_or_else(|| {
        Error::invalid(
            "qualificationScore",
            format!("{raw:?} is not an integer from 0 to 100"),
        )
    })
}

fn qualification(raw: &str) -> Result<Qualification> {
    serde_json::from_str::<Qualification>(raw)
        .ok()
        .filter(|q| q.score <= 100)
        .ok_or_else(|| {
            Error::invalid(
                "qualification",
                "must be a JSON object like {\"score\": 80, \"reasons\": [\"...\"]}",
            )
        })
}

fn json(field: &'static str) -> impl Fn(&str) -> Result<Value> {
    move |raw| {
        serde_json::from_str(raw)
            .map_err(|e| Error::invalid(field, format!("not valid JSON ({e})")))
    }
}

fn timestamp(field: &'static str, raw: &str) -> Result<jiff::Timestamp> {
    let invalid = || {
        Error::invalid(
            field,
            format!("{raw:?} is not an RFC 3339 time like 2026-04-01T14:30:00.000Z"),
        )
    };
    let ts: jiff::Timestamp = raw.parse().map_err(|_| invalid())?;
    let ts = crate::clock::from_millis(ts.as_millisecond());
    // RFC 3339 has no year before 0000, and the export could not write one back (`-001-…`).
    // jiff also reads ISO 8601's signed years (`-000001-…`), and an offset can move a time
    // on 0000-01-01 into the year before.
    if ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).year() < 0 {
        return Err(invalid());
    }
    Ok(ts)
}

fn bad_file(err: &csv::Error) -> Error {
    Error::invalid(
        "CSV",
        format!("cannot read the header row: {}", describe(err)),
    )
}

/// The csv crate's message without its position (the caller names the line).
fn describe(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_integers_from_0_to_100() {
        assert_eq!(score("0").unwrap(), 0);
        assert_eq!(score("100").unwrap(), 100);
        for bad in ["101", "-1", "5.5", "high"] {
            assert!(score(bad).is_err(), "{bad}");
        }
    }

    /// Found by the `csv_import` fuzz target: a lead created in year -1 was exported as
    /// `-001-01-01T00:00:00.000Z`, which the import then refused.
    #[test]
    fn times_are_rfc_3339_from_year_0000_and_export_as_they_import() {
        for good in [
            "0000-01-01T00:00:00Z",
            "0000-01-01T00:30:00-01:00",
            "9999-12-30T00:00:00.999Z",
            "2026-04-01T14:30:00+02:00",
        ] {
            let ts = timestamp("createdAt", good).unwrap();
            let exported = crate::clock::format(ts);
            assert_eq!(timestamp("createdAt", &exported).unwrap(), ts, "{good}");
        }
        for bad in [
            "-000001-01-01T00:00:00Z",
            "0000-01-01T00:30:00+01:00",
            "10000-01-01T00:00:00Z",
            "2026-04-01",
        ] {
            assert!(timestamp("createdAt", bad).is_err(), "{bad}");
        }
    }

    /// Found by the `csv_import` fuzz target: the csv crate's positions named line 1 for every
    /// row of a file with `\r` endings, the line above for each row of one with `\r\n`, and
    /// the first blank line before a row instead of the row's.
    #[test]
    fn rejected_rows_name_their_line_whatever_the_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        let clock = crate::clock::ManualClock::new(crate::clock::from_millis(1_775_052_600_000));
        let tenant = crate::model::Tenant {
            id: TenantId::default_tenant(),
            name: "Default".into(),
            created_at: clock.now(),
            updated_at: clock.now(),
        };
        let options = ImportOptions {
            tenant: tenant.id.clone(),
            on_duplicate: OnDuplicate::Skip,
            atomic: true,
            map: Vec::new(),
        };
        store
            .write_blocking(move |conn| crate::store::tenants::ensure(conn, &tenant))
            .unwrap();
        let lines_rejected = |file: &str| -> Vec<u64> {
            let report = import(&store, &clock, file.as_bytes(), &options, &mut |_| {}).unwrap();
            report.rejected.iter().map(|r| r.line).collect()
        };
        for eol in ["\n", "\r\n", "\r"] {
            let file = format!(
                "name,email{eol}Ann,ann@example.com{eol}Bad,bad{eol}\"Two{eol}lines\",x{eol}\
                 Cy,cy{eol}Short{eol}"
            );
            assert_eq!(lines_rejected(&file), vec![3, 4, 6, 7], "{file:?}");
        }
        let blank_lines = "name,email\n\nBad,bad\r\n\r\n\nCy,cy\n\r\n";
        assert_eq!(lines_rejected(blank_lines), vec![3, 6]);
        store.close();
    }
}
