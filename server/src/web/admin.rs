//! The administration's form posts (invite a member, change one, invite again) and the
//! invited member's "Criar senha". Same rules as the console's posts: `Origin`, then the
//! administrator's session and CSRF token; done → 303 with a confirmation; refused → the
//! page again with the message and what was typed.

use super::client_addr::client_of;
use super::console::{forbidden_origin, stale_form, unavailable};
use super::follow::{not_found, render_page_with};
use super::AppState;
use crate::services::admin::{AdminError, AgentChange, CalendarChange, NewAgent};
use app::api::console::{ConsoleFeedback, AGENT_COOKIE};
use app::api::AppError;
use app::ports::{cookie_in, same_origin};
use axum::extract::{Form, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// A form's fields as posted, repeated names (checkboxes) included.
pub(super) type Fields = Vec<(String, String)>;

pub(super) fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn ids(fields: &Fields, name: &str) -> Vec<i32> {
    fields.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| v.trim().parse().ok()).collect()
}

pub(super) fn checked(fields: &Fields, name: &str) -> bool {
    value(fields, name) == "sim"
}

/// Reads the form and checks origin, administrator and CSRF token.
pub(super) async fn admin_form(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<(http::request::Parts, Fields, crate::services::agents::Principal, Option<String>), Response> {
    if !same_origin(headers) {
        return Err(forbidden_origin());
    }
    let client = client_of(&request).map(|ip| ip.to_string());
    let (parts, body) = request.into_parts();
    let Ok(Form(fields)) = Form::<Fields>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return Err((StatusCode::BAD_REQUEST, "Formulário inválido").into_response());
    };
    let admin = administrator_posting(state, headers, value(&fields, "csrf")).await?;
    Ok((parts, fields, admin, client))
}

/// The administrator whose session cookie came with `headers`, if `csrf` is that
/// session's token; otherwise the answer to give (sign in, forbidden, stale form).
pub(super) async fn administrator_posting(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<crate::services::agents::Principal, Response> {
    let session = cookie_in(headers, AGENT_COOKIE);
    let admin = match state.admin.administrator(session.as_deref()).await {
        Ok(admin) => admin,
        Err(AppError::SignInRequired) => return Err(Redirect::to("/atendimento/entrar").into_response()),
        Err(AppError::Forbidden) => {
            return Err((StatusCode::FORBIDDEN, AppError::Forbidden.to_string()).into_response());
        }
        Err(_) => return Err(unavailable()),
    };
    if !admin.csrf_matches(csrf) {
        return Err(stale_form());
    }
    Ok(admin)
}

fn feedback_of(error: AdminError, form: &str, text: &str, email: &str) -> Result<ConsoleFeedback, Box<Response>> {
    let (status, field, message) = match error {
        AdminError::Invalid { field, message } => (422, Some(field.to_owned()), message),
        AdminError::NotFound => return Err(Box::new(not_found())),
        AdminError::Forbidden => {
            return Err(Box::new((StatusCode::FORBIDDEN, AppError::Forbidden.to_string()).into_response()));
        }
        other => {
            tracing::error!(error = %other, form, "an administration change failed");
            (503, None, "Não foi possível salvar agora. Tente novamente em alguns minutos.".to_owned())
        }
    };
    Ok(ConsoleFeedback {
        status,
        form: form.to_owned(),
        field,
        message,
        text: text.to_owned(),
        email: email.to_owned(),
        ..Default::default()
    })
}

/// `POST /admin/atendentes`: invite a new member.
pub async fn invite(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let new = NewAgent {
        name: value(&fields, "nome").to_owned(),
        email: value(&fields, "email").to_owned(),
        level: value(&fields, "nivel").trim().parse().unwrap_or(0),
        systems: ids(&fields, "sistemas"),
        is_admin: checked(&fields, "administrador"),
    };
    let (name, email) = (new.name.clone(), new.email.clone());
    let feedback = match state.admin.invite(&admin, new, client).await {
        Ok(_) => return Redirect::to("/admin/atendentes?ok=convidado").into_response(),
        Err(error) => match feedback_of(error, "convidar", &name, &email) {
            Ok(feedback) => feedback,
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, "/admin/atendentes", move || provide_context(feedback.clone())).await
}

/// `POST /admin/atendentes/{id}`: save a member's settings, or invite them again.
pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let page = format!("/admin/atendentes/{id}");
    let outcome = match value(&fields, "acao") {
        "salvar" => {
            let change = AgentChange {
                level: value(&fields, "nivel").trim().parse().unwrap_or(0),
                systems: ids(&fields, "sistemas"),
                is_admin: checked(&fields, "administrador"),
                active: checked(&fields, "ativo"),
            };
            state.admin.change(&admin, id, change, client).await.map(|()| "salvo")
        }
        "convite" => state.admin.reinvite(&admin, id, client).await.map(|()| "convite"),
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    let feedback = match outcome {
        Ok(done) => return Redirect::to(&format!("{page}?ok={done}")).into_response(),
        Err(error) => match feedback_of(error, "atendente", "", "") {
            Ok(feedback) => feedback,
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}

/// `POST /admin/calendario?ano=…`: add or remove a ponto facultativo.
pub async fn calendar(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let day = value(&fields, "data").trim().to_owned();
    let description = value(&fields, "descricao").to_owned();
    let (change, done) = match value(&fields, "acao") {
        "adicionar" => (CalendarChange::Add { day: day.clone(), description: description.clone() }, "dia-adicionado"),
        "remover" => (CalendarChange::Remove { day: day.clone() }, "dia-removido"),
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    // Back to the year of the day (or the one shown).
    let year = day
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .or_else(|| parts.uri.query().and_then(|q| q.strip_prefix("ano=")).and_then(|y| y.parse().ok()));
    let page = year.map_or_else(|| "/admin/calendario".to_owned(), |y| format!("/admin/calendario?ano={y}"));
    let feedback = match state.admin.change_calendar(&admin, change, client).await {
        Ok(()) => {
            let separator = if page.contains('?') { '&' } else { '?' };
            return Redirect::to(&format!("{page}{separator}ok={done}")).into_response();
        }
        Err(error) => match feedback_of(error, "calendario", &description, "") {
            Ok(feedback) => ConsoleFeedback { date: day, ..feedback },
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}

/// `POST /atendimento/convite/{token}`: the invited member's new password.
pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if !same_origin(&headers) {
        return forbidden_origin();
    }
    let client = client_of(&request).map(|ip| ip.to_string());
    let (parts, body) = request.into_parts();
    let Ok(Form(fields)) = Form::<Fields>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return (StatusCode::BAD_REQUEST, "Formulário inválido").into_response();
    };
    let page = format!("/atendimento/convite/{token}");
    let outcome =
        state.admin.accept_invite(&token, value(&fields, "nova"), value(&fields, "confirmacao"), client).await;
    let feedback = match outcome {
        Ok(()) => return Redirect::to("/atendimento/entrar?ok=senha-criada").into_response(),
        // Used or expired meanwhile: the page says so.
        Err(AdminError::NotFound) => ConsoleFeedback { status: 404, form: "convite".to_owned(), ..Default::default() },
        Err(error) => match feedback_of(error, "convite", "", "") {
            Ok(feedback) => feedback,
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}
