//! The admin UI at /admin: how it is served (no browser), and what a customer does there
//! every day, in a real headless Chromium on the same origin as the API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "widget/browser.rs"]
mod browser;
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use browser::Browser;
use common::{ADMIN_TOKEN, TestServer};
use fantoccini::Locator;
use serde_json::{Value, json};
use synaptiq::domain::model::Tier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SHOTS: &str = "admin-screenshots";

// ---------------------------------------------------------------------------------------------
// Serving (no browser)

#[tokio::test]
async fn the_admin_ui_is_served_with_a_strict_content_security_policy() {
    let server = TestServer::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bare = http
        .get(format!("{}/admin", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 302, "/admin redirects to /admin/");

    let page = http
        .get(format!("{}/admin/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(html.contains("/admin/app.js"));
    assert!(!html.contains(" style="), "no inline styles");
    for (at, _) in html.match_indices("<script") {
        assert!(
            html[at..].split('>').next().unwrap().contains("src="),
            "no inline scripts"
        );
    }

    for file in ["app.js", "api.js", "ui.js", "pages/leads.js", "admin.css"] {
        let response = http
            .get(format!("{}/admin/{file}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        let kind = response.headers()["content-type"].to_str().unwrap();
        let expected = if file.ends_with(".css") {
            "css"
        } else {
            "javascript"
        };
        assert!(kind.contains(expected), "{file}: {kind}");
    }
    let missing = http
        .get(format!("{}/admin/nope.js", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("\"error\""));
}

#[tokio::test]
async fn the_api_reference_looks_like_part_of_the_product() {
    let server = TestServer::start().await;
    let reply = server.anon().get("/api/docs").await;
    assert_eq!(reply.status, 200);
    assert!(reply.text.contains("<title>Synaptiq API reference</title>"));
    assert!(reply.text.contains("href=\"/admin/\""));
    assert!(reply.text.contains("/admin/logo.svg"));
}

/// The reference page runs only its own scripts (by hash), and cannot be framed.
#[tokio::test]
async fn the_api_reference_is_served_with_a_content_security_policy() {
    let server = TestServer::start().await;
    let reply = server.anon().get("/api/docs").await;
    assert_eq!(reply.status, 200);
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    assert!(!csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
}

/// Under that policy the page still works in a real browser: Redoc renders every operation
/// and its search (a worker from a `blob:` URL) finds one; no violation is reported.
#[tokio::test]
async fn the_api_reference_renders_and_searches_under_its_policy() {
    let Some(b) = Browser::start("api-docs", 1280, 900).await else {
        return;
    };
    let server = TestServer::start().await;
    b.goto(&format!("{}/api/docs", server.url)).await;
    b.wait_for(
        "document.querySelectorAll('.api-content [data-section-id^=\"operation/\"]').length > 20",
    )
    .await;
    b.js(
        "window.__violations = []; document.addEventListener('securitypolicyviolation', \
          e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));",
    )
    .await;
    let search = b
        .client
        .find(Locator::Css("input[placeholder='Search...']"))
        .await
        .unwrap();
    search.send_keys("lead").await.unwrap();
    b.wait_for("document.querySelectorAll('[data-role=\"search:results\"] li, .search-results li, [role=\"search\"] li').length > 0")
        .await;
    b.screenshot_in(SHOTS, "api-docs-search").await;
    let violations = b.js("return window.__violations;").await;
    assert_eq!(violations, json!([]), "{violations}");
}

// ---------------------------------------------------------------------------------------------
// In the browser

/// A webhook receiver on loopback that answers 200 and counts what it received.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                    let text = String::from_utf8_lossy(&request).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nreceived")
                    .await;
            });
        }
    });
    (url, count)
}

/// The server (loopback webhooks allowed, meetings bookable at any time) and an API key.
async fn server() -> (TestServer, String) {
    let server = TestServer::start_with(|c| c.webhooks.allowed_hosts.loopback = true).await;
    let key = server.key().await;
    let reply = server
        .as_key(&key)
        .patch(
            "/api/admin/settings",
            &json!({"availability": {
                "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "startTime": "00:00", "endTime": "23:30", "minimumNoticeMinutes": 0
            }}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    (server, key)
}

/// A visitor chats through the widget's API until qualified; returns the lead id.
async fn visitor_qualifies(server: &TestServer) -> String {
    let mut conversation: Option<String> = None;
    let mut lead = Value::Null;
    for message in [
        "Hi, I'm Jane Smith from Acme Corp",
        "jane.smith@acme.com",
        "We need to qualify inbound leads faster",
        "about 120 people",
        "I'm the Head of Marketing",
        "around $5,000",
        "next quarter",
    ] {
        let mut body = json!({"tenantId": "default", "visitorId": "visitor-jane", "message": message,
            "context": {"timezone": "America/Chicago",
                        "pageUrl": "https://acme.example/pricing?utm_source=newsletter"}});
        if let Some(id) = &conversation {
            body["conversationId"] = id.as_str().into();
        }
        let reply = server.anon().post("/api/chat", &body).await;
        assert_eq!(reply.status, 200, "{message}: {}", reply.text);
        conversation = reply.body["conversationId"].as_str().map(str::to_owned);
        lead = reply.body["lead"].clone();
    }
    assert_eq!(lead["status"], "qualified", "{lead}");
    lead["id"].as_str().unwrap().to_owned()
}

async fn click(b: &Browser, selector: &str) {
    b.wait_for(&format!("document.querySelector({selector:?})"))
        .await;
    b.js(&format!("document.querySelector({selector:?}).click();"))
        .await;
}

/// Types into a field as a keyboard would (input events fire per key).
async fn type_into(b: &Browser, selector: &str, text: &str) {
    b.wait_for(&format!("document.querySelector({selector:?})"))
        .await;
    let field = b.client.find(Locator::Css(selector)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Sets a field's value (selects, textareas, long values) and fires input and change.
async fn set_value(b: &Browser, selector: &str, value: &str) {
    b.wait_for(&format!("document.querySelector({selector:?})"))
        .await;
    b.js(&format!(
        "const e = document.querySelector({selector:?}); e.value = {value:?};
         e.dispatchEvent(new Event('input', {{bubbles: true}}));
         e.dispatchEvent(new Event('change', {{bubbles: true}}));"
    ))
    .await;
}

fn text_of(selector: &str) -> String {
    format!("((document.querySelector({selector:?}) || {{}}).innerText || '')")
}

async fn wait_text(b: &Browser, selector: &str, needle: &str) {
    b.wait_for(&format!("{}.includes({needle:?})", text_of(selector)))
        .await;
}

/// Opens a route and waits until its page has rendered.
async fn open(b: &Browser, route: &str, ready: &str) {
    b.js(&format!("location.hash = {route:?};")).await;
    b.wait_for(&format!(
        "document.querySelector('#main:not([aria-busy])') && document.querySelector({ready:?})"
    ))
    .await;
}

async fn log_in(b: &Browser, server: &TestServer) {
    b.goto(&format!("{}/admin/", server.url)).await;
    b.wait_for("document.body.dataset.ready && !document.getElementById('login').hidden")
        .await;
    type_into(b, "#token", ADMIN_TOKEN).await;
    click(b, "#login-form button[type=submit]").await;
    b.wait_for("!document.getElementById('shell').hidden && document.querySelector('#lead-results table, #lead-results .empty')")
        .await;
}

#[tokio::test]
async fn a_customer_works_through_every_page_of_the_admin_ui() {
    let Some(b) = Browser::start("admin-flow", 1280, 900).await else {
        return;
    };
    let (server, key) = server().await;
    let api = server.as_key(&key);
    let lead_id = visitor_qualifies(&server).await;
    common::create_lead(&api, "Gus Grant", "gus@globex.example", Some("Globex")).await;

    // A wrong token shows the server's own message.
    b.goto(&format!("{}/admin/", server.url)).await;
    b.wait_for("document.body.dataset.ready && !document.getElementById('login').hidden")
        .await;
    type_into(&b, "#token", "not-the-token").await;
    click(&b, "#login-form button[type=submit]").await;
    b.wait_for("!document.getElementById('login-error').hidden")
        .await;
    let shown = b
        .js("return document.getElementById('login-error').textContent;")
        .await;
    let expected = server
        .anon()
        .post("/api/admin/auth", &json!({"token": "also-wrong"}))
        .await;
    assert_eq!(expected.status, 401);
    assert_eq!(shown, expected.body["error"], "the server's message");
    assert!(!shown.as_str().unwrap().is_empty());
    b.screenshot_in(SHOTS, "login-error-1280").await;

    // Sign in; find the chat's lead by typing part of its company.
    log_in(&b, &server).await;
    wait_text(&b, "#lead-results", "Gus Grant").await;
    type_into(&b, "#lead-search", "Acm").await;
    b.wait_for(
        "document.querySelectorAll('#lead-results tbody tr').length === 1 && document.querySelector('#lead-results').innerText.includes('Jane Smith')",
    )
    .await;
    b.screenshot_in(SHOTS, "leads-search-1280").await;

    // Its detail: the transcript and the score's reasons.
    click(&b, "#lead-results .lead-link").await;
    b.wait_for("document.querySelector('#lead-reasons li')")
        .await;
    wait_text(&b, "#lead-reasons", "Company has 50 or more people").await;
    wait_text(&b, "#lead-reasons", "Described a concrete need").await;
    wait_text(&b, ".transcript", "about 120 people").await;
    wait_text(&b, ".transcript", "Jane").await;
    assert_eq!(
        b.js(&format!("return {};", text_of("#lead-score"))).await,
        "80"
    );
    b.screenshot_in(SHOTS, "lead-detail-1280").await;

    // Edit its status; the API sees the change.
    set_value(&b, "#lead-status-edit", "nurturing").await;
    click(&b, "#lead-save").await;
    wait_text(&b, "#toasts", "Lead saved").await;
    let lead = api.get(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(lead.body["lead"]["status"], "nurturing", "{}", lead.text);

    // A failing action shows the server's error: an email that is not one.
    set_value(&b, "#lead-email", "not an email").await;
    click(&b, "#lead-save").await;
    b.wait_for("document.querySelector('#toasts .toast.error')")
        .await;
    let error = b
        .js(&format!(
            "return {};",
            text_of("#toasts .toast.error .toast-text")
        ))
        .await;
    assert!(error.as_str().unwrap().contains("email"), "{error}");

    // Conversations: the list and the transcript viewer.
    open(
        &b,
        "#/conversations",
        "#conversation-results .conversation-link",
    )
    .await;
    click(&b, "#conversation-results .conversation-link").await;
    wait_text(&b, ".transcript", "next quarter").await;
    // Where the visitor was, as the widget reported it.
    wait_text(&b, ".visitor-context", "America/Chicago").await;
    wait_text(&b, ".visitor-context", "source: newsletter").await;

    // Knowledge base: upload by the file input, then ask a test question.
    open(&b, "#/knowledge", "#kb-file").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pricing.md");
    std::fs::write(
        &file,
        "# Pricing\n\n## Plans\n\nThe Pro plan costs 49 dollars per month and includes unlimited seats.\n",
    )
    .unwrap();
    b.client
        .find(Locator::Css("#kb-file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    wait_text(&b, "#kb-upload-status", "indexed").await;
    // Listed by its title, the document's first heading.
    wait_text(&b, "#kb-list", "Pricing").await;
    type_into(&b, "#kb-question", "How much does the Pro plan cost?").await;
    click(&b, "#kb-ask").await;
    wait_text(&b, "#kb-results", "49 dollars").await;
    b.screenshot_in(SHOTS, "knowledge-1280").await;
    click(&b, "#kb-list .kb-link").await;
    wait_text(&b, "#kb-text", "unlimited seats").await;

    // Webhooks: create (secret shown once), test, see the delivery and its attempt.
    let (hook_url, received) = receiver().await;
    open(&b, "#/webhooks", "#webhook-form").await;
    set_value(&b, "#webhook-url", &hook_url).await;
    click(&b, "#webhook-create").await;
    b.wait_for("document.querySelector('#webhook-secret .secret-value')")
        .await;
    let secret = b
        .js("return document.querySelector('#webhook-secret .secret-value').value;")
        .await;
    assert!(secret.as_str().unwrap().starts_with("whsec_"), "{secret}");
    click(&b, "#webhook-list .webhook-link").await;
    click(&b, "#webhook-test").await;
    wait_text(&b, "#webhook-test-result", "HTTP 200").await;
    wait_text(&b, "#webhook-deliveries", "ping").await;
    assert!(received.load(Ordering::SeqCst) >= 1);
    click(&b, "#webhook-deliveries details.delivery summary").await;
    wait_text(&b, "#webhook-deliveries .delivery-body", "HTTP 200").await;
    wait_text(&b, "#webhook-deliveries .delivery-body", "received").await;
    b.screenshot_in(SHOTS, "webhook-1280").await;
    click(&b, "#webhook-rotate").await;
    click(&b, "dialog.confirm [data-answer=yes]").await;
    b.wait_for("document.querySelector('#webhook-secret .secret-value')")
        .await;
    let rotated = b
        .js("return document.querySelector('#webhook-secret .secret-value').value;")
        .await;
    assert!(rotated.as_str().unwrap().starts_with("whsec_"), "{rotated}");
    assert_ne!(rotated, secret, "a new secret");
    click(&b, "#webhook-toggle").await;
    wait_text(&b, "#toasts", "Webhook disabled").await;
    let hooks = api.get("/api/admin/webhooks").await;
    assert_eq!(
        hooks.body["webhooks"][0]["enabled"], false,
        "{}",
        hooks.text
    );

    // Settings: a new greeting shows in the real widget's preview and in /api/widget.
    open(&b, "#/settings", "#settings-form").await;
    let preview_greeting = "(() => { const f = document.querySelector('#widget-preview'); const d = f && f.contentDocument; const w = d && d.querySelector('synaptiq-widget'); const m = w && w.shadowRoot && w.shadowRoot.querySelector('.log .msg.assistant .text'); return m ? m.textContent : ''; })()";
    b.wait_for(preview_greeting).await;
    set_value(
        &b,
        "#set-greeting",
        "Hello from the admin test! How can we help?",
    )
    .await;
    click(&b, "#settings-save").await;
    wait_text(&b, "#toasts", "Settings saved").await;
    // /api/widget may answer from a cache for up to a second, never staler.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let widget = server.anon().get("/api/widget?tenant=default").await;
        if widget.body["greeting"] == "Hello from the admin test! How can we help?" {
            break;
        }
        if Instant::now() > deadline {
            let settings = api.get("/api/admin/settings").await;
            let page = b.js("return [document.querySelector('#set-greeting').value, document.querySelectorAll('#settings-form').length, document.getElementById('toasts').innerText, localStorage.getItem('synaptiq-admin:tenant')];").await;
            panic!(
                "widget: {}\nsettings: {}\npage: {page}",
                widget.text, settings.text
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.wait_for(&format!(
        "{preview_greeting} === 'Hello from the admin test! How can we help?'"
    ))
    .await;
    b.screenshot_in(SHOTS, "settings-1280").await;

    // API keys: created (shown once), it works; revoked, it stops.
    open(&b, "#/keys", "#key-form").await;
    type_into(&b, "#key-name", "CRM sync").await;
    click(&b, "#key-create").await;
    b.wait_for("document.querySelector('#key-secret .secret-value')")
        .await;
    let new_key = b
        .js("return document.querySelector('#key-secret .secret-value').value;")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    assert!(new_key.starts_with("sq_"), "{new_key}");
    assert_eq!(server.as_key(&new_key).get("/api/leads").await.status, 200);
    wait_text(&b, "#key-list", "CRM sync").await;
    b.js("[...document.querySelectorAll('#key-list tr')].find(r => r.innerText.includes('CRM sync')).querySelector('button[data-key]').click();")
        .await;
    click(&b, "dialog.confirm [data-answer=yes]").await;
    wait_text(&b, "#toasts", "Key revoked").await;
    wait_text(&b, "#key-list", "revoked").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.as_key(&new_key).get("/api/leads").await.status != 401 {
        assert!(Instant::now() < deadline, "the revoked key still works");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Tenants: create one (the UI switches to it) and see only its leads.
    open(&b, "#/tenants", "#tenant-form").await;
    type_into(&b, "#tenant-id", "beta").await;
    type_into(&b, "#tenant-name", "Beta Brand").await;
    click(&b, "#tenant-create").await;
    wait_text(&b, "#toasts", "Now working on tenant").await;
    assert_eq!(
        b.js("return document.getElementById('tenant-select').value;")
            .await,
        "beta"
    );
    let beta = server.key_for("beta", Tier::Enterprise).await;
    common::create_lead(
        &server.as_key(&beta),
        "Bea Beta",
        "bea@betaco.example",
        Some("Betaco"),
    )
    .await;
    open(&b, "#/leads", "#lead-results").await;
    wait_text(&b, "#lead-results", "Bea Beta").await;
    let listed = b.js(&format!("return {};", text_of("#lead-results"))).await;
    assert!(!listed.as_str().unwrap().contains("Jane Smith"), "{listed}");
    assert!(!listed.as_str().unwrap().contains("Gus Grant"), "{listed}");
    // Back to default with the switcher in the top bar.
    set_value(&b, "#tenant-select", "default").await;
    wait_text(&b, "#lead-results", "Jane Smith").await;
    let listed = b.js(&format!("return {};", text_of("#lead-results"))).await;
    assert!(!listed.as_str().unwrap().contains("Bea Beta"), "{listed}");

    // Delete a lead, after confirming; the API no longer has it.
    let gus = api.get("/api/leads?q=Globex").await.body["leads"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    type_into(&b, "#lead-search", "Glob").await;
    b.wait_for("document.querySelectorAll('#lead-results tbody tr').length === 1 && document.querySelector('#lead-results').innerText.includes('Gus Grant')").await;
    click(&b, "#lead-results .lead-link").await;
    click(&b, "#lead-delete").await;
    click(&b, "dialog.confirm [data-answer=yes]").await;
    wait_text(&b, "#toasts", "Lead deleted").await;
    b.wait_for("location.hash === '#/leads'").await;
    assert_eq!(api.get(&format!("/api/leads/{gus}")).await.status, 404);

    // Log out: the session is gone, also after a reload.
    click(&b, "#logout").await;
    b.wait_for("!document.getElementById('login').hidden").await;
    b.goto(&format!("{}/admin/", server.url)).await;
    b.wait_for("document.body.dataset.ready && !document.getElementById('login').hidden")
        .await;
}

const PAGES: [(&str, &str, &str); 10] = [
    ("leads", "#/leads", "#lead-results table"),
    ("lead", "LEAD", "#lead-reasons"),
    (
        "conversations",
        "#/conversations",
        "#conversation-results table",
    ),
    (
        "meetings",
        "#/meetings",
        "#meeting-results table, #meeting-results .empty",
    ),
    ("knowledge", "#/knowledge", "#kb-list table"),
    ("webhooks", "#/webhooks", "#webhook-list table"),
    ("analytics", "#/analytics", "#activity-chart rect"),
    ("settings", "#/settings", "#widget-preview"),
    ("keys", "#/keys", "#key-list table"),
    ("tenants", "#/tenants", "#tenant-list table"),
];

/// Every page at 1280 and 390 px: rendered, without errors, nothing wider than the screen.
#[tokio::test]
async fn the_team_sees_a_possible_returning_visitor_and_merges_it() {
    let Some(b) = Browser::start("admin-merge", 1280, 900).await else {
        return;
    };
    let (server, key) = server().await;
    let api = server.as_key(&key);
    let known = common::create_lead(&api, "Gus Grant", "gus@globex.example", Some("Globex")).await;
    let known_id = known["id"].as_str().unwrap();
    let reply = server
        .anon()
        .post(
            "/api/chat",
            &json!({"tenantId": "default", "visitorId": "v-gus", "message": "gus@globex.example"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let claimant = reply.body["lead"]["id"].as_str().unwrap().to_owned();

    log_in(&b, &server).await;
    open(&b, &format!("#/leads/{known_id}"), "#lead-matches .merge").await;
    wait_text(&b, "#lead-matches", "Possible returning visitor").await;
    wait_text(&b, "#lead-matches", "gus@globex.example").await;
    b.screenshot_in(SHOTS, "lead-possible-match-1280").await;
    click(&b, "#lead-matches .merge").await;
    click(&b, "dialog.confirm [data-answer=yes]").await;
    wait_text(&b, "#toasts", "Leads merged").await;
    b.wait_for("document.querySelector('#main:not([aria-busy])') && !document.querySelector('#lead-matches') && document.querySelector('#lead-form')")
        .await;
    assert_eq!(api.get(&format!("/api/leads/{claimant}")).await.status, 404);
    let conversations = api
        .get(&format!("/api/leads/{known_id}/conversations"))
        .await;
    assert_eq!(
        conversations.body["conversations"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{}",
        conversations.text
    );
}

#[tokio::test]
async fn the_team_moves_a_meeting_to_a_free_time_and_cancels_it() {
    let Some(b) = Browser::start("admin-meetings", 1280, 900).await else {
        return;
    };
    let (server, key) = server().await;
    let api = server.as_key(&key);
    let (_, lead_id, meeting_id) =
        common::book_meeting(&server, "default", "visitor-mia", "mia@initech.example").await;
    let booked = api.get(&format!("/api/leads/{lead_id}/meetings")).await;
    let before = booked.body["meetings"][0]["startsAt"].clone();

    // Move, from the lead's page: the dialog offers the free times; the view shows the new one.
    log_in(&b, &server).await;
    open(
        &b,
        &format!("#/leads/{lead_id}"),
        "#lead-meetings .meeting-move",
    )
    .await;
    click(&b, "#lead-meetings .meeting-move").await;
    b.wait_for("document.querySelectorAll('dialog.move-meeting .slot').length === 8")
        .await;
    click(&b, "#move-later").await;
    b.wait_for("document.querySelectorAll('dialog.move-meeting .slot').length === 16")
        .await;
    b.screenshot_in(SHOTS, "meeting-move-1280").await;
    let chosen = b
        .js("return document.querySelectorAll('dialog.move-meeting .slot')[9].dataset.startsAt;")
        .await;
    assert_ne!(chosen, before);
    b.js("document.querySelectorAll('dialog.move-meeting .slot')[9].click();")
        .await;
    wait_text(&b, "#toasts", "Meeting moved").await;
    b.wait_for(&format!(
        "!document.querySelector('dialog.move-meeting') && document.querySelector('#main:not([aria-busy]) #lead-meetings time.meeting-start[datetime={chosen}]')"
    ))
    .await;
    let moved = api.get(&format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(moved.body["meetings"][0]["id"], meeting_id.as_str());
    assert_eq!(moved.body["meetings"][0]["startsAt"], chosen);

    // Cancel, from the meetings list, after a confirmation: the lead is qualified again.
    open(&b, "#/meetings", "#meeting-results .meeting-cancel").await;
    wait_text(&b, "#meeting-results", "booked").await;
    click(&b, "#meeting-results .meeting-cancel").await;
    click(&b, "dialog.confirm [data-answer=yes]").await;
    wait_text(&b, "#toasts", "Meeting cancelled").await;
    b.wait_for("document.querySelector('#main:not([aria-busy]) #meeting-results .status-cancelled') && !document.querySelector('#meeting-results .meeting-cancel')")
        .await;
    let lead = api.get(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(lead.body["lead"]["status"], "qualified", "{}", lead.text);
    let meetings = api.get(&format!("/api/leads/{lead_id}/meetings")).await;
    assert_eq!(meetings.body["meetings"][0]["status"], "cancelled");
    let errors = b
        .js(&format!("return {};", text_of("#toasts .toast.error")))
        .await;
    assert_eq!(errors, "");
}

#[tokio::test]
async fn every_page_renders_at_desktop_and_phone_widths() {
    if browser::tools("admin-widths").is_none() {
        return;
    }
    let (server, key) = server().await;
    let api = server.as_key(&key);
    let lead_id = visitor_qualifies(&server).await;
    for i in 0..30 {
        common::create_lead(
            &api,
            &format!("Lead {i}"),
            &format!("lead{i}@example.com"),
            Some("Initech"),
        )
        .await;
    }
    let admin = server.as_admin().await;
    let reply = admin
        .post(
            "/api/admin/knowledge-base",
            &json!({"title": "FAQ", "type": "faq", "content": "Q: Do you have a free trial?\nA: Yes, 14 days."}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let (hook_url, _) = receiver().await;
    let reply = admin
        .post("/api/admin/webhooks", &json!({"url": hook_url}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let reply = admin
        .post("/api/admin/api-keys", &json!({"name": "Zapier"}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    for (width, height) in [(1280, 900), (390, 844)] {
        let b = Browser::start(&format!("admin-{width}"), width, height)
            .await
            .unwrap();
        log_in(&b, &server).await;
        // Pagination: 25 a page, then "Load more" by the cursor.
        b.wait_for("document.querySelectorAll('#lead-results tbody tr').length === 25")
            .await;
        click(&b, "#lead-more").await;
        b.wait_for("document.querySelectorAll('#lead-results tbody tr').length === 31")
            .await;
        for (name, route, ready) in PAGES {
            let route = if route == "LEAD" {
                format!("#/leads/{lead_id}")
            } else {
                route.to_owned()
            };
            open(&b, &route, ready).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let errors = b
                .js(&format!("return {};", text_of("#toasts .toast.error")))
                .await;
            assert_eq!(errors, "", "{name} at {width}px shows an error");
            let overflow = b
                .js("return document.documentElement.scrollWidth - window.innerWidth;")
                .await;
            assert!(
                overflow.as_i64().unwrap() <= 0,
                "{name} at {width}px is {overflow} px wider than the screen"
            );
            b.screenshot_in(SHOTS, &format!("{name}-{width}")).await;
        }
    }
}
