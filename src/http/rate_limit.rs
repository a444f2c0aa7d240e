//! Rate limits (governor's GCRA): per API key by tier, per admin session, and failed admin
//! logins and API keys per client (brute force). Headers are the common
//! X-RateLimit-Limit / -Remaining / -Reset, which clients already know.
//!
//! A client is an IPv4 address or an IPv6 /64: one subscriber is handed a whole /64, so
//! counting each of its 2^64 addresses alone would let it step around every limit.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use poem::Response;
use poem::http::HeaderValue;

use crate::config::RateLimitConfig;
use crate::model::Tier;

type Keyed<K> = DefaultKeyedRateLimiter<K, StateInformationMiddleware>;

/// Failed admin logins allowed per IP and minute before further attempts get a 429.
const LOGIN_FAILURES_PER_MINUTE: u32 = 10;
/// Invalid API keys a client may send in a minute across all key prefixes, as a multiple of
/// the allowance for one prefix: a broken client retrying its one stale key locks out only
/// that key, while guessing with ever new prefixes still meets a limit.
const INVALID_KEYS_ANY_PREFIX: u32 = 5;

pub struct Limiters {
    tiers: [(NonZeroU32, Keyed<String>); 3],
    /// Chat messages per client IP (the widget is public).
    public: (NonZeroU32, Keyed<String>),
    /// Failed admin logins per client.
    pub logins: Lockout<IpAddr>,
    /// Invalid API keys per client and key prefix.
    pub keys: KeyLockout,
    clock: DefaultClock,
}

/// Failed credentials per key (a client, or a client and what it presented): past the
/// allowance, the key is locked out until the allowance has refilled by one.
pub struct Lockout<K: Hash + Eq + Clone> {
    failures: DefaultKeyedRateLimiter<K>,
    blocked: Mutex<HashMap<K, Instant>>,
    clock: DefaultClock,
}

/// Invalid API keys, counted per client and key prefix (the `sq_` and 8 characters shown in
/// the admin UI) and, more loosely, per client: past either allowance every bearer request
/// with that prefix (or from that client) gets a 429, even with a valid key, so guessing
/// learns nothing; valid keys of other prefixes from the same address keep working.
pub struct KeyLockout {
    per_prefix: Lockout<(IpAddr, String)>,
    per_client: Lockout<IpAddr>,
}

