//! The sales agent end to end over HTTP: the public chat API (JSON and Server-Sent Events),
//! qualification into booked / disqualified / nurturing, knowledge-base answers citing their
//! source, returning visitors, two visitors racing for one slot, idle completion, meetings
//! with their iCalendar file and cancellation, the event outbox, and tenant isolation on
//! every endpoint the agent adds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::{Client, Reply, TestServer};
use serde_json::{Value, json};

/// The default tenant's qualification questions, in the order the agent must ask them.
const ASK_NEED: &str = "What are you hoping to solve?";
const ASK_SIZE: &str = "How many people work at";
const ASK_ROLE: &str = "What's your role there?";
const ASK_BUDGET: &str = "Do you have a budget in mind for this?";
const ASK_TIMELINE: &str = "When are you hoping to get started?";

const REASON_SIZE_50: &str = "Company has 50 or more people";
const REASON_SIZE_10: &str = "Company has 10 or more people";
const REASON_BUDGET_2K: &str = "Budget of 2,000 or more";
const REASON_WITHIN_3: &str = "Wants to start within 3 months";
const REASON_WITHIN_6: &str = "Wants to start within 6 months";
const REASON_DECIDER: &str = "Talking to a decision maker";
const REASON_NEED: &str = "Described a concrete need";

/// A server whose per-IP chat limit never gets in the way.
async fn start() -> TestServer {
    TestServer::start_with(|c| c.rate_limits.public = NonZeroU32::new(100_000).unwrap()).await
}

// ---------------------------------------------------------------------------------------------
// A visitor talking to the widget endpoint

struct Visitor<'a> {
    server: &'a TestServer,
    tenant: String,
    id: String,
    conversation: Option<String>,
}

/// One turn read from a Server-Sent Events answer.
struct Streamed {
    /// Every event in arrival order: (name, data).
    events: Vec<(String, Value)>,
    /// The `done` event's data: the same JSON a plain request gets.
    done: Value,
}

impl<'a> Visitor<'a> {
    fn new(server: &'a TestServer, tenant: &str, id: &str) -> Self {
        Self {
            server,
            tenant: tenant.to_owned(),
            id: id.to_owned(),
            conversation: None,
        }
    }

    fn body(&self, message: &str) -> Value {
        let mut body = json!({"tenantId": self.tenant, "visitorId": self.id, "message": message});
        if let Some(id) = &self.conversation {
            body["conversationId"] = id.as_str().into();
        }
        body
    }

    /// Sends a message as JSON; the turn must succeed. Returns the response body.
    async fn say(&mut self, message: &str) -> Value {
        let reply = self
            .server
            .anon()
            .post("/api/chat", &self.body(message))
            .await;
        assert_eq!(reply.status, 200, "{message:?}: {}", reply.text);
        self.remember(&reply.body);
        reply.body
    }

    /// Sends a message asking for Server-Sent Events; checks the stream's shape.
    async fn say_streamed(&mut self, message: &str) -> Streamed {
        let response = streaming_client()
            .post(format!("{}/api/chat", self.server.url))
            .header("accept", "text/event-stream")
            .json(&self.body(message))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{message:?}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            content_type.starts_with("text/event-stream"),
            "content type {content_type}"
        );
        let text = response.text().await.unwrap();
        let events = parse_sse(&text);
        let streamed = check_stream(events, &text);
        self.remember(&streamed.done);
        streamed
    }

    fn remember(&mut self, body: &Value) {
        let id = body["conversationId"].as_str().expect("conversationId");
        uuid::Uuid::parse_str(id).expect("conversationId is a UUID");
        if let Some(known) = &self.conversation {
            assert_eq!(known, id, "the conversation continues");
        }
        self.conversation = Some(id.to_owned());
    }

    fn conversation(&self) -> &str {
        self.conversation.as_deref().expect("a conversation")
    }
}

/// A client for Server-Sent Events: the server must close the stream after `done`, so a
/// stream left open fails the test instead of hanging it.
fn streaming_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `text/event-stream` by hand: blocks separated by a blank line, `event:` and `data:` lines.
fn parse_sse(text: &str) -> Vec<(String, Value)> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .filter_map(|block| {
            let mut event = "message".to_owned();
            let mut data: Vec<&str> = Vec::new();
            for line in block.lines() {
                if let Some(rest) = line.strip_prefix("event:") {
                    rest.trim().clone_into(&mut event);
                } else if let Some(rest) = line.strip_prefix("data:") {
                    data.push(rest.strip_prefix(' ').unwrap_or(rest));
                }
            }
            if data.is_empty() {
                return None; // a comment or keep-alive
            }
            let joined = data.join("\n");
            let value = serde_json::from_str(&joined)
                .unwrap_or_else(|e| panic!("event {event}: data is not JSON ({e}): {joined}"));
            Some((event, value))
        })
        .collect()
}

/// `start` with the conversation id, `delta`s, then one event per entry of `events`, then
/// `done`; the deltas spell out the reply and the named events are exactly the response's
/// `events`.
fn check_stream(events: Vec<(String, Value)>, raw: &str) -> Streamed {
    let (last, rest) = events
        .split_last()
        .unwrap_or_else(|| panic!("no events: {raw}"));
    assert_eq!(last.0, "done", "the stream ends with done: {raw}");
    let done = last.1.clone();
    let (start, rest) = rest
        .split_first()
        .unwrap_or_else(|| panic!("no start: {raw}"));
    assert_eq!(start.0, "start", "the stream opens with start: {raw}");
    assert_eq!(
        start.1["conversationId"], done["conversationId"],
        "start names the conversation"
    );
    let deltas = rest.iter().take_while(|(name, _)| name == "delta").count();
    assert!(deltas >= 1, "the reply arrives as deltas: {raw}");
    let spelled: String = rest[..deltas]
        .iter()
        .map(|(_, data)| data["content"].as_str().expect("delta content"))
        .collect();
    assert_eq!(
        spelled,
        done["reply"]["content"].as_str().unwrap(),
        "the deltas concatenate to the reply"
    );
    let named: Vec<(String, Value)> = rest[deltas..].to_vec();
    assert!(
        named
            .iter()
            .all(|(name, _)| name != "delta" && name != "done"),
        "no delta after the first named event: {raw}"
    );
    let expected: Vec<(String, Value)> = done["events"]
        .as_array()
        .expect("done carries events")
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["detail"].clone()))
        .collect();
    assert_eq!(
        named, expected,
        "one SSE event per entry of events, named by its type, carrying its detail"
    );
    Streamed { events, done }
}

fn content(body: &Value) -> &str {
    body["reply"]["content"].as_str().expect("reply content")
}

fn event_types(body: &Value) -> Vec<String> {
    body["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

fn event<'b>(body: &'b Value, kind: &str) -> &'b Value {
    body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind)
        .map(|e| &e["detail"])
        .unwrap_or_else(|| panic!("no {kind} event in {body}"))
}

fn assert_asks(body: &Value, question: &str) {
    assert!(
        content(body).contains(question),
        "expected the agent to ask {question:?}, it said: {}",
        content(body)
    );
}

