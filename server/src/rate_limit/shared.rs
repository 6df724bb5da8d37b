//! Limits kept in PostgreSQL, so that they hold across every instance and every restart:
//! one counter per key and fixed window (`rate_hits`), with the previous window weighed in
//! as the current one passes (a sliding estimate), one statement per attempt. Keys are
//! stored as keyed hashes, never as an address or a CPF.

use crate::secret::{Keys, Purpose};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use std::time::Duration;

#[derive(Clone)]
pub struct SharedLimit {
    pub(super) db: DatabaseConnection,
    pub(super) keys: Keys,
    /// What is limited (`abertura`, `consulta`, …): the same key counts apart in each.
    pub(super) scope: &'static str,
    pub(super) limit: u32,
    pub(super) window: Duration,
}

/// The window `now` falls in, the one before, and how much of the one before still counts.
fn windows(window: Duration, now: DateTime<Utc>) -> (i64, i64, f64) {
    let length = i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1);
    let t = now.timestamp();
    let current = t - t.rem_euclid(length);
    let passed = (t - current) as f64 / length as f64;
    (current, current - length, 1.0 - passed)
}

impl SharedLimit {
    fn key_hash(&self, key: &str) -> String {
        self.keys.sign(Purpose::LimitKey, format!("{}:{key}", self.scope).as_bytes())
    }

    fn estimate(&self, current: i64, previous: i64, weight: f64) -> f64 {
        current as f64 + previous as f64 * weight
    }

    /// Counts an attempt under `key` and says whether it is within the limit (an attempt
    /// over it counts too: a client that keeps trying stays refused).
    pub async fn allow(&self, key: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let (current, previous, weight) = windows(self.window, now);
        let statement = Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "INSERT INTO rate_hits (scope, key_hash, window_start, hits) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (scope, key_hash, window_start) DO UPDATE SET hits = rate_hits.hits + 1 \
             RETURNING CAST(hits AS BIGINT), CAST(COALESCE((SELECT p.hits FROM rate_hits p \
             WHERE p.scope = $1 AND p.key_hash = $2 AND p.window_start = $4), 0) AS BIGINT)",
            [self.scope.into(), self.key_hash(key).into(), current.into(), previous.into()],
        );
        let Some(row) = self.db.query_one(statement).await? else { return Ok(true) };
        let (now_hits, before): (i64, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        Ok(self.estimate(now_hits, before, weight) <= f64::from(self.limit))
    }

    /// Whether `key` has used up its limit, without counting anything.
    pub async fn exceeded(&self, key: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let (current, previous, weight) = windows(self.window, now);
        let statement = Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "SELECT CAST(COALESCE(SUM(CASE WHEN window_start = $3 THEN hits ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN window_start = $4 THEN hits ELSE 0 END), 0) AS BIGINT) \
             FROM rate_hits WHERE scope = $1 AND key_hash = $2 AND window_start IN ($3, $4)",
            [self.scope.into(), self.key_hash(key).into(), current.into(), previous.into()],
        );
        let Some(row) = self.db.query_one(statement).await? else { return Ok(false) };
        let (now_hits, before): (i64, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        Ok(self.estimate(now_hits, before, weight) >= f64::from(self.limit))
    }

    /// Counts an attempt under `key` whatever the count (failures to remember).
    pub async fn record(&self, key: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
        self.allow(key, now).await.map(|_| ())
    }
}

/// Forgets the windows no limit looks at any more (run by the housekeeping job): rows more
/// than two of the longest window old.
pub async fn purge(db: &impl ConnectionTrait, longest: Duration, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let before = now.timestamp() - 2 * i64::try_from(longest.as_secs()).unwrap_or(i64::MAX / 4);
    let stale = Query::delete()
        .from_table(Alias::new("rate_hits"))
        .and_where(Expr::col(Alias::new("window_start")).lt(before))
        .to_owned();
    Ok(db.execute(db.get_database_backend().build(&stale)).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_window_before_counts_less_as_the_current_one_passes() {
        let hour = Duration::from_secs(3_600);
        let at = |s| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        assert_eq!(windows(hour, at(7_200)), (7_200, 3_600, 1.0));
        assert_eq!(windows(hour, at(7_200 + 900)), (7_200, 3_600, 0.75));
        assert_eq!(windows(hour, at(10_799)).0, 7_200);
    }
}
