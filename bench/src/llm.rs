//! Issue #9's benchmark: what the server adds to a model-backed chat turn, and how soon it
//! forwards the model's first text delta. A second server runs with
//! `SYNAPTIQ_LLM_PROVIDER=openai` pointed at a fake OpenAI-compatible provider in this
//! process on loopback, which answers at once (zero latency) in the exact streaming wire
//! format and notes, for each turn, how long it spent on its requests and when it wrote the
//! first text delta; both ends are timed on this process's clock.
//!
//! Visitors hold four-message conversations; the message with an email makes the fake call
//! `update_lead` first and answer after the tool result, so a quarter of the turns are two
//! model requests with a tool call (a SQLite write) between them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use futures_util::stream;
use hdrhistogram::Histogram;
use poem::http::uri::Scheme;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::web::{Data, Json, LocalAddr, RemoteAddr};
use poem::{Body, EndpointExt, Response, Route, Server, handler, post};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client::{self, Api};
use crate::kb::Corpus;
use crate::load::{self, Outcome};
use crate::phases::{Measured, observe, stop_flag};
use crate::server::Launcher;
use crate::stats;

/// Conversations at once, together sending [`RATE`] turns/s: a busy site's model traffic,
/// well under what the server can take, so a turn's time is its own work.
pub const VISITORS: usize = 4;
pub const RATE: f64 = 100.0;
/// FAQ documents (100 chunks each) the second server's knowledge base holds, so each turn's
/// retrieval for the prompt searches real passages.
const KB_DOCS: usize = 5;
/// The model's reply, one text delta per piece, as a model streams tokens.
const REPLY: [&str; 12] = [
    "Thanks",
    " for",
    " asking!",
    " Synaptiq",
    " answers",
    " your",
    " visitors,",
    " qualifies",
    " them",
    " and",
    " books",
    " meetings.",
];
pub const REPLY_DELTAS: usize = REPLY.len();
/// One conversation's messages; `{n}` is the conversation's number.
const SCRIPT: [&str; 4] = [
    "Hi, what does Synaptiq do?",
    "I'm Jane Smith from Acme, jane{n}@acme{n}.com",
    "How much is the Pro plan?",
    "Thanks, that helps",
];
/// Each message ends with its turn's number, which the fake reads to file its timings.
const TURN_MARK: &str = "(turn ";

/// A JSON run (the turn timed until the answer is read whole) and an SSE run (until the
/// stream ends, and to the first `delta` event).
pub struct Llm {
    pub json: Measured<Run>,
    pub sse: Measured<Run>,
    pub kb_chunks: u64,
}

pub struct Run {
    pub turns: Outcome,
    /// Turn latency minus the provider's own time on the turn's requests.
    pub overhead: Histogram<u64>,
    /// The provider's own time per turn (all its requests).
    pub provider: Histogram<u64>,
    /// From the provider writing the first text delta until the client read it (SSE only).
    pub first_delta: Histogram<u64>,
    pub tool_turns: u64,
    /// Model requests the provider answered.
    pub requests: u64,
}

pub async fn measure(
    binary: &std::path::Path,
    work: &std::path::Path,
    corpus: &Corpus,
    duration: Duration,
) -> Result<Llm> {
    let fake = Fake::start().await?;
    let launcher = Launcher {
        binary: binary.to_owned(),
        data_dir: work.join("llm-data"),
        log: work.join("llm-server.log"),
        env: vec![
            ("SYNAPTIQ_LLM_PROVIDER", "openai".to_owned()),
            ("SYNAPTIQ_LLM_BASE_URL", fake.base_url.clone()),
            ("SYNAPTIQ_LLM_MODEL", "bench-model".to_owned()),
        ],
    };
    let http = client::http()?;
    let server = launcher.start(&http).await?;
    eprintln!(
        "bench: LLM turns: second server at {} with a fake OpenAI provider at {}…",
        server.url, fake.base_url
    );
    let key = launcher.create_key(client::DEFAULT_TENANT).await?;
    let api = Api::new(http.clone(), &server.url, &key);
    let mut kb_chunks = 0;
    for (title, content) in corpus.faqs.iter().take(KB_DOCS) {
        kb_chunks += api.upload_json(title, content, "faq").await?.chunks;
    }
    let turns = Arc::new(AtomicU64::new(0));
    let run = |mode| {
        let visitors = Visitors {
            http: http.clone(),
            url: format!("{}/api/chat", server.url),
            fake: fake.clone(),
            turns: Arc::clone(&turns),
            mode,
        };
        observe(server.pid, visitors.run(duration))
    };
    let json = run(Mode::Json).await?;
    let sse = run(Mode::Sse).await?;
    server.stop().await?;
    Ok(Llm {
        json,
        sse,
        kb_chunks,
    })
}

