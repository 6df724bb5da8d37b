//! `POST /admin/configuracoes`: the settings form. An [`AdminPost`] like the other
//! administration posts; refused → the page again with a message beside each wrong field
//! and what was typed.

use super::checked_post::{AdminPost, AgentPost};
use super::respond::{page_again, SAVING};
use super::AppState;
use app::api::settings::SettingsPost;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn change(State(state): State<AppState>, AdminPost(post): AdminPost<SettingsPost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let values = [form.prazo.as_str(), &form.arquivos, &form.tamanho, &form.retencao, &form.retencao_auditoria];
    let outcome = state.settings.change(&principal, values, client.logged()).await;
    match outcome {
        Ok(()) => Redirect::to("/admin/configuracoes?ok=configuracoes").into_response(),
        Err(refused) => {
            page_again(state, parts, "/admin/configuracoes", refused, SAVING, |shown| shown.keeping(form)).await
        }
    }
}
