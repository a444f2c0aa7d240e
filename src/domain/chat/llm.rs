//! A chat turn answered by the language model: what it is told, the tools it acts through,
//! and storing its reply with what the turn cost.
//!
//! The tools are bound to the turn's conversation and its lead: each call runs the same
//! validation as the REST API, then commits its change with its events in one transaction,
//! so the model sees the real outcome (a slot just taken, a bad email) and can react.

use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::effects::{Applied, Change, free_slots};
use super::open::{History, Opened, Started};
use super::{ChatOutput, state_of};
use crate::agent::builtin::flow;
use crate::agent::llm::tools::{self, Book, LeadDetails, Qualify, Search, ToolRequest};
use crate::agent::llm::{self, Deltas, LlmAgent, Toolbox, prompt};
use crate::agent::{Asking, Outcome};
use crate::app::App;
use crate::domain::{knowledge, leads, qualification};
use crate::error::{Error, Result};
use crate::model::settings::TenantSettings;
use crate::model::{
    Conversation, Lead, LeadStatus, LlmOutcome, LlmTurn, Message, Qualification, Role, Source,
    TenantId,
};
use crate::scheduling::{self, Slot};
use crate::store;
use crate::store::Durable;

/// Passages a `search_knowledge_base` call returns.
const SEARCH_PASSAGES: i64 = 5;
/// A passage is cut to this many characters for the model.
const PASSAGE_CHARS: usize = 1500;

/// The model answers a started turn through its tools; its reply is stored with what the
/// turn cost.
pub(super) async fn answer(
    app: &App,
    agent: &LlmAgent,
    started: Started,
    deltas: Option<&Deltas>,
) -> Result<ChatOutput> {
    let Started {
        opened,
        now,
        knowledge,
        ..
    } = started;
    let Opened {
        conversation,
        settings,
        lead,
        history,
    } = opened;
    let tenant = conversation.tenant.clone();
    let History {
        messages: history,
        model_turns,
    } = history.ok_or_else(|| Error::internal("a model's turn began without its history"))?;
    if let Some(limit) = app.config.llm.max_turns_per_conversation
        && model_turns >= limit.get()
    {
        return hand_off(app, conversation, lead, &settings).await;
    }
    let availability = settings.scheduling_availability()?;
    let state = state_of(&conversation);
    let today = format!(
        "{} ({})",
        now.to_zoned_datetime(availability.timezone.clone())
            .strftime("%A %-d %B %Y, %H:%M"),
        availability.timezone.iana_name().unwrap_or("UTC")
    );
    let system = prompt::system(&prompt::Context {
        settings: &settings,
        state: &state,
        lead: lead.as_ref(),
        knowledge: &knowledge,
        today: &today,
    });
    let items = prompt::history(&history, prompt::HISTORY_TOKENS);
    let mut tools = Tools {
        app,
        settings,
        availability,
        turn: Change::new(conversation, state, lead),
        completes: false,
        unsettled: Vec::new(),
        reindex: false,
        sources: Vec::new(),
    };
    let output = agent.run(&system, items, &mut tools, deltas).await;
    let usage = LlmTurn {
        tenant,
        conversation_id: tools.turn.conversation.id.clone(),
        provider: agent.provider.as_str(),
        model: agent.model.clone(),
        tokens_in: output.tokens_in,
        tokens_out: output.tokens_out,
        requests: output.requests,
        outcome: output.outcome,
        created_at: app.clock.now(),
    };
    let reply = Message {
        role: Role::Assistant,
        content: output.text,
        created_at: usage.created_at,
        incomplete: output.outcome == LlmOutcome::Incomplete,
    };
    let Tools {
        completes,
        turn,
        reindex,
        unsettled,
        sources,
        ..
    } = tools;
    let mut stored = app
        .store
        .write(move |conn| store_reply(conn, turn, reply, completes, Some(&usage)))
        .await?
        .output;
    stored.sources = sources;
    // The tool calls' writes ran before the reply's, so they committed with it or before it
    // and its durability is theirs: waiting for them now only reports one whose commit failed.
    for durable in unsettled {
        durable.wait().await?;
    }
    if reindex {
        app.leads_index.notify();
    }
    match output.failure {
        Some(reason) => Err(llm::unavailable(agent.provider, &reason)),
        None => Ok(stored),
    }
}

