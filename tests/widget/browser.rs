//! Headless Chromium for the widget tests, driven over WebDriver (chromedriver + fantoccini),
//! and the customer's site: a tiny HTTP server on another loopback port, so the widget runs
//! cross-origin exactly as on a real site.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const TAB: char = '\u{e004}';
pub const ENTER: char = '\u{e007}';
pub const ESCAPE: char = '\u{e00c}';

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium and chromedriver, or None after saying loudly that the test did not run. In CI
/// (`CI=true`) a missing browser fails the test instead: there, skipping would hide it.
pub fn tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let browser = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    match (browser, driver) {
        (Some(b), Some(d)) => Some((b, d)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{test}: chromium and chromedriver are required in CI (apt-get install chromium chromium-driver)"
            )
        }
        _ => {
            // One line for the whole run, not one per test, written past the test harness's
            // output capture (which hides eprintln! of passing tests).
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "!!!!! THE WIDGET BROWSER TESTS DID NOT RUN: chromium/chromedriver not found (apt-get install chromium chromium-driver) !!!!!"
                );
            });
            None
        }
    }
}

/// One browser session. chromedriver runs in a process group of its own, killed whole on
/// drop: killing chromedriver alone left its Chromium processes running after the tests.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    name: String,
}

impl Drop for Browser {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.driver.id()) {
            // SAFETY: kill takes no pointers; a negative pid names the process group.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// A fresh headless Chromium with a window of `width` x `height`.
    pub async fn start(test: &str, width: u32, height: u32) -> Option<Self> {
        let (chromium, chromedriver) = tools(test)?;
        let port = free_port();
        let driver = Command::new(chromedriver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.path().display()),
            &format!("--window-size={width},{height}"),
        ];
        let mut options = json!({"binary": chromium, "args": args});
        if width < 500 {
            // Headless windows do not get narrower than ~500 px: emulate the phone instead.
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}});
        }
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": options});
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("{test}: no WebDriver session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Some(Self {
            client,
            driver,
            _profile: profile,
            name: test.to_owned(),
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Runs `body` as a function in the page; `r` is the widget's shadow root (or null).
    pub async fn js(&self, body: &str) -> Value {
        let script = format!(
            "const h = document.querySelector('synaptiq-widget'); const r = h && h.shadowRoot;\n{body}"
        );
        self.client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{}: script failed: {e}\n{body}", self.name))
    }

    /// Waits (up to 20 s) until `expr` is truthy in the page; returns its value.
    pub async fn wait_for(&self, expr: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let value = self
                .js(&format!(
                    "try {{ return ({expr}); }} catch (e) {{ return null; }}"
                ))
                .await;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!(0)
                && value != json!("");
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("{}-timeout", self.name)).await;
                let events = self
                    .js("return JSON.stringify(window.__events || []);")
                    .await;
                let log = self.js("return r && r.querySelector('.log') ? r.querySelector('.panel').innerText : null;").await;
                panic!(
                    "{}: timed out waiting for {expr}\nevents: {events}\npanel: {log}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses keys on whatever has focus, as a keyboard would.
    pub async fn keys(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Saves a PNG under the test output dir (`target/tmp/widget-screenshots/`).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.screenshot_in("widget-screenshots", name).await
    }

    /// Saves a PNG under the test output dir (`target/tmp/{folder}/`).
    pub async fn screenshot_in(&self, folder: &str, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(&path, png).unwrap();
        path
    }
}

/// The customer's page: records every `synaptiq:*` event in `window.__events`, then loads
/// the widget with the snippet. `head` goes into <head> (hostile CSS, instrumentation).
pub fn customer_page(widget_origin: &str, head: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Customer site</title>
{head}</head><body><h1>Acme Corp</h1><p>Welcome to our site.</p>
<button id="cta" type="button" onclick="SynaptiqWidget.open()">Talk to us</button>
<div id="app"><p>Page content</p></div>
<script>
window.__events = [];
['ready', 'open', 'close', 'message', 'lead.created', 'lead.qualified', 'meeting.booked',
 'conversation.completed'].forEach(function (n) {{
  addEventListener('synaptiq:' + n, function (e) {{ __events.push({{type: n, detail: e.detail}}); }});
}});
</script>
<script src="{widget_origin}/widget.js" data-tenant="default"></script>
</body></html>"#
    )
}

/// Serves `page(path)` as HTML for every GET, on its own loopback port; returns its origin.
pub async fn serve_site(page: impl Fn(&str) -> String + Send + Sync + 'static) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let page = std::sync::Arc::new(page);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, body) = if path == "/favicon.ico" {
                    ("404 Not Found", String::new())
                } else {
                    ("200 OK", page(&path))
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    origin
}
