//! `POST /api/chamados/{system}`: the request form's submission (multipart, sent by the
//! form's island with upload progress). Every rule the browser checked is checked again
//! here; the answer is a [`SubmitOutcome`] in JSON with the same messages per field.
//!
//! Order of work: cheap refusals first (unknown system, per-IP limit), then the body is
//! read as a stream (the whole body and each file capped by the administrator's current
//! attachment limits, 5 files of 3 MB by default),
//! then the fields, captcha and images are checked, then the per-CPF limit, and only
//! then are files stored and the request written in one transaction.

use super::AppState;
use crate::attachments::image_check::{self, ImageError};
use crate::attachments::store::{self, AttachmentStore};
use crate::services::requests::{OpenError, StoredAttachment, Submission};
use app::api::request::{FieldError, SubmitOutcome};
use app::domain::request_form::{self, Draft, Field, HONEYPOT_FIELD};
use app::domain::settings::AttachmentLimits;
use axum::body::Body;
use axum::extract::multipart::{Field as Part, MultipartError};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

/// Largest text field (the description's 5,000 characters can take 4 bytes each).
const TEXT_FIELD_LIMIT: usize = 24 * 1024;

const GENERIC_INVALID: &str = "Corrija os campos indicados e envie novamente.";
const TRY_LATER: &str = "Não foi possível registrar a solicitação agora. Tente novamente em alguns minutos; os dados digitados foram mantidos.";

fn reply(status: StatusCode, outcome: SubmitOutcome) -> Response {
    (status, Json(outcome)).into_response()
}

fn refused(status: StatusCode, message: &str) -> Response {
    reply(status, SubmitOutcome::Refused { message: message.to_owned() })
}

fn cpf_limit() -> Response {
    refused(
        StatusCode::TOO_MANY_REQUESTS,
        "Este CPF já abriu o número máximo de solicitações nas últimas 24 horas. Acompanhe as solicitações abertas ou tente novamente amanhã.",
    )
}

fn invalid(errors: Vec<FieldError>) -> Response {
    reply(StatusCode::UNPROCESSABLE_ENTITY, SubmitOutcome::Invalid { message: GENERIC_INVALID.to_owned(), errors })
}

/// An uploaded file as received.
pub(super) struct Upload {
    pub(super) name: String,
    pub(super) bytes: Vec<u8>,
    /// Over the limit: its bytes were read and dropped.
    pub(super) too_large: bool,
}

/// Everything read from the body.
#[derive(Default)]
struct Received {
    draft: Draft,
    captcha: String,
    honeypot: String,
    uploads: Vec<Upload>,
}

/// Why the body could not be read as a form.
enum BodyError {
    /// A field the form does not have (status, level, number...): refused outright.
    UnexpectedField,
    /// A text field far longer than any rule allows.
    FieldTooLong,
    Malformed(MultipartError),
}

pub async fn submit(State(state): State<AppState>, Path(system): Path<String>, request: Request) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let service = &state.requests;
    let form = match service.form_system(&system).await {
        Ok(Some(form)) => form,
        Ok(None) => return refused(StatusCode::NOT_FOUND, "Sistema não encontrado."),
        Err(error) => {
            tracing::error!(error = %error, "loading the system for a submission");
            return refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER);
        }
    };
    if !state.ip_limiter.allow(ip, Instant::now()) {
        tracing::info!(%ip, "request form: per-IP limit reached");
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Muitas solicitações enviadas a partir desta rede. Aguarde uma hora e tente novamente.",
        );
    }
    let limits = form.limits;
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limits.body_bytes()));
    let multipart = match Multipart::from_request(Request::from_parts(parts, body), &state).await {
        Ok(m) => m,
        Err(_) => {
            return refused(
                StatusCode::BAD_REQUEST,
                "O formulário chegou em um formato inesperado. Recarregue a página e tente novamente.",
            )
        }
    };
    let received = match read_body(multipart, limits).await {
        Ok(r) => r,
        Err(BodyError::UnexpectedField) => {
            return refused(StatusCode::BAD_REQUEST, "O formulário contém campos não permitidos.");
        }
        Err(BodyError::FieldTooLong) => {
            return refused(StatusCode::PAYLOAD_TOO_LARGE, "Um dos campos excede o tamanho máximo permitido.");
        }
        Err(BodyError::Malformed(error)) => {
            let status = error.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                return refused(status, &limits.body_too_large());
            }
            tracing::info!(error = %error.body_text(), "request form: unreadable body");
            return refused(StatusCode::BAD_REQUEST, "O envio foi interrompido ou chegou incompleto. Tente novamente.");
        }
    };
    if !received.honeypot.trim().is_empty() {
        tracing::info!(%ip, "request form: honeypot filled; refused");
        return refused(StatusCode::BAD_REQUEST, "Não foi possível registrar a solicitação.");
    }

    let mut errors: Vec<FieldError> = Vec::new();
    let draft = match request_form::validate(&received.draft, &form.funcionalidade_ids()) {
        Ok(draft) => Some(draft),
        Err(fields) => {
            errors.extend(fields.into_iter().map(|(field, message)| FieldError { field, message }));
            None
        }
    };
    let captcha = match service.captcha().verify(&received.captcha, chrono::Utc::now()) {
        Ok(verified) => Some(verified),
        Err(error) => {
            errors.push(FieldError { field: Field::Captcha, message: error.message().to_owned() });
            None
        }
    };
    let (Some(draft), Some(captcha)) = (draft, captcha) else {
        errors.sort_by_key(|e| Field::ALL.iter().position(|f| *f == e.field));
        return invalid(errors);
    };
    match service.cpf_over_limit(&draft.cpf.digits()).await {
        Ok(false) => {}
        Ok(true) => {
            tracing::info!(cpf = %draft.cpf.masked(), "request form: per-CPF limit reached");
            return cpf_limit();
        }
        Err(error) => {
            tracing::error!(error = %error, "counting requests per CPF");
            return refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER);
        }
    }

    // Images are decoded only for an otherwise valid, captcha-backed submission: decoding
    // is the expensive part, and must not be free to repeat.
    let images = match check_uploads(received.uploads, limits).await {
        Ok(images) => images,
        Err(message) => return invalid(vec![FieldError { field: Field::Anexos, message }]),
    };

    let attachments = match put_files(state.attachments.as_ref(), images).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(error = %error, "storing attachments");
            return refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER);
        }
    };
    let ids: Vec<String> = attachments.iter().map(|a| a.id.clone()).collect();
    match service.open(&form, Submission { draft, captcha, attachments }).await {
        Ok(number) => {
            tracing::info!(number = %number, system = %form.system.slug, files = ids.len(), "request opened");
            let token = service.created_token(&number);
            let redirect = format!("/faq/{}/chamado/{number}?t={token}", form.system.slug);
            reply(StatusCode::CREATED, SubmitOutcome::Created { number, redirect })
        }
        Err(error) => {
            // When the commit's outcome is unknown the rows may exist: keep the files
            // (an orphan file is harmless, a record without its file is not).
            if !matches!(error, OpenError::CommitUnknown(_)) {
                for id in &ids {
                    let _ = state.attachments.delete(id).await;
                }
            }
            match error {
                OpenError::CpfLimit => cpf_limit(),
                OpenError::CaptchaSpent => invalid(vec![FieldError {
                    field: Field::Captcha,
                    message: "Esta verificação anti-robô já foi usada. Ela será refeita; aguarde “Verificado” e envie novamente.".into(),
                }]),
                other => {
                    tracing::error!(error = %other, system = %form.system.slug, "storing a request");
                    refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER)
                }
            }
        }
    }
}

