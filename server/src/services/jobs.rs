//! What every background job shares: a round at a fixed interval (a slow round delays the
//! next instead of bunching them up), a round's report logged when it did something, and
//! a failed round logged and retried at the next tick. Each job keeps its own rounds safe
//! with several instances; this only runs them.

use sea_orm::DbErr;
use std::future::Future;
use std::time::Duration;

/// Runs `round` every `interval` (the first at once) until the task is aborted. A round
/// returns what to log (`None`: nothing happened, nothing logged).
pub fn every<F, Fut>(interval: Duration, job: &'static str, round: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<Option<String>, DbErr>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let started = std::time::Instant::now();
            match round().await {
                Ok(None) => {}
                Ok(Some(done)) => {
                    tracing::info!(job, elapsed_ms = started.elapsed().as_millis() as u64, "{done}")
                }
                Err(error) => tracing::error!(job, error = %error, "background job failed; it will try again"),
            }
        }
    })
}
