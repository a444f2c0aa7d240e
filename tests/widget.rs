//! The chat widget: its budgets and HTTP serving (plain Rust), and every visitor flow in a
//! real headless Chromium, on a customer page served from another origin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "widget/browser.rs"]
mod browser;
mod common;

use std::io::Read;
use std::num::NonZeroU32;

use browser::{Browser, ENTER, ESCAPE, TAB, customer_page, serve_site};
use common::TestServer;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Budgets and serving (no browser)

#[test]
fn the_widget_stays_within_its_budgets() {
    let w = synaptiq::http::widget::widget();
    let (loader, panel) = (w.loader.gzip.len(), w.panel.gzip.len());
    println!(
        "widget sizes: loader {} B ({loader} B gzip, {} B br), panel {} B ({panel} B gzip, {} B br), total {} B gzip",
        w.loader.plain.len(),
        w.loader.brotli.len(),
        w.panel.plain.len(),
        w.panel.brotli.len(),
        loader + panel
    );
    assert!(
        loader <= 3 * 1024,
        "loader is {loader} B gzipped, budget 3 KiB"
    );
    assert!(
        loader + panel <= 20 * 1024,
        "widget is {} B gzipped, budget 20 KiB",
        loader + panel
    );
    let loader_js = String::from_utf8_lossy(&w.loader.plain);
    assert!(
        loader_js.contains(&w.panel_path),
        "the loader names the hashed chunk"
    );
    let panel_js = String::from_utf8_lossy(&w.panel.plain);
    assert!(
        !panel_js.contains("__SYNAPTIQ_CSS__"),
        "the stylesheet is inlined"
    );
}

async fn fetch(
    url: &str,
    headers: &[(&str, &str)],
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn widget_scripts_are_compressed_cached_and_revalidated() {
    let server = TestServer::start().await;
    let url = format!("{}/widget.js", server.url);

    let (status, headers, plain) = fetch(&url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header(&headers, "content-encoding"), "");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=300");
    assert_eq!(header(&headers, "vary"), "Accept-Encoding");
    let etag = header(&headers, "etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.len() > 10,
        "strong ETag: {etag}"
    );
    let text = String::from_utf8(plain.clone()).unwrap();
    assert!(text.contains("SynaptiqWidget"));

    let (_, headers, body) = fetch(&url, &[("accept-encoding", "gzip, deflate")]).await;
    assert_eq!(header(&headers, "content-encoding"), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
    let gzip_tag = header(&headers, "etag").to_owned();
    assert_ne!(gzip_tag, etag, "each encoding has its own strong ETag");

    let (_, headers, body) = fetch(&url, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(header(&headers, "content-encoding"), "br");
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, plain);

    // Revalidation: any of the content's tags is a match, in any encoding.
    for tag in [etag.as_str(), gzip_tag.as_str()] {
        let (status, headers, body) =
            fetch(&url, &[("if-none-match", tag), ("accept-encoding", "br")]).await;
        assert_eq!(status, 304, "{tag}");
        assert!(body.is_empty());
        assert!(header(&headers, "etag").ends_with("-br\""));
        assert_eq!(header(&headers, "cache-control"), "public, max-age=300");
    }
    let (status, ..) = fetch(&url, &[("if-none-match", "\"0000\"")]).await;
    assert_eq!(status, 200);

    // The panel chunk: content-hashed URL, cached for good.
    let at = text
        .find("/widget/panel.")
        .expect("the loader names the panel chunk");
    let path: String = text[at..]
        .chars()
        .take_while(|c| *c != '\'' && *c != '"')
        .collect();
    assert!(
        path.ends_with(".js") && path.len() == "/widget/panel..js".len() + 16,
        "{path}"
    );
    let (status, headers, body) = fetch(
        &format!("{}{path}", server.url),
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), "gzip");
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(!body.is_empty());
    let (status, _, body) = fetch(
        &format!("{}/widget/panel.0123456789abcdef.js", server.url),
        &[],
    )
    .await;
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("\"error\""));
}

