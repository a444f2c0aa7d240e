//! Privacy: everything held about a lead in one export, erasure that takes the lead out of
//! search and out of pending webhook payloads, and conversation retention.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Client, TestServer};
use serde_json::{Value, json};
use synaptiq::clock::ManualClock;

/// Keeps the idle-conversation sweeper from touching the conversations these tests age.
const NEVER_IDLE: Duration = Duration::from_secs(365 * 24 * 3600);

/// A webhook on a port nobody listens on, retried only after an hour: its deliveries stay
/// pending, as they would while a receiver is down.
async fn pending_webhook(api: &Client<'_>) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let reply = api
        .post(
            "/api/admin/webhooks",
            &json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": ["*"]}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["webhook"]["id"].as_str().unwrap().to_owned()
}

async fn start() -> TestServer {
    TestServer::start_with(|c| {
        c.webhooks.allowed_hosts.loopback = true;
        c.webhooks.retry_delays = vec![Duration::from_secs(3600)];
    })
    .await
}

async fn say(server: &TestServer, visitor: &str, conversation: Option<&str>, text: &str) -> Value {
    let mut body = json!({"tenantId": "default", "visitorId": visitor, "message": text});
    if let Some(id) = conversation {
        body["conversationId"] = id.into();
    }
    let reply = server.anon().post("/api/chat", &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// A visitor who gives their name, company and email: a lead with a conversation.
async fn lead_from_chat(server: &TestServer, visitor: &str, email: &str) -> (String, String) {
    let first = say(server, visitor, None, "Hi, I'm Dana Privacy from Acme").await;
    let conversation = first["conversationId"].as_str().unwrap().to_owned();
    let second = say(server, visitor, Some(&conversation), email).await;
    let lead = second["lead"]["id"].as_str().unwrap().to_owned();
    (lead, conversation)
}

async fn deliveries(api: &Client<'_>, webhook: &str) -> Vec<Value> {
    let reply = api
        .get(&format!(
            "/api/admin/webhooks/{webhook}/deliveries?limit=500"
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["deliveries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_lead_export_holds_its_conversations_meetings_events_and_deliveries() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let webhook = pending_webhook(&api).await;
    let (lead, conversation) = lead_from_chat(&server, "visitor-dana", "dana@acme.example").await;
    let patched = api
        .patch(
            &format!("/api/leads/{lead}"),
            &json!({"status": "qualified"}),
        )
        .await;
    assert_eq!(patched.status, 200);

    let export = api.get(&format!("/api/leads/{lead}/export")).await;
    assert_eq!(export.status, 200, "{}", export.text);
    let body = &export.body;
    assert_eq!(body["lead"]["email"], "dana@acme.example");
    let conversations = body["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0]["id"], conversation.as_str());
    let messages = conversations[0]["messages"].as_array().unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m["role"] == "user" && m["content"] == "dana@acme.example"),
        "{messages:?}"
    );
    assert!(body["meetings"].as_array().unwrap().is_empty());
    let events: Vec<&str> = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for kind in ["lead.created", "lead.updated", "lead.qualified"] {
        assert!(events.contains(&kind), "{kind} in {events:?}");
    }
    let carried: Vec<&str> = body["webhookDeliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["webhookId"], webhook.as_str());
            d["event"].as_str().unwrap()
        })
        .collect();
    for kind in ["lead.created", "lead.updated", "lead.qualified"] {
        assert!(carried.contains(&kind), "{kind} in {carried:?}");
    }
    // Another lead's deliveries are not in it.
    common::create_lead(&api, "Other Person", "other@example.com", None).await;
    let again = api.get(&format!("/api/leads/{lead}/export")).await;
    assert_eq!(
        again.body["webhookDeliveries"].as_array().unwrap().len(),
        carried.len()
    );
}

#[tokio::test]
async fn erasing_a_lead_leaves_only_its_deleted_event_and_takes_it_out_of_search() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let webhook = pending_webhook(&api).await;
    let lead = common::create_lead(&api, "Erin Erased", "erin@erase.example", None).await;
    let id = lead["id"].as_str().unwrap();
    let kept = common::create_lead(&api, "Kim Kept", "kim@keep.example", None).await;
    let patched = api
        .patch(&format!("/api/leads/{id}"), &json!({"company": "Erase Co"}))
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(deliveries(&api, &webhook).await.len(), 3);

    let deleted = api
        .delete(&format!("/api/leads/{id}?refresh=wait_for"))
        .await;
    assert_eq!(deleted.status, 204);

    let left = deliveries(&api, &webhook).await;
    let events: Vec<&str> = left.iter().map(|d| d["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["lead.deleted", "lead.created"]);
    for delivery in &left {
        let detail = api
            .get(&format!(
                "/api/admin/webhook-deliveries/{}",
                delivery["id"].as_str().unwrap()
            ))
            .await;
        let about = &detail.body["delivery"]["payload"]["data"]["id"];
        match delivery["event"].as_str().unwrap() {
            "lead.deleted" => assert_eq!(about, id),
            _ => assert_eq!(about, &kept["id"]),
        }
    }
    let outbox = api.get("/api/admin/events?limit=500").await;
    let about_erased: Vec<&str> = outbox.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["payload"]["data"]["id"] == id)
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(about_erased, ["lead.deleted"]);
    let found = api.get("/api/leads?q=erin").await;
    assert_eq!(found.body["leads"], json!([]));
    assert_eq!(server.app().leads_index.num_docs(), 1);
}

#[tokio::test]
async fn retention_deletes_conversations_idle_for_longer_than_the_setting() {
    let start_at: jiff::Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
    let clock = std::sync::Arc::new(ManualClock::new(start_at));
    let server = TestServer::start_with_clock(clock.clone(), |c| {
        c.retention_days = Some(30);
        c.conversation_idle_timeout = NEVER_IDLE;
    })
    .await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (lead, old) = lead_from_chat(&server, "visitor-old", "old@keep.example").await;
    clock.advance(jiff::SignedDuration::from_hours(24 * 20));
    let recent = say(&server, "visitor-new", None, "Hello, anyone there?").await;
    let recent = recent["conversationId"].as_str().unwrap().to_owned();
    clock.advance(jiff::SignedDuration::from_hours(24 * 11));

    let deleted = synaptiq::jobs::retention::purge(server.app())
        .await
        .unwrap();

    assert_eq!(deleted, 1);
    assert_eq!(
        api.get(&format!("/api/conversations/{old}")).await.status,
        404
    );
    assert_eq!(
        api.get(&format!("/api/conversations/{recent}"))
            .await
            .status,
        200
    );
    // The lead stays; only the conversation (and its messages) went.
    assert_eq!(api.get(&format!("/api/leads/{lead}")).await.status, 200);
    let overview = api.get("/api/analytics/overview").await;
    assert_eq!(overview.body["totalConversations"], 1);
}

#[tokio::test]
async fn retention_runs_at_start_up_and_is_off_by_default() {
    let long_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 40);
    let clock = std::sync::Arc::new(ManualClock::new(long_ago));
    let server =
        TestServer::start_with_clock(clock, |c| c.conversation_idle_timeout = NEVER_IDLE).await;
    let key = server.key().await;
    let (_, old) = lead_from_chat(&server, "visitor-ago", "ago@keep.example").await;
    // Off by default: a restart keeps it.
    let server = server
        .restart_with(|c| c.conversation_idle_timeout = NEVER_IDLE)
        .await;
    let api = server.as_key(&key);
    assert_eq!(
        api.get(&format!("/api/conversations/{old}")).await.status,
        200
    );

    let server = server
        .restart_with(|c| {
            c.retention_days = Some(30);
            c.conversation_idle_timeout = NEVER_IDLE;
        })
        .await;
    let api = server.as_key(&key);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while api.get(&format!("/api/conversations/{old}")).await.status != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "not deleted at start-up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
