//! The data subject's posts: `POST /admin/titulares` (search, export, correct, anonymise:
//! an [`AgentPost`] of an administrator or the "Encarregado"; the CPF travels in the body and the page is rendered again for it,
//! so it never goes into an address) and `GET /acompanhar/meus-dados` (the citizen's own
//! copy, inside their follow-up session).

use super::checked_post::AgentPost;
use super::respond::{ask_first_with, bad_form, not_found, page_again_with, render_page_with, Wording};
use super::AppState;
use crate::services::admin::may_answer_data_subjects;
use crate::services::privacy::export;
use app::api::forms::Ticked;
use app::api::privacy::{SubjectAction, SubjectDone, SubjectLookup, SubjectPost};
use app::api::TRY_AGAIN_LATER;
use app::domain::cpf::Cpf;
use app::domain::pt_br::count;
use app::request_context::session_in;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

const PAGE: &str = "/admin/titulares";
const SUBJECT: Wording = Wording { doing: "concluir", conflict: "" };

pub async fn act(State(state): State<AppState>, post: AgentPost<SubjectPost>) -> Response {
    let AgentPost { parts, form, principal, client } = post;
    if !may_answer_data_subjects(&principal) {
        tracing::warn!(agent = principal.id, "agent refused from /admin/titulares");
        return super::respond::forbidden();
    }
    let cpf = form.cpf.trim().to_owned();
    let lookup = cpf.clone();
    let with_lookup = move |done: Option<String>| {
        let lookup = lookup.clone();
        move || {
            provide_context(SubjectLookup(lookup.clone()));
            if let Some(done) = &done {
                provide_context(SubjectDone(done.clone()));
            }
        }
    };
    let outcome = match form.acao {
        SubjectAction::Search => {
            if Cpf::parse(&cpf).is_err() {
                Err(crate::refusal::Refusal::invalid("cpf", crate::services::privacy::CPF_REFUSED))
            } else {
                return render_page_with(state, parts, PAGE, with_lookup(None)).await;
            }
        }
        SubjectAction::Export => match state.privacy.export(&principal, &cpf, client.logged()).await {
            Ok(zip) => {
                return (
                    [
                        (header::CONTENT_TYPE, "application/zip"),
                        (header::CONTENT_DISPOSITION, "attachment; filename=\"dados-do-titular.zip\""),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                    zip,
                )
                    .into_response()
            }
            Err(refused) => Err(refused),
        },
        SubjectAction::Correct => {
            let fields = [form.nome.as_str(), form.email.as_str(), form.telefone.as_str()];
            match state.privacy.correct(&principal, &cpf, fields, client.logged()).await {
                Ok(()) => {
                    let done = Some("Dados corrigidos em todas as solicitações deste CPF.".to_owned());
                    return render_page_with(state, parts, PAGE, with_lookup(done)).await;
                }
                Err(refused) => Err(refused),
            }
        }
        SubjectAction::Anonymise if !form.confirmado.0 => {
            let keep = if form.textos.0 {
                "Os textos livres serão mantidos, como você confirmou que não contêm dados pessoais."
            } else {
                "Os textos livres (descrições, mensagens, comentários) serão substituídos por “[removido]”."
            };
            let consequence = format!(
                "Nome, e-mail, telefone, CPF e CNS serão substituídos por um código, e os anexos e e-mails \
                 apagados. {keep} Não é possível desfazer. As estatísticas continuam."
            );
            let form = SubjectPost { confirmado: Ticked(false), ..form };
            let question = "Anonimizar todas as solicitações deste CPF?".to_owned();
            return ask_first_with(state, parts, PAGE, &form, question, &consequence, "Anonimizar", with_lookup(None))
                .await;
        }
        SubjectAction::Anonymise => {
            match state.privacy.anonymise(&principal, &cpf, &form.numeros, form.textos.0, client.logged()).await {
                Ok(done) => {
                    let text = format!(
                        "Dados anonimizados: {}, {} e {}.",
                        count(done.requests, "solicitação", "solicitações"),
                        count(done.attachments, "anexo", "anexos"),
                        count(done.mails, "e-mail", "e-mails")
                    );
                    // Not looked up again: the CPF finds nothing now.
                    return render_page_with(state, parts, PAGE, move || provide_context(SubjectDone(text.clone())))
                        .await;
                }
                Err(refused) => Err(refused),
            }
        }
    };
    match outcome {
        Ok(()) => bad_form(),
        Err(refused) => {
            let kept = SubjectPost { confirmado: Ticked(false), ..form };
            page_again_with(state, parts, PAGE, refused, SUBJECT, |shown| shown.keeping(kept), with_lookup(None)).await
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CopyQuery {
    #[serde(default)]
    formato: String,
}

/// `GET /acompanhar/meus-dados[?formato=html]`: the requests the citizen's session covers,
/// as a JSON file or a page to read or print; a download either way.
pub async fn my_data(State(state): State<AppState>, Query(query): Query<CopyQuery>, headers: HeaderMap) -> Response {
    let session = session_in(&headers);
    let ids = match state.follow.visible_ids(session.as_deref()).await {
        Ok(Some(ids)) => ids,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "listing a session's requests for its copy");
            return (StatusCode::SERVICE_UNAVAILABLE, TRY_AGAIN_LATER).into_response();
        }
    };
    let copy = match state.privacy.citizen_copy(&ids).await {
        Ok(copy) => copy,
        Err(error) => {
            tracing::error!(error = %error, "collecting a citizen's copy");
            return (StatusCode::SERVICE_UNAVAILABLE, TRY_AGAIN_LATER).into_response();
        }
    };
    let (body, kind, name) = if query.formato == "html" {
        (export::html(&copy).into_bytes(), "text/html; charset=utf-8", "meus-dados.html")
    } else {
        (export::json(&copy), "application/json", "meus-dados.json")
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}