// ---------------------------------------------------------------------------------------------
// In the browser

const READY: &str =
    "window.SynaptiqWidget && SynaptiqWidget.ready && r && r.querySelector('.launcher')";
const PANEL_OPEN: &str = "r && r.querySelector('.panel') && !r.querySelector('.panel').hidden";

/// The server (per-IP chat limit out of the way unless `limit`), a customer site on another
/// origin whose pages get `head`, and a browser of that size on its home page.
async fn setup(
    test: &str,
    limit: u32,
    head: &'static str,
    size: (u32, u32),
) -> Option<(TestServer, String, Browser)> {
    let browser = Browser::start(test, size.0, size.1).await?;
    let server =
        TestServer::start_with(|c| c.rate_limits.public = NonZeroU32::new(limit).unwrap()).await;
    let key = server.key().await;
    // Every day, all day, no notice: slots exist whenever the test runs.
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
    let widget = server.url.clone();
    let site = serve_site(move |_| customer_page(&widget, head)).await;
    assert_ne!(site, server.url, "the page is on another origin");
    browser.goto(&format!("{site}/")).await;
    browser.wait_for(READY).await;
    Some((server, site, browser))
}

fn assistant_count() -> String {
    "__events.filter(e => e.type === 'message' && e.detail.role === 'assistant').length".into()
}

/// Types `message` into the panel and sends it; waits for the reply (the `n`th) and returns it.
async fn say(b: &Browser, message: &str, n: usize) -> String {
    b.js(&format!(
        "r.querySelector('.input').value = {}; r.querySelector('.send').click();",
        json!(message)
    ))
    .await;
    b.wait_for(&format!("{} >= {n}", assistant_count())).await;
    let reply = b
        .js(&format!("return __events.filter(e => e.type === 'message' && e.detail.role === 'assistant')[{}].detail.content;", n - 1))
        .await;
    reply.as_str().unwrap().to_owned()
}

fn event(events: &Value, kind: &str) -> Value {
    events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind)
        .map(|e| e["detail"].clone())
        .unwrap_or_else(|| panic!("no synaptiq:{kind} in {events}"))
}

