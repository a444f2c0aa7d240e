//! The `synaptiq` executable: help, `serve` (start-up output, configuration, signals) and the
//! commands that work on the data directory, alone and beside a running server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::binary::{Serving, ok, run, synaptiq, with_dir};
use serde_json::{Value, json};

const ADMIN_TOKEN: &str = "cli-test-admin-token-0123456789";

// ---------------------------------------------------------------- talking to it

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

struct Reply {
    status: u16,
    body: Value,
    set_cookie: Option<String>,
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    Reply {
        status,
        body,
        set_cookie,
    }
}

async fn get_with_key(url: &str, key: &str) -> Reply {
    send(http().get(url).bearer_auth(key)).await
}

async fn login(base: &str, token: &str) -> Reply {
    send(
        http()
            .post(format!("{base}/api/admin/auth"))
            .json(&json!({ "token": token })),
    )
    .await
}

/// Logs in and returns the `synaptiq_session=...` cookie pair.
async fn session(base: &str, token: &str) -> String {
    let reply = login(base, token).await;
    assert_eq!(reply.status, 200, "login: {}", reply.body);
    reply
        .set_cookie
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// The word following "Admin token:" in the start-up banner.
fn banner_token(stderr: &str) -> Option<String> {
    let line = stderr.lines().find(|l| l.contains("Admin token:"))?;
    let after = line.split_once("Admin token:")?.1;
    after.split_whitespace().next().map(str::to_owned)
}

/// One `keys list` row, split at tabs.
fn key_row(dir: &Path, key: &str) -> Vec<String> {
    let out = ok(dir, &["keys", "list"]);
    assert!(
        !out.stdout.contains(key),
        "keys list shows no secret: {}",
        out.stdout
    );
    out.stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .find(|fields| fields.len() > 4 && key.starts_with(fields[4].as_str()))
        .unwrap_or_else(|| panic!("no row for the key in: {}", out.stdout))
}

fn create_key(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["keys", "create"];
    all.extend(args);
    let out = ok(dir, &all);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the key on stdout: {:?}", out.stdout);
    let key = lines[0].to_owned();
    assert!(key.starts_with("sq_") && key.len() >= 46, "key: {key}");
    key
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wal(dir: &Path) -> PathBuf {
    dir.join("synaptiq.db-wal")
}

// ---------------------------------------------------------------- help

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["keys"],
        &["keys", "create"],
        &["keys", "list"],
        &["keys", "revoke"],
        &["tenants"],
        &["tenants", "create"],
        &["tenants", "list"],
        &["admin-token"],
        &["admin-token", "reset"],
        &["openapi"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");

        let out = run(synaptiq(&args, &[]));

        assert!(
            out.status.success(),
            "synaptiq {args:?}: {} {}",
            out.status,
            out.stderr
        );
        assert!(
            out.stdout.contains("Usage:"),
            "synaptiq {args:?}: {}",
            out.stdout
        );
    }
    let top = run(synaptiq(&["--help"], &[])).stdout;
    for name in ["serve", "keys", "tenants", "admin-token", "openapi"] {
        assert!(top.contains(name), "--help lists {name}: {top}");
    }
}

/// Every flag and argument of every command says what it is for (`keys create --help`
/// listed `--name`, `--tier` and `--tenant` with nothing beside them).
#[test]
fn every_flag_and_argument_is_described() {
    let commands: &[&[&str]] = &[
        &["serve"],
        &["keys", "create"],
        &["keys", "list"],
        &["keys", "revoke"],
        &["tenants", "create"],
        &["tenants", "list"],
        &["admin-token", "reset"],
        &["openapi"],
        &["reindex"],
        &["backup"],
        &["restore"],
        &["import", "leads"],
        &["export", "leads"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");

        let help = run(synaptiq(&args, &[])).stdout;

        let entries: Vec<&str> = help
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with('-') || l.starts_with('<'))
            .collect();
        assert!(!entries.is_empty(), "synaptiq {args:?}: {help}");
        for entry in entries {
            let described = entry
                .split_once("  ")
                .map(|(_, text)| text.trim())
                .is_some_and(|text| !text.is_empty() && !text.starts_with('['));
            assert!(described, "synaptiq {args:?}: {entry:?} says nothing");
        }
    }
}

// ---------------------------------------------------------------- serve

#[tokio::test]
async fn first_start_prints_the_url_then_the_admin_token_url_and_snippet_and_a_restart_keeps_the_token()
 {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serving::on(dir.path(), &[]);

    assert!(
        server.url.starts_with("http://127.0.0.1:") && server.port() != 0,
        "first stdout line: {}",
        server.url
    );
    let health = send(http().get(format!("{}/api/health", server.url))).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");
    let stderr = server.stderr_containing("widget.js").await;
    assert!(
        stderr.contains(&format!("{}/admin", server.url)),
        "admin URL: {stderr}"
    );
    let snippet = format!(
        "<script src=\"{}/widget.js\" data-tenant=\"default\"></script>",
        server.url
    );
    assert!(
        stderr.contains(&snippet),
        "widget snippet {snippet}: {stderr}"
    );
    let token = banner_token(&stderr).unwrap_or_else(|| panic!("no admin token: {stderr}"));
    assert!(token.len() >= 16, "token: {token}");
    assert_eq!(
        login(&server.url, &token).await.status,
        200,
        "the printed token logs in"
    );
    assert_eq!(
        server.stdout().lines().count(),
        1,
        "stdout holds only the URL: {}",
        server.stdout()
    );
    assert!(server.terminate().await.success());

    let again = Serving::on(dir.path(), &[]);

    let stderr = again.stderr_containing("widget.js").await;
    assert!(
        !stderr.contains(&token),
        "the token is shown once: {stderr}"
    );
    assert_eq!(
        login(&again.url, &token).await.status,
        200,
        "and it still works"
    );
}

#[tokio::test]
async fn sigterm_stops_cleanly_and_a_restart_sees_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = create_key(dir.path(), &["--name", "ops", "--tier", "enterprise"]);
    let mut server = Serving::on(dir.path(), &[]);
    let created = send(
        http()
            .post(format!("{}/api/leads", server.url))
            .bearer_auth(&key)
            .json(&json!({"name": "Jane Smith", "email": "jane@example.com"})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["lead"]["id"].as_str().unwrap().to_owned();

    let status = server.terminate().await;

    assert_eq!(status.code(), Some(0), "stderr: {}", server.stderr());
    let wal_len = std::fs::metadata(wal(dir.path())).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "the WAL is checkpointed on shutdown");
    let restarted = Serving::on(dir.path(), &[]);
    let got = get_with_key(&format!("{}/api/leads/{id}", restarted.url), &key).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["lead"]["email"], "jane@example.com");
    let found = get_with_key(&format!("{}/api/leads?q=jane", restarted.url), &key).await;
    assert_eq!(
        found.body["leads"][0]["id"],
        id.as_str(),
        "the index survives too"
    );
}

