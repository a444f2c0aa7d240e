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
                .map(|rate| Pace::new(started, client, plan.clients, rate)),
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

/// One client's share of a fixed rate, which corrects its latencies for coordinated
/// omission: a request held back because the client was still waiting for the previous
/// answer when it fell due owes the time since it fell due, so a server stall counts against
/// every request it delayed and not only the one it hit. A request sent late only because
/// the client's timer woke late (tokio's timers tick in milliseconds) owes nothing: that
/// lateness is the load tool's, not the server's.
pub struct Pace(tokio::time::Interval);

impl Pace {
    /// The clients' first ticks are staggered so that they do not fire together.
    pub fn new(started: Instant, client: usize, clients: usize, rate: f64) -> Self {
        let period = Duration::from_secs_f64(clients as f64 / rate.max(1e-3));
        let offset = period.mul_f64(client as f64 / clients as f64);
        let mut interval = tokio::time::interval_at((started + offset).into(), period);
        // Missed ticks fall due at once, each at its own time, like a token bucket, so the
        // clients together hold the rate for as long as the server keeps up.
        interval.set_missed_tick_behavior(MissedTickBehavior::Burst);
        Self(interval)
    }

    /// Waits until the next request is due; answers what it owes (add it to the latency
    /// measured from sending it).
    pub async fn next(&mut self) -> Duration {
        let ready = Instant::now();
        let due = self.0.tick().await.into_std();
        owed(ready, due, Instant::now())
    }
}

/// What a request due at `due` owes when its client became free at `ready` and sent it at
/// `sent`: the wait since it fell due if the client was busy then, otherwise nothing.
fn owed(ready: Instant, due: Instant, sent: Instant) -> Duration {
    if ready > due {
        sent.saturating_duration_since(due)
    } else {
        Duration::ZERO
    }
}

struct Client {
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    requests: u64,
    deadline: Instant,
    pace: Option<Pace>,
}

impl Client {
    async fn run<F, Fut>(mut self, request: F) -> Outcome
    where
        F: Fn(u64) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut outcome = Outcome::empty();
        while let Some((i, owed)) = self.next_request().await {
            let sent = Instant::now();
            match request(i).await {
                Ok(()) => {
                    stats::record(&mut outcome.latency, owed + sent.elapsed());
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

    /// The next request number and what it owes (see [`Pace`]), once its turn has come;
    /// `None` when the run is over.
    async fn next_request(&mut self) -> Option<(u64, Duration)> {
        let owed = match &mut self.pace {
            Some(pace) => pace.next().await,
            None => Duration::ZERO,
        };
        if self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline {
            return None;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        (i < self.requests).then_some((i, owed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_held_back_by_the_previous_answer_owes_the_time_since_it_fell_due() {
        let due = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(owed(due + ms(30), due, due + ms(31)), ms(31));
        // The client was idle when it fell due: a late timer is the tool's, not the server's.
        assert_eq!(owed(due - ms(5), due, due + ms(1)), Duration::ZERO);
    }

    #[tokio::test]
    async fn a_stall_is_counted_against_every_request_it_delayed() {
        let plan = Plan {
            clients: 1,
            requests: 6,
            time_limit: Duration::from_secs(10),
            rate: Some(100.0),
        };
        let stop = Arc::new(AtomicBool::new(false));
        // The first answer takes 50 ms: the four requests due at 10, 20, 30 and 40 ms waited
        // for it, so each is slower than its own 1 ms.
        let outcome = drive(&plan, &stop, |i| async move {
            let answer = if i == 0 { 50 } else { 1 };
            tokio::time::sleep(Duration::from_millis(answer)).await;
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(outcome.ok, 6);
        let over_11_ms = outcome.latency.count_between(11_000, u64::MAX);
        assert!(over_11_ms >= 5, "held-back requests timed from their send");
    }
}
