//! The opening of a request from the request form: every rule the browser checked is
//! checked again here, with the same messages per field. Two doors lead in: the island's
//! submission (`POST /api/chamados/{system}`, answered in JSON, [`submit`]) and the
//! page's plain form post, before the wasm arrives or without JavaScript
//! (`request_page`); both go through [`receive`].
//!
//! Order of work: a post started by another site is refused before anything else, then
//! an unknown system, then the body is read as a stream (the
//! whole body and each file capped by the administrator's current attachment limits, 5
//! files of 3 MB by default), then the per-IP limit, then a form already stored (its idempotency key) gets that
//! request's number, then the fields and captcha are checked, then the per-person limit
//! and the images, and only then are files stored and the request written in one
//! transaction. Once the captcha checked out, any refusal spends it.

use super::client_addr::client_of;
use super::form_body::{read_body, BodyError, Upload};
use super::AppState;
use crate::attachments::image_check::{self, ImageError};
use crate::attachments::store::{self, AttachmentStore};
use crate::captcha::Verified;
use crate::services::requests::{FormSystem, OpenError, StoredAttachment, Submission};
use app::api::request::{FieldError, SubmitOutcome};
use app::domain::request_form::{self, is_idempotency_key, Draft, Field, ValidDraft};
use app::domain::settings::AttachmentLimits;
use app::ports::same_origin;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

const GENERIC_INVALID: &str = "Corrija os campos indicados e envie novamente.";
const TRY_LATER: &str = "Não foi possível registrar a solicitação agora. Tente novamente em alguns minutos; os dados digitados foram mantidos.";

/// What a submission came to, for either door.
pub struct Answer {
    pub status: StatusCode,
    pub outcome: SubmitOutcome,
    /// What was typed, once the body could be read (the page shows it again).
    pub typed: Option<Draft>,
    /// Files came with it: a page shown again cannot give them back.
    pub had_files: bool,
    /// The form's idempotency key as posted: a page shown again keeps it, so that sending
    /// it once more still cannot open a second request.
    pub key: String,
}

impl Answer {
    fn new(status: StatusCode, outcome: SubmitOutcome) -> Answer {
        Answer { status, outcome, typed: None, had_files: false, key: String::new() }
    }
}

fn refused(status: StatusCode, message: &str) -> Answer {
    Answer::new(status, SubmitOutcome::Refused { message: message.to_owned() })
}

fn cpf_limit() -> Answer {
    refused(
        StatusCode::TOO_MANY_REQUESTS,
        "Você já abriu o número máximo de solicitações com este CPF e este e-mail nas últimas 24 horas. Acompanhe as solicitações abertas ou tente novamente amanhã.",
    )
}

fn invalid(errors: Vec<FieldError>) -> Answer {
    Answer::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        SubmitOutcome::Invalid { message: GENERIC_INVALID.to_owned(), errors },
    )
}

/// The success answer for `number`: the address of its confirmation page.
fn created(state: &AppState, form: &FormSystem, number: String) -> Answer {
    let token = state.requests.created_token(&number);
    let redirect = format!("/faq/{}/chamado/{number}?t={token}", form.system.slug);
    Answer::new(StatusCode::CREATED, SubmitOutcome::Created { number, redirect })
}

/// `POST /api/chamados/{system}`: the island's submission, answered in JSON.
pub async fn submit(State(state): State<AppState>, Path(system): Path<String>, request: Request) -> Response {
    let answer = receive(&state, &system, request).await;
    (answer.status, Json(answer.outcome)).into_response()
}

/// Reads and checks a submission of the request form of `system` and, if it passes,
/// opens the request.
pub async fn receive(state: &AppState, system: &str, request: Request) -> Answer {
    // Before anything is looked at: another site must not make its visitors open requests.
    if !same_origin(request.headers()) {
        drain(request.into_body()).await;
        return refused(StatusCode::FORBIDDEN, "Origem não permitida.");
    }
    let ip = client_of(&request).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let service = &state.requests;
    let form = match service.form_system(system).await {
        Ok(Some(form)) => form,
        Ok(None) => return refused(StatusCode::NOT_FOUND, "Sistema não encontrado."),
        Err(error) => {
            tracing::error!(error = %error, "loading the system for a submission");
            return refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER);
        }
    };
    let limits = form.limits;
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limits.body_bytes()));
    let multipart = match Multipart::from_request(Request::from_parts(parts, body), state).await {
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
    let typed = received.draft.clone();
    let had_files = !received.uploads.is_empty();
    let key = received.idempotency_key.clone();
    // Counted once the body is read, so that a page shown again keeps what was typed.
    if !state.ip_limiter.allow(ip, Instant::now()) {
        tracing::info!(%ip, "request form: per-IP limit reached");
        let answer = refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Muitas solicitações enviadas a partir desta rede. Aguarde uma hora e tente novamente.",
        );
        return Answer { typed: Some(typed), had_files, key, ..answer };
    }
    let answer =
        check_and_open(state, &form, received.draft, received.captcha, received.idempotency_key, received.uploads)
            .await;
    Answer { typed: Some(typed), had_files, key, ..answer }
}

