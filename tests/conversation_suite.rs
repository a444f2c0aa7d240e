//! The conversation suite: scripted visitor conversations (`tests/conversations/*.json`)
//! written the way real visitors write — typos, lower case, several facts at once,
//! corrections, questions in the middle — each with the lead, status, score and booking a
//! correct sales agent reaches under the tenant's rules. The built-in agent has to get at
//! least 36 of them fully right; the test prints the score and every miss with its reasons.
//!
//! A script is `{"name", "turns": [...], "settings"?: merge patch, "knowledge"?: [{"title",
//! "content", "type"}], "expect": {"lead": {"name"?, "email"?, "company"?, "phone"?} | null,
//! "status", "score": [min, max], "booked", "replyContains"?: [[turn, "text"], ...],
//! "sources"?: [[turn, "document title"], ...]}}`.
//! Names, emails and companies compare without regard to case; phones by their digits.
//! Each script gets a fresh visitor; one that patches settings or brings a knowledge base
//! runs in a tenant of its own. `SYNAPTIQ_SUITE_VERBOSE=1` prints every transcript.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use common::TestServer;
use serde::Deserialize;
use serde_json::{Value, json};
use synaptiq::domain::model::Tier;

/// The built-in agent must get at least this many scripts fully right.
const REQUIRED: usize = 36;
/// The suite holds at least this many scripts.
const MINIMUM_SCRIPTS: usize = 40;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    name: String,
    turns: Vec<String>,
    #[serde(default)]
    settings: Option<Value>,
    #[serde(default)]
    knowledge: Vec<Document>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    title: String,
    content: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Expect {
    lead: Option<ExpectedLead>,
    status: String,
    score: [u8; 2],
    booked: bool,
    #[serde(default)]
    reply_contains: Vec<(usize, String)>,
    /// `[turn, "document title"]`: the reply names that source in `sources`.
    #[serde(default)]
    sources: Vec<(usize, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedLead {
    name: Option<String>,
    email: Option<String>,
    company: Option<String>,
    phone: Option<String>,
}

/// What happened when a script ran.
struct Outcome {
    replies: Vec<String>,
    misses: Vec<String>,
}

fn scripts() -> Vec<(String, Script)> {
    let dir = Path::new("tests/conversations").to_path_buf();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let script: Script =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!script.turns.is_empty(), "{stem}: no turns");
            let [min, max] = script.expect.score;
            assert!(min <= max && max <= 100, "{stem}: score range {min}-{max}");
            for (turn, _) in &script.expect.reply_contains {
                assert!(*turn < script.turns.len(), "{stem}: no turn {turn}");
            }
            (stem, script)
        })
        .collect()
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// The tenant a script runs in: `default`, or its own when it changes settings or brings a
/// knowledge base (so no other script sees them). Returns the tenant and an API key for it.
async fn tenant_for(server: &TestServer, stem: &str, script: &Script) -> (String, String) {
    if script.settings.is_none() && script.knowledge.is_empty() {
        return ("default".to_owned(), server.key().await);
    }
    let tenant = format!(
        "suite-{}",
        stem.chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            })
            .collect::<String>()
    );
    server.tenant(&tenant).await;
    let key = server.key_for(&tenant, Tier::Enterprise).await;
    let api = server.as_key(&key);
    if let Some(settings) = &script.settings {
        let reply = api.patch("/api/admin/settings", settings).await;
        assert_eq!(reply.status, 200, "{stem}: settings: {}", reply.text);
    }
    for doc in &script.knowledge {
        let reply = api
            .post(
                "/api/admin/knowledge-base",
                &json!({"title": doc.title, "content": doc.content, "type": doc.kind}),
            )
            .await;
        assert_eq!(reply.status, 201, "{stem}: knowledge: {}", reply.text);
    }
    (tenant, key)
}

