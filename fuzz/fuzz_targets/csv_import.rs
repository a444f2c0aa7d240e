//! The CSV lead import (`synaptiq import leads`), whole: the bytes are the file, read,
//! validated and written to a real store by `import::import`, then exported and imported
//! back. Besides "no crash": the report accounts for every row, a rejected row names a line
//! after the header, every stored lead passes the API's validation, another tenant's lead is
//! never touched, and an export imports back to the same leads.
//!
//! A first byte 0x01-0x04 picks the options (duplicates skipped or updated, atomic or not)
//! and is not part of the file; any other input is the file as it is, imported with the
//! CLI's defaults, so the seeds are plain CSV files.

#![no_main]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use synaptiq::clock::{Clock, ManualClock, from_millis};
use synaptiq::domain::leads::import::{self, ImportOptions, ImportReport, OnDuplicate};
use synaptiq::domain::leads::{self, csv as export};
use synaptiq::domain::model::{Lead, Tenant, TenantId};
use synaptiq::error::Error;
use synaptiq::store::leads::{Filter, email_key};
use synaptiq::store::{self, Store};

/// A lead of another tenant that the seeds name by id: an import may not take it over.
const OTHER_LEAD: &str = "019a0000-0000-7000-8000-000000000001";
const MAX_METADATA_BYTES: usize = 16 * 1024;
/// More leads than an input of libFuzzer's size can hold.
const ALL: usize = 1 << 20;
/// Empties the fuzzed tenant. No domain function deletes leads in bulk (erasure is one lead
/// at a time, through the app), and the events and counters a lead leaves would pile up.
const RESET: &str = "DELETE FROM events WHERE tenant_id = 'fuzz';
    DELETE FROM search_changes WHERE tenant_id = 'fuzz';
    DELETE FROM leads WHERE tenant_id = 'fuzz';
    DELETE FROM lead_counts WHERE tenant_id = 'fuzz';
    DELETE FROM lead_creations WHERE tenant_id = 'fuzz';";

struct Fixture {
    store: Store,
    clock: ManualClock,
    tenant: TenantId,
    other: Lead,
}

/// libFuzzer hands the target nothing but the input, so the store, opened once (migrations
/// take longer than an import), lives here.
static FIXTURE: OnceLock<Fixture> = OnceLock::new();
static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();

fuzz_target!(init: { fixture(); }, |data: &[u8]| {
    let fixture = fixture();
    let (options, file) = split(data, &fixture.tenant);
    fixture.reset();
    let mut read = Vec::new();
    let result = import::import(&fixture.store, &fixture.clock, file, &options, &mut |bytes| {
        read.push(bytes);
    });
    let stored = fixture.leads();
    match result {
        Ok(report) => {
            check_report(&report, &options, file, stored.len());
            // An atomic import that rejected a row stops before it reports the last bytes.
            if !(options.atomic && !report.rejected.is_empty()) {
                check_progress(&read, file.len());
            }
        }
        Err(err) => {
            assert!(matches!(err, Error::Invalid { .. }), "import failed: {err}");
            assert!(stored.is_empty(), "{err}, yet {} leads stored", stored.len());
        }
    }
    for lead in &stored {
        check_valid(lead, &fixture.tenant);
    }
    check_unique_emails(&stored);
    let other = fixture.other_lead();
    assert_eq!(other.as_ref(), Some(&fixture.other), "another tenant's lead changed");
    fixture.check_round_trip(&stored);
});

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(Fixture::open)
}

/// The options a first byte 0x01-0x04 picks, and the file.
fn split<'a>(data: &'a [u8], tenant: &TenantId) -> (ImportOptions, &'a [u8]) {
    let (mode, file) = match data.split_first() {
        Some((&byte @ 1..=4, rest)) => (byte - 1, rest),
        _ => (0, data),
    };
    let options = ImportOptions {
        map: Vec::new(),
        tenant: tenant.clone(),
        on_duplicate: if mode & 1 == 0 {
            OnDuplicate::Skip
        } else {
            OnDuplicate::Update
        },
        atomic: mode & 2 != 0,
    };
    (options, file)
}

