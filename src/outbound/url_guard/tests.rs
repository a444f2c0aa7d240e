//! The guard's classification, spellings and messages, and its client against a loopback responder.

use super::*;

use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const EXTERNAL: AllowedHosts = AllowedHosts {
    loopback: false,
    private: false,
    any: false,
};
const LOOPBACK_OK: AllowedHosts = AllowedHosts {
    loopback: true,
    private: false,
    any: false,
};
const PRIVATE_OK: AllowedHosts = AllowedHosts {
    loopback: false,
    private: true,
    any: false,
};
const ANY: AllowedHosts = AllowedHosts {
    loopback: true,
    private: true,
    any: true,
};

fn resolver() -> Resolver {
    Resolver::from_system().unwrap()
}

fn refused_text(raw: &str, allowed: AllowedHosts) -> String {
    match check_url(raw, allowed) {
        Err(Refused(text)) => text,
        Ok(url) => panic!("{raw} was allowed (as {url})"),
    }
}

fn assert_allowed(raw: &str, allowed: AllowedHosts) {
    if let Err(refused) = check_url(raw, allowed) {
        panic!("{raw} was refused: {refused}");
    }
}

#[test]
fn every_special_range_is_refused_by_default_naming_its_class_and_the_setting() {
    let cases = [
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://0.255.255.255/", "an unspecified address"),
        ("http://127.0.0.1/", "a loopback address"),
        ("http://127.255.255.254/", "a loopback address"),
        ("http://10.0.0.1/", "a private address"),
        ("http://10.255.255.255/", "a private address"),
        ("http://172.16.0.1/", "a private address"),
        ("http://172.31.255.255/", "a private address"),
        ("http://192.168.1.1/", "a private address"),
        ("http://100.64.0.1/", "a carrier-grade NAT (shared) address"),
        (
            "http://100.127.255.255/",
            "a carrier-grade NAT (shared) address",
        ),
        ("http://169.254.169.254/latest/", "a link-local address"),
        ("http://192.0.0.8/", "an IETF protocol assignment address"),
        ("http://192.0.2.1/", "a documentation address"),
        ("http://198.51.100.7/", "a documentation address"),
        ("http://203.0.113.9/", "a documentation address"),
        ("http://198.18.0.1/", "a benchmarking address"),
        ("http://198.19.255.255/", "a benchmarking address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://239.255.255.250/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://255.255.255.254/", "a reserved address"),
        ("http://255.255.255.255/", "a broadcast address"),
        ("http://[::]/", "an unspecified address"),
        ("http://[::1]/", "a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "a private address"),
        ("http://[::ffff:169.254.169.254]/", "a link-local address"),
        ("http://[::ffff:1.1.1.1]/", "an IPv4-mapped IPv6 address"),
        (
            "http://[::ffff:0:1.1.1.1]/",
            "an IPv4-translated IPv6 address",
        ),
        ("http://[::ffff:0:10.0.0.1]/", "a private address"),
        ("http://[::ffff:0:127.0.0.1]/", "a loopback address"),
        ("http://[64:ff9b::10.1.2.3]/", "a private address"),
        ("http://[64:ff9b::192.168.0.1]/", "a private address"),
        ("http://[::192.168.0.1]/", "a private address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "a link-local address"),
        ("http://[2002:c0a8:101::]/", "a private address"),
        ("http://[2002:a9fe:a9fe:1::1]/", "a link-local address"),
        ("http://[2001::1]/", "a Teredo tunnel address"),
        (
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "a Teredo tunnel address",
        ),
        ("http://[2001:db8::1]/", "a documentation address"),
        ("http://[3fff::1]/", "a documentation address"),
        ("http://[2001:2::1]/", "a benchmarking address"),
        ("http://[100::1]/", "a discard-only address"),
        ("http://[64:ff9b:1::a00:1]/", "a local-use NAT64 address"),
        ("http://[fc00::1]/", "a unique-local (private) address"),
        ("http://[fd12:3456::1]/", "a unique-local (private) address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://[febf:ffff::1]/", "a link-local address"),
        ("http://[fec0::1]/", "a deprecated site-local address"),
        ("http://[ff02::1]/", "a multicast address"),
    ];
    for (raw, class) in cases {
        let text = refused_text(raw, EXTERNAL);
        assert!(text.contains(class), "{raw}: {text}");
        assert!(
            text.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS="),
            "{raw}: {text}"
        );
    }
}

#[test]
fn whatwg_spellings_of_internal_addresses_are_refused() {
    let cases = [
        ("http://2130706433/", "a loopback address"),
        ("http://0x7f000001/", "a loopback address"),
        ("http://0177.0.0.1/", "a loopback address"),
        ("http://0x7f.1/", "a loopback address"),
        ("http://0x7f.0.0.1/", "a loopback address"),
        ("http://127.1/", "a loopback address"),
        ("http://127.0.0.1./", "a loopback address"),
        (
            "http://\u{ff11}\u{ff12}\u{ff17}.0.0.1/",
            "a loopback address",
        ),
        ("http://[::ffff:7f00:1]/", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        ("http://[2002:7f00:1::]/", "a loopback address"),
        ("http://[64:ff9b::7f00:1]/", "a loopback address"),
        ("http://[::127.0.0.1]/", "a loopback address"),
        ("http://169.254.169.254/", "a link-local address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://100.64.0.1/", "a carrier-grade NAT (shared) address"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://0/", "an unspecified address"),
        ("http://[::]/", "an unspecified address"),
        ("HTTP://LOCALHOST.:80@127.0.0.1/", "credentials"),
    ];
    for (raw, expected) in cases {
        let text = refused_text(raw, EXTERNAL);
        assert!(text.contains(expected), "{raw}: {text}");
    }
}

#[test]
fn odd_spellings_are_normalised_to_the_address_connected_to() {
    let url = check_url("http://2130706433:8080/x", ANY).unwrap();
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    let url = check_url("http://0x7f.1/", ANY).unwrap();
    assert_eq!(url.host_str(), Some("127.0.0.1"));
}

#[test]
fn refusal_text_names_the_address_its_class_and_the_setting_to_allow_it() {
    assert_eq!(
        refused_text("http://2130706433/", EXTERNAL),
        "127.0.0.1 is a loopback address; webhooks reach only public addresses unless \
         SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS allows it \
         (e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback)"
    );
    assert_eq!(
        refused_text("http://[::ffff:127.0.0.1]/", EXTERNAL),
        "::ffff:127.0.0.1 embeds 127.0.0.1, a loopback address; webhooks reach only \
         public addresses unless SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS allows it \
         (e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback)"
    );
    assert_eq!(
        refused_text("http://[::ffff:1.1.1.1]/", EXTERNAL),
        "::ffff:1.1.1.1 is an IPv4-mapped IPv6 address; name 1.1.1.1 itself; webhooks reach \
         only public addresses unless SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS allows it \
         (e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=*)"
    );
    // The suggestion keeps what is already allowed.
    let text = refused_text("http://10.0.0.1/", LOOPBACK_OK);
    assert!(
        text.ends_with(
            "webhooks reach only public and loopback addresses unless \
             SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS allows it \
             (e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback,private)"
        ),
        "{text}"
    );
    // Classes no named entry allows point at `*`.
    let text = refused_text("http://169.254.169.254/", PRIVATE_OK);
    assert!(
        text.ends_with("(e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=*)"),
        "{text}"
    );
}

#[test]
fn public_addresses_are_allowed_including_just_outside_each_range() {
    for raw in [
        "https://1.1.1.1/",
        "http://93.184.216.34/hook",
        "https://[2606:4700:4700::1111]/",
        "https://example.com/hook",
        "http://1.0.0.0/",
        "http://9.255.255.255/",
        "http://11.0.0.0/",
        "http://126.255.255.255/",
        "http://128.0.0.0/",
        "http://100.63.255.255/",
        "http://100.128.0.0/",
        "http://169.253.255.255/",
        "http://169.255.0.0/",
        "http://172.15.255.255/",
        "http://172.32.0.0/",
        "http://192.0.1.0/",
        "http://192.0.3.0/",
        "http://192.167.255.255/",
        "http://192.169.0.0/",
        "http://198.17.255.255/",
        "http://198.20.0.0/",
        "http://223.255.255.255/",
        "http://[2001:1::1]/",
        "http://[2001:db9::1]/",
        "http://[2002:101:101::]/",
        "http://[64:ff9b::101:101]/",
    ] {
        assert_allowed(raw, EXTERNAL);
    }
}

#[test]
fn loopback_allows_loopback_only() {
    assert_allowed("http://127.0.0.1:8080/", LOOPBACK_OK);
    assert_allowed("http://[::1]/", LOOPBACK_OK);
    assert_allowed("http://[::ffff:127.0.0.1]/", LOOPBACK_OK);
    assert!(refused_text("http://10.0.0.1/", LOOPBACK_OK).contains("a private address"));
    assert!(refused_text("http://0.0.0.0/", LOOPBACK_OK).contains("unspecified"));
    assert!(refused_text("http://169.254.169.254/", LOOPBACK_OK).contains("link-local"));
}

#[test]
fn private_allows_private_unique_local_and_cgnat_only() {
    for raw in [
        "http://10.0.0.1/",
        "http://172.20.1.1/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://[::ffff:192.168.1.1]/",
    ] {
        assert_allowed(raw, PRIVATE_OK);
    }
    assert!(refused_text("http://127.0.0.1/", PRIVATE_OK).contains("loopback"));
    assert!(refused_text("http://[::1]/", PRIVATE_OK).contains("loopback"));
    assert!(refused_text("http://[fe80::1]/", PRIVATE_OK).contains("link-local"));
}

#[test]
fn any_allows_every_address() {
    for raw in [
        "http://127.0.0.1/",
        "http://0.0.0.0/",
        "http://169.254.169.254/",
        "http://255.255.255.255/",
        "http://[2001::1]/",
        "http://[ff02::1]/",
        "http://[::]/",
        "http://[::ffff:1.1.1.1]/",
    ] {
        assert_allowed(raw, ANY);
    }
}

#[test]
fn refusal_names_the_class_only_when_not_allowed() {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    assert_eq!(refusal(loopback, EXTERNAL), Some("a loopback address"));
    assert_eq!(refusal(loopback, LOOPBACK_OK), None);
    assert_eq!(refusal(loopback, ANY), None);
    assert_eq!(
        refusal(IpAddr::V4(Ipv4Addr::new(1, 1, 1, 1)), EXTERNAL),
        None
    );
    let unique_local = IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1));
    assert_eq!(
        refusal(unique_local, EXTERNAL),
        Some("a unique-local (private) address")
    );
    assert_eq!(refusal(unique_local, PRIVATE_OK), None);
}

#[test]
fn only_absolute_http_urls_without_credentials_are_accepted() {
    let cases = [
        ("ftp://example.com/", "scheme is ftp:"),
        ("file:///etc/passwd", "scheme is file:"),
        ("javascript:alert(1)", "scheme is javascript:"),
        ("data:text/plain,hi", "scheme is data:"),
        ("gopher://example.com:70/", "scheme is gopher:"),
        ("http://", "has no host"),
        ("https://:443/", "has no host"),
        ("example.com/hooks", "is not absolute"),
        ("http://exa mple.com/", "is not a valid URL"),
        (
            "https://user:hunter2@example.com/",
            "credentials (user:pass@)",
        ),
        ("https://user@example.com/", "credentials (user:pass@)"),
        ("https://:hunter2@example.com/", "credentials (user:pass@)"),
    ];
    for (raw, expected) in cases {
        let text = refused_text(raw, ANY);
        assert!(text.contains(expected), "{raw}: {text}");
        assert!(
            !text.contains("hunter2"),
            "{raw} leaked its password: {text}"
        );
    }
    assert!(refused_text("ftp://example.com/", ANY).contains("https:// or http://"));
}

#[tokio::test]
async fn check_destination_judges_every_address_a_name_resolves_to() {
    let url = check_url("http://localhost:8080/", EXTERNAL).unwrap();
    let Err(Refused(text)) = check_destination(&url, EXTERNAL, &resolver()).await else {
        panic!("localhost was allowed");
    };
    assert!(text.starts_with("localhost resolves to "), "{text}");
    assert!(text.contains("a loopback address"), "{text}");
    assert!(text.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback"));
    assert_eq!(
        check_destination(&url, LOOPBACK_OK, &resolver()).await,
        Ok(())
    );
}

#[tokio::test]
async fn check_destination_judges_literals_without_dns_and_accepts_unresolved_names() {
    let literal = Url::parse("http://[::1]/").unwrap();
    assert!(
        check_destination(&literal, EXTERNAL, &resolver())
            .await
            .is_err()
    );
    assert_eq!(
        check_destination(&literal, LOOPBACK_OK, &resolver()).await,
        Ok(())
    );
    // RFC 6761: .invalid never resolves; such a webhook may be set up before its DNS.
    let unresolved = Url::parse("https://hooks.does-not-exist.invalid/").unwrap();
    assert_eq!(
        check_destination(&unresolved, EXTERNAL, &resolver()).await,
        Ok(())
    );
    // A Url that skipped check_url is still held to it.
    let ftp = Url::parse("ftp://example.com/").unwrap();
    assert!(check_destination(&ftp, ANY, &resolver()).await.is_err());
}

/// Answers one HTTP/1.1 request with `response` and hands back the request head.
fn answer_once(listener: TcpListener, response: String) -> JoinHandle<String> {
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed mid-request");
            head.extend_from_slice(&buf[..n]);
        }
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        String::from_utf8_lossy(&head).into_owned()
    })
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(err) = source {
        text.push_str(": ");
        text.push_str(&err.to_string());
        source = err.source();
    }
    text
}

