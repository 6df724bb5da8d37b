//! Security and caching headers. Every request gets a fresh nonce here, before routing;
//! the page render takes it from the request (Leptos adds it to its inline scripts) and
//! this middleware writes the matching Content-Security-Policy on every HTML response
//! itself, so no page can leave without it. Other responses get a policy that allows
//! nothing active at all.

use app::ports::Ports;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::HeaderValue;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// For anything that is not a page: images, JSON, wasm.
const LOCKED_DOWN_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Hashed file names under `/pkg` change whenever their content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const STATIC_ASSET: &str = "public, max-age=86400";
const PAGE: &str = "no-cache";
const NOT_STORED: &str = "no-store";

/// The policy for an HTML page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str, dev_reload: Option<&str>) -> String {
    let connect = dev_reload.map(|origin| format!(" {origin}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'{connect}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one request, set by [`security_and_caching`] before the page renders.
#[derive(Clone, Debug)]
pub struct RequestNonce(pub String);

/// What the headers middleware needs to know.
#[derive(Clone, Debug, Default)]
pub struct HeaderSettings {
    /// The `cargo leptos watch` reload websocket, allowed only while it runs.
    pub dev_reload: Option<String>,
    /// The public address is https: browsers are told to use nothing else (HSTS).
    pub https: bool,
}

/// A year: browsers that saw the portal over https never try it in clear again.
const HSTS: &str = "max-age=31536000";

/// Runs at the start of every page render and server-function call, and when the
/// fallback serves a static file (with no request in the context: nothing to render).
pub fn provide_page_context(ports: &Ports) {
    provide_context(ports.clone());
    let Some(parts) = use_context::<http::request::Parts>() else { return };
    let nonce = parts.extensions.get::<RequestNonce>().map(|n| Nonce::from_value(n.0.clone())).unwrap_or_else(|| {
        // Without it the page's scripts would not match its policy and would not run.
        tracing::error!("page rendered without the request nonce");
        Nonce::new()
    });
    provide_context(nonce);
}

pub async fn security_and_caching(
    State(settings): State<HeaderSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new().to_string();
    request.extensions_mut().insert(RequestNonce(nonce.clone()));
    let is_pkg = request.uri().path().starts_with("/pkg/");
    let is_api = request.uri().path().starts_with("/api/");
    // A citizen's own requests, and the console (personal data, CSRF tokens): never kept
    // by a browser cache or a proxy.
    let path = request.uri().path();
    let is_personal = ["/acompanhar", "/atendimento", "/admin"].iter().any(|prefix| path.starts_with(prefix));
    let mut response = next.run(request).await;
    let status = response.status();
    let is_html =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if settings.https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    let page_policy =
        is_html.then(|| HeaderValue::from_str(&page_csp(&nonce, settings.dev_reload.as_deref())).ok()).flatten();
    match page_policy {
        Some(policy) => {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
        None if !headers.contains_key(CONTENT_SECURITY_POLICY) => {
            headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(LOCKED_DOWN_CSP));
        }
        None => {}
    }
    if !headers.contains_key(CACHE_CONTROL) {
        let policy = if is_personal {
            NOT_STORED
        } else if is_html {
            PAGE
        } else if is_api || !status.is_success() {
            NOT_STORED
        } else if is_pkg {
            IMMUTABLE
        } else {
            STATIC_ASSET
        };
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_no_inline_script_without_the_nonce() {
        let csp = page_csp("abc", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("ws://"));
        assert!(page_csp("abc", Some("ws://127.0.0.1:3001")).contains("connect-src 'self' ws://127.0.0.1:3001;"));
    }
}
