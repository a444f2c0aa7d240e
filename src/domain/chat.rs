//! A chat turn: the visitor's message is stored first (a failing agent never loses it), the
//! agent answers, and what it learned is applied — lead created or updated, qualification
//! scored, meeting booked, conversation completed — with each change's events, in one
//! transaction with the agent's reply.

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::events;
use super::model::{
    ChunkHit, Conversation, ConversationStatus, Lead, LeadSource, LeadStatus, Meeting,
    MeetingStatus, Message, Role, TenantId,
};
use super::settings::{self, TenantSettings};
use crate::agent::builtin::flow::{self, Reply, Turn};
use crate::agent::llm::Deltas;
use crate::agent::{Agent, AgentState, ContactState};
use crate::app::App;
use crate::error::{Error, Result};
use crate::scheduling::{self, Slot};
use crate::search;
use crate::store;
use crate::store::Durable;
use crate::store::search_changes::Kind;

pub const MAX_MESSAGE_CHARS: usize = 4000;

use super::leads::{MAX_COMPANY_CHARS, MAX_NAME_CHARS, MAX_PHONE_CHARS};

pub struct ChatInput {
    pub tenant_id: String,
    pub visitor_id: String,
    pub conversation_id: Option<String>,
    pub message: String,
}

/// Something the widget should tell the host page about (`synaptiq:<kind>` events).
#[derive(Debug, Clone)]
pub struct WidgetEvent {
    pub kind: &'static str,
    pub detail: Value,
}

pub struct ChatOutput {
    pub conversation_id: String,
    pub reply: Message,
    pub lead: Option<Lead>,
    pub events: Vec<WidgetEvent>,
    /// The reply's text already went out as deltas while it was produced.
    pub streamed: bool,
}

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

pub async fn turn(app: &App, input: ChatInput) -> Result<ChatOutput> {
    if matches!(app.agent, Agent::Builtin) {
        return builtin_turn(app, input).await;
    }
    // Nothing reaches the visitor before the reply, so the message may share its commit.
    let lingers = matches!(app.agent, Agent::Llm(_));
    let started = begin_turn(app, input, lingers).await?;
    finish(app, started, None).await
}

