//! How a conversation ends: completed when the agent reaches an outcome or the visitor goes
//! idle, with a one-paragraph summary of what was learned.

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::agent::AgentState;
use crate::app::App;
use crate::domain::events;
use crate::error::{Error, Result};
use crate::model::context::Handoff;
use crate::model::{Conversation, ConversationStatus, EventKind, Lead};
use crate::store;

/// Completes every active conversation idle for longer than `idle`; returns how many.
pub async fn complete_idle(app: &App, idle: std::time::Duration) -> Result<usize> {
    let now = app.clock.now();
    let idle = jiff::SignedDuration::try_from(idle).map_err(Error::internal)?;
    let before = now
        .saturating_sub(idle)
        .map_err(Error::internal)?
        .as_millisecond();
    app.store
        .write(move |conn| {
            let due = store::conversations::idle(conn, before, 100)?;
            for mut conversation in due.iter().cloned() {
                let lead = match &conversation.lead_id {
                    Some(id) => store::leads::get(conn, &conversation.tenant, id)?,
                    None => None,
                };
                complete(conn, &mut conversation, lead.as_ref(), now)?;
                store::conversations::update(conn, &conversation)?;
            }
            Ok(due.len())
        })
        .await
}

/// Marks the conversation completed with a summary of what was learned.
pub fn complete(
    conn: &Connection,
    conversation: &mut Conversation,
    lead: Option<&Lead>,
    now: Timestamp,
) -> Result<()> {
    let state = super::state_of(conversation);
    conversation.status = ConversationStatus::Completed;
    conversation.summary = Some(summary(&state, lead));
    conversation.updated_at = now;
    events::record(
        conn,
        &conversation.tenant,
        EventKind::ConversationCompleted,
        &conversation_json(conversation),
        now,
    )
}

/// One paragraph: who, what they need, the facts, the outcome and score.
fn summary(state: &AgentState, lead: Option<&Lead>) -> String {
    let who = match (
        lead.map(|l| l.name.as_str())
            .or(state.contact.name.as_deref()),
        state.contact.company.as_deref(),
    ) {
        (Some(name), Some(company)) => format!("{name} from {company}"),
        (Some(name), None) => name.to_owned(),
        (None, Some(company)) => format!("A visitor from {company}"),
        (None, None) => "An anonymous visitor".to_owned(),
    };
    let f = &state.facts;
    let mut parts = vec![who];
    if let Some(need) = &f.need {
        parts.push(format!("needs: {need}"));
    }
    let mut details = Vec::new();
    if let Some(n) = f.company_size {
        details.push(format!("{n} people"));
    }
    if let Some(role) = &f.role {
        details.push(format!("role {role}"));
    }
    if let Some(b) = f.budget {
        details.push(format!("budget {b}"));
    }
    if let Some(m) = f.timeline_months {
        details.push(match m {
            0 => "wants to start now".to_owned(),
            1 => "timeline 1 month".to_owned(),
            m => format!("timeline {m} months"),
        });
    }
    if !details.is_empty() {
        parts.push(details.join(", "));
    }
    let outcome = match (state.outcome, lead) {
        (Some(crate::agent::Outcome::Booked), _) => "Outcome: meeting booked".to_owned(),
        (Some(o), _) => format!("Outcome: {}", format!("{o:?}").to_lowercase()),
        (None, _) => "Outcome: conversation went idle".to_owned(),
    };
    parts.push(outcome);
    if let Some(l) = lead.filter(|l| l.qualification.is_some()) {
        parts.push(format!("score {}", l.qualification_score));
    }
    format!("{}.", parts.join("; "))
}

/// A conversation as the API returns it (webhook `data`).
pub fn conversation_json(c: &Conversation) -> Value {
    json!({
        "id": c.id,
        "leadId": c.lead_id,
        "channel": "web_chat",
        "status": c.status.as_str(),
        "summary": c.summary,
        "messageCount": c.message_count,
        "context": (c.context != Default::default()).then_some(&c.context),
        "handoff": c.handoff.as_ref().map(Handoff::to_json),
        "createdAt": crate::clock::format(c.created_at),
        "updatedAt": crate::clock::format(c.updated_at),
    })
}
