//! The release server as a separate process: build it, start it on a loopback port, create
//! an API key with the CLI, measure it from outside, and stop it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const ADMIN_TOKEN: &str = "bench-admin-token-0123456789";
/// Per minute; high enough that the limiter never answers 429 during the bench.
const RATE_LIMIT: &str = "100000000";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
const HEALTH_POLL: Duration = Duration::from_millis(5);

/// Builds the release server into the target dir this bench runs from, so one
/// `cargo run --release -p synaptiq-bench` does everything.
pub fn build() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the bench executable")?;
    let release_dir = exe.parent().context("bench executable has no directory")?;
    // The target dir's root holds CACHEDIR.TAG; the release dir sits in it directly, or under
    // the target triple that .cargo/config.toml names.
    let target_dir = release_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .context("bench executable is not in a target dir")?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("bench: building the release server…");
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "--bin", "synaptiq", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release --bin synaptiq failed ({status})");
    }
    let binary = release_dir.join("synaptiq");
    if !binary.is_file() {
        bail!("built server not found at {}", binary.display());
    }
    Ok(binary)
}

/// Resident memory in MiB: now, at its peak, and now split into heap-like (anonymous) pages
/// and mapped files (the tantivy segments, SQLite's mmap if any, the binary itself).
pub struct Memory {
    pub rss: f64,
    pub peak: f64,
    pub anon: f64,
    pub file: f64,
}

/// How to start the server on one data dir; its stderr is appended to `log`.
pub struct Launcher {
    pub binary: PathBuf,
    pub data_dir: PathBuf,
    pub log: PathBuf,
}

/// A running server; dropping it kills the process, so an error never leaves one behind.
pub struct Server {
    child: Child,
    pub url: String,
    pub pid: u32,
    /// From spawn until /api/health first answered 200.
    pub ready_in: Duration,
}

impl Launcher {
    fn command(&self, args: &[&str]) -> Result<Command> {
        let mut command = Command::new(&self.binary);
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .env("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("SYNAPTIQ_RATE_LIMIT_ENTERPRISE", RATE_LIMIT)
            .env("SYNAPTIQ_RATE_LIMIT_PUBLIC", RATE_LIMIT)
            .env("SYNAPTIQ_LOG", "warn")
            // The webhook phase's receiver runs in the bench, on loopback.
            .env("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS", "loopback")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(self.log_file()?)
            .kill_on_drop(true);
        Ok(command)
    }

    fn log_file(&self) -> Result<File> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("opening {}", self.log.display()))
    }

    /// Starts the server and waits until it is healthy.
    pub async fn start(&self, http: &reqwest::Client) -> Result<Server> {
        let spawned = Instant::now();
        let mut child = self
            .command(&["serve", "--bind", "127.0.0.1:0"])?
            .spawn()
            .context("starting the server")?;
        let pid = child.id().context("server exited at once")?;
        let url = match tokio::time::timeout(START_TIMEOUT, first_line(&mut child)).await {
            Ok(Ok(url)) => url,
            Ok(Err(err)) => return Err(err.context(self.log_tail())),
            Err(_) => bail!(
                "server printed no URL within {START_TIMEOUT:?}; {}",
                self.log_tail()
            ),
        };
        wait_healthy(http, &url).await?;
        Ok(Server {
            child,
            url,
            pid,
            ready_in: spawned.elapsed(),
        })
    }

    /// Creates an enterprise key with the CLI, beside the running server, as an operator would.
    pub async fn create_key(&self) -> Result<String> {
        let out = self
            .command(&["keys", "create", "--name", "bench", "--tier", "enterprise"])?
            .output()
            .await
            .context("running synaptiq keys create")?;
        if !out.status.success() {
            bail!(
                "synaptiq keys create failed ({}); {}",
                out.status,
                self.log_tail()
            );
        }
        let key = String::from_utf8(out.stdout)
            .context("key is not UTF-8")?
            .trim()
            .to_owned();
        if key.is_empty() {
            bail!("synaptiq keys create printed no key");
        }
        Ok(key)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("server log {}:\n{}", self.log.display(), tail.join("\n"))
    }
}

/// The bound URL is the first stdout line; the rest of stdout is drained so the server can
/// never block on a full pipe.
async fn first_line(child: &mut Child) -> Result<String> {
    let stdout = child.stdout.take().context("server stdout not piped")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next_line().await.context("reading server stdout")?;
    let url = line.context("server exited before printing its URL")?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    if !url.starts_with("http://127.0.0.1:") {
        bail!("unexpected first line from the server: {url:?}");
    }
    Ok(url)
}

async fn wait_healthy(http: &reqwest::Client, url: &str) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    let health = format!("{url}/api/health");
    while Instant::now() < deadline {
        if let Ok(reply) = http.get(&health).send().await
            && reply.status() == reqwest::StatusCode::OK
        {
            return Ok(());
        }
        tokio::time::sleep(HEALTH_POLL).await;
    }
    bail!("server at {url} not healthy within {START_TIMEOUT:?}")
}

impl Server {
    /// Resident memory from /proc/<pid>/status.
    pub fn memory(&self) -> Result<Memory> {
        let path = format!("/proc/{}/status", self.pid);
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        let mib = |key: &str| -> Result<f64> {
            let line = status.lines().find(|l| l.starts_with(key));
            let value = line.and_then(|l| l.split_whitespace().nth(1));
            let value = value.with_context(|| format!("{key} missing from {path}"))?;
            let kib: f64 = value
                .parse()
                .with_context(|| format!("{path}: {key} {value}"))?;
            Ok(kib / 1024.0)
        };
        Ok(Memory {
            rss: mib("VmRSS:")?,
            peak: mib("VmHWM:")?,
            anon: mib("RssAnon:")?,
            file: mib("RssFile:")?,
        })
    }

    /// Stops the server as an operator would (SIGTERM) and waits for a clean exit.
    pub async fn stop(mut self) -> Result<()> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await
            .context("running kill -TERM")?;
        if !sent.success() {
            bail!("kill -TERM {} failed", self.pid);
        }
        let exit = tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await;
        match exit {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => bail!("server exited with {status} after SIGTERM"),
            Ok(Err(err)) => Err(err).context("waiting for the server to exit"),
            Err(_) => bail!("server did not stop within {STOP_TIMEOUT:?} of SIGTERM"),
        }
    }
}
