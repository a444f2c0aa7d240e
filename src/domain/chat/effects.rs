//! What a turn does, whichever bot decided it: the conversation's own lead created or kept
//! current, qualified, a meeting booked, the reply stored, the conversation completed; each
//! change with its events, in the transaction that stores the turn.

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::WidgetEvent;
use super::completion::{complete, conversation_json};
use crate::agent::{AgentState, ContactState};
use crate::domain::events;
use crate::domain::leads::{
    self, MAX_COMPANY_CHARS, MAX_NAME_CHARS, MAX_PHONE_CHARS, record_change, record_claimant,
    record_claiming_change, record_new,
};
use crate::domain::meetings::MeetingChange;
use crate::error::Result;
use crate::model::context::{Handoff, HandoffReason};
use crate::model::{
    Conversation, EventKind, Lead, LeadSource, LeadStatus, Meeting, MeetingStatus, Message,
    Qualification, Source, TenantId,
};
use crate::scheduling::{self, Slot};
use crate::store;

/// The turn's conversation, what the agent knows, the conversation's lead, and what the
/// widget is to be told: changed by each effect, stored with the reply.
pub(super) struct Change {
    pub conversation: Conversation,
    pub state: AgentState,
    pub lead: Option<Lead>,
    pub widget: Vec<WidgetEvent>,
    /// A write changed what the lead's search index holds.
    pub reindex: bool,
    /// The documents the reply's answer came from.
    pub sources: Vec<Source>,
}

/// The turn's outcome: its output, and whether the lead indexer has work.
pub(super) struct Applied {
    pub output: super::ChatOutput,
    pub reindex: bool,
}

impl Change {
    pub fn new(conversation: Conversation, state: AgentState, lead: Option<Lead>) -> Self {
        Self {
            conversation,
            state,
            lead,
            widget: Vec::new(),
            reindex: false,
            sources: Vec::new(),
        }
    }

    /// Takes in a change to the conversation's meeting made by the meeting rules (which may
    /// have sent the lead back to `qualified`) and tells the widget.
    pub fn meeting_changed(&mut self, kind: EventKind, changed: MeetingChange) {
        self.noted(changed.search_change);
        let lead = visitor_view(&changed.lead, &self.state.contact);
        self.lead = Some(changed.lead);
        self.widget.push(WidgetEvent {
            kind,
            detail: json!({ "meeting": changed.meeting, "lead": lead }),
        });
    }

    fn tenant(&self) -> TenantId {
        self.conversation.tenant.clone()
    }

    fn noted(&mut self, search_change: Option<u64>) {
        self.reindex |= search_change.is_some();
    }

    /// Creates the conversation's own lead once an email is known, and keeps its contact
    /// fields current. A conversation writes no other lead: an email another lead holds
    /// gives the conversation a lead of its own, linked to that one for the team, which is
    /// neither changed nor revealed to the visitor.
    pub fn save_contact(&mut self, conn: &Connection, now: Timestamp) -> Result<()> {
        let contact = self.state.contact.clone();
        let Some(email) = contact
            .email
            .as_deref()
            .and_then(|e| leads::valid_email(e).ok())
        else {
            return Ok(());
        };
        let tenant = self.tenant();
        let Some(before) = self.lead.take() else {
            let lead = new_lead(&tenant, &email, &contact, now);
            match store::leads::find_by_email(conn, &tenant, &email)? {
                Some(holder) => record_claimant(conn, &lead, &holder, now)?,
                None => record_new(conn, &lead, now)?,
            };
            self.reindex = true;
            self.widget
                .push(lead_event(EventKind::LeadCreated, &lead, &contact));
            self.lead = Some(lead);
            return Ok(());
        };
        let mut lead = before.clone();
        let mut holder = None;
        if store::leads::email_key(&lead.email) != store::leads::email_key(&email) {
            holder = store::leads::find_by_email(conn, &tenant, &email)?;
            lead.email = email;
        }
        with_contact(&mut lead, &contact);
        if lead != before {
            lead.updated_at = now;
            let changed = match holder {
                Some(holder) => record_claiming_change(conn, &before, &lead, &holder, now)?,
                None => record_change(conn, &before, &lead, now)?,
            };
            self.noted(changed);
        }
        self.lead = Some(lead);
        Ok(())
    }

