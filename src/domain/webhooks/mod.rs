//! Webhooks: the endpoints a tenant's events go to. Every event is queued for each subscribed
//! webhook in the transaction that records it (the outbox), `jobs/delivery.rs` sends it, and
//! each attempt and its outcome are written here: retry schedule, drop, auto-disable.

mod attempt;

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use rusqlite::Connection;
use serde_json::json;

use super::events::{kinds, kinds_listed};
use super::leads::Patch;
use super::pagination;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{Attempt, Delivery, DeliveryStatus, Event, Page, TenantId, Webhook};
use crate::outbound::{signing, url_guard};
use crate::store;
use crate::store::webhooks::Due;

pub use attempt::deliver;

/// The test button's event: sent once, never retried.
pub const PING: &str = "ping";
/// How long the secret before a rotation keeps signing, so receivers can switch without a gap.
const ROTATION_OVERLAP: SignedDuration = SignedDuration::from_hours(24);
/// A webhook failing for this long without one success is disabled.
const FAILING_LIMIT: SignedDuration = SignedDuration::from_hours(5 * 24);
const MAX_URL_CHARS: usize = 2048;
const MAX_DESCRIPTION_CHARS: usize = 500;

pub struct NewWebhook {
    pub url: String,
    /// Default `["*"]`.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

#[derive(Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Patch<String>,
    pub enabled: Option<bool>,
}

/// What one attempt came to, as `jobs/delivery.rs` observed it.
pub struct Outcome {
    pub attempt: Attempt,
    /// The receiver's `Retry-After` on a 429 or 503.
    pub retry_after: Option<Duration>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.attempt
            .status_code
            .is_some_and(|c| (200..300).contains(&c))
    }

    fn gone(&self) -> bool {
        self.attempt.status_code == Some(410)
    }
}

pub async fn create(app: &App, tenant: &TenantId, input: NewWebhook) -> Result<Webhook> {
    let url = valid_url(app, &input.url).await?;
    let events = valid_events(input.events.unwrap_or_else(|| vec!["*".to_owned()]))?;
    let description = valid_description(input.description)?;
    let now = app.clock.now();
    let webhook = Webhook {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        url,
        events,
        description,
        enabled: input.enabled.unwrap_or(true),
        disabled_reason: None,
        secret: signing::new_secret(),
        previous_secret: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
    };
    let stored = webhook.clone();
    app.store
        .write(move |conn| store::webhooks::save(conn, &stored))
        .await?;
    Ok(webhook)
}

pub async fn list(
    app: &App,
    tenant: &TenantId,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<Webhook>> {
    let limit = pagination::limit(limit)?;
    let before = pagination::after(cursor)?;
    let tenant = tenant.clone();
    let items = app
        .store
        .read(move |conn| store::webhooks::list(conn, &tenant, before.as_deref(), limit + 1))
        .await?;
    Ok(pagination::keyset_page(items, limit, |w| &w.id))
}

pub async fn get(app: &App, tenant: &TenantId, id: &str) -> Result<Webhook> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store.read(move |conn| find(conn, &tenant, &id)).await
}

pub async fn update(
    app: &App,
    tenant: &TenantId,
    id: &str,
    patch: WebhookPatch,
) -> Result<Webhook> {
    let url = match patch.url {
        Some(url) => Some(valid_url(app, &url).await?),
        None => None,
    };
    let events = patch.events.map(valid_events).transpose()?;
    let description = match patch.description {
        Patch::Set(d) => Patch::Set(valid_description(Some(d))?),
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    let now = app.clock.now();
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .write(move |conn| {
            let mut w = find(conn, &tenant, &id)?;
            if let Some(url) = url {
                w.url = url;
            }
            if let Some(events) = events {
                w.events = events;
            }
            match description {
                Patch::Set(d) => w.description = d,
                Patch::Clear => w.description = None,
                Patch::Keep => {}
            }
            match patch.enabled {
                Some(true) if !w.enabled => {
                    w.enabled = true;
                    w.disabled_reason = None;
                    w.failing_since = None;
                }
                Some(false) if w.enabled => disable(conn, &mut w, "disabled by a user", now)?,
                _ => {}
            }
            w.updated_at = now;
            store::webhooks::save(conn, &w)?;
            Ok(w)
        })
        .await
}

pub async fn delete(app: &App, tenant: &TenantId, id: &str) -> Result<()> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .write(
            move |conn| match store::webhooks::delete(conn, &tenant, &id)? {
                true => Ok(()),
                false => Err(Error::NotFound("webhook")),
            },
        )
        .await
}

