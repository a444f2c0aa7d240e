//! The SDKs users generate from `openapi.json` work, unedited, against the real server: a
//! Python client (openapi-python-client) and TypeScript types (openapi-typescript) with
//! openapi-fetch run `tests/sdk/client_test.{py,ts}`: create, get, patch, search and delete a
//! lead, upload and list a document, read the analytics, and a 409 and a 404 as typed errors.
//! `.ci/run` installs the generators; the generated code lives in temp or ignored dirs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::TestServer;
use tokio::process::Command;

const SPEC: &str = "openapi.json";
const SDK_DIR: &str = "tests/sdk";

async fn run(what: &str, command: &mut Command) -> Output {
    let out = tokio::time::timeout(
        Duration::from_secs(300),
        command.kill_on_drop(true).output(),
    )
    .await
    .unwrap_or_else(|_| panic!("{what} took over 5 minutes"))
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_python_sdk_works() {
    let Some(generator) = common::tool(
        "openapi-python-client",
        "pip install openapi-python-client==0.27.1",
    ) else {
        return;
    };
    let server = TestServer::start().await;
    let key = server.key().await;
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("synaptiq_client");
    run(
        "openapi-python-client generate",
        Command::new(generator)
            .args([
                "generate",
                "--meta",
                "none",
                "--path",
                SPEC,
                "--output-path",
            ])
            .arg(&package),
    )
    .await;
    // One module per operation: the `/api/admin/leads` twins would add `admin_create_lead`.
    let modules: Vec<String> = std::fs::read_dir(package.join("api/leads"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("create_lead"))
        .collect();
    assert_eq!(modules, ["create_lead.py"], "one create_lead");
    let out = run(
        "tests/sdk/client_test.py",
        Command::new("python3")
            .arg(Path::new(SDK_DIR).join("client_test.py"))
            .env("PYTHONPATH", dir.path())
            .env("SYNAPTIQ_URL", &server.url)
            .env("SYNAPTIQ_KEY", &key),
    )
    .await;
    assert!(String::from_utf8_lossy(&out.stdout).contains("python sdk: ok"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_typescript_sdk_works() {
    let Some(node) = common::tool("node", "apt-get install nodejs npm") else {
        return;
    };
    let bin = Path::new(SDK_DIR).join("node_modules/.bin");
    let installed = bin.join("openapi-typescript").is_file() && bin.join("tsc").is_file();
    if !installed {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "tests/sdk/node_modules is missing in CI (npm ci --prefix tests/sdk)"
        );
        eprintln!("!!!!! A TEST DID NOT RUN: run `npm ci --prefix tests/sdk` !!!!!");
        return;
    }
    let server = TestServer::start().await;
    let key = server.key().await;
    let generated = Path::new(SDK_DIR).join("generated");
    run(
        "openapi-typescript",
        Command::new(bin.join("openapi-typescript"))
            .arg(SPEC)
            .arg("--output")
            .arg(generated.join("schema.d.ts")),
    )
    .await;
    let schema = std::fs::read_to_string(generated.join("schema.d.ts")).unwrap();
    let operations = schema
        .split_once("export interface operations {")
        .expect("schema.d.ts has its operations")
        .1;
    let creates: Vec<&str> = operations
        .lines()
        .map(str::trim)
        .filter(|line| line.ends_with("reateLead: {"))
        .collect();
    assert_eq!(creates, ["createLead: {"], "one createLead operation");
    run(
        "tsc (the test against the generated types)",
        Command::new(bin.join("tsc")).arg("-p").arg(SDK_DIR),
    )
    .await;
    let out = run(
        "tests/sdk/client_test.ts",
        Command::new(node)
            .arg(generated.join("js/client_test.js"))
            .env("SYNAPTIQ_URL", &server.url)
            .env("SYNAPTIQ_KEY", &key),
    )
    .await;
    assert!(String::from_utf8_lossy(&out.stdout).contains("typescript sdk: ok"));
}
