//! Issue #6's figures: how long a committed change takes to reach a webhook receiver, and
//! how many deliveries per second the worker sustains, against a fast receiver on loopback
//! run by the bench itself (it answers 204 at once and notes when each event arrived).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use hdrhistogram::Histogram;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::client::Api;
use crate::data;
use crate::load::{self, Plan};
use crate::phases::{self, Seqs};
use crate::stats;

/// Creates per second while commit-to-delivery latency is measured: a busy site, well under
/// the worker's capacity, so the figure is the pipeline's latency and not a backlog's.
pub const PACED_RATE: f64 = 500.0;
const PACED_CLIENTS: usize = 16;
/// Clients creating the backlog, as fast as the server answers.
const BACKLOG_CLIENTS: usize = 64;
/// How long to wait for the last deliveries before counting the rest as missing.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

pub struct Sizes {
    pub paced_for: Duration,
    pub backlog: u64,
}

pub struct Webhooks {
    /// From a create's 201 until the receiver had its `lead.created` (0 when it came first).
    pub latency: Histogram<u64>,
    pub paced_creates: u64,
    /// The backlog's deliveries per second, from its first to its last arrival.
    pub throughput: f64,
    pub backlog: u64,
    pub backlog_elapsed: Duration,
    /// Events never received within the drain limit (both runs).
    pub missing: u64,
    /// Deliveries received more than once (retries after a failure; expected 0).
    pub duplicates: u64,
}

/// When each lead's event first arrived, and how many deliveries came in all.
#[derive(Default)]
struct Arrivals {
    first: HashMap<String, Instant>,
    total: u64,
}

type Shared = Arc<Mutex<Arrivals>>;

pub async fn measure(api: &Api, seqs: &Seqs, sizes: &Sizes) -> Result<Webhooks> {
    let receiver = Receiver::subscribe(api, &["lead.created"]).await?;
    let result = run(api, seqs, sizes, &receiver.arrivals).await;
    // The later phases must not deliver to a receiver that is gone.
    receiver.remove(api).await;
    result
}

/// A receiver on loopback, subscribed by a webhook of its own, noting when each lead's
/// first event arrived.
pub struct Receiver {
    webhook: String,
    arrivals: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn subscribe(api: &Api, events: &[&str]) -> Result<Self> {
        let arrivals: Shared = Arc::default();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hooks", listener.local_addr()?);
        let task = tokio::spawn(receive(listener, Arc::clone(&arrivals)));
        let created = api
            .send_json(
                Method::POST,
                "/api/admin/webhooks",
                Some(&json!({ "url": url, "events": events })),
            )
            .await?;
        let webhook = created["webhook"]["id"]
            .as_str()
            .context("created webhook has no id")?
            .to_owned();
        Ok(Self {
            webhook,
            arrivals,
            task,
        })
    }

    /// Deliveries received so far, repeats included.
    pub fn received(&self) -> Result<u64> {
        Ok(lock(&self.arrivals)?.total)
    }

    /// Waits until an event for each of `ids` has arrived (or the limit); answers how many
    /// never did.
    pub async fn drain(&self, ids: &[String]) -> Result<u64> {
        let created: Vec<(String, Instant)> =
            ids.iter().map(|id| (id.clone(), Instant::now())).collect();
        drain(&self.arrivals, &created).await
    }

    /// Deletes the webhook and stops receiving.
    pub async fn remove(self, api: &Api) {
        let path = format!("/api/admin/webhooks/{}", self.webhook);
        api.send_json(Method::DELETE, &path, None).await.ok();
        self.task.abort();
    }
}

