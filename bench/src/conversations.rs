//! Issue #5's figures for the built-in agent: 50 concurrent visitors, each sending a scripted
//! lead-qualification conversation over `POST /api/chat` and then starting a new one. Each turn
//! is timed whole (JSON) or to the first body byte (`Accept: text/event-stream`). The script
//! stops before a meeting slot is picked, so slots never run out.
//!
//! Two modes: paced, where the 50 conversations together send a fixed 1,500 turns/s (issue
//! #5's throughput target), so a turn's latency is its own and not queueing behind the other
//! 49; and saturated, a closed loop where each visitor sends its next turn as soon as the last
//! is answered, which measures the throughput and a latency bound by queueing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;

use crate::load::{self, Outcome};
use crate::phases::{self, Measured, observe};
use crate::stats;

/// Concurrent conversations, as issue #5 states its figures for.
pub const CLIENTS: usize = 50;

/// Messages in one scripted conversation.
pub const SCRIPT_LEN: usize = 6;

/// One conversation's visitor messages; `{n}` is the conversation's number.
const SCRIPT: [&str; SCRIPT_LEN] = [
    "Hi, I need help handling inbound leads faster",
    "I'm Jane Smith from Acme, jane{n}@acme{n}.com",
    "about 200 people",
    "I'm the CTO",
    "around $20k",
    "next month",
];

/// Turns per second across all conversations in the paced runs: issue #5's throughput target.
pub const PACED_RATE: f64 = 1_500.0;

/// How long each of the four runs lasts.
pub struct Durations {
    pub paced_json: Duration,
    pub paced_sse: Duration,
    pub saturated_json: Duration,
    pub saturated_sse: Duration,
}

/// One run: its turns, and how many conversations it started.
pub struct Run {
    pub turns: Measured<Outcome>,
    pub conversations: u64,
}

/// Everything measured on the conversations. JSON runs time the whole answer read; SSE runs
/// time the first body byte.
pub struct Conversations {
    /// At [`PACED_RATE`] turns/s in total.
    pub paced_json: Run,
    pub paced_sse: Run,
    /// Closed loop: each visitor's next turn as soon as the last is answered.
    pub saturated_json: Run,
    pub saturated_sse: Run,
}

/// Runs the paced JSON and SSE runs, then the saturated ones, a second apart.
pub async fn measure(
    http: &reqwest::Client,
    base: &str,
    pid: u32,
    durations: &Durations,
) -> Result<Conversations> {
    // One counter across the runs, so every conversation's email is unique.
    let started = Arc::new(AtomicU64::new(0));
    let one = |mode, rate, duration| timed(http, base, pid, mode, rate, duration, &started);
    let paced_json = one(Mode::Json, Some(PACED_RATE), durations.paced_json).await?;
    let paced_sse = one(Mode::Sse, Some(PACED_RATE), durations.paced_sse).await?;
    let saturated_json = one(Mode::Json, None, durations.saturated_json).await?;
    let saturated_sse = one(Mode::Sse, None, durations.saturated_sse).await?;
    Ok(Conversations {
        paced_json,
        paced_sse,
        saturated_json,
        saturated_sse,
    })
}

/// One run after a second's pause, with the CPU used and the conversations it started.
async fn timed(
    http: &reqwest::Client,
    base: &str,
    pid: u32,
    mode: Mode,
    rate: Option<f64>,
    duration: Duration,
    started: &Arc<AtomicU64>,
) -> Result<Run> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pacing = match rate {
        Some(rate) => format!("paced, {rate:.0} turns/s"),
        None => "saturated, closed loop".to_owned(),
    };
    eprintln!(
        "bench: {CLIENTS} concurrent conversations ({}, {pacing})…",
        mode.label()
    );
    let before = started.load(Ordering::Relaxed);
    let turns = observe(pid, run(http, base, mode, rate, duration, started)).await?;
    Ok(Run {
        turns,
        conversations: started.load(Ordering::Relaxed) - before,
    })
}

/// The paced JSON turns alone, for `duration` at `rate` (the mixed load's chat class).
pub async fn paced_turns(
    http: &reqwest::Client,
    base: &str,
    rate: f64,
    duration: Duration,
    started: &Arc<AtomicU64>,
) -> Result<Outcome> {
    run(http, base, Mode::Json, Some(rate), duration, started).await
}

#[derive(Clone, Copy)]
enum Mode {
    /// JSON answer, timed until it is read whole.
    Json,
    /// Server-Sent Events, timed until the first body chunk (the rest is read untimed).
    Sse,
}

