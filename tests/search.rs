//! Lead search: `GET /api/leads?q=` over name, email and company, with prefix matching on the
//! last word, accent folding, ranking, freshness (`?refresh=wait_for`) and index rebuilds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{Client, TestServer, create_lead};
use serde_json::{Value, json};

fn id(lead: &Value) -> String {
    lead["id"].as_str().unwrap().to_owned()
}

/// The ids `q` finds, best first.
async fn search(api: &Client<'_>, query: &str) -> Vec<String> {
    let reply = api.get(&format!("/api/leads?{query}")).await;
    assert_eq!(reply.status, 200, "?{query}: {}", reply.text);
    reply.body["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

/// Three leads whose words each appear in one field only.
async fn three_leads(api: &Client<'_>) -> (Value, Value, Value) {
    let jane = create_lead(api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let bob = create_lead(api, "Bob Jones", "bob@globex.io", Some("Umbrella")).await;
    let carol = create_lead(api, "Carol White", "carol@initech.com", None).await;
    (jane, bob, carol)
}

#[tokio::test]
async fn q_matches_the_name() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, _, carol) = three_leads(&api).await;

    let found = search(&api, "q=smith").await;

    assert_eq!(found, vec![id(&jane)]);
    assert_eq!(search(&api, "q=Carol%20White").await, vec![id(&carol)]);
}

#[tokio::test]
async fn q_matches_the_email() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (_, bob, carol) = three_leads(&api).await;

    let found = search(&api, "q=globex").await;

    assert_eq!(found, vec![id(&bob)]);
    assert_eq!(
        search(&api, "q=carol%40initech.com").await,
        vec![id(&carol)]
    );
    assert_eq!(search(&api, "q=initech").await, vec![id(&carol)]);
}

#[tokio::test]
async fn q_matches_the_company() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, bob, _) = three_leads(&api).await;

    let found = search(&api, "q=umbrella").await;

    assert_eq!(found, vec![id(&bob)]);
    assert_eq!(search(&api, "q=acme").await, vec![id(&jane)]);
    assert_eq!(search(&api, "q=nowhere").await, Vec::<String>::new());
}

#[tokio::test]
async fn q_results_are_whole_leads_on_the_admin_path_too() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, _, _) = three_leads(&api).await;

    let reply = api.get("/api/admin/leads?q=acme").await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({"leads": [jane], "nextCursor": null}));
}

#[tokio::test]
async fn the_last_word_matches_as_a_prefix() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, _, _) = three_leads(&api).await;

    let found = search(&api, "q=acm").await;

    assert_eq!(found, vec![id(&jane)], "\"acm\" finds Acme Corp");
    assert_eq!(
        search(&api, "q=jane%20smi").await,
        vec![id(&jane)],
        "\"jane smi\" finds Jane Smith"
    );
    assert_eq!(
        search(&api, "q=jan%20smi").await,
        Vec::<String>::new(),
        "only the last word is a prefix"
    );
    assert_eq!(search(&api, "q=smi").await, vec![id(&jane)]);
    assert_eq!(
        search(&api, "q=glob").await.len(),
        1,
        "prefixes work in emails"
    );
}

#[tokio::test]
async fn every_word_must_match() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, _, _) = three_leads(&api).await;

    let found = search(&api, "q=jane%20umbrella").await;

    assert_eq!(found, Vec::<String>::new());
    assert_eq!(
        search(&api, "q=smith%20acme").await,
        vec![id(&jane)],
        "words may come from different fields"
    );
}

#[tokio::test]
async fn case_and_accents_do_not_matter() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let jose = create_lead(&api, "José García", "jg@example.com", Some("Ñandú Öl GmbH")).await;
    create_lead(&api, "Joe Bloggs", "joe@example.com", None).await;

    let found = search(&api, "q=jose").await;

    assert_eq!(found, vec![id(&jose)]);
    for q in [
        "JOSE",
        "Jos%C3%A9",
        "garcia",
        "GARC%C3%8DA",
        "nandu",
        "%C3%B1and%C3%BA",
        "ol%20gmbh",
    ] {
        assert_eq!(
            search(&api, &format!("q={q}")).await,
            vec![id(&jose)],
            "q={q}"
        );
    }
}

#[tokio::test]
async fn a_better_match_ranks_first_even_when_older() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let strong = create_lead(&api, "Dana Acme", "dana@acme.com", Some("Acme")).await;
    let weak = create_lead(
        &api,
        "Eve Stone",
        "eve@stone.io",
        Some("Acme Holdings International"),
    )
    .await;

    let found = search(&api, "q=acme").await;

    assert_eq!(
        found,
        vec![id(&strong), id(&weak)],
        "relevance before recency"
    );
}

