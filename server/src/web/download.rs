//! Sending a stored attachment: as a download that the browser never renders in the
//! portal's origin, with its name made safe for the header.

use super::respond::{not_found, unavailable};
use super::AppState;
use crate::attachments::image_check::{self, ImageKind};
use crate::attachments::AttachedFile;
use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures_util::TryStreamExt;

/// A stored attachment as a download that the browser never renders in the portal's
/// origin (the citizen's and the agent's downloads), sent as it is read from the store.
pub async fn send_file(state: &AppState, record: &AttachedFile) -> Response {
    let stored = match state.attachments.open(&record.id).await {
        Ok(stored) => stored,
        Err(error) => return unreadable(&error, record),
    };
    let content_type = match record.content_type.as_str() {
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        "image/gif" => "image/gif",
        _ => "application/octet-stream",
    };
    let disposition = content_disposition(&record.file_name);
    // A store that fails once the headers are sent can only cut the connection; it is
    // logged here, as the failures before them are.
    let id = record.id.clone();
    let bytes = stored.bytes.inspect_err(move |error| {
        tracing::error!(error = %error, attachment = %id, "sending a stored attachment");
    });
    let mut response = Response::new(Body::from_stream(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(stored.size));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    kept_private(headers);
    response
}

/// A file its record names that the store did not give: gone is a 404; a store that
/// is down or refuses is a 503 (try again later), not a claim that the file is missing.
fn unreadable(error: &std::io::Error, record: &AttachedFile) -> Response {
    tracing::error!(error = %error, attachment = %record.id, "reading a stored attachment");
    match error.kind() {
        std::io::ErrorKind::NotFound => not_found(),
        _ => unavailable(),
    }
}

/// Not kept by any cache, and nothing in it may run even if a browser tried to render it.
fn kept_private(headers: &mut http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
}

/// What the console's request page shows inline. A GIF is shown as its first frame, a
/// still PNG: an animation of many large frames would cost the agent's browser seconds of
/// CPU and hundreds of megabytes just for opening the request. Other images are sent as
/// stored.
pub async fn send_preview(state: &AppState, record: &AttachedFile) -> Response {
    if record.content_type != ImageKind::Gif.mime() {
        return send_file(state, record).await;
    }
    let bytes = match state.attachments.get(&record.id).await {
        Ok(bytes) => bytes,
        Err(error) => return unreadable(&error, record),
    };
    // Decoding is CPU and memory work, counted with the uploads' and the logos'.
    let Ok(_permit) = image_check::DECODES.acquire().await else { return unavailable() };
    match tokio::task::spawn_blocking(move || image_check::preview_png(&bytes)).await {
        Ok(Ok(png)) => {
            let mut response = Response::new(Body::from(png));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            kept_private(headers);
            response
        }
        Ok(Err(error)) => {
            tracing::error!(error = %error, attachment = %record.id, "previewing a stored attachment");
            unavailable()
        }
        Err(_) => unavailable(),
    }
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the real name.
fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_in_the_header() {
        let header = content_disposition("tela \"1\"\r\nX: y ção.png");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(header.starts_with("attachment; filename=\"tela _1___X_ y __o.png\""), "{header}");
        assert!(header.contains("filename*=UTF-8''tela%20%221%22%0D%0AX%3A%20y%20%C3%A7%C3%A3o.png"));
    }
}
