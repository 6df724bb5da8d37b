//! The balancer's two questions. `/healthz`: is the process alive (it answers without
//! touching anything, so a database outage does not get every instance restarted).
//! `/readyz`: can it serve citizens now: the database answers and the file store is
//! reachable; 503 otherwise, so the balancer sends no one to it until it can.

use super::AppState;
use axum::extract::State;
use http::header::{HeaderName, CACHE_CONTROL};
use http::StatusCode;
use std::future::Future;
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

type Answer = (StatusCode, [(HeaderName, &'static str); 1], &'static str);

/// Never cached: a balancer or proxy must see the instance as it is now.
fn answer(status: StatusCode, text: &'static str) -> Answer {
    (status, [(CACHE_CONTROL, "no-store")], text)
}

pub async fn healthz() -> Answer {
    answer(StatusCode::OK, "ok\n")
}

pub async fn readyz(State(state): State<AppState>) -> Answer {
    if !within_time("the database", state.db.ping()).await {
        return answer(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n");
    }
    if !within_time("the file store", state.attachments.ready()).await {
        return answer(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n");
    }
    answer(StatusCode::OK, "ok\n")
}

/// Whether `check` succeeded within [`CHECK_TIMEOUT`]; why not is logged.
async fn within_time<E: std::fmt::Display>(what: &'static str, check: impl Future<Output = Result<(), E>>) -> bool {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness: {what} is not usable");
            false
        }
        Err(_) => {
            tracing::warn!("readiness: {what} did not answer in time");
            false
        }
    }
}