#[tokio::test]
async fn a_whole_word_ranks_above_a_prefix() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let exact = create_lead(&api, "Fay Green", "fay@example.com", Some("Acme")).await;
    let prefix = create_lead(&api, "Gus Brown", "gus@example.com", Some("Acmetech")).await;

    let found = search(&api, "q=acme").await;

    assert_eq!(found, vec![id(&exact), id(&prefix)]);
}

#[tokio::test]
async fn equal_matches_rank_newest_first() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for (name, email) in [
        ("Ann Lee", "ann@example.com"),
        ("Ben Lee", "ben@example.com"),
        ("Cat Lee", "cat@example.com"),
    ] {
        created.push(id(&create_lead(&api, name, email, Some("Zenith")).await));
    }
    created.reverse();

    let found = search(&api, "q=zenith").await;

    assert_eq!(found, created);
}

#[tokio::test]
async fn q_combines_with_the_status_filter() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let plain = create_lead(&api, "Ann Lee", "ann@example.com", Some("Acme")).await;
    let hot = create_lead(&api, "Ben Lee", "ben@example.com", Some("Acme")).await;
    let other = create_lead(&api, "Cat Ng", "cat@example.com", Some("Globex")).await;
    for lead in [&hot, &other] {
        let reply = api
            .patch(
                &format!("/api/leads/{}?refresh=wait_for", id(lead)),
                &json!({"status": "qualified"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }

    let found = search(&api, "q=acme&status=qualified").await;

    assert_eq!(found, vec![id(&hot)]);
    assert_eq!(search(&api, "q=acme&status=new").await, vec![id(&plain)]);
    assert_eq!(
        search(&api, "q=acme&status=booked").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn wait_for_makes_a_create_searchable_at_once() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads?refresh=wait_for",
            &json!({"name": "Hal Jordan", "email": "hal@ferris.aero", "company": "Ferris Air"}),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(
        search(&api, "q=ferris").await,
        vec![id(&reply.body["lead"])]
    );
}

#[tokio::test]
async fn wait_for_makes_a_rename_searchable_at_once() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Hal Jordan", "hal@example.com", None).await;

    let reply = api
        .patch(
            &format!("/api/leads/{}?refresh=wait_for", id(&lead)),
            &json!({"name": "Kyle Rayner"}),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        search(&api, "q=jordan").await,
        Vec::<String>::new(),
        "the old name is gone"
    );
    assert_eq!(
        search(&api, "q=rayner").await,
        vec![id(&lead)],
        "the new name is found"
    );
}

#[tokio::test]
async fn wait_for_makes_a_company_change_searchable_at_once() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Hal Jordan", "hal@example.com", Some("Ferris Air")).await;

    let reply = api
        .patch(
            &format!("/api/leads/{}?refresh=wait_for", id(&lead)),
            &json!({"company": null, "email": "hal@oa.org"}),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(search(&api, "q=ferris").await, Vec::<String>::new());
    assert_eq!(
        search(&api, "q=example").await,
        Vec::<String>::new(),
        "the old email is gone"
    );
    assert_eq!(search(&api, "q=oa.org").await, vec![id(&lead)]);
}

#[tokio::test]
async fn wait_for_on_delete_answers_once_the_index_has_dropped_it() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let gone = create_lead(&api, "Hal Jordan", "hal@example.com", Some("Ferris Air")).await;
    let index = &server.app().leads_index;
    let docs_before = index.num_docs();

    let reply = api
        .delete(&format!("/api/leads/{}?refresh=wait_for", id(&gone)))
        .await;

    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(
        index.num_docs(),
        docs_before - 1,
        "the document is out of the index"
    );
    assert_eq!(search(&api, "q=ferris").await, Vec::<String>::new());
}

#[tokio::test]
async fn a_bad_refresh_value_is_400() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads?refresh=now",
            &json!({"name": "Hal Jordan", "email": "hal@example.com"}),
        )
        .await;

    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.error().contains("refresh"), "{}", reply.text);
}

