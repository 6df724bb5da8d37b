//! The form posts of `/admin/sistemas`: creating a system and every form of a system's
//! page (its data, FAQ entries, funcionalidades, canned replies). Same rules as the other
//! administration posts (see `admin`).

use super::checked_post::{AdminPost, AgentPost, Fields};
use super::respond::{page_again, unknown_action, SAVING};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::catalog_admin::SystemChange;
use app::api::console::ConsoleFeedback;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

/// The refused form's page again, with every posted value kept (the CSRF token aside).
async fn refused_page(state: AppState, post: AgentPost<Fields>, page: &str, form: &str, refused: Refusal) -> Response {
    let values = post.form.kept();
    page_again(state, post.parts, page, refused, SAVING, |shown| {
        shown.console(form, ConsoleFeedback { values, ..Default::default() })
    })
    .await
}

/// `POST /admin/sistemas`: a new system.
pub async fn create(State(state): State<AppState>, AdminPost(post): AdminPost<Fields>) -> Response {
    let fields = &post.form;
    let outcome = state
        .catalog_admin
        .create_system(
            &post.principal,
            fields.value("sigla"),
            fields.value("nome"),
            fields.value("nome_completo"),
            fields.value("descricao"),
            post.client.logged(),
        )
        .await;
    match outcome {
        Ok(slug) => Redirect::to(&format!("/admin/sistemas/{slug}?ok=sistema-criado")).into_response(),
        Err(refused) => refused_page(state, post, "/admin/sistemas", "sistema", refused).await,
    }
}

/// `POST /admin/sistemas/{slug}`: one form of the system's page.
pub async fn change(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    AdminPost(post): AdminPost<Fields>,
) -> Response {
    let fields = &post.form;
    let text = |name: &str| fields.text(name);
    let id = fields.id("id");
    let action = fields.text("acao");
    let change = match action.as_str() {
        "salvar_sistema" => SystemChange::Save {
            name: text("nome"),
            full_name: text("nome_completo"),
            description: text("descricao"),
            active: fields.checked("ativo"),
        },
        "nova_pergunta" => SystemChange::NewQuestion {
            question: text("pergunta"),
            answer: text("resposta"),
            published: fields.checked("publicada"),
        },
        "salvar_pergunta" => SystemChange::SaveQuestion {
            id,
            question: text("pergunta"),
            answer: text("resposta"),
            published: fields.checked("publicada"),
        },
        "excluir_pergunta" => SystemChange::DeleteQuestion { id },
        "subir_pergunta" => SystemChange::MoveQuestion { id, up: true },
        "descer_pergunta" => SystemChange::MoveQuestion { id, up: false },
        "nova_funcionalidade" => SystemChange::NewFuncionalidade { name: text("nome") },
        "salvar_funcionalidade" => {
            SystemChange::SaveFuncionalidade { id, name: text("nome"), active: fields.checked("ativa") }
        }
        "subir_funcionalidade" => SystemChange::MoveFuncionalidade { id },
        "nova_resposta" => SystemChange::NewCanned { title: text("titulo"), body: text("texto") },
        "salvar_resposta" => SystemChange::SaveCanned { id, title: text("titulo"), body: text("texto") },
        "excluir_resposta" => SystemChange::DeleteCanned { id },
        _ => return unknown_action(),
    };
    let page = format!("/admin/sistemas/{slug}");
    match state.catalog_admin.change_system(&post.principal, &slug, change, post.client.logged()).await {
        Ok(()) => Redirect::to(&format!("{page}?ok=salvo")).into_response(),
        Err(refused) => refused_page(state, post, &page, &action, refused).await,
    }
}
