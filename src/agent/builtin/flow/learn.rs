//! Taking in what a message says about the visitor: contact details, answers to the
//! qualification questions (asked or volunteered), corrections, refusals, and the company
//! behind a business email.

use super::say::{self, Say};
use super::{Turn, first_name};
use crate::agent::builtin::extract::{self, Answer, Refused};
use crate::agent::builtin::intent::Reading;
use crate::agent::builtin::replied;
use crate::agent::{AgentState, Asking};
use crate::model::qualification::Facts;
use crate::model::settings::Field;

/// What this message added.
#[derive(Debug, Default)]
pub struct Learned {
    /// The visitor's name arrived with this message.
    pub name: bool,
    /// Contact details changed.
    pub contact: bool,
    /// A qualification fact arrived or changed.
    pub fact: bool,
    /// The visitor declined to give their email.
    pub refused_email: bool,
}

pub fn learn(turn: &Turn<'_>, state: &mut AgentState, message: &str, reading: &Reading) -> Learned {
    let mut learned = Learned::default();
    let had_name = state.contact.name.is_some();
    learn_contact(state, message, reading, &mut learned);
    learned.name = !had_name && state.contact.name.is_some();
    confirm_company(state, message, reading);
    learned.fact = learn_facts(turn, state, message, reading);
    if let Some(refused) = extract::refused(message) {
        if matches!(refused, Refused::Email | Refused::Any) && state.contact.email.is_none() {
            state.email_refused_at.get_or_insert(state.turns);
            learned.refused_email = true;
        }
        if matches!(refused, Refused::Budget)
            && state.asking == Some(Asking::Field(Field::Budget))
            && !state.skipped.contains(&Field::Budget)
        {
            state.skipped.push(Field::Budget);
        }
    }
    learned
}

fn learn_contact(state: &mut AgentState, message: &str, reading: &Reading, learned: &mut Learned) {
    let mut found = extract::contact(message);
    if state.asking == Some(Asking::Contact)
        && found.name.is_none()
        && state.contact.name.is_none()
        && !reading.asks
        && !reading.declines
        && !reading.thanks_or_bye
        && !crate::agent::builtin::answer::asks_by_topic(message)
    {
        // Just asked for a name: a bare "tom baker" or "Dave Ortiz, dave@…" is the answer.
        let (name, company) = replied::name_and_company(message);
        found.name = name;
        found.company = found.company.or(company);
    }
    let before = state.contact.clone();
    let correcting = extract::is_correction(message);
    let c = &mut state.contact;
    // A name given once is only replaced by a correction ("sorry, it's Siobhan").
    match (c.name.as_deref(), found.name) {
        (None, Some(name)) => c.name = Some(name),
        (Some(old), Some(name)) if correcting => {
            c.name = Some(replied::corrected_name(old, &name));
        }
        _ => {}
    }
    for (slot, value) in [
        (&mut c.email, found.email),
        (&mut c.phone, found.phone),
        (&mut c.company, found.company),
    ] {
        if value.is_some() {
            *slot = value;
        }
    }
    if state.contact.email.is_some() && before.email.is_none() && state.contact.company.is_none() {
        state.company_guess = state
            .contact
            .email
            .as_deref()
            .and_then(extract::company_from_email);
    }
    learned.contact = state.contact != before;
}

/// The visitor's answer to "is that with <company>?", asked once: a yes keeps the guess, a
/// "no, it's X" takes X, anything else leaves the company unknown.
fn confirm_company(state: &mut AgentState, message: &str, reading: &Reading) {
    if state.contact.company.is_some() {
        state.company_guess = None;
        return;
    }
    let named = state
        .company_guess
        .as_deref()
        .is_some_and(|g| message.to_lowercase().contains(&g.to_lowercase()));
    if state.asking != Some(Asking::Company) {
        // Named later on its own ("Keystone Properties. tenants email us…").
        if named {
            state.contact.company = state.company_guess.take();
        }
        return;
    }
    let guess = state.company_guess.clone();
    match extract::yes_no(message) {
        Some(true) => state.contact.company = guess,
        _ if named => state.contact.company = guess,
        // "Becker Freight - our dispatch team…": the company named at the start.
        None if !reading.asks => state.contact.company = extract::company_at_start(message),
        Some(false) => {
            // "no, it's Acme Labs" names the right one.
            state.company_guess = None;
            let (_, company) = replied::name_and_company(&format!("x at {message}"));
            state.contact.company = company
                .filter(|c| !matches!(c.to_lowercase().as_str(), "no" | "nope" | "not really"));
        }
        _ => {}
    }
}