/// The conversation reached `SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION`: the model is not
/// asked again; the visitor is told a person follows up, and the conversation completes.
async fn hand_off(
    app: &App,
    conversation: Conversation,
    lead: Option<Lead>,
    settings: &TenantSettings,
) -> Result<ChatOutput> {
    let follow_up = if lead.is_some() {
        "will follow up with you by email"
    } else {
        "is happy to help if you email us"
    };
    let reply = Message {
        role: Role::Assistant,
        content: format!(
            "Thanks for chatting! This conversation has reached its length limit, so someone from the {} team {follow_up}.",
            settings.company_name
        ),
        created_at: app.clock.now(),
        incomplete: false,
    };
    let turn = Change::new(conversation.clone(), state_of(&conversation), lead);
    let applied = app
        .store
        .write(move |conn| store_reply(conn, turn, reply, true, None))
        .await?;
    Ok(applied.output)
}

/// Stores the reply (as far as it arrived), the conversation's state, and what the model's
/// turn cost, in one transaction. Only a reply the model wrote was streamed as it came.
fn store_reply(
    conn: &Connection,
    turn: Change,
    reply: Message,
    completes: bool,
    usage: Option<&LlmTurn>,
) -> Result<Applied> {
    if let Some(usage) = usage {
        store::llm::record_turn(conn, usage)?;
    }
    turn.finish(conn, reply, completes, usage.is_some())
}

/// The tools, bound to one conversation (and through it, one lead).
struct Tools<'a> {
    app: &'a App,
    settings: TenantSettings,
    availability: scheduling::Availability,
    turn: Change,
    /// The conversation reached its outcome (booked, disqualified, nurturing) this turn.
    completes: bool,
    /// Commits of tool calls' writes still under way: the model goes on meanwhile.
    unsettled: Vec<Durable>,
    /// A tool call changed what the lead's search index holds.
    reindex: bool,
    /// The documents `search_knowledge_base` returned this turn, first seen first.
    sources: Vec<Source>,
}

impl Toolbox for Tools<'_> {
    async fn call(&mut self, name: &str, arguments: &str) -> std::result::Result<Value, String> {
        let request = tools::parse(name, arguments)?;
        let result = match request {
            ToolRequest::SearchKnowledgeBase(search) => self.search(search).await,
            ToolRequest::UpdateLead(details) => self.update_lead(details).await,
            ToolRequest::QualifyLead(qualify) => self.qualify(qualify).await,
            ToolRequest::ListMeetingSlots => self.list_slots().await,
            ToolRequest::BookMeeting(book) => self.book(book).await,
        };
        result.map_err(|err| for_the_model(&err))
    }
}

