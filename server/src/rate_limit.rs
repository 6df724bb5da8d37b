//! Per-IP limit on opening requests, kept in memory: a sliding log of recent attempts
//! per address. It is per instance (a second instance has its own); the per-CPF limit,
//! which matters more, is counted in the database and holds across instances.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    recent: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> RateLimiter {
        RateLimiter { limit: limit as usize, window, recent: Mutex::new(HashMap::new()) }
    }

    /// Records an attempt from `ip` and says whether it is within the limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let Ok(mut recent) = self.recent.lock() else {
            // A panic elsewhere poisoned the map; refusing everyone would be worse.
            return true;
        };
        // Forget idle addresses now and then so the map cannot grow without bound.
        if recent.len() > 100_000 {
            let window = self.window;
            recent.retain(|_, log| log.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let log = recent.entry(ip).or_default();
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
}
