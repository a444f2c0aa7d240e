//! Who the visitor is and where: the browser's `context` on `POST /api/chat` (stored on the
//! conversation for the team), visitors who are not buyers pointed to the tenant's `routes`
//! with no sales questions, and a request for a person recorded as a handoff.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;

use common::TestServer;
use serde_json::{Value, json};

async fn start() -> TestServer {
    TestServer::start_with(|c| c.rate_limits.public = NonZeroU32::new(100_000).unwrap()).await
}

async fn say(server: &TestServer, body: Value) -> Value {
    let reply = server.anon().post("/api/chat", &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn the_browsers_context_is_kept_on_the_conversation() {
    let server = start().await;
    let api = server.as_key(&server.key().await);
    let first = say(
        &server,
        json!({"tenantId": "default", "visitorId": "ctx-1", "message": "hi",
               "context": {"timezone": "America/Chicago", "locale": "en-US",
                           "pageUrl": "https://example.com/pricing?utm_source=newsletter&utm_campaign=winter&x=1",
                           "pageTitle": "Pricing", "referrer": "https://www.google.com/"}}),
    )
    .await;
    let id = first["conversationId"].as_str().unwrap();
    // The next page: latest values win, pages accumulate, UTM stays from the page that had it.
    say(
        &server,
        json!({"tenantId": "default", "visitorId": "ctx-1", "conversationId": id,
               "message": "what does it cost?",
               "context": {"pageUrl": "https://example.com/security", "timezone": "Mars/Olympus"}}),
    )
    .await;
    let conversation = api.get(&format!("/api/conversations/{id}")).await;
    assert_eq!(conversation.status, 200, "{}", conversation.text);
    let context = &conversation.body["conversation"]["context"];
    assert_eq!(context["timezone"], "America/Chicago", "{context}");
    assert_eq!(context["locale"], "en-US");
    assert_eq!(context["pageUrl"], "https://example.com/security");
    assert_eq!(context["pageTitle"], "Pricing");
    assert_eq!(context["referrer"], "https://www.google.com/");
    assert_eq!(
        context["pagesSeen"],
        json!([
            "https://example.com/pricing?utm_source=newsletter&utm_campaign=winter&x=1",
            "https://example.com/security"
        ])
    );
    assert_eq!(
        context["utm"],
        json!({"source": "newsletter", "campaign": "winter"})
    );
    assert_eq!(conversation.body["conversation"]["handoff"], Value::Null);
}

#[tokio::test]
async fn a_bad_context_is_refused_naming_the_field() {
    let server = start().await;
    for (context, field) in [
        (json!({"pageUrl": "x".repeat(2001)}), "context.pageUrl"),
        (json!({"color": "blue"}), "color"),
        (json!("Europe/Berlin"), "context"),
    ] {
        let reply = server
            .anon()
            .post(
                "/api/chat",
                &json!({"tenantId": "default", "visitorId": "ctx-bad", "message": "hi", "context": context}),
            )
            .await;
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert!(reply.error().contains(field), "{field}: {}", reply.error());
    }
}

async fn routed_tenant(server: &TestServer) -> String {
    server.tenant("routed").await;
    let key = server
        .key_for("routed", synaptiq::domain::model::Tier::Pro)
        .await;
    let reply = server
        .as_key(&key)
        .patch(
            "/api/admin/settings",
            &json!({"routes": {"careersUrl": "https://acme.example/careers",
                               "supportEmail": "help@acme.example",
                               "supportUrl": "https://help.acme.example",
                               "otherVisitors": "Students and vendors: please write to hello@acme.example."}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body["settings"]["routes"]["careersUrl"],
        "https://acme.example/careers"
    );
    key
}

#[tokio::test]
async fn routes_are_validated() {
    let server = start().await;
    let api = server.as_key(&server.key().await);
    for (routes, field) in [
        (
            json!({"careersUrl": "javascript:alert(1)"}),
            "routes.careersUrl",
        ),
        (
            json!({"supportEmail": "not an email"}),
            "routes.supportEmail",
        ),
        (
            json!({"otherVisitors": "x".repeat(501)}),
            "routes.otherVisitors",
        ),
        (json!({"fax": "123"}), "fax"),
    ] {
        let reply = api
            .patch("/api/admin/settings", &json!({ "routes": routes }))
            .await;
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert!(reply.error().contains(field), "{field}: {}", reply.error());
    }
}

#[tokio::test]
async fn visitors_who_are_not_buyers_are_pointed_elsewhere_without_sales_questions() {
    let server = start().await;
    routed_tenant(&server).await;
    for (visitor, messages, pointer) in [
        (
            "job",
            [
                "Hi, are you hiring? I'd love to apply for a frontend role",
                "ok thanks",
            ],
            "https://acme.example/careers",
        ),
        (
            "support",
            [
                "we're customers and our inbox has been down all morning",
                "anything else I can do?",
            ],
            "help@acme.example",
        ),
        (
            "student",
            [
                "I'm a student writing my thesis on chatbots, could I interview someone?",
                "thanks",
            ],
            "hello@acme.example",
        ),
    ] {
        let mut conversation: Option<String> = None;
        for (i, message) in messages.iter().enumerate() {
            let mut body = json!({"tenantId": "routed", "visitorId": visitor, "message": message});
            if let Some(id) = &conversation {
                body["conversationId"] = id.as_str().into();
            }
            let answer = say(&server, body).await;
            conversation = answer["conversationId"].as_str().map(str::to_owned);
            let text = answer["reply"]["content"].as_str().unwrap().to_lowercase();
            if i == 0 {
                assert!(text.contains(pointer), "{visitor}: {text}");
            }
            for sales in [
                "budget",
                "how many people",
                "your role",
                "email",
                "get started",
            ] {
                assert!(
                    !text.contains(sales) || text.contains(pointer),
                    "{visitor} was asked a sales question: {text}"
                );
            }
            assert!(answer["lead"].is_null(), "{visitor}: {answer}");
        }
    }
}

#[tokio::test]
async fn asking_for_a_person_is_recorded_as_a_handoff() {
    let server = start().await;
    let api = server.as_key(&server.key().await);
    let answer = say(
        &server,
        json!({"tenantId": "default", "visitorId": "human", "message": "can I talk to a real person please?"}),
    )
    .await;
    let text = answer["reply"]["content"].as_str().unwrap();
    assert!(
        text.contains("Nobody from the team is live"),
        "the reply is honest about who is there: {text}"
    );
    let kinds: Vec<&str> = answer["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(
        kinds.contains(&"conversation.handoff_requested"),
        "{kinds:?}"
    );
    let id = answer["conversationId"].as_str().unwrap();
    let conversation = api.get(&format!("/api/conversations/{id}")).await;
    assert_eq!(
        conversation.body["conversation"]["handoff"]["reason"], "visitor_asked",
        "{}",
        conversation.text
    );
    let events = api.get("/api/admin/events?limit=50").await;
    assert!(
        events.text.contains("conversation.handoff_requested"),
        "{}",
        events.text
    );
}