#[tokio::test]
async fn sigterm_as_soon_as_the_url_is_printed_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serving::on(dir.path(), &[]);

    let status = server.terminate().await;

    assert_eq!(
        status.code(),
        Some(0),
        "a signal before the handler would kill it; stderr: {}",
        server.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_flight_request_completes_during_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let key = create_key(dir.path(), &["--name", "ops", "--tier", "enterprise"]);
    // Index commits at most every 4 s, so a request that waits for searchability is slow.
    let mut server = Serving::on(dir.path(), &[("SYNAPTIQ_SEARCH_REFRESH_INTERVAL", "4s")]);
    let leads = format!("{}/api/leads?refresh=wait_for", server.url);
    let first = send(
        http()
            .post(&leads)
            .bearer_auth(&key)
            .json(&json!({"name": "A", "email": "a@example.com"})),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let in_flight = tokio::spawn(send(
        http()
            .post(&leads)
            .bearer_auth(&key)
            .json(&json!({"name": "B", "email": "b@example.com"})),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !in_flight.is_finished(),
        "the request is still waiting for the index"
    );

    let status = server.terminate().await;

    let reply = in_flight.await.unwrap();
    assert_eq!(
        reply.status, 201,
        "the in-flight request completed: {}",
        reply.body
    );
    assert_eq!(status.code(), Some(0), "stderr: {}", server.stderr());
    let id = reply.body["lead"]["id"].as_str().unwrap().to_owned();
    let restarted = Serving::on(dir.path(), &[]);
    assert_eq!(
        get_with_key(&format!("{}/api/leads/{id}", restarted.url), &key)
            .await
            .status,
        200
    );
}

/// A start-up that must be refused: arguments, environment, and the key the error names.
struct BadConfig<'a> {
    args: Vec<&'a str>,
    env: Vec<(&'a str, &'a str)>,
    names: &'a str,
}

#[test]
fn configuration_errors_exit_2_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let toml = dir.path().join("synaptiq.toml");
    std::fs::write(&toml, "bind = \"127.0.0.1:0\"\nbnid = \"127.0.0.1:0\"\n").unwrap();
    let serve = vec!["serve", "--data-dir", data, "--bind", "127.0.0.1:0"];
    let bad_env = |name, value| BadConfig {
        args: serve.clone(),
        env: vec![(name, value)],
        names: name,
    };
    let cases = [
        bad_env("SYNAPTIQ_WEBHOOK_TIMEOUT", "soon"),
        bad_env("SYNAPTIQ_LLM_PROVIDER", "gemini"),
        bad_env("SYNAPTIQ_TRUSTED_PROXIES", "10.0.0.0/33"),
        BadConfig {
            args: vec!["serve", "--data-dir", data, "--bind", "nonsense"],
            env: vec![],
            names: "--bind",
        },
        BadConfig {
            args: vec![
                "serve",
                "--data-dir",
                data,
                "--config",
                toml.to_str().unwrap(),
            ],
            env: vec![],
            names: "bnid",
        },
    ];

    for BadConfig { args, env, names } in cases {
        let out = run(synaptiq(&args, &env));

        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} {env:?}: {} / {}",
            out.stdout,
            out.stderr
        );
        let lines: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "one stderr line for {names}: {:?}",
            out.stderr
        );
        assert!(lines[0].contains(names), "names {names}: {}", lines[0]);
        assert!(out.stdout.is_empty(), "nothing served: {}", out.stdout);
    }
}

