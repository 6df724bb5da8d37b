//! `POST /acompanhar/{número}/complemento`: the history page's "Complementar solicitação"
//! (a multipart form: the text and the images). Checked for its origin before anything is
//! read, the body capped by the attachment limits in force; the rest is
//! `services::complement`'s. Done: back to the history with a confirmation (303).
//! Refused: the history again with the message beside its field and the text kept.

use super::client_addr::ClientAddr;
use super::form_body::{read_complement, BodyError};
use super::respond::{bad_form, forbidden_origin, not_found, page_again, Wording};
use super::AppState;
use crate::refusal::Refusal;
use app::api::follow::{ComplementPost, COMPLEMENT_FILES, COMPLEMENT_SENT};
use app::domain::protocol::ProtocolNumber;
use app::request_context::{same_origin, session_in};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::{IpAddr, Ipv4Addr};

const COMPLEMENT: Wording = Wording {
    doing: "enviar o complemento",
    conflict: "A solicitação foi atualizada enquanto você escrevia. Confira o histórico e envie novamente.",
};

pub async fn complement(
    State(state): State<AppState>,
    Path(number): Path<String>,
    client: ClientAddr,
    request: Request,
) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let Some(number) = ProtocolNumber::parse(&number) else { return not_found() };
    let limits = match state.complement.limits().await {
        Ok(limits) => limits,
        Err(error) => return super::respond::refusal(&Refusal::from(error), "enviar o complemento"),
    };
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limits.body_bytes()));
    let Ok(multipart) = Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await else {
        return bad_form();
    };
    let path = format!("/acompanhar/{number}");
    let complement = match read_complement(multipart, limits).await {
        Ok(complement) => complement,
        Err(BodyError::Malformed(error)) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let refused = Refusal::invalid(COMPLEMENT_FILES, limits.body_too_large());
            let kept = ComplementPost { text: String::new(), had_files: true };
            return page_again(state, parts, &path, refused, COMPLEMENT, |shown| shown.keeping(kept)).await;
        }
        Err(_) => return bad_form(),
    };
    let kept = ComplementPost { text: complement.text.clone(), had_files: !complement.uploads.is_empty() };
    let session = session_in(&parts.headers);
    let client = client.0.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match state.complement.complement(session.as_deref(), &number, complement, client).await {
        Ok(()) => Redirect::to(&format!("{path}?complemento={COMPLEMENT_SENT}#complemento-titulo")).into_response(),
        Err(refused) => page_again(state, parts, &path, refused, COMPLEMENT, |shown| shown.keeping(kept)).await,
    }
}
