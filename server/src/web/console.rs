//! The console's form posts: sign-in, sign-out, password change, and the actions on a
//! request (reply, internal note, escalate, finalize, claim, assign, reveal the CPF);
//! the agent's download of an attachment, and its still preview. Every post checks the
//! `Origin` and the session's CSRF token before anything else. Done: a redirect (303) to
//! the page with a confirmation. Refused: the page again with the message beside the
//! field and the text as typed.

use super::follow::{not_found, render_page_with, send_file};
use super::AppState;
use crate::attachments::image_check::{self, ImageKind};
use crate::db::entities::attachment;
use crate::services::agents::{AgentError, AgentService, Principal, DEVICE_COOKIE, SIGN_IN_REFUSED};
use crate::services::desk::{By, DeskError};
use app::api::console::RevealCpf;
use app::api::console::{ConsoleFeedback, AGENT_COOKIE, SIGN_IN_COOKIE};
use app::api::AppError;
use app::ports::{cookie_in, same_origin};
use axum::body::Body;
use axum::extract::{ConnectInfo, Form, FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;
use std::net::IpAddr;

pub(super) fn client_of(request: &Request) -> Option<IpAddr> {
    request.extensions().get::<ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip())
}

pub(super) fn forbidden_origin() -> Response {
    (StatusCode::FORBIDDEN, "Origem não permitida").into_response()
}

/// A post whose CSRF token is not the session's: the page is stale or forged.
pub(super) fn stale_form() -> Response {
    (
        StatusCode::FORBIDDEN,
        "Este formulário expirou ou não veio do atendimento. Volte, recarregue a página e tente novamente.",
    )
        .into_response()
}

fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

pub(super) fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "O serviço está temporariamente indisponível. Tente novamente em alguns minutos.")
        .into_response()
}

/// The signed-in agent of this request, or the response to give instead (a redirect to
/// the sign-in page, or 503).
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    let cookie = cookie_in(headers, AGENT_COOKIE);
    match state.console.agents().authenticate(cookie.as_deref()).await {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => Err(Redirect::to("/atendimento/entrar").into_response()),
        Err(error) => {
            tracing::error!(error = %error, "authenticating an agent");
            Err(unavailable())
        }
    }
}

/// A console form that carries the session's CSRF token.
trait CarriesCsrf {
    fn csrf(&self) -> &str;
}

/// A checked console post: what was posted, by whom, from where, and the request's parts
/// (to render the page again on a refusal).
struct AgentPost<T> {
    parts: http::request::Parts,
    form: T,
    principal: Principal,
    client: Option<IpAddr>,
}

/// Every console post's preamble, in order: same origin, a readable form, a signed-in
/// agent, the session's own CSRF token. Anything else is answered here.
async fn agent_post<T: serde::de::DeserializeOwned + CarriesCsrf>(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<AgentPost<T>, Response> {
    if !same_origin(headers) {
        return Err(forbidden_origin());
    }
    let client = client_of(&request);
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<T>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return Err((StatusCode::BAD_REQUEST, "Formulário inválido").into_response());
    };
    let principal = signed_in(state, headers).await?;
    if !principal.csrf_matches(form.csrf()) {
        return Err(stale_form());
    }
    Ok(AgentPost { parts, form, principal, client })
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    senha: String,
}

/// `POST /atendimento/entrar`.
pub async fn sign_in(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    if !same_origin(&headers) {
        return forbidden_origin();
    }
    let client = client_of(&request);
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<SignInForm>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response();
    };
    let paired = AgentService::sign_in_token_matches(cookie_in(&headers, SIGN_IN_COOKIE).as_deref(), &form.token);
    let outcome = if paired {
        let previous = cookie_in(&headers, AGENT_COOKIE);
        let device = cookie_in(&headers, DEVICE_COOKIE);
        state.console.agents().sign_in(&form.email, &form.senha, client, previous.as_deref(), device.as_deref()).await
    } else {
        tracing::warn!("sign-in post without its form's token");
        Err(AgentError::SignInRefused)
    };
    let status = match outcome {
        Ok(started) => {
            let clear_pairing =
                format!("{SIGN_IN_COOKIE}=; Path=/atendimento/entrar; Max-Age=0; HttpOnly; SameSite=Strict");
            return with_cookies(
                Redirect::to("/atendimento").into_response(),
                &[started.set_cookie, started.device_cookie, clear_pairing],
            );
        }
        Err(AgentError::SignInRefused) => 422,
        Err(AgentError::Throttled) => 429,
        Err(error) => {
            tracing::error!(error = %error, "signing an agent in");
            503
        }
    };
    let message = if status == 503 {
        "Não foi possível entrar agora. Tente novamente em alguns minutos.".to_owned()
    } else {
        SIGN_IN_REFUSED.to_owned()
    };
    let feedback =
        ConsoleFeedback { status, form: "entrar".to_owned(), message, email: form.email, ..Default::default() };
    render_page_with(state, parts, "/atendimento/entrar", move || provide_context(feedback.clone())).await
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