impl Fixture {
    fn open() -> Self {
        let dir = data_dir();
        let store = Store::open(&dir.join("synaptiq.db")).expect("the store opens");
        let clock = ManualClock::new(from_millis(1_775_052_600_000));
        let tenant = TenantId::parse("tenant", "fuzz").expect("a valid tenant id");
        let other = TenantId::parse("tenant", "other").expect("a valid tenant id");
        for id in [&tenant, &other] {
            let now = clock.now();
            let tenant = Tenant {
                id: id.clone(),
                name: id.as_str().to_owned(),
                created_at: now,
                updated_at: now,
            };
            store
                .write_blocking(move |conn| store::tenants::ensure(conn, &tenant))
                .expect("the tenant is created");
        }
        let file = format!("id,name,email\n{OTHER_LEAD},Olivia Other,olivia@example.com\n");
        let options = ImportOptions {
            map: Vec::new(),
            tenant: other.clone(),
            on_duplicate: OnDuplicate::Skip,
            atomic: true,
        };
        import::import(&store, &clock, file.as_bytes(), &options, &mut |_| {})
            .expect("the other tenant's lead is imported");
        let other = store
            .read_blocking(|conn| store::leads::get(conn, &other, OTHER_LEAD))
            .expect("the other tenant's lead reads back")
            .expect("the other tenant's lead is stored");
        Self {
            store,
            clock,
            tenant,
            other,
        }
    }

    /// Each input starts from an empty tenant, so its report can be checked against what is
    /// stored, and a run does not depend on the inputs before it.
    fn reset(&self) {
        self.store
            .write_blocking(|conn| Ok(conn.execute_batch(RESET)?))
            .expect("the fuzzed tenant is emptied");
    }

    fn leads(&self) -> Vec<Lead> {
        self.store
            .read_blocking(|conn| {
                store::leads::list(conn, &self.tenant, Filter::default(), None, ALL)
            })
            .expect("the leads read back")
    }

    fn other_lead(&self) -> Option<Lead> {
        self.store
            .read_blocking(|conn| store::leads::get(conn, &self.other.tenant, OTHER_LEAD))
            .expect("the other tenant's lead reads back")
    }

    /// The export of the stored leads, imported back with `update`, changes none of them.
    fn check_round_trip(&self, stored: &[Lead]) {
        let mut file = Vec::new();
        let written = self
            .store
            .read_blocking(|conn| export::write(conn, &self.tenant, Filter::default(), &mut file))
            .expect("the leads export");
        assert_eq!(written, stored.len() as u64);
        let options = ImportOptions {
            map: Vec::new(),
            tenant: self.tenant.clone(),
            on_duplicate: OnDuplicate::Update,
            atomic: false,
        };
        let text = String::from_utf8_lossy(&file);
        let report = import::import(&self.store, &self.clock, &file[..], &options, &mut |_| {})
            .unwrap_or_else(|err| panic!("the export does not import: {err}\n{text}"));
        let unchanged = report.unchanged == written
            && report.created + report.updated + report.skipped == 0
            && report.rejected.is_empty();
        assert!(
            unchanged,
            "the export imports back changed: {report:?}\n{text}"
        );
        assert_eq!(
            self.leads(),
            stored,
            "the export imports back changed\n{text}"
        );
    }
}

/// A fresh data directory, removed when the run ends. On tmpfs where there is one: each
/// commit fsyncs (`synchronous=FULL`), which costs nothing there, so the run spends its time
/// importing rather than waiting for a disk.
fn data_dir() -> &'static Path {
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::Builder::new()
        .prefix("synaptiq-fuzz-csv-")
        .tempdir_in(base)
        .expect("a temporary data dir")
        .keep();
    let dir = DATA_DIR.get_or_init(|| dir);
    remove_at_exit();
    dir
}

