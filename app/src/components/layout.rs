//! Header, footer and the skip link that every page carries (eMAG asks for a link to
//! the content as the first thing a keyboard user reaches). "Acompanhar solicitação" is
//! in both, where people look for "check status" on a help desk.

use crate::SITE_NAME;
use leptos::prelude::*;

/// Where a citizen follows a request (by CPF and number).
pub const FOLLOW_PAGE: &str = "/acompanhar";

/// The way to follow a request, as the home page and each FAQ page offer it.
#[component]
pub fn FollowHint() -> impl IntoView {
    view! {
        <p class="follow-hint">
            "Já abriu uma solicitação? "
            <a href=FOLLOW_PAGE>"Acompanhar solicitação"</a>
        </p>
    }
}

#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#conteudo">"Ir para o conteúdo"</a> }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__name">{SITE_NAME}</span>
                    <span class="site-header__tagline">"Suporte aos sistemas de informação do SUS"</span>
                </a>
                <nav class="site-header__nav" aria-label="Atalhos">
                    <a href=FOLLOW_PAGE>"Acompanhar solicitação"</a>
                </nav>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container">
                <p>
                    "Atendimento a gestores e profissionais de saúde de estados e municípios. "
                    "Seus dados são usados apenas para responder às suas solicitações."
                </p>
                <nav aria-label="Rodapé">
                    <ul class="site-footer__links">
                        <li><a href="/">"Central de atendimento"</a></li>
                        <li><a href=FOLLOW_PAGE>"Acompanhar solicitação"</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