const NO_CONTENT: &str = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\
                          Connection: close\r\n\r\n";

#[tokio::test]
async fn client_resolver_refuses_names_that_resolve_to_refused_addresses() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = answer_once(listener, NO_CONTENT.to_owned());
    let client = client(Duration::from_secs(5), EXTERNAL, &resolver()).unwrap();

    let err = client
        .post(format!("http://localhost:{port}/hook"))
        .send()
        .await
        .unwrap_err();

    let chain = error_chain(&err);
    assert!(chain.contains("localhost resolves to"), "{chain}");
    assert!(chain.contains("a loopback address"), "{chain}");
    assert!(!receiver.is_finished(), "the receiver was reached");
    receiver.abort();
}

#[tokio::test]
async fn client_reaches_allowed_names_as_synaptiq_without_following_redirects() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: http://localhost:{port}/elsewhere\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let receiver = answer_once(listener, redirect);
    let client = client(Duration::from_secs(5), LOOPBACK_OK, &resolver()).unwrap();

    let response = client
        .post(format!("http://localhost:{port}/hook"))
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::FOUND);
    let head = receiver.await.unwrap().to_ascii_lowercase();
    assert!(head.starts_with("post /hook http/1.1\r\n"), "{head}");
    let agent = format!(
        "user-agent: synaptiq-webhooks/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(head.contains(&agent), "{head}");
}

