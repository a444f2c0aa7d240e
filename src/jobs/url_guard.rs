//! The SSRF guard for outgoing webhooks: which destinations a delivery may reach, checked
//! when a webhook is created and again on every connection, so a tenant cannot aim
//! deliveries at the appliance itself, its network or a cloud metadata service.
//!
//! Address classes follow the IANA IPv4 and IPv6 Special-Purpose Address Registries
//! (RFC 6890, updated by RFC 8190), plus multicast, the limited broadcast address and IPv6
//! forms that carry an IPv4 address inside (judged by the address they carry).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::config::AllowedHosts;
use crate::error::Error;

const SETTING: &str = "SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS";

/// Why a destination is refused: shown to the API user as a 400 message or logged as a
/// delivery error. Display text is one sentence naming the host/address, its class, and how
/// to allow it, e.g.
/// "localhost resolves to 127.0.0.1, a loopback address; webhooks reach only public addresses unless SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS allows it (e.g. SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback)"
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Syntax and literal-address check, no DNS: http or https only, a host is required, no
/// userinfo (user:pass@). IP literals, in every WHATWG spelling the `url` crate normalises
/// (decimal 2130706433, octal 0177.0.0.1, hex 0x7f.0.0.1, short 127.1, IPv6 [::1],
/// [::ffff:127.0.0.1]), are classified and refused when not allowed. Returns the parsed Url.
pub fn check_url(raw: &str, allowed: AllowedHosts) -> Result<Url, Refused> {
    let url = Url::parse(raw).map_err(|err| unparsable(&err))?;
    check_scheme(&url)?;
    check_no_credentials(&url)?;
    if url.host().is_none() {
        return Err(missing_host());
    }
    if let Some(ip) = literal_ip(&url) {
        check_literal(ip, allowed)?;
    }
    Ok(url)
}

/// At creation: resolves the host and refuses if ANY resolved address is not allowed.
///
/// A name that does not resolve at all is accepted, so that a webhook can be configured
/// before its DNS exists; every delivery resolves again through [`client`]'s resolver,
/// which refuses then and the failure is logged. IP literal hosts need no DNS.
pub async fn check_destination(url: &Url, allowed: AllowedHosts) -> Result<(), Refused> {
    // Re-run the syntax checks: the caller may hold a Url that never went through them.
    let url = check_url(url.as_str(), allowed)?;
    let Some(Host::Domain(host)) = url.host() else {
        // An IP literal, already judged by check_url.
        return Ok(());
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let Ok(resolved) = tokio::net::lookup_host((host, port)).await else {
        return Ok(());
    };
    for addr in resolved {
        check_resolved(host, addr.ip(), allowed)?;
    }
    Ok(())
}

/// None when `ip` may be reached under `allowed`; otherwise the class of address it is,
/// e.g. Some("a loopback address"), Some("a private address"), Some("a link-local address"),
/// Some("a documentation address"), ...
pub fn refusal(ip: IpAddr, allowed: AllowedHosts) -> Option<&'static str> {
    refused_class(ip, allowed).map(|special| special.class)
}

/// The HTTP client deliveries use.
///
/// - Redirects are never followed: a public receiver could otherwise bounce a delivery to
///   an internal address the guard never saw.
/// - No proxy, even one set in the environment: the proxy would resolve and connect on our
///   behalf, out of the guard's sight.
/// - Names resolve through a resolver that drops every address not allowed and fails with
///   the [`Refused`] text when none is left, so the connection goes only to an address that
///   was checked (a name that answers "public" at creation and "127.0.0.1" at delivery —
///   DNS rebinding — is caught at connect time).
///
/// reqwest connects to IP-literal URLs without calling the resolver, so callers must also
/// run [`check_url`] before each attempt.
pub fn client(timeout: Duration, allowed: AllowedHosts) -> Result<reqwest::Client, Error> {
    // reqwest is built with rustls-no-provider; this errs harmlessly when already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .user_agent(concat!("Synaptiq-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(GuardedResolver { allowed })
        .build()
        .map_err(|err| Error::internal(format!("webhook HTTP client: {err}")))
}

/// What a policy must allow for an address class to be reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Loopback,
    Private,
    Any,
}

