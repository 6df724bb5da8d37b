//! `/`: the systems the portal serves, each leading to its FAQ.

use crate::api::catalog::{list_systems, SystemCard};
use crate::components::layout::FollowHint;
use crate::components::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let systems = Resource::new(|| (), |_| list_systems());
    view! {
        <Title text="Início" />
        <Meta name="description" content="Perguntas frequentes e abertura de chamados dos sistemas de informação do SUS." />
        <Loaded resource=systems let:list>
            <SystemList systems=list />
        </Loaded>
    }
}

#[component]
fn SystemList(systems: Vec<SystemCard>) -> impl IntoView {
    view! {
        <section class="container home" aria-labelledby="home-titulo">
            <h1 id="home-titulo">"Central de atendimento"</h1>
            <p class="lead">
                "Escolha o sistema para consultar as perguntas frequentes. "
                "Se a sua dúvida não estiver respondida, você poderá abrir um chamado."
            </p>
            <ul class="system-grid">
                {systems
                    .into_iter()
                    .map(|s| {
                        let href = format!("/faq/{}", s.slug);
                        view! {
                            <li class="system-card">
                                <a href=href>
                                    {s.logo_path.map(|src| view! { <img src=src alt="" width="64" height="64" /> })}
                                    <span class="system-card__name">{s.name}</span>
                                    <span class="system-card__full">{s.full_name}</span>
                                </a>
                                <p>{s.description}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <FollowHint />
        </section>
    }
}
