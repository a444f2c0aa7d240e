//! Visitors who are not buyers (job seekers, customers needing support, students, vendors,
//! competitors) are pointed to the tenant's places and asked no sales questions; a visitor
//! who asks for a person gets an honest answer and the team is told.

use super::intent::{Reading, VisitorKind};
use super::say::Say;
use super::{Reply, Turn, answer_question, first_name};
use crate::agent::{Asking, Route};
use crate::model::context::HandoffReason;
use crate::model::settings::Routes;
use crate::model::{LeadStatus, Qualification};

/// Handles the turn of a visitor who is not a buyer; false for everyone else.
pub fn handled(turn: &Turn<'_>, reply: &mut Reply, reading: &Reading, say: &mut Say) -> bool {
    if reply.state.route.is_none() {
        let Some(kind) = reading.visitor.filter(|_| !buying(reply)) else {
            return false;
        };
        let route = route_of(kind);
        reply.state.route = Some(route);
        reply.state.asking = None;
        if route != Route::Support {
            // A lead already made for this visitor is no sales prospect.
            let reason = format!("Not a buyer: {}", kind_name(kind));
            reply.qualification = Some((
                Qualification {
                    score: 0,
                    reasons: vec![reason],
                },
                LeadStatus::Disqualified,
            ));
        }
        say.answer(pointer(kind, &turn.settings.routes));
        if reading.asks && kind != VisitorKind::SupportCustomer {
            answer_question(turn, reply, say);
        }
    } else if reading.wants_person {
        person(turn, reply, say);
    } else if reading.asks {
        answer_question(turn, reply, say);
    } else if reading.thanks_or_bye {
        say.answer("You're welcome, all the best!");
    } else {
        say.answer("Is there anything else I can help you with?");
    }
    true
}

/// A visitor well into qualification stays a buyer, whatever they say next.
fn buying(reply: &Reply) -> bool {
    let state = &reply.state;
    state.qualified || state.meeting.is_some() || state.facts.budget.is_some()
}

fn kind_name(kind: VisitorKind) -> &'static str {
    match kind {
        VisitorKind::JobSeeker => "job seeker",
        VisitorKind::SupportCustomer => "customer needing support",
        VisitorKind::Student => "student",
        VisitorKind::Vendor => "vendor",
        VisitorKind::Competitor => "competitor",
    }
}

fn route_of(kind: VisitorKind) -> Route {
    match kind {
        VisitorKind::JobSeeker => Route::Careers,
        VisitorKind::SupportCustomer => Route::Support,
        _ => Route::Other,
    }
}

/// Where the tenant sends this kind of visitor, as a sentence.
fn pointer(kind: VisitorKind, routes: &Routes) -> String {
    match kind {
        VisitorKind::JobSeeker => match &routes.careers_url {
            Some(url) => format!("Thanks for your interest in joining us! Open roles and how to apply are on our careers page: {url}"),
            None => "Thanks for your interest in joining us! I can't help with applications here, but the team will be glad to hear from you through the website's careers section.".to_owned(),
        },
        VisitorKind::SupportCustomer => support(routes),
        _ => routes.other_visitors.clone().unwrap_or_else(|| {
            "Thanks for reaching out! This chat is for people looking into our product, so I'll leave it there, but you're welcome to write to the team through the website.".to_owned()
        }),
    }
}

fn support(routes: &Routes) -> String {
    let places: Vec<String> = [
        routes
            .support_url
            .as_ref()
            .map(|u| format!("our help center at {u}")),
        routes.support_email.as_ref().map(|e| format!("email {e}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if places.is_empty() {
        return "I'm sorry you're running into trouble. I can't look into accounts from this chat, but our support team can: please contact them through your account.".to_owned();
    }
    format!(
        "I'm sorry you're running into trouble. I can't look into accounts from this chat, but our support team can help right away: {}.",
        places.join(", or ")
    )
}

/// The visitor asked for a person: the team is told, and the visitor hears honestly what
/// happens next.
pub fn person(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say) {
    reply.handoff = Some(HandoffReason::VisitorAsked);
    let state = &mut reply.state;
    match (&state.contact.email, first_name(state)) {
        (Some(email), name) => {
            let name = name.map(|n| format!(", {n}")).unwrap_or_default();
            say.answer(format!(
                "Of course{name}. Nobody from the team is live in this chat right now, so I've let them know you'd like to talk to a person and they'll get back to you at {email}."
            ));
            if state.meeting.is_none() {
                super::meeting::offer(
                    turn,
                    reply,
                    say,
                    "If a call suits you better, I can book one with the team now:",
                    Asking::Meeting,
                );
            }
        }
        (None, _) if state.route.is_some() || state.email_refused_at.is_some() => {
            say.answer("Of course. Nobody from the team is live in this chat right now, but I've let them know you'd like to talk to a person.");
        }
        (None, _) => {
            state.asking = Some(Asking::Contact);
            say.answer("Of course. Nobody from the team is live in this chat right now, so I've let them know you'd like to talk to a person.");
            say.ask("What's the best email for them to reach you? I can also set up a call.");
        }
    }
}
