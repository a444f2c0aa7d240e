//! The move and cancel rules over a real (in-memory) database, and which instants are slots.

use jiff::civil::{Weekday, date};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use rusqlite::Connection;

use super::*;
use crate::model::{LeadSource, Tenant};

fn amsterdam() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap()
}

/// Mon–Fri 09:00–17:00 in Amsterdam, 30-minute slots, 4 hours' notice, two weeks ahead.
fn office_hours() -> Availability {
    crate::scheduling::slots::office_hours_in(&amsterdam(), 240)
}

/// An Amsterdam wall-clock instant.
fn local(month: i8, day: i8, hour: i8, minute: i8) -> Timestamp {
    amsterdam()
        .to_timestamp(date(2026, month, day).at(hour, minute, 0, 0))
        .unwrap()
}

/// Monday 2 March 2026, 09:00 in Amsterdam.
fn now() -> Timestamp {
    local(3, 2, 9, 0)
}

fn tenant() -> TenantId {
    TenantId::from_stored("acme".to_owned())
}

/// A database with a booked lead and its meetings at `starts` (30 minutes each).
fn booked_lead(starts: &[Timestamp]) -> (Connection, Lead, Vec<Meeting>) {
    let mut conn = Connection::open_in_memory().unwrap();
    store::migrate::run(&mut conn).unwrap();
    let t0 = Timestamp::UNIX_EPOCH;
    let record = Tenant {
        id: tenant(),
        name: "Acme".into(),
        created_at: t0,
        updated_at: t0,
    };
    store::tenants::insert(&conn, &record).unwrap();
    let lead = Lead {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant(),
        name: "Jane Smith".into(),
        email: "jane@acme.example.com".into(),
        phone: None,
        company: Some("Acme".into()),
        status: LeadStatus::Booked,
        qualification_score: 80,
        qualification: None,
        metadata: serde_json::Map::new(),
        source: LeadSource::Widget,
        created_at: t0,
        updated_at: t0,
    };
    store::leads::insert(&conn, &lead).unwrap();
    let meetings = starts
        .iter()
        .map(|&starts_at| {
            let meeting = Meeting {
                id: uuid::Uuid::now_v7().to_string(),
                tenant: tenant(),
                lead_id: lead.id.clone(),
                conversation_id: None,
                starts_at,
                ends_at: starts_at + SignedDuration::from_mins(30),
                status: MeetingStatus::Booked,
                created_at: t0,
            };
            store::meetings::insert(&conn, &meeting).unwrap();
            meeting
        })
        .collect();
    (conn, lead, meetings)
}

