//! Header, footer and the skip link that every page carries (eMAG asks for a link to
//! the content as the first thing a keyboard user reaches).

use crate::SITE_NAME;
use leptos::prelude::*;

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
            </div>
        </footer>
    }
}