impl CarriesCsrf for CsrfOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /atendimento/sair`.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let post = match agent_post::<CsrfOnly>(&state, &headers, request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    if let Err(error) = state.console.agents().sign_out(&post.principal, post.client).await {
        tracing::error!(error = %error, "signing an agent out");
        return unavailable();
    }
    with_cookies(Redirect::to("/atendimento/entrar").into_response(), &[state.console.agents().end_cookie()])
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    atual: String,
    #[serde(default)]
    nova: String,
    #[serde(default)]
    confirmacao: String,
}

impl CarriesCsrf for PasswordForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /atendimento/senha`.
pub async fn change_password(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let AgentPost { parts, form, principal, client } = match agent_post::<PasswordForm>(&state, &headers, request).await
    {
        Ok(post) => post,
        Err(response) => return response,
    };
    let outcome =
        state.console.agents().change_password(&principal, &form.atual, &form.nova, &form.confirmacao, client).await;
    let feedback = match outcome {
        Ok(()) => return Redirect::to("/atendimento/senha?ok=senha").into_response(),
        Err(AgentError::Invalid { field, message }) => ConsoleFeedback {
            status: 422,
            form: "senha".to_owned(),
            field: Some(field.to_owned()),
            message,
            ..Default::default()
        },
        Err(error) => {
            tracing::error!(error = %error, "changing an agent's password");
            return unavailable();
        }
    };
    render_page_with(state, parts, "/atendimento/senha", move || provide_context(feedback.clone())).await
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    versao: String,
    #[serde(default)]
    acao: String,
    #[serde(default)]
    texto: String,
    #[serde(default)]
    motivo: String,
    #[serde(default)]
    nivel: String,
    #[serde(default)]
    atendente: String,
}

const CONFLICT: &str = "Outra pessoa alterou esta solicitação enquanto você escrevia. \
     Confira a linha do tempo abaixo; o seu texto foi mantido para você enviar de novo.";

