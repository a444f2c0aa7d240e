//! Crashes and faults: the real binary is killed (SIGKILL) at random moments of a write load
//! — leads, chat messages, knowledge-base uploads, and the webhook deliveries they cause — 20
//! times. After every restart each acknowledged write is there, SQLite's integrity check
//! passes, the search index holds exactly the leads SQLite holds, every event is delivered or
//! pending, no lead is doubled and no document is half stored. Then: a full disk, a
//! read-only data dir and a missing index directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::process::{Serving, create_key};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KILLS: usize = 20;

/// Rate limits far above what the load and the checks after each restart send in a minute
/// (the checks alone read every acknowledged lead and document with the one key).
const ENV: [(&str, &str); 4] = [
    ("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS", "loopback"),
    (
        "SYNAPTIQ_WEBHOOK_RETRY_DELAYS",
        "100ms,200ms,400ms,800ms,1s",
    ),
    ("SYNAPTIQ_RATE_LIMIT_PUBLIC", "100000"),
    ("SYNAPTIQ_RATE_LIMIT_ENTERPRISE", "1000000"),
];

/// What the server acknowledged before it was killed.
#[derive(Default)]
struct Acknowledged {
    leads: Vec<(String, String)>,
    messages: Vec<(String, String)>,
    documents: Vec<(String, u64)>,
}

struct Api {
    url: String,
    key: String,
    http: reqwest::Client,
}

impl Api {
    /// The answer, or None when the server is gone (killed mid-request).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Option<(u16, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let body = response.json().await.ok()?;
        Some((status, body))
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.send(reqwest::Method::GET, path, None).await.unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

/// A webhook receiver that answers 200 to everything.
async fn receiver() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if complete(&seen) {
                        break;
                    }
                }
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    url
}

/// Headers and as much body as Content-Length says.
fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    body.len() >= length
}

/// Writes until the server goes away; records what it acknowledged.
async fn load(api: Arc<Api>, run: usize, acked: Arc<Mutex<Acknowledged>>) {
    let leads = {
        let (api, acked) = (api.clone(), acked.clone());
        tokio::spawn(async move {
            for i in 0.. {
                let email = format!("lead-{run}-{i}@crash.example");
                let body = json!({"name": format!("Crash {run} {i}"), "email": email, "company": batch(run)});
                let Some((status, reply)) = api
                    .send(reqwest::Method::POST, "/api/leads", Some(&body))
                    .await
                else {
                    return;
                };
                assert_eq!(status, 201, "{reply}");
                let id = reply["lead"]["id"].as_str().unwrap().to_owned();
                acked.lock().unwrap().leads.push((id, email));
            }
        })
    };
    let chat = {
        let (api, acked) = (api.clone(), acked.clone());
        tokio::spawn(async move {
            let mut conversation: Option<String> = None;
            for i in 0.. {
                let message = format!("Question {run}-{i}: how does pricing work?");
                let mut body = json!({"tenantId": "default", "visitorId": format!("visitor-{run}"), "message": message});
                if let Some(id) = &conversation {
                    body["conversationId"] = id.as_str().into();
                }
                let Some((status, reply)) = api
                    .send(reqwest::Method::POST, "/api/chat", Some(&body))
                    .await
                else {
                    return;
                };
                assert_eq!(status, 200, "{reply}");
                let id = reply["conversationId"].as_str().unwrap().to_owned();
                acked.lock().unwrap().messages.push((id.clone(), message));
                conversation = Some(id);
            }
        })
    };
    let documents = tokio::spawn(async move {
        for i in 0.. {
            let content = format!(
                "# Guide {run}-{i}\n\nSection one of guide {run}-{i}.\n\n## Details\n\n{}",
                "Detail text. ".repeat(200)
            );
            let body = json!({"title": format!("Guide {run}-{i}"), "content": content});
            let Some((status, reply)) = api
                .send(
                    reqwest::Method::POST,
                    "/api/admin/knowledge-base",
                    Some(&body),
                )
                .await
            else {
                return;
            };
            assert_eq!(status, 201, "{reply}");
            let doc = &reply["document"];
            let id = doc["id"].as_str().unwrap().to_owned();
            acked
                .lock()
                .unwrap()
                .documents
                .push((id, doc["chunkCount"].as_u64().unwrap()));
        }
    });
    for task in [leads, chat, documents] {
        task.await.unwrap();
    }
}

fn database(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("synaptiq.db")).unwrap()
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The company of the leads written in one kill run: a word of its own, so that one search
/// finds them all without reaching the search's cap of 1,000 results (all runs together do).
fn batch(run: usize) -> String {
    format!("Batch{run:02}")
}

