//! Growing delays after failed sign-ins, counted in the database (so every instance sees
//! them) per account from one address, per address, and per account everywhere with a
//! high ceiling that a browser the agent signed in from before does not count against:
//! attackers are slowed down without locking the owner out.

use crate::db::entities::sign_in_throttle;
use crate::db::WriteGate;
use crate::secret::{constant_time_eq, Keys, Purpose};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};

/// Failed sign-ins allowed for one account from one address, and from one address over
/// all accounts, before delays start.
pub const FREE_FAILURES: i32 = 5;
/// Failed sign-ins allowed for one account over all addresses before delays start for
/// everyone, its owner included. High, so that a few addresses cannot lock an agent out;
/// finite, so that a crowd of addresses cannot guess without bound.
pub const ACCOUNT_FREE_FAILURES: i32 = 100;
/// The first delay; each further failure doubles it, up to [`MAX_DELAY`].
pub const FIRST_DELAY: Duration = Duration::seconds(15);
pub const MAX_DELAY: Duration = Duration::minutes(15);
/// Failures older than this are forgotten (a typo last week does not shorten today's allowance).
pub const QUIET_PERIOD: Duration = Duration::hours(1);
/// The wait after `failures` failed tries: none up to [`FREE_FAILURES`], then
/// [`FIRST_DELAY`] doubling with each failure, capped at [`MAX_DELAY`].
pub fn delay_after(failures: i32) -> Option<Duration> {
    delay_after_free(failures, FREE_FAILURES)
}

fn delay_after_free(failures: i32, free: i32) -> Option<Duration> {
    let over = failures - free;
    if over < 0 {
        return None;
    }
    let factor = 1i64 << over.min(20);
    Some((FIRST_DELAY * i32::try_from(factor).unwrap_or(i32::MAX)).min(MAX_DELAY))
}

/// What one throttle row counts (its key starts with the kind's prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// One account tried from one address: the owner elsewhere is not held back.
    AccountFromAddress,
    /// One address over all accounts: password spraying.
    Address,
    /// One account over all addresses, with the high ceiling.
    Account,
}

impl Counted {
    fn of(key: &str) -> Counted {
        if key.starts_with("par:") {
            Counted::AccountFromAddress
        } else if key.starts_with("conta:") {
            Counted::Account
        } else {
            Counted::Address
        }
    }

    fn delay_after(self, failures: i32) -> Option<Duration> {
        match self {
            Counted::Account => delay_after_free(failures, ACCOUNT_FREE_FAILURES),
            Counted::AccountFromAddress | Counted::Address => delay_after(failures),
        }
    }
}

/// The throttle rows in the database.
#[derive(Clone)]
pub struct SignInThrottle {
    db: DatabaseConnection,
    gate: WriteGate,
    keys: Keys,
}

impl SignInThrottle {
    pub fn new(db: DatabaseConnection, gate: WriteGate, keys: Keys) -> SignInThrottle {
        SignInThrottle { db, gate, keys }
    }

    /// The throttle rows a try from `client` on `email` counts against: the account from
    /// that address, the address, and, unless the browser is one the agent signed in from
    /// before (`known_device`), the account everywhere (see [`Counted`]). So a crowd of
    /// addresses that reaches the account's ceiling still cannot hold its owner back.
    pub fn keys_for(&self, email: &str, client: Option<std::net::IpAddr>, known_device: bool) -> Vec<String> {
        let account = &self.keys.sign(Purpose::LimitKey, email.as_bytes())[..40];
        let mut keys = Vec::with_capacity(3);
        if !known_device {
            keys.push(format!("conta:{account}"));
        }
        if let Some(address) = client.map(|ip| crate::rate_limit::address_key(ip).to_string()) {
            let pair = &self.keys.sign(Purpose::LimitKey, format!("{account}|{address}").as_bytes())[..40];
            keys.push(format!("par:{pair}"));
            keys.push(format!("ip:{address}"));
        }
        keys
    }

    /// The value of the known-device cookie for `email`'s account.
    pub fn device_token(&self, email: &str) -> String {
        self.keys.sign(Purpose::KnownDevice, email.as_bytes())[..40].to_owned()
    }

    /// Whether `cookie` is the known-device cookie of `email`'s account.
    pub fn is_known_device(&self, email: &str, cookie: Option<&str>) -> bool {
        cookie.is_some_and(|cookie| constant_time_eq(cookie.as_bytes(), self.device_token(email).as_bytes()))
    }

