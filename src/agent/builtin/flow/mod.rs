//! The built-in agent's conversation, held the way a good sales rep holds it: read what the
//! visitor's message does first (a question, a time, a pick, a correction, a refusal, a
//! request for a person, a change to the meeting, or who they are), answer what they asked,
//! then ask at most one thing: contact details, the tenant's qualification questions in
//! order, and a time for a call once the lead qualifies. Deterministic: the same state and
//! message always give the same reply.

mod ask;
mod learn;
mod meeting;
mod routes;
mod say;

#[cfg(test)]
mod tests;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::answer::{self, Answered};
use super::intent::{self, Reading};
use crate::agent::{AgentState, Asking};
use crate::model::context::HandoffReason;
use crate::model::settings::TenantSettings;
use crate::model::{ChunkHit, LeadStatus, Qualification, Source};
use crate::scheduling::{Slot, zones};
use say::Say;

/// What the agent is given for one turn.
pub struct Turn<'a> {
    pub settings: &'a TenantSettings,
    pub state: AgentState,
    pub message: &'a str,
    /// Knowledge-base chunks for the message, best first.
    pub knowledge: &'a [ChunkHit],
    /// Every free meeting slot within the tenant's horizon, in time order.
    pub free: &'a [Slot],
    /// The tenant's zone, and its IANA name.
    pub tenant_zone: &'a TimeZone,
    pub tenant_zone_name: &'a str,
    /// The zone the visitor's browser reported, if any (IANA).
    pub browser_zone: Option<&'a str>,
    pub now: Timestamp,
}

/// What the agent decided.
#[derive(Debug)]
pub struct Reply {
    pub text: String,
    pub state: AgentState,
    /// Set when qualification finished this turn: the score, reasons and resulting status.
    pub qualification: Option<(Qualification, LeadStatus)>,
    /// A slot to book for the visitor.
    pub book: Option<Slot>,
    /// The conversation's meeting (by id) moves to this slot.
    pub reschedule: Option<(String, Slot)>,
    /// The conversation's meeting (by id) is cancelled.
    pub cancel: Option<String>,
    /// Someone from the team should take over.
    pub handoff: Option<HandoffReason>,
    /// The documents the reply's answer came from.
    pub sources: Vec<Source>,
    /// The conversation has reached its outcome.
    pub complete: bool,
}

impl Reply {
    fn new(state: AgentState) -> Self {
        Self {
            text: String::new(),
            state,
            qualification: None,
            book: None,
            reschedule: None,
            cancel: None,
            handoff: None,
            sources: Vec::new(),
            complete: false,
        }
    }
}

/// How many slots are offered at once.
pub const SLOTS_OFFERED: usize = 3;

pub fn respond(turn: &Turn<'_>) -> Reply {
    let mut reply = Reply::new(turn.state.clone());
    reply.state.turns += 1;
    let message = turn.message.trim();
    let reading = intent::read(message);
    if let Some(zone) = zones::named_zone(message) {
        reply.state.zone = Some(zone.iana);
    }
    let mut say = Say::default();
    if routes::handled(turn, &mut reply, &reading, &mut say) {
        reply.text = say.text();
        return reply;
    }
    let learned = learn::learn(turn, &mut reply.state, message, &reading);
    if learned.fact && reply.state.qualified && reply.state.meeting.is_none() {
        // A correction after qualifying ("not January, September") is scored again.
        let state = &mut reply.state;
        state.qualified = false;
        state.offered.clear();
        state.asking = None;
    }
    if reading.wants_person {
        routes::person(turn, &mut reply, &mut say);
    } else if !meeting::handled(turn, &mut reply, &reading, &mut say) {
        converse(turn, &mut reply, &reading, &learned, &mut say);
    }
    reply.text = say.text();
    reply
}