/// One run of the [`CLIENTS`] visitors for `duration`; `rate` paces the turns across all of
/// them, `None` runs a closed loop.
async fn run(
    http: &reqwest::Client,
    base: &str,
    mode: Mode,
    rate: Option<f64>,
    duration: Duration,
    started: &Arc<AtomicU64>,
) -> Result<Outcome> {
    let stop = phases::stop_flag();
    let begun = Instant::now();
    let pacing = if rate.is_some() { "paced" } else { "closed" };
    let mut tasks = Vec::with_capacity(CLIENTS);
    for client in 0..CLIENTS {
        let visitor = Visitor {
            http: http.clone(),
            url: format!("{base}/api/chat"),
            id: format!("bench-visitor-{}-{pacing}-{client}", mode.tag()),
            mode,
            pace: rate.map(|rate| load::Pace::new(begun, client, CLIENTS, rate)),
            started: Arc::clone(started),
            stop: Arc::clone(&stop),
        };
        tasks.push(tokio::spawn(visitor.run()));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut outcome = Outcome::empty();
    for task in tasks {
        outcome.absorb(task.await.context("conversation client panicked")?)?;
    }
    // Turns in flight at the stop finish after it; they count, so the time does too.
    outcome.elapsed = begun.elapsed();
    Ok(outcome)
}

impl Mode {
    fn tag(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Sse => "sse",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Json => "JSON turns",
            Self::Sse => "SSE, first byte",
        }
    }
}

struct Visitor {
    http: reqwest::Client,
    url: String,
    id: String,
    mode: Mode,
    /// This visitor's share of the paced rate: its next turn waits for a tick. A late answer
    /// delays only this conversation's next turn, and the missed ticks are sent at once after it.
    pace: Option<load::Pace>,
    /// Conversations started across all visitors; each one's number makes its email unique.
    started: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Visitor {
    async fn run(mut self) -> Outcome {
        let mut outcome = Outcome::empty();
        'conversations: while !self.stop.load(Ordering::Relaxed) {
            let n = self.started.fetch_add(1, Ordering::Relaxed);
            let mut conversation: Option<String> = None;
            for line in SCRIPT {
                let owed = match &mut self.pace {
                    Some(pace) => pace.next().await,
                    None => Duration::ZERO,
                };
                if self.stop.load(Ordering::Relaxed) {
                    break 'conversations;
                }
                let message = line.replace("{n}", &n.to_string());
                match self.turn(conversation.as_deref(), &message).await {
                    Ok((elapsed, id)) => {
                        stats::record(&mut outcome.latency, owed + elapsed);
                        outcome.ok += 1;
                        conversation = Some(id);
                    }
                    Err(err) => {
                        outcome.errors += 1;
                        outcome
                            .first_error
                            .get_or_insert_with(|| format!("{err:#}"));
                        // Start over rather than continue a conversation in an unknown state.
                        continue 'conversations;
                    }
                }
            }
        }
        outcome
    }

    /// One turn: its timed latency, and the conversation id from the answer.
    async fn turn(&self, conversation: Option<&str>, message: &str) -> Result<(Duration, String)> {
        let mut body = serde_json::json!({
            "tenantId": "default",
            "visitorId": self.id,
            "message": message,
        });
        if let Some(id) = conversation {
            body["conversationId"] = serde_json::Value::from(id);
        }
        let mut request = self.http.post(&self.url).json(&body);
        if matches!(self.mode, Mode::Sse) {
            request = request.header("Accept", "text/event-stream");
        }
        let sent = Instant::now();
        let mut reply = request.send().await?;
        let status = reply.status();
        let mut text = Vec::new();
        let elapsed = match self.mode {
            Mode::Json => {
                text.extend_from_slice(&reply.bytes().await?);
                sent.elapsed()
            }
            Mode::Sse => {
                let first = reply.chunk().await?;
                let elapsed = sent.elapsed();
                if let Some(chunk) = first {
                    text.extend_from_slice(&chunk);
                }
                while let Some(chunk) = reply.chunk().await? {
                    text.extend_from_slice(&chunk);
                }
                elapsed
            }
        };
        let text = String::from_utf8_lossy(&text);
        if status != StatusCode::OK {
            bail!("POST /api/chat answered {status}: {text}");
        }
        let id = conversation_id(&text).context("chat answer has no conversationId")?;
        Ok((elapsed, id))
    }
}

/// The `conversationId` in a JSON answer or in an SSE stream's `done` event, found without
/// parsing the whole answer.
pub fn conversation_id(text: &str) -> Option<String> {
    const KEY: &str = "\"conversationId\":\"";
    let start = text.find(KEY)? + KEY.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_owned())
}
