//! `POST /admin/avisos`: one public notice's new text. An [`AdminPost`] like the other
//! administration posts; refused → the page again with the message beside the text, kept.

use super::checked_post::{AdminPost, AgentPost};
use super::respond::{page_again, SAVING};
use super::AppState;
use app::api::notices::NoticePost;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn change(State(state): State<AppState>, AdminPost(post): AdminPost<NoticePost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    match state.notices.save(&principal, form.aviso, &form.texto, client.logged()).await {
        Ok(()) => Redirect::to("/admin/avisos?ok=aviso").into_response(),
        Err(refused) => page_again(state, parts, "/admin/avisos", refused, SAVING, |shown| shown.keeping(form)).await,
    }
}