impl Tools<'_> {
    fn tenant(&self) -> &TenantId {
        &self.turn.conversation.tenant
    }

    async fn search(&mut self, search: Search) -> Result<Value> {
        let hits = knowledge::search(
            self.app,
            self.tenant(),
            &search.query,
            Some(SEARCH_PASSAGES),
        )
        .await
        .map_err(|err| match err {
            Error::Invalid { reason, .. } => Error::invalid("query", reason),
            other => other,
        })?;
        for hit in &hits {
            if !self
                .sources
                .iter()
                .any(|s| s.document_id == hit.document_id)
            {
                self.sources.push(Source {
                    document_id: hit.document_id.clone(),
                    title: hit.title.clone(),
                });
            }
        }
        let passages: Vec<Value> = hits
            .iter()
            .map(|hit| {
                let text = hit.answer.as_deref().unwrap_or(&hit.text).trim();
                json!({
                    "document": hit.title,
                    "heading": hit.heading,
                    "text": text.chars().take(PASSAGE_CHARS).collect::<String>(),
                })
            })
            .collect();
        Ok(json!({ "passages": passages }))
    }

    async fn update_lead(&mut self, details: LeadDetails) -> Result<Value> {
        let contact = &mut self.turn.state.contact;
        let given = [
            &details.name,
            &details.email,
            &details.phone,
            &details.company,
        ];
        if given.iter().all(|v| v.is_none()) {
            return Err(Error::invalid(
                "arguments",
                "give at least one of name, email, phone, company",
            ));
        }
        let name = details.name.as_deref().map(leads::valid_name).transpose()?;
        let email = details
            .email
            .as_deref()
            .map(leads::valid_email)
            .transpose()?;
        let phone = leads::optional_text("phone", details.phone, 50)?;
        let company = leads::optional_text("company", details.company, 200)?;
        for (slot, value) in [
            (&mut contact.name, name),
            (&mut contact.email, email),
            (&mut contact.phone, phone),
            (&mut contact.company, company),
        ] {
            if value.is_some() {
                *slot = value;
            }
        }
        self.commit(|conn, change, now| {
            change.save_contact(conn, now)?;
            change.start_qualifying(conn, now)
        })
        .await?;
        let c = &self.turn.state.contact;
        Ok(json!({
            "saved": {"name": c.name, "email": c.email, "phone": c.phone, "company": c.company},
            "lead": self.turn.lead.as_ref().map_or_else(
                || json!("not created yet: it is created once an email is saved"),
                |l| json!({"status": l.status.as_str()}),
            ),
        }))
    }

    async fn qualify(&mut self, q: Qualify) -> Result<Value> {
        self.require_lead()?;
        let score = u8::try_from(q.score)
            .ok()
            .filter(|s| *s <= 100)
            .ok_or_else(|| Error::invalid("score", "must be an integer from 0 to 100"))?;
        if q.reasons.len() > 20 {
            return Err(Error::invalid("reasons", "must have at most 20 entries"));
        }
        let reasons = q
            .reasons
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let r = r.trim();
                if r.is_empty() || r.chars().count() > 200 {
                    Err(Error::invalid(
                        format!("reasons[{i}]"),
                        "must be 1-200 characters",
                    ))
                } else {
                    Ok(r.to_owned())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let status = LeadStatus::parse("status", q.status.trim())?;
        let scoring = &self.settings.scoring;
        let implied = qualification::status(scoring, score);
        if status != implied {
            return Err(Error::invalid(
                "status",
                format!(
                    "a score of {score} makes the lead {} here (qualified at {}, disqualified below {})",
                    implied.as_str(),
                    scoring.qualified_at,
                    scoring.disqualified_below
                ),
            ));
        }
        self.commit(move |conn, change, now| {
            let lead = change.lead.as_ref().ok_or(Error::NotFound("lead"))?;
            if lead.status == LeadStatus::Booked {
                return Err(Error::Conflict {
                    message: "the lead has booked a meeting; its qualification is settled".into(),
                    existing: None,
                });
            }
            let qualification = Qualification { score, reasons };
            change.qualify(conn, qualification, status, now)?;
            change.state.outcome = match status {
                LeadStatus::Disqualified => Some(Outcome::Disqualified),
                LeadStatus::Nurturing => Some(Outcome::Nurturing),
                _ => change.state.outcome,
            };
            Ok(())
        })
        .await?;
        if matches!(status, LeadStatus::Disqualified | LeadStatus::Nurturing) {
            self.completes = true;
        }
        Ok(json!({"status": status.as_str(), "score": score}))
    }

    async fn list_slots(&mut self) -> Result<Value> {
        self.settle().await?;
        let now = self.app.clock.now();
        let (tenant, availability) = (self.tenant().clone(), self.availability.clone());
        let slots = self
            .app
            .store
            .read(move |conn| free_slots(conn, &tenant, &availability, now, flow::SLOTS_OFFERED))
            .await?;
        self.turn.state.offered = slots
            .iter()
            .map(|s| (s.starts_at.as_millisecond(), s.ends_at.as_millisecond()))
            .collect();
        self.turn.state.asking = (!slots.is_empty()).then_some(Asking::Meeting);
        let listed: Vec<Value> = slots.iter().map(|s| self.describe(s)).collect();
        Ok(json!({ "slots": listed }))
    }

    async fn book(&mut self, book: Book) -> Result<Value> {
        self.require_lead()?;
        if self.turn.state.outcome == Some(Outcome::Booked) {
            return Err(Error::Conflict {
                message: "a meeting is already booked in this conversation".into(),
                existing: None,
            });
        }
        let starts_at: Timestamp =
            book.starts_at.trim().parse().map_err(|_| {
                Error::invalid("starts_at", "must be a time like 2026-12-01T10:00:00Z")
            })?;
        let slot = self.free_slot_at(starts_at).await?.ok_or_else(|| {
            Error::invalid(
                "starts_at",
                "is not a free slot: call list_meeting_slots and use one of its starts_at values",
            )
        })?;
        self.commit(move |conn, change, now| {
            change.book(conn, slot, now)?;
            change.state.outcome = Some(Outcome::Booked);
            change.state.asking = None;
            Ok(())
        })
        .await?;
        self.completes = true;
        Ok(json!({ "booked": self.describe(&slot) }))
    }

    fn describe(&self, slot: &Slot) -> Value {
        json!({
            "starts_at": crate::clock::format(slot.starts_at),
            "ends_at": crate::clock::format(slot.ends_at),
            "label": scheduling::describe(
                slot,
                &self.availability.timezone,
                &scheduling::label_of(&self.availability.timezone),
            ),
        })
    }

    /// The free slot starting at `starts_at`, among every slot within the booking horizon.
    async fn free_slot_at(&mut self, starts_at: Timestamp) -> Result<Option<Slot>> {
        self.settle().await?;
        let tenant = self.tenant().clone();
        let now = self.app.clock.now();
        let booked = self
            .app
            .store
            .read(move |conn| store::meetings::booked_starts(conn, &tenant, now.as_millisecond()))
            .await?;
        let booked: Vec<Timestamp> = booked.into_iter().map(crate::clock::from_millis).collect();
        Ok(
            scheduling::free_slots(&self.availability, now, &booked, usize::MAX)
                .into_iter()
                .find(|s| s.starts_at == starts_at),
        )
    }

    fn require_lead(&self) -> Result<()> {
        if self.turn.lead.is_none() {
            return Err(Error::invalid(
                "email",
                "the visitor's email is not saved yet: ask for it and call update_lead first",
            ));
        }
        Ok(())
    }

    /// Waits until the tool calls' writes are durable: before reading what they wrote from
    /// the pool (whose readers see only commits). They linger for the turn's next write,
    /// and none comes before this read, so their transaction is committed now.
    async fn settle(&mut self) -> Result<()> {
        if self.unsettled.is_empty() {
            return Ok(());
        }
        self.app.store.flush().await?;
        for durable in self.unsettled.drain(..) {
            durable.wait().await?;
        }
        Ok(())
    }

    /// Runs `change` on the turn's state in one transaction with the conversation's update
    /// and, when the lead's searchable fields changed, its search-index change. Returns once
    /// it has run, so the model reads the outcome at once; the commit waits for the turn's
    /// next write (the reply, when the model answers within [`crate::store::LINGER`]).
    async fn commit(
        &mut self,
        change: impl FnOnce(&Connection, &mut Change, Timestamp) -> Result<()> + Send + 'static,
    ) -> Result<()> {
        let now = self.app.clock.now();
        let mut turn = Change::new(
            self.turn.conversation.clone(),
            self.turn.state.clone(),
            self.turn.lead.clone(),
        );
        let (turn, durable) = self
            .app
            .store
            .write_lingering(move |conn| {
                change(conn, &mut turn, now)?;
                let c = &mut turn.conversation;
                c.lead_id = turn.lead.as_ref().map(|l| l.id.clone());
                c.state = serde_json::to_value(&turn.state)?;
                c.updated_at = now;
                store::conversations::update(conn, c)?;
                Ok(turn)
            })
            .await?;
        self.unsettled.push(durable);
        self.reindex |= turn.reindex;
        self.turn.conversation = turn.conversation;
        self.turn.state = turn.state;
        self.turn.lead = turn.lead;
        self.turn.widget.extend(turn.widget);
        Ok(())
    }
}

/// A failed tool call as the model reads it: what to fix, never internals.
fn for_the_model(err: &Error) -> String {
    match err {
        Error::Internal(detail) => {
            tracing::error!(%detail, "a tool call failed");
            "internal error: the tool could not run".to_owned()
        }
        other => other.to_string(),
    }
}
