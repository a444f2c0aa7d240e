//! The webhook worker: sends due deliveries with bounded concurrency and records every
//! attempt. Due work is read from SQLite, never kept only in memory: after a crash, an attempt
//! that was under way is sent again under the same delivery id — at most a duplicate the
//! receiver can recognise, never a loss.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::{Id, JoinSet};

use crate::app::App;
use crate::domain::webhooks::{self, deliver};
use crate::error::Result;

/// Attempts under way at once; a slow receiver holds one slot until its timeout.
const CONCURRENCY: usize = 64;
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
