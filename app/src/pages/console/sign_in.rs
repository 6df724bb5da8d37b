//! `/atendimento/entrar`: e-mail and password. The form posts to the server, which
//! answers with the session cookie and the queue, or this page again with one message
//! that never tells whether the e-mail exists.

use super::{notice, ConsoleStyle};
use crate::api::console::{load_sign_in_form, SignInForm, SignInPost};
use crate::components::loaded::Loaded;
use crate::components::refused::{form_error, refused};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let form = Resource::new(|| (), |()| load_sign_in_form());
    view! {
        <Title text="Entrar no atendimento" />
        <ConsoleStyle />
        <section class="container console-sign-in" aria-labelledby="entrar-titulo">
            <h1 id="entrar-titulo">"Entrar no atendimento"</h1>
            <Loaded resource=form let:form>
                <SignInFormView form />
            </Loaded>
        </section>
    }
}

#[component]
fn SignInFormView(form: SignInForm) -> impl IntoView {
    let feedback = refused::<SignInPost>();
    let message = form_error(&feedback);
    let done = use_query_map().read_untracked().get("ok").and_then(|code| notice(&code));
    let email = feedback.map(|f| f.form.email).unwrap_or_default();
    let invalid = message.is_some();
    view! {
        {form.signed_in_as.map(|name| view! {
            <p class="console-notice">
                {format!("Você já entrou como {name}. ")}
                <a href="/atendimento">"Ir para a fila de atendimento"</a>
            </p>
        })}
        {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
        <p>"Acesso restrito à equipe de suporte."</p>
        <form method="post" action="/atendimento/entrar" class="console-form" novalidate>
            <input type="hidden" name="token" value=form.token />
            <p id="entrar-erro" class="field-error" role="alert">{message}</p>
            <div class="form-field">
                <label for="email">"E-mail"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    required
                    aria-required="true"
                    maxlength="254"
                    value=email
                    aria-invalid=invalid.then_some("true")
                    aria-describedby="entrar-erro"
                    autofocus=invalid
                />
            </div>
            <div class="form-field">
                <label for="senha">"Senha"</label>
                <input
                    id="senha"
                    name="senha"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-required="true"
                    maxlength="128"
                    aria-invalid=invalid.then_some("true")
                    aria-describedby="entrar-erro"
                />
            </div>
            <button type="submit" class="br-button primary">"Entrar"</button>
        </form>
    }
}
