//! The retry schedule, the failure streak and event names, on an in-memory database.

use super::*;

fn outcome(status: Option<u16>) -> Outcome {
    Outcome {
        attempt: Attempt {
            number: 0,
            started_at: Timestamp::UNIX_EPOCH,
            duration_ms: 1,
            status_code: status,
            error: status.is_none().then(|| "connection refused".to_owned()),
            response_body: None,
        },
        retry_after: None,
    }
}

fn pending() -> Delivery {
    let event = new_event(
        &TenantId::from_stored("t".to_owned()),
        "lead.created",
        &json!({}),
        Timestamp::UNIX_EPOCH,
    );
    new_delivery("w", &event)
}

const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn failures_follow_the_schedule_then_drop() {
    let schedule = [MINUTE, 5 * MINUTE];
    let now = Timestamp::from_second(1_000_000).unwrap();
    let mut d = pending();
    advance(&mut d, &outcome(Some(500)), &schedule, now);
    assert_eq!(d.status, DeliveryStatus::Pending);
    let wait = d.next_attempt_at.unwrap().duration_since(now);
    assert!(wait >= SignedDuration::from_secs(60) && wait <= SignedDuration::from_secs(63));
    advance(&mut d, &outcome(None), &schedule, now);
    let wait = d.next_attempt_at.unwrap().duration_since(now);
    assert!(wait >= SignedDuration::from_secs(300) && wait <= SignedDuration::from_secs(315));
    advance(&mut d, &outcome(Some(302)), &schedule, now);
    assert_eq!(d.status, DeliveryStatus::Dropped);
    assert_eq!(d.attempts, 3);
    assert_eq!(d.next_attempt_at, None);
    assert_eq!(d.last_status_code, Some(302));
}

#[test]
fn an_attempt_on_a_dropped_delivery_is_only_logged() {
    let mut d = pending();
    d.status = DeliveryStatus::Dropped;
    d.next_attempt_at = None;
    advance(
        &mut d,
        &outcome(Some(500)),
        &[MINUTE],
        Timestamp::UNIX_EPOCH,
    );
    assert_eq!(d.status, DeliveryStatus::Dropped);
    assert_eq!((d.attempts, d.step, d.next_attempt_at), (1, 0, None));
}

#[test]
fn success_delivers_and_gone_drops_at_once() {
    let now = Timestamp::UNIX_EPOCH;
    let mut d = pending();
    advance(&mut d, &outcome(Some(204)), &[MINUTE], now);
    assert_eq!(d.status, DeliveryStatus::Delivered);
    let mut d = pending();
    advance(&mut d, &outcome(Some(410)), &[MINUTE], now);
    assert_eq!(d.status, DeliveryStatus::Dropped);
}

#[test]
fn retry_after_delays_within_the_schedule() {
    let schedule = [MINUTE, 30 * MINUTE];
    let at_least = |d: Duration, lo: u64| d >= Duration::from_secs(lo);
    let d = retry_delay(&schedule, 0, Some(Duration::from_secs(600)));
    assert!(at_least(d, 600) && d <= Duration::from_secs(630), "{d:?}");
    // Never beyond the schedule's longest delay (plus its jitter).
    let d = retry_delay(&schedule, 0, Some(Duration::from_secs(86_400)));
    assert!(at_least(d, 1800) && d <= Duration::from_secs(1860), "{d:?}");
    // Never earlier than planned.
    let d = retry_delay(&schedule, 1, Some(Duration::from_secs(1)));
    assert!(at_least(d, 1800), "{d:?}");
}

