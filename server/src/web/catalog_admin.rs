//! The form posts of `/admin/sistemas`: creating a system and every form of a system's
//! page (its data, FAQ entries, funcionalidades, canned replies). Same rules as the other
//! administration posts (see `admin`).

use super::admin::{admin_form, checked, value, Fields};
use super::follow::{not_found, render_page_with};
use super::AppState;
use crate::services::catalog_admin::{CatalogError, SystemChange};
use app::api::console::ConsoleFeedback;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

fn id_of(fields: &Fields) -> i32 {
    value(fields, "id").trim().parse().unwrap_or(0)
}

/// The refusal as the page shows it, with every posted value kept (the CSRF token aside).
fn feedback_of(error: CatalogError, form: &str, fields: &Fields) -> Result<ConsoleFeedback, Box<Response>> {
    let (status, field, message) = match error {
        CatalogError::Invalid { field, message } => (422, Some(field.to_owned()), message),
        CatalogError::NotFound => return Err(Box::new(not_found())),
        CatalogError::Database(error) => {
            tracing::error!(error = %error, form, "a catalogue change failed");
            (503, None, "Não foi possível salvar agora. Tente novamente em alguns minutos.".to_owned())
        }
    };
    Ok(ConsoleFeedback {
        status,
        form: form.to_owned(),
        field,
        message,
        values: fields.iter().filter(|(k, _)| k != "csrf").cloned().collect(),
        ..Default::default()
    })
}

/// `POST /admin/sistemas`: a new system.
pub async fn create(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let outcome = state
        .catalog_admin
        .create_system(
            &admin,
            value(&fields, "sigla"),
            value(&fields, "nome"),
            value(&fields, "nome_completo"),
            value(&fields, "descricao"),
            client,
        )
        .await;
    let feedback = match outcome {
        Ok(slug) => return Redirect::to(&format!("/admin/sistemas/{slug}?ok=sistema-criado")).into_response(),
        Err(error) => match feedback_of(error, "sistema", &fields) {
            Ok(feedback) => feedback,
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, "/admin/sistemas", move || provide_context(feedback.clone())).await
}

/// `POST /admin/sistemas/{slug}`: one form of the system's page.
pub async fn change(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let text = |name: &str| value(&fields, name).to_owned();
    let action = value(&fields, "acao").to_owned();
    let change = match action.as_str() {
        "salvar_sistema" => SystemChange::Save {
            name: text("nome"),
            full_name: text("nome_completo"),
            description: text("descricao"),
            active: checked(&fields, "ativo"),
        },
        "nova_pergunta" => SystemChange::NewQuestion {
            question: text("pergunta"),
            answer: text("resposta"),
            published: checked(&fields, "publicada"),
        },
        "salvar_pergunta" => SystemChange::SaveQuestion {
            id: id_of(&fields),
            question: text("pergunta"),
            answer: text("resposta"),
            published: checked(&fields, "publicada"),
        },
        "excluir_pergunta" => SystemChange::DeleteQuestion { id: id_of(&fields) },
        "subir_pergunta" => SystemChange::MoveQuestion { id: id_of(&fields), up: true },
        "descer_pergunta" => SystemChange::MoveQuestion { id: id_of(&fields), up: false },
        "nova_funcionalidade" => SystemChange::NewFuncionalidade { name: text("nome") },
        "salvar_funcionalidade" => SystemChange::SaveFuncionalidade {
            id: id_of(&fields),
            name: text("nome"),
            active: checked(&fields, "ativa"),
        },
        "subir_funcionalidade" => SystemChange::MoveFuncionalidade { id: id_of(&fields) },
        "nova_resposta" => SystemChange::NewCanned { title: text("titulo"), body: text("texto") },
        "salvar_resposta" => {
            SystemChange::SaveCanned { id: id_of(&fields), title: text("titulo"), body: text("texto") }
        }
        "excluir_resposta" => SystemChange::DeleteCanned { id: id_of(&fields) },
        _ => return (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response(),
    };
    let page = format!("/admin/sistemas/{slug}");
    let feedback = match state.catalog_admin.change_system(&admin, &slug, change, client).await {
        Ok(()) => return Redirect::to(&format!("{page}?ok=salvo")).into_response(),
        Err(error) => match feedback_of(error, &action, &fields) {
            Ok(feedback) => feedback,
            Err(response) => return *response,
        },
    };
    render_page_with(state, parts, &page, move || provide_context(feedback.clone())).await
}
