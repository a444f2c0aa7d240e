//! Meetings in the visitor's words and zone: offers spread over days and parts of the day,
//! a pick from them or a time proposed in any words, and moving or cancelling the booked
//! meeting. A booking needs an unambiguous choice; a question is never one.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::intent::{MeetingChange, Pick, Reading};
use super::say::Say;
use super::{Reply, Turn, answer_question, visitor_zone};
use crate::agent::builtin::extract;
use crate::agent::{Asking, MeetingRef, Outcome};
use crate::scheduling::{self, Slot, choice, proposal};

/// Handles a turn about the meeting: a change to the booked one, or an answer to the times
/// offered (or a time proposed once the lead qualified). False when the turn is about
/// something else.
pub fn handled(turn: &Turn<'_>, reply: &mut Reply, reading: &Reading, say: &mut Say) -> bool {
    if let Some(change) = reading.meeting {
        return change_meeting(turn, reply, reading, change, say);
    }
    let offering = matches!(
        reply.state.asking,
        Some(Asking::Meeting | Asking::Reschedule)
    );
    let may_book = reply.state.qualified && reply.state.meeting.is_none();
    if !(offering || (may_book && (reading.proposes_time || reading.picks.is_some()))) {
        return false;
    }
    if reading.declines && reading.picks.is_none() && !reading.proposes_time && offering {
        if rejects_times(turn.message) {
            say.answer("No problem.");
            say.ask("What day and time would suit you better?");
            return true;
        }
        decline(reply, say, Asking::Meeting);
        if reading.asks {
            answer_question(turn, reply, say);
        }
        return true;
    }
    if reading.asks && !reading.proposes_time {
        // "Before I pick, what happens after the call?" is answered; nothing is booked.
        answer_question(turn, reply, say);
        say.ask("Whenever you're ready, just tell me which time suits you.");
        return true;
    }
    let action = if reply.state.asking == Some(Asking::Reschedule) {
        Asking::Reschedule
    } else {
        Asking::Meeting
    };
    if let Some(slot) = chosen(turn, reply, reading) {
        take(turn, reply, say, slot, action);
        return true;
    }
    if let Some(found) = proposed(turn, reply) {
        match found {
            Proposed::One(slot) => take(turn, reply, say, slot, action),
            Proposed::Some(slots) => {
                list(turn, reply, say, &slots, "Here's what's free then:", action);
            }
            Proposed::NotFree(nearest) => {
                list(
                    turn,
                    reply,
                    say,
                    &nearest,
                    "Sorry, that time isn't free. The nearest free times are:",
                    action,
                );
            }
        }
        return true;
    }
    if reading.declines || extract::yes_no(turn.message) == Some(false) {
        decline(reply, say, action);
        return true;
    }
    if offering && extract::yes_no(turn.message) == Some(true) {
        offer(turn, reply, say, "Great!", action);
        return true;
    }
    false
}

/// A pick from the times offered: "2", "the second one", "Tuesday 10am", "that works".
fn chosen(turn: &Turn<'_>, reply: &Reply, reading: &Reading) -> Option<Slot> {
    let offered: Vec<Slot> = reply
        .state
        .offered
        .iter()
        .filter_map(|&(s, e)| slot(s, e))
        .collect();
    if offered.is_empty() {
        return None;
    }
    match reading.picks {
        Some(Pick::Index(i)) => offered.get(i).copied(),
        Some(Pick::Last) => offered.last().copied(),
        Some(Pick::Accept) if offered.len() == 1 => offered.first().copied(),
        Some(Pick::Described) => described(turn, reply, &offered),
        _ if reading.proposes_time => described(turn, reply, &offered),
        _ => None,
    }
}

/// The offered slot a message names by its day or time ("the Thursday one", "10am works").
fn described(turn: &Turn<'_>, reply: &Reply, offered: &[Slot]) -> Option<Slot> {
    let (zone, _) = visitor_zone(turn, &reply.state);
    choice::parse_choice(turn.message, offered, &zone).map(|i| offered[i])
}

