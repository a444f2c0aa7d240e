//! The first half of a turn: the visitor's message is stored (starting the conversation if
//! needed), so whatever happens to the agent afterwards, the message is kept.

use jiff::Timestamp;
use rusqlite::Connection;

use super::completion::conversation_json;
use super::request::{Context, Valid};
use crate::agent::builtin::{answer, flow};
use crate::agent::{AgentState, ContactState};
use crate::app::App;
use crate::domain::events;
use crate::domain::settings::{self, TenantSettings};
use crate::error::{Error, Result};
use crate::model::{
    ChunkHit, Conversation, ConversationStatus, EventKind, Lead, Message, Role, TenantId,
};
use crate::store;
use crate::store::Durable;

/// What the first transaction of a turn established.
pub(super) struct Opened {
    pub conversation: Conversation,
    pub settings: TenantSettings,
    pub lead: Option<Lead>,
    /// What a language model is shown: read in the same transaction, since pool readers do
    /// not see the visitor's message before it commits. `None` for the built-in agent.
    pub history: Option<History>,
}

pub(super) struct History {
    pub messages: Vec<Message>,
    /// Model turns the conversation has had.
    pub model_turns: u32,
}

/// A turn whose visitor message is written; the agent has not answered yet.
pub struct Started {
    pub(super) opened: Opened,
    pub(super) message: String,
    pub(super) now: Timestamp,
    /// What the knowledge base says about the message, if the agent consults it.
    pub(super) knowledge: Vec<ChunkHit>,
    /// The message's commit, which the agent's work overlaps.
    stored: Durable,
}

impl Started {
    pub fn conversation_id(&self) -> &str {
        &self.opened.conversation.id
    }

    /// Resolves once the visitor's message is durable.
    pub fn stored(&self) -> Durable {
        self.stored.clone()
    }
}

/// When the visitor's message commits, relative to the agent's reply.
#[derive(Clone, Copy)]
pub(super) enum MessageCommit {
    /// At once: a stream's `start` event waits for it while the agent already works.
    Now,
    /// With the turn's next write, the reply: nothing reaches the visitor before it.
    WithReply,
}

/// Validates the input and writes the visitor's message; the knowledge base is searched
/// meanwhile. A language model also gets the history, read in the same transaction.
pub(super) async fn begin(
    app: &App,
    valid: Valid,
    commit: MessageCommit,
    with_history: bool,
) -> Result<Started> {
    let Valid {
        tenant,
        visitor,
        message,
        conversation_id,
        context,
    } = valid;
    let now = app.clock.now();
    let text = message.clone();
    let searched = tenant.clone();
    let write = move |conn: &Connection| {
        let mut opened = open(
            conn,
            &tenant,
            &visitor,
            conversation_id.as_deref(),
            &text,
            context.as_ref(),
            now,
        )?;
        if with_history {
            let id = &opened.conversation.id;
            opened.history = Some(History {
                messages: store::conversations::messages(conn, id)?,
                model_turns: store::llm::turns_in_conversation(conn, id)?,
            });
        }
        Ok(opened)
    };
    let write = async {
        match commit {
            MessageCommit::Now => app.store.write_pipelined(write).await,
            MessageCommit::WithReply => app.store.write_lingering(write).await,
        }
    };
    let (written, knowledge) = tokio::join!(write, knowledge_if_asked(app, &searched, &message));
    let (opened, stored) = written?;
    Ok(Started {
        opened,
        message,
        now,
        knowledge,
        stored,
    })
}

/// Stores the visitor's message, creating the conversation (with the greeting) if needed.
pub(super) fn open(
    conn: &Connection,
    tenant: &TenantId,
    visitor: &str,
    id: Option<&str>,
    message: &str,
    context: Option<&Context>,
    now: Timestamp,
) -> Result<Opened> {
    if !store::tenants::exists(conn, tenant)? {
        return Err(Error::NotFound("tenant"));
    }
    let settings = settings::load(conn, tenant)?;
    let mut conversation = match id {
        Some(id) => {
            let found =
                store::conversations::get(conn, tenant, id)?.filter(|c| c.visitor_id == visitor);
            let mut conversation = found.ok_or(Error::NotFound("conversation"))?;
            conversation.status = ConversationStatus::Active;
            conversation
        }
        None => start(conn, tenant, visitor, &settings, now)?,
    };
    store::conversations::add_message(
        conn,
        &conversation.id,
        &Message {
            role: Role::User,
            content: message.to_owned(),
            created_at: now,
            incomplete: false,
        },
    )?;
    conversation.message_count += 1;
    conversation.updated_at = now;
    if let Some(context) = context {
        conversation
            .context
            .update(context.update.clone(), context.utm.clone());
    }
    store::conversations::update(conn, &conversation)?;
    let lead = match &conversation.lead_id {
        Some(lead_id) => store::leads::get(conn, tenant, lead_id)?,
        None => None,
    };
    Ok(Opened {
        conversation,
        settings,
        lead,
        history: None,
    })
}

/// A new conversation, greeted, linked to the visitor's lead if they were here before.
fn start(
    conn: &Connection,
    tenant: &TenantId,
    visitor: &str,
    settings: &TenantSettings,
    now: Timestamp,
) -> Result<Conversation> {
    let lead = match store::conversations::visitor_lead(conn, tenant, visitor)? {
        Some(lead_id) => store::leads::get(conn, tenant, &lead_id)?,
        None => None,
    };
    let mut state = AgentState::default();
    if let Some(lead) = &lead {
        state.contact = ContactState {
            name: Some(lead.name.clone()),
            email: Some(lead.email.clone()),
            phone: lead.phone.clone(),
            company: lead.company.clone(),
        };
    }
    let conversation = Conversation {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        visitor_id: visitor.to_owned(),
        lead_id: lead.map(|l| l.id),
        status: ConversationStatus::Active,
        summary: None,
        message_count: 1,
        state: serde_json::to_value(&state)?,
        context: Default::default(),
        handoff: None,
        created_at: now,
        updated_at: now,
    };
    store::conversations::insert(conn, &conversation)?;
    let greeting = Message {
        role: Role::Assistant,
        content: settings.greeting.clone(),
        created_at: now,
        incomplete: false,
    };
    store::conversations::add_message(conn, &conversation.id, &greeting)?;
    events::record(
        conn,
        tenant,
        EventKind::ConversationStarted,
        &conversation_json(&conversation),
        now,
    )?;
    Ok(conversation)
}

/// What the knowledge base says about `message`, if the built-in agent would consult it (a
/// question, or a topic named alone such as "pricing").
pub(super) async fn knowledge_if_asked(
    app: &App,
    tenant: &TenantId,
    message: &str,
) -> Vec<ChunkHit> {
    if !flow::consults_knowledge(message) && !answer::asks_by_topic(message) {
        return Vec::new();
    }
    // A failed search only means the agent answers without the knowledge base.
    crate::domain::knowledge::search_for_answer(app, tenant, message)
        .await
        .unwrap_or_default()
}