/// A new secret; the old one keeps signing (as a second signature) for 24 hours.
pub async fn rotate_secret(app: &App, tenant: &TenantId, id: &str) -> Result<Webhook> {
    let now = app.clock.now();
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .write(move |conn| {
            let mut w = find(conn, &tenant, &id)?;
            let expires = now.saturating_add(ROTATION_OVERLAP).unwrap_or(now);
            let old = std::mem::replace(&mut w.secret, signing::new_secret());
            w.previous_secret = Some((old, expires));
            w.updated_at = now;
            store::webhooks::save(conn, &w)?;
            Ok(w)
        })
        .await
}

/// Sends a `ping` now and answers with the delivery and its attempt.
pub async fn test(app: &App, tenant: &TenantId, id: &str) -> Result<(Delivery, Vec<Attempt>)> {
    let now = app.clock.now();
    // Until this request records the attempt, the delivery is leased to it: the worker only
    // picks it up if the request dies first.
    let lease = app.config.webhooks.timeout + Duration::from_secs(10);
    let lease_end = now.saturating_add(lease).unwrap_or(now);
    let (tenant, id) = (tenant.clone(), id.to_owned());
    let due = app
        .store
        .write(move |conn| {
            let webhook = find(conn, &tenant, &id)?;
            let data = json!({ "webhookId": webhook.id, "message": "A test event from Synaptiq" });
            let event = new_event(&tenant, PING, &data, now);
            store::events::insert(conn, &event)?;
            let mut delivery = new_delivery(&webhook.id, &event);
            delivery.next_attempt_at = Some(lease_end);
            store::webhooks::save_delivery(conn, &delivery)?;
            let body = event.payload.to_string();
            Ok(Due {
                delivery,
                webhook,
                body,
            })
        })
        .await?;
    let delivery = attempt::deliver(app, due).await?;
    let id = delivery.id.clone();
    let attempts = app
        .store
        .read(move |conn| store::webhooks::attempts(conn, &id))
        .await?;
    Ok((delivery, attempts))
}

pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    pub event: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

pub async fn deliveries(
    app: &App,
    tenant: &TenantId,
    webhook_id: &str,
    query: DeliveryQuery,
) -> Result<Page<Delivery>> {
    if let Some(event) = &query.event {
        valid_event_filter(event)?;
    }
    let limit = pagination::limit(query.limit)?;
    let before = pagination::after(query.cursor.as_deref())?;
    let (tenant, webhook_id) = (tenant.clone(), webhook_id.to_owned());
    let items = app
        .store
        .read(move |conn| {
            find(conn, &tenant, &webhook_id)?;
            store::webhooks::list_deliveries(
                conn,
                &webhook_id,
                query.status,
                query.event.as_deref(),
                before.as_deref(),
                limit + 1,
            )
        })
        .await?;
    Ok(pagination::keyset_page(items, limit, |d| &d.id))
}

/// A delivery with the body it sends and every attempt.
pub struct DeliveryDetail {
    pub delivery: Delivery,
    pub payload: serde_json::Value,
    pub attempts: Vec<Attempt>,
}

pub async fn delivery(app: &App, tenant: &TenantId, id: &str) -> Result<DeliveryDetail> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| {
            let delivery = find_delivery(conn, &tenant, &id)?;
            let body = store::webhooks::body(conn, &delivery.event_id)?.unwrap_or_default();
            let attempts = store::webhooks::attempts(conn, &id)?;
            Ok(DeliveryDetail {
                payload: serde_json::from_str(&body).unwrap_or_default(),
                delivery,
                attempts,
            })
        })
        .await
}

/// Queues a delivery again now, with a fresh retry schedule.
pub async fn retry(app: &App, tenant: &TenantId, id: &str) -> Result<Delivery> {
    let now = app.clock.now();
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .write(move |conn| {
            let mut delivery = find_delivery(conn, &tenant, &id)?;
            ensure_enabled(&find(conn, &tenant, &delivery.webhook_id)?)?;
            delivery.status = DeliveryStatus::Pending;
            delivery.step = 0;
            delivery.next_attempt_at = Some(now);
            delivery.updated_at = now;
            store::webhooks::save_delivery(conn, &delivery)?;
            Ok(delivery)
        })
        .await
}

/// Queues again every delivery of the webhook created since `since` (only those with
/// `status`, when given); returns how many.
pub async fn replay(
    app: &App,
    tenant: &TenantId,
    webhook_id: &str,
    since: Timestamp,
    status: Option<DeliveryStatus>,
) -> Result<usize> {
    if status == Some(DeliveryStatus::Pending) {
        return Err(Error::invalid(
            "status",
            "pending deliveries are already queued (use dropped or delivered)",
        ));
    }
    let now = app.clock.now();
    let (tenant, webhook_id) = (tenant.clone(), webhook_id.to_owned());
    app.store
        .write(move |conn| {
            ensure_enabled(&find(conn, &tenant, &webhook_id)?)?;
            store::webhooks::replay(
                conn,
                &webhook_id,
                since.as_millisecond(),
                status,
                now.as_millisecond(),
            )
        })
        .await
}

