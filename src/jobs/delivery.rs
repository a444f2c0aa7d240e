//! The webhook worker: sends due deliveries with bounded concurrency and records every
//! attempt. Due work is read from SQLite, never kept only in memory: after a crash, an attempt
//! that was under way is sent again under the same delivery id — at most a duplicate the
//! receiver can recognise, never a loss.

use std::collections::HashMap;
use std::error::Error as _;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::{Id, JoinSet};

use super::{signing, url_guard};
use crate::app::App;
use crate::domain::model::{Attempt, Delivery};
use crate::domain::webhooks::{self, Outcome};
use crate::error::Result;
use crate::store::webhooks::Due;

/// Attempts under way at once; a slow receiver holds one slot until its timeout.
const CONCURRENCY: usize = 64;
/// How much of a receiver's answer the attempt log keeps.
const LOGGED_BODY_BYTES: usize = 4096;
/// The longest sleep with nothing due; new deliveries and finished attempts wake the worker
/// sooner. Deliveries queued by another process (a CLI command) wait at most this long.
const IDLE: Duration = Duration::from_secs(1);
/// How long a delivery whose attempt could not be recorded is held back: it is still due in
/// the database, and resending it at once while writes fail would flood the receiver.
const HOLD: Duration = Duration::from_secs(5);

pub async fn run(app: App, mut stopped: watch::Receiver<bool>) {
    let mut queued = app.store.delivery_changes();
    let mut worker = Worker {
        app,
        attempts: JoinSet::new(),
        in_flight: HashMap::new(),
        held: HashMap::new(),
    };
    loop {
        let wait = match worker.dispatch().await {
            Ok(wait) => wait,
            Err(err) => {
                tracing::warn!(%err, "could not read due webhook deliveries");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            // Attempts cut short here are sent again after the restart.
            _ = stopped.changed() => return,
            _ = queued.changed() => {}
            Some(done) = worker.attempts.join_next_with_id(), if !worker.attempts.is_empty() => {
                worker.finished(done);
            }
            () = tokio::time::sleep(wait) => {}
        }
    }
}

struct Worker {
    app: App,
    /// Each attempt answers whether its outcome was recorded.
    attempts: JoinSet<bool>,
    in_flight: HashMap<Id, String>,
    /// Deliveries held back until the given time.
    held: HashMap<String, Instant>,
}

impl Worker {
    /// Starts an attempt for each due delivery not already under way or held back, up to the
    /// concurrency bound; returns how long until the next one is due.
    async fn dispatch(&mut self) -> Result<Duration> {
        let free = CONCURRENCY.saturating_sub(self.in_flight.len());
        if free == 0 {
            return Ok(IDLE);
        }
        let now = Instant::now();
        self.held.retain(|_, until| *until > now);
        // Those under way or held are still pending in the database; read past them.
        let skip = self.in_flight.len() + self.held.len();
        let (due, next) = webhooks::due(&self.app, skip + free).await?;
        for due in due {
            if self.in_flight.len() >= CONCURRENCY {
                break;
            }
            let id = &due.delivery.id;
            if self.held.contains_key(id) || self.in_flight.values().any(|d| d == id) {
                continue;
            }
            let delivery_id = id.clone();
            let app = self.app.clone();
            let handle = self.attempts.spawn(async move {
                deliver(&app, due)
                    .await
                    .inspect_err(|err| tracing::warn!(%err, "could not record a webhook attempt"))
                    .is_ok()
            });
            self.in_flight.insert(handle.id(), delivery_id);
        }
        let now = self.app.clock.now();
        Ok(next.map_or(IDLE, |at| {
            at.duration_since(now)
                .unsigned_abs()
                .min(IDLE)
                .max(Duration::from_millis(1))
        }))
    }

    fn finished(&mut self, done: std::result::Result<(Id, bool), tokio::task::JoinError>) {
        let (id, recorded) = match done {
            Ok((id, recorded)) => (id, recorded),
            Err(err) => (err.id(), false),
        };
        if let Some(delivery) = self.in_flight.remove(&id)
            && !recorded
        {
            self.held.insert(delivery, Instant::now() + HOLD);
        }
    }
}

/// One attempt, recorded with what follows from it.
pub async fn deliver(app: &App, due: Due) -> Result<Delivery> {
    let outcome = attempt(app, &due).await;
    if let Some(error) = &outcome.attempt.error {
        // The host only: receivers' URLs often carry a token in the path or query.
        let host = url::Url::parse(&due.webhook.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        tracing::info!(delivery = %due.delivery.id, webhook = %due.webhook.id, %host, %error, "webhook attempt failed");
    }
    webhooks::settle(app, due, outcome).await
}

async fn attempt(app: &App, due: &Due) -> Outcome {
    let started_at = app.clock.now();
    let clock = Instant::now();
    let answer = send(app, due, started_at.as_second()).await;
    let duration_ms = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status_code, error, response_body, retry_after) = match answer {
        Ok(a) => {
            let error = (!(200..300).contains(&a.status)).then(|| failure(a.status));
            (Some(a.status), error, Some(a.body), a.retry_after)
        }
        Err(error) => (None, Some(error), None, None),
    };
    Outcome {
        attempt: Attempt {
            number: 0, // numbered when recorded
            started_at,
            duration_ms,
            status_code,
            error,
            response_body,
        },
        retry_after,
    }
}

struct Answer {
    status: u16,
    body: String,
    retry_after: Option<Duration>,
}

async fn send(app: &App, due: &Due, timestamp: i64) -> std::result::Result<Answer, String> {
    // The client's resolver checks names; a literal address never reaches it.
    let url = url_guard::check_url(&due.webhook.url, app.config.webhooks.allowed_hosts)
        .map_err(|r| r.0)?;
    let secrets = due.webhook.signing_secrets(app.clock.now());
    let mut request = app
        .webhook_client
        .post(url)
        .header("content-type", "application/json")
        .body(due.body.clone());
    for (name, value) in signing::headers(
        &due.delivery.id,
        &due.delivery.event,
        timestamp,
        &due.body,
        &secrets,
    ) {
        request = request.header(name, value);
    }
    let mut response = request.send().await.map_err(|e| describe(&e, app))?;
    let status = response.status().as_u16();
    let retry_after = matches!(status, 429 | 503)
        .then(|| response.headers().get("retry-after"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, app.clock.now()));
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

fn failure(status: u16) -> String {
    match status {
        300..=399 => format!("HTTP {status}: redirects are not followed"),
        410 => "HTTP 410 Gone: the webhook is disabled".to_owned(),
        _ => format!("HTTP {status}"),
    }
}

/// The error with its causes ("connection refused", the guard's refusal), not just reqwest's
/// outer "error sending request".
fn describe(err: &reqwest::Error, app: &App) -> String {
    if err.is_timeout() {
        return format!(
            "timed out after {}",
            humantime::format_duration(app.config.webhooks.timeout)
        );
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
