//! `/acompanhar`: without a session, the lookup form (CPF, number, anti-robot check);
//! with one, the requests it covers (the one looked up, or, from an e-mail link, every
//! request of that person) with their progress and status, the offer of the whole list
//! by e-mail, the masked CPF, "Nova pesquisa" and the legend.

use crate::api::follow::{load_my_requests, RequestList};
use crate::components::{loaded::Loaded, lookup_form::LookupForm};
use crate::domain::lifecycle::Status;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn FollowPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(|| (), |()| load_my_requests());
    view! {
        <Title text="Acompanhar solicitação" />
        <Meta name="description" content="Acompanhe a sua solicitação de atendimento pelo CPF e pelo número de protocolo." />
        <section class="container follow" aria-labelledby="acompanhar-titulo">
            <h1 id="acompanhar-titulo">"Acompanhar solicitação"</h1>
            <Loaded resource=list let:list>
                {match list {
                    Some(list) => {
                        let sent = query.read_untracked().get("lista").is_some_and(|v| v == "enviada");
                        view! { <RequestTable list sent /> }.into_any()
                    }
                    None => {
                        let numero = query
                            .read_untracked()
                            .get("numero")
                            .filter(|n| crate::domain::protocol::ProtocolNumber::parse(n).is_some())
                            .unwrap_or_default();
                        view! {
                            <p>"Informe o CPF usado na abertura e o número da solicitação."</p>
                            <LookupForm numero />
                        }
                        .into_any()
                    }
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn RequestTable(list: RequestList, sent: bool) -> impl IntoView {
    let RequestList { masked_cpf, requests, whole } = list;
    view! {
        <p class="follow__cpf">
            <span>"CPF: "</span>
            <strong>{masked_cpf}</strong>
        </p>
        <table class="follow__table">
            <caption>"Suas solicitações"</caption>
            <thead>
                <tr>
                    <th scope="col">"Solicitação"</th>
                    <th scope="col">"Andamento"</th>
                    <th scope="col">"Situação"</th>
                </tr>
            </thead>
            <tbody>
                {requests
                    .into_iter()
                    .map(|request| {
                        let href = format!("/acompanhar/{}", request.number);
                        let progress = request.status.progress();
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=href>{request.number.clone()}</a>
                                    <span class="follow__system">{request.system_name}</span>
                                    <span class="follow__date">{format!("Aberta em {}", request.opened_on)}</span>
                                </th>
                                <td>
                                    <progress
                                        max="100"
                                        value=progress.to_string()
                                        aria-label=format!("Andamento da solicitação {}", request.number)
                                    >
                                        {format!("{progress}%")}
                                    </progress>
                                </td>
                                <td>
                                    <StatusBadge status=request.status />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {if whole {
            view! {
                <p class="follow__scope">
                    "Aparecem aqui as solicitações deste CPF abertas com o mesmo e-mail. "
                    "Uma solicitação aberta com outro e-mail é consultada pelo seu próprio número."
                </p>
            }
                .into_any()
        } else if sent {
            view! {
                <p class="follow__scope" role="status">
                    "Enviamos um link para o e-mail informado na abertura desta solicitação. "
                    "Ele vale por 1 hora e abre todas as solicitações feitas com este CPF e este e-mail."
                </p>
            }
                .into_any()
        } else {
            view! {
                <form method="post" action="/acompanhar/lista-por-email" class="follow__scope">
                    <p>
                        "A pesquisa mostra somente esta solicitação. Para ver todas as que você abriu, "
                        "receba um link no e-mail informado na abertura."
                    </p>
                    <button type="submit" class="br-button secondary">"Receber a lista por e-mail"</button>
                </form>
            }
                .into_any()
        }}
        <MyDataLinks />
        <form method="post" action="/acompanhar/sair" class="follow__new">
            <button type="submit" class="br-button secondary">"Nova pesquisa"</button>
        </form>
        <StatusLegend />
    }
}

/// "Baixar meus dados": the citizen's own copy of the requests this session covers
/// (LGPD art. 18), as JSON and as a page to read or print.
#[component]
pub fn MyDataLinks() -> impl IntoView {
    view! {
        <p class="follow__my-data">
            "Baixar meus dados: "
            <a href="/acompanhar/meus-dados" download="meus-dados.json">"arquivo JSON"</a>
            " ou "
            <a href="/acompanhar/meus-dados?formato=html" download="meus-dados.html">"página para imprimir"</a>
            "."
        </p>
    }
}

/// The status as a coloured badge with its name (colour is never the only cue).
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! { <span class=format!("badge badge--{}", status.code())>{status.label()}</span> }
}

#[component]
fn StatusLegend() -> impl IntoView {
    view! {
        <section class="follow__legend" aria-labelledby="legenda-titulo">
            <h2 id="legenda-titulo">"Legenda"</h2>
            <dl>
                {Status::ALL
                    .into_iter()
                    .map(|status| {
                        view! {
                            <div>
                                <dt><StatusBadge status /></dt>
                                <dd>{status.meaning()}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}
