//! What a page shows when it cannot show what was asked, with the matching HTTP status.

use crate::api::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the status of the response being rendered (server only; a no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    {
        if let (Some(options), Ok(status)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
        {
            options.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Answers with a redirect (303) to `path` instead of the page (server only).
pub fn redirect_to(path: &str) {
    #[cfg(feature = "ssr")]
    {
        if let (Some(options), Ok(location)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(path))
        {
            options.set_status(http::StatusCode::SEE_OTHER);
            options.insert_header(http::header::LOCATION, location);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = path;
}

#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    set_status(error.status_code());
    match error {
        AppError::NotFound => view! { <NotFoundContent /> }.into_any(),
        AppError::SignInRequired => {
            redirect_to("/atendimento/entrar");
            view! {
                <Title text="Entrar" />
                <section class="container page-message" aria-labelledby="erro-titulo">
                    <h1 id="erro-titulo">"Entre para continuar"</h1>
                    <p><a href="/atendimento/entrar">"Entrar no atendimento"</a></p>
                </section>
            }
            .into_any()
        }
        AppError::Forbidden => view! {
            <Title text="Acesso negado" />
            <section class="container page-message" aria-labelledby="erro-titulo">
                <h1 id="erro-titulo">"Acesso negado"</h1>
                <p>{AppError::Forbidden.to_string()}</p>
                <p><a href="/atendimento">"Voltar à fila de atendimento"</a></p>
            </section>
        }
        .into_any(),
        other => view! {
            <Title text="Erro" />
            <section class="container page-message" aria-labelledby="erro-titulo">
                <h1 id="erro-titulo">"Não foi possível carregar esta página"</h1>
                <p>{other.to_string()}</p>
                <p><a href="/">"Voltar ao início"</a></p>
            </section>
        }
        .into_any(),
    }
}

#[component]
pub fn NotFoundContent() -> impl IntoView {
    view! {
        <Title text="Página não encontrada" />
        <section class="container page-message" aria-labelledby="erro-titulo">
            <h1 id="erro-titulo">"Página não encontrada"</h1>
            <p>"O endereço pode estar incorreto ou a página pode ter sido removida."</p>
            <p><a href="/">"Ver os sistemas atendidos"</a></p>
        </section>
    }
}
