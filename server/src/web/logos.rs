//! Systems' logos: `GET /logotipos/{slug}-{digest}.png` serves one (cached for a year: a
//! new logo gets a new address), `POST /admin/sistemas/{slug}/logotipo` uploads or
//! removes one. The upload is a multipart form, so it reads the CSRF token from the body
//! itself before the usual administrator checks.

use super::admin::administrator_posting;
use super::client_addr::client_of;
use super::console::{forbidden_origin, unavailable};
use super::follow::{not_found, render_page_with};
use super::form_body::{display_name, read_file};
use super::AppState;
use crate::services::logos::{LogoError, MAX_UPLOAD_BYTES};
use app::api::console::ConsoleFeedback;
use app::ports::same_origin;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// The form's name in [`ConsoleFeedback`] and its file field.
const FORM: &str = "logotipo";

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
    action: String,
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
            "acao" => posted.action = part.text().await?,
            _ => {} // nothing else is read
        }
    }
    Ok(())
}

/// `POST /admin/sistemas/{slug}/logotipo` (`acao` = `enviar` with the file, or `remover`).
pub async fn change(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if !same_origin(&headers) {
        return forbidden_origin();
    }
    let client = client_of(&request).map(|ip| ip.to_string());
    let (parts, body) = request.into_parts();
    let mut posted = Posted::default();
    let read = match Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(multipart) => read_form(multipart, &mut posted).await,
        Err(_) => return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response(),
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
    let admin = match administrator_posting(&state, &headers, &posted.csrf).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let page = format!("/admin/sistemas/{slug}");
    let outcome = match posted.action.as_str() {
        "enviar" if posted.too_large => {
            Err(LogoError::Refused(format!("O arquivo “{}” tem mais de 2 MB, o tamanho máximo.", posted.file_name)))
        }
        "enviar" => state.logos.upload(&admin, &slug, &posted.file_name, posted.bytes, client).await.map(|()| FORM),
        "remover" => state.logos.remove(&admin, &slug, client).await.map(|()| "logotipo-removido"),
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    let feedback = match outcome {
        Ok(done) => return Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(LogoError::NotFound) => return not_found(),
        Err(LogoError::Refused(message)) => ConsoleFeedback {
            status: 422,
            form: FORM.to_owned(),
            field: Some(FORM.to_owned()),
            message,
            ..Default::default()
        },
        Err(LogoError::Database(error)) => {
            tracing::error!(error = %error, "saving a logo failed");
            ConsoleFeedback {
                status: 503,
                form: FORM.to_owned(),
                message: "Não foi possível salvar agora. Tente novamente em alguns minutos.".to_owned(),
                ..Default::default()
            }
        }
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}
