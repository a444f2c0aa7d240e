//! Leads over HTTP: create, read, update, delete, list, export, tenant isolation, the event
//! outbox, duplicate emails under concurrency, and durability across restarts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::{Client, TestServer, create_lead};
use serde_json::{Value, json};

/// `2026-04-01T14:30:00.000Z`: RFC 3339, UTC, exactly three fraction digits.
fn assert_wire_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let bytes = text.as_bytes();
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let shape_ok = bytes.len() == 24
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
            .iter()
            .all(|&i| digit_at(i))
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'.'
        && bytes[23] == b'Z';
    assert!(shape_ok, "not RFC 3339 UTC with milliseconds: {text}");
    text.parse::<jiff::Timestamp>()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
}

fn timestamp(value: &Value) -> jiff::Timestamp {
    value.as_str().unwrap().parse().unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Lets the wall clock pass a millisecond boundary so a later write gets a later timestamp.
async fn next_millisecond() {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

async fn lead_ids_for(api: &Client<'_>, path: &str) -> Vec<String> {
    let reply = api.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    ids(&reply.body)
}

// ---------------------------------------------------------------------------------------------
// Create and read

#[tokio::test]
async fn creating_a_lead_answers_201_with_every_field() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com", "company": "Acme Corp"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let body = reply.body.as_object().unwrap();
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        vec!["lead"],
        "wrapped by its name: {}",
        reply.text
    );
    let lead = &reply.body["lead"];
    let mut fields: Vec<&str> = lead
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec![
            "company",
            "createdAt",
            "email",
            "id",
            "metadata",
            "name",
            "phone",
            "qualification",
            "qualificationScore",
            "source",
            "status",
            "updatedAt"
        ]
    );
    uuid::Uuid::parse_str(lead["id"].as_str().unwrap()).expect("id is a UUID");
    assert_eq!(lead["name"], "Jane Smith");
    assert_eq!(lead["email"], "jane@example.com");
    assert_eq!(lead["phone"], Value::Null);
    assert_eq!(lead["company"], "Acme Corp");
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["qualificationScore"], 0);
    assert_eq!(lead["qualification"], Value::Null);
    assert_eq!(lead["metadata"], json!({}));
    assert_eq!(lead["source"], "api");
    assert_wire_time(&lead["createdAt"]);
    assert_wire_time(&lead["updatedAt"]);
    assert_eq!(lead["createdAt"], lead["updatedAt"]);
    let created = timestamp(&lead["createdAt"]);
    let now = jiff::Timestamp::now();
    assert!(
        now.duration_since(created).as_secs().abs() < 60,
        "createdAt {created} is not now ({now})"
    );

    let got = api
        .get(&format!("/api/leads/{}", lead["id"].as_str().unwrap()))
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body, json!({"lead": lead}));
}

#[tokio::test]
async fn optional_fields_are_stored_trimmed() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads",
            &json!({
                "name": "  Jane Smith ",
                "email": " jane@example.com ",
                "phone": "+1 555 0100",
                "company": "Acme Corp",
                "metadata": {"utm": {"source": "ads"}, "seats": 40}
            }),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let lead = &reply.body["lead"];
    assert_eq!(lead["name"], "Jane Smith");
    assert_eq!(lead["email"], "jane@example.com");
    assert_eq!(lead["phone"], "+1 555 0100");
    assert_eq!(
        lead["metadata"],
        json!({"utm": {"source": "ads"}, "seats": 40})
    );
    let got = api
        .get(&format!("/api/leads/{}", lead["id"].as_str().unwrap()))
        .await;
    assert_eq!(got.body["lead"], *lead);
}

#[tokio::test]
async fn names_of_exactly_200_characters_are_accepted() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let name = "é".repeat(200);

    let reply = api.post("/api/leads", &json!({"name": name, "email": "long@example.com", "company": "c".repeat(200), "phone": "1".repeat(50)})).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["lead"]["name"], name.as_str());
}

#[tokio::test]
async fn the_admin_path_serves_the_same_leads() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/admin/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com", "company": "Acme Corp"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let lead = reply.body["lead"].clone();
    assert_eq!(lead["source"], "api");
    assert_eq!(lead["status"], "new");
    let id = lead["id"].as_str().unwrap();
    for path in [format!("/api/leads/{id}"), format!("/api/admin/leads/{id}")] {
        let got = api.get(&path).await;
        assert_eq!(got.status, 200, "{path}: {}", got.text);
        assert_eq!(got.body["lead"], lead, "{path}");
    }
    assert_eq!(
        lead_ids_for(&api, "/api/admin/leads").await,
        vec![id.to_owned()]
    );
    assert_eq!(lead_ids_for(&api, "/api/leads").await, vec![id.to_owned()]);
}