impl Needs {
    fn allowed_by(self, allowed: AllowedHosts) -> bool {
        allowed.any
            || match self {
                Needs::Loopback => allowed.loopback,
                Needs::Private => allowed.private,
                Needs::Any => false,
            }
    }
}

/// A class of special-purpose address and what allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Special {
    class: &'static str,
    needs: Needs,
}

const fn special(class: &'static str, needs: Needs) -> Special {
    Special { class, needs }
}

const UNSPECIFIED: Special = special("an unspecified address", Needs::Any);
const LOOPBACK: Special = special("a loopback address", Needs::Loopback);
const PRIVATE: Special = special("a private address", Needs::Private);
const SHARED: Special = special("a carrier-grade NAT (shared) address", Needs::Private);
const UNIQUE_LOCAL: Special = special("a unique-local (private) address", Needs::Private);
const LINK_LOCAL: Special = special("a link-local address", Needs::Any);
const IETF_PROTOCOL: Special = special("an IETF protocol assignment address", Needs::Any);
const DOCUMENTATION: Special = special("a documentation address", Needs::Any);
const BENCHMARKING: Special = special("a benchmarking address", Needs::Any);
const MULTICAST: Special = special("a multicast address", Needs::Any);
const RESERVED: Special = special("a reserved address", Needs::Any);
const BROADCAST: Special = special("a broadcast address", Needs::Any);
const TEREDO: Special = special("a Teredo tunnel address", Needs::Any);
const DISCARD: Special = special("a discard-only address", Needs::Any);
const LOCAL_NAT64: Special = special("a local-use NAT64 address", Needs::Any);
const SITE_LOCAL: Special = special("a deprecated site-local address", Needs::Any);

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix)
}

const fn v6(segments: [u16; 8], prefix: u8) -> Ipv6Net {
    let [a, b, c, d, e, f, g, h] = segments;
    Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), prefix)
}

/// IPv4 special-purpose ranges; the first match wins.
const IPV4_SPECIAL: &[(Ipv4Net, Special)] = &[
    // "This network" (RFC 791, RFC 6890 §2.2.2); Linux connects 0.0.0.0 to the host itself.
    (v4(0, 0, 0, 0, 8), UNSPECIFIED),
    (v4(127, 0, 0, 0, 8), LOOPBACK),   // RFC 1122 §3.2.1.3
    (v4(10, 0, 0, 0, 8), PRIVATE),     // RFC 1918
    (v4(172, 16, 0, 0, 12), PRIVATE),  // RFC 1918
    (v4(192, 168, 0, 0, 16), PRIVATE), // RFC 1918
    (v4(100, 64, 0, 0, 10), SHARED),   // RFC 6598
    // RFC 3927; cloud metadata services answer on 169.254.169.254.
    (v4(169, 254, 0, 0, 16), LINK_LOCAL),
    (v4(192, 0, 0, 0, 24), IETF_PROTOCOL),    // RFC 6890 §2.2.2
    (v4(192, 0, 2, 0, 24), DOCUMENTATION),    // RFC 5737 TEST-NET-1
    (v4(198, 51, 100, 0, 24), DOCUMENTATION), // RFC 5737 TEST-NET-2
    (v4(203, 0, 113, 0, 24), DOCUMENTATION),  // RFC 5737 TEST-NET-3
    (v4(198, 18, 0, 0, 15), BENCHMARKING),    // RFC 2544
    (v4(224, 0, 0, 0, 4), MULTICAST),         // RFC 5771
    // RFC 919 limited broadcast; before 240/4, which contains it.
    (v4(255, 255, 255, 255, 32), BROADCAST),
    (v4(240, 0, 0, 0, 4), RESERVED), // RFC 1112 §4
];

/// IPv6 special-purpose ranges, for addresses that do not embed an IPv4 address.
const IPV6_SPECIAL: &[(Ipv6Net, Special)] = &[
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), UNSPECIFIED), // RFC 4291 §2.5.2
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), LOOPBACK),    // RFC 4291 §2.5.3
    // RFC 4380: tunnels to an IPv4 address of the relay's choosing.
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32), TEREDO),
    (v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48), BENCHMARKING), // RFC 5180
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), DOCUMENTATION), // RFC 3849
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), DOCUMENTATION), // RFC 9637
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), DISCARD),       // RFC 6666
    // RFC 8215: the IPv4 address sits at an operator-chosen offset, so it cannot be judged.
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), LOCAL_NAT64),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), UNIQUE_LOCAL), // RFC 4193
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), LINK_LOCAL),  // RFC 4291 §2.5.6
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), SITE_LOCAL),  // RFC 3879
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), MULTICAST),    // RFC 4291 §2.7
];

