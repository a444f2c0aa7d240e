//! Fake model providers on loopback: they answer each request with the next scripted reply,
//! streamed in the provider's exact wire format, and record what they were sent.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use futures_util::stream;
use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{Body, EndpointExt, Request, Response, Route, Server, handler, post};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    OpenAi,
    Anthropic,
}

/// What the model "says" in one response: text pieces (one delta each), then tool calls.
#[derive(Clone, Default)]
pub struct Answer {
    pub text: Vec<String>,
    pub calls: Vec<(String, Value)>,
    /// After the first text delta, the rest waits until this is notified.
    pub hold: Option<Arc<Notify>>,
    /// The connection drops after the text, before the response is over.
    pub cut: bool,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

impl Answer {
    pub fn text(pieces: &[&str]) -> Self {
        Self {
            text: pieces.iter().map(|p| (*p).to_owned()).collect(),
            tokens_in: 100,
            tokens_out: 10,
            ..Self::default()
        }
    }

    pub fn call(name: &str, arguments: Value) -> Self {
        Self::calls(vec![(name, arguments)])
    }

    pub fn calls(calls: Vec<(&str, Value)>) -> Self {
        Self {
            calls: calls.into_iter().map(|(n, a)| (n.to_owned(), a)).collect(),
            tokens_in: 100,
            tokens_out: 10,
            ..Self::default()
        }
    }

    pub fn held_by(mut self, gate: Arc<Notify>) -> Self {
        self.hold = Some(gate);
        self
    }

    pub fn cut_off(mut self) -> Self {
        self.cut = true;
        self
    }
}

/// One scripted reply to one request.
pub enum Reply {
    Answer(Answer),
    /// An HTTP error status with a JSON error body.
    Status(u16),
    /// Accepts the request and never answers.
    Hang,
    /// Decided from the request's JSON body (e.g. to use a tool result).
    Dynamic(Box<dyn Fn(&Value) -> Answer + Send>),
}

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

pub struct FakeProvider {
    pub kind: Kind,
    /// What `SYNAPTIQ_LLM_BASE_URL` is set to.
    pub base_url: String,
    state: Arc<State>,
}

impl FakeProvider {
    pub async fn start(kind: Kind) -> Self {
        let state = Arc::new(State::default());
        let path = match kind {
            Kind::OpenAi => "/v1/chat/completions",
            Kind::Anthropic => "/v1/messages",
        };
        let app = Route::new()
            .at(path, post(respond))
            .data(state.clone())
            .data(kind);
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        let base_url = match kind {
            Kind::OpenAi => format!("http://{addr}/v1"),
            Kind::Anthropic => format!("http://{addr}"),
        };
        Self {
            kind,
            base_url,
            state,
        }
    }

    /// Queues replies, answered in order, one per request.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.script.lock().unwrap().extend(replies);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn pending(&self) -> usize {
        self.state.script.lock().unwrap().len()
    }
}

#[handler]
async fn respond(
    req: &Request,
    body: poem::web::Json<Value>,
    state: Data<&Arc<State>>,
    kind: Data<&Kind>,
) -> Response {
    let body = body.0;
    state.seen.lock().unwrap().push(Seen {
        path: req.uri().path().to_owned(),
        headers: req
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: body.clone(),
    });
    let reply = state.script.lock().unwrap().pop_front();
    let answer = match reply {
        None => panic!("the fake provider got a request it has no reply for: {body}"),
        Some(Reply::Status(status)) => {
            return Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .content_type("application/json")
                .body(
                    json!({"error": {"message": "scripted failure", "type": "server_error"}})
                        .to_string(),
                );
        }
        Some(Reply::Hang) => std::future::pending().await,
        Some(Reply::Answer(answer)) => answer,
        Some(Reply::Dynamic(decide)) => decide(&body),
    };
    let parts = match *kind {
        Kind::OpenAi => openai_events(&answer),
        Kind::Anthropic => anthropic_events(&answer),
    };
    Response::builder()
        .content_type("text/event-stream")
        .body(Body::from_bytes_stream(play(parts)))
}

/// A piece of the response body as it goes on the wire.
enum Part {
    Bytes(String),
    /// Wait for the test before sending more.
    Hold(Arc<Notify>),
    /// Drop the connection mid-response.
    Cut,
}

/// Sends the parts as separate body chunks, pausing at holds, in a task of their own.
fn play(parts: Vec<Part>) -> impl futures_util::Stream<Item = Result<String, std::io::Error>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        for part in parts {
            match part {
                Part::Bytes(bytes) => {
                    if tx.send(Ok(bytes)).await.is_err() {
                        return;
                    }
                }
                Part::Hold(gate) => gate.notified().await,
                Part::Cut => {
                    let _ = tx.send(Err(std::io::Error::other("cut"))).await;
                    return;
                }
            }
        }
    });
    stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

fn data(value: &Value) -> Part {
    Part::Bytes(format!("data: {value}\n\n"))
}

/// JSON text split in three at arbitrary points, as providers stream tool arguments.
fn split_three(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let (a, b) = (chars.len() / 3, chars.len() * 2 / 3);
    [&chars[..a], &chars[a..b], &chars[b..]]
        .iter()
        .map(|c| c.iter().collect())
        .collect()
}

