//! Moving and cancelling meetings over HTTP: `POST /api/meetings/{id}/reschedule`,
//! `DELETE /api/meetings/{id}`, the free slots, their events and the lead's status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;

use common::{Client, Reply, TestServer};
use jiff::Timestamp;
use serde_json::{Value, json};
use synaptiq::clock::ManualClock;
use synaptiq::domain::model::Tier;

/// Monday 2 March 2026, 08:00 UTC (09:00 in Amsterdam).
const NOW: &str = "2026-03-02T08:00:00Z";

async fn start() -> (TestServer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(NOW.parse().unwrap()));
    let server = TestServer::start_with_clock(clock.clone(), |c| {
        c.rate_limits.public = NonZeroU32::new(100_000).unwrap();
        c.webhooks.allowed_hosts.loopback = true;
    })
    .await;
    (server, clock)
}

fn ok(reply: &Reply, status: u16, what: &str) -> Value {
    assert_eq!(reply.status, status, "{what}: {}", reply.text);
    reply.body.clone()
}

async fn reschedule(api: &Client<'_>, meeting: &str, starts_at: &str) -> Reply {
    api.post(
        &format!("/api/meetings/{meeting}/reschedule"),
        &json!({ "startsAt": starts_at }),
    )
    .await
}

async fn meeting(api: &Client<'_>, lead: &str) -> Vec<Value> {
    let reply = api.get(&format!("/api/leads/{lead}/meetings")).await;
    ok(&reply, 200, "lead's meetings")["meetings"]
        .as_array()
        .unwrap()
        .clone()
}

async fn lead(api: &Client<'_>, id: &str) -> Value {
    ok(&api.get(&format!("/api/leads/{id}")).await, 200, "lead")["lead"].clone()
}

/// The outbox's envelopes of one event type, newest first.
async fn events(api: &Client<'_>, kind: &str) -> Vec<Value> {
    let reply = api.get(&format!("/api/admin/events?type={kind}")).await;
    ok(&reply, 200, "events")["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["payload"].clone())
        .collect()
}

fn starts(slots: &Value) -> Vec<String> {
    slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["startsAt"].as_str().unwrap().to_owned())
        .collect()
}

fn later(at: &str, minutes: i64) -> String {
    let ts: Timestamp = at.parse().unwrap();
    synaptiq::clock::format(ts + jiff::SignedDuration::from_mins(minutes))
}

#[tokio::test]
async fn a_meeting_moves_to_a_free_slot_keeping_its_id_and_frees_its_old_one() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let (_, lead_a, a) =
        common::book_meeting(&server, "default", "visitor-a", "ann@a.example.com").await;
    let (_, _, b) =
        common::book_meeting(&server, "default", "visitor-b", "bob@b.example.com").await;
    let old = meeting(&api, &lead_a).await[0]["startsAt"]
        .as_str()
        .unwrap()
        .to_owned();

    // The free slots leave out both booked times; take the last of them.
    let slots = ok(&api.get("/api/meetings/slots?limit=20").await, 200, "slots");
    assert_eq!(slots["timezone"], "UTC", "{slots}");
    let free = starts(&slots);
    assert_eq!(free.len(), 20, "{slots}");
    assert!(!free.contains(&old), "{slots}");
    let target = free.last().unwrap().clone();

    let moved = ok(&reschedule(&api, &a, &target).await, 200, "reschedule");
    let m = &moved["meeting"];
    assert_eq!(m["id"], a.as_str());
    assert_eq!(m["leadId"], lead_a.as_str());
    assert_eq!(m["startsAt"], target.as_str());
    assert_eq!(m["endsAt"], later(&target, 30).as_str());
    assert_eq!(m["status"], "booked");
    // Same shape as the lists show it.
    assert_eq!(&meeting(&api, &lead_a).await[0], m);

    // The old slot is free at once: offered again (the chat's offers spread over days, so
    // it may lie beyond the first twenty), and another meeting can move there.
    let free = starts(&ok(
        &api.get("/api/meetings/slots?limit=100").await,
        200,
        "slots",
    ));
    assert!(free.contains(&old) && !free.contains(&target), "{free:?}");
    ok(
        &reschedule(&api, &b, &old).await,
        200,
        "move b to a's old time",
    );

    // The calendar file keeps its UID and shows the new time.
    let ics = api.get(&format!("/api/meetings/{a}.ics")).await;
    assert_eq!(ics.status, 200);
    assert!(ics.text.contains(&format!("UID:{a}@")), "{}", ics.text);
    let dtstart = target.replace(['-', ':'], "").replace(".000", "");
    assert!(
        ics.text.contains(&format!("DTSTART:{dtstart}")),
        "{}",
        ics.text
    );

    // meeting.rescheduled: the meeting, its lead, and where it was.
    let rescheduled = events(&api, "meeting.rescheduled").await;
    assert_eq!(rescheduled.len(), 2, "{rescheduled:?}");
    let envelope = rescheduled
        .iter()
        .find(|e| e["data"]["meeting"]["id"] == a.as_str())
        .unwrap();
    assert_eq!(envelope["event"], "meeting.rescheduled");
    assert!(envelope["timestamp"].is_string());
    assert_eq!(&envelope["data"]["meeting"], m);
    assert_eq!(envelope["data"]["previousStartsAt"], old.as_str());
    assert_eq!(envelope["data"]["lead"], lead(&api, &lead_a).await);
    assert_eq!(envelope["data"]["lead"]["status"], "booked");

    // A move to the time the meeting already has changes nothing and fires nothing.
    let same = ok(&reschedule(&api, &a, &target).await, 200, "same time");
    assert_eq!(&same["meeting"], m);
    assert_eq!(events(&api, "meeting.rescheduled").await.len(), 2);
}

