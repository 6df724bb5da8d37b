//! `/atendimento/convite/{token}`: an invited member of the team chooses a password. The
//! link works once and for 72 hours; after that it says so and sends the person to an
//! administrator.

use super::ConsoleStyle;
use crate::api::admin::{load_invite, InviteView, NewPasswordPost};
use crate::api::AppError;
use crate::components::error_view::{set_status, ErrorView};
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::agent::PASSWORD_MIN_CHARS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = Resource::new(token, load_invite);
    view! {
        <Title text="Criar senha" />
        <ConsoleStyle />
        <Loaded resource=invite let:invite on_error=invalid_invite>
            <InviteForm invite />
        </Loaded>
    }
}

#[component]
fn InviteForm(invite: InviteView) -> impl IntoView {
    let feedback = refused::<NewPasswordPost>();
    let new_error = field_error(&feedback, "nova");
    let confirm_error = field_error(&feedback, "confirmacao");
    let hint =
        format!("Pelo menos {PASSWORD_MIN_CHARS} caracteres. Uma frase longa é mais segura que uma senha curta.");
    view! {
        <section class="container console-sign-in" aria-labelledby="convite-titulo">
            <h1 id="convite-titulo">"Criar senha"</h1>
            <p>{format!("Olá, {}. Crie a senha para entrar no atendimento com o e-mail {}.", invite.name, invite.email)}</p>
            <form method="post" class="console-form" novalidate>
                <div class="form-field">
                    <label for="nova">"Nova senha"</label>
                    <p id="nova-ajuda" class="field-hint">{hint}</p>
                    <input id="nova" name="nova" type="password" autocomplete="new-password" required
                        aria-required="true" maxlength="128" aria-describedby="nova-ajuda nova-erro"
                        aria-invalid=new_error.is_some().then_some("true") autofocus=new_error.is_some() />
                    <p id="nova-erro" class="field-error">{new_error.clone()}</p>
                </div>
                <div class="form-field">
                    <label for="confirmacao">"Confirme a nova senha"</label>
                    <input id="confirmacao" name="confirmacao" type="password" autocomplete="new-password"
                        required aria-required="true" maxlength="128" aria-describedby="confirmacao-erro"
                        aria-invalid=confirm_error.is_some().then_some("true")
                        autofocus=new_error.is_none() && confirm_error.is_some() />
                    <p id="confirmacao-erro" class="field-error">{confirm_error}</p>
                </div>
                <button type="submit" class="br-button primary">"Criar senha"</button>
            </form>
        </section>
    }
}

/// A used or expired link says so (404) rather than showing the generic missing page.
fn invalid_invite(error: AppError) -> AnyView {
    match error {
        AppError::NotFound => {
            set_status(404);
            view! {
                <section class="container page-message" aria-labelledby="convite-titulo">
                    <h1 id="convite-titulo">"Convite inválido ou expirado"</h1>
                    <p>"Este link já foi usado ou passou do prazo de 72 horas. Peça um novo convite a um administrador."</p>
                </section>
            }
            .into_any()
        }
        error => view! { <ErrorView error /> }.into_any(),
    }
}
