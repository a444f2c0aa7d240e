//! Log lines held back while `serve` starts for the first time, so the banner (URL, admin
//! token, snippet) is the first thing a person reads, not the twelfth.

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

/// Where log lines go: standard error, or a buffer while held.
#[derive(Clone, Default)]
pub(super) struct HeldLog(Arc<Mutex<Option<Vec<u8>>>>);

impl HeldLog {
    /// Keeps every line from now on until [`Held`] is dropped.
    pub(super) fn hold(&self) -> Held {
        *self.buffer() = Some(Vec::new());
        Held(self.clone())
    }

    fn buffer(&self) -> MutexGuard<'_, Option<Vec<u8>>> {
        // A line half-written by a panicking thread is still worth showing.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes the held lines out when dropped: after the banner, or on any way out of start-up.
pub(super) struct Held(HeldLog);

impl Drop for Held {
    fn drop(&mut self) {
        let mut buffer = self.0.buffer();
        if let Some(lines) = buffer.take() {
            let _ = std::io::stderr().write_all(&lines);
        }
    }
}

impl<'a> MakeWriter<'a> for HeldLog {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Write for HeldLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.buffer().as_mut() {
            Some(held) => {
                held.extend_from_slice(bytes);
                Ok(bytes.len())
            }
            None => std::io::stderr().write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