/// Reads and drops up to 64 KiB of a body that is refused unread, so that the answer
/// reaches the client: closing a connection with bytes still unread resets it, and the
/// client would see a network error instead of the refusal.
async fn drain(body: Body) {
    let _ = axum::body::to_bytes(body, 64 * 1024).await;
}

/// From the fields on: the form's key, the fields and captcha, then the rest.
async fn check_and_open(
    state: &AppState,
    form: &FormSystem,
    typed: Draft,
    captcha: String,
    key: String,
    uploads: Vec<Upload>,
) -> Answer {
    let service = &state.requests;
    let key = Some(key).filter(|k| is_idempotency_key(k));
    // The same form again (a double click, a retry after a timeout): the first request's
    // number, before its captcha, which the first submission spent, is even looked at.
    if let Some(key) = &key {
        match service.opened_with_key(key).await {
            Ok(Some(number)) => return created(state, form, number),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(error = %error, "looking up a form's idempotency key");
                return refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER);
            }
        }
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let draft = match request_form::validate(&typed, &form.funcionalidade_ids()) {
        Ok(draft) => Some(draft),
        Err(fields) => {
            errors.extend(fields.into_iter().map(|(field, message)| FieldError { field, message }));
            None
        }
    };
    let captcha = match service.captcha().verify(&captcha, chrono::Utc::now()) {
        Ok(verified) => Some(verified),
        Err(error) => {
            errors.push(FieldError { field: Field::Captcha, message: error.message().to_owned() });
            None
        }
    };
    errors.sort_by_key(|e| Field::ALL.iter().position(|f| *f == e.field));
    let Some(captcha) = captcha else { return invalid(errors) };
    // From here on the captcha checked out: whatever refuses the submission spends it, so
    // one solved challenge buys one try (the browser solves a fresh one for the next).
    let Some(draft) = draft else {
        service.spend_refused(captcha).await;
        return invalid(errors);
    };
    match open_checked(state, form, draft, captcha.clone(), key.clone(), uploads).await {
        Ok(created) => created,
        Err(refusal) => {
            service.spend_refused(captcha).await;
            // Refused as a spent captcha, and yet the form's request exists: it is a
            // resubmission that raced the first one's commit.
            if let (Some(key), SubmitOutcome::Invalid { .. }) = (&key, &refusal.outcome) {
                if let Ok(Some(number)) = service.opened_with_key(key).await {
                    return created(state, form, number);
                }
            }
            refusal
        }
    }
}

/// The rest of an opening whose fields and captcha checked out: the per-person limit,
/// the images, the files and the request itself. `Err` is a refusal (its captcha is spent).
async fn open_checked(
    state: &AppState,
    form: &FormSystem,
    draft: ValidDraft,
    captcha: Verified,
    idempotency_key: Option<String>,
    uploads: Vec<Upload>,
) -> Result<Answer, Answer> {
    let service = &state.requests;
    let limits = form.limits;
    match service.over_daily_limit(&draft).await {
        Ok(false) => {}
        Ok(true) => {
            tracing::info!(cpf = %draft.cpf.masked(), "request form: per-person limit reached");
            return Err(cpf_limit());
        }
        Err(error) => {
            tracing::error!(error = %error, "counting requests per person");
            return Err(refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER));
        }
    }

    // Images are decoded only for an otherwise valid, captcha-backed submission: decoding
    // is the expensive part, and must not be free to repeat.
    let images = match check_uploads(uploads, limits).await {
        Ok(images) => images,
        Err(message) => return Err(invalid(vec![FieldError { field: Field::Anexos, message }])),
    };

    let attachments = match put_files(state.attachments.as_ref(), images).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(error = %error, "storing attachments");
            return Err(refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER));
        }
    };
    let ids: Vec<String> = attachments.iter().map(|a| a.id.clone()).collect();
    match service.open(form, Submission { draft, captcha, attachments, idempotency_key }).await {
        Ok(number) => {
            tracing::info!(number = %number, system = %form.system.slug, files = ids.len(), "request opened");
            Ok(created(state, form, number))
        }
        Err(error) => {
            // When the commit's outcome is unknown the rows may exist: keep the files
            // (an orphan file is harmless, a record without its file is not).
            if !matches!(error, OpenError::CommitUnknown(_)) {
                for id in &ids {
                    let _ = state.attachments.delete(id).await;
                }
            }
            Err(match error {
                OpenError::CpfLimit => cpf_limit(),
                OpenError::CaptchaSpent => invalid(vec![FieldError {
                    field: Field::Captcha,
                    message: "Esta verificação anti-robô já foi usada. Ela será refeita; aguarde “Verificado” e envie novamente.".into(),
                }]),
                other => {
                    tracing::error!(error = %other, system = %form.system.slug, "storing a request");
                    refused(StatusCode::SERVICE_UNAVAILABLE, TRY_LATER)
                }
            })
        }
    }
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
            Ok(Err(ImageError::AnimationTooLarge)) => {
                let most = image_check::MAX_FRAMES;
                return Err(format!(
                    "A animação “{name}” é longa ou grande demais: envie até {most} quadros ou uma imagem parada."
                ));
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
