//! Webhook URL validation: whatever the URL, one naming a loopback, private or special
//! address is refused by default.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;

use synaptiq::config::AllowedHosts;
use synaptiq::outbound::url_guard;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let external = AllowedHosts::default();
    let Ok(url) = url_guard::check_url(raw, external) else {
        return;
    };
    assert!(
        matches!(url.scheme(), "http" | "https"),
        "{raw:?} accepted as {url}"
    );
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return,
    };
    assert!(
        url_guard::refusal(ip, external).is_none(),
        "{raw:?} accepted with {ip}"
    );
});
