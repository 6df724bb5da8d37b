//! The FAQ's answers where they help, over HTTP (`services::faq_help` does the rest):
//! `POST /faq/{system}/util`, the FAQ page's "Esta resposta resolveu minha dúvida?" (a
//! plain form: back to the answer with a thank-you, 303); and the request form's island's
//! `POST /api/sugestoes` (answered with the list already rendered as HTML, so that the
//! browser decodes nothing) and `POST /api/sugestoes/evento` (204). Each is checked for its
//! origin first.

use super::checked_post::SameOriginForm;
use super::client_addr::ClientAddr;
use super::respond::refusal;
use super::AppState;
use app::api::faq_help::{HelpfulPost, SuggestionEventPost, SuggestionsPost};
use app::components::suggestion_list::SuggestionList;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

pub async fn helpful(
    State(state): State<AppState>,
    Path(system): Path<String>,
    client: ClientAddr,
    SameOriginForm { form, .. }: SameOriginForm<HelpfulPost>,
) -> Response {
    match state.faq_help.faq_answer(&system, form.pergunta, form.resposta, client.0).await {
        Ok(()) => {
            let entry = form.pergunta;
            Redirect::to(&format!("/faq/{system}?avaliada={entry}#pergunta-{entry}")).into_response()
        }
        Err(refused) => refusal(&refused, "registrar a resposta"),
    }
}

/// `POST /api/sugestoes`: up to three FAQ answers for the description typed so far, as HTML
/// (empty when there are none).
pub async fn suggestions(
    State(state): State<AppState>,
    client: ClientAddr,
    SameOriginForm { form, .. }: SameOriginForm<SuggestionsPost>,
) -> Response {
    match state.faq_help.suggest(&form.sistema, &form.descricao, &form.chave, client.0).await {
        Ok(found) if found.is_empty() => StatusCode::NO_CONTENT.into_response(),
        Ok(found) => {
            let html = Owner::new().with(|| view! { <SuggestionList suggestions=found /> }.to_html());
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html)
                .into_response()
        }
        Err(refused) => refusal(&refused, "sugerir respostas"),
    }
}

/// `POST /api/sugestoes/evento`: a suggestion opened, or answered Sim/Não, on the form.
pub async fn suggestion_event(
    State(state): State<AppState>,
    client: ClientAddr,
    SameOriginForm { form, .. }: SameOriginForm<SuggestionEventPost>,
) -> Response {
    match state.faq_help.form_event(&form.sistema, form.entrada, form.evento, &form.chave, client.0).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(refused) => refusal(&refused, "registrar a resposta"),
    }
}