#[tokio::test]
async fn the_admin_session_creates_and_lists_leads() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let reply = admin
        .post(
            "/api/admin/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["lead"]["id"].as_str().unwrap().to_owned();
    let key = server.key().await;
    let got = server.as_key(&key).get(&format!("/api/leads/{id}")).await;
    assert_eq!(
        got.status, 200,
        "a session acts on the default tenant: {}",
        got.text
    );
    assert_eq!(lead_ids_for(&admin, "/api/admin/leads").await, vec![id]);
}

// ---------------------------------------------------------------------------------------------
// Validation

/// Each invalid create names the field at fault, and nothing is stored.
#[tokio::test]
async fn invalid_creates_are_400_naming_the_field() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let ok = |extra: Value| {
        let mut body = json!({"name": "Jane Smith", "email": "jane@example.com"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let big_metadata = json!({"notes": "x".repeat(17 * 1024)});
    let cases: Vec<(&str, Value, &str)> = vec![
        ("empty name", ok(json!({"name": ""})), "name"),
        ("blank name", ok(json!({"name": "   "})), "name"),
        (
            "201-character name",
            ok(json!({"name": "a".repeat(201)})),
            "name",
        ),
        ("missing name", json!({"email": "jane@example.com"}), "name"),
        ("name not a string", ok(json!({"name": 42})), "name"),
        ("bad email", ok(json!({"email": "not-an-email"})), "email"),
        (
            "email without domain",
            ok(json!({"email": "jane@"})),
            "email",
        ),
        ("missing email", json!({"name": "Jane Smith"}), "email"),
        (
            "51-character phone",
            ok(json!({"phone": "1".repeat(51)})),
            "phone",
        ),
        (
            "201-character company",
            ok(json!({"company": "c".repeat(201)})),
            "company",
        ),
        (
            "metadata an array",
            ok(json!({"metadata": [1, 2]})),
            "metadata",
        ),
        (
            "metadata a string",
            ok(json!({"metadata": "note"})),
            "metadata",
        ),
        (
            "metadata over 16 KiB",
            ok(json!({"metadata": big_metadata})),
            "metadata",
        ),
        ("unknown field", ok(json!({"nickname": "JJ"})), "nickname"),
        (
            "status is not settable on create",
            ok(json!({"status": "qualified"})),
            "status",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, body, field) in cases {
        let reply = api.post("/api/leads", &body).await;

        if reply.status != 400
            || !reply.body["error"]
                .as_str()
                .is_some_and(|e| e.contains(field))
        {
            wrong.push(format!(
                "{what}: expected 400 naming `{field}`, got {} {}",
                reply.status, reply.text
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    assert_eq!(
        lead_ids_for(&api, "/api/leads").await,
        Vec::<String>::new(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn invalid_updates_are_400_naming_the_field_and_change_nothing() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "qualificationScore 101",
            json!({"qualificationScore": 101}),
            "qualificationScore",
        ),
        (
            "qualificationScore -1",
            json!({"qualificationScore": -1}),
            "qualificationScore",
        ),
        (
            "qualificationScore 1.5",
            json!({"qualificationScore": 1.5}),
            "qualificationScore",
        ),
        (
            "qualificationScore a string",
            json!({"qualificationScore": "high"}),
            "qualificationScore",
        ),
        ("unknown status", json!({"status": "won"}), "status"),
        ("empty name", json!({"name": ""}), "name"),
        (
            "201-character name",
            json!({"name": "a".repeat(201)}),
            "name",
        ),
        ("bad email", json!({"email": "jane.example.com"}), "email"),
        (
            "51-character phone",
            json!({"phone": "1".repeat(51)}),
            "phone",
        ),
        (
            "201-character company",
            json!({"company": "c".repeat(201)}),
            "company",
        ),
        ("metadata an array", json!({"metadata": [1]}), "metadata"),
        ("unknown field", json!({"source": "widget"}), "source"),
    ];
    let mut wrong = Vec::new();
    for (what, body, field) in cases {
        let reply = api.patch(&path, &body).await;

        if reply.status != 400
            || !reply.body["error"]
                .as_str()
                .is_some_and(|e| e.contains(field))
        {
            wrong.push(format!(
                "{what}: expected 400 naming `{field}`, got {} {}",
                reply.status, reply.text
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    assert_eq!(
        api.get(&path).await.body["lead"],
        lead,
        "the lead is unchanged"
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicate emails

#[tokio::test]
async fn a_second_lead_with_the_same_email_is_409_naming_the_first() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let first = create_lead(&api, "Jane Smith", "jane@example.com", None).await;

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Janet Smith", "email": " JANE@Example.com "}),
        )
        .await;

    assert_eq!(reply.status, 409, "{}", reply.text);
    assert!(reply.error().contains("email"), "{}", reply.text);
    assert_eq!(reply.body["leadId"], first["id"]);
    assert_eq!(
        lead_ids_for(&api, "/api/leads").await,
        vec![first["id"].as_str().unwrap().to_owned()]
    );
}

#[tokio::test]
async fn the_same_email_is_free_in_another_tenant() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let default_key = server.key().await;
    let acme_key = server
        .key_for("acme", synaptiq::domain::model::Tier::Enterprise)
        .await;
    create_lead(
        &server.as_key(&default_key),
        "Jane Smith",
        "jane@example.com",
        None,
    )
    .await;

    let reply = server
        .as_key(&acme_key)
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[tokio::test]
async fn changing_an_email_to_one_another_lead_has_is_409() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let jane = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let bob = create_lead(&api, "Bob Jones", "bob@example.com", None).await;
    let bob_path = format!("/api/leads/{}", bob["id"].as_str().unwrap());

    let reply = api
        .patch(&bob_path, &json!({"email": "Jane@EXAMPLE.com"}))
        .await;

    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.body["leadId"], jane["id"]);
    assert_eq!(
        api.get(&bob_path).await.body["lead"],
        bob,
        "bob is unchanged"
    );
}

#[tokio::test]
async fn concurrent_creates_with_one_email_make_exactly_one_lead() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let http = reqwest::Client::new();
    let mut creates = tokio::task::JoinSet::new();
    for i in 0..20 {
        let request = http
            .post(format!("{}/api/leads", server.url))
            .bearer_auth(&key)
            .json(&json!({"name": format!("Racer {i}"), "email": "race@example.com"}));
        creates.spawn(async move { common::reply(request.send().await.unwrap()).await });
    }

    let replies = creates.join_all().await;

    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    let conflicts: Vec<_> = replies.iter().filter(|r| r.status == 409).collect();
    assert_eq!(created.len(), 1, "{replies:#?}");
    assert_eq!(conflicts.len(), 19, "{replies:#?}");
    let winner = &created[0].body["lead"]["id"];
    for conflict in conflicts {
        assert_eq!(&conflict.body["leadId"], winner, "{}", conflict.text);
    }
    let api = server.as_key(&key);
    assert_eq!(
        lead_ids_for(&api, "/api/leads").await,
        vec![winner.as_str().unwrap().to_owned()]
    );
}

// ---------------------------------------------------------------------------------------------
// Update

#[tokio::test]
async fn patch_changes_only_the_fields_given() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com", "phone": "+1 555 0100", "company": "Acme Corp", "metadata": {"plan": "pro"}}),
        )
        .await
        .body["lead"]
        .clone();
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());
    next_millisecond().await;

    let reply = api.patch(&path, &json!({"name": "Janet Smith"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let lead = &reply.body["lead"];
    assert_eq!(lead["name"], "Janet Smith");
    for same in [
        "id",
        "email",
        "phone",
        "company",
        "status",
        "qualificationScore",
        "qualification",
        "metadata",
        "source",
        "createdAt",
    ] {
        assert_eq!(lead[same], created[same], "{same} must not change");
    }
    assert_wire_time(&lead["updatedAt"]);
    assert!(
        timestamp(&lead["updatedAt"]) > timestamp(&created["updatedAt"]),
        "updatedAt moves: {lead}"
    );
    assert_eq!(
        api.get(&path).await.body["lead"],
        *lead,
        "the change is stored"
    );
}

#[tokio::test]
async fn patch_with_null_clears_phone_and_company() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = api
        .post("/api/leads", &json!({"name": "Jane Smith", "email": "jane@example.com", "phone": "+1 555 0100", "company": "Acme Corp"}))
        .await
        .body["lead"]
        .clone();
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());

    let reply = api
        .patch(&path, &json!({"phone": null, "company": null}))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["lead"]["phone"], Value::Null);
    assert_eq!(reply.body["lead"]["company"], Value::Null);
    assert_eq!(reply.body["lead"]["name"], "Jane Smith");
    let got = api.get(&path).await.body["lead"].clone();
    assert_eq!(got["phone"], Value::Null);
    assert_eq!(got["company"], Value::Null);
}

#[tokio::test]
async fn patch_sets_status_score_and_metadata() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());

    let reply = api.patch(&path, &json!({"status": "booked", "qualificationScore": 92, "metadata": {"source": "webinar"}})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let lead = &reply.body["lead"];
    assert_eq!(lead["status"], "booked");
    assert_eq!(lead["qualificationScore"], 92);
    assert_eq!(lead["metadata"], json!({"source": "webinar"}));
    assert_eq!(lead["name"], "Jane Smith");
    assert_eq!(api.get(&path).await.body["lead"], *lead);
    let cleared = api
        .patch(&path, &json!({"metadata": null, "qualificationScore": 0}))
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["lead"]["metadata"], json!({}));
    assert_eq!(cleared.body["lead"]["qualificationScore"], 0);
}

#[tokio::test]
async fn every_status_of_the_seed_can_be_set() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());
    for status in [
        "qualifying",
        "qualified",
        "booked",
        "disqualified",
        "nurturing",
        "new",
    ] {
        let reply = api.patch(&path, &json!({"status": status})).await;

        assert_eq!(reply.status, 200, "{status}: {}", reply.text);
        assert_eq!(reply.body["lead"]["status"], status);
    }
}

#[tokio::test]
async fn patching_a_missing_lead_is_404() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .patch(
            &format!("/api/leads/{}", uuid::Uuid::now_v7()),
            &json!({"name": "Nobody"}),
        )
        .await;

    assert_eq!(reply.status, 404, "{}", reply.text);
    assert!(reply.error().contains("lead"), "{}", reply.text);
}