#[tokio::test]
async fn a_visitor_chats_through_qualification_and_booking_with_streamed_replies() {
    let Some((_server, _site, b)) = setup("chat_flow", 100_000, "", (1280, 900)).await else {
        return;
    };
    // The launcher: a labelled button, visible at the bottom right, on top of the page.
    let launcher = b
        .js("const l = r.querySelector('.launcher'), x = l.getBoundingClientRect();
             return {label: l.getAttribute('aria-label'), tag: l.tagName, w: x.width, right: innerWidth - x.right,
                     top: document.elementFromPoint(x.x + x.width / 2, x.y + x.height / 2) === h};")
        .await;
    assert_eq!(launcher["tag"], "BUTTON");
    assert!(
        launcher["label"].as_str().unwrap().starts_with("Open chat"),
        "{launcher}"
    );
    assert_eq!(launcher["w"], 56);
    assert_eq!(launcher["top"], true, "{launcher}");
    assert_eq!(
        b.js("return document.querySelectorAll('script[src*=\"/widget/panel.\"]').length;")
            .await,
        0,
        "the panel loads on first open only"
    );
    b.screenshot("chat-1-launcher").await;

    b.js("SynaptiqWidget.open();").await;
    b.wait_for(PANEL_OPEN).await;
    b.wait_for(
        "__events.some(e => e.type === 'open') && r.activeElement === r.querySelector('.input')",
    )
    .await;
    b.wait_for("r.querySelectorAll('.msg.assistant').length === 1")
        .await; // the greeting
    // Every text the streaming bubble shows before it is complete.
    b.js("window.__partials = []; new MutationObserver(() => {
            const s = r.querySelector('.msg.assistant[aria-busy=\"true\"] .text');
            if (s) __partials.push(s.textContent);
          }).observe(r, {subtree: true, childList: true, characterData: true});")
        .await;

    let script = [
        "Hi, I'm Jane Smith from Acme Corp",
        "jane.smith@acme.com",
        "We need to qualify our inbound leads faster",
        "about 200 people",
        "I'm the CTO",
        "around $20,000",
        "asap",
    ];
    let mut last = String::new();
    for (i, message) in script.iter().enumerate() {
        last = say(&b, message, i + 1).await;
    }
    assert!(
        last.contains("1)") && last.contains("another day or time"),
        "{last}"
    );
    let partials = b.js("return __partials;").await;
    let partial = partials
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|p| !p.is_empty() && p.len() < last.len() && last.starts_with(p));
    assert!(
        partial.is_some(),
        "a partial reply was on screen before the stream ended: {partials}"
    );

    let events = b.js("return __events;").await;
    let qualified = event(&events, "lead.qualified");
    assert_eq!(qualified["qualificationScore"], 100, "{qualified}");
    assert_eq!(qualified["email"], "jane.smith@acme.com", "{qualified}");
    let lead_id = qualified["id"].as_str().unwrap().to_owned();

    // The offered slots are quick replies; picking one books it.
    let chips = b
        .js("return [...r.querySelectorAll('.chip')].map(c => c.textContent);")
        .await;
    assert_eq!(chips.as_array().unwrap().len(), 3, "{chips}");
    assert!(last.contains(chips[0].as_str().unwrap()), "{chips}");
    b.screenshot("chat-2-qualified").await;
    b.js("r.querySelector('.chip').click();").await;
    b.wait_for(&format!("{} >= 8", assistant_count())).await;
    let events = b.js("return __events;").await;
    let booked = event(&events, "meeting.booked");
    assert!(booked["meeting"]["startsAt"].is_string(), "{booked}");
    assert_eq!(booked["lead"]["id"], lead_id.as_str(), "{booked}");
    assert_eq!(b.js("return r.querySelectorAll('.chip').length;").await, 0);
    b.screenshot("chat-3-booked").await;

    // A reload restores the conversation (and the open panel) from localStorage ids.
    let before = b
        .js("return [...r.querySelectorAll('.msg')].map(m => m.textContent);")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_for(READY).await;
    b.wait_for(PANEL_OPEN).await;
    let count = before.as_array().unwrap().len();
    b.wait_for(&format!("r.querySelectorAll('.msg').length === {count}"))
        .await;
    let after = b
        .js("return [...r.querySelectorAll('.msg')].map(m => m.textContent);")
        .await;
    assert_eq!(after[count - 1], before[count - 1]);
    assert_eq!(after[1], before[1]);
    b.screenshot("chat-4-restored").await;
}

const HOSTILE: &str = "<style>* { all: unset } div { display: none !important }</style>";

