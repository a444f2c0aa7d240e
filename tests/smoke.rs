mod common;

use common::{TestServer, create_lead};

#[tokio::test]
async fn a_created_lead_is_readable_and_searchable() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);
    let lead = create_lead(&api, "Jane Smith", "jane@example.com", Some("Acme Corp")).await;
    let id = lead["id"].as_str().unwrap();
    let got = api.get(&format!("/api/leads/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["lead"], lead);
    let found = api.get("/api/leads?q=acm").await;
    assert_eq!(found.body["leads"][0]["id"], id);
}