enum Proposed {
    One(Slot),
    Some(Vec<Slot>),
    NotFree(Vec<Slot>),
}

/// A time the visitor proposed in their own words, matched against the free slots.
fn proposed(turn: &Turn<'_>, reply: &Reply) -> Option<Proposed> {
    let (zone, _) = visitor_zone(turn, &reply.state);
    let text = same_time(turn.message, reply.state.meeting.as_ref(), &zone);
    proposed_in(turn, &text, &zone)
}

/// "Thursday, same time" names the booked meeting's time of day.
fn same_time(message: &str, booked: Option<&MeetingRef>, zone: &TimeZone) -> String {
    let lower = message.to_lowercase();
    let Some(at) = booked
        .filter(|_| lower.contains("same time"))
        .and_then(|m| Timestamp::from_millisecond(m.starts_at).ok())
    else {
        return message.to_owned();
    };
    let clock = zone.to_datetime(at).strftime("%H:%M").to_string();
    lower.replace("same time", &format!("at {clock}"))
}

fn proposed_in(turn: &Turn<'_>, text: &str, zone: &TimeZone) -> Option<Proposed> {
    let wanted = proposal::read_proposal(text, turn.now, zone)?;
    let matching = scheduling::matching(&wanted, turn.free);
    Some(match matching.as_slice() {
        [] => Proposed::NotFree(scheduling::nearest(
            &wanted,
            turn.free,
            super::SLOTS_OFFERED,
            zone,
        )),
        [one] => Proposed::One(*one),
        _ if wanted.exact.is_some() => Proposed::One(matching[0]),
        _ => Proposed::Some(scheduling::spread(&matching, super::SLOTS_OFFERED, zone)),
    })
}

/// Books the slot, or moves the booked meeting to it.
fn take(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say, slot: Slot, action: Asking) {
    let (zone, label) = visitor_zone(turn, &reply.state);
    let when = scheduling::describe(&slot, &zone, &label);
    let state = &mut reply.state;
    state.asking = None;
    state.offered.clear();
    state.proposal = None;
    if action == Asking::Reschedule
        && let Some(meeting) = &mut state.meeting
    {
        reply.reschedule = Some((meeting.id.clone(), slot));
        meeting.starts_at = slot.starts_at.as_millisecond();
        meeting.ends_at = slot.ends_at.as_millisecond();
        say.answer(format!(
            "Done, I've moved your call to {when}. The team will confirm the change with you."
        ));
        return;
    }
    if !state.qualified && reply.qualification.is_none() {
        // Booked before every question was answered (the visitor asked for a person): the
        // lead is scored on what is known.
        super::ask::score(turn, reply);
    }
    let state = &mut reply.state;
    reply.book = Some(slot);
    state.outcome = Some(Outcome::Booked);
    reply.complete = true;
    say.answer(format!(
        "You're booked for {when}. Someone from the team will confirm the details with you. Talk soon!"
    ));
}