/// The ordinary turn: answer a question, acknowledge what was said, ask the next thing.
fn converse(
    turn: &Turn<'_>,
    reply: &mut Reply,
    reading: &Reading,
    learned: &learn::Learned,
    say: &mut Say,
) {
    if reading.hostile {
        say.ack("I'm sorry this has been frustrating.");
    }
    if reading.asks && asks_if_bot(turn.message) {
        say.answer(format!(
            "I'm {}, an AI assistant for {}. I can answer questions and set up a call with the team.",
            turn.settings.agent_name, turn.settings.company_name
        ));
    } else if let Some(why) = reading
        .asks
        .then(|| ask::why_we_ask(turn.message, reply.state.asking))
        .flatten()
    {
        say.answer(why);
    } else if reading.asks {
        answer_question(turn, reply, say);
    } else if answer::asks_by_topic(turn.message) {
        // A topic named alone ("pricing", "soc2") is answered when the documents cover it.
        answer_known(turn, reply, say);
    }
    learn::acknowledge(&reply.state, learned, reading, say);
    if reading.proposes_time && !reply.state.qualified {
        // Kept for when times are offered: "can we do tomorrow at 2pm?" before qualifying.
        reply.state.proposal = Some(turn.message.to_owned());
    }
    if reply.state.outcome.is_some() {
        if say.is_empty() || reading.thanks_or_bye {
            say.answer(if reading.thanks_or_bye {
                "You're welcome, and thanks for stopping by!"
            } else {
                "Is there anything else I can help you with?"
            });
        }
        return;
    }
    ask::next_step(turn, reply, reading, say);
}

/// Answers the visitor's question from the knowledge base, or says honestly it cannot.
fn answer_question(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say) {
    if !answer_known(turn, reply, say) {
        say.answer(
            "I don't have an answer to that in my notes, so I won't guess. Someone from the team can answer it on a call or by email.",
        );
    }
}

/// Answers from the knowledge base when it covers the message; false when it does not.
fn answer_known(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say) -> bool {
    let seats = answer::seats_in(turn.message).or(reply.state.team_size);
    let Answered::Known { text, sources } = answer::compose(turn.message, turn.knowledge, seats)
    else {
        return false;
    };
    say.answer(text);
    for source in sources {
        if !reply.sources.contains(&source) {
            reply.sources.push(source);
        }
    }
    true
}

/// "Are you a bot?", "am I talking to a real person?"
fn asks_if_bot(message: &str) -> bool {
    let lower = message.to_lowercase();
    let about_you = [
        "are you",
        "is this",
        "am i talking",
        "am i chatting",
        "r u ",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let what = [
        "bot",
        " ai",
        "a.i.",
        "human",
        "real person",
        "robot",
        "machine",
    ]
    .iter()
    .any(|w| lower.contains(w));
    about_you && what
}

/// Whether the knowledge base is searched for `message` before the turn: only when the
/// visitor asks something.
pub fn consults_knowledge(message: &str) -> bool {
    intent::read(message).asks
}

/// The visitor's zone for times: one they named, else their browser's, else the tenant's;
/// with the name it is shown with ("Chicago time").
fn visitor_zone(turn: &Turn<'_>, state: &AgentState) -> (TimeZone, String) {
    let named = state
        .zone
        .as_deref()
        .or(turn.browser_zone)
        .and_then(|iana| TimeZone::get(iana).ok().map(|tz| (tz, iana.to_owned())));
    let (zone, iana) =
        named.unwrap_or_else(|| (turn.tenant_zone.clone(), turn.tenant_zone_name.to_owned()));
    let label = zones::label(&iana);
    (zone, label)
}

/// The first name, for a friendly reply.
fn first_name(state: &AgentState) -> Option<&str> {
    state
        .contact
        .name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
}

/// The reply when the picked slot was taken by someone else a moment earlier.
pub fn slot_taken(turn: &Turn<'_>, state: &mut AgentState) -> String {
    let mut reply = Reply::new(state.clone());
    let mut say = Say::default();
    reply.state.outcome = None;
    meeting::offer(
        turn,
        &mut reply,
        &mut say,
        "Sorry, that time was just booked by someone else.",
        Asking::Meeting,
    );
    *state = reply.state;
    say.text()
}
