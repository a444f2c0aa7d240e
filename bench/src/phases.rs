//! The measurements against the running server, one function per phase.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use hdrhistogram::Histogram;

use crate::client::Api;
use crate::data;
use crate::load::{self, Outcome, Plan};
use crate::stats::{self, CpuUse, CpuWatch, RssWatch};

pub const CREATE_CLIENTS: usize = 32;
/// Searches under load: more requests in flight than cores, so each one also queues.
pub const UNDER_LOAD_CLIENTS: usize = 8;
pub const PROBERS: usize = 4;
/// The create rate the freshness target is promised under.
pub const BACKGROUND_RATE: f64 = 4_000.0;
/// A probe not found by then is a miss, recorded at this value.
const FRESHNESS_LIMIT: Duration = Duration::from_secs(2);
/// The pause after a load before "soon after" memory is read.
pub const SETTLE: Duration = Duration::from_secs(2);
/// How long the server is left idle before idle memory is read: the index writers close
/// after 10 s without changes (`WRITER_IDLE` in src/search/index.rs).
pub const IDLE: Duration = Duration::from_secs(12);
/// An upper bound so no phase can run away, whatever the server does.
pub const PHASE_LIMIT: Duration = Duration::from_secs(120);

/// Issue #6's analytics endpoints; the year of activity in a quarter-hour zone is the most
/// counter rows one request reads.
pub const ANALYTICS: [&str; 6] = [
    "/api/analytics/overview",
    "/api/analytics/funnel",
    "/api/analytics/activity",
    "/api/analytics/activity?days=365&tz=Asia%2FKathmandu",
    "/api/analytics/sources",
    "/api/analytics/scores",
];

/// Hands out lead numbers, so every lead the bench creates has a unique email.
#[derive(Clone, Default)]
pub struct Seqs(Arc<AtomicU64>);