    /// Counts this try against each key *before* the password is checked, in the same
    /// transaction that checks the keys' delays (rows locked on PostgreSQL, the write gate
    /// on SQLite): simultaneous tries cannot all pass before the first failure is stored.
    /// A key quiet for [`QUIET_PERIOD`] starts counting again from zero. `false`: a key is
    /// delayed, and nothing was counted.
    pub async fn reserve(&self, keys: &[String], now: DateTime<Utc>) -> Result<bool, DbErr> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        for key in keys {
            sign_in_throttle::Entity::insert(sign_in_throttle::ActiveModel {
                key: Set(key.clone()),
                failures: Set(0),
                locked_until: Set(None),
                updated_at: Set(now),
            })
            .on_conflict(OnConflict::column(sign_in_throttle::Column::Key).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
            let Some(row) = sign_in_throttle::Entity::find_by_id(key.clone()).lock_exclusive().one(&txn).await? else {
                continue;
            };
            if row.locked_until.is_some_and(|until| until > now) {
                // Dropping the transaction rolls back what this try wrote.
                return Ok(false);
            }
            let failures = if now - row.updated_at > QUIET_PERIOD { 1 } else { row.failures.saturating_add(1) };
            let delay = Counted::of(key).delay_after(failures);
            sign_in_throttle::Entity::update_many()
                .col_expr(sign_in_throttle::Column::Failures, Expr::value(failures))
                .col_expr(sign_in_throttle::Column::LockedUntil, Expr::value(delay.map(|d| now + d)))
                .col_expr(sign_in_throttle::Column::UpdatedAt, Expr::value(now))
                .filter(sign_in_throttle::Column::Key.eq(key.clone()))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(true)
    }

    /// After a successful sign-in: the account-from-this-address count is cleared; the
    /// address and the account everywhere only get this one try back (someone who knows
    /// one password cannot wipe an address's record of failures with it, nor the record of
    /// a crowd guessing at this account).
    pub async fn release(&self, txn: &sea_orm::DatabaseTransaction, keys: &[String]) -> Result<(), DbErr> {
        for key in keys {
            let counted = Counted::of(key);
            if counted == Counted::AccountFromAddress {
                sign_in_throttle::Entity::delete_by_id(key.clone()).exec(txn).await?;
                continue;
            }
            let Some(row) = sign_in_throttle::Entity::find_by_id(key.clone()).one(txn).await? else { continue };
            let failures = (row.failures - 1).max(0);
            let mut update = sign_in_throttle::Entity::update_many()
                .col_expr(sign_in_throttle::Column::Failures, Expr::value(failures))
                .filter(sign_in_throttle::Column::Key.eq(key.clone()));
            if counted.delay_after(failures).is_none() {
                update =
                    update.col_expr(sign_in_throttle::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
            }
            update.exec(txn).await?;
        }
        Ok(())
    }

    /// Forgets rows that no longer hold anything back: quiet for [`QUIET_PERIOD`] and not
    /// delaying. Safe with several instances (a plain conditional delete).
    pub async fn purge(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        let _turn = self.gate.enter().await;
        let deleted = sign_in_throttle::Entity::delete_many()
            .filter(sign_in_throttle::Column::UpdatedAt.lt(now - QUIET_PERIOD))
            .filter(
                Condition::any()
                    .add(sign_in_throttle::Column::LockedUntil.is_null())
                    .add(sign_in_throttle::Column::LockedUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_five_failures_and_stop_growing() {
        assert_eq!(delay_after(4), None);
        assert_eq!(delay_after(5), Some(Duration::seconds(15)));
        assert_eq!(delay_after(6), Some(Duration::seconds(30)));
        assert_eq!(delay_after(7), Some(Duration::seconds(60)));
        assert_eq!(delay_after(30), Some(MAX_DELAY));
        assert_eq!(delay_after(i32::MAX), Some(MAX_DELAY));
    }

    #[test]
    fn the_account_everywhere_has_a_high_ceiling() {
        assert_eq!(Counted::of("conta:ab").delay_after(FREE_FAILURES + 1), None);
        assert_eq!(Counted::of("conta:ab").delay_after(ACCOUNT_FREE_FAILURES), Some(FIRST_DELAY));
        assert_eq!(Counted::of("par:ab").delay_after(FREE_FAILURES), Some(FIRST_DELAY));
        assert_eq!(Counted::of("ip:10.0.0.1").delay_after(FREE_FAILURES), Some(FIRST_DELAY));
    }
}
