//! Header, footer and the skip link that every page carries (eMAG asks for a link to
//! the content as the first thing a keyboard user reaches). "Acompanhar solicitação" is
//! in both, where people look for "check status" on a help desk.

use crate::domain::notices::Notice;
use crate::SITE_NAME;
use leptos::prelude::*;

/// The public body that runs the portal, in the header's identity bar.
pub const ORGANIZATION: &str = "Ministério da Saúde";

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

/// The eMAG shortcuts (1 content, 2 menu, 4 footer), as links that appear on focus and
/// as access keys; the accessibility statement lists them.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <nav class="skip-links" aria-label="Atalhos de teclado">
            <a class="skip-link" href="#conteudo" accesskey="1">"Ir para o conteúdo [1]"</a>
            <a class="skip-link" href="#menu" accesskey="2">"Ir para o menu [2]"</a>
            <a class="skip-link" href="#rodape" accesskey="4">"Ir para o rodapé [4]"</a>
        </nav>
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            // The government identity bar of the gov.br Design System's header: who runs
            // the portal, above the portal's own name.
            <div class="site-header__identity">
                <div class="container">
                    <span class="site-header__gov">{ORGANIZATION}</span>
                    <span class="site-header__sus">" · Sistema Único de Saúde"</span>
                </div>
            </div>
            <div class="container site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__name">{SITE_NAME}</span>
                    <span class="site-header__tagline">"Suporte aos sistemas de informação do SUS"</span>
                </a>
                <nav id="menu" class="site-header__nav" aria-label="Menu principal" tabindex="-1">
                    <a href=FOLLOW_PAGE>"Acompanhar solicitação"</a>
                </nav>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer id="rodape" class="site-footer" tabindex="-1">
            <div class="container">
                <p>
                    "Atendimento a gestores e profissionais de saúde de estados e municípios. "
                    "Seus dados são usados apenas para responder às suas solicitações."
                </p>
                <nav aria-label="Rodapé">
                    <ul class="site-footer__links">
                        <li><a href="/">"Central de atendimento"</a></li>
                        <li><a href=FOLLOW_PAGE>"Acompanhar solicitação"</a></li>
                        <li><a href=Notice::Privacy.path()>{Notice::Privacy.title()}</a></li>
                        <li><a href=Notice::Accessibility.path()>{Notice::Accessibility.title()}</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
