//! `POST /admin/configuracoes`: the settings form. Same rules as the other administration
//! posts (origin, administrator, CSRF token); refused → the page again with a message
//! beside each wrong field and what was typed.

use super::admin::{admin_form, value};
use super::follow::render_page_with;
use super::AppState;
use crate::services::settings::SettingsError;
use app::api::console::ConsoleFeedback;
use app::pages::admin::settings::FORM;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

pub async fn change(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let (parts, fields, admin, client) = match admin_form(&state, &headers, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let outcome = state
        .settings
        .change(&admin, value(&fields, "prazo"), value(&fields, "arquivos"), value(&fields, "tamanho"), client)
        .await;
    let kept = || fields.iter().filter(|(k, _)| k != "csrf").cloned().collect::<Vec<_>>();
    let feedback = match outcome {
        Ok(()) => return Redirect::to("/admin/configuracoes?ok=configuracoes").into_response(),
        Err(SettingsError::Invalid(problems)) => {
            let mut problems = problems.into_iter().map(|(field, message)| (field.to_owned(), message));
            let (field, message) = problems.next().unwrap_or_default();
            ConsoleFeedback {
                status: 422,
                form: FORM.to_owned(),
                field: Some(field),
                message,
                values: kept(),
                others: problems.collect(),
                ..Default::default()
            }
        }
        Err(SettingsError::Database(error)) => {
            tracing::error!(error = %error, "saving the settings failed");
            ConsoleFeedback {
                status: 503,
                form: FORM.to_owned(),
                message: "Não foi possível salvar agora. Tente novamente em alguns minutos.".to_owned(),
                values: kept(),
                ..Default::default()
            }
        }
    };
    render_page_with(state, parts, "/admin/configuracoes", move || provide_context(feedback.clone())).await
}
