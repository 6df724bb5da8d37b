//! `/privacidade` and `/acessibilidade`: the public notices, as their administrators
//! wrote them (or the default text until they do). The same page for both routes.

use crate::api::notices::{load_notice, NoticePage};
use crate::components::loaded::Loaded;
use crate::domain::notices::Notice;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <NoticeRoute notice=Notice::Privacy /> }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! { <NoticeRoute notice=Notice::Accessibility /> }
}

#[component]
fn NoticeRoute(notice: Notice) -> impl IntoView {
    let page = Resource::new(move || notice, load_notice);
    view! {
        <Title text=notice.title() />
        <Meta name="description" content=format!("{} do portal de atendimento.", notice.title()) />
        <Loaded resource=page let:page>
            <NoticeView page />
        </Loaded>
    }
}

#[component]
fn NoticeView(page: NoticePage) -> impl IntoView {
    let NoticePage { notice, html, updated_on, retention } = page;
    view! {
        <article class="container notice" aria-labelledby="aviso-titulo">
            <h1 id="aviso-titulo">{notice.title()}</h1>
            {updated_on.map(|day| view! { <p class="field-hint">{format!("Atualizado em {day}.")}</p> })}
            // Rendered by the server's Markdown renderer: raw HTML in the text is shown as text.
            <div class="notice__text" inner_html=html></div>
            {retention.map(|text| view! {
                <section aria-labelledby="retencao-titulo">
                    <h2 id="retencao-titulo">"Por quanto tempo guardamos os seus dados"</h2>
                    <p>{text}</p>
                </section>
            })}
        </article>
    }
}