#[tokio::test]
async fn a_flag_beats_the_environment_which_beats_the_toml_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("from-toml");
    let (toml_port, env_port, flag_port) = (free_port(), free_port(), free_port());
    let toml = dir.path().join("synaptiq.toml");
    std::fs::write(
        &toml,
        format!(
            "bind = \"127.0.0.1:{toml_port}\"\ndata_dir = \"{}\"\n",
            data.display()
        ),
    )
    .unwrap();
    let config = ["--config", toml.to_str().unwrap()];
    let env_bind = format!("127.0.0.1:{env_port}");
    let env = [("SYNAPTIQ_BIND", env_bind.as_str())];
    let flag_bind = format!("127.0.0.1:{flag_port}");

    let mut with_flag = config.to_vec();
    with_flag.extend(["--bind", flag_bind.as_str()]);
    let all_three = Serving::start(&with_flag, &env);
    assert_eq!(all_three.port(), flag_port, "the flag wins");
    assert_eq!(
        send(http().get(format!("{}/api/health", all_three.url)))
            .await
            .status,
        200
    );
    assert!(
        data.join("synaptiq.db").exists(),
        "data_dir from the toml file is used"
    );
    drop(all_three);

    let env_and_toml = Serving::start(&config, &env);
    assert_eq!(
        env_and_toml.port(),
        env_port,
        "the environment beats the file"
    );
    drop(env_and_toml);

    let toml_only = Serving::start(&config, &[]);
    assert_eq!(toml_only.port(), toml_port, "the file beats the default");
    assert_eq!(
        send(http().get(format!("{}/api/health", toml_only.url)))
            .await
            .status,
        200
    );
}

/// A first start logs migrations and index rebuilds; the banner (URL, token, snippet) comes
/// first all the same, not below them.
#[tokio::test]
async fn the_banner_comes_before_the_start_up_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[("SYNAPTIQ_LOG", "info")]);

    let stderr = server.stderr_containing("database migrated").await;

    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Synaptiq ") && first.contains("listening on"),
        "the banner is the first thing on stderr: {stderr}"
    );
    let banner_end = stderr.find("API docs:").unwrap();
    assert!(
        stderr.find("database migrated").unwrap() > banner_end,
        "{stderr}"
    );
    assert!(banner_token(&stderr).is_some(), "{stderr}");
}

// ---------------------------------------------------------------- keys, tenants, token, spec

