//! The request form's two doors: the island's submission (`POST /api/chamados/{system}`,
//! answered in JSON, [`submit`]) and the page's plain form post, before the wasm arrives
//! or without JavaScript (`request_page`); both go through [`receive`]. Here the body is
//! only read: a post started by another site is refused before anything else, then an
//! unknown system, then the body is read as a stream (the whole body and each file capped
//! by the administrator's current attachment limits, 5 files of 3 MB by default) and a
//! filled honeypot refused. The opening itself, with every check in order, is
//! `services::opening`'s `submit`; its refusal is answered here.

use super::client_addr::ClientAddr;
use super::form_body::{read_body, BodyError};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::opening::Opened;
use app::api::request::{opening_unavailable, FieldError, SubmitOutcome};
use app::domain::request_form::{Draft, Field};
use app::request_context::same_origin;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::{IpAddr, Ipv4Addr};

const GENERIC_INVALID: &str = "Corrija os campos indicados e envie novamente.";

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

/// A refusal of the opening service as either door answers it.
fn refused_by(refusal: Refusal) -> Answer {
    let status = refusal.status();
    let outcome = match refusal {
        Refusal::Invalid(problems) => SubmitOutcome::Invalid {
            message: GENERIC_INVALID.to_owned(),
            errors: problems
                .into_iter()
                .filter_map(|p| Some(FieldError { field: Field::from_name(p.field)?, message: p.message }))
                .collect(),
        },
        Refusal::NotFound => SubmitOutcome::Refused { message: "Sistema não encontrado.".to_owned() },
        Refusal::Refused(message) | Refusal::Limited(message) => SubmitOutcome::Refused { message },
        Refusal::SignInRequired | Refusal::Forbidden | Refusal::Conflict | Refusal::Unavailable => {
            SubmitOutcome::Refused { message: opening_unavailable() }
        }
    };
    Answer::new(status, outcome)
}

/// The success answer: the number and the address of its confirmation page.
fn created(opened: Opened) -> Answer {
    Answer::new(StatusCode::CREATED, SubmitOutcome::Created { number: opened.number, redirect: opened.confirmation })
}

/// `POST /api/chamados/{system}`: the island's submission, answered in JSON.
pub async fn submit(State(state): State<AppState>, Path(system): Path<String>, request: Request) -> Response {
    let answer = receive(&state, &system, request).await;
    (answer.status, Json(answer.outcome)).into_response()
}

/// Reads a submission of the request form of `system` and hands it to the opening
/// service.
pub async fn receive(state: &AppState, system: &str, request: Request) -> Answer {
    // Before anything is looked at: another site must not make its visitors open requests.
    if !same_origin(request.headers()) {
        drain(request.into_body()).await;
        return refused(StatusCode::FORBIDDEN, "Origem não permitida.");
    }
    let (mut parts, body) = request.into_parts();
    let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(&mut parts, state).await;
    let client = client.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let service = &state.requests;
    let form = match service.form_system(system).await {
        Ok(Some(form)) => form,
        Ok(None) => return refused_by(Refusal::NotFound),
        Err(error) => return refused_by(Refusal::from(error)),
    };
    let limits = form.limits();
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
        tracing::info!(%client, "request form: honeypot filled; refused");
        return refused(StatusCode::BAD_REQUEST, "Não foi possível registrar a solicitação.");
    }
    // What a page shown again keeps: what was typed, and the form's key.
    let posted = received.posted;
    let typed = posted.draft.clone();
    let had_files = !posted.uploads.is_empty();
    let key = posted.idempotency_key.clone();
    let answer = match service.submit(&form, posted, client).await {
        Ok(opened) => created(opened),
        Err(refusal) => refused_by(refusal),
    };
    Answer { typed: Some(typed), had_files, key, ..answer }
}

/// Reads and drops up to 64 KiB of a body that is refused unread, so that the answer
/// reaches the client: closing a connection with bytes still unread resets it, and the
/// client would see a network error instead of the refusal.
async fn drain(body: Body) {
    let _ = axum::body::to_bytes(body, 64 * 1024).await;
}
