//! Admin sign-in, sessions, the same-origin rule, tenants chosen by header, API keys and
//! tenants managed over HTTP, and what is (not) stored about secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{ADMIN_TOKEN, Reply, TestServer, create_lead};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use synaptiq::config::Secret;

const COOKIE_ATTRIBUTES: &str = "; HttpOnly; SameSite=Strict; Path=/; Max-Age=604800";
const SEVEN_DAYS_SECS: i64 = 7 * 24 * 3600;

async fn login(server: &TestServer, token: &str) -> Reply {
    server
        .anon()
        .post("/api/admin/auth", &json!({ "token": token }))
        .await
}

/// `synaptiq_session=<value>` from a login reply's Set-Cookie.
fn cookie_pair(reply: &Reply) -> String {
    let set_cookie = reply
        .header("set-cookie")
        .unwrap_or_else(|| panic!("no Set-Cookie in {}", reply.text));
    set_cookie.split(';').next().unwrap().to_owned()
}

/// Logs in and returns the session cookie (`synaptiq_session=<value>`).
async fn session(server: &TestServer) -> String {
    let reply = login(server, ADMIN_TOKEN).await;
    assert_eq!(reply.status, 200, "login: {}", reply.text);
    cookie_pair(&reply)
}

/// True when `message` mentions `field` as a word of its own.
fn names_field(message: &str, field: &str) -> bool {
    message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .any(|word| word.eq_ignore_ascii_case(field))
}

fn timestamp(value: &Value) -> jiff::Timestamp {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert!(
        text.ends_with('Z') && text.len() == 24,
        "RFC 3339 UTC with milliseconds: {text}"
    );
    text.parse().unwrap()
}

fn sha256(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn create_key(admin: &common::Client<'_>, name: &str, tier: &str) -> Value {
    let reply = admin
        .post(
            "/api/admin/api-keys",
            &json!({ "name": name, "tier": tier }),
        )
        .await;
    assert_eq!(reply.status, 201, "create key: {}", reply.text);
    reply.body
}

// ---------------------------------------------------------------- logging in

#[tokio::test]
async fn the_admin_token_opens_a_seven_day_session_with_a_strict_http_only_cookie() {
    let server = TestServer::start().await;

    let reply = login(&server, ADMIN_TOKEN).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["ok"], true);
    let expires = timestamp(&reply.body["expiresAt"]);
    let ahead = expires.as_second() - jiff::Timestamp::now().as_second();
    assert!(
        (SEVEN_DAYS_SECS - 60..=SEVEN_DAYS_SECS + 60).contains(&ahead),
        "expiresAt {expires} is {ahead}s ahead"
    );
    let cookies: Vec<_> = reply.headers.get_all("set-cookie").iter().collect();
    assert_eq!(cookies.len(), 1, "one Set-Cookie: {cookies:?}");
    let set_cookie = reply.header("set-cookie").unwrap();
    let (pair, attributes) = set_cookie.split_at(set_cookie.find(';').unwrap());
    assert_eq!(
        attributes, COOKIE_ATTRIBUTES,
        "no Secure on plain http: {set_cookie}"
    );
    let value = pair
        .strip_prefix("synaptiq_session=")
        .unwrap_or_else(|| panic!("cookie name: {set_cookie}"));
    assert!(value.len() >= 32, "session value looks random: {value}");
    assert!(!value.contains(ADMIN_TOKEN), "the cookie is not the token");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_public_url_is_https() {
    let server = TestServer::start_with(|config| {
        config.public_url = Some(url::Url::parse("https://sales.example.com").unwrap());
    })
    .await;

    let reply = login(&server, ADMIN_TOKEN).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let set_cookie = reply.header("set-cookie").unwrap();
    assert!(set_cookie.starts_with("synaptiq_session="), "{set_cookie}");
    assert!(
        set_cookie.ends_with(&format!("{COOKIE_ATTRIBUTES}; Secure")),
        "{set_cookie}"
    );
}

#[tokio::test]
async fn a_wrong_admin_token_is_refused_with_401_and_no_cookie() {
    let server = TestServer::start().await;

    let reply = login(&server, "not-the-admin-token-at-all").await;

    assert_eq!(reply.status, 401, "{}", reply.text);
    assert!(!reply.error().is_empty());
    assert!(
        reply
            .header("set-cookie")
            .is_none_or(|c| !c.contains("synaptiq_session=") || c.contains("Max-Age=0"))
    );
}

#[tokio::test]
async fn the_eleventh_failed_login_in_a_minute_is_rate_limited_even_with_the_right_token() {
    let server = TestServer::start().await;
    for attempt in 1..=10 {
        let reply = login(&server, "wrong-token-guess").await;
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.text);
    }

    let eleventh = login(&server, "wrong-token-guess").await;

    assert_eq!(eleventh.status, 429, "{}", eleventh.text);
    assert!(!eleventh.error().is_empty());
    let retry_after: u64 = eleventh
        .header("retry-after")
        .expect("Retry-After on 429")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let right = login(&server, ADMIN_TOKEN).await;
    assert_eq!(
        right.status, 429,
        "locked out even with the right token: {}",
        right.text
    );
    assert!(right.header("retry-after").is_some());
    assert!(
        right.header("set-cookie").is_none(),
        "no session while locked out"
    );
}