#[test]
fn keys_are_created_listed_without_their_secret_and_revoked() {
    let dir = tempfile::tempdir().unwrap();

    let key = create_key(dir.path(), &["--name", "x", "--tier", "pro"]);

    let row = key_row(dir.path(), &key);
    assert_eq!(
        row.len(),
        8,
        "id, tenant, name, tier, prefix, created, last used, revoked: {row:?}"
    );
    uuid::Uuid::parse_str(&row[0]).unwrap();
    assert_eq!(
        (row[1].as_str(), row[2].as_str(), row[3].as_str()),
        ("default", "x", "pro")
    );
    assert!(
        row[4].len() < key.len() / 2,
        "a short display prefix: {row:?}"
    );
    assert_eq!(row[7], "-", "not revoked: {row:?}");
    ok(dir.path(), &["keys", "revoke", &row[0]]);
    let revoked = key_row(dir.path(), &key);
    assert_ne!(revoked[7], "-", "revoked time shown: {revoked:?}");
    let again = run(synaptiq(
        &with_dir(dir.path(), &["keys", "revoke", &row[0]]),
        &[],
    ));
    assert!(
        !again.status.success(),
        "revoking twice fails: {}",
        again.stderr
    );
    let gold = run(synaptiq(
        &with_dir(
            dir.path(),
            &["keys", "create", "--name", "y", "--tier", "gold"],
        ),
        &[],
    ));
    assert_eq!(gold.status.code(), Some(2), "unknown tier: {}", gold.stderr);
}

#[test]
fn tenants_are_created_and_listed() {
    let dir = tempfile::tempdir().unwrap();

    ok(dir.path(), &["tenants", "create", "acme", "--name", "Acme"]);

    let list = ok(dir.path(), &["tenants", "list"]).stdout;
    let rows: Vec<Vec<&str>> = list.lines().map(|l| l.split('\t').collect()).collect();
    assert!(
        rows.iter()
            .any(|r| r.len() == 3 && r[0] == "acme" && r[1] == "Acme"),
        "{list}"
    );
    assert!(rows.iter().any(|r| r[0] == "default"), "{list}");
    let duplicate = run(synaptiq(
        &with_dir(dir.path(), &["tenants", "create", "acme"]),
        &[],
    ));
    assert!(
        !duplicate.status.success(),
        "a duplicate fails: {}",
        duplicate.stderr
    );
    let key = create_key(dir.path(), &["--name", "acme key", "--tenant", "acme"]);
    let acme_keys = ok(dir.path(), &["keys", "list", "--tenant", "acme"]).stdout;
    assert_eq!(acme_keys.lines().count(), 1, "{acme_keys}");
    assert!(
        key.starts_with(acme_keys.split('\t').nth(4).unwrap()),
        "{acme_keys}"
    );
    let missing = run(synaptiq(
        &with_dir(
            dir.path(),
            &["keys", "create", "--name", "k", "--tenant", "nobody"],
        ),
        &[],
    ));
    assert!(
        !missing.status.success(),
        "no key for an unknown tenant: {}",
        missing.stderr
    );
}

#[test]
fn an_invalid_tenant_id_exits_2() {
    let dir = tempfile::tempdir().unwrap();

    let out = run(synaptiq(
        &with_dir(dir.path(), &["tenants", "create", "Bad_ID"]),
        &[],
    ));

    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("id"), "{}", out.stderr);
    let long = "a".repeat(65);
    assert_eq!(
        run(synaptiq(
            &with_dir(dir.path(), &["tenants", "create", &long]),
            &[]
        ))
        .status
        .code(),
        Some(2)
    );
    let key = run(synaptiq(
        &with_dir(
            dir.path(),
            &["keys", "create", "--name", "k", "--tenant", "Bad_ID"],
        ),
        &[],
    ));
    assert_eq!(key.status.code(), Some(2), "{}", key.stderr);
    let list = ok(dir.path(), &["tenants", "list"]).stdout;
    assert!(!list.contains("Bad_ID"), "{list}");
}

#[tokio::test]
async fn admin_token_reset_prints_a_new_token_and_ends_every_session() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[]);
    let stderr = server.stderr_containing("widget.js").await;
    let old_token = banner_token(&stderr).unwrap();
    let cookie = session(&server.url, &old_token).await;
    let leads = format!("{}/api/leads", server.url);
    assert_eq!(
        send(http().get(&leads).header("cookie", &cookie))
            .await
            .status,
        200
    );

    let out = ok(dir.path(), &["admin-token", "reset"]);

    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the token on stdout: {:?}", out.stdout);
    let new_token = lines[0];
    assert!(
        new_token.len() >= 16 && new_token != old_token,
        "new token: {new_token}"
    );
    let stale = send(http().get(&leads).header("cookie", &cookie)).await;
    assert_eq!(stale.status, 401, "the old session ended: {}", stale.body);
    assert_eq!(
        login(&server.url, &old_token).await.status,
        401,
        "the old token is dead"
    );
    let fresh = session(&server.url, new_token).await;
    assert_eq!(
        send(http().get(&leads).header("cookie", &fresh))
            .await
            .status,
        200
    );
}