/// IPv6 prefixes whose last 32 bits are an IPv4 address the connection really reaches.
const EMBEDS_IPV4_LOW: &[Ipv6Net] = &[
    v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), // IPv4-mapped, RFC 4291 §2.5.5.2
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96),      // IPv4-compatible (deprecated), RFC 4291 §2.5.5.1
    v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), // NAT64 well-known prefix, RFC 6052 §2.1
];

/// 6to4 (RFC 3056 §2): the IPv4 address is bits 16-47.
const SIX_TO_FOUR: Ipv6Net = v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16);

fn classify(ip: IpAddr) -> Option<Special> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => match embedded_ipv4(ip) {
            Some(inner) => classify_v4(inner),
            None => IPV6_SPECIAL
                .iter()
                .find(|(net, _)| net.contains(&ip))
                .map(|&(_, special)| special),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Special> {
    IPV4_SPECIAL
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|&(_, special)| special)
}

/// The IPv4 address an IPv6 address stands for, when it is one of the embedding forms.
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    // :: and ::1 sit inside the IPv4-compatible ::/96 but are IPv6's own (RFC 4291 §2.5.5.1).
    if ip.is_unspecified() || ip.is_loopback() {
        return None;
    }
    let o = ip.octets();
    if EMBEDS_IPV4_LOW.iter().any(|net| net.contains(&ip)) {
        return Some(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    if SIX_TO_FOUR.contains(&ip) {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

fn refused_class(ip: IpAddr, allowed: AllowedHosts) -> Option<Special> {
    classify(ip).filter(|special| !special.needs.allowed_by(allowed))
}

fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

fn check_literal(ip: IpAddr, allowed: AllowedHosts) -> Result<(), Refused> {
    match refused_class(ip, allowed) {
        Some(special) => Err(refused(None, ip, special, allowed)),
        None => Ok(()),
    }
}

fn check_resolved(host: &str, ip: IpAddr, allowed: AllowedHosts) -> Result<(), Refused> {
    match refused_class(ip, allowed) {
        Some(special) => Err(refused(Some(host), ip, special, allowed)),
        None => Ok(()),
    }
}

fn check_scheme(url: &Url) -> Result<(), Refused> {
    match url.scheme() {
        "https" | "http" => Ok(()),
        other => Err(Refused(format!(
            "the webhook URL's scheme is {other}:, but webhooks are delivered only over \
             https:// or http://"
        ))),
    }
}

fn check_no_credentials(url: &Url) -> Result<(), Refused> {
    // The credentials themselves are never echoed: this text is shown and logged.
    if url.username().is_empty() && url.password().is_none() {
        return Ok(());
    }
    Err(Refused(
        "the webhook URL contains credentials (user:pass@), which are not accepted; remove \
         them and have the receiver verify each delivery's signature instead"
            .to_owned(),
    ))
}

fn missing_host() -> Refused {
    Refused("the webhook URL has no host; give one, as in https://example.com/hooks".to_owned())
}

fn unparsable(err: &url::ParseError) -> Refused {
    match err {
        url::ParseError::EmptyHost => missing_host(),
        url::ParseError::RelativeUrlWithoutBase => Refused(
            "the webhook URL is not absolute; give it with its scheme, as in \
             https://example.com/hooks"
                .to_owned(),
        ),
        other => Refused(format!("the webhook URL is not a valid URL ({other})")),
    }
}

/// `host` is the name that resolved to `ip`, or None when the URL named `ip` itself.
fn refused(host: Option<&str>, ip: IpAddr, special: Special, allowed: AllowedHosts) -> Refused {
    let class = special.class;
    let embedded = match ip {
        IpAddr::V6(v6) => embedded_ipv4(v6),
        IpAddr::V4(_) => None,
    };
    let address = match (host, embedded) {
        (None, None) => format!("{ip} is {class}"),
        (None, Some(inner)) => format!("{ip} embeds {inner}, {class}"),
        (Some(host), None) => format!("{host} resolves to {ip}, {class}"),
        (Some(host), Some(inner)) => {
            format!("{host} resolves to {ip}, which embeds {inner}, {class}")
        }
    };
    Refused(format!(
        "{address}; webhooks reach only {} unless {SETTING} allows it (e.g. {SETTING}={})",
        reachable(allowed),
        setting_allowing(special.needs, allowed),
    ))
}

fn reachable(allowed: AllowedHosts) -> &'static str {
    match (allowed.loopback, allowed.private) {
        (false, false) => "public addresses",
        (true, false) => "public and loopback addresses",
        (false, true) => "public and private addresses",
        (true, true) => "public, loopback and private addresses",
    }
}

/// The setting that keeps what `allowed` already allows and adds what `needs` asks for.
fn setting_allowing(needs: Needs, allowed: AllowedHosts) -> String {
    if needs == Needs::Any {
        return "*".to_owned();
    }
    let mut entries = vec!["external"];
    if allowed.loopback || needs == Needs::Loopback {
        entries.push("loopback");
    }
    if allowed.private || needs == Needs::Private {
        entries.push("private");
    }
    entries.join(",")
}

/// Resolves names for deliveries, keeping only the addresses the policy allows.
struct GuardedResolver {
    allowed: AllowedHosts,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(resolve_allowed(name.as_str().to_owned(), self.allowed))
    }
}

async fn resolve_allowed(
    host: String,
    allowed: AllowedHosts,
) -> Result<Addrs, Box<dyn std::error::Error + Send + Sync>> {
    // Port 0: reqwest puts in the URL's port or the scheme's default.
    let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
    let mut first_refusal = None;
    let kept: Vec<SocketAddr> = resolved
        .filter(|addr| match check_resolved(&host, addr.ip(), allowed) {
            Ok(()) => true,
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
                false
            }
        })
        .collect();
    if kept.is_empty() {
        return Err(match first_refusal {
            Some(refusal) => refusal.into(),
            None => format!("{host} resolves to no address").into(),
        });
    }
    Ok(Box::new(kept.into_iter()))
}

