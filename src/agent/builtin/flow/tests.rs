//! Properties of a turn while times are on offer: a question never books, a proposal put as
//! a question books exactly the free slot it names, and the reply shows it in the visitor's
//! zone.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::{Turn, respond};
use crate::agent::{AgentState, Asking};
use crate::model::settings::TenantSettings;
use crate::scheduling::{self, Slot};

const TENANT_ZONE: &str = "America/New_York";

fn now() -> Timestamp {
    "2026-12-07T14:00:00Z".parse().unwrap()
}

/// Monday to Friday, 09:00-17:00 New York, 30-minute slots, nothing booked.
fn free_slots() -> Vec<Slot> {
    let zone = TimeZone::get(TENANT_ZONE).unwrap();
    let availability = scheduling::slots::office_hours_in(&zone, 240);
    scheduling::free_slots(&availability, now(), &[], usize::MAX)
}

/// A qualified visitor with three times on offer.
fn offering(free: &[Slot]) -> AgentState {
    let mut state = AgentState {
        qualified: true,
        asking: Some(Asking::Meeting),
        ..AgentState::default()
    };
    state.contact.email = Some("sam@acme.example".into());
    state.offered = free
        .iter()
        .take(3)
        .map(|s| (s.starts_at.as_millisecond(), s.ends_at.as_millisecond()))
        .collect();
    state
}

fn reply_to(message: &str, browser_zone: Option<&str>) -> (super::Reply, Vec<Slot>) {
    let settings = TenantSettings::defaults("Acme");
    let free = free_slots();
    let tenant_zone = TimeZone::get(TENANT_ZONE).unwrap();
    let reply = respond(&Turn {
        settings: &settings,
        state: offering(&free),
        message,
        knowledge: &[],
        free: &free,
        tenant_zone: &tenant_zone,
        tenant_zone_name: TENANT_ZONE,
        browser_zone,
        now: now(),
    });
    (reply, free)
}

/// "Thursday 10 December at 2:30pm" for the slot, in `zone`.
fn spoken(slot: &Slot, zone: &TimeZone) -> String {
    let local = zone.to_datetime(slot.starts_at);
    let minutes = if local.minute() == 0 {
        String::new()
    } else {
        format!(":{:02}", local.minute())
    };
    format!(
        "{} at {}{minutes}{}",
        local.strftime("%A %-d %B"),
        local.strftime("%-I"),
        local.strftime("%P")
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_question_about_anything_but_a_time_never_books(
        opener in prop::sample::select(vec![
            "Before I pick,", "Quick question first:", "Hmm,", "", "Sorry,", "ok but",
        ]),
        question in prop::sample::select(vec![
            "what happens after the call?",
            "do you support SSO?",
            "how much does the Growth plan cost?",
            "is there a free trial?",
            "who will I be talking to?",
            "can I bring my CTO along?",
            "what should I prepare first?",
            "do you integrate with HubSpot?",
            "is the second plan cheaper than the first?",
            "what's the last step before we sign?",
        ]),
    ) {
        let message = format!("{opener} {question}");
        let (reply, _) = reply_to(&message, None);
        prop_assert!(reply.book.is_none(), "{message:?} booked {:?}", reply.book);
        prop_assert!(reply.state.meeting.is_none());
    }

    #[test]
    fn a_proposal_put_as_a_question_books_that_free_time_in_the_visitors_zone(
        index in 0usize..150,
        zone in prop::sample::select(vec![
            "America/Chicago", "Europe/Berlin", "America/New_York", "Europe/London",
            "America/Los_Angeles",
        ]),
        frame in prop::sample::select(vec![
            "Could we do {}?", "How about {}?", "Can we do {}?", "Would {} work?",
            "{} works for me",
        ]),
    ) {
        let free = free_slots();
        let tz = TimeZone::get(zone).unwrap();
        let slot = free[index % free.len()];
        let message = frame.replace("{}", &spoken(&slot, &tz));
        let (reply, _) = reply_to(&message, Some(zone));
        prop_assert_eq!(reply.book, Some(slot), "{}: {}", message, reply.text);
        let shown = scheduling::describe(&slot, &tz, &scheduling::label(zone));
        prop_assert!(reply.text.contains(&shown), "{} not in {}", shown, reply.text);
    }
}