/// The numbered slots a reply offers: "1) Tuesday 2 December, 10:00 am UTC" → the text.
fn offered(body: &Value) -> Vec<String> {
    content(body)
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            ["1) ", "2) ", "3) "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
                .map(str::to_owned)
        })
        .collect()
}

/// How the agent describes a slot starting at `starts_at` in UTC.
fn described(starts_at: &Value) -> String {
    let at: jiff::Timestamp = starts_at.as_str().unwrap().parse().unwrap();
    jiff::tz::TimeZone::UTC
        .to_datetime(at)
        .strftime("%A %-d %B, %-I:%M %P")
        .to_string()
}

fn sorted(values: &Value) -> Vec<String> {
    let mut list: Vec<String> = values
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {values}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    list.sort();
    list
}

fn strings(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

async fn get_ok(api: &Client<'_>, path: &str) -> Value {
    let reply = api.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    reply.body
}

/// The tenant's event outbox, oldest first: (type, data).
async fn outbox(api: &Client<'_>) -> Vec<(String, Value)> {
    let body = get_ok(api, "/api/admin/events?limit=500").await;
    let mut events: Vec<(String, Value)> = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["payload"]["data"].clone(),
            )
        })
        .collect();
    events.reverse();
    events
}

fn positions(events: &[(String, Value)], kind: &str, about: impl Fn(&Value) -> bool) -> Vec<usize> {
    events
        .iter()
        .enumerate()
        .filter(|(_, (k, data))| k == kind && about(data))
        .map(|(i, _)| i)
        .collect()
}

/// Unfolds RFC 5545 content lines (CRLF + space continues the previous line).
fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\r\n\t", "")
}

/// Gives contact details and answers every question so that the default rules score 100;
/// returns the reply that offers slots.
async fn qualify(v: &mut Visitor<'_>, name: &str, company: &str, email: &str) -> Value {
    v.say(&format!("Hi, I'm {name} from {company}")).await;
    let body = v.say(email).await;
    assert_asks(&body, ASK_NEED);
    let body = v.say("We need to qualify our inbound leads faster").await;
    assert_asks(&body, ASK_SIZE);
    let body = v.say("about 200 people").await;
    assert_asks(&body, ASK_ROLE);
    let body = v.say("I'm the CTO").await;
    assert_asks(&body, ASK_BUDGET);
    let body = v.say("around $20,000").await;
    assert_asks(&body, ASK_TIMELINE);
    let body = v.say("asap").await;
    assert_eq!(body["lead"]["status"], "qualified", "{body}");
    assert_eq!(body["lead"]["qualificationScore"], 100, "{body}");
    assert_eq!(
        offered(&body).len(),
        3,
        "three slots offered: {}",
        content(&body)
    );
    body
}

// ---------------------------------------------------------------------------------------------
// The happy path