// ---------------------------------------------------------------------------------------------
// Delete

#[tokio::test]
async fn a_deleted_lead_is_gone_everywhere() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let keep = create_lead(&api, "Bob Jones", "bob@example.com", Some("Acme Corp")).await;
    let gone = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", gone["id"].as_str().unwrap());

    let reply = api.delete(&path).await;

    assert_eq!(reply.status, 204, "{}", reply.text);
    assert!(reply.text.is_empty(), "204 has no body: {}", reply.text);
    let got = api.get(&path).await;
    assert_eq!(got.status, 404, "{}", got.text);
    assert!(got.error().contains("lead"), "{}", got.text);
    let keep_id = keep["id"].as_str().unwrap().to_owned();
    assert_eq!(
        lead_ids_for(&api, "/api/leads").await,
        vec![keep_id.clone()]
    );
    // Without waiting for the index: search reads rows back, so a deleted lead never shows.
    assert_eq!(
        lead_ids_for(&api, "/api/leads?q=acme").await,
        vec![keep_id.clone()]
    );
    assert_eq!(
        lead_ids_for(&api, "/api/leads?q=jane").await,
        Vec::<String>::new()
    );
    assert_eq!(api.patch(&path, &json!({"name": "Back"})).await.status, 404);
    assert_eq!(api.get(&format!("{path}/export")).await.status, 404);
    assert_eq!(api.delete(&path).await.status, 404, "deleting twice");
    let csv = api.get("/api/leads/export.csv").await;
    assert!(!csv.text.contains("jane@example.com"), "{}", csv.text);
}

