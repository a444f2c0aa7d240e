//! Leads as CSV (RFC 4180): the export that `GET /api/leads/export.csv` and
//! `synaptiq export leads` write, which `synaptiq import leads` (`import.rs`) reads back to
//! the same leads, field for field.

use std::collections::VecDeque;
use std::io::{Read, Write};

use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Lead, TenantId};
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
/// (OWASP "CSV injection"). A phone written with digits and spaces after its `+` or `-`
/// (`+1 555 0100`) is left as it is: a spreadsheet shows it as text, not as a sum, and CRMs
/// importing the file need it intact. `+1-555-0100` is a sum (Excel shows -654), so it is
/// escaped like any formula. A value that starts with a quote gets one more only when the
/// import would otherwise take its quote off (`'=x`), so `'Tis Ltd` stays as it is.
fn escape(value: &str) -> String {
    if needs_quote(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// The reverse of [`escape`]: takes off only a quote the export added, so a cell written by
/// another program (`'Tis Ltd`) is read as it is.
pub(super) fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// Whether a spreadsheet would run `value`, or [`unescape`] would change it.
fn needs_quote(value: &str) -> bool {
    match value.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !is_phone(&value[1..]),
        Some('\'') => needs_quote(&value[1..]),
        _ => false,
    }
}

/// Digits and spaces, at least one digit: after a sign, a phone rather than a formula.
fn is_phone(digits: &str) -> bool {
    digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == ' ')
}

/// The import's input, numbering its lines as an editor does: `\r\n`, `\r` and `\n` each
/// end one. The csv crate counts only `\n`, and puts a record where the previous one ended:
/// before the blank lines it skips, and before the `\n` of a `\r\n`. Its numbers named line
/// 1 for every row of a file with `\r` endings (Excel for Mac's "CSV (Macintosh)") and the
/// line above for each row of a file with `\r\n` endings (RFC 4180's, Excel's).
pub(super) struct Numbered<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// The last byte read was `\r`: a `\n` now ends no other line.
    after_cr: bool,
    /// The last byte read was a line break: the newest run of them goes on.
    in_run: bool,
    /// Each run of line breaks read and not yet passed: where it starts, the line after it.
    runs: VecDeque<(u64, u64)>,
    /// The line after the runs passed.
    passed: u64,
}

impl<R> Numbered<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            after_cr: false,
            in_run: false,
            runs: VecDeque::new(),
            passed: 1,
        }
    }

    /// The line of a record read from `offset` on. A record never starts with a line break,
    /// so it starts after any run of them there. Runs before `offset` are forgotten (offsets
    /// only grow), so only the csv reader's read-ahead is kept.
    pub(super) fn line_at(&mut self, offset: u64) -> u64 {
        while let Some(&(start, line)) = self.runs.front() {
            if start > offset {
                break;
            }
            self.passed = line;
            self.runs.pop_front();
        }
        self.passed
    }

    fn count(&mut self, byte: u8) {
        let offset = self.offset;
        self.offset += 1;
        if !matches!(byte, b'\r' | b'\n') {
            (self.in_run, self.after_cr) = (false, false);
            return;
        }
        let ends_line = byte == b'\r' || !self.after_cr;
        let line = self.runs.back().map_or(self.passed, |run| run.1) + u64::from(ends_line);
        match self.runs.back_mut() {
            Some(run) if self.in_run => run.1 = line,
            _ => self.runs.push_back((offset, line)),
        }
        (self.in_run, self.after_cr) = (true, byte == b'\r');
    }
}

impl<R: Read> Read for Numbered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            self.count(byte);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_start_a_formula_and_unescape_restores_them() {
        for (value, cell) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+1 555 0100", "+1 555 0100"),
            ("-20 30", "-20 30"),
            ("+1-555-0100", "'+1-555-0100"),
            ("+1 (555) 010-2030", "'+1 (555) 010-2030"),
            ("+", "'+"),
            ("'=1+1", "''=1+1"),
            ("''@x", "'''@x"),
            ("'Tis Ltd", "'Tis Ltd"),
            ("''quoted''", "''quoted''"),
            ("'+1 555 0100", "'+1 555 0100"),
            ("'", "'"),
            ("Acme", "Acme"),
            ("", ""),
        ] {
            assert_eq!(escape(value), cell, "{value:?}");
            assert_eq!(unescape(&escape(value)), value, "{value:?}");
        }
    }

    /// The import took the first quote off every cell, so `'Tis Ltd` from another program
    /// became `Tis Ltd`.
    #[test]
    fn unescape_keeps_quotes_the_export_did_not_add() {
        for cell in ["'Tis Ltd", "'", "''", "'+1 555 0100", "'abc'"] {
            assert_eq!(unescape(cell), cell);
        }
        assert_eq!(unescape("'=1+1"), "=1+1");
        assert_eq!(unescape("'-1-2"), "-1-2");
    }

    proptest::proptest! {
        #[test]
        fn every_value_survives_export_and_import(value in "['=+@ -]{0,3}[a-z0-9 ()'-]{0,6}") {
            let cell = escape(&value);
            proptest::prop_assert_eq!(unescape(&cell), value.as_str());
            // What reaches a spreadsheet never starts a formula.
            proptest::prop_assert!(!cell.starts_with(['=', '@']));
            proptest::prop_assert!(!cell.starts_with(['+', '-']) || is_phone(&cell[1..]));
        }
    }

    /// The line each record of `input` starts on, by the import's numbering.
    fn record_lines(input: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(Numbered::new(input.as_bytes()));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        loop {
            let start = reader.position().byte();
            let read = reader.read_byte_record(&mut record);
            match read {
                Ok(false) => return lines,
                Ok(true) | Err(_) => lines.push(reader.get_mut().line_at(start)),
            }
        }
    }

    #[test]
    fn lines_end_with_crlf_cr_or_lf_and_blank_lines_count() {
        assert_eq!(record_lines("a\nb\nc\n"), vec![1, 2, 3]);
        assert_eq!(record_lines("a\r\nb\r\nc"), vec![1, 2, 3]);
        assert_eq!(record_lines("a\rb\rc\r"), vec![1, 2, 3]);
        assert_eq!(record_lines("\n\na\r\n\r\n\nb\n\r\nc"), vec![3, 6, 8]);
        assert_eq!(record_lines("\"a\r\nb\rc\nd\",x\r\ne\n"), vec![1, 5]);
    }

    #[test]
    fn lines_are_counted_across_reads() {
        // Past the csv reader's 8 KiB buffer, with a `\r\n` split between two reads.
        let row = "x".repeat(8191);
        let input = format!("{row}\r\n{row}\r\n\r\n{row}");
        assert_eq!(record_lines(&input), vec![1, 2, 4]);
    }
}