async fn run(api: &Api, seqs: &Seqs, sizes: &Sizes, arrivals: &Shared) -> Result<Webhooks> {
    eprintln!("bench: webhooks, paced creates ({PACED_RATE:.0}/s)…");
    let paced = create(
        api,
        seqs,
        PACED_CLIENTS,
        Some(PACED_RATE),
        u64::MAX,
        sizes.paced_for,
    )
    .await?;
    let paced_missing = drain(arrivals, &paced).await?;
    let mut latency = stats::histogram();
    {
        let seen = lock(arrivals)?;
        for (id, answered) in &paced {
            if let Some(arrived) = seen.first.get(id) {
                stats::record(&mut latency, arrived.saturating_duration_since(*answered));
            }
        }
    }
    eprintln!(
        "bench: webhooks, a backlog of {} deliveries…",
        sizes.backlog
    );
    let before = Instant::now();
    let backlog = create(
        api,
        seqs,
        BACKLOG_CLIENTS,
        None,
        sizes.backlog,
        phases::PHASE_LIMIT,
    )
    .await?;
    let backlog_missing = drain(arrivals, &backlog).await?;
    let (elapsed, duplicates) = {
        let seen = lock(arrivals)?;
        let times: Vec<Instant> = backlog
            .iter()
            .filter_map(|(id, _)| seen.first.get(id).copied())
            .collect();
        let first = times.iter().min().copied().unwrap_or(before);
        let last = times.iter().max().copied().unwrap_or(before);
        let unique = seen.first.len() as u64;
        (
            last.duration_since(first),
            seen.total.saturating_sub(unique),
        )
    };
    let delivered = backlog.len() as u64 - backlog_missing;
    Ok(Webhooks {
        latency,
        paced_creates: paced.len() as u64,
        throughput: delivered as f64 / elapsed.as_secs_f64().max(1e-6),
        backlog: delivered,
        backlog_elapsed: elapsed,
        missing: paced_missing + backlog_missing,
        duplicates,
    })
}

/// Creates leads; answers each one's id with when its 201 arrived.
async fn create(
    api: &Api,
    seqs: &Seqs,
    clients: usize,
    rate: Option<f64>,
    requests: u64,
    time_limit: Duration,
) -> Result<Vec<(String, Instant)>> {
    let created: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let plan = Plan {
        clients,
        requests,
        time_limit,
        rate,
    };
    let (api2, seqs2, created2) = (api.clone(), seqs.clone(), Arc::clone(&created));
    let outcome = load::drive(&plan, &phases::stop_flag(), move |_| {
        let (api, seqs, created) = (api2.clone(), seqs2.clone(), Arc::clone(&created2));
        async move {
            let id = api.create(&data::lead(seqs.next())).await?;
            let answered = Instant::now();
            created
                .lock()
                .map_err(|_| anyhow!("created list lock poisoned"))?
                .push((id, answered));
            Ok(())
        }
    })
    .await?;
    if outcome.errors > 0 {
        bail!(
            "{} creates failed; first error: {}",
            outcome.errors,
            outcome.first_error.unwrap_or_default()
        );
    }
    let created = std::mem::take(&mut *created.lock().map_err(|_| anyhow!("lock poisoned"))?);
    Ok(created)
}

/// Waits until every created lead's event has arrived (or the limit); answers how many never did.
async fn drain(arrivals: &Shared, created: &[(String, Instant)]) -> Result<u64> {
    let deadline = Instant::now() + DRAIN_LIMIT;
    loop {
        let missing = {
            let seen = lock(arrivals)?;
            created
                .iter()
                .filter(|(id, _)| !seen.first.contains_key(id))
                .count() as u64
        };
        if missing == 0 || Instant::now() >= deadline {
            return Ok(missing);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn lock(arrivals: &Shared) -> Result<std::sync::MutexGuard<'_, Arrivals>> {
    arrivals
        .lock()
        .map_err(|_| anyhow!("arrivals lock poisoned"))
}

async fn receive(listener: TcpListener, arrivals: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(connection(stream, Arc::clone(&arrivals)));
    }
}

/// One keep-alive connection: requests with a Content-Length body, each answered 204.
async fn connection(stream: TcpStream, arrivals: Shared) -> Result<()> {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await?;
        let arrived = Instant::now();
        let event: Value = serde_json::from_slice(&body)?;
        if let Some(id) = event["data"]["id"].as_str() {
            let mut seen = lock(&arrivals)?;
            seen.total += 1;
            seen.first.entry(id.to_owned()).or_insert(arrived);
        }
        stream
            .get_mut()
            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
            .await?;
    }
}