#[tokio::test]
async fn a_move_to_a_time_that_is_not_a_free_slot_is_refused() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let (_, lead_a, a) =
        common::book_meeting(&server, "default", "visitor-a", "ann@a.example.com").await;
    let (_, _, b) =
        common::book_meeting(&server, "default", "visitor-b", "bob@b.example.com").await;
    let settings = api
        .patch(
            "/api/admin/settings",
            &json!({"availability": {
                "timezone": "Europe/Amsterdam",
                "weekdays": ["mon", "tue", "wed", "thu", "fri"],
                "startTime": "09:00",
                "endTime": "17:00",
                "slotMinutes": 30,
                "minimumNoticeMinutes": 240,
                "horizonDays": 14
            }}),
        )
        .await;
    ok(&settings, 200, "settings");
    let before = meeting(&api, &lead_a).await;

    // Another meeting's time: 409.
    ok(
        &reschedule(&api, &b, "2026-03-04T09:00:00Z").await,
        200,
        "move b",
    );
    let taken = reschedule(&api, &a, "2026-03-04T09:00:00.000Z").await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert!(taken.error().contains("another meeting"), "{}", taken.text);

    // Not a slot of the availability (Amsterdam is UTC+1 in March): 400 naming startsAt.
    for (starts_at, why) in [
        ("2026-03-03T09:10:00Z", "meeting slot"), // not on a slot start
        ("2026-03-03T09:00:30Z", "meeting slot"), // seconds off
        ("2026-03-03T07:30:00Z", "meeting slot"), // 08:30 local, before the hours
        ("2026-03-03T16:00:00Z", "meeting slot"), // 17:00 local: would end after 17:00
        ("2026-03-07T09:00:00Z", "meeting slot"), // a Saturday
        ("2026-03-02T10:00:00Z", "minimum notice"), // today 11:00 local, within 4 hours
        ("2026-03-01T09:00:00Z", "meeting slot"), // the past (a Sunday)
        ("2026-02-27T09:00:00Z", "minimum notice"), // the past (a Friday)
        ("2026-03-17T09:00:00Z", "horizon"),      // 15 days ahead
        ("tomorrow at 10", "RFC 3339"),
        ("2026-03-03", "RFC 3339"),
    ] {
        let reply = reschedule(&api, &a, starts_at).await;
        assert_eq!(reply.status, 400, "{starts_at}: {}", reply.text);
        let error = reply.error();
        assert!(
            error.contains("startsAt") && error.contains(why),
            "{starts_at}: {error}"
        );
    }
    for (body, field) in [
        (
            json!({"startsAt": "2026-03-03T09:00:00Z", "endsAt": "x"}),
            "endsAt",
        ),
        // poem-openapi names the expected type of a missing or mistyped field, not its name.
        (json!({}), "date-time"),
        (json!({"startsAt": 5}), "date-time"),
    ] {
        let reply = api
            .post(&format!("/api/meetings/{a}/reschedule"), &body)
            .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert!(reply.error().contains(field), "{body}: {}", reply.text);
    }
    assert_eq!(meeting(&api, &lead_a).await, before, "nothing moved");
    assert!(events(&api, "meeting.rescheduled").await.len() == 1);

    // A slot in the tenant's zone, written with an offset, is one.
    let moved = ok(
        &reschedule(&api, &a, "2026-03-03T10:30:00+01:00").await,
        200,
        "a slot with an offset",
    );
    assert_eq!(moved["meeting"]["startsAt"], "2026-03-03T09:30:00.000Z");
    assert_eq!(moved["meeting"]["endsAt"], "2026-03-03T10:00:00.000Z");

    // Unknown meeting; a cancelled one.
    let unknown = reschedule(
        &api,
        &uuid::Uuid::now_v7().to_string(),
        "2026-03-03T09:00:00Z",
    )
    .await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    assert_eq!(unknown.error(), "meeting not found");
    ok(
        &api.delete(&format!("/api/meetings/{a}")).await,
        204,
        "cancel",
    );
    let cancelled = reschedule(&api, &a, "2026-03-03T09:00:00Z").await;
    assert_eq!(cancelled.status, 409, "{}", cancelled.text);
    assert!(
        cancelled.error().contains("cancelled"),
        "{}",
        cancelled.text
    );
}