#[tokio::test]
async fn a_visitor_qualifies_and_books_a_meeting_over_json() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut v = Visitor::new(&server, "default", "visitor-jane");

    let body = v.say("Hi, I'm Jane Smith from Acme Corp").await;
    assert_eq!(body["lead"], Value::Null, "no lead before an email: {body}");
    assert_eq!(event_types(&body), Vec::<String>::new());
    assert_eq!(body["reply"]["role"], "assistant");
    assert!(body["reply"]["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(
        content(&body).to_lowercase().contains("email"),
        "asks for the email first: {}",
        content(&body)
    );
    assert!(
        content(&body).contains("Jane"),
        "uses the name: {}",
        content(&body)
    );

    let body = v.say("jane.smith@acme.com").await;
    assert_eq!(event_types(&body), vec!["lead.created"]);
    let lead_id = body["lead"]["id"]
        .as_str()
        .expect("lead once the email is known")
        .to_owned();
    assert_eq!(body["lead"]["status"], "qualifying");
    assert_eq!(body["lead"]["qualificationScore"], 0);
    let created = event(&body, "lead.created");
    assert_eq!(created["id"], lead_id.as_str());
    assert_eq!(created["email"], "jane.smith@acme.com");
    assert_asks(&body, ASK_NEED);

    let body = v.say("We need to qualify inbound leads faster").await;
    assert_asks(&body, &format!("{ASK_SIZE} Acme Corp?"));
    let body = v.say("about 120 people").await;
    assert_asks(&body, ASK_ROLE);
    let body = v.say("I'm the Head of Marketing").await;
    assert_asks(&body, ASK_BUDGET);
    let body = v.say("around $5,000").await;
    assert_asks(&body, ASK_TIMELINE);
    assert_eq!(body["lead"]["status"], "qualifying");
    assert_eq!(event_types(&body), Vec::<String>::new());

    // 25 (50+ people) + 10 (budget 2,000+) + 25 (within 3 months) + 15 (decision maker) + 5.
    let body = v.say("next quarter").await;
    assert_eq!(event_types(&body), vec!["lead.qualified"]);
    assert_eq!(body["lead"]["status"], "qualified");
    assert_eq!(body["lead"]["qualificationScore"], 80);
    let qualified = event(&body, "lead.qualified");
    assert_eq!(qualified["qualificationScore"], 80);
    assert_eq!(
        qualified.get("qualification"),
        None,
        "the browser is not told the score's reasons: {qualified}"
    );
    let stored = get_ok(&api, &format!("/api/leads/{lead_id}")).await;
    assert_eq!(
        sorted(&stored["lead"]["qualification"]["reasons"]),
        strings(&[
            REASON_SIZE_50,
            REASON_BUDGET_2K,
            REASON_WITHIN_3,
            REASON_DECIDER,
            REASON_NEED
        ])
    );
    let slots = offered(&body);
    assert_eq!(slots.len(), 3, "three numbered slots: {}", content(&body));

    let body = v.say("2").await;
    assert_eq!(
        event_types(&body),
        vec!["meeting.booked", "conversation.completed"]
    );
    assert_eq!(body["lead"]["status"], "booked");
    let booked = event(&body, "meeting.booked");
    let meeting = &booked["meeting"];
    let meeting_id = meeting["id"].as_str().unwrap().to_owned();
    assert_eq!(meeting["leadId"], lead_id.as_str());
    assert_eq!(booked["lead"]["id"], lead_id.as_str());
    assert!(
        slots[1].starts_with(&described(&meeting["startsAt"])),
        "the second offered slot ({}) is the one booked ({})",
        slots[1],
        meeting["startsAt"]
    );
    assert!(content(&body).contains(&described(&meeting["startsAt"])));
    let completed = event(&body, "conversation.completed");
    assert_eq!(completed["id"], v.conversation());
    assert_eq!(completed["status"], "completed");

    // The lead as the API shows it.
    let lead = get_ok(&api, &format!("/api/leads/{lead_id}")).await["lead"].clone();
    assert_eq!(lead["name"], "Jane Smith");
    assert_eq!(lead["email"], "jane.smith@acme.com");
    assert_eq!(lead["company"], "Acme Corp");
    assert_eq!(lead["status"], "booked");
    assert_eq!(lead["source"], "widget");
    assert_eq!(lead["qualificationScore"], 80);
    assert_eq!(lead["qualification"]["score"], 80);
    assert_eq!(
        sorted(&lead["qualification"]["reasons"]),
        strings(&[
            REASON_SIZE_50,
            REASON_BUDGET_2K,
            REASON_WITHIN_3,
            REASON_DECIDER,
            REASON_NEED
        ])
    );

    // The stored meeting.
    let mine = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    let list = mine["meetings"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{mine}");
    assert_eq!(list[0]["id"], meeting_id.as_str());
    assert_eq!(list[0]["status"], "booked");
    assert_eq!(list[0]["conversationId"], v.conversation());
    assert_eq!(list[0]["startsAt"], meeting["startsAt"]);
    let starts: jiff::Timestamp = meeting["startsAt"].as_str().unwrap().parse().unwrap();
    let ends: jiff::Timestamp = meeting["endsAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        ends.duration_since(starts).as_secs(),
        30 * 60,
        "30-minute slots"
    );
    let all = get_ok(&api, "/api/meetings").await;
    assert!(
        all["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == meeting_id.as_str()),
        "{all}"
    );

    // The downloadable invitation.
    let ics = api.get(&format!("/api/meetings/{meeting_id}.ics")).await;
    assert_eq!(ics.status, 200, "{}", ics.text);
    assert!(
        ics.header("content-type")
            .unwrap_or_default()
            .starts_with("text/calendar"),
        "{:?}",
        ics.header("content-type")
    );
    let text = unfold(&ics.text);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.trim_end().ends_with("END:VCALENDAR"), "{text}");
    assert!(text.contains("BEGIN:VEVENT"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("UID:") && l.len() > 4),
        "{text}"
    );
    let dtstart = format!("DTSTART:{}", starts.strftime("%Y%m%dT%H%M%SZ"));
    assert!(text.lines().any(|l| l == dtstart), "{dtstart} in {text}");
    let dtend = format!("DTEND:{}", ends.strftime("%Y%m%dT%H%M%SZ"));
    assert!(text.lines().any(|l| l == dtend), "{dtend} in {text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("ATTENDEE") && l.ends_with("mailto:jane.smith@acme.com")),
        "{text}"
    );

    // The conversation, completed with a summary and every message in order.
    let sent = [
        "Hi, I'm Jane Smith from Acme Corp",
        "jane.smith@acme.com",
        "We need to qualify inbound leads faster",
        "about 120 people",
        "I'm the Head of Marketing",
        "around $5,000",
        "next quarter",
        "2",
    ];
    let conversation =
        get_ok(&api, &format!("/api/conversations/{}", v.conversation())).await["conversation"]
            .clone();
    assert_eq!(conversation["status"], "completed");
    assert_eq!(conversation["leadId"], lead_id.as_str());
    assert_eq!(conversation["channel"], "web_chat");
    let summary = conversation["summary"]
        .as_str()
        .expect("a summary on completion");
    assert!(summary.contains("Jane"), "{summary}");
    let messages = conversation["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1 + 2 * sent.len(), "greeting + turns");
    assert_eq!(conversation["messageCount"], messages.len());
    assert_eq!(messages[0]["role"], "assistant", "the greeting comes first");
    for (i, said) in sent.iter().enumerate() {
        assert_eq!(messages[1 + 2 * i]["role"], "user");
        assert_eq!(messages[1 + 2 * i]["content"], *said);
        assert_eq!(messages[2 + 2 * i]["role"], "assistant");
    }
    assert_eq!(messages.last().unwrap()["content"], content(&body));

    // The widget restores the same history.
    let restored = server
        .anon()
        .get(&format!(
            "/api/chat/{}?visitorId=visitor-jane",
            v.conversation()
        ))
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.body["status"], "completed");
    assert_eq!(
        restored.body["messages"].as_array().unwrap().len(),
        messages.len()
    );
    assert_eq!(restored.body["messages"][1]["content"], sent[0]);

    let listed = get_ok(&api, &format!("/api/leads/{lead_id}/conversations")).await;
    assert!(
        listed["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == v.conversation()),
        "{listed}"
    );
    let all = get_ok(&api, "/api/conversations").await;
    assert!(
        all["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == v.conversation()),
        "{all}"
    );

    // The outbox: lead.created → lead.qualified → meeting.booked → conversation.completed.
    let events = outbox(&api).await;
    let cid = v.conversation().to_owned();
    let started = positions(&events, "conversation.started", |d| d["id"] == cid.as_str());
    let created = positions(&events, "lead.created", |d| d["id"] == lead_id.as_str());
    let qualified = positions(&events, "lead.qualified", |d| d["id"] == lead_id.as_str());
    let booked = positions(&events, "meeting.booked", |d| {
        d["meeting"]["id"] == meeting_id.as_str() && d["lead"]["id"] == lead_id.as_str()
    });
    let completed = positions(&events, "conversation.completed", |d| {
        d["id"] == cid.as_str()
    });
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    for (name, found) in [
        ("conversation.started", &started),
        ("lead.created", &created),
        ("lead.qualified", &qualified),
        ("meeting.booked", &booked),
        ("conversation.completed", &completed),
    ] {
        assert_eq!(found.len(), 1, "exactly one {name}: {kinds:?}");
    }
    assert!(
        started[0] < created[0]
            && created[0] < qualified[0]
            && qualified[0] < booked[0]
            && booked[0] < completed[0],
        "events in order: {kinds:?}"
    );
    let updates = positions(&events, "lead.updated", |d| d["id"] == lead_id.as_str());
    assert!(
        !updates.is_empty(),
        "lead.updated events interleave: {kinds:?}"
    );
    let last_update = &events[*updates.last().unwrap()].1;
    assert_eq!(last_update["status"], "booked");
    let filtered = get_ok(&api, "/api/admin/events?type=meeting.booked").await;
    let only = filtered["events"].as_array().unwrap();
    assert_eq!(only.len(), 1, "{filtered}");
    assert_eq!(only[0]["payload"]["event"], "meeting.booked");
    assert_eq!(
        only[0]["payload"]["data"]["meeting"]["id"],
        meeting_id.as_str()
    );
}

#[tokio::test]
async fn a_visitor_qualifies_and_books_over_server_sent_events() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut v = Visitor::new(&server, "default", "visitor-stream");

    let turn = v.say_streamed("Hello, my name is Omar Haddad").await;
    assert_eq!(turn.done["lead"], Value::Null);
    assert!(turn.events.len() >= 2, "at least one delta and done");

    let turn = v.say_streamed("omar@sandstone.example.com").await;
    assert_eq!(event_types(&turn.done), vec!["lead.created"]);
    let named: Vec<&str> = turn.events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        named.iter().filter(|n| **n == "lead.created").count(),
        1,
        "{named:?}"
    );
    let lead_id = turn.done["lead"]["id"].as_str().unwrap().to_owned();
    assert_asks(&turn.done, ASK_NEED);

    for (message, next) in [
        (
            "We want to answer support questions automatically",
            ASK_SIZE,
        ),
        ("we're 300 people", ASK_ROLE),
        ("I'm the COO", ASK_BUDGET),
        ("about $25k", ASK_TIMELINE),
    ] {
        let turn = v.say_streamed(message).await;
        assert_asks(&turn.done, next);
        assert_eq!(event_types(&turn.done), Vec::<String>::new());
    }

    let turn = v.say_streamed("as soon as possible").await;
    assert_eq!(event_types(&turn.done), vec!["lead.qualified"]);
    let (name, data) = turn
        .events
        .iter()
        .find(|(n, _)| n != "start" && n != "delta")
        .expect("a named event");
    assert_eq!(name, "lead.qualified");
    assert_eq!(data["id"], lead_id.as_str());
    assert_eq!(data["qualificationScore"], 100);
    assert_eq!(turn.done["lead"]["status"], "qualified");
    let slots = offered(&turn.done);
    assert_eq!(slots.len(), 3, "{}", content(&turn.done));

    let turn = v.say_streamed("the first one").await;
    let named: Vec<&str> = turn
        .events
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| *n != "start" && *n != "delta")
        .collect();
    assert_eq!(
        named,
        vec!["meeting.booked", "conversation.completed", "done"]
    );
    let booked = event(&turn.done, "meeting.booked");
    assert!(slots[0].starts_with(&described(&booked["meeting"]["startsAt"])));
    assert_eq!(turn.done["lead"]["status"], "booked");

    let lead = get_ok(&api, &format!("/api/leads/{lead_id}")).await["lead"].clone();
    assert_eq!(lead["name"], "Omar Haddad");
    assert_eq!(lead["status"], "booked");
    assert_eq!(lead["qualificationScore"], 100);
    let meetings = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(
        meetings["meetings"].as_array().unwrap().len(),
        1,
        "{meetings}"
    );
    let id = meetings["meetings"][0]["id"].as_str().unwrap();
    let ics = api.get(&format!("/api/meetings/{id}.ics")).await;
    assert_eq!(ics.status, 200);
    assert!(unfold(&ics.text).contains("mailto:omar@sandstone.example.com"));
    let conversation = get_ok(&api, &format!("/api/conversations/{}", v.conversation())).await;
    assert_eq!(conversation["conversation"]["status"], "completed");

    // A failing request asked for as a stream is still a JSON error.
    let reply = streaming_client()
        .post(format!("{}/api/chat", server.url))
        .header("accept", "text/event-stream")
        .json(&json!({"tenantId": "default", "visitorId": "x", "message": ""}))
        .send()
        .await
        .unwrap();
    let reply = common::reply(reply).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("message"), "{}", reply.text);
}