/// The outbox's event names, oldest first.
fn recorded(conn: &Connection) -> Vec<String> {
    let mut kinds: Vec<String> = store::events::list(conn, &tenant(), None, None, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    kinds.reverse();
    kinds
}

fn payload(conn: &Connection, kind: &str) -> serde_json::Value {
    store::events::list(conn, &tenant(), Some(kind), None, 1).unwrap()[0]
        .payload
        .clone()
}

fn invalid_reason(result: Result<Slot>) -> String {
    match result {
        Err(Error::Invalid { field, reason }) => {
            assert_eq!(field, "startsAt");
            reason
        }
        other => panic!("expected startsAt to be refused, got {other:?}"),
    }
}

#[test]
fn a_slot_start_within_hours_notice_and_horizon_is_a_slot() {
    let a = office_hours();
    let slot = slot_at(&a, now(), local(3, 3, 10, 30)).unwrap();
    assert_eq!(slot.starts_at, local(3, 3, 10, 30));
    assert_eq!(slot.ends_at, local(3, 3, 11, 0));
    // The first and last of a day, the earliest the notice allows, the last of the horizon.
    assert!(slot_at(&a, now(), local(3, 3, 9, 0)).is_ok());
    assert!(slot_at(&a, now(), local(3, 3, 16, 30)).is_ok());
    assert!(slot_at(&a, now(), local(3, 2, 13, 0)).is_ok());
    assert!(slot_at(&a, now(), local(3, 16, 9, 0)).is_ok());
}

#[test]
fn a_time_that_is_not_a_slot_start_is_refused_saying_why() {
    let a = office_hours();
    for (at, why) in [
        (local(3, 3, 10, 10), "not a meeting slot"),
        (
            local(3, 3, 10, 0) + SignedDuration::from_secs(1),
            "not a meeting slot",
        ),
        (local(3, 3, 8, 30), "not a meeting slot"),
        (local(3, 3, 17, 0), "not a meeting slot"),
        (local(3, 7, 10, 0), "not a meeting slot"),
        (local(3, 8, 10, 0), "not a meeting slot"),
        (local(3, 2, 12, 30), "minimum notice of 240 minutes"),
        (local(2, 27, 10, 0), "minimum notice"),
        (local(3, 16, 9, 30), "horizon of 14 days"),
    ] {
        let reason = invalid_reason(slot_at(&a, now(), at));
        assert!(reason.contains(why), "{at}: {reason}");
    }
    let reason = invalid_reason(slot_at(&a, now(), local(3, 3, 10, 10)));
    assert_eq!(
        reason,
        "is not a meeting slot: slots of 30 minutes start from 09:00, ending by 17:00 \
         (Europe/Amsterdam), on Mon, Tue, Wed, Thu, Fri"
    );
}

#[test]
fn slots_follow_the_local_clock_across_a_dst_change() {
    // Clocks go forward on Sunday 29 March 2026; Monday 30 at 09:00 is 07:00 UTC.
    let mut a = office_hours();
    a.weekdays.push(Weekday::Sunday);
    let now = local(3, 27, 9, 0);
    let monday: Timestamp = "2026-03-30T07:00:00Z".parse().unwrap();
    assert!(slot_at(&a, now, monday).is_ok());
    let an_hour_off: Timestamp = "2026-03-30T08:00:00Z".parse().unwrap();
    assert!(slot_at(&a, now, an_hour_off).is_ok(), "10:00 local");
    let before_opening: Timestamp = "2026-03-30T06:30:00Z".parse().unwrap();
    assert!(slot_at(&a, now, before_opening).is_err(), "08:30 local");
    assert!(
        slot_at(&a, now, local(3, 29, 9, 0)).is_ok(),
        "the Sunday itself"
    );
}

proptest! {
    /// An instant is accepted exactly when the scheduler would offer it on an empty calendar.
    #[test]
    fn an_accepted_time_is_exactly_an_offered_slot(quarter_hours in 0i64..(17 * 96), seconds in prop_oneof![Just(0i64), 1i64..900]) {
        let a = office_hours();
        let at = now() - SignedDuration::from_hours(24)
            + SignedDuration::from_mins(15 * quarter_hours)
            + SignedDuration::from_secs(seconds);
        let offered = scheduling::free_slots(&a, now(), &[], usize::MAX);
        let expected = offered.iter().find(|s| s.starts_at == at).copied();
        prop_assert_eq!(slot_at(&a, now(), at).ok(), expected);
    }
}

#[test]
fn a_move_keeps_the_id_frees_the_old_slot_and_records_the_event() {
    let old = local(3, 3, 10, 0);
    let (conn, lead, meetings) = booked_lead(&[old]);
    let id = &meetings[0].id;
    let to = local(3, 4, 14, 30);
    let change = reschedule_in(&conn, &tenant(), id, to, &office_hours(), now()).unwrap();
    assert_eq!(change.meeting.id, *id);
    assert_eq!(change.meeting.starts_at, to);
    assert_eq!(change.meeting.ends_at, local(3, 4, 15, 0));
    assert_eq!(change.previous_starts_at, Some(old));
    assert_eq!(change.lead, lead, "the lead does not change");
    assert_eq!(change.search_change, None);
    let stored = store::meetings::get(&conn, &tenant(), id).unwrap().unwrap();
    assert_eq!(stored, change.meeting);
    let booked = store::meetings::booked_starts(&conn, &tenant(), 0).unwrap();
    assert_eq!(booked, [to.as_millisecond()], "the old slot is free");
    assert_eq!(recorded(&conn), ["meeting.rescheduled"]);
    let event = payload(&conn, "meeting.rescheduled");
    assert_eq!(event["data"]["previousStartsAt"], crate::clock::format(old));
    assert_eq!(event["data"]["meeting"]["id"], id.as_str());
    assert_eq!(event["data"]["lead"]["status"], "booked");
}

#[test]
fn a_move_onto_another_meeting_or_of_a_cancelled_one_is_a_conflict() {
    let (conn, _, meetings) = booked_lead(&[local(3, 3, 10, 0), local(3, 3, 11, 0)]);
    let (a, b) = (&meetings[0].id, &meetings[1].id);
    let taken = reschedule_in(
        &conn,
        &tenant(),
        a,
        local(3, 3, 11, 0),
        &office_hours(),
        now(),
    );
    assert!(matches!(taken, Err(Error::Conflict { .. })), "{taken:?}");
    cancel_in(&conn, &tenant(), b, now()).unwrap();
    // Its slot is free now, for the other meeting.
    reschedule_in(
        &conn,
        &tenant(),
        a,
        local(3, 3, 11, 0),
        &office_hours(),
        now(),
    )
    .unwrap();
    let cancelled = reschedule_in(
        &conn,
        &tenant(),
        b,
        local(3, 5, 9, 0),
        &office_hours(),
        now(),
    );
    assert!(
        matches!(cancelled, Err(Error::Conflict { .. })),
        "{cancelled:?}"
    );
}

#[test]
fn an_unknown_or_another_tenants_meeting_is_not_found() {
    let (conn, _, meetings) = booked_lead(&[local(3, 3, 10, 0)]);
    let elsewhere = TenantId::from_stored("other".to_owned());
    let id = &meetings[0].id;
    for (tenant, id) in [(&elsewhere, id.as_str()), (&tenant(), "no-such-meeting")] {
        let moved = reschedule_in(&conn, tenant, id, local(3, 4, 9, 0), &office_hours(), now());
        assert!(
            matches!(moved, Err(Error::NotFound("meeting"))),
            "{moved:?}"
        );
        let cancelled = cancel_in(&conn, tenant, id, now());
        assert!(
            matches!(cancelled, Err(Error::NotFound("meeting"))),
            "{cancelled:?}"
        );
    }
    assert!(recorded(&conn).is_empty());
}

#[test]
fn cancelling_the_only_meeting_makes_the_lead_qualified_again() {
    let (conn, lead, meetings) = booked_lead(&[local(3, 3, 10, 0)]);
    let change = cancel_in(&conn, &tenant(), &meetings[0].id, now()).unwrap();
    assert_eq!(change.meeting.status, MeetingStatus::Cancelled);
    assert_eq!(change.lead.status, LeadStatus::Qualified);
    assert_eq!(change.lead.updated_at, now());
    assert!(
        change.search_change.is_some(),
        "the index must learn the status"
    );
    let stored = store::leads::get(&conn, &tenant(), &lead.id)
        .unwrap()
        .unwrap();
    assert_eq!(stored, change.lead);
    assert!(
        store::meetings::booked_starts(&conn, &tenant(), 0)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        recorded(&conn),
        ["lead.updated", "lead.qualified", "meeting.cancelled"]
    );
    let event = payload(&conn, "meeting.cancelled");
    assert_eq!(event["data"]["meeting"]["status"], "cancelled");
    assert_eq!(event["data"]["lead"]["status"], "qualified");
    let again = cancel_in(&conn, &tenant(), &meetings[0].id, now());
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
}

#[test]
fn a_lead_keeps_booked_while_another_meeting_holds_a_slot() {
    let (conn, _, meetings) = booked_lead(&[local(3, 3, 10, 0), local(3, 3, 11, 0)]);
    let first = cancel_in(&conn, &tenant(), &meetings[0].id, now()).unwrap();
    assert_eq!(first.lead.status, LeadStatus::Booked);
    assert_eq!(first.search_change, None);
    assert_eq!(recorded(&conn), ["meeting.cancelled"]);
    let second = cancel_in(&conn, &tenant(), &meetings[1].id, now()).unwrap();
    assert_eq!(second.lead.status, LeadStatus::Qualified);
}

#[test]
fn a_lead_the_team_moved_on_keeps_its_status() {
    let (conn, lead, meetings) = booked_lead(&[local(3, 3, 10, 0)]);
    let mut nurturing = lead.clone();
    nurturing.status = LeadStatus::Nurturing;
    store::leads::update(&conn, &nurturing).unwrap();
    let change = cancel_in(&conn, &tenant(), &meetings[0].id, now()).unwrap();
    assert_eq!(change.lead.status, LeadStatus::Nurturing);
}

#[test]
fn a_failure_later_in_the_callers_transaction_undoes_the_move() {
    let (mut conn, _, meetings) = booked_lead(&[local(3, 3, 10, 0)]);
    let id = meetings[0].id.clone();
    let tx = conn.transaction().unwrap();
    reschedule_in(
        &tx,
        &tenant(),
        &id,
        local(3, 4, 9, 0),
        &office_hours(),
        now(),
    )
    .unwrap();
    cancel_in(&tx, &tenant(), &id, now()).unwrap();
    drop(tx);
    let stored = store::meetings::get(&conn, &tenant(), &id)
        .unwrap()
        .unwrap();
    assert_eq!(stored, meetings[0]);
    assert!(recorded(&conn).is_empty());
}