async fn read_body(mut multipart: Multipart, limits: AttachmentLimits) -> Result<Received, BodyError> {
    let mut received = Received::default();
    while let Some(part) = multipart.next_field().await.map_err(BodyError::Malformed)? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == Field::Anexos.name() {
            let file_name = part.file_name().map(display_name).unwrap_or_default();
            let limit = usize::try_from(limits.max_bytes()).unwrap_or(usize::MAX);
            let upload = read_file(part, file_name, limit).await.map_err(BodyError::Malformed)?;
            // An empty file input still sends one nameless, empty part.
            if !(upload.name.is_empty() && upload.bytes.is_empty()) {
                received.uploads.push(upload);
            }
            continue;
        }
        let text = read_text(part).await.map_err(BodyError::Malformed)?.ok_or(BodyError::FieldTooLong)?;
        match name.as_str() {
            "captcha" => received.captcha = text,
            n if n == HONEYPOT_FIELD => received.honeypot = text,
            n => match Field::from_name(n) {
                Some(field) if received.draft.set(field, text) => {}
                _ => return Err(BodyError::UnexpectedField),
            },
        }
    }
    Ok(received)
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
pub(super) async fn read_file(mut part: Part<'_>, name: String, limit: usize) -> Result<Upload, MultipartError> {
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
pub(super) fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars().filter(|c| !c.is_control()).take(120).collect::<String>().trim().to_owned()
}

/// Checks every file (count, name, size, content) and cleans the images; the first
/// problem is reported with the file's name and the rule.
async fn check_uploads(
    uploads: Vec<Upload>,
    limits: AttachmentLimits,
) -> Result<Vec<(String, image_check::CleanImage)>, String> {
    if uploads.len() > limits.max_files() {
        return Err(limits.too_many_sent());
    }
    let mut cleaned = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let name = if upload.name.is_empty() { "sem nome".to_owned() } else { upload.name };
        if upload.too_large {
            return Err(limits.too_large(&name));
        }
        if !request_form::allowed_image_name(&name) {
            return Err(format!("O arquivo “{name}” não é permitido: envie imagens jpg, jpeg, gif ou png."));
        }
        // Decoding is CPU and memory work: off the threads that serve other requests, and
        // a few at a time whatever the number of uploads in flight.
        let bytes = upload.bytes;
        let Ok(_permit) = image_check::DECODES.acquire().await else {
            return Err(format!("O arquivo “{name}” não pôde ser verificado agora. Tente novamente."));
        };
        let result = tokio::task::spawn_blocking(move || image_check::clean(&bytes)).await;
        match result {
            Ok(Ok(image)) => cleaned.push((name, image)),
            Ok(Err(ImageError::NotAnImage)) => {
                return Err(format!(
                    "O arquivo “{name}” não é uma imagem jpg, jpeg, gif ou png (o conteúdo foi verificado)."
                ));
            }
            Ok(Err(ImageError::TooLarge)) => {
                return Err(format!("A imagem “{name}” tem dimensões grandes demais."));
            }
            Ok(Err(ImageError::Corrupt)) | Err(_) => {
                return Err(format!("O arquivo “{name}” está corrompido ou não pôde ser lido como imagem."));
            }
        }
    }
    Ok(cleaned)
}

async fn put_files(
    store: &dyn AttachmentStore,
    images: Vec<(String, image_check::CleanImage)>,
) -> std::io::Result<Vec<StoredAttachment>> {
    let mut stored: Vec<StoredAttachment> = Vec::with_capacity(images.len());
    for (file_name, image) in images {
        let id = store::new_id();
        if let Err(error) = store.put(&id, &image.bytes).await {
            for done in &stored {
                let _ = store.delete(&done.id).await;
            }
            return Err(error);
        }
        stored.push(StoredAttachment { id, file_name, content_type: image.kind.mime(), size: image.bytes.len() });
    }
    Ok(stored)
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
