//! One delivery attempt: sent through the outbound webhook sender, then recorded with what
//! follows from it (done, retried later, or given up).

use std::time::Instant;

use super::{Outcome, settle};
use crate::app::App;
use crate::error::Result;
use crate::model::{Attempt, Delivery};
use crate::outbound::webhook::{self, Request};
use crate::store::webhooks::Due;

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
    settle(app, due, outcome).await
}

async fn attempt(app: &App, due: &Due) -> Outcome {
    let started_at = app.clock.now();
    let clock = Instant::now();
    let secrets = due.webhook.signing_secrets(started_at);
    let request = Request {
        url: &due.webhook.url,
        delivery_id: &due.delivery.id,
        event: &due.delivery.event,
        body: &due.body,
        secrets: &secrets,
        timestamp: started_at.as_second(),
    };
    let webhooks = &app.config.webhooks;
    let answer = webhook::send(
        &app.webhook_client,
        webhooks.allowed_hosts,
        webhooks.timeout,
        started_at,
        request,
    )
    .await;
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

fn failure(status: u16) -> String {
    match status {
        300..=399 => format!("HTTP {status}: redirects are not followed"),
        410 => "HTTP 410 Gone: the webhook is disabled".to_owned(),
        _ => format!("HTTP {status}"),
    }
}
