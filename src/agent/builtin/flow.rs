//! The built-in agent's conversation: learn what the visitor says, answer questions from the
//! knowledge base, gather contact details, ask the tenant's qualification questions in
//! order (skipping what is known), score, and offer and book a meeting. Deterministic:
//! the same state and message always give the same reply.

use jiff::tz::TimeZone;

use super::answer::{self, Answered};
use super::extract::{self, Answer};
use super::replied;
use crate::agent::{AgentState, Asking, ContactState, Outcome};
use crate::model::qualification::{self, Facts};
use crate::model::settings::{Field, TenantSettings};
use crate::model::{ChunkHit, LeadStatus, Qualification, Source};
use crate::scheduling::{self, Slot, choice};

/// What the agent is given for one turn.
pub struct Turn<'a> {
    pub settings: &'a TenantSettings,
    pub state: AgentState,
    pub message: &'a str,
    /// Knowledge-base chunks for the message, best first.
    pub knowledge: &'a [ChunkHit],
    /// The next free meeting slots.
    pub slots: &'a [Slot],
    pub timezone: &'a TimeZone,
}

/// What the agent decided.
#[derive(Debug)]
pub struct Reply {
    pub text: String,
    pub state: AgentState,
    /// Set when qualification finished this turn: the score, reasons and resulting status.
    pub qualification: Option<(Qualification, LeadStatus)>,
    /// The slot the visitor picked.
    pub book: Option<Slot>,
    /// The conversation has reached its outcome.
    pub complete: bool,
    /// The knowledge-base documents the reply's answer came from.
    pub sources: Vec<Source>,
}

/// How many slots are offered at once.
pub const SLOTS_OFFERED: usize = 3;

pub fn respond(turn: &Turn<'_>) -> Reply {
    let mut reply = Reply {
        text: String::new(),
        state: turn.state.clone(),
        qualification: None,
        book: None,
        complete: false,
        sources: Vec::new(),
    };
    let mut parts: Vec<String> = Vec::new();
    let message = turn.message.trim();
    let learned_contact = learn(&mut reply.state, message);

    if reply.state.asking == Some(Asking::Meeting)
        && let Some(text) = handle_meeting_reply(turn, &mut reply, message)
    {
        parts.push(text);
        reply.text = parts.join(" ");
        return reply;
    }
    if let Some((answer, sources)) = answer_question(turn, message) {
        parts.push(answer);
        reply.sources = sources;
    } else if learned_contact && let Some(name) = first_name(&reply.state.contact) {
        parts.push(format!("Thanks, {name}!"));
    }
    if reply.state.outcome.is_some() {
        if parts.is_empty() {
            parts.push("Is there anything else I can help you with?".to_owned());
        }
    } else {
        parts.push(next_step(turn, &mut reply));
    }
    reply.text = parts.join(" ");
    reply
}

/// Takes in everything the message says; true when new contact details arrived.
fn learn(state: &mut AgentState, message: &str) -> bool {
    let mut found = extract::contact(message);
    if state.asking == Some(Asking::Contact) && found.name.is_none() && state.contact.name.is_none()
    {
        // Just asked for a name: a bare "tom baker" or "Dave Ortiz, dave@…" is the answer.
        let (name, company) = replied::name_and_company(message);
        found.name = name;
        found.company = found.company.or(company);
    }
    let before = state.contact.clone();
    let c = &mut state.contact;
    for (slot, value) in [
        (&mut c.name, found.name),
        (&mut c.email, found.email),
        (&mut c.phone, found.phone),
        (&mut c.company, found.company),
    ] {
        if value.is_some() {
            *slot = value;
        }
    }
    let volunteered = extract::volunteered(message);
    let said_something_else = state.contact != before || !volunteered.is_empty();
    if let Some(Asking::Field(field)) = state.asking {
        match extract::answer_to(field_key(field), message)
            .or_else(|| replied::answer(field, message))
        {
            Some(answer) => apply(&mut state.facts, answer),
            // Asked and not understood (or "I don't know"): move on rather than ask forever.
            // A reply about something else (a correction, other facts) leaves the question open.
            None if !said_something_else && !extract::is_question(message) => {
                state.skipped.push(field);
            }
            None => {}
        }
    }
    for answer in volunteered {
        apply(&mut state.facts, answer);
    }
    state.contact != before
}

fn apply(facts: &mut Facts, answer: Answer) {
    match answer {
        Answer::CompanySize(n) => facts.company_size = Some(n),
        Answer::Budget(b) => facts.budget = Some(b),
        Answer::TimelineMonths(m) => facts.timeline_months = Some(m),
        Answer::Role(r) => facts.role = Some(r),
        Answer::Need(n) => {
            facts.need.get_or_insert(n);
        }
    }
}

fn field_key(field: Field) -> &'static str {
    match field {
        Field::Need => "need",
        Field::CompanySize => "company_size",
        Field::Role => "role",
        Field::Budget => "budget",
        Field::Timeline => "timeline",
    }
}

/// A visitor's question answered from the knowledge base with the documents it came from;
/// or an honest "I don't know" with the offer of a person. A topic named alone ("pricing",
/// "soc2") is answered when the knowledge base covers it, and otherwise left to the flow.
fn answer_question(turn: &Turn<'_>, message: &str) -> Option<(String, Vec<Source>)> {
    let asked = consults_knowledge(message);
    if !asked && !answer::asks_by_topic(message) {
        return None;
    }
    match answer::compose(message, turn.knowledge, answer::seats_in(message)) {
        Answered::Known { text, sources } => Some((text, sources)),
        Answered::Unknown if asked => Some(("I don't have an answer to that in my notes, but someone from the team can help — I can set up a call.".to_owned(), Vec::new())),
        Answered::Unknown => None,
    }
}

