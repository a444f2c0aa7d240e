//! The Anthropic Messages wire format: the streamed request, and the events of its answer
//! (`message_start`, `content_block_start` / `_delta` (`text_delta`, `input_json_delta`) /
//! `_stop`, `message_delta`, `message_stop`, `ping`, `error`).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Value, json};

use super::tools::SPECS;
use super::{Item, Request, Step, ToolCall};

pub const API_VERSION: &str = "2023-06-01";

/// More content blocks than this in one response is not a chat turn.
const MAX_BLOCKS: usize = 64;

pub fn body(request: &Request<'_>) -> Value {
    let messages: Vec<Value> = request
        .items
        .iter()
        .map(|item| match item {
            Item::User(text) => json!({"role": "user", "content": text}),
            Item::Assistant { text, calls } => {
                let mut blocks = Vec::with_capacity(calls.len() + 1);
                if !text.is_empty() {
                    blocks.push(json!({"type": "text", "text": text}));
                }
                blocks.extend(calls.iter().map(|c| {
                    // Arguments the model garbled were refused as a tool error; the call is
                    // replayed with an empty input, since Anthropic wants an object.
                    let input = serde_json::from_str::<Value>(&c.arguments)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({}));
                    json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input})
                }));
                json!({"role": "assistant", "content": blocks})
            }
            Item::ToolResults(results) => {
                let blocks: Vec<Value> = results
                    .iter()
                    .map(|r| {
                        json!({"type": "tool_result", "tool_use_id": r.id,
                               "content": r.content, "is_error": r.is_error})
                    })
                    .collect();
                json!({"role": "user", "content": blocks})
            }
        })
        .collect();
    let tools: Vec<Value> = SPECS
        .iter()
        .map(
            |s| json!({"name": s.name, "description": s.description, "input_schema": s.parameters}),
        )
        .collect();
    json!({
        "model": request.model,
        "system": request.system,
        "messages": messages,
        "tools": tools,
        "tool_choice": {"type": if request.allow_tools { "auto" } else { "none" }},
        "max_tokens": request.max_tokens,
        "stream": true,
    })
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event<'a> {
    MessageStart {
        message: MessageStart,
    },
    ContentBlockStart {
        index: usize,
        #[serde(borrow)]
        content_block: Block<'a>,
    },
    ContentBlockDelta {
        index: usize,
        #[serde(borrow)]
        delta: BlockDelta<'a>,
    },
    ContentBlockStop {},
    MessageDelta {
        delta: MessageDelta,
        usage: Option<Usage>,
    },
    MessageStop {},
    Ping {},
    Error {
        error: ErrorBody,
    },
    /// Event types added after this was written are skipped, as Anthropic asks.
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct MessageStart {
    usage: Usage,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block<'a> {
    Text {
        #[serde(borrow)]
        text: Cow<'a, str>,
    },
    ToolUse {
        id: String,
        name: String,
    },
    /// Thinking and other blocks carry nothing for the visitor.
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum BlockDelta<'a> {
    TextDelta {
        #[serde(borrow)]
        text: Cow<'a, str>,
    },
    InputJsonDelta {
        #[serde(borrow)]
        partial_json: Cow<'a, str>,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct MessageDelta {
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// Reads the events of one streamed response.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Content block index → the tool call it carries.
    calls: Vec<Option<usize>>,
}

impl Decoder {
    /// Takes one event's data (which repeats the event's name as `type`); true at
    /// `message_stop`.
    pub fn feed(
        &mut self,
        data: &str,
        step: &mut Step,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<bool, String> {
        let event: Event<'_> = serde_json::from_str(data)
            .map_err(|e| format!("the model sent an unreadable event: {e}"))?;
        match event {
            Event::MessageStart { message } => add_usage(step, &message.usage),
            Event::ContentBlockStart {
                index,
                content_block,
            } => match content_block {
                Block::Text { text } => emit(step, &text, on_text),
                Block::ToolUse { id, name } => self.start_call(step, index, id, name)?,
                Block::Other => {}
            },
            Event::ContentBlockDelta { index, delta } => match delta {
                BlockDelta::TextDelta { text } => emit(step, &text, on_text),
                BlockDelta::InputJsonDelta { partial_json } => {
                    let call = self.calls.get(index).copied().flatten();
                    let call = call.and_then(|i| step.calls.get_mut(i)).ok_or_else(|| {
                        format!("the model sent tool input for an unknown block {index}")
                    })?;
                    call.arguments.push_str(&partial_json);
                }
                BlockDelta::Other => {}
            },
            Event::MessageDelta { delta, usage } => {
                if let Some(usage) = usage {
                    add_usage(step, &usage);
                }
                if delta.stop_reason.is_some() {
                    step.finished = true;
                }
            }
            Event::MessageStop {} => {
                step.finished = true;
                return Ok(true);
            }
            Event::ContentBlockStop {} | Event::Ping {} | Event::Other => {}
            Event::Error { error } => {
                return Err(format!("the model provider failed: {}", error.message));
            }
        }
        Ok(false)
    }

    fn start_call(
        &mut self,
        step: &mut Step,
        index: usize,
        id: String,
        name: String,
    ) -> Result<(), String> {
        if index >= MAX_BLOCKS {
            return Err(format!(
                "the model sent more than {MAX_BLOCKS} content blocks"
            ));
        }
        if self.calls.len() <= index {
            self.calls.resize(index + 1, None);
        }
        self.calls[index] = Some(step.calls.len());
        step.calls.push(ToolCall {
            id,
            name,
            arguments: String::new(),
        });
        Ok(())
    }
}

fn emit(step: &mut Step, text: &str, on_text: &mut (dyn FnMut(&str) + Send)) {
    if !text.is_empty() {
        step.text.push_str(text);
        on_text(text);
    }
}

/// `message_start` reports the input, `message_delta` the output so far (cumulative).
fn add_usage(step: &mut Step, usage: &Usage) {
    let input = [
        usage.input_tokens,
        usage.cache_creation_input_tokens,
        usage.cache_read_input_tokens,
    ];
    if input.iter().any(Option::is_some) {
        step.tokens_in = input.iter().flatten().sum();
    }
    if let Some(output) = usage.output_tokens {
        step.tokens_out = output;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn text_and_tool_use_blocks_are_read() {
        let mut step = Step::default();
        let mut texts = Vec::new();
        let mut on_text = |t: &str| texts.push(t.to_owned());
        let mut decoder = Decoder::default();
        for data in [
            r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"usage":{"input_tokens":200,"output_tokens":1}}}"#,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"ping"}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"One moment"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"book_meeting","input":{}}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"starts_"}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"at\": \"2026-12-01T10:00:00Z\"}"}}"#,
            r#"{"type":"content_block_stop","index":1}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":31}}"#,
        ] {
            assert!(!decoder.feed(data, &mut step, &mut on_text).unwrap());
        }
        assert!(
            decoder
                .feed(r#"{"type":"message_stop"}"#, &mut step, &mut on_text)
                .unwrap()
        );
        assert_eq!(texts, ["One moment"]);
        assert_eq!((step.tokens_in, step.tokens_out), (200, 31));
        assert_eq!(step.calls.len(), 1);
        assert_eq!(step.calls[0].id, "toolu_1");
        assert_eq!(
            step.calls[0].arguments,
            r#"{"starts_at": "2026-12-01T10:00:00Z"}"#
        );
    }

    #[test]
    fn an_error_event_fails_the_step() {
        let mut step = Step::default();
        let data = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let err = Decoder::default()
            .feed(data, &mut step, &mut |_| {})
            .unwrap_err();
        assert!(err.contains("Overloaded"), "{err}");
    }
}