    /// A lead not yet in any conversation's hands starts qualifying with this one.
    pub fn start_qualifying(&mut self, conn: &Connection, now: Timestamp) -> Result<()> {
        let Some(lead) = self.lead.as_mut().filter(|l| l.status == LeadStatus::New) else {
            return Ok(());
        };
        let before = lead.clone();
        lead.status = LeadStatus::Qualifying;
        lead.updated_at = now;
        let changed = record_change(conn, &before, lead, now)?;
        self.noted(changed);
        Ok(())
    }

    /// Stores the agent's assessment; a lead that just qualified is announced to the widget.
    pub fn qualify(
        &mut self,
        conn: &Connection,
        qualification: Qualification,
        status: LeadStatus,
        now: Timestamp,
    ) -> Result<()> {
        let Some(lead) = self.lead.as_mut() else {
            return Err(crate::error::Error::NotFound("lead"));
        };
        let before = lead.clone();
        lead.qualification_score = qualification.score;
        lead.qualification = Some(qualification);
        lead.status = status;
        lead.updated_at = now;
        let changed = record_change(conn, &before, lead, now)?;
        if status == LeadStatus::Qualified && before.status != LeadStatus::Qualified {
            let event = lead_event(EventKind::LeadQualified, lead, &self.state.contact);
            self.widget.push(event);
        }
        self.noted(changed);
        Ok(())
    }

    /// Books `slot` for the lead; a slot taken meanwhile is a conflict, and nothing changes.
    pub fn book(&mut self, conn: &Connection, slot: Slot, now: Timestamp) -> Result<Meeting> {
        let Some(lead) = self.lead.as_mut() else {
            return Err(crate::error::Error::NotFound("lead"));
        };
        let meeting = Meeting {
            id: uuid::Uuid::now_v7().to_string(),
            tenant: lead.tenant.clone(),
            lead_id: lead.id.clone(),
            conversation_id: Some(self.conversation.id.clone()),
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            status: MeetingStatus::Booked,
            created_at: now,
        };
        store::meetings::insert(conn, &meeting)?;
        let before = lead.clone();
        lead.status = LeadStatus::Booked;
        lead.updated_at = now;
        let changed = record_change(conn, &before, lead, now)?;
        let detail = json!({ "meeting": meeting, "lead": lead });
        events::record(conn, &lead.tenant, EventKind::MeetingBooked, &detail, now)?;
        let shown = json!({ "meeting": meeting, "lead": visitor_view(lead, &self.state.contact) });
        self.widget.push(WidgetEvent {
            kind: EventKind::MeetingBooked,
            detail: shown,
        });
        self.noted(changed);
        Ok(meeting)
    }

    /// Notes that someone should take the conversation over (once: a later request keeps the
    /// first one's time), with `conversation.handoff_requested`.
    pub fn request_handoff(
        &mut self,
        conn: &Connection,
        reason: HandoffReason,
        now: Timestamp,
    ) -> Result<()> {
        if self.conversation.handoff.is_some() {
            return Ok(());
        }
        self.conversation.handoff = Some(Handoff {
            requested_at: now,
            reason,
        });
        let detail = conversation_json(&self.conversation);
        events::record(
            conn,
            &self.tenant(),
            EventKind::ConversationHandoffRequested,
            &detail,
            now,
        )?;
        self.widget.push(WidgetEvent {
            kind: EventKind::ConversationHandoffRequested,
            detail,
        });
        Ok(())
    }

