//! Analytics over HTTP: hand-computed fixtures for every endpoint, local days in any time
//! zone (DST, +05:45), window lengths, validation, auth, tenant isolation, and counters that
//! stay exact through lead updates and erasure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Client, TestServer};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::{Value, json};
use synaptiq::domain::leads::{NewLead, Refresh};
use synaptiq::domain::model::{LeadSource, TenantId};

const ENDPOINTS: [&str; 5] = [
    "/api/analytics/overview",
    "/api/analytics/funnel",
    "/api/analytics/activity",
    "/api/analytics/sources",
    "/api/analytics/scores",
];

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

async fn get_ok(api: &Client<'_>, path: &str) -> Value {
    let reply = api.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    reply.body
}

async fn create(api: &Client<'_>, email: &str) -> String {
    let reply = api
        .post("/api/leads", &json!({"name": "Lead", "email": email}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["lead"]["id"].as_str().unwrap().to_owned()
}

async fn set(api: &Client<'_>, id: &str, status: &str, score: u8) {
    let reply = api
        .patch(
            &format!("/api/leads/{id}"),
            &json!({"status": status, "qualificationScore": score}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

/// One chat conversation of `turns` visitor messages; returns the lead it created, if any.
/// Each conversation holds 1 + 2 × turns messages: the greeting, then message and reply.
async fn chat(server: &TestServer, tenant: &str, visitor: &str, messages: &[&str]) -> Value {
    let mut conversation: Option<String> = None;
    let mut lead = Value::Null;
    for message in messages {
        let mut body = json!({"tenantId": tenant, "visitorId": visitor, "message": message});
        if let Some(id) = &conversation {
            body["conversationId"] = id.as_str().into();
        }
        let reply = server.anon().post("/api/chat", &body).await;
        assert_eq!(reply.status, 200, "{message}: {}", reply.text);
        conversation = reply.body["conversationId"].as_str().map(str::to_owned);
        lead = reply.body["lead"].clone();
    }
    lead
}

/// A lead from a CSV import (the CLI goes through the same domain function).
async fn import(server: &TestServer, tenant: &str, email: &str) {
    let input = NewLead {
        name: "Imported".into(),
        email: email.into(),
        phone: None,
        company: None,
        metadata: None,
    };
    let tenant = TenantId::parse("tenant", tenant).unwrap();
    synaptiq::domain::leads::create(
        server.app(),
        &tenant,
        input,
        LeadSource::Import,
        Refresh::Immediate,
    )
    .await
    .unwrap();
}

fn scores(counts: [u64; 10]) -> Value {
    let buckets: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let min = i * 10;
            let max = if i == 9 { 100 } else { min + 9 };
            json!({"min": min, "max": max, "count": count})
        })
        .collect();
    json!({ "scores": buckets })
}

fn days(list: &[(&str, u64)]) -> Value {
    let days: Vec<Value> = list
        .iter()
        .map(|(date, count)| json!({"date": date, "count": count}))
        .collect();
    json!({ "activity": days })
}

/// Six API leads, one captured in the chat, one imported; three conversations.
struct Pipeline {
    qualified: String,
    widget: String,
}

async fn pipeline(server: &TestServer, api: &Client<'_>) -> Pipeline {
    let qualified = create(api, "a@example.com").await;
    set(api, &qualified, "qualified", 78).await;
    let booked = create(api, "b@example.com").await;
    set(api, &booked, "booked", 100).await;
    let out = create(api, "c@example.com").await;
    set(api, &out, "disqualified", 5).await;
    let later = create(api, "d@example.com").await;
    set(api, &later, "nurturing", 10).await;
    let talking = create(api, "e@example.com").await;
    set(api, &talking, "qualifying", 19).await;
    create(api, "f@example.com").await;
    import(server, "default", "i@example.com").await;

    chat(server, "default", "visitor-1", &["Hi there"]).await;
    chat(
        server,
        "default",
        "visitor-2",
        &["Hello", "What do you do?"],
    )
    .await;
    let lead = chat(
        server,
        "default",
        "visitor-3",
        &["Hi, I'm Dana Scully from Initech, dana@initech.com"],
    )
    .await;
    let widget = lead["id"]
        .as_str()
        .expect("the chat captured a lead")
        .to_owned();
    set(api, &widget, "booked", 90).await;
    Pipeline { qualified, widget }
}

// ---------------------------------------------------------------------------------------------
// The figures

#[tokio::test]
async fn every_endpoint_matches_the_hand_computed_pipeline() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    pipeline(&server, &api).await;

    // 3 of 8 leads qualified or booked; 3 + 5 + 3 messages in 3 conversations.
    assert_eq!(
        get_ok(&api, "/api/analytics/overview").await,
        json!({"totalLeads": 8, "totalConversations": 3,
               "avgMessagesPerConversation": 3.67, "conversionRate": 37.5})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/funnel").await,
        json!({"funnel": {"new": 2, "qualifying": 1, "qualified": 1, "booked": 2,
                          "disqualified": 1, "nurturing": 1}})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/sources").await,
        json!({"sources": {"widget": 1, "api": 6, "import": 1}})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/scores").await,
        scores([3, 2, 0, 0, 0, 0, 0, 1, 0, 2])
    );
    let today = || {
        Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
            .to_string()
    };
    let before = today();
    let activity = get_ok(&api, "/api/analytics/activity").await;
    let activity = activity["activity"].as_array().unwrap();
    assert_eq!(activity.len(), 30);
    let last = activity[29]["date"].as_str().unwrap();
    assert!(last == before || last == today(), "{last} is not today");
    let total: u64 = activity.iter().map(|d| d["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 8);
}

#[tokio::test]
async fn an_empty_tenant_has_zeros_everywhere() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    assert_eq!(
        get_ok(&api, "/api/analytics/overview").await,
        json!({"totalLeads": 0, "totalConversations": 0,
               "avgMessagesPerConversation": 0.0, "conversionRate": 0.0})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/funnel").await,
        json!({"funnel": {"new": 0, "qualifying": 0, "qualified": 0, "booked": 0,
                          "disqualified": 0, "nurturing": 0}})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/sources").await,
        json!({"sources": {"widget": 0, "api": 0, "import": 0}})
    );
    assert_eq!(get_ok(&api, "/api/analytics/scores").await, scores([0; 10]));
    let activity = get_ok(&api, "/api/analytics/activity").await;
    let activity = activity["activity"].as_array().unwrap();
    assert_eq!(activity.len(), 30);
    assert!(activity.iter().all(|d| d["count"] == 0), "{activity:?}");
}

#[tokio::test]
async fn counters_follow_updates_and_erasure() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let pipeline = pipeline(&server, &api).await;

    // Qualified 78 → disqualified 3: one conversion fewer, and it moves bucket.
    set(&api, &pipeline.qualified, "disqualified", 3).await;
    // Erasing the chat's lead erases its conversation (3 messages) with it.
    let reply = api.delete(&format!("/api/leads/{}", pipeline.widget)).await;
    assert_eq!(reply.status, 204, "{}", reply.text);

    assert_eq!(
        get_ok(&api, "/api/analytics/overview").await,
        json!({"totalLeads": 7, "totalConversations": 2,
               "avgMessagesPerConversation": 4.0, "conversionRate": 14.29})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/funnel").await,
        json!({"funnel": {"new": 2, "qualifying": 1, "qualified": 0, "booked": 1,
                          "disqualified": 2, "nurturing": 1}})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/sources").await,
        json!({"sources": {"widget": 0, "api": 6, "import": 1}})
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/scores").await,
        scores([4, 2, 0, 0, 0, 0, 0, 0, 0, 1])
    );
    let activity = get_ok(&api, "/api/analytics/activity?days=1").await;
    assert_eq!(activity["activity"][0]["count"], 7);

    // A PATCH that leaves status and score alone changes nothing.
    let reply = api
        .patch(
            &format!("/api/leads/{}", pipeline.qualified),
            &json!({"company": "Acme"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        get_ok(&api, "/api/analytics/scores").await,
        scores([4, 2, 0, 0, 0, 0, 0, 0, 0, 1])
    );
}

#[tokio::test]
async fn counts_survive_a_restart() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    pipeline(&server, &api).await;
    let server = server.restart().await;
    let api = server.as_key(&key);
    assert_eq!(
        get_ok(&api, "/api/analytics/overview").await["totalLeads"],
        8
    );
}

// ---------------------------------------------------------------------------------------------
// Local days

#[tokio::test]
async fn a_lead_late_in_the_utc_evening_counts_on_each_zones_local_day() {
    let (server, _clock) = TestServer::start_at_time(at("2026-03-10T23:30:00Z")).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create(&api, "late@example.com").await;

    let activity = |tz: &str| format!("/api/analytics/activity?days=2&tz={tz}");
    // 00:30 on the 11th in Amsterdam (UTC+1 in March).
    assert_eq!(
        get_ok(&api, &activity("Europe/Amsterdam")).await,
        days(&[("2026-03-10", 0), ("2026-03-11", 1)])
    );
    // 19:30 on the 10th in New York (already on daylight time, UTC-4).
    assert_eq!(
        get_ok(&api, &activity("America/New_York")).await,
        days(&[("2026-03-09", 0), ("2026-03-10", 1)])
    );
    assert_eq!(
        get_ok(&api, &activity("UTC")).await,
        days(&[("2026-03-09", 0), ("2026-03-10", 1)])
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/activity?days=2").await,
        days(&[("2026-03-09", 0), ("2026-03-10", 1)])
    );
}

#[tokio::test]
async fn kathmandu_days_turn_at_18_15_utc() {
    let (server, clock) = TestServer::start_at_time(at("2026-03-10T18:14:59.999Z")).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create(&api, "before@example.com").await; // 23:59:59.999 on the 10th, +05:45
    clock.advance(SignedDuration::from_millis(1));
    create(&api, "midnight@example.com").await; // 00:00 on the 11th
    create(&api, "also@example.com").await;

    assert_eq!(
        get_ok(&api, "/api/analytics/activity?days=2&tz=Asia/Kathmandu").await,
        days(&[("2026-03-10", 1), ("2026-03-11", 2)])
    );
    // India (+05:30) and UTC see all three on the 10th.
    for tz in ["Asia/Kolkata", "UTC"] {
        assert_eq!(
            get_ok(&api, &format!("/api/analytics/activity?days=1&tz={tz}")).await,
            days(&[("2026-03-10", 3)]),
            "{tz}"
        );
    }
}

/// 2026-03-29 in Amsterdam has 23 hours: from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
#[tokio::test]
async fn the_day_clocks_spring_forward_is_23_hours_long() {
    let (server, clock) = TestServer::start_at_time(at("2026-03-28T22:59:00Z")).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let step = |minutes: i64| clock.advance(SignedDuration::from_mins(minutes));
    create(&api, "d1@example.com").await; // 23:59 on the 28th (+01:00)
    step(1);
    create(&api, "d2@example.com").await; // 00:00 on the 29th
    step(22 * 60 + 59);
    create(&api, "d3@example.com").await; // 21:59Z: 23:59 on the 29th (+02:00)
    step(31);
    create(&api, "d4@example.com").await; // 22:30Z: 00:30 on the 30th
    step(11 * 60 + 30);

    assert_eq!(
        get_ok(&api, "/api/analytics/activity?days=3&tz=Europe/Amsterdam").await,
        days(&[("2026-03-28", 1), ("2026-03-29", 2), ("2026-03-30", 1)])
    );
    assert_eq!(
        get_ok(&api, "/api/analytics/activity?days=3").await,
        days(&[("2026-03-28", 2), ("2026-03-29", 2), ("2026-03-30", 0)])
    );
}

/// 2026-11-01 in New York has 25 hours: from 04:00Z to 05:00Z the next day.
#[tokio::test]
async fn the_day_clocks_fall_back_is_25_hours_long() {
    let (server, clock) = TestServer::start_at_time(at("2026-11-01T04:00:00Z")).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create(&api, "f1@example.com").await; // 00:00 EDT
    clock.advance(SignedDuration::from_hours(24) + SignedDuration::from_mins(59));
    create(&api, "f2@example.com").await; // 04:59Z on the 2nd: 23:59 EST on the 1st
    clock.advance(SignedDuration::from_mins(1));
    create(&api, "f3@example.com").await; // 00:00 EST on the 2nd

    assert_eq!(
        get_ok(&api, "/api/analytics/activity?days=2&tz=America/New_York").await,
        days(&[("2026-11-01", 2), ("2026-11-02", 1)])
    );
}

#[tokio::test]
async fn windows_have_exactly_the_requested_days_ending_today() {
    let start = at("2025-01-01T12:00:00Z");
    let (server, clock) = TestServer::start_at_time(start).await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create(&api, "old@example.com").await; // 2025-01-01: 400 days before "today"
    clock.advance(SignedDuration::from_hours(24 * 36));
    create(&api, "year@example.com").await; // 2025-02-06: 364 days before
    clock.advance(SignedDuration::from_hours(24 * 364));
    create(&api, "today@example.com").await; // 2026-02-05

    let today = jiff::civil::date(2026, 2, 5);
    for (query, expected) in [
        ("days=1", 1_i64),
        ("", 30),
        ("days=30", 30),
        ("days=365", 365),
    ] {
        let body = get_ok(&api, &format!("/api/analytics/activity?{query}")).await;
        let list = body["activity"].as_array().unwrap();
        assert_eq!(list.len() as i64, expected, "{query}");
        let dates: Vec<String> = list
            .iter()
            .map(|d| d["date"].as_str().unwrap().to_owned())
            .collect();
        let first = today.checked_sub((expected - 1).days()).unwrap();
        let wanted: Vec<String> = first
            .series(1.day())
            .take(expected as usize)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            dates, wanted,
            "{query}: consecutive, oldest first, ending today"
        );
        let total: u64 = list.iter().map(|d| d["count"].as_u64().unwrap()).sum();
        let in_window = if expected == 365 { 2 } else { 1 };
        assert_eq!(total, in_window, "{query}");
    }
    let year = get_ok(&api, "/api/analytics/activity?days=365").await;
    assert_eq!(
        year["activity"][0],
        json!({"date": "2025-02-06", "count": 1})
    );
}

// ---------------------------------------------------------------------------------------------
// Validation, auth, tenants

#[tokio::test]
async fn days_and_tz_are_validated() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    for bad in ["0", "366", "-1", "abc", "1.5", ""] {
        let reply = api
            .get(&format!("/api/analytics/activity?days={bad}"))
            .await;
        assert_eq!(reply.status, 400, "days={bad}: {}", reply.text);
        assert!(
            reply.error().starts_with("days: "),
            "days={bad}: {}",
            reply.text
        );
    }
    for bad in ["Mars/Nowhere", "", "Europe", "%2B05:00"] {
        let reply = api.get(&format!("/api/analytics/activity?tz={bad}")).await;
        assert_eq!(reply.status, 400, "tz={bad}: {}", reply.text);
        assert!(
            reply.error().starts_with("tz: "),
            "tz={bad}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn analytics_need_a_key_or_an_admin_session() {
    let server = TestServer::start().await;
    for path in ENDPOINTS {
        let reply = server.anon().get(path).await;
        assert_eq!(reply.status, 401, "{path}: {}", reply.text);
        reply.error();
        let reply = server.as_key("sq_not_a_key").get(path).await;
        assert_eq!(reply.status, 401, "{path}: {}", reply.text);
    }
    let admin = server.as_admin().await;
    for path in ENDPOINTS {
        get_ok(&admin, path).await;
    }
}

#[tokio::test]
async fn each_tenant_sees_only_its_own_pipeline() {
    let server = TestServer::start().await;
    server.tenant("other").await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let other_key = server
        .key_for("other", synaptiq::domain::model::Tier::Enterprise)
        .await;
    let other = server.as_key(&other_key);
    pipeline(&server, &api).await;
    let theirs = create(&other, "a@example.com").await;
    set(&other, &theirs, "booked", 55).await;
    import(&server, "other", "z@example.com").await;
    chat(&server, "other", "visitor-x", &["Hi", "Pricing?", "Thanks"]).await;

    assert_eq!(
        get_ok(&api, "/api/analytics/overview").await,
        json!({"totalLeads": 8, "totalConversations": 3,
               "avgMessagesPerConversation": 3.67, "conversionRate": 37.5})
    );
    assert_eq!(
        get_ok(&other, "/api/analytics/overview").await,
        json!({"totalLeads": 2, "totalConversations": 1,
               "avgMessagesPerConversation": 7.0, "conversionRate": 50.0})
    );
    assert_eq!(
        get_ok(&other, "/api/analytics/funnel").await,
        json!({"funnel": {"new": 1, "qualifying": 0, "qualified": 0, "booked": 1,
                          "disqualified": 0, "nurturing": 0}})
    );
    assert_eq!(
        get_ok(&other, "/api/analytics/sources").await,
        json!({"sources": {"widget": 0, "api": 1, "import": 1}})
    );
    assert_eq!(
        get_ok(&other, "/api/analytics/scores").await,
        scores([1, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    );
    let activity = get_ok(&other, "/api/analytics/activity?days=1").await;
    assert_eq!(activity["activity"][0]["count"], 2);

    // The admin session acts on the tenant its header names.
    let admin = server
        .as_admin()
        .await
        .with_header("x-synaptiq-tenant", "other");
    assert_eq!(
        get_ok(&admin, "/api/analytics/overview").await["totalLeads"],
        2
    );
}