#[derive(Clone, Copy)]
enum Mode {
    Json,
    Sse,
}

/// The conversations of one run, sharing the turn counter and the fake's records.
struct Visitors {
    http: reqwest::Client,
    url: String,
    fake: Fake,
    turns: Arc<AtomicU64>,
    mode: Mode,
}

/// One turn as the client saw it: when it was sent, its first `delta` event arrived, and
/// its answer was over.
struct Seen {
    number: u64,
    latency: Duration,
    first_delta: Option<Instant>,
}

impl Visitors {
    async fn run(self, duration: Duration) -> Result<Run> {
        let stop = stop_flag();
        let begun = Instant::now();
        let this = Arc::new(self);
        let mut tasks = Vec::with_capacity(VISITORS);
        for visitor in 0..VISITORS {
            let pace = load::Pace::new(begun, visitor, VISITORS, RATE);
            tasks.push(tokio::spawn(
                Arc::clone(&this).visitor(pace, Arc::clone(&stop)),
            ));
        }
        tokio::time::sleep(duration).await;
        stop.store(true, Ordering::Relaxed);
        let mut seen = Vec::new();
        let mut turns = Outcome::empty();
        for task in tasks {
            let (outcome, mut turns_seen) = task.await.context("LLM visitor panicked")?;
            turns.absorb(outcome)?;
            seen.append(&mut turns_seen);
        }
        turns.elapsed = begun.elapsed();
        this.fake.settle(&seen, turns)
    }

    /// One visitor: conversations of [`SCRIPT`], one turn per tick of its pace.
    async fn visitor(
        self: Arc<Self>,
        mut pace: load::Pace,
        stop: Arc<AtomicBool>,
    ) -> (Outcome, Vec<Seen>) {
        let mut outcome = Outcome::empty();
        let mut seen = Vec::new();
        'conversations: while !stop.load(Ordering::Relaxed) {
            let mut conversation: Option<String> = None;
            let visitor = format!("bench-llm-{}", uuid::Uuid::now_v7());
            for line in SCRIPT {
                let owed = pace.next().await;
                if stop.load(Ordering::Relaxed) {
                    break 'conversations;
                }
                let number = self.turns.fetch_add(1, Ordering::Relaxed);
                let message = format!(
                    "{} {TURN_MARK}{number})",
                    line.replace("{n}", &number.to_string())
                );
                match self.turn(&visitor, conversation.as_deref(), &message).await {
                    Ok((id, sent_to_answer, first_delta)) => {
                        let latency = owed + sent_to_answer;
                        stats::record(&mut outcome.latency, latency);
                        outcome.ok += 1;
                        conversation = Some(id);
                        seen.push(Seen {
                            number,
                            latency,
                            first_delta,
                        });
                    }
                    Err(err) => {
                        outcome.errors += 1;
                        outcome
                            .first_error
                            .get_or_insert_with(|| format!("{err:#}"));
                        continue 'conversations;
                    }
                }
            }
        }
        (outcome, seen)
    }

    /// One turn: the conversation's id, the turn's latency, and when the first `delta`
    /// event arrived (SSE).
    async fn turn(
        &self,
        visitor: &str,
        conversation: Option<&str>,
        message: &str,
    ) -> Result<(String, Duration, Option<Instant>)> {
        let mut body = json!({
            "tenantId": client::DEFAULT_TENANT,
            "visitorId": visitor,
            "message": message,
        });
        if let Some(id) = conversation {
            body["conversationId"] = Value::from(id);
        }
        let mut request = self.http.post(&self.url).json(&body);
        if matches!(self.mode, Mode::Sse) {
            request = request.header("Accept", "text/event-stream");
        }
        let sent = Instant::now();
        let mut reply = request.send().await?;
        let status = reply.status();
        let mut text = String::new();
        let mut first_delta = None;
        while let Some(chunk) = reply.chunk().await? {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if first_delta.is_none() && text.contains("event: delta\n") {
                first_delta = Some(Instant::now());
            }
        }
        let latency = sent.elapsed();
        if status != StatusCode::OK || text.contains("event: error\n") {
            bail!("POST /api/chat answered {status}: {text}");
        }
        let id = crate::conversations::conversation_id(&text)
            .context("chat answer has no conversationId")?;
        if matches!(self.mode, Mode::Sse) && first_delta.is_none() {
            bail!("the streamed answer had no delta event: {text}");
        }
        Ok((id, latency, first_delta))
    }
}