#[cfg(test)]
mod tests {
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
            "http://[::ffff:1.1.1.1]/",
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
        let Err(Refused(text)) = check_destination(&url, EXTERNAL).await else {
            panic!("localhost was allowed");
        };
        assert!(text.starts_with("localhost resolves to "), "{text}");
        assert!(text.contains("a loopback address"), "{text}");
        assert!(text.contains("SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=external,loopback"));
        assert_eq!(check_destination(&url, LOOPBACK_OK).await, Ok(()));
    }

    #[tokio::test]
    async fn check_destination_judges_literals_without_dns_and_accepts_unresolved_names() {
        let literal = Url::parse("http://[::1]/").unwrap();
        assert!(check_destination(&literal, EXTERNAL).await.is_err());
        assert_eq!(check_destination(&literal, LOOPBACK_OK).await, Ok(()));
        // RFC 6761: .invalid never resolves; such a webhook may be set up before its DNS.
        let unresolved = Url::parse("https://hooks.does-not-exist.invalid/").unwrap();
        assert_eq!(check_destination(&unresolved, EXTERNAL).await, Ok(()));
        // A Url that skipped check_url is still held to it.
        let ftp = Url::parse("ftp://example.com/").unwrap();
        assert!(check_destination(&ftp, ANY).await.is_err());
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
        let client = client(Duration::from_secs(5), EXTERNAL).unwrap();

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
        let client = client(Duration::from_secs(5), LOOPBACK_OK).unwrap();

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
        let client = client(Duration::from_secs(5), LOOPBACK_OK).unwrap();

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
            let forms = [
                inner.to_ipv6_mapped(),
                Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, hi, lo),
                Ipv6Addr::new(0x2002, hi, lo, 0, 0, 0, 0, 1),
            ];
            for form in forms {
                prop_assert_eq!(
                    refusal(IpAddr::V6(form), EXTERNAL),
                    refusal(IpAddr::V4(inner), EXTERNAL),
                    "{}", form
                );
            }
        }
    }
}