#[tokio::test]
async fn a_deleted_email_can_be_used_again() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let gone = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    assert_eq!(
        api.delete(&format!("/api/leads/{}", gone["id"].as_str().unwrap()))
            .await
            .status,
        204
    );

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_ne!(reply.body["lead"]["id"], gone["id"]);
}

// ---------------------------------------------------------------------------------------------
// Lists

#[tokio::test]
async fn the_list_is_newest_first() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for (name, email) in [
        ("Ann", "ann@example.com"),
        ("Bob", "bob@example.com"),
        ("Cy", "cy@example.com"),
    ] {
        created.push(create_lead(&api, name, email, None).await);
    }

    let reply = api.get("/api/leads").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let leads = reply.body["leads"].as_array().unwrap();
    let expected: Vec<Value> = created.into_iter().rev().collect();
    assert_eq!(*leads, expected, "newest first, each as GET returns it");
    assert_eq!(reply.body["nextCursor"], Value::Null);
}

#[tokio::test]
async fn cursor_pages_chain_without_duplicates() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            create_lead(
                &api,
                &format!("Lead {i}"),
                &format!("lead{i}@example.com"),
                None,
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    created.reverse();

    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/api/leads?limit=2".to_owned();
    loop {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let page = ids(&reply.body);
        pages.push(page.len());
        seen.extend(page);
        match reply.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/leads?limit=2&cursor={cursor}"),
            None => break,
        }
        assert!(pages.len() < 10, "pagination does not end");
    }

    assert_eq!(pages, vec![2, 2, 1]);
    assert_eq!(seen, created, "every lead once, newest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
}

