//! The console's form posts: sign-in, sign-out, password change, notice preferences, the
//! queue's search, and the actions on a request (reply, internal note, escalate, finalize,
//! claim, assign, reveal the CPF); the agent's download of an attachment, and its still
//! preview. Every post but the sign-in is an [`AgentPost`] (origin, session, CSRF token
//! checked). Done: a redirect (303) to the page with a confirmation. Refused: the page
//! again with the message beside the field and the text as typed (`respond`).

use super::checked_post::{AgentPost, CsrfOnly, SameOriginForm};
use super::client_addr::ClientAddr;
use super::download::{send_file, send_preview};
use super::respond::{self, bad_form, page_again, redirect_with_cookies, render_page_with, Wording};
use super::AppState;
use crate::attachments::AttachedFile;
use crate::refusal::Refusal;
use crate::services::agents::{sign_in_refused, AgentService, DEVICE_COOKIE};
use crate::services::desk::{clean_text, By};
use app::api::console::{
    FinalizeConfirmation, PasswordPost, QueueSearchPost, QueueSearchTyped, RequestAction, RequestActionForm, RevealCpf,
    SignInPost, AGENT_COOKIE, SIGN_IN_COOKIE,
};
use app::api::forms::Feedback;
use app::api::profile::ProfilePost;
use app::domain::protocol::ProtocolNumber;
use app::request_context::cookie_in;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// The words of the console's refusals.
const SIGN_IN: Wording = Wording { doing: "entrar", conflict: "" };
const PASSWORD: Wording = Wording { doing: "salvar", conflict: "" };
const PROFILE: Wording = Wording { doing: "salvar", conflict: "" };
const ACTION: Wording = Wording {
    doing: "registrar",
    conflict: "Outra pessoa alterou esta solicitação enquanto você escrevia. \
               Confira a linha do tempo abaixo; o seu texto foi mantido para você enviar de novo.",
};

/// `POST /atendimento/entrar`: checked for its origin and for the token that pairs the
/// form with this browser (there is no session yet).
pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    SameOriginForm { parts, form }: SameOriginForm<SignInPost>,
) -> Response {
    let headers = &parts.headers;
    let paired = AgentService::sign_in_token_matches(cookie_in(headers, SIGN_IN_COOKIE).as_deref(), &form.token);
    let outcome = if paired {
        let previous = cookie_in(headers, AGENT_COOKIE);
        let device = cookie_in(headers, DEVICE_COOKIE);
        state.console.agents().sign_in(&form.email, &form.senha, client.0, previous.as_deref(), device.as_deref()).await
    } else {
        tracing::warn!("sign-in post without its form's token");
        Err(sign_in_refused())
    };
    match outcome {
        Ok(started) => {
            let clear_pairing =
                format!("{SIGN_IN_COOKIE}=; Path=/atendimento/entrar; Max-Age=0; HttpOnly; SameSite=Strict");
            redirect_with_cookies("/atendimento", &[started.set_cookie, started.device_cookie, clear_pairing])
        }
        Err(refused) => {
            // The e-mail comes back as typed; the password and the token do not.
            let kept = SignInPost { email: form.email, ..SignInPost::default() };
            page_again(state, parts, "/atendimento/entrar", refused, SIGN_IN, |shown| shown.keeping(kept)).await
        }
    }
}

/// `POST /atendimento/sair`.
pub async fn sign_out(State(state): State<AppState>, post: AgentPost<CsrfOnly>) -> Response {
    if let Err(error) = state.console.agents().sign_out(&post.principal, post.client.0).await {
        tracing::error!(error = %error, "signing an agent out");
        return respond::unavailable();
    }
    redirect_with_cookies("/atendimento/entrar", &[state.console.agents().end_cookie()])
}

/// `POST /atendimento/senha`.
pub async fn change_password(State(state): State<AppState>, post: AgentPost<PasswordPost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let agents = state.console.agents();
    match agents.change_password(&principal, &form.atual, &form.nova, &form.confirmacao, client.0).await {
        Ok(()) => Redirect::to("/atendimento/senha?ok=senha").into_response(),
        Err(refused) => {
            // Nothing of a password form is shown again.
            let emptied = PasswordPost::default();
            page_again(state, parts, "/atendimento/senha", refused, PASSWORD, |shown| shown.keeping(emptied)).await
        }
    }
}

/// `POST /atendimento`: the queue's search. The queue is rendered for what was typed,
/// with the filters and page posted beside it; nothing of it goes into an address (an
/// empty search goes back to the queue's plain address).
pub async fn search_queue(State(state): State<AppState>, post: AgentPost<QueueSearchPost>) -> Response {
    let AgentPost { parts, form, .. } = post;
    let mut address = leptos_router::params::ParamsMap::new();
    for (key, value) in form.filters() {
        address.insert(key, value.to_owned());
    }
    let page = format!("/atendimento{}", address.to_query_string());
    let typed = form.busca.trim().to_owned();
    if typed.is_empty() {
        return Redirect::to(&page).into_response();
    }
    render_page_with(state, parts, &page, move || provide_context(QueueSearchTyped(typed.clone()))).await
}