/// A database with one tenant, one subscribed webhook and one pending delivery.
fn failing_webhook() -> (Connection, Webhook, Delivery) {
    let mut conn = Connection::open_in_memory().unwrap();
    store::migrate::run(&mut conn).unwrap();
    let tenant = TenantId::from_stored("t".to_owned());
    let t0 = Timestamp::UNIX_EPOCH;
    let record = crate::model::Tenant {
        id: tenant.clone(),
        name: "T".into(),
        created_at: t0,
        updated_at: t0,
    };
    store::tenants::insert(&conn, &record).unwrap();
    let webhook = Webhook {
        id: "w".into(),
        tenant: tenant.clone(),
        url: "https://example.com/".into(),
        events: vec!["*".into()],
        description: None,
        enabled: true,
        disabled_reason: None,
        secret: signing::new_secret(),
        previous_secret: None,
        failing_since: None,
        created_at: t0,
        updated_at: t0,
    };
    store::webhooks::save(&conn, &webhook).unwrap();
    let event = new_event(&tenant, "lead.created", &json!({}), t0);
    store::events::insert(&conn, &event).unwrap();
    enqueue(&conn, &event).unwrap();
    let delivery = store::webhooks::list_deliveries(&conn, "w", None, None, None, 10)
        .unwrap()
        .remove(0);
    (conn, webhook, delivery)
}

#[test]
fn five_days_of_failures_disable_the_webhook_and_keep_its_deliveries() {
    let (conn, mut webhook, delivery) = failing_webhook();
    let t0 = Timestamp::UNIX_EPOCH;
    track_health(&conn, &mut webhook, &outcome(Some(500)), t0).unwrap();
    let day = SignedDuration::from_hours(24);
    let almost = t0
        .saturating_add(day * 5 - SignedDuration::from_secs(1))
        .unwrap();
    track_health(&conn, &mut webhook, &outcome(None), almost).unwrap();
    let stored = store::webhooks::get(&conn, &webhook.tenant, "w")
        .unwrap()
        .unwrap();
    assert!(stored.enabled);
    assert_eq!(stored.failing_since, Some(t0));

    let five_days = t0.saturating_add(day * 5).unwrap();
    track_health(&conn, &mut webhook, &outcome(Some(503)), five_days).unwrap();
    let stored = store::webhooks::get(&conn, &webhook.tenant, "w")
        .unwrap()
        .unwrap();
    assert!(!stored.enabled);
    assert_eq!(
        stored.disabled_reason.as_deref(),
        Some("every delivery failed for 5 days")
    );
    let kept = store::webhooks::get_delivery(&conn, &webhook.tenant, &delivery.id)
        .unwrap()
        .expect("the delivery stays in the log");
    assert_eq!(kept.status, DeliveryStatus::Dropped);
    assert!(kept.last_error.unwrap().contains("5 days"));
}

#[test]
fn a_success_ends_the_failure_streak() {
    let (conn, mut webhook, _) = failing_webhook();
    let t0 = Timestamp::UNIX_EPOCH;
    track_health(&conn, &mut webhook, &outcome(Some(500)), t0).unwrap();
    let day4 = t0.saturating_add(SignedDuration::from_hours(96)).unwrap();
    track_health(&conn, &mut webhook, &outcome(Some(200)), day4).unwrap();
    let day6 = t0.saturating_add(SignedDuration::from_hours(144)).unwrap();
    track_health(&conn, &mut webhook, &outcome(Some(500)), day6).unwrap();
    let stored = store::webhooks::get(&conn, &webhook.tenant, "w")
        .unwrap()
        .unwrap();
    assert!(stored.enabled);
    assert_eq!(stored.failing_since, Some(day6));
}

#[test]
fn events_are_known_names_or_star() {
    assert_eq!(
        valid_events(vec!["lead.created".into(), "lead.created".into()]).unwrap(),
        vec!["lead.created"]
    );
    assert_eq!(
        valid_events(vec!["lead.created".into(), "*".into()]).unwrap(),
        vec!["*"]
    );
    let err = valid_events(vec!["lead.exploded".into()]).unwrap_err();
    assert!(err.to_string().contains("lead.exploded"), "{err}");
    assert!(valid_events(vec![]).is_err());
}