#[tokio::test]
async fn a_full_last_page_has_no_next_cursor() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    for i in 0..4 {
        create_lead(
            &api,
            &format!("Lead {i}"),
            &format!("lead{i}@example.com"),
            None,
        )
        .await;
    }

    let first = api.get("/api/leads?limit=2").await;
    let cursor = first.body["nextCursor"]
        .as_str()
        .expect("a second page exists")
        .to_owned();
    let second = api
        .get(&format!("/api/leads?limit=2&cursor={cursor}"))
        .await;

    assert_eq!(ids(&second.body).len(), 2);
    assert_eq!(second.body["nextCursor"], Value::Null, "{}", second.text);
}

#[tokio::test]
async fn page_limits_and_cursors_are_validated() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let cases = [
        ("/api/leads?limit=0", "limit"),
        ("/api/leads?limit=501", "limit"),
        ("/api/leads?limit=-3", "limit"),
        ("/api/leads?limit=ten", "limit"),
        ("/api/leads?cursor=garbage!!", "cursor"),
        ("/api/leads?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/api/leads?status=won", "status"),
    ];
    for (path, field) in cases {
        let reply = api.get(path).await;

        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert!(
            reply.error().contains(field),
            "{path}: error should name `{field}`: {}",
            reply.text
        );
    }
    assert_eq!(api.get("/api/leads?limit=500").await.status, 200);
    assert_eq!(api.get("/api/leads?limit=1").await.status, 200);
}

