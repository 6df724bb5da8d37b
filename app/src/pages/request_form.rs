//! `/faq/{system}/chamado`: the form to open a request, with the real system's labels.
//! The page is rendered on the server; the form inside it is the `RequestForm` island.

use crate::api::request::{load_request_form, FormKey, RequestFormInfo};
use crate::components::{loaded::Loaded, request_form::RequestForm};
use crate::domain::notices::Notice;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn RequestFormPage() -> impl IntoView {
    let params = use_params_map();
    let form = Resource::new(move || params.read().get("system").unwrap_or_default(), load_request_form);
    view! {
        <Loaded resource=form let:info>
            <RequestFormView info />
        </Loaded>
    }
}

#[component]
fn RequestFormView(info: RequestFormInfo) -> impl IntoView {
    let RequestFormInfo { system, funcionalidades, limits, idempotency_key } = info;
    let title = format!("{} - Abrir solicitação", system.name);
    let description = format!("Abra uma solicitação de atendimento sobre o {}.", system.name);
    let faq = format!("/faq/{}", system.slug);
    // For the form island's server render (see `FormKey`).
    provide_context(FormKey(idempotency_key));
    view! {
        <Title text=title />
        <Meta name="description" content=description />
        <section class="container request" aria-labelledby="request-titulo">
            <header class="faq__header">
                {system.logo_path.map(|src| view! { <img class="faq__logo" src=src alt="" width="96" height="96" /> })}
                <h1 id="request-titulo" class="faq__system">
                    {format!("{} - Abertura de solicitação", system.name)}
                    <span class="faq__system-full">{system.full_name}</span>
                </h1>
            </header>
            <p class="request__back"><a href=faq>"Voltar às perguntas frequentes"</a></p>
            <p id="form-obrigatorio" class="request__required">
                <span class="required" aria-hidden="true">"* "</span>
                "Obrigatório"
            </p>
            <p class="request__privacy">
                "Os dados pedidos aqui servem apenas para identificar você, responder à sua solicitação e "
                "avisar sobre o andamento (Lei Geral de Proteção de Dados, Lei 13.709/2018). O CPF nunca é "
                "mostrado por inteiro nem enviado por e-mail. "
                <a href=Notice::Privacy.path()>"Leia o aviso de privacidade"</a>
                "."
            </p>
            <RequestForm system=system.slug funcionalidades max_files=limits.max_files max_mb=limits.max_mb />
        </section>
    }
}