#[tokio::test]
async fn hostile_css_and_spa_navigation_do_not_break_or_duplicate_it() {
    let Some((server, _site, b)) = setup("hostile_spa", 100_000, HOSTILE, (1280, 900)).await else {
        return;
    };
    let seen = b
        .js(
            "const x = r.querySelector('.launcher').getBoundingClientRect();
             return document.elementFromPoint(x.x + 28, x.y + 28) === h && x.width === 56;",
        )
        .await;
    assert_eq!(seen, true, "the launcher shows through hostile CSS");
    b.js("r.querySelector('.launcher').click();").await;
    b.wait_for(PANEL_OPEN).await;
    let panel = b
        .js("const x = r.querySelector('.panel').getBoundingClientRect();
             return {w: x.width, top: document.elementFromPoint(x.x + x.width / 2, x.y + x.height / 2) === h};")
        .await;
    assert_eq!(panel["w"], 370, "{panel}");
    assert_eq!(panel["top"], true, "{panel}");
    let reply = say(&b, "Hello, my name is Omar Haddad", 1).await;
    assert!(reply.contains("Omar"), "{reply}");
    b.screenshot("hostile-1-open").await;

    // SPA navigation: a route change that runs the snippet again...
    b.js(&format!(
        "history.pushState({{}}, '', '/pricing'); window.__again = false;
         const s = document.createElement('script'); s.src = '{}/widget.js'; s.dataset.tenant = 'default';
         s.onload = () => {{ __again = true; }}; document.body.appendChild(s);",
        server.url
    ))
    .await;
    b.wait_for("__again").await;
    // ...and one that re-renders the whole body.
    b.js("history.pushState({}, '', '/about'); document.body.innerHTML = '<div id=\"app\">About us</div>';").await;
    b.wait_for("document.querySelectorAll('synaptiq-widget').length === 1 && h.isConnected")
        .await;
    let state = b
        .js(
            "return {hosts: document.querySelectorAll('synaptiq-widget').length,
                     ready: __events.filter(e => e.type === 'ready').length,
                     open: SynaptiqWidget.isOpen(), messages: r.querySelectorAll('.msg').length};",
        )
        .await;
    assert_eq!(
        state,
        json!({"hosts": 1, "ready": 1, "open": true, "messages": 3})
    );
    say(&b, "omar@sandstone.example.com", 2).await;
    b.screenshot("hostile-2-after-spa").await;
}

/// Counts, before the widget loads, the listeners on window and document, the pending
/// timers, the connected observers and the new globals, so destroy() can be checked.
const INSTRUMENTED: &str = r#"<script>
window.__keys = Object.getOwnPropertyNames(window);
window.__live = { listeners: 0, timers: new Set(), observers: new Set() };
(function () {
  const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
  const mine = (t, type) => (t === window || t === document) && !String(type).startsWith('synaptiq:');
  EventTarget.prototype.addEventListener = function (type, f, o) { if (mine(this, type)) __live.listeners++; return add.call(this, type, f, o); };
  EventTarget.prototype.removeEventListener = function (type, f, o) { if (mine(this, type)) __live.listeners--; return remove.call(this, type, f, o); };
  const set = window.setTimeout, clear = window.clearTimeout;
  window.setTimeout = function (f, ms) { const id = set(function () { __live.timers.delete(id); f(); }, ms); __live.timers.add(id); return id; };
  window.clearTimeout = function (id) { __live.timers.delete(id); return clear(id); };
  const observe = MutationObserver.prototype.observe, disconnect = MutationObserver.prototype.disconnect;
  MutationObserver.prototype.observe = function (t, o) { __live.observers.add(this); return observe.call(this, t, o); };
  MutationObserver.prototype.disconnect = function () { __live.observers.delete(this); return disconnect.call(this); };
})();
</script>"#;

#[tokio::test]
async fn destroy_removes_every_node_listener_timer_and_global() {
    let Some((server, _site, b)) = setup("destroy", 100_000, INSTRUMENTED, (1280, 900)).await
    else {
        return;
    };
    // New window properties, less the test's own (`__*`) and chromedriver's (`ret_nodes`, `cdc_*`).
    let globals = "Object.getOwnPropertyNames(window).filter(k => !__keys.includes(k) && !k.startsWith('__') && k !== 'ret_nodes' && !k.startsWith('cdc_'))";
    assert_eq!(
        b.js(&format!("return {globals};")).await,
        json!(["SynaptiqWidget"])
    );
    b.js("SynaptiqWidget.open();").await;
    b.wait_for(PANEL_OPEN).await;
    say(&b, "Hi, I'm Lee Chen", 1).await;
    b.screenshot("destroy-1-before").await;

    b.js("SynaptiqWidget.destroy();").await;
    let left = b
        .js(&format!(
            "return {{hosts: document.querySelectorAll('synaptiq-widget').length,
                     scripts: document.querySelectorAll('script[src*=\"/widget/panel.\"]').length,
                     globals: {globals}, listeners: __live.listeners, timers: __live.timers.size,
                     observers: __live.observers.size}};"
        ))
        .await;
    assert_eq!(
        left,
        json!({"hosts": 0, "scripts": 0, "globals": [], "listeners": 0, "timers": 0, "observers": 0})
    );
    b.screenshot("destroy-2-after").await;

    // Clean enough to start again from the snippet.
    b.js(&format!(
        "const s = document.createElement('script'); s.src = '{}/widget.js'; s.dataset.tenant = 'default';
         document.body.appendChild(s);",
        server.url
    ))
    .await;
    b.wait_for(READY).await;
    assert_eq!(
        b.js("return document.querySelectorAll('synaptiq-widget').length;")
            .await,
        1
    );
}