/// The built-in agent answers at once, so its whole turn is one write: the visitor's
/// message, then the agent's decisions and reply in a savepoint of their own, which a
/// failure rolls back alone (the message still commits). One commit to wait for instead of
/// two one after the other: under the mixed load the second queued behind the first's.
async fn builtin_turn(app: &App, input: ChatInput) -> Result<ChatOutput> {
    let Valid {
        tenant,
        visitor,
        message,
        conversation_id,
    } = Valid::check(input)?;
    let now = app.clock.now();
    let knowledge = knowledge_if_asked(app, &tenant, &message).await;
    let applied = app
        .store
        .write(move |conn| {
            let opened = open(
                conn,
                &tenant,
                &visitor,
                conversation_id.as_deref(),
                &message,
                now,
            )?;
            store::apart(conn, |conn| answer(conn, opened, &message, &knowledge, now))
        })
        .await??;
    Ok(reindexed(app, applied))
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

/// Validates the input and writes the visitor's message (creating the conversation if
/// needed), so whatever happens to the agent afterwards, the message is kept; the knowledge
/// base is searched meanwhile (0.1-0.5 ms, well within the commit's time). Answers once
/// both are done; the commit completes while the agent works (the stream's `start` waits
/// for it), and [`finish`] answers only after it is durable.
pub async fn begin(app: &App, input: ChatInput) -> Result<Started> {
    begin_turn(app, input, false).await
}

/// [`begin`], with the message's commit left to wait for the turn's next write when
/// `lingers` (see [`crate::store::Store::write_lingering`]).
async fn begin_turn(app: &App, input: ChatInput, lingers: bool) -> Result<Started> {
    let Valid {
        tenant,
        visitor,
        message,
        conversation_id,
    } = Valid::check(input)?;
    let now = app.clock.now();
    let text = message.clone();
    let with_history = matches!(app.agent, Agent::Llm(_));
    let searched = tenant.clone();
    let write = move |conn: &Connection| {
        let mut opened = open(
            conn,
            &tenant,
            &visitor,
            conversation_id.as_deref(),
            &text,
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
        if lingers {
            app.store.write_lingering(write).await
        } else {
            app.store.write_pipelined(write).await
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

/// Lets the agent answer a started turn. A model streams its reply's text to `deltas` as
/// it arrives; the built-in agent answers at once.
/// Whatever the outcome, it is told only once the visitor's message is durable.
pub async fn finish(app: &App, started: Started, deltas: Option<&Deltas>) -> Result<ChatOutput> {
    let stored = started.stored();
    let answered = match &app.agent {
        Agent::Builtin => finish_builtin(app, started).await,
        Agent::NotConfigured(missing) => Err(Error::Unavailable(missing.clone())),
        Agent::Llm(model) => super::assistant::finish(app, &model.agent, started, deltas).await,
    };
    stored.wait().await?;
    answered
}

/// The built-in agent answers and what it decided is applied, with its reply.
async fn finish_builtin(app: &App, started: Started) -> Result<ChatOutput> {
    let Started {
        opened,
        message,
        now,
        knowledge,
        ..
    } = started;
    let applied = app
        .store
        .write(move |conn| answer(conn, opened, &message, &knowledge, now))
        .await?;
    Ok(reindexed(app, applied))
}

/// The built-in agent's answer to `message`, applied with its reply.
fn answer(
    conn: &Connection,
    opened: Opened,
    message: &str,
    knowledge: &[ChunkHit],
    now: Timestamp,
) -> Result<Applied> {
    let availability = opened.settings.scheduling_availability()?;
    let slots = free_slots(conn, &opened.conversation.tenant, &availability, now)?;
    let reply = flow::respond(&Turn {
        settings: &opened.settings,
        state: state_of(&opened.conversation),
        message,
        knowledge,
        slots: &slots,
        timezone: &availability.timezone,
    });
    apply(conn, opened, reply, &availability, now)
}

/// Tells the lead indexer about a lead the turn changed; the turn's output.
fn reindexed(app: &App, applied: Applied) -> ChatOutput {
    if applied.reindex {
        app.leads_index.notify();
    }
    applied.output
}

/// The visible history of a visitor's conversation (widget restore after a reload).
pub async fn history(
    app: &App,
    conversation_id: &str,
    visitor_id: &str,
) -> Result<(Conversation, Vec<Message>)> {
    let id = valid_uuid("conversationId", conversation_id)?;
    let visitor = valid_visitor(visitor_id)?;
    app.store
        .read(move |conn| {
            let conversation = store::conversations::get_for_visitor(conn, &id, &visitor)?
                .ok_or(Error::NotFound("conversation"))?;
            let messages = store::conversations::messages(conn, &id)?;
            Ok((conversation, messages))
        })
        .await
}

/// A chat request's fields, validated.
struct Valid {
    tenant: TenantId,
    visitor: String,
    message: String,
    conversation_id: Option<String>,
}

impl Valid {
    fn check(input: ChatInput) -> Result<Self> {
        Ok(Self {
            tenant: TenantId::parse("tenantId", input.tenant_id.trim())?,
            visitor: valid_visitor(&input.visitor_id)?,
            message: valid_message(&input.message)?,
            conversation_id: input
                .conversation_id
                .map(|id| valid_uuid("conversationId", &id))
                .transpose()?,
        })
    }
}

fn valid_visitor(raw: &str) -> Result<String> {
    let visitor = raw.trim();
    if visitor.is_empty() || visitor.chars().count() > 128 {
        return Err(Error::invalid("visitorId", "must be 1-128 characters"));
    }
    Ok(visitor.to_owned())
}

fn valid_message(raw: &str) -> Result<String> {
    let message = raw.trim();
    let chars = message.chars().count();
    if chars == 0 || chars > MAX_MESSAGE_CHARS {
        return Err(Error::invalid(
            "message",
            format!("must be 1-{MAX_MESSAGE_CHARS} characters"),
        ));
    }
    Ok(message.to_owned())
}

fn valid_uuid(field: &'static str, raw: &str) -> Result<String> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.to_string())
        .map_err(|_| Error::invalid(field, "must be a UUID"))
}

pub(super) fn state_of(conversation: &Conversation) -> AgentState {
    serde_json::from_value(conversation.state.clone()).unwrap_or_default()
}

/// Stores the visitor's message, creating the conversation (with the greeting) if needed.
fn open(
    conn: &Connection,
    tenant: &TenantId,
    visitor: &str,
    id: Option<&str>,
    message: &str,
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
        "conversation.started",
        &conversation_json(&conversation),
        now,
    )?;
    Ok(conversation)
}

/// What the knowledge base says about `message`, if the built-in agent would consult it.
async fn knowledge_if_asked(app: &App, tenant: &TenantId, message: &str) -> Vec<ChunkHit> {
    if flow::consults_knowledge(message) {
        knowledge_for(app, tenant, message).await
    } else {
        Vec::new()
    }
}

async fn knowledge_for(app: &App, tenant: &TenantId, message: &str) -> Vec<ChunkHit> {
    // A failed search only means the agent answers without the knowledge base.
    super::knowledge::search(app, tenant, message, Some(3))
        .await
        .unwrap_or_default()
}

/// The slots the agent may offer: the tenant's availability less what is booked.
pub(super) fn free_slots(
    conn: &Connection,
    tenant: &TenantId,
    availability: &scheduling::Availability,
    now: Timestamp,
) -> Result<Vec<Slot>> {
    let booked = store::meetings::booked_starts(conn, tenant, now.as_millisecond())?;
    let booked: Vec<Timestamp> = booked.into_iter().map(crate::clock::from_millis).collect();
    Ok(scheduling::free_slots(
        availability,
        now,
        &booked,
        flow::SLOTS_OFFERED,
    ))
}

struct Applied {
    output: ChatOutput,
    /// The lead changed in what its search index holds.
    reindex: bool,
}

/// Applies the agent's decisions and stores its reply, all in one transaction.
fn apply(
    conn: &Connection,
    opened: Opened,
    mut reply: Reply,
    availability: &scheduling::Availability,
    now: Timestamp,
) -> Result<Applied> {
    let Opened {
        mut conversation,
        settings,
        lead,
        ..
    } = opened;
    let tenant = conversation.tenant.clone();
    let lead_before = lead.clone();
    let mut widget = Vec::new();
    let mut lead = upsert_lead(conn, &tenant, lead, &reply.state.contact, now, &mut widget)?;
    if let (Some(l), Some((qualification, status))) = (lead.as_mut(), reply.qualification.take()) {
        let was = l.status;
        l.qualification_score = qualification.score;
        l.qualification = Some(qualification);
        l.status = status;
        save_lead(conn, l, now)?;
        if status == LeadStatus::Qualified && was != LeadStatus::Qualified {
            events::record(conn, &tenant, "lead.qualified", l, now)?;
            widget.push(lead_event("lead.qualified", l, &reply.state.contact));
        }
    } else if let Some(l) = lead.as_mut().filter(|l| l.status == LeadStatus::New) {
        l.status = LeadStatus::Qualifying;
        save_lead(conn, l, now)?;
    }
    if let (Some(slot), Some(l)) = (reply.book, lead.as_mut()) {
        match book(conn, &tenant, l, &conversation.id, slot, now) {
            Ok(meeting) => {
                let detail = json!({ "meeting": meeting, "lead": l });
                events::record(conn, &tenant, "meeting.booked", &detail, now)?;
                widget.push(WidgetEvent {
                    kind: "meeting.booked",
                    detail: json!({
                        "meeting": meeting,
                        "lead": visitor_view(l, &reply.state.contact),
                    }),
                });
            }
            Err(Error::Conflict { .. }) => {
                let slots = free_slots(conn, &tenant, availability, now)?;
                let turn = Turn {
                    settings: &settings,
                    state: reply.state.clone(),
                    message: "",
                    knowledge: &[],
                    slots: &slots,
                    timezone: &availability.timezone,
                };
                reply.text = flow::slot_taken(&turn, &mut reply.state);
                reply.complete = false;
            }
            Err(other) => return Err(other),
        }
    }
    conversation.lead_id = lead.as_ref().map(|l| l.id.clone());
    conversation.state = serde_json::to_value(&reply.state)?;
    let message = Message {
        role: Role::Assistant,
        content: reply.text,
        created_at: now,
        incomplete: false,
    };
    store::conversations::add_message(conn, &conversation.id, &message)?;
    conversation.message_count += 1;
    conversation.updated_at = now;
    if reply.complete {
        complete(conn, &mut conversation, lead.as_ref(), now)?;
        widget.push(WidgetEvent {
            kind: "conversation.completed",
            detail: conversation_json(&conversation),
        });
    }
    store::conversations::update(conn, &conversation)?;
    let reindex = match (&lead, &lead_before) {
        (Some(after), Some(before)) => search::leads::indexed_differently(before, after),
        (after, _) => after.is_some(),
    };
    if let Some(l) = lead.as_ref().filter(|_| reindex) {
        store::search_changes::record(conn, Kind::Lead, &tenant, &l.id)?;
    }
    Ok(Applied {
        output: ChatOutput {
            conversation_id: conversation.id,
            reply: message,
            lead,
            events: widget,
            streamed: false,
        },
        reindex,
    })
}

/// Creates the conversation's own lead once an email is known, and keeps its contact fields
/// current. A conversation writes no other lead: an email another lead holds gives the
/// conversation a lead of its own, linked to that one for the team, which is neither changed
/// nor revealed to the visitor.
pub(super) fn upsert_lead(
    conn: &Connection,
    tenant: &TenantId,
    lead: Option<Lead>,
    contact: &ContactState,
    now: Timestamp,
    widget: &mut Vec<WidgetEvent>,
) -> Result<Option<Lead>> {
    let Some(email) = contact
        .email
        .as_deref()
        .and_then(|e| super::leads::valid_email(e).ok())
    else {
        return Ok(lead);
    };
    let Some(mut lead) = lead else {
        let lead = create_own_lead(conn, tenant, &email, contact, now)?;
        widget.push(lead_event("lead.created", &lead, contact));
        return Ok(Some(lead));
    };
    let before = lead.clone();
    let mut holder = None;
    if store::leads::email_key(&lead.email) != store::leads::email_key(&email) {
        holder = store::leads::find_by_email(conn, tenant, &email)?;
        lead.email = email;
    }
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
    if lead == before {
        return Ok(Some(lead));
    }
    lead.updated_at = now;
    match holder {
        Some(holder) => {
            store::leads::update_claiming(conn, &lead)?;
            store::lead_matches::link(conn, tenant, &lead.id, &holder, now.as_millisecond())?;
        }
        None => store::leads::update(conn, &lead)?,
    }
    events::record(conn, tenant, "lead.updated", &lead, now)?;
    Ok(Some(lead))
}

/// Inserts the conversation's lead; an address another lead holds is taken as a claim on it.
fn create_own_lead(
    conn: &Connection,
    tenant: &TenantId,
    email: &str,
    contact: &ContactState,
    now: Timestamp,
) -> Result<Lead> {
    let lead = new_lead(tenant, email, contact, now);
    match store::leads::find_by_email(conn, tenant, email)? {
        Some(holder) => {
            store::leads::insert_claiming(conn, &lead)?;
            store::lead_matches::link(conn, tenant, &lead.id, &holder, now.as_millisecond())?;
        }
        None => store::leads::insert(conn, &lead)?,
    }
    events::record(conn, tenant, "lead.created", &lead, now)?;
    Ok(lead)
}

/// A widget event about the conversation's lead.
pub(super) fn lead_event(kind: &'static str, lead: &Lead, contact: &ContactState) -> WidgetEvent {
    WidgetEvent {
        kind,
        detail: visitor_view(lead, contact),
    }
}

/// What the visitor's browser may know of their lead: what the chat response's `lead` says
/// (id, status, score) and the contact details they gave in this conversation; never what
/// the team or an integration stored (metadata, notes, the score's reasons).
pub(super) fn visitor_view(lead: &Lead, contact: &ContactState) -> Value {
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

/// Writes a changed lead with its `lead.updated` event.
pub(super) fn save_lead(conn: &Connection, lead: &mut Lead, now: Timestamp) -> Result<()> {
    lead.updated_at = now;
    store::leads::update(conn, lead)?;
    events::record(conn, &lead.tenant, "lead.updated", &*lead, now)
}

pub(super) fn book(
    conn: &Connection,
    tenant: &TenantId,
    lead: &mut Lead,
    conversation_id: &str,
    slot: Slot,
    now: Timestamp,
) -> Result<Meeting> {
    let meeting = Meeting {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        lead_id: lead.id.clone(),
        conversation_id: Some(conversation_id.to_owned()),
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        status: MeetingStatus::Booked,
        created_at: now,
    };
    store::meetings::insert(conn, &meeting)?;
    lead.status = LeadStatus::Booked;
    save_lead(conn, lead, now)?;
    Ok(meeting)
}

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
    let state = state_of(conversation);
    conversation.status = ConversationStatus::Completed;
    conversation.summary = Some(summary(&state, lead));
    conversation.updated_at = now;
    events::record(
        conn,
        &conversation.tenant,
        "conversation.completed",
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
        "createdAt": crate::clock::format(c.created_at),
        "updatedAt": crate::clock::format(c.updated_at),
    })
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
