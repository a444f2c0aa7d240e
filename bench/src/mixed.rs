//! Issue #11's mixed load: of a fixed total rate, chat turns 60 %, lead reads and searches
//! 25 %, writes 10 %, analytics 5 %, with a webhook delivering every lead event to a receiver
//! on loopback. Each class first runs alone at the rate it has in the mix (its solo figure),
//! then all four together for the given minutes while the server's memory is sampled every
//! 2 s.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::json;

use crate::client::{self, Api};
use crate::conversations;
use crate::data;
use crate::load::{self, Outcome, Plan};
use crate::phases::{self, Measured, Seqs, observe, stop_flag};
use crate::stats;
use crate::webhooks::Receiver;

/// Requests per second across the four classes.
pub const RATE: f64 = 1_000.0;
/// How often the server's memory is sampled.
pub const MEMORY_EVERY: Duration = Duration::from_secs(2);
/// The memory trend is read over the last 5 minutes, or the second half of a shorter run
/// (the first holds the warm-up: caches filling, the index growing its first segments).
pub const TREND_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Where the chat class's conversation numbers start, so its emails are new ones.
const FIRST_CONVERSATION: u64 = 10_000_000;

#[derive(Clone, Copy)]
pub enum Class {
    Chat,
    Reads,
    Writes,
    Analytics,
}

pub const CLASSES: [Class; 4] = [Class::Chat, Class::Reads, Class::Writes, Class::Analytics];

impl Class {
    pub fn share(self) -> f64 {
        match self {
            Self::Chat => 0.60,
            Self::Reads => 0.25,
            Self::Writes => 0.10,
            Self::Analytics => 0.05,
        }
    }

    pub fn rate(self) -> f64 {
        RATE * self.share()
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Chat => "chat turns (POST /api/chat, JSON)",
            Self::Reads => "lead reads and searches",
            Self::Writes => "lead writes (create, PATCH)",
            Self::Analytics => "analytics",
        }
    }

    /// Concurrent clients: the chat class is the 50 scripted conversations.
    pub fn clients(self) -> usize {
        match self {
            Self::Chat => conversations::CLIENTS,
            Self::Reads | Self::Writes => 8,
            Self::Analytics => 4,
        }
    }
}

/// What the classes work on.
pub struct Target {
    pub http: reqwest::Client,
    pub url: String,
    pub api: Api,
    pub seqs: Seqs,
    /// Paths of existing leads of the measured tenant (read and PATCHed).
    pub lead_paths: Vec<String>,
}

pub struct Mixed {
    /// Each class alone, in [`CLASSES`] order.
    pub solo: Vec<Measured<Outcome>>,
    /// The classes together, in [`CLASSES`] order.
    pub mixed: Measured<Vec<Outcome>>,
    /// (seconds since the mixed run began, RSS MiB, anonymous MiB).
    pub memory: Vec<(f64, f64, f64)>,
    /// Webhook deliveries received during the mixed run (and its drain).
    pub deliveries: u64,
    /// Leads the writes class created, and how many of their events never arrived.
    pub created: u64,
    pub missing: u64,
}

impl Mixed {
    /// Errors over requests, in percent, across the classes.
    pub fn error_rate(&self) -> f64 {
        let (errors, all) = self
            .mixed
            .value
            .iter()
            .fold((0, 0), |(e, a), o| (e + o.errors, a + o.errors + o.ok));
        errors as f64 * 100.0 / all.max(1) as f64
    }

    /// All classes' requests together.
    pub fn total(&self) -> Result<Outcome> {
        let mut all = Outcome::empty();
        for o in &self.mixed.value {
            all.absorb(o.clone())?;
        }
        all.elapsed = self
            .mixed
            .value
            .first()
            .map_or(Duration::ZERO, |o| o.elapsed);
        Ok(all)
    }

    /// The memory trend in MiB per minute over the trend window: RSS, anonymous.
    pub fn trends(&self) -> (f64, f64) {
        let end = self.memory.last().map_or(0.0, |m| m.0);
        let window = TREND_WINDOW.as_secs_f64().min(end / 2.0);
        let recent: Vec<&(f64, f64, f64)> =
            self.memory.iter().filter(|m| m.0 >= end - window).collect();
        let points = |pick: fn(&(f64, f64, f64)) -> f64| -> Vec<(f64, f64)> {
            recent.iter().map(|m| (m.0 / 60.0, pick(m))).collect()
        };
        (slope(&points(|m| m.1)), slope(&points(|m| m.2)))
    }

    /// The seconds the trend is read over.
    pub fn trend_window(&self) -> f64 {
        let end = self.memory.last().map_or(0.0, |m| m.0);
        TREND_WINDOW.as_secs_f64().min(end / 2.0)
    }
}

/// Least-squares slope of y over x.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(sxy, sxx), p| {
        (sxy + (p.0 - mx) * (p.1 - my), sxx + (p.0 - mx).powi(2))
    });
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

