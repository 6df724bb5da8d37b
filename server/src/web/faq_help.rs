//! `POST /faq/{system}/util`: the FAQ page's "Esta resposta resolveu minha dúvida?" (a
//! plain form, no script). Checked for its origin; counted by `services::faq_help`; back to
//! the answer with a thank-you (303).

use super::checked_post::read_form;
use super::client_addr::ClientAddr;
use super::respond::{forbidden_origin, refusal};
use super::AppState;
use app::api::faq_help::HelpfulPost;
use app::request_context::same_origin;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn helpful(
    State(state): State<AppState>,
    Path(system): Path<String>,
    client: ClientAddr,
    request: Request,
) -> Response {
    if !same_origin(request.headers()) {
        return forbidden_origin();
    }
    let (parts, body) = request.into_parts();
    let form: HelpfulPost = match read_form(&parts, body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    match state.faq_help.faq_answer(&system, form.pergunta, form.resposta, client.0).await {
        Ok(()) => {
            let entry = form.pergunta;
            Redirect::to(&format!("/faq/{system}?avaliada={entry}#pergunta-{entry}")).into_response()
        }
        Err(refused) => refusal(&refused, "registrar a resposta"),
    }
}
