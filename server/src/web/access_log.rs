//! One log line per request: method, path, status, time; and the request's span, so that
//! whatever is logged while it is handled (a database failure turned into a refusal, say)
//! names the route. The query string is left out on purpose: it can carry what a citizen
//! typed (a search, later a number).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// The path as logged: an invitation's token is a credential and never reaches a log.
fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/atendimento/convite/") {
        Some(_) => "/atendimento/convite/…".to_owned(),
        None => path.to_owned(),
    }
}

pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = loggable_path(request.uri().path());
    tracing::trace!(%method, path, "request received");
    // At error level: enabled whenever anything inside it can be logged.
    let span = tracing::error_span!("request", %method, path = %path);
    let response = next.run(request).instrument(span).await;
    let status = response.status().as_u16();
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if status >= 500 {
        tracing::warn!(%method, path, status, micros, "request");
    } else {
        tracing::debug!(%method, path, status, micros, "request");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_tokens_never_reach_the_log() {
        assert_eq!(loggable_path("/atendimento/convite/abcDEF123_-x"), "/atendimento/convite/…");
        assert_eq!(loggable_path("/acompanhar/202600000001"), "/acompanhar/202600000001");
    }
}