/// What the fake provider did for one turn.
#[derive(Default)]
struct Served {
    /// From each request's arrival to its last byte written, summed.
    busy: Duration,
    requests: u64,
    first_delta: Option<Instant>,
}

/// The fake provider: its base URL and what it served, by turn number.
#[derive(Clone)]
struct Fake {
    base_url: String,
    served: Arc<Mutex<HashMap<u64, Served>>>,
}

impl Fake {
    async fn start() -> Result<Self> {
        let served: Arc<Mutex<HashMap<u64, Served>>> = Arc::default();
        let app = Route::new()
            .at("/v1/chat/completions", post(complete))
            .data(Arc::clone(&served));
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
        let addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("the fake provider has no address")?;
        tokio::spawn(Server::new_with_acceptor(NoDelay(acceptor)).run(app));
        Ok(Self {
            base_url: format!("http://{addr}/v1"),
            served,
        })
    }

    /// Pairs each turn the client saw with what the provider did for it.
    fn settle(&self, seen: &[Seen], turns: Outcome) -> Result<Run> {
        let served = self
            .served
            .lock()
            .map_err(|_| anyhow!("fake provider lock poisoned"))?;
        let mut run = Run {
            turns,
            overhead: stats::histogram(),
            provider: stats::histogram(),
            first_delta: stats::histogram(),
            tool_turns: 0,
            requests: 0,
        };
        for turn in seen {
            let did = served
                .get(&turn.number)
                .with_context(|| format!("the fake provider never saw turn {}", turn.number))?;
            stats::record(&mut run.overhead, turn.latency.saturating_sub(did.busy));
            stats::record(&mut run.provider, did.busy);
            if let (Some(sent), Some(read)) = (did.first_delta, turn.first_delta) {
                stats::record(&mut run.first_delta, read.saturating_duration_since(sent));
            }
            run.tool_turns += u64::from(did.requests > 1);
            run.requests += did.requests;
        }
        Ok(run)
    }
}

/// The fake's connections with Nagle's algorithm off, as a provider streaming tokens has
/// them; otherwise each chunk after the first would wait for the server's delayed ACK.
struct NoDelay(TcpAcceptor);

impl Acceptor for NoDelay {
    type Io = tokio::net::TcpStream;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.0.local_addr()
    }

    async fn accept(&mut self) -> std::io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.0.accept().await?;
        io.set_nodelay(true)?;
        Ok((io, local, remote, scheme))
    }
}