/// Called by the outbox in the transaction that records `event`: one pending delivery per
/// enabled webhook subscribed to it.
pub fn enqueue(conn: &Connection, event: &Event) -> Result<()> {
    for webhook_id in store::webhooks::subscribers(conn, &event.tenant, &event.kind)? {
        store::webhooks::save_delivery(conn, &new_delivery(&webhook_id, event))?;
    }
    Ok(())
}

/// Deliveries due now (at most `limit`), and when the next one not yet due is.
pub async fn due(app: &App, limit: usize) -> Result<(Vec<Due>, Option<Timestamp>)> {
    let now = app.clock.now().as_millisecond();
    app.store
        .read(move |conn| {
            let due = store::webhooks::due(conn, now, limit)?;
            let next = store::webhooks::next_due_after(conn, now)?;
            Ok((due, next.map(crate::clock::from_millis)))
        })
        .await
}

/// Records an attempt and decides what follows: done, the next retry, or dropped; a 410 or
/// five days of failures disable the webhook.
pub async fn settle(app: &App, due: Due, outcome: Outcome) -> Result<Delivery> {
    let now = app.clock.now();
    let delays = app.config.webhooks.retry_delays.clone();
    app.store
        .write(move |conn| {
            let tenant = &due.delivery.tenant;
            // Deleted (with its webhook) while the attempt was under way: nothing to record.
            let Some(mut delivery) = store::webhooks::get_delivery(conn, tenant, &due.delivery.id)?
            else {
                return Ok(due.delivery);
            };
            let Some(mut webhook) = store::webhooks::get(conn, tenant, &delivery.webhook_id)?
            else {
                return Ok(delivery);
            };
            let mut attempt = outcome.attempt.clone();
            attempt.number = delivery.attempts + 1;
            store::webhooks::insert_attempt(conn, &delivery.id, &attempt)?;
            let schedule: &[Duration] = if delivery.event == PING { &[] } else { &delays };
            advance(&mut delivery, &outcome, schedule, now);
            store::webhooks::save_delivery(conn, &delivery)?;
            track_health(conn, &mut webhook, &outcome, now)?;
            Ok(delivery)
        })
        .await
}

/// The delivery's state after an attempt (its `number` already counted).
fn advance(delivery: &mut Delivery, outcome: &Outcome, schedule: &[Duration], now: Timestamp) {
    delivery.attempts += 1;
    delivery.last_status_code = outcome.attempt.status_code;
    delivery.last_error.clone_from(&outcome.attempt.error);
    delivery.updated_at = now;
    if delivery.status != DeliveryStatus::Pending {
        return; // dropped while the attempt was under way (its webhook was disabled)
    }
    let step = delivery.step as usize;
    if outcome.succeeded() {
        delivery.status = DeliveryStatus::Delivered;
        delivery.next_attempt_at = None;
    } else if outcome.gone() || step >= schedule.len() {
        delivery.status = DeliveryStatus::Dropped;
        delivery.next_attempt_at = None;
    } else {
        let delay = retry_delay(schedule, step, outcome.retry_after);
        delivery.step += 1;
        delivery.next_attempt_at = Some(now.saturating_add(delay).unwrap_or(now));
    }
}

/// The schedule's delay for this step plus a little jitter (so a receiver coming back is not
/// hit by every retry at once); a `Retry-After` may push it later, up to the schedule's
/// longest delay.
fn retry_delay(schedule: &[Duration], step: usize, retry_after: Option<Duration>) -> Duration {
    let planned = schedule.get(step).copied().unwrap_or_default();
    let longest = schedule.iter().copied().max().unwrap_or_default();
    let wanted = retry_after.map_or(planned, |r| r.min(longest).max(planned));
    let jitter_ms = (wanted.as_millis() / 20).min(60_000) as u64;
    wanted + Duration::from_millis(rand::rng().random_range(0..=jitter_ms))
}

