//! docs/api.md cannot drift from the code: every ```sh block in it runs, in order, in one
//! bash, against a fresh server, and a failing command or an HTTP error fails the test
//! naming the block.

mod common;

use std::path::Path;

use common::binary::BIN;
use common::{ADMIN_TOKEN, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The server the doc's commands address; the test puts its own server's URL there.
const DOC_URL: &str = "http://127.0.0.1:8080";
/// The webhook receiver the doc assumes; the test puts its own receiver there.
const DOC_RECEIVER: &str = "http://127.0.0.1:9000";

/// A fenced block of the doc: where it starts, whether it shows an HTTP error on purpose.
struct Block {
    line: usize,
    expects_http_error: bool,
    text: String,
}

/// The ```sh blocks (```sh http-error: a block that shows an error answer on purpose); the
/// fences of other blocks open and close nothing here, since none of them holds a fence line.
fn sh_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        match open.take() {
            Some(block) if line.trim_start().starts_with("```") => blocks.push(block),
            Some(mut block) => {
                block.text.push_str(line);
                block.text.push('\n');
                open = Some(block);
            }
            None => {
                let info = line.trim_start().strip_prefix("```").map(str::trim);
                open = match info {
                    Some("sh") | Some("sh http-error") => Some(Block {
                        line: index + 1,
                        expects_http_error: info == Some("sh http-error"),
                        text: String::new(),
                    }),
                    _ => None,
                };
            }
        }
    }
    blocks
}

/// One bash script: each block records its name before it runs, and `curl` fails on an HTTP
/// error status unless the block shows one on purpose.
fn script(blocks: &[Block], server_url: &str, receiver_url: &str) -> String {
    let mut script = String::from("set -eo pipefail\n");
    for (number, block) in blocks.iter().enumerate() {
        let fail = if block.expects_http_error {
            ""
        } else {
            " --fail-with-body"
        };
        script.push_str(&format!(
            "printf 'block {} (docs/api.md line {})' > \"$DOCS_BLOCK\"\n\
             curl() {{ command curl{fail} -sS \"$@\"; }}\n",
            number + 1,
            block.line
        ));
        let text = block
            .text
            .replace(DOC_URL, server_url)
            .replace(DOC_RECEIVER, receiver_url);
        assert_loopback_only(&text, block.line, &[server_url, receiver_url]);
        script.push_str(&text);
        script.push('\n');
    }
    script.push_str("printf 'all blocks' > \"$DOCS_BLOCK\"\n");
    script
}

/// Fails, naming the block, when a command would reach anything but the test's own servers
/// (tests talk to 127.0.0.1 only).
fn assert_loopback_only(text: &str, line: usize, allowed: &[&str]) {
    for command in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for (at, _) in command.match_indices("://") {
            let start = command[..at]
                .rfind(|c: char| !c.is_ascii_alphabetic())
                .map_or(0, |i| i + 1);
            let url = &command[start..];
            assert!(
                allowed.iter().any(|a| url.starts_with(a)),
                "the block at docs/api.md line {line} reaches beyond this machine: {command}"
            );
        }
    }
}

/// A webhook receiver on loopback that answers 200 `ok` to every request.
async fn receiver() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 || request_complete(&seen, &buf[..n]) {
                        break;
                    }
                    seen.extend_from_slice(&buf[..n]);
                }
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    Ok(url)
}

/// Whether the bytes so far and `more` hold the whole request (head and Content-Length body).
fn request_complete(seen: &[u8], more: &[u8]) -> bool {
    let all = [seen, more].concat();
    let text = String::from_utf8_lossy(&all);
    let Some(head_end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..head_end]
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    all.len() >= head_end + 4 + length
}

/// Whether a tool the doc's commands use is installed (CI installs them; see .ci/run).
fn installed(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sh_block_of_docs_api_md_runs_against_a_fresh_server() {
    let missing: Vec<_> = ["bash", "curl", "jq"]
        .into_iter()
        .filter(|tool| !installed(tool))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var("CI").is_err(),
            "docs check: {missing:?} not installed"
        );
        eprintln!("!!! docs check SKIPPED: {missing:?} not installed !!!");
        return;
    }
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api.md")).unwrap();
    let blocks = sh_blocks(&doc);
    assert!(blocks.len() > 20, "only {} sh blocks found", blocks.len());

    let server = TestServer::start_with(|c| c.webhooks.allowed_hosts.loopback = true).await;
    let receiver = receiver().await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let marker = work.path().join(".block");
    let script_path = work.path().join("api.sh");
    std::fs::write(&script_path, script(&blocks, &server.url, &receiver)).unwrap();

    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = tokio::process::Command::new("bash")
        .arg(&script_path)
        .current_dir(work.path())
        .env_clear()
        .env("PATH", path)
        .env("HOME", work.path())
        .env("LANG", "C.UTF-8")
        .env("SYNAPTIQ_DATA_DIR", server.data_dir())
        .env("SYNAPTIQ_LOG", "warn")
        .env("ADMIN_TOKEN", ADMIN_TOKEN)
        .env("DOCS_BLOCK", &marker)
        .output()
        .await
        .unwrap();
    let reached = std::fs::read_to_string(&marker).unwrap_or_else(|_| "no block".into());
    assert!(
        output.status.success() && reached == "all blocks",
        "{reached} failed ({}):\n--- stdout (end) ---\n{}\n--- stderr ---\n{}",
        output.status,
        tail(&String::from_utf8_lossy(&output.stdout)),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// The end of a long output, so the failure message stays readable.
fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(3000);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    &text[start..]
}
