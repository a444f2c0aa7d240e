//! The one thing a reply asks next: contact details, the company behind an email, the
//! tenant's qualification questions in order, then the verdict and a time for a call.

use super::intent::Reading;
use super::say::Say;
use super::{Reply, Turn, first_name, meeting};
use crate::agent::builtin::extract;
use crate::agent::{AgentState, Asking, Outcome};
use crate::model::LeadStatus;
use crate::model::qualification::{self, Facts};
use crate::model::settings::Field;

/// Turns after a refusal before the email is asked for once more.
const REASK_AFTER_TURNS: u32 = 2;

pub fn next_step(turn: &Turn<'_>, reply: &mut Reply, reading: &Reading, say: &mut Say) {
    if reading.just_browsing && reply.state.contact.email.is_none() {
        reply.state.asking = None;
        say.answer("If any questions come up, just ask me here.");
        return;
    }
    if reply.state.contact.email.is_none() && wants_email(reply) {
        ask_contact(reply, say);
        return;
    }
    if let Some(guess) = reply.state.company_guess.clone()
        && reply.state.contact.company.is_none()
        && !std::mem::replace(&mut reply.state.company_asked, true)
    {
        reply.state.asking = Some(Asking::Company);
        say.ask(format!("Just to check, are you with {guess}?"));
        return;
    }
    let missing = turn
        .settings
        .qualification_questions
        .iter()
        .find(|q| Some(q.field) == next_question(turn, &reply.state));
    if let Some(question) = missing {
        reply.state.asking = Some(Asking::Field(question.field));
        say.ask(fill(&question.question, &reply.state));
        return;
    }
    finish_qualification(turn, reply, say);
}

/// The next qualification question to ask: the first neither answered nor skipped, those
/// put off (answered with something else) last.
pub fn next_question(turn: &Turn<'_>, state: &AgentState) -> Option<Field> {
    let open = || {
        turn.settings
            .qualification_questions
            .iter()
            .map(|q| q.field)
            .filter(|field| !state.facts.has(*field) && !state.skipped.contains(field))
    };
    open()
        .find(|field| !state.deferred.contains(field))
        .or_else(|| open().next())
}

/// Whether to ask for the email now: not after a refusal, except once more a little later.
fn wants_email(reply: &mut Reply) -> bool {
    let state = &mut reply.state;
    let Some(refused_at) = state.email_refused_at else {
        return true;
    };
    if state.email_reasked || state.turns < refused_at + REASK_AFTER_TURNS {
        return false;
    }
    state.email_reasked = true;
    true
}

fn ask_contact(reply: &mut Reply, say: &mut Say) {
    let state = &mut reply.state;
    state.asking = Some(Asking::Contact);
    let text = if state.email_reasked {
        "If you share your work email, the team can send you the details and follow up; it's entirely up to you.".to_owned()
    } else {
        match first_name(state) {
            Some(name) => format!("What's the best work email to reach you, {name}?"),
            None => "Could I get your name and work email so the team can follow up?".to_owned(),
        }
    };
    say.ask(text);
}

fn fill(template: &str, state: &crate::agent::AgentState) -> String {
    template
        .replace(
            "{company}",
            state.contact.company.as_deref().unwrap_or("your company"),
        )
        .replace("{name}", first_name(state).unwrap_or("there"))
}

/// Scores what was learned; a qualified lead is offered times, others are closed kindly
/// with the real reason.
fn finish_qualification(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say) {
    if reply.state.qualified {
        if reply.state.meeting.is_none() && reply.state.outcome.is_none() {
            meeting::offer(turn, reply, say, "", Asking::Meeting);
        }
        return;
    }
    match score(turn, reply) {
        LeadStatus::Qualified => {
            reply.state.qualified = true;
            if reply.state.contact.email.is_none() {
                reply.state.asking = Some(Asking::Contact);
                say.ask("It sounds like a call with the team would be worth it. What's the best email to put the meeting under?");
                return;
            }
            meeting::offer(
                turn,
                reply,
                say,
                "It sounds like we could really help.",
                Asking::Meeting,
            );
        }
        other => close(reply, say, other),
    }
}

/// The answer to "why do you need my email?" or "does company size matter?" about the
/// question just asked.
pub fn why_we_ask(message: &str, asking: Option<Asking>) -> Option<&'static str> {
    let lower = message.to_lowercase();
    let wonders = [
        "why",
        "does it matter",
        "matter?",
        "have to do with",
        "what for",
        "do you need",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if !wonders {
        return None;
    }
    match asking? {
        Asking::Contact if lower.contains("email") || lower.contains("name") => Some(
            "Only so the team can follow up with you about this; it isn't shared with anyone else.",
        ),
        Asking::Field(_) | Asking::Company => {
            Some("It helps me point you to the right plan and the right person on the team.")
        }
        _ => None,
    }
}

/// Scores what is known with the tenant's rules; the lead's new status.
pub fn score(turn: &Turn<'_>, reply: &mut Reply) -> LeadStatus {
    let scoring = &turn.settings.scoring;
    let qualification =
        qualification::score(scoring, &reply.state.facts, &extract::is_decision_maker);
    let status = qualification::status(scoring, qualification.score);
    reply.qualification = Some((qualification, status));
    status
}

fn close(reply: &mut Reply, say: &mut Say, status: LeadStatus) {
    let state = &mut reply.state;
    state.asking = None;
    reply.complete = true;
    let why = reason(&state.facts);
    let name = first_name(state)
        .map(|n| format!(", {n}"))
        .unwrap_or_default();
    if status == LeadStatus::Disqualified {
        state.outcome = Some(Outcome::Disqualified);
        say.answer(format!(
            "Thanks for sharing all that{name}. {why} we're probably not the right fit for you just yet, so I won't book a sales call, but you're welcome back any time."
        ));
    } else {
        state.outcome = Some(Outcome::Nurturing);
        say.answer(format!(
            "Thanks for sharing all that{name}. {why} a sales call would be a little early, so the team will send you a few useful resources and check in later."
        ));
    }
}

/// The real reason a lead did not qualify, as the start of a sentence.
fn reason(facts: &Facts) -> &'static str {
    if facts.timeline_months.is_some_and(|m| m > 6) {
        "Since you're planning to start later on,"
    } else if facts.timeline_months.is_some_and(|m| m > 3) {
        "Since you're looking a few months out,"
    } else if facts.budget.is_some_and(|b| b < 2_000) {
        "With the budget you mentioned,"
    } else if facts.company_size.is_some_and(|n| n < 10) {
        "For a team of your size,"
    } else {
        "From what you've told me,"
    }
}
