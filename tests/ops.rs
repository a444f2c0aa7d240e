//! Operating the real executable: backup while the server writes and restore, CSV import and
//! export of 10,000 leads, and the open web: trusted proxies, CORS, security headers, and
//! logs that hold no secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::binary::{Serving, ok, run, synaptiq, with_dir};
use serde_json::{Value, json};

const ADMIN_TOKEN: &str = "ops-test-admin-token-0123456789";

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn key(dir: &Path) -> String {
    let out = ok(
        dir,
        &["keys", "create", "--name", "ops", "--tier", "enterprise"],
    );
    out.stdout.trim().to_owned()
}

async fn create_lead(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    n: usize,
) -> reqwest::Response {
    client
        .post(format!("{url}/api/leads"))
        .bearer_auth(key)
        .json(&json!({"name": format!("Writer Lead {n}"), "email": format!("w{n}@example.com")}))
        .send()
        .await
        .unwrap()
}

// ---------------------------------------------------------------- backup and restore

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_four_writers_insert_restores_every_acknowledged_lead() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serving::on(dir.path(), &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let key = key(dir.path());
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (url, key, acked, stop) =
            (server.url.clone(), key.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let client = http();
            let mut n = writer * 1_000_000;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let response = create_lead(&client, &url, &key, n).await;
                assert_eq!(response.status(), 201);
                let body: Value = response.json().await.unwrap();
                acked
                    .lock()
                    .unwrap()
                    .push(body["lead"]["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    while acked.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before_backup: Vec<String> = acked.lock().unwrap().clone();
    let backup_file = dir.path().join("backup.db");
    let backup_args = with_dir(dir.path(), &["backup", backup_file.to_str().unwrap()]);
    let backup_args: Vec<String> = backup_args.iter().map(|s| (*s).to_owned()).collect();
    let backed_up = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = backup_args.iter().map(String::as_str).collect();
        run(synaptiq(&args, &[]))
    })
    .await
    .unwrap();
    assert!(backed_up.status.success(), "backup: {}", backed_up.stderr);
    assert!(
        backed_up.stderr.contains("(verified)"),
        "{}",
        backed_up.stderr
    );
    let during_backup = acked.lock().unwrap().len() - before_backup.len();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(during_backup > 0, "the writers were idle during the backup");

    // The server holds the data dir: restoring under it is refused and changes nothing.
    let refused = run(synaptiq(
        &with_dir(dir.path(), &["restore", backup_file.to_str().unwrap()]),
        &[],
    ));
    assert_eq!(refused.status.code(), Some(1), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("a synaptiq server is running on"),
        "{}",
        refused.stderr
    );
    assert!(server.terminate().await.success());

    let restored = ok(dir.path(), &["restore", backup_file.to_str().unwrap()]);
    assert!(restored.stderr.contains("Reindexed"), "{}", restored.stderr);
    let server = Serving::on(dir.path(), &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let client = http();
    let all = all_lead_ids(&client, &server.url, &key).await;
    let missing: Vec<&String> = before_backup
        .iter()
        .filter(|id| !all.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged leads lost",
        missing.len()
    );
    let acked: HashSet<String> = acked.lock().unwrap().iter().cloned().collect();
    assert!(
        all.iter().all(|id| acked.contains(id)),
        "a lead nobody created"
    );
    // Every restored lead has its event: the copy is one transactionally consistent snapshot.
    let export = client
        .get(format!(
            "{}/api/leads/{}/export",
            server.url, before_backup[0]
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let export: Value = export.json().await.unwrap();
    assert_eq!(export["events"][0]["event"], "lead.created");
    // The index was rebuilt from the restored database.
    let found = client
        .get(format!("{}/api/leads?q=writer", server.url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let found: Value = found.json().await.unwrap();
    assert!(!found["leads"].as_array().unwrap().is_empty(), "{found}");
}

async fn all_lead_ids(client: &reqwest::Client, url: &str, key: &str) -> HashSet<String> {
    let csv = client
        .get(format!("{url}/api/leads/export.csv"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csv.lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_owned())
        .collect()
}

/// A data dir others can read is warned about at start-up; backups are as private as it.
#[tokio::test]
async fn a_data_dir_open_to_others_is_warned_about_and_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = Serving::on(&data, &[]);
    let backup = dir.path().join("copy.db");
    ok(&data, &["backup", backup.to_str().unwrap()]);
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let stderr = stderr_settled(&server).await;
    assert!(
        stderr.contains("is open to other users (mode 0755)") && stderr.contains("chmod 700"),
        "{stderr}"
    );
}

#[test]
fn restore_refuses_a_file_that_is_not_a_synaptiq_backup() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.db");
    std::fs::write(
        &bogus,
        "this is not a database, just text that is long enough",
    )
    .unwrap();
    let out = run(synaptiq(
        &with_dir(
            &dir.path().join("data"),
            &["restore", bogus.to_str().unwrap()],
        ),
        &[],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is not a SQLite database"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("data/synaptiq.db").exists());
}

// ---------------------------------------------------------------- CSV

/// 10,000 valid rows with three bad ones among them, and a quoted field spanning two lines
/// before them (so a row's line is where it starts, not its record number).
fn leads_csv() -> (String, Vec<String>) {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "name", "email", "phone", "company", "status", "score", "metadata",
    ])
    .unwrap();
    let mut expected = Vec::new();
    let mut line = 1;
    for i in 0..10_000 {
        line += 1;
        let company = if i == 11 {
            line += 1;
            "Two\nLines Ltd".to_owned()
        } else {
            format!("Acme \"{i}\", Inc.")
        };
        let status = ["new", "qualified", "booked", "nurturing"][i % 4];
        let metadata = json!({"row": i, "tags": ["csv"]}).to_string();
        out.write_record([
            format!("Person {i}"),
            format!("p{i}@example.com"),
            format!("+1 555 {i:04}"),
            company,
            status.to_owned(),
            (i % 101).to_string(),
            metadata,
        ])
        .unwrap();
        if i == 5_000 {
            line += 1;
            out.write_record(["Bad Email", "not-an-email", "", "", "", "", ""])
                .unwrap();
            expected.push(format!("line {line}: email: must be a valid email address"));
            line += 1;
            out.write_record(["Bad Score", "s@example.com", "", "", "", "150", ""])
                .unwrap();
            expected.push(format!(
                "line {line}: qualificationScore: \"150\" is not an integer from 0 to 100"
            ));
            line += 1;
            out.write_record(["Bad Meta", "m@example.com", "", "", "", "", "[1,2]"])
                .unwrap();
            expected.push(format!("line {line}: metadata: must be a JSON object"));
        }
    }
    (
        String::from_utf8(out.into_inner().unwrap()).unwrap(),
        expected,
    )
}

#[tokio::test]
async fn ten_thousand_leads_round_trip_through_csv_and_bad_rows_are_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let (text, expected) = leads_csv();
    let file = dir.path().join("leads.csv");
    std::fs::write(&file, &text).unwrap();
    let data = dir.path().join("data");
    // A server runs: imported leads become searchable through it.
    let server = Serving::on(&data, &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let key = key(&data);

    let imported = run(synaptiq(
        &with_dir(&data, &["import", "leads", file.to_str().unwrap()]),
        &[],
    ));
    assert_eq!(imported.status.code(), Some(2), "{}", imported.stderr);
    let reported: Vec<&str> = imported
        .stderr
        .lines()
        .filter(|l| l.starts_with("line "))
        .collect();
    assert_eq!(reported, expected);
    assert!(
        imported.stderr.contains("Imported 10000 new leads"),
        "{}",
        imported.stderr
    );

    let exported = ok(&data, &["export", "leads"]).stdout;
    assert_eq!(
        exported.lines().count(),
        10_000 + 1 + 1,
        "header, rows, one two-line cell"
    );
    let over_http = http()
        .get(format!("{}/api/leads/export.csv", server.url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(over_http, exported);
    let booked = ok(&data, &["export", "leads", "--status", "booked"]).stdout;
    assert_eq!(booked.lines().count(), 2_500 + 1);

    // Imports write the same events and search changes as creates.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found: Value = http()
            .get(format!("{}/api/leads?q=p9999@example.com", server.url))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if found["leads"].as_array().unwrap().len() == 1 {
            let lead = &found["leads"][0];
            assert_eq!(lead["source"], "import");
            assert_eq!(lead["metadata"], json!({"row": 9999, "tags": ["csv"]}));
            break;
        }
        assert!(Instant::now() < deadline, "imported lead never searchable");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events: Value = http()
        .get(format!(
            "{}/api/admin/events?type=lead.created&limit=1",
            server.url
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(events["events"][0]["payload"]["data"]["source"], "import");

    // The export imports back, field for field, into another data directory.
    let exported_file = dir.path().join("exported.csv");
    std::fs::write(&exported_file, &exported).unwrap();
    let other = dir.path().join("other");
    ok(
        &other,
        &[
            "import",
            "leads",
            exported_file.to_str().unwrap(),
            "--atomic",
        ],
    );
    assert_eq!(ok(&other, &["export", "leads"]).stdout, exported);

    // Again: every row is a duplicate; skipped, or compared and left unchanged.
    let again = ok(
        &other,
        &["import", "leads", exported_file.to_str().unwrap()],
    );
    assert!(
        again.stderr.contains("10000 duplicates skipped"),
        "{}",
        again.stderr
    );
    let edited = exported.replacen("Person 9999,", "Person Renamed,", 1);
    std::fs::write(&exported_file, edited).unwrap();
    let updated = ok(
        &other,
        &[
            "import",
            "leads",
            exported_file.to_str().unwrap(),
            "--on-duplicate",
            "update",
        ],
    );
    assert!(
        updated.stderr.contains("updated 1 in") && updated.stderr.contains("9999 unchanged"),
        "{}",
        updated.stderr
    );

    // All or nothing: one bad row and nothing is written.
    let fresh = dir.path().join("fresh");
    let atomic = run(synaptiq(
        &with_dir(
            &fresh,
            &["import", "leads", file.to_str().unwrap(), "--atomic"],
        ),
        &[],
    ));
    assert_eq!(atomic.status.code(), Some(2));
    assert!(atomic.stderr.contains("nothing was imported (--atomic)"));
    assert_eq!(ok(&fresh, &["export", "leads"]).stdout.lines().count(), 1);
    drop(server);
}

// ---------------------------------------------------------------- proxies, CORS, headers, logs

async fn chat(client: &reqwest::Client, url: &str, forwarded: Option<&str>) -> u16 {
    let mut request = client.post(format!("{url}/api/chat")).json(&json!({
        "tenantId": "default",
        "visitorId": "visitor-ops",
        "message": "Hello there"
    }));
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    request.send().await.unwrap().status().as_u16()
}

/// The `client` of each logged request line, in order.
fn logged_clients(stderr: &str, path: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains("\"request\"") && l.contains(&format!("\"path\":\"{path}\"")))
        .map(|l| {
            let line: Value = serde_json::from_str(l).unwrap();
            line["fields"]["client"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn stderr_settled(server: &Serving) -> String {
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.stderr()
}

#[tokio::test]
async fn x_forwarded_for_is_believed_only_from_trusted_proxies() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("SYNAPTIQ_RATE_LIMIT_PUBLIC", "2"),
        ("SYNAPTIQ_LOG", "info"),
        ("SYNAPTIQ_LOG_FORMAT", "json"),
    ];
    let server = Serving::on(dir.path(), &env);
    let client = http();
    // Untrusted peer: its X-Forwarded-For is ignored, so new addresses do not buy new quota.
    let spoofed = [
        chat(&client, &server.url, Some("203.0.113.1")).await,
        chat(&client, &server.url, Some("203.0.113.2")).await,
        chat(&client, &server.url, Some("203.0.113.3")).await,
    ];
    assert_eq!(spoofed, [200, 200, 429]);
    let stderr = stderr_settled(&server).await;
    let clients = logged_clients(&stderr, "/api/chat");
    assert_eq!(clients, ["127.0.0.1"; 3]);
    // Clients seem to sit behind a proxy nobody said to trust: the log says so, once.
    let warnings = stderr
        .lines()
        .filter(|l| l.contains("X-Forwarded-For but no trusted proxy is set"))
        .count();
    assert_eq!(warnings, 1, "{stderr}");
    drop(server);

    let dir = tempfile::tempdir().unwrap();
    let mut env = env.to_vec();
    env.push(("SYNAPTIQ_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8"));
    let server = Serving::on(dir.path(), &env);
    // Behind the trusted proxy each client is counted alone; a client cannot pose as
    // another by prepending addresses (the nearest untrusted hop is the client).
    let statuses = [
        chat(&client, &server.url, Some("203.0.113.1")).await,
        chat(&client, &server.url, Some("198.51.100.7, 10.1.2.3")).await,
        chat(&client, &server.url, Some("203.0.113.1")).await,
        chat(&client, &server.url, Some("203.0.113.1")).await,
        chat(&client, &server.url, Some("203.0.113.9, 203.0.113.2")).await,
    ];
    assert_eq!(statuses, [200, 200, 200, 429, 200]);
    let clients = logged_clients(&stderr_settled(&server).await, "/api/chat");
    assert_eq!(
        clients,
        [
            "203.0.113.1",
            "198.51.100.7",
            "203.0.113.1",
            "203.0.113.1",
            "203.0.113.2"
        ]
    );
    // An IPv6 client is its /64: new addresses in it buy no new quota.
    let statuses = [
        chat(&client, &server.url, Some("2001:db8:1:2::1")).await,
        chat(&client, &server.url, Some("2001:db8:1:2:ffff::2")).await,
        chat(&client, &server.url, Some("2001:db8:1:2::3")).await,
        chat(&client, &server.url, Some("2001:db8:1:3::1")).await,
    ];
    assert_eq!(statuses, [200, 200, 429, 200]);
    let stderr = stderr_settled(&server).await;
    assert!(!stderr.contains("no trusted proxy is set"), "{stderr}");
}

#[tokio::test]
async fn cors_preflights_follow_the_tenants_allowed_origins() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[]);
    let key = key(dir.path());
    let client = http();
    let preflight = |origin: &'static str, path: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", server.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let open = preflight("https://anyone.example", "/api/chat?tenant=default")
        .await
        .unwrap();
    assert_eq!(open.status(), 204);
    assert_eq!(
        open.headers()["access-control-allow-origin"],
        "https://anyone.example"
    );

    let patched = client
        .patch(format!("{}/api/admin/settings", server.url))
        .bearer_auth(&key)
        .json(&json!({"allowedOrigins": ["https://shop.example"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let allowed = preflight("https://shop.example", "/api/chat?tenant=default")
        .await
        .unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(
        allowed.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    for path in ["/api/chat?tenant=default", "/api/widget?tenant=default"] {
        let denied = preflight("https://evil.example", path).await.unwrap();
        assert_eq!(denied.status(), 403, "{path}");
        assert!(
            denied
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
        let body: Value = denied.json().await.unwrap();
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("https://evil.example")
        );
    }
    // The request itself, from a denied origin: refused, and unreadable cross-origin.
    let refused = client
        .get(format!("{}/api/widget?tenant=default", server.url))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // Private endpoints send no CORS headers at all.
    let private = client
        .get(format!("{}/api/leads", server.url))
        .bearer_auth(&key)
        .header("origin", "https://shop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    assert!(
        private
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn the_admin_ui_carries_security_headers_and_every_answer_a_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[]);
    let client = http();
    let admin = client
        .get(format!("{}/admin/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    let headers = admin.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("referrer-policy"));

    let health = client
        .get(format!("{}/api/health", server.url))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(health.headers()["x-request-id"], "trace-42");
    let fresh = client
        .get(format!("{}/api/health", server.url))
        .header("x-request-id", "not plain: spaces and / slashes")
        .send()
        .await
        .unwrap();
    let id = fresh.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn the_log_never_holds_the_admin_token_an_api_key_or_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serving::on(
        dir.path(),
        &[
            ("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN),
            ("SYNAPTIQ_LOG", "debug"),
        ],
    );
    let client = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("{}/api/admin/auth", server.url))
        .json(&json!({"token": ADMIN_TOKEN}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let created: Value = client
        .post(format!("{}/api/admin/api-keys", server.url))
        .header("origin", &server.url)
        .json(&json!({"name": "crm", "tier": "pro"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api_key = created["key"].as_str().unwrap().to_owned();
    let listed = client
        .get(format!("{}/api/leads?q=secret", server.url))
        .bearer_auth(&api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let message = "my budget code is PINEAPPLE-4242, keep it quiet";
    let chatted = http()
        .post(format!("{}/api/chat", server.url))
        .json(&json!({"tenantId": "default", "visitorId": "v-log", "message": message}))
        .send()
        .await
        .unwrap();
    assert_eq!(chatted.status(), 200);
    // A failing login is logged too, without the attempted token.
    let wrong = "wrong-token-ABCDEFGHIJKLMNOP";
    let failed = http()
        .post(format!("{}/api/admin/auth", server.url))
        .json(&json!({"token": wrong}))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 401);
    assert!(server.terminate().await.success());

    let log = server.stderr();
    assert!(log.contains("path=/api/chat"), "requests are logged: {log}");
    for secret in [ADMIN_TOKEN, api_key.as_str(), "PINEAPPLE-4242", wrong] {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
    assert!(
        !log.contains(&api_key[..12]),
        "the log holds a key's prefix"
    );
}