async fn run(server: &TestServer, stem: &str, script: &Script) -> Outcome {
    let (tenant, key) = tenant_for(server, stem, script).await;
    let api = server.as_key(&key);
    let visitor = format!("suite-visitor-{stem}");
    let mut conversation: Option<String> = None;
    let mut lead_id: Option<String> = None;
    let mut replies = Vec::new();
    let mut sources: Vec<Vec<String>> = Vec::new();
    let mut misses = Vec::new();

    for (i, message) in script.turns.iter().enumerate() {
        let mut body = json!({"tenantId": tenant, "visitorId": visitor, "message": message});
        if let Some(id) = &conversation {
            body["conversationId"] = id.as_str().into();
        }
        let reply = server.anon().post("/api/chat", &body).await;
        if reply.status != 200 {
            misses.push(format!("turn {i}: HTTP {} {}", reply.status, reply.text));
            replies.push(String::new());
            break;
        }
        conversation = reply.body["conversationId"].as_str().map(str::to_owned);
        if let Some(id) = reply.body["lead"]["id"].as_str() {
            lead_id = Some(id.to_owned());
        }
        replies.push(
            reply.body["reply"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        sources.push(
            reply.body["sources"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["title"].as_str().map(str::to_owned))
                .collect(),
        );
    }
    for (turn, title) in &script.expect.sources {
        if !sources.get(*turn).is_some_and(|t| t.contains(title)) {
            misses.push(format!(
                "turn {turn}: sources lack {title:?}: {:?}",
                sources.get(*turn)
            ));
        }
    }

    for (turn, text) in &script.expect.reply_contains {
        match replies.get(*turn) {
            Some(said) if said.contains(text.as_str()) => {}
            Some(said) => misses.push(format!("turn {turn}: reply lacks {text:?}: {said:?}")),
            None => misses.push(format!("turn {turn}: no reply")),
        }
    }

    let expected = &script.expect;
    let Some(lead_id) = lead_id else {
        if expected.lead.is_some() {
            misses.push("no lead was created".to_owned());
        }
        return Outcome { replies, misses };
    };
    let reply = api.get(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(reply.status, 200, "{stem}: lead: {}", reply.text);
    let lead = &reply.body["lead"];
    match &expected.lead {
        None => misses.push(format!("expected no lead, got {lead}")),
        Some(want) => {
            let field = |name: &str| lead[name].as_str().unwrap_or("").to_owned();
            for (name, wanted) in [
                ("name", &want.name),
                ("email", &want.email),
                ("company", &want.company),
            ] {
                if let Some(wanted) = wanted
                    && !same_text(&field(name), wanted)
                {
                    misses.push(format!("{name}: expected {wanted:?}, got {}", lead[name]));
                }
            }
            if let Some(wanted) = &want.phone
                && digits(&field("phone")) != digits(wanted)
            {
                misses.push(format!("phone: expected {wanted:?}, got {}", lead["phone"]));
            }
        }
    }
    if lead["status"] != expected.status.as_str() {
        misses.push(format!(
            "status: expected {}, got {}",
            expected.status, lead["status"]
        ));
    }
    let score = lead["qualificationScore"].as_u64().unwrap_or(0);
    let [min, max] = expected.score;
    if !(u64::from(min)..=u64::from(max)).contains(&score) {
        misses.push(format!(
            "score: expected {min}-{max}, got {score} (reasons {})",
            lead["qualification"]["reasons"]
        ));
    }
    let meetings = api.get(&format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(meetings.status, 200, "{stem}: meetings: {}", meetings.text);
    let booked = meetings.body["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["status"] == "booked");
    if booked != expected.booked {
        misses.push(format!(
            "booked: expected {}, got {booked}",
            expected.booked
        ));
    }
    Outcome { replies, misses }
}

#[tokio::test]
async fn the_builtin_agent_handles_the_scripted_conversations() {
    let server =
        TestServer::start_with(|c| c.rate_limits.public = NonZeroU32::new(100_000).unwrap()).await;
    let scripts = scripts();
    let total = scripts.len();
    let mut right = 0;
    let mut report = String::new();
    // SYNAPTIQ_SUITE_VERBOSE=1 prints the transcripts of the scripts that pass too.
    let verbose = std::env::var_os("SYNAPTIQ_SUITE_VERBOSE").is_some();
    for (stem, script) in &scripts {
        let outcome = run(&server, stem, script).await;
        if outcome.misses.is_empty() {
            right += 1;
            if !verbose {
                continue;
            }
            writeln!(report, "\nOK {stem} — {}", script.name).unwrap();
        } else {
            writeln!(report, "\nMISS {stem} — {}", script.name).unwrap();
        }
        for miss in &outcome.misses {
            writeln!(report, "  ✗ {miss}").unwrap();
        }
        for (i, message) in script.turns.iter().enumerate() {
            writeln!(report, "  [{i}] visitor: {message:?}").unwrap();
            if let Some(said) = outcome.replies.get(i) {
                writeln!(report, "      agent:   {said:?}").unwrap();
            }
        }
    }
    println!("conversation suite: {right}/{total} fully right");
    print!("{report}");
    assert!(
        total >= MINIMUM_SCRIPTS,
        "the suite needs at least {MINIMUM_SCRIPTS} scripts, has {total}"
    );
    assert!(
        right >= REQUIRED,
        "conversation suite: {right}/{total} fully right, at least {REQUIRED} required (misses above)"
    );
}
