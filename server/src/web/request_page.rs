//! `POST /faq/{system}/chamado`: the request form sent as a plain HTML form, when it was
//! submitted before the wasm arrived (a slow phone) or without JavaScript. The same
//! checks as the island's submission (`open_request::receive`); a success moves on to
//! the confirmation page (303), a refusal shows the form again with what was typed and
//! the messages beside the fields. Nothing typed goes into an address.

use super::open_request::receive;
use super::respond::render_page_with;
use super::AppState;
use app::api::request::{RequestFeedback, SubmitOutcome};
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use leptos::prelude::provide_context;

/// Added to the message when files came with a refused post: a page cannot give them back.
const FILES_AGAIN: &str = " As imagens escolhidas precisam ser anexadas de novo.";

pub async fn post_form(State(state): State<AppState>, Path(system): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let answer = receive(&state, &system, Request::from_parts(parts.clone(), body)).await;
    let files_note = if answer.had_files { FILES_AGAIN } else { "" };
    let (errors, message) = match answer.outcome {
        SubmitOutcome::Created { redirect, .. } => return Redirect::to(&redirect).into_response(),
        // Nothing of this form to show again: another site's post, or an unknown system.
        _ if answer.typed.is_none() && matches!(answer.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) => {
            return (answer.status, "Não foi possível registrar a solicitação.").into_response();
        }
        SubmitOutcome::Invalid { message, errors } => {
            (errors.into_iter().map(|e| (e.field, e.message)).collect(), format!("{message}{files_note}"))
        }
        SubmitOutcome::Refused { message } => (Vec::new(), format!("{message}{files_note}")),
    };
    let feedback = RequestFeedback {
        status: answer.status.as_u16(),
        typed: answer.typed.unwrap_or_default(),
        errors,
        message: Some(message),
        key: Some(answer.key).filter(|key| !key.is_empty()),
    };
    let path = format!("/faq/{system}/chamado");
    render_page_with(state, parts, &path, move || provide_context(feedback.clone())).await
}
