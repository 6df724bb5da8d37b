//! The follow-up routes that are not plain pages: the landing of the e-mail links (which
//! starts a session and moves to the clean address), the citizen's answers posted from
//! the history page, ending the session, and downloading an attachment.

use super::client_addr::client_of;
use super::headers::provide_page_context;
use super::AppState;
use crate::services::follow_up::{ActError, CitizenAction};
use crate::session::Scope;
use app::api::follow::{ActionFeedback, LookupFeedback, LookupOutcome};
use app::domain::request_form::is_protocol_number;
use app::ports::FollowDesk;
use app::ports::{same_origin, session_in};
use axum::body::Body;
use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::provide_context;
use serde::Deserialize;

pub(super) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Não encontrado").into_response()
}

/// `GET /acompanhar/{número}?t=…` (the e-mail's links): a valid token starts a session
/// for that request and answers a tiny page that moves on to the address without the
/// token. Moving on from a page of this site (not a redirect) matters: a redirect would
/// still belong to the navigation that came from the mail client's site, and the
/// `SameSite=Strict` cookie would not go with it. Anything else passes through.
pub async fn mail_link(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(number) = request.uri().path().strip_prefix("/acompanhar/").filter(|n| is_protocol_number(n)) else {
        return next.run(request).await;
    };
    let query: Vec<(String, String)> =
        Query::<Vec<(String, String)>>::try_from_uri(request.uri()).map(|q| q.0).unwrap_or_default();
    let Some(token) = query.iter().find(|(k, _)| k == "t").map(|(_, v)| v.as_str()) else {
        return next.run(request).await;
    };
    let now = Utc::now().timestamp();
    if state.follow.sessions().link_target(token, now).as_deref() != Some(number) {
        // Expired or forged: the page renders without a session (a 404 with no hint).
        return next.run(request).await;
    }
    let step = query.iter().find(|(k, _)| k == "resposta").map(|(_, v)| v.as_str()).filter(|s| *s == "avaliar");
    let target = match step {
        Some(step) => format!("/acompanhar/{number}?resposta={step}#resposta"),
        None => format!("/acompanhar/{number}"),
    };
    // The link came through the mailbox: the session covers every request of that person.
    let (_, cookie) = state.follow.sessions().start(number, Scope::Person, now);
    let page = format!(
        "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\
         <title>Abrindo a solicitação | {site}</title></head><body><main>\
         <h1>Abrindo a solicitação nº {number}…</h1>\
         <p><a href=\"{target}\">Clique aqui se a página não abrir sozinha.</a></p>\
         </main></body></html>",
        site = app::SITE_NAME,
    );
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The fields of the answer forms on the history page.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    acao: String,
    #[serde(default)]
    motivo: String,
    #[serde(default)]
    nota: String,
    #[serde(default)]
    comentario: String,
}

/// `POST /acompanhar/{número}`: "Não" with a reason, an evaluation, or "Fechar".
/// Done: back to the history (303). Refused: the history again, with the message beside
/// the field and what was typed (422), or the state machine's reason (409).
pub async fn answer(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Origem não permitida").into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<AnswerForm>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response();
    };
    let session = session_in(&headers);
    let score = form.nota.trim().parse::<u8>().ok();
    let (action, step) = match form.acao.as_str() {
        "reabrir" => (CitizenAction::Contest { reason: form.motivo.clone() }, "nao"),
        "avaliar" => (CitizenAction::Rate { score, comment: form.comentario.clone() }, "avaliar"),
        "fechar" => (CitizenAction::Close, ""),
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    let feedback = |status: u16, field: Option<&str>, message: String| ActionFeedback {
        status,
        step: step.to_owned(),
        field: field.map(str::to_owned),
        message,
        reason: form.motivo.clone(),
        comment: form.comentario.clone(),
        score,
    };
    let feedback = match state.follow.act(session.as_deref(), &number, action).await {
        Ok(_) => return Redirect::to(&format!("/acompanhar/{number}#resposta")).into_response(),
        Err(ActError::NotFound) => return not_found(),
        Err(ActError::Invalid { field, message }) => feedback(422, Some(field), message),
        Err(ActError::Refused(refusal)) => feedback(409, None, refusal.to_string()),
        Err(ActError::Conflict) => feedback(
            409,
            None,
            "A solicitação foi atualizada enquanto você respondia. Confira a situação e responda novamente.".to_owned(),
        ),
        Err(ActError::Database(error)) => {
            tracing::error!(error = %error, "recording a citizen's answer");
            feedback(
                503,
                None,
                "Não foi possível registrar a resposta agora. Tente novamente em alguns minutos.".to_owned(),
            )
        }
    };
    let path = format!("/acompanhar/{number}");
    render_page_with(state, parts, &path, move || provide_context(feedback.clone())).await
}

