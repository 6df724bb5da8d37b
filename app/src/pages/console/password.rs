//! `/atendimento/senha`: the signed-in agent changes the password (the current one is
//! asked again; every other session of the agent ends).

use super::{notice, ConsoleNav};
use crate::api::console::{load_agent, AgentView, PasswordPost};
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::agent::PASSWORD_MIN_CHARS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let agent = Resource::new(|| (), |()| load_agent());
    view! {
        <Title text="Alterar senha" />
        <Loaded resource=agent let:agent>
            <PasswordForm agent />
        </Loaded>
    }
}

#[component]
fn PasswordForm(agent: AgentView) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<PasswordPost>();
    let current_error = field_error(&feedback, "atual");
    let new_error = field_error(&feedback, "nova");
    let confirm_error = field_error(&feedback, "confirmacao");
    let csrf = agent.csrf.clone();
    let hint =
        format!("Pelo menos {PASSWORD_MIN_CHARS} caracteres. Uma frase longa é mais segura que uma senha curta.");
    view! {
        <ConsoleNav agent />
        <section class="container console-password" aria-labelledby="senha-titulo">
            <h1 id="senha-titulo">"Alterar senha"</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            <form method="post" action="/atendimento/senha" class="console-form" novalidate>
                <input type="hidden" name="csrf" value=csrf />
                <div class="form-field">
                    <label for="atual">"Senha atual"</label>
                    <input id="atual" name="atual" type="password" autocomplete="current-password" required
                        aria-required="true" maxlength="128" aria-describedby="atual-erro"
                        aria-invalid=current_error.is_some().then_some("true") autofocus=current_error.is_some() />
                    <p id="atual-erro" class="field-error">{current_error.clone()}</p>
                </div>
                <div class="form-field">
                    <label for="nova">"Nova senha"</label>
                    <p id="nova-ajuda" class="field-hint">{hint}</p>
                    <input id="nova" name="nova" type="password" autocomplete="new-password" required
                        aria-required="true" maxlength="128" aria-describedby="nova-ajuda nova-erro"
                        aria-invalid=new_error.is_some().then_some("true")
                        autofocus=current_error.is_none() && new_error.is_some() />
                    <p id="nova-erro" class="field-error">{new_error.clone()}</p>
                </div>
                <div class="form-field">
                    <label for="confirmacao">"Confirme a nova senha"</label>
                    <input id="confirmacao" name="confirmacao" type="password" autocomplete="new-password" required
                        aria-required="true" maxlength="128" aria-describedby="confirmacao-erro"
                        aria-invalid=confirm_error.is_some().then_some("true")
                        autofocus=current_error.is_none() && new_error.is_none() && confirm_error.is_some() />
                    <p id="confirmacao-erro" class="field-error">{confirm_error}</p>
                </div>
                <button type="submit" class="br-button primary">"Alterar senha"</button>
            </form>
        </section>
    }
}
