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

#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    set_status(error.status_code());
    match error {
        AppError::NotFound => view! { <NotFoundContent /> }.into_any(),
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
