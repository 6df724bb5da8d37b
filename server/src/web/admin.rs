//! The administration's form posts (invite a member, change one, invite again, the
//! calendar) and the invited member's "Criar senha". Every post but the last is an
//! [`AdminPost`] (origin, administrator, CSRF token checked); done → 303 with a
//! confirmation; refused → the page again with the message and what was typed.

use super::checked_post::{AdminPost, AgentPost, SameOriginForm};
use super::client_addr::ClientAddr;
use super::respond::{ask_first, page_again, redirect_with_cookies, refusal, render_page_with, SAVING};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::agents::DEVICE_COOKIE;
use crate::services::calendar::CalendarChange;
use crate::services::team::{AgentChange, NewAgent};
use app::api::admin::{CalendarAction, CalendarPost, InvitePost, MemberAction, MemberPost, NewPasswordPost};
use app::api::forms::Feedback;
use app::domain::calendar::Date;
use app::domain::pt_br;
use app::request_context::cookie_in;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// `POST /admin/atendentes`: invite a new member.
pub async fn invite(State(state): State<AppState>, AdminPost(post): AdminPost<InvitePost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let new = NewAgent {
        name: form.nome.clone(),
        email: form.email.clone(),
        level: form.nivel.trim().parse().unwrap_or(0),
        systems: form.sistemas.clone(),
        is_admin: form.administrador.0,
    };
    match state.admin.invite(&principal, new, client.logged()).await {
        Ok(_) => Redirect::to("/admin/atendentes?ok=convidado").into_response(),
        Err(refused) => {
            page_again(state, parts, "/admin/atendentes", refused, SAVING, |shown| shown.keeping(form)).await
        }
    }
}

/// `POST /admin/atendentes/{id}`: save a member's settings, or invite them again.
pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    AdminPost(post): AdminPost<MemberPost>,
) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let page = format!("/admin/atendentes/{id}");
    // Revoking someone else's access asks first (one's own is refused by the service).
    if form.acao == MemberAction::Save && !form.ativo.0 && !form.confirmado.0 && id != principal.id {
        match state.admin.active_member(id).await {
            Ok(Some(name)) => {
                let question = format!("Revogar o acesso de {name}?");
                let consequence = "A pessoa sai do atendimento na hora, em todos os dispositivos, e não entra mais \
                                   até que um administrador marque Ativo de novo.";
                return ask_first(state, parts, &page, &form, question, consequence, "Confirmar e revogar o acesso")
                    .await;
            }
            Ok(None) => {}
            Err(error) => return refusal(&error.into(), "salvar"),
        }
    }
    let outcome = match form.acao {
        MemberAction::Save => {
            let change = AgentChange {
                level: form.nivel.trim().parse().unwrap_or(0),
                systems: form.sistemas.clone(),
                is_admin: form.administrador.0,
                is_data_officer: form.encarregado.0,
                active: form.ativo.0,
            };
            state.admin.change(&principal, id, change, client.logged()).await.map(|()| "salvo")
        }
        MemberAction::Reinvite => state.admin.reinvite(&principal, id, client.logged()).await.map(|()| "convite"),
    };
    match outcome {
        Ok(done) => Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(refused) => page_again(state, parts, &page, refused, SAVING, |shown| shown.keeping(form)).await,
    }
}

/// `POST /admin/calendario?ano=…`: add or remove a ponto facultativo.
pub async fn calendar(State(state): State<AppState>, AdminPost(post): AdminPost<CalendarPost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let day = form.data.trim().to_owned();
    if form.acao == CalendarAction::Remove && !form.confirmado.0 {
        let shown = Date::parse_iso(&day).map_or_else(|| day.clone(), pt_br::date);
        let page = format!("/admin/calendario?ano={}", day.get(..4).unwrap_or_default());
        let question = format!("Remover o ponto facultativo de {shown}?");
        let consequence = "O dia volta a contar como dia útil nos prazos de contestação e no tempo de espera da fila, \
                           a partir de agora.";
        return ask_first(state, parts, &page, &form, question, consequence, "Confirmar remoção").await;
    }
    let (change, done) = match form.acao {
        CalendarAction::Add => {
            (CalendarChange::Add { day: day.clone(), description: form.descricao.clone() }, "dia-adicionado")
        }
        CalendarAction::Remove => (CalendarChange::Remove { day: day.clone() }, "dia-removido"),
    };
    // Back to the year of the day (or the one shown).
    let year = day
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .or_else(|| parts.uri.query().and_then(|q| q.strip_prefix("ano=")).and_then(|y| y.parse().ok()));
    let page = year.map_or_else(|| "/admin/calendario".to_owned(), |y| format!("/admin/calendario?ano={y}"));
    match state.admin.change_calendar(&principal, change, client.logged()).await {
        Ok(()) => {
            let separator = if page.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{page}{separator}ok={done}")).into_response()
        }
        Err(refused) => page_again(state, parts, &page, refused, SAVING, |shown| shown.keeping(form)).await,
    }
}

/// `POST /atendimento/convite/{token}`: the invited member's new password.
pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    client: ClientAddr,
    SameOriginForm { parts, form }: SameOriginForm<NewPasswordPost>,
) -> Response {
    let page = format!("/atendimento/convite/{token}");
    let outcome = state.admin.accept_invite(&token, &form.nova, &form.confirmacao, client.logged()).await;
    // The passwords are not shown again.
    let emptied = NewPasswordPost::default();
    match outcome {
        // Signed in at once with the password just chosen, into the queue; should that fail
        // (the sign-in's own limits), the sign-in page says the password was created.
        Ok(email) => {
            let device = cookie_in(&parts.headers, DEVICE_COOKIE);
            match state.console.agents().sign_in(&email, &form.nova, client.0, None, device.as_deref()).await {
                Ok(started) => {
                    redirect_with_cookies("/atendimento?ok=boas-vindas", &[started.set_cookie, started.device_cookie])
                }
                Err(_) => Redirect::to("/atendimento/entrar?ok=senha-criada").into_response(),
            }
        }
        // Used or expired meanwhile: the page says so.
        Err(Refusal::NotFound) => {
            let feedback =
                Feedback { status: 404, field: None, message: String::new(), others: Vec::new(), form: emptied };
            render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
        }
        Err(refused) => page_again(state, parts, &page, refused, SAVING, |shown| shown.keeping(emptied)).await,
    }
}