#[tokio::test]
async fn the_status_filter_keeps_only_that_status() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let fresh = create_lead(&api, "Ann", "ann@example.com", None).await;
    let qualified = create_lead(&api, "Bob", "bob@example.com", None).await;
    let booked = create_lead(&api, "Cy", "cy@example.com", None).await;
    let q2 = create_lead(&api, "Di", "di@example.com", None).await;
    for (lead, status) in [
        (&qualified, "qualified"),
        (&booked, "booked"),
        (&q2, "qualified"),
    ] {
        let reply = api
            .patch(
                &format!("/api/leads/{}", lead["id"].as_str().unwrap()),
                &json!({"status": status}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let id = |l: &Value| l["id"].as_str().unwrap().to_owned();

    let reply = api.get("/api/leads?status=qualified").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(ids(&reply.body), vec![id(&q2), id(&qualified)]);
    assert_eq!(
        lead_ids_for(&api, "/api/leads?status=booked").await,
        vec![id(&booked)]
    );
    assert_eq!(
        lead_ids_for(&api, "/api/leads?status=new").await,
        vec![id(&fresh)]
    );
    assert_eq!(
        lead_ids_for(&api, "/api/leads?status=nurturing").await,
        Vec::<String>::new()
    );
    assert_eq!(
        lead_ids_for(&api, "/api/admin/leads?status=qualified").await,
        vec![id(&q2), id(&qualified)]
    );
}

// ---------------------------------------------------------------------------------------------
// Exports

#[tokio::test]
async fn a_lead_export_holds_the_lead_and_its_events() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let other = create_lead(&api, "Bob Jones", "bob@example.com", None).await;
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());
    let updated = api
        .patch(
            &path,
            &json!({"status": "qualified", "qualificationScore": 80}),
        )
        .await
        .body["lead"]
        .clone();

    let reply = api.get(&format!("{path}/export")).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["lead"], updated);
    assert_wire_time(&reply.body["exportedAt"]);
    let events = reply.body["events"].as_array().unwrap();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["lead.created", "lead.updated", "lead.qualified"],
        "oldest first, this lead only"
    );
    assert_eq!(events[0]["data"], created);
    assert_eq!(events[1]["data"], updated);
    assert!(
        !reply.text.contains(other["id"].as_str().unwrap()),
        "another lead's events leak: {}",
        reply.text
    );
    let admin_path = api
        .get(&format!(
            "/api/admin/leads/{}/export",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(admin_path.status, 200, "{}", admin_path.text);
    assert_eq!(admin_path.body["events"], reply.body["events"]);
}

#[tokio::test]
async fn the_csv_export_has_a_header_and_one_row_per_lead() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let jane = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme, Inc.")).await;
    let bob = api
        .post("/api/leads", &json!({"name": "Bob \"The Builder\" Jones", "email": "bob@example.com", "phone": "+1 555 0100", "metadata": {"k": 1}}))
        .await
        .body["lead"]
        .clone();

    let reply = api.get("/api/leads/export.csv").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let content_type = reply.header("content-type").unwrap();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut reader = csv::Reader::from_reader(reply.text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        vec![
            "id",
            "name",
            "email",
            "phone",
            "company",
            "status",
            "qualificationScore",
            "qualification",
            "metadata",
            "source",
            "createdAt",
            "updatedAt"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{}", reply.text);
    let column = |row: &csv::StringRecord, name: &str| {
        row.get(header.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_owned()
    };
    for (row, lead) in rows.iter().zip([&bob, &jane]) {
        assert_eq!(
            column(row, "id"),
            lead["id"].as_str().unwrap(),
            "newest first"
        );
        assert_eq!(column(row, "name"), lead["name"].as_str().unwrap());
        assert_eq!(column(row, "email"), lead["email"].as_str().unwrap());
        assert_eq!(column(row, "phone"), lead["phone"].as_str().unwrap_or(""));
        assert_eq!(
            column(row, "company"),
            lead["company"].as_str().unwrap_or("")
        );
        assert_eq!(column(row, "status"), "new");
        assert_eq!(column(row, "qualificationScore"), "0");
        assert_eq!(column(row, "qualification"), "");
        assert_eq!(column(row, "source"), "api");
        assert_eq!(
            serde_json::from_str::<Value>(&column(row, "metadata")).unwrap(),
            lead["metadata"]
        );
        assert_eq!(
            column(row, "createdAt"),
            lead["createdAt"].as_str().unwrap()
        );
    }
    let admin_csv = api.get("/api/admin/leads/export.csv").await;
    assert_eq!(admin_csv.status, 200);
    assert_eq!(admin_csv.text, reply.text);
}

#[tokio::test]
async fn the_csv_export_of_no_leads_is_just_the_header() {
    let server = TestServer::start().await;
    let key = server.key().await;

    let reply = server.as_key(&key).get("/api/leads/export.csv").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.text.trim_end(),
        "id,name,email,phone,company,status,qualificationScore,qualification,metadata,source,createdAt,updatedAt"
    );
}

// ---------------------------------------------------------------------------------------------
// Tenant isolation

#[tokio::test]
async fn another_tenants_key_never_sees_or_touches_a_lead() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let owner_key = server.key().await;
    let owner = server.as_key(&owner_key);
    let lead = create_lead(&owner, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let id = lead["id"].as_str().unwrap();
    let intruder_key = server
        .key_for("acme", synaptiq::domain::model::Tier::Enterprise)
        .await;
    let intruder = server.as_key(&intruder_key);

    for prefix in ["/api/leads", "/api/admin/leads"] {
        let path = format!("{prefix}/{id}");
        let got = intruder.get(&path).await;
        assert_eq!(got.status, 404, "GET {path}: {}", got.text);
        assert!(got.error().contains("not found"), "{}", got.text);
        let patched = intruder
            .patch(
                &path,
                &json!({"name": "Hijacked", "status": "disqualified"}),
            )
            .await;
        assert_eq!(patched.status, 404, "PATCH {path}: {}", patched.text);
        let deleted = intruder.delete(&path).await;
        assert_eq!(deleted.status, 404, "DELETE {path}: {}", deleted.text);
        let exported = intruder.get(&format!("{path}/export")).await;
        assert_eq!(exported.status, 404, "export {path}: {}", exported.text);
        assert_eq!(
            lead_ids_for(&intruder, prefix).await,
            Vec::<String>::new(),
            "list {prefix}"
        );
        for q in ["jane", "acme", "jane%40example.com", "smi"] {
            assert_eq!(
                lead_ids_for(&intruder, &format!("{prefix}?q={q}")).await,
                Vec::<String>::new(),
                "search {prefix}?q={q}"
            );
        }
        assert_eq!(
            lead_ids_for(&intruder, &format!("{prefix}?status=new")).await,
            Vec::<String>::new()
        );
    }
    let csv = intruder.get("/api/leads/export.csv").await;
    assert_eq!(csv.status, 200);
    assert!(!csv.text.contains("jane@example.com"), "{}", csv.text);
    let events = intruder.get("/api/admin/events").await;
    assert_eq!(events.status, 200, "{}", events.text);
    assert_eq!(
        events.body["events"],
        json!([]),
        "another tenant's events leak: {}",
        events.text
    );

    let after = owner.get(&format!("/api/leads/{id}")).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.body["lead"], lead, "the lead is unchanged");
    assert_eq!(
        lead_ids_for(&owner, "/api/leads?q=jane").await,
        vec![id.to_owned()]
    );
}

#[tokio::test]
async fn an_admin_session_acts_on_the_tenant_it_names() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let key = server.key().await;
    let lead = create_lead(&server.as_key(&key), "Jane Smith", "jane@example.com", None).await;
    let id = lead["id"].as_str().unwrap();
    let admin = server
        .as_admin()
        .await
        .with_header("x-synaptiq-tenant", "acme");

    let got = admin.get(&format!("/api/admin/leads/{id}")).await;

    assert_eq!(got.status, 404, "{}", got.text);
    assert_eq!(
        lead_ids_for(&admin, "/api/admin/leads").await,
        Vec::<String>::new()
    );
    assert_eq!(
        admin.delete(&format!("/api/admin/leads/{id}")).await.status,
        404
    );
    let created = admin
        .post(
            "/api/admin/leads",
            &json!({"name": "Acme Person", "email": "p@acme.io"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let acme_key = server
        .key_for("acme", synaptiq::domain::model::Tier::Enterprise)
        .await;
    assert_eq!(
        lead_ids_for(&server.as_key(&acme_key), "/api/leads").await,
        vec![created.body["lead"]["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(
        server
            .as_key(&key)
            .get(&format!("/api/leads/{id}"))
            .await
            .body["lead"],
        lead
    );
}

// ---------------------------------------------------------------------------------------------
// The event outbox

/// The tenant's events, oldest first.
async fn events(api: &Client<'_>) -> Vec<Value> {
    let reply = api.get("/api/admin/events?limit=500").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut events = reply.body["events"].as_array().unwrap().clone();
    events.reverse();
    events
}

#[tokio::test]
async fn each_change_writes_its_event_with_the_lead_as_returned() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let created = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com", "company": "Acme Corp"}),
        )
        .await
        .body["lead"]
        .clone();
    let path = format!("/api/leads/{}", created["id"].as_str().unwrap());
    let renamed = api.patch(&path, &json!({"name": "Janet Smith"})).await.body["lead"].clone();
    let qualified = api
        .patch(
            &path,
            &json!({"status": "qualified", "qualificationScore": 70}),
        )
        .await
        .body["lead"]
        .clone();
    let still_qualified = api
        .patch(
            &path,
            &json!({"status": "qualified", "qualificationScore": 85}),
        )
        .await
        .body["lead"]
        .clone();

    let events = events(&api).await;

    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec![
            "lead.created",
            "lead.updated",
            "lead.updated",
            "lead.qualified",
            "lead.updated",
        ],
        "lead.qualified only when the status becomes qualified"
    );
    let expected_data = [&created, &renamed, &qualified, &qualified, &still_qualified];
    for (event, data) in events.iter().zip(expected_data) {
        let payload = &event["payload"];
        let mut keys: Vec<&str> = payload
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            vec!["data", "event", "timestamp"],
            "the webhook envelope: {payload}"
        );
        assert_eq!(payload["event"], event["type"]);
        assert_wire_time(&payload["timestamp"]);
        assert_eq!(
            payload["data"], *data,
            "{}: data is the lead as the API returned it",
            event["type"]
        );
        uuid::Uuid::parse_str(event["id"].as_str().unwrap()).unwrap();
        assert_wire_time(&event["createdAt"]);
    }
    assert_eq!(events[0]["payload"]["timestamp"], created["createdAt"]);

    // Erasure takes the copies of the lead in earlier events with it; lead.deleted remains.
    assert_eq!(api.delete(&path).await.status, 204);
    let after = self::events(&api).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0]["type"], "lead.deleted");
    assert_eq!(after[0]["payload"]["data"], still_qualified);
}