// ---------------------------------------------------------------------------------------------
// The other outcomes

#[tokio::test]
async fn a_poor_fit_is_disqualified_and_offered_no_meeting() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut v = Visitor::new(&server, "default", "visitor-alex");

    v.say("Hello, I'm Alex Doe").await;
    let body = v.say("alex.doe@example.org").await;
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();
    assert_asks(&body, ASK_NEED);
    let body = v.say("I need a chatbot for my personal blog").await;
    assert_asks(&body, ASK_SIZE);
    let body = v.say("just me").await;
    assert_asks(&body, ASK_ROLE);
    let body = v.say("student").await;
    assert_asks(&body, ASK_BUDGET);
    let body = v.say("no budget").await;
    assert_asks(&body, ASK_TIMELINE);
    let body = v.say("no rush, maybe in a couple of years").await;

    assert_eq!(body["lead"]["status"], "disqualified", "{body}");
    assert_eq!(body["lead"]["qualificationScore"], 5);
    assert_eq!(event_types(&body), vec!["conversation.completed"]);
    assert!(offered(&body).is_empty(), "no slots: {}", content(&body));

    let lead = get_ok(&api, &format!("/api/leads/{lead_id}")).await["lead"].clone();
    assert_eq!(lead["status"], "disqualified");
    assert_eq!(lead["qualification"]["score"], 5);
    assert_eq!(
        sorted(&lead["qualification"]["reasons"]),
        strings(&[REASON_NEED])
    );
    let meetings = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(meetings["meetings"], json!([]));
    let conversation = get_ok(&api, &format!("/api/conversations/{}", v.conversation())).await;
    assert_eq!(conversation["conversation"]["status"], "completed");
    assert!(conversation["conversation"]["summary"].is_string());
    let events = outbox(&api).await;
    assert!(
        positions(&events, "lead.qualified", |_| true).is_empty(),
        "a disqualified lead fires no lead.qualified"
    );
}