#[tokio::test]
async fn without_wait_for_a_new_lead_becomes_searchable() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let reply = api
        .post(
            "/api/leads",
            &json!({"name": "Hal Jordan", "email": "hal@example.com", "company": "Ferris Air"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    // Eventually, not a latency assertion: generous polling up to five seconds.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut found = search(&api, "q=ferris").await;
    while found.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        found = search(&api, "q=ferris").await;
    }
    assert_eq!(found, vec![id(&reply.body["lead"])]);
}

#[tokio::test]
async fn search_works_after_a_restart() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, bob, _) = three_leads(&api).await;

    let server = server.restart().await;

    let api = server.as_key(&key);
    assert_eq!(search(&api, "q=acm").await, vec![id(&jane)]);
    assert_eq!(search(&api, "q=globex").await, vec![id(&bob)]);
    let more = create_lead(&api, "Dan Acme", "dan@example.com", None).await;
    assert_eq!(
        search(&api, "q=acme").await.len(),
        2,
        "new writes are indexed after a restart: {more}"
    );
}

#[tokio::test]
async fn writes_not_yet_indexed_at_shutdown_are_found_after_a_restart() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for i in 0..5 {
        let reply = api.post("/api/leads", &json!({"name": format!("Quick {i}"), "email": format!("q{i}@example.com"), "company": "Rushed"})).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        created.push(id(&reply.body["lead"]));
    }
    created.reverse();

    let server = server.restart().await;

    let api = server.as_key(&key);
    assert_eq!(search(&api, "q=rushed").await, created);
}

/// A file where an index directory belongs (a mistaken copy, a bad restore by hand) is
/// removed and the index rebuilt, rather than the server refusing to start.
#[tokio::test]
async fn a_file_in_place_of_an_index_directory_is_replaced_by_a_rebuilt_index() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let (jane, ..) = three_leads(&server.as_key(&key)).await;
    let guard = server.stop().await.expect("the test owns the data dir");
    let dir = guard.path().to_path_buf();
    for index in ["index/leads", "index/chunks", "index"] {
        let path = dir.join(index);
        std::fs::remove_dir_all(&path).unwrap();
        std::fs::write(&path, "not an index").unwrap();

        let server = TestServer::start_at(&dir).await;

        assert!(dir.join("index/leads").is_dir(), "{index}: rebuilt");
        assert!(dir.join("index/chunks").is_dir(), "{index}: rebuilt");
        let api = server.as_key(&key);
        assert_eq!(search(&api, "q=acme").await, vec![id(&jane)], "{index}");
        server.stop().await;
    }
}

#[tokio::test]
async fn search_works_after_the_index_directory_is_deleted() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, bob, carol) = three_leads(&api).await;
    let renamed = api
        .patch(
            &format!("/api/leads/{}?refresh=wait_for", id(&carol)),
            &json!({"name": "Carol Danvers"}),
        )
        .await;
    assert_eq!(renamed.status, 200);
    let gone = create_lead(&api, "Gone Girl", "gone@example.com", Some("Acme Corp")).await;
    assert_eq!(
        api.delete(&format!("/api/leads/{}?refresh=wait_for", id(&gone)))
            .await
            .status,
        204
    );

    let guard = server.stop().await.expect("the test owns the data dir");
    let dir = guard.path().to_path_buf();
    std::fs::remove_dir_all(dir.join("index")).unwrap();
    let server = TestServer::start_at(&dir).await;

    let api = server.as_key(&key);
    assert!(dir.join("index").is_dir(), "the index is rebuilt");
    assert_eq!(search(&api, "q=acme").await, vec![id(&jane)]);
    assert_eq!(search(&api, "q=globex").await, vec![id(&bob)]);
    assert_eq!(search(&api, "q=danvers").await, vec![id(&carol)]);
    assert_eq!(search(&api, "q=white").await, Vec::<String>::new());
    assert_eq!(
        server.app().leads_index.num_docs(),
        3,
        "deleted leads are not rebuilt into the index"
    );
    let more = api
        .post(
            "/api/leads?refresh=wait_for",
            &json!({"name": "Later Lead", "email": "later@example.com", "company": "Acme Corp"}),
        )
        .await;
    assert_eq!(more.status, 201, "{}", more.text);
    assert_eq!(
        search(&api, "q=acme").await,
        vec![id(&more.body["lead"]), id(&jane)]
    );
    drop(server);
    drop(guard);
}

#[tokio::test]
async fn search_results_page_with_a_cursor() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(id(&create_lead(
            &api,
            &format!("Lead {i}"),
            &format!("l{i}@example.com"),
            Some("Zenith"),
        )
        .await));
    }
    create_lead(&api, "Someone Else", "else@example.com", Some("Other")).await;
    created.reverse();

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut path = "/api/leads?q=zenith&limit=2".to_owned();
    loop {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let page: Vec<String> = reply.body["leads"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect();
        sizes.push(page.len());
        seen.extend(page);
        match reply.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/leads?q=zenith&limit=2&cursor={cursor}"),
            None => break,
        }
        assert!(sizes.len() < 10, "pagination does not end");
    }

    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(seen, created);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
}