/// Every lead id the search index returns for `word`.
async fn searchable(api: &Api, word: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/leads?q={word}&limit=500&cursor={c}"),
            None => format!("/api/leads?q={word}&limit=500"),
        };
        let page = api.get(&path).await;
        for lead in page["leads"].as_array().unwrap() {
            ids.insert(lead["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
}

/// Every lead id the search index returns for the kill runs so far.
async fn searchable_leads(api: &Api, runs: usize) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for run in 0..=runs.min(KILLS - 1) {
        ids.extend(searchable(api, &batch(run)).await);
    }
    ids
}

async fn check_after_restart(dir: &Path, api: &Api, acked: &Acknowledged, run: usize) {
    let db = database(dir);
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "run {run}");
    for (id, email) in &acked.leads {
        let lead = api.get(&format!("/api/leads/{id}")).await;
        assert_eq!(lead["lead"]["email"], email.as_str(), "run {run}");
    }
    for (conversation, message) in &acked.messages {
        let body = api.get(&format!("/api/conversations/{conversation}")).await;
        let said = body["conversation"]["messages"].as_array().unwrap();
        assert!(
            said.iter().any(|m| m["content"] == message.as_str()),
            "run {run}: {message} lost"
        );
    }
    for (id, chunks) in &acked.documents {
        let doc = api.get(&format!("/api/admin/knowledge-base/{id}")).await;
        assert_eq!(
            doc["document"]["chunkCount"].as_u64(),
            Some(*chunks),
            "run {run}"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT 1 FROM leads GROUP BY tenant_id, email_key HAVING count(*) > 1)"
        ),
        0,
        "run {run}: a lead is doubled"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM documents d WHERE chunk_count = 0 OR chunk_count != (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)"
        ),
        0,
        "run {run}: a document is half stored"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM events e JOIN webhooks w ON w.tenant_id = e.tenant_id
                    WHERE e.type LIKE 'lead.%' AND e.created_at >= w.created_at
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id
                                        AND d.webhook_id = w.id AND d.status IN ('pending', 'delivered'))"),
        0,
        "run {run}: an event has neither been delivered nor waits to be"
    );
    // The index catches up from SQLite's change log at start-up: exactly SQLite's leads.
    let stored: BTreeSet<String> = db
        .prepare("SELECT id FROM leads")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let indexed = searchable_leads(api, run).await;
        if indexed == stored {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "run {run}: the index has {} leads, SQLite {} (missing {:?}, extra {:?})",
            indexed.len(),
            stored.len(),
            stored.difference(&indexed).take(3).collect::<Vec<_>>(),
            indexed.difference(&stored).take(3).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_writes_loses_nothing_acknowledged_and_corrupts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hook = receiver().await;
    let mut server = Serving::start(dir.path(), &ENV);
    let key = create_key(dir.path());
    let http = reqwest::Client::new();
    let api = Api {
        url: server.url.clone(),
        key: key.clone(),
        http: http.clone(),
    };
    let (status, body) = api
        .send(
            reqwest::Method::POST,
            "/api/admin/webhooks",
            Some(&json!({"url": hook})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    for run in 0..KILLS {
        let api = Arc::new(Api {
            url: server.url.clone(),
            key: key.clone(),
            http: http.clone(),
        });
        let writing = tokio::spawn(load(api, run, acked.clone()));
        tokio::time::sleep(Duration::from_millis(rand::random_range(100..1000))).await;
        server.kill();
        writing.await.unwrap();
        server = Serving::start(dir.path(), &ENV);
        let api = Api {
            url: server.url.clone(),
            key: key.clone(),
            http: http.clone(),
        };
        let acknowledged = std::mem::take(&mut *acked.lock().unwrap());
        check_after_restart(dir.path(), &api, &acknowledged, run).await;
        let mut all = acked.lock().unwrap();
        all.leads.extend(acknowledged.leads);
        all.messages.extend(acknowledged.messages);
        all.documents.extend(acknowledged.documents);
    }
    let api = Api {
        url: server.url.clone(),
        key,
        http,
    };
    {
        let all = acked.lock().unwrap();
        assert!(
            all.leads.len() > KILLS && !all.messages.is_empty() && !all.documents.is_empty(),
            "the load wrote too little to prove anything: {} leads, {} messages, {} documents",
            all.leads.len(),
            all.messages.len(),
            all.documents.len()
        );
    }
    // And every delivery that was pending at a kill goes out after the restart.
    let deadline = Instant::now() + Duration::from_secs(60);
    let db = database(dir.path());
    while count(
        &db,
        "SELECT count(*) FROM webhook_deliveries WHERE status != 'delivered'",
    ) > 0
    {
        assert!(
            Instant::now() < deadline,
            "deliveries still pending after a minute"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let final_check = std::mem::take(&mut *acked.lock().unwrap());
    check_after_restart(dir.path(), &api, &final_check, KILLS).await;
}

/// A small tmpfs mounted on a temp dir (needs root, as in CI), unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// None after saying loudly why not, outside CI, when this machine cannot mount.
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Self { dir }),
            other => {
                assert!(
                    !std::env::var("CI").is_ok_and(|v| v == "true"),
                    "CI runs as root and can mount a tmpfs: {other:?}"
                );
                eprintln!(
                    "!!!!! A TEST DID NOT RUN: cannot mount a tmpfs (not root?): {other:?} !!!!!"
                );
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let out = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the disk under `path` to the last byte with one file; returns the file.
fn fill(path: &Path) -> std::path::PathBuf {
    fill_as(path, "filler")
}

fn fill_as(path: &Path, name: &str) -> std::path::PathBuf {
    use std::io::Write;
    let filler = path.join(name);
    let mut file = std::fs::File::create(&filler).unwrap();
    for size in [1 << 20, 4096, 1] {
        let block = vec![0u8; size];
        while file.write_all(&block).is_ok() {}
    }
    let _ = file.sync_all();
    filler
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_recovers() {
    let Some(disk) = Tmpfs::mount("24m") else {
        return;
    };
    let data = disk.path().join("data");
    let mut server = Serving::start(&data, &ENV);
    let api = Api {
        url: server.url.clone(),
        key: create_key(&data),
        http: reqwest::Client::new(),
    };
    for i in 0..5 {
        let body = json!({"name": format!("Before {i}"), "email": format!("before{i}@full.example"), "company": "Crashco"});
        let (status, reply) = api
            .send(
                reqwest::Method::POST,
                "/api/leads?refresh=wait_for",
                Some(&body),
            )
            .await
            .unwrap();
        assert_eq!(status, 201, "{reply}");
    }
    let filler = fill(disk.path());

    // Writes fail as they hit the full disk (SQLite may still have room in its log at first):
    // a clear 503, never a 500.
    let mut refused = None;
    for i in 0..500 {
        let body = json!({"name": format!("Full {i}"), "email": format!("full{i}@full.example"), "company": "Crashco"});
        let (status, reply) = api
            .send(reqwest::Method::POST, "/api/leads", Some(&body))
            .await
            .unwrap();
        match status {
            201 => {}
            503 => {
                refused = Some(reply);
                break;
            }
            other => panic!("a write on a full disk: {other} {reply}"),
        }
    }
    let refused = refused.expect("writes are refused once the disk is full");
    assert!(
        refused["error"].as_str().unwrap().contains("disk is full"),
        "{refused}"
    );
    let upload = json!({"title": "Full", "content": "A document written to a full disk."});
    let (status, reply) = api
        .send(
            reqwest::Method::POST,
            "/api/admin/knowledge-base",
            Some(&upload),
        )
        .await
        .unwrap();
    assert_eq!(status, 503, "{reply}");
    // SQLite may still have had room in its log, and only the index could not commit: then
    // the document is kept, and says so.
    let kept_anyway = reply["error"].as_str().unwrap().contains("is stored");
    let chat = json!({"tenantId": "default", "visitorId": "full", "message": "Hello?"});
    let (status, reply) = api
        .send(reqwest::Method::POST, "/api/chat", Some(&chat))
        .await
        .unwrap();
    // Refused like any write, unless a checkpoint meanwhile let the log restart from its
    // beginning, where the turn fits without the file growing: then it is simply stored.
    assert!(
        status == 503 && reply["error"].as_str().unwrap().contains("disk is full")
            || status == 200 && reply["conversationId"].is_string(),
        "{status} {reply}"
    );

    // Reads go on.
    let leads = api.get("/api/leads?q=before").await;
    assert_eq!(leads["leads"].as_array().unwrap().len(), 5, "{leads}");
    api.get("/api/admin/knowledge-base").await;

    // Space returns: so do writes, searchable again.
    std::fs::remove_file(filler).unwrap();
    let body =
        json!({"name": "After Recovery", "email": "after@full.example", "company": "Crashco"});
    let (status, reply) = api
        .send(
            reqwest::Method::POST,
            "/api/leads?refresh=wait_for",
            Some(&body),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{reply}");
    let found = api.get("/api/leads?q=recovery").await;
    assert_eq!(found["leads"].as_array().unwrap().len(), 1, "{found}");
    let (status, reply) = api
        .send(
            reqwest::Method::POST,
            "/api/admin/knowledge-base",
            Some(&upload),
        )
        .await
        .unwrap();
    if kept_anyway {
        assert_eq!(status, 409, "{reply}");
        // Its chunks reach the index at the indexer's next commit, once it has room again
        // (the duplicate upload is refused without waiting for that).
        let id = reply["documentId"].as_str().unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found = api
                .get("/api/admin/knowledge-base/search?q=full+disk")
                .await;
            let hits = found["results"].as_array().unwrap();
            if hits.iter().any(|hit| hit["documentId"] == id) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the document kept on a full disk never became searchable: {found}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    } else {
        assert_eq!(status, 201, "{reply}");
    }

    // Leads written while the index could not commit are searchable now too.
    let stored: BTreeSet<String> = database(&data)
        .prepare("SELECT id FROM leads")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let deadline = Instant::now() + Duration::from_secs(15);
    while searchable(&api, "crashco").await != stored {
        assert!(
            Instant::now() < deadline,
            "the index lost leads written while the disk was full"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    server.kill();
    let integrity: String = database(&data)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

/// After a disk filled up, a restart that cannot start says the disk is full and how much
/// space it needs (SQLite said only "disk I/O error"); one with too little freed starts,
/// says the same, and serves reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_a_full_disk_names_the_space_needed_and_serves_reads() {
    let Some(disk) = Tmpfs::mount("24m") else {
        return;
    };
    let data = disk.path().join("data");
    let mut server = Serving::start(&data, &ENV);
    let api = Api {
        url: server.url.clone(),
        key: create_key(&data),
        http: reqwest::Client::new(),
    };
    for i in 0..5 {
        let body = json!({"name": format!("Kept {i}"), "email": format!("kept{i}@full.example")});
        let (status, reply) = api
            .send(reqwest::Method::POST, "/api/leads", Some(&body))
            .await
            .unwrap();
        assert_eq!(status, 201, "{reply}");
    }
    // A little room held back, to free later; then the disk is full to the last byte.
    std::fs::write(disk.path().join("reserve"), vec![1u8; 256 * 1024]).unwrap();
    let filler = fill(disk.path());
    for i in 0..50 {
        let body = json!({"name": format!("Full {i}"), "email": format!("full{i}@full.example")});
        api.send(reqwest::Method::POST, "/api/leads", Some(&body))
            .await
            .unwrap();
    }
    server.kill();
    // As after a reboot: SQLite's shared-memory file must be made again, and cannot be.
    let _ = std::fs::remove_file(data.join("synaptiq.db-shm"));
    let last = fill_as(disk.path(), "last");

    let Err(stderr) = Serving::try_start(&data, &ENV) else {
        panic!("the server started on a disk with no byte free")
    };
    assert!(!stderr.contains("panicked"), "{stderr}");
    for says in ["is full", "synaptiq.db-wal", "free at least", "MiB"] {
        assert!(stderr.contains(says), "say {says:?}: {stderr}");
    }

    // Less freed than the log needs: it starts, says so, and serves reads.
    std::fs::remove_file(last).unwrap();
    std::fs::remove_file(disk.path().join("reserve")).unwrap();
    let server = Serving::start(&data, &ENV);
    let api = Api {
        url: server.url.clone(),
        key: api.key,
        http: api.http,
    };
    let leads = api.get("/api/leads?limit=500").await;
    assert!(leads["leads"].as_array().unwrap().len() >= 5, "{leads}");
    let stderr = server.stderr.lock().unwrap().clone();
    assert!(
        stderr.contains("is full") && stderr.contains("free at least"),
        "{stderr}"
    );

    // Space returns: so do writes.
    std::fs::remove_file(filler).unwrap();
    let body = json!({"name": "After", "email": "after@full.example"});
    let (status, reply) = api
        .send(reqwest::Method::POST, "/api/leads", Some(&body))
        .await
        .unwrap();
    assert_eq!(status, 201, "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_dir_or_a_missing_index_is_a_clear_error_or_a_rebuild() {
    let Some(disk) = Tmpfs::mount("64m") else {
        return;
    };
    let data = disk.path().join("data");
    let mut server = Serving::start(&data, &ENV);
    let api = Api {
        url: server.url.clone(),
        key: create_key(&data),
        http: reqwest::Client::new(),
    };
    let body = json!({"name": "Indexed Lead", "email": "indexed@ro.example", "company": "Crashco"});
    let (status, reply) = api
        .send(
            reqwest::Method::POST,
            "/api/leads?refresh=wait_for",
            Some(&body),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{reply}");
    server.kill();

    // The index is derived data: gone at start-up, it is rebuilt from SQLite.
    std::fs::remove_dir_all(data.join("index")).unwrap();
    let mut server = Serving::start(&data, &ENV);
    let api = Api {
        url: server.url.clone(),
        key: api.key,
        http: api.http,
    };
    let found = api.get("/api/leads?q=indexed").await;
    assert_eq!(found["leads"].as_array().unwrap().len(), 1, "{found}");
    server.kill();

    // A read-only data dir: the server says so and exits; it does not panic.
    disk.remount("ro");
    let refused = Serving::try_start(&data, &ENV);
    disk.remount("rw");
    let Err(stderr) = refused else {
        panic!("the server started on a read-only data dir")
    };
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("read-only"),
        "say why: {stderr}"
    );
}
