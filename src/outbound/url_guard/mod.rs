//! The SSRF guard for outgoing webhooks: which destinations a delivery may reach, checked
//! when a webhook is created and again on every connection, so a tenant cannot aim
//! deliveries at the appliance itself, its network or a cloud metadata service.
//!
//! Address classes follow the IANA IPv4 and IPv6 Special-Purpose Address Registries
//! (RFC 6890, updated by RFC 8190), plus multicast, the limited broadcast address and IPv6
//! forms that carry an IPv4 address inside (judged by the address they carry; the IPv4-mapped
//! and IPv4-translated forms are refused even around a public one).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::config::AllowedHosts;
use crate::error::Error;
use crate::outbound::dns::Resolver;

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
pub async fn check_destination(
    url: &Url,
    allowed: AllowedHosts,
    resolver: &Resolver,
) -> Result<(), Refused> {
    // Re-run the syntax checks: the caller may hold a Url that never went through them.
    let url = check_url(url.as_str(), allowed)?;
    let Some(Host::Domain(host)) = url.host() else {
        // An IP literal, already judged by check_url.
        return Ok(());
    };
    let Ok(resolved) = resolver.lookup(host).await else {
        return Ok(());
    };
    for ip in resolved {
        check_resolved(host, ip, allowed)?;
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
pub fn client(
    timeout: Duration,
    allowed: AllowedHosts,
    resolver: &Resolver,
) -> Result<reqwest::Client, Error> {
    crate::outbound::client("webhook", |builder| {
        builder
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .user_agent(concat!("Synaptiq-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(GuardedResolver {
                allowed,
                resolver: resolver.clone(),
            })
    })
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
const IPV4_MAPPED: Special = special("an IPv4-mapped IPv6 address", Needs::Any);
const IPV4_TRANSLATED: Special = special("an IPv4-translated IPv6 address", Needs::Any);

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
    v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96), // IPv4-translated, RFC 2765 §2.1
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96),      // IPv4-compatible (deprecated), RFC 4291 §2.5.5.1
    v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), // NAT64 well-known prefix, RFC 6052 §2.1
];

/// Forms no public host is reached by (the IANA registry marks them not globally reachable):
/// a connection to one goes to the IPv4 address by way of this host's own stack or a local
/// translator. Refused even when the IPv4 address is public; a special one is named instead.
const NEVER_PUBLIC_V6: &[(Ipv6Net, Special)] = &[
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), IPV4_MAPPED),
    (v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96), IPV4_TRANSLATED),
];

/// 6to4 (RFC 3056 §2): the IPv4 address is bits 16-47.
const SIX_TO_FOUR: Ipv6Net = v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16);

fn classify(ip: IpAddr) -> Option<Special> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => match embedded_ipv4(ip) {
            Some(inner) => classify_v4(inner).or_else(|| never_public(ip)),
            None => IPV6_SPECIAL
                .iter()
                .find(|(net, _)| net.contains(&ip))
                .map(|&(_, special)| special),
        },
    }
}

fn never_public(ip: Ipv6Addr) -> Option<Special> {
    NEVER_PUBLIC_V6
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|&(_, special)| special)
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
    let (embedded, form) = match ip {
        IpAddr::V6(v6) => (embedded_ipv4(v6), never_public(v6)),
        IpAddr::V4(_) => (None, None),
    };
    let as_form = form == Some(special);
    let address = match (host, embedded) {
        (None, Some(inner)) if as_form => format!("{ip} is {class}; name {inner} itself"),
        (Some(host), Some(inner)) if as_form => {
            format!("{host} resolves to {ip}, {class} (of {inner})")
        }
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
    resolver: Resolver,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(resolve_allowed(
            name.as_str().to_owned(),
            self.allowed,
            self.resolver.clone(),
        ))
    }
}

async fn resolve_allowed(
    host: String,
    allowed: AllowedHosts,
    resolver: Resolver,
) -> Result<Addrs, Box<dyn std::error::Error + Send + Sync>> {
    let resolved = resolver.lookup(&host).await?;
    let mut first_refusal = None;
    // Port 0: reqwest puts in the URL's port or the scheme's default.
    let kept: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|ip| match check_resolved(&host, *ip, allowed) {
            Ok(()) => true,
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
                false
            }
        })
        .map(|ip| SocketAddr::new(ip, 0))
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
mod tests;
