//! One log line per request: method, path, status, time; and the request's span, so that
//! whatever is logged while it is handled (a database failure turned into a refusal, say)
//! names the route and the request's id. The id is the `X-Request-Id` a balancer sent, or
//! a new one, and goes back in the response: a citizen's "erro" and the log line meet.
//! The query string is left out on purpose: it can carry what a citizen typed (a search).

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderName, HeaderValue};
use std::time::Instant;
use tracing::Instrument;

/// The header that carries a request's id, in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id a balancer or client gave the request, when it is short and plain (it goes into
/// log lines as it is), or a new random one.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()))
}

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
    let id = request_id(request.headers());
    // The route as declared (`/faq/{system}`), for the metrics: never the path as typed.
    let route = request.extensions().get::<MatchedPath>().cloned();
    // At error level: enabled whenever anything inside it can be logged.
    let span = tracing::error_span!("request", request_id = %id, %method, path = %path);
    span.in_scope(|| tracing::trace!("request received"));
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    crate::metrics::request(route.as_ref().map_or("(arquivos)", MatchedPath::as_str), status, elapsed);
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(%method, path, status, micros, "request");
        } else {
            tracing::debug!(%method, path, status, micros, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
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

    #[test]
    fn a_plain_request_id_is_kept_and_anything_else_replaced() {
        let mut headers = HeaderMap::new();
        assert_eq!(request_id(&headers).len(), 32);
        assert_ne!(request_id(&headers), request_id(&headers));
        headers.insert(REQUEST_ID, HeaderValue::from_static("nginx-5f2a.91:7"));
        assert_eq!(request_id(&headers), "nginx-5f2a.91:7");
        for odd in ["a b", "x\"\nforged line", "", &"9".repeat(65)] {
            if let Ok(value) = HeaderValue::from_str(odd) {
                headers.insert(REQUEST_ID, value);
                let id = request_id(&headers);
                assert!(id.len() == 32 && id != odd, "{odd:?} -> {id}");
            }
        }
    }
}
