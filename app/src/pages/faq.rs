//! `/faq/{system}`: a system's frequently asked questions and the way to open a request.
//!
//! The accordion is native `<details name=…>`: one question open at a time, operable by
//! keyboard and screen readers, and working with JavaScript off. The open answer is a
//! region named by its question (only one is open, so regions do not pile up). The only
//! script on the page is the search island.

use crate::api::catalog::{load_faq, SystemFaq};
use crate::components::layout::FollowHint;
use crate::components::{faq_search::FaqSearch, loaded::Loaded};
use crate::domain::faq_help::{HelpfulAnswer, HELPFUL_QUESTION};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn FaqPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let faq = Resource::new(
        move || (params.read().get("system").unwrap_or_default(), query.read().get("q").unwrap_or_default()),
        |(system, q)| load_faq(system, q),
    );
    view! {
        <Loaded resource=faq let:faq>
            <FaqView
                faq
                query=query.read_untracked().get("q").unwrap_or_default()
                rated=query.read_untracked().get("avaliada").and_then(|id| id.parse().ok())
            />
        </Loaded>
    }
}

#[component]
fn FaqView(faq: SystemFaq, query: String, rated: Option<i64>) -> impl IntoView {
    let shown = faq.shown();
    let SystemFaq { system, entries } = faq;
    let group = format!("faq-{}", system.slug);
    let open_request = format!("/faq/{}/chamado", system.slug);
    let helpful_action = format!("/faq/{}/util", system.slug);
    let title = format!("{} - Perguntas frequentes", system.name);
    let description = format!("Perguntas frequentes do {} ({}).", system.name, system.full_name);
    view! {
        <Title text=title />
        <Meta name="description" content=description />
        <section class="container faq" aria-labelledby="faq-sistema">
            <header class="faq__header">
                {system.logo_path.map(|src| view! { <img class="faq__logo" src=src alt="" width="96" height="96" /> })}
                <h1 id="faq-sistema" class="faq__system">
                    {system.name}
                    <span class="faq__system-full">{system.full_name}</span>
                </h1>
            </header>
            <h2 id="faq-perguntas" class="faq__title">"Perguntas frequentes"</h2>
            <FaqSearch query shown />
            <ul id="faq-list" class="faq__list" aria-labelledby="faq-perguntas">
                {entries
                    .into_iter()
                    .map(|entry| {
                        let id = format!("pergunta-{}", entry.id);
                        let thanked = rated == Some(entry.id);
                        view! {
                            <li hidden=!entry.matches>
                                <details class="faq__item" name=group.clone() id=id open=thanked>
                                    <summary>{entry.question.clone()}</summary>
                                    <div
                                        class="faq__answer"
                                        role="region"
                                        aria-label=entry.question
                                        inner_html=entry.answer_html
                                    ></div>
                                    <Helpful action=helpful_action.clone() entry=entry.id thanked />
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="faq__cta-text">"Não encontrou a resposta para a sua dúvida?"</p>
            <a class="br-button primary faq__cta" href=open_request>"Quero abrir um chamado"</a>
            <FollowHint />
        </section>
    }
}

/// "Esta resposta resolveu minha dúvida?" under an answer: a plain form (no script), and
/// a thank-you once answered.
#[component]
fn Helpful(action: String, entry: i64, thanked: bool) -> impl IntoView {
    if thanked {
        return view! { <p class="faq__helpful" role="status">"Obrigado pela resposta."</p> }.into_any();
    }
    view! {
        <form method="post" action=action class="faq__helpful">
            <input type="hidden" name="pergunta" value=entry.to_string() />
            <span class="faq__helpful-question">{HELPFUL_QUESTION}</span>
            <button type="submit" name="resposta" value=HelpfulAnswer::Yes.value() class="br-button secondary small">
                "Sim"
            </button>
            <button type="submit" name="resposta" value=HelpfulAnswer::No.value() class="br-button secondary small">
                "Não"
            </button>
        </form>
    }
    .into_any()
}
