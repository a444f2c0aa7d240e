//! The release server as a separate process: build it, start it on a loopback port, create
//! an API key with the CLI, measure it from outside, and stop it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::stats::{self, Memory};

const ADMIN_TOKEN: &str = "bench-admin-token-0123456789";
/// Per minute; high enough that the limiter never answers 429 during the bench.
const RATE_LIMIT: &str = "100000000";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
const HEALTH_POLL: Duration = Duration::from_millis(5);
/// Starts on the same data dir whose median ready time is reported: one start is noisy.
pub const RESTARTS: usize = 3;

/// What the bench runs beside itself: the server, and the hello-world baseline server.
pub struct Binaries {
    pub server: PathBuf,
    pub hello: PathBuf,
}

/// Builds the release server and the hello-world baseline into the target dir this bench
/// runs from, so one `cargo run --release -p synaptiq-bench` does everything, and copies
/// them into `into`. The server is built on its own, with exactly the features it ships with.
///
/// The copies are what the bench runs: a target dir shared with another work tree gets its
/// own `synaptiq` linked over ours whenever that tree builds, and a bench running from the
/// target dir would then measure the other tree's code from that moment on.
pub fn build(into: &Path) -> Result<Binaries> {
    let exe = std::env::current_exe().context("locating the bench executable")?;
    let release_dir = exe.parent().context("bench executable has no directory")?;
    // The target dir's root holds CACHEDIR.TAG; the release dir sits in it directly, or under
    // the target triple that .cargo/config.toml names, whose dir cargo tags too: the
    // outermost tagged dir is the root (the innermost one built a stale copy elsewhere).
    let target_dir = release_dir
        .ancestors()
        .filter(|dir| dir.join("CACHEDIR.TAG").is_file())
        .last()
        .context("bench executable is not in a target dir")?;
    // A profiling build (symbols for perf) is measured in the release build's place when named.
    let server = match std::env::var_os("SYNAPTIQ_BENCH_SERVER") {
        Some(given) => PathBuf::from(given),
        None => {
            eprintln!("bench: building the release server…");
            cargo_build(target_dir, &["-p", "synaptiq", "--bin", "synaptiq"])?;
            release_dir.join("synaptiq")
        }
    };
    cargo_build(
        target_dir,
        &["-p", "synaptiq-bench", "--bin", "bench-hello"],
    )?;
    Ok(Binaries {
        server: pin(&server, into)?,
        hello: pin(&release_dir.join("bench-hello"), into)?,
    })
}

/// Copies a built binary into `dir`; answers the copy's path.
fn pin(built: &Path, dir: &Path) -> Result<PathBuf> {
    if !built.is_file() {
        bail!("built binary not found at {}", built.display());
    }
    let name = built.file_name().context("a binary without a name")?;
    let copy = dir.join(name);
    std::fs::copy(built, &copy)
        .with_context(|| format!("copying {} to {}", built.display(), copy.display()))?;
    Ok(copy)
}

fn cargo_build(target_dir: &Path, what: &[&str]) -> Result<()> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release"])
        .args(what)
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release {} failed ({status})", what.join(" "));
    }
    Ok(())
}

/// How to start the server on one data dir; its stderr is appended to `log`.
pub struct Launcher {
    pub binary: PathBuf,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    /// Settings beyond the bench's own (the model provider of the LLM phase).
    pub env: Vec<(&'static str, String)>,
}

/// A CLI command run to completion.
pub struct Ran {
    /// From spawn until it exited.
    pub elapsed: Duration,
    /// Its CPU (user + system), all threads.
    pub cpu_seconds: f64,
    /// What it printed on stderr: its summary line.
    pub stderr: String,
}

impl Ran {
    /// Its CPU over its wall time, percent of one core.
    pub fn cpu_percent(&self) -> f64 {
        self.cpu_seconds / self.elapsed.as_secs_f64().max(1e-6) * 100.0
    }
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
            .envs(self.env.iter().map(|(k, v)| (k, v)))
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
        wait_ready(http, &format!("{url}/api/health")).await?;
        Ok(Server {
            child,
            url,
            pid,
            ready_in: spawned.elapsed(),
        })
    }