#[tokio::test]
async fn a_login_without_a_token_is_a_400_naming_the_field() {
    let server = TestServer::start().await;

    let reply = server.anon().post("/api/admin/auth", &json!({})).await;

    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(names_field(reply.error(), "token"), "{}", reply.error());
}

// ---------------------------------------------------------------- using a session

#[tokio::test]
async fn a_session_reads_and_changes_data_from_the_same_origin() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let created = admin
        .post(
            "/api/leads",
            &json!({"name": "Jane Smith", "email": "jane@example.com"}),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["lead"]["id"].as_str().unwrap();
    let listed = admin.get("/api/leads").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let got = admin.get(&format!("/api/leads/{id}")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["lead"]["email"], "jane@example.com");
}

#[tokio::test]
async fn a_session_change_from_a_foreign_origin_or_without_origin_is_forbidden() {
    let server = TestServer::start().await;
    let cookie = session(&server).await;
    let lead = json!({"name": "Mallory", "email": "mallory@example.com"});

    let foreign = server
        .anon()
        .with_header("cookie", &cookie)
        .with_header("origin", "http://evil.example")
        .post("/api/leads", &lead)
        .await;
    let no_origin = server
        .anon()
        .with_header("cookie", &cookie)
        .post("/api/leads", &lead)
        .await;

    assert_eq!(foreign.status, 403, "{}", foreign.text);
    assert!(!foreign.error().is_empty());
    assert_eq!(no_origin.status, 403, "{}", no_origin.text);
    assert!(!no_origin.error().is_empty());
    let reads = server
        .anon()
        .with_header("cookie", &cookie)
        .get("/api/leads")
        .await;
    assert_eq!(reads.status, 200, "reads need no Origin: {}", reads.text);
    assert_eq!(reads.body["leads"], json!([]), "nothing was created");
}