#[test]
fn openapi_prints_the_checked_in_spec() {
    let out = run(synaptiq(&["openapi"], &[]));

    assert!(out.status.success(), "{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout).expect("openapi prints JSON");
    let path = "openapi.json";
    let file = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let checked_in: Value = serde_json::from_str(&file).unwrap();
    assert!(
        printed == checked_in,
        "openapi.json differs from `synaptiq openapi`"
    );
    assert!(printed["paths"]["/api/leads"].is_object());
}

#[test]
fn counts_are_singular_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.csv");
    std::fs::write(&file, "name,email\nAda,ada@example.com\n").unwrap();
    let data = dir.path().join("data");

    let imported = ok(&data, &["import", "leads", file.to_str().unwrap()]);
    let exported = ok(&data, &["export", "leads"]);
    let reindexed = ok(&data, &["reindex"]);

    assert!(
        imported
            .stderr
            .contains("Imported 1 new lead and updated 0 in"),
        "{}",
        imported.stderr
    );
    assert!(
        imported
            .stderr
            .contains("0 duplicates skipped, 0 unchanged, 0 rows rejected."),
        "{}",
        imported.stderr
    );
    assert!(
        exported.stderr.starts_with("Exported 1 lead in "),
        "{}",
        exported.stderr
    );
    assert!(
        reindexed.stderr.contains("Reindexed 1 lead in "),
        "{}",
        reindexed.stderr
    );
}

/// A restore into a new data directory has no previous database to keep, and says so by
/// not claiming one; a restore over one keeps it.
#[test]
fn restore_mentions_the_kept_database_only_when_there_was_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    create_key(&data, &["--name", "before"]);
    let backup = dir.path().join("backup.db");
    ok(&data, &["backup", backup.to_str().unwrap()]);
    let empty = dir.path().join("empty");

    let fresh = ok(&empty, &["restore", backup.to_str().unwrap()]);
    let over = ok(&data, &["restore", backup.to_str().unwrap()]);

    assert!(fresh.stderr.contains("Restored "), "{}", fresh.stderr);
    assert!(
        !fresh.stderr.contains("previous database"),
        "nothing was kept: {}",
        fresh.stderr
    );
    assert!(!empty.join("synaptiq.db.before-restore").exists());
    assert!(
        over.stderr
            .contains("the previous database is kept as synaptiq.db.before-restore"),
        "{}",
        over.stderr
    );
    assert!(data.join("synaptiq.db.before-restore").exists());
}

// ---------------------------------------------------------------- beside a running server

#[tokio::test]
async fn keys_and_tenants_made_by_the_cli_take_effect_in_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let leads = format!("{}/api/leads", server.url);

    let key = create_key(dir.path(), &["--name", "live", "--tier", "enterprise"]);
    let used = get_with_key(&leads, &key).await;
    assert_eq!(used.status, 200, "a new key works at once: {}", used.body);

    ok(
        dir.path(),
        &["tenants", "create", "beside", "--name", "Beside"],
    );
    let cookie = session(&server.url, ADMIN_TOKEN).await;
    let as_beside = send(
        http()
            .get(&leads)
            .header("cookie", &cookie)
            .header("X-Synaptiq-Tenant", "beside"),
    )
    .await;
    assert_eq!(
        as_beside.status, 200,
        "the new tenant is usable at once: {}",
        as_beside.body
    );
    let beside_key = create_key(dir.path(), &["--name", "b", "--tenant", "beside"]);
    let created = send(
        http()
            .post(&leads)
            .bearer_auth(&beside_key)
            .json(&json!({"name": "Bea", "email": "bea@example.com"})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        get_with_key(&leads, &key).await.body["leads"],
        json!([]),
        "the lead is in tenant beside only"
    );

    let id = key_row(dir.path(), &key)[0].clone();
    ok(dir.path(), &["keys", "revoke", &id]);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut status = get_with_key(&leads, &key).await.status;
    while status != 401 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = get_with_key(&leads, &key).await.status;
    }
    assert_eq!(status, 401, "a revoked key is refused within 1 s");
}
