//! The follow-up routes that are not plain pages: the landing of the e-mail links (which
//! starts a session and moves to the clean address), the citizen's answers posted from
//! the history page, ending the session, and downloading an attachment.

use super::client_addr::ClientAddr;
use super::download::send_file;
use super::respond::{
    bad_form, forbidden_origin, not_found, page_again, redirect_with_cookies, render_page_with, with_cookies, Wording,
};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::follow_up::CitizenAction;
use crate::session::Scope;
use app::api::follow::{ActionFeedback, AnswerAction, AnswerPost, LookupFeedback, LookupOutcome};
use app::api::{could_not, TRY_AGAIN_LATER};
use app::domain::protocol::ProtocolNumber;
use app::ports::FollowDesk;
use app::request_context::{same_origin, session_in};
use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::provide_context;
use serde::Deserialize;

/// The words of the history page's refusals.
const ANSWER: Wording = Wording {
    doing: "registrar a resposta",
    conflict: "A solicitação foi atualizada enquanto você respondia. Confira a situação e responda novamente.",
};

/// `GET /acompanhar/{número}?t=…` (the e-mail's links): a valid token starts a session
/// for that request and answers a tiny page that moves on to the address without the
/// token. Moving on from a page of this site (not a redirect) matters: a redirect would
/// still belong to the navigation that came from the mail client's site, and the
/// `SameSite=Strict` cookie would not go with it. Anything else passes through.
pub async fn mail_link(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(number) = request.uri().path().strip_prefix("/acompanhar/").and_then(ProtocolNumber::parse) else {
        return next.run(request).await;
    };
    let query: Vec<(String, String)> =
        Query::<Vec<(String, String)>>::try_from_uri(request.uri()).map(|q| q.0).unwrap_or_default();
    let Some(token) = query.iter().find(|(k, _)| k == "t").map(|(_, v)| v.as_str()) else {
        return next.run(request).await;
    };
    let now = Utc::now().timestamp();
    if state.follow.sessions().link_target(token, now).as_deref() != Some(number.as_str()) {
        // Expired or forged: the page renders without a session (a 404 with no hint).
        return next.run(request).await;
    }
    let step = query.iter().find(|(k, _)| k == "resposta").map(|(_, v)| v.as_str()).filter(|s| *s == "avaliar");
    let target = match step {
        Some(step) => format!("/acompanhar/{number}?resposta={step}#resposta"),
        None => format!("/acompanhar/{number}"),
    };
    // The link came through the mailbox: the session covers every request of that person.
    let (_, cookie) = state.follow.sessions().start(number.as_str(), Scope::Person, now);
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
    with_cookies(
        (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response(),
        &[cookie],
    )
}

/// `POST /acompanhar/{número}`: "Não" with a reason, an evaluation, or "Fechar".
/// Done: back to the history (303). Refused: the history again, with the message beside
/// the field and what was typed (422), or the state machine's reason (409).
pub async fn answer(State(state): State<AppState>, Path(number): Path<String>, request: Request) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let Some(number) = ProtocolNumber::parse(&number) else { return not_found() };
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<AnswerPost>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return bad_form();
    };
    let session = session_in(&parts.headers);
    let score = form.nota.trim().parse::<u8>().ok();
    let (action, step) = match form.acao {
        AnswerAction::Contest => (CitizenAction::Contest { reason: form.motivo.clone() }, "nao"),
        AnswerAction::Rate => (CitizenAction::Rate { score, comment: form.comentario.clone() }, "avaliar"),
        AnswerAction::Close => (CitizenAction::Close, ""),
    };
    let path = format!("/acompanhar/{number}");
    if action == CitizenAction::Close && !form.confirmado.0 {
        // Not confirmed (an old page, a hand-made post): to the confirmation step, for a
        // request this session may see; nothing is closed.
        return match state.follow.visible_request(session.as_deref(), &number).await {
            Ok(Some(_)) => Redirect::to(&format!("{path}?resposta=fechar#resposta")).into_response(),
            Ok(None) => not_found(),
            Err(error) => super::respond::refusal(&Refusal::from(error), ANSWER.doing),
        };
    }
    match state.follow.act(session.as_deref(), &number, action).await {
        Ok(_) => Redirect::to(&format!("{path}#resposta")).into_response(),
        Err(refused) => {
            page_again(state, parts, &path, refused, ANSWER, |shown| ActionFeedback {
                status: shown.status,
                step: step.to_owned(),
                field: shown.field,
                message: shown.message,
                reason: form.motivo,
                comment: form.comentario,
                score,
            })
            .await
        }
    }
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
pub async fn look_up(State(state): State<AppState>, client: ClientAddr, request: Request) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<LookupForm>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return bad_form();
    };
    let answer = state.follow.lookup(&form.cpf, &form.numero, &form.captcha, client.0).await;
    let (status, errors, message) = match answer {
        Ok(answer) => match (answer.outcome, answer.set_cookie) {
            (LookupOutcome::Found { redirect }, Some(cookie)) => return redirect_with_cookies(&redirect, &[cookie]),
            (LookupOutcome::Invalid { errors }, _) => (422, errors, None),
            (LookupOutcome::Refused { message }, _) => (422, Vec::new(), Some(message)),
            (LookupOutcome::Found { .. }, None) => (500, Vec::new(), Some(could_not(SEARCHING))),
        },
        Err(_) => (503, Vec::new(), Some(could_not(SEARCHING))),
    };
    let feedback = LookupFeedback { status, cpf: form.cpf, numero: form.numero, errors, message };
    render_page_with(state, parts, "/acompanhar", move || provide_context(feedback.clone())).await
}

/// What a lookup refused as unavailable could not do.
const SEARCHING: &str = "pesquisar";

/// `POST /acompanhar/lista-por-email`: from a session that covers one request, e-mails
/// its person a link to all of their requests; back to the list, which says it was sent.
pub async fn whole_list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return forbidden_origin();
    }
    match state.follow.send_whole_list(session_in(&headers).as_deref()).await {
        Ok(true) => Redirect::to("/acompanhar?lista=enviada").into_response(),
        Ok(false) => Redirect::to("/acompanhar").into_response(),
        Err(error) => super::respond::refusal(&Refusal::from(error), "enviar a lista"),
    }
}

/// `POST /acompanhar/sair` ("Nova pesquisa"): ends the session.
pub async fn leave(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return forbidden_origin();
    }
    redirect_with_cookies("/acompanhar", &[state.follow.sessions().end()])
}

/// `GET /acompanhar/{número}/anexos/{id}`: a file the citizen sent, inside the session
/// only; served as a download, never rendered by the browser in the portal's origin.
pub async fn attachment(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = session_in(&headers);
    let Some(number) = ProtocolNumber::parse(&number) else { return not_found() };
    let record = match state.follow.visible_attachment(session.as_deref(), &number, &id).await {
        Ok(Some(record)) => record,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "looking up an attachment");
            return (StatusCode::SERVICE_UNAVAILABLE, TRY_AGAIN_LATER).into_response();
        }
    };
    send_file(&state, &record).await
}