/// Success clears the failure streak; a 410 or a streak of five days disables the webhook.
fn track_health(
    conn: &Connection,
    webhook: &mut Webhook,
    outcome: &Outcome,
    now: Timestamp,
) -> Result<()> {
    if outcome.succeeded() {
        if webhook.failing_since.take().is_some() {
            store::webhooks::save(conn, webhook)?;
        }
        return Ok(());
    }
    let started = webhook.failing_since.is_none();
    let since = *webhook.failing_since.get_or_insert(now);
    let reason = if outcome.gone() {
        Some("the receiver answered 410 Gone")
    } else if now.duration_since(since) >= FAILING_LIMIT {
        Some("every delivery failed for 5 days")
    } else {
        None
    };
    let disabled = match reason {
        Some(reason) if webhook.enabled => {
            disable(conn, webhook, reason, now)?;
            true
        }
        _ => false,
    };
    if started || disabled {
        store::webhooks::save(conn, webhook)?;
    }
    Ok(())
}

/// Disables the webhook; its pending deliveries are dropped (kept in the log, replayable).
fn disable(conn: &Connection, w: &mut Webhook, reason: &str, now: Timestamp) -> Result<()> {
    w.enabled = false;
    w.disabled_reason = Some(reason.to_owned());
    w.updated_at = now;
    let note = format!("webhook disabled: {reason}");
    store::webhooks::drop_pending(conn, &w.id, &note, now.as_millisecond())
}

fn ensure_enabled(w: &Webhook) -> Result<()> {
    if w.enabled {
        return Ok(());
    }
    Err(Error::Conflict {
        message: "the webhook is disabled; enable it first (PATCH enabled: true)".to_owned(),
        existing: None,
    })
}

fn find(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Webhook> {
    store::webhooks::get(conn, tenant, id)?.ok_or(Error::NotFound("webhook"))
}

fn find_delivery(conn: &Connection, tenant: &TenantId, id: &str) -> Result<Delivery> {
    store::webhooks::get_delivery(conn, tenant, id)?.ok_or(Error::NotFound("delivery"))
}

fn new_event(tenant: &TenantId, kind: &str, data: &serde_json::Value, now: Timestamp) -> Event {
    Event {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: tenant.clone(),
        kind: kind.to_owned(),
        payload: json!({ "event": kind, "timestamp": crate::clock::format(now), "data": data }),
        created_at: now,
    }
}

fn new_delivery(webhook_id: &str, event: &Event) -> Delivery {
    Delivery {
        id: uuid::Uuid::now_v7().to_string(),
        tenant: event.tenant.clone(),
        webhook_id: webhook_id.to_owned(),
        event_id: event.id.clone(),
        event: event.kind.clone(),
        status: DeliveryStatus::Pending,
        attempts: 0,
        step: 0,
        next_attempt_at: Some(event.created_at),
        last_status_code: None,
        last_error: None,
        created_at: event.created_at,
        updated_at: event.created_at,
    }
}

/// http(s), not too long, and refused when it leads outside the allowed hosts (SSRF).
async fn valid_url(app: &App, raw: &str) -> Result<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_URL_CHARS {
        return Err(Error::invalid(
            "url",
            format!("must be 1-{MAX_URL_CHARS} characters"),
        ));
    }
    let allowed = app.config.webhooks.allowed_hosts;
    let url = url_guard::check_url(raw, allowed).map_err(|r| Error::invalid("url", r.0))?;
    url_guard::check_destination(&url, allowed, &app.resolver)
        .await
        .map_err(|r| Error::invalid("url", r.0))?;
    Ok(url.to_string())
}

fn valid_events(events: Vec<String>) -> Result<Vec<String>> {
    if events.is_empty() {
        return Err(Error::invalid(
            "events",
            "must name at least one event, or \"*\" for all",
        ));
    }
    let mut valid: Vec<String> = Vec::with_capacity(events.len());
    for event in events {
        let event = event.trim().to_owned();
        if event != "*" && !kinds().any(|k| k == event.as_str()) {
            return Err(unknown_event(&event));
        }
        if !valid.contains(&event) {
            valid.push(event);
        }
    }
    if valid.iter().any(|e| e == "*") {
        return Ok(vec!["*".to_owned()]);
    }
    Ok(valid)
}

/// The test button's `ping` is not subscribed to, but its deliveries can be listed.
fn valid_event_filter(event: &str) -> Result<()> {
    if kinds().any(|k| k == event) || event == PING {
        return Ok(());
    }
    Err(Error::invalid(
        "event",
        format!(
            "unknown event {event:?} (expected {} or {PING})",
            kinds_listed()
        ),
    ))
}

fn unknown_event(event: &str) -> Error {
    Error::invalid(
        "events",
        format!(
            "unknown event {event:?} (expected {}, or \"*\")",
            kinds_listed()
        ),
    )
}

fn valid_description(description: Option<String>) -> Result<Option<String>> {
    let Some(d) = description.map(|d| d.trim().to_owned()) else {
        return Ok(None);
    };
    if d.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Error::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok((!d.is_empty()).then_some(d))
}

#[cfg(test)]
mod tests;