    /// Stores the reply (unless empty) and the conversation's state, completing it when the
    /// turn reached an outcome.
    pub fn finish(
        self,
        conn: &Connection,
        reply: Message,
        completes: bool,
        streamed: bool,
    ) -> Result<Applied> {
        let Self {
            mut conversation,
            state,
            lead,
            mut widget,
            reindex,
            sources,
        } = self;
        let now = reply.created_at;
        conversation.lead_id = lead.as_ref().map(|l| l.id.clone());
        conversation.state = serde_json::to_value(&state)?;
        if !reply.content.is_empty() {
            store::conversations::add_message(conn, &conversation.id, &reply)?;
            conversation.message_count += 1;
        }
        conversation.updated_at = now;
        if completes {
            complete(conn, &mut conversation, lead.as_ref(), now)?;
            widget.push(WidgetEvent {
                kind: EventKind::ConversationCompleted,
                detail: conversation_json(&conversation),
            });
        }
        store::conversations::update(conn, &conversation)?;
        Ok(Applied {
            output: super::ChatOutput {
                conversation_id: conversation.id,
                reply,
                lead,
                events: widget,
                sources,
                streamed,
            },
            reindex,
        })
    }
}

/// The contact details the visitor gave, within the lead fields' limits.
fn with_contact(lead: &mut Lead, contact: &ContactState) {
    if let Some(name) = contact
        .name
        .as_deref()
        .filter(|n| (1..=MAX_NAME_CHARS).contains(&n.chars().count()))
    {
        name.clone_into(&mut lead.name);
    }
    if let Some(phone) = contact
        .phone
        .as_deref()
        .filter(|p| p.chars().count() <= MAX_PHONE_CHARS)
    {
        lead.phone = Some(phone.to_owned());
    }
    if let Some(company) = contact
        .company
        .as_deref()
        .filter(|c| c.chars().count() <= MAX_COMPANY_CHARS)
    {
        lead.company = Some(company.to_owned());
    }
}

/// A widget event about the conversation's lead.
fn lead_event(kind: EventKind, lead: &Lead, contact: &ContactState) -> WidgetEvent {
    WidgetEvent {
        kind,
        detail: visitor_view(lead, contact),
    }
}

/// What the visitor's browser may know of their lead: what the chat response's `lead` says
/// (id, status, score) and the contact details they gave in this conversation; never what
/// the team or an integration stored (metadata, notes, the score's reasons).
fn visitor_view(lead: &Lead, contact: &ContactState) -> Value {
    json!({
        "id": lead.id,
        "status": lead.status.as_str(),
        "qualificationScore": lead.qualification_score,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "company": contact.company,
    })
}

/// The slots the agent may offer: the tenant's availability less what is booked.
pub(super) fn free_slots(
    conn: &Connection,
    tenant: &TenantId,
    availability: &scheduling::Availability,
    now: Timestamp,
    limit: usize,
) -> Result<Vec<Slot>> {
    let booked = store::meetings::booked_starts(conn, tenant, now.as_millisecond())?;
    let booked: Vec<Timestamp> = booked.into_iter().map(crate::clock::from_millis).collect();
    Ok(scheduling::free_slots(availability, now, &booked, limit))
}

fn new_lead(tenant: &TenantId, email: &str, contact: &ContactState, now: Timestamp) -> Lead {
    let name = contact
        .name
        .clone()
        .filter(|n| (1..=MAX_NAME_CHARS).contains(&n.chars().count()))
        .unwrap_or_else(|| name_from_email(email));
    Lead {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        name,
        email: email.to_owned(),
        phone: contact
            .phone
            .clone()
            .filter(|p| p.chars().count() <= MAX_PHONE_CHARS),
        company: contact
            .company
            .clone()
            .filter(|c| c.chars().count() <= MAX_COMPANY_CHARS),
        status: LeadStatus::Qualifying,
        qualification_score: 0,
        qualification: None,
        metadata: serde_json::Map::new(),
        source: LeadSource::Widget,
        created_at: now,
        updated_at: now,
    }
}

/// "jane.smith@acme.com" → "Jane Smith": a lead needs a name before the visitor gives one.
fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let words: Vec<String> = local
        .split(['.', '_', '-', '+'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    if words.is_empty() {
        email.to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_email_addresses() {
        assert_eq!(name_from_email("jane.smith@acme.com"), "Jane Smith");
        assert_eq!(name_from_email("bob@x.io"), "Bob");
    }
}
