//! The OpenAI Chat Completions wire format, as OpenAI, Ollama, llama.cpp and vLLM speak it:
//! the streamed request, and the `data:` chunks of its answer (text deltas, tool-call
//! argument deltas by index, the usage chunk, `[DONE]`).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Value, json};

use super::tools::SPECS;
use super::{Item, Request, Step, ToolCall};

/// More parallel tool calls than this in one response is not a chat turn.
const MAX_CALLS: usize = 16;

pub fn body(request: &Request<'_>) -> Value {
    let mut messages = Vec::with_capacity(request.items.len() + 1);
    messages.push(json!({"role": "system", "content": request.system}));
    for item in request.items {
        match item {
            Item::User(text) => messages.push(json!({"role": "user", "content": text})),
            Item::Assistant { text, calls } => {
                let mut message = json!({"role": "assistant", "content": text});
                if !calls.is_empty() {
                    message["tool_calls"] = calls
                        .iter()
                        .map(|c| {
                            json!({"id": c.id, "type": "function",
                                   "function": {"name": c.name, "arguments": c.arguments}})
                        })
                        .collect();
                }
                messages.push(message);
            }
            Item::ToolResults(results) => messages.extend(
                results
                    .iter()
                    .map(|r| json!({"role": "tool", "tool_call_id": r.id, "content": r.content})),
            ),
        }
    }
    let tools: Vec<Value> = SPECS
        .iter()
        .map(|s| {
            json!({"type": "function", "function": {
                "name": s.name, "description": s.description, "parameters": s.parameters}})
        })
        .collect();
    json!({
        "model": request.model,
        "messages": messages,
        "tools": tools,
        "tool_choice": if request.allow_tools { "auto" } else { "none" },
        "max_tokens": request.max_tokens,
        "stream": true,
        "stream_options": {"include_usage": true},
    })
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(default, borrow)]
    choices: Vec<Choice<'a>>,
    usage: Option<Usage>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default, borrow)]
    delta: Delta<'a>,
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
struct Delta<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    tool_calls: Vec<ToolCallDelta<'a>>,
}

#[derive(Deserialize)]
struct ToolCallDelta<'a> {
    index: usize,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    function: Option<FunctionDelta<'a>>,
}

#[derive(Deserialize)]
struct FunctionDelta<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    arguments: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// Reads the chunks of one streamed response (each chunk stands alone: no state).
#[derive(Debug)]
pub struct Decoder;

impl Decoder {
    /// Takes one `data:` payload; true at `[DONE]`.
    pub fn feed(
        &mut self,
        data: &str,
        step: &mut Step,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<bool, String> {
        if data.trim() == "[DONE]" {
            return Ok(true);
        }
        let chunk: Chunk<'_> = serde_json::from_str(data)
            .map_err(|e| format!("the model sent an unreadable chunk: {e}"))?;
        if let Some(error) = chunk.error {
            return Err(format!("the model provider failed: {}", error.message));
        }
        if let Some(usage) = chunk.usage {
            step.tokens_in = usage.prompt_tokens;
            step.tokens_out = usage.completion_tokens;
        }
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                step.text.push_str(&text);
                on_text(&text);
            }
            for delta in choice.delta.tool_calls {
                add_call_delta(step, delta)?;
            }
            if choice.finish_reason.is_some() {
                step.finished = true;
            }
        }
        Ok(false)
    }
}

/// Tool calls arrive in pieces keyed by index: the id and name first, then the arguments'
/// JSON text split anywhere.
fn add_call_delta(step: &mut Step, delta: ToolCallDelta<'_>) -> Result<(), String> {
    if delta.index >= MAX_CALLS {
        return Err(format!("the model made more than {MAX_CALLS} tool calls"));
    }
    while step.calls.len() <= delta.index {
        step.calls.push(ToolCall {
            // Some local servers send no ids; the call's position names it then.
            id: format!("call_{}", step.calls.len()),
            name: String::new(),
            arguments: String::new(),
        });
    }
    let call = &mut step.calls[delta.index];
    if let Some(id) = delta.id.filter(|id| !id.is_empty()) {
        call.id = id.into_owned();
    }
    if let Some(function) = delta.function {
        if let Some(name) = function.name {
            call.name.push_str(&name);
        }
        if let Some(arguments) = function.arguments {
            call.arguments.push_str(&arguments);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn tool_call_arguments_split_mid_json_are_joined() {
        let mut step = Step::default();
        let mut texts = Vec::new();
        let mut on_text = |t: &str| texts.push(t.to_owned());
        let mut decoder = Decoder;
        for data in [
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Saving"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"update_lead","arguments":""}}]},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ema"}}]},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"il\": \"j@x.io\"}"}}]},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}}"#,
        ] {
            assert!(!decoder.feed(data, &mut step, &mut on_text).unwrap());
        }
        assert!(decoder.feed("[DONE]", &mut step, &mut on_text).unwrap());
        assert_eq!(texts, ["Saving"]);
        assert!(step.finished);
        assert_eq!((step.tokens_in, step.tokens_out), (120, 9));
        assert_eq!(step.calls.len(), 1);
        assert_eq!(step.calls[0].id, "call_1");
        assert_eq!(step.calls[0].name, "update_lead");
        assert_eq!(step.calls[0].arguments, r#"{"email": "j@x.io"}"#);
    }

    #[test]
    fn an_absurd_tool_call_index_is_refused() {
        let mut step = Step::default();
        let data = r#"{"choices":[{"delta":{"tool_calls":[{"index":99999999,"function":{"name":"x"}}]}}]}"#;
        assert!(Decoder.feed(data, &mut step, &mut |_| {}).is_err());
        assert!(step.calls.is_empty());
    }
}
