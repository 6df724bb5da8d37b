//! Server functions take a few short fields. A larger body is refused here with 413
//! before one reads it: inside Leptos a body over its limit fails the call as a 500.
//! The request form (`/api/chamados/…`) caps its own body to the attachment limits.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

/// Far above any server function's arguments (the longest is a lookup form).
pub const SERVER_FN_BODY_LIMIT: usize = 64 * 1024;

pub async fn server_fn_bodies(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::POST || !path.starts_with("/api/") || path.starts_with("/api/chamados/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(error) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>())
                || error.to_string().contains("length limit");
            if too_large {
                (StatusCode::PAYLOAD_TOO_LARGE, "Requisição grande demais.").into_response()
            } else {
                (StatusCode::BAD_REQUEST, "A requisição chegou incompleta.").into_response()
            }
        }
    }
}