pub async fn measure(target: &Target, pid: u32, solo: Duration, minutes: f64) -> Result<Mixed> {
    let started = Arc::new(AtomicU64::new(FIRST_CONVERSATION));
    let mut solos = Vec::with_capacity(CLASSES.len());
    for class in CLASSES {
        eprintln!(
            "bench: mixed load, {} alone at {:.0}/s…",
            class.name(),
            class.rate()
        );
        let (outcome, _) = run(class, target, solo, &started);
        solos.push(observe(pid, outcome).await?);
    }
    let duration = Duration::from_secs_f64(minutes * 60.0);
    eprintln!(
        "bench: mixed load, {RATE:.0} requests/s for {:.1} min…",
        minutes
    );
    let receiver = Receiver::subscribe(&target.api, &["lead.created", "lead.updated"]).await?;
    let memory = Arc::new(Mutex::new(Vec::new()));
    let sampler = tokio::spawn(sample_memory(pid, Arc::clone(&memory)));
    let mut created = Vec::new();
    let mixed = observe(pid, async {
        let runs: Vec<_> = CLASSES
            .iter()
            .map(|&class| run(class, target, duration, &started))
            .collect();
        let mut outcomes = Vec::with_capacity(runs.len());
        let mut ids = Vec::with_capacity(runs.len());
        for (outcome, made) in runs {
            outcomes.push(tokio::spawn(outcome));
            ids.push(made);
        }
        let mut done = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            done.push(outcome.await.context("mixed load class panicked")??);
        }
        for made in ids {
            created.extend(
                made.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .drain(..),
            );
        }
        Ok(done)
    })
    .await?;
    sampler.abort();
    let missing = receiver.drain(&created).await?;
    let deliveries = receiver.received()?;
    receiver.remove(&target.api).await;
    let memory = std::mem::take(&mut *memory.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(Mixed {
        solo: solos,
        mixed,
        memory,
        deliveries,
        created: created.len() as u64,
        missing,
    })
}

async fn sample_memory(pid: u32, samples: Arc<Mutex<Vec<(f64, f64, f64)>>>) {
    let begun = Instant::now();
    let mut tick = tokio::time::interval(MEMORY_EVERY);
    loop {
        tick.tick().await;
        if let Ok(m) = stats::memory(pid) {
            let sample = (begun.elapsed().as_secs_f64(), m.rss, m.anon);
            samples
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sample);
        }
    }
}

type Created = Arc<Mutex<Vec<String>>>;

/// One class's load for `duration` at its share of [`RATE`]; answers the run, and where the
/// ids of the leads it creates are collected.
fn run(
    class: Class,
    target: &Target,
    duration: Duration,
    started: &Arc<AtomicU64>,
) -> (
    impl Future<Output = Result<Outcome>> + Send + 'static,
    Created,
) {
    let created: Created = Arc::default();
    let plan = Plan {
        clients: class.clients(),
        requests: u64::MAX,
        time_limit: duration,
        rate: Some(class.rate()),
    };
    let (http, url, api, seqs) = (
        target.http.clone(),
        target.url.clone(),
        target.api.clone(),
        target.seqs.clone(),
    );
    let leads = Arc::new(target.lead_paths.clone());
    let (started, made) = (Arc::clone(started), Arc::clone(&created));
    let future = async move {
        let stop = stop_flag();
        match class {
            Class::Chat => {
                conversations::paced_turns(&http, &url, class.rate(), duration, &started).await
            }
            Class::Reads => {
                load::drive(&plan, &stop, move |i| {
                    let (api, path) = (api.clone(), read_path(&leads, i));
                    async move { api.get(&path).await }
                })
                .await
            }
            Class::Writes => {
                load::drive(&plan, &stop, move |i| {
                    let (api, seqs, leads, made) = (
                        api.clone(),
                        seqs.clone(),
                        Arc::clone(&leads),
                        Arc::clone(&made),
                    );
                    async move { write(&api, &seqs, &leads, &made, i).await }
                })
                .await
            }
            Class::Analytics => {
                load::drive(&plan, &stop, move |i| {
                    let api = api.clone();
                    let path = phases::ANALYTICS[cycle(i, phases::ANALYTICS.len())];
                    async move { api.get(path).await }
                })
                .await
            }
        }
    };
    (future, created)
}

fn cycle(i: u64, len: usize) -> usize {
    usize::try_from(i % len.max(1) as u64).unwrap_or(0)
}

/// Of every 10 reads: 7 GETs by id, a list page, 2 searches.
fn read_path(leads: &[String], i: u64) -> String {
    match i % 10 {
        7 => "/api/leads?limit=50".to_owned(),
        8 | 9 => client::search_path(data::SEARCHES[cycle(i / 10, data::SEARCHES.len())]),
        _ => leads[cycle(i, leads.len())].clone(),
    }
}

/// Every other write creates a lead; the rest change an existing lead's score and status.
async fn write(api: &Api, seqs: &Seqs, leads: &[String], made: &Created, i: u64) -> Result<()> {
    if i.is_multiple_of(2) {
        let id = api.create(&data::lead(seqs.next())).await?;
        made.lock().unwrap_or_else(PoisonError::into_inner).push(id);
        return Ok(());
    }
    let body = json!({ "qualificationScore": i % 101, "status": "qualifying" });
    let path = &leads[cycle(i / 2, leads.len())];
    api.send_json(Method::PATCH, path, Some(&body)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_add_up() {
        let total: f64 = CLASSES.iter().map(|c| c.share()).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_steady_rise_is_its_slope() {
        let points: Vec<(f64, f64)> = (0..10)
            .map(|i| (f64::from(i), 50.0 + 2.0 * f64::from(i)))
            .collect();
        assert!((slope(&points) - 2.0).abs() < 1e-9);
        assert!(slope(&[(1.0, 5.0)]).abs() < 1e-9);
    }
}