#[tokio::test]
async fn a_bearer_key_changes_data_without_an_origin() {
    let server = TestServer::start().await;
    let key = server.key().await;

    let created = server
        .as_key(&key)
        .post(
            "/api/leads",
            &json!({"name": "Jane", "email": "jane@example.com"}),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
}

#[tokio::test]
async fn logging_out_clears_the_cookie_and_ends_the_session() {
    let server = TestServer::start().await;
    let cookie = session(&server).await;
    let admin = server
        .anon()
        .with_header("cookie", &cookie)
        .with_header("origin", &server.url);
    assert_eq!(admin.get("/api/leads").await.status, 200);

    let reply = admin.delete("/api/admin/auth").await;

    assert!(
        (200..300).contains(&reply.status),
        "logout: {} {}",
        reply.status,
        reply.text
    );
    let set_cookie = reply
        .header("set-cookie")
        .expect("logout clears the cookie");
    assert!(set_cookie.starts_with("synaptiq_session=;"), "{set_cookie}");
    assert!(set_cookie.contains("Max-Age=0"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    let after = admin.get("/api/leads").await;
    assert_eq!(after.status, 401, "the old cookie is dead: {}", after.text);
    assert!(!after.error().is_empty());
}

#[tokio::test]
async fn requests_without_credentials_or_with_a_bad_key_get_401() {
    let server = TestServer::start().await;
    let anon = server.anon();
    let bogus = server.as_key("sq_this-key-was-never-issued-0000000000000000");
    let garbage = server
        .anon()
        .with_header("authorization", "Basic YWRtaW46YWRtaW4=");

    for (who, client) in [
        ("anonymous", &anon),
        ("unknown key", &bogus),
        ("not bearer", &garbage),
    ] {
        for path in ["/api/leads", "/api/admin/api-keys", "/api/admin/tenants"] {
            let reply = client.get(path).await;
            assert_eq!(reply.status, 401, "{who} GET {path}: {}", reply.text);
            assert!(!reply.error().is_empty());
        }
        let reply = client
            .post(
                "/api/leads",
                &json!({"name": "X", "email": "x@example.com"}),
            )
            .await;
        assert_eq!(reply.status, 401, "{who} POST /api/leads: {}", reply.text);
    }
}

// ---------------------------------------------------------------- the tenant header

#[tokio::test]
async fn a_session_acts_on_the_tenant_named_by_the_header() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;
    let made = admin
        .post(
            "/api/admin/tenants",
            &json!({"id": "acme", "name": "Acme Inc"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let acme = server
        .as_admin()
        .await
        .with_header("X-Synaptiq-Tenant", "acme");

    let lead = create_lead(&acme, "Wile E. Coyote", "wile@acme.example", Some("Acme")).await;

    let id = lead["id"].as_str().unwrap();
    assert_eq!(acme.get(&format!("/api/leads/{id}")).await.status, 200);
    assert_eq!(acme.get("/api/leads").await.body["leads"][0]["id"], id);
    let default = admin.get("/api/leads").await;
    assert_eq!(default.status, 200);
    assert_eq!(
        default.body["leads"],
        json!([]),
        "invisible without the header"
    );
    let named_default = server
        .as_admin()
        .await
        .with_header("X-Synaptiq-Tenant", "default");
    assert_eq!(
        named_default.get("/api/leads").await.body["leads"],
        json!([])
    );
    assert_eq!(
        admin.get(&format!("/api/leads/{id}")).await.status,
        404,
        "another tenant's lead is 404"
    );
    assert_eq!(
        admin.get("/api/leads?q=coyote").await.body["leads"],
        json!([]),
        "search stays in the tenant"
    );
    let default_key = server.key().await;
    assert_eq!(
        server
            .as_key(&default_key)
            .get(&format!("/api/leads/{id}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn an_unknown_tenant_header_is_404_and_a_malformed_one_400() {
    let server = TestServer::start().await;

    let unknown = server
        .as_admin()
        .await
        .with_header("X-Synaptiq-Tenant", "nobody")
        .get("/api/leads")
        .await;
    let malformed = server
        .as_admin()
        .await
        .with_header("X-Synaptiq-Tenant", "Not_A Tenant!")
        .get("/api/leads")
        .await;

    assert_eq!(unknown.status, 404, "{}", unknown.text);
    assert!(unknown.error().contains("tenant"), "{}", unknown.error());
    assert_eq!(malformed.status, 400, "{}", malformed.text);
    assert!(
        malformed
            .error()
            .to_ascii_lowercase()
            .contains("x-synaptiq-tenant"),
        "{}",
        malformed.error()
    );
}

// ---------------------------------------------------------------- API keys over HTTP

#[tokio::test]
async fn an_admin_creates_an_api_key_that_is_shown_once_and_authenticates() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let created = admin
        .post(
            "/api/admin/api-keys",
            &json!({"name": "CRM sync", "tier": "pro"}),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
    let api_key = &created.body["apiKey"];
    let secret = created.body["key"].as_str().unwrap();
    let fields: Vec<&str> = api_key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for field in [
        "id",
        "tenantId",
        "name",
        "tier",
        "prefix",
        "createdAt",
        "lastUsedAt",
        "revokedAt",
    ] {
        assert!(fields.contains(&field), "apiKey.{field} missing: {api_key}");
    }
    uuid::Uuid::parse_str(api_key["id"].as_str().unwrap()).unwrap();
    assert_eq!(api_key["tenantId"], "default");
    assert_eq!(api_key["name"], "CRM sync");
    assert_eq!(api_key["tier"], "pro");
    assert_eq!(api_key["lastUsedAt"], Value::Null);
    assert_eq!(api_key["revokedAt"], Value::Null);
    let age = jiff::Timestamp::now().as_second() - timestamp(&api_key["createdAt"]).as_second();
    assert!((-5..=60).contains(&age), "createdAt is now: {api_key}");
    assert!(
        secret.starts_with("sq_") && secret.len() >= 3 + 43,
        "key: {secret}"
    );
    let prefix = api_key["prefix"].as_str().unwrap();
    assert!(
        prefix.len() > 3 && secret.starts_with(prefix),
        "prefix {prefix} starts {secret}"
    );
    assert!(
        prefix.len() <= secret.len() / 2,
        "the prefix must not give the key away: {prefix}"
    );
    let used = server.as_key(secret).get("/api/leads").await;
    assert_eq!(used.status, 200, "{}", used.text);
    let listed = admin.get("/api/admin/api-keys").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert!(
        !listed.text.contains(secret),
        "the secret is never listed: {}",
        listed.text
    );
    assert!(
        !listed.text.contains(&secret[3..]),
        "not even without its sq_: {}",
        listed.text
    );
    let entry = listed.body["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == api_key["id"])
        .cloned();
    let entry = entry.unwrap_or_else(|| panic!("created key is listed: {}", listed.text));
    assert_eq!(entry["prefix"], prefix);
    assert_eq!(entry["name"], "CRM sync");
    assert!(entry.get("key").is_none(), "{entry}");
}

#[tokio::test]
async fn a_revoked_key_gets_401_and_revoking_it_again_is_404() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;
    let created = create_key(&admin, "short-lived", "free").await;
    let (id, secret) = (
        created["apiKey"]["id"].as_str().unwrap(),
        created["key"].as_str().unwrap(),
    );
    assert_eq!(server.as_key(secret).get("/api/leads").await.status, 200);

    let revoked = admin.delete(&format!("/api/admin/api-keys/{id}")).await;

    assert_eq!(revoked.status, 204, "{}", revoked.text);
    let refused = server.as_key(secret).get("/api/leads").await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    assert!(!refused.error().is_empty());
    let again = admin.delete(&format!("/api/admin/api-keys/{id}")).await;
    assert_eq!(again.status, 404, "{}", again.text);
    let never = admin
        .delete(&format!("/api/admin/api-keys/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(never.status, 404, "{}", never.text);
    let listed = admin.get("/api/admin/api-keys").await;
    let entry = listed.body["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .cloned();
    if let Some(entry) = entry {
        timestamp(&entry["revokedAt"]);
    }
}

#[tokio::test]
async fn another_tenants_key_cannot_be_revoked_or_listed() {
    let server = TestServer::start().await;
    server.tenant("acme").await;
    let acme_admin = server
        .as_admin()
        .await
        .with_header("X-Synaptiq-Tenant", "acme");
    let acme_key = create_key(&acme_admin, "acme integration", "pro").await;
    assert_eq!(acme_key["apiKey"]["tenantId"], "acme");
    let (id, secret) = (
        acme_key["apiKey"]["id"].as_str().unwrap(),
        acme_key["key"].as_str().unwrap(),
    );
    let default_admin = server.as_admin().await;

    let reply = default_admin
        .delete(&format!("/api/admin/api-keys/{id}"))
        .await;

    assert_eq!(reply.status, 404, "{}", reply.text);
    assert_eq!(
        server.as_key(secret).get("/api/leads").await.status,
        200,
        "the key still works"
    );
    let default_list = default_admin.get("/api/admin/api-keys").await;
    assert!(!default_list.text.contains(id), "{}", default_list.text);
    let acme_list = acme_admin.get("/api/admin/api-keys").await;
    assert!(acme_list.text.contains(id), "{}", acme_list.text);
}

#[tokio::test]
async fn api_keys_cannot_manage_keys_or_tenants() {
    let server = TestServer::start().await;
    let key = server.key().await;
    let api = server.as_key(&key);

    let replies = [
        (
            "GET /api/admin/api-keys",
            api.get("/api/admin/api-keys").await,
        ),
        (
            "POST /api/admin/api-keys",
            api.post("/api/admin/api-keys", &json!({"name": "escalate"}))
                .await,
        ),
        (
            "GET /api/admin/tenants",
            api.get("/api/admin/tenants").await,
        ),
        (
            "POST /api/admin/tenants",
            api.post("/api/admin/tenants", &json!({"id": "evil"})).await,
        ),
        (
            "GET /api/admin/tenants/default",
            api.get("/api/admin/tenants/default").await,
        ),
    ];

    for (call, reply) in &replies {
        assert_eq!(reply.status, 403, "{call}: {}", reply.text);
        assert!(!reply.error().is_empty());
    }
    let admin = server.as_admin().await;
    assert_eq!(
        admin.get("/api/admin/tenants/evil").await.status,
        404,
        "no tenant was created"
    );
    let keys = admin.get("/api/admin/api-keys").await;
    assert!(
        !keys.text.contains("escalate"),
        "no key was created: {}",
        keys.text
    );
}

#[tokio::test]
async fn an_api_keys_last_use_is_recorded() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;
    let created = create_key(&admin, "used", "free").await;
    let (id, secret) = (
        created["apiKey"]["id"].clone(),
        created["key"].as_str().unwrap().to_owned(),
    );
    assert_eq!(last_used(&admin, &id).await, Value::Null, "never used yet");

    assert_eq!(server.as_key(&secret).get("/api/leads").await.status, 200);

    let deadline = Instant::now() + Duration::from_secs(2);
    let mut seen = last_used(&admin, &id).await;
    while seen.is_null() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = last_used(&admin, &id).await;
    }
    assert!(!seen.is_null(), "lastUsedAt set within 2 s");
    let age = jiff::Timestamp::now().as_second() - timestamp(&seen).as_second();
    assert!((-5..=60).contains(&age), "lastUsedAt is now: {seen}");
}

async fn last_used(admin: &common::Client<'_>, id: &Value) -> Value {
    let listed = admin.get("/api/admin/api-keys").await;
    let entry = listed.body["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == *id)
        .cloned();
    entry.unwrap_or_else(|| panic!("key {id} is listed: {}", listed.text))["lastUsedAt"].clone()
}

// ---------------------------------------------------------------- tenants over HTTP

#[tokio::test]
async fn tenants_are_created_listed_read_and_renamed() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let created = admin
        .post(
            "/api/admin/tenants",
            &json!({"id": "acme", "name": "Acme Inc"}),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
    let tenant = &created.body["tenant"];
    assert_eq!(tenant["id"], "acme");
    assert_eq!(tenant["name"], "Acme Inc");
    timestamp(&tenant["createdAt"]);
    timestamp(&tenant["updatedAt"]);
    let list = admin.get("/api/admin/tenants").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let ids: Vec<&str> = list.body["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(ids.contains(&"default") && ids.contains(&"acme"), "{ids:?}");
    let got = admin.get("/api/admin/tenants/acme").await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["tenant"], *tenant);
    let renamed = admin
        .patch(
            "/api/admin/tenants/acme",
            &json!({"name": "Acme Corporation"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["tenant"]["name"], "Acme Corporation");
    assert_eq!(renamed.body["tenant"]["createdAt"], tenant["createdAt"]);
    assert!(timestamp(&renamed.body["tenant"]["updatedAt"]) >= timestamp(&tenant["updatedAt"]));
    let reread = admin.get("/api/admin/tenants/acme").await;
    assert_eq!(reread.body["tenant"]["name"], "Acme Corporation");
}

#[tokio::test]
async fn a_tenant_without_a_name_is_named_after_its_id() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let created = admin
        .post("/api/admin/tenants", &json!({"id": "globex"}))
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["tenant"]["name"], "globex");
}

#[tokio::test]
async fn duplicate_and_invalid_tenant_ids_are_refused() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;
    assert_eq!(
        admin
            .post("/api/admin/tenants", &json!({"id": "acme"}))
            .await
            .status,
        201
    );

    let duplicate = admin
        .post(
            "/api/admin/tenants",
            &json!({"id": "acme", "name": "Other"}),
        )
        .await;

    assert_eq!(duplicate.status, 409, "{}", duplicate.text);
    assert!(!duplicate.error().is_empty());
    assert_eq!(
        admin.get("/api/admin/tenants/acme").await.body["tenant"]["name"],
        "acme",
        "unchanged"
    );
    let too_long = "a".repeat(65);
    for bad in ["Bad_ID", too_long.as_str(), "", "acme corp", "acmé"] {
        let reply = admin
            .post("/api/admin/tenants", &json!({ "id": bad }))
            .await;
        assert_eq!(reply.status, 400, "id {bad:?}: {}", reply.text);
        assert!(
            names_field(reply.error(), "id"),
            "id {bad:?}: {}",
            reply.error()
        );
    }
    let longest = "a".repeat(64);
    assert_eq!(
        admin
            .post("/api/admin/tenants", &json!({ "id": longest }))
            .await
            .status,
        201,
        "64 characters is fine"
    );
}

#[tokio::test]
async fn an_unknown_tenant_is_404() {
    let server = TestServer::start().await;
    let admin = server.as_admin().await;

    let got = admin.get("/api/admin/tenants/nobody").await;
    let patched = admin
        .patch("/api/admin/tenants/nobody", &json!({"name": "Nobody"}))
        .await;

    assert_eq!(got.status, 404, "{}", got.text);
    assert!(!got.error().is_empty());
    assert_eq!(patched.status, 404, "{}", patched.text);
    assert_eq!(
        admin.get("/api/admin/tenants/nobody").await.status,
        404,
        "the rename created nothing"
    );
}

// ---------------------------------------------------------------- the stored token

#[tokio::test]
async fn a_configured_admin_token_replaces_the_stored_one_and_ends_its_sessions() {
    let first = TestServer::start_with(|config| {
        config.admin_token = Some(Secret::new("first-token-aaaaaaaa"));
    })
    .await;
    let first_login = login(&first, "first-token-aaaaaaaa").await;
    assert_eq!(first_login.status, 200, "{}", first_login.text);
    let old_session = cookie_pair(&first_login);
    let dir = first.data_dir().to_path_buf();
    let _keep = first.stop().await;

    // The harness starts with SYNAPTIQ_ADMIN_TOKEN = common::ADMIN_TOKEN.
    let second = TestServer::start_at(&dir).await;

    let old = login(&second, "first-token-aaaaaaaa").await;
    assert_eq!(old.status, 401, "the old token is replaced: {}", old.text);
    let new = login(&second, ADMIN_TOKEN).await;
    assert_eq!(new.status, 200, "{}", new.text);
    let stale = second
        .anon()
        .with_header("cookie", &old_session)
        .get("/api/leads")
        .await;
    assert_eq!(
        stale.status, 401,
        "sessions of the old token end: {}",
        stale.text
    );
}

#[tokio::test]
async fn a_session_survives_a_restart_with_the_same_token() {
    let server = TestServer::start().await;
    let cookie = session(&server).await;

    let server = server.restart().await;

    let reply = server
        .anon()
        .with_header("cookie", &cookie)
        .get("/api/leads")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn only_hashes_of_the_admin_token_sessions_and_keys_are_stored() {
    let server = TestServer::start().await;
    let cookie = session(&server).await;
    let session_value = cookie.strip_prefix("synaptiq_session=").unwrap().to_owned();
    let admin = server.as_admin().await;
    let key = create_key(&admin, "stored", "pro").await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(server.as_key(&key).get("/api/leads").await.status, 200);
    let dir = server.data_dir().to_path_buf();
    drop(admin);
    let _keep = server.stop().await;

    let db = rusqlite::Connection::open(dir.join("synaptiq.db")).unwrap();

    let secrets = [
        ("admin token", ADMIN_TOKEN),
        ("session", session_value.as_str()),
        ("API key", key.as_str()),
    ];
    for table in ["admin_token", "api_keys", "sessions"] {
        for (what, secret) in secrets {
            for value in table_values(&db, table) {
                assert!(
                    !contains(&value, secret.as_bytes()),
                    "the plain {what} is in table {table}"
                );
                assert!(
                    !contains(&value, &secret.as_bytes()[4..]),
                    "most of the {what} is in table {table}"
                );
            }
        }
    }
    let token_hash: Vec<u8> = db
        .query_row("SELECT token_hash FROM admin_token", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        token_hash,
        sha256(ADMIN_TOKEN),
        "the admin token's SHA-256 is stored"
    );
    let key_hashes: i64 = db
        .query_row(
            "SELECT count(*) FROM api_keys WHERE key_hash = ?1",
            [sha256(&key)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(key_hashes, 1, "the key's SHA-256 is stored");
    let session_hashes: i64 = db
        .query_row(
            "SELECT count(*) FROM sessions WHERE token_hash = ?1",
            [sha256(&session_value)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(session_hashes, 1, "the session's SHA-256 is stored");
    drop(db);
    for file in ["synaptiq.db", "synaptiq.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.join(file)) else {
            continue;
        };
        for (what, secret) in secrets {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "the plain {what} is somewhere in {file}"
            );
        }
    }
}

/// Every text and blob value in `table`, as bytes.
fn table_values(db: &rusqlite::Connection, table: &str) -> Vec<Vec<u8>> {
    let mut stmt = db.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut values = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        for i in 0..columns {
            match row.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Text(bytes) | rusqlite::types::ValueRef::Blob(bytes) => {
                    values.push(bytes.to_vec());
                }
                _ => {}
            }
        }
    }
    assert!(!values.is_empty(), "table {table} has rows");
    values
}
