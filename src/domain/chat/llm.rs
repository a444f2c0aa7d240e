//! A chat turn answered by the language model: what it is told, the tools it acts through,
//! and storing its reply with what the turn cost.
//!
//! The tools are bound to the turn's conversation and its lead: each call runs the same
//! validation as the REST API, then commits its change with its events in one transaction,
//! so the model sees the real outcome (a slot just taken, a bad email) and can react.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::effects::{Applied, Change, free_slots};
use super::open::{History, Opened, Started};
use super::{ChatOutput, state_of};
use crate::agent::builtin::flow;
use crate::agent::llm::tools::{
    self, Book, Handoff, LeadDetails, Propose, Qualify, RouteTo, Search, ToolRequest, VisitorKind,
};
use crate::agent::llm::{self, Deltas, LlmAgent, Toolbox, prompt};
use crate::agent::{AgentState, Asking, MeetingRef, Outcome, Route};
use crate::app::App;
use crate::domain::{knowledge, leads, meetings, qualification};
use crate::error::{Error, Result};
use crate::model::context::HandoffReason;
use crate::model::settings::TenantSettings;
use crate::model::{
    Conversation, EventKind, Lead, LeadStatus, LlmOutcome, LlmTurn, Message, Qualification, Role,
    Source, TenantId,
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
    let today = local_time(now, &availability.timezone, &settings.availability.timezone);
    let (zone, zone_name) = visitor_zone(
        &state,
        &conversation,
        &availability.timezone,
        &settings.availability.timezone,
    );
    let visitor_time = local_time(now, &zone, &zone_name);
    let system = prompt::system(&prompt::Context {
        settings: &settings,
        state: &state,
        lead: lead.as_ref(),
        knowledge: &knowledge,
        today: &today,
        visitor_time: &visitor_time,
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

/// `now` in `zone`, e.g. `Tuesday 1 December 2026, 09:30 (Chicago time, America/Chicago)`.
fn local_time(now: Timestamp, zone: &TimeZone, iana: &str) -> String {
    format!(
        "{} ({}, {iana})",
        zone.to_datetime(now).strftime("%A %-d %B %Y, %H:%M"),
        scheduling::label(iana)
    )
}

/// The visitor's zone and its IANA name: one they named, else their browser's (the
/// widget's `context.timezone`), else the tenant's.
fn visitor_zone(
    state: &AgentState,
    conversation: &Conversation,
    tenant_zone: &TimeZone,
    tenant_zone_name: &str,
) -> (TimeZone, String) {
    state
        .zone
        .as_deref()
        .or(conversation.context.timezone.as_deref())
        .and_then(|iana| TimeZone::get(iana).ok().map(|tz| (tz, iana.to_owned())))
        .unwrap_or_else(|| (tenant_zone.clone(), tenant_zone_name.to_owned()))
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
            ToolRequest::ProposeTimes(propose) => self.propose(propose).await,
            ToolRequest::BookMeeting(book) => self.book(book).await,
            ToolRequest::RescheduleMeeting(to) => self.reschedule(to).await,
            ToolRequest::CancelMeeting => self.cancel().await,
            ToolRequest::RequestHuman(handoff) => self.request_human(handoff).await,
            ToolRequest::RouteVisitor(to) => Ok(self.route(to)),
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

    /// Up to three free slots: those matching the visitor's words, else spread over days.
    async fn propose(&mut self, propose: Propose) -> Result<Value> {
        if let Some(given) = propose.timezone.as_deref() {
            self.remember_zone(given)?;
        }
        let when = propose
            .when
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty());
        if let Some(named) = when.and_then(scheduling::named_zone) {
            self.turn.state.zone = Some(named.iana);
        }
        let (zone, _) = self.visitor_zone();
        let free = self.free().await?;
        let now = self.app.clock.now();
        let n = flow::SLOTS_OFFERED;
        let (slots, note) = match when.map(|w| scheduling::read_proposal(w, now, &zone)) {
            None => (scheduling::spread(&free, n, &zone), None),
            Some(None) => (
                scheduling::spread(&free, n, &zone),
                Some("no day or time could be read from `when`: these are the next free times"),
            ),
            Some(Some(wanted)) => {
                let matching = scheduling::matching(&wanted, &free);
                match matching.as_slice() {
                    [] => (
                        scheduling::nearest(&wanted, &free, n, &zone),
                        Some("nothing is free at the time asked: these are the nearest free times"),
                    ),
                    [first, ..] if wanted.exact.is_some() => (vec![*first], None),
                    _ => (scheduling::spread(&matching, n, &zone), None),
                }
            }
        };
        self.turn.state.offered = slots
            .iter()
            .map(|s| (s.starts_at.as_millisecond(), s.ends_at.as_millisecond()))
            .collect();
        self.turn.state.asking = (!slots.is_empty()).then_some(Asking::Meeting);
        let listed: Vec<Value> = slots.iter().map(|s| self.describe(s)).collect();
        let mut result = json!({ "timezone": self.visitor_zone().1, "slots": listed });
        if let Some(note) = note {
            result["note"] = note.into();
        }
        Ok(result)
    }

    /// Remembers a zone the visitor named, as an IANA name or a place ("Chicago", "CET").
    fn remember_zone(&mut self, given: &str) -> Result<()> {
        let given = given.trim();
        let iana = TimeZone::get(given)
            .ok()
            .and_then(|tz| tz.iana_name().map(str::to_owned))
            .or_else(|| scheduling::named_zone(given).map(|z| z.iana))
            .ok_or_else(|| {
                Error::invalid(
                    "timezone",
                    "is not a time zone or place I know: use an IANA name like America/Chicago",
                )
            })?;
        self.turn.state.zone = Some(iana);
        Ok(())
    }

    /// The visitor's zone and how it is named to them ("Chicago time").
    fn visitor_zone(&self) -> (TimeZone, String) {
        let (zone, iana) = visitor_zone(
            &self.turn.state,
            &self.turn.conversation,
            &self.availability.timezone,
            &self.settings.availability.timezone,
        );
        (zone, scheduling::label(&iana))
    }

    async fn book(&mut self, book: Book) -> Result<Value> {
        self.require_lead()?;
        if self.turn.state.meeting.is_some() || self.turn.state.outcome == Some(Outcome::Booked) {
            return Err(Error::Conflict {
                message: "a meeting is already booked in this conversation: use reschedule_meeting to move it".into(),
                existing: None,
            });
        }
        let starts_at = start_of(&book.starts_at)?;
        let slot = self.free_slot_at(starts_at).await?.ok_or_else(|| {
            Error::invalid(
                "starts_at",
                "is not a free slot: call propose_times and use one of its starts_at values",
            )
        })?;
        self.commit(move |conn, change, now| {
            let meeting = change.book(conn, slot, now)?;
            change.state.meeting = Some(MeetingRef {
                id: meeting.id,
                starts_at: slot.starts_at.as_millisecond(),
                ends_at: slot.ends_at.as_millisecond(),
            });
            change.state.outcome = Some(Outcome::Booked);
            change.state.asking = None;
            change.state.offered.clear();
            Ok(())
        })
        .await?;
        self.completes = true;
        Ok(json!({ "booked": self.describe(&slot) }))
    }

    /// Moves the conversation's meeting to another free slot, with `meeting.rescheduled`.
    async fn reschedule(&mut self, to: Book) -> Result<Value> {
        let booked = self.booked()?;
        let starts_at = start_of(&to.starts_at)?;
        let availability = self.availability.clone();
        self.commit(move |conn, change, now| {
            let tenant = change.conversation.tenant.clone();
            let changed =
                meetings::reschedule_in(conn, &tenant, &booked.id, starts_at, &availability, now)
                    .map_err(|err| match err {
                    Error::Invalid { reason, .. } => Error::invalid(
                        "starts_at",
                        format!("{reason}: call propose_times and use one of its starts_at values"),
                    ),
                    other => other,
                })?;
            change.state.meeting = Some(MeetingRef {
                id: booked.id,
                starts_at: changed.meeting.starts_at.as_millisecond(),
                ends_at: changed.meeting.ends_at.as_millisecond(),
            });
            change.state.asking = None;
            change.state.offered.clear();
            if changed.previous_starts_at.is_some() {
                change.meeting_changed(EventKind::MeetingRescheduled, changed);
            }
            Ok(())
        })
        .await?;
        let moved = self.booked_slot().ok_or(Error::NotFound("meeting"))?;
        Ok(json!({ "rescheduled": self.describe(&moved) }))
    }

    /// Cancels the conversation's meeting, with `meeting.cancelled`; the lead goes back to
    /// `qualified` when it has no other meeting.
    async fn cancel(&mut self) -> Result<Value> {
        let booked = self.booked()?;
        let was = self.booked_slot().map(|s| self.describe(&s));
        self.commit(move |conn, change, now| {
            let tenant = change.conversation.tenant.clone();
            let changed = meetings::cancel_in(conn, &tenant, &booked.id, now)?;
            change.meeting_changed(EventKind::MeetingCancelled, changed);
            let state = &mut change.state;
            state.meeting = None;
            state.outcome = None;
            state.asking = None;
            state.offered.clear();
            Ok(())
        })
        .await?;
        self.completes = false;
        Ok(json!({ "cancelled": was }))
    }

    /// Tells the team the visitor wants a person (`conversation.handoff_requested`).
    async fn request_human(&mut self, handoff: Handoff) -> Result<Value> {
        leads::optional_text("reason", handoff.reason, 500)?;
        self.commit(|conn, change, now| {
            change.request_handoff(conn, HandoffReason::VisitorAsked, now)
        })
        .await?;
        let email = self.turn.state.contact.email.clone();
        let next = if email.is_some() {
            "Nobody from the team is live in this chat: tell the visitor the team will get back to them by email, and offer a call."
        } else {
            "Nobody from the team is live in this chat: tell the visitor the team will get back to them, and ask for their email (or offer a call)."
        };
        Ok(json!({ "handoff": "requested", "email": email, "next": next }))
    }

    /// Where the tenant sends a visitor who is not a buyer; no sales questions follow.
    fn route(&mut self, to: RouteTo) -> Value {
        let routes = &self.settings.routes;
        let (route, url, email, text) = match to.kind {
            VisitorKind::JobSeeker => (Route::Careers, routes.careers_url.clone(), None, None),
            VisitorKind::Support => (
                Route::Support,
                routes.support_url.clone(),
                routes.support_email.clone(),
                None,
            ),
            VisitorKind::Student | VisitorKind::Vendor | VisitorKind::Competitor => {
                (Route::Other, None, None, routes.other_visitors.clone())
            }
        };
        self.turn.state.route = Some(route);
        self.turn.state.asking = None;
        let mut result = json!({ "url": url, "email": email, "text": text });
        if url.is_none() && email.is_none() && text.is_none() {
            result["note"] = "the company names no place for this visitor: say the team can be reached through the website".into();
        }
        result
    }

    /// The meeting this conversation booked; acting on it needs one.
    fn booked(&self) -> Result<MeetingRef> {
        self.turn.state.meeting.clone().ok_or_else(|| {
            Error::invalid(
                "meeting",
                "no meeting is booked in this conversation: there is nothing to change (book_meeting books one)",
            )
        })
    }

    fn booked_slot(&self) -> Option<Slot> {
        let m = self.turn.state.meeting.as_ref()?;
        Some(Slot {
            starts_at: Timestamp::from_millisecond(m.starts_at).ok()?,
            ends_at: Timestamp::from_millisecond(m.ends_at).ok()?,
        })
    }

    /// A slot as the model reads it, labelled in the visitor's zone.
    fn describe(&self, slot: &Slot) -> Value {
        let (zone, label) = self.visitor_zone();
        json!({
            "starts_at": crate::clock::format(slot.starts_at),
            "ends_at": crate::clock::format(slot.ends_at),
            "label": scheduling::describe(slot, &zone, &label),
        })
    }

    /// The free slot starting at `starts_at`, among every slot within the booking horizon.
    async fn free_slot_at(&mut self, starts_at: Timestamp) -> Result<Option<Slot>> {
        Ok(self
            .free()
            .await?
            .into_iter()
            .find(|s| s.starts_at == starts_at))
    }

    /// Every free slot within the booking horizon, in time order.
    async fn free(&mut self) -> Result<Vec<Slot>> {
        self.settle().await?;
        let (tenant, availability) = (self.tenant().clone(), self.availability.clone());
        let now = self.app.clock.now();
        self.app
            .store
            .read(move |conn| free_slots(conn, &tenant, &availability, now, usize::MAX))
            .await
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

/// A slot start as the model wrote it.
fn start_of(text: &str) -> Result<Timestamp> {
    text.trim()
        .parse()
        .map_err(|_| Error::invalid("starts_at", "must be a time like 2026-12-01T10:00:00Z"))
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