impl Seqs {
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }

    pub fn used(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A phase's outcome, how busy each side was meanwhile and the server's largest resident
/// memory (MiB) during it.
pub struct Measured<T> {
    pub value: T,
    pub cpu: CpuUse,
    pub rss: f64,
}

/// Runs one phase, noting the CPU the server and the bench used meanwhile and the server's
/// resident memory.
pub async fn observe<T>(pid: u32, phase: impl Future<Output = Result<T>>) -> Result<Measured<T>> {
    let cpu = CpuWatch::start(Some(pid))?;
    let rss = RssWatch::start(pid);
    let value = phase.await?;
    Ok(Measured {
        value,
        cpu: cpu.finish()?,
        rss: rss.finish()?,
    })
}

pub fn stop_flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

/// Creates leads until the plan or `stop` ends the run (owned arguments, so it can be spawned).
async fn create_leads(api: Api, seqs: Seqs, plan: Plan, stop: Arc<AtomicBool>) -> Result<Outcome> {
    load::drive(&plan, &stop, move |_| {
        let (api, seqs) = (api.clone(), seqs.clone());
        async move { api.create(&data::lead(seqs.next())).await.map(drop) }
    })
    .await
}

/// Creates as fast as 32 clients are answered, for `duration`.
pub async fn sustained_creates(api: &Api, seqs: &Seqs, duration: Duration) -> Result<Outcome> {
    let plan = Plan {
        clients: CREATE_CLIENTS,
        requests: u64::MAX,
        time_limit: duration,
        rate: None,
    };
    create_leads(api.clone(), seqs.clone(), plan, stop_flag()).await
}

/// Read latencies are measured from as many clients as the machine has cores, so a request
/// waits for the server's work and not behind more in-flight requests than there are cores;
/// the raw tantivy baseline searches from as many threads.
pub fn read_clients() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `total` GETs of `paths` (cycled), from `clients` clients.
pub async fn read_latency(
    api: &Api,
    paths: Vec<String>,
    total: u64,
    clients: usize,
) -> Result<Outcome> {
    let plan = Plan {
        clients,
        requests: total,
        time_limit: PHASE_LIMIT,
        rate: None,
    };
    get_paths(api.clone(), paths, plan, stop_flag()).await
}

/// `total` searches split evenly over the realistic searches, each measured on its own so a
/// slow one can be named.
pub async fn search_latency(
    api: &Api,
    searches: &[&'static str],
    path: fn(&str) -> String,
    total: u64,
    clients: usize,
) -> Result<Vec<(&'static str, Outcome)>> {
    let each = total / searches.len().max(1) as u64;
    let mut outcomes = Vec::with_capacity(searches.len());
    for &q in searches {
        outcomes.push((q, read_latency(api, vec![path(q)], each, clients).await?));
    }
    Ok(outcomes)
}

async fn get_paths(
    api: Api,
    paths: Vec<String>,
    plan: Plan,
    stop: Arc<AtomicBool>,
) -> Result<Outcome> {
    let paths = Arc::new(paths);
    load::drive(&plan, &stop, move |i| {
        let (api, paths) = (api.clone(), Arc::clone(&paths));
        async move {
            let index = usize::try_from(i).unwrap_or(0) % paths.len().max(1);
            api.get(&paths[index]).await
        }
    })
    .await
}

/// Paths to `count` leads spread over the preloaded ones.
pub fn lead_paths(ids: &[String], count: usize) -> Vec<String> {
    let step = (ids.len() / count.max(1)).max(1);
    ids.iter()
        .step_by(step)
        .take(count)
        .map(|id| format!("/api/leads/{id}"))
        .collect()
}

/// Time from a create's 201 until a search finds the lead, for `samples` probe leads
/// created while a paced background load creates ≈ 4,000 leads/s.
pub struct Freshness {
    pub latency: Histogram<u64>,
    pub misses: u64,
    pub first_error: Option<String>,
    pub background: Outcome,
}

pub async fn freshness(api: &Api, seqs: &Seqs, samples: u64) -> Result<Freshness> {
    let stop = stop_flag();
    let plan = Plan {
        clients: CREATE_CLIENTS,
        requests: u64::MAX,
        time_limit: PHASE_LIMIT,
        rate: Some(BACKGROUND_RATE),
    };
    let background = tokio::spawn(create_leads(
        api.clone(),
        seqs.clone(),
        plan,
        Arc::clone(&stop),
    ));
    // Let the background load reach its pace before the first probe.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let probed = probe(api, seqs, samples).await;
    stop.store(true, Ordering::Relaxed);
    let background = background.await.context("background load panicked")??;
    let (latency, outcome) = probed?;
    Ok(Freshness {
        latency,
        misses: outcome.errors,
        first_error: outcome.first_error,
        background,
    })
}

/// Each probe creates a lead with a unique word in its name and polls a search for that word.
async fn probe(api: &Api, seqs: &Seqs, samples: u64) -> Result<(Histogram<u64>, Outcome)> {
    let found = Arc::new(Mutex::new(stats::histogram()));
    let plan = Plan {
        clients: PROBERS,
        requests: samples,
        time_limit: PHASE_LIMIT,
        rate: None,
    };
    let (api, seqs, found2) = (api.clone(), seqs.clone(), Arc::clone(&found));
    let outcome = load::drive(&plan, &stop_flag(), move |_| {
        let (api, seqs, found) = (api.clone(), seqs.clone(), Arc::clone(&found2));
        async move {
            let (lead, token) = data::probe(seqs.next());
            let id = api.create(&lead).await?;
            let waited = api.time_until_found(&token, &id, FRESHNESS_LIMIT).await?;
            let mut found = found
                .lock()
                .map_err(|_| anyhow!("histogram lock poisoned"))?;
            stats::record(&mut found, waited.unwrap_or(FRESHNESS_LIMIT));
            waited
                .map(drop)
                .with_context(|| format!("lead not searchable within {FRESHNESS_LIMIT:?}"))
        }
    })
    .await?;
    let latency = found
        .lock()
        .map_err(|_| anyhow!("histogram lock poisoned"))?
        .clone();
    Ok((latency, outcome))
}