/// `POST /v1/chat/completions`: a tool call to `update_lead` when the visitor's latest
/// message holds an email and no tool result has come back yet, else the text reply; both
/// streamed at once in OpenAI's chunk format.
#[handler]
fn complete(
    Json(body): Json<Value>,
    Data(served): Data<&Arc<Mutex<HashMap<u64, Served>>>>,
) -> Response {
    let arrived = Instant::now();
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let last_user = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default();
    let Some(turn) = turn_number(last_user) else {
        return Response::builder()
            .status(poem::http::StatusCode::BAD_REQUEST)
            .body("no turn number in the visitor's message");
    };
    let answered_tool = messages.last().is_some_and(|m| m["role"] == "tool");
    let email = last_user.split_whitespace().find(|w| w.contains('@'));
    let chunks = match email {
        Some(email) if !answered_tool => tool_call(email),
        _ => text_reply(),
    };
    let record = Record {
        served: Arc::clone(served),
        turn,
        arrived,
    };
    // The provider's time ends as its last chunk goes out, not when the stream is next
    // polled, so no server time is counted as the provider's.
    let body = stream::unfold(
        (chunks.into_iter().peekable(), record),
        |(mut chunks, record)| async move {
            let (bytes, text) = chunks.next()?;
            if text {
                record.first_delta();
            }
            if chunks.peek().is_none() {
                record.finished();
            }
            Some((Ok::<_, std::io::Error>(bytes), (chunks, record)))
        },
    );
    Response::builder()
        .content_type("text/event-stream")
        .body(Body::from_bytes_stream(body))
}

/// Notes one request's timings as its body is written.
struct Record {
    served: Arc<Mutex<HashMap<u64, Served>>>,
    turn: u64,
    arrived: Instant,
}

impl Record {
    fn update(&self, change: impl FnOnce(&mut Served)) {
        if let Ok(mut served) = self.served.lock() {
            change(served.entry(self.turn).or_default());
        }
    }

    fn first_delta(&self) {
        let now = Instant::now();
        self.update(|s| {
            s.first_delta.get_or_insert(now);
        });
    }

    fn finished(&self) {
        let busy = self.arrived.elapsed();
        self.update(|s| {
            s.busy += busy;
            s.requests += 1;
        });
    }
}

fn turn_number(message: &str) -> Option<u64> {
    let start = message.rfind(TURN_MARK)? + TURN_MARK.len();
    let digits = message[start..].split(')').next()?;
    digits.parse().ok()
}

/// A body chunk, and whether it carries reply text.
type Chunk = (String, bool);

fn chunk(delta: &Value, finish: &Value) -> String {
    let chunk = json!({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": "bench-model",
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
    });
    format!("data: {chunk}\n\n")
}

fn ending(finish: &str, tokens_out: usize) -> Vec<Chunk> {
    let usage = json!({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": "bench-model", "choices": [],
        "usage": {"prompt_tokens": 900, "completion_tokens": tokens_out, "total_tokens": 900 + tokens_out}
    });
    vec![
        (chunk(&json!({}), &json!(finish)), false),
        (format!("data: {usage}\n\n"), false),
        ("data: [DONE]\n\n".to_owned(), false),
    ]
}

fn text_reply() -> Vec<Chunk> {
    let mut chunks = vec![(
        chunk(&json!({"role": "assistant", "content": ""}), &Value::Null),
        false,
    )];
    chunks.extend(
        REPLY
            .iter()
            .map(|piece| (chunk(&json!({ "content": piece }), &Value::Null), true)),
    );
    chunks.extend(ending("stop", REPLY.len()));
    chunks
}

/// `update_lead` with the visitor's name and email, the arguments split mid-JSON as
/// providers stream them.
fn tool_call(email: &str) -> Vec<Chunk> {
    let arguments = json!({ "name": "Jane Smith", "email": email }).to_string();
    let (head, tail) = arguments.split_at(arguments.len() / 2);
    let call = |function: Value, first: bool| {
        let mut call = json!({"index": 0, "function": function});
        if first {
            call["id"] = json!("call_bench");
            call["type"] = json!("function");
        }
        (chunk(&json!({ "tool_calls": [call] }), &Value::Null), false)
    };
    let mut chunks = vec![
        (
            chunk(&json!({"role": "assistant", "content": null}), &Value::Null),
            false,
        ),
        call(json!({"name": "update_lead", "arguments": ""}), true),
        call(json!({ "arguments": head }), false),
        call(json!({ "arguments": tail }), false),
    ];
    chunks.extend(ending("tool_calls", 20));
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_turn_number_is_read_from_the_latest_mark() {
        assert_eq!(turn_number("Hi (turn 3)\n\nagain (turn 17)"), Some(17));
        assert_eq!(turn_number("no mark"), None);
    }
}