fn learn_facts(turn: &Turn<'_>, state: &mut AgentState, message: &str, reading: &Reading) -> bool {
    if reading.just_browsing && !matches!(state.asking, Some(Asking::Field(_))) {
        return false;
    }
    let before = (state.facts.clone(), state.team_size);
    let today = turn.tenant_zone.to_datetime(turn.now).date();
    let volunteered = extract::volunteered_at(message, today);
    let said_something_else = !volunteered.is_empty();
    // Many answer "is that with Acme?" by going on to what comes next: read it as that
    // answer, but an answer to something else there puts nothing off.
    let (asked, firm) = match state.asking {
        Some(Asking::Field(field)) => (Some(field), true),
        Some(Asking::Company) => (super::ask::next_question(turn, state), false),
        _ => (None, false),
    };
    // A question with the answer in it ("does size matter? ok, it's about 60") still
    // answers a number; a question is never taken as a need or a role.
    let asked = asked.filter(|field| {
        let numeric = matches!(field, Field::CompanySize | Field::Budget | Field::Timeline);
        // "actually, please use my full name" is no need or role either.
        numeric || !(reading.asks || extract::is_correction(message))
    });
    // "12" while asked for a role or a need is the size asked a moment ago.
    let asked = match asked {
        Some(Field::Role | Field::Need)
            if state.facts.company_size.is_none() && bare_number(message) =>
        {
            Some(Field::CompanySize)
        }
        other => other,
    };
    if let Some(field) = asked {
        // "does size matter? ok, it's about 60": the answer is what follows the question.
        let answer = if reading.asks {
            message.rsplit('?').next().unwrap_or_default()
        } else {
            message
        };
        // The lenient reading ("55" as a budget) only when nothing else was said.
        let lenient = || {
            if said_something_else {
                None
            } else {
                replied::answer(field, answer)
            }
        };
        match extract::answer_to_at(field_key(field), answer, today).or_else(lenient) {
            Some(answer) => apply(state, answer, firm),
            None if !firm || reading.asks => {}
            // Asked and not understood (or "I don't know"): move on rather than ask forever.
            None if !said_something_else && extract::refused(message).is_none() => {
                skip(state, field);
            }
            // Answered with other facts: asked again once, after the rest.
            None if !state.deferred.contains(&field) => state.deferred.push(field),
            None => skip(state, field),
        }
    }
    for answer in volunteered {
        apply(state, answer, false);
    }
    (state.facts.clone(), state.team_size) != before
}

fn bare_number(message: &str) -> bool {
    let trimmed = message.trim().trim_start_matches(['~', '≈']);
    !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn skip(state: &mut AgentState, field: Field) {
    if !state.skipped.contains(&field) {
        state.skipped.push(field);
    }
}

/// Stores an answer; a team size counts as the company's only while that is unknown.
fn apply(state: &mut AgentState, answer: Answer, asked: bool) {
    let facts: &mut Facts = &mut state.facts;
    match answer {
        Answer::CompanySize(n) => facts.company_size = Some(n),
        Answer::TeamSize(n) => {
            state.team_size = Some(n);
            if asked && facts.company_size.is_none() {
                facts.company_size = Some(n);
            }
        }
        Answer::Budget(b) => facts.budget = Some(b),
        Answer::TimelineMonths(m) => facts.timeline_months = Some(m),
        Answer::Role(r) => facts.role = Some(r),
        Answer::Need(n) => {
            facts.need.get_or_insert(n);
        }
    }
}

pub fn field_key(field: Field) -> &'static str {
    match field {
        Field::Need => "need",
        Field::CompanySize => "company_size",
        Field::Role => "role",
        Field::Budget => "budget",
        Field::Timeline => "timeline",
    }
}

/// Acknowledges the visitor's message when no answer to a question already does.
pub fn acknowledge(state: &AgentState, learned: &Learned, reading: &Reading, say: &mut Say) {
    if learned.name
        && let Some(name) = first_name(state)
    {
        say.ack(format!("Thanks, {name}!"));
    } else if learned.refused_email {
        say.ack("No problem, that's completely fine.");
    } else if learned.contact || learned.fact {
        say.ack(say::noted(state.turns));
    } else if reading.just_browsing {
        say.ack("Of course, take your time.");
    } else if reading.greeting_only {
        say.ack("Hi there!");
    }
}