/// `POST /atendimento/perfil`: how the agent is told of arriving work.
pub async fn save_profile(State(state): State<AppState>, post: AgentPost<ProfilePost>) -> Response {
    let AgentPost { parts, form, principal, .. } = post;
    match state.console.agents().save_notices(&principal, &form.avisos, &form.hora).await {
        Ok(()) => Redirect::to("/atendimento/perfil?ok=perfil").into_response(),
        Err(refused) => {
            page_again(state, parts, "/atendimento/perfil", refused, PROFILE, |shown| shown.keeping(form)).await
        }
    }
}

/// `POST /atendimento/solicitacoes/{número}`: one of the request page's actions.
pub async fn act(
    State(state): State<AppState>,
    Path(number): Path<String>,
    post: AgentPost<RequestActionForm>,
) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let Some(number) = ProtocolNumber::parse(&number) else { return respond::not_found() };
    let page = format!("/atendimento/solicitacoes/{number}");
    if form.acao == RequestAction::RevealCpf {
        // The page loads the request with the full CPF and writes the audit line.
        return render_page_with(state, parts, &page, || provide_context(RevealCpf)).await;
    }
    if form.acao == RequestAction::Finalize && !form.confirmado.0 {
        return ask_to_finalize(state, parts, &page, form).await;
    }
    let Ok(version) = form.versao.trim().parse::<i32>() else { return bad_form() };
    let by = By::agent(&principal, version, client.logged());
    let desk = &state.desk;
    let (outcome, done) = match form.acao {
        RequestAction::Reply => (desk.note(&by, &number, &form.texto, true).await, "resposta"),
        RequestAction::Note => (desk.note(&by, &number, &form.texto, false).await, "nota"),
        RequestAction::Finalize => (desk.finalize(&by, &number, &form.texto).await, "finalizada"),
        RequestAction::Escalate => {
            let level = form.nivel.trim().parse::<i16>().unwrap_or(0);
            (desk.escalate(&by, &number, level, &form.texto).await, "encaminhada")
        }
        RequestAction::Claim => (desk.claim(&by, &number).await, "assumida"),
        RequestAction::Assign => {
            let colleague = form.atendente.trim().parse::<i32>().unwrap_or(0);
            (desk.assign(&by, &number, colleague).await, "atribuida")
        }
        RequestAction::RevealCpf => return bad_form(),
    };
    match outcome {
        // Escalated away from the agent's level: back to the queue.
        Ok(()) if form.acao == RequestAction::Escalate => {
            Redirect::to(&format!("/atendimento?ok={done}&numero={number}")).into_response()
        }
        Ok(()) => Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(refused) => {
            page_again(state, parts, &page, refused, ACTION, |mut shown| {
                // "atribuir" has no text field: its refusal is shown beside its select.
                if shown.field.as_deref() == Some("atendente") {
                    shown.field = None;
                }
                shown.keeping(form)
            })
            .await
        }
    }
}

/// Finalizing asks first: the page again with the final text and "Confirmar e finalizar"
/// (or, after "Voltar e editar", with the text back in the composer). An empty text is
/// refused at once; whether the agent may finalize this request is checked when they
/// confirm, and the page itself loads only for an agent who may see the request.
async fn ask_to_finalize(
    state: AppState,
    parts: http::request::Parts,
    page: &str,
    form: RequestActionForm,
) -> Response {
    let text = match clean_text(&form.texto) {
        Ok(text) => text,
        Err(refused) => return page_again(state, parts, page, refused, ACTION, |shown| shown.keeping(form)).await,
    };
    if form.editar.0 {
        let feedback = Feedback {
            status: 200,
            field: None,
            message: "Edite a resposta final e envie de novo.".to_owned(),
            others: Vec::new(),
            form,
        };
        return render_page_with(state, parts, page, move || provide_context(feedback.clone())).await;
    }
    let confirmation = FinalizeConfirmation { text };
    render_page_with(state, parts, page, move || provide_context(confirmation.clone())).await
}

/// `GET /atendimento/solicitacoes/{número}/anexos/{id}`: a file of a request the agent
/// may see, as stored (the link beside its preview on the request page).
pub async fn attachment(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Response {
    match readable_attachment(&state, &number, &id, &headers, client, false).await {
        Ok(file) => send_file(&state, &file).await,
        Err(response) => response,
    }
}

/// `GET /atendimento/solicitacoes/{número}/anexos/{id}/previa`: what the request page
/// shows inline (a GIF as its first frame; see `download::send_preview`).
pub async fn attachment_preview(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Response {
    match readable_attachment(&state, &number, &id, &headers, client, true).await {
        Ok(file) => send_preview(&state, &file).await,
        Err(response) => response,
    }
}

/// The attachment `id` of request `number` if the signed-in agent may see it (opening the
/// file is audited, a preview is part of the page's audited reading), or the response to
/// give instead.
async fn readable_attachment(
    state: &AppState,
    number: &str,
    id: &str,
    headers: &HeaderMap,
    client: ClientAddr,
    preview: bool,
) -> Result<AttachedFile, Response> {
    let Some(number) = ProtocolNumber::parse(number) else { return Err(respond::not_found()) };
    let cookie = cookie_in(headers, AGENT_COOKIE);
    match state.console.attachment(cookie.as_deref(), &number, id, client.0, preview).await {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err(respond::not_found()),
        Err(error) => Err(respond::refusal(&Refusal::from(error), "abrir o anexo")),
    }
}
