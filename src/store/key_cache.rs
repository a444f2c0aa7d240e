//! Live API keys, by the hash of their secret, cached for a moment so most requests
//! authenticate without a database read.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::model::ApiKey;

/// How long a key found live is believed without reading it again. A revocation through
/// this server clears the cache at once; one by another process (`synaptiq keys revoke`)
/// takes effect within this.
pub const KEY_CACHE_TTL: Duration = Duration::from_millis(500);
/// Live keys cached at most; beyond it the cache starts over.
const KEY_CACHE_MAX: usize = 10_000;

/// Keys recently found live, by the hash of their secret, so most requests authenticate
/// without a read on the blocking pool, whose hand-off under load waits for a thread to
/// wake on a busy core.
#[derive(Default)]
pub struct KeyCache {
    inner: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<[u8; 32], (ApiKey, Instant)>,
    /// Bumped by every revocation, so a lookup that raced one does not cache its result.
    generation: u64,
}

impl KeyCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn lookup(&self, hashed: &[u8; 32]) -> Lookup {
        let cached = self.lock();
        match cached.keys.get(hashed) {
            Some((key, at)) if at.elapsed() < KEY_CACHE_TTL => Lookup::Live(key.clone()),
            _ => Lookup::Unknown {
                generation: cached.generation,
            },
        }
    }

    pub(crate) fn found(&self, hashed: [u8; 32], key: Option<&ApiKey>, generation: u64) {
        let mut cached = self.lock();
        match key {
            Some(key) if cached.generation == generation => {
                if cached.keys.len() >= KEY_CACHE_MAX {
                    cached.keys.clear();
                }
                cached.keys.insert(hashed, (key.clone(), Instant::now()));
            }
            _ => {
                cached.keys.remove(&hashed);
            }
        }
    }

    pub(crate) fn forget_all(&self) {
        let mut cached = self.lock();
        cached.keys.clear();
        cached.generation += 1;
    }
}

pub(crate) enum Lookup {
    Live(ApiKey),
    /// Not cached, or cached too long ago: read it, and cache what was read if no
    /// revocation came in between.
    Unknown {
        generation: u64,
    },
}
