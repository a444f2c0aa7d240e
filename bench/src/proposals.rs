//! Issue #27's row: a chat turn in which a qualified visitor proposes a time in their own
//! words ("Thursday afternoon works best"), answered against a tenant with 14 days of
//! availability around the clock and 500 meetings already booked. The proposals name
//! windows that hold several free slots, so each turn answers with the matching offers and
//! books nothing: the same conversations can go on proposing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

use crate::client::Api;
use crate::load::Outcome;
use crate::phases::{Measured, observe};
use crate::stats;

/// The tenant the row runs in (one of the seeded other tenants).
pub const TENANT: &str = crate::seed::OTHER_TENANTS[0];
/// Meetings booked before the measurement.
pub const BOOKED: usize = 500;
/// Concurrent visitors proposing times.
pub const CLIENTS: usize = crate::conversations::CLIENTS;

/// A conversation up to the offered times.
const QUALIFY: [&str; 6] = [
    "Hi, we need help handling inbound leads faster",
    "I'm Sam Lee from Initech, sam{n}@initech{n}.com",
    "about 200 people",
    "I'm the COO",
    "around $20k",
    "next month",
];

/// Times proposed in the visitor's words, each matching several free slots.
pub const PROPOSALS: [&str; 4] = [
    "Thursday afternoon works best for us",
    "could we do sometime next week in the morning?",
    "any time Friday after 2pm?",
    "tomorrow evening would be ideal",
];

/// Availability around the clock for 14 days, in 15-minute slots.
async fn open_all_hours(api: &Api) -> Result<()> {
    let settings = json!({"availability": {
        "timezone": "America/New_York",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "startTime": "00:00", "endTime": "23:45", "slotMinutes": 15,
        "minimumNoticeMinutes": 0, "horizonDays": 14}});
    api.send_json(
        reqwest::Method::PATCH,
        "/api/admin/settings",
        Some(&settings),
    )
    .await
    .map(drop)
}

/// Books [`BOOKED`] meetings, each a conversation qualified and taking the first time offered.
async fn book(api: &Api) -> Result<()> {
    let clients = 16;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            for i in (client..BOOKED).step_by(clients) {
                let n = format!("booked{i}");
                let visitor = format!("bench-booker-{i}");
                let id = qualified(&api, &visitor, &n).await?;
                api.chat_turn(TENANT, &visitor, "1", Some(&id)).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await.context("booking client panicked")??;
    }
    Ok(())
}

/// A new conversation taken up to the offered times; its id.
async fn qualified(api: &Api, visitor: &str, n: &str) -> Result<String> {
    let mut id: Option<String> = None;
    for line in QUALIFY {
        let message = line.replace("{n}", n);
        id = Some(
            api.chat_turn(TENANT, visitor, &message, id.as_deref())
                .await?,
        );
    }
    id.context("no conversation")
}

/// Sets the tenant up, then times proposals from [`CLIENTS`] visitors in a closed loop.
pub async fn measure(api: &Api, pid: u32, duration: Duration) -> Result<Measured<Outcome>> {
    eprintln!("bench: {BOOKED} meetings booked in {TENANT}, then proposed times in words…");
    open_all_hours(api).await?;
    book(api).await?;
    let mut ready = Vec::new();
    for client in 0..CLIENTS {
        let visitor = format!("bench-proposer-{client}");
        let id = qualified(api, &visitor, &format!("p{client}")).await?;
        ready.push((visitor, id));
    }
    observe(pid, propose(api, ready, duration)).await
}

async fn propose(api: &Api, ready: Vec<(String, String)>, duration: Duration) -> Result<Outcome> {
    let stop = Arc::new(AtomicBool::new(false));
    let begun = Instant::now();
    let mut tasks = Vec::new();
    for (client, (visitor, id)) in ready.into_iter().enumerate() {
        let (api, stop) = (api.clone(), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::empty();
            let mut turn = client;
            while !stop.load(Ordering::Relaxed) {
                let message = PROPOSALS[turn % PROPOSALS.len()];
                turn += 1;
                let sent = Instant::now();
                match api.chat_turn(TENANT, &visitor, message, Some(&id)).await {
                    Ok(_) => {
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
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut outcome = Outcome::empty();
    for task in tasks {
        outcome.absorb(task.await.context("proposal client panicked")?)?;
    }
    outcome.elapsed = begun.elapsed();
    Ok(outcome)
}
