//! Sending one webhook request: to a URL the guard allows, signed with every current secret,
//! reading at most a bounded piece of the receiver's answer for the attempt log.

use std::error::Error as _;
use std::time::Duration;

use super::{signing, url_guard};
use crate::config::AllowedHosts;

/// How much of a receiver's answer the attempt log keeps.
const LOGGED_BODY_BYTES: usize = 4096;

/// One delivery's request.
pub struct Request<'a> {
    pub url: &'a str,
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub body: &'a str,
    pub secrets: &'a [&'a str],
    /// Unix seconds, signed with the body.
    pub timestamp: i64,
}

/// What the receiver answered.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<Duration>,
}

/// Sends the request; an error says why no answer came, in words for the attempt log.
pub async fn send(
    client: &reqwest::Client,
    allowed: AllowedHosts,
    timeout: Duration,
    now: jiff::Timestamp,
    req: Request<'_>,
) -> Result<Answer, String> {
    // The client's resolver checks names; a literal address never reaches it.
    let url = url_guard::check_url(req.url, allowed).map_err(|r| r.0)?;
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(req.body.to_owned());
    for (name, value) in signing::headers(
        req.delivery_id,
        req.event,
        req.timestamp,
        req.body,
        req.secrets,
    ) {
        request = request.header(name, value);
    }
    let mut response = request.send().await.map_err(|e| describe(&e, timeout))?;
    let status = response.status().as_u16();
    let retry_after = matches!(status, 429 | 503)
        .then(|| response.headers().get("retry-after"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, now));
    let mut body = Vec::new();
    while body.len() < LOGGED_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            // The status decided the attempt; a body cut short only shortens the log.
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(LOGGED_BODY_BYTES);
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
        retry_after,
    })
}

/// `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3).
fn retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    Some(at.duration_since(now).unsigned_abs()).filter(|_| at > now)
}

/// The error with its causes ("connection refused", the guard's refusal), not just reqwest's
/// outer "error sending request".
fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("timed out after {}", humantime::format_duration(timeout));
    }
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now: jiff::Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 25 Nov 2026 12:05:00 GMT", now),
            Some(Duration::from_secs(300))
        );
        assert_eq!(retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now), None);
        assert_eq!(retry_after("soon", now), None);
    }
}
