//! Rate limits (governor's GCRA): per API key by tier, per admin session, and failed admin
//! logins and API keys per client IP (brute force). Headers are the common
//! X-RateLimit-Limit / -Remaining / -Reset, which clients already know.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use poem::Response;
use poem::http::HeaderValue;

use crate::config::RateLimitConfig;
use crate::domain::model::Tier;

type Keyed<K> = DefaultKeyedRateLimiter<K, StateInformationMiddleware>;

/// Failed admin logins allowed per IP and minute before further attempts get a 429.
const LOGIN_FAILURES_PER_MINUTE: u32 = 10;

pub struct Limiters {
    tiers: [(NonZeroU32, Keyed<String>); 3],
    /// Chat messages per client IP (the widget is public).
    public: (NonZeroU32, Keyed<String>),
    /// Failed admin logins per client IP.
    pub logins: Lockout,
    /// Invalid API keys per client IP: past the allowance, every bearer request from the IP
    /// gets a 429, so guessing learns nothing.
    pub keys: Lockout,
    clock: DefaultClock,
}

/// Failed credentials per client IP: past the allowance, the IP is locked out until the
/// allowance has refilled by one.
pub struct Lockout {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
    clock: DefaultClock,
}

/// The outcome of one request against its limit, ready to become headers.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the allowance is full again.
    pub reset_in: Duration,
    /// `Some` when the request is refused: seconds until one more is allowed.
    pub retry_after: Option<Duration>,
}

fn per_minute(n: NonZeroU32) -> Keyed<String> {
    DefaultKeyedRateLimiter::keyed(Quota::per_minute(n))
        .with_middleware::<StateInformationMiddleware>()
}

impl Limiters {
    pub fn new(config: &RateLimitConfig) -> Self {
        Self {
            tiers: [
                (config.free, per_minute(config.free)),
                (config.pro, per_minute(config.pro)),
                (config.enterprise, per_minute(config.enterprise)),
            ],
            public: (config.public, per_minute(config.public)),
            logins: Lockout::new(LOGIN_FAILURES_PER_MINUTE),
            keys: Lockout::new(config.invalid_keys.get()),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request by `key` against `tier`'s allowance.
    pub fn check(&self, tier: Tier, key: &str) -> Verdict {
        let (limit, limiter) = match tier {
            Tier::Free => &self.tiers[0],
            Tier::Pro => &self.tiers[1],
            Tier::Enterprise => &self.tiers[2],
        };
        self.count(*limit, limiter, key)
    }

    /// Counts one public chat message from `ip`.
    pub fn check_public(&self, ip: IpAddr) -> Verdict {
        let (limit, limiter) = &self.public;
        self.count(*limit, limiter, &ip.to_string())
    }

    fn count(&self, limit: NonZeroU32, limiter: &Keyed<String>, key: &str) -> Verdict {
        let interval = Duration::from_secs(60) / limit.get();
        match limiter.check_key(&key.to_owned()) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                Verdict {
                    limit: limit.get(),
                    remaining,
                    reset_in: interval * (limit.get() - remaining),
                    retry_after: None,
                }
            }
            Err(not_until) => Verdict {
                limit: limit.get(),
                remaining: 0,
                reset_in: interval * limit.get(),
                retry_after: Some(not_until.wait_time_from(self.clock.now())),
            },
        }
    }

    /// Forgets idle keys so memory stays bounded by active callers.
    pub fn forget_idle(&self) {
        for (_, limiter) in self.tiers.iter().chain([&self.public]) {
            limiter.retain_recent();
        }
        self.logins.forget_idle();
        self.keys.forget_idle();
    }
}

impl Lockout {
    fn new(per_minute: u32) -> Self {
        let allowance = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            failures: DefaultKeyedRateLimiter::keyed(Quota::per_minute(allowance)),
            blocked: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// `Some(wait)` while this IP is locked out.
    pub fn blocked(&self, ip: IpAddr) -> Option<Duration> {
        let blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        blocked
            .get(&ip)
            .and_then(|until| until.checked_duration_since(Instant::now()))
    }

    /// Records a failure; returns the lock-out when this failure exceeds the allowance.
    pub fn failed(&self, ip: IpAddr) -> Option<Duration> {
        let Err(not_until) = self.failures.check_key(&ip) else {
            return None;
        };
        let wait = not_until
            .wait_time_from(self.clock.now())
            .max(Duration::from_secs(1));
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        blocked.retain(|_, until| *until > Instant::now());
        blocked.insert(ip, Instant::now() + wait);
        Some(wait)
    }

    fn forget_idle(&self) {
        self.failures.retain_recent();
        self.blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|_, until| *until > Instant::now());
    }
}

impl Verdict {
    pub fn apply(&self, response: &mut Response) {
        let reset_at = SystemTime::now()
            .checked_add(self.reset_in)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(reset_at));
        if let Some(wait) = self.retry_after {
            headers.insert("retry-after", HeaderValue::from(seconds_up(wait)));
        }
    }
}

/// Whole seconds, rounded up: a client that waits this long will be let through.
pub fn seconds_up(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(n: u32) -> RateLimitConfig {
        let n = NonZeroU32::new(n).unwrap();
        RateLimitConfig {
            free: n,
            pro: n,
            enterprise: n,
            public: n,
            invalid_keys: n,
        }
    }

    #[test]
    fn counts_down_then_refuses() {
        let limiters = Limiters::new(&config(3));
        let remaining: Vec<u32> = (0..3)
            .map(|_| limiters.check(Tier::Free, "k").remaining)
            .collect();
        assert_eq!(remaining, vec![2, 1, 0]);
        let refused = limiters.check(Tier::Free, "k");
        assert!(refused.retry_after.is_some());
        assert!(
            limiters.check(Tier::Free, "other").retry_after.is_none(),
            "keys are separate"
        );
    }

    #[test]
    fn eleventh_failed_login_locks_the_ip() {
        let limiters = Limiters::new(&config(3));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..10 {
            assert!(limiters.logins.failed(ip).is_none());
        }
        assert!(limiters.logins.failed(ip).is_some());
        assert!(limiters.logins.blocked(ip).is_some());
        assert!(
            limiters
                .logins
                .blocked("192.0.2.2".parse().unwrap())
                .is_none()
        );
        assert!(limiters.keys.blocked(ip).is_none(), "separate lock-outs");
    }
}
