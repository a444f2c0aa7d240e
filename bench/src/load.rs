//! The load generator: a number of concurrent clients, each sending one request at a time,
//! until a request count, a time limit or a stop flag ends the run.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use tokio::time::MissedTickBehavior;

use crate::stats;

pub struct Plan {
    pub clients: usize,
    /// Requests across all clients at most.
    pub requests: u64,
    pub time_limit: Duration,
    /// Requests per second across all clients; `None` sends as fast as answers come.
    pub rate: Option<f64>,
}

/// What a run achieved. Only successful requests enter the latency histogram.
#[derive(Clone)]
pub struct Outcome {
    pub latency: Histogram<u64>,
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn empty() -> Self {
        Self {
            latency: stats::histogram(),
            ok: 0,
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
        }
    }

    /// Adds another run's requests to this one (its elapsed time is left alone).
    pub fn absorb(&mut self, part: Self) -> Result<()> {
        self.latency
            .add(&part.latency)
            .context("merging latency histograms")?;
        self.ok += part.ok;
        self.errors += part.errors;
        self.first_error = self.first_error.take().or(part.first_error);
        Ok(())
    }

    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-6)
    }
}

/// Runs `request(i)` for i = 0, 1, … from `plan.clients` tasks at once; `stop` ends it early.
pub async fn drive<F, Fut>(plan: &Plan, stop: &Arc<AtomicBool>, request: F) -> Result<Outcome>
where
    F: Fn(u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(plan.clients);
    for client in 0..plan.clients {
        let worker = Client {
            next: Arc::clone(&next),
            stop: Arc::clone(stop),
            requests: plan.requests,
            deadline: started + plan.time_limit,
            pace: plan
                .rate
                .map(|rate| pace(started, client, plan.clients, rate)),
        };
        tasks.push(tokio::spawn(worker.run(request.clone())));
    }
    let mut outcome = Outcome::empty();
    for task in tasks {
        let part = task.await.context("load client panicked")?;
        outcome.absorb(part)?;
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Each client's share of the rate, its first tick staggered so the clients do not fire
/// together.
pub fn pace(started: Instant, client: usize, clients: usize, rate: f64) -> tokio::time::Interval {
    let period = Duration::from_secs_f64(clients as f64 / rate.max(1e-3));
    let offset = period.mul_f64(client as f64 / clients as f64);
    let mut interval = tokio::time::interval_at((started + offset).into(), period);
    // A late answer is made up for at once, like a token bucket, so the clients together
    // hold the rate for as long as the server keeps up.
    interval.set_missed_tick_behavior(MissedTickBehavior::Burst);
    interval
}

struct Client {
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    requests: u64,
    deadline: Instant,
    pace: Option<tokio::time::Interval>,
}

impl Client {
    async fn run<F, Fut>(mut self, request: F) -> Outcome
    where
        F: Fn(u64) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut outcome = Outcome::empty();
        while let Some(i) = self.next_request().await {
            let sent = Instant::now();
            match request(i).await {
                Ok(()) => {
                    stats::record(&mut outcome.latency, sent.elapsed());
                    outcome.ok += 1;
                }
                Err(err) => {
                    outcome.errors += 1;
                    outcome
                        .first_error
                        .get_or_insert_with(|| format!("{err:#}"));
                }
            }
        }
        outcome
    }

    /// The next request number, once its turn has come; `None` when the run is over.
    async fn next_request(&mut self) -> Option<u64> {
        if let Some(pace) = &mut self.pace {
            pace.tick().await;
        }
        if self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline {
            return None;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        (i < self.requests).then_some(i)
    }
}