#[tokio::test]
async fn another_tenants_meeting_cannot_be_moved_or_cancelled() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let (_, lead_a, a) =
        common::book_meeting(&server, "default", "visitor-a", "ann@a.example.com").await;
    server.tenant("other").await;
    let other_key = server.key_for("other", Tier::Enterprise).await;
    let other = server.as_key(&other_key);
    common::open_calendar(&other).await;
    let before = meeting(&api, &lead_a).await;
    let free = starts(&ok(&other.get("/api/meetings/slots").await, 200, "slots"));

    let reply = reschedule(&other, &a, &free[0]).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    assert!(!reply.text.contains(&lead_a), "{}", reply.text);
    let reply = other.delete(&format!("/api/meetings/{a}")).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
    assert_eq!(meeting(&api, &lead_a).await, before);
    assert!(events(&other, "meeting.rescheduled").await.is_empty());
    assert!(events(&api, "meeting.rescheduled").await.is_empty());
    assert!(events(&api, "meeting.cancelled").await.is_empty());
}

#[tokio::test]
async fn cancelling_a_leads_only_meeting_makes_it_qualified_again() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let (_, lead_a, a) =
        common::book_meeting(&server, "default", "visitor-a", "ann@a.example.com").await;
    assert_eq!(lead(&api, &lead_a).await["status"], "booked");
    let updates_before = events(&api, "lead.updated").await.len();

    let reply = api.delete(&format!("/api/meetings/{a}")).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let now = lead(&api, &lead_a).await;
    assert_eq!(now["status"], "qualified", "{now}");
    assert_eq!(meeting(&api, &lead_a).await[0]["status"], "cancelled");

    let cancelled = events(&api, "meeting.cancelled").await;
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");
    assert_eq!(cancelled[0]["event"], "meeting.cancelled");
    assert_eq!(cancelled[0]["data"]["meeting"]["id"], a.as_str());
    assert_eq!(cancelled[0]["data"]["meeting"]["status"], "cancelled");
    assert_eq!(cancelled[0]["data"]["lead"], now);
    let updated = events(&api, "lead.updated").await;
    assert_eq!(updated.len(), updates_before + 1);
    assert_eq!(
        updated[0]["data"], now,
        "lead.updated carries the lead as it is now"
    );

    // Again: 409, and nothing more fires.
    let again = api.delete(&format!("/api/meetings/{a}")).await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(events(&api, "meeting.cancelled").await.len(), 1);
    let unknown = api
        .delete(&format!("/api/meetings/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
}

#[tokio::test]
async fn a_lead_with_another_booked_meeting_stays_booked() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let (_, lead_a, a) =
        common::book_meeting(&server, "default", "visitor-a", "ann@a.example.com").await;
    let (_, lead_b, b) =
        common::book_meeting(&server, "default", "visitor-b", "bob@b.example.com").await;
    // One person: the second lead's meeting moves to the first lead.
    let merged = api
        .post(
            &format!("/api/leads/{lead_a}/merge"),
            &json!({ "from": lead_b }),
        )
        .await;
    ok(&merged, 200, "merge");
    assert_eq!(meeting(&api, &lead_a).await.len(), 2);

    ok(
        &api.delete(&format!("/api/meetings/{a}")).await,
        204,
        "cancel a",
    );
    assert_eq!(lead(&api, &lead_a).await["status"], "booked");
    let cancelled = events(&api, "meeting.cancelled").await;
    assert_eq!(cancelled[0]["data"]["lead"]["status"], "booked");

    ok(
        &api.delete(&format!("/api/meetings/{b}")).await,
        204,
        "cancel b",
    );
    assert_eq!(lead(&api, &lead_a).await["status"], "qualified");
}

#[tokio::test]
async fn webhooks_subscribe_to_the_meeting_events() {
    let (server, _clock) = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let reply = api
        .post(
            "/api/admin/webhooks",
            &json!({"url": "http://127.0.0.1:9/hook", "events": ["meeting.rescheduled", "meeting.cancelled"]}),
        )
        .await;
    let created = ok(&reply, 201, "webhook");
    assert_eq!(
        created["webhook"]["events"],
        json!(["meeting.rescheduled", "meeting.cancelled"])
    );
    let reply = api
        .post(
            "/api/admin/webhooks",
            &json!({"url": "http://127.0.0.1:9/hook", "events": ["meeting.moved"]}),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(
        reply.error().contains("meeting.cancelled"),
        "{}",
        reply.text
    );
}
