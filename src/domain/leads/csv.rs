//! Leads as CSV (RFC 4180): the export that `GET /api/leads/export.csv` and
//! `synaptiq export leads` write, which `synaptiq import leads` (`import.rs`) reads back to
//! the same leads, field for field.

use std::io::Write;

use crate::app::App;
use crate::domain::model::{Lead, TenantId};
use crate::error::{Error, Result};
use crate::store::leads::{self as rows, Filter};

/// The export's columns, in order; the import also accepts them in any order, in any case,
/// with or without separators (`qualification_score`), and `score` for the score.
pub const HEADER: [&str; 12] = [
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

/// Rows per read on export, and per transaction on import.
pub(super) const BATCH: usize = 2000;

/// Writes the tenant's leads that pass `filter`, newest first, with a header row; returns
/// how many.
pub fn write(
    conn: &rusqlite::Connection,
    tenant: &TenantId,
    filter: Filter,
    out: impl Write,
) -> Result<u64> {
    let mut out = csv::Writer::from_writer(out);
    out.write_record(HEADER).map_err(csv_error)?;
    let mut before: Option<String> = None;
    let mut written = 0;
    loop {
        let page = rows::list(conn, tenant, filter, before.as_deref(), BATCH)?;
        for lead in &page {
            out.write_record(cells(lead)?).map_err(csv_error)?;
        }
        written += page.len() as u64;
        match page.last() {
            Some(last) if page.len() == BATCH => before = Some(last.id.clone()),
            _ => break,
        }
    }
    out.flush()?;
    Ok(written)
}

/// The tenant's leads that pass `filter` as one CSV document (the API's export).
pub async fn export(app: &App, tenant: &TenantId, filter: Filter) -> Result<Vec<u8>> {
    let tenant = tenant.clone();
    app.store
        .read(move |conn| {
            let mut out = Vec::new();
            write(conn, &tenant, filter, &mut out)?;
            Ok(out)
        })
        .await
}

pub(super) fn csv_error(err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err.into(),
        other => Error::internal(format!("csv: {other:?}")),
    }
}

fn cells(lead: &Lead) -> Result<[String; 12]> {
    Ok([
        lead.id.clone(),
        escape(&lead.name),
        escape(&lead.email),
        escape(lead.phone.as_deref().unwrap_or_default()),
        escape(lead.company.as_deref().unwrap_or_default()),
        lead.status.as_str().to_owned(),
        lead.qualification_score.to_string(),
        match &lead.qualification {
            Some(q) => serde_json::to_string(q)?,
            None => String::new(),
        },
        serde_json::to_string(&lead.metadata)?,
        lead.source.as_str().to_owned(),
        crate::clock::format(lead.created_at),
        crate::clock::format(lead.updated_at),
    ])
}

/// Spreadsheets run cells that start like a formula; a leading quote makes them text
/// (OWASP "CSV injection"). Phone-like values (`+1 (555) 010-2030`) are left as they are:
/// they cannot call anything, and CRMs importing the file need them intact. A value that
/// itself starts with a quote gets one more, so the import can always take one off.
fn escape(value: &str) -> String {
    let phone_like = |v: &str| {
        v.chars()
            .all(|c| c.is_ascii_digit() || " ()+-./".contains(c))
    };
    let formula = value.starts_with(['=', '@', '\t', '\r', '\''])
        || (value.starts_with(['+', '-']) && !phone_like(value));
    if formula {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// The reverse of [`escape`].
pub(super) fn unescape(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_start_a_formula_and_unescape_restores_them() {
        for (value, cell) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("+1 (555) 010-2030", "+1 (555) 010-2030"),
            ("'Tis Ltd", "''Tis Ltd"),
            ("Acme", "Acme"),
        ] {
            assert_eq!(escape(value), cell);
            assert_eq!(unescape(&escape(value)), value);
        }
    }
}