    /// Starts the server [`RESTARTS`] times on its data dir, stopping all but the last;
    /// answers the median ready time and the last server, running.
    pub async fn restart(&self, http: &reqwest::Client) -> Result<(Duration, Server)> {
        let mut times = Vec::with_capacity(RESTARTS);
        let mut server = self.start(http).await?;
        times.push(server.ready_in);
        for _ in 1..RESTARTS {
            server.stop().await?;
            server = self.start(http).await?;
            times.push(server.ready_in);
        }
        times.sort();
        Ok((times[times.len() / 2], server))
    }

    /// Creates an enterprise key for `tenant` with the CLI, beside the running server, as an
    /// operator would.
    pub async fn create_key(&self, tenant: &str) -> Result<String> {
        let args = [
            "keys",
            "create",
            "--name",
            "bench",
            "--tier",
            "enterprise",
            "--tenant",
            tenant,
        ];
        self.cli(&args).await
    }

    /// Creates a tenant with the CLI; answers its id.
    pub async fn create_tenant(&self, id: &str) -> Result<String> {
        self.cli(&["tenants", "create", id]).await
    }

    /// Runs a CLI command and answers the one line it prints on stdout.
    async fn cli(&self, args: &[&str]) -> Result<String> {
        let out = self
            .command(args)?
            .output()
            .await
            .with_context(|| format!("running synaptiq {}", args.join(" ")))?;
        let what = args.iter().take(2).copied().collect::<Vec<_>>().join(" ");
        if !out.status.success() {
            bail!(
                "synaptiq {what} failed ({}); {}",
                out.status,
                self.log_tail()
            );
        }
        let line = String::from_utf8(out.stdout)
            .with_context(|| format!("synaptiq {what} printed no UTF-8"))?
            .trim()
            .to_owned();
        if line.is_empty() {
            bail!("synaptiq {what} printed nothing");
        }
        Ok(line)
    }

    /// Runs a CLI command beside the running server as an operator would, its stdout into
    /// `stdout` (a file) or discarded; times it from spawn to exit and fails unless it exits 0.
    pub async fn run(&self, args: &[&str], stdout: Option<&Path>) -> Result<Ran> {
        let what = args.iter().take(2).copied().collect::<Vec<_>>().join(" ");
        let mut command = self.command(args)?;
        // Its stderr holds the command's own summary (rows, time), read by the caller.
        command.stderr(Stdio::piped());
        match stdout {
            Some(path) => command.stdout(
                File::create(path).with_context(|| format!("creating {}", path.display()))?,
            ),
            None => command.stdout(Stdio::null()),
        };
        let cpu_before = stats::children_cpu_seconds()?;
        let started = Instant::now();
        // Not `output()`: it would pipe stdout whatever it was set to.
        let out = command
            .spawn()
            .with_context(|| format!("starting synaptiq {what}"))?
            .wait_with_output()
            .await
            .with_context(|| format!("running synaptiq {what}"))?;
        let elapsed = started.elapsed();
        let cpu_seconds = stats::children_cpu_seconds()? - cpu_before;
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        if !out.status.success() {
            bail!("synaptiq {what} failed ({}): {stderr}", out.status);
        }
        Ok(Ran {
            elapsed,
            cpu_seconds,
            stderr,
        })
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

/// Polls `url` until it answers 200.
async fn wait_ready(http: &reqwest::Client, url: &str) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(reply) = http.get(url).send().await
            && reply.status() == reqwest::StatusCode::OK
        {
            return Ok(());
        }
        tokio::time::sleep(HEALTH_POLL).await;
    }
    bail!("{url} did not answer 200 within {START_TIMEOUT:?}")
}

/// The hello-world baseline server; dropping it kills the process.
pub struct Hello {
    _child: Child,
    pub url: String,
    pub pid: u32,
}

impl Hello {
    pub async fn start(binary: &Path, http: &reqwest::Client) -> Result<Self> {
        let mut child = Command::new(binary)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting the hello-world server")?;
        let pid = child.id().context("hello-world server exited at once")?;
        let url = tokio::time::timeout(START_TIMEOUT, first_line(&mut child))
            .await
            .context("the hello-world server printed no URL")??;
        wait_ready(http, &format!("{url}/hello")).await?;
        Ok(Self {
            _child: child,
            url,
            pid,
        })
    }
}

impl Server {
    /// Resident memory now.
    pub fn memory(&self) -> Result<Memory> {
        stats::memory(self.pid)
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
