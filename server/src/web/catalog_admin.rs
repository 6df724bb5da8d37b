//! The form posts of `/admin/sistemas`: creating a system and every form of a system's
//! page (its data, FAQ entries, funcionalidades, canned replies). Same rules as the other
//! administration posts (see `admin`); a refused form comes back as typed.

use super::checked_post::{AdminPost, AgentPost};
use super::respond::{ask_first, page_again, SAVING};
use super::AppState;
use crate::services::catalog_admin::SystemChange;
use app::api::catalog_admin::{NewSystemPost, SystemAction, SystemPost};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

/// `POST /admin/sistemas`: a new system.
pub async fn create(State(state): State<AppState>, AdminPost(post): AdminPost<NewSystemPost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let outcome = state
        .catalog_admin
        .create_system(&principal, &form.sigla, &form.nome, &form.nome_completo, &form.descricao, client.logged())
        .await;
    match outcome {
        Ok(slug) => Redirect::to(&format!("/admin/sistemas/{slug}?ok=sistema-criado")).into_response(),
        Err(refused) => page_again(state, parts, "/admin/sistemas", refused, SAVING, |shown| shown.keeping(form)).await,
    }
}

/// What a form of the system's page asks for.
fn change_of(form: &SystemPost) -> SystemChange {
    // A form about a list item always names it; 0 matches no row (→ not found).
    let id = form.id.unwrap_or(0);
    match form.acao {
        SystemAction::SaveSystem => SystemChange::Save {
            name: form.nome.clone(),
            full_name: form.nome_completo.clone(),
            description: form.descricao.clone(),
            active: form.ativo.0,
            wait_target: form.prazo_espera.clone(),
        },
        SystemAction::NewQuestion => SystemChange::NewQuestion {
            question: form.pergunta.clone(),
            answer: form.resposta.clone(),
            published: form.publicada.0,
        },
        SystemAction::SaveQuestion => SystemChange::SaveQuestion {
            id,
            question: form.pergunta.clone(),
            answer: form.resposta.clone(),
            published: form.publicada.0,
        },
        SystemAction::DeleteQuestion => SystemChange::DeleteQuestion { id },
        SystemAction::QuestionUp => SystemChange::MoveQuestion { id, up: true },
        SystemAction::QuestionDown => SystemChange::MoveQuestion { id, up: false },
        SystemAction::NewFuncionalidade => SystemChange::NewFuncionalidade { name: form.nome.clone() },
        SystemAction::SaveFuncionalidade => {
            SystemChange::SaveFuncionalidade { id, name: form.nome.clone(), active: form.ativa.0 }
        }
        SystemAction::FuncionalidadeUp => SystemChange::MoveFuncionalidade { id },
        SystemAction::NewCanned => SystemChange::NewCanned { title: form.titulo.clone(), body: form.texto.clone() },
        SystemAction::SaveCanned => {
            SystemChange::SaveCanned { id, title: form.titulo.clone(), body: form.texto.clone() }
        }
        SystemAction::DeleteCanned => SystemChange::DeleteCanned { id },
    }
}

/// `POST /admin/sistemas/{slug}`: one form of the system's page.
pub async fn change(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    AdminPost(post): AdminPost<SystemPost>,
) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    let page = format!("/admin/sistemas/{slug}");
    let deleting = match form.acao {
        SystemAction::DeleteQuestion => Some(false),
        SystemAction::DeleteCanned => Some(true),
        _ => None,
    };
    if let (Some(canned), false) = (deleting, form.confirmado.0) {
        let title = state.catalog_admin.item_title(&slug, form.id.unwrap_or(0), canned).await;
        let (question, consequence) = match (canned, title) {
            (false, Ok(Some(title))) => (
                format!("Excluir a pergunta “{title}”?"),
                "Ela sai da página de perguntas frequentes na hora, e a exclusão não pode ser desfeita.",
            ),
            (true, Ok(Some(title))) => (
                format!("Excluir a resposta pronta “{title}”?"),
                "Os atendentes deixam de vê-la na hora, e a exclusão não pode ser desfeita.",
            ),
            (_, Ok(None)) => return super::respond::not_found(),
            (_, Err(error)) => return super::respond::refusal(&error.into(), "excluir"),
        };
        return ask_first(state, parts, &page, &form, question, consequence, "Confirmar exclusão").await;
    }
    match state.catalog_admin.change_system(&principal, &slug, change_of(&form), client.logged()).await {
        Ok(()) => Redirect::to(&format!("{page}?ok=salvo")).into_response(),
        Err(refused) => page_again(state, parts, &page, refused, SAVING, |shown| shown.keeping(form)).await,
    }
}
