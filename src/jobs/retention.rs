//! Retention (`SYNAPTIQ_RETENTION_DAYS`): once a day by the app's clock, and at start-up,
//! deletes the conversations that have had no message for that many days.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use crate::app::App;
use crate::domain::conversations;
use crate::error::Result;

/// How often the clock is read; a purge runs when a day has passed since the last.
const POLL: Duration = Duration::from_secs(60);
const DAY: SignedDuration = SignedDuration::from_hours(24);

pub async fn run(app: App, mut stopped: watch::Receiver<bool>) {
    if app.config.retention_days.is_none() {
        return;
    }
    let mut last: Option<Timestamp> = None;
    loop {
        let now = app.clock.now();
        if last.is_none_or(|last| now.duration_since(last) >= DAY) {
            last = Some(now);
            if let Err(err) = purge(&app).await {
                tracing::warn!(%err, "could not delete conversations past retention");
            }
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Deletes what retention says is due now; how many conversations went.
pub async fn purge(app: &App) -> Result<usize> {
    let Some(days) = app.config.retention_days else {
        return Ok(0);
    };
    let deleted = conversations::delete_older_than(app, days).await?;
    if deleted > 0 {
        tracing::info!(
            conversations = deleted,
            days,
            "deleted conversations past retention"
        );
    }
    Ok(deleted)
}
