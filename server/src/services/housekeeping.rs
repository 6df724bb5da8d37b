//! Forgetting what no longer protects anything: spent captchas past their expiry (an
//! expired challenge is refused anyway, so its record cannot matter), sign-in throttle
//! rows that hold nobody back, and the shared limits' windows no limit looks at. All are
//! plain conditional deletes, so two instances running this at once do no harm.

use super::sign_in_throttle::SignInThrottle;
use crate::db::WriteGate;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::time::Duration;

/// The longest window of any per-address or per-CPF limit (an hour).
const LONGEST_LIMIT_WINDOW: Duration = Duration::from_secs(3_600);

/// How often the job runs.
pub const INTERVAL: Duration = Duration::from_secs(600);

#[derive(Clone)]
pub struct Housekeeping {
    db: DatabaseConnection,
    gate: WriteGate,
    throttle: SignInThrottle,
}

/// What one run deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub captchas: u64,
    pub throttles: u64,
    /// Windows of the per-address and per-CPF limits (`rate_hits`).
    pub limits: u64,
}

impl Housekeeping {
    pub fn new(db: DatabaseConnection, gate: WriteGate, throttle: SignInThrottle) -> Housekeeping {
        Housekeeping { db, gate, throttle }
    }

    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Purged, DbErr> {
        let expired = Query::delete()
            .from_table(Alias::new("captcha_uses"))
            .and_where(Expr::col(Alias::new("expires_at")).lt(now))
            .to_owned();
        let captchas = {
            let _turn = self.gate.enter().await;
            self.db.execute(self.db.get_database_backend().build(&expired)).await?.rows_affected()
        };
        let throttles = self.throttle.purge(now).await?;
        let limits = {
            let _turn = self.gate.enter().await;
            crate::rate_limit::shared::purge(&self.db, LONGEST_LIMIT_WINDOW, now).await?
        };
        Ok(Purged { captchas, throttles, limits })
    }

    pub fn spawn(self, shutdown: crate::services::jobs::Shutdown) -> tokio::task::JoinHandle<()> {
        super::jobs::every(INTERVAL, "housekeeping", shutdown, move || {
            let job = self.clone();
            async move {
                let purged = job.run_once(Utc::now()).await?;
                Ok((purged != Purged::default()).then(|| {
                    format!(
                        "{} expired captchas, {} sign-in throttles and {} limit windows forgotten",
                        purged.captchas, purged.throttles, purged.limits
                    )
                }))
            }
        })
    }
}
