//! What every background job shares: a round at a fixed interval (a slow round delays the
//! next instead of bunching them up), a round's report logged when it did something, a
//! failed round logged and retried at the next tick, and the stop at shutdown (the round
//! in hand finishes, no other starts). Each job keeps its own rounds safe with several
//! instances; this only runs them.

use sea_orm::DbErr;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Whether the server is shutting down, as the background jobs see it.
#[derive(Clone, Debug)]
pub struct Shutdown {
    asked: watch::Receiver<bool>,
    /// Held by [`Shutdown::never`], so that its channel stays open.
    _never: Option<Arc<watch::Sender<bool>>>,
}

impl Shutdown {
    /// The signal, and what asks for it (`send(true)`).
    pub fn channel() -> (watch::Sender<bool>, Shutdown) {
        let (ask, asked) = watch::channel(false);
        (ask, Shutdown { asked, _never: None })
    }

    /// A shutdown that never comes (tests, one-off commands).
    pub fn never() -> Shutdown {
        let (ask, asked) = watch::channel(false);
        Shutdown { asked, _never: Some(Arc::new(ask)) }
    }

    /// Asked already (or whoever could ask is gone).
    pub fn asked(&self) -> bool {
        *self.asked.borrow() || self.asked.has_changed().is_err()
    }

    /// Returns once a shutdown is asked.
    pub async fn wait(&self) {
        let mut asked = self.asked.clone();
        let _ = asked.wait_for(|asked| *asked).await;
    }
}

/// Runs `round` every `interval` (the first at once) until `shutdown` is asked. A round
/// returns what to log (`None`: nothing happened, nothing logged).
pub fn every<F, Fut>(interval: Duration, job: &'static str, shutdown: Shutdown, round: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<Option<String>, DbErr>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // A stop asked while a round ran wins over the tick that came due meanwhile.
            tokio::select! {
                biased;
                () = shutdown.wait() => break,
                _ = ticker.tick() => {}
            }
            let started = std::time::Instant::now();
            let outcome = round().await;
            crate::metrics::job_round(job, outcome.is_ok(), started.elapsed());
            match outcome {
                Ok(None) => {}
                Ok(Some(done)) => {
                    tracing::info!(job, elapsed_ms = started.elapsed().as_millis() as u64, "{done}")
                }
                Err(error) => tracing::error!(job, error = %error, "background job failed; it will try again"),
            }
        }
        tracing::debug!(job, "background job stopped");
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::sync::Semaphore;

    #[tokio::test]
    async fn a_job_finishes_its_round_and_starts_no_other() {
        let (ask, shutdown) = Shutdown::channel();
        let (started, finished) = (Arc::new(Semaphore::new(0)), Arc::new(AtomicUsize::new(0)));
        let release = Arc::new(Semaphore::new(0));
        let job = every(Duration::from_millis(1), "test", shutdown.clone(), {
            let (started, finished, release) = (started.clone(), finished.clone(), release.clone());
            move || {
                let (started, finished, release) = (started.clone(), finished.clone(), release.clone());
                async move {
                    started.add_permits(1);
                    let _ = release.acquire().await.map(|permit| permit.forget());
                    finished.fetch_add(1, Ordering::SeqCst);
                    Ok(None)
                }
            }
        });
        // The first round is running when the stop is asked; it is let finish after.
        let _ = started.acquire().await.map(|permit| permit.forget());
        assert!(!shutdown.asked());
        let _ = ask.send(true);
        assert!(shutdown.asked());
        release.add_permits(10);
        tokio::time::timeout(Duration::from_secs(2), job).await.unwrap_or_else(|_| panic!("still running")).ok();
        assert_eq!(finished.load(Ordering::SeqCst), 1, "the round in hand ends, no other starts");
        assert!(!Shutdown::never().asked());
    }
}
