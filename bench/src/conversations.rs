//! Issue #5's figures for the built-in agent: 50 concurrent visitors, each sending a scripted
//! lead-qualification conversation over `POST /api/chat` (JSON) and then starting a new one,
//! timed per turn; then the same conversations with `Accept: text/event-stream`, timed to the
//! first body byte. The script stops before a meeting slot is picked, so slots never run out.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;

use crate::load::Outcome;
use crate::phases::{self, Measured, with_cpu};
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

/// Everything measured on the conversations.
pub struct Conversations {
    /// Full JSON turns: latency to the whole answer read.
    pub turns: Measured<Outcome>,
    pub conversations: u64,
    /// Streamed turns: latency to the first body byte.
    pub first_byte: Measured<Outcome>,
    pub streamed_conversations: u64,
}

/// Runs the JSON phase for `turns_for`, then the streamed phase for `sse_for`.
pub async fn measure(
    http: &reqwest::Client,
    base: &str,
    pid: u32,
    turns_for: Duration,
    sse_for: Duration,
) -> Result<Conversations> {
    eprintln!("bench: {CLIENTS} concurrent conversations (JSON turns)…");
    let started = Arc::new(AtomicU64::new(0));
    let turns = run(http, base, Mode::Json, turns_for, &started);
    let turns = with_cpu(pid, turns).await?;
    let conversations = started.swap(0, Ordering::Relaxed);
    eprintln!("bench: {CLIENTS} concurrent conversations (SSE, first byte)…");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first_byte = run(http, base, Mode::Sse, sse_for, &started);
    let first_byte = with_cpu(pid, first_byte).await?;
    Ok(Conversations {
        turns,
        conversations,
        first_byte,
        streamed_conversations: started.load(Ordering::Relaxed),
    })
}

#[derive(Clone, Copy)]
enum Mode {
    /// JSON answer, timed until it is read whole.
    Json,
    /// Server-Sent Events, timed until the first body chunk (the rest is read untimed).
    Sse,
}

async fn run(
    http: &reqwest::Client,
    base: &str,
    mode: Mode,
    duration: Duration,
    started: &Arc<AtomicU64>,
) -> Result<Outcome> {
    let stop = phases::stop_flag();
    let begun = Instant::now();
    let mut tasks = Vec::with_capacity(CLIENTS);
    for client in 0..CLIENTS {
        let visitor = Visitor {
            http: http.clone(),
            url: format!("{base}/api/chat"),
            id: format!("bench-visitor-{}-{client}", mode.tag()),
            mode,
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
}

struct Visitor {
    http: reqwest::Client,
    url: String,
    id: String,
    mode: Mode,
    /// Conversations started across all visitors; each one's number makes its email unique.
    started: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Visitor {
    async fn run(self) -> Outcome {
        let mut outcome = Outcome::empty();
        'conversations: while !self.stop.load(Ordering::Relaxed) {
            let n = self.started.fetch_add(1, Ordering::Relaxed);
            let mut conversation: Option<String> = None;
            for line in SCRIPT {
                if self.stop.load(Ordering::Relaxed) {
                    break 'conversations;
                }
                let message = line.replace("{n}", &n.to_string());
                match self.turn(conversation.as_deref(), &message).await {
                    Ok((elapsed, id)) => {
                        stats::record(&mut outcome.latency, elapsed);
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
fn conversation_id(text: &str) -> Option<String> {
    const KEY: &str = "\"conversationId\":\"";
    let start = text.find(KEY)? + KEY.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_owned())
}
