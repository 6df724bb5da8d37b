//! Systems' logos: `GET /logotipos/{slug}-{digest}.png` serves one (cached for a year: a
//! new logo gets a new address), `POST /admin/sistemas/{slug}/logotipo` uploads or
//! removes one. The upload is a multipart form, so it reads the CSRF token from the body
//! itself before the usual administrator checks.

use super::checked_post::posting;
use super::client_addr::ClientAddr;
use super::form_body::{display_name, read_file};
use super::respond::{bad_form, forbidden_origin, not_found, page_again, unavailable, unknown_action, SAVING};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::logos::{FILE_FIELD, MAX_UPLOAD_BYTES};
use app::api::catalog_admin::LogoAction;
use app::request_context::same_origin;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The route's body limit: the largest image plus the form's small fields.
pub const BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match state.logos.file(&file).await {
        Ok(Some(png)) => {
            ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], png)
                .into_response()
        }
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(error = %error, "loading a logo");
            unavailable()
        }
    }
}

/// What the upload form sent.
#[derive(Default)]
struct Posted {
    csrf: String,
    action: Option<LogoAction>,
    file_name: String,
    bytes: Vec<u8>,
    too_large: bool,
}

/// Reads the form into `posted`; what came before an error stays there (the page puts
/// the token and the action before the file, so an oversized file keeps them).
async fn read_form(
    mut multipart: Multipart,
    posted: &mut Posted,
) -> Result<(), axum::extract::multipart::MultipartError> {
    while let Some(part) = multipart.next_field().await? {
        match part.name().unwrap_or_default() {
            "logotipo" => {
                // Named first: an upload cut off by the body limit is still refused by name.
                posted.file_name = part.file_name().map(display_name).unwrap_or_default();
                let upload = read_file(part, posted.file_name.clone(), MAX_UPLOAD_BYTES).await?;
                (posted.bytes, posted.too_large) = (upload.bytes, upload.too_large);
            }
            "csrf" => posted.csrf = part.text().await?,
            "acao" => {
                let value = part.text().await?;
                posted.action = LogoAction::ALL.iter().copied().find(|action| action.value() == value);
            }
            _ => {} // nothing else is read
        }
    }
    Ok(())
}

/// `POST /admin/sistemas/{slug}/logotipo` (`acao` = `enviar` with the file, or `remover`).
pub async fn change(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    client: ClientAddr,
    request: Request,
) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let (parts, body) = request.into_parts();
    let mut posted = Posted::default();
    let read = match Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(multipart) => read_form(multipart, &mut posted).await,
        Err(_) => return bad_form(),
    };
    match read {
        Ok(()) => {}
        Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            posted.too_large = true;
            posted.bytes = Vec::new();
        }
        Err(_) => return (StatusCode::BAD_REQUEST, "O envio foi interrompido ou chegou incompleto.").into_response(),
    }
    // A body cut off by the limit carries no token to check: refuse before anything else.
    if posted.too_large && posted.csrf.is_empty() {
        return (StatusCode::PAYLOAD_TOO_LARGE, "A imagem excede 2 MB, o tamanho máximo.").into_response();
    }
    let admin = match posting(&state, &parts.headers, &posted.csrf, true).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let page = format!("/admin/sistemas/{slug}");
    let Some(action) = posted.action else { return unknown_action() };
    let outcome = match action {
        LogoAction::Upload if posted.too_large => Err(Refusal::invalid(
            FILE_FIELD,
            format!("O arquivo “{}” tem mais de 2 MB, o tamanho máximo.", posted.file_name),
        )),
        LogoAction::Upload => state
            .logos
            .upload(&admin, &slug, &posted.file_name, posted.bytes, client.logged())
            .await
            .map(|()| "logotipo"),
        LogoAction::Remove => state.logos.remove(&admin, &slug, client.logged()).await.map(|()| "logotipo-removido"),
    };
    match outcome {
        Ok(done) => Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(refused) => page_again(state, parts, &page, refused, SAVING, |shown| shown.keeping(action)).await,
    }
}