#[tokio::test]
async fn search_cursors_and_queries_are_validated() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    for i in 0..3 {
        create_lead(
            &api,
            &format!("Lead {i}"),
            &format!("l{i}@example.com"),
            Some("Zenith"),
        )
        .await;
    }
    let list_cursor = api.get("/api/leads?limit=1").await.body["nextCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = [
        ("q=zenith&cursor=garbage!!".to_owned(), "cursor"),
        (format!("q=zenith&cursor={list_cursor}"), "cursor"),
        ("q=zenith&limit=0".to_owned(), "limit"),
        ("q=zenith&limit=501".to_owned(), "limit"),
        (format!("q={}", "a".repeat(201)), "q"),
    ];
    for (query, field) in cases {
        let reply = api.get(&format!("/api/leads?{query}")).await;

        assert_eq!(reply.status, 400, "?{query}: {}", reply.text);
        assert!(
            reply.error().contains(field),
            "?{query}: error should name `{field}`: {}",
            reply.text
        );
    }
    let search_cursor = api.get("/api/leads?q=zenith&limit=1").await.body["nextCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = api.get(&format!("/api/leads?cursor={search_cursor}")).await;
    assert_eq!(
        reply.status, 400,
        "a search cursor used on the plain list: {}",
        reply.text
    );
}

#[tokio::test]
async fn a_query_of_only_punctuation_finds_nothing_and_a_blank_one_lists_all() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let (jane, bob, carol) = three_leads(&api).await;

    let found = search(&api, "q=%40%40%20--").await;

    assert_eq!(found, Vec::<String>::new());
    assert_eq!(
        search(&api, "q=%20%20").await,
        vec![id(&carol), id(&bob), id(&jane)]
    );
    assert_eq!(
        search(&api, "q=").await,
        vec![id(&carol), id(&bob), id(&jane)]
    );
}

#[tokio::test]
async fn search_never_crosses_tenants() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let default_key = server.key().await;
    let acme_key = server
        .key_for("acme", synaptiq::domain::model::Tier::Enterprise)
        .await;
    let ours = create_lead(
        &server.as_key(&default_key),
        "Jane Smith",
        "jane@example.com",
        Some("Zenith"),
    )
    .await;
    let theirs = create_lead(
        &server.as_key(&acme_key),
        "Jane Smith",
        "jane@example.com",
        Some("Zenith"),
    )
    .await;

    let found = search(&server.as_key(&default_key), "q=zenith").await;

    assert_eq!(found, vec![id(&ours)]);
    assert_eq!(
        search(&server.as_key(&acme_key), "q=jane%20smi").await,
        vec![id(&theirs)]
    );
}

/// The scheduling policy (`stat` field 41) of this process's threads, by thread name.
fn thread_policies() -> Vec<(String, u32)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.ok()?.path().join("stat")).ok()?;
            let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
            // `rest` starts at field 3, the state.
            let policy = rest.split(' ').nth(41 - 3)?.parse().ok()?;
            Some((name.to_owned(), policy))
        })
        .collect()
}

#[tokio::test]
async fn indexing_runs_only_on_cpu_time_requests_leave_idle() {
    const SCHED_IDLE: u32 = 5;
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    // A lead written and made searchable has the indexer's writer and tantivy's threads open.
    let jane = create_lead(&api, "Jane Smith", "jane@example.com", None).await;
    assert_eq!(search(&api, "q=jane").await, vec![id(&jane)]);

    // Other tests' servers open their indexes on their own threads, so a sample may catch
    // tantivy threads of theirs that are not the indexer's; ours persist, theirs do not.
    let mut indexing = Vec::new();
    for _ in 0..50 {
        indexing = thread_policies()
            .into_iter()
            .filter(|(name, _)| name == "lead-indexer" || name.starts_with("thrd-tantivy"))
            .collect();
        if indexing.iter().all(|(_, policy)| *policy == SCHED_IDLE) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(indexing.iter().any(|(name, _)| name == "lead-indexer"));
    assert!(
        indexing
            .iter()
            .any(|(name, _)| name.starts_with("thrd-tantivy"))
    );
    for (name, policy) in &indexing {
        assert_eq!(*policy, SCHED_IDLE, "thread {name}");
    }
}