#[tokio::test]
async fn events_can_be_filtered_by_type() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let jane = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    create_lead(&api, "Bob Jones", "bob@example.com", None).await;
    let path = format!("/api/leads/{}", jane["id"].as_str().unwrap());
    let qualified = api.patch(&path, &json!({"status": "qualified"})).await.body["lead"].clone();

    let reply = api.get("/api/admin/events?type=lead.qualified").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let events = reply.body["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{}", reply.text);
    assert_eq!(events[0]["payload"]["data"], qualified);
    assert_eq!(
        api.get("/api/admin/events?type=lead.created").await.body["events"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bad = api.get("/api/admin/events?type=lead.exploded").await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.error().contains("type"), "{}", bad.text);
}

#[tokio::test]
async fn a_patch_that_changes_nothing_writes_no_event() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());

    let reply = api
        .patch(
            &path,
            &json!({"name": "Jane Smith", "company": "Acme Corp"}),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body["lead"], lead,
        "nothing changed, not even updatedAt"
    );
    let kinds: Vec<Value> = events(&api)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("lead.created")]);
}

#[tokio::test]
async fn failed_writes_write_no_event() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());

    assert_eq!(
        api.post(
            "/api/leads",
            &json!({"name": "Dup", "email": "jane@example.com"})
        )
        .await
        .status,
        409
    );
    assert_eq!(
        api.patch(&path, &json!({"qualificationScore": 101}))
            .await
            .status,
        400
    );
    assert_eq!(
        api.delete(&format!("/api/leads/{}", uuid::Uuid::now_v7()))
            .await
            .status,
        404
    );

    let kinds: Vec<Value> = events(&api)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("lead.created")]);
}