/// libFuzzer ends a run with `exit`, which drops no static, so a C exit handler removes the
/// data dir. A crash aborts and leaves it, as it leaves the crash's input.
fn remove_at_exit() {
    unsafe extern "C" {
        fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
    }
    extern "C" fn remove() {
        if let Some(dir) = DATA_DIR.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    // SAFETY: `atexit` only stores the pointer to a function that takes no argument.
    unsafe {
        atexit(remove);
    }
}

/// Every row is counted once, and the leads stored are the ones the report created; an
/// atomic import that rejected a row wrote nothing.
fn check_report(report: &ImportReport, options: &ImportOptions, file: &[u8], stored: usize) {
    let imported = report.created + report.updated + report.unchanged + report.skipped;
    let rejected = report.rejected.len() as u64;
    if options.atomic && rejected > 0 {
        assert_eq!(
            imported, 0,
            "an atomic import with rejections wrote: {report:?}"
        );
    } else {
        assert_eq!(
            imported + rejected,
            rows(file),
            "rows miscounted: {report:?}"
        );
    }
    assert_eq!(report.created, stored as u64, "{report:?}");
    let last_line = 1 + line_breaks(file);
    let mut lines = HashSet::new();
    for rejected in &report.rejected {
        assert!(
            (2..=last_line).contains(&rejected.line),
            "{rejected} is not a row of the file ({last_line} lines): {report:?}"
        );
        assert!(
            lines.insert(rejected.line),
            "two rows rejected on line {}: {report:?}",
            rejected.line
        );
    }
}

/// `\r\n`, `\r` and `\n` each end a line, as in an editor.
fn line_breaks(file: &[u8]) -> u64 {
    let after = std::iter::once(&0).chain(file);
    file.iter()
        .zip(after)
        .filter(|&(&byte, &before)| byte == b'\r' || (byte == b'\n' && before != b'\r'))
        .count() as u64
}

/// The records in the file after its header, well-formed or not, as the csv crate splits it.
fn rows(file: &[u8]) -> u64 {
    let mut reader = csv::ReaderBuilder::new().from_reader(file);
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while !matches!(reader.read_byte_record(&mut record), Ok(false)) {
        rows += 1;
    }
    rows
}

/// Progress only moves forward and ends at the end of the file.
fn check_progress(read: &[u64], len: usize) {
    assert!(read.is_sorted(), "progress went back: {read:?}");
    assert_eq!(read.last().copied(), Some(len as u64), "progress: {read:?}");
}

/// What `POST /api/leads` accepts: each field is already what its validation makes of it.
fn check_valid(lead: &Lead, tenant: &TenantId) {
    assert_eq!(&lead.tenant, tenant);
    assert_eq!(
        leads::valid_name(&lead.name).ok().as_ref(),
        Some(&lead.name),
        "name {:?}",
        lead.name
    );
    assert_eq!(
        leads::valid_email(&lead.email).ok().as_ref(),
        Some(&lead.email),
        "email {:?}",
        lead.email
    );
    for (field, value, max) in [("phone", &lead.phone, 50), ("company", &lead.company, 200)] {
        assert_eq!(
            leads::optional_text(field, value.clone(), max)
                .ok()
                .as_ref(),
            Some(value),
            "{field} {value:?}"
        );
    }
    assert!(lead.qualification_score <= 100, "{lead:?}");
    if let Some(qualification) = &lead.qualification {
        assert!(qualification.score <= 100, "{lead:?}");
    }
    let metadata = serde_json::to_vec(&lead.metadata).expect("metadata serializes");
    assert!(
        metadata.len() <= MAX_METADATA_BYTES,
        "{} bytes of metadata",
        metadata.len()
    );
    assert!(is_uuid(&lead.id), "id {:?}", lead.id);
}

/// The hyphenated lowercase form the API returns.
fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
}

fn check_unique_emails(stored: &[Lead]) {
    let mut keys = HashSet::new();
    for lead in stored {
        assert!(
            keys.insert(email_key(&lead.email)),
            "{:?} twice",
            lead.email
        );
    }
}