#[tokio::test]
async fn client_delivers_to_an_allowed_loopback_receiver() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = answer_once(listener, NO_CONTENT.to_owned());
    let client = client(Duration::from_secs(5), LOOPBACK_OK, &resolver()).unwrap();

    let response = client
        .post(format!("http://localhost:{port}/hook"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT);
    receiver.await.unwrap();
}

/// Random IPv4 addresses inside 127/8, 10/8, 192.168/16 and 169.254/16.
fn blocked_ipv4() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>().prop_map(|low| (127 << 24) | (low & 0x00ff_ffff)),
        any::<u32>().prop_map(|low| (10 << 24) | (low & 0x00ff_ffff)),
        any::<u32>().prop_map(|low| (192 << 24) | (168 << 16) | (low & 0xffff)),
        any::<u32>().prop_map(|low| (169 << 24) | (254 << 16) | (low & 0xffff)),
    ]
}

proptest! {
    #[test]
    fn decimal_spellings_of_blocked_addresses_are_refused(ip in blocked_ipv4()) {
        let raw = format!("http://{ip}/");
        let text = refused_text(&raw, EXTERNAL);
        prop_assert!(text.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS"), "{}", text);
        prop_assert!(text.starts_with(&Ipv4Addr::from_bits(ip).to_string()), "{}", text);
    }

    #[test]
    fn ipv6_forms_that_embed_an_ipv4_address_are_judged_by_it(bits in any::<u32>()) {
        let inner = Ipv4Addr::from_bits(bits);
        let [a, b, c, d] = inner.octets();
        let hi = u16::from_be_bytes([a, b]);
        let lo = u16::from_be_bytes([c, d]);
        let own = refusal(IpAddr::V4(inner), EXTERNAL);
        let forms = [
            (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, hi, lo), own),
            (Ipv6Addr::new(0x2002, hi, lo, 0, 0, 0, 0, 1), own),
            // Never a public host's: refused even when the IPv4 address is public.
            (inner.to_ipv6_mapped(), own.or(Some("an IPv4-mapped IPv6 address"))),
            (
                Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, hi, lo),
                own.or(Some("an IPv4-translated IPv6 address")),
            ),
        ];
        for (form, expected) in forms {
            prop_assert_eq!(refusal(IpAddr::V6(form), EXTERNAL), expected, "{}", form);
        }
    }
}
