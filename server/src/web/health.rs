//! `/healthz`: 200 while the database answers, 503 when it does not, so a load balancer
//! stops sending citizens to an instance that cannot serve them.

use super::AppState;
use axum::extract::State;
use http::header::{HeaderName, CACHE_CONTROL};
use http::StatusCode;
use std::time::Duration;

const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// Never cached: a balancer or proxy must see the instance as it is now.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, [(HeaderName, &'static str); 1], &'static str) {
    let (status, text) = health(&state).await;
    (status, [(CACHE_CONTROL, "no-store")], text)
}

async fn health(state: &AppState) -> (StatusCode, &'static str) {
    match tokio::time::timeout(PING_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("health check: database ping timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
