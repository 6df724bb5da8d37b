//! The per-address and per-CPF limits on opening, looking up and complementing requests
//! and on FAQ votes: in this process's memory for one instance on SQLite (the embedded
//! default), in PostgreSQL when the portal runs on it, so that a limit holds across every
//! instance behind a balancer and across restarts.

mod memory;
pub mod shared;

pub use memory::{address_key, RateLimiter};

use crate::config::DatabaseKind;
use crate::secret::Keys;
use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};
use shared::SharedLimit;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Where the limits are kept; each service asks it for its own [`Limiter`].
#[derive(Clone)]
pub struct LimitStore {
    shared: Option<(DatabaseConnection, Keys)>,
}

impl LimitStore {
    /// In PostgreSQL when `kind` is PostgreSQL, in memory otherwise.
    pub fn for_database(kind: DatabaseKind, db: &DatabaseConnection, keys: &Keys) -> LimitStore {
        LimitStore { shared: (kind == DatabaseKind::Postgres).then(|| (db.clone(), keys.clone())) }
    }

    /// At most `limit` attempts per key in any `window`; `scope` keeps the counts of
    /// different limits apart.
    pub fn limiter(&self, scope: &'static str, limit: u32, window: Duration) -> Limiter {
        match &self.shared {
            Some((db, keys)) => {
                Limiter::Shared(SharedLimit { db: db.clone(), keys: keys.clone(), scope, limit, window })
            }
            None => Limiter::Memory(RateLimiter::new(limit, window)),
        }
    }
}

/// One limit, wherever it is kept.
pub enum Limiter {
    Memory(RateLimiter<String>),
    Shared(SharedLimit),
}

impl Limiter {
    /// Counts an attempt from `ip` (its /64 for IPv6) and says whether it is within the limit.
    pub async fn allow_address(&self, ip: IpAddr) -> Result<bool, DbErr> {
        self.allow(&address_key(ip).to_string()).await
    }

    /// Counts an attempt under `key` and says whether it is within the limit.
    pub async fn allow(&self, key: &str) -> Result<bool, DbErr> {
        match self {
            Limiter::Memory(limiter) => Ok(limiter.allow_key(key.to_owned(), Instant::now())),
            Limiter::Shared(limit) => limit.allow(key, Utc::now()).await,
        }
    }

    /// Whether `key` has used up its limit, without counting anything.
    pub async fn exceeded(&self, key: &str) -> Result<bool, DbErr> {
        match self {
            Limiter::Memory(limiter) => Ok(limiter.exceeded(&key.to_owned(), Instant::now())),
            Limiter::Shared(limit) => limit.exceeded(key, Utc::now()).await,
        }
    }

    /// Counts an attempt under `key` whatever the count (failures to remember).
    pub async fn record(&self, key: &str) -> Result<(), DbErr> {
        match self {
            Limiter::Memory(limiter) => {
                limiter.record(key.to_owned(), Instant::now());
                Ok(())
            }
            Limiter::Shared(limit) => limit.record(key, Utc::now()).await,
        }
    }
}
