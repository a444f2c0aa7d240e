//! Background work beside the HTTP server, under one supervisor with a shutdown signal.
//! Jobs read due work from SQLite, never only from memory, so a restart loses nothing.

pub mod delivery;
pub mod memory;
pub mod retention;
pub mod sweeper;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;

pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    pub fn start(app: &App) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(sweeper::run(app.clone(), stopped.clone())),
            tokio::spawn(delivery::run(app.clone(), stopped.clone())),
            tokio::spawn(retention::run(app.clone(), stopped.clone())),
            tokio::spawn(memory::run(app.store.clone(), stopped)),
        ];
        Self { stop, tasks }
    }

    /// Signals every job and waits for it to finish its current step.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
