//! The administration's form posts (invite a member, change one, invite again, the
//! calendar) and the invited member's "Criar senha". Every post but the last is an
//! [`AdminPost`] (origin, administrator, CSRF token checked); done → 303 with a
//! confirmation; refused → the page again with the message and what was typed.

use super::checked_post::{AdminPost, AgentPost, Fields};
use super::client_addr::ClientAddr;
use super::respond::{bad_form, forbidden_origin, page_again, render_page_with, unknown_action, SAVING};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::calendar::CalendarChange;
use crate::services::team::{AgentChange, NewAgent};
use app::api::console::ConsoleFeedback;
use app::request_context::same_origin;
use axum::extract::{Form, FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// `POST /admin/atendentes`: invite a new member.
pub async fn invite(State(state): State<AppState>, AdminPost(post): AdminPost<Fields>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let new = NewAgent {
        name: form.text("nome"),
        email: form.text("email"),
        level: form.value("nivel").trim().parse().unwrap_or(0),
        systems: form.ids("sistemas"),
        is_admin: form.checked("administrador"),
    };
    let (text, email) = (new.name.clone(), new.email.clone());
    match state.admin.invite(&principal, new, client.logged()).await {
        Ok(_) => Redirect::to("/admin/atendentes?ok=convidado").into_response(),
        Err(refused) => {
            page_again(state, parts, "/admin/atendentes", refused, SAVING, |shown| {
                shown.console("convidar", ConsoleFeedback { text, email, ..Default::default() })
            })
            .await
        }
    }
}

/// `POST /admin/atendentes/{id}`: save a member's settings, or invite them again.
pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    AdminPost(post): AdminPost<Fields>,
) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let page = format!("/admin/atendentes/{id}");
    let outcome = match form.value("acao") {
        "salvar" => {
            let change = AgentChange {
                level: form.value("nivel").trim().parse().unwrap_or(0),
                systems: form.ids("sistemas"),
                is_admin: form.checked("administrador"),
                active: form.checked("ativo"),
            };
            state.admin.change(&principal, id, change, client.logged()).await.map(|()| "salvo")
        }
        "convite" => state.admin.reinvite(&principal, id, client.logged()).await.map(|()| "convite"),
        _ => return unknown_action(),
    };
    match outcome {
        Ok(done) => Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(refused) => {
            page_again(state, parts, &page, refused, SAVING, |shown| {
                shown.console("atendente", ConsoleFeedback::default())
            })
            .await
        }
    }
}

/// `POST /admin/calendario?ano=…`: add or remove a ponto facultativo.
pub async fn calendar(State(state): State<AppState>, AdminPost(post): AdminPost<Fields>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let day = form.value("data").trim().to_owned();
    let description = form.text("descricao");
    let (change, done) = match form.value("acao") {
        "adicionar" => (CalendarChange::Add { day: day.clone(), description: description.clone() }, "dia-adicionado"),
        "remover" => (CalendarChange::Remove { day: day.clone() }, "dia-removido"),
        _ => return unknown_action(),
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
        Err(refused) => {
            page_again(state, parts, &page, refused, SAVING, |shown| {
                let kept = ConsoleFeedback { text: description, date: day, ..Default::default() };
                shown.console("calendario", kept)
            })
            .await
        }
    }
}

/// `POST /atendimento/convite/{token}`: the invited member's new password.
pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    client: ClientAddr,
    request: Request,
) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<Fields>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return bad_form();
    };
    let page = format!("/atendimento/convite/{token}");
    let outcome =
        state.admin.accept_invite(&token, form.value("nova"), form.value("confirmacao"), client.logged()).await;
    match outcome {
        Ok(()) => Redirect::to("/atendimento/entrar?ok=senha-criada").into_response(),
        // Used or expired meanwhile: the page says so.
        Err(Refusal::NotFound) => {
            let feedback = ConsoleFeedback { status: 404, form: "convite".to_owned(), ..Default::default() };
            render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
        }
        Err(refused) => {
            page_again(state, parts, &page, refused, SAVING, |shown| {
                shown.console("convite", ConsoleFeedback::default())
            })
            .await
        }
    }
}