/// "None of those work" turns down the times offered, not the call.
fn rejects_times(message: &str) -> bool {
    let lower = message.to_lowercase();
    [
        "none of",
        "those don",
        "those times",
        "doesn't work",
        "don't work",
        "dont work",
        "not those",
        "other time",
        "different time",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

fn decline(reply: &mut Reply, say: &mut Say, action: Asking) {
    let state = &mut reply.state;
    state.asking = None;
    state.offered.clear();
    if action == Asking::Reschedule {
        say.answer("No problem, your call stays as it is.");
        return;
    }
    state.outcome = Some(Outcome::Declined);
    reply.complete = true;
    say.answer("No problem. The team will follow up by email instead. Thanks for chatting!");
}

/// Offers times for a call: the one the visitor proposed earlier if it is free, else a
/// spread of the next free ones.
pub fn offer(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say, lead_in: &str, action: Asking) {
    if let Some(text) = reply.state.proposal.take() {
        let (zone, _) = visitor_zone(turn, &reply.state);
        match proposed_in(turn, &text, &zone) {
            Some(Proposed::One(slot)) => return take(turn, reply, say, slot, action),
            Some(Proposed::Some(slots)) => {
                return list(turn, reply, say, &slots, lead_in, action);
            }
            _ => {}
        }
    }
    let (zone, _) = visitor_zone(turn, &reply.state);
    let slots = scheduling::spread(turn.free, super::SLOTS_OFFERED, &zone);
    list(turn, reply, say, &slots, lead_in, action);
}

fn list(
    turn: &Turn<'_>,
    reply: &mut Reply,
    say: &mut Say,
    slots: &[Slot],
    lead_in: &str,
    action: Asking,
) {
    if !lead_in.is_empty() {
        say.answer(lead_in);
    }
    if slots.is_empty() {
        reply.state.asking = None;
        say.answer("I don't have any free times to offer right now, so someone from the team will reach out to find one.");
        return;
    }
    let (zone, label) = visitor_zone(turn, &reply.state);
    reply.state.asking = Some(action);
    reply.state.offered = slots
        .iter()
        .map(|s| (s.starts_at.as_millisecond(), s.ends_at.as_millisecond()))
        .collect();
    let lines: Vec<String> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}) {}", i + 1, scheduling::describe(s, &zone, &label)))
        .collect();
    let question = if action == Asking::Reschedule {
        "Which of these works better for you?"
    } else if lead_in.is_empty() || lead_in.ends_with('.') || lead_in.ends_with('!') {
        "Would one of these work for a call with the team?"
    } else {
        "Would one of these work for you?"
    };
    say.ask(format!(
        "\n{}\n{question} You can also tell me another day or time.",
        lines.join("\n")
    ));
}

/// Cancels or moves the booked meeting.
fn change_meeting(
    turn: &Turn<'_>,
    reply: &mut Reply,
    reading: &Reading,
    change: MeetingChange,
    say: &mut Say,
) -> bool {
    let Some(booked) = reply.state.meeting.clone() else {
        say.answer("I don't see a meeting booked in this chat. If you booked one elsewhere, the team can change it for you by email.");
        return true;
    };
    match change {
        MeetingChange::Cancel => cancel(turn, reply, say, &booked),
        MeetingChange::Move => {
            reply.state.asking = Some(Asking::Reschedule);
            if reading.proposes_time
                && let Some(found) = proposed(turn, reply)
            {
                match found {
                    Proposed::One(slot) => take(turn, reply, say, slot, Asking::Reschedule),
                    Proposed::Some(slots) => list(
                        turn,
                        reply,
                        say,
                        &slots,
                        "Sure, here's what's free then:",
                        Asking::Reschedule,
                    ),
                    Proposed::NotFree(nearest) => list(
                        turn,
                        reply,
                        say,
                        &nearest,
                        "Sorry, that time isn't free. The nearest free times are:",
                        Asking::Reschedule,
                    ),
                }
            } else {
                offer(
                    turn,
                    reply,
                    say,
                    "Sure, let's find another time.",
                    Asking::Reschedule,
                );
            }
        }
    }
    true
}

fn cancel(turn: &Turn<'_>, reply: &mut Reply, say: &mut Say, booked: &MeetingRef) {
    let (zone, label) = visitor_zone(turn, &reply.state);
    let when = slot(booked.starts_at, booked.ends_at)
        .map(|s| scheduling::describe(&s, &zone, &label))
        .unwrap_or_else(|| "the call".to_owned());
    reply.cancel = Some(booked.id.clone());
    let state = &mut reply.state;
    state.meeting = None;
    state.outcome = None;
    state.asking = None;
    state.offered.clear();
    say.answer(format!(
        "Done, I've cancelled your call on {when}. If you'd like another time later, just tell me."
    ));
}

fn slot(start_ms: i64, end_ms: i64) -> Option<Slot> {
    Some(Slot {
        starts_at: Timestamp::from_millisecond(start_ms).ok()?,
        ends_at: Timestamp::from_millisecond(end_ms).ok()?,
    })
}
