//! The balancer's two questions. `/healthz`: is the process alive (it answers without
//! touching anything, so a database outage does not get every instance restarted).
//! `/readyz`: can it serve citizens now: the database answers and the file store is
//! reachable; 503 otherwise, so the balancer sends no one to it until it can.

use super::AppState;
use axum::extract::State;
use http::header::{HeaderName, CACHE_CONTROL};
use http::StatusCode;
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
    match tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness: the database does not answer");
            return answer(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n");
        }
        Err(_) => {
            tracing::warn!("readiness: the database ping timed out");
            return answer(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n");
        }
    }
    match tokio::time::timeout(CHECK_TIMEOUT, state.attachments.ready()).await {
        Ok(Ok(())) => answer(StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness: the file store is not usable");
            answer(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness: the file store did not answer in time");
            answer(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n")
        }
    }
}