/// Whether the reply to `message` may quote the knowledge base: only a question that is not
/// about booking is looked up, so other turns skip the search.
pub fn consults_knowledge(message: &str) -> bool {
    extract::is_question(message) && !looks_like_slot_request(message)
}

fn looks_like_slot_request(message: &str) -> bool {
    let m = message.to_lowercase();
    ["book", "meeting", "call", "demo", "schedule"]
        .iter()
        .any(|w| m.contains(w))
}

/// Asks for what is missing next, or finishes qualification.
fn next_step(turn: &Turn<'_>, reply: &mut Reply) -> String {
    let state = &mut reply.state;
    if state.contact.email.is_none() {
        state.asking = Some(Asking::Contact);
        return match first_name(&state.contact) {
            Some(name) => format!("What's the best work email to reach you, {name}?"),
            None => "Could I get your name and work email so the team can follow up?".to_owned(),
        };
    }
    let missing = turn
        .settings
        .qualification_questions
        .iter()
        .find(|q| !state.facts.has(q.field) && !state.skipped.contains(&q.field));
    if let Some(question) = missing {
        state.asking = Some(Asking::Field(question.field));
        return fill(&question.question, &state.contact);
    }
    finish_qualification(turn, reply)
}

fn fill(template: &str, contact: &ContactState) -> String {
    template
        .replace(
            "{company}",
            contact.company.as_deref().unwrap_or("your company"),
        )
        .replace("{name}", first_name(contact).unwrap_or("there"))
}

fn first_name(contact: &ContactState) -> Option<&str> {
    contact
        .name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
}

/// Scores what was learned; a qualified lead is offered slots, others are closed kindly.
fn finish_qualification(turn: &Turn<'_>, reply: &mut Reply) -> String {
    let scoring = &turn.settings.scoring;
    let qualification =
        qualification::score(scoring, &reply.state.facts, &extract::is_decision_maker);
    let status = qualification::status(scoring, qualification.score);
    reply.qualification = Some((qualification, status));
    match status {
        LeadStatus::Qualified => {
            offer(turn, reply, "Thanks — it sounds like we could really help.")
        }
        LeadStatus::Disqualified => {
            reply.state.outcome = Some(Outcome::Disqualified);
            reply.state.asking = None;
            reply.complete = true;
            "Thanks for sharing all that. It sounds like we may not be the right fit for you at the moment, but you're welcome to reach out any time.".to_owned()
        }
        _ => {
            reply.state.outcome = Some(Outcome::Nurturing);
            reply.state.asking = None;
            reply.complete = true;
            "Thanks for sharing all that! It sounds like the timing isn't quite right yet, so we'll send you a few useful resources and check back in later.".to_owned()
        }
    }
}

fn offer(turn: &Turn<'_>, reply: &mut Reply, lead_in: &str) -> String {
    let slots: Vec<Slot> = turn.slots.iter().take(SLOTS_OFFERED).copied().collect();
    if slots.is_empty() {
        reply.state.asking = None;
        return format!("{lead_in} Someone from the team will reach out to find a time.");
    }
    reply.state.asking = Some(Asking::Meeting);
    reply.state.offered = slots
        .iter()
        .map(|s| (s.starts_at.as_millisecond(), s.ends_at.as_millisecond()))
        .collect();
    let list: Vec<String> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}) {}", i + 1, scheduling::describe(s, turn.timezone)))
        .collect();
    format!(
        "{lead_in} Would you like to book a call with the team? These times are free:\n{}\nReply with the number or the time that suits you.",
        list.join("\n")
    )
}

/// Reads the answer to a slot offer: a pick books it, a "no" ends politely. `None` when the
/// message is about something else (then the normal flow answers it).
fn handle_meeting_reply(turn: &Turn<'_>, reply: &mut Reply, message: &str) -> Option<String> {
    let offered: Vec<Slot> = reply
        .state
        .offered
        .iter()
        .filter_map(|&(s, e)| slot(s, e))
        .collect();
    if let Some(index) = choice::parse_choice(message, &offered, turn.timezone) {
        let picked = offered[index];
        reply.book = Some(picked);
        reply.state.outcome = Some(Outcome::Booked);
        reply.state.asking = None;
        reply.complete = true;
        return Some(format!(
            "You're booked for {}. You'll find the calendar invite in your confirmation — talk soon!",
            scheduling::describe(&picked, turn.timezone)
        ));
    }
    match extract::yes_no(message) {
        Some(false) => {
            reply.state.outcome = Some(Outcome::Declined);
            reply.state.asking = None;
            reply.complete = true;
            Some("No problem — the team will be in touch by email. Thanks for chatting!".to_owned())
        }
        Some(true) => Some(offer(turn, reply, "Great!")),
        None if extract::is_question(message) => None,
        None => Some(offer(
            turn,
            reply,
            "Sorry, I didn't catch which time you'd like.",
        )),
    }
}

fn slot(start_ms: i64, end_ms: i64) -> Option<Slot> {
    Some(Slot {
        starts_at: jiff::Timestamp::from_millisecond(start_ms).ok()?,
        ends_at: jiff::Timestamp::from_millisecond(end_ms).ok()?,
    })
}

/// The reply when the picked slot was taken by someone else a moment earlier.
pub fn slot_taken(turn: &Turn<'_>, state: &mut AgentState) -> String {
    let mut reply = Reply {
        text: String::new(),
        state: state.clone(),
        qualification: None,
        book: None,
        complete: false,
        sources: Vec::new(),
    };
    state.outcome = None;
    reply.state.outcome = None;
    let text = offer(
        turn,
        &mut reply,
        "Sorry — that time was just booked by someone else.",
    );
    *state = reply.state;
    text
}
