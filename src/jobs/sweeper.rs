//! Completes conversations that went idle, with their summary and `conversation.completed`.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::domain::chat;

pub async fn run(app: App, mut stopped: watch::Receiver<bool>) {
    let idle = app.config.conversation_idle_timeout;
    // Check a few times per timeout, so a conversation completes close to its deadline.
    let every = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped.changed() => return,
        }
        match chat::complete_idle(&app, idle).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(conversations = n, "completed idle conversations"),
            Err(err) => tracing::warn!(%err, "could not complete idle conversations"),
        }
    }
}
