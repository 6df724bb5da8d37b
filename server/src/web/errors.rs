//! The last line of defence: a bug that panics while handling a request still gets the
//! citizen a plain 500 page in Portuguese, and the log gets the details.

use axum::body::Body;
use http::{header, Response, StatusCode};
use std::any::Any;

const PAGE: &str = "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Erro | WEB Atendimento SUS</title></head><body><main>\
<h1>Não foi possível carregar esta página</h1>\
<p>Ocorreu um erro inesperado. Tente novamente mais tarde.</p>\
<p><a href=\"/\">Voltar ao início</a></p></main></body></html>";

pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    let mut response = Response::new(Body::from(PAGE));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static("text/html; charset=utf-8"));
    response
}