/// Renders the page at `path` again (as a GET of it) with `extra` providing the
/// feedback context the page reads.
pub(super) async fn render_page_with(
    state: AppState,
    mut parts: http::request::Parts,
    path: &str,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    parts.method = Method::GET;
    parts.uri = match path.parse() {
        Ok(uri) => uri,
        Err(_) => return not_found(),
    };
    let ports = state.ports.clone();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_page_context(&ports);
            extra();
        },
        move || app::shell(options.clone()),
    );
    handler(Request::from_parts(parts, Body::empty())).await.into_response()
}

/// The fields of the lookup form.
#[derive(Debug, Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    cpf: String,
    #[serde(default)]
    numero: String,
    #[serde(default)]
    captcha: String,
}

/// `POST /acompanhar`: the lookup form. A match starts the session and shows the list
/// (303); anything else renders the form again with the messages and the values typed.
pub async fn look_up(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Origem não permitida").into_response();
    }
    let client = client_of(&request);
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<LookupForm>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response();
    };
    let answer = state.follow.lookup(&form.cpf, &form.numero, &form.captcha, client).await;
    let (status, errors, message) = match answer {
        Ok(answer) => match (answer.outcome, answer.set_cookie) {
            (LookupOutcome::Found { redirect }, Some(cookie)) => {
                let mut response = Redirect::to(&redirect).into_response();
                if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
                return response;
            }
            (LookupOutcome::Invalid { errors }, _) => (422, errors, None),
            (LookupOutcome::Refused { message }, _) => (422, Vec::new(), Some(message)),
            (LookupOutcome::Found { .. }, None) => (500, Vec::new(), Some(TRY_LATER.to_owned())),
        },
        Err(_) => (503, Vec::new(), Some(TRY_LATER.to_owned())),
    };
    let feedback = LookupFeedback { status, cpf: form.cpf, numero: form.numero, errors, message };
    render_page_with(state, parts, "/acompanhar", move || provide_context(feedback.clone())).await
}

const TRY_LATER: &str = "Não foi possível pesquisar agora. Tente novamente em alguns minutos.";

/// `POST /acompanhar/lista-por-email`: from a session that covers one request, e-mails
/// its person a link to all of their requests; back to the list, which says it was sent.
pub async fn whole_list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Origem não permitida").into_response();
    }
    match state.follow.send_whole_list(session_in(&headers).as_deref()).await {
        Ok(true) => Redirect::to("/acompanhar?lista=enviada").into_response(),
        Ok(false) => Redirect::to("/acompanhar").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "sending the whole list by e-mail");
            (StatusCode::SERVICE_UNAVAILABLE, TRY_LATER).into_response()
        }
    }
}

/// `POST /acompanhar/sair` ("Nova pesquisa"): ends the session.
pub async fn leave(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Origem não permitida").into_response();
    }
    let mut response = Redirect::to("/acompanhar").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&state.follow.sessions().end()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /acompanhar/{número}/anexos/{id}`: a file the citizen sent, inside the session
/// only; served as a download, never rendered by the browser in the portal's origin.
pub async fn attachment(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = session_in(&headers);
    let record = match state.follow.visible_attachment(session.as_deref(), &number, &id).await {
        Ok(Some(record)) => record,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "looking up an attachment");
            return (StatusCode::SERVICE_UNAVAILABLE, "Tente novamente em alguns minutos.").into_response();
        }
    };
    send_file(&state, &record).await
}

/// A stored attachment as a download that the browser never renders in the portal's
/// origin (also used by the console).
pub(super) async fn send_file(state: &AppState, record: &crate::db::entities::attachment::Model) -> Response {
    let bytes = match state.attachments.get(&record.id).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(error = %error, attachment = %record.id, "reading a stored attachment");
            return not_found();
        }
    };
    let content_type = match record.content_type.as_str() {
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        "image/gif" => "image/gif",
        _ => "application/octet-stream",
    };
    let disposition = content_disposition(&record.file_name);
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    response
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
