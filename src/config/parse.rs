//! Parsers that turn one setting's text into its value, naming what was expected when it
//! does not fit.

use super::*;

pub(super) fn parse_bind(s: &str) -> Result<SocketAddr, String> {
    s.parse()
        .map_err(|_| "not an address like 127.0.0.1:8080 or [::1]:8080".to_owned())
}

pub(super) fn parse_http_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("must be an http:// or https:// URL with a host".to_owned());
    }
    Ok(url)
}

pub(super) fn parse_admin_token(s: &str) -> Result<Secret, String> {
    if s.len() < 16 {
        return Err("must be at least 16 characters".to_owned());
    }
    Ok(Secret(s.to_owned()))
}

pub(super) fn parse_provider(s: &str) -> Result<LlmProvider, String> {
    match s {
        "builtin" => Ok(LlmProvider::Builtin),
        "openai" => Ok(LlmProvider::OpenAi),
        "anthropic" => Ok(LlmProvider::Anthropic),
        _ => Err("unknown provider (expected builtin, openai or anthropic)".to_owned()),
    }
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("not a duration like 500ms, 2s, 1m or 2h ({e})"))
}

pub(super) fn parse_positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(d)
}

pub(super) fn parse_turn_limit(s: &str) -> Result<NonZeroU32, String> {
    s.parse::<NonZeroU32>()
        .map_err(|_| "must be a whole number of turns, at least 1".to_owned())
}

pub(super) fn parse_delays(s: &str) -> Result<Vec<Duration>, String> {
    let delays = s
        .split(',')
        .map(|part| parse_duration(part.trim()).map_err(|e| format!("{:?}: {e}", part.trim())))
        .collect::<Result<Vec<_>, _>>()?;
    if delays.is_empty() || delays.len() > 20 {
        return Err("give 1 to 20 comma-separated durations".to_owned());
    }
    Ok(delays)
}

pub(super) fn parse_allowed_hosts(s: &str) -> Result<AllowedHosts, String> {
    let mut hosts = AllowedHosts::default();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "external" => {}
            "loopback" => hosts.loopback = true,
            "private" => hosts.private = true,
            "*" => {
                hosts = AllowedHosts {
                    loopback: true,
                    private: true,
                    any: true,
                }
            }
            other => {
                return Err(format!(
                    "unknown entry {other:?} (expected external, loopback, private or *)"
                ));
            }
        }
    }
    Ok(hosts)
}

/// Up to 100 years; `off` (or unset) keeps conversations forever.
pub(super) fn parse_retention_days(s: &str) -> Result<Option<u32>, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    s.parse::<u32>()
        .ok()
        .filter(|d| (1..=36_500).contains(d))
        .map(Some)
        .ok_or_else(|| "must be a whole number of days from 1 to 36500, or off".to_owned())
}

pub(super) fn parse_rate(s: &str) -> Result<NonZeroU32, String> {
    s.parse::<NonZeroU32>()
        .map_err(|_| "must be a whole number of requests per minute, at least 1".to_owned())
}

pub(super) fn parse_cidrs(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            part.parse::<IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{part:?} is not a CIDR like 10.0.0.0/8 or an IP address"))
        })
        .collect()
}

/// How `SYNAPTIQ_LOG` is read. Field values in a filter match literally: as regular
/// expressions, a few hundred bytes of filter took half a minute to compile (the config fuzz
/// target's timeout), and a log filter has no use for them.
pub fn log_filter() -> tracing_subscriber::filter::Builder {
    tracing_subscriber::EnvFilter::builder().with_regex(false)
}

pub(super) fn parse_log_filter(s: &str) -> Result<String, String> {
    // Targets, levels and field names are ASCII; tracing-subscriber's parser panicked on a
    // value that cut a multi-byte character (found by the config fuzz target).
    if !s.is_ascii() {
        return Err("not a tracing filter: it must be ASCII".to_owned());
    }
    // Two directives matching span fields can tie in tracing-subscriber's ordering while
    // their string values compare unequal, which its debug assertions panic on (the fuzz
    // target's find: the same field filter twice at different levels). One is enough for
    // finding a request's lines, and then no two can tie.
    if s.matches('{').count() > 1 {
        return Err(
            "not a tracing filter we accept: at most one directive may match span fields ({...})"
                .to_owned(),
        );
    }
    log_filter()
        .parse(s)
        .map(|_| s.to_owned())
        .map_err(|e| format!("not a tracing filter: {e}"))
}

pub(super) fn parse_log_format(s: &str) -> Result<LogFormat, String> {
    match s {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err("expected text or json".to_owned()),
    }
}