/// Text pieces, with the hold after the first and the first one split across two chunks
/// (an SSE line arrives in pieces).
fn text_parts(answer: &Answer, event: impl Fn(&str) -> Part) -> Vec<Part> {
    let mut parts = Vec::new();
    for (i, piece) in answer.text.iter().enumerate() {
        match event(piece) {
            Part::Bytes(bytes) if i == 0 => {
                let middle = bytes
                    .char_indices()
                    .nth(bytes.chars().count() / 2)
                    .unwrap()
                    .0;
                parts.push(Part::Bytes(bytes[..middle].to_owned()));
                parts.push(Part::Bytes(bytes[middle..].to_owned()));
            }
            other => parts.push(other),
        }
        if i == 0
            && let Some(gate) = &answer.hold
        {
            parts.push(Part::Hold(gate.clone()));
        }
    }
    parts
}

fn openai_events(answer: &Answer) -> Vec<Part> {
    let chunk = |delta: Value, finish: Value| {
        data(&json!({
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_764_000_000,
            "model": "gpt-test", "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
        }))
    };
    let mut parts = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    parts.extend(text_parts(answer, |piece| {
        chunk(json!({"content": piece}), Value::Null)
    }));
    if answer.cut {
        parts.push(Part::Cut);
        return parts;
    }
    for (index, (name, arguments)) in answer.calls.iter().enumerate() {
        parts.push(chunk(
            json!({"tool_calls": [{"index": index, "id": format!("call_{index}_{name}"),
                   "type": "function", "function": {"name": name, "arguments": ""}}]}),
            Value::Null,
        ));
        for piece in split_three(&arguments.to_string()) {
            parts.push(chunk(
                json!({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}),
                Value::Null,
            ));
        }
    }
    let finish = if answer.calls.is_empty() {
        "stop"
    } else {
        "tool_calls"
    };
    parts.push(chunk(json!({}), json!(finish)));
    parts.push(data(&json!({
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": "gpt-test", "choices": [],
        "usage": {"prompt_tokens": answer.tokens_in, "completion_tokens": answer.tokens_out,
                  "total_tokens": answer.tokens_in + answer.tokens_out}
    })));
    parts.push(Part::Bytes("data: [DONE]\n\n".to_owned()));
    parts
}

fn anthropic_events(answer: &Answer) -> Vec<Part> {
    let event = |name: &str, value: Value| Part::Bytes(format!("event: {name}\ndata: {value}\n\n"));
    let mut parts = vec![
        event(
            "message_start",
            json!({"type": "message_start", "message": {
                "id": "msg_fake", "type": "message", "role": "assistant", "content": [],
                "model": "claude-test", "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": answer.tokens_in, "output_tokens": 1}}}),
        ),
        event("ping", json!({"type": "ping"})),
    ];
    let mut index = 0;
    if !answer.text.is_empty() {
        parts.push(event(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}),
        ));
        parts.extend(text_parts(answer, |piece| {
            event(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                       "delta": {"type": "text_delta", "text": piece}}),
            )
        }));
        if answer.cut {
            parts.push(Part::Cut);
            return parts;
        }
        parts.push(event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ));
        index = 1;
    }
    for (i, (name, arguments)) in answer.calls.iter().enumerate() {
        let block = index + i;
        parts.push(event(
            "content_block_start",
            json!({"type": "content_block_start", "index": block, "content_block":
                   {"type": "tool_use", "id": format!("toolu_{block}_{name}"), "name": name, "input": {}}}),
        ));
        for piece in split_three(&arguments.to_string()) {
            parts.push(event(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": block,
                       "delta": {"type": "input_json_delta", "partial_json": piece}}),
            ));
        }
        parts.push(event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": block}),
        ));
    }
    let stop = if answer.calls.is_empty() {
        "end_turn"
    } else {
        "tool_use"
    };
    parts.push(event(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null},
               "usage": {"output_tokens": answer.tokens_out}}),
    ));
    parts.push(event("message_stop", json!({"type": "message_stop"})));
    parts
}

/// The tool results the request carries back (last message(s)), as (tool name or id, JSON
/// content, whether it is an error), in either wire format.
pub fn tool_results(body: &Value) -> Vec<(Value, bool)> {
    let messages = body["messages"].as_array().unwrap();
    let mut results = Vec::new();
    for message in messages.iter().rev() {
        match message["role"].as_str() {
            Some("tool") => {
                let content: Value =
                    serde_json::from_str(message["content"].as_str().unwrap()).unwrap();
                let is_error = content.get("error").is_some();
                results.push((content, is_error));
            }
            Some("user") if message["content"].is_array() => {
                for block in message["content"].as_array().unwrap().iter().rev() {
                    let content: Value =
                        serde_json::from_str(block["content"].as_str().unwrap()).unwrap();
                    results.push((content, block["is_error"].as_bool().unwrap()));
                }
                break;
            }
            _ => break,
        }
    }
    results.reverse();
    results
}