// ---------------------------------------------------------------------------------------------
// Durability

#[tokio::test]
async fn leads_survive_a_restart() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let jane = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", jane["id"].as_str().unwrap());
    let jane = api
        .patch(
            &path,
            &json!({"status": "qualified", "metadata": {"plan": "pro"}}),
        )
        .await
        .body["lead"]
        .clone();
    let bob = create_lead(&api, "Bob Jones", "bob@example.com", None).await;

    let server = server.restart().await;

    let api = server.as_key(&key);
    let got = api.get(&path).await;
    assert_eq!(
        got.status, 200,
        "the key and the lead survive: {}",
        got.text
    );
    assert_eq!(got.body["lead"], jane);
    let list = api.get("/api/leads").await;
    assert_eq!(list.body["leads"], json!([bob, jane]));
    let kinds: Vec<Value> = events(&api)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            json!("lead.created"),
            json!("lead.updated"),
            json!("lead.qualified"),
            json!("lead.created")
        ]
    );
    let dup = api
        .post(
            "/api/leads",
            &json!({"name": "Again", "email": "JANE@example.com"}),
        )
        .await;
    assert_eq!(dup.status, 409, "uniqueness survives too: {}", dup.text);
}

// ---------------------------------------------------------------------------------------------
// Boundaries

#[tokio::test]
async fn metadata_of_exactly_16_kib_is_accepted_and_one_byte_more_is_not() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let metadata_of = |size: usize| {
        let frame = json!({"notes": ""}).to_string().len();
        let metadata = json!({"notes": "x".repeat(size - frame)});
        assert_eq!(metadata.to_string().len(), size);
        metadata
    };

    let fits = api
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com", "metadata": metadata_of(16 * 1024)}),
        )
        .await;

    assert_eq!(fits.status, 201, "{}", fits.text);
    let path = format!("/api/leads/{}", fits.body["lead"]["id"].as_str().unwrap());
    let too_big = api
        .patch(&path, &json!({"metadata": metadata_of(16 * 1024 + 1)}))
        .await;
    assert_eq!(too_big.status, 400, "{}", too_big.text);
    assert!(too_big.error().contains("metadata"), "{}", too_big.text);
    assert_eq!(api.get(&path).await.body["lead"], fits.body["lead"]);
}

#[tokio::test]
async fn qualification_scores_0_and_100_are_accepted() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());

    let top = api.patch(&path, &json!({"qualificationScore": 100})).await;

    assert_eq!(top.status, 200, "{}", top.text);
    assert_eq!(top.body["lead"]["qualificationScore"], 100);
    let bottom = api.patch(&path, &json!({"qualificationScore": 0})).await;
    assert_eq!(bottom.body["lead"]["qualificationScore"], 0);
}

#[tokio::test]
async fn a_lead_may_change_the_case_of_its_own_email() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());

    let reply = api
        .patch(&path, &json!({"email": " Jane@Example.com "}))
        .await;

    assert_eq!(
        reply.status, 200,
        "not a conflict with itself: {}",
        reply.text
    );
    assert_eq!(reply.body["lead"]["email"], "Jane@Example.com");
    let dup = api
        .post(
            "/api/leads",
            &json!({"name": "Other", "email": "jane@example.com"}),
        )
        .await;
    assert_eq!(dup.status, 409, "{}", dup.text);
    assert_eq!(dup.body["leadId"], lead["id"]);
}

#[tokio::test]
async fn an_empty_patch_changes_nothing() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let path = format!("/api/leads/{}", lead["id"].as_str().unwrap());

    let reply = api.patch(&path, &json!({})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["lead"], lead);
}
