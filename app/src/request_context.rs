//! What server functions and handlers read from an HTTP request and add to its response
//! (server build only): cookies, the client's address, whether a post came from this
//! portal. One home for each, used by the app's server functions and the server's handlers.

/// The name of the follow-up session cookie (HttpOnly, SameSite=Strict).
pub const SESSION_COOKIE: &str = "wa_sessao";

/// The client's address, as the server saw the connection.
pub fn client_ip(parts: &http::request::Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip())
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set_cookie(value: &str) {
    match (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value)) {
        (Some(response), Ok(value)) => response.append_header(http::header::SET_COOKIE, value),
        _ => tracing::error!("could not set the session cookie on the response"),
    }
}

/// The follow-up session cookie of the current request, if any.
pub fn session_cookie() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| session_in(&parts.headers))
}

/// The follow-up session cookie's value among these request headers.
pub fn session_in(headers: &http::HeaderMap) -> Option<String> {
    cookie_in(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` of the current request, if any.
pub fn cookie(name: &str) -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| cookie_in(&parts.headers, name))
}

/// The value of the cookie `name` among these request headers.
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Whether a state-changing request came from a page of this portal: the browser's
/// `Sec-Fetch-Site` does not say another site (or a sibling subdomain) started it, and
/// `Origin` is absent (same-origin form posts of older browsers, tools) or names this very
/// host. Every post that writes, signs in or spends a captcha checks this first.
pub fn same_origin(headers: &http::HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if fetch_site.eq_ignore_ascii_case("cross-site") || fetch_site.eq_ignore_ascii_case("same-site") {
        return false;
    }
    let Some(origin) = headers.get(http::header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{header, HeaderMap, HeaderValue};

    #[test]
    fn posts_from_another_origin_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("portal.test"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://portal.test"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.test"));
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("portal.test"));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers), "a browser saying another site started it");
    }
}