/// The client an address counts as: an IPv4 address (also when written IPv4-mapped), or the
/// /64 an IPv6 address is in.
pub fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
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
            keys: KeyLockout::new(config.invalid_keys.get()),
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

    /// Counts one public chat message from `ip`'s client.
    pub fn check_public(&self, ip: IpAddr) -> Verdict {
        let (limit, limiter) = &self.public;
        self.count(*limit, limiter, &client_of(ip).to_string())
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

impl KeyLockout {
    fn new(per_minute: u32) -> Self {
        Self {
            per_prefix: Lockout::new(per_minute),
            per_client: Lockout::new(per_minute.saturating_mul(INVALID_KEYS_ANY_PREFIX)),
        }
    }

    /// `Some(wait)` while keys with `prefix` from `ip`'s client are locked out.
    pub fn blocked(&self, ip: IpAddr, prefix: &str) -> Option<Duration> {
        let client = client_of(ip);
        self.per_client
            .blocked(&client)
            .or_else(|| self.per_prefix.blocked(&(client, prefix.to_owned())))
    }

    /// Records an invalid key; returns the lock-out when it exceeds an allowance.
    pub fn failed(&self, ip: IpAddr, prefix: &str) -> Option<Duration> {
        let client = client_of(ip);
        let any = self.per_client.failed(client);
        let this = self.per_prefix.failed((client, prefix.to_owned()));
        any.max(this)
    }

    fn forget_idle(&self) {
        self.per_prefix.forget_idle();
        self.per_client.forget_idle();
    }
}

impl Lockout<IpAddr> {
    /// `Some(wait)` while `ip`'s client is locked out.
    pub fn blocked_ip(&self, ip: IpAddr) -> Option<Duration> {
        self.blocked(&client_of(ip))
    }

    /// Records a failure by `ip`'s client; returns the lock-out when it exceeds the allowance.
    pub fn failed_ip(&self, ip: IpAddr) -> Option<Duration> {
        self.failed(client_of(ip))
    }
}

impl<K: Hash + Eq + Clone> Lockout<K> {
    fn new(per_minute: u32) -> Self {
        let allowance = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            failures: DefaultKeyedRateLimiter::keyed(Quota::per_minute(allowance)),
            blocked: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// `Some(wait)` while `key` is locked out.
    fn blocked(&self, key: &K) -> Option<Duration> {
        let blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        blocked
            .get(key)
            .and_then(|until| until.checked_duration_since(Instant::now()))
    }

    /// Records a failure; returns the lock-out when this failure exceeds the allowance.
    fn failed(&self, key: K) -> Option<Duration> {
        let Err(not_until) = self.failures.check_key(&key) else {
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
        blocked.insert(key, Instant::now() + wait);
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
            assert!(limiters.logins.failed_ip(ip).is_none());
        }
        assert!(limiters.logins.failed_ip(ip).is_some());
        assert!(limiters.logins.blocked_ip(ip).is_some());
        assert!(
            limiters
                .logins
                .blocked_ip("192.0.2.2".parse().unwrap())
                .is_none()
        );
        assert!(
            limiters.keys.blocked(ip, "sq_anything").is_none(),
            "separate lock-outs"
        );
    }

    #[test]
    fn an_ipv6_client_is_its_64() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            client_of(ip("2001:db8:1:2:aaaa::1")),
            client_of(ip("2001:db8:1:2:ffff:1:2:3"))
        );
        assert_ne!(
            client_of(ip("2001:db8:1:2::1")),
            client_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_of(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(client_of(ip("192.0.2.1")), ip("192.0.2.1"));

        let limiters = Limiters::new(&config(2));
        assert!(
            limiters
                .check_public(ip("2001:db8::1"))
                .retry_after
                .is_none()
        );
        assert!(
            limiters
                .check_public(ip("2001:db8::2"))
                .retry_after
                .is_none()
        );
        assert!(
            limiters
                .check_public(ip("2001:db8::3"))
                .retry_after
                .is_some(),
            "a new address in the same /64 buys no new quota"
        );
        assert!(
            limiters
                .check_public(ip("2001:db8:0:1::1"))
                .retry_after
                .is_none()
        );
        for n in 0..10 {
            limiters.logins.failed_ip(ip(&format!("2001:db8::{n:x}")));
        }
        assert!(limiters.logins.failed_ip(ip("2001:db8::abcd")).is_some());
        assert!(limiters.logins.blocked_ip(ip("2001:db8::1:1")).is_some());
        assert!(limiters.logins.blocked_ip(ip("2001:db8:0:1::1")).is_none());
    }

    #[test]
    fn a_stale_key_locks_out_its_prefix_and_guessing_locks_out_the_client() {
        let limiters = Limiters::new(&config(3));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(limiters.keys.failed(ip, "sq_stale000").is_none());
        }
        assert!(limiters.keys.failed(ip, "sq_stale000").is_some());
        assert!(limiters.keys.blocked(ip, "sq_stale000").is_some());
        assert!(
            limiters.keys.blocked(ip, "sq_valid000").is_none(),
            "another key from the same address still works"
        );
        // Guessing with new prefixes each time meets the looser limit for the client.
        let locked = (0..100).find(|n| {
            limiters
                .keys
                .failed(ip, &format!("sq_guess{n:03}"))
                .is_some()
        });
        assert_eq!(locked, Some(15 - 4), "5 x 3 a minute in all");
        assert!(limiters.keys.blocked(ip, "sq_valid000").is_some());
        assert!(
            limiters
                .keys
                .blocked("192.0.2.2".parse().unwrap(), "sq_valid000")
                .is_none()
        );
    }
}
