//! `/faq/{system}/chamado/{número}?t=…`: the success page after opening a request. The
//! token proves this browser just opened it; without it the page is a 404, so nobody
//! learns from it which numbers exist.

use crate::api::request::confirm_created;
use crate::api::AppError;
use crate::components::{copy_button::CopyButton, error_view::ErrorView, loaded::Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RequestCreatedPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let confirmed = Resource::new(
        move || (number(), query.read().get("t").unwrap_or_default()),
        |(number, token)| confirm_created(number, token),
    );
    view! {
        <Loaded resource=confirmed let:confirmed>
            {if confirmed {
                view! { <Created number=number() /> }.into_any()
            } else {
                view! { <ErrorView error=AppError::NotFound /> }.into_any()
            }}
        </Loaded>
    }
}

#[component]
fn Created(number: String) -> impl IntoView {
    let params = use_params_map();
    let faq = format!("/faq/{}", params.read_untracked().get("system").unwrap_or_default());
    let follow = format!("/acompanhar?numero={number}");
    view! {
        <Title text=format!("Solicitação nº {number} criada") />
        <section class="container page-message created" aria-labelledby="criada-titulo">
            <h1 id="criada-titulo">{format!("Solicitação nº {number} foi criada com sucesso!")}</h1>
            <p>
                "Guarde este número: com ele e o seu CPF você acompanha o atendimento. "
                "Enviamos também uma confirmação para o seu e-mail, com o link para acompanhar."
            </p>
            <p class="created__number">
                <span class="created__label">"Número da solicitação: "</span>
                <strong id="numero-solicitacao">{number.clone()}</strong>
            </p>
            <CopyButton text=number />
            <p class="created__actions">
                <a class="br-button primary" href=follow>"Acompanhar solicitação"</a>
                <a class="br-button secondary" href=faq>"Voltar às perguntas frequentes"</a>
            </p>
        </section>
    }
}
