//! Limits kept in this process's memory: a sliding log of recent attempts per key. Right
//! for one instance (the embedded default, SQLite); with several instances on PostgreSQL
//! the limits are kept in the database instead (`super::shared`).

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses tracked at most; beyond it, idle ones are forgotten and, under a flood of
/// new addresses, new ones are refused rather than let the map grow.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    limit: usize,
    window: Duration,
    recent: Mutex<Tracked<K>>,
}

#[derive(Debug)]
struct Tracked<K> {
    by_key: HashMap<K, VecDeque<Instant>>,
    pruned_at: Option<Instant>,
}

/// One IPv6 user usually holds a whole /64: limit the prefix, not each address (every
/// per-address count keys on this).
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
    }
}

impl RateLimiter<IpAddr> {
    /// Records an attempt from `ip` and says whether it is within the limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        self.allow_key(address_key(ip), now)
    }
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> RateLimiter<K> {
        RateLimiter {
            limit: limit as usize,
            window,
            recent: Mutex::new(Tracked { by_key: HashMap::new(), pruned_at: None }),
        }
    }

    /// Whether `key` has used up its limit, without recording anything; also when the
    /// limiter is full and does not track `key` (it could not count it: failing open
    /// would let a flood of other keys switch the limit off).
    pub fn exceeded(&self, key: &K, now: Instant) -> bool {
        let Ok(recent) = self.recent.lock() else { return false };
        match recent.by_key.get(key) {
            Some(log) => log.iter().filter(|t| now.duration_since(**t) < self.window).count() >= self.limit,
            None => recent.by_key.len() >= MAX_TRACKED,
        }
    }

    /// Records an attempt under `key` whatever the count (failures to remember).
    pub fn record(&self, key: K, now: Instant) {
        let _ = self.allow_key(key, now);
    }

    /// Records an attempt under `ip` (any key) and says whether it is within the limit.
    pub fn allow_key(&self, ip: K, now: Instant) -> bool {
        let Ok(mut recent) = self.recent.lock() else {
            // A panic elsewhere poisoned the map; refusing everyone would be worse.
            return true;
        };
        let tracked = &mut *recent;
        if tracked.by_key.len() >= MAX_TRACKED && !tracked.by_key.contains_key(&ip) {
            // Pruning walks the whole map: at most once a second.
            if tracked.pruned_at.is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1)) {
                let window = self.window;
                tracked.by_key.retain(|_, log| log.back().is_some_and(|t| now.duration_since(*t) < window));
                tracked.pruned_at = Some(now);
            }
            if tracked.by_key.len() >= MAX_TRACKED {
                return false;
            }
        }
        let log = tracked.by_key.entry(ip).or_default();
        while log.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            log.pop_front();
        }
        if log.len() >= self.limit {
            return false;
        }
        log.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_limit_until_the_window_slides() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let t0 = Instant::now();
        assert!(limiter.allow(ip, t0));
        assert!(limiter.allow(ip, t0 + Duration::from_secs(1)));
        assert!(!limiter.allow(ip, t0 + Duration::from_secs(2)));
        assert!(limiter.allow(other, t0 + Duration::from_secs(2)));
        assert!(limiter.allow(ip, t0 + Duration::from_secs(61)));
    }

    #[test]
    fn failures_can_be_recorded_and_checked_apart() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(!limiter.exceeded(&"a", t0));
        limiter.record("a", t0);
        assert!(!limiter.exceeded(&"a", t0), "checking records nothing");
        limiter.record("a", t0);
        assert!(limiter.exceeded(&"a", t0));
        assert!(!limiter.exceeded(&"a", t0 + Duration::from_secs(60)), "the window slides");
    }

    #[test]
    fn an_ipv6_slash_64_counts_as_one() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.allow("2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0u8; 16])), t0));
        assert!(!limiter.allow("2001:db8:1:2:ffff::9".parse().unwrap_or(IpAddr::from([0u8; 16])), t0));
        assert!(limiter.allow("2001:db8:1:3::1".parse().unwrap_or(IpAddr::from([0u8; 16])), t0));
    }
}
