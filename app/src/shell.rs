//! The HTML document around every page and the route table.

use crate::components::layout::{SiteFooter, SiteHeader, SkipLink};
use crate::pages::admin::{
    agent::AgentEditPage, audit::AuditLogPage, calendar::CalendarAdminPage, notices::NoticesAdminPage,
    reports::ReportsPage, settings::SettingsAdminPage, subjects::SubjectsPage, system::SystemAdminPage,
    systems::SystemsAdminPage, team::TeamPage, AdminHomePage,
};
use crate::pages::console::{
    invite::InvitePage, password::PasswordPage, profile::ProfilePage, queue::QueuePage, request::ConsoleRequestPage,
    sign_in::SignInPage,
};
use crate::pages::{
    faq::FaqPage,
    follow::FollowPage,
    history::HistoryPage,
    home::HomePage,
    not_found::NotFoundPage,
    notice::{AccessibilityPage, PrivacyPage},
    request_created::RequestCreatedPage,
    request_form::RequestFormPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The product's name as citizens know it (the sender name of the real system's e-mails).
pub const SITE_NAME: &str = "WEB Atendimento SUS";

/// Whether the page at `path` holds an island, and so loads the wasm: the request form
/// (`RequestForm`), the page of a request just opened (`CopyButton`) and the follow-up
/// lookup (`CaptchaField`). Every other page is whole without it (forms post, answers are
/// in the HTML) and ships no script: the FAQ page's weight is its text.
pub fn runs_islands(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["faq", _, "chamado"] | ["faq", _, "chamado", _] | ["acompanhar"])
}

/// The path of the page being rendered (the server's request; `/` elsewhere).
fn current_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return parts.uri.path().to_owned();
    }
    "/".to_owned()
}

/// The whole HTML document. Only the server calls this.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Without the hydration scripts nothing will hydrate: resources need not be written
    // into the page for the browser (`HydrationScripts` says the same when it is there).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html lang="pt-BR">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.ico" sizes="any" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                {runs_islands(&current_path()).then(|| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Pages are rendered completely before the first byte is sent (`SsrMode::Async`): the
/// status code (404, 500) must be known up front, and every answer must be in the HTML
/// for browsers without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { SITE_NAME.to_string() } else { format!("{page} | {SITE_NAME}") }
        } />
        <Router>
            <SkipLink />
            <SiteHeader />
            <main id="conteudo" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/faq/:system") view=FaqPage ssr=SsrMode::Async />
                    <Route path=path!("/faq/:system/chamado") view=RequestFormPage ssr=SsrMode::Async />
                    <Route path=path!("/faq/:system/chamado/:number") view=RequestCreatedPage ssr=SsrMode::Async />
                    <Route path=path!("/acompanhar") view=FollowPage ssr=SsrMode::Async />
                    <Route path=path!("/acompanhar/:number") view=HistoryPage ssr=SsrMode::Async />
                    <Route path=path!("/privacidade") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/acessibilidade") view=AccessibilityPage ssr=SsrMode::Async />
                    <Route path=path!("/atendimento") view=QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/atendimento/entrar") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/atendimento/senha") view=PasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/atendimento/perfil") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/atendimento/convite/:token") view=InvitePage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminHomePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/atendentes") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/atendentes/:id") view=AgentEditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/auditoria") view=AuditLogPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendario") view=CalendarAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/avisos") view=NoticesAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/titulares") view=SubjectsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/configuracoes") view=SettingsAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/sistemas") view=SystemsAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/relatorios") view=ReportsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/sistemas/:slug") view=SystemAdminPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/atendimento/solicitacoes/:number")
                        view=ConsoleRequestPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::runs_islands;

    #[test]
    fn only_the_pages_with_an_island_load_the_wasm() {
        for path in ["/faq/cnes/chamado", "/faq/saps/chamado/202600000042", "/acompanhar", "/acompanhar/"] {
            assert!(runs_islands(path), "{path}");
        }
        for path in ["/", "/faq/cnes", "/acompanhar/202600000042", "/atendimento", "/admin/sistemas/cnes", "/x/chamado"]
        {
            assert!(!runs_islands(path), "{path}");
        }
    }
}
