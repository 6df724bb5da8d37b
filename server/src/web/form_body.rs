//! Reading the request form's multipart body as a stream: text fields capped in length,
//! each file kept only up to the limit (the body's own limit caps the total), and any
//! field the form does not have refused. Shared by the island's submission, the page's
//! plain form post, the citizen's complement and the administrators' logo upload.

use crate::attachments::Upload;
use crate::services::complement::Complement;
use crate::services::opening::Posted;
use app::api::follow::{COMPLEMENT_FILES, COMPLEMENT_TEXT};
use app::domain::request_form::{Field, HONEYPOT_FIELD, IDEMPOTENCY_FIELD};
use app::domain::settings::AttachmentLimits;
use axum::extract::multipart::{Field as Part, MultipartError};
use axum::extract::Multipart;

/// Largest text field (the description's 5,000 characters can take 4 bytes each).
const TEXT_FIELD_LIMIT: usize = 24 * 1024;

/// Everything read from the body: what the opening service takes, and the honeypot
/// (which only the handler looks at).
#[derive(Default)]
pub struct Received {
    pub posted: Posted,
    pub honeypot: String,
}

/// Why the body could not be read as a form.
pub enum BodyError {
    /// A field the form does not have (status, level, number...): refused outright.
    UnexpectedField,
    /// A text field far longer than any rule allows.
    FieldTooLong,
    Malformed(MultipartError),
}

pub async fn read_body(mut multipart: Multipart, limits: AttachmentLimits) -> Result<Received, BodyError> {
    let mut received = Received::default();
    while let Some(part) = multipart.next_field().await.map_err(BodyError::Malformed)? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == Field::Anexos.name() {
            if let Some(upload) = read_upload(part, limits).await.map_err(BodyError::Malformed)? {
                received.posted.uploads.push(upload);
            }
            continue;
        }
        let text = read_text(part).await.map_err(BodyError::Malformed)?.ok_or(BodyError::FieldTooLong)?;
        match name.as_str() {
            "captcha" => received.posted.captcha = text,
            n if n == IDEMPOTENCY_FIELD => received.posted.idempotency_key = text,
            n if n == HONEYPOT_FIELD => received.honeypot = text,
            n => match Field::from_name(n) {
                Some(field) if received.posted.draft.set(field, text) => {}
                _ => return Err(BodyError::UnexpectedField),
            },
        }
    }
    Ok(received)
}

/// What the history page's "Complementar solicitação" form carried.
pub async fn read_complement(mut multipart: Multipart, limits: AttachmentLimits) -> Result<Complement, BodyError> {
    let mut complement = Complement { text: String::new(), uploads: Vec::new() };
    while let Some(part) = multipart.next_field().await.map_err(BodyError::Malformed)? {
        match part.name().unwrap_or_default() {
            COMPLEMENT_FILES => {
                if let Some(upload) = read_upload(part, limits).await.map_err(BodyError::Malformed)? {
                    complement.uploads.push(upload);
                }
            }
            COMPLEMENT_TEXT => {
                complement.text =
                    read_text(part).await.map_err(BodyError::Malformed)?.ok_or(BodyError::FieldTooLong)?;
            }
            _ => return Err(BodyError::UnexpectedField),
        }
    }
    Ok(complement)
}

/// A file of a citizen's form, each capped at the attachment limit; `None` for the empty
/// part an empty file input sends.
async fn read_upload(part: Part<'_>, limits: AttachmentLimits) -> Result<Option<Upload>, MultipartError> {
    let file_name = part.file_name().map(display_name).unwrap_or_default();
    let limit = usize::try_from(limits.max_bytes()).unwrap_or(usize::MAX);
    let upload = read_file(part, file_name, limit).await?;
    Ok((!(upload.name.is_empty() && upload.bytes.is_empty())).then_some(upload))
}

/// Reads a text part; `None` when it exceeds `TEXT_FIELD_LIMIT` (read to the end and
/// dropped, so that the answer is not cut short by an unread body).
async fn read_text(mut part: Part<'_>) -> Result<Option<String>, MultipartError> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    while let Some(chunk) = part.chunk().await? {
        if too_long || bytes.len() + chunk.len() > TEXT_FIELD_LIMIT {
            too_long = true;
            bytes = Vec::new();
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((!too_long).then(|| String::from_utf8_lossy(&bytes).into_owned()))
}

/// Reads a file part, keeping nothing past `limit` bytes (the body's limit caps the
/// total). The administrators' logo upload reads its file the same way.
pub async fn read_file(mut part: Part<'_>, name: String, limit: usize) -> Result<Upload, MultipartError> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = part.chunk().await? {
        if too_large || bytes.len() + chunk.len() > limit {
            too_large = true;
            bytes = Vec::new();
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Upload { name, bytes, too_large })
}

/// The last path segment of a browser-supplied file name, without control characters,
/// at most 120 characters: it is only ever shown, never used as a path.
pub fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars().filter(|c| !c.is_control()).take(120).collect::<String>().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_reduced_to_a_shown_name() {
        assert_eq!(display_name("C:\\Users\\ana\\tela.png"), "tela.png");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\r\nb.png"), "ab.png");
    }
}