#[tokio::test]
async fn keyboard_only_visitor_with_identify() {
    let Some((_server, _site, b)) = setup("keyboard", 100_000, "", (1280, 900)).await else {
        return;
    };
    // The host page knows who the visitor is.
    b.js("SynaptiqWidget.identify({name: 'Kim Park', email: 'kim@initech.example.com', company: 'Initech'});").await;
    let on_launcher =
        "document.activeElement === h && r.activeElement === r.querySelector('.launcher')";
    let mut reached = false;
    for _ in 0..4 {
        b.keys(&TAB.to_string()).await;
        if b.js(&format!("return {on_launcher};")).await == true {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the launcher");
    b.keys(&ENTER.to_string()).await;
    b.wait_for(PANEL_OPEN).await;
    b.wait_for("r.activeElement === r.querySelector('.input')")
        .await;
    b.keys(&format!("Hello there{ENTER}")).await;
    b.wait_for(&format!("{} >= 1", assistant_count())).await;
    let created = b
        .wait_for("(__events.find(e => e.type === 'lead.created') || {}).detail")
        .await;
    assert_eq!(
        created["email"], "kim@initech.example.com",
        "identify() reached the agent: {created}"
    );

    // Tab and Shift+Tab stay inside the open panel.
    for _ in 0..8 {
        b.keys(&TAB.to_string()).await;
        let inside = b
            .js("return !!r.activeElement && r.querySelector('.panel').contains(r.activeElement);")
            .await;
        assert_eq!(inside, true, "focus stays in the dialog");
    }
    b.screenshot("keyboard-1-open").await;
    b.keys(&ESCAPE.to_string()).await;
    b.wait_for(&format!(
        "r.querySelector('.panel').hidden && {on_launcher}"
    ))
    .await;
    b.wait_for("__events.some(e => e.type === 'close')").await;
    b.screenshot("keyboard-2-closed").await;
}

#[tokio::test]
async fn a_phone_sized_viewport_gets_a_full_screen_panel() {
    let Some((_server, _site, b)) = setup("mobile", 100_000, "", (375, 740)).await else {
        return;
    };
    b.js("SynaptiqWidget.open();").await;
    b.wait_for(PANEL_OPEN).await;
    // Measured once the opening slide has ended.
    b.wait_for("r.querySelector('.panel').getAnimations().length === 0")
        .await;
    let fit = b
        .js("const x = r.querySelector('.panel').getBoundingClientRect();
             return {left: x.left, top: x.top, fullWidth: x.width === innerWidth, fullHeight: x.height === innerHeight,
                     narrow: innerWidth < 480, launcher: getComputedStyle(r.querySelector('.launcher')).display};")
        .await;
    assert_eq!(
        fit,
        json!({"left": 0, "top": 0, "fullWidth": true, "fullHeight": true, "narrow": true, "launcher": "none"})
    );
    b.screenshot("mobile-1-open").await;
}

#[tokio::test]
async fn a_dropped_network_or_a_rate_limit_keeps_the_message_for_retry() {
    let Some((_server, _site, b)) = setup("errors", 2, "", (1280, 900)).await else {
        return;
    };
    b.js("SynaptiqWidget.open();").await;
    b.wait_for(PANEL_OPEN).await;
    // The network is down: the message goes back to the input and the outbox.
    b.js("window.__fetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));").await;
    b.js("r.querySelector('.input').value = 'Hi, I am Ada'; r.querySelector('.send').click();")
        .await;
    let status = b
        .wait_for("!r.querySelector('.status').hidden && r.querySelector('.status').textContent")
        .await;
    assert!(
        status.as_str().unwrap().contains("cannot reach"),
        "{status}"
    );
    let kept = b
        .js("return {input: r.querySelector('.input').value, outbox: localStorage.getItem('synaptiq:default:outbox'),
                     mine: r.querySelectorAll('.msg.user').length};")
        .await;
    assert_eq!(
        kept,
        json!({"input": "Hi, I am Ada", "outbox": "\"Hi, I am Ada\"", "mine": 0})
    );
    b.screenshot("errors-1-offline").await;
    // Back online: Retry sends it.
    b.js("window.fetch = window.__fetch; r.querySelector('.retry').click();")
        .await;
    b.wait_for(&format!("{} >= 1", assistant_count())).await;
    assert_eq!(b.js("return r.querySelector('.status').hidden && localStorage.getItem('synaptiq:default:outbox');").await, Value::Null);

    // Over the per-IP limit (2 a minute): a clear message, and the text is kept.
    say(&b, "ada@example.com", 2).await;
    b.js("r.querySelector('.input').value = 'We need help'; r.querySelector('.send').click();")
        .await;
    let status = b
        .wait_for("!r.querySelector('.status').hidden && r.querySelector('.status').textContent")
        .await;
    assert!(status.as_str().unwrap().contains("faster"), "{status}");
    // Retry-After is read cross-origin (CORS exposes it): the wait is the server's, not the
    // widget's 5 s fallback.
    let wait: u32 = status
        .as_str()
        .unwrap()
        .split("Retrying in ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(wait > 5, "{status}");
    assert_eq!(
        b.js("return r.querySelector('.input').value;").await,
        "We need help"
    );
    b.screenshot("errors-2-rate-limited").await;
}

#[tokio::test]
async fn an_answer_shows_its_source_under_the_message_escaped() {
    let Some((server, _site, b)) = setup("sources", 100_000, "", (1280, 900)).await else {
        return;
    };
    let key = server.key().await;
    let upload = server
        .as_key(&key)
        .post(
            "/api/admin/knowledge-base",
            &json!({
                "title": "<img src=x onerror=window.__pwned=1> Pricing & Plans",
                "content": "## How much does it cost?\n\nGrowth is $39 per seat per month.",
                "type": "faq"
            }),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    b.js("SynaptiqWidget.open();").await;
    b.wait_for(PANEL_OPEN).await;
    let said = say(&b, "How much does it cost?", 1).await;
    assert!(said.contains("$39"), "{said}");
    assert!(!said.contains("Source"), "not in the text: {said}");
    let shown = b
        .js("const m = [...r.querySelectorAll('.msg.assistant')].pop(), s = m.querySelector('.source');
             return {text: m.querySelector('.text').textContent, source: s && s.textContent,
                     images: m.querySelectorAll('img').length, pwned: !!window.__pwned,
                     below: s && s.getBoundingClientRect().top >= m.querySelector('.text').getBoundingClientRect().bottom};")
        .await;
    assert_eq!(
        shown["source"], "Source: <img src=x onerror=window.__pwned=1> Pricing & Plans",
        "{shown}"
    );
    assert_eq!(shown["images"], 0, "the title is text, not markup: {shown}");
    assert_eq!(shown["pwned"], false);
    assert_eq!(shown["below"], true, "under the message: {shown}");
    assert!(
        !shown["text"].as_str().unwrap().contains("Source"),
        "{shown}"
    );
    b.screenshot("sources-1-answer").await;

    say(&b, "I'm Ana Ruiz, ana@ruiz.example", 2).await;
    let sources = b
        .js("return [...r.querySelectorAll('.msg.assistant')].pop().querySelectorAll('.source').length;")
        .await;
    assert_eq!(sources, 0, "a reply without sources has no line");
}
