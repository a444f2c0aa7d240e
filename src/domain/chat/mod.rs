//! A chat turn, one path for every driver: the visitor's message is stored first (a failing
//! agent never loses it), the driver answers — the built-in bot or a language model; a
//! person taking over would be a third — and what it decided is applied as the turn's
//! effects: the conversation's own lead created or updated, qualified, a meeting booked,
//! the conversation completed, each with its events, in one transaction with the reply.

mod builtin;
mod completion;
mod effects;
mod llm;
mod open;
mod request;

use serde_json::Value;

pub use completion::{complete_idle, conversation_json};
pub use open::Started;
pub use request::{ChatInput, MAX_MESSAGE_CHARS};

use crate::agent::llm::{Deltas, LlmAgent};
use crate::agent::{Agent, AgentState};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Conversation, EventKind, Lead, Message, Source};
use crate::store;
use open::MessageCommit;
use request::Valid;

/// Something the widget should tell the host page about (`synaptiq:<kind>` events).
#[derive(Debug, Clone)]
pub struct WidgetEvent {
    pub kind: EventKind,
    pub detail: Value,
}

pub struct ChatOutput {
    pub conversation_id: String,
    pub reply: Message,
    pub lead: Option<Lead>,
    pub events: Vec<WidgetEvent>,
    /// The documents the reply's answer came from.
    pub sources: Vec<Source>,
    /// The reply's text already went out as deltas while it was produced.
    pub streamed: bool,
}

/// Who answers the visitor's turns.
enum Driver<'a> {
    BuiltinBot,
    LlmBot(&'a LlmAgent),
    /// A model is configured but cannot run (a missing key): the message is kept, then 503.
    Unavailable(&'a str),
}

fn driver(app: &App) -> Driver<'_> {
    match &app.agent {
        Agent::Builtin => Driver::BuiltinBot,
        Agent::Llm(model) => Driver::LlmBot(&model.agent),
        Agent::NotConfigured(missing) => Driver::Unavailable(missing),
    }
}

/// One visitor message answered as JSON.
pub async fn turn(app: &App, input: ChatInput) -> Result<ChatOutput> {
    let valid = Valid::check(input)?;
    let driver = driver(app);
    if let Driver::BuiltinBot = driver {
        return builtin::turn_in_one_write(app, valid).await;
    }
    // A model's reply is the turn's next write, so the message may share its commit.
    let with_history = matches!(driver, Driver::LlmBot(_));
    let commit = if with_history {
        MessageCommit::WithReply
    } else {
        MessageCommit::Now
    };
    let started = open::begin(app, valid, commit, with_history).await?;
    answer(app, driver, started, None).await
}

/// The first half of a streamed turn: the visitor's message is stored and the knowledge base
/// searched; answers once both are done, while the commit completes (see [`Started`]).
pub async fn begin(app: &App, input: ChatInput) -> Result<Started> {
    let valid = Valid::check(input)?;
    let with_history = matches!(driver(app), Driver::LlmBot(_));
    open::begin(app, valid, MessageCommit::Now, with_history).await
}

/// Lets the driver answer a started turn. A model streams its reply's text to `deltas` as it
/// arrives. Whatever the outcome, it is told only once the visitor's message is durable.
pub async fn finish(app: &App, started: Started, deltas: Option<&Deltas>) -> Result<ChatOutput> {
    answer(app, driver(app), started, deltas).await
}

async fn answer(
    app: &App,
    driver: Driver<'_>,
    started: Started,
    deltas: Option<&Deltas>,
) -> Result<ChatOutput> {
    let stored = started.stored();
    let answered = match driver {
        Driver::BuiltinBot => builtin::answer_started(app, started).await,
        Driver::LlmBot(agent) => llm::answer(app, agent, started, deltas).await,
        Driver::Unavailable(missing) => Err(Error::Unavailable(missing.to_owned())),
    };
    stored.wait().await?;
    answered
}

/// The visible history of a visitor's conversation (widget restore after a reload).
pub async fn history(
    app: &App,
    conversation_id: &str,
    visitor_id: &str,
) -> Result<(Conversation, Vec<Message>)> {
    let id = request::valid_uuid("conversationId", conversation_id)?;
    let visitor = request::valid_visitor(visitor_id)?;
    app.store
        .read(move |conn| {
            let conversation = store::conversations::get_for_visitor(conn, &id, &visitor)?
                .ok_or(Error::NotFound("conversation"))?;
            let messages = store::conversations::messages(conn, &id)?;
            Ok((conversation, messages))
        })
        .await
}

/// What the agent knew after the conversation's last turn.
fn state_of(conversation: &Conversation) -> AgentState {
    serde_json::from_value(conversation.state.clone()).unwrap_or_default()
}