#[tokio::test]
async fn a_lead_not_ready_yet_is_nurtured() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut v = Visitor::new(&server, "default", "visitor-sam");

    v.say("Hi, this is Sam Lee from Pixel Studio").await;
    let body = v.say("sam@pixelstudio.example.com").await;
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();
    let body = v
        .say("we want to capture more leads from our portfolio site")
        .await;
    assert_asks(&body, &format!("{ASK_SIZE} Pixel Studio?"));
    let body = v.say("we're 12 people").await;
    assert_asks(&body, ASK_ROLE);
    let body = v.say("project manager").await;
    assert_asks(&body, ASK_BUDGET);
    let body = v.say("about 3000 dollars").await;
    assert_asks(&body, ASK_TIMELINE);
    // 10 (10+ people) + 10 (budget 2,000+) + 5 (within 6 months) + 5 (need) = 30.
    let body = v.say("probably in 6 months").await;

    assert_eq!(body["lead"]["status"], "nurturing", "{body}");
    assert_eq!(body["lead"]["qualificationScore"], 30);
    assert_eq!(event_types(&body), vec!["conversation.completed"]);
    assert!(offered(&body).is_empty(), "no slots: {}", content(&body));
    let lead = get_ok(&api, &format!("/api/leads/{lead_id}")).await["lead"].clone();
    assert_eq!(lead["status"], "nurturing");
    assert_eq!(lead["company"], "Pixel Studio");
    assert_eq!(
        sorted(&lead["qualification"]["reasons"]),
        strings(&[
            REASON_SIZE_10,
            REASON_BUDGET_2K,
            REASON_WITHIN_6,
            REASON_NEED
        ])
    );
    let meetings = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(meetings["meetings"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Knowledge base

const PRICING_FAQ: &str = concat!(
    "## How much does Synaptiq cost?\n\n",
    "The Starter plan costs $49 per month and the Growth plan costs $199 per month.\n\n",
    "## Is there a free trial?\n\n",
    "Yes, every plan starts with a 14-day free trial and no credit card is required.\n\n",
    "## Where is my data stored?\n\n",
    "All data is stored in Frankfurt and never leaves the European Union.",
);

#[tokio::test]
async fn questions_are_answered_from_the_knowledge_base_citing_the_source() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    server.tenant("other").await;
    let upload = api
        .post(
            "/api/admin/knowledge-base",
            &json!({"title": "Pricing FAQ", "content": PRICING_FAQ, "type": "faq"}),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    let doc_id = upload.body["document"]["id"].as_str().unwrap().to_owned();
    let cited = json!([{"documentId": doc_id, "title": "Pricing FAQ"}]);

    // Before the visitor has said who they are.
    let mut v = Visitor::new(&server, "default", "visitor-kb");
    let body = v.say("How much does Synaptiq cost?").await;
    let said = content(&body);
    assert!(said.contains("$49 per month"), "{said}");
    assert_eq!(body["sources"], cited, "the source beside the reply");
    assert!(!said.contains("Source"), "not inside it: {said}");
    assert!(!said.contains("14-day"), "only the matching answer: {said}");
    assert!(
        said.to_lowercase().contains("email"),
        "then the flow goes on: {said}"
    );

    // In the middle of qualification: answered, then the pending question again.
    let body = v.say("I'm Ben Carter, ben@carter.example.com").await;
    assert_asks(&body, ASK_NEED);
    assert_eq!(body["sources"], json!([]), "no answer, no source");
    let body = v.say("is there a free trial?").await;
    let said = content(&body);
    assert!(said.contains("14-day free trial"), "{said}");
    assert_eq!(body["sources"], cited);
    assert_asks(&body, ASK_NEED);
    let body = v.say("where is my data stored").await;
    assert!(content(&body).contains("Frankfurt"), "{}", content(&body));
    assert_eq!(body["sources"], cited);

    // Another tenant's knowledge base is not this tenant's.
    let mut stranger = Visitor::new(&server, "other", "visitor-kb-other");
    let body = stranger.say("How much does Synaptiq cost?").await;
    assert!(!content(&body).contains("$49"), "{}", content(&body));
    assert_eq!(body["sources"], json!([]));

    // A deleted document is no longer used.
    let deleted = api
        .delete(&format!("/api/admin/knowledge-base/{doc_id}"))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let body = v.say("How much does Synaptiq cost?").await;
    assert!(!content(&body).contains("$49"), "{}", content(&body));
    assert_eq!(body["sources"], json!([]));
}

/// Brightline's knowledge base (a B2B SaaS), as a customer would upload it.
async fn upload_brightline(api: &Client<'_>) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for (name, kind) in [
        ("company", "article"),
        ("faq", "faq"),
        ("pricing", "product"),
        ("product", "product"),
        ("security", "policy"),
    ] {
        let path = format!("tests/fixtures/brightline/{name}.md");
        let content = std::fs::read_to_string(&path).unwrap();
        let upload = api
            .post(
                "/api/admin/knowledge-base",
                &json!({"title": content.lines().next().unwrap().trim_start_matches("# "), "content": content, "type": kind}),
            )
            .await;
        assert_eq!(upload.status, 201, "{path}: {}", upload.text);
        let document = &upload.body["document"];
        ids.push((
            document["id"].as_str().unwrap().to_owned(),
            document["title"].as_str().unwrap().to_owned(),
        ));
    }
    ids
}

fn source_titles(body: &Value) -> Vec<String> {
    body["sources"]
        .as_array()
        .unwrap_or_else(|| panic!("sources is an array: {body}"))
        .iter()
        .map(|s| {
            assert!(s["documentId"].is_string(), "{s}");
            s["title"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn answers_are_the_sentences_that_answer_with_sources_beside_them() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let documents = upload_brightline(&api).await;
    let mut v = Visitor::new(&server, "default", "visitor-brightline");

    let body = v.say("pricing?").await;
    let said = content(&body);
    assert!(said.contains("$19 per seat per month"), "{said}");
    assert_eq!(source_titles(&body), ["Frequently Asked Questions"]);
    let faq_id = &documents[1].0;
    assert_eq!(body["sources"][0]["documentId"], json!(faq_id));

    let body = v.say("How much is the Growth plan for 40 seats?").await;
    let said = content(&body);
    assert!(
        said.contains("$1,560 a month"),
        "the visitor's total: {said}"
    );
    assert!(!said.contains("Source"), "{said}");

    let body = v.say("Do you sign a BAA?").await;
    let said = content(&body);
    assert!(said.starts_with("No, "), "{said}");
    assert!(said.contains("Business Associate Agreements"), "{said}");
    assert!(!said.contains("DPA"), "not the GDPR passage: {said}");
    assert_eq!(source_titles(&body), ["Security and Compliance"]);

    let body = v.say("do you have a mobile app?").await;
    let said = content(&body);
    assert!(
        said.starts_with("No, Brightline does not have a native"),
        "{said}"
    );
    assert!(!said.contains("Salesforce"), "not the integrations: {said}");

    // Short questions, with or without a question mark, find their passage.
    for (asked, says) in [
        ("SOC 2?", "SOC 2 Type II"),
        ("soc2", "SOC 2 Type II"),
        ("price", "$39 per seat"),
        ("gdpr", "GDPR"),
        ("SSO?", "SAML 2.0"),
    ] {
        let body = v.say(asked).await;
        assert!(content(&body).contains(says), "{asked}: {}", content(&body));
        assert_eq!(source_titles(&body).len(), 1, "{asked}: {body}");
    }

    let body = v.say("Can I pay in bitcoin or with gold bars?").await;
    let said = content(&body);
    assert!(said.contains("don't have an answer"), "honest: {said}");
    assert!(said.contains("call"), "offers a call: {said}");
    assert_eq!(body["sources"], json!([]));

    // Streamed: the `done` event carries the same sources.
    let streamed = v.say_streamed("Is there a free trial?").await;
    assert!(
        content(&streamed.done).contains("14-day trial"),
        "{}",
        content(&streamed.done)
    );
    assert_eq!(
        source_titles(&streamed.done),
        ["Frequently Asked Questions"]
    );
    let streamed = v.say_streamed("thanks").await;
    assert_eq!(streamed.done["sources"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Returning visitors

#[tokio::test]
async fn a_returning_visitor_is_recognised() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut first = Visitor::new(&server, "default", "visitor-maria");
    first.say("Hi, I'm Maria Garcia from Globex").await;
    let body = first.say("maria@globex.example.com").await;
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();
    let first_conversation = first.conversation().to_owned();

    // After a reload the widget restores the history.
    let restored = server
        .anon()
        .get(&format!(
            "/api/chat/{first_conversation}?visitorId=visitor-maria"
        ))
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.body["conversationId"], first_conversation.as_str());
    assert_eq!(restored.body["status"], "active");
    let messages = restored.body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 5);
    assert_eq!(messages[3]["content"], "maria@globex.example.com");

    // Next visit: a new conversation, already linked to the lead, not asked for the email.
    let mut again = Visitor::new(&server, "default", "visitor-maria");
    let body = again.say("Hi again!").await;
    assert_ne!(again.conversation(), first_conversation);
    assert_eq!(body["lead"]["id"], lead_id.as_str(), "{body}");
    assert!(
        !content(&body).to_lowercase().contains("email"),
        "a known visitor is not asked for the email again: {}",
        content(&body)
    );
    assert_asks(&body, ASK_NEED);
    assert!(
        !event_types(&body).contains(&"lead.created".to_owned()),
        "no second lead: {body}"
    );
    let conversation = get_ok(
        &api,
        &format!("/api/conversations/{}", again.conversation()),
    )
    .await;
    assert_eq!(conversation["conversation"]["leadId"], lead_id.as_str());
    let theirs = get_ok(&api, &format!("/api/leads/{lead_id}/conversations")).await;
    let mut ids: Vec<&str> = theirs["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![first_conversation.as_str(), again.conversation()];
    expected.sort_unstable();
    assert_eq!(ids, expected);

    // The first conversation can still be continued.
    let body = first.say("We need to qualify leads from our website").await;
    assert_asks(&body, ASK_SIZE);

    // Maria's email typed on another device is only a claim (anyone could type it): that
    // visitor gets a lead of their own, linked to Maria's as a possible returning visitor.
    let mut laptop = Visitor::new(&server, "default", "visitor-maria-laptop");
    laptop.say("Hello, Maria Garcia here").await;
    let body = laptop.say("my email is maria@globex.example.com").await;
    let claimant = body["lead"]["id"].as_str().unwrap().to_owned();
    assert_ne!(claimant, lead_id, "{body}");
    assert_eq!(event_types(&body), vec!["lead.created"], "{body}");
    let leads = get_ok(&api, "/api/leads").await;
    assert_eq!(leads["leads"].as_array().unwrap().len(), 2, "{leads}");
    let maria = get_ok(&api, &format!("/api/leads/{lead_id}")).await;
    assert_eq!(maria["possibleMatches"][0]["leadId"], claimant.as_str());
    assert_eq!(maria["possibleMatches"][0]["reason"], "same_email");
    let created = positions(&outbox(&api).await, "lead.created", |_| true);
    assert_eq!(created.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// A visitor who types someone else's email

/// What the team stored about a lead, none of which a chat visitor may see.
const VICTIM_SECRETS: [&str; 4] = [
    "+1 555 0199",
    "BigCorp Secret Division",
    "SF-77731",
    "VIP renewal",
];

/// Every response and stream text of a chat must be free of the victim's id and secrets.
fn assert_reveals_nothing(said: &str, victim_id: &str) {
    assert!(!said.contains(victim_id), "the victim's id leaked: {said}");
    for secret in VICTIM_SECRETS {
        assert!(!said.contains(secret), "{secret:?} leaked: {said}");
    }
}

#[tokio::test]
async fn a_visitor_claiming_an_existing_leads_email_cannot_change_or_see_it() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let victim = api
        .post(
            "/api/leads",
            &json!({
                "name": "Victoria Owner",
                "email": "victoria@bigcorp.example",
                "phone": VICTIM_SECRETS[0],
                "company": VICTIM_SECRETS[1],
                "metadata": {"crmId": VICTIM_SECRETS[2], "notes": "VIP renewal in 2027"},
            }),
        )
        .await;
    assert_eq!(victim.status, 201, "{}", victim.text);
    let victim_id = victim.body["lead"]["id"].as_str().unwrap().to_owned();
    let patched = api
        .patch(
            &format!("/api/leads/{victim_id}"),
            &json!({"status": "qualified", "qualificationScore": 87}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let before = get_ok(&api, &format!("/api/leads/{victim_id}")).await["lead"].clone();

    let mut eve = Visitor::new(&server, "default", "visitor-eve");
    let mut said = String::new();
    said += &eve.say("Hi, I'm Eve from Evil Inc").await.to_string();
    let streamed = eve.say_streamed("victoria@bigcorp.example").await;
    said += &format!("{:?}", streamed.events);
    let own = streamed.done["lead"]["id"].as_str().unwrap().to_owned();
    assert_ne!(own, victim_id, "the visitor gets a lead of their own");
    assert_eq!(streamed.done["lead"]["qualificationScore"], 0);
    let created = event(&streamed.done, "lead.created");
    assert_eq!(created["email"], "victoria@bigcorp.example");
    assert_eq!(created.get("metadata"), None, "{created}");
    for answer in [
        "We need to qualify our inbound leads faster",
        "about 200 people",
        "I'm the CTO",
        "around $20,000",
        "asap",
        "1",
    ] {
        said += &eve.say(answer).await.to_string();
    }
    assert!(said.contains("meeting.booked"), "{said}");
    // Back on the same browser: a correction only ever changes the visitor's own lead.
    let mut again = Visitor::new(&server, "default", "visitor-eve");
    let body = again
        .say("sorry, my correct email is eve@evil.example")
        .await;
    assert_eq!(body["lead"]["id"], own.as_str(), "{body}");
    said += &body.to_string();
    assert_reveals_nothing(&said, &victim_id);

    let after = get_ok(&api, &format!("/api/leads/{victim_id}")).await;
    assert_eq!(after["lead"], before, "the existing lead is unchanged");
    assert_eq!(
        after["possibleMatches"][0]["leadId"],
        own.as_str(),
        "{after}"
    );
    let theirs = get_ok(&api, &format!("/api/leads/{victim_id}/conversations")).await;
    assert_eq!(theirs["conversations"], json!([]), "{theirs}");
    let meetings = get_ok(&api, &format!("/api/leads/{victim_id}/meetings")).await;
    assert_eq!(meetings["meetings"], json!([]), "{meetings}");
    let mine = get_ok(&api, &format!("/api/leads/{own}")).await;
    assert_eq!(mine["lead"]["email"], "eve@evil.example");
    assert_eq!(mine["lead"]["status"], "booked");
    assert_eq!(mine["possibleMatches"][0]["leadId"], victim_id.as_str());
}

#[tokio::test]
async fn the_team_merges_a_possible_returning_visitor_into_the_lead_it_matches() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let known =
        common::create_lead(&api, "Sam Known", "sam@known.example", Some("Known Ltd")).await;
    let known_id = known["id"].as_str().unwrap().to_owned();
    let mut sam = Visitor::new(&server, "default", "visitor-sam-phone");
    sam.say("Sam here, my number is +44 20 7946 0000").await;
    let body = sam.say("SAM@known.example").await;
    let claimant = body["lead"]["id"].as_str().unwrap().to_owned();
    assert_ne!(claimant, known_id);

    let url = format!("/api/leads/{known_id}/merge");
    let same = api.post(&url, &json!({"from": known_id})).await;
    assert_eq!(same.status, 400, "{}", same.text);
    assert!(same.error().contains("from"), "{}", same.text);
    let unknown = uuid::Uuid::now_v7().to_string();
    let missing = api.post(&url, &json!({"from": unknown})).await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert!(missing.error().contains("from"), "{}", missing.text);
    let nowhere = api
        .post(
            &format!("/api/leads/{unknown}/merge"),
            &json!({"from": claimant}),
        )
        .await;
    assert_eq!(nowhere.status, 404, "{}", nowhere.text);
    let extra = api
        .post(&url, &json!({"from": claimant, "into": "x"}))
        .await;
    assert_eq!(extra.status, 400, "{}", extra.text);

    let merged = api
        .post(
            &format!("{url}?refresh=wait_for"),
            &json!({"from": claimant}),
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.text);
    assert_eq!(merged.body["lead"]["id"], known_id.as_str());
    assert_eq!(
        merged.body["lead"]["company"], "Known Ltd",
        "its own fields stay"
    );
    assert_eq!(
        merged.body["lead"]["phone"], "+44 20 7946 0000",
        "gaps are filled"
    );
    assert_eq!(api.get(&format!("/api/leads/{claimant}")).await.status, 404);
    let detail = get_ok(&api, &format!("/api/leads/{known_id}")).await;
    assert_eq!(detail.get("possibleMatches"), None, "{detail}");
    let conversations = get_ok(&api, &format!("/api/leads/{known_id}/conversations")).await;
    assert_eq!(
        conversations["conversations"][0]["id"],
        sam.conversation(),
        "the chat moved with the merge"
    );
    let events = outbox(&api).await;
    assert_eq!(
        positions(&events, "lead.deleted", |d| d["id"] == claimant.as_str()).len(),
        1
    );
    let found = get_ok(&api, "/api/leads?q=sam").await;
    assert_eq!(found["leads"].as_array().unwrap().len(), 1, "{found}");

    // The merged lead now holds the address alone: a new lead with it is a conflict again.
    let duplicate = api
        .post(
            "/api/leads",
            &json!({"name": "Sam", "email": "sam@known.example"}),
        )
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.text);
}

// ---------------------------------------------------------------------------------------------
// Meetings

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_visitors_racing_for_one_slot_get_one_meeting() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut ann = Visitor::new(&server, "default", "visitor-ann");
    let mut bob = Visitor::new(&server, "default", "visitor-bob");
    let offer_ann = qualify(&mut ann, "Ann Lee", "Racing Co", "ann@racing.example.com").await;
    let offer_bob = qualify(&mut bob, "Bob Ray", "Rival Inc", "bob@rival.example.com").await;
    let slots = offered(&offer_ann);
    assert_eq!(
        slots,
        offered(&offer_bob),
        "both are offered the same times"
    );

    let (a, b) = tokio::join!(ann.say("1"), bob.say("1"));
    let winners: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|body| event_types(body).contains(&"meeting.booked".to_owned()))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one booking:\n{a}\n{b}");
    let (winner, loser, loser_visitor) = if winners[0] == &a {
        (&a, &b, &mut bob)
    } else {
        (&b, &a, &mut ann)
    };
    let taken = event(winner, "meeting.booked")["meeting"]["startsAt"].clone();
    assert!(slots[0].starts_with(&described(&taken)));
    assert_eq!(winner["lead"]["status"], "booked");

    assert_eq!(
        loser["lead"]["status"], "qualified",
        "the loser is not booked: {loser}"
    );
    assert_eq!(event_types(loser), Vec::<String>::new(), "{loser}");
    let again = offered(loser);
    assert_eq!(
        again.len(),
        3,
        "the loser is offered other times: {}",
        content(loser)
    );
    assert!(
        again.iter().all(|s| !s.starts_with(&described(&taken))),
        "the taken slot is not offered again: {again:?}"
    );
    let meetings = get_ok(&api, "/api/meetings").await;
    let list = meetings["meetings"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{meetings}");
    assert_eq!(list[0]["startsAt"], taken);
    let loser_lead = loser["lead"]["id"].as_str().unwrap();
    let theirs = get_ok(&api, &format!("/api/leads/{loser_lead}/meetings")).await;
    assert_eq!(theirs["meetings"], json!([]));
    let conversation = get_ok(
        &api,
        &format!("/api/conversations/{}", loser_visitor.conversation()),
    )
    .await;
    assert_eq!(conversation["conversation"]["status"], "active");

    // The loser takes one of the new times.
    let body = loser_visitor.say("1").await;
    assert_eq!(body["lead"]["status"], "booked", "{body}");
    let second = event(&body, "meeting.booked")["meeting"]["startsAt"].clone();
    assert_ne!(second, taken);
    assert!(again[0].starts_with(&described(&second)));
    let meetings = get_ok(&api, "/api/meetings").await;
    assert_eq!(meetings["meetings"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_cancelled_meeting_frees_its_slot() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    common::open_calendar(&api).await;
    let mut first = Visitor::new(&server, "default", "visitor-first");
    let offer = qualify(
        &mut first,
        "Carla Diaz",
        "Sol Labs",
        "carla@sollabs.example.com",
    )
    .await;
    let slots = offered(&offer);
    let body = first.say("1").await;
    let meeting = event(&body, "meeting.booked")["meeting"].clone();
    let meeting_id = meeting["id"].as_str().unwrap().to_owned();
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();

    // While booked, nobody else is offered that time.
    let mut second = Visitor::new(&server, "default", "visitor-second");
    let offer = qualify(&mut second, "Dan Wu", "Moon Co", "dan@moon.example.com").await;
    assert!(
        offered(&offer).iter().all(|s| s != &slots[0]),
        "{:?} still offered",
        slots[0]
    );

    let cancelled = api.delete(&format!("/api/meetings/{meeting_id}")).await;
    assert_eq!(cancelled.status, 204, "{}", cancelled.text);
    let theirs = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    assert!(
        theirs["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] != "booked"),
        "{theirs}"
    );

    // The next visitor is offered the freed time first.
    let mut third = Visitor::new(&server, "default", "visitor-third");
    let offer = qualify(&mut third, "Eve Moss", "Star Ltd", "eve@star.example.com").await;
    let now_offered = offered(&offer);
    assert!(
        now_offered[0].starts_with(&described(&meeting["startsAt"])),
        "the freed slot is offered again: {now_offered:?}"
    );
    let body = third.say("1").await;
    assert_eq!(body["lead"]["status"], "booked", "{body}");
    assert_eq!(
        event(&body, "meeting.booked")["meeting"]["startsAt"],
        meeting["startsAt"]
    );
}

// ---------------------------------------------------------------------------------------------
// Idle completion

#[tokio::test]
async fn an_idle_conversation_is_completed_with_a_summary() {
    let server = TestServer::start_with(|c| {
        c.rate_limits.public = NonZeroU32::new(100_000).unwrap();
        c.conversation_idle_timeout = Duration::from_millis(500);
    })
    .await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut v = Visitor::new(&server, "default", "visitor-idle");
    v.say("Hi, I'm Ian Wells from Quiet Corp").await;
    let body = v.say("ian@quiet.example.com").await;
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/conversations/{}", v.conversation());

    let deadline = Instant::now() + Duration::from_secs(10);
    let conversation = loop {
        let conversation = get_ok(&api, &path).await["conversation"].clone();
        if conversation["status"] == "completed" {
            break conversation;
        }
        assert!(
            Instant::now() < deadline,
            "still {} after 10 s idle with a 500 ms timeout",
            conversation["status"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let summary = conversation["summary"].as_str().expect("a summary");
    assert!(summary.contains("Ian"), "{summary}");
    assert_eq!(conversation["leadId"], lead_id.as_str());
    let completed = positions(&outbox(&api).await, "conversation.completed", |d| {
        d["id"] == v.conversation()
    });
    assert_eq!(completed.len(), 1, "one conversation.completed");
    let restored = server
        .anon()
        .get(&format!(
            "/api/chat/{}?visitorId=visitor-idle",
            v.conversation()
        ))
        .await;
    assert_eq!(restored.body["status"], "completed");
}

// ---------------------------------------------------------------------------------------------
// The widget's settings

#[tokio::test]
async fn the_widget_reads_its_tenants_settings() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let reply = api
        .patch(
            "/api/admin/settings",
            &json!({"agentName": "Max", "greeting": "Hello from Max!", "accentColor": "#112233"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let widget = server.anon().get("/api/widget?tenant=default").await;
    assert_eq!(widget.status, 200, "{}", widget.text);
    assert_eq!(widget.body["agentName"], "Max");
    assert_eq!(widget.body["greeting"], "Hello from Max!");
    assert_eq!(widget.body["accentColor"], "#112233");
    assert_eq!(widget.body["position"], "bottom-right");

    let mut v = Visitor::new(&server, "default", "visitor-widget");
    v.say("hi").await;
    let history = server
        .anon()
        .get(&format!(
            "/api/chat/{}?visitorId=visitor-widget",
            v.conversation()
        ))
        .await;
    assert_eq!(history.body["messages"][0]["content"], "Hello from Max!");
    assert_eq!(history.body["messages"][0]["role"], "assistant");

    let missing = server.anon().get("/api/widget?tenant=no-such-tenant").await;
    assert_eq!(missing.status, 404, "{}", missing.text);
}

// ---------------------------------------------------------------------------------------------
// Validation and tenant isolation

#[tokio::test]
async fn chat_requests_are_validated() {
    let server = start().await;
    let anon = server.anon();
    let anon = &anon;
    let post = |body: Value| async move { anon.post("/api/chat", &body).await };

    for (message, why) in [
        (String::new(), "empty"),
        ("   ".to_owned(), "blank"),
        ("a".repeat(4001), "4001 characters"),
    ] {
        let reply =
            post(json!({"tenantId": "default", "visitorId": "v1", "message": message})).await;
        assert_eq!(reply.status, 400, "{why}: {}", reply.text);
        assert!(reply.error().contains("message"), "{why}: {}", reply.text);
    }
    let reply =
        post(json!({"tenantId": "default", "visitorId": "v1", "message": "abcd".repeat(1000)}))
            .await;
    assert_eq!(
        reply.status, 200,
        "4000 characters are fine: {}",
        reply.text
    );

    let reply = post(json!({"tenantId": "default", "message": "hi"})).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("visitorId"), "{}", reply.text);
    let reply =
        post(json!({"tenantId": "default", "visitorId": "v1", "message": "hi", "extra": 1})).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("extra"), "{}", reply.text);
    let reply =
        post(json!({"tenantId": "no-such-tenant", "visitorId": "v1", "message": "hi"})).await;
    assert_eq!(reply.status, 404, "unknown tenant: {}", reply.text);
    let reply = post(json!({
        "tenantId": "default", "visitorId": "v1", "message": "hi",
        "conversationId": uuid::Uuid::new_v4().to_string()
    }))
    .await;
    assert_eq!(reply.status, 404, "unknown conversation: {}", reply.text);
    let reply = post(json!({
        "tenantId": "default", "visitorId": "v1", "message": "hi", "conversationId": "nope"
    }))
    .await;
    assert_eq!(
        reply.status, 400,
        "malformed conversationId: {}",
        reply.text
    );
}

/// Asserts `reply` is a 404 with an error body.
fn assert_not_found(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 404, "{what}: {}", reply.text);
    reply.error();
}

#[tokio::test]
async fn every_agent_endpoint_is_isolated_by_tenant() {
    let server = start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    server.tenant("other").await;
    let other_key = server
        .key_for("other", synaptiq::domain::model::Tier::Enterprise)
        .await;
    let other = server.as_key(&other_key);

    // A booked lead with its conversation and meeting in the default tenant.
    let mut v = Visitor::new(&server, "default", "visitor-iso");
    qualify(&mut v, "Iris Stone", "Vault Co", "iris@vault.example.com").await;
    let body = v.say("1").await;
    let lead_id = body["lead"]["id"].as_str().unwrap().to_owned();
    let meeting_id = event(&body, "meeting.booked")["meeting"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let conversation_id = v.conversation().to_owned();

    // Another tenant's key sees none of it.
    let listed = get_ok(&other, "/api/conversations").await;
    assert_eq!(listed["conversations"], json!([]), "{listed}");
    assert_not_found(
        &other
            .get(&format!("/api/conversations/{conversation_id}"))
            .await,
        "conversation",
    );
    assert_not_found(
        &other
            .get(&format!("/api/leads/{lead_id}/conversations"))
            .await,
        "lead's conversations",
    );
    let listed = get_ok(&other, "/api/meetings").await;
    assert_eq!(listed["meetings"], json!([]), "{listed}");
    assert_not_found(
        &other.get(&format!("/api/meetings/{meeting_id}.ics")).await,
        "calendar",
    );
    assert_not_found(
        &other.get(&format!("/api/leads/{lead_id}/meetings")).await,
        "lead's meetings",
    );
    assert_not_found(
        &other.delete(&format!("/api/meetings/{meeting_id}")).await,
        "cancel",
    );
    let still = get_ok(&api, &format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(still["meetings"][0]["status"], "booked", "{still}");
    let events = get_ok(&other, "/api/admin/events").await;
    assert!(
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["type"].as_str().unwrap().starts_with("lead.")
                && e["type"] != "meeting.booked"),
        "{events}"
    );

    // Settings are per tenant.
    let patched = other
        .patch("/api/admin/settings", &json!({"agentName": "Otto"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        get_ok(&other, "/api/admin/settings").await["settings"]["agentName"],
        "Otto"
    );
    assert_eq!(
        get_ok(&api, "/api/admin/settings").await["settings"]["agentName"],
        "Ava"
    );
    let widget = get_ok(&server.anon(), "/api/widget?tenant=other").await;
    assert_eq!(widget["agentName"], "Otto");
    let widget = get_ok(&server.anon(), "/api/widget?tenant=default").await;
    assert_eq!(widget["agentName"], "Ava");

    // The public chat API: conversations belong to one tenant and one visitor.
    let anon = server.anon();
    let reply = anon
        .post(
            "/api/chat",
            &json!({"tenantId": "other", "visitorId": "visitor-iso",
                    "conversationId": conversation_id, "message": "hello?"}),
        )
        .await;
    assert_not_found(&reply, "another tenant's conversation");
    let reply = anon
        .post(
            "/api/chat",
            &json!({"tenantId": "default", "visitorId": "someone-else",
                    "conversationId": conversation_id, "message": "hello?"}),
        )
        .await;
    assert_not_found(&reply, "another visitor's conversation");
    let reply = anon
        .get(&format!(
            "/api/chat/{conversation_id}?visitorId=someone-else"
        ))
        .await;
    assert_not_found(&reply, "another visitor's history");
    let reply = anon
        .get(&format!(
            "/api/chat/{conversation_id}?visitorId=visitor-iso"
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = anon
        .post(
            "/api/chat",
            &json!({"tenantId": "no-such-tenant", "visitorId": "visitor-iso", "message": "hi"}),
        )
        .await;
    assert_not_found(&reply, "unknown tenant");

    // The same email in another tenant is another lead.
    let mut twin = Visitor::new(&server, "other", "visitor-iso");
    twin.say("Hi, I'm Iris Stone").await;
    let body = twin.say("iris@vault.example.com").await;
    assert_eq!(event_types(&body), vec!["lead.created"], "{body}");
    assert_ne!(body["lead"]["id"], lead_id.as_str());
    assert_ne!(twin.conversation(), conversation_id);
    let theirs = get_ok(&other, "/api/conversations").await;
    assert_eq!(theirs["conversations"].as_array().unwrap().len(), 1);
    assert_not_found(
        &api.get(&format!("/api/conversations/{}", twin.conversation()))
            .await,
        "the other tenant's conversation from the default tenant",
    );
}