impl CarriesCsrf for ActionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /atendimento/solicitacoes/{número}`: one of the request page's actions.
pub async fn act(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let AgentPost { parts, form, principal, client } = match agent_post::<ActionForm>(&state, &headers, request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    let page = format!("/atendimento/solicitacoes/{number}");
    if form.acao == "cpf" {
        // The page loads the request with the full CPF and writes the audit line.
        return render_page_with(state, parts, &page, || provide_context(RevealCpf)).await;
    }
    let Ok(version) = form.versao.trim().parse::<i32>() else {
        return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response();
    };
    let by = By::agent(&principal, version, client.map(|ip| ip.to_string()));
    let desk = &state.desk;
    let (outcome, done, form_name, text) = match form.acao.as_str() {
        "responder" => {
            (desk.note(&by, &number, &form.texto, true).await, format!("{page}?ok=resposta"), "resposta", form.texto)
        }
        "nota" => (desk.note(&by, &number, &form.texto, false).await, format!("{page}?ok=nota"), "nota", form.texto),
        "finalizar" => {
            (desk.finalize(&by, &number, &form.texto).await, format!("{page}?ok=finalizada"), "finalizar", form.texto)
        }
        "encaminhar" => {
            let level = form.nivel.trim().parse::<i16>().unwrap_or(0);
            let outcome = desk.escalate(&by, &number, level, &form.motivo).await;
            // Escalated away from the agent's level: back to the queue.
            (outcome, format!("/atendimento?ok=encaminhada&numero={number}"), "encaminhar", form.motivo)
        }
        "assumir" => (desk.claim(&by, &number).await, format!("{page}?ok=assumida"), "assumir", String::new()),
        "atribuir" => {
            let colleague = form.atendente.trim().parse::<i32>().unwrap_or(0);
            (desk.assign(&by, &number, colleague).await, format!("{page}?ok=atribuida"), "atribuir", String::new())
        }
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    let feedback = |status: u16, field: Option<&str>, message: String| ConsoleFeedback {
        status,
        form: form_name.to_owned(),
        field: field.map(str::to_owned),
        message,
        text: text.clone(),
        ..Default::default()
    };
    let feedback = match outcome {
        Ok(()) => return Redirect::to(&done).into_response(),
        Err(DeskError::NotFound) => return not_found(),
        Err(DeskError::Forbidden) => {
            return (StatusCode::FORBIDDEN, AppError::Forbidden.to_string()).into_response();
        }
        // "atribuir" has no text field: its refusal is shown beside its select.
        Err(DeskError::Invalid { field: "atendente", message }) => feedback(422, None, message.to_owned()),
        Err(DeskError::Invalid { field, message }) => feedback(422, Some(field), message.to_owned()),
        Err(DeskError::Refused(refusal)) => feedback(409, None, refusal.to_string()),
        Err(DeskError::Conflict) => feedback(409, None, CONFLICT.to_owned()),
        Err(error) => {
            tracing::error!(error = %error, action = %form.acao, "recording an agent's action");
            feedback(503, None, "Não foi possível registrar agora. Tente novamente em alguns minutos.".to_owned())
        }
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}

/// `GET /atendimento/solicitacoes/{número}/anexos/{id}`: a file of a request the agent
/// may see, as stored (the link beside its preview on the request page).
pub async fn attachment(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    match readable_attachment(&state, &number, &id, &headers, client_of(&request)).await {
        Ok(record) => send_file(&state, &record).await,
        Err(response) => response,
    }
}

/// `GET /atendimento/solicitacoes/{número}/anexos/{id}/previa`: what the request page shows
/// inline. A GIF is shown as its first frame, a still PNG: an animation of many large frames
/// would cost the agent's browser seconds of CPU and hundreds of megabytes just for opening
/// the request. Other images are sent as stored.
pub async fn attachment_preview(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let record = match readable_attachment(&state, &number, &id, &headers, client_of(&request)).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    if record.content_type != ImageKind::Gif.mime() {
        return send_file(&state, &record).await;
    }
    let bytes = match state.attachments.get(&record.id).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(error = %error, attachment = %record.id, "reading a stored attachment");
            return not_found();
        }
    };
    // Decoding is CPU and memory work, counted with the uploads' and the logos'.
    let Ok(_permit) = image_check::DECODES.acquire().await else { return unavailable() };
    match tokio::task::spawn_blocking(move || image_check::preview_png(&bytes)).await {
        Ok(Ok(png)) => {
            let mut response = Response::new(Body::from(png));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
            response
        }
        Ok(Err(error)) => {
            tracing::error!(error = %error, attachment = %record.id, "previewing a stored attachment");
            unavailable()
        }
        Err(_) => unavailable(),
    }
}

/// The attachment `id` of request `number` if the signed-in agent may see it (its reading
/// audited), or the response to give instead.
async fn readable_attachment(
    state: &AppState,
    number: &str,
    id: &str,
    headers: &HeaderMap,
    client: Option<IpAddr>,
) -> Result<attachment::Model, Response> {
    let cookie = cookie_in(headers, AGENT_COOKIE);
    match state.console.attachment(cookie.as_deref(), number, id, client).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) | Err(AppError::NotFound) => Err(not_found()),
        Err(AppError::SignInRequired) => Err(Redirect::to("/atendimento/entrar").into_response()),
        Err(AppError::Forbidden) => Err((StatusCode::FORBIDDEN, AppError::Forbidden.to_string()).into_response()),
        Err(_) => Err(unavailable()),
    }
}
